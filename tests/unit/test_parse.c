// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of the command-line value parsers: what each accepts, what it
 * refuses, and that the refusal says what is wrong.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "lib/parse.h"
#include "steer_abi.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* A refused value: the phrase the message must contain. */
struct bad_case {
	const char *in;
	const char *phrase;
};

static void expect_msg(const char *in, const struct parse_err *err,
		       const char *phrase)
{
	if (!strstr(err->msg, phrase))
		fail_msg("'%s': message \"%s\" lacks \"%s\"", in, err->msg,
			 phrase);
}

static void test_addr(void **state)
{
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const struct bad_case bad[] = {
		{ "", "empty address" },
		{ "1.2.3.400", "'1.2.3.400' is not an IPv4 or IPv6 address" },
		{ "1.2.3", "not an IPv4 or IPv6" },
		{ " 1.2.3.4", "not an IPv4 or IPv6" },
		{ "1.2.3.4 ", "not an IPv4 or IPv6" },
		{ "[2001:db8::1]", "not an IPv4 or IPv6" },
		{ "fe80::1%eth0", "not an IPv4 or IPv6" },
		{ "example.com", "not an IPv4 or IPv6" },
	};
	struct steer_addr a;
	struct parse_err err;
	size_t i;

	assert_int_equal(parse_addr("198.18.0.1", &a, &err), 0);
	assert_int_equal(a.af, AF_INET);
	assert_int_equal(a.v4.s_addr, htonl(0xc6120001));

	assert_int_equal(parse_addr("2001:db8::1", &a, &err), 0);
	assert_int_equal(a.af, AF_INET6);
	assert_memory_equal(a.bytes, v6, sizeof(v6));

	/* A v4-mapped address is IPv6: the family decides the hash input. */
	assert_int_equal(parse_addr("::ffff:1.2.3.4", &a, &err), 0);
	assert_int_equal(a.af, AF_INET6);

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(parse_addr(bad[i].in, &a, &err), -EINVAL);
		expect_msg(bad[i].in, &err, bad[i].phrase);
	}
}

/* The one group-name rule, steerd's and steerctl's. */
static void test_group_name(void **state)
{
	static const struct bad_case bad[] = {
		{ "", "empty group name" },
		{ "w eb", "group name 'w eb': ' ' is not allowed" },
		{ "web/1", "'/' is not allowed (letters, digits" },
		{ "web!", "'!' is not allowed" },
		{ "abcdefghijabcdefghijabcdefghij12",
		  "is longer than 31 characters" },
	};
	struct parse_err err;
	size_t i;

	assert_int_equal(parse_group_name("web-1_a.b", &err), 0);
	assert_int_equal(
		parse_group_name("abcdefghijabcdefghijabcdefghij1", &err), 0);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(parse_group_name(bad[i].in, &err), -EINVAL);
		expect_msg(bad[i].in, &err, bad[i].phrase);
	}
}

static void test_port(void **state)
{
	static const struct {
		const char *in;
		uint16_t port;
	} good[] = {
		{ "0", 0 },
		{ "80", 80 },
		{ "65535", 65535 },
		{ "0443", 443 },
	};
	static const struct bad_case bad[] = {
		{ "", "empty port" },
		{ "65536", "'65536' is out of range: a port is 0-65535" },
		{ "99999999999999999999", "out of range" },
		{ "-1", "'-1' is not a port number" },
		{ "+1", "not a port number" },
		{ " 1", "not a port number" },
		{ "1 ", "not a port number" },
		{ "1x", "not a port number" },
		{ "0x50", "not a port number" },
		{ "http", "not a port number" },
	};
	struct parse_err err;
	uint16_t port;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		port = 1;
		assert_int_equal(parse_port(good[i].in, &port, &err), 0);
		assert_int_equal(port, good[i].port);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		port = 7;
		assert_int_equal(parse_port(bad[i].in, &port, &err), -EINVAL);
		expect_msg(bad[i].in, &err, bad[i].phrase);
		assert_int_equal(port, 7); /* untouched on failure */
	}
}

static void test_u32(void **state)
{
	struct parse_err err;
	uint32_t v;

	assert_int_equal(parse_u32("4294967295", UINT32_MAX, &v, &err), 0);
	assert_int_equal(v, UINT32_MAX);
	assert_int_equal(parse_u32("10", 10, &v, &err), 0);
	assert_int_equal(v, 10);

	assert_int_equal(parse_u32("4294967296", UINT32_MAX, &v, &err),
			 -EINVAL);
	expect_msg("4294967296", &err, "out of range 0-4294967295");
	assert_int_equal(parse_u32("11", 10, &v, &err), -EINVAL);
	expect_msg("11", &err, "'11' is out of range 0-10");
	assert_int_equal(parse_u32("", 10, &v, &err), -EINVAL);
	expect_msg("", &err, "empty value");
	assert_int_equal(parse_u32("1e3", 10000, &v, &err), -EINVAL);
	expect_msg("1e3", &err, "not a decimal number");
}

static void test_hex(void **state)
{
	static const uint8_t want[] = { 0x6d, 0x5a, 0x56, 0xda };
	static const char *const good[] = {
		"6d5a56da",    "0x6d5a56da",	"0X6D5A56DA",
		"6d:5a:56:da", "0x6d:5a:56:da",
	};
	static const struct bad_case bad[] = {
		{ "", "empty hex string" },
		{ "0x", "empty hex string" },
		{ "6d5a5", "odd number of hex digits" },
		{ "6g", "'g' at offset 1 is not a hex digit" },
		{ "0xzz", "'z' at offset 2 is not a hex digit" },
		{ "6d 5a", "' ' at offset 2 is not a hex digit" },
		{ "6d:5a:", "':' must separate every byte" },
		{ ":6d:5a", "':' must separate every byte" },
		{ "6d::5a", "':' must separate every byte" },
		{ "6d5a:56", "':' must separate every byte" },
		{ "6d:5:a5", "':' must separate every byte" },
		{ "6d:5a5", "':' must separate every byte" },
		{ "6d5a56da00", "5 bytes, longer than 4" },
	};
	uint8_t buf[sizeof(want)];
	struct parse_err err;
	size_t i, len;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		memset(buf, 0, sizeof(buf));
		len = 0;
		if (parse_hex(good[i], buf, sizeof(buf), &len, &err))
			fail_msg("'%s' refused: %s", good[i], err.msg);
		assert_int_equal(len, sizeof(want));
		assert_memory_equal(buf, want, sizeof(want));
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(parse_hex(bad[i].in, buf, sizeof(buf), &len,
					   &err),
				 -EINVAL);
		expect_msg(bad[i].in, &err, bad[i].phrase);
	}

	/* Too long: len still says how long, for the caller's message. */
	assert_int_equal(parse_hex("00:11:22:33:44:55", buf, sizeof(buf), &len,
				   &err),
			 -EINVAL);
	assert_int_equal(len, 6);
}

static void test_cpu_list(void **state)
{
	static const uint32_t want[] = { 0, 1, 2, 3, 6, 9, 8 };
	static const struct bad_case bad[] = {
		{ "", "empty CPU list" },
		{ "1,", "not a CPU list" },
		{ ",1", "not a CPU list" },
		{ "1-", "not a CPU list" },
		{ "-1", "not a CPU list" },
		{ "1 ,2", "not a CPU list" },
		{ "a", "not a CPU list" },
		{ "3-1", "range 3-1 is descending" },
		{ "1,2,1", "CPU 1 is listed twice" },
		{ "0-3,2", "CPU 2 is listed twice" },
		{ "0-8", "lists more than 8 CPUs" },
	};
	char too_big[32];
	uint32_t cpus[8];
	struct parse_err err;
	size_t i, nr;

	assert_int_equal(parse_cpu_list("0-3,6,9,8", cpus, 8, &nr, &err), 0);
	assert_int_equal(nr, ARRAY_SIZE(want));
	assert_memory_equal(cpus, want, sizeof(want));

	assert_int_equal(parse_cpu_list("5", cpus, 8, &nr, &err), 0);
	assert_int_equal(nr, 1);
	assert_int_equal(cpus[0], 5);

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(parse_cpu_list(bad[i].in, cpus, 8, &nr, &err),
				 -EINVAL);
		expect_msg(bad[i].in, &err, bad[i].phrase);
	}

	/* CPUs index the CPUMAP: STEER_MAX_CPUS and above are refused. */
	snprintf(too_big, sizeof(too_big), "%d", STEER_MAX_CPUS);
	assert_int_equal(parse_cpu_list(too_big, cpus, 8, &nr, &err), -EINVAL);
	expect_msg(too_big, &err, "a CPU is 0-");
	snprintf(too_big, sizeof(too_big), "%d", STEER_MAX_CPUS - 1);
	assert_int_equal(parse_cpu_list(too_big, cpus, 8, &nr, &err), 0);
}

static void test_u64(void **state)
{
	static const struct bad_case bad[] = {
		{ "", "empty value" },
		{ "-1", "not a decimal number" },
		{ "+1", "not a decimal number" },
		{ " 1", "not a decimal number" },
		{ "1 ", "not a decimal number" },
		{ "0x10", "not a decimal number" },
		{ "1000000000001", "out of range 0-1000000000000" },
		{ "99999999999999999999999", "out of range" },
	};
	struct parse_err err;
	uint64_t v;
	size_t i;

	assert_int_equal(parse_u64("1000000000000", 1000000000000ULL, &v, &err),
			 0);
	assert_true(v == 1000000000000ULL);
	assert_int_equal(parse_u64("0", 5, &v, &err), 0);
	assert_true(v == 0);
	/* The whole 64-bit range, and not one more. */
	assert_int_equal(
		parse_u64("18446744073709551615", UINT64_MAX, &v, &err), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(parse_u64("18446744073709551616", UINT64_MAX, &v,
				   &err),
			 -EINVAL);
	expect_msg("18446744073709551616", &err, "out of range");
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(parse_u64(bad[i].in, 1000000000000ULL, &v,
					   &err),
				 -EINVAL);
		expect_msg(bad[i].in, &err, bad[i].phrase);
	}
}

static void test_cpu_set(void **state)
{
	struct parse_err err;
	cpu_set_t set;

	CPU_SET(7, &set);
	assert_int_equal(parse_cpu_set("0-2,5", &set, &err), 0);
	assert_int_equal(CPU_COUNT(&set), 4);
	assert_true(CPU_ISSET(0, &set) && CPU_ISSET(1, &set) &&
		    CPU_ISSET(2, &set) && CPU_ISSET(5, &set));
	assert_false(CPU_ISSET(7, &set)); /* emptied first */
	/* The grammar of parse_cpu_list, with its refusals. */
	assert_int_equal(parse_cpu_set("0-3,2", &set, &err), -EINVAL);
	expect_msg("0-3,2", &err, "CPU 2 is listed twice");
	assert_int_equal(parse_cpu_set("1,,2", &set, &err), -EINVAL);
	expect_msg("1,,2", &err, "not a CPU list");
}

static void test_rss_key(void **state)
{
	char key40[3 * 40], key52[2 * 52 + 1], key41[2 * 41 + 1],
		key53[2 * 53 + 1];
	uint8_t key[STEER_RSS_KEY_MAX];
	struct parse_err err;
	size_t i, len;

	for (i = 0; i < 40; i++)
		snprintf(key40 + 3 * i, 4, "%02x%s", (unsigned int)i,
			 i < 39 ? ":" : "");
	assert_int_equal(parse_rss_key(key40, key, &len, &err), 0);
	assert_int_equal(len, 40);
	assert_int_equal(key[0], 0);
	assert_int_equal(key[39], 39);

	memset(key52, 'a', 2 * 52);
	key52[2 * 52] = '\0';
	assert_int_equal(parse_rss_key(key52, key, &len, &err), 0);
	assert_int_equal(len, 52);
	assert_int_equal(key[51], 0xaa);

	/* 41 bytes: hex, but no NIC's key length. */
	memset(key41, 'a', 2 * 41);
	key41[2 * 41] = '\0';
	assert_int_equal(parse_rss_key(key41, key, &len, &err), -EINVAL);
	expect_msg(key41, &err, "an RSS key is 40 or 52 bytes, not 41");
	/* Longer than any key: still said with its length. */
	memset(key53, 'a', 2 * 53);
	key53[2 * 53] = '\0';
	assert_int_equal(parse_rss_key(key53, key, &len, &err), -EINVAL);
	expect_msg(key53, &err, "an RSS key is 40 or 52 bytes, not 53");
	assert_int_equal(parse_rss_key("6d:5a:zz", key, &len, &err), -EINVAL);
	expect_msg("6d:5a:zz", &err, "is not a hex digit");
}

static void test_indir_table(void **state)
{
	static const uint32_t listed[] = { 0, 1, 0, 3 };
	static const struct bad_case bad[] = {
		{ "", "empty indirection table" },
		{ "0", "N queues is 1-128" },
		{ "129", "N queues is 1-128" },
		{ "0,1,", "not an indirection table" },
		{ ",0,1", "not an indirection table" },
		{ "0;1", "not an indirection table" },
		{ "0,-1", "not an indirection table" },
		{ "0,1,2,3,4,5,6,7,8", "more than 8 entries" },
	};
	uint32_t indir[STEER_INDIR_MAX];
	char too_big[32];
	struct parse_err err;
	size_t i, size;

	/* N: ethtool -X equal N, over the usual 128 entries. */
	assert_int_equal(
		parse_indir_table("3", indir, STEER_INDIR_MAX, &size, &err), 0);
	assert_int_equal(size, STEER_INDIR_EQUAL_SIZE);
	for (i = 0; i < size; i++)
		assert_int_equal(indir[i], i % 3);

	assert_int_equal(parse_indir_table("0,1,0,3", indir, STEER_INDIR_MAX,
					   &size, &err),
			 0);
	assert_int_equal(size, ARRAY_SIZE(listed));
	assert_memory_equal(indir, listed, sizeof(listed));

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(parse_indir_table(bad[i].in, indir, 8, &size,
						   &err),
				 -EINVAL);
		expect_msg(bad[i].in, &err, bad[i].phrase);
	}
	snprintf(too_big, sizeof(too_big), "0,%d", STEER_MAX_QUEUES);
	assert_int_equal(parse_indir_table(too_big, indir, 8, &size, &err),
			 -EINVAL);
	expect_msg(too_big, &err, "a queue is 0-");
}

static void test_queue_cpus(void **state)
{
	static const struct bad_case bad[] = {
		{ "", "empty queue CPU list" },
		{ "0", "not a list of QUEUE:CPU" },
		{ "0:", "not a list of QUEUE:CPU" },
		{ ":0", "not a list of QUEUE:CPU" },
		{ "0:0,", "not a list of QUEUE:CPU" },
		{ "0:0;1:1", "not a list of QUEUE:CPU" },
		{ "0-1:0", "not a list of QUEUE:CPU" },
		{ "0:0,0:1", "queue 0 is listed twice" },
	};
	uint32_t cpu_of_queue[STEER_MAX_QUEUES];
	char too_big[32];
	struct parse_err err;
	size_t i;

	assert_int_equal(parse_queue_cpus("0:2,3:2,1:0", cpu_of_queue, &err),
			 0);
	assert_int_equal(cpu_of_queue[0], 2);
	assert_int_equal(cpu_of_queue[1], 0);
	assert_int_equal(cpu_of_queue[2], STEER_INDIR_NONE);
	assert_int_equal(cpu_of_queue[3], 2);
	assert_int_equal(cpu_of_queue[STEER_MAX_QUEUES - 1], STEER_INDIR_NONE);

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(parse_queue_cpus(bad[i].in, cpu_of_queue,
						  &err),
				 -EINVAL);
		expect_msg(bad[i].in, &err, bad[i].phrase);
	}
	snprintf(too_big, sizeof(too_big), "%d:0", STEER_MAX_QUEUES);
	assert_int_equal(parse_queue_cpus(too_big, cpu_of_queue, &err),
			 -EINVAL);
	expect_msg(too_big, &err, "a queue is 0-");
	snprintf(too_big, sizeof(too_big), "0:%d", STEER_MAX_CPUS);
	assert_int_equal(parse_queue_cpus(too_big, cpu_of_queue, &err),
			 -EINVAL);
	expect_msg(too_big, &err, "a CPU is 0-");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr),
		cmocka_unit_test(test_group_name),
		cmocka_unit_test(test_port),
		cmocka_unit_test(test_u32),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_cpu_list),
		cmocka_unit_test(test_u64),
		cmocka_unit_test(test_cpu_set),
		cmocka_unit_test(test_rss_key),
		cmocka_unit_test(test_indir_table),
		cmocka_unit_test(test_queue_cpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
