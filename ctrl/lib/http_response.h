/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Strict HTTP/1.x response framing for a client that has one request in
 * flight at a time (loadgen): status line, Content-Length, Connection:
 * close. Anything it cannot frame exactly is refused, never guessed.
 */
#ifndef STEER_HTTP_RESPONSE_H
#define STEER_HTTP_RESPONSE_H

#include <stdbool.h>
#include <stddef.h>

enum http_response_result {
	HTTP_RESPONSE_MORE, /* a prefix of a valid response: read on */
	HTTP_RESPONSE_DONE, /* one complete response, exactly len bytes */
	HTTP_RESPONSE_BAD, /* not a response this parser can frame */
};

struct http_response {
	unsigned int status; /* the three-digit code, e.g. 200 */
	size_t head_len; /* status line, headers and the blank line */
	size_t body_len; /* Content-Length: the body is at head_len */
	bool close; /* the Connection header lists "close" */
};

/*
 * Frames the response in buf[0..len), of at most max bytes in all. BAD
 * when: the bytes do not start "HTTP/1.", the status line is not
 * "HTTP/1.0|1 DDD[ reason]", a header line has no name or no colon,
 * Content-Length is missing, repeated, empty or not all digits,
 * Transfer-Encoding is present, the head or the whole response exceeds
 * max, or bytes follow the body (one request is in flight at a time).
 * resp is filled only on DONE.
 */
enum http_response_result http_response_parse(const char *buf, size_t len,
					      size_t max,
					      struct http_response *resp);

#endif /* STEER_HTTP_RESPONSE_H */
