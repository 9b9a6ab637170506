/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * TCP listeners of the calling network namespace, as sock_diag
 * (NETLINK_SOCK_DIAG, inet_diag) reports them: how steerd finds adoptable
 * listeners, notices closed ones, and watches a draining one's accept queue.
 */
#ifndef STEER_DIAG_H
#define STEER_DIAG_H

#include <stdint.h>

struct diag_listener {
	uint64_t cookie; /* SO_COOKIE */
	int family; /* AF_INET or AF_INET6 */
	uint8_t addr[16]; /* bound address; IPv4 in the first 4 bytes */
	uint16_t port; /* host order */
	uint32_t accept_queue; /* idiag_rqueue: connections awaiting accept() */
	uint32_t backlog; /* idiag_wqueue: the listen() backlog */
	uint32_t inode, uid;
};

/*
 * Calls cb on every TCP listener of family (AF_INET, AF_INET6, or 0 for
 * both: IPv4 first) in the caller's network namespace. cb returns 0 to go
 * on; any other value ends the walk and is returned (a positive one to stop
 * early without an error). Returns 0 after the last listener, cb's value,
 * or a negative errno (-EAFNOSUPPORT for another family).
 */
int diag_listeners(int family,
		   int (*cb)(const struct diag_listener *l, void *arg),
		   void *arg);

/* Fills out with the listener whose SO_COOKIE is cookie; -ENOENT when gone. */
int diag_listener_by_cookie(uint64_t cookie, struct diag_listener *out);

#endif /* STEER_DIAG_H */
