/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * TCP listeners of the calling network namespace, as sock_diag
 * (NETLINK_SOCK_DIAG, inet_diag) reports them: how steerd finds adoptable
 * listeners, notices closed ones, and watches a draining one's accept queue
 * (one dump per tick into a table, then lookups by cookie).
 */
#ifndef STEER_DIAG_H
#define STEER_DIAG_H

#include <stddef.h>
#include <stdint.h>

struct nl_ctx;

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

/* diag_listeners over ctx's long-lived sock_diag socket. */
int diag_walk_listeners(struct nl_ctx *ctx, int family,
			int (*cb)(const struct diag_listener *l, void *arg),
			void *arg);

/*
 * Every TCP listener (IPv4 and IPv6) at the time of one dump, sorted by
 * cookie: steerd dumps once per tick and then looks each listener it
 * watches up, instead of dumping once per listener. Zero-initialise it;
 * it grows as needed and is reused by the next dump.
 */
struct diag_table {
	struct diag_listener *entries;
	size_t count, capacity;
};

/*
 * Replaces the table's contents with a fresh dump over ctx (NULL: a socket
 * for this call). On error the table is left empty.
 */
int diag_table_dump(struct nl_ctx *ctx, struct diag_table *table);

/* The listener with this SO_COOKIE in the last dump, or NULL. */
const struct diag_listener *diag_table_find(const struct diag_table *table,
					    uint64_t cookie);

void diag_table_free(struct diag_table *table);

#endif /* STEER_DIAG_H */
