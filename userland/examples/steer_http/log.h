/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * steer_http's log lines: lib/log.h with a prefix that says which process
 * speaks ("steer_http[PID] master" or "steer_http[PID] cpu N"), libsteer's
 * messages routed into it, and the few formatting helpers messages share.
 * Failures go out with pr_warn, lifecycle events with pr_info; both print
 * by default.
 */
#ifndef STEER_HTTP_LOG_H
#define STEER_HTTP_LOG_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/log.h"

/* One log line or one worker report: what failed and what to do. */
#define MSG_MAX 256

/* Prefixes what follows with this process's pid and role (cpu < 0: master). */
void log_set_role(int cpu);

/* Routes libsteer's messages into the log; verbose: its info lines too. */
void log_route_libsteer(bool verbose);

/*
 * Between these, libsteer's warnings are held instead of printed: the end
 * returns the first one (the cause; the rest follow from it) or NULL.
 */
void log_capture_begin(void);
const char *log_capture_end(void);

/* A message into buf, cut to fit if it must: no truncation warning. */
void msgf(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "SIGTERM": the name an operator typed, not strsignal's prose. */
const char *sig_name(int sig);

#endif /* STEER_HTTP_LOG_H */
