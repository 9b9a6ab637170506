/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Per-CPU counters: frame outcomes, per group, per slot, per interface. */
#ifndef STEER_BPF_STATS_H
#define STEER_BPF_STATS_H

#include "maps.h"

static __always_inline void count(__u32 counter)
{
	__u64 *v = bpf_map_lookup_elem(&steer_counters, &counter);

	if (v)
		*v += 1; /* per-CPU: no atomics needed */
}

static __always_inline struct steer_group_stats *group_stats(__u32 group)
{
	return bpf_map_lookup_elem(&steer_group_stats, &group);
}

static __always_inline struct steer_iface_stats *iface_stats(__u32 slot)
{
	return bpf_map_lookup_elem(&steer_iface_stats, &slot);
}

static __always_inline struct steer_slot_stats *slot_stats(__u32 group,
							   __u32 slot)
{
	__u32 key;

	if (slot >= STEER_MAX_SLOTS)
		return NULL;
	key = STEER_SLOT_INDEX(group, slot);
	return bpf_map_lookup_elem(&steer_slot_stats, &key);
}

#endif /* STEER_BPF_STATS_H */
