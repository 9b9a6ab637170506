// SPDX-License-Identifier: GPL-2.0-only
/*
 * The control messages' schema, replies and events: a table of fields
 * each, as for the requests in proto_msg.c, declared in proto_msg.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "proto_fields.h"
#include "proto_msg.h"

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
		msg = proto_fields_set(msg, "warnings",
				       json_incref(st->warnings));
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
	return proto_fields_set(proto_reply_ok(), "groups", groups);
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
	{ .key = "adopted",
	  .type = F_BOOL,
	  AT(T, adopted),
	  .optional = true,
	  .given = offsetof(T, adopted) + 1 },
	{ .key = "comm", .type = F_STR, AT(T, comm), .optional = true },
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
	return proto_fields_set(REPLY(group, g), "slots", slots);
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
			msg = proto_fields_set(msg, iface_json[i].key,
					       json_incref(v));
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
	return proto_fields_set(proto_reply_ok(), "ifaces", ifaces);
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
			    list, proto_fields_pack(json_object(), f, nfields,
						    (const char *)items +
							    i * size))) {
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
		c = proto_fields_set(c, proto_frame_counter_names[i],
				     json_integer((json_int_t)counters[i]));
	g = pack_list(groups, sizeof(*groups), ngroups, group_stats,
		      ARRAY_SIZE(group_stats));
	p = pack_list(cpus, sizeof(*cpus), ncpus, cpu_stats,
		      ARRAY_SIZE(cpu_stats));
	return proto_fields_set(
		proto_fields_set(proto_fields_set(proto_reply_ok(), "counters",
						  c),
				 "groups", g),
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
