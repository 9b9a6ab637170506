// SPDX-License-Identifier: GPL-2.0-only
/*
 * Runs the built steerctl ($STEERCTL) against a fake steerd served from this
 * process (steerctl_fake.c): for each command line of the case tables
 * (steerctl_cases_*.c), the exact requests it sends, how it shows canned
 * replies in text and JSON, its usage errors (exit 2, nothing sent), an
 * absent daemon (exit 3) and the daemon's errors (exit 1).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/defaults.h"
#include "steerctl_cases.h"
#include "steerctl_fake.h"

#define CASE_NAME_MAX 256

static const struct cli_case_table *const tables[] = {
	&steerctl_status_cases, &steerctl_iface_cases, &steerctl_group_cases,
	&steerctl_drain_cases,	&steerctl_stats_cases, &steerctl_daemon_cases,
};

static const char *check_output(const struct cli_case *c,
				const struct steerctl_run *r, const char *out,
				const char *sock)
{
	const char *o = r->out_text, *e = r->err_text;

	if (r->status != c->status)
		return "exit status";
	if (out && strcmp(o, out))
		return "stdout";
	if (c->out_has && !strstr(o, c->out_has))
		return "stdout";
	if (!out && !c->out_has && !c->json_err && !c->check_out && *o)
		return "stdout (must be empty)";
	if (c->err && !c->json_err &&
	    (strncmp(e, "steerctl: ", strlen("steerctl: ")) ||
	     steerctl_count_lines(e) != 1 || e[strlen(e) - 1] != '\n' ||
	     !strstr(e, c->err) || (c->err_has_socket && !strstr(e, sock))))
		return "stderr (one line \"steerctl: ...\" with the phrase)";
	if (c->json_err &&
	    (strncmp(o, "{\"error\":\"", strlen("{\"error\":\"")) ||
	     steerctl_count_lines(o) != 1 || !strstr(o, c->err) ||
	     (c->err_has_socket && !strstr(o, sock)) ||
	     strcmp(o + strlen(o) - 3, "\"}\n")))
		return "stdout (one {\"error\":\"...\"} line with the phrase)";
	if ((!c->err || c->json_err) && *e)
		return "stderr (must be empty)";
	return NULL;
}

/* The command line for this case, with --socket as the case wants it. */
static void build_argv(const struct cli_case *c, char **argv, char *long_path,
		       size_t long_size, const char **sock)
{
	int n = 0, i;

	argv[n++] = "steerctl";
	switch (c->sock) {
	case SOCK_FAKE:
	case SOCK_ABSENT:
	case SOCK_REFUSED:
		*sock = steerctl_fake_path(c->sock);
		break;
	case SOCK_TOO_LONG:
		memset(long_path, 'x', long_size - 1);
		long_path[0] = '/';
		long_path[long_size - 1] = '\0';
		*sock = long_path;
		break;
	case SOCK_DEFAULT:
		*sock = steer_default_socket();
		break;
	}
	if (c->sock != SOCK_DEFAULT) {
		argv[n++] = "--socket";
		argv[n++] = (char *)*sock;
	}
	for (i = 0; i < CASE_ARGS_MAX && c->args[i]; i++)
		argv[n++] = (char *)c->args[i];
	argv[n] = NULL;
}

static void check_case(void **state)
{
	const struct cli_case *c = *state;
	char long_path[sizeof(((struct sockaddr_un *)0)->sun_path) + 1];
	char *argv[CASE_ARGS_MAX + 4], *out = NULL;
	const char *what, *sock = steerctl_fake_path(SOCK_FAKE);
	struct steerctl_run r;

	if (c->sock == SOCK_DEFAULT && !access(steer_default_socket(), F_OK))
		skip(); /* a steerd may be running there */

	steerctl_fake_reset();
	build_argv(c, argv, long_path, sizeof(long_path), &sock);
	steerctl_spawn(&r, argv, -1);
	steerctl_fake_serve(c, &r);

	if (c->out)
		out = c->out_quoted ? steerctl_unquote(c->out) : strdup(c->out);
	what = check_output(c, &r, out, sock);
	if (!what)
		what = steerctl_fake_check_requests(c);
	if (what) {
		print_error("%s wrong.\nexpected status %d, stdout \"%s\", "
			    "error phrase \"%s\"\ngot status %d\nstdout:\n%s\n"
			    "stderr:\n%s\n",
			    what, c->status, out ? out : "(see the case)",
			    c->err ? c->err : "", r.status, r.out_text,
			    r.err_text);
		steerctl_fake_print_requests(c);
		fail();
	}
	if (c->check_out)
		c->check_out(r.out_text);
	free(out);
	steerctl_run_free(&r);
}

/* The test's name is the command line, so a failure names itself. */
static char *case_name(const struct cli_case *c)
{
	static const char *const socks[] = {
		[SOCK_FAKE] = "",
		[SOCK_ABSENT] = " (steerd absent)",
		[SOCK_REFUSED] = " (steerd dead)",
		[SOCK_DEFAULT] = " (default socket)",
		[SOCK_TOO_LONG] = " (socket path too long)",
	};
	char *name = malloc(CASE_NAME_MAX);
	size_t len, i;

	assert_non_null(name);
	len = snprintf(name, CASE_NAME_MAX, "steerctl");
	for (i = 0; i < CASE_ARGS_MAX && c->args[i] && len < CASE_NAME_MAX; i++)
		len += snprintf(name + len, CASE_NAME_MAX - len, " %s",
				*c->args[i] ? c->args[i] : "''");
	if (len < CASE_NAME_MAX)
		len += snprintf(name + len, CASE_NAME_MAX - len, "%s",
				socks[c->sock]);
	if (c->replies[0] && len < CASE_NAME_MAX)
		snprintf(name + len, CASE_NAME_MAX - len, " <- %.60s",
			 c->replies[0]);
	else if (c->packed && len < CASE_NAME_MAX)
		snprintf(name + len, CASE_NAME_MAX - len, " <- packed %.60s",
			 c->packed_name);
	return name;
}

int main(void)
{
	struct CMUnitTest *tests;
	size_t n = 0, t, i, k;
	int ret;

	for (t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		n += tables[t]->n;
	tests = calloc(n + 1, sizeof(*tests));
	if (!tests)
		return 1;
	tests[0] = (struct CMUnitTest){ .name = "steerctl is built",
					.test_func = steerctl_check_binary };
	k = 1;
	for (t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (i = 0; i < tables[t]->n; i++, k++)
			tests[k] = (struct CMUnitTest){
				.name = case_name(&tables[t]->cases[i]),
				.test_func = check_case,
				.initial_state = (void *)&tables[t]->cases[i],
			};

	ret = _cmocka_run_group_tests("steerctl_cli", tests, n + 1,
				      steerctl_fake_setup,
				      steerctl_fake_teardown);
	for (i = 1; i <= n; i++)
		free((char *)tests[i].name);
	free(tests);
	steerctl_fake_reset();
	return ret;
}
