// SPDX-License-Identifier: GPL-2.0-only
/*
 * steerd's listener table and registration: every check the design asks
 * of a listener before it joins a group's socket map, its pinned record,
 * the live-slot table the reuseport program reads, and the registrant's
 * connection kept for its events.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <netinet/in.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "steerd.h"
#include "xsk.h"
#include "host/sysctl.h"
#include "lib/log.h"
#include "lib/proto.h"
#include "slots.h"

struct steerd_listener *steerd_listener_find(struct steerd *d, uint64_t cookie)
{
	int i;

	for (i = 0; i < STEER_SOCKS_MAX; i++)
		if (d->listeners[i].in_use && d->listeners[i].cookie == cookie)
			return &d->listeners[i];
	return NULL;
}

struct steerd_listener *steerd_listener_alloc(struct steerd *d)
{
	int i;

	for (i = 0; i < STEER_SOCKS_MAX; i++)
		if (!d->listeners[i].in_use) {
			memset(&d->listeners[i], 0, sizeof(d->listeners[i]));
			d->listeners[i].in_use = true;
			return &d->listeners[i];
		}
	return NULL;
}

void steerd_listener_save(struct steerd *d, const struct steerd_listener *l)
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
	int err;

	slots_live(d->listeners, STEER_SOCKS_MAX, group, &live);
	/* rss mode's "local" and exact groups' precedence read the CPUs. */
	err = steer_maps__set_live_cpus(&d->maps, group, &live);
	if (err)
		return err;
	return steer_maps__set_live(&d->socks, group, &live);
}

void steerd_listener_notify(struct steerd *d, const struct steerd_listener *l,
			    const char *event)
{
	json_t *ev;

	if (!l->registrant)
		return;
	ev = json_pack("{s:i, s:s, s:s, s:i, s:I}", "v", STEER_PROTO_VERSION,
		       "event", event, "group", d->groups[l->group].g.name,
		       "slot", l->slot, "cookie", (json_int_t)l->cookie);
	steerd_send(d, l->registrant, ev);
	json_decref(ev);
}

void steerd_peer_gone(struct steerd *d, const struct steerd_peer *peer)
{
	int i;

	steerd_xsk_peer_gone(d, peer);
	for (i = 0; i < STEER_SOCKS_MAX; i++) {
		struct steerd_listener *l = &d->listeners[i];

		if (!l->in_use)
			continue;
		if (l->registrant == peer->id)
			l->registrant = 0;
		if (l->drain_waiter == peer->id)
			l->drain_waiter = 0;
	}
}

/* The kernel migrates a closing listener's queue only when asked to. */
static void enable_migration(struct steerd *d)
{
	int val = 0;

	if (d->migrate_req_set)
		return;
	if (!sysctl_read_int(STEERD_MIGRATE_REQ, &val) && val == 1) {
		d->migrate_req_set = true;
		return;
	}
	if (sysctl_write_int(STEERD_MIGRATE_REQ, 1)) {
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

/*
 * A listener is registered once: in a second place it would be selected
 * for two slots, and its one record could describe only one of them. The
 * one exception is a listener whose registrant is gone (steerd restarted,
 * or the registration connection closed while the socket lives on): the
 * process that passes it again holds it, and takes the registration back
 * (*known is set; libsteer does this when it reconnects).
 */
static json_t *check_new(struct steerd *d, int fd, uint16_t group, uint32_t cpu,
			 struct steerd_listener **known)
{
	struct steerd_listener *l;
	socklen_t len = sizeof(uint64_t);
	uint64_t cookie;

	*known = NULL;
	if (getsockopt(fd, SOL_SOCKET, SO_COOKIE, &cookie, &len))
		return proto_reply_error(-errno,
					 "reading the socket's cookie: "
					 "%s",
					 strerror(errno));
	l = steerd_listener_find(d, cookie);
	if (!l)
		return NULL;
	if (!l->registrant && l->group == group && l->slot == cpu &&
	    l->state != STEER_SLOT_EMPTY) {
		*known = l;
		return NULL;
	}
	return proto_reply_error(-EEXIST,
				 "this listener is registered already: group "
				 "%s slot %u, %s (cookie %llu)",
				 d->groups[l->group].g.name, l->slot,
				 steerd_state_name(l->state),
				 (unsigned long long)cookie);
}

/* A known listener's registration taken back by the process passing it. */
static json_t *reattach(struct steerd *d, const struct steerd_peer *peer,
			struct steerd_listener *l)
{
	l->registrant = peer->id;
	l->pid = peer->pid;
	steerd_listener_save(d, l);
	pr_info("group %s slot %u: %s listener (pid %d, cookie %llu) "
		"registered again by its process",
		d->groups[l->group].g.name, l->slot,
		steerd_state_name(l->state), l->pid,
		(unsigned long long)l->cookie);
	return steerd_reply(json_pack("{s:I, s:i, s:s}", "cookie",
				      (json_int_t)l->cookie, "slot", l->slot,
				      "state", steerd_state_name(l->state)));
}

json_t *steerd_listener_check(struct steerd *d, const struct steer_group *g,
			      int fd)
{
	return check_listener(d, g, fd);
}

json_t *steerd_listener_add(struct steerd *d, uint16_t id, uint32_t cpu,
			    bool standby, int fd, pid_t pid,
			    struct steerd_listener **out)
{
	const char *name = d->groups[id].g.name;
	struct steerd_listener *holder, *l;
	enum steer_slot_state state;
	uint64_t cookie;
	int prog_fd, err;
	uint8_t bank;

	if (slots_place(d->listeners, STEER_SOCKS_MAX, id, cpu, standby, &state,
			&bank, &holder))
		return holder->state == STEER_SLOT_ACTIVE && !standby ?
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
	l = steerd_listener_alloc(d);
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
					       pid, &cookie);
	if (err) {
		l->in_use = false;
		return proto_reply_error(err, "registering with group %s: %s",
					 name, strerror(-err));
	}
	l->cookie = cookie;
	l->group = id;
	l->slot = cpu;
	l->bank = bank;
	l->pid = pid;
	l->state = state;
	steerd_listener_save(d, l);
	steerd_write_live(d, id);
	enable_migration(d);
	*out = l;
	return NULL;
}

json_t *steerd_register(struct steerd *d, const struct steerd_peer *peer,
			const json_t *req, int fd)
{
	struct steerd_listener *l, *known;
	struct steerd_group *sg;
	struct proto_read rd;
	const char *name;
	bool want_standby;
	uint32_t cpu;
	uint64_t cookie;
	json_t *refusal;
	int ncpus;
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
	if (!refusal)
		refusal = check_new(d, fd, id, cpu, &known);
	if (refusal)
		return refusal;
	if (known)
		return reattach(d, peer, known);

	refusal = steerd_listener_add(d, id, cpu, want_standby, fd, peer->pid,
				      &l);
	if (refusal)
		return refusal;
	l->registrant = peer->id;
	cookie = l->cookie;
	pr_info("group %s slot %u: %s listener (pid %d, cookie %llu)", name,
		cpu, steerd_state_name(l->state), l->pid,
		(unsigned long long)cookie);
	return steerd_reply(json_pack("{s:I, s:i, s:s}", "cookie",
				      (json_int_t)cookie, "slot", cpu, "state",
				      steerd_state_name(l->state)));
}
