/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * What libsteer's parts share inside the library (all hidden): the print
 * callback, the connection to steerd and the call that prints steerd's
 * refusal.
 */
#ifndef STEER_LIBSTEER_INTERNAL_H
#define STEER_LIBSTEER_INTERNAL_H

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

#endif /* STEER_LIBSTEER_INTERNAL_H */
