/* SPDX-License-Identifier: GPL-2.0-only */
/* Reading steer's per-CPU counter maps: one call, all CPUs summed. */
#ifndef STEER_COUNTERS_H
#define STEER_COUNTERS_H

#include <stddef.h>
#include <linux/types.h>

/*
 * Reads the value at key of a per-CPU map whose value is an array of __u64
 * counters (value_size bytes, a multiple of 8) and stores the sum over all
 * possible CPUs in out. Returns 0 or a negative errno.
 */
int steer_counters_read(int map_fd, __u32 key, void *out, size_t value_size);

#endif /* STEER_COUNTERS_H */
