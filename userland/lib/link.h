/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A registration's connection to steerd, kept across steerd restarts: the
 * listener's and the AF_XDP socket's. The application watches one event
 * fd; when steerd goes away, libsteer reconnects after a growing wait and
 * registers the same socket again (steerd knows it by its cookie).
 */
#ifndef STEER_LIBSTEER_LINK_H
#define STEER_LIBSTEER_LINK_H

#include <sys/un.h>

struct libsteer__link {
	/* Registration connection; -1 while steerd is away. */
	int conn;
	/*
	 * The application's event fd: an epoll set of conn and timer, so it
	 * stays the same fd while conn is replaced.
	 */
	int events;
	int timer; /* timerfd: when to try reconnecting */
	unsigned int backoff_ms; /* the wait before the next try */
	int lost; /* steerd's refusal to register again: the link is over */
	const char *socket_path; /* NULL: the default */
	char socket_buf[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

/*
 * The event fd and timer, and a connection to steerd at socket_path (NULL:
 * the default; says why not). 0 or a negative errno; either way
 * libsteer__link_close() frees what was made.
 */
int libsteer__link_open(struct libsteer__link *k, const char *socket_path);

/* After a registration on k->conn: steerd's events only, never blocking. */
int libsteer__link_watch(struct libsteer__link *k);

/* steerd has gone (a restart, say): reconnect when the timer says. */
void libsteer__link_lose(struct libsteer__link *k);

/*
 * When the event fd says and conn is gone: if a try is due, connects and
 * calls reg(ctx), which registers on k->conn and calls
 * libsteer__link_watch(). LIBSTEER_EVENT_RECONNECTED when it did,
 * LIBSTEER_EVENT_NONE to try again later, or steerd's refusal (k->lost
 * from then on).
 */
int libsteer__link_retry(struct libsteer__link *k, int (*reg)(void *ctx),
			 void *ctx);

void libsteer__link_close(struct libsteer__link *k);

#endif /* STEER_LIBSTEER_LINK_H */
