/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Latency histogram, log-linear: exact below 2^HIST_SUB_BITS, then each
 * power of two split in HIST_HALF linear buckets, so any percentile is
 * within 1/HIST_HALF (0.8%) of the truth at any scale, in a fixed 58 KiB.
 */
#ifndef LOADGEN_HIST_H
#define LOADGEN_HIST_H

#include <stdint.h>

#define HIST_SUB_BITS 8
#define HIST_SUB (1U << HIST_SUB_BITS)
#define HIST_HALF (HIST_SUB / 2)
#define HIST_BUCKETS (HIST_SUB + (64 - HIST_SUB_BITS) * HIST_HALF)

struct histogram {
	uint64_t count;
	uint64_t max;
	uint64_t buckets[HIST_BUCKETS];
};

/* Counts n values v. */
void hist_add(struct histogram *h, uint64_t v, uint64_t n);
void hist_merge(struct histogram *dst, const struct histogram *src);
/* The top of the bucket holding the pct-th percentile, never above max. */
uint64_t hist_percentile(const struct histogram *h, double pct);

#endif /* LOADGEN_HIST_H */
