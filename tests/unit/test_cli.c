// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of steerctl's command machinery: prefix matching, dispatch, the
 * argument-walking helpers and the error to exit status mapping.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "capture.h"
#include "steerctl/cli.h"
#include "lib/log.h"
#include "steerctl/output.h"

static int called_argc;
static char **called_argv;
static const char *called;

static int record(const char *name, int argc, char **argv)
{
	called = name;
	called_argc = argc;
	called_argv = argv;
	return 0;
}

static int do_stat(int argc, char **argv)
{
	return record("stat", argc, argv);
}

static int do_stats(int argc, char **argv)
{
	return record("stats", argc, argv);
}

static int do_status(int argc, char **argv)
{
	return record("status", argc, argv);
}

static int do_show(int argc, char **argv)
{
	record("show", argc, argv);
	return -ENOENT; /* a command's own error passes through */
}

static int do_hash(int argc, char **argv)
{
	return record("hash", argc, argv);
}

static const struct cli_cmd cmds[] = {
	{ "stat", do_stat, "" },     { "stats", do_stats, "" },
	{ "status", do_status, "" }, { "show", do_show, "" },
	{ "hash", do_hash, "" },     { NULL },
};

static void expect_find(const char *word, const char *name, int matches)
{
	const struct cli_cmd *cmd;
	int n = -1;

	cmd = cli_cmd_find(cmds, word, &n);
	if (name) {
		assert_non_null(cmd);
		assert_string_equal(cmd->name, name);
	} else {
		assert_null(cmd);
	}
	assert_int_equal(n, matches);
}

static void test_find(void **state)
{
	expect_find("hash", "hash", 1);
	expect_find("h", "hash", 1);
	expect_find("sh", "show", 1);
	expect_find("statu", "status", 1);
	/* An exact name wins although it prefixes two others. */
	expect_find("stat", "stat", 1);
	expect_find("stats", "stats", 1);
	expect_find("st", NULL, 3);
	expect_find("s", NULL, 4);
	expect_find("x", NULL, 0);
	expect_find("hashes", NULL, 0);
	expect_find("", NULL, 0);
	expect_find("HASH", NULL, 0);
	assert_non_null(cli_cmd_find(cmds, "ha", NULL));
}

/* Runs cli_cmd_run with stderr captured; returns its result. */
static int run(int argc, char **argv, const char *family, char **err)
{
	struct capture c;
	int ret;

	called = NULL;
	assert_int_equal(capture_start(&c, stderr), 0);
	ret = cli_cmd_run(cmds, argc, argv, family);
	*err = capture_end(&c);
	assert_non_null(*err);
	return ret;
}

static void test_run(void **state)
{
	char *argv[] = { "stat", "eth0", "extra", NULL };
	char *ambiguous[] = { "st", NULL }, *unknown[] = { "frob", NULL };
	char *show[] = { "sh", NULL };
	char *err;

	assert_int_equal(run(3, argv, NULL, &err), 0);
	assert_string_equal(called, "stat");
	assert_int_equal(called_argc, 2);
	assert_ptr_equal(called_argv, argv + 1);
	assert_string_equal(err, "");
	free(err);

	assert_int_equal(run(1, show, NULL, &err), -ENOENT);
	assert_string_equal(called, "show");
	assert_int_equal(called_argc, 0);
	free(err);

	assert_int_equal(run(1, ambiguous, NULL, &err), -EINVAL);
	assert_null(called);
	assert_string_equal(err, "test: ambiguous command 'st': matches stat, "
				 "stats, status\n");
	free(err);

	assert_int_equal(run(1, unknown, "group", &err), -EINVAL);
	assert_null(called);
	assert_string_equal(err, "test: unknown group command 'frob'; "
				 "commands: stat, stats, status, show, hash\n");
	free(err);

	assert_int_equal(run(0, unknown + 1, "group", &err), -EINVAL);
	assert_null(called);
	assert_string_equal(err, "test: missing group command; one of: stat, "
				 "stats, status, show, hash\n");
	free(err);
}

static void test_exit_codes(void **state)
{
	assert_int_equal(cli_exit_code(0), CLI_EXIT_OK);
	assert_int_equal(cli_exit_code(-EINVAL), CLI_EXIT_USAGE);
	assert_int_equal(cli_exit_code(-ENOTCONN), CLI_EXIT_NO_DAEMON);
	assert_int_equal(cli_exit_code(-ECONNREFUSED), CLI_EXIT_NO_DAEMON);
	assert_int_equal(cli_exit_code(-ENOENT), CLI_EXIT_FAIL);
	assert_int_equal(cli_exit_code(-EPERM), CLI_EXIT_FAIL);
	assert_int_equal(cli_exit_code(-EIO), CLI_EXIT_FAIL);
	/* The documented numbers are the contract with scripts. */
	assert_int_equal(CLI_EXIT_OK, 0);
	assert_int_equal(CLI_EXIT_FAIL, 1);
	assert_int_equal(CLI_EXIT_USAGE, 2);
	assert_int_equal(CLI_EXIT_NO_DAEMON, 3);
}

static void test_words(void **state)
{
	assert_true(cli_is_option("--key"));
	assert_true(cli_is_option("-j"));
	assert_true(cli_is_option("--"));
	assert_false(cli_is_option("-"));
	assert_false(cli_is_option("-1"));
	assert_false(cli_is_option("1"));
	assert_false(cli_is_option(""));

	assert_true(cli_is_help("help"));
	assert_true(cli_is_help("--help"));
	assert_true(cli_is_help("-h"));
	assert_false(cli_is_help("hel"));
	assert_false(cli_is_help("--h"));
}

/* The macros work on a command's own argc and argv. */
static const char *walk_key(int argc, char **argv)
{
	return NEXT_ARG_VALUE();
}

static bool walk_req(int argc, char **argv, int n)
{
	NEXT_ARG(); /* past the verb, as a command does */
	return REQ_ARGS(n);
}

static void test_arg_walking(void **state)
{
	char *with_value[] = { "--key", "6d5a", NULL };
	char *without[] = { "--key", NULL };
	char *add[] = { "add", "web", NULL };
	struct capture c;
	char *err;

	assert_string_equal(walk_key(2, with_value), "6d5a");
	assert_null(walk_key(1, without));

	assert_int_equal(capture_start(&c, stderr), 0);
	assert_true(walk_req(2, add, 1));
	assert_false(walk_req(2, add, 3));
	err = capture_end(&c);
	assert_string_equal(err, "test: 'add' needs 3 more arguments, 1 "
				 "given\n");
	free(err);
}

static void test_usage_error(void **state)
{
	struct capture c;
	char *err;

	assert_int_equal(capture_start(&c, stderr), 0);
	assert_int_equal(cli_usage_error("bad %s", "thing"), -EINVAL);
	assert_int_equal(cli_unknown_option("hash", "--l4"), -EINVAL);
	assert_int_equal(cli_unknown_option("hash", "-j"), -EINVAL);
	assert_int_equal(cli_unknown_option("hash", "--socket=/x"), -EINVAL);
	assert_int_equal(cli_unknown_option("hash", "--jsonx"), -EINVAL);
	err = capture_end(&c);
	assert_string_equal(
		err,
		"test: bad thing\n"
		"test: unknown option '--l4' for hash; see 'steerctl hash "
		"help'\n"
		"test: '-j' is a global option: put it before the command, as "
		"in 'steerctl -j hash ...'\n"
		"test: '--socket=/x' is a global option: put it before the "
		"command, as in 'steerctl --socket=/x hash ...'\n"
		"test: unknown option '--jsonx' for hash; see 'steerctl hash "
		"help'\n");
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_run),
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_arg_walking),
		cmocka_unit_test(test_usage_error),
	};

	steer_log_set_name("test");
	output_init(false, false);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
