// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Makes CPUMAP drops visible: the kernel reports every flush of frames into
 * a CPU's queue (xdp:xdp_cpumap_enqueue, on the redirecting CPU) and every
 * batch a CPU's kthread turns into skbs (xdp:xdp_cpumap_kthread, on that
 * CPU), each with how many it dropped. This program adds those of steer's
 * CPUMAP to steer_cpu_stats under the CPU the frames were for.
 */
#include "lib/defs.h"

/* Set through the skeleton before load: the id of steer's steer_cpumap. */
const volatile __u32 cpumap_id = 0;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, STEER_MAX_CPUS);
	__type(key, __u32);
	__type(value, struct steer_cpu_stats);
} steer_cpu_stats SEC(".maps");

static __always_inline struct steer_cpu_stats *cpu_stats(int map_id, int cpu)
{
	__u32 key = cpu;

	/* Another program's CPUMAP, or none: not steer's to count. */
	if (!cpumap_id || (__u32)map_id != cpumap_id)
		return NULL;
	return bpf_map_lookup_elem(&steer_cpu_stats, &key);
}

SEC("tp_btf/xdp_cpumap_enqueue")
int BPF_PROG(steer_cpumap_enqueue, int map_id, unsigned int processed,
	     unsigned int drops, int to_cpu)
{
	struct steer_cpu_stats *s = cpu_stats(map_id, to_cpu);

	/* processed counts the flushed frames, the dropped ones included. */
	if (s) {
		s->cpumap_enqueued +=
			processed - drops; /* per-CPU: no atomics */
		s->cpumap_enqueue_drops += drops;
	}
	return 0;
}

SEC("tp_btf/xdp_cpumap_kthread")
int BPF_PROG(steer_cpumap_kthread, int map_id, unsigned int processed,
	     unsigned int drops, int sched, struct xdp_cpumap_stats *xdp_stats)
{
	struct steer_cpu_stats *s =
		cpu_stats(map_id, bpf_get_smp_processor_id());

	if (s)
		s->cpumap_kthread_drops += drops;
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
