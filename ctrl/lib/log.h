/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Leveled logging to stderr for every steer program.
 */
#ifndef STEER_LOG_H
#define STEER_LOG_H

#include <stdarg.h>

enum steer_log_level {
	STEER_LOG_WARN = 0,
	STEER_LOG_INFO,
	STEER_LOG_DEBUG,
	STEER_LOG_VERBOSE, /* libbpf's and libxdp's debug messages */
};

/*
 * Prints "NAME: message" on stderr when level is enabled. A message is one
 * line; its trailing newline is optional.
 */
void steer_log(enum steer_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void steer_vlog(enum steer_log_level level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Messages up to and including level are printed; STEER_LOG_INFO at start. */
void steer_log_set_level(enum steer_log_level level);
enum steer_log_level steer_log_get_level(void);

/* The prefix of every message; the program's short name at start. */
void steer_log_set_name(const char *name);
const char *steer_log_name(void);

#define pr_warn(fmt, ...) steer_log(STEER_LOG_WARN, fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...) steer_log(STEER_LOG_INFO, fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...) steer_log(STEER_LOG_DEBUG, fmt, ##__VA_ARGS__)

#endif /* STEER_LOG_H */
