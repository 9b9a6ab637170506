/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Crafted IPv4 frames sent from an AF_XDP socket bound to one TX queue of
 * a veth end, so that they arrive on that RX queue of its peer: the one
 * exact way to choose a frame's RX queue on veth (the stack picks a TX
 * queue by its own hash or XPS whatever a program sets). Copy mode, no XDP
 * program on the sending end. For test_xsk and bench_xsk.
 */
#ifndef STEER_TEST_XSK_SENDER_H
#define STEER_TEST_XSK_SENDER_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#define XSK_SENDER_FRAME 2048 /* UMEM frame, and the largest frame sent */

struct xsk_sender;

/*
 * An AF_XDP socket on ifname's queue in the caller's network namespace;
 * NULL with errno set.
 */
struct xsk_sender *xsk_sender_open(const char *ifname, int queue);
void xsk_sender_close(struct xsk_sender *s);

/*
 * Queues n frames, frames[i] of lens[i] bytes, and kicks the kernel;
 * returns how many it took (fewer when the ring is full) or a negative
 * errno.
 */
int xsk_sender_send(struct xsk_sender *s, const uint8_t *const *frames,
		    const uint16_t *lens, int n);

/* The endpoints of a crafted frame. */
struct frame_flow {
	uint8_t src_mac[6], dst_mac[6];
	struct in_addr saddr, daddr;
	uint16_t sport, dport; /* host order */
};

/* Frames with correct checksums in buf (room bytes); their length or 0. */
size_t frame_udp4(uint8_t *buf, size_t room, const struct frame_flow *f,
		  const void *payload, size_t len);
size_t frame_syn4(uint8_t *buf, size_t room, const struct frame_flow *f,
		  uint32_t seq);

/* The MAC address of ifname in the caller's network namespace. */
int link_mac(const char *ifname, uint8_t mac[6]);

#endif /* STEER_TEST_XSK_SENDER_H */
