/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * --rss: each thread connects only from source ports that the described
 * NIC would hash to a queue of the thread's CPU, taken from a ring so no
 * port is in flight twice.
 */
#ifndef LOADGEN_RSS_H
#define LOADGEN_RSS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "loadgen.h"

/* A thread's source ports: taken from the head, given back at the tail. */
struct port_ring {
	uint16_t *ports;
	size_t size; /* ports in the ring */
	size_t head; /* the next to take */
	size_t count; /* ports free */
};

/* The free port used longest ago; the ring must not be empty. */
uint16_t port_ring_take(struct port_ring *r);
void port_ring_put(struct port_ring *r, uint16_t port);
void port_ring_free(struct port_ring *r);

struct lg_thread;

/*
 * Finds the source address (--bind's, else the route's to the target) and
 * fills each thread's ring with the ports of its CPU from the namespace's
 * ip_local_port_range. -EINVAL after a message when a thread would get
 * fewer ports than its concurrency; another negative errno on failure.
 */
int rss_plan(struct config *cfg, struct lg_thread *threads,
	     unsigned int nthreads);

/* The source address with port; returns its length. */
socklen_t rss_source(const struct config *cfg, uint16_t port,
		     struct sockaddr_storage *src);

#endif /* LOADGEN_RSS_H */
