/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The engine under proto_msg.c: a message is a table of fields (key, type,
 * place in its struct, optional or not), and one generic pack and one
 * generic strict unpack work from any table. Only proto_msg.c and
 * proto_reply.c use it.
 */
#ifndef STEER_PROTO_FIELDS_H
#define STEER_PROTO_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "proto.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

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

/* The member at offset off of a message struct, as a type. */
#define MEMBER(base, off, type) ((type *)((char *)(base) + (off)))

/* Sets key to value (taken) in msg; on failure drops msg, returns NULL. */
json_t *proto_fields_set(json_t *msg, const char *key, json_t *value);
/* msg with the n fields of base added (msg dropped on failure: NULL). */
json_t *proto_fields_pack(json_t *msg, const struct field *f, size_t n,
			  const void *base);
/* base's n fields read strictly from obj; rd->err (0 or -EBADMSG). */
int proto_fields_unpack(struct proto_read *rd, const json_t *obj,
			const struct field *f, size_t n, void *base);

#define PACK(msg, fields, base) \
	proto_fields_pack(msg, fields, ARRAY_SIZE(fields), base)
#define UNPACK(rd, obj, fields, base) \
	proto_fields_unpack(rd, obj, fields, ARRAY_SIZE(fields), base)

/* A reply's fields: {"v": 1, "ok": true, ...}. */
#define REPLY(fields, base) PACK(proto_reply_ok(), fields, base)

#endif /* STEER_PROTO_FIELDS_H */
