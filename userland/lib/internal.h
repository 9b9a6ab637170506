/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What libsteer's parts share inside the library (all hidden): the print
 * callback, the connection to steerd and the call that prints steerd's
 * refusal.
 */
#ifndef STEER_LIBSTEER_INTERNAL_H
#define STEER_LIBSTEER_INTERNAL_H

#include <stdbool.h>

#include <jansson.h>

#include "steer/libsteer.h"

__attribute__((format(printf, 2, 3))) void
libsteer__pr(enum libsteer_print_level level, const char *fmt, ...);

/* A connection to steerd at path (NULL: the default); says why not. */
int libsteer__connect(const char *path);

/*
 * A request (taken; NULL: it could not be built) on conn, with fd (or -1)
 * passed along; steerd's message printed on failure.
 */
int libsteer__call(int conn, json_t *req, int fd, json_t **reply);

/*
 * Registrations kept across steerd restarts (listeners, AF_XDP sockets):
 * when steerd goes away, the next try comes after LIBSTEER_RECONNECT_FIRST_MS
 * and each later one after twice the wait, up to 5 s.
 */
#define LIBSTEER_RECONNECT_FIRST_MS 100
/* Waits at most this long for steerd's answer to a registration again. */
#define LIBSTEER_REREGISTER_REPLY_WAIT_S 1

/* Arms timer (a timerfd) for the next try; doubles *backoff_ms. */
void libsteer__retry_later(int timer, unsigned int *backoff_ms);

/* Failures a later try may not meet: steerd gone again, or slow. */
bool libsteer__transient(int err);

#endif /* STEER_LIBSTEER_INTERNAL_H */
