/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Per-CPU counters: frame outcomes, per group, per slot. */
#ifndef STEER_BPF_STATS_H
#define STEER_BPF_STATS_H

#include "maps.h"
#include "stats_group.h"

static __always_inline void count(__u32 counter)
{
	__u64 *v = bpf_map_lookup_elem(&steer_counters, &counter);

	if (v)
		*v += 1; /* per-CPU: no atomics needed */
}

#endif /* STEER_BPF_STATS_H */
