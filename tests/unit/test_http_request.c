// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of steer_http's request head parser: request lines, keep-alive
 * rules, Content-Length, Expect and Transfer-Encoding, heads that arrive
 * in pieces and heads that are too long.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/http_request.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* One head, parsed whole: the result and, on success, the request. */
struct head_case {
	const char *in;
	int ret; /* 0: the head's whole length; else the negative errno */
	unsigned int minor;
	bool keep_alive;
	unsigned long long content_length;
	bool expect_continue;
};

#define BAD(s, err)                     \
	{                               \
		.in = (s), .ret = (err) \
	}
#define OK(s, mi, keep)                                        \
	{                                                      \
		.in = (s), .minor = (mi), .keep_alive = (keep) \
	}
#define OK_BODY(s, mi, keep, len, expect)                            \
	{                                                            \
		.in = (s), .minor = (mi), .keep_alive = (keep),      \
		.content_length = (len), .expect_continue = (expect) \
	}

static void run_cases(const struct head_case *cases, size_t n)
{
	struct http_request req;
	size_t i, scanned;
	int want, got;

	for (i = 0; i < n; i++) {
		const struct head_case *c = &cases[i];

		scanned = 0;
		want = c->ret ? c->ret : (int)strlen(c->in);
		got = http_parse_head(c->in, strlen(c->in), &scanned, &req);
		if (got != want)
			fail_msg("\"%s\": returned %d, want %d", c->in, got,
				 want);
		if (got < 0)
			continue;
		if (req.minor != c->minor || req.keep_alive != c->keep_alive ||
		    req.content_length != c->content_length ||
		    req.expect_continue != c->expect_continue)
			fail_msg("\"%s\": minor %u keep_alive %d length %llu "
				 "expect %d; want %u %d %llu %d",
				 c->in, req.minor, req.keep_alive,
				 req.content_length, req.expect_continue,
				 c->minor, c->keep_alive, c->content_length,
				 c->expect_continue);
	}
}

static void test_request_line(void **state)
{
	static const struct head_case cases[] = {
		OK("GET / HTTP/1.1\r\n\r\n", 1, true),
		OK("GET / HTTP/1.0\r\n\r\n", 0, false),
		OK("GET /a?b=c HTTP/1.1\r\n\r\n", 1, true),
		OK("OPTIONS * HTTP/1.1\r\n\r\n", 1, true),
		OK("GET http://x/ HTTP/1.1\r\n\r\n", 1, true),
		/* HTTP/1.9 is HTTP/1: its minor is kept as it came. */
		OK("GET / HTTP/1.9\r\n\r\n", 9, true),
		/* Empty lines before the request line (RFC 9112 2.2). */
		OK("\r\n\r\nGET / HTTP/1.1\r\n\r\n", 1, true),
		BAD("GET /\r\n\r\n", -EBADMSG),
		BAD("GET  / HTTP/1.1\r\n\r\n", -EBADMSG),
		BAD("GET / HTTP/1.1 \r\n\r\n", -EBADMSG),
		BAD("GET /  HTTP/1.1\r\n\r\n", -EBADMSG),
		BAD(" GET / HTTP/1.1\r\n\r\n", -EBADMSG),
		BAD("GET\t/ HTTP/1.1\r\n\r\n", -EBADMSG),
		BAD("GET /\x7f HTTP/1.1\r\n\r\n", -EBADMSG),
		BAD("GET /\x01 HTTP/1.1\r\n\r\n", -EBADMSG),
		BAD("GET / http/1.1\r\n\r\n", -EBADMSG),
		BAD("GET / HTTP/1.10\r\n\r\n", -EBADMSG),
		BAD("GET / HTTP/1\r\n\r\n", -EBADMSG),
		BAD("GET / HTTP/1.x\r\n\r\n", -EBADMSG),
		BAD("GET / HTTP/1,1\r\n\r\n", -EBADMSG),
		BAD("GET / HTTP/2.0\r\n\r\n", -EPROTONOSUPPORT),
		BAD("GET / HTTP/0.9\r\n\r\n", -EPROTONOSUPPORT),
		BAD("GET / HTTP/9.1\r\n\r\n", -EPROTONOSUPPORT),
	};

	run_cases(cases, ARRAY_SIZE(cases));
}

/* A method is any RFC 9110 token: tchars only, at least one. */
static void test_methods(void **state)
{
	static const struct head_case cases[] = {
		OK("POST / HTTP/1.1\r\n\r\n", 1, true),
		OK("M-SEARCH * HTTP/1.1\r\n\r\n", 1, true),
		OK("get / HTTP/1.1\r\n\r\n", 1, true),
		OK("!#$%&'*+-.^_`|~09azAZ / HTTP/1.1\r\n\r\n", 1, true),
		BAD("GE(T / HTTP/1.1\r\n\r\n", -EBADMSG),
		BAD("GE:T / HTTP/1.1\r\n\r\n", -EBADMSG),
		BAD("GET\" / HTTP/1.1\r\n\r\n", -EBADMSG),
		BAD("G\xc3\xa9T / HTTP/1.1\r\n\r\n", -EBADMSG),
		BAD("/ HTTP/1.1\r\n\r\n", -EBADMSG),
	};

	run_cases(cases, ARRAY_SIZE(cases));
}

/* HTTP/1.1 keeps the connection unless told; HTTP/1.0 only if told. */
static void test_keep_alive(void **state)
{
	static const struct head_case cases[] = {
		OK("GET / HTTP/1.1\r\nConnection: close\r\n\r\n", 1, false),
		OK("GET / HTTP/1.1\r\nconnection: CLOSE\r\n\r\n", 1, false),
		OK("GET / HTTP/1.1\r\nConnection: keep-alive\r\n\r\n", 1, true),
		OK("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 0, true),
		OK("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", 0, true),
		OK("GET / HTTP/1.0\r\nConnection: close\r\n\r\n", 0, false),
		/* Connection is a list; close wins over keep-alive. */
		OK("GET / HTTP/1.1\r\nConnection: upgrade, close\r\n\r\n", 1,
		   false),
		OK("GET / HTTP/1.1\r\nConnection: ,,close ,\r\n\r\n", 1, false),
		OK("GET / HTTP/1.0\r\nConnection: te,keep-alive\r\n\r\n", 0,
		   true),
		OK("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n", 0,
		   false),
		/* Across repeated headers too. */
		OK("GET / HTTP/1.0\r\nConnection: keep-alive\r\n"
		   "Connection: close\r\n\r\n",
		   0, false),
		OK("GET / HTTP/1.0\r\nConnection: te\r\n"
		   "Connection: keep-alive\r\n\r\n",
		   0, true),
		/* Only whole tokens count. */
		OK("GET / HTTP/1.1\r\nConnection: closed\r\n\r\n", 1, true),
		OK("GET / HTTP/1.0\r\nConnection: keep-alive2\r\n\r\n", 0,
		   false),
		OK("GET / HTTP/1.1\r\nX-Connection: close\r\n\r\n", 1, true),
	};

	run_cases(cases, ARRAY_SIZE(cases));
}

static void test_content_length(void **state)
{
	static const struct head_case cases[] = {
		OK_BODY("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n", 1, true,
			5, false),
		OK_BODY("POST / HTTP/1.1\r\ncontent-length:0\r\n\r\n", 1, true,
			0, false),
		OK_BODY("POST / HTTP/1.1\r\nContent-Length: \t42 \t\r\n\r\n", 1,
			true, 42, false),
		OK_BODY("POST / HTTP/1.1\r\nContent-Length: 007\r\n\r\n", 1,
			true, 7, false),
		/* The longest accepted: 18 digits. */
		OK_BODY("POST / HTTP/1.1\r\nContent-Length: 999999999999999999\r\n"
			"\r\n",
			1, true, 999999999999999999ULL, false),
		BAD("POST / HTTP/1.1\r\nContent-Length: 1000000000000000000\r\n"
		    "\r\n",
		    -EBADMSG),
		/* Repeats must agree. */
		OK_BODY("POST / HTTP/1.1\r\nContent-Length: 5\r\n"
			"Content-Length: 5\r\n\r\n",
			1, true, 5, false),
		BAD("POST / HTTP/1.1\r\nContent-Length: 5\r\n"
		    "Content-Length: 6\r\n\r\n",
		    -EBADMSG),
		OK_BODY("POST / HTTP/1.1\r\nContent-Length: 5\r\n"
			"Content-Length: 05\r\n\r\n",
			1, true, 5, false),
		/* Digits only: no list, sign, space, base or emptiness. */
		BAD("POST / HTTP/1.1\r\nContent-Length: 5, 5\r\n\r\n",
		    -EBADMSG),
		BAD("POST / HTTP/1.1\r\nContent-Length: +5\r\n\r\n", -EBADMSG),
		BAD("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", -EBADMSG),
		BAD("POST / HTTP/1.1\r\nContent-Length: 1 0\r\n\r\n", -EBADMSG),
		BAD("POST / HTTP/1.1\r\nContent-Length: 0x10\r\n\r\n",
		    -EBADMSG),
		BAD("POST / HTTP/1.1\r\nContent-Length:\r\n\r\n", -EBADMSG),
		BAD("POST / HTTP/1.1\r\nContent-Length:  \r\n\r\n", -EBADMSG),
	};

	run_cases(cases, ARRAY_SIZE(cases));
}

static void test_expect(void **state)
{
	static const struct head_case cases[] = {
		OK_BODY("POST / HTTP/1.1\r\nContent-Length: 3\r\n"
			"Expect: 100-continue\r\n\r\n",
			1, true, 3, true),
		OK_BODY("POST / HTTP/1.1\r\nexpect: 100-Continue\r\n\r\n", 1,
			true, 0, true),
		OK_BODY("POST / HTTP/1.1\r\nExpect: foo\r\n\r\n", 1, true, 0,
			false),
		OK_BODY("POST / HTTP/1.1\r\nExpect: 100-continued\r\n\r\n", 1,
			true, 0, false),
		/* The last Expect header decides. */
		OK_BODY("POST / HTTP/1.1\r\nExpect: 100-continue\r\n"
			"Expect: foo\r\n\r\n",
			1, true, 0, false),
	};

	run_cases(cases, ARRAY_SIZE(cases));
}

/* Any Transfer-Encoding is refused: bodies of unknown length are not read. */
static void test_transfer_encoding(void **state)
{
	static const struct head_case cases[] = {
		BAD("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
		    -EOPNOTSUPP),
		BAD("POST / HTTP/1.1\r\ntransfer-encoding: identity\r\n\r\n",
		    -EOPNOTSUPP),
		BAD("POST / HTTP/1.1\r\nTransfer-Encoding:\r\n\r\n",
		    -EOPNOTSUPP),
		BAD("POST / HTTP/1.1\r\nContent-Length: 5\r\n"
		    "Transfer-Encoding: chunked\r\n\r\n",
		    -EOPNOTSUPP),
		/* Errors are reported in order: the first bad line wins. */
		BAD("POST / HTTP/1.1\r\nContent-Length: x\r\n"
		    "Transfer-Encoding: chunked\r\n\r\n",
		    -EBADMSG),
		BAD("POST / HTTP/2.0\r\nTransfer-Encoding: chunked\r\n\r\n",
		    -EPROTONOSUPPORT),
	};

	run_cases(cases, ARRAY_SIZE(cases));
}

static void test_header_syntax(void **state)
{
	static const struct head_case cases[] = {
		OK("GET / HTTP/1.1\r\nHost: x\r\nX-Y: a\tb\r\n\r\n", 1, true),
		OK("GET / HTTP/1.1\r\nX-Empty:\r\n\r\n", 1, true),
		OK("GET / HTTP/1.1\r\nX: \xc3\xa9\r\n\r\n", 1, true),
		/* Obsolete line folding (RFC 9112 5.2). */
		BAD("GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n", -EBADMSG),
		BAD("GET / HTTP/1.1\r\nX: a\r\n\tb\r\n\r\n", -EBADMSG),
		BAD("GET / HTTP/1.1\r\nHost x\r\n\r\n", -EBADMSG),
		BAD("GET / HTTP/1.1\r\nHost : x\r\n\r\n", -EBADMSG),
		BAD("GET / HTTP/1.1\r\n: x\r\n\r\n", -EBADMSG),
		BAD("GET / HTTP/1.1\r\nX: a\x01z\r\n\r\n", -EBADMSG),
		BAD("GET / HTTP/1.1\r\nX: a\x7fz\r\n\r\n", -EBADMSG),
		BAD("GET / HTTP/1.1\r\nX: a\nb\r\n\r\n", -EBADMSG),
	};

	run_cases(cases, ARRAY_SIZE(cases));
}

static const char full[] = "POST /p HTTP/1.0\r\nHost: h\r\n"
			   "Connection: keep-alive\r\nContent-Length: 2\r\n"
			   "\r\n";

/* Every prefix of a head asks for more, fresh or resumed. */
static void test_truncated(void **state)
{
	size_t len = strlen(full), n, scanned, resumed = 0;
	struct http_request req;

	for (n = 0; n < len; n++) {
		scanned = 0;
		if (http_parse_head(full, n, &scanned, &req))
			fail_msg("%zu of %zu bytes: not 0", n, len);
		assert_int_equal(scanned, n);
		/* As bytes arrive one by one, carrying *scanned along. */
		assert_int_equal(http_parse_head(full, n, &resumed, &req), 0);
	}
	assert_int_equal(http_parse_head(full, len, &resumed, &req), len);
	assert_int_equal(req.minor, 0);
	assert_true(req.keep_alive);
	assert_int_equal(req.content_length, 2);
	/* Bare LFs never end a head: it waits for CRLF CRLF. */
	scanned = 0;
	assert_int_equal(
		http_parse_head("GET / HTTP/1.1\n\n", 16, &scanned, &req), 0);
}

/* A head is parsed up to its blank line; what follows is the next's. */
static void test_pipelined(void **state)
{
	static const char two[] =
		"GET /1 HTTP/1.1\r\n\r\n"
		"GET /2 HTTP/1.1\r\nConnection: close\r\n\r\n";
	size_t first = strlen("GET /1 HTTP/1.1\r\n\r\n"), scanned = 0;
	struct http_request req;

	assert_int_equal(http_parse_head(two, strlen(two), &scanned, &req),
			 first);
	assert_true(req.keep_alive);
	scanned = 0;
	assert_int_equal(http_parse_head(two + first, strlen(two) - first,
					 &scanned, &req),
			 strlen(two) - first);
	assert_false(req.keep_alive);
}

/* A head of n bytes: a request line, then one long header, then CRLF. */
static char *head_of(size_t n)
{
	static const char line[] = "GET / HTTP/1.1\r\nX: ";
	char *buf = malloc(n);

	assert_non_null(buf);
	memcpy(buf, line, sizeof(line) - 1);
	memset(buf + sizeof(line) - 1, 'a', n - (sizeof(line) - 1) - 4);
	memcpy(buf + n - 4, "\r\n\r\n", 4);
	return buf;
}

static void test_oversize(void **state)
{
	struct http_request req;
	size_t scanned = 0;
	char *buf;

	/* Exactly HTTP_HEAD_MAX fits. */
	buf = head_of(HTTP_HEAD_MAX);
	assert_int_equal(http_parse_head(buf, HTTP_HEAD_MAX, &scanned, &req),
			 HTTP_HEAD_MAX);
	/* Without its blank line, one byte short waits, full is refused. */
	scanned = 0;
	assert_int_equal(
		http_parse_head(buf, HTTP_HEAD_MAX - 2, &scanned, &req), 0);
	assert_int_equal(
		http_parse_head(buf, HTTP_HEAD_MAX - 1, &scanned, &req), 0);
	buf[HTTP_HEAD_MAX - 1] = 'a';
	scanned = 0;
	assert_int_equal(http_parse_head(buf, HTTP_HEAD_MAX, &scanned, &req),
			 -EMSGSIZE);
	free(buf);
	/* A complete head longer than the bound is refused, not served. */
	buf = head_of(HTTP_HEAD_MAX + 1);
	scanned = 0;
	assert_int_equal(http_parse_head(buf, HTTP_HEAD_MAX + 1, &scanned,
					 &req),
			 -EMSGSIZE);
	free(buf);
}

static void test_error_status(void **state)
{
	assert_string_equal(http_error_status(-EBADMSG), "400 Bad Request");
	assert_string_equal(http_error_status(-EMSGSIZE),
			    "431 Request Header Fields Too Large");
	assert_string_equal(http_error_status(-EPROTONOSUPPORT),
			    "505 HTTP Version Not Supported");
	assert_string_equal(http_error_status(-EOPNOTSUPP),
			    "501 Not Implemented");
	assert_string_equal(http_error_status(-EINVAL), "400 Bad Request");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_line),
		cmocka_unit_test(test_methods),
		cmocka_unit_test(test_keep_alive),
		cmocka_unit_test(test_content_length),
		cmocka_unit_test(test_expect),
		cmocka_unit_test(test_transfer_encoding),
		cmocka_unit_test(test_header_syntax),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_pipelined),
		cmocka_unit_test(test_oversize),
		cmocka_unit_test(test_error_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
