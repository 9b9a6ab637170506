// SPDX-License-Identifier: GPL-2.0-only
/*
 * The rolling restart: one slot at a time, the next generation registers
 * as the slot's standby, then the old worker drains (which promotes it);
 * the roll moves on once the old worker has left.
 */
#include <signal.h>
#include <string.h>

#include "master.h"

void roll_end(struct master *m, const char *how)
{
	pr_info("roll %s: gen %u, %llu ms", how, m->roll.gen,
		(unsigned long long)(m->now - m->roll.began));
	m->roll.on = false;
}

void roll_abort(struct master *m, struct slot *s, const char *why)
{
	pr_warn("roll aborted at cpu %d: %s; %d slot(s) before it run gen "
		"%u",
		s->cpu, why, m->roll.done, m->roll.gen);
	m->roll.on = false;
	if (s->next.pid)
		master_kill(&s->next, SIGKILL);
	if (m->roll.cur_died && !s->cur.pid && !s->restart_at)
		schedule_restart(m, s, 0, "left during the roll");
}

void roll_start_next(struct master *m, struct slot *s)
{
	int err;

	m->roll.phase = ROLL_START;
	m->roll.cur_died = false;
	err = master_spawn(m, s, &s->next, m->roll.gen, true, false);
	if (err) {
		pr_warn("cpu %d: cannot fork: %s", s->cpu, strerror(-err));
		roll_abort(m, s, "no new worker");
		return;
	}
	pr_info("roll: cpu %d: starting gen %u as standby (worker %d)", s->cpu,
		m->roll.gen, (int)s->next.pid);
}

/* The next generation is registered: hand the slot over. */
void roll_stop_old(struct master *m, struct slot *s)
{
	if (!s->cur.pid) {
		pr_info("roll: cpu %d: gen %u ready (worker %d) in an empty "
			"slot",
			s->cpu, m->roll.gen, (int)s->next.pid);
		s->cur = s->next;
		s->next = (struct wproc){ .report_fd = -1 };
		s->gen = m->roll.gen;
		kill(s->cur.pid, SIGUSR2);
		m->roll.done++;
		roll_advance(m);
		return;
	}
	m->roll.phase = ROLL_STOP;
	m->roll.deadline = m->now + STOP_TIMEOUT_MS;
	master_kill(&s->cur, SIGTERM);
	pr_info("roll: cpu %d: gen %u ready (worker %d); draining worker %d",
		s->cpu, m->roll.gen, (int)s->next.pid, (int)s->cur.pid);
}

void roll_advance(struct master *m)
{
	struct slot *s;

	while (++m->roll.idx < m->nslots) {
		s = &m->slots[m->roll.idx];
		if (s->restart_at) {
			/* Its pending restart comes up in the new gen. */
			s->gen = m->roll.gen;
			continue;
		}
		if (s->cur.pid && !s->cur.ready) {
			m->roll.phase = ROLL_WAIT;
			return;
		}
		/* An empty slot (drained, given up) gets a worker again. */
		s->failures = 0;
		roll_start_next(m, s);
		return;
	}
	roll_end(m, "end");
}

void roll_begin(struct master *m)
{
	unsigned int gen = 0;
	int i;

	if (m->stopping) {
		pr_info("SIGHUP while stopping: no roll");
		return;
	}
	if (m->roll.on) {
		pr_info("SIGHUP: a roll is under way (cpu %d); ignored",
			m->slots[m->roll.idx].cpu);
		return;
	}
	for (i = 0; i < m->nslots; i++)
		if (m->slots[i].gen > gen)
			gen = m->slots[i].gen;
	m->roll.on = true;
	m->roll.gen = gen + 1;
	m->roll.idx = -1;
	m->roll.done = 0;
	m->roll.began = m->now;
	pr_info("roll begin: gen %u, %d slot(s), one at a time", gen + 1,
		m->nslots);
	roll_advance(m);
}
