/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A worker's listener: from steerd through libsteer (the default), or a
 * plain SO_REUSEPORT socket (--no-steer, with --incoming-cpu the kernel's
 * SO_INCOMING_CPU matching). Sets w->lfd, and w->sl with steer.
 */
#ifndef STEER_HTTP_LISTEN_H
#define STEER_HTTP_LISTEN_H

#include <stddef.h>

#include "worker.h"

/* 0, or a negative errno with msg saying what failed and what to do. */
int listen_open(struct worker *w, char *msg, size_t len);

#endif /* STEER_HTTP_LISTEN_H */
