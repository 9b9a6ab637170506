// SPDX-License-Identifier: GPL-2.0-only
/*
 * Derives cpu mode's bucket tables. Loads are counted in integer units: a
 * bucket of CPU c carries arrivals[c] * workers units, so a worker's fair
 * share is exactly sum(arrivals) * STEER_CPU_BUCKETS units and no rounding
 * creeps in before the buckets themselves.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cpu_table.h"
#include "xdp/lib/flow_hash.h"

#define BUCKETS STEER_CPU_BUCKETS

struct derive {
	const struct cpu_table_input *in;
	struct steer_cpu_table *out;
	uint32_t nr_workers;
	uint64_t fair; /* a worker's fair share, in units */
	uint64_t slack; /* the heaviest bucket: what balance is within */
	uint64_t *weight; /* [nr_cpus] units per bucket of each CPU */
	uint64_t *load; /* [nr_cpus] units each worker handles */
	uint32_t *keep; /* [nr_cpus] buckets a CPU keeps local */
	bool *open; /* [nr_cpus] a worker that keeps all and takes more */
	uint32_t *targets; /* the open workers, by number */
	uint32_t nr_targets;
	uint32_t *order; /* CPUs with excess, heaviest buckets first */
	uint32_t nr_order;
	uint32_t *count; /* [nr_cpus] place_even: buckets given to a target */
	uint32_t *index; /* [nr_cpus] place_even: a target's place in targets */
};

static bool prev_is(const struct derive *d, uint32_t cpu, uint32_t b,
		    uint32_t target)
{
	return d->in->prev && d->in->prev[cpu].cpu[b] == target;
}

/* The previous target of a bucket, if it can still take flows. */
static bool prev_open(const struct derive *d, uint32_t cpu, uint32_t b,
		      uint32_t *target)
{
	uint32_t t;

	if (!d->in->prev)
		return false;
	t = d->in->prev[cpu].cpu[b];
	if (t >= d->in->nr_cpus || !d->open[t] || t == cpu)
		return false;
	*target = t;
	return true;
}

/*
 * How many of its own buckets each worker keeps: its fair share, rounded
 * to the nearest bucket, or all of them when the fair share covers them.
 */
static void plan_keep(struct derive *d)
{
	const struct cpu_table_input *in = d->in;
	uint32_t c;
	uint64_t k;

	for (c = 0; c < in->nr_cpus; c++) {
		if (!in->workers[c]) {
			d->keep[c] = 0;
			continue;
		}
		k = BUCKETS;
		if (d->weight[c])
			k = (2 * d->fair + d->weight[c]) / (2 * d->weight[c]);
		d->keep[c] = k < BUCKETS ? k : BUCKETS;
		d->load[c] = d->keep[c] * d->weight[c];
		d->open[c] = d->keep[c] == BUCKETS;
		if (d->open[c])
			d->targets[d->nr_targets++] = c;
	}
}

/*
 * Marks the buckets a worker keeps: those it kept before first, then those
 * whose old target can no longer take them, then the rest. The others are
 * left STEER_CPU_NONE, to be placed.
 */
static void mark_local(struct derive *d, uint32_t c)
{
	uint16_t *cpu = d->out[c].cpu;
	uint32_t left = d->keep[c], b, t, pass;

	for (b = 0; b < BUCKETS; b++)
		cpu[b] = STEER_CPU_NONE;
	for (pass = 0; pass < 3 && left; pass++) {
		for (b = 0; b < BUCKETS && left; b++) {
			if (cpu[b] != STEER_CPU_NONE)
				continue;
			if ((pass == 0 && !prev_is(d, c, b, c)) ||
			    (pass == 1 && prev_open(d, c, b, &t)))
				continue;
			cpu[b] = c;
			left--;
		}
	}
}

static int heavier_first(const void *a, const void *b, void *arg)
{
	const struct derive *d = arg;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	if (d->weight[x] != d->weight[y])
		return d->weight[x] > d->weight[y] ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* Min-heap of the open workers by (load, number): the least loaded. */
static bool lighter(const struct derive *d, uint32_t a, uint32_t b)
{
	return d->load[a] != d->load[b] ? d->load[a] < d->load[b] : a < b;
}

static void heap_down(const struct derive *d, uint32_t *heap, uint32_t n,
		      uint32_t i)
{
	uint32_t l, m, tmp;

	for (;;) {
		l = 2 * i + 1;
		m = i;
		if (l < n && lighter(d, heap[l], heap[m]))
			m = l;
		if (l + 1 < n && lighter(d, heap[l + 1], heap[m]))
			m = l + 1;
		if (m == i)
			return;
		tmp = heap[i];
		heap[i] = heap[m];
		heap[m] = tmp;
		i = m;
	}
}

/*
 * The excess of CPUs with expected arrivals, heaviest buckets first: each
 * bucket stays with its old target while that target is within one bucket
 * of its fair share, then the rest go to the least loaded target. Every
 * target ends within the heaviest bucket of the fair share, and an
 * unchanged input keeps every bucket where it was.
 */
static void place_weighted(struct derive *d)
{
	uint32_t *heap = d->targets; /* reordered, no longer by number */
	uint32_t i, c, b, t;
	uint16_t *cpu;

	for (i = 0; i < d->nr_order; i++) {
		c = d->order[i];
		cpu = d->out[c].cpu;
		for (b = 0; b < BUCKETS; b++) {
			if (cpu[b] != STEER_CPU_NONE ||
			    !prev_open(d, c, b, &t) ||
			    d->load[t] + d->weight[c] > d->fair + d->slack)
				continue;
			cpu[b] = t;
			d->load[t] += d->weight[c];
		}
	}
	for (i = d->nr_targets / 2 + 1; i-- > 0;)
		heap_down(d, heap, d->nr_targets, i);
	for (i = 0; i < d->nr_order; i++) {
		c = d->order[i];
		cpu = d->out[c].cpu;
		for (b = 0; b < BUCKETS; b++) {
			if (cpu[b] != STEER_CPU_NONE)
				continue;
			cpu[b] = heap[0];
			d->load[heap[0]] += d->weight[c];
			heap_down(d, heap, d->nr_targets, 0);
		}
	}
}

/*
 * Buckets of target i (of n) in the table of CPU c: BUCKETS / n, or one
 * more for BUCKETS % n of them, rotated by CPU so the extra ones do not
 * always land on the same workers.
 */
static uint32_t even_quota(uint32_t i, uint32_t n, uint32_t c)
{
	return BUCKETS / n + ((i + n - c % n) % n < BUCKETS % n);
}

/*
 * A CPU without a worker when nothing is expected anywhere: its buckets
 * spread evenly over the workers, in case something arrives; old targets
 * are kept within their quota.
 */
static void place_even(struct derive *d, uint32_t c)
{
	uint32_t n = d->nr_targets, i, b, t;
	uint16_t *cpu = d->out[c].cpu;

	for (i = 0; i < n; i++) {
		d->count[d->targets[i]] = 0;
		d->index[d->targets[i]] = i;
	}
	for (b = 0; b < BUCKETS; b++) {
		cpu[b] = STEER_CPU_NONE;
		if (prev_open(d, c, b, &t) &&
		    d->count[t] < even_quota(d->index[t], n, c)) {
			cpu[b] = t;
			d->count[t]++;
		}
	}
	for (b = 0, i = 0; b < BUCKETS; b++) {
		if (cpu[b] != STEER_CPU_NONE)
			continue;
		while (d->count[d->targets[i]] >= even_quota(i, n, c))
			i++;
		cpu[b] = d->targets[i];
		d->count[d->targets[i]]++;
	}
}

/*
 * CPUs expected to receive nothing, once some CPU is expected to: a frame
 * arriving there belongs to a flow expected elsewhere (on veth under native
 * XDP a flow's frames arrive on either CPU), so the table agrees with where
 * that flow is expected: a copy of the table of the CPU with the largest
 * expected share (ties: the lowest number). When several CPUs share the
 * arrivals, flows expected on the others are not followed, except one
 * thing: a worker keeps every bucket some CPU redirects to it, so a
 * redirected flow's frames that arrive on their target stay there.
 */
static void copy_expected(struct derive *d)
{
	const struct cpu_table_input *in = d->in;
	uint32_t c, b, t, src = 0;

	for (c = 1; c < in->nr_cpus; c++)
		if (in->arrivals[c] > in->arrivals[src])
			src = c;
	for (c = 0; c < in->nr_cpus; c++)
		if (!in->arrivals[c])
			memcpy(d->out[c].cpu, d->out[src].cpu,
			       sizeof(d->out[c].cpu));
	for (c = 0; c < in->nr_cpus; c++) {
		if (!in->arrivals[c])
			continue;
		for (b = 0; b < BUCKETS; b++) {
			t = d->out[c].cpu[b];
			if (!in->arrivals[t])
				d->out[t].cpu[b] = t;
		}
	}
}

static int derive_alloc(struct derive *d, uint32_t n)
{
	d->weight = calloc(n, sizeof(*d->weight));
	d->load = calloc(n, sizeof(*d->load));
	d->keep = calloc(n, sizeof(*d->keep));
	d->open = calloc(n, sizeof(*d->open));
	d->targets = calloc(n, sizeof(*d->targets));
	d->order = calloc(n, sizeof(*d->order));
	d->count = calloc(n, sizeof(*d->count));
	d->index = calloc(n, sizeof(*d->index));
	if (!d->weight || !d->load || !d->keep || !d->open || !d->targets ||
	    !d->order || !d->count || !d->index)
		return -ENOMEM;
	return 0;
}

static void derive_free(struct derive *d)
{
	free(d->index);
	free(d->count);
	free(d->order);
	free(d->targets);
	free(d->open);
	free(d->keep);
	free(d->load);
	free(d->weight);
}

static int check_input(const struct cpu_table_input *in, uint32_t *workers,
		       uint64_t *total)
{
	uint32_t c;

	if (in->nr_cpus == 0 || in->nr_cpus > CPU_TABLE_MAX_CPUS)
		return -EINVAL;
	*workers = 0;
	*total = 0;
	for (c = 0; c < in->nr_cpus; c++) {
		if (in->workers[c] && c >= STEER_MAX_CPUS)
			return -EINVAL;
		*workers += in->workers[c];
		*total += in->arrivals[c];
	}
	if (*workers == 0)
		return -EINVAL;
	return *total > UINT32_MAX ? -EOVERFLOW : 0;
}

int cpu_table_derive(const struct cpu_table_input *in,
		     struct steer_cpu_table *tables, double *redirect_fraction)
{
	struct derive d = { .in = in, .out = tables };
	uint64_t total, moved = 0;
	uint32_t c;
	int err;

	err = check_input(in, &d.nr_workers, &total);
	if (err)
		return err;
	err = derive_alloc(&d, in->nr_cpus);
	if (err)
		goto out;
	d.fair = total * BUCKETS;
	for (c = 0; c < in->nr_cpus; c++) {
		d.weight[c] = (uint64_t)in->arrivals[c] * d.nr_workers;
		if (d.weight[c] > d.slack)
			d.slack = d.weight[c];
	}
	plan_keep(&d);
	for (c = 0; c < in->nr_cpus; c++) {
		mark_local(&d, c);
		if (d.keep[c] < BUCKETS && d.weight[c])
			d.order[d.nr_order++] = c;
		moved += (uint64_t)in->arrivals[c] * (BUCKETS - d.keep[c]);
	}
	qsort_r(d.order, d.nr_order, sizeof(*d.order), heavier_first, &d);
	if (total) {
		place_weighted(&d);
		copy_expected(&d);
	} else {
		for (c = 0; c < in->nr_cpus; c++)
			if (d.keep[c] < BUCKETS)
				place_even(&d, c);
	}
	if (redirect_fraction)
		*redirect_fraction = total ? (double)moved / d.fair : 0;
out:
	derive_free(&d);
	return err;
}

void cpu_table_arrivals_even(uint32_t *arrivals, uint32_t nr_cpus,
			     const uint32_t *cpus, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (cpus[i] < nr_cpus)
			arrivals[cpus[i]]++;
}

uint32_t cpu_table_arrivals_rss(uint32_t *arrivals, uint32_t nr_cpus,
				const uint32_t *indir, uint32_t indir_size,
				const uint32_t *queue_cpu, uint32_t nr_queues)
{
	uint32_t i, counted = 0;

	for (i = 0; i < indir_size; i++) {
		if (indir[i] >= nr_queues || queue_cpu[indir[i]] >= nr_cpus)
			continue;
		arrivals[queue_cpu[indir[i]]]++;
		counted++;
	}
	return counted;
}

uint32_t cpu_table_flow_hash(uint64_t key, int af, const void *saddr,
			     const void *daddr, uint16_t sport_be,
			     uint16_t dport_be)
{
	uint32_t words[STEER_FLOW_WORDS_MAX];
	size_t alen = af == AF_INET ? 4 : 16;
	uint8_t *w = (uint8_t *)words;

	/* The frame's bytes, in its order, read as host-order words. */
	memcpy(w, saddr, alen);
	memcpy(w + alen, daddr, alen);
	memcpy(w + 2 * alen, &sport_be, 2);
	memcpy(w + 2 * alen + 2, &dport_be, 2);
	return steer_flow_hash(key, words,
			       af == AF_INET ? STEER_FLOW_WORDS_V4 :
					       STEER_FLOW_WORDS_V6);
}

uint32_t cpu_table_target(const struct steer_cpu_table *tables,
			  uint32_t nr_cpus, uint32_t arrival_cpu, uint32_t hash)
{
	if (arrival_cpu >= nr_cpus)
		return STEER_CPU_NONE;
	return tables[arrival_cpu].cpu[STEER_CPU_BUCKET(hash)];
}
