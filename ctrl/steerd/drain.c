// SPDX-License-Identifier: GPL-2.0-only
/*
 * steerd's drains: a listener taken out of selection at once, its accept
 * queue watched through sock_diag every tick, its registrant told "drain"
 * then "drained", and a waiting "drain --wait" answered when the queue is
 * empty, when the timeout passes, or when the listener closes first.
 */
#include <errno.h>
#include <string.h>

#include "steerd.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "lib/proto.h"
#include "netlink/diag.h"

json_t *steerd_drain(struct steerd *d, const struct steerd_peer *peer,
		     const json_t *req, int fd)
{
	struct steerd_listener *l = NULL;
	struct steerd_group *sg;
	struct proto_read rd;
	const char *name;
	uint32_t slot = 0, pid = 0, timeout_ms = 30000;
	uint64_t cookie = 0;
	bool wait = false, by_cookie, by_slot;
	struct diag_listener dl;
	json_t *error = NULL;
	uint16_t id;
	int i, err;

	proto_read_init(&rd);
	name = proto_read_str(&rd, req, "group");
	by_cookie = json_object_get(req, "cookie") != NULL;
	by_slot = !by_cookie && json_object_get(req, "slot");
	if (by_cookie)
		cookie = proto_read_u64(&rd, req, "cookie");
	else if (by_slot)
		slot = proto_read_u32(&rd, req, "slot");
	else
		pid = proto_read_u32(&rd, req, "pid");
	if (json_object_get(req, "timeout_ms"))
		timeout_ms = proto_read_u32(&rd, req, "timeout_ms");
	if (json_object_get(req, "wait"))
		wait = proto_read_bool(&rd, req, "wait");
	if (rd.err)
		return proto_reply_error(-EINVAL, "%s", rd.msg);
	/* A cookie or pid of 0 would select by slot 0: it names no listener. */
	if (!by_slot && !cookie && !pid)
		return proto_reply_error(-EINVAL,
					 "bad %s 0: it names no listener",
					 by_cookie ? "cookie" : "pid");
	sg = steerd_group_arg(d, req, "group", &error);
	if (!sg)
		return error;
	id = sg - d->groups;
	for (i = 0; i < STEER_SOCKS_MAX && !l; i++) {
		struct steerd_listener *c = &d->listeners[i];

		/* By cookie, a standby drains too (a roll it gives up). */
		if (cookie ? c->in_use && c->group == id &&
				     c->cookie == cookie &&
				     (c->state == STEER_SLOT_ACTIVE ||
				      c->state == STEER_SLOT_STANDBY) :
			     c->in_use && c->group == id &&
				     c->state == STEER_SLOT_ACTIVE &&
				     (pid ? c->pid == (pid_t)pid :
					    c->slot == slot))
			l = c;
	}
	if (!l && cookie)
		return proto_reply_error(-ENOENT,
					 "group %s has no active or standby "
					 "listener with cookie %llu",
					 name, (unsigned long long)cookie);
	if (!l)
		return pid ? proto_reply_error(-ENOENT,
					       "group %s has no active "
					       "listener of pid %u",
					       name, pid) :
			     proto_reply_error(-ENOENT,
					       "slot %u of group %s has no "
					       "active listener",
					       slot, name);
	/* Out of selection at once: the standby or a sibling takes SYNs. */
	err = steer_maps__unselect(&d->socks, id, l->slot, l->bank);
	if (err && err != -ENOENT)
		return proto_reply_error(err, "draining: %s", strerror(-err));
	l->state = STEER_SLOT_DRAINING;
	l->drain_start_ms = clock_now_ms();
	l->drain_deadline_ms = l->drain_start_ms + timeout_ms;
	l->drained = 0;
	l->last_queue = 0;
	if (!diag_listener_by_cookie(l->cookie, &dl))
		l->last_queue = dl.accept_queue;
	steerd_listener_save(d, l);
	steerd_promote(d, id, l->slot);
	steerd_write_live(d, id);
	steerd_listener_notify(d, l, "drain");
	pr_info("group %s slot %u: draining listener (pid %d)", name, l->slot,
		l->pid);
	if (wait) {
		l->drain_waiter = peer->id;
		return NULL;
	}
	return steerd_reply(
		json_pack("{s:i, s:s}", "slot", l->slot, "state", "draining"));
}

/* Watches draining listeners' accept queues; finishes drains. */
void steerd_drain_tick(struct steerd *d)
{
	uint64_t now = clock_now_ms();
	int i;

	for (i = 0; i < STEER_SOCKS_MAX; i++) {
		struct steerd_listener *l = &d->listeners[i];
		struct diag_listener dl;
		json_t *r;

		if (!l->in_use || l->state != STEER_SLOT_DRAINING ||
		    !l->drain_start_ms)
			continue;
		if (diag_listener_by_cookie(l->cookie, &dl))
			continue; /* closed: the lifecycle event follows */
		if (dl.accept_queue < l->last_queue)
			l->drained += l->last_queue - dl.accept_queue;
		l->last_queue = dl.accept_queue;
		if (dl.accept_queue == 0) {
			steerd_listener_notify(d, l, "drained");
			pr_info("group %s slot %u: drained in %llu ms",
				d->groups[l->group].g.name, l->slot,
				(unsigned long long)(now - l->drain_start_ms));
			if (l->drain_waiter) {
				r = steerd_reply(json_pack(
					"{s:i, s:I, s:i}", "slot", l->slot,
					"drained_ms",
					(json_int_t)(now - l->drain_start_ms),
					"drained", l->drained));
				steerd_send(d, l->drain_waiter, r);
				json_decref(r);
			}
			l->drain_waiter = 0;
			l->drain_start_ms = 0; /* done: wait for the close */
		} else if (now >= l->drain_deadline_ms) {
			if (l->drain_waiter) {
				r = proto_reply_error(
					-ETIMEDOUT,
					"slot %u still has %u queued "
					"connection(s) after the timeout; it "
					"stays out of selection",
					l->slot, dl.accept_queue);
				steerd_send(d, l->drain_waiter, r);
				json_decref(r);
			}
			l->drain_waiter = 0;
			l->drain_start_ms = 0;
		}
	}
}

void steerd_drain_abort(struct steerd *d, struct steerd_listener *l)
{
	json_t *r;

	if (!l->drain_waiter)
		return;
	r = proto_reply_error(-ECONNABORTED,
			      "the listener closed before its queue drained; "
			      "what was queued migrated");
	steerd_send(d, l->drain_waiter, r);
	json_decref(r);
	l->drain_waiter = 0;
}
