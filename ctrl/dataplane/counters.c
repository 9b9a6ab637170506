// SPDX-License-Identifier: GPL-2.0-only
/* Sums per-CPU counter maps over CPUs for steerctl, tests and tools. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "counters.h"

int steer_counters_read(int map_fd, __u32 key, void *out, size_t value_size)
{
	size_t n = value_size / sizeof(__u64);
	__u64 *sum = out, *percpu;
	int ncpus, cpu, err;
	size_t i;

	if (value_size == 0 || value_size % sizeof(__u64))
		return -EINVAL;
	ncpus = libbpf_num_possible_cpus();
	if (ncpus < 0)
		return ncpus;
	/* The kernel copies one value per possible CPU, each 8-byte aligned. */
	percpu = calloc(ncpus, value_size);
	if (!percpu)
		return -ENOMEM;
	err = bpf_map_lookup_elem(map_fd, &key, percpu);
	if (err) {
		err = -errno;
		goto out;
	}
	memset(out, 0, value_size);
	for (cpu = 0; cpu < ncpus; cpu++)
		for (i = 0; i < n; i++)
			sum[i] += percpu[cpu * n + i];
out:
	free(percpu);
	return err;
}
