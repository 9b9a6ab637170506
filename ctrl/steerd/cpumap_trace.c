// SPDX-License-Identifier: GPL-2.0-only
/*
 * steerd's count of CPUMAP drops: the tracepoint program of
 * xdp/steer_cpumap_trace.bpf.c, told the id of steer's CPUMAP, its counter
 * map pinned with the others and the program attached while steerd runs;
 * and those counters, per CPU, for the stats reply.
 */
#include <errno.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "steerd.h"
#include "dataplane/counters.h"
#include "lib/log.h"
#include "lib/proto_msg.h"
#include "xdp/steer_cpumap_trace.skel.h"

int steerd_cpumap_trace_open(struct steerd *d)
{
	struct bpf_map_info info = { 0 };
	struct steer_cpumap_trace *skel;
	__u32 len = sizeof(info);
	int err;

	d->cpu_stats = -1;
	if (bpf_obj_get_info_by_fd(d->maps.cpumap, &info, &len))
		return -errno;
	skel = steer_cpumap_trace__open();
	if (!skel)
		return -errno;
	skel->rodata->cpumap_id = info.id;
	err = steerd_bpf_pin_maps(d, skel->obj);
	if (!err)
		err = steer_cpumap_trace__load(skel);
	if (!err)
		err = steer_cpumap_trace__attach(skel);
	if (err) {
		steer_cpumap_trace__destroy(skel);
		return err;
	}
	d->cpumap_trace = skel;
	d->cpu_stats = bpf_map__fd(skel->maps.steer_cpu_stats);
	return 0;
}

void steerd_cpumap_trace_close(struct steerd *d)
{
	steer_cpumap_trace__destroy(d->cpumap_trace);
	d->cpumap_trace = NULL;
	d->cpu_stats = -1;
}

size_t steerd_cpu_stats(const struct steerd *d, struct proto_cpu_stats *out)
{
	static const struct steer_cpu_stats zero;
	struct bpf_cpumap_val val;
	int ncpus = libbpf_num_possible_cpus();
	struct proto_cpu_stats *c;
	size_t n = 0;
	__u32 cpu;

	if (d->cpu_stats < 0 || ncpus < 0)
		return 0;
	for (cpu = 0; cpu < (__u32)ncpus && cpu < STEER_MAX_CPUS; cpu++) {
		c = &out[n];
		if (steer_counters_read(d->cpu_stats, cpu, &c->stats,
					sizeof(c->stats)))
			continue;
		/* A CPU steer redirects to, or did before its entry went. */
		if (bpf_map_lookup_elem(d->maps.cpumap, &cpu, &val) &&
		    !memcmp(&c->stats, &zero, sizeof(zero)))
			continue;
		c->cpu = cpu;
		n++;
	}
	return n;
}
