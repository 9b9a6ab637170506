// SPDX-License-Identifier: GPL-2.0-only
/*
 * steerctl iface: attach steer's XDP program to an interface, detach it,
 * and show how each attached interface steers.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "cli_args.h"
#include "client.h"
#include "lib/log.h"
#include "output.h"
#include "lib/parse.h"
#include "steer_abi.h"
#include "steerctl.h"

#define ATTACH_SYNOPSIS                                                      \
	"steerctl iface attach IFNAME [--mode native|skb] [--steer rss|cpu]" \
	"\n                             [--cpus LIST] [--force] "            \
	"[--verify-rss] [--xps]"                                             \
	"\n                             [--rss-key HEX] [--indir TABLE] "    \
	"[--queue-cpus MAP]"
#define DETACH_SYNOPSIS "steerctl iface detach IFNAME"
#define SHOW_SYNOPSIS "steerctl iface show [IFNAME]"

#define IFACE_JSON                                                          \
	"{\"name\": \"eth0\", \"ifindex\": 2, \"slot\": 0, \"xdp_mode\": "  \
	"\"native\",\n"                                                     \
	"   \"attach\": \"single\", \"steer\": \"cpu\", \"rx_queues\": 4, " \
	"\"cpus\": [0, 1, 2, 3],\n"                                         \
	"   \"indir_size\": 128, \"key\": \"6d5a56da...\"}"

static const char *const xdp_modes[] = { "native", "skb", NULL };
static const char *const steer_modes[] = { "rss", "cpu", NULL };

/* Text: the CPUs as ranges, "0-3,6"; JSON: the array. */
static void print_cpus(const uint32_t *cpus, size_t n)
{
	size_t i, size = 0;
	uint32_t first, cur, next;
	char *text = NULL;
	FILE *f;

	open_json_array("cpus");
	for (i = 0; i < n; i++)
		print_uint(PRINT_JSON, NULL, NULL, cpus[i]);
	close_json_array();
	if (output_is_json())
		return;

	f = open_memstream(&text, &size);
	if (!f)
		return;
	for (i = 0; i < n; i = next) {
		first = cpus[i];
		cur = first;
		for (next = i + 1; next < n; next++) {
			if (cpus[next] != (uint64_t)cur + 1)
				break;
			cur++;
		}
		fprintf(f, "%s%u", i ? "," : "", first);
		if (cur != first)
			fprintf(f, "-%u", cur);
	}
	if (!fclose(f))
		print_string(PRINT_FP, NULL, " cpus %s", n ? text : "none");
	free(text);
}

/* Indirection entries per line of text: "0-15: q0 q1 ...". */
#define INDIR_PER_LINE 16

static void print_indir(const json_t *indir)
{
	size_t i, n = json_array_size(indir);
	json_t *v;

	open_json_array("indir");
	json_array_foreach(indir, i, v)
	{
		if (!output_is_json() && i % INDIR_PER_LINE == 0)
			printf("\tindir %zu-%zu:", i,
			       (i + INDIR_PER_LINE < n ? i + INDIR_PER_LINE :
							 n) -
				       1);
		print_uint(PRINT_ANY, NULL, " q%u",
			   (unsigned int)json_integer_value(v));
		if (!output_is_json() &&
		    (i % INDIR_PER_LINE == INDIR_PER_LINE - 1 || i == n - 1))
			printf("\n");
	}
	close_json_array();
}

static unsigned int member_uint(const json_t *o, const char *key)
{
	return (unsigned int)json_integer_value(json_object_get(o, key));
}

static void print_queue_cpus(const json_t *queues)
{
	size_t i;
	json_t *q;

	open_json_array("queue_cpus");
	json_array_foreach(queues, i, q)
	{
		open_json_object(NULL);
		print_uint(PRINT_ANY, "queue", "\tqueue %u",
			   member_uint(q, "queue"));
		print_uint(PRINT_ANY, "cpu", " cpu %u", member_uint(q, "cpu"));
		print_string(PRINT_ANY, "source", " (%s",
			     json_string_value(json_object_get(q, "source")));
		if (json_object_get(q, "irq"))
			print_uint(PRINT_ANY, "irq", ", irq %u",
				   member_uint(q, "irq"));
		print_string(PRINT_FP, NULL, "%s", ")\n");
		close_json_object();
	}
	close_json_array();
}

static void print_cpu_tables(const json_t *tables)
{
	size_t i;
	json_t *t;

	open_json_array("cpu_tables");
	json_array_foreach(tables, i, t)
	{
		open_json_object(NULL);
		print_uint(PRINT_ANY, "cpu",
			   "\tarrivals on cpu %u:", member_uint(t, "cpu"));
		print_uint(PRINT_ANY, "arrivals", " share %u",
			   member_uint(t, "arrivals"));
		print_uint(PRINT_ANY, "kept", ", keeps %u",
			   member_uint(t, "kept"));
		print_uint(PRINT_ANY, "buckets", " of %u buckets\n",
			   member_uint(t, "buckets"));
		close_json_object();
	}
	close_json_array();
}

/* What steerd knows of the NIC, when it says (a newer steerd). */
static void print_nic(const struct proto_iface *ifc)
{
	size_t i;
	json_t *w;

	if (!ifc->nic)
		return;
	print_string(PRINT_ANY, "state", "\tstate %s", ifc->state);
	print_uint(PRINT_ANY, "rx_queues_max", " channels max %u",
		   ifc->rx_queues_max);
	print_string(PRINT_ANY, "hfunc", " hfunc %s", ifc->hfunc);
	print_string(PRINT_ANY, "rss_source", " (rss from %s)",
		     ifc->rss_source);
	print_uint(PRINT_ANY, "resyncs", " resyncs %u\n", ifc->resyncs);
	print_percent(PRINT_FP, NULL, "\tpredicted redirect %s",
		      ifc->redirect_ppm, 1000000);
	/* A fraction in JSON: 0.5 for half of the flows. */
	print_percent(PRINT_JSON, "redirect_fraction", NULL, ifc->redirect_ppm,
		      100000000);
	print_bool(PRINT_ANY, "verify_rss", " verify_rss %s", ifc->verify_rss);
	print_u64(PRINT_ANY, "rss_mismatch", " rss_mismatch %" PRIu64,
		  ifc->rss_mismatch);
	print_string(PRINT_ANY, "rx_metadata", " rx_metadata %s\n",
		     ifc->rx_metadata ?
			     (*ifc->rx_metadata ? ifc->rx_metadata : "none") :
			     "unknown");
	if (ifc->lost)
		print_string(PRINT_ANY, "lost", "\tLOST: %s\n", ifc->lost);
	print_indir(ifc->indir);
	print_queue_cpus(ifc->queue_cpus);
	if (ifc->cpu_tables)
		print_cpu_tables(ifc->cpu_tables);
	open_json_array("warnings");
	json_array_foreach(ifc->warnings, i, w) print_string(
		PRINT_ANY, NULL, "\twarning: %s\n", json_string_value(w));
	close_json_array();
}

static void print_iface(const void *item, void *ctx)
{
	const struct proto_iface *ifc = item;

	print_string(PRINT_ANY, "name", "%s:", ifc->name);
	print_uint(PRINT_ANY, "ifindex", " ifindex %u", ifc->ifindex);
	print_uint(PRINT_ANY, "slot", " slot %u", ifc->slot);
	print_string(PRINT_ANY, "xdp_mode", " xdp %s", ifc->xdp_mode);
	print_string(PRINT_ANY, "attach", " (%s)", ifc->attach);
	print_string(PRINT_ANY, "steer", " steer %s\n", ifc->steer);
	print_uint(PRINT_ANY, "rx_queues", "\trx_queues %u", ifc->rx_queues);
	print_cpus(ifc->cpus, ifc->ncpus);
	print_uint(PRINT_ANY, "indir_size", " indir_size %u\n",
		   ifc->indir_size);
	print_string(PRINT_ANY, "key", "\tkey %s\n", ifc->key);
	print_nic(ifc);
}

static int attach_usage(void)
{
	printf("Usage: " ATTACH_SYNOPSIS "\n"
	       "\n"
	       "Attaches steer's XDP program to IFNAME and starts steering "
	       "its listener groups'\n"
	       "connections there.\n"
	       "\n"
	       "  --mode native|skb  XDP in the driver (default), or generic "
	       "XDP on the skb\n"
	       "  --steer rss|cpu    trust the NIC's RSS to put each flow on "
	       "its CPU, or hash\n"
	       "                     in XDP and redirect to the CPU "
	       "(default; for NICs with\n"
	       "                     fewer queues than CPUs, veth, virtio)\n"
	       "  --cpus LIST        the CPUs to steer to, as in /sys: 0-3,6 "
	       "(default: online)\n"
	       "  --force            replace another XDP program attached "
	       "there; with --steer\n"
	       "                     rss, steer a device without RSS or "
	       "with one RX queue\n"
	       "  --verify-rss       rss mode: check in XDP that the NIC's "
	       "queue is the one its\n"
	       "                     key and table give (rss_mismatch "
	       "counts the others)\n"
	       "  --xps              make each CPU transmit on its own "
	       "queue; detach restores\n"
	       "  --rss-key HEX      the RSS key, for a device that reports "
	       "none (veth)\n"
	       "  --indir TABLE      its indirection table: N (equal over N "
	       "queues) or 0,1,0,1\n"
	       "  --queue-cpus MAP   the CPU of each RX queue, 0:0,1:1, where "
	       "no IRQ says\n"
	       "\n"
	       "Prints the interface as 'iface show' does.\n"
	       "JSON (-j): " IFACE_JSON "\n");
	return 0;
}

static int do_attach(int argc, char **argv)
{
	const char *mode = NULL, *steer = NULL, *cpus_arg = NULL;
	const char *key_arg = NULL, *indir_arg = NULL, *qcpus_arg = NULL;
	const char *pos[1] = { NULL };
	bool force = false, verify = false, xps = false;
	const struct cli_opt opts[] = {
		CLI_OPT_VALUE("--mode", "native|skb", &mode),
		CLI_OPT_VALUE("--steer", "rss|cpu", &steer),
		CLI_OPT_VALUE("--cpus", "LIST", &cpus_arg),
		CLI_OPT_FLAG("--force", &force),
		CLI_OPT_FLAG("--verify-rss", &verify),
		CLI_OPT_FLAG("--xps", &xps),
		CLI_OPT_VALUE("--rss-key", "HEX", &key_arg),
		CLI_OPT_VALUE("--indir", "TABLE", &indir_arg),
		CLI_OPT_VALUE("--queue-cpus", "MAP", &qcpus_arg),
		CLI_OPT_END,
	};
	uint32_t table[STEER_INDIR_MAX], qcpu[STEER_MAX_QUEUES];
	uint8_t key[STEER_RSS_KEY_MAX];
	size_t len;
	struct proto_iface_attach_req req = { 0 };
	struct parse_err perr;
	struct proto_read rd;
	struct proto_iface ifc;
	const char *warning;
	size_t ncpus = 0;
	json_t *reply;
	int ret;

	ret = cli_parse_args("iface attach", argc, argv, opts, pos, 1, 1,
			     "IFNAME");
	if (ret)
		return ret > 0 ? attach_usage() : ret;
	if (cli_check_ifname(pos[0], &perr))
		return cli_usage_error("%s", perr.msg);
	if (mode && cli_check_choice(mode, xdp_modes, &perr))
		return cli_usage_error("--mode: %s", perr.msg);
	if (steer && cli_check_choice(steer, steer_modes, &perr))
		return cli_usage_error("--steer: %s", perr.msg);
	if (cpus_arg &&
	    parse_cpu_list(cpus_arg, req.cpus, STEER_MAX_CPUS, &ncpus, &perr))
		return cli_usage_error("--cpus: %s", perr.msg);
	/* Checked here for the message; steerd reads the same text. */
	if (key_arg && parse_rss_key(key_arg, key, &len, &perr))
		return cli_usage_error("--rss-key: %s", perr.msg);
	if (indir_arg &&
	    parse_indir_table(indir_arg, table, STEER_INDIR_MAX, &len, &perr))
		return cli_usage_error("--indir: %s", perr.msg);
	if (qcpus_arg && parse_queue_cpus(qcpus_arg, qcpu, &perr))
		return cli_usage_error("--queue-cpus: %s", perr.msg);

	/* Arguments with a default in the protocol are sent only if given. */
	req.ifname = pos[0];
	req.xdp_mode = mode;
	req.steer = steer;
	req.cpus_given = cpus_arg;
	req.ncpus = ncpus;
	req.force = force;
	req.verify_rss = verify;
	req.xps = xps;
	req.rss_key = key_arg;
	req.indir = indir_arg;
	req.queue_cpus = qcpus_arg;
	ret = client_request(proto_pack_iface_attach_req(&req), &reply);
	if (ret)
		return ret;
	proto_read_init(&rd);
	/* steerd's warning must reach the user: stderr, or the document. */
	proto_unpack_iface_attach_reply(&rd, reply, &ifc, &warning);
	if (rd.err) {
		ret = client_bad_reply("iface_attach", &rd);
	} else {
		print_iface(&ifc, NULL);
		if (warning && output_is_json())
			print_string(PRINT_JSON, "warning", NULL, warning);
		else if (warning)
			pr_warn("warning: %s", warning);
	}
	json_decref(reply);
	return ret;
}

static int detach_usage(void)
{
	printf("Usage: " DETACH_SYNOPSIS "\n"
	       "\n"
	       "Detaches steer's XDP program from IFNAME; its traffic takes "
	       "the kernel's default\n"
	       "path again, and XPS maps written by --xps are restored. A "
	       "program that\n"
	       "someone else put in steer's place stays. Prints nothing on "
	       "success.\n");
	return 0;
}

static int do_detach(int argc, char **argv)
{
	const struct cli_opt opts[] = { CLI_OPT_END };
	const char *pos[1] = { NULL };
	struct parse_err perr;
	int ret;

	ret = cli_parse_args("iface detach", argc, argv, opts, pos, 1, 1,
			     "IFNAME");
	if (ret)
		return ret > 0 ? detach_usage() : ret;
	if (cli_check_ifname(pos[0], &perr))
		return cli_usage_error("%s", perr.msg);

	return client_request(proto_pack_iface_detach_req(pos[0]), NULL);
}

static int show_usage(void)
{
	printf("Usage: " SHOW_SYNOPSIS "\n"
	       "\n"
	       "Shows the interfaces steer is attached to (or IFNAME only): "
	       "XDP mode and how\n"
	       "it was attached (libxdp's dispatcher, or the program alone), "
	       "steering, RX\n"
	       "queues, the CPUs steered to, the RSS indirection table size "
	       "and key; then what\n"
	       "steerd knows of the NIC: state (up, down, lost to another "
	       "program), channels,\n"
	       "hash function, resyncs, predicted redirect fraction, RSS "
	       "verification, the\n"
	       "indirection table, each queue's CPU and its source (netdev, "
	       "irq, operator,\n"
	       "default), cpu mode's tables, and warnings. Changes nothing.\n"
	       "\n"
	       "JSON (-j): {\"ifaces\": [" IFACE_JSON "]}\n"
	       "each with rx_queues_max, hfunc, rss_source, state, resyncs, "
	       "redirect_fraction,\n"
	       "verify_rss, rss_mismatch, rx_metadata, indir, queue_cpus "
	       "[{queue, cpu, source}],\n"
	       "cpu_tables and warnings.\n");
	return 0;
}

static int do_show(int argc, char **argv)
{
	const struct cli_opt opts[] = { CLI_OPT_END };
	const struct client_list ifaces = {
		.key = "ifaces",
		.size = sizeof(struct proto_iface),
		.unpack = proto_unpack_iface,
		.row = print_iface,
	};
	const char *pos[1] = { NULL };
	struct parse_err perr;
	struct proto_read rd;
	json_t *reply;
	int ret;

	ret = cli_parse_args("iface show", argc, argv, opts, pos, 0, 1,
			     "[IFNAME]");
	if (ret)
		return ret > 0 ? show_usage() : ret;
	if (pos[0] && cli_check_ifname(pos[0], &perr))
		return cli_usage_error("%s", perr.msg);

	ret = client_request(proto_pack_iface_show_req(pos[0]), &reply);
	if (ret)
		return ret;
	proto_read_init(&rd);
	ret = client_show_list("iface_show", &rd, reply, &ifaces);
	json_decref(reply);
	return ret;
}

static int do_iface_help(int argc, char **argv);

static const struct cli_cmd iface_cmds[] = {
	{ "attach", do_attach, "attach steer to an interface" },
	{ "detach", do_detach, "detach steer from an interface" },
	{ "show", do_show, "show the interfaces steer is attached to" },
	{ "help", do_iface_help, "print this help" },
	{ NULL },
};

static int do_iface_help(int argc, char **argv)
{
	printf("Usage: " ATTACH_SYNOPSIS "\n"
	       "       " DETACH_SYNOPSIS "\n"
	       "       " SHOW_SYNOPSIS "\n"
	       "\n"
	       "Commands (any unique prefix works):\n");
	cli_print_cmds(iface_cmds);
	printf("\n'steerctl iface COMMAND help' describes each.\n");
	return 0;
}

int do_iface(int argc, char **argv)
{
	if (argc && cli_is_help(*argv))
		return do_iface_help(0, NULL);
	return cli_cmd_run(iface_cmds, argc, argv, "iface");
}
