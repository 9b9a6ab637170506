/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One pinned thread per CPU, each with its own epoll, connections, share
 * of the work and statistics; all start together and share one clock
 * origin.
 */
#ifndef LOADGEN_THREAD_H
#define LOADGEN_THREAD_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "conn.h"
#include "loadgen.h"
#include "rss.h"
#include "stats.h"

struct lg_thread {
	pthread_t tid;
	const struct config *cfg;
	int cpu;
	unsigned int index, nthreads;
	unsigned int concurrency;
	uint64_t quota; /* connections to attempt; UINT64_MAX: until time */
	uint64_t interval_ns; /* between connection starts; 0: no --rate */
	uint64_t backoff_until_ns; /* no connect() before, after an error */
	int epfd;
	struct conn *conns;
	unsigned int *free_list;
	unsigned int nfree;
	struct timer_list active; /* connect or response deadline */
	struct timer_list closing;
	struct port_ring ports; /* --rss only */
	uint64_t finish_ns;
	int err; /* setup or loop failure, negative errno */
	const char *err_what;
	struct stats stats;
};

/*
 * Gives each of the nthreads threads its CPU of cfg->cpus and its share of
 * the concurrency, the connections and the rate.
 */
void threads_plan(const struct config *cfg, struct lg_thread *threads,
		  unsigned int nthreads);

/*
 * Creates, starts and joins the threads; sets t0 to their common start.
 * 0 or a negative errno, after a message.
 */
int threads_run(struct lg_thread *threads, unsigned int nthreads, uint64_t *t0);

/* Asks every thread to stop starting connections (async-signal-safe). */
void threads_request_stop(void);
bool threads_stop_requested(void);

#endif /* LOADGEN_THREAD_H */
