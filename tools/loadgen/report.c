// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadgen's output: the text tables, the --json object (written with
 * jansson) and the end-of-run warnings.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lib/clock.h"
#include "lib/log.h"
#include "report.h"

/*
 * Reals are rounded to the decimals they are meaningful to, then printed
 * with enough digits to show exactly that rounded value.
 */
#define JSON_DIGITS 15

struct results {
	const struct config *cfg;
	struct stats *total;
	const struct lg_thread *threads;
	unsigned int nthreads;
	double duration_s;
	double conn_rate;
	double locality_pct;
	struct worker_entry *workers; /* sorted */
	unsigned int nworkers;
};

static const double percentiles[] = { 50, 90, 99 };
static const char *const percentile_names[] = { "p50", "p90", "p99" };

static double pct_of(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0;
}

static json_t *json_fixed(double v, int decimals)
{
	double scale = pow(10, decimals);

	return json_real(round(v * scale) / scale);
}

/* Sets key to a new value; a failed allocation shows as a missing key. */
static void set(json_t *obj, const char *key, json_t *value)
{
	json_object_set_new(obj, key, value);
}

static json_t *json_u64(uint64_t v)
{
	return json_integer((json_int_t)v);
}

static json_t *json_latency(const struct stats *s)
{
	json_t *o = json_object();
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(percentiles); i++)
		set(o, percentile_names[i],
		    json_u64(hist_percentile(&s->latency_us, percentiles[i])));
	set(o, "max", json_u64(s->latency_us.max));
	return o;
}

static json_t *json_client_cpus(const struct results *r)
{
	json_t *a = json_array(), *o;
	unsigned int i;

	for (i = 0; i < r->nthreads; i++) {
		o = json_object();
		set(o, "cpu", json_integer(r->threads[i].cpu));
		set(o, "attempted", json_u64(r->threads[i].stats.attempted));
		set(o, "ok",
		    json_u64(r->threads[i].stats.outcomes[OUTCOME_OK]));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *json_server_cpus(const struct stats *s)
{
	json_t *a = json_array(), *o;
	int cpu;

	for (cpu = 0; cpu < CPUS_MAX; cpu++) {
		if (!s->accepted[cpu])
			continue;
		o = json_object();
		set(o, "cpu", json_integer(cpu));
		set(o, "accepted", json_u64(s->accepted[cpu]));
		set(o, "local", json_u64(s->accepted_local[cpu]));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *json_workers(const struct results *r)
{
	json_t *a = json_array(), *o;
	unsigned int i;

	for (i = 0; i < r->nworkers; i++) {
		o = json_object();
		set(o, "cpu", json_integer(r->workers[i].cpu));
		set(o, "pid", json_integer(r->workers[i].pid));
		set(o, "gen", json_integer(r->workers[i].gen));
		set(o, "connections", json_u64(r->workers[i].connections));
		json_array_append_new(a, o);
	}
	return a;
}

/* One object on one line; keys in this order (jansson keeps it). */
static int print_json(const struct results *r)
{
	const struct stats *s = r->total;
	json_t *o = json_object();
	unsigned int i;
	int err;

	if (!o)
		return -ENOMEM;
	set(o, "attempted", json_u64(s->attempted));
	for (i = 0; i < OUTCOME_COUNT; i++)
		set(o, outcome_names[i], json_u64(s->outcomes[i]));
	set(o, "local", json_u64(s->local));
	set(o, "locality_pct", json_fixed(r->locality_pct, 2));
	set(o, "latency_us", json_latency(s));
	set(o, "duration_s", json_fixed(r->duration_s, 3));
	set(o, "conn_rate", json_fixed(r->conn_rate, 1));
	set(o, "per_client_cpu", json_client_cpus(r));
	set(o, "per_server_cpu", json_server_cpus(s));
	set(o, "workers", json_workers(r));
	set(o, "workers_overflow", json_u64(s->workers.overflow));
	err = json_dumpf(o, stdout, JSON_REAL_PRECISION(JSON_DIGITS));
	json_decref(o);
	if (err)
		return -EIO;
	fputc('\n', stdout);
	return 0;
}

static const struct lg_thread *thread_of_cpu(const struct results *r, int cpu)
{
	unsigned int i;

	for (i = 0; i < r->nthreads; i++)
		if (r->threads[i].cpu == cpu)
			return &r->threads[i];
	return NULL;
}

/* One row per CPU that sent or accepted: clients and servers side by side. */
static void print_cpu_table(const struct results *r)
{
	const struct stats *s = r->total;
	const struct lg_thread *t;
	int cpu;

	printf("%4s %10s %10s %10s %10s %7s\n", "cpu", "attempted", "ok",
	       "accepted", "local", "local%");
	for (cpu = 0; cpu < CPUS_MAX; cpu++) {
		t = thread_of_cpu(r, cpu);
		if (!t && !s->accepted[cpu])
			continue;
		printf("%4d %10" PRIu64 " %10" PRIu64 " %10" PRIu64
		       " %10" PRIu64,
		       cpu, t ? t->stats.attempted : 0,
		       t ? t->stats.outcomes[OUTCOME_OK] : 0, s->accepted[cpu],
		       s->accepted_local[cpu]);
		if (s->accepted[cpu])
			printf(" %6.1f%%\n", pct_of(s->accepted_local[cpu],
						    s->accepted[cpu]));
		else
			printf(" %7s\n", "-");
	}
	printf("%4s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64
	       " %6.1f%%\n",
	       "all", s->attempted, s->outcomes[OUTCOME_OK],
	       s->outcomes[OUTCOME_OK], s->local, r->locality_pct);
}

static void print_workers(const struct results *r)
{
	unsigned int i;

	if (!r->nworkers)
		return;
	printf("\n%4s %10s %10s %12s\n", "cpu", "pid", "gen", "connections");
	for (i = 0; i < r->nworkers; i++)
		printf("%4d %10d %10" PRIu32 " %12" PRIu64 "\n",
		       r->workers[i].cpu, r->workers[i].pid, r->workers[i].gen,
		       r->workers[i].connections);
	if (r->total->workers.overflow)
		printf("%4s %10s %10s %12" PRIu64 "\n", "?", "?", "?",
		       r->total->workers.overflow);
}

static void print_text(const struct results *r)
{
	const struct stats *s = r->total;
	unsigned int i;

	printf("target %s: %" PRIu64 " connections in %.3f s (%.1f/s), "
	       "%u threads, concurrency %u\n",
	       r->cfg->target_text, s->attempted, r->duration_s, r->conn_rate,
	       r->nthreads, r->cfg->concurrency);
	if (!r->cfg->quiet) {
		putchar('\n');
		print_cpu_table(r);
		putchar('\n');
	}
	printf("outcomes:");
	for (i = 0; i < OUTCOME_COUNT; i++)
		printf(" %s %" PRIu64, outcome_names[i], s->outcomes[i]);
	printf("\nlocality: %" PRIu64 " of %" PRIu64 " ok local (%.1f%%)\n",
	       s->local, s->outcomes[OUTCOME_OK], r->locality_pct);
	printf("latency us:");
	for (i = 0; i < ARRAY_SIZE(percentiles); i++)
		printf(" %s %" PRIu64, percentile_names[i],
		       hist_percentile(&s->latency_us, percentiles[i]));
	printf(" max %" PRIu64 "\n", s->latency_us.max);
	if (!r->cfg->quiet)
		print_workers(r);
}

/* What the figures cannot say: a bug, local failures, an early stop. */
static int check_and_warn(const struct stats *total)
{
	uint64_t sum = stats_outcomes_sum(total);
	int err = 0;

	if (sum != total->attempted) {
		pr_warn("BUG: %" PRIu64 " connections attempted but %" PRIu64
			" outcomes counted; these figures are wrong",
			total->attempted, sum);
		err = -EPROTO;
	}
	/* Notices, not errors: --quiet (STEER_LOG_WARN) leaves them out. */
	if (total->outcomes[OUTCOME_ERROR])
		pr_info("%" PRIu64 " connections failed locally (last: %s)",
			total->outcomes[OUTCOME_ERROR],
			strerror(total->last_error));
	if (total->workers.overflow)
		pr_info("more than %d workers: %" PRIu64
			" connections not attributed to one",
			WORKERS_TRACKED, total->workers.overflow);
	if (threads_stop_requested())
		pr_info("interrupted: the run stopped early");
	return err;
}

int report(const struct config *cfg, const struct lg_thread *threads,
	   unsigned int nthreads, uint64_t t0)
{
	struct results r = { .cfg = cfg,
			     .threads = threads,
			     .nthreads = nthreads };
	uint64_t last = t0;
	unsigned int i;
	int err = 0;

	r.total = calloc(1, sizeof(*r.total));
	r.workers = calloc(WORKERS_SLOTS, sizeof(*r.workers));
	if (!r.total || !r.workers) {
		pr_warn("cannot allocate the results: %s", strerror(ENOMEM));
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < nthreads; i++) {
		stats_merge(r.total, &threads[i].stats);
		if (threads[i].finish_ns > last)
			last = threads[i].finish_ns;
	}
	for (i = 0; i < WORKERS_SLOTS; i++)
		if (r.total->workers.slots[i].used)
			r.workers[r.nworkers++] = r.total->workers.slots[i];
	qsort(r.workers, r.nworkers, sizeof(*r.workers), worker_cmp);
	r.duration_s = (double)(last - t0) / NSEC_PER_SEC;
	r.conn_rate = r.duration_s > 0 ?
			      (double)r.total->attempted / r.duration_s :
			      0;
	r.locality_pct = pct_of(r.total->local, r.total->outcomes[OUTCOME_OK]);

	if (cfg->json) {
		err = print_json(&r);
		if (err)
			pr_warn("cannot write the JSON results: %s",
				strerror(-err));
	} else {
		print_text(&r);
	}
	fflush(stdout);
	if (!err)
		err = check_and_warn(r.total);
out:
	free(r.workers);
	free(r.total);
	return err;
}
