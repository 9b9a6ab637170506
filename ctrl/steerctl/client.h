/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * steerctl as a client of steerd: connect, call, and the one place where a
 * failure to talk to steerd, or steerd's own error, becomes the message the
 * user sees and an error main() maps to the right exit status.
 */
#ifndef STEER_CLIENT_H
#define STEER_CLIENT_H

#include <jansson.h>

#include "lib/proto.h"
#include "lib/proto_msg.h"

/* The control socket in use: --socket, or steerd's default. */
const char *client_socket_path(void);

/*
 * Connects to steerd. Returns the socket, or a negative errno after
 * printing why: -ENOTCONN when steerd cannot be reached (exit status 3),
 * -EINVAL when --socket cannot be a socket path (2).
 */
int client_connect(void);

/*
 * Sends req (its reference is taken; NULL means it could not be built) and
 * waits for the reply, stored in *reply. Returns 0, or a negative errno
 * after printing the error. steerd's own error comes back with its errno,
 * except one that would read as a usage error or an unreachable daemon
 * (EINVAL, ENOTCONN, ECONNREFUSED): steerd refused the operation, which is
 * exit status 1, so those become -EREMOTEIO.
 */
int client_call(int sock, json_t *req, json_t **reply);

/* client_connect(), client_call(), and close the connection. */
int client_request(json_t *req, json_t **reply);

/*
 * Reports that steerd's reply to cmd does not have the fields the protocol
 * promises (rd says which), or that it could not be read for want of
 * memory, and returns rd->err.
 */
int client_bad_reply(const char *cmd, const struct proto_read *rd);

/*
 * A list in a reply, shown: a JSON array named key of one object per
 * element, and the text rows. head (NULL: none) comes first, once, given
 * every element (text headings, column widths); row prints one element.
 */
struct client_list {
	const char *key; /* "groups" */
	size_t size; /* of an element, as unpacked */
	proto_unpack_fn unpack;
	void (*head)(const void *items, size_t n, void *ctx);
	void (*row)(const void *item, void *ctx);
	void *ctx;
};

/*
 * Unpacks reply[list->key] with rd (which may hold errors of the reply's
 * other fields, read before) and, when the whole reply is well formed,
 * shows it. Returns 0, or a negative errno after printing why (as
 * client_bad_reply() does).
 */
int client_show_list(const char *cmd, struct proto_read *rd,
		     const json_t *reply, const struct client_list *list);

#endif /* STEER_CLIENT_H */
