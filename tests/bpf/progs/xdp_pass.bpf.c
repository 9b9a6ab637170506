// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* A bare XDP_PASS program: the baseline every benchmark ratio is taken against. */
#include "lib/defs.h"

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
