/* SPDX-License-Identifier: GPL-2.0-only */
/* Crafting test frames: Ethernet, VLAN tags, IPv4/IPv6 (options, extension
 * headers, fragments), TCP or another protocol, with checked lengths. */
#ifndef STEER_TEST_FRAMES_H
#define STEER_TEST_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAME_MAX 512
#define FRAME_MAX_VLANS 3
#define FRAME_MAX_EXT 10

/* TCP flag bits as on the wire (byte 13 of the header). */
#define TH_FIN_ 0x01
#define TH_SYN_ 0x02
#define TH_RST_ 0x04
#define TH_ACK_ 0x10

#define L4_UDP 17 /* IPPROTO_UDP, for frame_spec.l4proto */

struct frame_spec {
	int nr_vlans; /* tags before the EtherType */
	uint16_t vlan_tpid[FRAME_MAX_VLANS]; /* 0: 802.1Q */
	uint16_t ethertype; /* 0: from af (0x0800/0x86dd) */
	int af; /* AF_INET or AF_INET6; 0 for no IP header */
	const char *saddr, *daddr;
	uint8_t l4proto; /* 0: TCP */
	uint16_t sport, dport;
	uint8_t tcp_flags;
	uint8_t tcp_doff; /* 0: 5 (+ options) */
	int tcp_optlen; /* bytes of TCP options, multiple of 4 */
	int ip4_optlen; /* bytes of IPv4 options, multiple of 4, <= 40 */
	uint16_t ip4_frag; /* frag_off field, host order (MF 0x2000) */
	uint8_t ip4_ihl; /* 0: from ip4_optlen */
	uint8_t ip_version; /* 0: from af */
	int nr_ext; /* IPv6 extension headers, in order */
	uint8_t ext[FRAME_MAX_EXT]; /* 0 (HBH), 43, 44 (fragment), 60 */
	int ext_len; /* 8-byte units of each non-fragment header: 0 = 8 bytes */
	int payload; /* bytes of TCP payload */
	int ip_len_delta; /* added to tot_len / payload_len (lie about length) */
	int udp_len_delta; /* added to the UDP (non-TCP) length field */
	bool ip_len_zero; /* tot_len / payload_len 0, as BIG TCP sends */
	/*
	 * IPv6: payload length 0 and a first Hop-by-Hop header holding a Jumbo
	 * Payload option with the true length (+ ip_len_delta).
	 */
	bool ip6_jumbo;
	int pad; /* bytes after the IP datagram (Ethernet padding) */
};

/* Offsets of each header in a built frame, for truncation tests. */
struct frame_layout {
	size_t len;
	size_t l3; /* IP header */
	size_t l4; /* TCP (or other) header */
	size_t nr_bounds;
	size_t bounds[2 + FRAME_MAX_VLANS + FRAME_MAX_EXT + 3];
};

/* Builds the frame; returns its length (> 0) or -1 if it does not fit. */
int frame_build(const struct frame_spec *s, uint8_t *buf, size_t cap,
		struct frame_layout *layout);

/* Prints a frame as hex, 16 bytes a line, each line prefixed. */
void frame_hexdump(const char *prefix, const uint8_t *buf, size_t len);

#endif /* STEER_TEST_FRAMES_H */
