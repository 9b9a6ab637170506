// SPDX-License-Identifier: GPL-2.0-only
/*
 * steerd's listener groups: add, delete, list and show them, kept in the
 * pinned steer_groups map so a restarted steerd finds them again.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <bpf/bpf.h>

#include "dataplane/counters.h"
#include "steerd.h"
#include "xsk.h"
#include "netlink/diag.h"
#include "lib/log.h"
#include "lib/parse.h"
#include "lib/proto.h"
#include "lib/proto_msg.h"

static const char *kind_name(uint8_t kind)
{
	return kind == STEER_KIND_XSK ? "xsk" : "reuseport";
}

const char *steerd_state_name(enum steer_slot_state s)
{
	static const char *const names[] = {
		[STEER_SLOT_EMPTY] = "empty",
		[STEER_SLOT_ACTIVE] = "active",
		[STEER_SLOT_DRAINING] = "draining",
		[STEER_SLOT_STANDBY] = "standby",
	};

	return s < sizeof(names) / sizeof(names[0]) ? names[s] : "unknown";
}

struct steerd_group *steerd_group_find(struct steerd *d, const char *name)
{
	int i;

	for (i = 0; i < STEER_MAX_GROUPS; i++)
		if (d->groups[i].g.name[0] &&
		    !strncmp(d->groups[i].g.name, name, STEER_GROUP_NAME_MAX))
			return &d->groups[i];
	return NULL;
}

struct steerd_group *steerd_group_named(struct steerd *d, const char *name,
					json_t **error)
{
	struct steerd_group *sg = steerd_group_find(d, name);

	if (!sg)
		*error = proto_reply_error(-ENOENT, "no group %s", name);
	return sg;
}

/* The group named by a group_del or group_show request. */
static struct steerd_group *group_arg(struct steerd *d, const json_t *req,
				      json_t **error)
{
	struct proto_read rd;
	const char *name;

	proto_read_init(&rd);
	if (proto_unpack_group_name_req(&rd, req, &name)) {
		*error = proto_reply_error(-EINVAL, "%s", rd.msg);
		return NULL;
	}
	return steerd_group_named(d, name, error);
}

static void group_addr(const struct steer_group *g, struct steer_group_addr *ga)
{
	memset(ga, 0, sizeof(*ga));
	ga->af = g->af;
	ga->wildcard = g->wildcard;
	memcpy(ga->addr, g->addr, sizeof(ga->addr));
	ga->port = g->port;
	ga->proto = g->proto;
}

static void addr_text(const struct steer_group *g, char *buf, size_t len)
{
	inet_ntop(g->af == STEER_AF_INET ? AF_INET : AF_INET6, g->addr, buf,
		  len);
}

void steerd_group_counts(const struct steerd *d, uint16_t group,
			 uint32_t counts[4])
{
	int i;

	memset(counts, 0, 4 * sizeof(counts[0]));
	for (i = 0; i < STEER_SOCKS_MAX; i++) {
		const struct steerd_listener *l = &d->listeners[i];

		if (l->in_use && l->group == group && l->state <= 3)
			counts[l->state]++;
	}
	steerd_xsk_count(d, group, counts);
}

/* The group as its messages carry it; addr is the caller's buffer. */
static void group_msg(const struct steerd *d, uint16_t id, char *addr,
		      struct proto_group *pg)
{
	const struct steer_group *g = &d->groups[id].g;
	uint32_t counts[4];

	addr_text(g, addr, INET6_ADDRSTRLEN);
	steerd_group_counts(d, id, counts);
	*pg = (struct proto_group){
		.name = g->name,
		.id = id,
		.addr = addr,
		.port = g->port,
		.kind = kind_name(g->kind),
		.proto = g->proto == STEER_PROTO_UDP ? "udp" : "tcp",
		.active = counts[STEER_SLOT_ACTIVE],
		.standby = counts[STEER_SLOT_STANDBY],
		.draining = counts[STEER_SLOT_DRAINING],
	};
}

/*
 * The group's address, by the one address grammar (parse_addr). An
 * IPv4-mapped IPv6 address is refused: the kernel delivers its SYNs as
 * IPv4, so a group on it would never see them, and it would shadow a
 * group on the same IPv4 address and port.
 */
static json_t *group_addr_arg(const char *text, struct steer_group *g)
{
	struct steer_addr addr;
	struct parse_err perr;

	if (parse_addr(text, &addr, &perr))
		return proto_reply_error(-EINVAL, "bad address: %s", perr.msg);
	if (addr.af == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&addr.v6))
		return proto_reply_error(
			-EINVAL,
			"'%s' is an IPv4-mapped IPv6 address; use the IPv4 "
			"address %u.%u.%u.%u",
			text, addr.bytes[12], addr.bytes[13], addr.bytes[14],
			addr.bytes[15]);
	if (addr.af == AF_INET) {
		g->af = STEER_AF_INET;
		memcpy(g->addr, &addr.v4, sizeof(addr.v4));
		g->wildcard = addr.v4.s_addr == INADDR_ANY;
	} else {
		g->af = STEER_AF_INET6;
		memcpy(g->addr, &addr.v6, sizeof(addr.v6));
		g->wildcard = IN6_IS_ADDR_UNSPECIFIED(&addr.v6);
	}
	return NULL;
}

int steerd_group_restore(struct steerd *d)
{
	__u32 id;
	int n = 0;

	for (id = 0; id < STEER_MAX_GROUPS; id++) {
		if (bpf_map_lookup_elem(d->socks.groups, &id, &d->groups[id].g))
			return -errno;
		d->groups[id].g.name[STEER_GROUP_NAME_MAX - 1] = '\0';
		n += d->groups[id].g.name[0] != '\0';
	}
	if (n)
		pr_info("restored %d group(s) from the pins", n);
	return 0;
}

json_t *steerd_group_add(struct steerd *d, const struct steerd_peer *peer,
			 const json_t *req, int fd)
{
	struct proto_group_add_req a;
	struct steer_group g = { 0 };
	char addr[INET6_ADDRSTRLEN];
	struct steer_group_addr ga;
	struct parse_err perr;
	struct proto_group pg;
	struct proto_read rd;
	json_t *refusal;
	__u32 id;
	int err;

	proto_read_init(&rd);
	if (proto_unpack_group_add_req(&rd, req, &a))
		return proto_reply_error(-EINVAL, "%s", rd.msg);
	if (parse_group_name(a.name, &perr))
		return proto_reply_error(-EINVAL, "%s", perr.msg);
	if (a.port == 0 || a.port > 65535)
		return proto_reply_error(-EINVAL, "bad port %u: 1 to 65535",
					 a.port);
	if (!strcmp(a.kind, "reuseport"))
		g.kind = STEER_KIND_REUSEPORT;
	else if (!strcmp(a.kind, "xsk"))
		g.kind = STEER_KIND_XSK;
	else
		return proto_reply_error(
			-EINVAL, "bad kind '%s': reuseport or xsk", a.kind);
	/* Both kinds take both: a UDP reuseport group holds UDP sockets. */
	if (!strcmp(a.proto, "udp"))
		g.proto = STEER_PROTO_UDP;
	else if (strcmp(a.proto, "tcp"))
		return proto_reply_error(-EINVAL, "bad proto '%s': tcp or udp",
					 a.proto);
	refusal = group_addr_arg(a.addr, &g);
	if (refusal)
		return refusal;
	if (steerd_group_find(d, a.name))
		return proto_reply_error(-EEXIST, "group %s exists", a.name);
	for (id = 0; id < STEER_MAX_GROUPS && d->groups[id].g.name[0]; id++)
		;
	if (id == STEER_MAX_GROUPS)
		return proto_reply_error(-ENOSPC,
					 "no room for another group (%d at "
					 "most); delete one first",
					 STEER_MAX_GROUPS);
	snprintf(g.name, sizeof(g.name), "%s", a.name);
	g.port = a.port;

	group_addr(&g, &ga);
	err = steer_maps__add_group(&d->maps, id, g.kind, &ga);
	if (err == -EEXIST)
		return proto_reply_error(err,
					 "%s port %u already belongs to a "
					 "group",
					 a.addr, a.port);
	if (!err && bpf_map_update_elem(d->socks.groups, &id, &g, BPF_ANY)) {
		err = -errno;
		steer_maps__del_group(&d->maps, &ga);
	}
	if (err)
		return proto_reply_error(err, "adding group %s: %s", a.name,
					 strerror(-err));
	d->groups[id].g = g;
	pr_info("group %s: %s %s port %u (id %u)", a.name, kind_name(g.kind),
		a.addr, a.port, id);
	group_msg(d, id, addr, &pg);
	return proto_pack_group_add_reply(&pg);
}

json_t *steerd_group_del(struct steerd *d, const struct steerd_peer *peer,
			 const json_t *req, int fd)
{
	struct steer_group empty = { 0 };
	struct steerd_group *sg;
	struct steer_group_addr ga;
	json_t *error = NULL;
	uint32_t counts[4];
	const char *name;
	__u32 id;
	int err;

	sg = group_arg(d, req, &error);
	if (!sg)
		return error;
	name = sg->g.name;
	id = sg - d->groups;
	steerd_group_counts(d, id, counts);
	if (counts[STEER_SLOT_ACTIVE] + counts[STEER_SLOT_STANDBY] +
	    counts[STEER_SLOT_DRAINING])
		return proto_reply_error(-EBUSY,
					 "group %s has listeners; stop or "
					 "drain them first",
					 name);
	group_addr(&sg->g, &ga);
	err = steer_maps__del_group(&d->maps, &ga);
	if (err && err != -ENOENT)
		return proto_reply_error(err, "deleting group %s: %s", name,
					 strerror(-err));
	bpf_map_update_elem(d->socks.groups, &id, &empty, BPF_ANY);
	/* Nothing of it may outlive it: a next group could take its id. */
	steerd_listeners_forget_group(d, id);
	steerd_bpf_group_release(d, id);
	steerd_xsk_group_gone(d, id);
	pr_info("group %s deleted", name);
	memset(&sg->g, 0, sizeof(sg->g));
	return proto_reply_ok();
}

json_t *steerd_group_list(struct steerd *d, const struct steerd_peer *peer,
			  const json_t *req, int fd)
{
	char addr[INET6_ADDRSTRLEN];
	json_t *groups = json_array();
	struct proto_group pg;
	int i;

	for (i = 0; i < STEER_MAX_GROUPS && groups; i++) {
		if (!d->groups[i].g.name[0])
			continue;
		group_msg(d, i, addr, &pg);
		if (json_array_append_new(groups, proto_pack_group(&pg))) {
			json_decref(groups);
			groups = NULL;
		}
	}
	return proto_pack_group_list_reply(groups);
}

/* A slot of group_show: the listener, its queue and its counters. */
static json_t *slot_msg(struct steerd *d, const struct steerd_listener *l)
{
	struct diag_listener dl = { 0 };
	struct proto_slot s = {
		.slot = l->slot,
		.cpu = l->slot,
		.state = steerd_state_name(l->state),
		.pid = l->pid,
		.cookie = l->cookie,
	};

	/* A UDP socket's is its receive queue, in bytes. */
	steerd_sock_diag(l->proto, l->cookie, &dl);
	s.accept_queue = dl.accept_queue;
	steer_counters_read(d->maps.slot_stats,
			    STEER_SLOT_INDEX(l->group, l->slot), &s.stats,
			    sizeof(s.stats));
	return proto_pack_slot(&s);
}

json_t *steerd_group_show(struct steerd *d, const struct steerd_peer *peer,
			  const json_t *req, int fd)
{
	char addr[INET6_ADDRSTRLEN];
	json_t *slots, *error = NULL;
	struct steerd_group *sg;
	struct proto_group pg;
	uint16_t id;
	int i;

	sg = group_arg(d, req, &error);
	if (!sg)
		return error;
	id = sg - d->groups;
	slots = sg->g.kind == STEER_KIND_XSK ? steerd_xsk_slots(d, id) :
					       json_array();
	for (i = 0; i < STEER_SOCKS_MAX && slots; i++) {
		const struct steerd_listener *l = &d->listeners[i];

		if (!l->in_use || l->group != id ||
		    l->state == STEER_SLOT_EMPTY)
			continue;
		if (json_array_append_new(slots, slot_msg(d, l))) {
			json_decref(slots);
			slots = NULL;
		}
	}
	group_msg(d, id, addr, &pg);
	return proto_pack_group_show_reply(&pg, slots);
}
