/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The map ABI: every key, value, limit, counter id and action code shared by
 * steer's BPF programs and its userland. This header is the only place these
 * are declared; BPF code and C code both include it.
 *
 * Rules: fixed-width types, explicit padding, no bitfields, no pointers. Any
 * change to a layout or a meaning bumps STEER_ABI_VERSION; steerd refuses to
 * reuse pinned maps of another version.
 */
#ifndef STEER_ABI_H
#define STEER_ABI_H

#ifndef __bpf__
#include <linux/types.h> /* BPF code gets the types from vmlinux.h */
#endif

#define STEER_ABI_VERSION 5

/* Limits. Overridable at compile time for BPF objects built for small hosts. */
#ifndef STEER_MAX_GROUPS
#define STEER_MAX_GROUPS 256 /* listener groups */
#endif
#ifndef STEER_MAX_SLOTS
#define STEER_MAX_SLOTS 256 /* slots per group: one per CPU or RX queue */
#endif
#ifndef STEER_MAX_CPUS
#define STEER_MAX_CPUS STEER_MAX_SLOTS /* a reuseport slot is a CPU */
#endif
#ifndef STEER_MAX_QUEUES
#define STEER_MAX_QUEUES STEER_MAX_SLOTS /* an xsk slot is an RX queue */
#endif
#ifndef STEER_MAX_IFACES
#define STEER_MAX_IFACES 32 /* interfaces one steerd attaches to */
#endif
#ifndef STEER_INDIR_MAX
#define STEER_INDIR_MAX 2048 /* largest indirection table (ice PF: 2048) */
#endif

#define STEER_PORTS 65536
#define STEER_RSS_KEY_MAX 52 /* 40 (most NICs) or 52 bytes (ice, i40e) */
#define STEER_RSS_KEY_DEFAULT_LEN 40
/*
 * Toeplitz input: saddr, daddr, sport, dport in network order. 12 bytes for
 * IPv4, 36 for IPv6; a key must be at least 4 bytes longer than the input.
 */
#define STEER_TOEPLITZ_V4_LEN 12
#define STEER_TOEPLITZ_V6_LEN 36
#define STEER_TOEPLITZ_INPUT_MAX STEER_TOEPLITZ_V6_LEN
#define STEER_VLAN_MAX 2 /* 802.1Q / 802.1ad tags parsed */
#define STEER_IP6_EXT_MAX 8 /* IPv6 extension headers walked */

#define STEER_INDIR_NONE 0xffffffffU /* unset indirection entry */

/* Address families as array indices (not AF_* values). */
enum steer_af {
	STEER_AF_INET = 0,
	STEER_AF_INET6 = 1,
	STEER_AF_COUNT = 2,
};

/* Transport protocols a group can be of, as array indices (not IPPROTO_*). */
enum steer_proto {
	STEER_PROTO_TCP = 0, /* the default: a zeroed group is TCP */
	STEER_PROTO_UDP = 1,
	STEER_PROTO_COUNT = 2,
};

/* How an interface steers. */
enum steer_mode {
	STEER_MODE_NONE = 0, /* not configured: pass everything, count */
	STEER_MODE_RSS = 1, /* trust the NIC's RSS; count, optionally verify */
	STEER_MODE_CPU = 2, /* per-arrival-CPU bucket table + CPUMAP redirect */
};

/* steer_iface.flags */
#define STEER_IFACE_F_VERIFY_RSS (1U << 0) /* rss mode: check the NIC's queue */

/* What a listener group is made of. */
enum steer_kind {
	STEER_KIND_NONE = 0, /* no group: an empty match */
	STEER_KIND_REUSEPORT = 1, /* SO_REUSEPORT listeners, one slot per CPU */
	STEER_KIND_XSK = 2, /* AF_XDP sockets, one slot per RX queue */
};

/*
 * Map names as pinned under steerd's bpffs directory. The BPF object defines
 * each map with exactly this name.
 */
#define STEER_MAP_IFACES "steer_ifaces"
#define STEER_MAP_RSS "steer_rss"
#define STEER_MAP_PORTS "steer_ports"
#define STEER_MAP_LISTEN "steer_listen"
#define STEER_MAP_CPUMAP "steer_cpumap"
#define STEER_MAP_XSKS "steer_xsks"
#define STEER_MAP_COUNTERS "steer_counters"
#define STEER_MAP_GROUP_STATS "steer_group_stats"
#define STEER_MAP_SLOT_STATS "steer_slot_stats"
#define STEER_MAP_DEBUG "steer_debug"
#define STEER_MAP_SOCKS "steer_socks"
#define STEER_MAP_LIVE "steer_live"
#define STEER_MAP_LISTENERS "steer_listeners"
#define STEER_MAP_EVENTS "steer_events"
#define STEER_MAP_GROUPS "steer_groups"
#define STEER_MAP_CPU_TABLES "steer_cpu_tables"
#define STEER_MAP_CPU_STATS "steer_cpu_stats"
#define STEER_MAP_LIVE_CPUS "steer_live_cpus"
#define STEER_MAP_IFACE_STATS "steer_iface_stats"
#define STEER_MAP_XSK_IFACES "steer_xsk_ifaces"
#define STEER_MAP_XSK_RECORDS "steer_xsk_records"

/*
 * steer_ifaces: ARRAY[STEER_MAX_IFACES], key = interface slot. Each attached
 * program instance is loaded with its slot in the read-only global
 * `iface_slot`, so finding the configuration costs one array lookup.
 */
struct steer_iface {
	__u32 ifindex;
	__u8 mode; /* enum steer_mode */
	__u8 flags; /* STEER_IFACE_F_* */
	/*
	 * Which of the two steer_rss entries of this interface is live. Userland
	 * writes the idle generation completely, then flips this byte with one
	 * map update, so the program never sees a half-written table. Before
	 * rewriting the old generation it waits for in-flight programs to finish
	 * (an RCU grace period; steerd waits STEER_GEN_GRACE_MS).
	 */
	__u8 gen;
	__u8 pad;
};

#define STEER_GEN_GRACE_MS 50

/* steer_rss index of an interface slot's generation. */
#define STEER_RSS_INDEX(iface_slot, gen) ((iface_slot)*2 + ((gen)&1))

/*
 * steer_rss: ARRAY[STEER_MAX_IFACES * 2], key = STEER_RSS_INDEX(). The hash
 * key, its precomputed Toeplitz table and the indirection table, read with
 * one lookup.
 */
struct steer_rss {
	__u32 indir_size; /* entries used in indir[], 1..STEER_INDIR_MAX */
	__u32 key_len; /* 40 or 52 */
	__u8 key[STEER_RSS_KEY_MAX];
	/*
	 * bucket = hash % indir_size. In rss mode an entry is the NIC's RX
	 * queue (used to verify the NIC's choice). In cpu mode the program
	 * reads steer_cpu_tables instead; the entries record the interface's
	 * CPUs for a restarted steerd. STEER_INDIR_NONE: unset.
	 */
	__u32 indir[STEER_INDIR_MAX];
	/*
	 * toeplitz[i][b]: the hash contribution of byte value b at input
	 * position i, i.e. the 32-bit key window at bit 8*i, XORed for each set
	 * bit of b. The hash of an input is the XOR over its bytes.
	 */
	__u32 toeplitz[STEER_TOEPLITZ_INPUT_MAX][256];
};

/*
 * cpu mode. A frame's bucket is its flow hash (xdp/lib/flow_hash.h, keyed
 * with hash_key) modulo STEER_CPU_BUCKETS; the table of the CPU the frame
 * arrived on names the CPU that handles the bucket. A CPU's own number
 * there means the frame stays (XDP_PASS), another CPU's a CPUMAP redirect.
 * Every frame of a flow arrives on the same CPU with the same hash, so the
 * flow stays on one CPU. Userland derives the tables (ctrl/lib/cpu_table.c)
 * so that each CPU with a worker keeps up to its fair share of the flows
 * arriving on it and only the rest moves.
 */
#ifndef STEER_CPU_BUCKETS
#define STEER_CPU_BUCKETS 512 /* a power of two: the program masks */
#endif
#define STEER_CPU_NONE 0xffffU /* unset bucket: the frame passes here */

/*
 * steer_cpu_tables: PERCPU_ARRAY[STEER_MAX_IFACES * 2], key =
 * STEER_RSS_INDEX(slot, gen): flipped with steer_rss by the same
 * steer_iface.gen. Each CPU's copy of an entry is that arrival CPU's table,
 * read with one lookup; hash_key is the same in every copy.
 */
struct steer_cpu_table {
	__u64 hash_key;
	__u16 cpu[STEER_CPU_BUCKETS];
};

/*
 * What a destination resolves to. kind == STEER_KIND_NONE means no group.
 * The value of steer_listen and the wildcard entries of steer_ports.
 */
struct steer_match {
	__u16 group; /* 0..STEER_MAX_GROUPS-1 */
	__u8 kind; /* enum steer_kind */
	__u8 pad;
};

/*
 * steer_ports: ARRAY[STEER_PROTO_COUNT * STEER_PORTS], key =
 * STEER_PORT_INDEX(proto, destination port in host order). Frames to a port
 * with no group of their protocol cost one array lookup and no hash lookup.
 */
#define STEER_PORT_INDEX(proto, port) ((proto)*STEER_PORTS + (port))

struct steer_port {
	struct steer_match wildcard[STEER_AF_COUNT]; /* group on any address */
	/* Number of exact-address groups on this port; 0 skips steer_listen. */
	__u8 exact[STEER_AF_COUNT];
	__u8 pad[2];
};

/* steer_listen: HASH, exact-address groups. Value: struct steer_match. */
struct steer_listen_key {
	__u8 af; /* enum steer_af */
	__u8 proto; /* enum steer_proto */
	__be16 port;
	__u8 addr[16]; /* IPv4 in the first 4 bytes, rest zero */
};

/*
 * steer_cpumap: CPUMAP[STEER_MAX_CPUS], key = CPU (cpu mode redirects).
 * steer_xsks: XSKMAP[STEER_MAX_GROUPS * STEER_MAX_QUEUES].
 */
#define STEER_XSK_INDEX(group, queue) ((group)*STEER_MAX_QUEUES + (queue))

/*
 * steer_xsk_ifaces: ARRAY[STEER_MAX_GROUPS] of __u32, key = group: the
 * ifindex of the interface an xsk group's AF_XDP sockets are bound to, 0
 * before its first registration. steer_xsks has no interface in its key, so
 * a frame of the group arriving on another interface must not be
 * redirected there (the kernel would drop it): it passes, as a miss.
 */

/*
 * steer_xsk_records: HASH[STEER_SOCKS_MAX], key = STEER_XSK_INDEX(): the
 * AF_XDP sockets steerd put in steer_xsks, so a restarted steerd knows
 * them (an XSKMAP cannot be read from userland). No program reads it.
 */
struct steer_xsk_record {
	__u64 cookie; /* SO_COOKIE of the socket */
	__u32 pid; /* registrant */
	__u32 ifindex; /* the interface it is bound to */
};

/*
 * Counters, each declared once here: the X-macros below generate the enum
 * or struct the BPF programs count in, and userland takes the names steerd
 * sends and steerctl prints from them (X(...) with the same arguments).
 * Names and order are part of the ABI and of the control protocol.
 *
 * steer_counters: PERCPU_ARRAY[STEER_CNT_MAX] of __u64. Every frame ends in
 * exactly one of these outcomes, so their sum is the number of frames seen.
 * X(ID, name): the counter STEER_CNT_ID, "name" on the wire.
 */
#define STEER_FRAME_COUNTERS(X)                                               \
	X(NO_IFACE, no_iface) /* interface not configured */                  \
	X(NOT_IP, not_ip) /* neither IPv4 nor IPv6 */                         \
	/* IP, neither TCP nor UDP (or an unknown IPv6 ext header) */         \
	X(NOT_TCP, not_tcp)                                                   \
	X(FRAGMENT, fragment) /* IPv4 MF/offset or IPv6 fragment header */    \
	/* TCP or UDP, destination has no group of that protocol */           \
	X(NO_GROUP, no_group)                                                 \
	X(MATCHED, matched) /* to a group: see steer_group_stats */           \
	/* Malformed or truncated, passed untouched. */                       \
	X(ERR_ETH, err_eth) /* Ethernet header truncated */                   \
	X(ERR_VLAN, err_vlan) /* VLAN tag truncated */                        \
	X(ERR_VLAN_DEPTH, err_vlan_depth) /* more than STEER_VLAN_MAX tags */ \
	/* IPv4 truncated, bad version/IHL/total length */                    \
	X(ERR_IP4, err_ip4)                                                   \
	X(ERR_IP6, err_ip6) /* IPv6 truncated, bad version/payload length */  \
	X(ERR_IP6_EXT, err_ip6_ext) /* IPv6 extension header truncated */     \
	/* more than STEER_IP6_EXT_MAX ext headers */                         \
	X(ERR_IP6_EXT_DEPTH, err_ip6_ext_depth)                               \
	X(ERR_TCP, err_tcp) /* TCP truncated or data offset < 5 */            \
	/* UDP truncated, or its length < 8 or beyond the IP payload */       \
	X(ERR_UDP, err_udp)

#define STEER_CNT_ENUM_(id, name) STEER_CNT_##id,
enum steer_counter {
	STEER_FRAME_COUNTERS(STEER_CNT_ENUM_) STEER_CNT_MAX,
};
#undef STEER_CNT_ENUM_

#define STEER_CNT_FIRST_ERR STEER_CNT_ERR_ETH

/*
 * The SK_REUSEPORT program's counters, kept per group and per slot (the
 * same fields in steer_group_stats and steer_slot_stats). A SYN's selection
 * is counted once, where the choice is made, against the slot of the CPU
 * the SYN is processed on (its own slot): select_local when that slot's
 * listener took it (what a client sees as a local connection: the
 * accepting worker runs on the CPU that received it), select_fallback when
 * the slot was empty or draining and a live slot's listener took it,
 * select_none when no live listener was found and the kernel chose; their
 * sum is the SYNs selected. A listener closing with queued requests or
 * connections counts each one it moves against the closing listener's
 * slot: to the slot's other bank (the standby), else to another live slot,
 * else left to the kernel. X(field, line) as in STEER_GROUP_COUNTERS.
 */
#define STEER_SELECT_COUNTERS(X, line)                                        \
	X(select_local, line) /* SYN: listener of its own CPU's slot */       \
	X(select_fallback, line) /* SYN: own slot empty/draining, live one */ \
	X(select_none, line) /* no live listener found: kernel's choice */    \
	X(migrate_standby, (line) + 1) /* request to its slot's standby */    \
	X(migrate_other, (line) + 1) /* request to another live slot */       \
	X(migrate_none, (line) + 1) /* no live listener: kernel's choice */

/*
 * The SYNs selected, of a struct with the STEER_SELECT_COUNTERS fields:
 * locality is select_local of these.
 */
#define STEER_SELECTED(s) \
	((s)->select_local + (s)->select_fallback + (s)->select_none)

/*
 * steer_group_stats: PERCPU_ARRAY[STEER_MAX_GROUPS], key = group. Counted on
 * the CPU that ran the program; userland sums CPUs. X(field, line): a
 * __u64 field, named so on the wire; line is the line of `steerctl stats`
 * it is shown on (XDP steering, AF_XDP and RSS, SK_REUSEPORT selection,
 * migration).
 */
#define STEER_GROUP_COUNTERS(X)                                              \
	X(packets, 0) /* frames of the group */                              \
	X(syns, 0) /* SYN without ACK: new connections */                    \
	/* cpu mode: frame already on its slot's CPU, passed; rss mode: */   \
	/* passed on a CPU where the group has a live slot */                \
	X(local, 0)                                                          \
	/* rss mode: passed on a CPU where the group has no live slot */     \
	X(no_local_slot, 0)                                                  \
	X(redirected, 0) /* cpu mode: redirected to the slot's CPU */        \
	X(fallback, 0) /* cpu mode: no CPU for the bucket, or CPUMAP miss */ \
	X(xsk_redirected, 1) /* xsk: redirected to the queue's socket */     \
	/* xsk: no socket on the queue, or from another interface: passed */ \
	X(xsk_miss, 1)                                                       \
	X(rss_mismatch, 1) /* rss verify: NIC queue differs from software */ \
	/* Written by the SK_REUSEPORT program: STEER_SELECT_COUNTERS. */    \
	STEER_SELECT_COUNTERS(X, 2)

#define STEER_STATS_FIELD_(name, ...) __u64 name;
struct steer_group_stats {
	STEER_GROUP_COUNTERS(STEER_STATS_FIELD_)
};

/*
 * steer_slot_stats: PERCPU_ARRAY[STEER_MAX_GROUPS * STEER_MAX_SLOTS], key =
 * STEER_SLOT_INDEX(). SYNs per slot: the slot is the target CPU in cpu mode,
 * the CPU that ran the program in rss mode, the RX queue for xsk groups;
 * for the SK_REUSEPORT program's counters, see STEER_SELECT_COUNTERS. The
 * xsk_ counters count every frame of an xsk group that arrived on its
 * interface, by RX queue; a frame from another interface counts as the
 * group's xsk_miss only (it has no queue of the group's interface).
 * X(field, ...): a __u64 field, named so in group_show's slots (a second
 * argument, when there is one, is STEER_GROUP_COUNTERS' line: unused).
 */
#define STEER_SLOT_INDEX(group, slot) ((group)*STEER_MAX_SLOTS + (slot))

#define STEER_SLOT_COUNTERS(X)                                           \
	X(syns)                                                          \
	X(local) /* SYN was already on the slot's CPU */                 \
	X(redirected) /* SYN was redirected to the slot's CPU */         \
	X(no_local_slot) /* rss mode: SYN on a CPU with no live slot */  \
	X(xsk_redirected) /* xsk: every frame to the queue's socket */   \
	X(xsk_miss) /* xsk: every frame of the queue, no socket there */ \
	/* Written by the SK_REUSEPORT program. */                       \
	STEER_SELECT_COUNTERS(X, 0)

struct steer_slot_stats {
	STEER_SLOT_COUNTERS(STEER_STATS_FIELD_)
};

/*
 * steer_cpu_stats: PERCPU_ARRAY[STEER_MAX_CPUS], key = the CPU a CPUMAP
 * entry delivers to. Counted by the tracepoint program
 * (steer_cpumap_trace.bpf.c) for steer's CPUMAP only: the frames XDP put
 * in a CPU's queue and those dropped there, because the queue was full at
 * the enqueue or the CPU's kthread could not build an skb for them. A drop
 * here is a frame steer redirected and the stack never saw.
 * X(field): a __u64 field, named so on the wire.
 */
#define STEER_CPU_COUNTERS(X)                                            \
	X(cpumap_enqueued) /* frames put in the CPU's queue */           \
	X(cpumap_enqueue_drops) /* dropped at the enqueue: queue full */ \
	X(cpumap_kthread_drops) /* dropped by the CPU's kthread */

struct steer_cpu_stats {
	STEER_CPU_COUNTERS(STEER_STATS_FIELD_)
};

/*
 * steer_iface_stats: PERCPU_ARRAY[STEER_MAX_IFACES], key = interface slot;
 * zeroed when the slot is given to another interface. X(field): a __u64
 * field, named so on the wire.
 */
#define STEER_IFACE_COUNTERS(X) \
	X(rss_mismatch) /* rss verify: NIC queue differs from software */

struct steer_iface_stats {
	STEER_IFACE_COUNTERS(STEER_STATS_FIELD_)
};
#undef STEER_STATS_FIELD_

/*
 * Decision record for tests, written to steer_debug (PERCPU_ARRAY[1]) only
 * when the program is loaded with the read-only global `debug` set; with it
 * off, the verifier removes the code.
 */
enum steer_action {
	STEER_ACT_PASS = 0,
	STEER_ACT_REDIRECT_CPU = 1,
	STEER_ACT_REDIRECT_XSK = 2,
};

struct steer_decision {
	__u32 seq; /* incremented per frame */
	__u32 counter; /* enum steer_counter that ended the frame's path */
	__u32 action; /* enum steer_action taken */
	__u32 group; /* matched group, or STEER_GROUP_INVALID */
	__u32 hash; /* flow hash (cpu mode), Toeplitz (rss verify), else 0 */
	__u32 slot; /* CPU (cpu, rss) or queue (xsk); STEER_SLOT_INVALID */
	__u32 syn; /* 1 for a SYN without ACK */
	__u32 pad;
};

#define STEER_GROUP_INVALID 0xffffffffU
#define STEER_SLOT_INVALID 0xffffffffU

/*
 * Listener sockets. steer_socks: SOCKHASH keyed by stable ids (group, slot,
 * bank), never by the kernel's reuseport index, which the kernel renumbers
 * when a member leaves. The kernel drops an entry when its socket closes, so
 * a closed listener is out of selection at once and no reference keeps it.
 *
 * A slot has two banks: the active listener sits in the slot's primary bank
 * (steer_live.primary[slot]), a standby (the next generation) in the other.
 * Selection tries the primary bank, then the other: when the active closes
 * or is taken out to drain, the standby takes its SYNs with no map update,
 * and steerd then flips the primary bank.
 */
#define STEER_BANKS 2

struct steer_sock_key {
	__u16 group;
	__u16 slot; /* CPU for reuseport groups */
	__u8 bank; /* 0 or 1 */
	__u8 pad[3];
};

#ifndef STEER_SOCKS_MAX
#define STEER_SOCKS_MAX 4096 /* listeners steer holds at once */
#endif

/*
 * steer_live: ARRAY[STEER_MAX_GROUPS]. The slots of a group that have a
 * selectable listener, for choosing a live slot by hash when the current
 * CPU's slot is empty or draining, and each slot's primary bank. Readers
 * may see it mid-update; every choice is checked by the socket lookup.
 */
struct steer_live {
	__u32 count;
	__u16 slots[STEER_MAX_SLOTS];
	__u8 primary[STEER_MAX_SLOTS];
};

/*
 * steer_live_cpus: ARRAY[STEER_MAX_GROUPS], key = group: the CPUs on which
 * a reuseport group has a live slot, one bit each (the slots of steer_live,
 * as a bitmap the XDP program tests in one load). rss mode counts a frame
 * as local only on a CPU with a live slot; an exact-address group with no
 * live slot leaves its port's frames to the wildcard group, whose
 * listeners the kernel's lookup will then pick. steerd writes it with
 * steer_live.
 */
#define STEER_LIVE_CPU_WORDS ((STEER_MAX_CPUS + 63) / 64)

struct steer_live_cpus {
	__u64 bits[STEER_LIVE_CPU_WORDS]; /* CPU c: bits[c / 64] >> (c % 64) */
};

/* Live slots tried, from the hash's, before leaving the choice to the kernel. */
#define STEER_LIVE_TRIES 4

/* Slot states, as steerd keeps them (docs/design.md). */
enum steer_slot_state {
	STEER_SLOT_EMPTY = 0,
	STEER_SLOT_ACTIVE = 1,
	STEER_SLOT_DRAINING = 2,
	STEER_SLOT_STANDBY = 3,
};

/*
 * steer_listeners: HASH[STEER_SOCKS_MAX], key = socket cookie. Every
 * listener steer manages, in any state: tells the reuseport program which
 * slot a closing listener held, and the lifecycle program which closes
 * matter.
 */
struct steer_listener {
	__u16 group;
	__u16 slot;
	__u8 bank;
	__u8 state; /* enum steer_slot_state */
	__u16 pad;
	__u32 pid; /* registrant */
	__u32 pad2;
};

/* steer_events: RINGBUF, lifecycle events for steerd. */
enum steer_event_type {
	STEER_EV_LISTENER_CLOSED = 1,
};

struct steer_event {
	__u64 cookie;
	__u32 type; /* enum steer_event_type */
	__u16 group;
	__u16 slot;
	__u64 ktime_ns; /* when the kernel closed it (bpf_ktime_get_ns) */
};

#define STEER_EVENTS_BYTES (256 * 1024)

/*
 * steer_groups: ARRAY[STEER_MAX_GROUPS], key = group id: steerd's group
 * table, kept in a pinned map so a restarted steerd finds it again.
 */
#define STEER_GROUP_NAME_MAX 32

struct steer_group {
	char name[STEER_GROUP_NAME_MAX]; /* empty: unused id */
	__u8 kind; /* enum steer_kind */
	__u8 af; /* enum steer_af */
	__u8 wildcard;
	__u8 proto; /* enum steer_proto */
	__u16 port; /* host order */
	__u16 pad2;
	__u8 addr[16];
};

#ifndef __bpf__
/* Userland: layouts are part of the ABI. */
_Static_assert(sizeof(struct steer_iface) == 8, "steer_iface layout");
_Static_assert(sizeof(struct steer_match) == 4, "steer_match layout");
_Static_assert(sizeof(struct steer_port) == 12, "steer_port layout");
_Static_assert(sizeof(struct steer_listen_key) == 20, "listen key layout");
_Static_assert(sizeof(struct steer_rss) ==
		       8 + STEER_RSS_KEY_MAX + 4 * STEER_INDIR_MAX +
			       4 * 256 * STEER_TOEPLITZ_INPUT_MAX,
	       "steer_rss layout");
_Static_assert(sizeof(struct steer_cpu_table) == 8 + 2 * STEER_CPU_BUCKETS,
	       "cpu table layout");
_Static_assert((STEER_CPU_BUCKETS & (STEER_CPU_BUCKETS - 1)) == 0,
	       "STEER_CPU_BUCKETS is a power of two");
_Static_assert(STEER_MAX_CPUS <= STEER_CPU_NONE, "a CPU fits a bucket");
_Static_assert(sizeof(struct steer_group_stats) == 15 * 8, "group stats");
_Static_assert(sizeof(struct steer_slot_stats) == 12 * 8, "slot stats");
_Static_assert(sizeof(struct steer_cpu_stats) == 3 * 8, "cpu stats");
_Static_assert(sizeof(struct steer_iface_stats) == 1 * 8, "iface stats");
_Static_assert(sizeof(struct steer_live_cpus) == 8 * STEER_LIVE_CPU_WORDS,
	       "live cpus layout");
_Static_assert(sizeof(struct steer_decision) == 32, "decision layout");
_Static_assert(sizeof(struct steer_sock_key) == 8, "sock key layout");
_Static_assert(sizeof(struct steer_live) == 4 + 3 * STEER_MAX_SLOTS,
	       "live layout");
_Static_assert(sizeof(struct steer_listener) == 16, "listener layout");
_Static_assert(sizeof(struct steer_event) == 24, "event layout");
_Static_assert(sizeof(struct steer_xsk_record) == 16, "xsk record layout");
_Static_assert(sizeof(struct steer_group) == STEER_GROUP_NAME_MAX + 24,
	       "group layout");
_Static_assert(STEER_MAX_GROUPS <= 65536, "group id is 16 bits");
_Static_assert((STEER_INDIR_MAX & (STEER_INDIR_MAX - 1)) == 0,
	       "STEER_INDIR_MAX is a power of two");
#endif

#endif /* STEER_ABI_H */
