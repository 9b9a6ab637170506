// SPDX-License-Identifier: GPL-2.0-only
/*
 * steerd's listener groups: add, delete, list and show them, kept in the
 * pinned steer_groups map so a restarted steerd finds them again.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include <bpf/bpf.h>

#include "dataplane/counters.h"
#include "steerd.h"
#include "xsk.h"
#include "netlink/diag.h"
#include "lib/log.h"
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

struct steerd_group *steerd_group_arg(struct steerd *d, const json_t *req,
				      const char *key, json_t **error)
{
	struct steerd_group *sg;
	struct proto_read rd;
	const char *name;

	proto_read_init(&rd);
	name = proto_read_str(&rd, req, key);
	if (rd.err) {
		*error = proto_reply_error(-EINVAL, "%s", rd.msg);
		return NULL;
	}
	sg = steerd_group_find(d, name);
	if (!sg)
		*error = proto_reply_error(-ENOENT, "no group %s", name);
	return sg;
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

static json_t *group_json(const struct steerd *d, uint16_t id)
{
	const struct steer_group *g = &d->groups[id].g;
	char addr[INET6_ADDRSTRLEN];
	uint32_t counts[4];

	addr_text(g, addr, sizeof(addr));
	steerd_group_counts(d, id, counts);
	return json_pack("{s:s, s:i, s:s, s:i, s:s, s:s, s:i, s:i, s:i}",
			 "name", g->name, "id", id, "addr", addr, "port",
			 g->port, "kind", kind_name(g->kind), "proto",
			 g->proto == STEER_PROTO_UDP ? "udp" : "tcp", "active",
			 counts[STEER_SLOT_ACTIVE], "standby",
			 counts[STEER_SLOT_STANDBY], "draining",
			 counts[STEER_SLOT_DRAINING]);
}

static bool valid_name(const char *name)
{
	size_t n = strlen(name), i;

	if (n == 0 || n > PROTO_GROUP_NAME_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("-_.", name[i]))
			return false;
	return true;
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
	struct steer_group g = { 0 };
	struct steer_group_addr ga;
	struct proto_read rd;
	const char *name, *addr, *kind, *proto;
	uint32_t port;
	bool adopt;
	__u32 id;
	int err;

	proto_read_init(&rd);
	name = proto_read_str(&rd, req, "name");
	addr = proto_read_str(&rd, req, "addr");
	port = proto_read_u32(&rd, req, "port");
	kind = json_object_get(req, "kind") ? proto_read_str(&rd, req, "kind") :
					      "reuseport";
	proto = json_object_get(req, "proto") ?
			proto_read_str(&rd, req, "proto") :
			"tcp";
	adopt = json_object_get(req, "adopt") &&
		proto_read_bool(&rd, req, "adopt");
	if (rd.err)
		return proto_reply_error(-EINVAL, "%s", rd.msg);
	if (!valid_name(name))
		return proto_reply_error(
			-EINVAL,
			"bad group name '%s': 1 to %d letters, "
			"digits, '-', '_' or '.'",
			name, PROTO_GROUP_NAME_MAX);
	if (port == 0 || port > 65535)
		return proto_reply_error(-EINVAL, "bad port %u: 1 to 65535",
					 port);
	if (!strcmp(kind, "reuseport"))
		g.kind = STEER_KIND_REUSEPORT;
	else if (!strcmp(kind, "xsk"))
		g.kind = STEER_KIND_XSK;
	else
		return proto_reply_error(
			-EINVAL, "bad kind '%s': reuseport or xsk", kind);
	if (!strcmp(proto, "udp") && g.kind == STEER_KIND_XSK)
		g.proto = STEER_PROTO_UDP;
	else if (strcmp(proto, "tcp"))
		return proto_reply_error(-EINVAL,
					 "bad proto '%s': tcp, or udp for an "
					 "xsk group",
					 proto);
	if (adopt && g.kind != STEER_KIND_REUSEPORT)
		return proto_reply_error(-EINVAL,
					 "--adopt takes TCP listeners: a "
					 "reuseport group's");
	if (inet_pton(AF_INET, addr, g.addr) == 1) {
		g.af = STEER_AF_INET;
		g.wildcard = !memcmp(g.addr, "\0\0\0\0", 4);
	} else if (inet_pton(AF_INET6, addr, g.addr) == 1) {
		static const uint8_t any[16];

		g.af = STEER_AF_INET6;
		g.wildcard = !memcmp(g.addr, any, sizeof(any));
	} else {
		return proto_reply_error(
			-EINVAL, "bad address '%s': IPv4 or IPv6", addr);
	}
	if (steerd_group_find(d, name))
		return proto_reply_error(-EEXIST, "group %s exists", name);
	for (id = 0; id < STEER_MAX_GROUPS && d->groups[id].g.name[0]; id++)
		;
	if (id == STEER_MAX_GROUPS)
		return proto_reply_error(-ENOSPC,
					 "no room for another group (%d at "
					 "most); delete one first",
					 STEER_MAX_GROUPS);
	snprintf(g.name, sizeof(g.name), "%s", name);
	g.port = port;

	group_addr(&g, &ga);
	err = steer_maps__add_group(&d->maps, id, g.kind, &ga);
	if (err == -EEXIST)
		return proto_reply_error(err,
					 "%s port %u already belongs to a "
					 "group",
					 addr, port);
	if (!err && bpf_map_update_elem(d->socks.groups, &id, &g, BPF_ANY)) {
		err = -errno;
		steer_maps__del_group(&d->maps, &ga);
	}
	if (err)
		return proto_reply_error(err, "adding group %s: %s", name,
					 strerror(-err));
	d->groups[id].g = g;
	d->groups[id].adopt = adopt;
	d->groups[id].adopt_note[0] = '\0';
	pr_info("group %s: %s %s port %u (id %u)%s", name, kind_name(g.kind),
		addr, port, id, adopt ? ", adopting its listeners" : "");
	return steerd_reply(group_json(d, id));
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

	sg = steerd_group_arg(d, req, "name", &error);
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
	sg->adopt = false;
	return proto_reply_ok();
}

json_t *steerd_group_list(struct steerd *d, const struct steerd_peer *peer,
			  const json_t *req, int fd)
{
	json_t *groups = json_array();
	int i;

	for (i = 0; i < STEER_MAX_GROUPS; i++)
		if (d->groups[i].g.name[0])
			json_array_append_new(groups, group_json(d, i));
	return steerd_reply(json_pack("{s:o}", "groups", groups));
}

json_t *steerd_group_show(struct steerd *d, const struct steerd_peer *peer,
			  const json_t *req, int fd)
{
	json_t *slots, *reply, *error = NULL;
	struct steerd_group *sg;
	uint16_t id;
	int i;

	sg = steerd_group_arg(d, req, "name", &error);
	if (!sg)
		return error;
	id = sg - d->groups;
	slots = sg->g.kind == STEER_KIND_XSK ? steerd_xsk_slots(d, id) :
					       json_array();
	for (i = 0; i < STEER_SOCKS_MAX; i++) {
		const struct steerd_listener *l = &d->listeners[i];
		struct diag_listener dl = { 0 };
		struct proto_slot ps = { 0 };

		if (!l->in_use || l->group != id ||
		    l->state == STEER_SLOT_EMPTY)
			continue;
		diag_listener_by_cookie(l->cookie, &dl);
		steer_counters_read(d->maps.slot_stats,
				    STEER_SLOT_INDEX(id, l->slot), &ps.stats,
				    sizeof(ps.stats));
		ps.slot = l->slot;
		ps.cpu = l->slot;
		ps.state = steerd_state_name(l->state);
		ps.pid = l->pid;
		ps.cookie = l->cookie;
		ps.accept_queue = dl.accept_queue;
		ps.adopted = l->adopted;
		ps.comm = l->adopted ? l->comm : NULL;
		json_array_append_new(slots, proto_pack_slot(&ps));
	}
	reply = group_json(d, id);
	json_object_set_new(reply, "slots", slots);
	return steerd_reply(reply);
}
