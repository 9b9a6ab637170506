// SPDX-License-Identifier: GPL-2.0-only
/* Per-thread statistics: outcomes, latency, server CPUs and workers. */
#include "stats.h"

#define HASH_GOLDEN 0x9e3779b1U /* 2^32 / golden ratio (Knuth) */

const char *const outcome_names[OUTCOME_COUNT] = {
	[OUTCOME_OK] = "ok",
	[OUTCOME_REFUSED] = "refused",
	[OUTCOME_RESET] = "reset",
	[OUTCOME_TIMEOUT] = "timeout",
	[OUTCOME_SHORT_READ] = "short_read",
	[OUTCOME_BAD_PAYLOAD] = "bad_payload",
	[OUTCOME_ERROR] = "error",
};

static unsigned int worker_hash(int cpu, int pid, uint32_t gen)
{
	uint32_t h = (uint32_t)cpu * HASH_GOLDEN;

	h = (h ^ (uint32_t)pid) * HASH_GOLDEN;
	h = (h ^ gen) * HASH_GOLDEN;
	return h % WORKERS_SLOTS;
}

static void workers_add(struct worker_table *wt, int cpu, int pid, uint32_t gen,
			uint64_t n)
{
	unsigned int i, pos = worker_hash(cpu, pid, gen);
	struct worker_entry *e;

	for (i = 0; i < WORKERS_SLOTS; i++, pos = (pos + 1) % WORKERS_SLOTS) {
		e = &wt->slots[pos];
		if (!e->used)
			break;
		if (e->cpu == cpu && e->pid == pid && e->gen == gen) {
			e->connections += n;
			return;
		}
	}
	if (i == WORKERS_SLOTS || wt->used >= WORKERS_TRACKED) {
		wt->overflow += n;
		return;
	}
	*e = (struct worker_entry){ .used = true,
				    .cpu = cpu,
				    .pid = pid,
				    .gen = gen,
				    .connections = n };
	wt->used++;
}

int worker_cmp(const void *a, const void *b)
{
	const struct worker_entry *x = a, *y = b;

	if (x->cpu != y->cpu)
		return x->cpu < y->cpu ? -1 : 1;
	if (x->gen != y->gen)
		return x->gen < y->gen ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return 0;
}

void stats_record_ok(struct stats *s, const struct reply *r,
		     uint64_t latency_us)
{
	hist_add(&s->latency_us, latency_us, 1);
	s->accepted[r->cpu]++;
	if (r->cpu == r->incoming_cpu) {
		s->local++;
		s->accepted_local[r->cpu]++;
	}
	workers_add(&s->workers, r->cpu, r->pid, r->gen, 1);
}

void stats_merge(struct stats *dst, const struct stats *src)
{
	unsigned int i;

	dst->attempted += src->attempted;
	for (i = 0; i < OUTCOME_COUNT; i++)
		dst->outcomes[i] += src->outcomes[i];
	dst->local += src->local;
	if (src->last_error)
		dst->last_error = src->last_error;
	hist_merge(&dst->latency_us, &src->latency_us);
	for (i = 0; i < CPUS_MAX; i++) {
		dst->accepted[i] += src->accepted[i];
		dst->accepted_local[i] += src->accepted_local[i];
	}
	dst->workers.overflow += src->workers.overflow;
	for (i = 0; i < WORKERS_SLOTS; i++) {
		const struct worker_entry *e = &src->workers.slots[i];

		if (e->used)
			workers_add(&dst->workers, e->cpu, e->pid, e->gen,
				    e->connections);
	}
}

uint64_t stats_outcomes_sum(const struct stats *s)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < OUTCOME_COUNT; i++)
		sum += s->outcomes[i];
	return sum;
}
