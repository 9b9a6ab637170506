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
#include <netinet/tcp.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "steerd.h"
#include "xsk.h"
#include "host/sysctl.h"
#include "lib/log.h"
#include "netlink/diag.h"
#include "lib/proto.h"
#include "lib/proto_msg.h"
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
			d->listeners[i].uid = (uid_t)-1;
			return &d->listeners[i];
		}
	return NULL;
}

/* The uid that owns the socket with this cookie, by sock_diag. */
static int socket_owner(uint8_t proto, uint64_t cookie, uid_t *uid)
{
	struct diag_listener dl;
	int err = steerd_sock_diag(proto, cookie, &dl);

	if (!err)
		*uid = dl.uid;
	return err;
}

bool steerd_listener_owned(const struct steerd_listener *l,
			   const struct steerd_peer *peer)
{
	uid_t owner;

	if (peer->uid == 0 || (l->uid != (uid_t)-1 && l->uid == peer->uid))
		return true;
	return !socket_owner(l->proto, l->cookie, &owner) && owner == peer->uid;
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
	const struct proto_event e = {
		.event = event,
		.group = d->groups[l->group].g.name,
		.slot = l->slot,
		.cookie = l->cookie,
	};
	json_t *ev;

	if (!l->registrant)
		return;
	ev = proto_pack_event(&e);
	if (ev)
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

/*
 * A tenant registers its own sockets only. The socket's owner is the uid
 * that created it, as sock_diag reports it: SO_PEERCRED and the
 * descriptor's file credentials say who passed it, not whose it is.
 */
static json_t *check_owner(const struct steerd_peer *peer, uint8_t proto,
			   int fd)
{
	socklen_t len = sizeof(uint64_t);
	uint64_t cookie;
	uid_t owner;
	int err;

	if (getsockopt(fd, SOL_SOCKET, SO_COOKIE, &cookie, &len))
		return proto_reply_error(-errno,
					 "reading the socket's cookie: %s",
					 strerror(errno));
	err = socket_owner(proto, cookie, &owner);
	if (err)
		return proto_reply_error(err,
					 "finding the listener's owner: %s",
					 strerror(-err));
	if (owner != peer->uid)
		return proto_reply_error(-EPERM,
					 "the listener belongs to uid %u, not "
					 "to you (uid %u); a process registers "
					 "its own listeners",
					 owner, peer->uid);
	return NULL;
}

/*
 * The options that change what an accepted socket is, or how the listener
 * takes connections: a group's listeners share its connections, so one
 * that differs would make the same service behave differently by the CPU
 * a flow lands on. af: 0 for any family, else the only one it applies to.
 * A UDP socket has the options of level SOL_SOCKET, SOL_IP and SOL_IPV6.
 */
struct sockopt_desc {
	const char *name;
	int level, opt, af;
};

static bool sockopt_applies(const struct sockopt_desc *o, int af, bool udp)
{
	return (!o->af || o->af == af) && !(udp && o->level == IPPROTO_TCP);
}

static const struct sockopt_desc sockopts[STEERD_SOCKOPTS] = {
	{ "TCP_SAVE_SYN", IPPROTO_TCP, TCP_SAVE_SYN, 0 },
	{ "TCP_DEFER_ACCEPT", IPPROTO_TCP, TCP_DEFER_ACCEPT, 0 },
	{ "TCP_FASTOPEN", IPPROTO_TCP, TCP_FASTOPEN, 0 },
	{ "IP_TRANSPARENT", SOL_IP, IP_TRANSPARENT, AF_INET },
	{ "IPV6_TRANSPARENT", SOL_IPV6, IPV6_TRANSPARENT, AF_INET6 },
	{ "TCP_NODELAY", IPPROTO_TCP, TCP_NODELAY, 0 },
	{ "SO_RCVBUF", SOL_SOCKET, SO_RCVBUF, 0 },
	{ "SO_SNDBUF", SOL_SOCKET, SO_SNDBUF, 0 },
	{ "TCP_USER_TIMEOUT", IPPROTO_TCP, TCP_USER_TIMEOUT, 0 },
	{ "IPV6_V6ONLY", SOL_IPV6, IPV6_V6ONLY, AF_INET6 },
};

/*
 * Reads the options of sockopts[] (and a TCP listener's congestion
 * control) from fd; those that do not apply stay 0.
 */
static json_t *read_sockopts(int fd, int af, bool udp,
			     struct steerd_sockopts *o)
{
	socklen_t len;
	size_t i;

	memset(o, 0, sizeof(*o));
	for (i = 0; i < STEERD_SOCKOPTS; i++) {
		len = sizeof(o->values[i]);
		if (!sockopt_applies(&sockopts[i], af, udp))
			continue;
		if (getsockopt(fd, sockopts[i].level, sockopts[i].opt,
			       &o->values[i], &len))
			return proto_reply_error(-errno, "reading %s: %s",
						 sockopts[i].name,
						 strerror(errno));
	}
	o->known = true;
	if (udp)
		return NULL;
	len = sizeof(o->congestion) - 1;
	if (getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, o->congestion, &len))
		return proto_reply_error(-errno, "reading TCP_CONGESTION: %s",
					 strerror(errno));
	return NULL;
}

/*
 * Refuses a listener whose options differ from a live (active or standby)
 * listener's of the group, naming the option and both values. A draining
 * one is on its way out: a roll to new options waits for nobody.
 */
static json_t *check_sockopts(struct steerd *d, uint16_t group,
			      const struct steerd_sockopts *mine)
{
	const struct steerd_listener *l = NULL;
	const char *name = d->groups[group].g.name;
	size_t i;

	for (i = 0; i < STEER_SOCKS_MAX && !l; i++)
		if (d->listeners[i].in_use && d->listeners[i].group == group &&
		    (d->listeners[i].state == STEER_SLOT_ACTIVE ||
		     d->listeners[i].state == STEER_SLOT_STANDBY) &&
		    d->listeners[i].opts.known)
			l = &d->listeners[i];
	if (!l)
		return NULL;
	for (i = 0; i < STEERD_SOCKOPTS; i++)
		if (mine->values[i] != l->opts.values[i])
			return proto_reply_error(
				-EINVAL,
				"%s differs: this listener has %d, group "
				"%s's (pid %d, slot %u) has %d; set it alike, "
				"or register with allow_mismatch",
				sockopts[i].name, mine->values[i], name, l->pid,
				l->slot, l->opts.values[i]);
	if (strcmp(mine->congestion, l->opts.congestion))
		return proto_reply_error(
			-EINVAL,
			"TCP_CONGESTION differs: this listener has %s, group "
			"%s's (pid %d, slot %u) has %s; set it alike, or "
			"register with allow_mismatch",
			mine->congestion, name, l->pid, l->slot,
			l->opts.congestion);
	return NULL;
}

/*
 * Checks fd is a live TCP listener of group g (a bound UDP socket for a
 * UDP group), and the peer's unless the peer is root; one line when not.
 */
static json_t *check_listener(struct steerd *d, const struct steerd_peer *peer,
			      const struct steer_group *g, int fd)
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
	if (g->proto == STEER_PROTO_UDP &&
	    ((domain != AF_INET && domain != AF_INET6) || type != SOCK_DGRAM ||
	     proto != IPPROTO_UDP))
		return proto_reply_error(-EPROTOTYPE,
					 "not a UDP socket; group %s is a UDP "
					 "group",
					 g->name);
	if (g->proto != STEER_PROTO_UDP &&
	    ((domain != AF_INET && domain != AF_INET6) || type != SOCK_STREAM ||
	     proto != IPPROTO_TCP))
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
	/* A UDP socket has no listen(): bound is enough (the port below). */
	if (g->proto != STEER_PROTO_UDP &&
	    (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) ||
	     !listening))
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
	return peer->uid ? check_owner(peer, g->proto, fd) : NULL;
}

/*
 * A listener is registered once: in a second place it would be selected
 * for two slots, and its one record could describe only one of them. The
 * one exception is a listener whose registrant is gone (steerd restarted,
 * or the registration connection closed while the socket lives on): the
 * process that passes it again holds it, and takes the registration back
 * (*known is set; libsteer does this when it reconnects).
 */
static json_t *check_new(struct steerd *d, const struct steerd_peer *peer,
			 int fd, uint16_t group, uint32_t cpu,
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
	    l->state != STEER_SLOT_EMPTY && steerd_listener_owned(l, peer)) {
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

static json_t *register_reply(const struct steerd_listener *l)
{
	const struct proto_register_reply r = {
		.cookie = l->cookie,
		.slot = l->slot,
		.state = steerd_state_name(l->state),
	};

	return proto_pack_register_reply(&r);
}

/*
 * A known listener's registration taken back by the process passing it.
 * A listener drained meanwhile (say while libsteer was reconnecting) is
 * told so once the reply is out: its worker must still hear "drain", and
 * "drained" when that is over too.
 */
static json_t *reattach(struct steerd *d, const struct steerd_peer *peer,
			struct steerd_listener *l,
			const struct steerd_sockopts *opts)
{
	json_t *reply;

	l->registrant = peer->id;
	l->pid = peer->pid;
	l->uid = peer->uid;
	l->opts = *opts;
	steerd_listener_save(d, l);
	pr_info("group %s slot %u: %s listener (pid %d, cookie %llu) "
		"registered again by its process",
		d->groups[l->group].g.name, l->slot,
		steerd_state_name(l->state), l->pid,
		(unsigned long long)l->cookie);
	reply = register_reply(l);
	if (l->state != STEER_SLOT_DRAINING)
		return reply;
	if (reply)
		steerd_send(d, peer->id, reply);
	json_decref(reply);
	steerd_listener_notify(d, l, "drain");
	/* Its queue emptied already: the drain tick will not say it again. */
	if (!l->drain_start_ms)
		steerd_listener_notify(d, l, "drained");
	return NULL;
}

json_t *steerd_register(struct steerd *d, const struct steerd_peer *peer,
			const json_t *req, int fd)
{
	struct steerd_listener *holder, *l, *known = NULL;
	enum steer_slot_state state;
	struct steerd_group *sg;
	struct steerd_sockopts opts;
	struct proto_register_req r;
	struct proto_read rd;
	const char *name;
	uint32_t cpu;
	uint8_t bank;
	uint64_t cookie;
	json_t *refusal;
	int prog_fd, err, ncpus;
	uint16_t id;

	proto_read_init(&rd);
	if (proto_unpack_register_req(&rd, req, &r))
		return proto_reply_error(-EINVAL, "%s", rd.msg);
	name = r.group;
	cpu = r.cpu;
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
	refusal = check_listener(d, peer, &sg->g, fd);
	if (!refusal)
		refusal = check_new(d, peer, fd, id, cpu, &known);
	if (!refusal)
		refusal = read_sockopts(
			fd, sg->g.af == STEER_AF_INET ? AF_INET : AF_INET6,
			sg->g.proto == STEER_PROTO_UDP, &opts);
	if (!refusal && !known && !r.allow_mismatch)
		refusal = check_sockopts(d, id, &opts);
	if (refusal)
		return refusal;
	if (known)
		return reattach(d, peer, known, &opts);

	if (slots_place(d->listeners, STEER_SOCKS_MAX, id, cpu, r.standby,
			&state, &bank, &holder))
		return holder->state == STEER_SLOT_ACTIVE && !r.standby ?
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
					       peer->pid, &cookie);
	if (err) {
		l->in_use = false;
		/*
		 * The listener has SO_REUSEPORT (checked above), yet the
		 * kernel made it no reuseport group: the option came after
		 * listen(), when the socket was hashed without one.
		 */
		if (err == -EINVAL)
			return proto_reply_error(err,
						 "the listener has no "
						 "reuseport group: set "
						 "SO_REUSEPORT before bind(), "
						 "not after listen()");
		return proto_reply_error(err, "registering with group %s: %s",
					 name, strerror(-err));
	}
	l->cookie = cookie;
	l->group = id;
	l->slot = cpu;
	l->bank = bank;
	l->proto = sg->g.proto;
	l->pid = peer->pid;
	l->uid = peer->uid;
	l->registrant = peer->id;
	l->opts = opts;
	l->state = state;
	steerd_listener_save(d, l);
	steerd_write_live(d, id);
	if (l->proto == STEER_PROTO_TCP) /* the kernel migrates no UDP */
		enable_migration(d);
	pr_info("group %s slot %u: %s listener (pid %d, cookie %llu)", name,
		cpu, steerd_state_name(l->state), l->pid,
		(unsigned long long)cookie);
	return register_reply(l);
}
