/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control protocol between steerd and its clients (steerctl, libsteer):
 * one JSON object per SOCK_SEQPACKET message, versioned, with at most one
 * file descriptor passed alongside (SCM_RIGHTS). docs/protocol.md is the
 * reference for every command and reply.
 */
#ifndef STEER_PROTO_H
#define STEER_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define STEER_PROTO_VERSION 1
#define STEER_PROTO_MAX_MSG 65536 /* bytes of one message, JSON text */
/* A group name: 1 to this many letters, digits, '-', '_' or '.'. */
#define PROTO_GROUP_NAME_MAX 31

/*
 * Sends msg (a JSON object) as one message, with fd attached when fd >= 0.
 * Returns 0 or a negative errno (-EMSGSIZE when the text is too long,
 * -ECONNRESET when the peer has closed, -EINVAL when msg is not an object).
 */
int proto_send(int sock, const json_t *msg, int fd);

/*
 * Receives one message. On success *msg is a new reference to a JSON object
 * carrying "v": STEER_PROTO_VERSION, and *fd a received descriptor
 * (O_CLOEXEC) or -1. A message with more than one descriptor has the extra
 * ones closed. Returns 0, -ECONNRESET at end of stream, -EMSGSIZE for a
 * truncated message, -EBADMSG for text that is not a JSON object,
 * -EPROTO for another protocol version, or another negative errno.
 *
 * fd may be NULL: a descriptor that arrives anyway is closed. On any error
 * *msg is NULL and *fd is -1. A message without "v", or whose "v" is not
 * an integer, is of another version (-EPROTO). -EINTR is returned, not
 * retried, so that a signal can stop a waiting client. The connection stays
 * usable after -EMSGSIZE, -EBADMSG and -EPROTO: the message is consumed.
 */
int proto_recv(int sock, json_t **msg, int *fd);

/*
 * Parses one message's text (what proto_recv does after receiving): the
 * same errors, and the same checks (duplicate keys are refused as
 * -EBADMSG, since two values for one argument are ambiguous).
 */
int proto_decode(const char *buf, size_t len, json_t **msg);

/* {"v": 1, "cmd": cmd}: add the command's arguments to it. */
json_t *proto_request(const char *cmd);

/* {"v": 1, "ok": true}: add the reply's fields to it. */
json_t *proto_reply_ok(void);

/*
 * {"v": 1, "ok": false, "errno": -err, "error": "message"}: err is a
 * negative errno, the message one line saying what is wrong and what to do
 * (line breaks in it become spaces).
 */
json_t *proto_reply_error(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Connects to steerd's control socket (path NULL: the default for this
 * network namespace, steer_default_socket()). Returns the
 * socket or a negative errno: -ENOENT / -ECONNREFUSED mean steerd is not
 * running there.
 */
int proto_connect(const char *path);

/*
 * Sends a request (with fd when >= 0) and waits for its reply. An error
 * reply returns its negative errno with its message copied to errbuf; a
 * success stores the reply in *reply (a new reference; NULL allowed).
 * Event messages ({"event": ...}) arriving first are skipped.
 *
 * A reply that is not a valid reply (no boolean "ok", an error without a
 * positive "errno" or a string "error") returns -EBADMSG with a description
 * in errbuf; so do the decoding errors of proto_recv (-EMSGSIZE, -EBADMSG,
 * -EPROTO). On other failures (those of the socket) errbuf is empty and
 * strerror() says it all. errbuf may be NULL when errlen is 0. A descriptor
 * sent along with a reply is closed: clients receive none.
 */
int proto_call(int sock, const json_t *req, int fd, json_t **reply,
	       char *errbuf, size_t errlen);

#define PROTO_READ_WHERE_MAX 64
#define PROTO_READ_MSG_MAX 256

/*
 * Typed reads of a received message's fields, for code that acts on or
 * shows a reply. The first missing or mistyped field is recorded, with its
 * name, in err and msg; every read after that returns a zero value and
 * records nothing, so a caller reads all the fields it needs and checks
 * err once.
 */
struct proto_read {
	int err; /* 0, or -EBADMSG */
	/* e.g. "slots[2].pid: expected an integer, got a string" */
	char msg[PROTO_READ_MSG_MAX];
	char where[PROTO_READ_WHERE_MAX]; /* prefix of names, e.g. "slots[2]" */
};

void proto_read_init(struct proto_read *rd);

/* Sets the prefix of the names in messages ("" for none). */
void proto_read_at(struct proto_read *rd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Appends a name to the prefix, "." first unless it is an index ("[2]"),
 * for reading a nested object or array; returns what proto_read_leave()
 * needs to take it off again.
 */
size_t proto_read_enter(struct proto_read *rd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void proto_read_leave(struct proto_read *rd, size_t mark);

/*
 * Each reads obj's member key; with key NULL, obj itself (an array element,
 * named by the prefix). Integers must be JSON integers within the type's
 * range: u32 and u64 refuse negative numbers.
 */
bool proto_read_bool(struct proto_read *rd, const json_t *obj, const char *key);
uint32_t proto_read_u32(struct proto_read *rd, const json_t *obj,
			const char *key);
uint64_t proto_read_u64(struct proto_read *rd, const json_t *obj,
			const char *key);
/* An integer 0..INT_MAX, or JSON null read as -1 (a value not known). */
int proto_read_int_or_null(struct proto_read *rd, const json_t *obj,
			   const char *key);
/* The string is borrowed from obj; "" after an error. */
const char *proto_read_str(struct proto_read *rd, const json_t *obj,
			   const char *key);
/* Borrowed references; NULL after an error (jansson accepts NULL). */
json_t *proto_read_array(struct proto_read *rd, const json_t *obj,
			 const char *key);
json_t *proto_read_object(struct proto_read *rd, const json_t *obj,
			  const char *key);

#endif /* STEER_PROTO_H */
