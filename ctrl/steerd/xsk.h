/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * steerd's xsk groups: an AF_XDP socket per RX queue in steer_xsks, taken
 * from its worker by xsk_register and held for as long as the worker's
 * connection lasts; the per-queue view of `group show`.
 */
#ifndef STEER_STEERD_XSK_H
#define STEER_STEERD_XSK_H

#include "steerd.h"

/* A queue's socket as steerd knows it; cookie 0: empty. */
struct steerd_xsk_queue {
	uint64_t cookie; /* SO_COOKIE of the AF_XDP socket */
	/* the peer that registered it; 0: restored, not registered again */
	uint64_t registrant;
	pid_t pid;
};

/* An xsk group's queues: on one interface, since steer_xsks has no iface. */
struct steerd_xsk {
	int ifindex; /* of the sockets registered, 0 before the first */
	struct steerd_xsk_queue queues[STEER_MAX_QUEUES];
};

steerd_cmd_fn steerd_xsk_register;

/* The peer left: its sockets leave the map (the kernel's word is final). */
void steerd_xsk_peer_gone(struct steerd *d, const struct steerd_peer *peer);

/* The group is deleted: its queues are emptied and forgotten. */
void steerd_xsk_group_gone(struct steerd *d, uint16_t group);

/*
 * The sockets steerd put in steer_xsks before a restart, from their pinned
 * records (after groups and interfaces are restored): kept where a socket
 * still holds the queue, with no registrant until the worker registers
 * the socket again; the other records are dropped.
 */
int steerd_xsk_restore(struct steerd *d);

/* Empties restored queues nobody re-registered whose socket has closed. */
void steerd_xsk_reconcile(struct steerd *d);

/* group_show's slots of an xsk group: one per queue of its interface. */
json_t *steerd_xsk_slots(struct steerd *d, uint16_t group);

/* Adds the group's occupied queues to counts[STEER_SLOT_ACTIVE]. */
void steerd_xsk_count(const struct steerd *d, uint16_t group,
		      uint32_t counts[4]);

#endif /* STEER_STEERD_XSK_H */
