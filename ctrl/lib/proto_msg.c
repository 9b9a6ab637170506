// SPDX-License-Identifier: GPL-2.0-only
/*
 * The control messages' schema: one pack and one strict unpack per request
 * and reply of docs/protocol.md, used by steerd, steerctl and libsteer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "proto_msg.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define NAME_(id, name) [STEER_CNT_##id] = #name,
const char *const proto_frame_counter_names[STEER_CNT_MAX] = {
	STEER_FRAME_COUNTERS(NAME_)
};
#undef NAME_

/* The group counters' names, in the order of struct steer_group_stats. */
#define NAME_(name, ...) #name,
static const char *const group_counter_names[] = { STEER_GROUP_COUNTERS(
	NAME_) };
static const char *const slot_counter_names[] = { STEER_SLOT_COUNTERS(NAME_) };
#undef NAME_

_Static_assert(ARRAY_SIZE(group_counter_names) * sizeof(__u64) ==
		       sizeof(struct steer_group_stats),
	       "a name per group counter");
_Static_assert(ARRAY_SIZE(slot_counter_names) * sizeof(__u64) ==
		       sizeof(struct steer_slot_stats),
	       "a name per slot counter");

/* Sets key to value (taken) in msg; on failure drops msg, returns NULL. */
static json_t *set(json_t *msg, const char *key, json_t *value)
{
	if (msg && value && !json_object_set_new(msg, key, value))
		return msg;
	if (!msg || !value)
		json_decref(value);
	json_decref(msg);
	return NULL;
}

/* Adds the counters (an array of __u64 named by names) to msg. */
static json_t *set_counters(json_t *msg, const __u64 *v,
			    const char *const *names, size_t n)
{
	size_t i;

	for (i = 0; i < n && msg; i++)
		msg = set(msg, names[i], json_integer((json_int_t)v[i]));
	return msg;
}

static void read_counters(struct proto_read *rd, const json_t *obj, __u64 *v,
			  const char *const *names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		v[i] = proto_read_u64(rd, obj, names[i]);
}

/* A reply's fields (taken) added to {"v": 1, "ok": true}. */
static json_t *reply_with(json_t *fields)
{
	json_t *r;

	if (!fields)
		return NULL;
	r = proto_reply_ok();
	if (r && json_object_update(r, fields)) {
		json_decref(r);
		r = NULL;
	}
	json_decref(fields);
	return r;
}

int proto_unpack_list(struct proto_read *rd, const json_t *obj, const char *key,
		      size_t size, proto_unpack_fn fn, void **out, size_t *n)
{
	json_t *list = proto_read_array(rd, obj, key), *v;
	char *items = NULL;
	size_t i, mark;

	*out = NULL;
	*n = 0;
	if (json_array_size(list)) {
		items = calloc(json_array_size(list), size);
		if (!items && !rd->err) {
			rd->err = -ENOMEM;
			snprintf(rd->msg, sizeof(rd->msg), "out of memory");
		}
	}
	if (!items)
		return rd->err;
	json_array_foreach(list, i, v)
	{
		mark = proto_read_enter(rd, "%s[%zu]", key, i);
		fn(rd, v, items + i * size);
		proto_read_leave(rd, mark);
	}
	if (rd->err) {
		free(items);
		return rd->err;
	}
	*out = items;
	*n = json_array_size(list);
	return 0;
}

/* A list of u32 (cpus) into an array of at most max. */
static void read_u32_list(struct proto_read *rd, const json_t *obj,
			  const char *key, uint32_t *out, uint32_t *n,
			  size_t max)
{
	json_t *list = proto_read_array(rd, obj, key), *v;
	size_t i, mark;

	*n = 0;
	if (json_array_size(list) > max) {
		if (!rd->err) {
			rd->err = -EBADMSG;
			snprintf(rd->msg, sizeof(rd->msg),
				 "%s%s%s: more than %zu elements", rd->where,
				 *rd->where ? "." : "", key, max);
		}
		return;
	}
	json_array_foreach(list, i, v)
	{
		mark = proto_read_enter(rd, "%s[%zu]", key, i);
		out[i] = proto_read_u32(rd, v, NULL);
		proto_read_leave(rd, mark);
	}
	if (!rd->err)
		*n = json_array_size(list);
}

static json_t *u32_list(const uint32_t *v, uint32_t n)
{
	json_t *list = json_array();
	uint32_t i;

	for (i = 0; i < n && list; i++) {
		if (json_array_append_new(list, json_integer(v[i]))) {
			json_decref(list);
			list = NULL;
		}
	}
	return list;
}

/* Whether an optional field is in msg (its absence means the default). */
static bool given(const json_t *msg, const char *key)
{
	return json_object_get(msg, key) != NULL;
}

json_t *proto_pack_status_req(void)
{
	return proto_request("status");
}

json_t *proto_pack_stats_req(void)
{
	return proto_request("stats");
}

json_t *proto_pack_group_list_req(void)
{
	return proto_request("group_list");
}

json_t *proto_pack_group_add_req(const struct proto_group_add_req *req)
{
	json_t *m = proto_request("group_add");

	m = set(m, "name", json_string(req->name));
	m = set(m, "addr", json_string(req->addr));
	m = set(m, "port", json_integer(req->port));
	if (req->kind)
		m = set(m, "kind", json_string(req->kind));
	return m;
}

int proto_unpack_group_add_req(struct proto_read *rd, const json_t *msg,
			       struct proto_group_add_req *req)
{
	req->name = proto_read_str(rd, msg, "name");
	req->addr = proto_read_str(rd, msg, "addr");
	req->port = proto_read_u32(rd, msg, "port");
	req->kind = given(msg, "kind") ? proto_read_str(rd, msg, "kind") :
					 "reuseport";
	return rd->err;
}

static json_t *name_req(const char *cmd, const char *key, const char *name)
{
	return set(proto_request(cmd), key, json_string(name));
}

json_t *proto_pack_group_del_req(const char *name)
{
	return name_req("group_del", "name", name);
}

json_t *proto_pack_group_show_req(const char *name)
{
	return name_req("group_show", "name", name);
}

int proto_unpack_group_name_req(struct proto_read *rd, const json_t *msg,
				const char **name)
{
	*name = proto_read_str(rd, msg, "name");
	return rd->err;
}

json_t *proto_pack_iface_attach_req(const struct proto_iface_attach_req *req)
{
	json_t *m = proto_request("iface_attach");

	m = set(m, "ifname", json_string(req->ifname));
	if (req->xdp_mode)
		m = set(m, "xdp_mode", json_string(req->xdp_mode));
	if (req->steer)
		m = set(m, "steer", json_string(req->steer));
	if (req->cpus_given)
		m = set(m, "cpus", u32_list(req->cpus, req->ncpus));
	return set(m, "force", json_boolean(req->force));
}

int proto_unpack_iface_attach_req(struct proto_read *rd, const json_t *msg,
				  struct proto_iface_attach_req *req)
{
	req->ifname = proto_read_str(rd, msg, "ifname");
	req->xdp_mode = given(msg, "xdp_mode") ?
				proto_read_str(rd, msg, "xdp_mode") :
				"native";
	req->steer = given(msg, "steer") ? proto_read_str(rd, msg, "steer") :
					   "cpu";
	req->cpus_given = given(msg, "cpus");
	req->ncpus = 0;
	if (req->cpus_given)
		read_u32_list(rd, msg, "cpus", req->cpus, &req->ncpus,
			      STEER_MAX_CPUS);
	req->force = given(msg, "force") && proto_read_bool(rd, msg, "force");
	return rd->err;
}

json_t *proto_pack_iface_detach_req(const char *ifname)
{
	return name_req("iface_detach", "ifname", ifname);
}

int proto_unpack_iface_detach_req(struct proto_read *rd, const json_t *msg,
				  const char **ifname)
{
	*ifname = proto_read_str(rd, msg, "ifname");
	return rd->err;
}

json_t *proto_pack_iface_show_req(const char *ifname)
{
	if (!ifname)
		return proto_request("iface_show");
	return name_req("iface_show", "ifname", ifname);
}

int proto_unpack_iface_show_req(struct proto_read *rd, const json_t *msg,
				const char **ifname)
{
	*ifname = given(msg, "ifname") ? proto_read_str(rd, msg, "ifname") :
					 NULL;
	return rd->err;
}

json_t *proto_pack_register_req(const struct proto_register_req *req)
{
	json_t *m = proto_request("register");

	m = set(m, "group", json_string(req->group));
	m = set(m, "cpu", json_integer(req->cpu));
	return set(m, "standby", json_boolean(req->standby));
}

int proto_unpack_register_req(struct proto_read *rd, const json_t *msg,
			      struct proto_register_req *req)
{
	req->group = proto_read_str(rd, msg, "group");
	req->cpu = proto_read_u32(rd, msg, "cpu");
	req->standby = given(msg, "standby") &&
		       proto_read_bool(rd, msg, "standby");
	return rd->err;
}

static const char *const drain_keys[] = {
	[PROTO_DRAIN_SLOT] = "slot",
	[PROTO_DRAIN_PID] = "pid",
	[PROTO_DRAIN_COOKIE] = "cookie",
};

json_t *proto_pack_drain_req(const struct proto_drain_req *req)
{
	json_t *m = proto_request("drain");

	m = set(m, "group", json_string(req->group));
	m = set(m, drain_keys[req->by], json_integer((json_int_t)req->id));
	if (req->timeout_given)
		m = set(m, "timeout_ms", json_integer(req->timeout_ms));
	if (req->wait_given)
		m = set(m, "wait", json_boolean(req->wait));
	return m;
}

int proto_unpack_drain_req(struct proto_read *rd, const json_t *msg,
			   struct proto_drain_req *req)
{
	req->group = proto_read_str(rd, msg, "group");
	/* The first given of cookie, slot, pid; pid is the one required. */
	if (given(msg, "cookie")) {
		req->by = PROTO_DRAIN_COOKIE;
		req->id = proto_read_u64(rd, msg, "cookie");
	} else if (given(msg, "slot")) {
		req->by = PROTO_DRAIN_SLOT;
		req->id = proto_read_u32(rd, msg, "slot");
	} else {
		req->by = PROTO_DRAIN_PID;
		req->id = proto_read_u32(rd, msg, "pid");
	}
	req->timeout_given = given(msg, "timeout_ms");
	req->timeout_ms = req->timeout_given ?
				  proto_read_u32(rd, msg, "timeout_ms") :
				  PROTO_DRAIN_TIMEOUT_MS;
	req->wait_given = given(msg, "wait");
	req->wait = req->wait_given && proto_read_bool(rd, msg, "wait");
	return rd->err;
}

json_t *proto_pack_shutdown_req(bool detach)
{
	return set(proto_request("shutdown"), "detach", json_boolean(detach));
}

int proto_unpack_shutdown_req(struct proto_read *rd, const json_t *msg,
			      bool *detach)
{
	*detach = given(msg, "detach") && proto_read_bool(rd, msg, "detach");
	return rd->err;
}

json_t *proto_pack_status_reply(const struct proto_status *st)
{
	json_t *r = proto_reply_ok();

	r = set(r, "version", json_string(st->version));
	r = set(r, "abi", json_integer(st->abi));
	r = set(r, "bpffs", json_string(st->bpffs));
	r = set(r, "pinned", json_boolean(st->pinned));
	r = set(r, "netns_cookie", json_integer((json_int_t)st->netns_cookie));
	r = set(r, "tcp_migrate_req",
		st->tcp_migrate_req < 0 ? json_null() :
					  json_integer(st->tcp_migrate_req));
	r = set(r, "features",
		st->features ? json_incref(st->features) : json_object());
	r = set(r, "ifaces", json_integer(st->ifaces));
	return set(r, "groups", json_integer(st->groups));
}

int proto_unpack_status_reply(struct proto_read *rd, const json_t *msg,
			      struct proto_status *st)
{
	const char *name;
	size_t mark;
	json_t *v;

	st->version = proto_read_str(rd, msg, "version");
	st->abi = proto_read_u32(rd, msg, "abi");
	st->bpffs = proto_read_str(rd, msg, "bpffs");
	st->pinned = proto_read_bool(rd, msg, "pinned");
	st->netns_cookie = proto_read_u64(rd, msg, "netns_cookie");
	st->tcp_migrate_req =
		proto_read_int_or_null(rd, msg, "tcp_migrate_req");
	st->features = proto_read_object(rd, msg, "features");
	st->ifaces = proto_read_u32(rd, msg, "ifaces");
	st->groups = proto_read_u32(rd, msg, "groups");

	mark = proto_read_enter(rd, "features");
	json_object_foreach(st->features, name, v)
		proto_read_bool(rd, st->features, name);
	proto_read_leave(rd, mark);
	return rd->err;
}

json_t *proto_pack_group(const struct proto_group *g)
{
	return json_pack("{s:s, s:i, s:s, s:i, s:s, s:i, s:i, s:i}", "name",
			 g->name, "id", (int)g->id, "addr", g->addr, "port",
			 (int)g->port, "kind", g->kind, "active",
			 (int)g->active, "standby", (int)g->standby, "draining",
			 (int)g->draining);
}

int proto_unpack_group(struct proto_read *rd, const json_t *obj, void *out)
{
	struct proto_group *g = out;

	g->name = proto_read_str(rd, obj, "name");
	g->id = proto_read_u32(rd, obj, "id");
	g->addr = proto_read_str(rd, obj, "addr");
	g->port = proto_read_u32(rd, obj, "port");
	g->kind = proto_read_str(rd, obj, "kind");
	g->active = proto_read_u32(rd, obj, "active");
	g->standby = proto_read_u32(rd, obj, "standby");
	g->draining = proto_read_u32(rd, obj, "draining");
	return rd->err;
}

json_t *proto_pack_group_add_reply(const struct proto_group *g)
{
	return reply_with(proto_pack_group(g));
}

json_t *proto_pack_group_list_reply(json_t *groups)
{
	return set(proto_reply_ok(), "groups", groups);
}

json_t *proto_pack_slot(const struct proto_slot *s)
{
	json_t *o = json_pack("{s:i, s:i, s:s, s:i, s:I, s:i}", "slot",
			      (int)s->slot, "cpu", (int)s->cpu, "state",
			      s->state, "pid", (int)s->pid, "cookie",
			      (json_int_t)s->cookie, "accept_queue",
			      (int)s->accept_queue);

	return set_counters(o, (const __u64 *)&s->stats, slot_counter_names,
			    ARRAY_SIZE(slot_counter_names));
}

int proto_unpack_slot(struct proto_read *rd, const json_t *obj, void *out)
{
	struct proto_slot *s = out;

	s->slot = proto_read_u32(rd, obj, "slot");
	s->cpu = proto_read_u32(rd, obj, "cpu");
	s->state = proto_read_str(rd, obj, "state");
	s->pid = proto_read_u32(rd, obj, "pid");
	s->cookie = proto_read_u64(rd, obj, "cookie");
	s->accept_queue = proto_read_u32(rd, obj, "accept_queue");
	read_counters(rd, obj, (__u64 *)&s->stats, slot_counter_names,
		      ARRAY_SIZE(slot_counter_names));
	return rd->err;
}

json_t *proto_pack_group_show_reply(const struct proto_group *g, json_t *slots)
{
	return set(proto_pack_group_add_reply(g), "slots", slots);
}

json_t *proto_pack_iface(const struct proto_iface *ifc)
{
	return json_pack("{s:s, s:i, s:i, s:s, s:s, s:s, s:i, s:o, s:i, s:s}",
			 "name", ifc->name, "ifindex", (int)ifc->ifindex,
			 "slot", (int)ifc->slot, "xdp_mode", ifc->xdp_mode,
			 "attach", ifc->attach, "steer", ifc->steer,
			 "rx_queues", (int)ifc->rx_queues, "cpus",
			 u32_list(ifc->cpus, ifc->ncpus), "indir_size",
			 (int)ifc->indir_size, "key", ifc->key);
}

int proto_unpack_iface(struct proto_read *rd, const json_t *obj, void *out)
{
	struct proto_iface *ifc = out;

	ifc->name = proto_read_str(rd, obj, "name");
	ifc->ifindex = proto_read_u32(rd, obj, "ifindex");
	ifc->slot = proto_read_u32(rd, obj, "slot");
	ifc->xdp_mode = proto_read_str(rd, obj, "xdp_mode");
	ifc->attach = proto_read_str(rd, obj, "attach");
	ifc->steer = proto_read_str(rd, obj, "steer");
	ifc->rx_queues = proto_read_u32(rd, obj, "rx_queues");
	proto_read_array(rd, obj, "cpus");
	ifc->indir_size = proto_read_u32(rd, obj, "indir_size");
	ifc->key = proto_read_str(rd, obj, "key");
	read_u32_list(rd, obj, "cpus", ifc->cpus, &ifc->ncpus, STEER_MAX_CPUS);
	return rd->err;
}

json_t *proto_pack_iface_attach_reply(const struct proto_iface *ifc,
				      const char *warning)
{
	json_t *r = reply_with(proto_pack_iface(ifc));

	if (warning)
		r = set(r, "warning", json_string(warning));
	return r;
}

int proto_unpack_iface_attach_reply(struct proto_read *rd, const json_t *msg,
				    struct proto_iface *ifc,
				    const char **warning)
{
	proto_unpack_iface(rd, msg, ifc);
	*warning = given(msg, "warning") ? proto_read_str(rd, msg, "warning") :
					   NULL;
	return rd->err;
}

json_t *proto_pack_iface_show_reply(json_t *ifaces)
{
	return set(proto_reply_ok(), "ifaces", ifaces);
}

json_t *proto_pack_register_reply(const struct proto_register_reply *r)
{
	return reply_with(json_pack("{s:I, s:i, s:s}", "cookie",
				    (json_int_t)r->cookie, "slot", (int)r->slot,
				    "state", r->state));
}

int proto_unpack_register_reply(struct proto_read *rd, const json_t *msg,
				struct proto_register_reply *r)
{
	r->cookie = proto_read_u64(rd, msg, "cookie");
	r->slot = proto_read_u32(rd, msg, "slot");
	r->state = proto_read_str(rd, msg, "state");
	return rd->err;
}

json_t *proto_pack_drain_reply(const struct proto_drain_reply *r, bool wait)
{
	if (wait)
		return reply_with(json_pack(
			"{s:i, s:I, s:i}", "slot", (int)r->slot, "drained_ms",
			(json_int_t)r->drained_ms, "drained", (int)r->drained));
	return reply_with(json_pack("{s:i, s:s}", "slot", (int)r->slot, "state",
				    r->state));
}

int proto_unpack_drain_reply(struct proto_read *rd, const json_t *msg,
			     bool wait, struct proto_drain_reply *r)
{
	memset(r, 0, sizeof(*r));
	r->slot = proto_read_u32(rd, msg, "slot");
	if (wait) {
		r->drained_ms = proto_read_u32(rd, msg, "drained_ms");
		r->drained = proto_read_u32(rd, msg, "drained");
	} else {
		r->state = proto_read_str(rd, msg, "state");
	}
	return rd->err;
}

static json_t *pack_group_stats(const struct proto_group_stats *gs)
{
	return set_counters(json_pack("{s:s}", "name", gs->name),
			    (const __u64 *)&gs->stats, group_counter_names,
			    ARRAY_SIZE(group_counter_names));
}

json_t *proto_pack_stats_reply(const uint64_t *counters,
			       const struct proto_group_stats *groups,
			       size_t ngroups)
{
	json_t *c = json_object(), *g = json_array();
	size_t i;

	for (i = 0; i < STEER_CNT_MAX && c; i++)
		c = set(c, proto_frame_counter_names[i],
			json_integer((json_int_t)counters[i]));
	for (i = 0; i < ngroups && g; i++) {
		if (json_array_append_new(g, pack_group_stats(&groups[i]))) {
			json_decref(g);
			g = NULL;
		}
	}
	return set(set(proto_reply_ok(), "counters", c), "groups", g);
}

int proto_unpack_stats_counters(struct proto_read *rd, const json_t *msg,
				struct proto_counter **counters, size_t *n)
{
	json_t *obj = proto_read_object(rd, msg, "counters"), *v;
	const char *name;
	size_t i = 0, mark;

	*counters = NULL;
	*n = 0;
	if (rd->err)
		return rd->err;
	*counters = calloc(json_object_size(obj) + 1, sizeof(**counters));
	if (!*counters) {
		rd->err = -ENOMEM;
		snprintf(rd->msg, sizeof(rd->msg), "out of memory");
		return rd->err;
	}
	mark = proto_read_enter(rd, "counters");
	json_object_foreach(obj, name, v)
	{
		(*counters)[i].name = name;
		(*counters)[i].value = proto_read_u64(rd, obj, name);
		i++;
	}
	proto_read_leave(rd, mark);
	if (rd->err) {
		free(*counters);
		*counters = NULL;
		return rd->err;
	}
	*n = i;
	return 0;
}

int proto_unpack_group_stats(struct proto_read *rd, const json_t *obj,
			     void *out)
{
	struct proto_group_stats *gs = out;

	gs->name = proto_read_str(rd, obj, "name");
	read_counters(rd, obj, (__u64 *)&gs->stats, group_counter_names,
		      ARRAY_SIZE(group_counter_names));
	return rd->err;
}

json_t *proto_pack_event(const struct proto_event *ev)
{
	return json_pack("{s:i, s:s, s:s, s:i, s:I}", "v", STEER_PROTO_VERSION,
			 "event", ev->event, "group", ev->group, "slot",
			 (int)ev->slot, "cookie", (json_int_t)ev->cookie);
}

int proto_unpack_event(struct proto_read *rd, const json_t *msg,
		       struct proto_event *ev)
{
	ev->event = proto_read_str(rd, msg, "event");
	ev->group = proto_read_str(rd, msg, "group");
	ev->slot = proto_read_u32(rd, msg, "slot");
	ev->cookie = proto_read_u64(rd, msg, "cookie");
	return rd->err;
}
