// SPDX-License-Identifier: GPL-2.0-only
/* The CLI cases of steerctl iface attach, detach and show (steerctl_cases.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lib/proto_msg.h"
#include "steerctl_cases.h"

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
/* What a steerd that knows the NIC adds. */
#define NIC_FIELDS                                                           \
	",'state':'up','rx_queues_max':8,'hfunc':'toeplitz','rss_source':"   \
	"'ethtool','rx_metadata':'hash','verify_rss':true,'rss_mismatch':5," \
	"'resyncs':2,'redirect_ppm':250000,'indir':[0,1,2,3],'queue_cpus':"  \
	"[{'queue':0,'cpu':0,'source':'irq','irq':35},{'queue':1,'cpu':1,"   \
	"'source':'netdev'}],'cpu_tables':[{'cpu':0,'arrivals':2,'kept':"    \
	"384,'buckets':512}],'warnings':['rx-0: RPS is on']"
#define NIC_TEXT                                                               \
	"\tstate up channels max 8 hfunc toeplitz (rss from ethtool) resyncs " \
	"2\n"                                                                  \
	"\tpredicted redirect 25.00% verify_rss true rss_mismatch 5 "          \
	"rx_metadata hash\n"                                                   \
	"\tindir 0-3: q0 q1 q2 q3\n"                                           \
	"\tqueue 0 cpu 0 (irq, irq 35)\n"                                      \
	"\tqueue 1 cpu 1 (netdev)\n"                                           \
	"\tarrivals on cpu 0: share 2, keeps 384 of 512 buckets\n"             \
	"\twarning: rx-0: RPS is on\n"
#define FLOW_ARGS "198.18.0.1", "198.18.0.2", "1234", "80"
#define FLOW_REQ                                                          \
	REQ("iface_show")                                                 \
	",'ifname':'eth1','flow':{'src':'198.18.0.1','dst':'198.18.0.2'," \
	"'sport':1234,'dport':80}}"

/* IFACE_FIELDS */
static const struct proto_iface veth0 = {
	.name = "veth0",
	.ifindex = 4,
	.xdp_mode = "native",
	.attach = "single",
	.steer = "cpu",
	.rx_queues = 4,
	.ncpus = 5,
	.cpus = { 0, 1, 2, 3, 6 },
	.indir_size = 128,
	.key = "6d5a56da",
};

/* IFACE2_FIELDS */
static const struct proto_iface eth1 = {
	.name = "eth1",
	.ifindex = 7,
	.slot = 1,
	.xdp_mode = "skb",
	.attach = "dispatcher",
	.steer = "rss",
	.rx_queues = 8,
	.indir_size = 512,
	.key = "00ff",
};

static json_t *attach_reply(void)
{
	return proto_pack_iface_attach_reply(&veth0, NULL);
}

static json_t *attach_warning_reply(void)
{
	return proto_pack_iface_attach_reply(&veth0, VETH_WARNING);
}

/* iface_show's reply of n of veth0 and eth1. */
static json_t *show_reply(size_t n)
{
	const struct proto_iface *all[] = { &veth0, &eth1 };
	json_t *list = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(list, proto_pack_iface(all[i]));
	return proto_pack_iface_show_reply(list);
}

static json_t *show_both_reply(void)
{
	return show_reply(2);
}

static json_t *show_veth0_reply(void)
{
	return show_reply(1);
}

static json_t *show_none_reply(void)
{
	return show_reply(0);
}

static const struct cli_case cases[] = {
	/* iface attach */
	{ ARGS("iface", "attach", "veth0"), PACKED(attach_reply),
	  SENDS(REQ("iface_attach") ",'ifname':'veth0','force':false}"),
	  OUT(IFACE_TEXT) },
	{ ARGS("if", "at", "veth0", "--mode", "skb", "--steer", "rss", "--cpus",
	       "0-2,5", "--force"),
	  PACKED(attach_reply),
	  SENDS(REQ("iface_attach") ",'ifname':'veth0','xdp_mode':'skb',"
				    "'steer':'rss','cpus':[0,1,2,5],"
				    "'force':true}"),
	  OUT(IFACE_TEXT) },
	{ ARGS("iface", "attach", "--mode=native", "--steer=cpu", "veth0",
	       "--cpus=3"),
	  PACKED(attach_reply),
	  SENDS(REQ("iface_attach") ",'ifname':'veth0','xdp_mode':'native',"
				    "'steer':'cpu','cpus':[3],"
				    "'force':false}"),
	  OUT(IFACE_TEXT) },
	{ ARGS("-j", "iface", "attach", "veth0"), PACKED(attach_reply),
	  SENDS(REQ("iface_attach") ",'ifname':'veth0','force':false}"),
	  OUT_JSON("{" IFACE_FIELDS "}\n") },
	/* steerd's warning reaches the user: stderr, or the document. */
	{ ARGS("iface", "attach", "veth0"), PACKED(attach_warning_reply),
	  SENDS(REQ("iface_attach") ",'ifname':'veth0','force':false}"),
	  OUT(IFACE_TEXT), .err = "warning: " VETH_WARNING },
	{ ARGS("-j", "iface", "attach", "veth0"), PACKED(attach_warning_reply),
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
	{ ARGS("iface", "show"), PACKED(show_both_reply),
	  SENDS(REQ("iface_show") "}"), OUT(IFACE_TEXT IFACE2_TEXT) },
	{ ARGS("iface", "sh", "veth0"), PACKED(show_veth0_reply),
	  SENDS(REQ("iface_show") ",'ifname':'veth0'}"), OUT(IFACE_TEXT) },
	{ ARGS("-j", "iface", "show"), PACKED(show_both_reply),
	  SENDS(REQ("iface_show") "}"),
	  OUT_JSON("{'ifaces':[{" IFACE_FIELDS "},{" IFACE2_FIELDS "}]}\n") },
	{ ARGS("iface", "show"), PACKED(show_none_reply),
	  SENDS(REQ("iface_show") "}"), OUT(NULL) },
	{ ARGS("-j", "iface", "show"), PACKED(show_none_reply),
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

	/* a steerd that knows the NIC */
	{ ARGS("iface", "show", "veth0"),
	  REPLY(OK ",'ifaces':[{" IFACE_FIELDS NIC_FIELDS "}]}"),
	  SENDS(REQ("iface_show") ",'ifname':'veth0'}"),
	  OUT(IFACE_TEXT NIC_TEXT) },
	{ ARGS("-j", "iface", "show", "veth0"),
	  REPLY(OK ",'ifaces':[{" IFACE_FIELDS NIC_FIELDS "}]}"),
	  SENDS(REQ("iface_show") ",'ifname':'veth0'}"),
	  OUT_JSON("{'ifaces':[{" IFACE_FIELDS
		   ",'state':'up','rx_queues_max':8,'hfunc':'toeplitz',"
		   "'rss_source':'ethtool','resyncs':2,'redirect_fraction':"
		   "0.25,'verify_rss':true,'rss_mismatch':5,'rx_metadata':"
		   "'hash','indir':[0,1,2,3],'queue_cpus':[{'queue':0,'cpu':"
		   "0,'source':'irq','irq':35},{'queue':1,'cpu':1,'source':"
		   "'netdev'}],'cpu_tables':[{'cpu':0,'arrivals':2,'kept':"
		   "384,'buckets':512}],'warnings':['rx-0: RPS is on']}]}\n") },
	{ ARGS("iface", "show"),
	  REPLY(OK ",'ifaces':[{" IFACE_FIELDS ",'indir':{}}]}"),
	  SENDS(REQ("iface_show") "}"),
	  FAIL("ifaces[0].indir: expected an array, got an object") },
	{ ARGS("iface", "attach", "veth0", "--steer", "rss", "--verify-rss",
	       "--xps", "--rss-key",
	       "6d5a56da255b0ec24167253d43a38fb0d0ca2bcb"
	       "ae7b30b477cb2da38030f20c6a42b73bbeac01fa",
	       "--indir", "4", "--queue-cpus", "0:0,1:1"),
	  PACKED(attach_reply),
	  SENDS(REQ("iface_attach") ",'ifname':'veth0','steer':'rss',"
				    "'force':false,'rss_key':'6d5a56da255b0e"
				    "c24167253d43a38fb0d0ca2bcbae7b30b477cb2"
				    "da38030f20c6a42b73bbeac01fa','indir':'4"
				    "','queue_cpus':'0:0,1:1','verify_rss':"
				    "true,'xps':true}"),
	  OUT(IFACE_TEXT) },
	{ ARGS("iface", "attach", "veth0", "--rss-key", "6d5a"),
	  USAGE("--rss-key: ") },
	{ ARGS("iface", "attach", "veth0", "--queue-cpus", "0:0,0:1"),
	  USAGE("--queue-cpus: ") },
	{ ARGS("iface", "attach", "veth0", "--indir", "x"),
	  USAGE("--indir: ") },

	/* hash --iface: steerd hashes with the NIC's key and table */
	{ ARGS("hash", "--iface", "eth1", FLOW_ARGS),
	  REPLY(OK ",'ifaces':[{" IFACE2_FIELDS ",'flow':{'hash':3023693512,"
		   "'bucket':72,'queue':0,'cpu':0,'steer_cpu':1}}]}"),
	  SENDS(FLOW_REQ),
	  OUT("0xb439e6c8 bucket 72 queue 0 cpu 0 "
	      "steer_cpu 1\n") },
	{ ARGS("-j", "hash", "--iface=eth1", FLOW_ARGS),
	  REPLY(OK ",'ifaces':[{" IFACE2_FIELDS ",'flow':{'hash':3023693512,"
		   "'bucket':72,'queue':0,'cpu':0,'steer_cpu':1}}]}"),
	  SENDS(FLOW_REQ),
	  OUT_JSON("{'hash':'0xb439e6c8','bucket':72,'queue':0,'cpu':0,"
		   "'steer_cpu':1}\n") },
	{ ARGS("hash", "--iface", "eth1", FLOW_ARGS),
	  REPLY(OK ",'ifaces':[{" IFACE2_FIELDS ",'hfunc':'xor','flow':{}}]}"),
	  SENDS(FLOW_REQ), FAIL("steer knows no Toeplitz key and table") },
	{ ARGS("hash", "--iface", "eth1", "--l3", "198.18.0.1", "198.18.0.2"),
	  USAGE("--iface hashes with the NIC's own key") },
	{ ARGS("hash", "--iface", "eth1", "198.18.0.1", "2001:db8::1", "1",
	       "2"),
	  USAGE("same family") },

	/* iface family */
	{ ARGS("iface"), USAGE("missing iface command; one of: attach, "
			       "detach, show, help") },
	{ ARGS("iface", "frob"), USAGE("unknown iface command 'frob'") },
	{ ARGS("iface", "help"), HELP("Usage: steerctl iface attach") },
	{ ARGS("iface", "--help"), HELP("steerctl iface show [IFNAME]") },
	{ ARGS("help", "iface"), HELP("steerctl iface detach IFNAME") },

};

CASE_TABLE(steerctl_iface_cases, cases);
