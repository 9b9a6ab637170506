// SPDX-License-Identifier: GPL-2.0-only
/*
 * The reply of steer_http: the HTTP framing is ctrl/lib/http_response.c's;
 * this reads the status and the body's "cpu=3 incoming_cpu=3 pid=1234
 * gen=0" fields. udp_echo's answer is that line and the datagram.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/http_response.h"
#include "loadgen.h"
#include "reply.h"

#define HTTP_STATUS_OK 200

struct body_field {
	const char *name;
	long long min, max;
};

enum { FIELD_CPU, FIELD_INCOMING_CPU, FIELD_PID, FIELD_GEN, FIELD_COUNT };

/* incoming_cpu is -1 when the kernel recorded none. */
static const struct body_field body_fields[FIELD_COUNT] = {
	[FIELD_CPU] = { "cpu", 0, CPUS_MAX - 1 },
	[FIELD_INCOMING_CPU] = { "incoming_cpu", -1, CPUS_MAX - 1 },
	[FIELD_PID] = { "pid", 1, INT32_MAX },
	[FIELD_GEN] = { "gen", 0, UINT32_MAX },
};

static int parse_field_value(const char *s, const struct body_field *f,
			     long long *out)
{
	const char *digits = *s == '-' ? s + 1 : s;
	long long v;
	char *end;

	if (*digits < '0' || *digits > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < f->min || v > f->max)
		return -1;
	*out = v;
	return 0;
}

/*
 * "cpu=3 incoming_cpu=3 pid=1234 gen=0\n": the four fields in any order,
 * each once; fields a later server may add are ignored.
 */
static int parse_body(const char *body, size_t len, struct reply *r)
{
	long long values[FIELD_COUNT];
	char text[RESPONSE_MAX + 1], *tok, *save, *eq;
	unsigned int i, seen = 0;

	if (len > RESPONSE_MAX || memchr(body, '\0', len))
		return -1;
	memcpy(text, body, len);
	text[len] = '\0';
	for (tok = strtok_r(text, " \t\r\n", &save); tok;
	     tok = strtok_r(NULL, " \t\r\n", &save)) {
		eq = strchr(tok, '=');
		if (!eq)
			return -1;
		*eq = '\0';
		for (i = 0; i < FIELD_COUNT; i++)
			if (!strcmp(tok, body_fields[i].name))
				break;
		if (i == FIELD_COUNT)
			continue;
		if ((seen & (1U << i)) ||
		    parse_field_value(eq + 1, &body_fields[i], &values[i]))
			return -1;
		seen |= 1U << i;
	}
	if (seen != (1U << FIELD_COUNT) - 1)
		return -1;
	r->cpu = (int)values[FIELD_CPU];
	r->incoming_cpu = (int)values[FIELD_INCOMING_CPU];
	r->pid = (int)values[FIELD_PID];
	r->gen = (uint32_t)values[FIELD_GEN];
	return 0;
}

enum reply_result reply_parse_datagram(const char *buf, size_t len,
				       const char *sent, size_t sent_len,
				       struct reply *r)
{
	const char *nl = memchr(buf, '\n', len);
	size_t line;

	if (!nl)
		return REPLY_BAD;
	line = (size_t)(nl - buf) + 1;
	if (len - line != sent_len || memcmp(nl + 1, sent, sent_len) ||
	    parse_body(buf, line, r))
		return REPLY_BAD;
	r->close = true;
	return REPLY_DONE;
}

enum reply_result reply_parse(const char *buf, size_t len, struct reply *r)
{
	struct http_response resp;

	switch (http_response_parse(buf, len, RESPONSE_MAX, &resp)) {
	case HTTP_RESPONSE_MORE:
		return REPLY_MORE;
	case HTTP_RESPONSE_BAD:
		return REPLY_BAD;
	case HTTP_RESPONSE_DONE:
		break;
	}
	if (resp.status != HTTP_STATUS_OK ||
	    parse_body(buf + resp.head_len, resp.body_len, r))
		return REPLY_BAD;
	r->close = resp.close;
	return REPLY_DONE;
}
