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

#include <jansson.h>

#define STEER_PROTO_VERSION 1
#define STEER_PROTO_MAX_MSG 65536 /* bytes of one message, JSON text */
#define STEERD_SOCKET_DEFAULT "/run/steer/steerd.sock"
#define STEERD_BPFFS_DEFAULT "/sys/fs/bpf/steer"

/*
 * Sends msg (a JSON object) as one message, with fd attached when fd >= 0.
 * Returns 0 or a negative errno (-EMSGSIZE when the text is too long).
 */
int proto_send(int sock, const json_t *msg, int fd);

/*
 * Receives one message. On success *msg is a new reference to a JSON object
 * carrying "v": STEER_PROTO_VERSION, and *fd a received descriptor
 * (O_CLOEXEC) or -1. A message with more than one descriptor has the extra
 * ones closed. Returns 0, -ECONNRESET at end of stream, -EMSGSIZE for a
 * truncated message, -EBADMSG for text that is not a JSON object,
 * -EPROTO for another protocol version, or another negative errno.
 */
int proto_recv(int sock, json_t **msg, int *fd);

/* Parses one message's text (what proto_recv does after receiving). */
int proto_decode(const char *buf, size_t len, json_t **msg);

/* {"v": 1, "cmd": cmd}: add the command's arguments to it. */
json_t *proto_request(const char *cmd);

/* {"v": 1, "ok": true}: add the reply's fields to it. */
json_t *proto_reply_ok(void);

/*
 * {"v": 1, "ok": false, "errno": -err, "error": "message"}: err is a
 * negative errno, the message one line saying what is wrong and what to do.
 */
json_t *proto_reply_error(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Connects to steerd's control socket (path NULL: the default). Returns the
 * socket or a negative errno: -ENOENT / -ECONNREFUSED mean steerd is not
 * running there.
 */
int proto_connect(const char *path);

/*
 * Sends a request (with fd when >= 0) and waits for its reply. An error
 * reply returns its negative errno with its message copied to errbuf; a
 * success stores the reply in *reply (a new reference; NULL allowed).
 * Event messages ({"event": ...}) arriving first are skipped.
 */
int proto_call(int sock, const json_t *req, int fd, json_t **reply,
	       char *errbuf, size_t errlen);

#endif /* STEER_PROTO_H */
