// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of the control messages' schema (ctrl/lib/proto_msg): every pack
 * gives the message of docs/protocol.md, written out here by hand; every
 * unpack reads it back, applies the protocol's defaults, and refuses a
 * missing or mistyped field by name; the counters keep their names and
 * order.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/proto_msg.h"

/* Single-quoted JSON, for readable expectations; caller decrefs. */
static json_t *sq(const char *text)
{
	char *t = strdup(text), *p;
	json_error_t jerr;
	json_t *v;

	assert_non_null(t);
	for (p = t; *p; p++)
		if (*p == '\'')
			*p = '"';
	v = json_loads(t, 0, &jerr);
	if (!v)
		fail_msg("bad test JSON '%s': %s", t, jerr.text);
	free(t);
	return v;
}

/* got (taken) is exactly want, key order included. */
static void expect_msg(json_t *got, const char *want_text)
{
	json_t *want = sq(want_text);
	char *g, *w;

	assert_non_null(got);
	g = json_dumps(got, JSON_COMPACT);
	w = json_dumps(want, JSON_COMPACT);
	if (strcmp(g, w))
		fail_msg("got %s, expected %s", g, w);
	free(g);
	free(w);
	json_decref(got);
	json_decref(want);
}

static void expect_error(struct proto_read *rd, const char *msg)
{
	assert_int_equal(rd->err, -EBADMSG);
	assert_string_equal(rd->msg, msg);
	proto_read_init(rd);
}

/* The wire names and order of the counters are the protocol's. */
static void test_counter_names(void **state)
{
	static const char *const frames[] = {
		"no_iface",	     "not_ip",	"not_tcp", "fragment",
		"no_group",	     "matched", "err_eth", "err_vlan",
		"err_vlan_depth",    "err_ip4", "err_ip6", "err_ip6_ext",
		"err_ip6_ext_depth", "err_tcp", "err_udp",
	};
	const uint64_t zero[STEER_CNT_MAX] = { 0 };
	const struct proto_group_stats web = {
		.name = "w",
		.stats = { .packets = 1,
			   .syns = 2,
			   .local = 3,
			   .redirected = 4,
			   .fallback = 5,
			   .xsk_redirected = 6,
			   .xsk_miss = 7,
			   .rss_mismatch = 8,
			   .select_local = 9,
			   .select_fallback = 10,
			   .select_none = 11,
			   .migrate_standby = 12,
			   .migrate_other = 13,
			   .migrate_none = 14 },
	};
	const struct proto_cpu_stats cpu = {
		.cpu = 1,
		.stats = { .cpumap_enqueued = 1,
			   .cpumap_enqueue_drops = 2,
			   .cpumap_kthread_drops = 3 },
	};
	size_t i;

	assert_int_equal(STEER_CNT_MAX, sizeof(frames) / sizeof(frames[0]));
	for (i = 0; i < STEER_CNT_MAX; i++)
		assert_string_equal(proto_frame_counter_names[i], frames[i]);
	assert_int_equal(STEER_CNT_MATCHED, 5);
	assert_int_equal(STEER_CNT_FIRST_ERR, 6);
	assert_int_equal(STEER_CNT_ERR_TCP, 13);
	/* The struct's fields in the ABI's order, each under its name. */
	assert_int_equal(offsetof(struct steer_group_stats, migrate_none), 112);
	assert_int_equal(offsetof(struct steer_slot_stats, redirected), 16);
	assert_int_equal(offsetof(struct steer_slot_stats, xsk_redirected), 32);
	assert_int_equal(offsetof(struct steer_slot_stats, xsk_miss), 40);
	assert_int_equal(offsetof(struct steer_slot_stats, migrate_none), 88);
	assert_int_equal(offsetof(struct steer_cpu_stats, cpumap_kthread_drops),
			 16);
	expect_msg(proto_pack_stats_reply(zero, &web, 1, &cpu, 1),
		   "{'v':1,'ok':true,'counters':{'no_iface':0,'not_ip':0,"
		   "'not_tcp':0,'fragment':0,'no_group':0,'matched':0,"
		   "'err_eth':0,'err_vlan':0,'err_vlan_depth':0,'err_ip4':0,"
		   "'err_ip6':0,'err_ip6_ext':0,'err_ip6_ext_depth':0,"
		   "'err_tcp':0,'err_udp':0},'groups':[{'name':'w','packets':1,"
		   "'syns':2,'local':3,'no_local_slot':0,'redirected':4,"
		   "'fallback':5,'xsk_redirected':6,"
		   "'xsk_miss':7,'rss_mismatch':8,'select_local':9,"
		   "'select_fallback':10,'select_none':11,'migrate_standby':12,"
		   "'migrate_other':13,'migrate_none':14}],'cpus':[{'cpu':1,"
		   "'cpumap_enqueued':1,'cpumap_enqueue_drops':2,"
		   "'cpumap_kthread_drops':3}]}");
}

static void test_pack_requests(void **state)
{
	const struct proto_group_add_req add = { .name = "web",
						 .addr = "198.18.0.1",
						 .port = 80 };
	struct proto_iface_attach_req attach = { .ifname = "veth0" };
	const struct proto_register_req reg = { .group = "web",
						.cpu = 3,
						.standby = true };
	const struct proto_register_req reg_anyway = { .group = "web",
						       .cpu = 3,
						       .allow_mismatch = true };
	struct proto_drain_req drain = { .group = "web",
					 .by = PROTO_DRAIN_PID,
					 .id = 1201 };
	const struct proto_group_add_req add_dns = { .name = "dns",
						     .addr = "::",
						     .port = 53,
						     .kind = "xsk",
						     .proto = "udp" };
	const struct proto_xsk_register_req xsk = { .group = "dns",
						    .ifname = "veth0",
						    .queue = 3 };

	expect_msg(proto_pack_status_req(), "{'v':1,'cmd':'status'}");
	expect_msg(proto_pack_stats_req(), "{'v':1,'cmd':'stats'}");
	expect_msg(proto_pack_group_list_req(), "{'v':1,'cmd':'group_list'}");
	expect_msg(proto_pack_group_add_req(&add),
		   "{'v':1,'cmd':'group_add','name':'web','addr':'198.18.0.1',"
		   "'port':80}");
	expect_msg(proto_pack_group_add_req(&add_dns),
		   "{'v':1,'cmd':'group_add','name':'dns','addr':'::',"
		   "'port':53,'kind':'xsk','proto':'udp'}");
	expect_msg(proto_pack_xsk_register_req(&xsk),
		   "{'v':1,'cmd':'xsk_register','group':'dns','ifname':"
		   "'veth0','queue':3}");
	expect_msg(proto_pack_group_del_req("web"),
		   "{'v':1,'cmd':'group_del','name':'web'}");
	expect_msg(proto_pack_group_show_req("web"),
		   "{'v':1,'cmd':'group_show','name':'web'}");
	expect_msg(proto_pack_iface_attach_req(&attach),
		   "{'v':1,'cmd':'iface_attach','ifname':'veth0',"
		   "'force':false}");
	attach.xdp_mode = "skb";
	attach.steer = "rss";
	attach.cpus_given = true;
	attach.ncpus = 2;
	attach.cpus[0] = 0;
	attach.cpus[1] = 5;
	attach.force = true;
	expect_msg(proto_pack_iface_attach_req(&attach),
		   "{'v':1,'cmd':'iface_attach','ifname':'veth0','xdp_mode':"
		   "'skb','steer':'rss','cpus':[0,5],'force':true}");
	expect_msg(proto_pack_iface_detach_req("veth0"),
		   "{'v':1,'cmd':'iface_detach','ifname':'veth0'}");
	expect_msg(proto_pack_iface_show_req(NULL),
		   "{'v':1,'cmd':'iface_show'}");
	expect_msg(proto_pack_iface_show_req("veth0"),
		   "{'v':1,'cmd':'iface_show','ifname':'veth0'}");
	expect_msg(proto_pack_register_req(&reg),
		   "{'v':1,'cmd':'register','group':'web','cpu':3,"
		   "'standby':true}");
	expect_msg(proto_pack_register_req(&reg_anyway),
		   "{'v':1,'cmd':'register','group':'web','cpu':3,"
		   "'standby':false,'allow_mismatch':true}");
	expect_msg(proto_pack_drain_req(&drain),
		   "{'v':1,'cmd':'drain','group':'web','pid':1201}");
	drain.by = PROTO_DRAIN_COOKIE;
	drain.id = 1ULL << 40;
	drain.timeout_given = drain.wait_given = drain.wait = true;
	drain.timeout_ms = 2500;
	expect_msg(proto_pack_drain_req(&drain),
		   "{'v':1,'cmd':'drain','group':'web','cookie':1099511627776,"
		   "'timeout_ms':2500,'wait':true}");
	expect_msg(proto_pack_shutdown_req(true),
		   "{'v':1,'cmd':'shutdown','detach':true}");
}

static const struct proto_group web = {
	.name = "web",
	.id = 2,
	.addr = "2001:db8::1",
	.port = 443,
	.kind = "xsk",
	.active = 4,
	.standby = 1,
};
#define WEB_FIELDS                                                    \
	"'name':'web','id':2,'addr':'2001:db8::1','port':443,'kind':" \
	"'xsk','active':4,'standby':1,'draining':0"

static const struct proto_iface veth0 = {
	.name = "veth0",
	.ifindex = 4,
	.slot = 1,
	.xdp_mode = "native",
	.attach = "single",
	.steer = "cpu",
	.rx_queues = 2,
	.ncpus = 2,
	.cpus = { 0, 3 },
	.indir_size = 128,
	.key = "6d5a",
};
#define VETH0_FIELDS                                                        \
	"'name':'veth0','ifindex':4,'slot':1,'xdp_mode':'native','attach':" \
	"'single','steer':'cpu','rx_queues':2,'cpus':[0,3],'indir_size':"   \
	"128,'key':'6d5a'"

static void test_pack_replies(void **state)
{
	struct proto_status st = {
		.version = "0.1.0",
		.abi = 1,
		.bpffs = "/sys/fs/bpf/steer",
		.pinned = true,
		.netns_cookie = 4096,
		.tcp_migrate_req = 1,
		.ifaces = 1,
		.groups = 2,
	};
	const struct proto_slot slot = { .slot = 3,
					 .cpu = 3,
					 .state = "draining",
					 .pid = 7,
					 .cookie = 8193,
					 .accept_queue = 2,
					 .stats = { 10, 9, 1 } };
	const struct proto_slot queue = { .slot = 1,
					  .cpu = 2,
					  .state = "active",
					  .pid = 9,
					  .cookie = 8200,
					  .stats = { .xsk_redirected = 500,
						     .xsk_miss = 3 } };
	struct proto_group dns = web;
	const struct proto_xsk_register_reply xsk = {
		.cookie = 8200, .queue = 1, .cpu = 2, .ifindex = 4
	};
	const struct proto_register_reply reg = { .cookie = 8193,
						  .slot = 3,
						  .state = "standby" };
	struct proto_drain_reply drain = { .slot = 3,
					   .state = "draining",
					   .drained_ms = 1234,
					   .drained = 12,
					   .listeners = 1 };
	const struct proto_event ev = {
		.event = "drained", .group = "web", .slot = 3, .cookie = 8193
	};

	expect_msg(proto_pack_status_reply(&st),
		   "{'v':1,'ok':true,'version':'0.1.0','abi':1,'bpffs':"
		   "'/sys/fs/bpf/steer','pinned':true,'netns_cookie':4096,"
		   "'tcp_migrate_req':1,'features':{},'ifaces':1,'groups':2}");
	/* Unknown to steerd: null, not a number that reads as a value. */
	st.tcp_migrate_req = PROTO_UNKNOWN;
	st.features = sq("{'reuseport_migrate':false}");
	expect_msg(proto_pack_status_reply(&st),
		   "{'v':1,'ok':true,'version':'0.1.0','abi':1,'bpffs':"
		   "'/sys/fs/bpf/steer','pinned':true,'netns_cookie':4096,"
		   "'tcp_migrate_req':null,'features':{'reuseport_migrate':"
		   "false},'ifaces':1,'groups':2}");
	json_decref(st.features);

	expect_msg(proto_pack_group_add_reply(&web),
		   "{'v':1,'ok':true," WEB_FIELDS "}");
	expect_msg(proto_pack_group_list_reply(
			   json_pack("[o]", proto_pack_group(&web))),
		   "{'v':1,'ok':true,'groups':[{" WEB_FIELDS "}]}");
	expect_msg(proto_pack_group_show_reply(
			   &web, json_pack("[o]", proto_pack_slot(&slot))),
		   "{'v':1,'ok':true," WEB_FIELDS ",'slots':[{'slot':3,'cpu':"
		   "3,'state':'draining','pid':7,'cookie':8193,"
		   "'accept_queue':2,'syns':10,'local':9,'redirected':1,"
		   "'no_local_slot':0,'xsk_redirected':0,'xsk_miss':0,"
		   "'select_local':0,'select_fallback':0,'select_none':0,"
		   "'migrate_standby':0,'migrate_other':0,'migrate_none':0}]}");
	/* An xsk group's protocol, and its queues' frames. */
	dns.name = "dns";
	dns.proto = "udp";
	expect_msg(proto_pack_group_show_reply(
			   &dns, json_pack("[o]", proto_pack_slot(&queue))),
		   "{'v':1,'ok':true,'name':'dns','id':2,'addr':'2001:db8::1',"
		   "'port':443,'kind':'xsk','proto':'udp','active':4,"
		   "'standby':1,'draining':0,'slots':[{'slot':1,'cpu':2,"
		   "'state':'active','pid':9,'cookie':8200,'accept_queue':0,"
		   "'syns':0,'local':0,'redirected':0,'no_local_slot':0,"
		   "'xsk_redirected':500,'xsk_miss':3,'select_local':0,"
		   "'select_fallback':0,'select_none':0,'migrate_standby':0,"
		   "'migrate_other':0,'migrate_none':0}]}");
	expect_msg(proto_pack_xsk_register_reply(&xsk),
		   "{'v':1,'ok':true,'cookie':8200,'queue':1,'cpu':2,"
		   "'ifindex':4}");
	expect_msg(proto_pack_iface_attach_reply(&veth0, NULL),
		   "{'v':1,'ok':true," VETH0_FIELDS "}");
	expect_msg(proto_pack_iface_attach_reply(&veth0, "careful"),
		   "{'v':1,'ok':true," VETH0_FIELDS ",'warning':'careful'}");
	expect_msg(proto_pack_iface_show_reply(
			   json_pack("[o]", proto_pack_iface(&veth0))),
		   "{'v':1,'ok':true,'ifaces':[{" VETH0_FIELDS "}]}");
	expect_msg(proto_pack_register_reply(&reg),
		   "{'v':1,'ok':true,'cookie':8193,'slot':3,"
		   "'state':'standby'}");
	expect_msg(proto_pack_drain_reply(&drain, false),
		   "{'v':1,'ok':true,'slot':3,'state':'draining'}");
	expect_msg(proto_pack_drain_reply(&drain, true),
		   "{'v':1,'ok':true,'slot':3,'drained_ms':1234,"
		   "'drained':12}");
	/* A drain by pid that took several says how many. */
	drain.listeners = 3;
	expect_msg(proto_pack_drain_reply(&drain, false),
		   "{'v':1,'ok':true,'slot':3,'state':'draining',"
		   "'listeners':3}");
	expect_msg(proto_pack_event(&ev),
		   "{'v':1,'event':'drained','group':'web','slot':3,"
		   "'cookie':8193}");
}

/* What a pack gives, the unpack reads back. */
static void test_round_trips(void **state)
{
	const struct proto_drain_req drain = { .group = "web",
					       .by = PROTO_DRAIN_SLOT,
					       .id = 4,
					       .timeout_given = true,
					       .timeout_ms = 10,
					       .wait_given = true,
					       .wait = true };
	struct proto_iface_attach_req attach = { .ifname = "eth0",
						 .cpus_given = true,
						 .ncpus = 1,
						 .cpus = { 7 },
						 .force = true };
	const struct proto_xsk_register_req xsk = { .group = "dns",
						    .ifname = "veth0",
						    .queue = 255 };
	const struct proto_xsk_register_reply xsk_reply = {
		.cookie = 1ULL << 40, .queue = 255, .cpu = 7, .ifindex = 4
	};
	struct proto_xsk_register_reply xsk_reply_got;
	struct proto_xsk_register_req xsk_got;
	const struct proto_register_req reg = { .group = "web",
						.allow_mismatch = true };
	struct proto_iface_attach_req attach_got;
	struct proto_register_req reg_got;
	struct proto_drain_req drain_got;
	struct proto_group *groups;
	struct proto_iface ifc;
	struct proto_read rd;
	const char *warning;
	json_t *msg;
	size_t n;

	proto_read_init(&rd);
	msg = proto_pack_drain_req(&drain);
	assert_int_equal(proto_unpack_drain_req(&rd, msg, &drain_got), 0);
	assert_string_equal(drain_got.group, "web");
	assert_int_equal(drain_got.by, PROTO_DRAIN_SLOT);
	assert_int_equal(drain_got.id, 4);
	assert_true(drain_got.timeout_given && drain_got.wait);
	assert_int_equal(drain_got.timeout_ms, 10);
	json_decref(msg);

	msg = proto_pack_register_req(&reg);
	assert_int_equal(proto_unpack_register_req(&rd, msg, &reg_got), 0);
	assert_true(reg_got.allow_mismatch && !reg_got.standby);
	json_decref(msg);

	msg = proto_pack_iface_attach_req(&attach);
	assert_int_equal(proto_unpack_iface_attach_req(&rd, msg, &attach_got),
			 0);
	assert_string_equal(attach_got.ifname, "eth0");
	assert_true(attach_got.cpus_given && attach_got.force);
	assert_int_equal(attach_got.ncpus, 1);
	assert_int_equal(attach_got.cpus[0], 7);
	json_decref(msg);

	msg = proto_pack_iface_attach_reply(&veth0, "w");
	assert_int_equal(
		proto_unpack_iface_attach_reply(&rd, msg, &ifc, &warning), 0);
	assert_string_equal(warning, "w");
	assert_string_equal(ifc.key, "6d5a");
	assert_int_equal(ifc.ncpus, 2);
	assert_int_equal(ifc.cpus[1], 3);
	assert_int_equal(ifc.slot, 1);
	json_decref(msg);

	msg = proto_pack_group_list_reply(json_pack(
		"[o, o]", proto_pack_group(&web), proto_pack_group(&web)));
	assert_int_equal(proto_unpack_list(&rd, msg, "groups", sizeof(*groups),
					   proto_unpack_group, (void **)&groups,
					   &n),
			 0);
	assert_int_equal(n, 2);
	assert_string_equal(groups[1].addr, "2001:db8::1");
	assert_int_equal(groups[1].port, 443);
	assert_int_equal(groups[1].standby, 1);
	/* A steerd that does not say the protocol: TCP. */
	assert_string_equal(groups[1].proto, "tcp");
	free(groups);
	json_decref(msg);

	msg = proto_pack_xsk_register_req(&xsk);
	assert_int_equal(proto_unpack_xsk_register_req(&rd, msg, &xsk_got), 0);
	assert_string_equal(xsk_got.group, "dns");
	assert_string_equal(xsk_got.ifname, "veth0");
	assert_int_equal(xsk_got.queue, 255);
	json_decref(msg);

	msg = proto_pack_xsk_register_reply(&xsk_reply);
	assert_int_equal(
		proto_unpack_xsk_register_reply(&rd, msg, &xsk_reply_got), 0);
	assert_true(xsk_reply_got.cookie == 1ULL << 40);
	assert_int_equal(xsk_reply_got.queue, 255);
	assert_int_equal(xsk_reply_got.cpu, 7);
	assert_int_equal(xsk_reply_got.ifindex, 4);
	json_decref(msg);
}

/* An optional field left out means the protocol's default. */
static void test_unpack_defaults(void **state)
{
	json_t *msg = sq("{'v':1,'cmd':'x','name':'a','addr':'::','port':1,"
			 "'ifname':'lo','group':'g','cpu':0,'pid':9}");
	struct proto_group_add_req add;
	struct proto_iface_attach_req attach;
	struct proto_register_req reg;
	struct proto_drain_reply drain_reply;
	struct proto_drain_req drain;
	struct proto_read rd;
	const char *ifname;
	bool detach = true;

	proto_read_init(&rd);
	proto_unpack_group_add_req(&rd, msg, &add);
	assert_string_equal(add.kind, "reuseport");
	assert_string_equal(add.proto, "tcp");
	proto_unpack_iface_attach_req(&rd, msg, &attach);
	assert_string_equal(attach.xdp_mode, "native");
	assert_string_equal(attach.steer, "cpu");
	assert_false(attach.cpus_given || attach.force);
	proto_unpack_register_req(&rd, msg, &reg);
	assert_false(reg.standby || reg.allow_mismatch);
	proto_unpack_drain_req(&rd, msg, &drain);
	assert_int_equal(drain.by, PROTO_DRAIN_PID);
	assert_int_equal(drain.id, 9);
	assert_int_equal(drain.timeout_ms, PROTO_DRAIN_TIMEOUT_MS);
	assert_false(drain.wait);
	proto_unpack_shutdown_req(&rd, msg, &detach);
	assert_false(detach);
	json_decref(msg);
	/* A drain reply without "listeners" is about one listener. */
	msg = sq("{'v':1,'ok':true,'slot':2,'state':'draining'}");
	proto_unpack_drain_reply(&rd, msg, false, &drain_reply);
	assert_int_equal(drain_reply.listeners, 1);
	json_decref(msg);
	msg = sq("{'v':1,'cmd':'iface_show'}");
	proto_unpack_iface_show_req(&rd, msg, &ifname);
	assert_null(ifname);
	assert_int_equal(rd.err, 0);
	json_decref(msg);
}

/* Strict: the first missing or mistyped field, named with its place. */
static void test_unpack_errors(void **state)
{
	struct proto_xsk_register_reply xsk_reply;
	struct proto_iface_attach_req attach;
	struct proto_xsk_register_req xsk;
	struct proto_drain_reply drain;
	struct proto_status st;
	struct proto_slot *slots;
	struct proto_group g;
	struct proto_read rd;
	json_t *msg;
	size_t n;

	proto_read_init(&rd);
	msg = sq("{'version':'0.1.0','abi':1,'bpffs':'/b','pinned':true,"
		 "'netns_cookie':1,'tcp_migrate_req':-1,'features':{},"
		 "'ifaces':0,'groups':0}");
	assert_int_equal(proto_unpack_status_reply(&rd, msg, &st), -EBADMSG);
	expect_error(&rd, "tcp_migrate_req: -1 is out of range 0-2147483647");
	json_object_set_new(msg, "tcp_migrate_req", json_null());
	json_object_set_new(msg, "features", sq("{'a':true,'b':0}"));
	proto_unpack_status_reply(&rd, msg, &st);
	expect_error(&rd, "features.b: expected a boolean, got an integer");
	json_decref(msg);

	msg = sq("{'name':'web','id':0,'addr':'a','port':1,'kind':'k',"
		 "'active':0,'standby':0,'draining':0,'slots':[{'slot':0,"
		 "'cpu':0,'state':'active','pid':1,'cookie':1,"
		 "'accept_queue':0,'syns':0,'local':0}]}");
	assert_int_equal(proto_unpack_group(&rd, msg, &g), 0);
	assert_int_equal(proto_unpack_list(&rd, msg, "slots", sizeof(*slots),
					   proto_unpack_slot, (void **)&slots,
					   &n),
			 -EBADMSG);
	assert_null(slots);
	assert_int_equal(n, 0);
	expect_error(&rd, "slots[0].redirected: missing");
	json_decref(msg);

	msg = sq("{'ifname':'x','cpus':[1,'2']}");
	proto_unpack_iface_attach_req(&rd, msg, &attach);
	expect_error(&rd, "cpus[1]: expected an integer, got a string");
	json_object_set_new(msg, "cpus", json_array());
	for (n = 0; n <= STEER_MAX_CPUS; n++)
		json_array_append_new(json_object_get(msg, "cpus"),
				      json_integer(0));
	proto_unpack_iface_attach_req(&rd, msg, &attach);
	expect_error(&rd, "cpus: more than 256 elements");
	json_decref(msg);

	msg = sq("{'slot':1,'state':'draining'}");
	proto_unpack_drain_reply(&rd, msg, true, &drain);
	expect_error(&rd, "drained_ms: missing");
	json_decref(msg);

	msg = sq("{'group':'dns','ifname':'veth0'}");
	assert_int_equal(proto_unpack_xsk_register_req(&rd, msg, &xsk),
			 -EBADMSG);
	expect_error(&rd, "queue: missing");
	json_object_set_new(msg, "queue", json_integer(-1));
	proto_unpack_xsk_register_req(&rd, msg, &xsk);
	expect_error(&rd, "queue: -1 is out of range 0-4294967295");
	json_object_set_new(msg, "queue", json_integer(1));
	json_object_set_new(msg, "ifname", json_integer(4));
	proto_unpack_xsk_register_req(&rd, msg, &xsk);
	expect_error(&rd, "ifname: expected a string, got an integer");
	json_decref(msg);

	msg = sq("{'cookie':1,'queue':0,'cpu':0}");
	proto_unpack_xsk_register_reply(&rd, msg, &xsk_reply);
	expect_error(&rd, "ifindex: missing");
	json_decref(msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counter_names),
		cmocka_unit_test(test_pack_requests),
		cmocka_unit_test(test_pack_replies),
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_unpack_defaults),
		cmocka_unit_test(test_unpack_errors),
	};

	return cmocka_run_group_tests_name("proto_msg", tests, NULL, NULL);
}
