// SPDX-License-Identifier: GPL-2.0-only
/*
 * One logging function with levels, so every message on stderr has the
 * same prefix and obeys the same level (libbpf and libxdp are routed into
 * it by dataplane/bpf_log.c).
 */
#include <errno.h> /* program_invocation_short_name */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static enum steer_log_level log_level = STEER_LOG_INFO;
static const char *log_name;

void steer_log_set_level(enum steer_log_level level)
{
	log_level = level;
}

enum steer_log_level steer_log_get_level(void)
{
	return log_level;
}

void steer_log_set_name(const char *name)
{
	log_name = name;
}

const char *steer_log_name(void)
{
	return log_name ? log_name : program_invocation_short_name;
}

void steer_vlog(enum steer_log_level level, const char *fmt, va_list ap)
{
	char *msg = NULL;
	size_t len;

	if (level > log_level)
		return;

	/* Format first: whether a newline is missing shows only in the text. */
	if (vasprintf(&msg, fmt, ap) < 0) {
		fprintf(stderr, "%s: (message lost: out of memory)\n",
			steer_log_name());
		return;
	}
	len = strlen(msg);
	fprintf(stderr, "%s: %s%s", steer_log_name(), msg,
		len && msg[len - 1] == '\n' ? "" : "\n");
	free(msg);
}

void steer_log(enum steer_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	steer_vlog(level, fmt, ap);
	va_end(ap);
}
