// SPDX-License-Identifier: GPL-2.0-only
/*
 * steerctl iface: attach steer's XDP program to an interface, detach it,
 * and show how each attached interface steers.
 */
#include <errno.h>
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
	"\n                             [--cpus LIST] [--force]"
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

/* An interface as steerd describes it; strings borrowed from the reply. */
struct iface {
	const char *name;
	uint32_t ifindex;
	uint32_t slot;
	const char *xdp_mode;
	const char *attach;
	const char *steer;
	uint32_t rx_queues;
	json_t *cpus; /* [int], checked */
	uint32_t indir_size;
	const char *key;
};

/* Reads an interface object; where names it in messages ("ifaces[1]"). */
static void read_iface(struct proto_read *rd, const json_t *obj,
		       const char *where, struct iface *ifc)
{
	json_t *cpu;
	size_t i;

	proto_read_at(rd, "%s", where);
	ifc->name = proto_read_str(rd, obj, "name");
	ifc->ifindex = proto_read_u32(rd, obj, "ifindex");
	ifc->slot = proto_read_u32(rd, obj, "slot");
	ifc->xdp_mode = proto_read_str(rd, obj, "xdp_mode");
	ifc->attach = proto_read_str(rd, obj, "attach");
	ifc->steer = proto_read_str(rd, obj, "steer");
	ifc->rx_queues = proto_read_u32(rd, obj, "rx_queues");
	ifc->cpus = proto_read_array(rd, obj, "cpus");
	ifc->indir_size = proto_read_u32(rd, obj, "indir_size");
	ifc->key = proto_read_str(rd, obj, "key");
	json_array_foreach(ifc->cpus, i, cpu)
	{
		proto_read_at(rd, "%s%scpus[%zu]", where, *where ? "." : "", i);
		proto_read_u32(rd, cpu, NULL);
	}
}

/* Text: the CPUs as ranges, "0-3,6"; JSON: the array. */
static void print_cpus(const json_t *cpus)
{
	size_t i, n = json_array_size(cpus), size = 0;
	uint32_t first, cur, next;
	char *text = NULL;
	FILE *f;

	open_json_array("cpus");
	for (i = 0; i < n; i++)
		print_uint(PRINT_JSON, NULL, NULL,
			   json_integer_value(json_array_get(cpus, i)));
	close_json_array();
	if (output_is_json())
		return;

	f = open_memstream(&text, &size);
	if (!f)
		return;
	for (i = 0; i < n; i = next) {
		first = json_integer_value(json_array_get(cpus, i));
		cur = first;
		for (next = i + 1; next < n; next++) {
			if (json_integer_value(json_array_get(cpus, next)) !=
			    (json_int_t)cur + 1)
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

static void print_iface(const struct iface *ifc)
{
	print_string(PRINT_ANY, "name", "%s:", ifc->name);
	print_uint(PRINT_ANY, "ifindex", " ifindex %u", ifc->ifindex);
	print_uint(PRINT_ANY, "slot", " slot %u", ifc->slot);
	print_string(PRINT_ANY, "xdp_mode", " xdp %s", ifc->xdp_mode);
	print_string(PRINT_ANY, "attach", " (%s)", ifc->attach);
	print_string(PRINT_ANY, "steer", " steer %s\n", ifc->steer);
	print_uint(PRINT_ANY, "rx_queues", "\trx_queues %u", ifc->rx_queues);
	print_cpus(ifc->cpus);
	print_uint(PRINT_ANY, "indir_size", " indir_size %u\n",
		   ifc->indir_size);
	print_string(PRINT_ANY, "key", "\tkey %s\n", ifc->key);
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
	       "there\n"
	       "\n"
	       "Prints the interface as 'iface show' does.\n"
	       "JSON (-j): " IFACE_JSON "\n");
	return 0;
}

static int do_attach(int argc, char **argv)
{
	const char *mode = NULL, *steer = NULL, *cpus_arg = NULL;
	const char *pos[1] = { NULL };
	bool force = false;
	const struct cli_opt opts[] = {
		CLI_OPT_VALUE("--mode", "native|skb", &mode),
		CLI_OPT_VALUE("--steer", "rss|cpu", &steer),
		CLI_OPT_VALUE("--cpus", "LIST", &cpus_arg),
		CLI_OPT_FLAG("--force", &force),
		CLI_OPT_END,
	};
	uint32_t cpus[STEER_MAX_CPUS];
	struct parse_err perr;
	struct proto_read rd;
	json_t *req, *reply, *list;
	const char *warning;
	struct iface ifc;
	size_t ncpus = 0, i;
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
	    parse_cpu_list(cpus_arg, cpus, STEER_MAX_CPUS, &ncpus, &perr))
		return cli_usage_error("--cpus: %s", perr.msg);

	/* Arguments with a default in the protocol are sent only if given. */
	req = proto_request("iface_attach");
	client_req_set(&req, "ifname", json_string(pos[0]));
	if (mode)
		client_req_set(&req, "xdp_mode", json_string(mode));
	if (steer)
		client_req_set(&req, "steer", json_string(steer));
	if (cpus_arg) {
		list = json_array();
		for (i = 0; list && i < ncpus; i++) {
			if (json_array_append_new(list,
						  json_integer(cpus[i]))) {
				json_decref(list);
				list = NULL;
			}
		}
		client_req_set(&req, "cpus", list);
	}
	client_req_set(&req, "force", json_boolean(force));

	ret = client_request(req, &reply);
	if (ret)
		return ret;
	proto_read_init(&rd);
	read_iface(&rd, reply, "", &ifc);
	/*
	 * Not in docs/protocol.md (yet): steerd adds "warning" when the
	 * attachment works but will lose traffic, e.g. native XDP with
	 * CPU redirects on veth. It must reach the user.
	 */
	proto_read_at(&rd, "%s", "");
	warning = json_object_get(reply, "warning") ?
			  proto_read_str(&rd, reply, "warning") :
			  NULL;
	if (rd.err) {
		ret = client_bad_reply("iface_attach", &rd);
	} else {
		print_iface(&ifc);
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
	       "path again. Prints nothing on success.\n");
	return 0;
}

static int do_detach(int argc, char **argv)
{
	const struct cli_opt opts[] = { CLI_OPT_END };
	const char *pos[1] = { NULL };
	struct parse_err perr;
	json_t *req;
	int ret;

	ret = cli_parse_args("iface detach", argc, argv, opts, pos, 1, 1,
			     "IFNAME");
	if (ret)
		return ret > 0 ? detach_usage() : ret;
	if (cli_check_ifname(pos[0], &perr))
		return cli_usage_error("%s", perr.msg);

	req = proto_request("iface_detach");
	client_req_set(&req, "ifname", json_string(pos[0]));
	return client_request(req, NULL);
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
	       "and key.\n"
	       "Changes nothing.\n"
	       "\n"
	       "JSON (-j): {\"ifaces\": [" IFACE_JSON "]}\n");
	return 0;
}

static int do_show(int argc, char **argv)
{
	const struct cli_opt opts[] = { CLI_OPT_END };
	const char *pos[1] = { NULL };
	struct iface *ifcs = NULL;
	struct parse_err perr;
	struct proto_read rd;
	json_t *req, *reply, *list, *obj;
	char where[PROTO_READ_WHERE_MAX];
	size_t i, n;
	int ret;

	ret = cli_parse_args("iface show", argc, argv, opts, pos, 0, 1,
			     "[IFNAME]");
	if (ret)
		return ret > 0 ? show_usage() : ret;
	if (pos[0] && cli_check_ifname(pos[0], &perr))
		return cli_usage_error("%s", perr.msg);

	req = proto_request("iface_show");
	if (pos[0])
		client_req_set(&req, "ifname", json_string(pos[0]));
	ret = client_request(req, &reply);
	if (ret)
		return ret;

	proto_read_init(&rd);
	list = proto_read_array(&rd, reply, "ifaces");
	n = json_array_size(list);
	if (n) {
		ifcs = calloc(n, sizeof(*ifcs));
		if (!ifcs) {
			print_err("out of memory reading steerd's reply");
			ret = -ENOMEM;
			goto out;
		}
	}
	json_array_foreach(list, i, obj)
	{
		snprintf(where, sizeof(where), "ifaces[%zu]", i);
		read_iface(&rd, obj, where, &ifcs[i]);
	}
	if (rd.err) {
		ret = client_bad_reply("iface_show", &rd);
		goto out;
	}

	open_json_array("ifaces");
	for (i = 0; i < n; i++) {
		open_json_object(NULL);
		print_iface(&ifcs[i]);
		close_json_object();
	}
	close_json_array();
out:
	free(ifcs);
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
