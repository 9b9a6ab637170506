// SPDX-License-Identifier: GPL-2.0-only
/*
 * steerd's listener lifecycles: closes reported by the lifecycle program's
 * ring buffer, standby promotion, the periodic reconcile that repairs what
 * an event missed, and the listener records restored from the pins.
 */
#include <errno.h>
#include <string.h>

#include <bpf/bpf.h>

#include "steerd.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "netlink/diag.h"
#include "slots.h"

/*
 * A closed listener's record stays this long: requests that were half-open
 * when it closed migrate when their final ACK comes, and the reuseport
 * program finds the listener's slot there (SYN-ACK retries span ~63 s).
 */
#define STEERD_FORGET_MS 65000

void steerd_promote(struct steerd *d, uint16_t group, uint16_t slot)
{
	struct steerd_listener *s;

	s = slots_promote(d->listeners, STEER_SOCKS_MAX, group, slot);
	if (!s)
		return;
	steerd_listener_save(d, s);
	pr_info("group %s slot %u: standby (pid %d) promoted to active",
		d->groups[group].g.name, slot, s->pid);
}

void steerd_listener_closed(struct steerd *d, uint64_t cookie,
			    uint64_t closed_ns)
{
	struct steerd_listener *l = steerd_listener_find(d, cookie);
	enum steer_slot_state was;
	uint64_t now = clock_now_ns();

	if (!l || l->state == STEER_SLOT_EMPTY)
		return;
	was = l->state;
	l->state = STEER_SLOT_EMPTY;
	l->drain_start_ms = clock_now_ms(); /* now: when to forget it */
	steerd_listener_save(d, l);
	if (was == STEER_SLOT_ACTIVE)
		steerd_promote(d, l->group, l->slot);
	steerd_write_live(d, l->group);
	pr_info("group %s slot %u: %s listener (pid %d) closed; steerd "
		"updated %.3f ms after the close",
		d->groups[l->group].g.name, l->slot, steerd_state_name(was),
		l->pid,
		closed_ns && now > closed_ns ? (now - closed_ns) / 1e6 : 0.0);
	steerd_drain_abort(d, l);
}

/* Is the listener still in the socket map where steerd put it? */
static bool in_socks(struct steerd *d, const struct steerd_listener *l)
{
	struct steer_sock_key key = { .group = l->group,
				      .slot = l->slot,
				      .bank = l->bank };
	__u64 cookie = 0;

	/* From userland, a socket map lookup yields the socket's cookie. */
	return !bpf_map_lookup_elem(d->socks.socks, &key, &cookie) &&
	       cookie == l->cookie;
}

static bool alive(struct steerd *d, const struct steerd_listener *l)
{
	struct diag_listener dl;

	if (l->state == STEER_SLOT_ACTIVE || l->state == STEER_SLOT_STANDBY)
		return in_socks(d, l);
	return steerd_sock_diag(l->proto, l->cookie, &dl) == 0;
}

/*
 * A closed UDP socket, on the tick: no tracepoint reports it, but the
 * socket map dropped it when it closed (a map lookup, no netlink).
 */
void steerd_udp_tick(struct steerd *d)
{
	int i;

	for (i = 0; i < STEER_SOCKS_MAX; i++) {
		struct steerd_listener *l = &d->listeners[i];

		if (l->in_use && l->proto == STEER_PROTO_UDP &&
		    (l->state == STEER_SLOT_ACTIVE ||
		     l->state == STEER_SLOT_STANDBY) &&
		    !in_socks(d, l))
			steerd_listener_closed(d, l->cookie, 0);
	}
}

/*
 * Repairs what an event missed (ring buffer full, steerd down), and finds
 * closed UDP sockets, which no event reports: the socket map drops a
 * closed socket itself, and sock_diag no longer lists a draining one.
 */
void steerd_reconcile(struct steerd *d)
{
	uint64_t now = clock_now_ms();
	int i;

	for (i = 0; i < STEER_SOCKS_MAX; i++) {
		struct steerd_listener *l = &d->listeners[i];

		if (!l->in_use)
			continue;
		if (l->state == STEER_SLOT_EMPTY) {
			if (now - l->drain_start_ms > STEERD_FORGET_MS) {
				steer_maps__forget_listener(&d->socks,
							    l->cookie);
				l->in_use = false;
			}
			continue;
		}
		if (!alive(d, l)) {
			pr_info("reconcile: listener cookie %llu is gone",
				(unsigned long long)l->cookie);
			d->reconcile_repairs++;
			steerd_listener_closed(d, l->cookie, 0);
		}
	}
}

void steerd_listeners_forget_group(struct steerd *d, uint16_t group)
{
	int i;

	for (i = 0; i < STEER_SOCKS_MAX; i++) {
		struct steerd_listener *l = &d->listeners[i];

		if (l->in_use && l->group == group &&
		    l->state == STEER_SLOT_EMPTY) {
			steer_maps__forget_listener(&d->socks, l->cookie);
			l->in_use = false;
		}
	}
}

int steerd_listeners_restore(struct steerd *d)
{
	struct steer_listener rec;
	__u64 key, next, *prev = NULL;
	int n = 0, groups_touched[STEER_MAX_GROUPS] = { 0 }, i;

	while (!bpf_map_get_next_key(d->socks.listeners, prev, &next)) {
		struct steerd_listener *l;

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(d->socks.listeners, &key, &rec) ||
		    rec.group >= STEER_MAX_GROUPS)
			continue;
		l = steerd_listener_alloc(d);
		if (!l)
			return -ENOSPC;
		l->cookie = key;
		l->group = rec.group;
		l->slot = rec.slot;
		l->bank = rec.bank;
		l->proto = d->groups[rec.group].g.proto;
		l->state = rec.state;
		l->pid = rec.pid;
		l->drain_start_ms = clock_now_ms();
		groups_touched[rec.group] = 1;
		n++;
	}
	/* What closed while no steerd was watching. */
	steerd_reconcile(d);
	for (i = 0; i < STEER_MAX_GROUPS; i++)
		if (groups_touched[i])
			steerd_write_live(d, i);
	if (n)
		pr_info("restored %d listener record(s) from the pins", n);
	return 0;
}
