// SPDX-License-Identifier: GPL-2.0-only
/*
 * steerd's drains: a listener taken out of selection at once, its accept
 * queue (a UDP socket's receive queue) watched through sock_diag every
 * tick, its registrant told "drain" then "drained", and a waiting "drain
 * --wait" answered when the queue is empty (every queue, for a drain by
 * pid), when the timeout passes, or when the listener closes first.
 */
#include <errno.h>
#include <string.h>

#include "steerd.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "lib/proto.h"
#include "lib/proto_msg.h"
#include "netlink/diag.h"

/* Whether the drain request names l. */
static bool drain_names(const struct proto_drain_req *r, uint16_t group,
			const struct steerd_listener *l)
{
	if (!l->in_use || l->group != group)
		return false;
	switch (r->by) {
	case PROTO_DRAIN_COOKIE:
		/* By cookie, a standby drains too (a roll it gives up). */
		return l->cookie == r->id && (l->state == STEER_SLOT_ACTIVE ||
					      l->state == STEER_SLOT_STANDBY);
	case PROTO_DRAIN_PID:
		return l->state == STEER_SLOT_ACTIVE && l->pid == (pid_t)r->id;
	case PROTO_DRAIN_SLOT:
		return l->state == STEER_SLOT_ACTIVE && l->slot == r->id;
	}
	return false;
}

static json_t *not_found(const struct proto_drain_req *r)
{
	switch (r->by) {
	case PROTO_DRAIN_COOKIE:
		return proto_reply_error(-ENOENT,
					 "group %s has no active or standby "
					 "listener with cookie %llu",
					 r->group, (unsigned long long)r->id);
	case PROTO_DRAIN_PID:
		return proto_reply_error(-ENOENT,
					 "group %s has no active listener of "
					 "pid %llu",
					 r->group, (unsigned long long)r->id);
	default:
		return proto_reply_error(-ENOENT,
					 "slot %llu of group %s has no active "
					 "listener",
					 (unsigned long long)r->id, r->group);
	}
}

/* Takes l out of selection and starts watching its queue. */
static int start_drain(struct steerd *d, struct steerd_listener *l,
		       uint32_t timeout_ms, uint64_t now_ms)
{
	struct diag_listener dl;
	int err;

	/* Out of selection at once: the standby or a sibling takes SYNs. */
	err = steer_maps__unselect(&d->socks, l->group, l->slot, l->bank);
	if (err && err != -ENOENT)
		return err;
	l->state = STEER_SLOT_DRAINING;
	l->drain_start_ms = now_ms;
	l->drain_deadline_ms = now_ms + timeout_ms;
	l->drained = 0;
	l->last_queue = 0;
	if (!steerd_sock_diag(l->proto, l->cookie, &dl))
		l->last_queue = dl.accept_queue;
	steerd_listener_save(d, l);
	steerd_promote(d, l->group, l->slot);
	steerd_write_live(d, l->group);
	steerd_listener_notify(d, l, "drain");
	pr_info("group %s slot %u: draining listener (pid %d)",
		d->groups[l->group].g.name, l->slot, l->pid);
	return 0;
}

/*
 * Drains the listener the request names or, by pid, every active listener
 * of that process in the group. A peer that is not root drains only its
 * own listeners (steerd_listener_owned); another's is refused before any
 * is touched.
 */
json_t *steerd_drain(struct steerd *d, const struct steerd_peer *peer,
		     const json_t *req, int fd)
{
	struct proto_drain_reply reply = { .state = "draining" };
	struct steerd_listener *first = NULL;
	uint64_t now = clock_now_ms();
	struct proto_drain_req r;
	struct steerd_group *sg;
	struct proto_read rd;
	json_t *error = NULL;
	uint32_t n = 0;
	uint16_t id;
	int i, err;

	proto_read_init(&rd);
	if (proto_unpack_drain_req(&rd, req, &r))
		return proto_reply_error(-EINVAL, "%s", rd.msg);
	/* A cookie or pid of 0 would select by slot 0: it names no listener. */
	if (r.by != PROTO_DRAIN_SLOT && !r.id)
		return proto_reply_error(
			-EINVAL, "bad %s 0: it names no listener",
			r.by == PROTO_DRAIN_COOKIE ? "cookie" : "pid");
	sg = steerd_group_named(d, r.group, &error);
	if (!sg)
		return error;
	id = sg - d->groups;
	for (i = 0; i < STEER_SOCKS_MAX; i++) {
		struct steerd_listener *l = &d->listeners[i];

		if (!drain_names(&r, id, l))
			continue;
		if (!steerd_listener_owned(l, peer))
			return proto_reply_error(
				-EPERM,
				"group %s slot %u: the listener (pid %d) is "
				"another user's; only root drains it",
				r.group, l->slot, l->pid);
		n++;
	}
	if (!n)
		return not_found(&r);
	for (i = 0; i < STEER_SOCKS_MAX; i++) {
		struct steerd_listener *l = &d->listeners[i];

		if (!drain_names(&r, id, l))
			continue;
		err = start_drain(d, l, r.timeout_ms, now);
		if (err)
			return proto_reply_error(err, "draining: %s",
						 strerror(-err));
		if (!first)
			first = l;
		if (r.wait)
			l->drain_waiter = peer->id;
	}
	if (r.wait)
		return NULL;
	reply.slot = first->slot;
	reply.listeners = n;
	return proto_pack_drain_reply(&reply, false);
}

/*
 * Another listener still draining for the same waiter (drain --pid
 * --wait), or NULL.
 */
static struct steerd_listener *fellow_drain(struct steerd *d,
					    const struct steerd_listener *l)
{
	int i;

	for (i = 0; i < STEER_SOCKS_MAX; i++) {
		struct steerd_listener *o = &d->listeners[i];

		if (o != l && o->in_use && o->drain_waiter == l->drain_waiter &&
		    o->state == STEER_SLOT_DRAINING && o->drain_start_ms)
			return o;
	}
	return NULL;
}

/* Everything else its waiter waited for is over: it was told already. */
static void release_waiter(struct steerd *d, uint64_t waiter)
{
	int i;

	for (i = 0; i < STEER_SOCKS_MAX; i++)
		if (d->listeners[i].in_use &&
		    d->listeners[i].drain_waiter == waiter)
			d->listeners[i].drain_waiter = 0;
}

/*
 * A listener's queue is empty: its waiter hears once the last of the
 * listeners it waits for is, of all of them.
 */
static void drain_done(struct steerd *d, struct steerd_listener *l,
		       uint64_t now)
{
	struct proto_drain_reply reply = { .listeners = 1 };
	struct steerd_listener *fellow;
	json_t *msg;

	if (!l->drain_waiter)
		return;
	fellow = fellow_drain(d, l);
	if (fellow) {
		/* The last to finish carries the count and the tally. */
		fellow->drained += l->drained;
		fellow->drained_listeners += 1 + l->drained_listeners;
		l->drain_waiter = 0;
		return;
	}
	reply.slot = l->slot;
	reply.drained_ms = now - l->drain_start_ms;
	reply.drained = l->drained;
	reply.listeners += l->drained_listeners;
	msg = proto_pack_drain_reply(&reply, true);
	if (msg)
		steerd_send(d, l->drain_waiter, msg);
	json_decref(msg);
	l->drain_waiter = 0;
}

/* Watches draining listeners' accept queues; finishes drains. */
/* A draining listener's queue: a TCP one from this tick's one dump. */
static int drain_queue(struct steerd *d, const struct steerd_listener *l,
		       bool *dumped, struct diag_listener *out)
{
	const struct diag_listener *found;

	if (l->proto != STEER_PROTO_TCP)
		return steerd_sock_diag(l->proto, l->cookie, out);
	if (!*dumped) {
		if (diag_table_dump(d->nl, &d->drain_table))
			return -EIO;
		*dumped = true;
	}
	found = diag_table_find(&d->drain_table, l->cookie);
	if (!found)
		return -ENOENT;
	*out = *found;
	return 0;
}

/*
 * One sock_diag dump of the TCP listeners per tick serves every draining
 * listener, however many there are (not one dump each).
 */
void steerd_drain_tick(struct steerd *d)
{
	uint64_t now = clock_now_ms();
	bool dumped = false;
	int i;

	for (i = 0; i < STEER_SOCKS_MAX; i++) {
		struct steerd_listener *l = &d->listeners[i];
		struct diag_listener dl;
		json_t *r;

		if (!l->in_use || l->state != STEER_SLOT_DRAINING ||
		    !l->drain_start_ms)
			continue;
		if (drain_queue(d, l, &dumped, &dl))
			continue; /* closed: the lifecycle event follows */
		if (dl.accept_queue < l->last_queue)
			l->drained += l->last_queue - dl.accept_queue;
		l->last_queue = dl.accept_queue;
		if (dl.accept_queue == 0) {
			steerd_listener_notify(d, l, "drained");
			pr_info("group %s slot %u: drained in %llu ms",
				d->groups[l->group].g.name, l->slot,
				(unsigned long long)(now - l->drain_start_ms));
			drain_done(d, l, now);
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
				release_waiter(d, l->drain_waiter);
			}
			l->drain_start_ms = 0;
		}
	}
}

void steerd_drain_abort(struct steerd *d, struct steerd_listener *l)
{
	json_t *r;

	if (!l->drain_waiter)
		return;
	r = l->proto == STEER_PROTO_UDP ?
		    proto_reply_error(-ECONNABORTED,
				      "the UDP socket closed before its queue "
				      "drained; what was queued is lost") :
		    proto_reply_error(-ECONNABORTED,
				      "the listener closed before its queue "
				      "drained; what was queued migrated");
	steerd_send(d, l->drain_waiter, r);
	json_decref(r);
	release_waiter(d, l->drain_waiter);
}
