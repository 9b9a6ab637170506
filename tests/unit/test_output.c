// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of steerctl's output layer: the same print calls give the expected
 * text and the expected JSON, errors take the right channel in each mode.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "capture.h"
#include "lib/log.h"
#include "steerctl/output.h"

struct captured {
	char *out;
	char *err;
	int flush_ret;
};

/* Runs print, then output_flush(), with stdout and stderr captured. */
static void capture_run(bool json, bool pretty, void (*print)(void),
			struct captured *c)
{
	struct capture out, err;

	assert_int_equal(capture_start(&out, stdout), 0);
	assert_int_equal(capture_start(&err, stderr), 0);
	output_init(json, pretty);
	print();
	c->flush_ret = output_flush();
	c->err = capture_end(&err);
	c->out = capture_end(&out);
	assert_non_null(c->out);
	assert_non_null(c->err);
}

static void captured_free(struct captured *c)
{
	free(c->out);
	free(c->err);
}

static void expect(bool json, bool pretty, void (*print)(void), const char *out,
		   const char *err)
{
	struct captured c;

	capture_run(json, pretty, print, &c);
	assert_int_equal(c.flush_ret, 0);
	assert_string_equal(c.out, out);
	assert_string_equal(c.err, err);
	captured_free(&c);
}

static void print_flat(void)
{
	print_uint(PRINT_ANY, "queues", "queues %u", 4);
	print_string(PRINT_ANY, "mode", " mode %s", "cpu");
	print_int(PRINT_ANY, "delta", " delta %d", -3);
	print_u64(PRINT_ANY, "packets", " packets %" PRIu64, 1ULL << 40);
	print_bool(PRINT_ANY, "verify", " verify %s", true);
	print_hex_u32(PRINT_ANY, "hash", " hash %#x", 0xabcd);
	print_string(PRINT_FP, NULL, " (text only)", NULL);
	print_string(PRINT_JSON, "json_only", NULL, "yes");
	print_string(PRINT_ANY, "unset", NULL, NULL);
	print_nl();
}

static void test_flat_text(void **state)
{
	expect(false, false, print_flat,
	       "queues 4 mode cpu delta -3 packets 1099511627776 verify true "
	       "hash 0xabcd (text only)\n",
	       "");
}

static void test_flat_json(void **state)
{
	expect(true, false, print_flat,
	       "{\"queues\":4,\"mode\":\"cpu\",\"delta\":-3,"
	       "\"packets\":1099511627776,\"verify\":true,"
	       "\"hash\":\"0x0000abcd\",\"json_only\":\"yes\",\"unset\":null}\n",
	       "");
}

static void print_nested(void)
{
	print_string(PRINT_ANY, "name", "%s:", "web");
	open_json_array("slots");
	open_json_object(NULL);
	print_uint(PRINT_ANY, "cpu", " cpu %u", 0);
	open_json_array("ports");
	print_uint(PRINT_ANY, NULL, " port %u", 80);
	print_uint(PRINT_ANY, NULL, " port %u", 443);
	close_json_array();
	close_json_object();
	open_json_object(NULL);
	print_uint(PRINT_ANY, "cpu", " cpu %u", 1);
	close_json_object();
	close_json_array();
	print_nl();
}

static void test_nested(void **state)
{
	expect(false, false, print_nested,
	       "web: cpu 0 port 80 port 443 cpu 1\n", "");
	expect(true, false, print_nested,
	       "{\"name\":\"web\",\"slots\":[{\"cpu\":0,\"ports\":[80,443]},"
	       "{\"cpu\":1}]}\n",
	       "");
	expect(true, true, print_nested,
	       "{\n    \"name\": \"web\",\n    \"slots\": [\n        {\n"
	       "            \"cpu\": 0,\n            \"ports\": [\n"
	       "                80,\n                443\n            ]\n"
	       "        },\n        {\n            \"cpu\": 1\n        }\n"
	       "    ]\n}\n",
	       "");
}

/* A list command: the document is an array. */
static void print_top_array(void)
{
	open_json_array(NULL);
	print_uint(PRINT_ANY, NULL, "%u\n", 1);
	print_uint(PRINT_ANY, NULL, "%u\n", 2);
	close_json_array();
}

static void test_top_array(void **state)
{
	expect(false, false, print_top_array, "1\n2\n", "");
	expect(true, false, print_top_array, "[1,2]\n", "");
}

static void print_nothing(void)
{
}

static void test_nothing(void **state)
{
	expect(false, false, print_nothing, "", "");
	expect(true, false, print_nothing, "", "");
}

/* A command fails halfway: JSON gets the error alone, the first one. */
static void print_half_then_errors(void)
{
	open_json_object("iface");
	print_uint(PRINT_ANY, "ifindex", "ifindex %u\n", 2);
	print_err("cannot read %s: %s", "eth0", "No such device");
	print_err("second error");
}

static void test_error(void **state)
{
	expect(false, false, print_half_then_errors, "ifindex 2\n",
	       "steerctl: cannot read eth0: No such device\n"
	       "steerctl: second error\n");
	expect(true, false, print_half_then_errors,
	       "{\"error\":\"cannot read eth0: No such device\"}\n", "");
}

static void print_quote(void)
{
	print_err("bad \"name\"\\");
}

static void test_error_escaped(void **state)
{
	expect(true, false, print_quote,
	       "{\"error\":\"bad \\\"name\\\"\\\\\"}\n", "");
}

static void print_hash(void)
{
	print_hex_u32(PRINT_ANY, "hash", "0x%08x\n", 0x51ccc178);
}

/* Flushing resets: nothing of the last document leaks into the next. */
static void test_flush_resets(void **state)
{
	expect(true, false, print_half_then_errors,
	       "{\"error\":\"cannot read eth0: No such device\"}\n", "");
	expect(true, false, print_hash, "{\"hash\":\"0x51ccc178\"}\n", "");
	expect(false, false, print_hash, "0x51ccc178\n", "");
	/* -p alone means JSON. */
	assert_false(output_is_json());
	output_init(false, true);
	assert_true(output_is_json());
	output_flush();
}

static void test_flush_write_error(void **state)
{
	int json, full, saved, ret;

	for (json = 0; json <= 1; json++) {
		full = open("/dev/full", O_WRONLY);
		assert_true(full >= 0);
		fflush(stdout);
		saved = dup(STDOUT_FILENO);
		dup2(full, STDOUT_FILENO);
		output_init(json, false);
		print_hash();
		ret = output_flush();
		dup2(saved, STDOUT_FILENO);
		close(saved);
		close(full);
		clearerr(stdout);
		assert_int_equal(ret, -EIO);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flat_text),
		cmocka_unit_test(test_flat_json),
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_top_array),
		cmocka_unit_test(test_nothing),
		cmocka_unit_test(test_error),
		cmocka_unit_test(test_error_escaped),
		cmocka_unit_test(test_flush_resets),
		cmocka_unit_test(test_flush_write_error),
	};

	steer_log_set_name("steerctl");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
