// SPDX-License-Identifier: GPL-2.0-only
/*
 * steerctl apply -f FILE against the test's own steerd: the difference is
 * shown, applied, and a second apply changes nothing; a file with errors is
 * refused whole with line numbers; unsupported keys are named; a change
 * steerd refuses midway stops apply, which says what was applied.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>

#include "steerd_env.h"

#define OUT_MAX 16384

static char out[OUT_MAX];
static char conf[] = "/tmp/steer-test-conf-XXXXXX";

static void write_conf(const char *text)
{
	FILE *f = fopen(conf, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static int apply(const char *opts)
{
	char args[256];

	snprintf(args, sizeof(args), "apply -f %s %s", conf, opts);
	return env_steerctl(args, out, sizeof(out));
}

static void expect(const char *phrase)
{
	if (!strstr(out, phrase))
		fail_msg("no \"%s\" in:\n%s", phrase, out);
}

static void expect_not(const char *phrase)
{
	if (strstr(out, phrase))
		fail_msg("\"%s\" in:\n%s", phrase, out);
}

/* steerd's groups as "name addr:port kind;" in its order. */
static void running(char *buf, size_t size)
{
	char list[OUT_MAX];
	json_t *doc, *g;
	size_t i, n = 0;

	assert_int_equal(env_steerctl("-j group list", list, sizeof(list)), 0);
	doc = json_loads(list, 0, NULL);
	assert_non_null(doc);
	buf[0] = '\0';
	json_array_foreach(json_object_get(doc, "groups"), i, g)
		n += snprintf(buf + n, size - n, "%s %s:%lld %s;",
			      json_string_value(json_object_get(g, "name")),
			      json_string_value(json_object_get(g, "addr")),
			      json_integer_value(json_object_get(g, "port")),
			      json_string_value(json_object_get(g, "kind")));
	json_decref(doc);
}

static const char base[] = "# test\n"
			   "[iface st0]\n" /* 2 */
			   "xdp-mode = skb\n"
			   "steer = cpu\n"
			   "rss-key = 6d5a56da255b0ec24167253d43a38fb0d0ca2bcb"
			   "ae7b30b477cb2da38030f20c6a42b73bbeac01fa\n" /* 5 */
			   "\n"
			   "[group web]\n" /* 7 */
			   "listen = 198.18.0.1:9700\n"
			   "adopt = yes\n" /* 9 */
			   "[group v6]\n"
			   "listen = [::]:9701\n"
			   "kind = reuseport\n";

static void test_apply_idempotent(void **state)
{
	char groups[512];

	env_check();
	write_conf(base);

	assert_int_equal(apply("--dry-run"), 0);
	expect("attach iface st0: not attached (dry run)");
	expect("add group web: not running (dry run)");
	expect("add group v6: not running (dry run)");
	expect("3 changes to apply (dry run: none applied)");
	running(groups, sizeof(groups));
	assert_string_equal(groups, "");

	assert_int_equal(apply(""), 0);
	expect("applied 3 changes");
	expect_not("not applied: iface st0 rss-key");
	expect("not applied: group web adopt (line 9)");
	running(groups, sizeof(groups));
	assert_string_equal(groups, "web 198.18.0.1:9700 reuseport;"
				    "v6 :::9701 reuseport;");
	assert_int_equal(env_steerctl("-j iface show st0", out, sizeof(out)),
			 0);
	expect("\"xdp_mode\":\"skb\"");
	/* The file's key is the one steer hashes with. */
	expect("\"key\":\"6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb"
	       "2da38030f20c6a42b73bbeac01fa\"");

	assert_int_equal(apply(""), 0);
	expect("nothing to change: steerd already runs this configuration");
	expect_not("applied 0");
}

/* A changed group is replaced, a missing one deleted, an iface re-made. */
static void test_apply_changes(void **state)
{
	char groups[512];

	env_check();
	write_conf(base);
	assert_int_equal(apply(""), 0);
	/* rss mode is refused on veth (no RSS): the XDP mode changes. */
	write_conf("[iface st0]\n"
		   "xdp-mode = native\n"
		   "steer = cpu\n"
		   "[group web]\n"
		   "listen = 198.18.0.1:9702\n");
	assert_int_equal(apply("--dry-run"), 0);
	expect("delete group v6: not in the file");
	expect("delete group web: listens on 198.18.0.1 port 9700, not the "
	       "file's");
	expect("detach iface st0: xdp-mode skb running, native in the file");
	assert_int_equal(apply(""), 0);
	expect("applied 5 changes");
	running(groups, sizeof(groups));
	assert_string_equal(groups, "web 198.18.0.1:9702 reuseport;");
	assert_int_equal(env_steerctl("-j iface show st0", out, sizeof(out)),
			 0);
	expect("\"xdp_mode\":\"native\"");

	/* JSON: the changes, each with whether it was applied. */
	write_conf("");
	assert_int_equal(apply(""), 0);
	assert_int_equal(env_steerctl("-j apply --dry-run -f /dev/null", out,
				      sizeof(out)),
			 0);
	expect("\"changes\":[]");
	expect("\"applied\":0");
}

/* Every error, each with its line; nothing applied; exit status 2. */
static void test_apply_refuses_file(void **state)
{
	char before[512], after[512];

	env_check();
	write_conf("[group keep]\nlisten = 198.18.0.1:9710\n");
	assert_int_equal(apply(""), 0);
	running(before, sizeof(before));
	write_conf("[group keep]\n"
		   "listen = 198.18.0.1:9711\n"
		   "[group bad name]\n" /* 3 */
		   "listen = 198.18.0.1:9712\n"
		   "[iface st0]\n"
		   "steer = fast\n" /* 6 */
		   "cpus = 9999\n"); /* 7 */
	assert_int_equal(apply(""), 2);
	expect("errors, nothing applied");
	expect(":3: ");
	expect(":6: steer: 'fast' is not one of rss, cpu");
	expect(":7: cpus:");
	running(after, sizeof(after));
	assert_string_equal(before, after);

	assert_int_equal(env_steerctl("apply -f /tmp/steer-no-such.conf", out,
				      sizeof(out)),
			 1);
	expect("cannot read it");
}

/* steerd refuses a change: apply stops there and names what it applied. */
static void test_apply_stops(void **state)
{
	char groups[512];

	env_check();
	write_conf("[group old]\nlisten = 198.18.0.1:9720\n");
	assert_int_equal(apply(""), 0);
	write_conf("[iface nosuch0]\n"
		   "[group new]\n"
		   "listen = 198.18.0.1:9721\n");
	assert_int_equal(apply(""), 1);
	expect("apply stopped at 'attach iface nosuch0'; applied before it: "
	       "delete group old; not applied: the 2 changes from there");
	running(groups, sizeof(groups));
	assert_string_equal(groups, "");
}

static int setup(void **state)
{
	int fd;

	if (env_setup())
		return 0;
	fd = mkstemp(conf);
	if (fd >= 0)
		close(fd);
	if (system("ip link add st0 type veth peer name st1 && "
		   "ip link set st0 up && ip link set st1 up"))
		print_message("# cannot make veth st0\n");
	return 0;
}

static int teardown(void **state)
{
	unlink(conf);
	env_teardown();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apply_idempotent),
		cmocka_unit_test(test_apply_changes),
		cmocka_unit_test(test_apply_refuses_file),
		cmocka_unit_test(test_apply_stops),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests_name("apply", tests, setup, teardown);
}
