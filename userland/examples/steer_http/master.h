/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The master process: forks one worker per CPU, supervises them (restart
 * with backoff), rolls them to a new generation on SIGHUP (roll.c) and
 * drains them all on SIGTERM. The state master.c and roll.c share.
 */
#ifndef STEER_HTTP_MASTER_H
#define STEER_HTTP_MASTER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "args.h"
#include "log.h"
#include "worker.h"

/* A worker has this long to register its listener. */
#define START_TIMEOUT_MS 5000
/* A stopping worker bounds itself; the master's bound allows it this. */
#define STOP_SLACK_MS 2000
#define STOP_TIMEOUT_MS \
	(DRAIN_TIMEOUT_MS + DRAIN_SLACK_MS + CLOSE_GRACE_MS + STOP_SLACK_MS)

struct wproc {
	pid_t pid; /* 0: none */
	int report_fd; /* until the worker reports */
	unsigned int gen;
	bool initial; /* of the first start: a failure is not retried */
	bool ready; /* its listener is registered */
	bool stopping; /* the master asked it to leave */
	bool killed; /* SIGKILLed at a bound */
	uint64_t started_ms, ready_ms;
};

struct slot {
	int cpu;
	unsigned int gen; /* its workers' generation */
	struct wproc cur; /* the slot's worker */
	struct wproc next; /* its successor during a roll */
	uint64_t restart_at; /* 0: none pending */
	unsigned int failures; /* restarts since it last served a while */
	char fail_msg[MSG_MAX]; /* why the first start failed */
};

enum roll_phase {
	ROLL_WAIT, /* the slot's worker is still starting */
	ROLL_START, /* the next generation is registering as standby */
	ROLL_STOP, /* the old worker is draining */
};

struct master {
	const struct config *cfg;
	int epfd, sigfd;
	struct slot *slots;
	int nslots;
	int initial_pending, initial_ok;
	bool stopping;
	bool failed; /* a CPU was left without a worker */
	bool forced; /* workers were killed at the stop bound */
	uint64_t now, stop_deadline;
	struct {
		bool on;
		int idx, done;
		unsigned int gen;
		bool cur_died; /* the old worker of the step died on its own */
		enum roll_phase phase;
		uint64_t deadline, began;
	} roll;
};

/* Runs the server until every worker is gone; the exit status. */
int master_run(const struct config *cfg);

/* Forks a worker for slot s into w (s->cur or s->next). */
int master_spawn(struct master *m, struct slot *s, struct wproc *w,
		 unsigned int gen, bool standby, bool initial);
/* SIGTERM asks w to leave; SIGKILL ends it at a bound. */
void master_kill(struct wproc *w, int sig);
/* A worker died unasked: restart the slot later, or give up on it. */
void schedule_restart(struct master *m, struct slot *s, pid_t pid,
		      const char *what);

/* SIGHUP: the next generation, one slot at a time (roll.c). */
void roll_begin(struct master *m);
/* Goes on to the next slot that has to roll, or ends the roll. */
void roll_advance(struct master *m);
void roll_end(struct master *m, const char *how);
/* Gives up at slot s: it and the slots after it keep their generation. */
void roll_abort(struct master *m, struct slot *s, const char *why);
/* Starts slot s's successor as standby. */
void roll_start_next(struct master *m, struct slot *s);
/* The successor is registered: hand slot s over to it. */
void roll_stop_old(struct master *m, struct slot *s);

#endif /* STEER_HTTP_MASTER_H */
