/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One connection's life: connect, send the request, read and check the
 * response (K times with keep-alive), count the outcome exactly once, then
 * wait for the server's FIN. Deadlines live in two ordered lists.
 */
#ifndef LOADGEN_CONN_H
#define LOADGEN_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loadgen.h"
#include "reply.h"

struct lg_thread;

/* A minimal intrusive list: connections ordered by deadline. */
struct list_node {
	struct list_node *prev, *next;
};

static inline void list_init(struct list_node *n)
{
	n->prev = n->next = n;
}

enum conn_state {
	CONN_FREE,
	CONN_CONNECTING,
	CONN_SENDING,
	CONN_READING,
	CONN_CLOSING, /* counted ok; waiting for the server's FIN */
};

struct conn {
	struct list_node timer; /* in the thread's active or closing list */
	uint64_t deadline_ns;
	uint64_t start_ns;
	int fd;
	enum conn_state state;
	uint32_t epoll_events; /* what fd is registered for */
	unsigned int requests_left; /* including the one in progress */
	uint16_t sport; /* --rss: the source port it holds; 0: none */
	size_t sent; /* bytes of the current request */
	size_t rlen;
	struct reply reply; /* of the first response */
	bool have_reply;
	char rbuf[RESPONSE_MAX];
};

/* Deadlines of one kind share one interval, so appending keeps order. */
struct timer_list {
	struct list_node head;
	uint64_t interval_ns;
};

/* The connection whose deadline comes first, or NULL. */
struct conn *timer_first(struct timer_list *tl);

/* Starts a connection in a free slot of t (there must be one). */
void conn_start(struct lg_thread *t, uint64_t now);
/* Handles epoll events ev of c. */
void conn_event(struct lg_thread *t, struct conn *c, uint32_t ev, uint64_t now);
/* Times out the connections whose deadline has passed. */
void conns_expire(struct lg_thread *t, uint64_t now);
/* Ends every connection in flight with outcome o (err for an error). */
void conns_abort(struct lg_thread *t, enum outcome o, int err, uint64_t now);

#endif /* LOADGEN_CONN_H */
