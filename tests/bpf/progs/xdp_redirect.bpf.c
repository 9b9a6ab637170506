// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A bare CPUMAP redirect: the baseline of benchmark cases that end in a
 * redirect, as xdp_pass is of those that pass. Its CPUMAP is steer's, shared
 * before load, so the redirect finds the same entries.
 */
#include "lib/defs.h"

struct {
	__uint(type, BPF_MAP_TYPE_CPUMAP);
	__uint(max_entries, STEER_MAX_CPUS);
	__type(key, __u32);
	__type(value, struct bpf_cpumap_val);
} cpumap SEC(".maps");

__u32 target_cpu = 0; /* set through the skeleton's bss */

SEC("xdp")
int xdp_redirect(struct xdp_md *ctx)
{
	return bpf_redirect_map(&cpumap, target_cpu, XDP_PASS);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
