/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A worker's connections: open, read heads, answer, discard bodies, keep
 * alive, linger, close. The worker's loop calls these; they never block.
 */
#ifndef STEER_HTTP_CONN_H
#define STEER_HTTP_CONN_H

#include <stdbool.h>
#include <stdint.h>

#include "worker.h"

/* Takes an accepted fd; closes it when the worker is at its cap. */
void conn_open(struct worker *w, int fd);
void conn_close(struct worker *w, struct conn *c);

/* Does what the connection's epoll events allow. */
void conn_serve(struct worker *w, struct conn *c, uint32_t events);

/*
 * Idle: between two requests of a keep-alive connection. A new connection
 * is not: its first request is on its way, and closing it would fail it.
 */
bool conn_idle(const struct conn *c);

/* Shuts our side and reads what the client still sends, for a while. */
void conn_linger(struct worker *w, struct conn *c);

#endif /* STEER_HTTP_CONN_H */
