// SPDX-License-Identifier: GPL-2.0-only
/*
 * Runs the built steerctl ($STEERCTL) over a table of command lines and
 * checks its stdout, stderr and exit status: hashes of Microsoft's vectors,
 * JSON, prefix matching, help, and every usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "rss_vectors.h"
#include "steer_abi.h"
#include "steerctl_run.h"
#include "lib/version.h"

#define CASE_ARGS_MAX 12
#define CASE_NAME_MAX 256
#define HASH_TEXT_MAX sizeof("{\"hash\":\"0x12345678\"}\n")

#define STR_(x) #x
#define STR(x) STR_(x)

/* Microsoft's default key, and keys one byte off the valid lengths. */
#define MS_KEY                                                                \
	"6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a4" \
	"2b73bbeac01fa"
#define MS_KEY_39                                                  \
	"6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da3" \
	"8030f20c6a42b73bbeac01"
#define ZEROS_12 "000000000000000000000000"
#define MS_KEY_COLONS                                                        \
	"6d:5a:56:da:25:5b:0e:c2:41:67:25:3d:43:a3:8f:b0:d0:ca:2b:cb:ae:7b:" \
	"30:b4:77:cb:2d:a3:80:30:f2:0c:6a:42:b7:3b:be:ac:01:fa"

/* Microsoft's first IPv4 vector. */
#define V4_SRC "66.9.149.187"
#define V4_DST "161.142.100.80"
#define V4_SPORT "2794"
#define V4_DPORT "1766"
#define V4_HASH "0x51ccc178\n"
#define V4_HASH_L3 "0x323e8fc2\n"
#define V4_FLOW V4_SRC, V4_DST, V4_SPORT, V4_DPORT

#define VERSION_TEXT \
	"steerctl " STEER_VERSION " (map ABI " STR(STEER_ABI_VERSION) ")\n"
#define VERSION_JSON                    \
	"{\"version\":\"" STEER_VERSION \
	"\",\"abi_version\":" STR(STEER_ABI_VERSION) "}\n"

enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
};

struct cli_case {
	const char *args[CASE_ARGS_MAX]; /* after "steerctl"; NULL ends */
	int status;
	const char *out; /* exact stdout; NULL: empty (unless out_has) */
	const char *out_has; /* stdout contains this instead */
	/*
	 * The phrase the error must contain: in the one line on stderr, or
	 * with json_err in {"error":"..."} on stdout. NULL: stderr empty.
	 */
	const char *err;
	bool json_err;
	bool stdout_full; /* stdout is /dev/full: writing fails */
	char buf[HASH_TEXT_MAX]; /* out, for cases built at run time */
};

/* Table shorthand: the command line, then what must come out. */
#define ARGS(...) .args = { __VA_ARGS__ }
#define OUT(text) .status = EXIT_OK, .out = (text)
#define HELP(phrase) .status = EXIT_OK, .out_has = (phrase)
#define USAGE(phrase) .status = EXIT_USAGE, .err = (phrase)
#define JSON_USAGE(phrase) USAGE(phrase), .json_err = true

static const struct cli_case cases[] = {
	/* Hashing. */
	{ ARGS("hash", V4_FLOW), OUT(V4_HASH) },
	{ ARGS("ha", V4_FLOW), OUT(V4_HASH) },
	{ ARGS("hash", "--l3", V4_SRC, V4_DST), OUT(V4_HASH_L3) },
	{ ARGS("hash", V4_SRC, V4_DST, "--l3"), OUT(V4_HASH_L3) },
	{ ARGS("hash", "--key", MS_KEY, V4_FLOW), OUT(V4_HASH) },
	{ ARGS("hash", "--key", "0x" MS_KEY, V4_FLOW), OUT(V4_HASH) },
	{ ARGS("hash", "--key", MS_KEY_COLONS, V4_FLOW), OUT(V4_HASH) },
	{ ARGS("hash", "--key=" MS_KEY_COLONS, V4_FLOW), OUT(V4_HASH) },
	/*
	 * A 52-byte key: bytes past 4 + 12 do not reach an IPv4 hash. The
	 * hashes not from Microsoft's list were computed by a separate,
	 * bit-serial Python implementation.
	 */
	{ ARGS("hash", "--key", MS_KEY ZEROS_12, V4_FLOW), OUT(V4_HASH) },
	{ ARGS("hash", "--key", ZEROS_12 MS_KEY, V4_FLOW),
	  OUT("0x17e9b98e\n") },
	{ ARGS("hash", "--", V4_FLOW), OUT(V4_HASH) },
	{ ARGS("hash", "198.18.0.1", "198.18.0.2", "0", "65535"),
	  OUT("0x2439c2cc\n") },

	/* JSON. */
	{ ARGS("-j", "hash", V4_FLOW), OUT("{\"hash\":\"0x51ccc178\"}\n") },
	{ ARGS("--json", "hash", V4_FLOW), OUT("{\"hash\":\"0x51ccc178\"}\n") },
	{ ARGS("-p", "hash", V4_FLOW),
	  OUT("{\n    \"hash\": \"0x51ccc178\"\n}\n") },
	{ ARGS("-j", "version"), OUT(VERSION_JSON) },

	/* Global options, version, prefix matching. */
	{ ARGS("version"), OUT(VERSION_TEXT) },
	{ ARGS("ver"), OUT(VERSION_TEXT) },
	{ ARGS("-V"), OUT(VERSION_TEXT) },
	{ ARGS("--version"), OUT(VERSION_TEXT) },
	{ ARGS("--socket", "/run/nonexistent.sock", "hash", V4_FLOW),
	  OUT(V4_HASH) },

	/* Help: on stdout, success. */
	{ ARGS("--help"), HELP("Usage: steerctl [OPTIONS] COMMAND") },
	{ ARGS("-h"), HELP("Usage: steerctl [OPTIONS] COMMAND") },
	{ ARGS("help"), HELP("Usage: steerctl [OPTIONS] COMMAND") },
	{ ARGS("hel"), HELP("Usage: steerctl [OPTIONS] COMMAND") },
	{ ARGS("--help"), HELP("Exit status: 0 success") },
	{ ARGS("help", "hash"), HELP("Usage: steerctl hash") },
	{ ARGS("help", "ha"), HELP("Usage: steerctl hash") },
	{ ARGS("hash", "--help"), HELP("Usage: steerctl hash") },
	{ ARGS("hash", "help"), HELP("Usage: steerctl hash") },
	{ ARGS("hash", "-h"), HELP("Usage: steerctl hash") },
	{ ARGS("hash", V4_SRC, "--help"), HELP("Usage: steerctl hash") },
	{ ARGS("version", "help"), HELP("Usage: steerctl version") },

	/* Command and global option errors. */
	{ ARGS(NULL), USAGE("no command given") },
	{ ARGS("frob"), USAGE("unknown command 'frob'") },
	{ ARGS("h"), USAGE("ambiguous command 'h': matches hash, help") },
	{ ARGS("--bogus", "hash"), USAGE("unknown option '--bogus'") },
	{ ARGS("-x", "hash"), USAGE("unknown option '-x'") },
	{ ARGS("--socket"), USAGE("'--socket' needs a value") },
	{ ARGS("--socket=", "version"), USAGE("'--socket' needs a value") },
	{ ARGS("-jx", "version"), JSON_USAGE("unknown option '-x'") },
	{ ARGS("help", "frob"), USAGE("unknown command 'frob'") },
	{ ARGS("help", "hash", "version"), USAGE("help takes one command") },
	{ ARGS("version", "now"), USAGE("version takes no arguments") },
	{ ARGS("-j", "frob"), JSON_USAGE("unknown command 'frob'") },
	{ ARGS("--bogus", "-j"), JSON_USAGE("unknown option '--bogus'") },

	/* hash: every usage error. */
	{ ARGS("hash"), USAGE("expected SRC DST SPORT DPORT (or --l3 SRC DST), "
			      "got 0 arguments") },
	{ ARGS("hash", V4_SRC), USAGE("got 1 argument;") },
	{ ARGS("hash", V4_SRC, V4_DST), USAGE("expected SRC DST SPORT DPORT") },
	{ ARGS("hash", V4_SRC, V4_DST, V4_SPORT),
	  USAGE("expected SRC DST SPORT DPORT") },
	{ ARGS("hash", V4_FLOW, "80"), USAGE("got 5 arguments") },
	{ ARGS("hash", "--l3", V4_FLOW), USAGE("--l3 hashes addresses only") },
	{ ARGS("hash", "--l3", V4_SRC),
	  USAGE("expected SRC DST, got 1 argument") },
	{ ARGS("hash", "--l3", V4_SRC, V4_DST, V4_SPORT),
	  USAGE("expected SRC DST, got 3 arguments") },
	{ ARGS("hash", "1.2.3.400", V4_DST, V4_SPORT, V4_DPORT),
	  USAGE("source address: '1.2.3.400' is not an IPv4 or IPv6 "
		"address") },
	{ ARGS("hash", V4_SRC, "2001:db8::zz", V4_SPORT, V4_DPORT),
	  USAGE("destination address: '2001:db8::zz' is not an IPv4 or "
		"IPv6") },
	{ ARGS("hash", "--l3", "", V4_DST),
	  USAGE("source address: empty address") },
	{ ARGS("hash", V4_SRC, "2001:db8::1", V4_SPORT, V4_DPORT),
	  USAGE("same family") },
	{ ARGS("hash", "--l3", "2001:db8::1", V4_DST),
	  USAGE("is IPv6 but destination " V4_DST " is IPv4") },
	{ ARGS("hash", V4_SRC, V4_DST, "65536", V4_DPORT),
	  USAGE("source port: '65536' is out of range") },
	{ ARGS("hash", V4_SRC, V4_DST, "-1", V4_DPORT),
	  USAGE("source port: '-1' is not a port number") },
	{ ARGS("hash", V4_SRC, V4_DST, V4_SPORT, "http"),
	  USAGE("destination port: 'http' is not a port number") },
	{ ARGS("hash", V4_SRC, V4_DST, V4_SPORT, "1766x"),
	  USAGE("destination port: '1766x' is not a port number") },
	{ ARGS("hash", V4_SRC, V4_DST, V4_SPORT, ""),
	  USAGE("destination port: empty port") },
	{ ARGS("hash", "--key", "zz", V4_FLOW),
	  USAGE("'z' at offset 0 is not a hex digit") },
	{ ARGS("hash", "--key", MS_KEY "0", V4_FLOW),
	  USAGE("odd number of hex digits") },
	{ ARGS("hash", "--key", "6d:5a56", V4_FLOW),
	  USAGE("':' must separate every byte") },
	{ ARGS("hash", "--key", MS_KEY_39, V4_FLOW),
	  USAGE("--key: an RSS key is 40 or 52 bytes, not 39") },
	{ ARGS("hash", "--key", MS_KEY "00", V4_FLOW),
	  USAGE("--key: an RSS key is 40 or 52 bytes, not 41") },
	{ ARGS("hash", "--key", MS_KEY ZEROS_12 "00", V4_FLOW),
	  USAGE("--key: an RSS key is 40 or 52 bytes, not 53") },
	{ ARGS("hash", "--key", "", V4_FLOW), USAGE("empty hex string") },
	{ ARGS("hash", "--key=", V4_FLOW), USAGE("empty hex string") },
	{ ARGS("hash", V4_FLOW, "--key"), USAGE("--key needs a value") },
	{ ARGS("hash", "--key", MS_KEY, "--key", MS_KEY, V4_FLOW),
	  USAGE("--key given twice") },
	{ ARGS("hash", "--l4", V4_FLOW),
	  USAGE("unknown option '--l4' for hash") },
	{ ARGS("hash", "-k", MS_KEY, V4_FLOW),
	  USAGE("unknown option '-k' for hash") },
	{ ARGS("hash", "-j", V4_FLOW),
	  USAGE("'-j' is a global option: put it before the command") },
	{ ARGS("-j", "hash", "1.2.3.400", V4_DST, V4_SPORT, V4_DPORT),
	  JSON_USAGE("source address: '1.2.3.400' is not") },
	{ ARGS("-j", "hash", V4_SRC), JSON_USAGE("got 1 argument") },

	/* The operation fails: stdout cannot be written. */
	{ ARGS("hash", V4_FLOW), .status = EXIT_FAIL,
	  .err = "cannot write the output", .stdout_full = true },
};

/* Cases from the vector file: each vector with ports, --l3, and -j. */
#define VECTOR_CASES 3
static struct cli_case vector_cases[RSS_VECTORS_MAX * VECTOR_CASES];
static struct rss_vectors vectors;

/* Runs steerctl with the case's command line and waits for it. */
static void run_steerctl(const struct cli_case *c, struct steerctl_run *r)
{
	char *argv[CASE_ARGS_MAX + 2] = { "steerctl" };
	int i, full = -1;

	for (i = 0; i < CASE_ARGS_MAX && c->args[i]; i++)
		argv[i + 1] = (char *)c->args[i];
	if (c->stdout_full) {
		full = open("/dev/full", O_WRONLY);
		assert_true(full >= 0);
	}
	steerctl_spawn(r, argv, full);
	steerctl_reap(r, true);
	if (full >= 0)
		close(full);
}

static void check_case(void **state)
{
	const struct cli_case *c = *state;
	struct steerctl_run r;
	const char *what = NULL;

	run_steerctl(c, &r);

	if (r.status != c->status)
		what = "exit status";
	else if (c->out && strcmp(r.out_text, c->out))
		what = "stdout";
	else if (c->out_has && !strstr(r.out_text, c->out_has))
		what = "stdout";
	else if (!c->out && !c->out_has && !c->json_err && *r.out_text)
		what = "stdout (must be empty)";
	else if (c->err && !c->json_err &&
		 (strncmp(r.err_text, "steerctl: ", strlen("steerctl: ")) ||
		  steerctl_count_lines(r.err_text) != 1 ||
		  r.err_text[strlen(r.err_text) - 1] != '\n' ||
		  !strstr(r.err_text, c->err)))
		what = "stderr (one line \"steerctl: ...\" with the phrase)";
	else if (c->json_err &&
		 (strncmp(r.out_text, "{\"error\":\"",
			  strlen("{\"error\":\"")) ||
		  steerctl_count_lines(r.out_text) != 1 ||
		  !strstr(r.out_text, c->err) ||
		  strcmp(r.out_text + strlen(r.out_text) - 3, "\"}\n")))
		what = "stdout (one {\"error\":\"...\"} line with the phrase)";
	else if ((!c->err || c->json_err) && *r.err_text)
		what = "stderr (must be empty)";

	if (what)
		fail_msg("%s wrong.\nexpected status %d, stdout \"%s\"%s%s, "
			 "error phrase \"%s\"\ngot status %d\nstdout:\n%s\n"
			 "stderr:\n%s",
			 what, c->status,
			 c->out	    ? c->out :
			 c->out_has ? "" :
				      "(empty)",
			 c->out_has ? " containing " : "",
			 c->out_has ? c->out_has : "", c->err ? c->err : "",
			 r.status, r.out_text, r.err_text);
	steerctl_run_free(&r);
}

static void check_vectors_loaded(void **state)
{
	if (*vectors.err)
		fail_msg("%s", vectors.err);
	if (vectors.n < RSS_VECTORS_EXPECTED)
		fail_msg("%s: %zu vectors, expected at least %d", vectors.path,
			 vectors.n, RSS_VECTORS_EXPECTED);
}

/* Builds the vector cases; returns how many. */
static size_t build_vector_cases(void)
{
	struct cli_case *c = vector_cases;
	size_t i;

	if (rss_vectors_load(&vectors))
		return 0;
	for (i = 0; i < vectors.n; i++) {
		const struct rss_vector *v = &vectors.v[i];

		*c = (struct cli_case){ ARGS("hash", v->src, v->dst,
					     v->sport_text, v->dport_text) };
		snprintf(c->buf, sizeof(c->buf), "0x%08x\n",
			 v->hash_with_ports);
		c->out = c->buf;
		c++;

		*c = (struct cli_case){ ARGS("hash", "--l3", v->src, v->dst) };
		snprintf(c->buf, sizeof(c->buf), "0x%08x\n", v->hash_ip_only);
		c->out = c->buf;
		c++;

		*c = (struct cli_case){ ARGS("-j", "hash", v->src, v->dst,
					     v->sport_text, v->dport_text) };
		snprintf(c->buf, sizeof(c->buf), "{\"hash\":\"0x%08x\"}\n",
			 v->hash_with_ports);
		c->out = c->buf;
		c++;
	}
	return c - vector_cases;
}

/* The test's name is the command line, so a failure names itself. */
static char *case_name(const struct cli_case *c)
{
	char *name = malloc(CASE_NAME_MAX);
	size_t len;
	int i;

	assert_non_null(name);
	len = snprintf(name, CASE_NAME_MAX, "steerctl");
	for (i = 0; i < CASE_ARGS_MAX && c->args[i] && len < CASE_NAME_MAX; i++)
		len += snprintf(name + len, CASE_NAME_MAX - len, " %s",
				*c->args[i] ? c->args[i] : "''");
	if (c->stdout_full && len < CASE_NAME_MAX)
		snprintf(name + len, CASE_NAME_MAX - len, " >/dev/full");
	return name;
}

int main(void)
{
	size_t nr_static = sizeof(cases) / sizeof(cases[0]);
	size_t nr_vector = build_vector_cases();
	size_t n = 0, i;
	struct CMUnitTest *tests;
	int ret;

	tests = calloc(2 + nr_static + nr_vector, sizeof(*tests));
	if (!tests)
		return 1;
	tests[n++] = (struct CMUnitTest){ .name = "steerctl is built",
					  .test_func = steerctl_check_binary };
	tests[n++] = (struct CMUnitTest){ .name = "vector file loaded",
					  .test_func = check_vectors_loaded };
	for (i = 0; i < nr_vector; i++)
		tests[n++] = (struct CMUnitTest){
			.name = case_name(&vector_cases[i]),
			.test_func = check_case,
			.initial_state = &vector_cases[i],
		};
	for (i = 0; i < nr_static; i++)
		tests[n++] = (struct CMUnitTest){
			.name = case_name(&cases[i]),
			.test_func = check_case,
			.initial_state = (void *)&cases[i],
		};

	ret = _cmocka_run_group_tests("steerctl", tests, n, NULL, NULL);
	for (i = 2; i < n; i++)
		free((char *)tests[i].name);
	free(tests);
	return ret;
}
