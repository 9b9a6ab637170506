// SPDX-License-Identifier: GPL-2.0-only
/*
 * HTTP/1.x response framing: finds the end of the head, checks the status
 * line and the headers that decide the framing, and says whether the
 * response is complete. The token rules are the ones steer_http's request
 * parser uses (http_token.c).
 */
#include <string.h>

#include "http_response.h"
#include "http_token.h"

static const char http_version_prefix[] = "HTTP/1.";
#define VERSION_PREFIX_LEN (sizeof(http_version_prefix) - 1)
/* "HTTP/1.x DDD": the prefix, the minor version, a space, three digits. */
#define STATUS_CODE_OFF (VERSION_PREFIX_LEN + 2)
#define STATUS_CODE_LEN 3
#define STATUS_LINE_MIN (STATUS_CODE_OFF + STATUS_CODE_LEN)

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "HTTP/1.0 200" or "HTTP/1.1 200 OK": the code, or -1. */
static int parse_status_line(const char *line, size_t len)
{
	const char *code = line + STATUS_CODE_OFF;
	int status = 0;
	size_t i;

	if (len < STATUS_LINE_MIN ||
	    memcmp(line, http_version_prefix, VERSION_PREFIX_LEN))
		return -1;
	if ((line[VERSION_PREFIX_LEN] != '0' &&
	     line[VERSION_PREFIX_LEN] != '1') ||
	    line[VERSION_PREFIX_LEN + 1] != ' ')
		return -1;
	for (i = 0; i < STATUS_CODE_LEN; i++) {
		if (!is_digit(code[i]))
			return -1;
		status = status * 10 + (code[i] - '0');
	}
	if (len > STATUS_LINE_MIN && line[STATUS_LINE_MIN] != ' ')
		return -1;
	return status;
}

struct head_state {
	long content_length; /* -1: none yet */
	bool close;
};

/* Digits only; more than max is refused before it can overflow. */
static int parse_content_length(const char *v, size_t n, size_t max, long *out)
{
	long cl = 0;
	size_t i;

	if (!n)
		return -1;
	for (i = 0; i < n; i++) {
		if (!is_digit(v[i]) || cl > (long)max)
			return -1;
		cl = cl * 10 + (v[i] - '0');
	}
	if (cl > (long)max)
		return -1;
	*out = cl;
	return 0;
}

static int parse_header_line(const char *line, size_t len, size_t max,
			     struct head_state *h)
{
	const char *colon = memchr(line, ':', len), *v;
	size_t nlen, vlen;

	if (!colon || colon == line)
		return -1;
	nlen = (size_t)(colon - line);
	v = colon + 1;
	vlen = len - nlen - 1;
	while (vlen && http_is_ows(*v))
		v++, vlen--;
	while (vlen && http_is_ows(v[vlen - 1]))
		vlen--;

	if (http_name_is(line, nlen, "content-length")) {
		if (h->content_length >= 0)
			return -1; /* twice, even if equal: ambiguous */
		return parse_content_length(v, vlen, max, &h->content_length);
	}
	if (http_name_is(line, nlen, "connection"))
		h->close = h->close || http_list_has(v, vlen, "close");
	else if (http_name_is(line, nlen, "transfer-encoding"))
		return -1; /* only Content-Length framing is understood */
	return 0;
}

/* hlen covers the status line, the headers and the blank line. */
static int parse_head(const char *buf, size_t hlen, size_t max,
		      struct head_state *h, unsigned int *status)
{
	const char *line, *eol;
	size_t off = 0, len;
	int code = -1;

	h->content_length = -1;
	h->close = false;
	/* Each turn consumes a line; the head ends with an empty one. */
	while (off < hlen) {
		line = buf + off;
		eol = memmem(line, hlen - off, "\r\n", 2);
		if (!eol)
			return -1;
		len = (size_t)(eol - line);
		off += len + 2;
		if (code < 0) {
			code = parse_status_line(line, len);
			if (code < 0)
				return -1;
		} else if (!len) {
			*status = (unsigned int)code;
			return 0;
		} else if (parse_header_line(line, len, max, h)) {
			return -1;
		}
	}
	return -1;
}

enum http_response_result http_response_parse(const char *buf, size_t len,
					      size_t max,
					      struct http_response *resp)
{
	struct head_state head;
	unsigned int status;
	size_t hlen, total;
	const char *end;

	/* Garbage is refused at once, not after a timeout. */
	if (memcmp(buf, http_version_prefix,
		   len < VERSION_PREFIX_LEN ? len : VERSION_PREFIX_LEN))
		return HTTP_RESPONSE_BAD;
	end = memmem(buf, len, "\r\n\r\n", 4);
	if (!end)
		return len >= max ? HTTP_RESPONSE_BAD : HTTP_RESPONSE_MORE;
	hlen = (size_t)(end - buf) + 4;
	if (hlen > max || parse_head(buf, hlen, max, &head, &status) ||
	    head.content_length < 0)
		return HTTP_RESPONSE_BAD;
	total = hlen + (size_t)head.content_length;
	if (total > max)
		return HTTP_RESPONSE_BAD;
	if (len < total)
		return HTTP_RESPONSE_MORE;
	if (len > total)
		return HTTP_RESPONSE_BAD;
	*resp = (struct http_response){ .status = status,
					.head_len = hlen,
					.body_len = (size_t)head.content_length,
					.close = head.close };
	return HTTP_RESPONSE_DONE;
}
