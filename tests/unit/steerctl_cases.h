/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The cases test_steerctl_cli runs: a steerctl command line, the replies
 * of the fake steerd (steerctl_fake.c), the requests steerctl must send
 * and what it must print; one table per command family
 * (steerctl_cases_*.c), and the shorthand they are written in.
 */
#ifndef STEER_TEST_STEERCTL_CASES_H
#define STEER_TEST_STEERCTL_CASES_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#define CASE_ARGS_MAX 16
#define CASE_REPLIES_MAX 4
#define CASE_REQUESTS_MAX 4

/* A canned "reply" that closes the connection instead. */
#define CLOSE "<close>"
/* Separates messages sent in a row as one canned reply (events first). */
#define THEN "<then>"

/* The protocol's envelopes, in the tables' single-quoted JSON. */
#define OK "{'v':1,'ok':true"
#define ERR(errnum, msg) \
	"{'v':1,'ok':false,'errno':" #errnum ",'error':'" msg "'}"
#define REQ(cmd) "{'v':1,'cmd':'" cmd "'"

enum exit_status {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
	EXIT_NO_DAEMON = 3,
};

/* Which socket steerctl is pointed at. */
enum socket_choice {
	SOCK_FAKE = 0, /* the fake steerd */
	SOCK_ABSENT, /* a path with nothing there */
	SOCK_REFUSED, /* a socket file nobody listens on */
	SOCK_DEFAULT, /* no --socket: steerd's default */
	SOCK_TOO_LONG, /* longer than a UNIX socket path can be */
};

struct cli_case {
	const char *args[CASE_ARGS_MAX]; /* after "steerctl --socket P" */
	enum socket_choice sock;
	/* Replies to the requests in order, the last one repeated. */
	const char *replies[CASE_REPLIES_MAX];
	/*
	 * Instead of replies: the reply to every request, built with
	 * ctrl/lib/proto_msg's pack functions as steerd builds it.
	 */
	json_t *(*packed)(void);
	const char *packed_name; /* the function's, for the test's name */
	/* The requests steerctl must send, exactly; none: no connection. */
	const char *requests[CASE_REQUESTS_MAX];
	int status;
	const char *out; /* exact stdout; NULL: empty (unless out_has) */
	bool out_quoted; /* out is single-quoted JSON */
	const char *out_has; /* stdout contains this instead */
	/*
	 * The phrase the error must contain: in the one line on stderr, or
	 * with json_err in {"error":"..."} on stdout. NULL: stderr empty.
	 */
	const char *err;
	bool json_err;
	bool err_has_socket; /* the error names the socket's path too */
	int signal; /* sent once every expected request is answered */
	void (*check_out)(const char *out); /* more checks of stdout */
};

/* Table shorthand: the command line, then what goes in and out. */
#define ARGS(...) .args = { __VA_ARGS__ }
#define REPLY(...) .replies = { __VA_ARGS__ }
#define PACKED(fn) .packed = (fn), .packed_name = #fn
#define SENDS(...) .requests = { __VA_ARGS__ }
#define OUT(text) .status = EXIT_OK, .out = (text)
#define OUT_JSON(text) OUT(text), .out_quoted = true
#define HELP(phrase) .status = EXIT_OK, .out_has = (phrase)
#define USAGE(phrase) .status = EXIT_USAGE, .err = (phrase)
#define JSON_USAGE(phrase) USAGE(phrase), .json_err = true
#define FAIL(phrase) .status = EXIT_FAIL, .err = (phrase)
#define JSON_FAIL(phrase) FAIL(phrase), .json_err = true

/* A family's cases. */
struct cli_case_table {
	const struct cli_case *cases;
	size_t n;
};

#define CASE_TABLE(name, table)                        \
	const struct cli_case_table name = {           \
		.cases = table,                        \
		.n = sizeof(table) / sizeof(table[0]), \
	}

extern const struct cli_case_table steerctl_status_cases;
extern const struct cli_case_table steerctl_iface_cases;
extern const struct cli_case_table steerctl_group_cases;
extern const struct cli_case_table steerctl_drain_cases;
extern const struct cli_case_table steerctl_stats_cases;
extern const struct cli_case_table steerctl_daemon_cases;

#endif /* STEER_TEST_STEERCTL_CASES_H */
