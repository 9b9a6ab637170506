// SPDX-License-Identifier: GPL-2.0-only
/*
 * One generic pack and one generic strict unpack over a table of fields,
 * the counters of steer_abi.h's X-macros among the field types.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "proto_fields.h"
#include "proto_msg.h"

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

/* Sets key to value (taken) in msg; on failure drops msg, returns NULL. */
json_t *proto_fields_set(json_t *msg, const char *key, json_t *value)
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
		msg = proto_fields_set(msg, names[i],
				       json_integer((json_int_t)v[i]));
	return msg;
}

static void unpack_counters(struct proto_read *rd, const json_t *obj, __u64 *v,
			    const char *const *names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		v[i] = proto_read_u64(rd, obj, names[i]);
}

/* Adds the fields of the struct at base to msg (taken; NULL passes). */
json_t *proto_fields_pack(json_t *msg, const struct field *f, size_t n,
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
		msg = proto_fields_set(msg, f->key, v);
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
int proto_fields_unpack(struct proto_read *rd, const json_t *obj,
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
