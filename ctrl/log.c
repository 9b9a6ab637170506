// SPDX-License-Identifier: GPL-2.0-only
/*
 * One logging function with levels; libbpf and libxdp print through it so
 * every message on stderr has the same prefix and obeys the same level.
 */
#include <errno.h> /* program_invocation_short_name */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

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

/* Both libraries' levels are WARN, INFO, DEBUG from 0: shift each by one. */
_Static_assert(LIBBPF_WARN == 0 && LIBBPF_DEBUG == 2, "libbpf levels");
_Static_assert(LIBXDP_WARN == 0 && LIBXDP_DEBUG == 2, "libxdp levels");

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	steer_vlog((enum steer_log_level)(level + 1), fmt, ap);
	return 0;
}

static int libxdp_print(enum libxdp_print_level level, const char *fmt,
			va_list ap)
{
	steer_vlog((enum steer_log_level)(level + 1), fmt, ap);
	return 0;
}

void steer_log_setup_libbpf(void)
{
	libbpf_set_print(libbpf_print);
	libxdp_set_print(libxdp_print);
}
