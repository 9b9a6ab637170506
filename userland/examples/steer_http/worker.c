// SPDX-License-Identifier: GPL-2.0-only
/*
 * The worker process: sets itself up on its CPU, reports to the master,
 * then runs its epoll loop: accepts, serves connections (conn.c), and
 * leaves in order when told to: drain through steerd, take what is
 * queued, close the listener, let open connections finish, exit.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <steer/libsteer.h>

#include "lib/clock.h"

#include "conn.h"
#include "io.h"
#include "listen.h"
#include "worker.h"

/* Descriptors a worker needs besides its connections. */
#define FD_RESERVE 32
/* Work done per wakeup, so one busy peer cannot starve the others. */
#define ACCEPT_BATCH 64
#define STEER_EVENTS_MAX 16
/* A sweep takes the whole accept queue; no backlog is longer than this. */
#define SWEEP_MAX 65536
/* Without steerd's events, how long in-flight handshakes get to land. */
#define DRAIN_BLIND_MS 200
/* A connection that makes no progress this long is closed. */
#define IDLE_TIMEOUT_MS 60000

void worker_promoted(struct worker *w, const char *why)
{
	if (!w->standby)
		return;
	w->standby = false;
	pr_info("slot %d: active (%s)",
		w->sl ? libsteer_listener__slot(w->sl) : w->cpu, why);
}

static void worker_accept(struct worker *w, unsigned int max)
{
	unsigned int i;
	int fd;

	for (i = 0; i < max && w->lfd >= 0; i++) {
		fd = accept4(w->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0) {
			conn_open(w, fd);
			continue;
		}
		if (errno == ECONNABORTED || errno == EPERM)
			continue; /* that one is gone; the queue is not */
		if (errno != EAGAIN) {
			/* Level-triggered: stop listening until the tick. */
			pr_warn("accept: %s; pausing accepts until the next "
				"tick",
				strerror(errno));
			if (!ep_ctl(w->epfd, EPOLL_CTL_MOD, w->lfd, 0,
				    TOK_LISTENER))
				w->accept_paused = true;
		}
		return;
	}
}

static void on_swept(int fd, void *ctx)
{
	struct worker *w = ctx;

	/* The header does not promise accept4 flags: make sure. */
	if (set_nonblock(fd) || fcntl(fd, F_SETFD, FD_CLOEXEC)) {
		close(fd);
		return;
	}
	conn_open(w, fd);
}

/* Takes every queued connection, woken or not. */
static void worker_sweep(struct worker *w)
{
	int n;

	if (w->lfd < 0)
		return;
	if (!w->sl) {
		worker_accept(w, SWEEP_MAX);
		return;
	}
	n = libsteer_listener__accept_all(w->sl, on_swept, w);
	if (n < 0 && n != -EAGAIN)
		pr_warn("sweeping the accept queue: %s", strerror(-n));
}

static void worker_close_idle(struct worker *w)
{
	struct conn *c, *next;

	for (c = w->open; c; c = next) {
		next = c->next;
		if (conn_idle(c) && w->now - c->last_ms >= DRAIN_IDLE_MS)
			conn_linger(w, c);
	}
}

/* Stops accepting for good; what is still queued migrates (steer). */
static void worker_close_listener(struct worker *w)
{
	if (w->lfd < 0)
		return;
	epoll_ctl(w->epfd, EPOLL_CTL_DEL, w->lfd, NULL);
	if (w->events_on)
		epoll_ctl(w->epfd, EPOLL_CTL_DEL,
			  libsteer_listener__event_fd(w->sl), NULL);
	if (w->sl)
		libsteer_listener__close(w->sl);
	else
		close(w->lfd);
	w->sl = NULL;
	w->lfd = -1;
	w->events_on = false;
	w->state = W_CLOSING;
	w->close_deadline = w->now + CLOSE_GRACE_MS;
	w->next_tick = w->now + DRAIN_TICK_MS;
	pr_info("listener closed; %u connection(s) finishing their request "
		"(at most %d ms)",
		w->nconns, CLOSE_GRACE_MS);
	worker_close_idle(w);
}

/* Closes without a drain: sweep first, what lands after migrates. */
static void worker_close_now(struct worker *w, const char *why)
{
	pr_info("closing the listener: %s", why);
	worker_sweep(w);
	worker_close_listener(w);
}

static void worker_draining(struct worker *w, uint64_t bound_ms)
{
	w->state = W_DRAINING;
	w->drain_deadline = w->now + bound_ms;
	w->next_tick = w->now + DRAIN_TICK_MS;
	worker_sweep(w);
}

/* SIGTERM/SIGINT: leave through steerd, so no queued connection is lost. */
static void worker_stop(struct worker *w, const char *why)
{
	int err;

	if (w->state != W_RUNNING)
		return;
	if (!w->sl) {
		worker_close_now(w, why);
		return;
	}
	/*
	 * libsteer drains the slot's active listener: from a standby that
	 * would be somebody else's. An unpromoted standby is never selected,
	 * so closing it loses nothing.
	 */
	if (w->standby) {
		worker_close_now(w,
				 "standby, never promoted: nothing to drain");
		return;
	}
	err = libsteer_listener__drain(w->sl, DRAIN_TIMEOUT_MS);
	if (err) {
		pr_warn("draining (%s): no drain from steerd: %s", why,
			strerror(-err));
		worker_close_now(w, "no drain; queued connections migrate");
		return;
	}
	if (w->steerd_gone) {
		/* No registrant connection: no drained event will come. */
		pr_info("draining (%s): out of selection; steerd's events "
			"are gone, closing in %d ms",
			why, DRAIN_BLIND_MS);
		worker_draining(w, DRAIN_BLIND_MS);
		return;
	}
	pr_info("draining (%s): out of selection, accepting what is "
		"queued",
		why);
	worker_draining(w, DRAIN_TIMEOUT_MS + DRAIN_SLACK_MS);
}

static void worker_on_steer_events(struct worker *w)
{
	int i, ev;

	for (i = 0; i < STEER_EVENTS_MAX && w->sl; i++) {
		ev = libsteer_listener__next_event(w->sl);
		if (ev == LIBSTEER_EVENT_NONE)
			return;
		if (ev < 0) {
			pr_warn("steerd connection lost (%s): serving on; "
				"drains fall back to a close",
				strerror(-ev));
			epoll_ctl(w->epfd, EPOLL_CTL_DEL,
				  libsteer_listener__event_fd(w->sl), NULL);
			w->events_on = false;
			w->steerd_gone = true;
			if (w->state == W_DRAINING)
				worker_close_now(w, "steerd went away "
						    "mid-drain");
			return;
		}
		if (ev == LIBSTEER_EVENT_DRAIN) {
			if (w->state == W_RUNNING) {
				w->standby = false;
				pr_info("draining (asked by steerd): out of "
					"selection, accepting what is "
					"queued");
				worker_draining(w, DRAIN_TIMEOUT_MS +
							   DRAIN_SLACK_MS);
			} else {
				worker_sweep(w);
			}
		} else if (ev == LIBSTEER_EVENT_DRAINED) {
			pr_info("drained: accept queue empty");
			worker_sweep(w);
			worker_close_listener(w);
		}
	}
}

static void worker_on_signals(struct worker *w)
{
	struct signalfd_siginfo si;
	int i;

	for (i = 0; i < SIGNALS_MAX; i++) {
		if (read(w->sigfd, &si, sizeof(si)) != sizeof(si))
			return;
		if (si.ssi_signo == SIGUSR2) {
			/* The master: the previous worker of this slot left. */
			worker_promoted(w, "the slot's previous worker left");
			worker_sweep(w);
		} else {
			worker_stop(w, sig_name(si.ssi_signo));
		}
	}
}

static void worker_tick(struct worker *w)
{
	struct conn *c, *next;
	unsigned int n;

	if (w->accept_paused &&
	    !ep_ctl(w->epfd, EPOLL_CTL_MOD, w->lfd, EPOLLIN, TOK_LISTENER))
		w->accept_paused = false;
	/* A connection migrated here may not have woken epoll. */
	worker_sweep(w);
	for (c = w->open; c; c = next) {
		next = c->next;
		if (c->lingering ? w->now >= c->linger_until :
				   w->now - c->last_ms >= IDLE_TIMEOUT_MS)
			conn_close(w, c);
	}
	if (w->state == W_DRAINING && w->now >= w->drain_deadline)
		worker_close_now(w, "drain bound reached; queued connections "
				    "migrate");
	if (w->state == W_CLOSING) {
		worker_close_idle(w);
		if (w->now >= w->close_deadline && w->nconns) {
			n = w->nconns;
			while (w->open)
				conn_close(w, w->open);
			pr_warn("closed %u connection(s) still open after "
				"%d ms",
				n, CLOSE_GRACE_MS);
		}
	}
	w->next_tick =
		w->now + (w->state == W_RUNNING ? TICK_MS : DRAIN_TICK_MS);
}

static void worker_dispatch(struct worker *w, const struct epoll_event *ev)
{
	uint32_t idx = ev->data.u64 & UINT32_MAX;
	struct conn *c;

	switch (idx) {
	case TOK_LISTENER:
		worker_accept(w, ACCEPT_BATCH);
		return;
	case TOK_STEER_EVENTS:
		worker_on_steer_events(w);
		return;
	case TOK_SIGNALS:
		worker_on_signals(w);
		return;
	}
	if (idx >= CONNS_MAX)
		return;
	c = &w->conns[idx];
	/* Closed, or closed and reused, earlier in this batch. */
	if (c->fd < 0 || c->gen != ev->data.u64 >> 32)
		return;
	conn_serve(w, c, ev->events);
}

static int worker_loop(struct worker *w)
{
	struct epoll_event evs[EPOLL_BATCH];
	int n, i, timeout;

	while (w->state != W_CLOSING || w->nconns) {
		w->now = clock_now_ms();
		timeout = w->next_tick > w->now ? w->next_tick - w->now : 0;
		n = epoll_wait(w->epfd, evs, EPOLL_BATCH, timeout);
		if (n < 0 && errno != EINTR)
			return -errno;
		w->now = clock_now_ms();
		for (i = 0; i < n; i++)
			worker_dispatch(w, &evs[i]);
		if (w->now >= w->next_tick)
			worker_tick(w);
	}
	return 0;
}

/* Enough descriptors for the connection cap, or a cap that fits them. */
static uint32_t worker_conns_max(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return CONNS_MAX / 4;
	if (rl.rlim_cur < CONNS_MAX + FD_RESERVE) {
		rl.rlim_cur = rl.rlim_max < CONNS_MAX + FD_RESERVE ?
				      rl.rlim_max :
				      CONNS_MAX + FD_RESERVE;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur < CONNS_MAX + FD_RESERVE)
		return rl.rlim_cur > 2 * FD_RESERVE ? rl.rlim_cur - FD_RESERVE :
						      FD_RESERVE;
	return CONNS_MAX;
}

static int worker_setup(struct worker *w, char *msg, size_t len)
{
	sigset_t mask;
	uint32_t i;
	int err;

	w->conns_max = worker_conns_max();
	w->conns = calloc(w->conns_max, sizeof(*w->conns));
	w->free_idx = calloc(w->conns_max, sizeof(*w->free_idx));
	if (!w->conns || !w->free_idx) {
		msgf(msg, len, "no memory for %u connections", w->conns_max);
		return -ENOMEM;
	}
	/* Slots are touched when first used: idle memory stays unmapped. */
	for (i = 0; i < w->conns_max; i++)
		w->free_idx[i] = w->conns_max - 1 - i;
	w->nfree = w->conns_max;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGUSR2);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	w->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (w->sigfd < 0 || w->epfd < 0 ||
	    ep_ctl(w->epfd, EPOLL_CTL_ADD, w->sigfd, EPOLLIN, TOK_SIGNALS)) {
		err = -errno;
		msgf(msg, len, "event loop: %s", strerror(-err));
		return err;
	}
	err = libsteer_pin_cpu(w->cpu);
	if (err) {
		msgf(msg, len, "cannot pin to CPU %d: %s", w->cpu,
		     strerror(-err));
		return err;
	}
	err = listen_open(w, msg, len);
	if (err)
		return err;
	err = ep_ctl(w->epfd, EPOLL_CTL_ADD, w->lfd, EPOLLIN, TOK_LISTENER);
	if (err)
		msgf(msg, len, "event loop: %s", strerror(-err));
	return err;
}

/* Releases what worker_setup() acquired, in reverse. */
static void worker_free(struct worker *w)
{
	while (w->open)
		conn_close(w, w->open);
	if (w->sl)
		libsteer_listener__close(w->sl);
	else if (w->lfd >= 0)
		close(w->lfd);
	if (w->epfd >= 0)
		close(w->epfd);
	if (w->sigfd >= 0)
		close(w->sigfd);
	free(w->free_idx);
	free(w->conns);
}

static void worker_report(int fd, int err, const char *msg)
{
	struct worker_report r = { .err = err };

	snprintf(r.msg, sizeof(r.msg), "%s", msg);
	/* Smaller than PIPE_BUF: one atomic write. */
	if (write(fd, &r, sizeof(r)) != sizeof(r))
		pr_warn("cannot report to the master: %s", strerror(errno));
	close(fd);
}

/* The worker process: never returns into the master's code. */
int worker_main(const struct config *cfg, int cpu, unsigned int gen,
		bool standby, int report_fd, pid_t master)
{
	struct worker w = {
		.cfg = cfg,
		.cpu = cpu,
		.gen = gen,
		.standby = standby && !cfg->no_steer,
		.epfd = -1,
		.sigfd = -1,
		.lfd = -1,
	};
	char msg[MSG_MAX] = "";
	int err;

	w.pid = getpid();
	log_set_role(cpu);
	signal(SIGHUP, SIG_IGN); /* a terminal's hangup is the master's */
	/* Orphaned workers drain and exit rather than serve on unsupervised. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	pr_info("started, gen %u%s", gen, w.standby ? ", standby" : "");
	err = worker_setup(&w, msg, sizeof(msg));
	worker_report(report_fd, err, msg);
	if (err) {
		worker_free(&w);
		return 1;
	}
	if (getppid() != master)
		worker_stop(&w, "the master is gone");
	w.now = clock_now_ms();
	w.next_tick = w.now + TICK_MS;
	err = worker_loop(&w);
	if (err)
		pr_warn("event loop: %s", strerror(-err));
	pr_info("exited: %llu request(s) on %llu connection(s), %llu "
		"refused at the cap",
		w.requests, w.accepted, w.refused);
	worker_free(&w);
	return err ? 1 : 0;
}
