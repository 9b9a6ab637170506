/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What one thread counts (outcomes, latency, server CPUs and workers seen)
 * and how the threads' counts add up at the end.
 */
#ifndef LOADGEN_STATS_H
#define LOADGEN_STATS_H

#include <stdbool.h>
#include <stdint.h>

#include "hist.h"
#include "loadgen.h"
#include "reply.h"

/* Workers (cpu, pid, gen): an open-addressing table, filled to 3/4 at most. */
#define WORKERS_SLOTS 1024
#define WORKERS_TRACKED (WORKERS_SLOTS / 4 * 3)

struct worker_entry {
	bool used;
	int cpu;
	int pid;
	uint32_t gen;
	uint64_t connections;
};

struct worker_table {
	unsigned int used;
	uint64_t overflow; /* connections of workers that did not fit */
	struct worker_entry slots[WORKERS_SLOTS];
};

/* One per thread, merged at the end. */
struct stats {
	uint64_t attempted;
	uint64_t outcomes[OUTCOME_COUNT];
	uint64_t local;
	int last_error; /* errno of the last OUTCOME_ERROR */
	struct histogram latency_us;
	uint64_t accepted[CPUS_MAX]; /* by server CPU */
	uint64_t accepted_local[CPUS_MAX];
	struct worker_table workers;
};

/* An ok connection: its latency and what the server said about it. */
void stats_record_ok(struct stats *s, const struct reply *r,
		     uint64_t latency_us);
void stats_merge(struct stats *dst, const struct stats *src);
/* The sum of the outcomes, which must equal attempted. */
uint64_t stats_outcomes_sum(const struct stats *s);

/* Orders workers by cpu, gen, pid (for qsort). */
int worker_cmp(const void *a, const void *b);

#endif /* LOADGEN_STATS_H */
