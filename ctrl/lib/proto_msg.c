// SPDX-License-Identifier: GPL-2.0-only
/*
 * The control messages' schema: each message's fields in one table (key,
 * type, place in its struct, whether optional), from which one generic
 * pack and one generic strict unpack work; the public functions of
 * proto_msg.h name a table each. docs/protocol.md describes the same.
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

/* The counters' names, in the order of their struct in steer_abi.h. */
#define NAME_(name, ...) #name,
static const char *const group_counter_names[] = { STEER_GROUP_COUNTERS(
	NAME_) };
static const char *const slot_counter_names[] = { STEER_SLOT_COUNTERS(NAME_) };
static const char *const cpu_counter_names[] = { STEER_CPU_COUNTERS(NAME_) };
#undef NAME_

_Static_assert(ARRAY_SIZE(group_counter_names) * sizeof(__u64) ==
		       sizeof(struct steer_group_stats),
	       "a name per group counter");
_Static_assert(ARRAY_SIZE(slot_counter_names) * sizeof(__u64) ==
		       sizeof(struct steer_slot_stats),
	       "a name per slot counter");
_Static_assert(ARRAY_SIZE(cpu_counter_names) * sizeof(__u64) ==
		       sizeof(struct steer_cpu_stats),
	       "a name per CPU counter");

enum field_type {
	F_STR, /* const char *, borrowed */
	F_U32, /* uint32_t */
	F_U64, /* uint64_t */
	F_BOOL, /* bool */
	F_INT_OR_NULL, /* int, PROTO_UNKNOWN for null */
	F_BOOL_MAP, /* json_t *: {name: bool}, borrowed */
	F_U32_LIST, /* uint32_t[STEER_MAX_CPUS], its count at .count */
	F_GROUP_COUNTERS, /* struct steer_group_stats, a field per counter */
	F_SLOT_COUNTERS, /* struct steer_slot_stats, a field per counter */
	F_CPU_COUNTERS, /* struct steer_cpu_stats, a field per counter */
};

/*
 * A field of a message and where it lives in the message's struct. An
 * optional field may be absent: unpacked, it is then def_str or def_u32
 * (false for a bool); packed, a string is left out when NULL, any other
 * field when its flag at .given is false (a bool without .given is always
 * sent). Unpacking sets the flag at .given to whether it was there.
 */
struct field {
	const char *key;
	enum field_type type;
	size_t offset;
	bool optional;
	size_t given; /* offset of a bool + 1; 0: none */
	size_t count; /* F_U32_LIST: offset of its uint32_t count */
	const char *def_str;
	uint32_t def_u32;
};

#define AT(type, member) .offset = offsetof(type, member)
#define GIVEN(type, member) .given = offsetof(type, member) + 1
#define FIELD(key_, type_, stype, member)                     \
	{                                                     \
		.key = key_, .type = type_, AT(stype, member) \
	}

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

static json_t *pack_counters(json_t *msg, const __u64 *v,
			     const char *const *names, size_t n)
{
	size_t i;

	for (i = 0; i < n && msg; i++)
		msg = set(msg, names[i], json_integer((json_int_t)v[i]));
	return msg;
}

static void unpack_counters(struct proto_read *rd, const json_t *obj, __u64 *v,
			    const char *const *names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		v[i] = proto_read_u64(rd, obj, names[i]);
}

#define MEMBER(base, off, type) ((type *)((char *)(base) + (off)))

/* Adds the fields of the struct at base to msg (taken; NULL passes). */
static json_t *pack_fields(json_t *msg, const struct field *f, size_t n,
			   const void *base)
{
	const char *str;
	json_t *v = NULL;
	size_t i;

	for (i = 0; i < n && msg; i++, f++) {
		if (f->given && !*MEMBER(base, f->given - 1, const bool))
			continue;
		switch (f->type) {
		case F_STR:
			str = *MEMBER(base, f->offset, const char *const);
			if (!str && f->optional)
				continue;
			v = json_string(str);
			break;
		case F_U32:
			v = json_integer(
				*MEMBER(base, f->offset, const uint32_t));
			break;
		case F_U64:
			v = json_integer((json_int_t)*MEMBER(base, f->offset,
							     const uint64_t));
			break;
		case F_BOOL:
			v = json_boolean(*MEMBER(base, f->offset, const bool));
			break;
		case F_INT_OR_NULL:
			v = *MEMBER(base, f->offset, const int) < 0 ?
				    json_null() :
				    json_integer(*MEMBER(base, f->offset,
							 const int));
			break;
		case F_BOOL_MAP:
			v = *MEMBER(base, f->offset, json_t *const);
			v = v ? json_incref(v) : json_object();
			break;
		case F_U32_LIST:
			v = u32_list(MEMBER(base, f->offset, const uint32_t),
				     *MEMBER(base, f->count, const uint32_t));
			break;
		case F_GROUP_COUNTERS:
			msg = pack_counters(
				msg, MEMBER(base, f->offset, const __u64),
				group_counter_names,
				ARRAY_SIZE(group_counter_names));
			continue;
		case F_SLOT_COUNTERS:
			msg = pack_counters(
				msg, MEMBER(base, f->offset, const __u64),
				slot_counter_names,
				ARRAY_SIZE(slot_counter_names));
			continue;
		case F_CPU_COUNTERS:
			msg = pack_counters(
				msg, MEMBER(base, f->offset, const __u64),
				cpu_counter_names,
				ARRAY_SIZE(cpu_counter_names));
			continue;
		}
		msg = set(msg, f->key, v);
	}
	return msg;
}

/* A list of u32 into an array of at most STEER_MAX_CPUS. */
static void unpack_u32_list(struct proto_read *rd, const json_t *obj,
			    const char *key, uint32_t *out, uint32_t *n)
{
	json_t *list = proto_read_array(rd, obj, key), *v;
	size_t i, mark;

	*n = 0;
	if (json_array_size(list) > STEER_MAX_CPUS) {
		if (!rd->err) {
			rd->err = -EBADMSG;
			snprintf(rd->msg, sizeof(rd->msg),
				 "%s%s%s: more than %d elements", rd->where,
				 *rd->where ? "." : "", key, STEER_MAX_CPUS);
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

static void unpack_bool_map(struct proto_read *rd, const json_t *obj,
			    const char *key, json_t **out)
{
	const char *name;
	size_t mark;
	json_t *v;

	*out = proto_read_object(rd, obj, key);
	mark = proto_read_enter(rd, "%s", key);
	json_object_foreach(*out, name, v) proto_read_bool(rd, *out, name);
	proto_read_leave(rd, mark);
}

/* Reads the fields of obj into the struct at base; returns rd->err. */
static int unpack_fields(struct proto_read *rd, const json_t *obj,
			 const struct field *f, size_t n, void *base)
{
	bool there;
	size_t i;

	for (i = 0; i < n; i++, f++) {
		there = !f->optional || json_object_get(obj, f->key);
		if (f->given)
			*MEMBER(base, f->given - 1, bool) = there;
		switch (f->type) {
		case F_STR:
			*MEMBER(base, f->offset, const char *) =
				there ? proto_read_str(rd, obj, f->key) :
					f->def_str;
			break;
		case F_U32:
			*MEMBER(base, f->offset, uint32_t) =
				there ? proto_read_u32(rd, obj, f->key) :
					f->def_u32;
			break;
		case F_U64:
			*MEMBER(base, f->offset, uint64_t) =
				there ? proto_read_u64(rd, obj, f->key) :
					f->def_u32;
			break;
		case F_BOOL:
			*MEMBER(base, f->offset, bool) =
				there && proto_read_bool(rd, obj, f->key);
			break;
		case F_INT_OR_NULL:
			*MEMBER(base, f->offset, int) =
				proto_read_int_or_null(rd, obj, f->key);
			break;
		case F_BOOL_MAP:
			unpack_bool_map(rd, obj, f->key,
					MEMBER(base, f->offset, json_t *));
			break;
		case F_U32_LIST:
			*MEMBER(base, f->count, uint32_t) = 0;
			if (there)
				unpack_u32_list(
					rd, obj, f->key,
					MEMBER(base, f->offset, uint32_t),
					MEMBER(base, f->count, uint32_t));
			break;
		case F_GROUP_COUNTERS:
			unpack_counters(rd, obj, MEMBER(base, f->offset, __u64),
					group_counter_names,
					ARRAY_SIZE(group_counter_names));
			break;
		case F_SLOT_COUNTERS:
			unpack_counters(rd, obj, MEMBER(base, f->offset, __u64),
					slot_counter_names,
					ARRAY_SIZE(slot_counter_names));
			break;
		case F_CPU_COUNTERS:
			unpack_counters(rd, obj, MEMBER(base, f->offset, __u64),
					cpu_counter_names,
					ARRAY_SIZE(cpu_counter_names));
			break;
		}
	}
	return rd->err;
}

#define PACK(msg, fields, base) \
	pack_fields(msg, fields, ARRAY_SIZE(fields), base)
#define UNPACK(rd, obj, fields, base) \
	unpack_fields(rd, obj, fields, ARRAY_SIZE(fields), base)

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

/* A reply's fields: {"v": 1, "ok": true, ...}. */
#define REPLY(fields, base) PACK(proto_reply_ok(), fields, base)

/* {"key": "..."}: the one argument of several requests. */
static const struct field name_arg[] = { { .key = "name", .type = F_STR } };
static const struct field ifname_arg[] = { { .key = "ifname", .type = F_STR } };
static const struct field ifname_opt_arg[] = {
	{ .key = "ifname", .type = F_STR, .optional = true },
};

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

#define T struct proto_group_add_req
static const struct field group_add_req[] = {
	FIELD("name", F_STR, T, name),
	FIELD("addr", F_STR, T, addr),
	FIELD("port", F_U32, T, port),
	{ .key = "kind",
	  .type = F_STR,
	  AT(T, kind),
	  .optional = true,
	  .def_str = "reuseport" },
	{ .key = "proto",
	  .type = F_STR,
	  AT(T, proto),
	  .optional = true,
	  .def_str = "tcp" },
};
#undef T

json_t *proto_pack_group_add_req(const struct proto_group_add_req *req)
{
	return PACK(proto_request("group_add"), group_add_req, req);
}

int proto_unpack_group_add_req(struct proto_read *rd, const json_t *msg,
			       struct proto_group_add_req *req)
{
	return UNPACK(rd, msg, group_add_req, req);
}

json_t *proto_pack_group_del_req(const char *name)
{
	return PACK(proto_request("group_del"), name_arg, &name);
}

json_t *proto_pack_group_show_req(const char *name)
{
	return PACK(proto_request("group_show"), name_arg, &name);
}

int proto_unpack_group_name_req(struct proto_read *rd, const json_t *msg,
				const char **name)
{
	return UNPACK(rd, msg, name_arg, name);
}

#define T struct proto_iface_attach_req
static const struct field iface_attach_req[] = {
	FIELD("ifname", F_STR, T, ifname),
	{ .key = "xdp_mode",
	  .type = F_STR,
	  AT(T, xdp_mode),
	  .optional = true,
	  .def_str = "native" },
	{ .key = "steer",
	  .type = F_STR,
	  AT(T, steer),
	  .optional = true,
	  .def_str = "cpu" },
	{ .key = "cpus",
	  .type = F_U32_LIST,
	  AT(T, cpus),
	  .optional = true,
	  GIVEN(T, cpus_given),
	  .count = offsetof(T, ncpus) },
	{ .key = "force", .type = F_BOOL, AT(T, force), .optional = true },
	{ .key = "rss_key", .type = F_STR, AT(T, rss_key), .optional = true },
	{ .key = "indir", .type = F_STR, AT(T, indir), .optional = true },
	{ .key = "queue_cpus",
	  .type = F_STR,
	  AT(T, queue_cpus),
	  .optional = true },
	/* Sent only when set: the flag is its own "given". */
	{ .key = "verify_rss",
	  .type = F_BOOL,
	  AT(T, verify_rss),
	  .optional = true,
	  GIVEN(T, verify_rss) },
	{ .key = "xps",
	  .type = F_BOOL,
	  AT(T, xps),
	  .optional = true,
	  GIVEN(T, xps) },
};
#undef T

json_t *proto_pack_iface_attach_req(const struct proto_iface_attach_req *req)
{
	return PACK(proto_request("iface_attach"), iface_attach_req, req);
}

int proto_unpack_iface_attach_req(struct proto_read *rd, const json_t *msg,
				  struct proto_iface_attach_req *req)
{
	return UNPACK(rd, msg, iface_attach_req, req);
}

json_t *proto_pack_iface_detach_req(const char *ifname)
{
	return PACK(proto_request("iface_detach"), ifname_arg, &ifname);
}

int proto_unpack_iface_detach_req(struct proto_read *rd, const json_t *msg,
				  const char **ifname)
{
	return UNPACK(rd, msg, ifname_arg, ifname);
}

json_t *proto_pack_iface_show_req(const char *ifname)
{
	return PACK(proto_request("iface_show"), ifname_opt_arg, &ifname);
}

int proto_unpack_iface_show_req(struct proto_read *rd, const json_t *msg,
				const char **ifname)
{
	return UNPACK(rd, msg, ifname_opt_arg, ifname);
}

#define T struct proto_flow
static const struct field flow[] = {
	FIELD("src", F_STR, T, src),
	FIELD("dst", F_STR, T, dst),
	FIELD("sport", F_U32, T, sport),
	FIELD("dport", F_U32, T, dport),
};
#undef T

json_t *proto_pack_iface_flow_req(const char *ifname,
				  const struct proto_flow *fl)
{
	json_t *m = PACK(proto_request("iface_show"), ifname_arg, &ifname);

	return set(m, "flow", PACK(json_object(), flow, fl));
}

int proto_unpack_iface_flow(struct proto_read *rd, const json_t *msg,
			    struct proto_flow *fl, bool *given)
{
	const json_t *obj = json_object_get(msg, "flow");
	size_t mark;

	memset(fl, 0, sizeof(*fl));
	*given = obj;
	if (!obj)
		return rd->err;
	mark = proto_read_enter(rd, "flow");
	obj = proto_read_object(rd, msg, "flow");
	if (obj)
		UNPACK(rd, obj, flow, fl);
	proto_read_leave(rd, mark);
	return rd->err;
}

#define T struct proto_register_req
static const struct field register_req[] = {
	FIELD("group", F_STR, T, group),
	FIELD("cpu", F_U32, T, cpu),
	{ .key = "standby", .type = F_BOOL, AT(T, standby), .optional = true },
};
static const struct field register_req_mismatch[] = {
	{ .key = "allow_mismatch",
	  .type = F_BOOL,
	  AT(T, allow_mismatch),
	  .optional = true },
};
#undef T

json_t *proto_pack_register_req(const struct proto_register_req *req)
{
	json_t *m = PACK(proto_request("register"), register_req, req);

	/* Left out when false: what a steerd without the check reads. */
	return req->allow_mismatch ? PACK(m, register_req_mismatch, req) : m;
}

int proto_unpack_register_req(struct proto_read *rd, const json_t *msg,
			      struct proto_register_req *req)
{
	UNPACK(rd, msg, register_req, req);
	return UNPACK(rd, msg, register_req_mismatch, req);
}

#define T struct proto_xsk_register_req
static const struct field xsk_register_req[] = {
	FIELD("group", F_STR, T, group),
	FIELD("ifname", F_STR, T, ifname),
	FIELD("queue", F_U32, T, queue),
};
#undef T

json_t *proto_pack_xsk_register_req(const struct proto_xsk_register_req *req)
{
	return PACK(proto_request("xsk_register"), xsk_register_req, req);
}

int proto_unpack_xsk_register_req(struct proto_read *rd, const json_t *msg,
				  struct proto_xsk_register_req *req)
{
	return UNPACK(rd, msg, xsk_register_req, req);
}

/* drain: the group, the listener by one of three keys, then options. */
#define T struct proto_drain_req
static const struct field drain_req_group[] = {
	FIELD("group", F_STR, T, group),
};
static const struct field drain_req_options[] = {
	{ .key = "timeout_ms",
	  .type = F_U32,
	  AT(T, timeout_ms),
	  .optional = true,
	  GIVEN(T, timeout_given),
	  .def_u32 = PROTO_DRAIN_TIMEOUT_MS },
	{ .key = "wait",
	  .type = F_BOOL,
	  AT(T, wait),
	  .optional = true,
	  GIVEN(T, wait_given) },
};
#undef T

static const char *const drain_keys[] = {
	[PROTO_DRAIN_SLOT] = "slot",
	[PROTO_DRAIN_PID] = "pid",
	[PROTO_DRAIN_COOKIE] = "cookie",
};

json_t *proto_pack_drain_req(const struct proto_drain_req *req)
{
	json_t *m = PACK(proto_request("drain"), drain_req_group, req);

	m = set(m, drain_keys[req->by], json_integer((json_int_t)req->id));
	return PACK(m, drain_req_options, req);
}

int proto_unpack_drain_req(struct proto_read *rd, const json_t *msg,
			   struct proto_drain_req *req)
{
	UNPACK(rd, msg, drain_req_group, req);
	/* The first given of cookie, slot, pid; pid is the one required. */
	if (json_object_get(msg, "cookie")) {
		req->by = PROTO_DRAIN_COOKIE;
		req->id = proto_read_u64(rd, msg, "cookie");
	} else if (json_object_get(msg, "slot")) {
		req->by = PROTO_DRAIN_SLOT;
		req->id = proto_read_u32(rd, msg, "slot");
	} else {
		req->by = PROTO_DRAIN_PID;
		req->id = proto_read_u32(rd, msg, "pid");
	}
	return UNPACK(rd, msg, drain_req_options, req);
}

static const struct field shutdown_req[] = {
	{ .key = "detach", .type = F_BOOL, .optional = true },
};

json_t *proto_pack_shutdown_req(bool detach)
{
	return PACK(proto_request("shutdown"), shutdown_req, &detach);
}

int proto_unpack_shutdown_req(struct proto_read *rd, const json_t *msg,
			      bool *detach)
{
	return UNPACK(rd, msg, shutdown_req, detach);
}

#define T struct proto_status
static const struct field status_reply[] = {
	FIELD("version", F_STR, T, version),
	FIELD("abi", F_U32, T, abi),
	FIELD("bpffs", F_STR, T, bpffs),
	FIELD("pinned", F_BOOL, T, pinned),
	FIELD("netns_cookie", F_U64, T, netns_cookie),
	FIELD("tcp_migrate_req", F_INT_OR_NULL, T, tcp_migrate_req),
	FIELD("features", F_BOOL_MAP, T, features),
	FIELD("ifaces", F_U32, T, ifaces),
	FIELD("groups", F_U32, T, groups),
};
#undef T

json_t *proto_pack_status_reply(const struct proto_status *st)
{
	json_t *msg = REPLY(status_reply, st);

	if (st->warnings)
		msg = set(msg, "warnings", json_incref(st->warnings));
	return msg;
}

int proto_unpack_status_reply(struct proto_read *rd, const json_t *msg,
			      struct proto_status *st)
{
	const json_t *w;
	size_t i;

	st->warnings = NULL;
	if (UNPACK(rd, msg, status_reply, st))
		return rd->err;
	if (!json_object_get(msg, "warnings"))
		return 0;
	st->warnings = proto_read_array(rd, msg, "warnings");
	json_array_foreach(st->warnings, i, w)
	{
		size_t mark = proto_read_enter(rd, "warnings[%zu]", i);

		proto_read_str(rd, w, NULL);
		proto_read_leave(rd, mark);
	}
	return rd->err;
}

#define T struct proto_group
static const struct field group[] = {
	FIELD("name", F_STR, T, name),
	FIELD("id", F_U32, T, id),
	FIELD("addr", F_STR, T, addr),
	FIELD("port", F_U32, T, port),
	FIELD("kind", F_STR, T, kind),
	{ .key = "proto",
	  .type = F_STR,
	  AT(T, proto),
	  .optional = true,
	  .def_str = "tcp" },
	FIELD("active", F_U32, T, active),
	FIELD("standby", F_U32, T, standby),
	FIELD("draining", F_U32, T, draining),
};
#undef T

json_t *proto_pack_group(const struct proto_group *g)
{
	return PACK(json_object(), group, g);
}

int proto_unpack_group(struct proto_read *rd, const json_t *obj, void *g)
{
	return UNPACK(rd, obj, group, g);
}

json_t *proto_pack_group_add_reply(const struct proto_group *g)
{
	return REPLY(group, g);
}

json_t *proto_pack_group_list_reply(json_t *groups)
{
	return set(proto_reply_ok(), "groups", groups);
}

#define T struct proto_slot
static const struct field slot[] = {
	FIELD("slot", F_U32, T, slot),
	FIELD("cpu", F_U32, T, cpu),
	FIELD("state", F_STR, T, state),
	FIELD("pid", F_U32, T, pid),
	FIELD("cookie", F_U64, T, cookie),
	FIELD("accept_queue", F_U32, T, accept_queue),
	FIELD(NULL, F_SLOT_COUNTERS, T, stats),
};
#undef T

json_t *proto_pack_slot(const struct proto_slot *s)
{
	return PACK(json_object(), slot, s);
}

int proto_unpack_slot(struct proto_read *rd, const json_t *obj, void *s)
{
	return UNPACK(rd, obj, slot, s);
}

json_t *proto_pack_group_show_reply(const struct proto_group *g, json_t *slots)
{
	return set(REPLY(group, g), "slots", slots);
}

#define T struct proto_iface
static const struct field iface[] = {
	FIELD("name", F_STR, T, name),
	FIELD("ifindex", F_U32, T, ifindex),
	FIELD("slot", F_U32, T, slot),
	FIELD("xdp_mode", F_STR, T, xdp_mode),
	FIELD("attach", F_STR, T, attach),
	FIELD("steer", F_STR, T, steer),
	FIELD("rx_queues", F_U32, T, rx_queues),
	{ .key = "cpus",
	  .type = F_U32_LIST,
	  AT(T, cpus),
	  .count = offsetof(T, ncpus) },
	FIELD("indir_size", F_U32, T, indir_size),
	FIELD("key", F_STR, T, key),
};

/* The NIC's part: optional, absent from an older steerd. */
/* The NIC's part: sent when .nic is set; an older steerd sends none. */
static const struct field iface_nic[] = {
	{ .key = "rx_queues_max",
	  .type = F_U32,
	  AT(T, rx_queues_max),
	  .optional = true,
	  GIVEN(T, nic) },
	{ .key = "hfunc",
	  .type = F_STR,
	  AT(T, hfunc),
	  .optional = true,
	  GIVEN(T, nic) },
	{ .key = "rss_source",
	  .type = F_STR,
	  AT(T, rss_source),
	  .optional = true,
	  GIVEN(T, nic) },
	{ .key = "rx_metadata",
	  .type = F_STR,
	  AT(T, rx_metadata),
	  .optional = true,
	  GIVEN(T, nic) },
	{ .key = "state",
	  .type = F_STR,
	  AT(T, state),
	  .optional = true,
	  GIVEN(T, nic) },
	{ .key = "lost",
	  .type = F_STR,
	  AT(T, lost),
	  .optional = true,
	  GIVEN(T, nic) },
	{ .key = "verify_rss",
	  .type = F_BOOL,
	  AT(T, verify_rss),
	  .optional = true,
	  GIVEN(T, nic) },
	{ .key = "rss_mismatch",
	  .type = F_U64,
	  AT(T, rss_mismatch),
	  .optional = true,
	  GIVEN(T, nic) },
	{ .key = "resyncs",
	  .type = F_U32,
	  AT(T, resyncs),
	  .optional = true,
	  GIVEN(T, nic) },
	{ .key = "redirect_ppm",
	  .type = F_U32,
	  AT(T, redirect_ppm),
	  .optional = true,
	  GIVEN(T, nic) },
};
#undef T

/* The NIC's arrays and objects, borrowed: {key, offset, is an array}. */
static const struct {
	const char *key;
	size_t offset;
	bool array;
} iface_json[] = {
	{ "indir", offsetof(struct proto_iface, indir), true },
	{ "queue_cpus", offsetof(struct proto_iface, queue_cpus), true },
	{ "cpu_tables", offsetof(struct proto_iface, cpu_tables), true },
	{ "warnings", offsetof(struct proto_iface, warnings), true },
	{ "flow", offsetof(struct proto_iface, flow), false },
};

static json_t *pack_iface(json_t *msg, const struct proto_iface *ifc)
{
	json_t *v;
	size_t i;

	msg = PACK(PACK(msg, iface, ifc), iface_nic, ifc);
	for (i = 0; i < ARRAY_SIZE(iface_json) && msg; i++) {
		v = *MEMBER(ifc, iface_json[i].offset, json_t *const);
		if (v)
			msg = set(msg, iface_json[i].key, json_incref(v));
	}
	return msg;
}

static int unpack_iface(struct proto_read *rd, const json_t *obj,
			struct proto_iface *ifc)
{
	json_t **v;
	size_t i;

	UNPACK(rd, obj, iface, ifc);
	UNPACK(rd, obj, iface_nic, ifc);
	for (i = 0; i < ARRAY_SIZE(iface_json); i++) {
		v = MEMBER(ifc, iface_json[i].offset, json_t *);
		*v = NULL;
		if (!json_object_get(obj, iface_json[i].key))
			continue;
		*v = iface_json[i].array ?
			     proto_read_array(rd, obj, iface_json[i].key) :
			     proto_read_object(rd, obj, iface_json[i].key);
	}
	return rd->err;
}

/* iface_attach's reply adds a warning, when there is one. */
static const struct field warning[] = {
	{ .key = "warning", .type = F_STR, .optional = true },
};

json_t *proto_pack_iface(const struct proto_iface *ifc)
{
	return pack_iface(json_object(), ifc);
}

int proto_unpack_iface(struct proto_read *rd, const json_t *obj, void *ifc)
{
	return unpack_iface(rd, obj, ifc);
}

json_t *proto_pack_iface_attach_reply(const struct proto_iface *ifc,
				      const char *text)
{
	return PACK(pack_iface(proto_reply_ok(), ifc), warning, &text);
}

int proto_unpack_iface_attach_reply(struct proto_read *rd, const json_t *msg,
				    struct proto_iface *ifc, const char **text)
{
	unpack_iface(rd, msg, ifc);
	return UNPACK(rd, msg, warning, text);
}

json_t *proto_pack_iface_show_reply(json_t *ifaces)
{
	return set(proto_reply_ok(), "ifaces", ifaces);
}

#define T struct proto_register_reply
static const struct field register_reply[] = {
	FIELD("cookie", F_U64, T, cookie),
	FIELD("slot", F_U32, T, slot),
	FIELD("state", F_STR, T, state),
};
#undef T

json_t *proto_pack_register_reply(const struct proto_register_reply *r)
{
	return REPLY(register_reply, r);
}

int proto_unpack_register_reply(struct proto_read *rd, const json_t *msg,
				struct proto_register_reply *r)
{
	return UNPACK(rd, msg, register_reply, r);
}

#define T struct proto_xsk_register_reply
static const struct field xsk_register_reply[] = {
	FIELD("cookie", F_U64, T, cookie),
	FIELD("queue", F_U32, T, queue),
	FIELD("cpu", F_U32, T, cpu),
	FIELD("ifindex", F_U32, T, ifindex),
};
#undef T

json_t *proto_pack_xsk_register_reply(const struct proto_xsk_register_reply *r)
{
	return REPLY(xsk_register_reply, r);
}

int proto_unpack_xsk_register_reply(struct proto_read *rd, const json_t *msg,
				    struct proto_xsk_register_reply *r)
{
	return UNPACK(rd, msg, xsk_register_reply, r);
}

#define T struct proto_drain_reply
static const struct field drain_reply[] = {
	FIELD("slot", F_U32, T, slot),
	FIELD("state", F_STR, T, state),
};
static const struct field drain_wait_reply[] = {
	FIELD("slot", F_U32, T, slot),
	FIELD("drained_ms", F_U32, T, drained_ms),
	FIELD("drained", F_U32, T, drained),
};
static const struct field drain_reply_count[] = {
	{ .key = "listeners",
	  .type = F_U32,
	  AT(T, listeners),
	  .optional = true,
	  .def_u32 = 1 },
};
#undef T

json_t *proto_pack_drain_reply(const struct proto_drain_reply *r, bool wait)
{
	json_t *m = wait ? REPLY(drain_wait_reply, r) : REPLY(drain_reply, r);

	/* One listener is the reply every steerctl knows. */
	return r->listeners > 1 ? PACK(m, drain_reply_count, r) : m;
}

int proto_unpack_drain_reply(struct proto_read *rd, const json_t *msg,
			     bool wait, struct proto_drain_reply *r)
{
	memset(r, 0, sizeof(*r));
	if (wait)
		UNPACK(rd, msg, drain_wait_reply, r);
	else
		UNPACK(rd, msg, drain_reply, r);
	return UNPACK(rd, msg, drain_reply_count, r);
}

#define T struct proto_group_stats
static const struct field group_stats[] = {
	FIELD("name", F_STR, T, name),
	FIELD(NULL, F_GROUP_COUNTERS, T, stats),
};
#undef T

#define T struct proto_cpu_stats
static const struct field cpu_stats[] = {
	FIELD("cpu", F_U32, T, cpu),
	FIELD(NULL, F_CPU_COUNTERS, T, stats),
};
#undef T

/* An array of n objects, each packed from the n structs of size at items. */
static json_t *pack_list(const void *items, size_t size, size_t n,
			 const struct field *f, size_t nfields)
{
	json_t *list = json_array();
	size_t i;

	for (i = 0; i < n && list; i++) {
		if (json_array_append_new(
			    list,
			    pack_fields(json_object(), f, nfields,
					(const char *)items + i * size))) {
			json_decref(list);
			list = NULL;
		}
	}
	return list;
}

json_t *proto_pack_stats_reply(const uint64_t *counters,
			       const struct proto_group_stats *groups,
			       size_t ngroups,
			       const struct proto_cpu_stats *cpus, size_t ncpus)
{
	json_t *c = json_object(), *g, *p;
	size_t i;

	for (i = 0; i < STEER_CNT_MAX && c; i++)
		c = set(c, proto_frame_counter_names[i],
			json_integer((json_int_t)counters[i]));
	g = pack_list(groups, sizeof(*groups), ngroups, group_stats,
		      ARRAY_SIZE(group_stats));
	p = pack_list(cpus, sizeof(*cpus), ncpus, cpu_stats,
		      ARRAY_SIZE(cpu_stats));
	return set(set(set(proto_reply_ok(), "counters", c), "groups", g),
		   "cpus", p);
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

int proto_unpack_group_stats(struct proto_read *rd, const json_t *obj, void *gs)
{
	return UNPACK(rd, obj, group_stats, gs);
}

int proto_unpack_cpu_stats(struct proto_read *rd, const json_t *obj, void *cs)
{
	return UNPACK(rd, obj, cpu_stats, cs);
}

#define T struct proto_event
static const struct field event[] = {
	FIELD("event", F_STR, T, event),
	FIELD("group", F_STR, T, group),
	FIELD("slot", F_U32, T, slot),
	FIELD("cookie", F_U64, T, cookie),
};
#undef T

json_t *proto_pack_event(const struct proto_event *ev)
{
	return PACK(json_pack("{s:i}", "v", STEER_PROTO_VERSION), event, ev);
}

int proto_unpack_event(struct proto_read *rd, const json_t *msg,
		       struct proto_event *ev)
{
	return UNPACK(rd, msg, event, ev);
}
