// SPDX-License-Identifier: GPL-2.0-only
/*
 * HTTP/1.x request heads (RFC 9112): the request line, the headers that
 * decide framing and keep-alive, and the error each refusal maps to.
 */
#include <errno.h>
#include <string.h>

#include "http_request.h"
#include "http_token.h"

/* Content-Length: digits only; a repeat must repeat the same value. */
static int content_length(const char *v, size_t n, bool *seen,
			  unsigned long long *out)
{
	unsigned long long len = 0;
	size_t i;

	if (!n || n > HTTP_CONTENT_LENGTH_DIGITS_MAX)
		return -EBADMSG;
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -EBADMSG;
		len = len * 10 + (unsigned long long)(v[i] - '0');
	}
	if (*seen && len != *out)
		return -EBADMSG;
	*seen = true;
	*out = len;
	return 0;
}

/* "METHOD SP target SP HTTP/1.x": only the version matters here. */
static int request_line(const char *p, size_t n, struct http_request *req)
{
	static const char proto[] = "HTTP/";
	size_t i = 0, target;

	while (i < n && http_is_tchar((unsigned char)p[i]))
		i++;
	if (!i || i == n || p[i] != ' ')
		return -EBADMSG;
	target = ++i;
	while (i < n && (unsigned char)p[i] > ' ' && p[i] != 0x7f)
		i++;
	if (i == target || i == n || p[i] != ' ')
		return -EBADMSG;
	p += i + 1;
	n -= i + 1;
	if (n != sizeof(proto) - 1 + 3 || memcmp(p, proto, sizeof(proto) - 1))
		return -EBADMSG;
	p += sizeof(proto) - 1;
	if (p[0] < '0' || p[0] > '9' || p[1] != '.' || p[2] < '0' || p[2] > '9')
		return -EBADMSG;
	if (p[0] != '1')
		return -EPROTONOSUPPORT;
	req->minor = p[2] - '0';
	return 0;
}

/* What the headers said about the connection, gathered line by line. */
struct head_state {
	bool cl_seen; /* a Content-Length came: a repeat must agree */
	bool close; /* Connection: close */
	bool keep; /* Connection: keep-alive */
};

/* One "name: value" line; obsolete line folding is refused (RFC 9112 5.2). */
static int header(const char *p, size_t n, struct http_request *req,
		  struct head_state *st)
{
	size_t i = 0, k, vend;
	const char *v;

	while (i < n && http_is_tchar((unsigned char)p[i]))
		i++;
	if (!i || i == n || p[i] != ':')
		return -EBADMSG;
	v = p + i + 1;
	vend = n - i - 1;
	while (vend && http_is_ows(*v)) {
		v++;
		vend--;
	}
	while (vend && http_is_ows(v[vend - 1]))
		vend--;
	for (k = 0; k < vend; k++)
		if (((unsigned char)v[k] < ' ' && v[k] != '\t') || v[k] == 0x7f)
			return -EBADMSG;
	if (http_name_is(p, i, "content-length"))
		return content_length(v, vend, &st->cl_seen,
				      &req->content_length);
	/* Bodies of unknown length (chunked) are not read: 501. */
	if (http_name_is(p, i, "transfer-encoding"))
		return -EOPNOTSUPP;
	if (http_name_is(p, i, "connection")) {
		st->close |= http_list_has(v, vend, "close");
		st->keep |= http_list_has(v, vend, "keep-alive");
	} else if (http_name_is(p, i, "expect")) {
		req->expect_continue = http_list_has(v, vend, "100-continue");
	}
	return 0;
}

int http_parse_head(const char *buf, size_t len, size_t *scanned,
		    struct http_request *req)
{
	struct head_state st = { 0 };
	const char *end, *line, *eol;
	size_t from = 0, head;
	int err;

	/* Empty lines before a request line are tolerated (RFC 9112 2.2). */
	while (from + 1 < len && buf[from] == '\r' && buf[from + 1] == '\n')
		from += 2;
	if (*scanned > from + 3)
		from = *scanned - 3;
	end = len > from ? memmem(buf + from, len - from, "\r\n\r\n", 4) : NULL;
	if (!end) {
		*scanned = len;
		return len >= HTTP_HEAD_MAX ? -EMSGSIZE : 0;
	}
	head = end - buf + 4;
	if (head > HTTP_HEAD_MAX)
		return -EMSGSIZE;
	memset(req, 0, sizeof(*req));
	line = buf;
	while (line + 1 < end + 2 && line[0] == '\r' && line[1] == '\n')
		line += 2;
	eol = memmem(line, end + 2 - line, "\r\n", 2);
	err = request_line(line, eol - line, req);
	while (!err && eol < end) {
		line = eol + 2;
		eol = memmem(line, end + 2 - line, "\r\n", 2);
		err = header(line, eol - line, req, &st);
	}
	if (err)
		return err;
	/* HTTP/1.1 keeps the connection unless told; HTTP/1.0 only if told. */
	req->keep_alive = !st.close && (req->minor >= 1 || st.keep);
	return head;
}

const char *http_error_status(int err)
{
	switch (err) {
	case -EMSGSIZE:
		return "431 Request Header Fields Too Large";
	case -EPROTONOSUPPORT:
		return "505 HTTP Version Not Supported";
	case -EOPNOTSUPP:
		return "501 Not Implemented";
	default:
		return "400 Bad Request";
	}
}
