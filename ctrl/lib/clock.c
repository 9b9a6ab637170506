// SPDX-License-Identifier: GPL-2.0-only
/* CLOCK_MONOTONIC and the thread CPU clock in integer units. */
#include <time.h>

#include "clock.h"

static uint64_t read_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

uint64_t clock_now_ns(void)
{
	return read_ns(CLOCK_MONOTONIC);
}

uint64_t clock_now_us(void)
{
	return clock_now_ns() / NSEC_PER_USEC;
}

uint64_t clock_now_ms(void)
{
	return clock_now_ns() / NSEC_PER_MSEC;
}

uint64_t clock_thread_cpu_ns(void)
{
	return read_ns(CLOCK_THREAD_CPUTIME_ID);
}
