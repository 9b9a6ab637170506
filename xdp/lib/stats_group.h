/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Finding a group's and a slot's counters, for the XDP and reuseport programs. */
#ifndef STEER_BPF_STATS_GROUP_H
#define STEER_BPF_STATS_GROUP_H

#include "maps_group.h"

static __always_inline struct steer_group_stats *group_stats(__u32 group)
{
	return bpf_map_lookup_elem(&steer_group_stats, &group);
}

/* NULL for a slot out of range. */
static __always_inline struct steer_slot_stats *slot_stats(__u32 group,
							   __u32 slot)
{
	__u32 key;

	if (slot >= STEER_MAX_SLOTS)
		return NULL;
	key = STEER_SLOT_INDEX(group, slot);
	return bpf_map_lookup_elem(&steer_slot_stats, &key);
}

#endif /* STEER_BPF_STATS_GROUP_H */
