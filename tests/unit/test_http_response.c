// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of the HTTP/1.x response framing loadgen counts outcomes with:
 * the status line, Content-Length, Connection: close lists, refused
 * Transfer-Encoding, every truncation of a head and a body, and the size
 * limit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/http_response.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MAX 2048
#define BODY "cpu=1 incoming_cpu=1 pid=42 gen=0\n"

static const char *const result_names[] = {
	[HTTP_RESPONSE_MORE] = "MORE",
	[HTTP_RESPONSE_DONE] = "DONE",
	[HTTP_RESPONSE_BAD] = "BAD",
};

static enum http_response_result parse(const char *s, size_t max,
				       struct http_response *r)
{
	return http_response_parse(s, strlen(s), max, r);
}

static void expect(const char *s, enum http_response_result want)
{
	struct http_response r;
	enum http_response_result got = parse(s, MAX, &r);

	if (got != want)
		fail_msg("\"%s\": %s, expected %s", s, result_names[got],
			 result_names[want]);
}

static void expect_list(const char *const *cases, size_t n,
			enum http_response_result want)
{
	size_t i;

	for (i = 0; i < n; i++)
		expect(cases[i], want);
}

static void test_complete(void **state)
{
	static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 34\r\n"
				 "Content-Type: text/plain\r\n\r\n" BODY;
	struct http_response r;

	assert_int_equal(parse(ok, MAX, &r), HTTP_RESPONSE_DONE);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.head_len, strlen(ok) - strlen(BODY));
	assert_int_equal(r.body_len, strlen(BODY));
	assert_false(r.close);
	assert_memory_equal(ok + r.head_len, BODY, r.body_len);
}

static void test_status_line(void **state)
{
	static const char *const good[] = {
		"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1 200 All is well, thanks\r\nContent-Length: 0\r\n\r\n",
	};
	static const char *const bad[] = {
		"HTTP/1.2 200 OK\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1  200 OK\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1 200OK\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
		"HTTP/1.10 200 OK\r\nContent-Length: 0\r\n\r\n",
		"HTTP/2 200 OK\r\nContent-Length: 0\r\n\r\n",
		"http/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
		" HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
		"\r\n\r\n",
	};
	struct http_response r;

	expect_list(good, ARRAY_SIZE(good), HTTP_RESPONSE_DONE);
	expect_list(bad, ARRAY_SIZE(bad), HTTP_RESPONSE_BAD);

	/* Any code is framed; whether it is welcome is the caller's call. */
	assert_int_equal(parse("HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n",
			       MAX, &r),
			 HTTP_RESPONSE_DONE);
	assert_int_equal(r.status, 503);
}

static void test_garbage_refused_early(void **state)
{
	/* Not "HTTP/1." from the first byte: refused before the head ends. */
	expect("X", HTTP_RESPONSE_BAD);
	expect("HTTP/2", HTTP_RESPONSE_BAD);
	expect("SSH-2.0-OpenSSH", HTTP_RESPONSE_BAD);
	/* A prefix of "HTTP/1." may still become a response. */
	expect("", HTTP_RESPONSE_MORE);
	expect("HTT", HTTP_RESPONSE_MORE);
	expect("HTTP/1.", HTTP_RESPONSE_MORE);
}

static void test_content_length(void **state)
{
	static const char *const good[] = {
		"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc",
		"HTTP/1.1 200 OK\r\ncontent-LENGTH: 3\r\n\r\nabc",
		"HTTP/1.1 200 OK\r\nContent-Length:3\r\n\r\nabc",
		"HTTP/1.1 200 OK\r\nContent-Length: \t3 \t\r\n\r\nabc",
		"HTTP/1.1 200 OK\r\nContent-Length: 003\r\n\r\nabc",
		"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
	};
	static const char *const bad[] = {
		/* missing: the end of the body is unknown */
		"HTTP/1.1 200 OK\r\n\r\nabc",
		"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n",
		/* twice, even when equal */
		"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3"
		"\r\n\r\nabc",
		"HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\n\r\nabc",
		"HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: +3\r\n\r\nabc",
		"HTTP/1.1 200 OK\r\nContent-Length: -3\r\n\r\nabc",
		"HTTP/1.1 200 OK\r\nContent-Length: 0x3\r\n\r\nabc",
		"HTTP/1.1 200 OK\r\nContent-Length: 3a\r\n\r\nabc",
		"HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\nabc",
		/* beyond the limit, and beyond any integer */
		"HTTP/1.1 200 OK\r\nContent-Length: 2049\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: "
		"99999999999999999999999999\r\n\r\n",
		/* a header line needs a name and a colon */
		"HTTP/1.1 200 OK\r\nContent-Length 3\r\n\r\nabc",
		"HTTP/1.1 200 OK\r\n: 3\r\nContent-Length: 3\r\n\r\nabc",
	};

	expect_list(good, ARRAY_SIZE(good), HTTP_RESPONSE_DONE);
	expect_list(bad, ARRAY_SIZE(bad), HTTP_RESPONSE_BAD);
}

static void test_connection_close(void **state)
{
	static const struct {
		const char *value;
		bool close;
	} cases[] = {
		{ "close", true },
		{ "Close", true },
		{ "CLOSE", true },
		{ "keep-alive, close", true },
		{ "close,keep-alive", true },
		{ " \tclose\t ", true },
		{ "upgrade,,close", true },
		{ "keep-alive", false },
		{ "closed", false },
		{ "close-ish", false },
		{ "not close", false },
		{ "", false },
	};
	char buf[256];
	struct http_response r;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(buf, sizeof(buf),
			 "HTTP/1.1 200 OK\r\nConnection: %s\r\n"
			 "Content-Length: 0\r\n\r\n",
			 cases[i].value);
		assert_int_equal(parse(buf, MAX, &r), HTTP_RESPONSE_DONE);
		if (r.close != cases[i].close)
			fail_msg("Connection: \"%s\": close %d, expected %d",
				 cases[i].value, r.close, cases[i].close);
	}
	/* Any of several Connection headers may say it. */
	assert_int_equal(parse("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\n"
			       "connection: close\r\nContent-Length: 0\r\n\r\n",
			       MAX, &r),
			 HTTP_RESPONSE_DONE);
	assert_true(r.close);
	assert_int_equal(parse("HTTP/1.1 200 OK\r\nConnection: close\r\n"
			       "Connection: keep-alive\r\nContent-Length: 0"
			       "\r\n\r\n",
			       MAX, &r),
			 HTTP_RESPONSE_DONE);
	assert_true(r.close);
}

static void test_transfer_encoding_refused(void **state)
{
	static const char *const bad[] = {
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		"3\r\nabc\r\n0\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
		"Content-Length: 3\r\n\r\nabc",
		"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n"
		"transfer-encoding: identity\r\n\r\nabc",
	};

	expect_list(bad, ARRAY_SIZE(bad), HTTP_RESPONSE_BAD);
}

/* Every proper prefix of a valid response is MORE; the whole is DONE. */
static void test_truncated(void **state)
{
	static const char *const responses[] = {
		"HTTP/1.1 200 OK\r\nContent-Length: 34\r\nConnection: close"
		"\r\n\r\n" BODY,
		"HTTP/1.0 200\r\nContent-Length: 0\r\n\r\n",
	};
	struct http_response r;
	size_t i, len, total;

	for (i = 0; i < ARRAY_SIZE(responses); i++) {
		total = strlen(responses[i]);
		for (len = 0; len < total; len++)
			if (http_response_parse(responses[i], len, MAX, &r) !=
			    HTTP_RESPONSE_MORE)
				fail_msg("response %zu cut at %zu of %zu: "
					 "not MORE",
					 i, len, total);
		assert_int_equal(http_response_parse(responses[i], total, MAX,
						     &r),
				 HTTP_RESPONSE_DONE);
	}
}

static void test_trailing_bytes_refused(void **state)
{
	/* One request in flight: nothing may follow the response. */
	expect("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcd",
	       HTTP_RESPONSE_BAD);
	expect("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1",
	       HTTP_RESPONSE_BAD);
}

static void test_oversize(void **state)
{
	static const char head[] = "HTTP/1.1 200 OK\r\nContent-Length: ";
	static const char small[] =
		"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc";
	char buf[MAX + 64];
	struct http_response r;
	size_t hlen;

	/* A head that never ends: MORE until it fills max, then BAD. */
	memset(buf, 'x', sizeof(buf));
	memcpy(buf, "HTTP/1.1 200 OK\r\nX: ", 20);
	assert_int_equal(http_response_parse(buf, MAX - 1, MAX, &r),
			 HTTP_RESPONSE_MORE);
	assert_int_equal(http_response_parse(buf, MAX, MAX, &r),
			 HTTP_RESPONSE_BAD);

	/* A body that ends exactly at max fits; one byte more does not. */
	hlen = strlen(head) + strlen("NNNN\r\n\r\n");
	snprintf(buf, sizeof(buf), "%s%04zu\r\n\r\n", head, MAX - hlen);
	memset(buf + hlen, 'b', MAX - hlen);
	assert_int_equal(http_response_parse(buf, MAX, MAX, &r),
			 HTTP_RESPONSE_DONE);
	assert_int_equal(r.body_len, MAX - hlen);
	snprintf(buf, sizeof(buf), "%s%04zu\r\n\r\n", head, MAX - hlen + 1);
	assert_int_equal(http_response_parse(buf, hlen, MAX, &r),
			 HTTP_RESPONSE_BAD);

	/* The same response, under a limit of its size and one less. */
	assert_int_equal(parse(small, strlen(small), &r), HTTP_RESPONSE_DONE);
	assert_int_equal(parse(small, strlen(small) - 1, &r),
			 HTTP_RESPONSE_BAD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_complete),
		cmocka_unit_test(test_status_line),
		cmocka_unit_test(test_garbage_refused_early),
		cmocka_unit_test(test_content_length),
		cmocka_unit_test(test_connection_close),
		cmocka_unit_test(test_transfer_encoding_refused),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_trailing_bytes_refused),
		cmocka_unit_test(test_oversize),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
