/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Per-group and per-slot counters, shared by the XDP and reuseport programs. */
#ifndef STEER_BPF_MAPS_GROUP_H
#define STEER_BPF_MAPS_GROUP_H

#include "defs.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, STEER_MAX_GROUPS);
	__type(key, __u32);
	__type(value, struct steer_group_stats);
} steer_group_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, STEER_MAX_GROUPS *STEER_MAX_SLOTS);
	__type(key, __u32);
	__type(value, struct steer_slot_stats);
} steer_slot_stats SEC(".maps");

#endif /* STEER_BPF_MAPS_GROUP_H */
