/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The HTTP/1.x request head parser of steer_http: bytes in, a request (or
 * the status line of its refusal) out. No allocation, no I/O.
 */
#ifndef STEER_HTTP_REQUEST_H
#define STEER_HTTP_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

/* A request line and its headers, blank line included, fit in this. */
#define HTTP_HEAD_MAX 8192
/* More than this is not a length any client means (and would overflow). */
#define HTTP_CONTENT_LENGTH_DIGITS_MAX 18

struct http_request {
	unsigned long long content_length; /* body bytes that follow the head */
	unsigned int minor; /* HTTP/1.minor */
	bool keep_alive; /* the connection stays open after the response */
	bool expect_continue; /* the client waits for 100 Continue */
};

/*
 * Parses the request head at the start of buf (len bytes). *scanned is how
 * far an earlier call looked for the blank line (0 at first): a head that
 * arrives in pieces is not searched again from its start. Returns the
 * head's length once it is complete, 0 when more bytes are needed, or
 * -EMSGSIZE (431: longer than HTTP_HEAD_MAX, complete or not),
 * -EBADMSG (400), -EPROTONOSUPPORT (505: not HTTP/1) or
 * -EOPNOTSUPP (501: any Transfer-Encoding, as chunked bodies are not read).
 */
int http_parse_head(const char *buf, size_t len, size_t *scanned,
		    struct http_request *req);

/* The status line of a parse error, e.g. "400 Bad Request". */
const char *http_error_status(int err);

#endif /* STEER_HTTP_REQUEST_H */
