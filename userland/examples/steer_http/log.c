// SPDX-License-Identifier: GPL-2.0-only
/*
 * The prefix of steer_http's log lines and libsteer's messages in them.
 * lib/log.c prints each line with one call on the unbuffered stderr, so
 * lines of the master and its workers do not interleave.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <steer/libsteer.h>

#include "log.h"

static char log_prefix[64];

static bool lib_capturing;
static char lib_msg[MSG_MAX];

void log_set_role(int cpu)
{
	if (cpu < 0)
		snprintf(log_prefix, sizeof(log_prefix),
			 "steer_http[%d] master", (int)getpid());
	else
		snprintf(log_prefix, sizeof(log_prefix),
			 "steer_http[%d] cpu %d", (int)getpid(), cpu);
	steer_log_set_name(log_prefix);
}

static int lib_print(enum libsteer_print_level level, const char *fmt,
		     va_list args) __attribute__((format(printf, 2, 0)));

static int lib_print(enum libsteer_print_level level, const char *fmt,
		     va_list args)
{
	char msg[MSG_MAX];
	size_t n;

	vsnprintf(msg, sizeof(msg), fmt, args);
	n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	if (lib_capturing && level == LIBSTEER_WARN) {
		if (!lib_msg[0])
			snprintf(lib_msg, sizeof(lib_msg), "%s", msg);
		return 0;
	}
	/* Its warnings always; the rest with --verbose. */
	steer_log(level == LIBSTEER_WARN ? STEER_LOG_WARN : STEER_LOG_DEBUG,
		  "libsteer: %s", msg);
	return 0;
}

void log_route_libsteer(bool verbose)
{
	steer_log_set_level(verbose ? STEER_LOG_DEBUG : STEER_LOG_INFO);
	libsteer_set_print(lib_print);
}

void log_capture_begin(void)
{
	lib_capturing = true;
	lib_msg[0] = '\0';
}

const char *log_capture_end(void)
{
	lib_capturing = false;
	return lib_msg[0] ? lib_msg : NULL;
}

void msgf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

const char *sig_name(int sig)
{
	static char buf[16];
	const char *abbrev = sigabbrev_np(sig);

	snprintf(buf, sizeof(buf), "SIG%s", abbrev ? abbrev : "?");
	return buf;
}
