// SPDX-License-Identifier: GPL-2.0-only
/*
 * steerctl status and steerctl shutdown: what steerd is running with, and
 * stopping it, with or without taking the dataplane down.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_args.h"
#include "client.h"
#include "output.h"
#include "steerctl.h"

/* Width of the label column of status's text. */
#define STATUS_LABEL "%-17s"

static int status_usage(void)
{
	printf("Usage: steerctl status\n"
	       "\n"
	       "Shows what steerd is running with: its version and map ABI, "
	       "its bpffs\n"
	       "directory and whether its objects are pinned there (pinned "
	       "objects outlive\n"
	       "steerd), its network namespace, net.ipv4.tcp_migrate_req, "
	       "the kernel\n"
	       "features it found, and how many interfaces and groups it "
	       "has. Changes nothing.\n"
	       "\n"
	       "JSON (-j): {\"version\": \"0.1.0\", \"abi\": 1, \"bpffs\": "
	       "\"/sys/fs/bpf/steer\",\n"
	       "  \"pinned\": true, \"netns_cookie\": 4096, "
	       "\"tcp_migrate_req\": 1 (null: unknown),\n"
	       "  \"features\": {\"xdp_dispatcher\": false, "
	       "\"reuseport_migrate\": true, ...},\n"
	       "  \"ifaces\": 1, \"groups\": 2}\n");
	return 0;
}

/* Each warning on a line of its own; JSON only when steerd sent some. */
static void print_warnings(const json_t *warnings)
{
	const json_t *w;
	size_t i;

	if (!warnings)
		return;
	open_json_array("warnings");
	json_array_foreach(warnings, i, w)
	{
		print_string(PRINT_FP, NULL, STATUS_LABEL, i ? "" : "warnings");
		print_string(PRINT_ANY, NULL, "%s\n", json_string_value(w));
	}
	close_json_array();
}

static void print_status(const struct proto_status *st)
{
	const char *name, *sep = "";
	json_t *v;

	print_string(PRINT_FP, NULL, STATUS_LABEL, "steerd");
	print_string(PRINT_ANY, "version", "%s", st->version);
	print_uint(PRINT_ANY, "abi", " (map ABI %u)\n", st->abi);
	print_string(PRINT_FP, NULL, STATUS_LABEL, "bpffs");
	print_string(PRINT_ANY, "bpffs", "%s", st->bpffs);
	print_bool(PRINT_JSON, "pinned", NULL, st->pinned);
	print_string(PRINT_FP, NULL, "%s\n",
		     st->pinned ? " (pinned)" :
				  " (not pinned: the dataplane will not "
				  "outlive steerd)");
	print_string(PRINT_FP, NULL, STATUS_LABEL, "netns cookie");
	print_u64(PRINT_ANY, "netns_cookie", "%" PRIu64 "\n", st->netns_cookie);
	print_string(PRINT_FP, NULL, STATUS_LABEL, "tcp_migrate_req");
	if (st->tcp_migrate_req == PROTO_UNKNOWN) {
		/* steerd could not read the sysctl: null in JSON. */
		print_string(PRINT_JSON, "tcp_migrate_req", NULL, NULL);
		print_string(PRINT_FP, NULL, "%s\n", "unknown");
	} else {
		print_uint(PRINT_ANY, "tcp_migrate_req", "%u",
			   st->tcp_migrate_req);
		/* Without it a closing listener's queue is reset. */
		print_string(PRINT_FP, NULL, "%s\n",
			     st->tcp_migrate_req ?
				     "" :
				     " (a closing listener's queued "
				     "connections are reset: sysctl -w "
				     "net.ipv4.tcp_migrate_req=1)");
	}

	print_string(PRINT_FP, NULL, STATUS_LABEL, "features");
	open_json_object("features");
	json_object_foreach(st->features, name, v)
	{
		print_string(PRINT_FP, NULL, "%s", sep);
		print_string(PRINT_FP, NULL, "%s ", name);
		print_bool(PRINT_ANY, name, "%s", json_is_true(v));
		sep = ", ";
	}
	close_json_object();
	print_string(PRINT_FP, NULL, "%s\n", *sep ? "" : "none");

	print_string(PRINT_FP, NULL, STATUS_LABEL, "interfaces");
	print_uint(PRINT_ANY, "ifaces", "%u\n", st->ifaces);
	print_string(PRINT_FP, NULL, STATUS_LABEL, "groups");
	print_uint(PRINT_ANY, "groups", "%u\n", st->groups);
	print_warnings(st->warnings);
}

int do_status(int argc, char **argv)
{
	const struct cli_opt opts[] = { CLI_OPT_END };
	struct proto_status st;
	struct proto_read rd;
	json_t *reply;
	int ret;

	ret = cli_parse_args("status", argc, argv, opts, NULL, 0, 0, "");
	if (ret)
		return ret > 0 ? status_usage() : ret;

	ret = client_request(proto_pack_status_req(), &reply);
	if (ret)
		return ret;
	proto_read_init(&rd);
	if (proto_unpack_status_reply(&rd, reply, &st))
		ret = client_bad_reply("status", &rd);
	else
		print_status(&st);
	json_decref(reply);
	return ret;
}

static int shutdown_usage(void)
{
	printf("Usage: steerctl shutdown [--detach]\n"
	       "\n"
	       "Stops steerd. The dataplane keeps running from its pinned "
	       "maps and programs,\n"
	       "and the next steerd picks it up where this one left it.\n"
	       "\n"
	       "  --detach  first detach steer from every interface and "
	       "remove its pins:\n"
	       "            steering stops, traffic takes the kernel's "
	       "default path\n"
	       "\n"
	       "The word must be spelled out: no prefix of 'shutdown' "
	       "works.\n"
	       "Prints nothing on success.\n");
	return 0;
}

int do_shutdown(int argc, char **argv)
{
	bool detach = false;
	const struct cli_opt opts[] = {
		CLI_OPT_FLAG("--detach", &detach),
		CLI_OPT_END,
	};
	int ret;

	ret = cli_parse_args("shutdown", argc, argv, opts, NULL, 0, 0, "");
	if (ret)
		return ret > 0 ? shutdown_usage() : ret;
	/*
	 * argv[-1] is the word that named the command (cli_cmd_run() passes
	 * the words after it). A prefix stops nothing: "steerctl sh", meant
	 * as "show", must not stop steerd.
	 */
	if (strcmp(argv[-1], "shutdown"))
		return cli_usage_error("'%s' would stop steerd: spell out "
				       "'shutdown'",
				       argv[-1]);

	return client_request(proto_pack_shutdown_req(detach), NULL);
}
