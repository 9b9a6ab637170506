/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Deriving cpu mode's per-arrival-CPU bucket tables (struct steer_cpu_table)
 * from where flows are expected to arrive and which CPUs have a worker, and
 * predicting a flow's CPU from them. Pure computation over libc.
 */
#ifndef STEER_CPU_TABLE_H
#define STEER_CPU_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "steer_abi.h"

/* Largest CPU count derived for: a CPU number must fit a bucket. */
#define CPU_TABLE_MAX_CPUS STEER_CPU_NONE

struct cpu_table_input {
	/* Tables to derive: one per CPU 0..nr_cpus-1, every possible CPU. */
	uint32_t nr_cpus;
	/*
	 * [nr_cpus]: the expected share of flows arriving on each CPU, in any
	 * unit (the cpu_table_arrivals_* helpers count indirection entries or
	 * queues); the sum must fit 32 bits. All zero: nothing is expected,
	 * every worker keeps what arrives on it.
	 */
	const uint32_t *arrivals;
	/* [nr_cpus]: CPUs with a worker, the only ones flows go to. */
	const bool *workers;
	/*
	 * [nr_cpus]: the tables in use, or NULL. Buckets keep their CPU
	 * wherever the new shares allow, so a recomputation moves as few
	 * flows as it can.
	 */
	const struct steer_cpu_table *prev;
};

/*
 * Fills tables[0..nr_cpus).cpu: each worker keeps up to its fair share
 * (1/workers of all flows) of the flows arriving on it; the rest, and every
 * flow arriving on a CPU without a worker, goes to workers with room, the
 * least loaded first. A CPU that takes others' flows keeps all of its own,
 * so a redirected flow's frames that arrive on their target stay there.
 * A CPU expected to receive nothing gets a copy of the table of the CPU
 * with the largest expected share (ties: the lowest number), so a flow's
 * frames arriving there go where its expected arrivals go; as a worker it
 * also keeps every bucket some CPU redirects to it. When nothing is expected
 * anywhere, workers keep all and other CPUs spread evenly.
 * hash_key is not touched. *redirect_fraction (may be NULL) is the share of
 * flows expected to be redirected. -EINVAL: no worker, a worker numbered
 * STEER_MAX_CPUS or above, nr_cpus 0 or above CPU_TABLE_MAX_CPUS;
 * -EOVERFLOW: arrivals sum past 32 bits; -ENOMEM.
 */
int cpu_table_derive(const struct cpu_table_input *in,
		     struct steer_cpu_table *tables, double *redirect_fraction);

/* arrivals[cpu] += 1 for each of cpus[0..n) below nr_cpus: an even share. */
void cpu_table_arrivals_even(uint32_t *arrivals, uint32_t nr_cpus,
			     const uint32_t *cpus, uint32_t n);

/*
 * arrivals from the NIC's facts: each indirection entry adds one to the CPU
 * that serves its RX queue (queue_cpu[queue], as ctrl/host/irq.c finds it).
 * Entries of queues beyond nr_queues or whose CPU is unknown (not below
 * nr_cpus) count nowhere. Returns the entries counted; 0 means the NIC said
 * nothing usable, and the caller falls back to an even share.
 */
uint32_t cpu_table_arrivals_rss(uint32_t *arrivals, uint32_t nr_cpus,
				const uint32_t *indir, uint32_t indir_size,
				const uint32_t *queue_cpu, uint32_t nr_queues);

/*
 * The flow hash (xdp/lib/flow_hash.h) of a TCP 4-tuple: af AF_INET or
 * AF_INET6, addresses as in struct in_addr / in6_addr, ports in network
 * order: what the XDP program computes for the flow's frames.
 */
uint32_t cpu_table_flow_hash(uint64_t key, int af, const void *saddr,
			     const void *daddr, uint16_t sport_be,
			     uint16_t dport_be);

/*
 * The CPU that handles a flow with this hash arriving on arrival_cpu, or
 * STEER_CPU_NONE (the frame passes where it is: unset bucket, or an arrival
 * CPU without a table).
 */
uint32_t cpu_table_target(const struct steer_cpu_table *tables,
			  uint32_t nr_cpus, uint32_t arrival_cpu,
			  uint32_t hash);

#endif /* STEER_CPU_TABLE_H */
