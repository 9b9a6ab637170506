// SPDX-License-Identifier: GPL-2.0-only
/*
 * Adoption: listeners of servers that never registered them (nginx with
 * `reuseport` and `worker_cpu_affinity`), found with sock_diag, their
 * holders and pollers from /proc, each taken with pidfd_getfd, checked like
 * a registered listener and put in the slot of the CPU its worker is pinned
 * to. A group in adopt mode is looked at again on every reconcile tick, so
 * steerd follows the server through reloads, respawns and upgrades; the
 * listeners' closes reach lifecycle.c like any other listener's.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "steerd.h"
#include "host/proc_fds.h"
#include "lib/log.h"
#include "lib/proto.h"
#include "netlink/diag.h"

/* A group's listeners at one sock_diag dump: cookie and inode. */
struct adopt_scan {
	const struct steer_group *g;
	struct diag_listener found[STEER_MAX_SLOTS];
	size_t count;
};

/* Why a listener was not adopted, said once per change (ticks repeat). */
struct adopt_report {
	struct steerd_group *sg;
	json_t *problems; /* the command's reply gets them; NULL on a tick */
	size_t adopted;
};

static void report_problem(struct adopt_report *rep, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void report_problem(struct adopt_report *rep, const char *fmt, ...)
{
	char text[sizeof(rep->sg->adopt_note)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (rep->problems) {
		json_array_append_new(rep->problems, json_string(text));
		return;
	}
	if (!strcmp(text, rep->sg->adopt_note))
		return;
	snprintf(rep->sg->adopt_note, sizeof(rep->sg->adopt_note), "%s", text);
	pr_warn("group %s: %s", rep->sg->g.name, text);
}

static int collect(const struct diag_listener *l, void *arg)
{
	struct adopt_scan *scan = arg;
	const struct steer_group *g = scan->g;

	if (l->port != g->port ||
	    memcmp(l->addr, g->addr, g->af == STEER_AF_INET ? 4 : 16))
		return 0;
	if (scan->count == STEER_MAX_SLOTS)
		return 1;
	scan->found[scan->count++] = *l;
	return 0;
}

/*
 * The CPU of the workers polling inode ino, and the newest of them (during
 * an upgrade the old and the new worker of a CPU both poll it): 0, -ENOENT
 * (nobody polls it yet) or a problem reported.
 */
static int worker_of(const struct proc_sock_ref *refs, size_t n, uint64_t ino,
		     struct adopt_report *rep, pid_t *worker, int *cpu)
{
	char comm[PROC_COMM_MAX];
	int this_cpu, err;
	size_t i;

	*worker = 0;
	for (i = 0; i < n; i++) {
		if (refs[i].ino != ino || !refs[i].polled)
			continue;
		err = proc_task_cpu(refs[i].pid, &this_cpu);
		if (err == -ESRCH)
			continue; /* exited since the scan */
		proc_comm(refs[i].pid, comm, sizeof(comm));
		if (err == -EDOM) {
			report_problem(rep,
				       "worker %d (%s) may run on several "
				       "CPUs: pin each worker to one (nginx: "
				       "worker_cpu_affinity auto)",
				       refs[i].pid, comm);
			return err;
		}
		if (err) {
			report_problem(rep, "CPU affinity of %d (%s): %s",
				       refs[i].pid, comm, strerror(-err));
			return err;
		}
		if (*worker && this_cpu != *cpu) {
			report_problem(rep,
				       "a listener is polled by workers on "
				       "CPUs %d and %d: workers sharing one "
				       "listener cannot be made CPU-local "
				       "(nginx: listen ... reuseport)",
				       *cpu, this_cpu);
			return -EMLINK;
		}
		*cpu = this_cpu;
		if (refs[i].pid > *worker)
			*worker = refs[i].pid;
	}
	return *worker ? 0 : -ENOENT;
}

/* A descriptor of ino's in the worker, else in any holder (its master). */
static const struct proc_sock_ref *holder_of(const struct proc_sock_ref *refs,
					     size_t n, uint64_t ino,
					     pid_t worker)
{
	const struct proc_sock_ref *any = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		if (refs[i].ino != ino || refs[i].fd < 0)
			continue;
		if (refs[i].pid == worker)
			return &refs[i];
		any = &refs[i];
	}
	return any;
}

static bool held_by(const struct proc_sock_ref *refs, size_t n, uint64_t ino,
		    pid_t pid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (refs[i].ino == ino && refs[i].pid == pid)
			return true;
	return false;
}

/* An adopted listener now polled by another worker (reload, respawn). */
static void follow(struct steerd *d, struct steerd_listener *l, pid_t worker,
		   int cpu, struct adopt_report *rep)
{
	char comm[PROC_COMM_MAX];

	if (cpu != l->slot) {
		report_problem(rep,
			       "slot %u's listener is polled by worker %d "
			       "on CPU %d now; it stays in slot %u until it "
			       "closes",
			       l->slot, worker, cpu, l->slot);
		return;
	}
	if (worker == l->pid && l->adopted)
		return;
	proc_comm(worker, comm, sizeof(comm));
	l->adopted = true;
	pr_info("group %s slot %u: adopted listener (cookie %llu) now polled "
		"by pid %d (%s), was pid %d",
		rep->sg->g.name, l->slot, (unsigned long long)l->cookie, worker,
		comm, l->pid);
	l->pid = worker;
	snprintf(l->comm, sizeof(l->comm), "%s", comm);
	steerd_listener_save(d, l);
}

/* Takes, checks and places one listener; steerd keeps no descriptor. */
static void take(struct steerd *d, const struct diag_listener *dl,
		 const struct proc_sock_ref *holder, pid_t worker, int cpu,
		 struct adopt_report *rep)
{
	uint16_t id = rep->sg - d->groups;
	struct steerd_sockopts opts;
	struct steerd_listener *l;
	char comm[PROC_COMM_MAX];
	json_t *refusal;
	int fd;

	proc_comm(worker, comm, sizeof(comm));
	fd = proc_take_fd(holder->pid, holder->fd);
	if (fd < 0) {
		report_problem(rep, "taking descriptor %d of pid %d (%s): %s%s",
			       holder->fd, holder->pid, comm, strerror(-fd),
			       fd == -EPERM ? " (steerd needs the right to "
					      "ptrace the server: root, or "
					      "CAP_SYS_PTRACE)" :
					      "");
		return;
	}
	refusal = steerd_listener_check(d, id, fd, &opts);
	if (!refusal)
		refusal = steerd_listener_add(d, id, cpu, false, fd, worker,
					      &opts, &l);
	close(fd);
	if (refusal) {
		report_problem(
			rep, "listener of pid %d (%s): %s", worker, comm,
			json_string_value(json_object_get(refusal, "error")));
		json_decref(refusal);
		return;
	}
	l->adopted = true;
	l->uid = dl->uid; /* the socket's owner may drain it */
	snprintf(l->comm, sizeof(l->comm), "%s", comm);
	rep->adopted++;
	pr_info("group %s slot %u: adopted the listener (inode %llu, cookie "
		"%llu) of pid %d (%s), pinned to CPU %d",
		rep->sg->g.name, cpu, (unsigned long long)dl->inode,
		(unsigned long long)l->cookie, worker, comm, cpu);
}

/*
 * Adopts the group's listeners (those pid holds, when pid is not 0) and
 * follows the ones it adopted before. 0 or a negative errno; the reasons
 * listeners stay out go to rep.
 */
static int adopt_group(struct steerd *d, struct adopt_report *rep, pid_t pid)
{
	struct adopt_scan scan = { .g = &rep->sg->g };
	uint64_t inos[STEER_MAX_SLOTS];
	struct proc_sock_ref *refs;
	size_t n, i, held = 0;
	int err;

	err = diag_listeners(scan.g->af == STEER_AF_INET ? AF_INET : AF_INET6,
			     collect, &scan);
	if (err < 0)
		return err;
	for (i = 0; i < scan.count; i++)
		inos[i] = scan.found[i].inode;
	err = proc_sock_refs(inos, scan.count, &refs, &n);
	if (err)
		return err;
	for (i = 0; i < scan.count; i++) {
		const struct diag_listener *dl = &scan.found[i];
		struct steerd_listener *l;
		const struct proc_sock_ref *holder;
		pid_t worker;
		int cpu = -1;

		if (pid && !held_by(refs, n, dl->inode, pid))
			continue;
		held++;
		l = steerd_listener_find(d, dl->cookie);
		/*
		 * A server's own registration stays its own; a listener
		 * nobody holds a registration for (adopted before steerd
		 * restarted: the pins keep no mark) is followed again.
		 */
		if (l && l->state != STEER_SLOT_EMPTY && !l->adopted &&
		    l->registrant)
			continue;
		if (worker_of(refs, n, dl->inode, rep, &worker, &cpu))
			continue; /* a new worker polls it by the next tick */
		if (l && l->state != STEER_SLOT_EMPTY) {
			follow(d, l, worker, cpu, rep);
			continue;
		}
		holder = holder_of(refs, n, dl->inode, worker);
		if (holder)
			take(d, dl, holder, worker, cpu, rep);
	}
	free(refs);
	return pid && !held ? -ESRCH : 0;
}

json_t *steerd_group_adopt(struct steerd *d, const struct steerd_peer *peer,
			   const json_t *req, int fd)
{
	struct adopt_report rep = { 0 };
	json_t *error = NULL;
	struct proto_read rd;
	const char *name;
	uint32_t pid;
	int err;

	proto_read_init(&rd);
	name = proto_read_str(&rd, req, "name");
	pid = proto_read_u32(&rd, req, "pid");
	if (rd.err)
		return proto_reply_error(-EINVAL, "%s", rd.msg);
	rep.sg = steerd_group_named(d, name, &error);
	if (!rep.sg)
		return error;
	if (rep.sg->g.kind != STEER_KIND_REUSEPORT ||
	    rep.sg->g.proto != STEER_PROTO_TCP)
		return proto_reply_error(-EOPNOTSUPP,
					 "group %s is not a reuseport group "
					 "of TCP: only those adopt listeners",
					 rep.sg->g.name);
	if (!pid || (kill(pid, 0) == -1 && errno == ESRCH))
		return proto_reply_error(-ESRCH, "no process %u", pid);
	rep.problems = json_array();
	err = adopt_group(d, &rep, pid);
	if (err == -ESRCH) {
		json_decref(rep.problems);
		return proto_reply_error(err,
					 "pid %u holds no TCP listener on "
					 "group %s's address and port",
					 pid, rep.sg->g.name);
	}
	if (err) {
		json_decref(rep.problems);
		return proto_reply_error(err, "adopting for group %s: %s",
					 rep.sg->g.name, strerror(-err));
	}
	if (!rep.sg->adopt)
		pr_info("group %s: adopting its listeners on every reconcile "
			"tick (pid %u asked for)",
			rep.sg->g.name, pid);
	rep.sg->adopt = true;
	return steerd_reply(json_pack("{s:s, s:I, s:o}", "name", rep.sg->g.name,
				      "adopted", (json_int_t)rep.adopted,
				      "problems", rep.problems));
}

void steerd_adopt_tick(struct steerd *d)
{
	int i, err;

	for (i = 0; i < STEER_MAX_GROUPS; i++) {
		struct adopt_report rep = { .sg = &d->groups[i] };

		if (!rep.sg->g.name[0] || !rep.sg->adopt)
			continue;
		err = adopt_group(d, &rep, 0);
		if (err)
			report_problem(&rep, "adopting: %s", strerror(-err));
		else if (rep.adopted)
			rep.sg->adopt_note[0] = '\0';
	}
}
