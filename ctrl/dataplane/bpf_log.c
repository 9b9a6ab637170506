// SPDX-License-Identifier: GPL-2.0-only
/*
 * libbpf's and libxdp's messages routed into steer's logging, one level
 * lower, as xdp-tools does: their warnings are often expected probes.
 */
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "bpf_log.h"
#include "lib/log.h"

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
