// SPDX-License-Identifier: GPL-2.0-only
/* The latency histogram: bucket arithmetic, merging and percentiles. */
#include <math.h>

#include "hist.h"

static unsigned int hist_index(uint64_t v)
{
	unsigned int exp, shift;

	if (v < HIST_SUB)
		return (unsigned int)v;
	exp = 63 - (unsigned int)__builtin_clzll(v);
	shift = exp - (HIST_SUB_BITS - 1);
	return HIST_SUB + (exp - HIST_SUB_BITS) * HIST_HALF +
	       (unsigned int)(v >> shift) - HIST_HALF;
}

/* The highest value that lands in bucket idx. */
static uint64_t hist_bucket_top(unsigned int idx)
{
	unsigned int k, exp, shift;
	uint64_t sub;

	if (idx < HIST_SUB)
		return idx;
	k = idx - HIST_SUB;
	exp = HIST_SUB_BITS + k / HIST_HALF;
	shift = exp - (HIST_SUB_BITS - 1);
	sub = HIST_HALF + k % HIST_HALF;
	return ((sub + 1) << shift) - 1;
}

void hist_add(struct histogram *h, uint64_t v, uint64_t n)
{
	h->buckets[hist_index(v)] += n;
	h->count += n;
	if (v > h->max)
		h->max = v;
}

void hist_merge(struct histogram *dst, const struct histogram *src)
{
	unsigned int i;

	for (i = 0; i < HIST_BUCKETS; i++)
		dst->buckets[i] += src->buckets[i];
	dst->count += src->count;
	if (src->max > dst->max)
		dst->max = src->max;
}

uint64_t hist_percentile(const struct histogram *h, double pct)
{
	uint64_t rank, seen = 0;
	unsigned int i;

	if (!h->count)
		return 0;
	rank = (uint64_t)ceil(pct / 100.0 * (double)h->count);
	if (rank < 1)
		rank = 1;
	for (i = 0; i < HIST_BUCKETS; i++) {
		seen += h->buckets[i];
		if (seen >= rank) {
			uint64_t top = hist_bucket_top(i);

			return top < h->max ? top : h->max;
		}
	}
	return h->max;
}
