// SPDX-License-Identifier: GPL-2.0-only
/* The CLI cases of steerctl group add, del, list and show (steerctl_cases.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lib/proto_msg.h"
#include "steerctl_cases.h"

/* group */
#define GROUP_FIELDS                                                \
	"'name':'web','id':0,'addr':'198.18.0.1','port':80,'kind':" \
	"'reuseport','proto':'tcp','active':4,'standby':0,'draining':1"
#define GROUP_LINE \
	"web: id 0 reuseport 198.18.0.1:80 active 4 standby 0 draining 1\n"
#define GROUP6_FIELDS                                                    \
	"'name':'api-v6','id':1,'addr':'2001:db8::1','port':443,'kind':" \
	"'xsk','proto':'tcp','active':2,'standby':1,'draining':0"
#define GROUP6_LINE                                                       \
	"api-v6: id 1 xsk [2001:db8::1]:443 active 2 standby 1 draining " \
	"0\n"
#define LIST_TEXT                                                             \
	"NAME    ID    KIND       ACTIVE  STANDBY  DRAINING  LISTEN\n"        \
	"web     0     reuseport  4       0        1         198.18.0.1:80\n" \
	"api-v6  1     xsk        2       1        0         "                \
	"[2001:db8::1]:443\n"
/* steerctl -j adds the locality: 50 of the 52 selected. */
#define SLOT_ACTIVE                                                                \
	"'slot':0,'cpu':0,'state':'active','pid':1201,'cookie':8193,"              \
	"'accept_queue':0,'syns':52,'local':52,'redirected':0,"                    \
	"'no_local_slot':0,'select_local':50,'select_fallback':2,'select_none':0," \
	"'migrate_standby':3,'migrate_other':1,'migrate_none':0,"                  \
	"'locality_pct':96.15"
/* Nothing selected: no locality. */
#define SLOT_STANDBY                                                              \
	"'slot':0,'cpu':0,'state':'standby','pid':1301,'cookie':8200,"            \
	"'accept_queue':3,'syns':0,'local':0,'redirected':0,"                     \
	"'no_local_slot':0,'select_local':0,'select_fallback':0,'select_none':0," \
	"'migrate_standby':0,'migrate_other':0,'migrate_none':0,"                 \
	"'locality_pct':null"
#define SLOTS_TEXT                                                      \
	"SLOT  CPU   STATE     PID      COOKIE          ACCEPTQ  SYNS " \
	"       LOCAL       REDIRECTED  SELECTED    LOCALITY  "         \
	"MIGRATED\n"                                                    \
	"0     0     active    1201     8193            0        52   " \
	"       52          0           52          96.15%    4\n"      \
	"0     0     standby   1301     8200            3        0    " \
	"       0           0           0           -         0\n"
/* An xsk group's queues: worker, frames redirected and missed, SYNs. */
#define QUEUES_TEXT                                                   \
	"QUEUE CPU   STATE     PID      COOKIE          REDIRECTED  " \
	"MISSES      SYNS\n"                                          \
	"0     2     active    1401     9001            5000        " \
	"0           12\n"                                            \
	"1     3     empty     0        0               0           " \
	"7           0\n"
#define QUEUE_ACTIVE                                                  \
	"'slot':0,'cpu':2,'state':'active','pid':1401,'cookie':9001," \
	"'xsk_redirected':5000,'xsk_miss':0,'syns':12"
#define QUEUE_EMPTY                                            \
	"'slot':1,'cpu':3,'state':'empty','pid':0,'cookie':0," \
	"'xsk_redirected':0,'xsk_miss':7,'syns':0"

/* GROUP_FIELDS */
static const struct proto_group web = {
	.name = "web",
	.addr = "198.18.0.1",
	.port = 80,
	.kind = "reuseport",
	.active = 4,
	.draining = 1,
};

/* GROUP6_FIELDS */
static const struct proto_group api_v6 = {
	.name = "api-v6",
	.id = 1,
	.addr = "2001:db8::1",
	.port = 443,
	.kind = "xsk",
	.active = 2,
	.standby = 1,
};

/* SLOT_ACTIVE, SLOT_STANDBY */
static const struct proto_slot slots[] = {
	{ .state = "active",
	  .pid = 1201,
	  .cookie = 8193,
	  .stats = { .syns = 52,
		     .local = 52,
		     .select_local = 50,
		     .select_fallback = 2,
		     .migrate_standby = 3,
		     .migrate_other = 1 } },
	{ .state = "standby", .pid = 1301, .cookie = 8200, .accept_queue = 3 },
};

/* QUEUES_TEXT */
static const struct proto_slot queues[] = {
	{ .slot = 0,
	  .cpu = 2,
	  .state = "active",
	  .pid = 1401,
	  .cookie = 9001,
	  .stats = { .syns = 12, .local = 12, .xsk_redirected = 5000 } },
	{ .slot = 1, .cpu = 3, .state = "empty", .stats = { .xsk_miss = 7 } },
};

static json_t *show_api_v6_reply(void)
{
	return proto_pack_group_show_reply(
		&api_v6, json_pack("[o, o]", proto_pack_slot(&queues[0]),
				   proto_pack_slot(&queues[1])));
}

static json_t *add_web_reply(void)
{
	return proto_pack_group_add_reply(&web);
}

static json_t *add_api_v6_reply(void)
{
	return proto_pack_group_add_reply(&api_v6);
}

/* An xsk group of UDP: the protocol shows in the text line too. */
static json_t *add_dns_reply(void)
{
	struct proto_group dns = api_v6;

	dns.name = "dns";
	dns.port = 53;
	dns.proto = "udp";
	return proto_pack_group_add_reply(&dns);
}

static json_t *list_reply(void)
{
	return proto_pack_group_list_reply(json_pack(
		"[o, o]", proto_pack_group(&web), proto_pack_group(&api_v6)));
}

static json_t *list_empty_reply(void)
{
	return proto_pack_group_list_reply(json_array());
}

static json_t *show_web_reply(void)
{
	return proto_pack_group_show_reply(
		&web, json_pack("[o, o]", proto_pack_slot(&slots[0]),
				proto_pack_slot(&slots[1])));
}

static json_t *show_web_empty_reply(void)
{
	return proto_pack_group_show_reply(&web, json_array());
}

static const struct cli_case cases[] = {
	/* group add */
	{ ARGS("group", "add", "web", "--listen", "198.18.0.1:80"),
	  PACKED(add_web_reply),
	  SENDS(REQ("group_add") ",'name':'web','addr':'198.18.0.1',"
				 "'port':80}"),
	  OUT(GROUP_LINE) },
	{ ARGS("group", "add", "web", "--listen", "0.0.0.0:80", "--kind",
	       "xsk"),
	  PACKED(add_web_reply),
	  SENDS(REQ("group_add") ",'name':'web','addr':'0.0.0.0','port':80,"
				 "'kind':'xsk'}"),
	  OUT(GROUP_LINE) },
	{ ARGS("gr", "a", "api-v6", "--listen=[2001:0db8:0::1]:443",
	       "--kind=reuseport"),
	  PACKED(add_api_v6_reply),
	  SENDS(REQ("group_add") ",'name':'api-v6','addr':'2001:db8::1',"
				 "'port':443,'kind':'reuseport'}"),
	  OUT(GROUP6_LINE) },
	{ ARGS("group", "add", "dns", "--listen", "[2001:db8::1]:53", "--kind",
	       "xsk", "--proto", "udp"),
	  PACKED(add_dns_reply),
	  SENDS(REQ("group_add") ",'name':'dns','addr':'2001:db8::1','port':53,"
				 "'kind':'xsk','proto':'udp'}"),
	  OUT("dns: id 1 xsk udp [2001:db8::1]:53 active 2 standby 1 "
	      "draining 0\n") },
	{ ARGS("group", "add", "dns", "--listen", "198.18.0.1:53", "--proto",
	       "sctp"),
	  USAGE("--proto: 'sctp' is not one of tcp, udp") },
	{ ARGS("group", "add", "--listen", "[::]:80", "any_v6.1"),
	  PACKED(add_web_reply),
	  SENDS(REQ("group_add") ",'name':'any_v6.1','addr':'::','port':80}"),
	  OUT(GROUP_LINE) },
	{ ARGS("-j", "group", "add", "web", "--listen", "198.18.0.1:80"),
	  PACKED(add_web_reply),
	  SENDS(REQ("group_add") ",'name':'web','addr':'198.18.0.1',"
				 "'port':80}"),
	  OUT_JSON("{" GROUP_FIELDS "}\n") },
	{ ARGS("group", "add", "web", "--listen", "198.18.0.1:80"),
	  REPLY(ERR(17, "group web exists")),
	  SENDS(REQ("group_add") ",'name':'web','addr':'198.18.0.1',"
				 "'port':80}"),
	  FAIL("group web exists") },
	{ ARGS("group", "add", "web"),
	  USAGE("group add needs --listen ADDR:PORT") },
	{ ARGS("group", "add", "--listen", "198.18.0.1:80"),
	  USAGE("group add needs NAME") },
	{ ARGS("group", "add", "web", "--listen", "198.18.0.1"),
	  USAGE("--listen: '198.18.0.1' is not ADDR:PORT") },
	{ ARGS("group", "add", "web", "--listen", "2001:db8::1:443"),
	  USAGE("--listen: '2001:db8::1:443': an IPv6 address goes in "
		"brackets, as in [2001:db8::1]:443") },
	{ ARGS("group", "add", "web", "--listen", "[198.18.0.1]:80"),
	  USAGE("--listen: '198.18.0.1' is IPv4: brackets are for IPv6") },
	{ ARGS("group", "add", "web", "--listen", "[2001:db8::1]443"),
	  USAGE("--listen: '[2001:db8::1]443' is not ADDR:PORT") },
	{ ARGS("group", "add", "web", "--listen", "[2001:db8::1:443"),
	  USAGE("is not ADDR:PORT") },
	{ ARGS("group", "add", "web", "--listen", "198.18.0.300:80"),
	  USAGE("--listen: '198.18.0.300' is not an IPv4 or IPv6 address") },
	{ ARGS("group", "add", "web", "--listen", ":80"),
	  USAGE("--listen: empty address") },
	{ ARGS("group", "add", "web", "--listen", "198.18.0.1:0"),
	  USAGE("--listen: port 0 is not a port to listen on") },
	{ ARGS("group", "add", "web", "--listen", "198.18.0.1:65536"),
	  USAGE("--listen: '65536' is out of range: a port is 0-65535") },
	{ ARGS("group", "add", "web", "--listen", "198.18.0.1:http"),
	  USAGE("--listen: 'http' is not a port number") },
	{ ARGS("group", "add", "web", "--listen", "198.18.0.1:80", "--kind",
	       "tcp"),
	  USAGE("--kind: 'tcp' is not one of reuseport, xsk") },
	{ ARGS("group", "add", "we b", "--listen", "198.18.0.1:80"),
	  USAGE("group name 'we b': ' ' is not allowed") },
	{ ARGS("group", "add", "web/1", "--listen", "198.18.0.1:80"),
	  USAGE("group name 'web/1': '/' is not allowed") },
	{ ARGS("group", "add", "abcdefghijklmnopqrstuvwxyz012345", "--listen",
	       "198.18.0.1:80"),
	  USAGE("is longer than 31 characters") },
	{ ARGS("group", "add", "", "--listen", "198.18.0.1:80"),
	  USAGE("empty group name") },
	{ ARGS("-j", "group", "add", "web", "--listen", "198.18.0.1"),
	  JSON_USAGE("--listen: '198.18.0.1' is not ADDR:PORT") },
	{ ARGS("group", "add", "help"), HELP("Usage: steerctl group add "
					     "NAME --listen ADDR:PORT") },

	/* group del */
	{ ARGS("group", "del", "web"), REPLY(OK "}"),
	  SENDS(REQ("group_del") ",'name':'web'}"), OUT(NULL) },
	{ ARGS("group", "del", "web"),
	  REPLY(ERR(16, "group web has listeners; drain them first")),
	  SENDS(REQ("group_del") ",'name':'web'}"),
	  FAIL("group web has listeners; drain them first") },
	{ ARGS("group", "del"), USAGE("group del needs NAME") },
	{ ARGS("group", "del", "web", "api"),
	  USAGE("unexpected argument 'api' for group del") },

	/* group list */
	{ ARGS("group", "list"), PACKED(list_reply),
	  SENDS(REQ("group_list") "}"), OUT(LIST_TEXT) },
	{ ARGS("-j", "group", "l"), PACKED(list_reply),
	  SENDS(REQ("group_list") "}"),
	  OUT_JSON("{'groups':[{" GROUP_FIELDS "},{" GROUP6_FIELDS "}]}\n") },
	{ ARGS("group", "list"), PACKED(list_empty_reply),
	  SENDS(REQ("group_list") "}"), OUT(NULL) },
	{ ARGS("-j", "group", "list"), PACKED(list_empty_reply),
	  SENDS(REQ("group_list") "}"), OUT("{\"groups\":[]}\n") },
	{ ARGS("group", "list"), REPLY(OK "}"), SENDS(REQ("group_list") "}"),
	  FAIL("steerd's reply to group_list is malformed: groups: "
	       "missing") },
	{ ARGS("group", "list", "web"),
	  USAGE("unexpected argument 'web' for group list") },

	/* group show */
	{ ARGS("group", "show", "web"), PACKED(show_web_reply),
	  SENDS(REQ("group_show") ",'name':'web'}"),
	  OUT(GROUP_LINE SLOTS_TEXT) },
	{ ARGS("gr", "sh", "web"), PACKED(show_web_reply),
	  SENDS(REQ("group_show") ",'name':'web'}"),
	  OUT(GROUP_LINE SLOTS_TEXT) },
	{ ARGS("-j", "group", "show", "web"), PACKED(show_web_reply),
	  SENDS(REQ("group_show") ",'name':'web'}"),
	  OUT_JSON("{" GROUP_FIELDS ",'slots':[{" SLOT_ACTIVE "},{" SLOT_STANDBY
		   "}]}\n") },
	/* An xsk group: a row per queue. */
	{ ARGS("group", "show", "api-v6"), PACKED(show_api_v6_reply),
	  SENDS(REQ("group_show") ",'name':'api-v6'}"),
	  OUT(GROUP6_LINE QUEUES_TEXT) },
	{ ARGS("-j", "group", "show", "api-v6"), PACKED(show_api_v6_reply),
	  SENDS(REQ("group_show") ",'name':'api-v6'}"),
	  OUT_JSON("{" GROUP6_FIELDS ",'slots':[{" QUEUE_ACTIVE
		   "},{" QUEUE_EMPTY "}]}\n") },
	{ ARGS("group", "show", "web"), PACKED(show_web_empty_reply),
	  SENDS(REQ("group_show") ",'name':'web'}"), OUT(GROUP_LINE) },
	{ ARGS("group", "show", "web"),
	  REPLY(OK "," GROUP_FIELDS ",'slots':[{'slot':0,'cpu':0,'state':"
		   "'active','pid':-5,'cookie':1,'accept_queue':0,'syns':0,"
		   "'local':0,'redirected':0}]}"),
	  SENDS(REQ("group_show") ",'name':'web'}"),
	  FAIL("slots[0].pid: -5 is out of range") },
	{ ARGS("group", "show", "web"), REPLY(ERR(2, "no group web")),
	  SENDS(REQ("group_show") ",'name':'web'}"), FAIL("no group web") },
	{ ARGS("group", "show"), USAGE("group show needs NAME") },
	{ ARGS("g", "s", "web"), PACKED(show_web_empty_reply),
	  SENDS(REQ("group_show") ",'name':'web'}"), OUT(GROUP_LINE) },

	/* group family */
	{ ARGS("group"), USAGE("missing group command; one of: add, del, "
			       "list, show, help") },
	{ ARGS("group", "remove", "web"),
	  USAGE("unknown group command 'remove'") },
	{ ARGS("group", "help"), HELP("Usage: steerctl group add NAME") },
	{ ARGS("help", "group"), HELP("steerctl group show NAME") },

};

CASE_TABLE(steerctl_group_cases, cases);
