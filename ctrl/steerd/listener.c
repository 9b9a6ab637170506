// SPDX-License-Identifier: GPL-2.0-only
/*
 * steerd's listeners: registration (with every check the design asks for),
 * closes reported by the lifecycle program, standby promotion, drains, the
 * live-slot table the reuseport program reads, and reconciliation.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dataplane/counters.h"
#include "steerd.h"
#include "netlink/diag.h"
#include "lib/log.h"
#include "lib/proto.h"
#include "slots.h"
#include "host/sysctl.h"
#include "lib/version.h"

/*
 * A closed listener's record stays this long: requests that were half-open
 * when it closed migrate when their final ACK comes, and the reuseport
 * program finds the listener's slot there (SYN-ACK retries span ~63 s).
 */
#define STEERD_FORGET_MS 65000

#define MIGRATE_REQ "net/ipv4/tcp_migrate_req"

static struct steerd_listener *find_cookie(struct steerd *d, uint64_t cookie)
{
	int i;

	for (i = 0; i < STEER_SOCKS_MAX; i++)
		if (d->listeners[i].in_use && d->listeners[i].cookie == cookie)
			return &d->listeners[i];
	return NULL;
}

static struct steerd_listener *alloc_listener(struct steerd *d)
{
	int i;

	for (i = 0; i < STEER_SOCKS_MAX; i++)
		if (!d->listeners[i].in_use) {
			memset(&d->listeners[i], 0, sizeof(d->listeners[i]));
			d->listeners[i].in_use = true;
			d->listeners[i].client = -1;
			d->listeners[i].drain_waiter = -1;
			return &d->listeners[i];
		}
	return NULL;
}

/* Mirrors a listener's state into its pinned record. */
static void save(struct steerd *d, const struct steerd_listener *l)
{
	struct steer_listener rec = {
		.group = l->group,
		.slot = l->slot,
		.bank = l->bank,
		.state = l->state,
		.pid = l->pid,
	};

	bpf_map_update_elem(d->socks.listeners, &l->cookie, &rec, BPF_ANY);
}

int steerd_write_live(struct steerd *d, uint16_t group)
{
	struct steer_live live;

	slots_live(d->listeners, STEER_SOCKS_MAX, group, &live);
	return steer_maps__set_live(&d->socks, group, &live);
}

/* The kernel migrates a closing listener's queue only when asked to. */
static void enable_migration(struct steerd *d)
{
	int val = 0;

	if (d->migrate_req_set)
		return;
	if (!sysctl_read_int(MIGRATE_REQ, &val) && val == 1) {
		d->migrate_req_set = true;
		return;
	}
	if (sysctl_write_int(MIGRATE_REQ, 1)) {
		pr_warn("cannot set net.ipv4.tcp_migrate_req=1: a closing "
			"listener's queued connections will be reset");
		return;
	}
	d->migrate_req_set = true;
	pr_info("set net.ipv4.tcp_migrate_req=1 in this network namespace, "
		"so closing listeners hand their queues over");
}

/* Checks fd is a live TCP listener of group g; one line when not. */
static json_t *check_listener(struct steerd *d, const struct steer_group *g,
			      int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(int);
	int domain, type, proto, listening, reuseport;
	char want[INET6_ADDRSTRLEN], have[INET6_ADDRSTRLEN];
	uint64_t cookie;
	const void *addr;
	uint16_t port;
	struct stat st;

	if (fd < 0)
		return proto_reply_error(-EBADF,
					 "register needs the listener's file "
					 "descriptor (SCM_RIGHTS)");
	if (fstat(fd, &st) || !S_ISSOCK(st.st_mode))
		return proto_reply_error(-ENOTSOCK,
					 "the descriptor is not a socket");
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) ||
	    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) ||
	    getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len))
		return proto_reply_error(-errno, "reading the socket: %s",
					 strerror(errno));
	if ((domain != AF_INET && domain != AF_INET6) || type != SOCK_STREAM ||
	    proto != IPPROTO_TCP)
		return proto_reply_error(-EPROTOTYPE,
					 "not a TCP socket; steer groups take "
					 "TCP listeners");
	len = sizeof(cookie);
	if (getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len) ||
	    cookie != d->netns_cookie)
		return proto_reply_error(-EXDEV,
					 "the listener belongs to another "
					 "network namespace than steerd's");
	len = sizeof(int);
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) ||
	    !listening)
		return proto_reply_error(-EINVAL,
					 "the socket is not listening; call "
					 "listen() before registering");
	if (getsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &reuseport, &len) ||
	    !reuseport)
		return proto_reply_error(-EINVAL,
					 "the listener lacks SO_REUSEPORT; set "
					 "it before bind()");
	len = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		return proto_reply_error(-errno, "getsockname: %s",
					 strerror(errno));
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		addr = &in->sin_addr;
		port = ntohs(in->sin_port);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		addr = &in6->sin6_addr;
		port = ntohs(in6->sin6_port);
	}
	inet_ntop(g->af == STEER_AF_INET ? AF_INET : AF_INET6, g->addr, want,
		  sizeof(want));
	inet_ntop(ss.ss_family, addr, have, sizeof(have));
	if (port != g->port)
		return proto_reply_error(-EINVAL,
					 "the listener is on port %u; group %s "
					 "listens on port %u",
					 port, g->name, g->port);
	if ((ss.ss_family == AF_INET) != (g->af == STEER_AF_INET) ||
	    memcmp(addr, g->addr, g->af == STEER_AF_INET ? 4 : 16))
		return proto_reply_error(-EINVAL,
					 "the listener is bound to %s; group "
					 "%s listens on %s",
					 have, g->name, want);
	return NULL;
}

json_t *steerd_register(struct steerd *d, const json_t *req, int fd, int client)
{
	struct steerd_listener *holder, *l;
	enum steer_slot_state state;
	struct steerd_group *sg;
	struct proto_read rd;
	const char *name;
	bool want_standby;
	uint32_t cpu;
	uint8_t bank;
	uint64_t cookie;
	json_t *refusal;
	int prog_fd, err, ncpus;
	uint16_t id;

	proto_read_init(&rd);
	name = proto_read_str(&rd, req, "group");
	cpu = proto_read_u32(&rd, req, "cpu");
	want_standby = json_object_get(req, "standby") ?
			       proto_read_bool(&rd, req, "standby") :
			       false;
	if (rd.err)
		return proto_reply_error(-EINVAL, "%s", rd.msg);
	sg = steerd_group_find(d, name);
	if (!sg)
		return proto_reply_error(-ENOENT,
					 "no group %s; create it with "
					 "'steerctl group add %s --listen "
					 "ADDR:PORT'",
					 name, name);
	id = sg - d->groups;
	if (sg->g.kind != STEER_KIND_REUSEPORT)
		return proto_reply_error(-EOPNOTSUPP,
					 "group %s is an xsk group: it takes "
					 "AF_XDP sockets, not TCP listeners",
					 name);
	ncpus = libbpf_num_possible_cpus();
	if (cpu >= (uint32_t)ncpus || cpu >= STEER_MAX_SLOTS)
		return proto_reply_error(-ERANGE,
					 "cpu %u out of range: this host has "
					 "CPUs 0-%d",
					 cpu, ncpus - 1);
	refusal = check_listener(d, &sg->g, fd);
	if (refusal)
		return refusal;

	if (slots_place(d->listeners, STEER_SOCKS_MAX, id, cpu, want_standby,
			&state, &bank, &holder))
		return holder->state == STEER_SLOT_ACTIVE && !want_standby ?
			       proto_reply_error(-EBUSY,
						 "slot %u of group %s has an "
						 "active listener (pid %d); "
						 "register as standby for a "
						 "rolling restart",
						 cpu, name, holder->pid) :
			       proto_reply_error(-EBUSY,
						 "slot %u of group %s already "
						 "has a standby (pid %d)",
						 cpu, name, holder->pid);
	l = alloc_listener(d);
	if (!l)
		return proto_reply_error(-ENOSPC,
					 "steerd holds %d listeners already",
					 STEER_SOCKS_MAX);
	prog_fd = steerd_bpf_group_prog(d, id);
	err = prog_fd < 0 ? prog_fd : 0;
	if (!err && setsockopt(fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_EBPF,
			       &prog_fd, sizeof(prog_fd)))
		err = -errno;
	if (!err)
		err = steer_maps__add_listener(&d->socks, fd, id, cpu, bank,
					       d->clients[client].pid, &cookie);
	if (err) {
		l->in_use = false;
		return proto_reply_error(err, "registering with group %s: %s",
					 name, strerror(-err));
	}
	l->cookie = cookie;
	l->group = id;
	l->slot = cpu;
	l->bank = bank;
	l->pid = d->clients[client].pid;
	l->client = client;
	l->state = state;
	save(d, l);
	steerd_write_live(d, id);
	enable_migration(d);
	pr_info("group %s slot %u: %s listener (pid %d, cookie %llu)", name,
		cpu, steerd_state_name(l->state), l->pid,
		(unsigned long long)cookie);
	return steerd_reply(json_pack("{s:I, s:i, s:s}", "cookie",
				      (json_int_t)cookie, "slot", cpu, "state",
				      steerd_state_name(l->state)));
}

/* The standby of an emptied slot becomes its active listener. */
static void promote(struct steerd *d, uint16_t group, uint16_t slot)
{
	struct steerd_listener *s;

	s = slots_promote(d->listeners, STEER_SOCKS_MAX, group, slot);
	if (!s)
		return;
	save(d, s);
	pr_info("group %s slot %u: standby (pid %d) promoted to active",
		d->groups[group].g.name, slot, s->pid);
}

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

void steerd_listener_closed(struct steerd *d, uint64_t cookie,
			    uint64_t closed_ns)
{
	struct steerd_listener *l = find_cookie(d, cookie);
	enum steer_slot_state was;
	uint64_t now = monotonic_ns();

	if (!l || l->state == STEER_SLOT_EMPTY)
		return;
	was = l->state;
	l->state = STEER_SLOT_EMPTY;
	l->drain_start_ms = steerd_now_ms(); /* now: when to forget it */
	save(d, l);
	if (was == STEER_SLOT_ACTIVE)
		promote(d, l->group, l->slot);
	steerd_write_live(d, l->group);
	pr_info("group %s slot %u: %s listener (pid %d) closed; steerd "
		"updated %.3f ms after the close",
		d->groups[l->group].g.name, l->slot, steerd_state_name(was),
		l->pid,
		closed_ns && now > closed_ns ? (now - closed_ns) / 1e6 : 0.0);
	if (l->drain_waiter >= 0) {
		json_t *r = proto_reply_error(-ECONNABORTED,
					      "the listener closed before "
					      "its queue drained; what was "
					      "queued migrated");

		steerd_send(d, l->drain_waiter, r);
		json_decref(r);
		l->drain_waiter = -1;
	}
}

void steerd_client_gone(struct steerd *d, int client)
{
	int i;

	for (i = 0; i < STEER_SOCKS_MAX; i++) {
		struct steerd_listener *l = &d->listeners[i];

		if (!l->in_use)
			continue;
		if (l->client == client)
			l->client = -1;
		if (l->drain_waiter == client)
			l->drain_waiter = -1;
	}
}

static void send_event(struct steerd *d, const struct steerd_listener *l,
		       const char *event)
{
	json_t *ev;

	if (l->client < 0)
		return;
	ev = json_pack("{s:i, s:s, s:s, s:i, s:I}", "v", STEER_PROTO_VERSION,
		       "event", event, "group", d->groups[l->group].g.name,
		       "slot", l->slot, "cookie", (json_int_t)l->cookie);
	steerd_send(d, l->client, ev);
	json_decref(ev);
}

json_t *steerd_drain(struct steerd *d, const json_t *req, int client,
		     bool *deferred)
{
	struct steerd_listener *l = NULL;
	struct steerd_group *sg;
	struct proto_read rd;
	const char *name;
	uint32_t slot = 0, pid = 0, timeout_ms = 30000;
	uint64_t cookie = 0;
	bool wait = false;
	struct diag_listener dl;
	json_t *error = NULL;
	uint16_t id;
	int i, err;

	*deferred = false;
	proto_read_init(&rd);
	name = proto_read_str(&rd, req, "group");
	if (json_object_get(req, "cookie"))
		cookie = proto_read_u64(&rd, req, "cookie");
	else if (json_object_get(req, "slot"))
		slot = proto_read_u32(&rd, req, "slot");
	else
		pid = proto_read_u32(&rd, req, "pid");
	if (json_object_get(req, "timeout_ms"))
		timeout_ms = proto_read_u32(&rd, req, "timeout_ms");
	if (json_object_get(req, "wait"))
		wait = proto_read_bool(&rd, req, "wait");
	if (rd.err)
		return proto_reply_error(-EINVAL, "%s", rd.msg);
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
	l->drain_start_ms = steerd_now_ms();
	l->drain_deadline_ms = l->drain_start_ms + timeout_ms;
	l->drained = 0;
	l->last_queue = 0;
	if (!diag_listener_by_cookie(l->cookie, &dl))
		l->last_queue = dl.accept_queue;
	save(d, l);
	promote(d, id, l->slot);
	steerd_write_live(d, id);
	send_event(d, l, "drain");
	pr_info("group %s slot %u: draining listener (pid %d)", name, l->slot,
		l->pid);
	if (wait) {
		l->drain_waiter = client;
		*deferred = true;
		return NULL;
	}
	return steerd_reply(
		json_pack("{s:i, s:s}", "slot", l->slot, "state", "draining"));
}

/* Watches draining listeners' accept queues; finishes drains. */
void steerd_tick(struct steerd *d)
{
	uint64_t now = steerd_now_ms();
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
			send_event(d, l, "drained");
			pr_info("group %s slot %u: drained in %llu ms",
				d->groups[l->group].g.name, l->slot,
				(unsigned long long)(now - l->drain_start_ms));
			if (l->drain_waiter >= 0) {
				r = steerd_reply(json_pack(
					"{s:i, s:I, s:i}", "slot", l->slot,
					"drained_ms",
					(json_int_t)(now - l->drain_start_ms),
					"drained", l->drained));
				steerd_send(d, l->drain_waiter, r);
				json_decref(r);
			}
			l->drain_waiter = -1;
			l->drain_start_ms = 0; /* done: wait for the close */
		} else if (now >= l->drain_deadline_ms) {
			if (l->drain_waiter >= 0) {
				r = proto_reply_error(
					-ETIMEDOUT,
					"slot %u still has %u queued "
					"connection(s) after the timeout; it "
					"stays out of selection",
					l->slot, dl.accept_queue);
				steerd_send(d, l->drain_waiter, r);
				json_decref(r);
			}
			l->drain_waiter = -1;
			l->drain_start_ms = 0;
		}
	}
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
	return diag_listener_by_cookie(l->cookie, &dl) == 0;
}

/* Repairs what an event missed (ring buffer full, steerd down). */
void steerd_reconcile(struct steerd *d)
{
	uint64_t now = steerd_now_ms();
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
			steerd_listener_closed(d, l->cookie, 0);
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
		l = alloc_listener(d);
		if (!l)
			return -ENOSPC;
		l->cookie = key;
		l->group = rec.group;
		l->slot = rec.slot;
		l->bank = rec.bank;
		l->state = rec.state;
		l->pid = rec.pid;
		l->drain_start_ms = steerd_now_ms();
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

static const char *const counter_names[STEER_CNT_MAX] = {
	[STEER_CNT_NO_IFACE] = "no_iface",
	[STEER_CNT_NOT_IP] = "not_ip",
	[STEER_CNT_NOT_TCP] = "not_tcp",
	[STEER_CNT_FRAGMENT] = "fragment",
	[STEER_CNT_NO_GROUP] = "no_group",
	[STEER_CNT_MATCHED] = "matched",
	[STEER_CNT_ERR_ETH] = "err_eth",
	[STEER_CNT_ERR_VLAN] = "err_vlan",
	[STEER_CNT_ERR_VLAN_DEPTH] = "err_vlan_depth",
	[STEER_CNT_ERR_IP4] = "err_ip4",
	[STEER_CNT_ERR_IP6] = "err_ip6",
	[STEER_CNT_ERR_IP6_EXT] = "err_ip6_ext",
	[STEER_CNT_ERR_IP6_EXT_DEPTH] = "err_ip6_ext_depth",
	[STEER_CNT_ERR_TCP] = "err_tcp",
	[STEER_CNT_ERR_UDP] = "err_udp",
};

json_t *steerd_stats(struct steerd *d, const json_t *req)
{
	json_t *counters = json_object(), *groups = json_array();
	__u64 v;
	__u32 i;

	for (i = 0; i < STEER_CNT_MAX; i++)
		if (!steer_counters_read(d->maps.counters, i, &v, sizeof(v)))
			json_object_set_new(counters, counter_names[i],
					    json_integer(v));
	for (i = 0; i < STEER_MAX_GROUPS; i++) {
		struct steer_group_stats s;

		if (!d->groups[i].g.name[0] ||
		    steer_counters_read(d->maps.group_stats, i, &s, sizeof(s)))
			continue;
		json_array_append_new(
			groups,
			json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
				  "s:I, s:I, s:I, s:I, s:I, s:I}",
				  "name", d->groups[i].g.name, "packets",
				  (json_int_t)s.packets, "syns",
				  (json_int_t)s.syns, "local",
				  (json_int_t)s.local, "no_local_slot",
				  (json_int_t)s.no_local_slot, "redirected",
				  (json_int_t)s.redirected, "fallback",
				  (json_int_t)s.fallback, "xsk_redirected",
				  (json_int_t)s.xsk_redirected, "xsk_miss",
				  (json_int_t)s.xsk_miss, "rss_mismatch",
				  (json_int_t)s.rss_mismatch, "select_local",
				  (json_int_t)s.select_local, "select_fallback",
				  (json_int_t)s.select_fallback, "select_none",
				  (json_int_t)s.select_none, "migrations",
				  (json_int_t)s.migrations));
	}
	return steerd_reply(json_pack("{s:o, s:o}", "counters", counters,
				      "groups", groups));
}

/* What this kernel and this steerd were found to support. */
static json_t *features(const struct steerd *d, int migrate)
{
	json_t *f = json_object();

	/* Linux 5.14: a closing listener's queue can migrate. */
	json_object_set_new(f, "reuseport_migrate", json_boolean(migrate >= 0));
	/* The lifecycle program loaded and its ring buffer is read. */
	json_object_set_new(f, "ringbuf_events", json_boolean(d->events));
	/* Known once an interface was attached: dispatcher or alone. */
	if (d->dispatcher_seen >= 0)
		json_object_set_new(f, "xdp_dispatcher",
				    json_boolean(d->dispatcher_seen));
	return f;
}

json_t *steerd_status(struct steerd *d, const json_t *req)
{
	int migrate = -1, ifaces = 0, groups = 0, i;

	sysctl_read_int(MIGRATE_REQ, &migrate);
	for (i = 0; i < STEER_MAX_IFACES; i++)
		ifaces += d->ifaces[i].in_use;
	for (i = 0; i < STEER_MAX_GROUPS; i++)
		groups += d->groups[i].g.name[0] != '\0';
	return steerd_reply(json_pack(
		"{s:s, s:i, s:s, s:b, s:I, s:i, s:o, s:i, s:i}", "version",
		STEER_VERSION, "abi", STEER_ABI_VERSION, "bpffs", d->pin_dir,
		"pinned", d->reused_pins, "netns_cookie",
		(json_int_t)d->netns_cookie, "tcp_migrate_req", migrate,
		"features", features(d, migrate), "ifaces", ifaces, "groups",
		groups));
}
