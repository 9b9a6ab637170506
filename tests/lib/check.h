/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Checks that return bool, after the Linux selftests' ASSERT_*(): each
 * prints what failed as a TAP comment and evaluates to false, so the caller
 * unwinds through its cleanup labels. cmocka's assert_*() would jump past
 * them; these are for setup code, forked children and helpers that
 * programs without cmocka (bench_xdp) share.
 */
#ifndef STEER_TEST_CHECK_H
#define STEER_TEST_CHECK_H

#include <errno.h>
#include <stdbool.h>
#include <string.h>

/* Prints "# FILE:LINE: <message>" when !ok; keeps errno; returns ok. */
bool check_report(bool ok, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* cond holds. */
#define CHECK(cond) check_report(!!(cond), __FILE__, __LINE__, "%s", #cond)

/* A call returning 0, or -1 with errno set; errno survives for the caller. */
#define CHECK_SYS(call)                                                     \
	({                                                                  \
		int ret_ = (call), errno_ = errno;                          \
		bool ok_ = check_report(ret_ == 0, __FILE__, __LINE__,      \
					"%s: %s", #call, strerror(errno_)); \
		errno = errno_;                                             \
		ok_;                                                        \
	})

#endif /* STEER_TEST_CHECK_H */
