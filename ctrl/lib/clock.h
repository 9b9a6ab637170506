/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one monotonic clock of steer's userland: deadlines, latencies and
 * ticks are all taken from CLOCK_MONOTONIC, never from wall time.
 */
#ifndef STEER_CLOCK_H
#define STEER_CLOCK_H

#include <stdint.h>

#define NSEC_PER_USEC 1000ULL
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_SEC 1000000000ULL

/* CLOCK_MONOTONIC now, in nanoseconds, microseconds and milliseconds. */
uint64_t clock_now_ns(void);
uint64_t clock_now_us(void);
uint64_t clock_now_ms(void);

/* CPU time this thread has used (CLOCK_THREAD_CPUTIME_ID), nanoseconds. */
uint64_t clock_thread_cpu_ns(void);

#endif /* STEER_CLOCK_H */
