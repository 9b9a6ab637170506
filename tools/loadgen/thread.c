// SPDX-License-Identifier: GPL-2.0-only
/*
 * The per-CPU threads: setup on their own CPU, the common start, the event
 * loop that starts connections on schedule and drives them, the drain.
 */
#include <errno.h>
#include <math.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>

#include "lib/clock.h"
#include "lib/log.h"
#include "thread.h"

/*
 * An ok connection waits this long (or --timeout, if shorter) for the
 * server's FIN before closing (conn.c says why).
 */
#define CLOSE_WAIT_MS_MAX 200
/* After a stall, --rate catches up with at most this much of its schedule. */
#define RATE_CATCHUP_NS (10 * NSEC_PER_MSEC)
/* Longest sleep in epoll, so a signal stops a run promptly. */
#define TICK_NS (50 * NSEC_PER_MSEC)
#define EVENTS_MAX 256
/* Starts per loop turn, so replies and deadlines are seen in between. */
#define START_BATCH_MAX 64
/*
 * After a local failure (no free port, no memory) a thread waits this long
 * before its next connect(): retrying at once only spins, and a connect()
 * that searched every port in vain is slow.
 */
#define ERROR_BACKOFF_NS (1 * NSEC_PER_MSEC)

static atomic_int stop_requested;

void threads_request_stop(void)
{
	atomic_store(&stop_requested, 1);
}

bool threads_stop_requested(void)
{
	return atomic_load(&stop_requested);
}

enum gate_state { GATE_WAIT, GATE_GO, GATE_ABORT };

/* Threads set up, then start together so they share one clock origin. */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned int ready;
	enum gate_state state;
	uint64_t t0;
} gate = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, GATE_WAIT,
	   0 };

static bool gate_pass(uint64_t *t0)
{
	bool go;

	pthread_mutex_lock(&gate.lock);
	gate.ready++;
	pthread_cond_broadcast(&gate.cond);
	while (gate.state == GATE_WAIT)
		pthread_cond_wait(&gate.cond, &gate.lock);
	go = gate.state == GATE_GO;
	*t0 = gate.t0;
	pthread_mutex_unlock(&gate.lock);
	return go;
}

static int thread_setup(struct lg_thread *t)
{
	const struct config *cfg = t->cfg;
	cpu_set_t one;
	unsigned int i;

	CPU_ZERO(&one);
	CPU_SET(t->cpu, &one);
	t->err_what = "sched_setaffinity";
	if (sched_setaffinity(0, sizeof(one), &one))
		return -errno;
	t->err_what = "epoll_create1";
	t->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (t->epfd < 0)
		return -errno;
	/* Allocated here, on the thread's own CPU, and never grown. */
	t->err_what = "allocating connections";
	t->conns = calloc(t->concurrency, sizeof(*t->conns));
	t->free_list = calloc(t->concurrency, sizeof(*t->free_list));
	if (!t->conns || !t->free_list)
		return -ENOMEM;
	for (i = 0; i < t->concurrency; i++) {
		t->conns[i].fd = -1;
		list_init(&t->conns[i].timer);
		t->free_list[i] = t->concurrency - 1 - i;
	}
	t->nfree = t->concurrency;
	list_init(&t->active.head);
	t->active.interval_ns = cfg->timeout_ms * NSEC_PER_MSEC;
	list_init(&t->closing.head);
	t->closing.interval_ns = (cfg->timeout_ms < CLOSE_WAIT_MS_MAX ?
					  cfg->timeout_ms :
					  CLOSE_WAIT_MS_MAX) *
				 NSEC_PER_MSEC;
	t->err_what = NULL;
	return 0;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t next_start(const struct lg_thread *t, uint64_t due)
{
	return due > t->backoff_until_ns ? due : t->backoff_until_ns;
}

/* Starts what the concurrency, the quota and the --rate schedule allow. */
static void start_due(struct lg_thread *t, uint64_t now, uint64_t *due)
{
	unsigned int budget = START_BATCH_MAX;
	uint64_t errors;

	/* Bounded by budget: a connect() may fail and free its slot. */
	while (budget-- && t->nfree && t->stats.attempted < t->quota &&
	       now >= next_start(t, *due)) {
		errors = t->stats.outcomes[OUTCOME_ERROR];
		conn_start(t, now);
		*due += t->interval_ns;
		if (t->stats.outcomes[OUTCOME_ERROR] != errors)
			t->backoff_until_ns = now + ERROR_BACKOFF_NS;
	}
	if (t->interval_ns && *due + RATE_CATCHUP_NS < now)
		*due = now - RATE_CATCHUP_NS;
}

static uint64_t next_wake(struct lg_thread *t, uint64_t now, bool stopping,
			  uint64_t end, uint64_t due, uint64_t drain_end)
{
	uint64_t wake = now + TICK_NS;
	struct conn *c;

	if (stopping) {
		wake = min_u64(wake, drain_end);
	} else {
		wake = min_u64(wake, end);
		if (t->nfree && t->stats.attempted < t->quota)
			wake = min_u64(wake, next_start(t, due));
	}
	c = timer_first(&t->active);
	if (c)
		wake = min_u64(wake, c->deadline_ns);
	c = timer_first(&t->closing);
	if (c)
		wake = min_u64(wake, c->deadline_ns);
	return wake;
}

static void thread_run(struct lg_thread *t, uint64_t t0)
{
	const struct config *cfg = t->cfg;
	uint64_t end = cfg->duration_ms ?
			       t0 + cfg->duration_ms * NSEC_PER_MSEC :
			       UINT64_MAX;
	/* Threads take turns: together they start one every 1/--rate. */
	uint64_t due = t0 + t->interval_ns * t->index / t->nthreads;
	uint64_t now, wake, drain_end = 0;
	struct epoll_event events[EVENTS_MAX];
	bool stopping = false;
	struct timespec ts;
	int i, n;

	/*
	 * Bounded in time: new connections stop at the end of the duration,
	 * the quota or a signal; the drain ends --timeout later.
	 */
	for (;;) {
		now = clock_now_ns();
		conns_expire(t, now);
		if (!stopping && (threads_stop_requested() || now >= end ||
				  t->stats.attempted >= t->quota)) {
			stopping = true;
			drain_end = now + cfg->timeout_ms * NSEC_PER_MSEC;
		}
		if (!stopping)
			start_due(t, now, &due);
		if (stopping &&
		    (t->nfree == t->concurrency || now >= drain_end))
			break;

		wake = next_wake(t, now, stopping, end, due, drain_end);
		wake = wake > now ? wake - now : 0;
		ts.tv_sec = (time_t)(wake / NSEC_PER_SEC);
		ts.tv_nsec = (long)(wake % NSEC_PER_SEC);
		n = epoll_pwait2(t->epfd, events, EVENTS_MAX, &ts, NULL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			t->err = -errno;
			t->err_what = "epoll_pwait2";
			conns_abort(t, OUTCOME_ERROR, -t->err, clock_now_ns());
			break;
		}
		now = clock_now_ns();
		for (i = 0; i < n; i++)
			conn_event(t, events[i].data.ptr, events[i].events,
				   now);
	}
	conns_abort(t, OUTCOME_TIMEOUT, 0, clock_now_ns());
	t->finish_ns = clock_now_ns();
}

static void *thread_main(void *arg)
{
	struct lg_thread *t = arg;
	uint64_t t0;

	t->err = thread_setup(t);
	if (gate_pass(&t0) && !t->err)
		thread_run(t, t0);
	if (t->epfd >= 0)
		close(t->epfd);
	free(t->conns);
	free(t->free_list);
	return NULL;
}

/* Divides total over n shares, the first ones taking the remainder. */
static uint64_t share_of(uint64_t total, unsigned int n, unsigned int i)
{
	return total / n + (i < total % n ? 1 : 0);
}

void threads_plan(const struct config *cfg, struct lg_thread *threads,
		  unsigned int nthreads)
{
	unsigned int i;
	int cpu;

	for (cpu = 0, i = 0; cpu < CPUS_MAX && i < nthreads; cpu++) {
		struct lg_thread *t = &threads[i];

		if (!CPU_ISSET(cpu, &cfg->cpus))
			continue;
		t->cfg = cfg;
		t->cpu = cpu;
		t->index = i;
		t->nthreads = nthreads;
		t->epfd = -1;
		t->concurrency =
			(unsigned int)share_of(cfg->concurrency, nthreads, i);
		t->quota = cfg->connections ?
				   share_of(cfg->connections, nthreads, i) :
				   UINT64_MAX;
		if (cfg->rate > 0) {
			double ns = (double)NSEC_PER_SEC * nthreads / cfg->rate;

			t->interval_ns = ns < 1 ? 1 : (uint64_t)llround(ns);
		}
		i++;
	}
}

/* The first thread's failure, said on stderr. */
static int threads_error(const struct lg_thread *threads, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (threads[i].err) {
			pr_warn("CPU %d: %s: %s", threads[i].cpu,
				threads[i].err_what, strerror(-threads[i].err));
			return threads[i].err;
		}
	}
	return 0;
}

int threads_run(struct lg_thread *threads, unsigned int nthreads, uint64_t *t0)
{
	unsigned int i, created = 0;
	int err = 0;

	for (i = 0; i < nthreads; i++) {
		err = -pthread_create(&threads[i].tid, NULL, thread_main,
				      &threads[i]);
		if (err) {
			pr_warn("cannot create the thread for CPU %d: %s",
				threads[i].cpu, strerror(-err));
			break;
		}
		created++;
	}

	pthread_mutex_lock(&gate.lock);
	while (gate.ready < created)
		pthread_cond_wait(&gate.cond, &gate.lock);
	if (!err)
		err = threads_error(threads, created);
	gate.state = err ? GATE_ABORT : GATE_GO;
	gate.t0 = clock_now_ns();
	*t0 = gate.t0;
	pthread_cond_broadcast(&gate.cond);
	pthread_mutex_unlock(&gate.lock);

	for (i = 0; i < created; i++)
		pthread_join(threads[i].tid, NULL);
	return err ? err : threads_error(threads, created);
}
