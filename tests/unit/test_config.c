// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of steer.conf's reader: a full file's values, defaults, and that
 * every kind of error is found with its line, all of them in one pass.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/config.h"
#include "lib/config_plan.h"
#include "steer_abi.h"

/* Fails unless cfg has an error of line whose message contains phrase. */
static void expect_error(const struct steer_config *cfg, unsigned int line,
			 const char *phrase)
{
	for (size_t i = 0; i < cfg->nerrors; i++)
		if (cfg->errors[i].line == line &&
		    strstr(cfg->errors[i].msg, phrase))
			return;
	for (size_t i = 0; i < cfg->nerrors; i++)
		print_message("# line %u: %s\n", cfg->errors[i].line,
			      cfg->errors[i].msg);
	fail_msg("no error of line %u with \"%s\"", line, phrase);
}

static void test_full(void **state)
{
	static const char text[] =
		"# steer.conf\n" /* 1 */
		"[iface veth0]\n" /* 2 */
		"steer = rss\n" /* 3 */
		"xdp-mode = skb ; generic XDP on veth\n" /* 4 */
		"cpus = 0-1,3\n" /* 5 */
		"queue-cpus = 0:0,1:1\n" /* 6 */
		"rss-key = 6d:5a:56:da:25:5b:0e:c2:41:67:25:3d:43:a3:8f:b0:"
		"d0:ca:2b:cb:ae:7b:30:b4:77:cb:2d:a3:80:30:f2:0c:6a:42:b7:3b:"
		"be:ac:01:fa\n" /* 7 */
		"indir = 2\n" /* 8 */
		"\n"
		"[group web]\n" /* 10 */
		"listen = 198.18.0.1:80\n"
		"kind = reuseport\n"
		"proto = tcp\n"
		"adopt = yes\n"
		"[iface lo2]\n" /* 15: all defaults */
		"[ group v6 ]\n"
		"listen = [2001:db8::1]:443\n";
	struct steer_config cfg;
	const struct config_iface *ifc;
	const struct config_group *g;

	assert_int_equal(config_load_string(text, &cfg), 0);
	assert_int_equal(cfg.nerrors, 0);
	assert_int_equal(cfg.nifaces, 2);
	assert_int_equal(cfg.ngroups, 2);

	ifc = &cfg.ifaces[0];
	assert_string_equal(ifc->name, "veth0");
	assert_int_equal(ifc->line, 2);
	assert_string_equal(ifc->steer, "rss");
	assert_string_equal(ifc->xdp_mode, "skb");
	assert_int_equal(ifc->cpus_line, 5);
	assert_int_equal(ifc->ncpus, 3);
	assert_int_equal(ifc->cpus[2], 3);
	assert_int_equal(ifc->queue_cpus_line, 6);
	assert_int_equal(ifc->cpu_of_queue[1], 1);
	assert_int_equal(ifc->cpu_of_queue[2], STEER_INDIR_NONE);
	assert_int_equal(ifc->rss_key_line, 7);
	assert_int_equal(ifc->rss_key_len, 40);
	assert_int_equal(ifc->rss_key[0], 0x6d);
	assert_int_equal(ifc->indir_line, 8);
	assert_int_equal(ifc->indir_size, STEER_INDIR_EQUAL_SIZE);
	assert_int_equal(ifc->indir[3], 1);

	ifc = &cfg.ifaces[1];
	assert_string_equal(ifc->name, "lo2");
	assert_int_equal(ifc->line, 15);
	assert_null(ifc->steer);
	assert_null(ifc->xdp_mode);
	assert_int_equal(ifc->cpus_line, 0);

	g = &cfg.groups[0];
	assert_string_equal(g->name, "web");
	assert_int_equal(g->line, 10);
	assert_int_equal(g->addr.af, AF_INET);
	assert_int_equal(g->port, 80);
	assert_string_equal(g->kind, "reuseport");
	assert_string_equal(g->proto, "tcp");
	assert_true(g->adopt);

	g = &cfg.groups[1];
	assert_string_equal(g->name, "v6");
	assert_int_equal(g->addr.af, AF_INET6);
	assert_int_equal(g->port, 443);
	assert_null(g->kind);
	assert_false(g->adopt);
	config_free(&cfg);
}

/* One file, many mistakes: each is reported with its line, in order. */
static void test_errors(void **state)
{
	static const char text[] =
		"cpus = 0\n" /* 1: outside a section */
		"[iface eth0]\n" /* 2 */
		"steer = fast\n" /* 3 */
		"cpus = 0-3\n" /* 4 */
		"cpus = 1\n" /* 5: twice */
		"color = blue\n" /* 6 */
		"rss-key = 0102\n" /* 7: too short */
		"[iface eth0]\n" /* 8: again */
		"[group web]\n" /* 9 */
		"listen = 198.18.0.1:0\n" /* 10 */
		"kind = tcp\n" /* 11 */
		"adopt = maybe\n" /* 12 */
		"[group nolisten]\n" /* 13 */
		"[widget w]\n" /* 14 */
		"this line has no equals sign\n" /* 15 */
		"[group a]\n" /* 16 */
		"listen = 198.18.0.2:80\n" /* 17 */
		"[group b]\n" /* 18 */
		"listen = 198.18.0.2:80\n" /* 19 */
		"[iface eth1]\n" /* 20 */
		"queue-cpus = 0:0,0:1\n" /* 21 */
		"indir = 0,9999\n" /* 22 */
		"[group this-name-is-much-too-long-for-a-group]\n" /* 23 */
		"[group two words]\n" /* 24 */
		"[group x] trailing\n"; /* 25 */
	struct steer_config cfg;

	assert_int_equal(config_load_string(text, &cfg), -EINVAL);
	expect_error(&cfg, 1, "outside a section");
	expect_error(&cfg, 3, "steer: 'fast' is not one of rss, cpu");
	expect_error(&cfg, 5, "cpus given twice (first on line 4)");
	expect_error(&cfg, 6, "unknown key 'color'");
	expect_error(&cfg, 7, "rss-key:");
	expect_error(&cfg, 8, "[iface eth0] again (first on line 2)");
	expect_error(&cfg, 10, "listen:");
	expect_error(&cfg, 11, "kind: 'tcp' is not one of reuseport, xsk");
	expect_error(&cfg, 12, "adopt: 'maybe' is not yes or no");
	expect_error(&cfg, 13, "[group nolisten] needs listen");
	expect_error(&cfg, 14, "unknown section [widget w]");
	expect_error(&cfg, 15, "syntax error");
	expect_error(&cfg, 19, "group b listens where group a does (line 17)");
	expect_error(&cfg, 21, "queue-cpus:");
	expect_error(&cfg, 22, "indir:");
	expect_error(&cfg, 23, "longer than 31 characters");
	expect_error(&cfg, 24, "expected [iface NAME] or [group NAME]");
	expect_error(&cfg, 25, "text after the section header");
	for (size_t i = 1; i < cfg.nerrors; i++)
		assert_true(cfg.errors[i - 1].line <= cfg.errors[i].line);
	config_free(&cfg);
}

/* A long line (a full indirection table) is read; a longer one refused. */
static void test_long_lines(void **state)
{
	size_t size = CONFIG_LINE_MAX + 64;
	char *text = malloc(size);
	struct steer_config cfg;
	size_t n;

	assert_non_null(text);
	n = snprintf(text, size, "[iface eth0]\nindir = 0");
	for (int i = 1; i < 512; i++)
		n += snprintf(text + n, size - n, ",%d", i % 4);
	snprintf(text + n, size - n, "\n");
	assert_int_equal(config_load_string(text, &cfg), 0);
	assert_int_equal(cfg.ifaces[0].indir_size, 512);
	config_free(&cfg);

	n = snprintf(text, size, "[iface eth0]\nindir = 0");
	while (n < CONFIG_LINE_MAX + 32)
		n += snprintf(text + n, size - n, ",1");
	assert_int_equal(config_load_string(text, &cfg), -EINVAL);
	expect_error(&cfg, 2, "line longer than");
	config_free(&cfg);
	free(text);
}

static void test_file(void **state)
{
	char path[] = "/tmp/steer-test-config-XXXXXX";
	static const char text[] = "[group web]\nlisten = 198.18.0.1:80\n";
	struct steer_config cfg;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof(text) - 1), sizeof(text) - 1);
	close(fd);
	assert_int_equal(config_load(path, &cfg), 0);
	assert_int_equal(cfg.ngroups, 1);
	config_free(&cfg);
	unlink(path);

	assert_int_equal(config_load(path, &cfg), -ENOENT);
	expect_error(&cfg, 0, "cannot read it");
	config_free(&cfg);
	assert_int_equal(config_load("/tmp", &cfg), -EISDIR);
	config_free(&cfg);
}

/* The plan against a running state: order, replacements, notes, no-op. */
static void test_plan(void **state)
{
	static const char text[] = "[iface eth0]\n" /* 1 */
				   "steer = rss\n"
				   "indir = 4\n" /* 3 */
				   "[iface eth1]\n"
				   "[group web]\n" /* 5 */
				   "listen = 198.18.0.1:80\n"
				   "[group dns]\n"
				   "listen = 198.18.0.1:53\n"
				   "proto = udp\n"; /* 9 */
	const struct proto_group groups[] = {
		{ .name = "web",
		  .addr = "198.18.0.1",
		  .port = 81,
		  .kind = "reuseport" },
		{ .name = "old",
		  .addr = "198.18.0.1",
		  .port = 82,
		  .kind = "reuseport" },
	};
	const struct proto_iface ifaces[] = {
		{ .name = "eth0",
		  .xdp_mode = "native",
		  .steer = "cpu",
		  .key = "" },
		{ .name = "eth1",
		  .xdp_mode = "native",
		  .steer = "cpu",
		  .key = "" },
	};
	static const struct {
		enum config_change_op op;
		const char *name;
		const char *cmd;
	} want[] = {
		{ CONFIG_GROUP_DEL, "old", "group_del" },
		{ CONFIG_GROUP_DEL, "web", "group_del" },
		{ CONFIG_IFACE_DETACH, "eth0", "iface_detach" },
		{ CONFIG_IFACE_ATTACH, "eth0", "iface_attach" },
		{ CONFIG_GROUP_ADD, "web", "group_add" },
		{ CONFIG_GROUP_ADD, "dns", "group_add" },
	};
	struct proto_group same[2] = {
		groups[0],
		{ .name = "dns",
		  .addr = "198.18.0.1",
		  .port = 53,
		  .kind = "reuseport",
		  .proto = "udp" },
	};
	struct proto_iface now[2] = { ifaces[0], ifaces[1] };
	struct steer_config cfg;
	struct config_plan plan;

	assert_int_equal(config_load_string(text, &cfg), 0);
	assert_int_equal(config_plan_make(&cfg, groups, 2, ifaces, 2, &plan),
			 0);
	assert_int_equal(plan.nchanges, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < plan.nchanges; i++) {
		assert_int_equal(plan.changes[i].op, want[i].op);
		assert_string_equal(plan.changes[i].name, want[i].name);
		assert_string_equal(json_string_value(json_object_get(
					    plan.changes[i].req, "cmd")),
				    want[i].cmd);
	}
	assert_string_equal(plan.changes[1].why,
			    "listens on 198.18.0.1 port 81, not the file's");
	assert_string_equal(plan.changes[2].why,
			    "steer cpu running, rss in the file");
	/* indir goes with eth0's attach, proto udp with dns's add. */
	assert_string_equal(json_string_value(json_object_get(
				    plan.changes[3].req, "indir")),
			    "4");
	assert_string_equal(json_string_value(json_object_get(
				    plan.changes[5].req, "proto")),
			    "udp");
	assert_int_equal(plan.nnotes, 0);
	config_plan_free(&plan);

	/* What the file says, running: nothing to do. */
	same[0].port = 80;
	now[0].steer = "rss";
	now[0].indir = json_array();
	for (int e = 0; e < 128; e++)
		json_array_append_new(now[0].indir, json_integer(e % 4));
	assert_int_equal(config_plan_make(&cfg, same, 2, now, 2, &plan), 0);
	assert_int_equal(plan.nchanges, 0);
	config_plan_free(&plan);

	/* Another table running: eth0 is made again, saying why. */
	json_array_set_new(now[0].indir, 5, json_integer(0));
	assert_int_equal(config_plan_make(&cfg, same, 2, now, 2, &plan), 0);
	assert_int_equal(plan.nchanges, 2);
	assert_string_equal(plan.changes[0].why,
			    "another indirection table running than line 3's");
	config_plan_free(&plan);
	json_decref(now[0].indir);
	config_free(&cfg);
}

/* An xsk group of UDP is added with its protocol, then left alone. */
static void test_plan_xsk_udp(void **state)
{
	static const char text[] = "[group dns]\n"
				   "kind = xsk\n"
				   "listen = 198.18.0.1:53\n"
				   "proto = udp\n";
	struct proto_group running = { .name = "dns",
				       .addr = "198.18.0.1",
				       .port = 53,
				       .kind = "xsk",
				       .proto = "tcp" };
	struct steer_config cfg;
	struct config_plan plan;

	assert_int_equal(config_load_string(text, &cfg), 0);
	assert_int_equal(config_plan_make(&cfg, NULL, 0, NULL, 0, &plan), 0);
	assert_int_equal(plan.nnotes, 0);
	assert_int_equal(plan.nchanges, 1);
	assert_int_equal(plan.changes[0].op, CONFIG_GROUP_ADD);
	assert_string_equal(json_string_value(json_object_get(
				    plan.changes[0].req, "proto")),
			    "udp");
	config_plan_free(&plan);

	/* Running as TCP: replaced; running as UDP: nothing to do. */
	assert_int_equal(config_plan_make(&cfg, &running, 1, NULL, 0, &plan),
			 0);
	assert_int_equal(plan.nchanges, 2);
	assert_string_equal(plan.changes[0].why,
			    "proto tcp running, udp in the file");
	config_plan_free(&plan);
	running.proto = "udp";
	assert_int_equal(config_plan_make(&cfg, &running, 1, NULL, 0, &plan),
			 0);
	assert_int_equal(plan.nchanges, 0);
	config_plan_free(&plan);
	config_free(&cfg);
}

/* From steerd's replies as packed on the wire, and a malformed one. */
static void test_plan_replies(void **state)
{
	const struct proto_group web = { .name = "web",
					 .addr = "198.18.0.1",
					 .port = 80,
					 .kind = "reuseport" };
	const struct proto_group old = { .name = "old",
					 .addr = "198.18.0.1",
					 .port = 81,
					 .kind = "reuseport" };
	json_t *groups = json_array(), *ifaces = json_array();
	json_t *groups_reply, *ifaces_reply, *bad;
	struct steer_config cfg;
	struct config_plan plan;
	struct proto_read rd;

	assert_int_equal(config_load_string("[group web]\n"
					    "listen = 198.18.0.1:80\n",
					    &cfg),
			 0);
	json_array_append_new(groups, proto_pack_group(&web));
	json_array_append_new(groups, proto_pack_group(&old));
	groups_reply = proto_pack_group_list_reply(groups);
	ifaces_reply = proto_pack_iface_show_reply(ifaces);
	proto_read_init(&rd);
	assert_int_equal(config_plan_replies(&cfg, groups_reply, ifaces_reply,
					     &rd, &plan),
			 0);
	/* The replies may go: the plan holds what its names point into. */
	json_decref(groups_reply);
	assert_int_equal(plan.nchanges, 1);
	assert_int_equal(plan.changes[0].op, CONFIG_GROUP_DEL);
	assert_string_equal(plan.changes[0].name, "old");
	config_plan_free(&plan);

	bad = json_pack("{s:i, s:b}", "v", 1, "ok", 1);
	proto_read_init(&rd);
	assert_true(config_plan_replies(&cfg, bad, ifaces_reply, &rd, &plan) <
		    0);
	assert_non_null(strstr(rd.msg, "groups"));
	config_plan_free(&plan);
	json_decref(bad);
	json_decref(ifaces_reply);
	config_free(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_plan_xsk_udp),
		cmocka_unit_test(test_plan_replies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
