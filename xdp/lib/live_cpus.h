/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Where a group has live slots (struct steer_live_cpus): what makes a frame
 * local in rss mode, and whether an exact-address group will be the one
 * the kernel's lookup picks.
 */
#ifndef STEER_BPF_LIVE_CPUS_H
#define STEER_BPF_LIVE_CPUS_H

#include "maps.h"

/* Whether the group has a live slot on cpu. */
static __always_inline bool live_on_cpu(__u32 group, __u32 cpu)
{
	const struct steer_live_cpus *lc;

	if (cpu >= STEER_MAX_CPUS)
		return false;
	lc = bpf_map_lookup_elem(&steer_live_cpus, &group);
	return lc && (lc->bits[cpu / 64] >> (cpu % 64)) & 1;
}

/* Whether the group has a live slot on any CPU. */
static __always_inline bool live_anywhere(__u32 group)
{
	const struct steer_live_cpus *lc;
	__u64 any = 0;
	int i;

	lc = bpf_map_lookup_elem(&steer_live_cpus, &group);
	if (!lc)
		return false;
#pragma unroll
	for (i = 0; i < STEER_LIVE_CPU_WORDS; i++)
		any |= lc->bits[i];
	return any != 0;
}

#endif /* STEER_BPF_LIVE_CPUS_H */
