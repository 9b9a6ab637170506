/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * cpu mode's choice of CPU: the flow hash of the frame's 4-tuple picks a
 * bucket in the table of the CPU the frame arrived on (struct
 * steer_cpu_table), which names the CPU that handles it.
 */
#ifndef STEER_BPF_CPU_TABLE_H
#define STEER_BPF_CPU_TABLE_H

#include "flow_hash.h"
#include "maps.h"
#include "parse.h"

/* The flow hash of a parsed frame (words as flow_hash.h defines). */
static __always_inline __u32 flow_hash_frame(__u64 key,
					     const struct steer_frame *f)
{
	const __u32 *addrs = (const __u32 *)f->addrs;
	__u64 h = key;
	int i;

	if (f->af == STEER_AF_INET) {
#pragma unroll
		for (i = 0; i < STEER_FLOW_WORDS_V4 - 1; i++)
			h = steer_flow_hash_add(h, addrs[i]);
	} else {
#pragma unroll
		for (i = 0; i < STEER_FLOW_WORDS_V6 - 1; i++)
			h = steer_flow_hash_add(h, addrs[i]);
	}
	/* sport and dport are adjacent: one word. */
	h = steer_flow_hash_add(h, *(const __u32 *)f->ports);
	return steer_flow_hash_end(h);
}

/* This CPU's table of the interface's live generation, or NULL. */
static __always_inline const struct steer_cpu_table *
cpu_table_lookup(__u32 iface_slot, __u8 gen)
{
	__u32 key = STEER_RSS_INDEX(iface_slot, gen);

	return bpf_map_lookup_elem(&steer_cpu_tables, &key);
}

#endif /* STEER_BPF_CPU_TABLE_H */
