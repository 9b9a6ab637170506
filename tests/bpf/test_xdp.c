// SPDX-License-Identifier: GPL-2.0-only
/*
 * The XDP program on a table of crafted frames, through BPF_PROG_TEST_RUN:
 * each row asserts the action and the counter that moved, and the whole
 * decision (hash, slot, group and slot counters) against the C oracle. Then
 * every frame of a few complex shapes truncated at each header boundary.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <errno.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <cmocka.h>

#include "cases.h"
#include "frames.h"
#include "xdp/lib/flow_hash.h"

/* Rows start from a default frame and override fields. */
#pragma GCC diagnostic ignored "-Woverride-init"

static struct harness h;
static int setup_err;

enum cpu_choice {
	CPU_ANY, /* CPU 0 */
	CPU_LAST, /* the last online CPU */
	CPU_SECOND, /* CPU 1: needs two */
	CPU_TARGET, /* a CPU whose table keeps the frame (cpu mode) */
	CPU_OTHER, /* a CPU whose table redirects it: needs two */
};

#define RXQ_EXPECTED 0xffffffffU /* the queue rss verification predicts */
#define GS_NONE ((size_t)-1)
#define GS(field) offsetof(struct steer_group_stats, field)

struct xdp_case {
	const char *name;
	struct frame_spec frame;
	int truncate; /* > 0: keep this many bytes */
	enum steer_mode mode;
	uint8_t flags;
	enum table_kind tables;
	enum cpu_choice cpu;
	uint32_t rx_queue;
	int action;
	uint32_t counter;
	size_t gs_field; /* the group counter that must move, besides packets */
	uint32_t group; /* expected group when counter is MATCHED */
};

/* One row per case reads better than what clang-format makes of it. */
/* clang-format off */
#define V4 .af = AF_INET, .saddr = V4_CLIENT, .daddr = V4_OTHER, .sport = 40001
#define V6 .af = AF_INET6, .saddr = V6_CLIENT, .daddr = V6_OTHER, .sport = 40001
#define SYN .tcp_flags = TH_SYN_
#define ACK .tcp_flags = TH_ACK_
#define WEB .dport = PORT_WEB
#define CPU_MODE .mode = STEER_MODE_CPU, .tables = TABLE_SPREAD
#define LOCAL                                                         \
	.cpu = CPU_TARGET, .action = XDP_PASS, .counter = STEER_CNT_MATCHED, \
	.gs_field = GS(local)
#define REDIR                                                         \
	.cpu = CPU_OTHER, .action = XDP_REDIRECT,                     \
	.counter = STEER_CNT_MATCHED, .gs_field = GS(redirected)
#define PASSED(cnt) .action = XDP_PASS, .counter = (cnt), .gs_field = GS_NONE
#define UDP .l4proto = L4_UDP
#define XSK_PORT .dport = PORT_XSK
#define TO_XSK                                                        \
	.rx_queue = XSK_QUEUE, .action = XDP_REDIRECT,                \
	.counter = STEER_CNT_MATCHED, .gs_field = GS(xsk_redirected)

static const struct xdp_case cases[] = {
	/* IPv4, cpu mode: every packet of a group goes to its slot's CPU. */
	{ "v4 SYN on its CPU passes", { V4, WEB, SYN }, CPU_MODE, LOCAL },
	{ "v4 SYN elsewhere is redirected", { V4, WEB, SYN }, CPU_MODE, REDIR },
	{ "v4 ACK elsewhere is redirected", { V4, WEB, ACK }, CPU_MODE, REDIR },
	{ "v4 SYN-ACK on its CPU passes",
	  { V4, WEB, .tcp_flags = TH_SYN_ | TH_ACK_ }, CPU_MODE, LOCAL },
	{ "v4 RST elsewhere is redirected",
	  { V4, WEB, .tcp_flags = TH_RST_ }, CPU_MODE, REDIR },
	{ "v4 FIN-ACK on its CPU passes",
	  { V4, WEB, .tcp_flags = TH_FIN_ | TH_ACK_ }, CPU_MODE, LOCAL },
	{ "v4 with 4 bytes of options", { V4, WEB, SYN, .ip4_optlen = 4 },
	  CPU_MODE, REDIR },
	{ "v4 with 40 bytes of options (IHL 15)",
	  { V4, WEB, SYN, .ip4_optlen = 40 }, CPU_MODE, LOCAL },
	{ "v4 with TCP options", { V4, WEB, SYN, .tcp_optlen = 20 }, CPU_MODE,
	  REDIR },
	{ "v4 with payload", { V4, WEB, ACK, .payload = 100 }, CPU_MODE,
	  REDIR },
	{ "v4 with Ethernet padding", { V4, WEB, SYN, .pad = 6 }, CPU_MODE,
	  LOCAL },
	{ "v4 DF is not a fragment", { V4, WEB, SYN, .ip4_frag = 0x4000 },
	  CPU_MODE, REDIR },
	{ "v4 exact address wins over wildcard",
	  { V4, SYN, .daddr = V4_SERVER, .dport = PORT_TLS }, CPU_MODE, LOCAL,
	  .group = G_V4_EXACT },
	{ "v4 other address on that port: wildcard",
	  { V4, SYN, .dport = PORT_TLS }, CPU_MODE, REDIR,
	  .group = G_V4_TLS_ANY },
	{ "v4 exact group without a live slot: the wildcard group serves",
	  { V4, SYN, .daddr = V4_IDLE, .dport = PORT_TLS }, CPU_MODE, LOCAL,
	  .group = G_V4_TLS_ANY },
	{ "v4 exact group without a live slot, rss mode: counted local for "
	  "the wildcard group", { V4, SYN, .daddr = V4_IDLE,
	  .dport = PORT_TLS }, .mode = STEER_MODE_RSS, .tables = TABLE_QUEUES,
	  .action = XDP_PASS, .counter = STEER_CNT_MATCHED,
	  .gs_field = GS(local), .group = G_V4_TLS_ANY },
	{ "v4 xsk exact group keeps its frames, live slots or not",
	  { V4, SYN, .daddr = V4_XSK, .dport = PORT_TLS }, CPU_MODE,
	  .rx_queue = 1, .action = XDP_PASS, .counter = STEER_CNT_MATCHED,
	  .gs_field = GS(xsk_miss), .group = G_XSK_V4_EXACT },
	{ "v4 wildcard group, server address",
	  { V4, WEB, SYN, .daddr = V4_SERVER }, CPU_MODE, LOCAL },
	{ "v4 port without a group", { V4, SYN, .dport = PORT_NONE }, CPU_MODE,
	  PASSED(STEER_CNT_NO_GROUP) },
	{ "v4 UDP to a TCP group's port", { V4, WEB, UDP }, CPU_MODE,
	  PASSED(STEER_CNT_NO_GROUP) },
	{ "v4 ICMP", { V4, .l4proto = 1 }, CPU_MODE,
	  PASSED(STEER_CNT_NOT_TCP) },
	{ "v4 first fragment (MF)", { V4, WEB, SYN, .ip4_frag = 0x2000 },
	  CPU_MODE, PASSED(STEER_CNT_FRAGMENT) },
	{ "v4 later fragment (offset)", { V4, WEB, ACK, .ip4_frag = 0x0010 },
	  CPU_MODE, PASSED(STEER_CNT_FRAGMENT) },
	{ "v4 version 5", { V4, WEB, SYN, .ip_version = 5 }, CPU_MODE,
	  PASSED(STEER_CNT_ERR_IP4) },
	{ "v4 IHL 4", { V4, WEB, SYN, .ip4_ihl = 4 }, CPU_MODE,
	  PASSED(STEER_CNT_ERR_IP4) },
	{ "v4 IHL beyond total length", { V4, WEB, SYN, .ip4_ihl = 15 },
	  CPU_MODE, PASSED(STEER_CNT_ERR_IP4) },
	{ "v4 total length beyond frame", { V4, WEB, SYN, .ip_len_delta = 1 },
	  CPU_MODE, PASSED(STEER_CNT_ERR_IP4) },
	{ "v4 total length cuts TCP", { V4, WEB, SYN, .ip_len_delta = -1 },
	  CPU_MODE, PASSED(STEER_CNT_ERR_TCP) },
	{ "v4 TCP data offset 4", { V4, WEB, SYN, .tcp_doff = 4 }, CPU_MODE,
	  PASSED(STEER_CNT_ERR_TCP) },
	{ "v4 TCP data offset beyond frame", { V4, WEB, SYN, .tcp_doff = 15 },
	  CPU_MODE, PASSED(STEER_CNT_ERR_TCP) },

	/* VLAN tags. */
	{ "802.1Q v4 SYN", { V4, WEB, SYN, .nr_vlans = 1 }, CPU_MODE, REDIR },
	{ "802.1ad+802.1Q v4 SYN",
	  { V4, WEB, SYN, .nr_vlans = 2, .vlan_tpid = { 0x88a8, 0x8100 } },
	  CPU_MODE, LOCAL },
	{ "802.1ad+802.1Q v6 SYN",
	  { V6, WEB, SYN, .nr_vlans = 2, .vlan_tpid = { 0x88a8, 0x8100 } },
	  CPU_MODE, REDIR },
	{ "three VLAN tags", { V4, WEB, SYN, .nr_vlans = 3 }, CPU_MODE,
	  PASSED(STEER_CNT_ERR_VLAN_DEPTH) },
	{ "ARP", { .ethertype = 0x0806 }, CPU_MODE,
	  PASSED(STEER_CNT_NOT_IP) },
	{ "802.1Q ARP", { .ethertype = 0x0806, .nr_vlans = 1 }, CPU_MODE,
	  PASSED(STEER_CNT_NOT_IP) },
	{ "Ethernet header only", { V4, WEB, SYN }, .truncate = 14, CPU_MODE,
	  PASSED(STEER_CNT_ERR_IP4) },
	{ "802.1Q tag cut", { V4, WEB, SYN, .nr_vlans = 1 }, .truncate = 17,
	  CPU_MODE, PASSED(STEER_CNT_ERR_VLAN) },

	/* IPv6 and its extension headers. */
	{ "v6 SYN on its CPU passes", { V6, WEB, SYN }, CPU_MODE, LOCAL },
	{ "v6 SYN elsewhere is redirected", { V6, WEB, SYN }, CPU_MODE, REDIR },
	{ "v6 exact group without a live slot or a wildcard: still exact",
	  { V6, SYN, .daddr = V6_SERVER,
	  .dport = PORT_TLS }, CPU_MODE, REDIR, .group = G_V6_EXACT },
	{ "v6 exact-address port, other address",
	  { V6, SYN, .dport = PORT_TLS }, CPU_MODE,
	  PASSED(STEER_CNT_NO_GROUP) },
	{ "v6 hop-by-hop", { V6, WEB, SYN, .nr_ext = 1, .ext = { 0 } },
	  CPU_MODE, REDIR },
	{ "v6 routing", { V6, WEB, SYN, .nr_ext = 1, .ext = { 43 } }, CPU_MODE,
	  LOCAL },
	{ "v6 destination options", { V6, WEB, ACK, .nr_ext = 1,
	  .ext = { 60 } }, CPU_MODE, REDIR },
	{ "v6 long extension header", { V6, WEB, SYN, .nr_ext = 1,
	  .ext = { 60 }, .ext_len = 3 }, CPU_MODE, LOCAL },
	{ "v6 chain HBH, DST, RT, DST", { V6, WEB, SYN, .nr_ext = 4,
	  .ext = { 0, 60, 43, 60 } }, CPU_MODE, REDIR },
	{ "v6 eight extension headers", { V6, WEB, SYN, .nr_ext = 8,
	  .ext = { 0, 60, 43, 60, 60, 60, 60, 60 } }, CPU_MODE, LOCAL },
	{ "v6 nine extension headers", { V6, WEB, SYN, .nr_ext = 9,
	  .ext = { 0, 60, 43, 60, 60, 60, 60, 60, 60 } }, CPU_MODE,
	  PASSED(STEER_CNT_ERR_IP6_EXT_DEPTH) },
	{ "v6 fragment header", { V6, WEB, SYN, .nr_ext = 1, .ext = { 44 } },
	  CPU_MODE, PASSED(STEER_CNT_FRAGMENT) },
	{ "v6 hop-by-hop then fragment", { V6, WEB, SYN, .nr_ext = 2,
	  .ext = { 0, 44 } }, CPU_MODE, PASSED(STEER_CNT_FRAGMENT) },
	{ "v6 UDP to a TCP group's port", { V6, WEB, UDP }, CPU_MODE,
	  PASSED(STEER_CNT_NO_GROUP) },
	{ "v6 ICMPv6", { V6, .l4proto = 58 }, CPU_MODE,
	  PASSED(STEER_CNT_NOT_TCP) },
	{ "v6 version 4 in an IPv6 EtherType",
	  { V6, WEB, SYN, .ip_version = 4 }, CPU_MODE,
	  PASSED(STEER_CNT_ERR_IP6) },
	{ "v6 payload length beyond frame", { V6, WEB, SYN,
	  .ip_len_delta = 1 }, CPU_MODE, PASSED(STEER_CNT_ERR_IP6) },
	{ "v6 extension header beyond payload", { V6, WEB, SYN, .nr_ext = 1,
	  .ext = { 60 }, .ext_len = 3, .ip_len_delta = -40 }, CPU_MODE,
	  PASSED(STEER_CNT_ERR_IP6_EXT) },
	{ "v6 payload length cuts TCP", { V6, WEB, SYN, .ip_len_delta = -4 },
	  CPU_MODE, PASSED(STEER_CNT_ERR_TCP) },
	{ "v6 port without a group", { V6, SYN, .dport = PORT_NONE }, CPU_MODE,
	  PASSED(STEER_CNT_NO_GROUP) },

	/* cpu mode: each arrival CPU's own table decides. */
	{ "default tables: v4 SYN stays on CPU 0", { V4, WEB, SYN },
	  .mode = STEER_MODE_CPU, .tables = TABLE_DEFAULT, LOCAL,
	  .cpu = CPU_ANY },
	{ "default tables: v6 ACK stays on the last CPU", { V6, WEB, ACK },
	  .mode = STEER_MODE_CPU, .tables = TABLE_DEFAULT, LOCAL,
	  .cpu = CPU_LAST },
	{ "CPU without a worker: v4 SYN is redirected", { V4, WEB, SYN },
	  .mode = STEER_MODE_CPU, .tables = TABLE_NO_WORKER_0, REDIR,
	  .cpu = CPU_ANY },
	{ "CPU without a worker: v6 ACK is redirected", { V6, WEB, ACK },
	  .mode = STEER_MODE_CPU, .tables = TABLE_NO_WORKER_0, REDIR,
	  .cpu = CPU_ANY },
	{ "CPU with a worker keeps its frames, one without does not",
	  { V4, WEB, SYN }, .mode = STEER_MODE_CPU,
	  .tables = TABLE_NO_WORKER_0, LOCAL, .cpu = CPU_LAST },
	{ "CPU with an unset table: passes, counted fallback", { V4, WEB, SYN },
	  .mode = STEER_MODE_CPU, .tables = TABLE_UNSET_0, .action = XDP_PASS,
	  .counter = STEER_CNT_MATCHED, .gs_field = GS(fallback) },

	/* cpu mode fallbacks. */
	{ "cpu mode, empty table entry", { V4, WEB, SYN },
	  .mode = STEER_MODE_CPU, .tables = TABLE_EMPTY, .action = XDP_PASS,
	  .counter = STEER_CNT_MATCHED, .gs_field = GS(fallback) },
	{ "cpu mode, CPU without CPUMAP entry", { V6, WEB, SYN },
	  .mode = STEER_MODE_CPU, .tables = TABLE_ABSENT_CPU,
	  .action = XDP_PASS, .counter = STEER_CNT_MATCHED,
	  .gs_field = GS(fallback) },

	/* rss mode: the NIC chose; count, and verify when asked. */
	{ "rss mode SYN passes, counted on this CPU", { V4, WEB, SYN },
	  .mode = STEER_MODE_RSS, .tables = TABLE_QUEUES, .action = XDP_PASS,
	  .counter = STEER_CNT_MATCHED, .gs_field = GS(local) },
	{ "rss verify, NIC agrees", { V4, WEB, SYN }, .mode = STEER_MODE_RSS,
	  .flags = STEER_IFACE_F_VERIFY_RSS, .tables = TABLE_QUEUES,
	  .rx_queue = RXQ_EXPECTED, .action = XDP_PASS,
	  .counter = STEER_CNT_MATCHED, .gs_field = GS(local) },
	{ "rss verify, table of 127 entries (hash % size)", { V4, WEB, SYN },
	  .mode = STEER_MODE_RSS, .flags = STEER_IFACE_F_VERIFY_RSS,
	  .tables = TABLE_QUEUES_ODD, .rx_queue = RXQ_EXPECTED,
	  .action = XDP_PASS, .counter = STEER_CNT_MATCHED,
	  .gs_field = GS(local) },
	{ "rss verify, table of 127 entries, v6", { V6, WEB, SYN },
	  .mode = STEER_MODE_RSS, .flags = STEER_IFACE_F_VERIFY_RSS,
	  .tables = TABLE_QUEUES_ODD, .rx_queue = RXQ_EXPECTED,
	  .action = XDP_PASS, .counter = STEER_CNT_MATCHED,
	  .gs_field = GS(no_local_slot) },
	{ "rss verify, NIC disagrees", { V6, WEB, SYN },
	  .mode = STEER_MODE_RSS, .flags = STEER_IFACE_F_VERIFY_RSS,
	  .tables = TABLE_EMPTY, .rx_queue = 2, .action = XDP_PASS,
	  .counter = STEER_CNT_MATCHED, .gs_field = GS(rss_mismatch) },

	/* rss mode: local only where the group has a live slot. */
	{ "rss mode SYN on a CPU without a live slot", { V6, WEB, SYN },
	  .mode = STEER_MODE_RSS, .tables = TABLE_QUEUES, .cpu = CPU_ANY,
	  .action = XDP_PASS, .counter = STEER_CNT_MATCHED,
	  .gs_field = GS(no_local_slot) },
	{ "rss mode ACK on a CPU without a live slot", { V6, WEB, ACK },
	  .mode = STEER_MODE_RSS, .tables = TABLE_QUEUES, .cpu = CPU_ANY,
	  .action = XDP_PASS, .counter = STEER_CNT_MATCHED,
	  .gs_field = GS(no_local_slot) },
	{ "rss mode SYN on a CPU with a live slot", { V6, WEB, SYN },
	  .mode = STEER_MODE_RSS, .tables = TABLE_QUEUES, .cpu = CPU_SECOND,
	  .action = XDP_PASS, .counter = STEER_CNT_MATCHED,
	  .gs_field = GS(local) },
	{ "rss mode SYN to a group with no live slot",
	  { V6, SYN, .daddr = V6_SERVER, .dport = PORT_TLS },
	  .mode = STEER_MODE_RSS, .tables = TABLE_QUEUES, .cpu = CPU_LAST,
	  .action = XDP_PASS, .counter = STEER_CNT_MATCHED,
	  .gs_field = GS(no_local_slot), .group = G_V6_EXACT },

	/* xsk groups: the socket of the RX queue, or the stack. */
	{ "xsk v4, no socket on queue 1",
	  { V4, SYN, .dport = PORT_XSK }, CPU_MODE, .rx_queue = 1,
	  .action = XDP_PASS, .counter = STEER_CNT_MATCHED,
	  .gs_field = GS(xsk_miss), .group = G_XSK_V4 },
	{ "xsk v4, the socket of its queue",
	  { V4, SYN, .dport = PORT_XSK }, CPU_MODE, .rx_queue = XSK_QUEUE,
	  .action = XDP_REDIRECT, .counter = STEER_CNT_MATCHED,
	  .gs_field = GS(xsk_redirected), .group = G_XSK_V4 },
	{ "xsk v4 ACK, the socket of its queue",
	  { V4, ACK, .dport = PORT_XSK, .payload = 32 }, .mode = STEER_MODE_RSS,
	  .tables = TABLE_QUEUES, .rx_queue = XSK_QUEUE,
	  .action = XDP_REDIRECT, .counter = STEER_CNT_MATCHED,
	  .gs_field = GS(xsk_redirected), .group = G_XSK_V4 },
	{ "xsk v6, no socket on queue 3",
	  { V6, ACK, .dport = PORT_XSK }, .mode = STEER_MODE_RSS,
	  .tables = TABLE_QUEUES, .rx_queue = 3, .action = XDP_PASS,
	  .counter = STEER_CNT_MATCHED, .gs_field = GS(xsk_miss),
	  .group = G_XSK_V6 },
	/* Sockets bound to another interface: never redirected there. */
	{ "xsk UDP v4, sockets on another interface: passed, a miss",
	  { V4, UDP, .dport = PORT_XSK_ELSEWHERE }, CPU_MODE,
	  .rx_queue = XSK_QUEUE, .action = XDP_PASS,
	  .counter = STEER_CNT_MATCHED, .gs_field = GS(xsk_miss),
	  .group = G_XSK_ELSEWHERE },
	{ "xsk UDP v6 to a v4-only group elsewhere: no group",
	  { V6, UDP, .dport = PORT_XSK_ELSEWHERE }, CPU_MODE,
	  .rx_queue = XSK_QUEUE, PASSED(STEER_CNT_NO_GROUP) },
	{ "xsk UDP v4, sockets on another interface, rss mode, queue 1",
	  { V4, UDP, .dport = PORT_XSK_ELSEWHERE, .payload = 64 },
	  .mode = STEER_MODE_RSS, .tables = TABLE_QUEUES, .rx_queue = 1,
	  .action = XDP_PASS, .counter = STEER_CNT_MATCHED,
	  .gs_field = GS(xsk_miss), .group = G_XSK_ELSEWHERE },

	/* UDP: xsk groups of protocol UDP, with TCP's header rules. */
	{ "UDP v4 xsk, the socket of its queue",
	  { V4, UDP, XSK_PORT, .payload = 32 }, CPU_MODE, TO_XSK,
	  .group = G_UDP_V4 },
	{ "UDP v4 xsk, no socket on queue 1", { V4, UDP, XSK_PORT },
	  .mode = STEER_MODE_RSS, .tables = TABLE_QUEUES, .rx_queue = 1,
	  .action = XDP_PASS, .counter = STEER_CNT_MATCHED,
	  .gs_field = GS(xsk_miss), .group = G_UDP_V4 },
	{ "UDP v6 xsk, the socket of its queue", { V6, UDP, XSK_PORT },
	  .mode = STEER_MODE_RSS, .tables = TABLE_QUEUES, TO_XSK,
	  .group = G_UDP_V6 },
	{ "UDP v4 xsk behind 802.1Q and IPv4 options",
	  { V4, UDP, XSK_PORT, .nr_vlans = 1, .ip4_optlen = 8 }, CPU_MODE,
	  TO_XSK, .group = G_UDP_V4 },
	{ "UDP v6 xsk behind hop-by-hop and destination options",
	  { V6, UDP, XSK_PORT, .nr_ext = 2, .ext = { 0, 60 } }, CPU_MODE,
	  TO_XSK, .group = G_UDP_V6 },
	{ "UDP v4 exact address group",
	  { V4, UDP, .daddr = V4_SERVER, .dport = PORT_TLS }, CPU_MODE, TO_XSK,
	  .group = G_UDP_V4_EXACT },
	{ "UDP v4 other address on an exact-only port",
	  { V4, UDP, .dport = PORT_TLS }, CPU_MODE,
	  PASSED(STEER_CNT_NO_GROUP) },
	{ "UDP v4 first fragment (MF)",
	  { V4, UDP, XSK_PORT, .ip4_frag = 0x2000 }, CPU_MODE,
	  PASSED(STEER_CNT_FRAGMENT) },
	{ "UDP v6 fragment header",
	  { V6, UDP, XSK_PORT, .nr_ext = 1, .ext = { 44 } }, CPU_MODE,
	  PASSED(STEER_CNT_FRAGMENT) },
	{ "UDP length beyond the IP payload",
	  { V4, UDP, XSK_PORT, .udp_len_delta = 1 }, CPU_MODE,
	  PASSED(STEER_CNT_ERR_UDP) },
	{ "UDP length 7", { V4, UDP, XSK_PORT, .payload = 8,
	  .udp_len_delta = -9 }, CPU_MODE, PASSED(STEER_CNT_ERR_UDP) },
	{ "UDP v4 length 0", { V4, UDP, XSK_PORT, .udp_len_delta = -8 },
	  CPU_MODE, PASSED(STEER_CNT_ERR_UDP) },
	{ "UDP v6 length 0: the whole payload, as the kernel reads it",
	  { V6, UDP, XSK_PORT, .payload = 4, .udp_len_delta = -12 }, CPU_MODE,
	  TO_XSK, .group = G_UDP_V6 },
	{ "UDP length short of the payload (trailing bytes)",
	  { V4, UDP, XSK_PORT, .payload = 16, .udp_len_delta = -8 }, CPU_MODE,
	  TO_XSK, .group = G_UDP_V4 },
	{ "UDP v4 total length cuts the UDP header",
	  { V4, UDP, XSK_PORT, .ip_len_delta = -1 }, CPU_MODE,
	  PASSED(STEER_CNT_ERR_UDP) },
	{ "UDP v6 payload length cuts the UDP header",
	  { V6, UDP, XSK_PORT, .ip_len_delta = -4 }, CPU_MODE,
	  PASSED(STEER_CNT_ERR_UDP) },

	/*
	 * BIG TCP: IP length 0 (TCP only) runs to the frame's end; IPv6 may
	 * carry a jumbo option instead (here from HARNESS_IP6_JUMBO_MIN).
	 */
	{ "v4 BIG TCP: total length 0", { V4, WEB, ACK, .payload = 200,
	  .ip_len_zero = true }, CPU_MODE, REDIR },
	{ "v4 BIG TCP with IP options, on its CPU", { V4, WEB, ACK,
	  .payload = 200, .ip4_optlen = 8, .ip_len_zero = true }, CPU_MODE,
	  LOCAL },
	{ "v4 BIG TCP, TCP options beyond the frame", { V4, WEB, ACK,
	  .tcp_doff = 15, .ip_len_zero = true }, CPU_MODE,
	  PASSED(STEER_CNT_ERR_TCP) },
	{ "v4 total length 0 is TCP's only", { V4, UDP, XSK_PORT,
	  .ip_len_zero = true }, CPU_MODE, PASSED(STEER_CNT_ERR_IP4) },
	{ "v6 BIG TCP: payload length 0", { V6, WEB, ACK, .payload = 200,
	  .ip_len_zero = true }, CPU_MODE, REDIR },
	{ "v6 jumbogram: Hop-by-Hop Jumbo Payload", { V6, WEB, ACK,
	  .payload = 200, .ip6_jumbo = true }, CPU_MODE, REDIR },
	{ "v6 jumbogram, SYN behind more extension headers", { V6, WEB, SYN,
	  .payload = 100, .ip6_jumbo = true, .nr_ext = 2, .ext = { 60, 43 } },
	  CPU_MODE, LOCAL },
	{ "v6 jumbogram to a UDP xsk group", { V6, UDP, XSK_PORT,
	  .payload = 200, .ip6_jumbo = true }, CPU_MODE, TO_XSK,
	  .group = G_UDP_V6 },
	{ "v6 jumbo length under the minimum", { V6, WEB, SYN,
	  .ip6_jumbo = true }, CPU_MODE, PASSED(STEER_CNT_ERR_IP6) },
	{ "v6 jumbo length beyond the frame", { V6, WEB, ACK, .payload = 200,
	  .ip6_jumbo = true, .ip_len_delta = 1 }, CPU_MODE,
	  PASSED(STEER_CNT_ERR_IP6) },
	{ "v6 payload length 0, hop-by-hop without a jumbo option",
	  { V6, WEB, ACK, .payload = 200, .ip_len_zero = true, .nr_ext = 1,
	  .ext = { 0 } }, CPU_MODE, PASSED(STEER_CNT_ERR_IP6) },
	{ "v6 payload length 0, UDP next: no payload", { V6, UDP, XSK_PORT,
	  .ip_len_zero = true }, CPU_MODE, PASSED(STEER_CNT_ERR_UDP) },

	/* An interface steerd has not configured. */
	{ "unconfigured interface", { V4, WEB, SYN }, .mode = STEER_MODE_NONE,
	  PASSED(STEER_CNT_NO_IFACE) },
};

static void check_setup(void)
{
	if (setup_err == -EPERM) {
		print_message("needs root (CAP_BPF, CAP_NET_ADMIN)\n");
		skip();
	}
	if (setup_err) {
		print_message("setup failed: %s\n", strerror(-setup_err));
		fail();
	}
}
/* clang-format on */

/* Default expected group for rows that match without naming one. */
static uint32_t expected_group(const struct xdp_case *c)
{
	if (c->group || c->counter != STEER_CNT_MATCHED)
		return c->group;
	return c->frame.af == AF_INET ? G_V4_ANY : G_V6_ANY;
}

/* Picks the CPU a row runs on; -1 when this machine cannot (one CPU). */
static int pick_cpu(const struct xdp_case *c, const uint8_t *frame, size_t len,
		    uint32_t rx_queue)
{
	struct oracle_result o;
	bool local;
	int cpu;

	if (c->cpu == CPU_ANY)
		return 0;
	if (c->cpu == CPU_LAST)
		return cases_nr_cpus() - 1;
	if (c->cpu == CPU_SECOND)
		return cases_nr_cpus() > 1 ? 1 : -1;
	/* The first CPU whose own table keeps (or redirects) the frame. */
	for (cpu = 0; cpu < cases_nr_cpus(); cpu++) {
		oracle_decide(&h.cfg, frame, len, cpu, rx_queue, &o);
		if (o.d.slot >= (uint32_t)cases_nr_cpus())
			continue;
		local = o.d.slot == (uint32_t)cpu;
		if (local == (c->cpu == CPU_TARGET))
			return cpu;
	}
	return -1;
}

/* Sets a row's mode; skips rows this host cannot have (one CPU). */
static void set_mode(const struct xdp_case *c)
{
	int err = cases_set_mode(&h, c->mode, c->flags, c->tables);

	if (err == -ENOTSUP) {
		print_message("not on this host (CPUs: %d)\n", cases_nr_cpus());
		skip();
	}
	assert_int_equal(err, 0);
}

static void run_case(void **state)
{
	const struct xdp_case *c = *state;
	struct frame_layout layout;
	struct oracle_result o;
	struct run_result r;
	uint8_t frame[FRAME_MAX];
	uint32_t rx_queue = c->rx_queue, i;
	int len, cpu, err;

	check_setup();
	len = frame_build(&c->frame, frame, sizeof(frame), &layout);
	assert_true(len > 0);
	if (c->truncate > 0)
		len = c->truncate;
	set_mode(c);

	if (rx_queue == RXQ_EXPECTED) {
		oracle_decide(&h.cfg, frame, len, 0, 0, &o);
		rx_queue = h.cfg.indir[o.d.hash % h.cfg.indir_size];
	}
	cpu = pick_cpu(c, frame, len, rx_queue);
	if (cpu < 0) {
		print_message("needs a second CPU\n");
		skip();
	}

	err = harness_run(&h, frame, len, cpu, rx_queue, &r);
	if (err)
		print_message("harness_run: %s\n", strerror(-err));
	assert_int_equal(err, 0);

	/* The row's own expectations. */
	assert_int_equal(r.xdp_action, c->action);
	assert_int_equal(r.d.counter, c->counter);
	for (i = 0; i < STEER_CNT_MAX; i++)
		assert_int_equal(r.counters[i], i == c->counter);
	if (c->counter == STEER_CNT_MATCHED) {
		assert_int_equal(r.d.group, expected_group(c));
		assert_int_equal(r.gs.packets, 1);
	}
	if (c->gs_field != GS_NONE)
		assert_int_equal(*(__u64 *)((char *)&r.gs + c->gs_field), 1);
	/*
	 * An xsk frame counts for its RX queue's slot too, unless it came
	 * from another interface than the group's sockets.
	 */
	if (c->gs_field == GS(xsk_redirected))
		assert_int_equal(r.ss.xsk_redirected, 1);
	if (c->gs_field == GS(xsk_miss)) {
		assert_int_equal(r.ss.xsk_miss, c->group != G_XSK_ELSEWHERE);
		assert_int_equal(r.d.slot, c->group == G_XSK_ELSEWHERE ?
						   STEER_SLOT_INVALID :
						   c->rx_queue);
	}
	/* A mismatch counts for the interface too. */
	assert_int_equal(r.is.rss_mismatch, c->gs_field == GS(rss_mismatch));

	/* And everything else, against the oracle. */
	oracle_decide(&h.cfg, frame, len, cpu, rx_queue, &o);
	assert_true(harness_agrees(frame, len, &r, &o));
}

/*
 * Each CPU decides with its own copy of the table: with each arrival CPU's
 * table rotated by its number, one flow goes to a different CPU from each
 * arrival CPU, kept on some and redirected on others.
 */
static void run_per_cpu_tables(void **state)
{
	struct frame_spec spec = { V4, WEB, SYN };
	uint32_t n = cases_nr_cpus(), cpu, want, kept = 0, moved = 0;
	uint8_t frame[FRAME_MAX];
	struct oracle_result o;
	struct run_result r;
	int len;

	check_setup();
	if (n < 2) {
		print_message("needs a second CPU\n");
		skip();
	}
	assert_int_equal(cases_set_mode(&h, STEER_MODE_CPU, 0, TABLE_ROTATED),
			 0);
	for (spec.sport = 40001; spec.sport < 40001 + 4 * n; spec.sport++) {
		len = frame_build(&spec, frame, sizeof(frame), NULL);
		assert_true(len > 0);
		for (cpu = 0; cpu < n; cpu++) {
			assert_int_equal(
				harness_run(&h, frame, len, cpu, 0, &r), 0);
			want = cases_table_cpu(TABLE_ROTATED, cpu,
					       STEER_CPU_BUCKET(r.d.hash));
			assert_int_equal(r.d.slot, want);
			assert_int_equal(r.xdp_action,
					 want == cpu ? XDP_PASS : XDP_REDIRECT);
			kept += want == cpu;
			moved += want != cpu;
			oracle_decide(&h.cfg, frame, len, cpu, 0, &o);
			assert_true(harness_agrees(frame, len, &r, &o));
		}
	}
	assert_true(kept > 0 && moved > 0);
}

/*
 * Frames cut just short of each header boundary are malformed: passed,
 * untouched, counted as an error, never matched.
 */
static const struct frame_spec truncated_shapes[] = {
	{ V4, WEB, SYN, .nr_vlans = 2, .ip4_optlen = 8, .tcp_optlen = 12 },
	{ V6, WEB, SYN, .nr_vlans = 1, .nr_ext = 3, .ext = { 0, 43, 60 },
	  .tcp_optlen = 4 },
	{ V4, UDP, XSK_PORT, .nr_vlans = 1, .ip4_optlen = 4, .payload = 4 },
	{ V6, UDP, XSK_PORT, .nr_ext = 2, .ext = { 0, 60 }, .payload = 4 },
};

static void run_truncations(void **state)
{
	const struct frame_spec *spec = *state;
	struct frame_layout layout;
	struct oracle_result o;
	struct run_result r;
	uint8_t frame[FRAME_MAX];
	size_t b, len;
	int full;

	check_setup();
	full = frame_build(spec, frame, sizeof(frame), &layout);
	assert_true(full > 0);
	assert_int_equal(cases_set_mode(&h, STEER_MODE_CPU, 0, TABLE_SPREAD),
			 0);
	assert_true(layout.nr_bounds >= 4);
	for (b = 0; b < layout.nr_bounds; b++) {
		for (len = layout.bounds[b] - 1; len <= layout.bounds[b];
		     len++) {
			/*
			 * A whole header followed by nothing is short too.
			 * BPF_PROG_TEST_RUN refuses frames under ETH_HLEN,
			 * as no NIC delivers them.
			 */
			if (len >= (size_t)full || len < ETH_HLEN)
				continue;
			assert_int_equal(harness_run(&h, frame, len, 0, 0, &r),
					 0);
			assert_int_equal(r.xdp_action, XDP_PASS);
			assert_true(r.d.counter >= STEER_CNT_FIRST_ERR);
			assert_int_equal(r.counters[r.d.counter], 1);
			oracle_decide(&h.cfg, frame, len, 0, 0, &o);
			assert_true(harness_agrees(frame, len, &r, &o));
		}
	}
}

static int group_setup(void **state)
{
	if (geteuid() != 0) {
		setup_err = -EPERM;
		return 0;
	}
	setup_err = cases_setup(&h, true);
	return 0;
}

static int group_teardown(void **state)
{
	harness_close(&h);
	return 0;
}

int main(void)
{
	size_t n = sizeof(cases) / sizeof(cases[0]);
	size_t m = sizeof(truncated_shapes) / sizeof(truncated_shapes[0]);
	struct CMUnitTest *tests = calloc(n + m + 1, sizeof(*tests));
	static char names[sizeof(truncated_shapes) /
			  sizeof(truncated_shapes[0])][64];
	size_t i;
	int fails;

	if (!tests)
		return 1;
	for (i = 0; i < n; i++) {
		tests[i].name = cases[i].name;
		tests[i].test_func = run_case;
		tests[i].initial_state = (void *)&cases[i];
	}
	for (i = 0; i < m; i++) {
		snprintf(names[i], sizeof(names[i]),
			 "truncated at every boundary, shape %zu", i + 1);
		tests[n + i].name = names[i];
		tests[n + i].test_func = run_truncations;
		tests[n + i].initial_state = (void *)&truncated_shapes[i];
	}
	tests[n + m].name = "each arrival CPU decides with its own table";
	tests[n + m].test_func = run_per_cpu_tables;
	fails = _cmocka_run_group_tests("xdp", tests, n + m + 1, group_setup,
					group_teardown);
	free(tests);
	return fails;
}
