// SPDX-License-Identifier: GPL-2.0-only
/*
 * The master: forks the workers and reads their start reports, reaps them
 * and restarts the ones that die (backoff, then giving up), turns SIGHUP
 * into a roll (roll.c) and SIGTERM/SIGINT into a drain of every worker
 * with a bound, and makes the exit status.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/clock.h"

#include "io.h"
#include "master.h"

#define RESTART_BACKOFF_MS 50
#define RESTART_BACKOFF_MAX_MS 5000
/* A worker that served this long resets its CPU's backoff. */
#define RESTART_STABLE_MS 10000
#define RESTART_TRIES_MAX 10

#define TOK_MASTER_SIGNALS UINT64_MAX
#define TOK_REPORT(idx, is_next) (((uint64_t)(idx) << 1) | (is_next))

static void master_forget(struct master *m)
{
	int i;

	if (m->epfd >= 0)
		close(m->epfd);
	if (m->sigfd >= 0)
		close(m->sigfd);
	for (i = 0; i < m->nslots; i++) {
		if (m->slots[i].cur.report_fd >= 0)
			close(m->slots[i].cur.report_fd);
		if (m->slots[i].next.report_fd >= 0)
			close(m->slots[i].next.report_fd);
	}
}

int master_spawn(struct master *m, struct slot *s, struct wproc *w,
		 unsigned int gen, bool standby, bool initial)
{
	pid_t master = getpid();
	int p[2], idx = s - m->slots;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -errno;
	}
	if (pid == 0) {
		close(p[0]);
		master_forget(m);
		exit(worker_main(m->cfg, s->cpu, gen, standby, p[1], master));
	}
	close(p[1]);
	*w = (struct wproc){ .pid = pid,
			     .report_fd = p[0],
			     .gen = gen,
			     .initial = initial,
			     .started_ms = m->now };
	if (ep_ctl(m->epfd, EPOLL_CTL_ADD, p[0], EPOLLIN,
		   TOK_REPORT(idx, w == &s->next))) {
		close(p[0]);
		w->report_fd = -1;
	}
	return 0;
}

void master_kill(struct wproc *w, int sig)
{
	if (!w->pid)
		return;
	if (sig == SIGKILL)
		w->killed = true;
	else
		w->stopping = true;
	kill(w->pid, sig);
}

void schedule_restart(struct master *m, struct slot *s, pid_t pid,
		      const char *what)
{
	unsigned int shift = s->failures, delay = RESTART_BACKOFF_MS;

	if (!m->cfg->supervise) {
		pr_warn("cpu %d: worker %d %s; not restarted (--no-supervise)",
			s->cpu, (int)pid, what);
		m->failed = true;
		return;
	}
	if (s->failures >= RESTART_TRIES_MAX) {
		pr_warn("cpu %d: worker %d %s; giving up after %d restarts",
			s->cpu, (int)pid, what, RESTART_TRIES_MAX);
		m->failed = true;
		return;
	}
	while (shift-- && delay < RESTART_BACKOFF_MAX_MS)
		delay *= 2;
	if (delay > RESTART_BACKOFF_MAX_MS)
		delay = RESTART_BACKOFF_MAX_MS;
	s->failures++;
	s->restart_at = m->now + delay;
	pr_info("cpu %d: worker %d %s; restarting in %u ms", s->cpu, (int)pid,
		what, delay);
}

static void master_stop(struct master *m, int sig)
{
	int i, n = 0;

	if (m->stopping) {
		pr_info("%s: already stopping", sig_name(sig));
		return;
	}
	m->stopping = true;
	if (m->roll.on)
		roll_end(m, "interrupted");
	for (i = 0; i < m->nslots; i++) {
		m->slots[i].restart_at = 0;
		if (m->slots[i].cur.pid)
			n++;
		if (m->slots[i].next.pid)
			n++;
		master_kill(&m->slots[i].cur, SIGTERM);
		master_kill(&m->slots[i].next, SIGTERM);
	}
	m->stop_deadline = m->now + STOP_TIMEOUT_MS;
	pr_info("%s: stopping; %d worker(s) draining", sig_name(sig), n);
}

/* Failures of the first start, one line per distinct cause. */
static void master_initial_done(struct master *m)
{
	char cpus[MSG_MAX];
	cpu_set_t set;
	int i, j;

	for (i = 0; i < m->nslots; i++) {
		if (!m->slots[i].fail_msg[0])
			continue;
		CPU_ZERO(&set);
		for (j = i; j < m->nslots; j++) {
			if (strcmp(m->slots[j].fail_msg, m->slots[i].fail_msg))
				continue;
			CPU_SET(m->slots[j].cpu, &set);
			if (j > i)
				m->slots[j].fail_msg[0] = '\0';
		}
		cpus_format(&set, cpus, sizeof(cpus));
		pr_warn("%s %s: %s", CPU_COUNT(&set) > 1 ? "cpus" : "cpu", cpus,
			m->slots[i].fail_msg);
		m->slots[i].fail_msg[0] = '\0';
	}
	if (!m->initial_ok)
		pr_warn("no worker could start");
}

static void master_reported(struct master *m, struct slot *s, struct wproc *w,
			    const struct worker_report *r)
{
	epoll_ctl(m->epfd, EPOLL_CTL_DEL, w->report_fd, NULL);
	close(w->report_fd);
	w->report_fd = -1;
	if (r && !r->err) {
		w->ready = true;
		w->ready_ms = m->now;
	} else if (w->initial) {
		snprintf(s->fail_msg, sizeof(s->fail_msg), "%s",
			 r ? r->msg : "worker died while starting");
	} else if (r && r->msg[0]) {
		pr_warn("cpu %d: worker %d: %s", s->cpu, (int)w->pid, r->msg);
	}
	if (w->initial) {
		m->initial_ok += w->ready;
		if (!--m->initial_pending)
			master_initial_done(m);
	}
	if (!w->ready || !m->roll.on || &m->slots[m->roll.idx] != s)
		return;
	if (w == &s->next && m->roll.phase == ROLL_START)
		roll_stop_old(m, s);
	else if (w == &s->cur && m->roll.phase == ROLL_WAIT)
		roll_start_next(m, s);
}

static void master_on_report(struct master *m, uint64_t tok)
{
	struct slot *s = &m->slots[tok >> 1];
	struct wproc *w = tok & 1 ? &s->next : &s->cur;
	struct worker_report r;
	ssize_t n;

	if (w->report_fd < 0)
		return;
	n = read(w->report_fd, &r, sizeof(r));
	if (n < 0 && errno == EAGAIN)
		return;
	r.msg[sizeof(r.msg) - 1] = '\0';
	master_reported(m, s, w, n == sizeof(r) ? &r : NULL);
}

static void describe_status(int status, char *buf, size_t len)
{
	if (WIFSIGNALED(status))
		snprintf(buf, len, "was killed by %s",
			 sig_name(WTERMSIG(status)));
	else
		snprintf(buf, len, "exited with status %d",
			 WEXITSTATUS(status));
}

static void master_reaped(struct master *m, pid_t pid, int status)
{
	struct slot *s = NULL;
	struct wproc *w = NULL, old;
	bool in_roll, was_next;
	char what[MSG_MAX];
	int i;

	for (i = 0; i < m->nslots && !w; i++) {
		s = &m->slots[i];
		w = s->cur.pid == pid  ? &s->cur :
		    s->next.pid == pid ? &s->next :
					 NULL;
	}
	if (!w)
		return;
	if (w->report_fd >= 0)
		master_reported(m, s, w, NULL);
	old = *w;
	was_next = w == &s->next;
	*w = (struct wproc){ .report_fd = -1 };
	describe_status(status, what, sizeof(what));
	if (!was_next && s->next.pid && s->next.ready)
		kill(s->next.pid, SIGUSR2); /* it is the slot's active now */
	if (m->stopping) {
		if (status)
			pr_info("cpu %d: worker %d %s", s->cpu, (int)pid, what);
		return;
	}
	in_roll = m->roll.on && &m->slots[m->roll.idx] == s;
	if (in_roll && was_next && m->roll.phase == ROLL_START) {
		pr_info("cpu %d: new worker %d %s", s->cpu, (int)pid, what);
		roll_abort(m, s, "the new generation did not start");
		return;
	}
	if (in_roll && !was_next && m->roll.phase == ROLL_STOP) {
		if (status)
			pr_info("cpu %d: old worker %d %s", s->cpu, (int)pid,
				what);
		s->cur = s->next;
		s->next = (struct wproc){ .report_fd = -1 };
		s->gen = m->roll.gen;
		m->roll.done++;
		if (!s->cur.pid)
			schedule_restart(m, s, pid,
					 "left, and its successor had died");
		roll_advance(m);
		return;
	}
	if (in_roll && was_next && m->roll.phase == ROLL_STOP) {
		/* The slot restarts once the old worker has left. */
		pr_info("cpu %d: new worker %d %s", s->cpu, (int)pid, what);
		return;
	}
	if (in_roll && !was_next && m->roll.phase == ROLL_START) {
		/* Its successor is registering: it takes the slot. */
		m->roll.cur_died = true;
		pr_info("cpu %d: worker %d %s; its successor takes over",
			s->cpu, (int)pid, what);
		return;
	}
	if (was_next) {
		/* A successor killed when its roll gave up: the slot is fine. */
		if (status)
			pr_info("cpu %d: new worker %d %s", s->cpu, (int)pid,
				what);
		return;
	}
	if (in_roll && m->roll.phase == ROLL_WAIT)
		s->gen = m->roll.gen; /* its restart is the roll's step */
	if (old.stopping && !old.killed) {
		if (status)
			pr_info("cpu %d: worker %d %s", s->cpu, (int)pid, what);
	} else if (!old.ready && old.initial) {
		m->failed = true; /* reported once the first start is done */
	} else if (old.ready && WIFEXITED(status) && !WEXITSTATUS(status)) {
		pr_info("cpu %d: worker %d left after a drain it was not "
			"asked for by this master; slot left empty",
			s->cpu, (int)pid);
	} else {
		if (old.ready && m->now - old.ready_ms >= RESTART_STABLE_MS)
			s->failures = 0;
		schedule_restart(m, s, pid, what);
	}
	if (in_roll && m->roll.phase == ROLL_WAIT)
		roll_advance(m);
}

static void master_on_signals(struct master *m)
{
	struct signalfd_siginfo si;
	int status, i, k;
	pid_t pid;

	for (k = 0;
	     k < SIGNALS_MAX && read(m->sigfd, &si, sizeof(si)) == sizeof(si);
	     k++) {
		switch (si.ssi_signo) {
		case SIGCHLD:
			/* Signals coalesce: reap every child that is done. */
			for (i = 0; i <= 2 * m->nslots; i++) {
				pid = waitpid(-1, &status, WNOHANG);
				if (pid <= 0)
					break;
				master_reaped(m, pid, status);
			}
			break;
		case SIGHUP:
			roll_begin(m);
			break;
		default:
			master_stop(m, si.ssi_signo);
			break;
		}
	}
}

static void deadline_min(uint64_t *d, uint64_t t)
{
	if (t && t < *d)
		*d = t;
}

static void master_check_start(struct master *m, struct slot *s,
			       struct wproc *w)
{
	if (w->pid && !w->ready && !w->killed &&
	    m->now >= w->started_ms + START_TIMEOUT_MS) {
		pr_warn("cpu %d: worker %d did not register within %d ms; "
			"killing it",
			s->cpu, (int)w->pid, START_TIMEOUT_MS);
		master_kill(w, SIGKILL);
	}
}

/* Restarts due, and the bounds on starting and stopping workers. */
static int master_timers(struct master *m)
{
	uint64_t next = UINT64_MAX;
	struct slot *s;
	int i, err;

	for (i = 0; i < m->nslots; i++) {
		s = &m->slots[i];
		master_check_start(m, s, &s->cur);
		master_check_start(m, s, &s->next);
		if (s->restart_at && m->now >= s->restart_at && !s->cur.pid) {
			s->restart_at = 0;
			err = master_spawn(m, s, &s->cur, s->gen, false, false);
			if (err)
				schedule_restart(m, s, 0,
						 "could not be forked");
			else
				pr_info("cpu %d: restarted: worker %d, gen %u",
					s->cpu, (int)s->cur.pid, s->gen);
		}
		if (!s->cur.pid)
			deadline_min(&next, s->restart_at);
		if (s->cur.pid && !s->cur.ready && !s->cur.killed)
			deadline_min(&next,
				     s->cur.started_ms + START_TIMEOUT_MS);
		if (s->next.pid && !s->next.ready && !s->next.killed)
			deadline_min(&next,
				     s->next.started_ms + START_TIMEOUT_MS);
	}
	if (m->roll.on && m->roll.phase == ROLL_STOP) {
		s = &m->slots[m->roll.idx];
		if (m->now >= m->roll.deadline && !s->cur.killed) {
			pr_warn("roll: cpu %d: worker %d still there after "
				"%d ms; killing it",
				s->cpu, (int)s->cur.pid, STOP_TIMEOUT_MS);
			master_kill(&s->cur, SIGKILL);
		}
		if (!s->cur.killed)
			deadline_min(&next, m->roll.deadline);
	}
	if (m->stopping && m->stop_deadline) {
		if (m->now >= m->stop_deadline) {
			pr_warn("workers still there after %d ms: killing "
				"them",
				STOP_TIMEOUT_MS);
			for (i = 0; i < m->nslots; i++) {
				master_kill(&m->slots[i].cur, SIGKILL);
				master_kill(&m->slots[i].next, SIGKILL);
			}
			m->forced = true;
			m->stop_deadline = 0;
		}
		deadline_min(&next, m->stop_deadline);
	}
	if (next == UINT64_MAX)
		return -1;
	return next > m->now ? next - m->now : 0;
}

static bool master_idle(const struct master *m)
{
	int i;

	for (i = 0; i < m->nslots; i++)
		if (m->slots[i].cur.pid || m->slots[i].next.pid ||
		    m->slots[i].restart_at)
			return false;
	return true;
}

static int master_setup(struct master *m)
{
	sigset_t mask;

	/* Workers inherit the mask: SIGUSR2 stays blocked for their signalfd. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGUSR2);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sigdelset(&mask, SIGUSR2);
	signal(SIGPIPE, SIG_IGN);
	m->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	m->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (m->sigfd < 0 || m->epfd < 0 ||
	    ep_ctl(m->epfd, EPOLL_CTL_ADD, m->sigfd, EPOLLIN,
		   TOK_MASTER_SIGNALS))
		return -errno;
	return 0;
}

int master_run(const struct config *cfg)
{
	struct master m = { .cfg = cfg, .epfd = -1, .sigfd = -1 };
	struct epoll_event evs[EPOLL_BATCH];
	char cpus[MSG_MAX];
	int i, n, cpu, err, timeout, rc = 1;

	m.nslots = CPU_COUNT(&cfg->cpus);
	m.slots = calloc(m.nslots, sizeof(*m.slots));
	if (!m.slots)
		return 1;
	/* All of them first: a forked worker closes every report fd. */
	for (cpu = 0, i = 0; cpu < CPU_SETSIZE && i < m.nslots; cpu++) {
		if (!CPU_ISSET(cpu, &cfg->cpus))
			continue;
		m.slots[i] = (struct slot){ .cpu = cpu, .gen = cfg->gen };
		m.slots[i].cur.report_fd = m.slots[i].next.report_fd = -1;
		i++;
	}
	err = master_setup(&m);
	if (err) {
		pr_warn("cannot set up: %s", strerror(-err));
		goto out;
	}
	cpus_format(&cfg->cpus, cpus, sizeof(cpus));
	pr_info("starting %d worker(s) on CPUs %s, gen %u, %s", m.nslots, cpus,
		cfg->gen, cfg->no_steer ? "no steer" : "steered by steerd");
	m.now = clock_now_ms();
	for (i = 0; i < m.nslots; i++) {
		err = master_spawn(&m, &m.slots[i], &m.slots[i].cur, cfg->gen,
				   cfg->standby, true);
		if (err) {
			snprintf(m.slots[i].fail_msg, MSG_MAX,
				 "cannot fork: %s", strerror(-err));
			m.failed = true;
		} else {
			m.initial_pending++;
		}
	}
	if (!m.initial_pending)
		master_initial_done(&m);

	while (!master_idle(&m)) {
		m.now = clock_now_ms();
		timeout = master_timers(&m);
		n = epoll_wait(m.epfd, evs, EPOLL_BATCH, timeout);
		if (n < 0 && errno != EINTR) {
			/* The workers follow through their parent-death signal. */
			pr_warn("event loop: %s", strerror(errno));
			goto out;
		}
		m.now = clock_now_ms();
		for (i = 0; i < n; i++) {
			if (evs[i].data.u64 == TOK_MASTER_SIGNALS)
				master_on_signals(&m);
			else
				master_on_report(&m, evs[i].data.u64);
		}
	}
	if (m.initial_ok)
		pr_info("exiting: every worker is gone");
	/* Stopped as asked, or left by drains: success. */
	rc = !m.initial_ok || m.forced || (!m.stopping && m.failed);
out:
	master_forget(&m);
	free(m.slots);
	return rc;
}
