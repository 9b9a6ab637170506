// SPDX-License-Identifier: GPL-2.0-only
/*
 * cpu mode's table derivation: how many flows it redirects, how evenly the
 * workers end up loaded, that a redirect target keeps its own flows, and
 * that a recomputation moves no more than the change needs. Also the flow
 * hash userland shares with the XDP program.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "lib/cpu_table.h"
#include "xdp/lib/flow_hash.h"

#define B STEER_CPU_BUCKETS
#define HOST_CPUS 256 /* the large host */
#define BALANCE_TOLERANCE 0.03 /* busiest worker over the mean */

/* A derivation's input and output, and what the tables imply. */
struct scenario {
	uint32_t nr_cpus;
	uint32_t arrivals[HOST_CPUS];
	bool workers[HOST_CPUS];
	struct steer_cpu_table tables[HOST_CPUS];
	double predicted; /* redirect fraction cpu_table_derive returned */
	double redirected; /* the same, measured on the tables */
	double busiest; /* the most loaded worker's share over the mean */
};

static struct scenario *scenario_new(uint32_t nr_cpus)
{
	struct scenario *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	s->nr_cpus = nr_cpus;
	return s;
}

static void set_workers(struct scenario *s, uint32_t first, uint32_t n)
{
	uint32_t c;

	memset(s->workers, 0, sizeof(s->workers));
	for (c = first; c < first + n; c++)
		s->workers[c] = true;
}

/* Measures the tables and checks what must hold of any derivation. */
static void measure(struct scenario *s)
{
	double load[HOST_CPUS] = { 0 }, total = 0, moved = 0, max = 0;
	uint32_t c, b, t, workers = 0;

	for (c = 0; c < s->nr_cpus; c++) {
		total += s->arrivals[c];
		workers += s->workers[c];
	}
	for (c = 0; c < s->nr_cpus; c++) {
		for (b = 0; b < B; b++) {
			t = s->tables[c].cpu[b];
			/* Every bucket names a worker... */
			assert_true(t < s->nr_cpus);
			assert_true(s->workers[t]);
			/*
			 * ...which, when it takes flows expected elsewhere,
			 * keeps them, and all its own if it expects some. A
			 * CPU expecting nothing copies another's table.
			 */
			if (t != c && (s->arrivals[c] || !total)) {
				assert_int_equal(s->tables[t].cpu[b], t);
				for (uint32_t k = 0;
				     k < B && (s->arrivals[t] || !total); k++)
					assert_int_equal(s->tables[t].cpu[k],
							 t);
				moved += s->arrivals[c];
			}
			load[t] += s->arrivals[c];
		}
	}
	s->redirected = total ? moved / (total * B) : 0;
	for (c = 0; c < s->nr_cpus; c++)
		if (s->workers[c] && load[c] > max)
			max = load[c];
	s->busiest = total ? max / (total * B / workers) : 0;
	/* What derive predicts is what the tables do. */
	assert_true(s->predicted > s->redirected - 1e-9 &&
		    s->predicted < s->redirected + 1e-9);
}

static void derive(struct scenario *s, const struct steer_cpu_table *prev)
{
	struct cpu_table_input in = {
		.nr_cpus = s->nr_cpus,
		.arrivals = s->arrivals,
		.workers = s->workers,
		.prev = prev,
	};

	assert_int_equal(cpu_table_derive(&in, s->tables, &s->predicted), 0);
	measure(s);
}

/* Share of flows (by arrival) whose CPU differs between two derivations. */
static double moved_between(const struct scenario *s,
			    const struct steer_cpu_table *old)
{
	double total = 0, moved = 0;
	uint32_t c, b;

	for (c = 0; c < s->nr_cpus; c++) {
		total += s->arrivals[c];
		for (b = 0; b < B; b++)
			if (s->tables[c].cpu[b] != old[c].cpu[b])
				moved += s->arrivals[c];
	}
	return moved / (total * B);
}

static void print_scenario(const char *what, const struct scenario *s)
{
	printf("# %s: %.4f redirected, busiest worker %.4f of the mean\n", what,
	       s->redirected, s->busiest);
}

/* Queues cover the workers evenly: nothing moves. */
static void test_queues_cover_workers(void **state)
{
	struct scenario *s = scenario_new(8);
	uint32_t c, b;

	for (c = 0; c < 8; c++)
		s->arrivals[c] = 16; /* 128-entry table, one queue per CPU */
	set_workers(s, 0, 8);
	derive(s, NULL);
	assert_true(s->redirected == 0);
	for (c = 0; c < 8; c++)
		for (b = 0; b < B; b++)
			assert_int_equal(s->tables[c].cpu[b], c);
	free(s);
}

/* More queues (CPUs receiving) than workers: the others' flows spread. */
static void test_more_queues_than_workers(void **state)
{
	struct scenario *s = scenario_new(8);
	uint32_t c;

	for (c = 0; c < 8; c++)
		s->arrivals[c] = 1;
	set_workers(s, 0, 4);
	derive(s, NULL);
	print_scenario("8 queues, 4 workers", s);
	assert_true(s->redirected > 0.5 - 1e-9 && s->redirected < 0.5 + 1e-9);
	assert_true(s->busiest <= 1 + BALANCE_TOLERANCE);
	free(s);
}

/* Fewer queues than workers: each queue's CPU keeps its fair share. */
static void test_fewer_queues_than_workers(void **state)
{
	struct scenario *s = scenario_new(8);

	s->arrivals[0] = s->arrivals[1] = 1;
	set_workers(s, 0, 8);
	derive(s, NULL);
	print_scenario("2 queues, 8 workers", s);
	assert_true(s->redirected > 0.75 - 1e-9 && s->redirected < 0.75 + 1e-9);
	assert_true(s->busiest <= 1 + BALANCE_TOLERANCE);
	free(s);
}

/* One queue, N workers: (N-1)/N redirected, to the nearest bucket. */
static void test_one_queue(void **state)
{
	struct scenario *s = scenario_new(16);
	uint32_t n;

	s->arrivals[3] = 1;
	for (n = 1; n <= 16; n++) {
		/* The queue's CPU and n - 1 others. */
		set_workers(s, 0, n);
		s->workers[n - 1] = n > 3;
		s->workers[3] = true;
		derive(s, NULL);
		assert_true(s->redirected >= (n - 1.0) / n - 0.5 / B &&
			    s->redirected <= (n - 1.0) / n + 0.5 / B);
		/* Whole buckets: within one of the fair share. */
		assert_true(s->busiest <= 1 + n / (double)B);
	}
	/* The queue's CPU has no worker: all of it moves. */
	set_workers(s, 4, 4);
	derive(s, NULL);
	assert_true(s->redirected == 1);
	assert_true(s->busiest <= 1 + 4.0 / B);
	free(s);
}

/* The tables of CPUs first..last are copies of the table of CPU src. */
static void assert_copies(const struct scenario *s, uint32_t first,
			  uint32_t last, uint32_t src)
{
	uint32_t c, b;

	for (c = first; c <= last; c++)
		for (b = 0; b < B; b++)
			assert_int_equal(s->tables[c].cpu[b],
					 s->tables[src].cpu[b]);
}

/*
 * Holes in the CPU numbering (possible, not online) and CPUs without
 * queues: their tables copy the table of the largest expected share, the
 * lowest CPU among equals.
 */
static void test_holes(void **state)
{
	struct scenario *s = scenario_new(16);
	uint32_t c, b;

	for (c = 0; c < 16; c++) {
		s->workers[c] = c < 4 || (c >= 8 && c < 12);
		s->arrivals[c] = s->workers[c] ? 4 : 0;
	}
	s->arrivals[9] = 5;
	derive(s, NULL);
	assert_copies(s, 4, 7, 9);
	s->arrivals[9] = 4;
	derive(s, NULL);
	assert_true(s->redirected == 0);
	for (c = 4; c < 8; c++)
		for (b = 0; b < B; b++)
			assert_int_equal(s->tables[c].cpu[b], 0);
	free(s);
}

/*
 * Where a flow's frames can arrive on any CPU (native XDP on veth), every
 * CPU expected to receive nothing, worker or not, sends a flow where the
 * CPU it is expected on does, and a worker among them keeps what it takes.
 */
static void test_unexpected_arrivals_agree(void **state)
{
	struct scenario *s = scenario_new(4);
	uint32_t b, mine = 0;

	s->arrivals[0] = 1;
	set_workers(s, 0, 2);
	derive(s, NULL);
	assert_true(s->redirected > 0.5 - 1e-9 && s->redirected < 0.5 + 1e-9);
	assert_copies(s, 1, 3, 0);
	for (b = 0; b < B; b++)
		mine += s->tables[1].cpu[b] == 1;
	assert_int_equal(mine, B / 2);

	/* A hole CPU without a worker between the queue and the workers. */
	s->arrivals[0] = 0;
	s->arrivals[1] = 3;
	memset(s->workers, 0, sizeof(s->workers));
	s->workers[1] = s->workers[3] = true;
	derive(s, NULL);
	assert_copies(s, 0, 3, 1);

	/* Two queues: a worker without one keeps what either sends it. */
	s->arrivals[0] = 1;
	s->arrivals[1] = 2;
	memset(s->workers, 0, sizeof(s->workers));
	s->workers[0] = s->workers[1] = s->workers[2] = true;
	derive(s, NULL);
	for (b = 0; b < B; b++) {
		if (s->tables[0].cpu[b] == 2 || s->tables[1].cpu[b] == 2)
			assert_int_equal(s->tables[2].cpu[b], 2);
		else
			assert_int_equal(s->tables[2].cpu[b],
					 s->tables[1].cpu[b]);
		assert_int_equal(s->tables[3].cpu[b], s->tables[1].cpu[b]);
	}
	free(s);
}

/* 256 CPUs, 64 queues, a 512-entry table, interrupts unevenly spread. */
static void large_host(struct scenario *s)
{
	uint32_t indir[512], queue_cpu[64], q, i;

	memset(s->arrivals, 0, sizeof(s->arrivals));
	for (i = 0; i < 512; i++)
		indir[i] = i % 64;
	/* Queues 0-31 on CPUs 0-31; 32-63 on CPUs 0-15 again, two each. */
	for (q = 0; q < 64; q++)
		queue_cpu[q] = q < 32 ? q : (q - 32) / 2;
	assert_int_equal(cpu_table_arrivals_rss(s->arrivals, s->nr_cpus, indir,
						512, queue_cpu, 64),
			 512);
}

static void test_large_host(void **state)
{
	struct scenario *s = scenario_new(HOST_CPUS);

	large_host(s);
	/* CPUs 0-15 receive 3 queues' flows, 16-31 one: fair is 1/256. */
	set_workers(s, 0, HOST_CPUS);
	derive(s, NULL);
	print_scenario("256 CPUs, 64 queues, all workers", s);
	assert_true(s->redirected > 0.875 - 0.01 &&
		    s->redirected < 0.875 + 0.01);
	assert_true(s->busiest <= 1 + BALANCE_TOLERANCE);

	/* Workers only where no queue is: everything moves. */
	set_workers(s, 128, 64);
	derive(s, NULL);
	print_scenario("256 CPUs, 64 workers without queues", s);
	assert_true(s->redirected == 1);
	assert_true(s->busiest <= 1 + BALANCE_TOLERANCE);

	/* Half the workers on queue CPUs: those keep theirs up to 1/64. */
	set_workers(s, 16, 64);
	derive(s, NULL);
	print_scenario("256 CPUs, workers 16-79", s);
	assert_true(s->busiest <= 1 + BALANCE_TOLERANCE);
	free(s);
}

/* The same input again, given the tables in use: nothing moves. */
static void test_recompute_unchanged(void **state)
{
	struct scenario *s = scenario_new(HOST_CPUS);
	struct steer_cpu_table *old = malloc(sizeof(s->tables));

	assert_non_null(old);
	large_host(s);
	set_workers(s, 8, 100);
	derive(s, NULL);
	memcpy(old, s->tables, sizeof(s->tables));
	derive(s, old);
	assert_memory_equal(old, s->tables, sizeof(s->tables));
	free(old);
	free(s);
}

/* A worker more or less moves that worker's share, hardly more. */
static void test_recompute_moves_little(void **state)
{
	struct scenario *s = scenario_new(16);
	struct steer_cpu_table *old = malloc(sizeof(s->tables));
	double moved;

	assert_non_null(old);
	s->arrivals[0] = 1;
	set_workers(s, 0, 4);
	derive(s, NULL);
	memcpy(old, s->tables, sizeof(s->tables));
	set_workers(s, 0, 5);
	derive(s, old);
	moved = moved_between(s, old);
	printf("# one queue, 4 -> 5 workers: %.4f moved (1/5 needed)\n", moved);
	assert_true(moved <= 1 / 5.0 + 2.0 / B);

	memcpy(old, s->tables, sizeof(s->tables));
	set_workers(s, 0, 4);
	derive(s, old);
	moved = moved_between(s, old);
	printf("# one queue, 5 -> 4 workers: %.4f moved (1/5 needed)\n", moved);
	assert_true(moved <= 1 / 5.0 + 2.0 / B);
	free(old);
	free(s);
}

static void test_recompute_large_host(void **state)
{
	struct scenario *s = scenario_new(HOST_CPUS);
	struct steer_cpu_table *old = malloc(sizeof(s->tables));
	double moved;

	assert_non_null(old);
	large_host(s);
	set_workers(s, 0, HOST_CPUS);
	derive(s, NULL);
	memcpy(old, s->tables, sizeof(s->tables));
	/* A worker without queues stops: its 1/256 must move. */
	s->workers[200] = false;
	derive(s, old);
	moved = moved_between(s, old);
	printf("# 256 workers -> 255: %.4f moved (%.4f needed)\n", moved,
	       1 / 256.0);
	assert_true(moved <= 3 / 256.0);
	assert_true(s->busiest <= 1 + BALANCE_TOLERANCE);

	/* A queue's interrupt moves from CPU 0 to CPU 20. */
	memcpy(old, s->tables, sizeof(s->tables));
	s->arrivals[20] += 8;
	s->arrivals[0] -= 8;
	derive(s, old);
	moved = moved_between(s, old);
	printf("# one queue's interrupt moved: %.4f moved (%.4f moved queue)\n",
	       moved, 1 / 64.0);
	assert_true(moved <= 2 / 64.0);
	assert_true(s->busiest <= 1 + BALANCE_TOLERANCE);
	free(old);
	free(s);
}

/* Nothing expected anywhere: every worker keeps what it gets. */
static void test_no_arrivals(void **state)
{
	struct scenario *s = scenario_new(4);
	uint32_t b;

	set_workers(s, 1, 2);
	derive(s, NULL);
	assert_true(s->redirected == 0);
	for (b = 0; b < B; b++)
		assert_int_equal(s->tables[1].cpu[b], 1);
	free(s);
}

static void test_bad_input(void **state)
{
	struct scenario *s = scenario_new(HOST_CPUS);
	struct cpu_table_input in = {
		.nr_cpus = 4,
		.arrivals = s->arrivals,
		.workers = s->workers,
	};

	assert_int_equal(cpu_table_derive(&in, s->tables, NULL), -EINVAL);
	s->workers[2] = true;
	in.nr_cpus = 0;
	assert_int_equal(cpu_table_derive(&in, s->tables, NULL), -EINVAL);
	in.nr_cpus = 4;
	s->arrivals[0] = s->arrivals[1] = UINT32_MAX;
	assert_int_equal(cpu_table_derive(&in, s->tables, NULL), -EOVERFLOW);
	free(s);
	/* A worker the CPUMAP cannot hold. */
	if (STEER_MAX_CPUS < HOST_CPUS) {
		s = scenario_new(HOST_CPUS);
		s->workers[HOST_CPUS - 1] = true;
		in.nr_cpus = HOST_CPUS;
		in.arrivals = s->arrivals;
		in.workers = s->workers;
		assert_int_equal(cpu_table_derive(&in, s->tables, NULL),
				 -EINVAL);
		free(s);
	}
}

static void test_arrivals(void **state)
{
	uint32_t arrivals[4] = { 0 }, cpus[] = { 1, 3, 9 };
	uint32_t indir[] = { 0, 1, 2, 3, 7 }, queue_cpu[] = { 2, 2, 0, 99 };

	cpu_table_arrivals_even(arrivals, 4, cpus, 3);
	assert_int_equal(arrivals[1], 1);
	assert_int_equal(arrivals[3], 1);
	memset(arrivals, 0, sizeof(arrivals));
	/* Queue 3's CPU is unknown, queue 7 does not exist. */
	assert_int_equal(
		cpu_table_arrivals_rss(arrivals, 4, indir, 5, queue_cpu, 4), 3);
	assert_int_equal(arrivals[2], 2);
	assert_int_equal(arrivals[0], 1);
}

/* The hash is part of the ABI: a change here changes every flow's CPU. */
static void test_flow_hash(void **state)
{
	struct in_addr s4, d4;
	struct in6_addr s6, d6;
	uint32_t words[STEER_FLOW_WORDS_V4], h4, h6, count[B] = { 0 }, i, max;

	inet_pton(AF_INET, "198.18.1.2", &s4);
	inet_pton(AF_INET, "198.18.0.1", &d4);
	inet_pton(AF_INET6, "2001:db8:1::2", &s6);
	inet_pton(AF_INET6, "2001:db8::1", &d6);
	h4 = cpu_table_flow_hash(STEER_FLOW_HASH_KEY_DEFAULT, AF_INET, &s4, &d4,
				 htons(40001), htons(80));
	h6 = cpu_table_flow_hash(STEER_FLOW_HASH_KEY_DEFAULT, AF_INET6, &s6,
				 &d6, htons(40001), htons(80));
	printf("# flow hash v4 0x%08x v6 0x%08x\n", h4, h6);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	assert_int_equal(h4, 0xaa871557);
	assert_int_equal(h6, 0xfc70bacd);
#endif
	/* The header's function over the frame's words is the same hash. */
	memcpy(&words[0], &s4, 4);
	memcpy(&words[1], &d4, 4);
	words[2] = htons(40001) | (uint32_t)htons(80) << 16;
	assert_int_equal(steer_flow_hash(STEER_FLOW_HASH_KEY_DEFAULT, words, 3),
			 h4);
	/* The key and every field count. */
	assert_int_not_equal(cpu_table_flow_hash(1, AF_INET, &s4, &d4,
						 htons(40001), htons(80)),
			     h4);
	assert_int_not_equal(cpu_table_flow_hash(STEER_FLOW_HASH_KEY_DEFAULT,
						 AF_INET, &s4, &d4,
						 htons(40002), htons(80)),
			     h4);
	assert_int_not_equal(cpu_table_flow_hash(STEER_FLOW_HASH_KEY_DEFAULT,
						 AF_INET, &d4, &s4,
						 htons(40001), htons(80)),
			     h4);
	/* Consecutive client ports spread over the buckets. */
	for (i = 0; i < 64 * B; i++)
		count[STEER_CPU_BUCKET(cpu_table_flow_hash(
			STEER_FLOW_HASH_KEY_DEFAULT, AF_INET, &s4, &d4,
			htons(1024 + i), htons(80)))]++;
	for (i = 0, max = 0; i < B; i++)
		max = count[i] > max ? count[i] : max;
	printf("# 64 flows per bucket expected, busiest bucket %u\n", max);
	assert_true(max < 64 * 2);
}

static void test_target(void **state)
{
	struct scenario *s = scenario_new(4);

	s->arrivals[0] = 1;
	set_workers(s, 0, 2);
	derive(s, NULL);
	assert_int_equal(cpu_table_target(s->tables, 4, 0, 5),
			 s->tables[0].cpu[5]);
	assert_int_equal(cpu_table_target(s->tables, 4, 0, 5 + B),
			 s->tables[0].cpu[5]);
	assert_int_equal(cpu_table_target(s->tables, 4, 4, 5), STEER_CPU_NONE);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_queues_cover_workers),
		cmocka_unit_test(test_more_queues_than_workers),
		cmocka_unit_test(test_fewer_queues_than_workers),
		cmocka_unit_test(test_one_queue),
		cmocka_unit_test(test_holes),
		cmocka_unit_test(test_unexpected_arrivals_agree),
		cmocka_unit_test(test_large_host),
		cmocka_unit_test(test_recompute_unchanged),
		cmocka_unit_test(test_recompute_moves_little),
		cmocka_unit_test(test_recompute_large_host),
		cmocka_unit_test(test_no_arrivals),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_arrivals),
		cmocka_unit_test(test_flow_hash),
		cmocka_unit_test(test_target),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests_name("cpu_table", tests, NULL, NULL);
}
