// SPDX-License-Identifier: GPL-2.0-only
/*
 * The control messages' schema, requests: each message's fields in one
 * table (key, type, place in its struct, whether optional) that the
 * generic pack and unpack of proto_fields.c work from; the public functions
 * of proto_msg.h name a table each. proto_reply.c has the replies and
 * events; docs/protocol.md describes the same.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "proto_fields.h"
#include "proto_msg.h"

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
	{ .key = "adopt",
	  .type = F_BOOL,
	  AT(T, adopt),
	  .optional = true,
	  .given = offsetof(T, adopt) + 1 },
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

	return proto_fields_set(m, "flow", PACK(json_object(), flow, fl));
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

	m = proto_fields_set(m, drain_keys[req->by],
			     json_integer((json_int_t)req->id));
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
