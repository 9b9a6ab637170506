/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Per-CPU counters: frame outcomes, per group, per slot, per interface. */
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

static __always_inline struct steer_iface_stats *iface_stats(__u32 slot)
{
	return bpf_map_lookup_elem(&steer_iface_stats, &slot);
}

#endif /* STEER_BPF_STATS_H */
