// SPDX-License-Identifier: GPL-2.0-only
/*
 * Runs the built steerctl ($STEERCTL) against a fake steerd served from this
 * process: for each command line, the exact requests it sends, how it shows
 * canned replies in text and JSON, its usage errors (exit 2, nothing sent),
 * an absent daemon (exit 3) and the daemon's errors (exit 1).
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/defaults.h"
#include "lib/proto.h"
#include "steerctl_run.h"

#define CASE_ARGS_MAX 16
#define CASE_REPLIES_MAX 4
#define CASE_REQUESTS_MAX 4
#define CASE_NAME_MAX 256
#define FAKE_CONNS_MAX 4
#define FAKE_REQUESTS_MAX 8 /* recorded; more are counted */
#define POLL_MS 10
#define RUN_TIMEOUT_MS 10000
#define MS_PER_S 1000

/* A canned "reply" that closes the connection instead. */
#define CLOSE "<close>"
/* Separates messages sent in a row as one canned reply (events first). */
#define THEN "<then>"

/* The protocol's envelopes, in the tables' single-quoted JSON. */
#define OK "{'v':1,'ok':true"
#define ERR(errnum, msg) \
	"{'v':1,'ok':false,'errno':" #errnum ",'error':'" msg "'}"
#define REQ(cmd) "{'v':1,'cmd':'" cmd "'"

enum exit_status {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
	EXIT_NO_DAEMON = 3,
};

/* Which socket steerctl is pointed at. */
enum socket_choice {
	SOCK_FAKE = 0, /* the fake steerd */
	SOCK_ABSENT, /* a path with nothing there */
	SOCK_REFUSED, /* a socket file nobody listens on */
	SOCK_DEFAULT, /* no --socket: steerd's default */
	SOCK_TOO_LONG, /* longer than a UNIX socket path can be */
};

struct cli_case {
	const char *args[CASE_ARGS_MAX]; /* after "steerctl --socket P" */
	enum socket_choice sock;
	/* Replies to the requests in order, the last one repeated. */
	const char *replies[CASE_REPLIES_MAX];
	/* The requests steerctl must send, exactly; none: no connection. */
	const char *requests[CASE_REQUESTS_MAX];
	int status;
	const char *out; /* exact stdout; NULL: empty (unless out_has) */
	bool out_quoted; /* out is single-quoted JSON */
	const char *out_has; /* stdout contains this instead */
	/*
	 * The phrase the error must contain: in the one line on stderr, or
	 * with json_err in {"error":"..."} on stdout. NULL: stderr empty.
	 */
	const char *err;
	bool json_err;
	bool err_has_socket; /* the error names the socket's path too */
	int signal; /* sent once every expected request is answered */
	void (*check_out)(const char *out); /* more checks of stdout */
};

/* Table shorthand: the command line, then what goes in and out. */
#define ARGS(...) .args = { __VA_ARGS__ }
#define REPLY(...) .replies = { __VA_ARGS__ }
#define SENDS(...) .requests = { __VA_ARGS__ }
#define OUT(text) .status = EXIT_OK, .out = (text)
#define OUT_JSON(text) OUT(text), .out_quoted = true
#define HELP(phrase) .status = EXIT_OK, .out_has = (phrase)
#define USAGE(phrase) .status = EXIT_USAGE, .err = (phrase)
#define JSON_USAGE(phrase) USAGE(phrase), .json_err = true
#define FAIL(phrase) .status = EXIT_FAIL, .err = (phrase)
#define JSON_FAIL(phrase) FAIL(phrase), .json_err = true

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

/* iface */
#define IFACE_FIELDS                                                        \
	"'name':'veth0','ifindex':4,'slot':0,'xdp_mode':'native','attach':" \
	"'single','steer':'cpu','rx_queues':4,'cpus':[0,1,2,3,6],"          \
	"'indir_size':128,'key':'6d5a56da'"
#define IFACE_TEXT                                                \
	"veth0: ifindex 4 slot 0 xdp native (single) steer cpu\n" \
	"\trx_queues 4 cpus 0-3,6 indir_size 128\n"               \
	"\tkey 6d5a56da\n"
#define IFACE2_FIELDS                                                      \
	"'name':'eth1','ifindex':7,'slot':1,'xdp_mode':'skb','attach':"    \
	"'dispatcher','steer':'rss','rx_queues':8,'cpus':[],'indir_size':" \
	"512,'key':'00ff'"
#define IFACE2_TEXT                                               \
	"eth1: ifindex 7 slot 1 xdp skb (dispatcher) steer rss\n" \
	"\trx_queues 8 cpus none indir_size 512\n"                \
	"\tkey 00ff\n"
#define VETH_WARNING "native XDP on veth loses checksum offload"

/* group */
#define GROUP_FIELDS                                                \
	"'name':'web','id':0,'addr':'198.18.0.1','port':80,'kind':" \
	"'reuseport','active':4,'standby':0,'draining':1"
#define GROUP_LINE \
	"web: id 0 reuseport 198.18.0.1:80 active 4 standby 0 draining 1\n"
#define GROUP6_FIELDS                                                    \
	"'name':'api-v6','id':1,'addr':'2001:db8::1','port':443,'kind':" \
	"'xsk','active':2,'standby':1,'draining':0"
#define GROUP6_LINE                                                       \
	"api-v6: id 1 xsk [2001:db8::1]:443 active 2 standby 1 draining " \
	"0\n"
#define LIST_TEXT                                                             \
	"NAME    ID    KIND       ACTIVE  STANDBY  DRAINING  LISTEN\n"        \
	"web     0     reuseport  4       0        1         198.18.0.1:80\n" \
	"api-v6  1     xsk        2       1        0         "                \
	"[2001:db8::1]:443\n"
#define SLOT_ACTIVE                                                   \
	"'slot':0,'cpu':0,'state':'active','pid':1201,'cookie':8193," \
	"'accept_queue':0,'syns':52,'local':52,'redirected':0"
#define SLOT_STANDBY                                                   \
	"'slot':0,'cpu':0,'state':'standby','pid':1301,'cookie':8200," \
	"'accept_queue':3,'syns':0,'local':0,'redirected':0"
#define SLOTS_TEXT                                                      \
	"SLOT  CPU   STATE     PID      COOKIE          ACCEPTQ  SYNS " \
	"       LOCAL       REDIRECTED\n"                               \
	"0     0     active    1201     8193            0        52   " \
	"       52          0\n"                                        \
	"0     0     standby   1301     8200            3        0    " \
	"       0           0\n"

/* stats */
#define GROUP_STATS(name, packets)                                        \
	"{'name':'" name "','packets':" #packets ",'syns':10,'local':8,"  \
	"'redirected':2,'fallback':0,'xsk_redirected':0,'xsk_miss':0,"    \
	"'rss_mismatch':0,'select_local':10,'select_fallback':0,'select_" \
	"none':0,'migrations':1}"
#define WEB_STATS GROUP_STATS("web", 100)
#define STATS_FIELDS                                           \
	"'counters':{'no_iface':0,'not_ip':12,'matched':100}," \
	"'groups':[" WEB_STATS "]"
#define STATS_TEXT                                                         \
	"frames:\n"                                                        \
	"  no_iface 0\n"                                                   \
	"  not_ip   12\n"                                                  \
	"  matched  100\n"                                                 \
	"group web:\n"                                                     \
	"  packets 100  syns 10  local 8  redirected 2  fallback 0\n"      \
	"  xsk_redirected 0  xsk_miss 0  rss_mismatch 0\n"                 \
	"  select_local 10  select_fallback 0  select_none 0  migrations " \
	"1\n"
/* Watched: not_ip and web's packets move; a group resets, one appears. */
#define WATCH_1 \
	OK ",'counters':{'not_ip':0},'groups':[" GROUP_STATS("web", 500) "]}"
#define WATCH_2                                                        \
	OK ",'counters':{'not_ip':1000},'groups':[" GROUP_STATS("web", \
								1500) "]}"
#define WATCH_3                                                  \
	OK ",'counters':{'not_ip':1000},'groups':[" GROUP_STATS( \
		"web", 200) "," GROUP_STATS("api", 100) "]}"

static void check_watch_json(const char *out);
static void check_watch_text(const char *out);

static const struct cli_case cases[] = {
	/* status */
	{ ARGS("status"), REPLY(OK "," STATUS_FIELDS "}"),
	  SENDS(REQ("status") "}"), OUT(STATUS_TEXT) },
	{ ARGS("statu"), REPLY(OK "," STATUS_FIELDS "}"),
	  SENDS(REQ("status") "}"), OUT(STATUS_TEXT) },
	{ ARGS("-j", "status"), REPLY(OK "," STATUS_FIELDS "}"),
	  SENDS(REQ("status") "}"), OUT_JSON("{" STATUS_FIELDS "}\n") },
	{ ARGS("status"), REPLY(OK "," STATUS_BARE_FIELDS "}"),
	  SENDS(REQ("status") "}"), OUT(STATUS_BARE_TEXT) },
	{ ARGS("-j", "status"), REPLY(OK "," STATUS_BARE_FIELDS "}"),
	  SENDS(REQ("status") "}"), OUT_JSON("{" STATUS_BARE_FIELDS "}\n") },
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

	/* iface attach */
	{ ARGS("iface", "attach", "veth0"), REPLY(OK "," IFACE_FIELDS "}"),
	  SENDS(REQ("iface_attach") ",'ifname':'veth0','force':false}"),
	  OUT(IFACE_TEXT) },
	{ ARGS("if", "at", "veth0", "--mode", "skb", "--steer", "rss", "--cpus",
	       "0-2,5", "--force"),
	  REPLY(OK "," IFACE_FIELDS "}"),
	  SENDS(REQ("iface_attach") ",'ifname':'veth0','xdp_mode':'skb',"
				    "'steer':'rss','cpus':[0,1,2,5],"
				    "'force':true}"),
	  OUT(IFACE_TEXT) },
	{ ARGS("iface", "attach", "--mode=native", "--steer=cpu", "veth0",
	       "--cpus=3"),
	  REPLY(OK "," IFACE_FIELDS "}"),
	  SENDS(REQ("iface_attach") ",'ifname':'veth0','xdp_mode':'native',"
				    "'steer':'cpu','cpus':[3],"
				    "'force':false}"),
	  OUT(IFACE_TEXT) },
	{ ARGS("-j", "iface", "attach", "veth0"),
	  REPLY(OK "," IFACE_FIELDS "}"),
	  SENDS(REQ("iface_attach") ",'ifname':'veth0','force':false}"),
	  OUT_JSON("{" IFACE_FIELDS "}\n") },
	/* steerd's warning reaches the user: stderr, or the document. */
	{ ARGS("iface", "attach", "veth0"),
	  REPLY(OK "," IFACE_FIELDS ",'warning':'" VETH_WARNING "'}"),
	  SENDS(REQ("iface_attach") ",'ifname':'veth0','force':false}"),
	  OUT(IFACE_TEXT), .err = "warning: " VETH_WARNING },
	{ ARGS("-j", "iface", "attach", "veth0"),
	  REPLY(OK "," IFACE_FIELDS ",'warning':'" VETH_WARNING "'}"),
	  SENDS(REQ("iface_attach") ",'ifname':'veth0','force':false}"),
	  OUT_JSON("{" IFACE_FIELDS ",'warning':'" VETH_WARNING "'}\n") },
	{ ARGS("iface", "attach", "veth0"),
	  REPLY(ERR(16, "another XDP program is attached to veth0; use "
			"--force")),
	  SENDS(REQ("iface_attach") ",'ifname':'veth0','force':false}"),
	  FAIL("another XDP program is attached to veth0; use --force") },
	{ ARGS("-j", "iface", "attach", "veth0"),
	  REPLY(ERR(19, "no interface veth0")),
	  SENDS(REQ("iface_attach") ",'ifname':'veth0','force':false}"),
	  JSON_FAIL("no interface veth0") },
	/* steerd's EINVAL is a failed operation (1), not a usage error. */
	{ ARGS("iface", "attach", "veth0"),
	  REPLY(ERR(22, "cpu 300 is not online")),
	  SENDS(REQ("iface_attach") ",'ifname':'veth0','force':false}"),
	  FAIL("cpu 300 is not online") },
	{ ARGS("iface", "attach", "veth0"),
	  REPLY(OK ",'name':'veth0','ifindex':4,'slot':0,'xdp_mode':'skb',"
		   "'attach':'single','steer':'cpu','rx_queues':4,'cpus':[0,"
		   "'1'],'indir_size':128,'key':'6d'}"),
	  SENDS(REQ("iface_attach") ",'ifname':'veth0','force':false}"),
	  FAIL("steerd's reply to iface_attach is malformed: cpus[1]: "
	       "expected an integer, got a string") },
	{ ARGS("iface", "attach"), USAGE("iface attach needs IFNAME") },
	{ ARGS("iface", "attach", "veth0", "veth1"),
	  USAGE("unexpected argument 'veth1' for iface attach") },
	{ ARGS("iface", "attach", "veth0/1"),
	  USAGE("interface name 'veth0/1': '/' is not allowed") },
	{ ARGS("iface", "attach", "abcdefghijklmnop"),
	  USAGE("interface name 'abcdefghijklmnop' is longer than 15 "
		"characters") },
	{ ARGS("iface", "attach", ""), USAGE("empty interface name") },
	{ ARGS("iface", "attach", "veth0", "--mode", "xdp"),
	  USAGE("--mode: 'xdp' is not one of native, skb") },
	{ ARGS("iface", "attach", "veth0", "--mode", "nat"),
	  USAGE("--mode: 'nat' is not one of native, skb") },
	{ ARGS("iface", "attach", "veth0", "--steer", "queue"),
	  USAGE("--steer: 'queue' is not one of rss, cpu") },
	{ ARGS("iface", "attach", "veth0", "--cpus", "3-1"),
	  USAGE("--cpus: '3-1': range 3-1 is descending") },
	{ ARGS("iface", "attach", "veth0", "--cpus", "999"),
	  USAGE("--cpus: '999': a CPU is 0-255") },
	{ ARGS("iface", "attach", "veth0", "--cpus", ""),
	  USAGE("--cpus: empty CPU list") },
	{ ARGS("iface", "attach", "veth0", "--mode"),
	  USAGE("--mode needs a value: --mode native|skb") },
	{ ARGS("iface", "attach", "veth0", "--mode", "--force"),
	  USAGE("--mode needs a value") },
	{ ARGS("iface", "attach", "veth0", "--force=1"),
	  USAGE("--force takes no value") },
	{ ARGS("iface", "attach", "veth0", "--mode", "skb", "--mode", "skb"),
	  USAGE("--mode given twice") },
	{ ARGS("iface", "attach", "veth0", "--xdp"),
	  USAGE("unknown option '--xdp' for iface attach") },
	{ ARGS("iface", "attach", "veth0", "--socket", "/x"),
	  USAGE("'--socket' is a global option") },
	{ ARGS("-j", "iface", "attach", "veth0", "--mode", "xdp"),
	  JSON_USAGE("--mode: 'xdp' is not one of native, skb") },
	{ ARGS("iface", "attach", "--help"),
	  HELP("Usage: steerctl iface attach IFNAME") },
	{ ARGS("iface", "attach", "veth0", "-h"),
	  HELP("Usage: steerctl iface attach IFNAME") },

	/* iface detach */
	{ ARGS("iface", "detach", "veth0"), REPLY(OK "}"),
	  SENDS(REQ("iface_detach") ",'ifname':'veth0'}"), OUT(NULL) },
	{ ARGS("i", "d", "veth0"), REPLY(OK "}"),
	  SENDS(REQ("iface_detach") ",'ifname':'veth0'}"), OUT(NULL) },
	{ ARGS("iface", "detach", "veth0"),
	  REPLY(ERR(2, "steer is not attached to veth0")),
	  SENDS(REQ("iface_detach") ",'ifname':'veth0'}"),
	  FAIL("steer is not attached to veth0") },
	{ ARGS("iface", "detach"), USAGE("iface detach needs IFNAME") },
	{ ARGS("iface", "detach", "a b"),
	  USAGE("interface name 'a b': ' ' is not allowed") },
	{ ARGS("iface", "detach", "--force", "veth0"),
	  USAGE("unknown option '--force' for iface detach") },

	/* iface show */
	{ ARGS("iface", "show"),
	  REPLY(OK ",'ifaces':[{" IFACE_FIELDS "},{" IFACE2_FIELDS "}]}"),
	  SENDS(REQ("iface_show") "}"), OUT(IFACE_TEXT IFACE2_TEXT) },
	{ ARGS("iface", "sh", "veth0"),
	  REPLY(OK ",'ifaces':[{" IFACE_FIELDS "}]}"),
	  SENDS(REQ("iface_show") ",'ifname':'veth0'}"), OUT(IFACE_TEXT) },
	{ ARGS("-j", "iface", "show"),
	  REPLY(OK ",'ifaces':[{" IFACE_FIELDS "},{" IFACE2_FIELDS "}]}"),
	  SENDS(REQ("iface_show") "}"),
	  OUT_JSON("{'ifaces':[{" IFACE_FIELDS "},{" IFACE2_FIELDS "}]}\n") },
	{ ARGS("iface", "show"), REPLY(OK ",'ifaces':[]}"),
	  SENDS(REQ("iface_show") "}"), OUT(NULL) },
	{ ARGS("-j", "iface", "show"), REPLY(OK ",'ifaces':[]}"),
	  SENDS(REQ("iface_show") "}"), OUT("{\"ifaces\":[]}\n") },
	{ ARGS("iface", "show"),
	  REPLY(OK ",'ifaces':[{" IFACE_FIELDS "},{'name':'eth1'}]}"),
	  SENDS(REQ("iface_show") "}"),
	  FAIL("malformed: ifaces[1].ifindex: missing") },
	{ ARGS("iface", "show"), REPLY(OK ",'ifaces':{}}"),
	  SENDS(REQ("iface_show") "}"),
	  FAIL("ifaces: expected an array, got an object") },
	{ ARGS("iface", "show", "veth0", "veth1"),
	  USAGE("unexpected argument 'veth1' for iface show") },
	{ ARGS("iface", "show", "help"), HELP("Usage: steerctl iface show") },

	/* iface family */
	{ ARGS("iface"), USAGE("missing iface command; one of: attach, "
			       "detach, show, help") },
	{ ARGS("iface", "frob"), USAGE("unknown iface command 'frob'") },
	{ ARGS("iface", "help"), HELP("Usage: steerctl iface attach") },
	{ ARGS("iface", "--help"), HELP("steerctl iface show [IFNAME]") },
	{ ARGS("help", "iface"), HELP("steerctl iface detach IFNAME") },

	/* group add */
	{ ARGS("group", "add", "web", "--listen", "198.18.0.1:80"),
	  REPLY(OK "," GROUP_FIELDS "}"),
	  SENDS(REQ("group_add") ",'name':'web','addr':'198.18.0.1',"
				 "'port':80}"),
	  OUT(GROUP_LINE) },
	{ ARGS("group", "add", "web", "--listen", "0.0.0.0:80", "--kind",
	       "xsk"),
	  REPLY(OK "," GROUP_FIELDS "}"),
	  SENDS(REQ("group_add") ",'name':'web','addr':'0.0.0.0','port':80,"
				 "'kind':'xsk'}"),
	  OUT(GROUP_LINE) },
	{ ARGS("gr", "a", "api-v6", "--listen=[2001:0db8:0::1]:443",
	       "--kind=reuseport"),
	  REPLY(OK "," GROUP6_FIELDS "}"),
	  SENDS(REQ("group_add") ",'name':'api-v6','addr':'2001:db8::1',"
				 "'port':443,'kind':'reuseport'}"),
	  OUT(GROUP6_LINE) },
	{ ARGS("group", "add", "--listen", "[::]:80", "any_v6.1"),
	  REPLY(OK "," GROUP_FIELDS "}"),
	  SENDS(REQ("group_add") ",'name':'any_v6.1','addr':'::','port':80}"),
	  OUT(GROUP_LINE) },
	{ ARGS("-j", "group", "add", "web", "--listen", "198.18.0.1:80"),
	  REPLY(OK "," GROUP_FIELDS "}"),
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
	{ ARGS("group", "list"),
	  REPLY(OK ",'groups':[{" GROUP_FIELDS "},{" GROUP6_FIELDS "}]}"),
	  SENDS(REQ("group_list") "}"), OUT(LIST_TEXT) },
	{ ARGS("-j", "group", "l"),
	  REPLY(OK ",'groups':[{" GROUP_FIELDS "},{" GROUP6_FIELDS "}]}"),
	  SENDS(REQ("group_list") "}"),
	  OUT_JSON("{'groups':[{" GROUP_FIELDS "},{" GROUP6_FIELDS "}]}\n") },
	{ ARGS("group", "list"), REPLY(OK ",'groups':[]}"),
	  SENDS(REQ("group_list") "}"), OUT(NULL) },
	{ ARGS("-j", "group", "list"), REPLY(OK ",'groups':[]}"),
	  SENDS(REQ("group_list") "}"), OUT("{\"groups\":[]}\n") },
	{ ARGS("group", "list"), REPLY(OK "}"), SENDS(REQ("group_list") "}"),
	  FAIL("steerd's reply to group_list is malformed: groups: "
	       "missing") },
	{ ARGS("group", "list", "web"),
	  USAGE("unexpected argument 'web' for group list") },

	/* group show */
	{ ARGS("group", "show", "web"),
	  REPLY(OK "," GROUP_FIELDS ",'slots':[{" SLOT_ACTIVE "},{" SLOT_STANDBY
		   "}]}"),
	  SENDS(REQ("group_show") ",'name':'web'}"),
	  OUT(GROUP_LINE SLOTS_TEXT) },
	{ ARGS("gr", "sh", "web"),
	  REPLY(OK "," GROUP_FIELDS ",'slots':[{" SLOT_ACTIVE "},{" SLOT_STANDBY
		   "}]}"),
	  SENDS(REQ("group_show") ",'name':'web'}"),
	  OUT(GROUP_LINE SLOTS_TEXT) },
	{ ARGS("-j", "group", "show", "web"),
	  REPLY(OK "," GROUP_FIELDS ",'slots':[{" SLOT_ACTIVE "},{" SLOT_STANDBY
		   "}]}"),
	  SENDS(REQ("group_show") ",'name':'web'}"),
	  OUT_JSON("{" GROUP_FIELDS ",'slots':[{" SLOT_ACTIVE "},{" SLOT_STANDBY
		   "}]}\n") },
	{ ARGS("group", "show", "web"),
	  REPLY(OK "," GROUP_FIELDS ",'slots':[]}"),
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
	{ ARGS("g", "s", "web"), REPLY(OK "," GROUP_FIELDS ",'slots':[]}"),
	  SENDS(REQ("group_show") ",'name':'web'}"), OUT(GROUP_LINE) },

	/* group family */
	{ ARGS("group"), USAGE("missing group command; one of: add, del, "
			       "list, show, help") },
	{ ARGS("group", "remove", "web"),
	  USAGE("unknown group command 'remove'") },
	{ ARGS("group", "help"), HELP("Usage: steerctl group add NAME") },
	{ ARGS("help", "group"), HELP("steerctl group show NAME") },

	/* drain */
	{ ARGS("drain", "web", "--slot", "3"),
	  REPLY(OK ",'slot':3,'state':'draining'}"),
	  SENDS(REQ("drain") ",'group':'web','slot':3,'wait':false}"),
	  OUT("web slot 3: draining\n") },
	{ ARGS("dr", "web", "--pid", "1234", "--wait", "--timeout", "2.5"),
	  REPLY(OK ",'slot':3,'drained_ms':1234,'drained':12}"),
	  SENDS(REQ("drain") ",'group':'web','pid':1234,'timeout_ms':2500,"
			     "'wait':true}"),
	  OUT("web slot 3: drained 12 connections in 1234 ms\n") },
	{ ARGS("drain", "--wait", "web", "--slot=0", "--timeout=60"),
	  REPLY(OK ",'slot':0,'drained_ms':0,'drained':1}"),
	  SENDS(REQ("drain") ",'group':'web','slot':0,'timeout_ms':60000,"
			     "'wait':true}"),
	  OUT("web slot 0: drained 1 connection in 0 ms\n") },
	{ ARGS("-j", "drain", "web", "--slot", "3"),
	  REPLY(OK ",'slot':3,'state':'draining'}"),
	  SENDS(REQ("drain") ",'group':'web','slot':3,'wait':false}"),
	  OUT_JSON("{'slot':3,'state':'draining'}\n") },
	{ ARGS("-j", "drain", "web", "--slot", "3", "--wait"),
	  REPLY(OK ",'slot':3,'drained_ms':1234,'drained':12}"),
	  SENDS(REQ("drain") ",'group':'web','slot':3,'wait':true}"),
	  OUT_JSON("{'slot':3,'drained':12,'drained_ms':1234}\n") },
	{ ARGS("drain", "web", "--slot", "3", "--wait"),
	  REPLY(ERR(110, "slot 3 still has 2 queued connection(s) after the "
			 "timeout")),
	  SENDS(REQ("drain") ",'group':'web','slot':3,'wait':true}"),
	  FAIL("slot 3 still has 2 queued connection(s) after the "
	       "timeout") },
	{ ARGS("drain", "web", "--slot", "3", "--wait"),
	  REPLY(OK ",'slot':3,'state':'draining'}"),
	  SENDS(REQ("drain") ",'group':'web','slot':3,'wait':true}"),
	  FAIL("drained_ms: missing") },
	{ ARGS("drain", "web"),
	  USAGE("drain needs either --slot N or --pid PID, none given") },
	{ ARGS("drain", "web", "--slot", "1", "--pid", "2"),
	  USAGE("drain needs either --slot N or --pid PID, not both") },
	{ ARGS("drain", "--slot", "1"), USAGE("drain needs NAME") },
	{ ARGS("drain", "web", "--slot", "256"),
	  USAGE("--slot: '256' is out of range 0-255") },
	{ ARGS("drain", "web", "--slot", "-1"),
	  USAGE("--slot: '-1' is not a decimal number") },
	{ ARGS("drain", "web", "--pid", "0"),
	  USAGE("--pid: 0 is not a process") },
	{ ARGS("drain", "web", "--pid", "nginx"),
	  USAGE("--pid: 'nginx' is not a decimal number") },
	{ ARGS("drain", "web", "--slot", "1", "--timeout", "1.2345"),
	  USAGE("--timeout: '1.2345': at most 3 decimals") },
	{ ARGS("drain", "web", "--slot", "1", "--timeout", "1s"),
	  USAGE("--timeout: '1s' is not a number of seconds") },
	{ ARGS("drain", "web", "--slot", "1", "--timeout", ".5"),
	  USAGE("--timeout: '.5' is not a number of seconds") },
	{ ARGS("drain", "web", "--slot", "1", "--timeout", "86401"),
	  USAGE("--timeout: '86401' is out of range 0-86400 seconds") },
	{ ARGS("drain", "web", "--slot"), USAGE("--slot needs a value: "
						"--slot N") },
	{ ARGS("drain", "w eb", "--slot", "1"),
	  USAGE("group name 'w eb': ' ' is not allowed") },
	{ ARGS("drain", "help"), HELP("Usage: steerctl drain NAME --slot "
				      "N|--pid PID") },

	/* stats */
	{ ARGS("stats"), REPLY(OK "," STATS_FIELDS "}"),
	  SENDS(REQ("stats") "}"), OUT(STATS_TEXT) },
	{ ARGS("stats"), REPLY(OK ",'counters':{},'groups':[]}"),
	  SENDS(REQ("stats") "}"), OUT("frames:\n") },
	{ ARGS("-j", "stats"), REPLY(OK "," STATS_FIELDS "}"),
	  SENDS(REQ("stats") "}"), OUT_JSON("{" STATS_FIELDS "}\n") },
	{ ARGS("stats"),
	  REPLY(OK ",'counters':{},'groups':[{'name':'web','packets':1}]}"),
	  SENDS(REQ("stats") "}"), FAIL("groups[0].syns: missing") },
	{ ARGS("-j", "stats", "--watch", "0.1", "--count", "2"),
	  REPLY(WATCH_1, WATCH_2, WATCH_3),
	  SENDS(REQ("stats") "}", REQ("stats") "}", REQ("stats") "}"),
	  .status = EXIT_OK, .check_out = check_watch_json },
	{ ARGS("stats", "--watch=0.05", "--count=2"),
	  REPLY(OK "," STATS_FIELDS "}"),
	  SENDS(REQ("stats") "}", REQ("stats") "}", REQ("stats") "}"),
	  .status = EXIT_OK, .check_out = check_watch_text },
	/* Stopped by a signal long before its first round: a clean end. */
	{ ARGS("stats", "--watch", "60"), REPLY(OK "," STATS_FIELDS "}"),
	  SENDS(REQ("stats") "}"), OUT(NULL), .signal = SIGINT },
	{ ARGS("-j", "stats", "--watch", "60", "--count", "5"),
	  REPLY(OK "," STATS_FIELDS "}"), SENDS(REQ("stats") "}"), OUT(NULL),
	  .signal = SIGTERM },
	{ ARGS("stats", "--watch", "0.1", "--count", "3"),
	  REPLY(WATCH_1, ERR(5, "reading the counters: Input/output error")),
	  SENDS(REQ("stats") "}", REQ("stats") "}"),
	  FAIL("reading the counters: Input/output error") },
	{ ARGS("stats", "--count", "2"), USAGE("--count needs --watch") },
	{ ARGS("stats", "--watch", "0"),
	  USAGE("--watch: the interval must be more than 0 seconds") },
	{ ARGS("stats", "--watch", "fast"),
	  USAGE("--watch: 'fast' is not a number of seconds") },
	{ ARGS("stats", "--watch", "1", "--count", "0"),
	  USAGE("--count: at least 1 round") },
	{ ARGS("stats", "--watch", "1", "--count", "many"),
	  USAGE("--count: 'many' is not a decimal number") },
	{ ARGS("stats", "web"), USAGE("unexpected argument 'web' for stats") },
	{ ARGS("stats", "-h"), HELP("Usage: steerctl stats [--watch") },

	/* steerd absent */
	{ ARGS("status"), .sock = SOCK_ABSENT, .status = EXIT_NO_DAEMON,
	  .err = "No such file or directory; start it with 'steerd'",
	  .err_has_socket = true },
	{ ARGS("-j", "group", "list"), .sock = SOCK_ABSENT,
	  .status = EXIT_NO_DAEMON, .err = "cannot reach steerd at",
	  .json_err = true, .err_has_socket = true },
	{ ARGS("iface", "show"), .sock = SOCK_REFUSED, .status = EXIT_NO_DAEMON,
	  .err = "Connection refused; start it with 'steerd'",
	  .err_has_socket = true },
	{ ARGS("stats", "--watch", "1"), .sock = SOCK_REFUSED,
	  .status = EXIT_NO_DAEMON, .err = "cannot reach steerd at",
	  .err_has_socket = true },
	{ ARGS("status"), .sock = SOCK_DEFAULT, .status = EXIT_NO_DAEMON,
	  .err = "cannot reach steerd at " STEER_RUN_DIR "/netns-" },
	{ ARGS("status"), .sock = SOCK_TOO_LONG,
	  USAGE("a UNIX socket path has at most 107 bytes") },
	/* A usage error is found before steerd is looked for. */
	{ ARGS("group", "add", "web"), .sock = SOCK_ABSENT,
	  USAGE("group add needs --listen") },

	/* steerd misbehaving */
	{ ARGS("status"), REPLY(CLOSE), SENDS(REQ("status") "}"),
	  FAIL("closed the connection without replying; see its log"),
	  .err_has_socket = true },
	{ ARGS("status"), REPLY("{'v':2,'ok':true}"), SENDS(REQ("status") "}"),
	  FAIL("steerd's reply is not of protocol version 1") },
	{ ARGS("status"), REPLY("ok"), SENDS(REQ("status") "}"),
	  FAIL("steerd's reply is not a JSON object") },
	{ ARGS("status"), REPLY("{'v':1}"), SENDS(REQ("status") "}"),
	  FAIL("steerd's reply has no boolean \"ok\"") },
	{ ARGS("group", "list"), REPLY("{'v':1,'ok':false,'errno':13}"),
	  SENDS(REQ("group_list") "}"), FAIL("Permission denied") },
	/* Errnos that would read as exit 2 or 3 are steerd's: exit 1. */
	{ ARGS("group", "list"), REPLY(ERR(107, "not connected")),
	  SENDS(REQ("group_list") "}"), FAIL("not connected") },
	{ ARGS("group", "list"), REPLY(ERR(111, "refused")),
	  SENDS(REQ("group_list") "}"), FAIL("refused") },
	/* Events queued ahead of the reply are not the reply. */
	{ ARGS("group", "list"),
	  REPLY("{'v':1,'event':'drain','slot':1}" THEN
		"{'v':1,'event':'drained','slot':1}" THEN OK ",'groups':[]}"),
	  SENDS(REQ("group_list") "}"), OUT(NULL) },
};

/* Per run: where the fake steerd listens, and what it heard. */
static struct {
	char dir[PATH_MAX];
	char path[PATH_MAX]; /* the fake steerd */
	char absent[PATH_MAX];
	char refused[PATH_MAX];
	int listen_fd;
	char *requests[FAKE_REQUESTS_MAX];
	size_t nrequests; /* including those not recorded */
	size_t connections;
} fake = { .listen_fd = -1 };

/* Single-quoted JSON, as in the tables, to JSON text; caller frees. */
static char *dq(const char *s)
{
	char *t = strdup(s), *p;

	assert_non_null(t);
	for (p = t; *p; p++)
		if (*p == '\'')
			*p = '"';
	return t;
}

static int unix_socket(const char *path, bool do_listen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_true(strlen(path) < sizeof(sa.sun_path));
	strcpy(sa.sun_path, path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	if (do_listen)
		assert_int_equal(listen(fd, FAKE_CONNS_MAX), 0);
	return fd;
}

static int fake_setup(void **state)
{
	strcpy(fake.dir, "/tmp/steerctl-cli-XXXXXX");
	if (!mkdtemp(fake.dir))
		return -1;
	snprintf(fake.path, sizeof(fake.path), "%s/steerd.sock", fake.dir);
	snprintf(fake.absent, sizeof(fake.absent), "%s/absent.sock", fake.dir);
	snprintf(fake.refused, sizeof(fake.refused), "%s/refused.sock",
		 fake.dir);
	fake.listen_fd = unix_socket(fake.path, true);
	/* Bound, never listening: what a dead steerd leaves behind. */
	close(unix_socket(fake.refused, false));
	return 0;
}

static int fake_teardown(void **state)
{
	if (fake.listen_fd >= 0)
		close(fake.listen_fd);
	unlink(fake.path);
	unlink(fake.refused);
	rmdir(fake.dir);
	return 0;
}

static void fake_reset(void)
{
	size_t i;

	for (i = 0; i < FAKE_REQUESTS_MAX; i++) {
		free(fake.requests[i]);
		fake.requests[i] = NULL;
	}
	fake.nrequests = 0;
	fake.connections = 0;
}

static size_t nr_expected(const struct cli_case *c)
{
	size_t n = 0;

	while (n < CASE_REQUESTS_MAX && c->requests[n])
		n++;
	return n;
}

static void send_reply(int conn, const char *text)
{
	char *t = dq(text);

	/* The peer may be gone already: that is its business. */
	send(conn, t, strlen(t), MSG_NOSIGNAL);
	free(t);
}

/*
 * Reads one request on conn and answers it. Returns false when the
 * connection is to be closed.
 */
static bool serve_request(const struct cli_case *c, int conn)
{
	char *buf = malloc(STEER_PROTO_MAX_MSG + 1), *msg;
	const char *reply, *then;
	size_t nreplies = 0;
	ssize_t n;

	assert_non_null(buf);
	n = recv(conn, buf, STEER_PROTO_MAX_MSG + 1, 0);
	if (n <= 0) {
		free(buf);
		return false;
	}
	buf[n] = '\0';
	if (fake.nrequests < FAKE_REQUESTS_MAX)
		fake.requests[fake.nrequests] = buf;
	else
		free(buf);

	while (nreplies < CASE_REPLIES_MAX && c->replies[nreplies])
		nreplies++;
	fake.nrequests++;
	if (!nreplies)
		return false; /* not expected to be called: hang up */
	reply = c->replies[fake.nrequests - 1 < nreplies ? fake.nrequests - 1 :
							   nreplies - 1];

	if (!strcmp(reply, CLOSE))
		return false;
	for (; (then = strstr(reply, THEN)); reply = then + strlen(THEN)) {
		msg = strndup(reply, then - reply);
		assert_non_null(msg);
		send_reply(conn, msg);
		free(msg);
	}
	send_reply(conn, reply);
	return true;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * MS_PER_S + ts.tv_nsec / 1000000;
}

/* Serves steerctl's connections until it exits. */
static void serve(const struct cli_case *c, struct steerctl_run *r)
{
	struct pollfd pfd[1 + FAKE_CONNS_MAX];
	int conns[FAKE_CONNS_MAX], nconns = 0, i, fd;
	int64_t deadline = now_ms() + RUN_TIMEOUT_MS;
	bool exited = false, signalled = false;

	for (;;) {
		/* One more pass after the exit: to see what it left. */
		exited = steerctl_reap(r, false);
		pfd[0] = (struct pollfd){ .fd = fake.listen_fd,
					  .events = POLLIN };
		for (i = 0; i < nconns; i++)
			pfd[i + 1] = (struct pollfd){ .fd = conns[i],
						      .events = POLLIN };
		assert_true(poll(pfd, nconns + 1, exited ? 0 : POLL_MS) >= 0);

		if (pfd[0].revents & POLLIN) {
			fd = accept4(fake.listen_fd, NULL, NULL, SOCK_CLOEXEC);
			assert_true(fd >= 0);
			fake.connections++;
			if (nconns < FAKE_CONNS_MAX)
				conns[nconns++] = fd;
			else
				close(fd);
		}
		for (i = nconns - 1; i >= 0; i--) {
			if (!pfd[i + 1].revents)
				continue;
			if (!serve_request(c, conns[i])) {
				close(conns[i]);
				conns[i] = conns[--nconns];
			}
		}

		if (c->signal && !signalled &&
		    fake.nrequests >= nr_expected(c)) {
			kill(r->pid, c->signal);
			signalled = true;
		}
		if (exited)
			break;
		if (now_ms() > deadline) {
			steerctl_kill(r);
			fail_msg("steerctl still running after %d ms",
				 RUN_TIMEOUT_MS);
		}
	}
	while (nconns)
		close(conns[--nconns]);
}

/* The requests are exactly the expected ones. */
static const char *check_requests(const struct cli_case *c)
{
	size_t i, n = nr_expected(c);
	json_t *got, *want;
	char *text;
	bool same;

	if (!n && fake.connections)
		return "requests (steerd must not be contacted)";
	if (fake.nrequests != n)
		return "number of requests";
	for (i = 0; i < n && i < FAKE_REQUESTS_MAX; i++) {
		text = dq(c->requests[i]);
		want = json_loads(text, 0, NULL);
		free(text);
		assert_non_null(want);
		got = json_loads(fake.requests[i], 0, NULL);
		same = got && json_equal(got, want);
		json_decref(got);
		json_decref(want);
		if (!same)
			return "request";
	}
	return NULL;
}

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
		*sock = fake.path;
		break;
	case SOCK_ABSENT:
		*sock = fake.absent;
		break;
	case SOCK_REFUSED:
		*sock = fake.refused;
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
	const char *what, *sock = fake.path;
	struct steerctl_run r;
	size_t i;

	if (c->sock == SOCK_DEFAULT && !access(steer_default_socket(), F_OK))
		skip(); /* a steerd may be running there */

	fake_reset();
	build_argv(c, argv, long_path, sizeof(long_path), &sock);
	steerctl_spawn(&r, argv, -1);
	serve(c, &r);

	if (c->out)
		out = c->out_quoted ? dq(c->out) : strdup(c->out);
	what = check_output(c, &r, out, sock);
	if (!what)
		what = check_requests(c);
	if (what) {
		print_error("%s wrong.\nexpected status %d, stdout \"%s\", "
			    "error phrase \"%s\"\ngot status %d\nstdout:\n%s\n"
			    "stderr:\n%s\n",
			    what, c->status, out ? out : "(see the case)",
			    c->err ? c->err : "", r.status, r.out_text,
			    r.err_text);
		for (i = 0; i < nr_expected(c); i++)
			print_error("expected request %zu: %s\n", i,
				    c->requests[i]);
		for (i = 0; i < fake.nrequests && i < FAKE_REQUESTS_MAX; i++)
			print_error("got request %zu: %s\n", i,
				    fake.requests[i]);
		fail();
	}
	if (c->check_out)
		c->check_out(r.out_text);
	free(out);
	steerctl_run_free(&r);
}

/* value is rate per second of delta over interval_ms, give or take 1%. */
static void assert_rate(json_int_t value, double delta, json_int_t ms)
{
	double want = delta * MS_PER_S / (double)ms;

	if (value < want * 0.99 - 1 || value > want * 1.01 + 1)
		fail_msg("rate %lld, expected %.1f (%.0f over %lld ms)",
			 (long long)value, want, delta, (long long)ms);
}

static json_int_t packets_of(json_t *doc, size_t group, const char *name)
{
	json_t *g = json_array_get(json_object_get(doc, "groups"), group);

	assert_string_equal(json_string_value(json_object_get(g, "name")),
			    name);
	return json_integer_value(json_object_get(g, "packets"));
}

/*
 * WATCH_1..3 as two rounds of rates: not_ip +1000 then +0; web +1000,
 * then reset to 200 (counted from zero); api new with 100.
 */
static void check_watch_json(const char *out)
{
	json_t *round[2];
	json_int_t ms[2];
	const char *line = out;
	size_t i;

	assert_int_equal(steerctl_count_lines(out), 2);
	for (i = 0; i < 2; i++) {
		round[i] = json_loadb(line, strchr(line, '\n') - line, 0, NULL);
		assert_non_null(round[i]);
		line = strchr(line, '\n') + 1;
		ms[i] = json_integer_value(
			json_object_get(round[i], "interval_ms"));
		/* --watch 0.1: at least that, not much more. */
		assert_true(ms[i] >= 100 && ms[i] < 5 * MS_PER_S);
	}
	assert_rate(json_integer_value(json_object_get(
			    json_object_get(round[0], "counters"), "not_ip")),
		    1000, ms[0]);
	assert_rate(packets_of(round[0], 0, "web"), 1000, ms[0]);
	assert_int_equal(
		json_integer_value(json_object_get(
			json_object_get(round[1], "counters"), "not_ip")),
		0);
	assert_rate(packets_of(round[1], 0, "web"), 200, ms[1]);
	assert_rate(packets_of(round[1], 1, "api"), 100, ms[1]);
	/* Counters that did not move: 0 per second. */
	assert_int_equal(
		json_integer_value(json_object_get(
			json_array_get(json_object_get(round[1], "groups"), 0),
			"syns")),
		0);
	json_decref(round[0]);
	json_decref(round[1]);
}

/* Two text rounds of unmoving counters: all zero, one blank line each. */
static void check_watch_text(const char *out)
{
	const char *round = "frames:\n"
			    "  no_iface 0\n"
			    "  not_ip   0\n"
			    "  matched  0\n"
			    "group web:\n"
			    "  packets 0  syns 0  local 0  redirected 0  "
			    "fallback 0\n"
			    "  xsk_redirected 0  xsk_miss 0  rss_mismatch 0\n"
			    "  select_local 0  select_fallback 0  "
			    "select_none 0  migrations 0\n"
			    "\n";
	const char *head = "rates per second over ";
	const char *p = out;
	int i;

	for (i = 0; i < 2; i++) {
		assert_memory_equal(p, head, strlen(head));
		p += strlen(head);
		while (*p >= '0' && *p <= '9')
			p++;
		assert_memory_equal(p, " ms:\n", strlen(" ms:\n"));
		p += strlen(" ms:\n");
		assert_memory_equal(p, round, strlen(round));
		p += strlen(round);
	}
	assert_string_equal(p, "");
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
	return name;
}

int main(void)
{
	size_t n = sizeof(cases) / sizeof(cases[0]), i;
	struct CMUnitTest *tests;
	int ret;

	tests = calloc(n + 1, sizeof(*tests));
	if (!tests)
		return 1;
	tests[0] = (struct CMUnitTest){ .name = "steerctl is built",
					.test_func = steerctl_check_binary };
	for (i = 0; i < n; i++)
		tests[i + 1] = (struct CMUnitTest){
			.name = case_name(&cases[i]),
			.test_func = check_case,
			.initial_state = (void *)&cases[i],
		};

	ret = _cmocka_run_group_tests("steerctl_cli", tests, n + 1, fake_setup,
				      fake_teardown);
	for (i = 1; i <= n; i++)
		free((char *)tests[i].name);
	free(tests);
	fake_reset();
	return ret;
}
