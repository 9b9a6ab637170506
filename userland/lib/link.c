// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * A registration's connection to steerd, kept across steerd restarts: one
 * event fd for the application, a reconnection timer doubling its wait.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "lib/proto.h"
#include "internal.h"
#include "link.h"

/* Reconnecting to a restarted steerd: first try, doubled up to the most. */
#define RECONNECT_FIRST_MS 100
#define RECONNECT_MAX_MS 5000
/* A steerd that accepts but does not answer must not stall the caller. */
#define REREGISTER_REPLY_WAIT_S 1

int libsteer__link_open(struct libsteer__link *k, const char *socket_path)
{
	k->conn = k->timer = -1;
	k->backoff_ms = 0;
	k->lost = 0;
	k->socket_path = NULL;
	if (socket_path) {
		snprintf(k->socket_buf, sizeof(k->socket_buf), "%s",
			 socket_path);
		k->socket_path = k->socket_buf;
	}
	k->events = epoll_create1(EPOLL_CLOEXEC);
	k->timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (k->events < 0 || k->timer < 0 ||
	    epoll_ctl(k->events, EPOLL_CTL_ADD, k->timer,
		      &(struct epoll_event){ .events = EPOLLIN }))
		return -errno;
	k->conn = libsteer__connect(k->socket_path);
	if (k->conn < 0) {
		int err = k->conn;

		k->conn = -1;
		return err;
	}
	return 0;
}

int libsteer__link_watch(struct libsteer__link *k)
{
	fcntl(k->conn, F_SETFL, fcntl(k->conn, F_GETFL) | O_NONBLOCK);
	if (epoll_ctl(k->events, EPOLL_CTL_ADD, k->conn,
		      &(struct epoll_event){ .events = EPOLLIN }))
		return -errno;
	return 0;
}

/* Arms the timer for the next reconnection try, the wait doubled. */
static void retry_later(struct libsteer__link *k)
{
	struct itimerspec when = {
		.it_value = { .tv_sec = k->backoff_ms / 1000,
			      .tv_nsec = (k->backoff_ms % 1000) * 1000000L },
	};

	timerfd_settime(k->timer, 0, &when, NULL);
	k->backoff_ms = k->backoff_ms * 2 > RECONNECT_MAX_MS ?
				RECONNECT_MAX_MS :
				k->backoff_ms * 2;
}

/* Closes the connection; it leaves the event set first. */
static void drop_conn(struct libsteer__link *k)
{
	epoll_ctl(k->events, EPOLL_CTL_DEL, k->conn, NULL);
	close(k->conn);
	k->conn = -1;
}

void libsteer__link_lose(struct libsteer__link *k)
{
	drop_conn(k);
	k->backoff_ms = RECONNECT_FIRST_MS;
	retry_later(k);
}

/* Failures that a later try may not meet: steerd gone again, or slow. */
static bool transient(int err)
{
	return err == -ECONNRESET || err == -EPIPE || err == -EAGAIN ||
	       err == -EINTR || err == -ECONNREFUSED || err == -ENOENT;
}

int libsteer__link_retry(struct libsteer__link *k, int (*reg)(void *ctx),
			 void *ctx)
{
	const struct timeval reply_wait = { .tv_sec = REREGISTER_REPLY_WAIT_S };
	uint64_t fired;
	int err;

	if (read(k->timer, &fired, sizeof(fired)) != sizeof(fired))
		return LIBSTEER_EVENT_NONE; /* not yet */
	k->conn = proto_connect(k->socket_path);
	if (k->conn < 0) {
		err = k->conn;
		k->conn = -1;
		goto out_retry;
	}
	setsockopt(k->conn, SOL_SOCKET, SO_RCVTIMEO, &reply_wait,
		   sizeof(reply_wait));
	err = reg(ctx);
	if (!err)
		return LIBSTEER_EVENT_RECONNECTED;
	drop_conn(k);
out_retry:
	if (!transient(err)) {
		k->lost = err;
		return err;
	}
	retry_later(k);
	return LIBSTEER_EVENT_NONE;
}

void libsteer__link_close(struct libsteer__link *k)
{
	if (k->conn >= 0)
		close(k->conn);
	if (k->timer >= 0)
		close(k->timer);
	if (k->events >= 0)
		close(k->events);
	k->conn = k->timer = k->events = -1;
}
