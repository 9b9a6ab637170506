/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Toeplitz hash of a frame's 4-tuple, table-driven: one lookup per input
 * byte in the tables userland precomputed for the interface's key (see
 * struct steer_rss). Input order as the NIC's: saddr, daddr, sport, dport.
 */
#ifndef STEER_BPF_TOEPLITZ_H
#define STEER_BPF_TOEPLITZ_H

#include "parse.h"

static __always_inline __u32 toeplitz_frame(const struct steer_rss *rss,
					    const struct steer_frame *f)
{
	const __u8 *ports = (const __u8 *)f->ports;
	__u32 hash = 0;
	int i;

	if (f->af == STEER_AF_INET) {
#pragma unroll
		for (i = 0; i < 8; i++)
			hash ^= rss->toeplitz[i][f->addrs[i]];
#pragma unroll
		for (i = 0; i < 4; i++)
			hash ^= rss->toeplitz[8 + i][ports[i]];
	} else {
#pragma unroll
		for (i = 0; i < 32; i++)
			hash ^= rss->toeplitz[i][f->addrs[i]];
#pragma unroll
		for (i = 0; i < 4; i++)
			hash ^= rss->toeplitz[32 + i][ports[i]];
	}
	return hash;
}

/* The indirection table entry for a hash, or STEER_INDIR_NONE. */
static __always_inline __u32 indir_lookup(const struct steer_rss *rss,
					  __u32 hash)
{
	__u32 size = rss->indir_size;
	__u32 bucket;

	if (size == 0 || size > STEER_INDIR_MAX)
		return STEER_INDIR_NONE;
	/*
	 * NIC tables are powers of two, and a division costs more than the
	 * rest of the hash: mask when we can, same result.
	 */
	if ((size & (size - 1)) == 0)
		bucket = hash & (size - 1);
	else
		bucket = hash % size;
	/* bucket < size <= STEER_INDIR_MAX, but the verifier cannot know. */
	barrier_var(bucket);
	if (bucket >= STEER_INDIR_MAX)
		return STEER_INDIR_NONE;
	return rss->indir[bucket];
}

#endif /* STEER_BPF_TOEPLITZ_H */
