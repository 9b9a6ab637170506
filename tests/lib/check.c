// SPDX-License-Identifier: GPL-2.0-only
/* The report behind tests/lib/check.h's checks. */
#include <stdarg.h>
#include <stdio.h>

#include "tests/lib/check.h"

bool check_report(bool ok, const char *file, int line, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	if (ok)
		return true;
	printf("# %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	/* A forked child may _exit() next: its stdio buffer would be lost. */
	fflush(stdout);
	errno = saved;
	return false;
}
