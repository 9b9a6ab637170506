// SPDX-License-Identifier: GPL-2.0-only
/* The CLI cases of steerctl status and shutdown (steerctl_cases.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lib/proto_msg.h"
#include "steerctl_cases.h"

/* status */
#define STATUS_FIELDS                                                     \
	"'version':'0.1.0','abi':1,'bpffs':'/sys/fs/bpf/steer','pinned':" \
	"true,'netns_cookie':4096,'tcp_migrate_req':1,'features':{'xdp_"  \
	"dispatcher':false,'reuseport_migrate':true},'ifaces':1,'groups':2"
#define STATUS_TEXT                                                       \
	"steerd           0.1.0 (map ABI 1)\n"                            \
	"bpffs            /sys/fs/bpf/steer (pinned)\n"                   \
	"netns cookie     4096\n"                                         \
	"tcp_migrate_req  1\n"                                            \
	"features         xdp_dispatcher false, reuseport_migrate true\n" \
	"interfaces       1\n"                                            \
	"groups           2\n"
#define STATUS_BARE_FIELDS                                               \
	"'version':'0.2.0','abi':2,'bpffs':'/run/bpf','pinned':false,"   \
	"'netns_cookie':1,'tcp_migrate_req':0,'features':{},'ifaces':0," \
	"'groups':0"
#define STATUS_BARE_TEXT                                                   \
	"steerd           0.2.0 (map ABI 2)\n"                             \
	"bpffs            /run/bpf (not pinned: the dataplane will not "   \
	"outlive steerd)\n"                                                \
	"netns cookie     1\n"                                             \
	"tcp_migrate_req  0 (a closing listener's queued connections are " \
	"reset: sysctl -w net.ipv4.tcp_migrate_req=1)\n"                   \
	"features         none\n"                                          \
	"interfaces       0\n"                                             \
	"groups           0\n"

#define STATUS_UNKNOWN_FIELDS                                             \
	"'version':'0.1.0','abi':1,'bpffs':'/sys/fs/bpf/steer','pinned':" \
	"true,'netns_cookie':4096,'tcp_migrate_req':null,'features':{"    \
	"'reuseport_migrate':false},'ifaces':0,'groups':0"
#define STATUS_UNKNOWN_TEXT                             \
	"steerd           0.1.0 (map ABI 1)\n"          \
	"bpffs            /sys/fs/bpf/steer (pinned)\n" \
	"netns cookie     4096\n"                       \
	"tcp_migrate_req  unknown\n"                    \
	"features         reuseport_migrate false\n"    \
	"interfaces       0\n"                          \
	"groups           0\n"

/* STATUS_WARN: a program lost and a NIC warning, one line each. */
#define STATUS_WARN_TEXT                                                    \
	"steerd           0.1.0 (map ABI 1)\n"                              \
	"bpffs            /b (pinned)\n"                                    \
	"netns cookie     1\n"                                              \
	"tcp_migrate_req  1\n"                                              \
	"features         none\n"                                           \
	"interfaces       2\n"                                              \
	"groups           0\n"                                              \
	"warnings         eth0: lost: another XDP program replaced steer\n" \
	"                 eth1: RPS on rx-0 moves TCP to CPUs 1\n"
#define STATUS_WARN_FIELDS                                                   \
	"'version':'0.1.0','abi':1,'bpffs':'/b','pinned':true,'netns_"       \
	"cookie':1,'tcp_migrate_req':1,'features':{},'ifaces':2,'groups':0," \
	"'warnings':['eth0: lost: another XDP program replaced steer',"      \
	"'eth1: RPS on rx-0 moves TCP to CPUs 1']"

/* status's reply with features, as steerd packs it (features taken). */
static json_t *pack_status(const struct proto_status *st, json_t *features)
{
	struct proto_status with = *st;
	json_t *reply;

	with.features = features;
	reply = proto_pack_status_reply(&with);
	json_decref(features);
	return reply;
}

/* STATUS_FIELDS */
static json_t *status_reply(void)
{
	const struct proto_status st = {
		.version = "0.1.0",
		.abi = 1,
		.bpffs = "/sys/fs/bpf/steer",
		.pinned = true,
		.netns_cookie = 4096,
		.tcp_migrate_req = 1,
		.ifaces = 1,
		.groups = 2,
	};

	return pack_status(&st, json_pack("{s:b, s:b}", "xdp_dispatcher", 0,
					  "reuseport_migrate", 1));
}

/* STATUS_BARE_FIELDS */
static json_t *status_bare_reply(void)
{
	const struct proto_status st = {
		.version = "0.2.0",
		.abi = 2,
		.bpffs = "/run/bpf",
		.netns_cookie = 1,
	};

	return pack_status(&st, json_object());
}

/* STATUS_WARN_FIELDS */
static json_t *status_warn_reply(void)
{
	struct proto_status st = {
		.version = "0.1.0",
		.abi = 1,
		.bpffs = "/b",
		.pinned = true,
		.netns_cookie = 1,
		.tcp_migrate_req = 1,
		.ifaces = 2,
	};
	json_t *reply;

	st.warnings = json_pack("[s, s]",
				"eth0: lost: another XDP program replaced "
				"steer",
				"eth1: RPS on rx-0 moves TCP to CPUs 1");
	reply = pack_status(&st, json_object());
	json_decref(st.warnings);
	return reply;
}

/* STATUS_UNKNOWN_FIELDS: the sysctl could not be read. */
static json_t *status_unknown_reply(void)
{
	const struct proto_status st = {
		.version = "0.1.0",
		.abi = 1,
		.bpffs = "/sys/fs/bpf/steer",
		.pinned = true,
		.netns_cookie = 4096,
		.tcp_migrate_req = PROTO_UNKNOWN,
	};

	return pack_status(&st, json_pack("{s:b}", "reuseport_migrate", 0));
}

static const struct cli_case cases[] = {
	/* status */
	{ ARGS("status"), PACKED(status_reply), SENDS(REQ("status") "}"),
	  OUT(STATUS_TEXT) },
	{ ARGS("statu"), PACKED(status_reply), SENDS(REQ("status") "}"),
	  OUT(STATUS_TEXT) },
	{ ARGS("-j", "status"), PACKED(status_reply), SENDS(REQ("status") "}"),
	  OUT_JSON("{" STATUS_FIELDS "}\n") },
	{ ARGS("status"), PACKED(status_bare_reply), SENDS(REQ("status") "}"),
	  OUT(STATUS_BARE_TEXT) },
	{ ARGS("-j", "status"), PACKED(status_bare_reply),
	  SENDS(REQ("status") "}"), OUT_JSON("{" STATUS_BARE_FIELDS "}\n") },
	/* tcp_migrate_req unknown to steerd: null, shown as such. */
	{ ARGS("status"), PACKED(status_unknown_reply),
	  SENDS(REQ("status") "}"), OUT(STATUS_UNKNOWN_TEXT) },
	{ ARGS("-j", "status"), PACKED(status_unknown_reply),
	  SENDS(REQ("status") "}"), OUT_JSON("{" STATUS_UNKNOWN_FIELDS "}\n") },
	/* What defeats steer, as steerd says it. */
	{ ARGS("status"), PACKED(status_warn_reply), SENDS(REQ("status") "}"),
	  OUT(STATUS_WARN_TEXT) },
	{ ARGS("-j", "status"), PACKED(status_warn_reply),
	  SENDS(REQ("status") "}"), OUT_JSON("{" STATUS_WARN_FIELDS "}\n") },
	{ ARGS("status"),
	  REPLY(OK ",'version':'0.1.0','abi':1,'bpffs':'/b','pinned':true,"
		   "'netns_cookie':1,'tcp_migrate_req':1,'features':{},"
		   "'ifaces':0,'groups':0,'warnings':['a',2]}"),
	  SENDS(REQ("status") "}"),
	  FAIL("malformed: warnings[1]: expected a string") },
	{ ARGS("status"),
	  REPLY(OK ",'version':'0.1.0','abi':1,'bpffs':'/b','pinned':true,"
		   "'netns_cookie':1,'tcp_migrate_req':-1,'features':{},"
		   "'ifaces':0,'groups':0}"),
	  SENDS(REQ("status") "}"),
	  FAIL("malformed: tcp_migrate_req: -1 is out of range") },
	{ ARGS("status"),
	  REPLY(OK ",'version':'0.1.0','abi':1,'bpffs':'/b','pinned':true,"
		   "'netns_cookie':1,'tcp_migrate_req':'1','features':{},"
		   "'ifaces':0,'groups':0}"),
	  SENDS(REQ("status") "}"),
	  FAIL("tcp_migrate_req: expected an integer or null, got a "
	       "string") },
	{ ARGS("status"), REPLY(OK ",'version':'0.1.0'}"),
	  SENDS(REQ("status") "}"),
	  FAIL("steerd's reply to status is malformed: abi: missing") },
	{ ARGS("status"),
	  REPLY(OK ",'version':'0.1.0','abi':1,'bpffs':'/b','pinned':true,"
		   "'netns_cookie':1,'tcp_migrate_req':1,'features':{'x':1},"
		   "'ifaces':0,'groups':0}"),
	  SENDS(REQ("status") "}"),
	  FAIL("features.x: expected a boolean, got an integer") },
	{ ARGS("stat"), USAGE("ambiguous command 'stat': matches stats, "
			      "status") },
	{ ARGS("status", "now"), USAGE("unexpected argument 'now' for "
				       "status") },
	{ ARGS("status", "--all"), USAGE("unknown option '--all' for "
					 "status") },
	{ ARGS("status", "-j"), USAGE("'-j' is a global option") },
	{ ARGS("status", "help"), HELP("Usage: steerctl status\n") },
	{ ARGS("help", "status"), HELP("Usage: steerctl status\n") },

	/* shutdown: spelled out, booleans always sent. */
	{ ARGS("shutdown"), REPLY(OK "}"),
	  SENDS(REQ("shutdown") ",'detach':false}"), OUT(NULL) },
	{ ARGS("shutdown", "--detach"), REPLY(OK "}"),
	  SENDS(REQ("shutdown") ",'detach':true}"), OUT(NULL) },
	{ ARGS("-j", "shutdown"), REPLY(OK "}"),
	  SENDS(REQ("shutdown") ",'detach':false}"), OUT(NULL) },
	{ ARGS("shut"), USAGE("'shut' would stop steerd: spell out "
			      "'shutdown'") },
	{ ARGS("sh", "--detach"), USAGE("'sh' would stop steerd") },
	{ ARGS("shutdown", "--detach=yes"), USAGE("--detach takes no value") },
	{ ARGS("shutdown", "--detach", "--detach"),
	  USAGE("--detach given twice") },
	{ ARGS("shutdown", "now"), USAGE("unexpected argument 'now'") },
	{ ARGS("shutdown", "--help"), HELP("Usage: steerctl shutdown "
					   "[--detach]") },
	{ ARGS("shutdown"), REPLY(ERR(1, "not now")),
	  SENDS(REQ("shutdown") ",'detach':false}"), FAIL("not now") },
};

CASE_TABLE(steerctl_status_cases, cases);
