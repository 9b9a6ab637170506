// SPDX-License-Identifier: GPL-2.0-only
/*
 * steerctl group: listener groups (the address and port whose connections
 * are steered, and the listeners, one slot per CPU or queue, they go to).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_args.h"
#include "client.h"
#include "output.h"
#include "lib/parse.h"
#include "steerctl.h"

#define ADD_SYNOPSIS                                                         \
	"steerctl group add NAME --listen ADDR:PORT [--kind reuseport|xsk] " \
	"[--proto tcp|udp]"
#define DEL_SYNOPSIS "steerctl group del NAME"
#define LIST_SYNOPSIS "steerctl group list"
#define SHOW_SYNOPSIS "steerctl group show NAME"

#define LISTEN_EXAMPLE "e.g. 198.18.0.1:80, 0.0.0.0:80, [2001:db8::1]:443"
#define GROUP_JSON                                                    \
	"{\"name\": \"web\", \"id\": 0, \"addr\": \"198.18.0.1\", "   \
	"\"port\": 80,\n"                                             \
	"   \"kind\": \"reuseport\", \"active\": 4, \"standby\": 0, " \
	"\"draining\": 0}"

/* "[" IPv6 "]:65535", and its NUL. */
#define LISTEN_TEXT_MAX (INET6_ADDRSTRLEN + sizeof("[]:65535"))
/* Text columns of 'group list' after NAME, and of 'group show'. */
#define LIST_HEAD "ID    KIND       ACTIVE  STANDBY  DRAINING  LISTEN\n"
#define SLOTS_HEAD                                        \
	"SLOT  CPU   STATE     PID      COOKIE          " \
	"ACCEPTQ  SYNS        LOCAL       REDIRECTED  "   \
	"SELECTED    LOCALITY  MIGRATED\n"
/* An xsk group's slots are RX queues: their frames, where they went. */
#define QUEUES_HEAD                                       \
	"QUEUE CPU   STATE     PID      COOKIE          " \
	"REDIRECTED  MISSES      SYNS\n"
#define NAME_HEAD "NAME"
#define COL_GAP 2

static const char *const group_kinds[] = { "reuseport", "xsk", NULL };
static const char *const group_protos[] = { "tcp", "udp", NULL };

/*
 * JSON: addr and port, in the protocol's place, after id. The text puts
 * them together, 198.18.0.1:80 or [2001:db8::1]:443, where fmt says.
 */
static void print_addr_port(const struct proto_group *g)
{
	print_string(PRINT_JSON, "addr", NULL, g->addr);
	print_uint(PRINT_JSON, "port", NULL, g->port);
}

static void print_listen_text(const struct proto_group *g, const char *fmt)
{
	char text[LISTEN_TEXT_MAX];
	bool v6 = strchr(g->addr, ':');

	snprintf(text, sizeof(text), "%s%s%s:%u", v6 ? "[" : "", g->addr,
		 v6 ? "]" : "", g->port);
	print_string(PRINT_FP, NULL, fmt, text);
}

/* One line: "web: id 0 reuseport 198.18.0.1:80 active 4 ...". */
/* The protocol: always in JSON; in text only when it is not TCP's. */
static void print_proto(const struct proto_group *g, const char *fmt)
{
	const char *proto = g->proto ? g->proto : "tcp";

	print_string(PRINT_JSON, "proto", NULL, proto);
	if (strcmp(proto, "tcp"))
		print_string(PRINT_FP, NULL, fmt, proto);
}

static void print_group_line(const struct proto_group *g)
{
	print_string(PRINT_ANY, "name", "%s:", g->name);
	print_uint(PRINT_ANY, "id", " id %u", g->id);
	print_addr_port(g);
	print_string(PRINT_ANY, "kind", " %s", g->kind);
	print_proto(g, " %s");
	print_listen_text(g, " %s");
	print_uint(PRINT_ANY, "active", " active %u", g->active);
	print_uint(PRINT_ANY, "standby", " standby %u", g->standby);
	print_uint(PRINT_ANY, "draining", " draining %u\n", g->draining);
}

static int add_usage(void)
{
	printf("Usage: " ADD_SYNOPSIS "\n"
	       "\n"
	       "Adds a listener group: TCP connections to ADDR:PORT are "
	       "steered to the group's\n"
	       "listeners, one slot per CPU (reuseport) or per RX queue "
	       "(xsk).\n"
	       "\n"
	       "  NAME                 1 to %d letters, digits, '-', '_' or "
	       "'.'\n"
	       "  --listen ADDR:PORT   the address and port, an IPv6 address "
	       "in brackets;\n"
	       "                       0.0.0.0 or [::] for any address\n"
	       "                       (%s)\n"
	       "  --kind reuseport|xsk SO_REUSEPORT listeners (default), or "
	       "AF_XDP sockets\n"
	       "  --proto tcp|udp      what the group receives (default tcp);\n"
	       "                       udp: UDP sockets or AF_XDP sockets\n"
	       "\n"
	       "Prints the group as one line.\n"
	       "JSON (-j): " GROUP_JSON "\n",
	       PROTO_GROUP_NAME_MAX, LISTEN_EXAMPLE);
	return 0;
}

/* NAME, checked; a usage error otherwise. */
static int check_name(const char *name)
{
	struct parse_err perr;

	if (cli_check_group_name(name, &perr))
		return cli_usage_error("%s", perr.msg);
	return 0;
}

static int do_add(int argc, char **argv)
{
	char addr_text[INET6_ADDRSTRLEN];
	struct proto_group_add_req req = { .addr = addr_text };
	const char *pos[1] = { NULL };
	const char *listen = NULL, *kind = NULL, *proto = NULL;
	const struct cli_opt opts[] = {
		CLI_OPT_VALUE("--listen", "ADDR:PORT", &listen),
		CLI_OPT_VALUE("--kind", "reuseport|xsk", &kind),
		CLI_OPT_VALUE("--proto", "tcp|udp", &proto),
		CLI_OPT_END,
	};
	struct parse_err perr;
	struct steer_addr addr;
	struct proto_read rd;
	struct proto_group g;
	json_t *reply;
	uint16_t port;
	int ret;

	ret = cli_parse_args("group add", argc, argv, opts, pos, 1, 1, "NAME");
	if (ret)
		return ret > 0 ? add_usage() : ret;
	ret = check_name(pos[0]);
	if (ret)
		return ret;
	if (!listen)
		return cli_usage_error(
			"group add needs --listen ADDR:PORT (%s)",
			LISTEN_EXAMPLE);
	if (parse_addr_port(listen, &addr, &port, &perr))
		return cli_usage_error("--listen: %s", perr.msg);
	if (kind && cli_check_choice(kind, group_kinds, &perr))
		return cli_usage_error("--kind: %s", perr.msg);
	if (proto && cli_check_choice(proto, group_protos, &perr))
		return cli_usage_error("--proto: %s", perr.msg);

	/* steerd gets the address in one spelling: inet_ntop's. */
	inet_ntop(addr.af, addr.bytes, addr_text, sizeof(addr_text));
	req.name = pos[0];
	req.port = port;
	req.kind = kind;
	req.proto = proto;
	ret = client_request(proto_pack_group_add_req(&req), &reply);
	if (ret)
		return ret;
	proto_read_init(&rd);
	if (proto_unpack_group(&rd, reply, &g))
		ret = client_bad_reply("group_add", &rd);
	else
		print_group_line(&g);
	json_decref(reply);
	return ret;
}

static int del_usage(void)
{
	printf("Usage: " DEL_SYNOPSIS "\n"
	       "\n"
	       "Deletes a listener group; steerd refuses while listeners "
	       "are registered in it\n"
	       "(drain them first). Prints nothing on success.\n");
	return 0;
}

static int do_del(int argc, char **argv)
{
	const struct cli_opt opts[] = { CLI_OPT_END };
	const char *pos[1] = { NULL };
	int ret;

	ret = cli_parse_args("group del", argc, argv, opts, pos, 1, 1, "NAME");
	if (ret)
		return ret > 0 ? del_usage() : ret;
	ret = check_name(pos[0]);
	if (ret)
		return ret;

	return client_request(proto_pack_group_del_req(pos[0]), NULL);
}

static int list_usage(void)
{
	printf("Usage: " LIST_SYNOPSIS "\n"
	       "\n"
	       "Lists the listener groups, one per line, with how many "
	       "slots are active, standby\n"
	       "and draining. Changes nothing.\n"
	       "\n"
	       "JSON (-j): {\"groups\": [" GROUP_JSON "]}\n");
	return 0;
}

/* The NAME column fits the longest name. */
static void print_list_head(const void *items, size_t n, void *ctx)
{
	char fmt[sizeof("%-4294967295s") + sizeof(LIST_HEAD)];
	const struct proto_group *groups = items;
	int *name_width = ctx;
	size_t i;

	*name_width = strlen(NAME_HEAD);
	for (i = 0; i < n; i++)
		if ((int)strlen(groups[i].name) > *name_width)
			*name_width = strlen(groups[i].name);
	*name_width += COL_GAP;
	if (!n)
		return;
	snprintf(fmt, sizeof(fmt), "%%-%ds%s", *name_width, LIST_HEAD);
	print_string(PRINT_FP, NULL, fmt, NAME_HEAD);
}

static void print_group_row(const void *item, void *ctx)
{
	const struct proto_group *g = item;
	char fmt[sizeof("%-4294967295s")];

	snprintf(fmt, sizeof(fmt), "%%-%ds", *(int *)ctx);
	print_string(PRINT_ANY, "name", fmt, g->name);
	print_uint(PRINT_ANY, "id", "%-6u", g->id);
	print_addr_port(g);
	print_string(PRINT_ANY, "kind", "%-11s", g->kind);
	print_proto(g, "%s ");
	print_uint(PRINT_ANY, "active", "%-8u", g->active);
	print_uint(PRINT_ANY, "standby", "%-9u", g->standby);
	print_uint(PRINT_ANY, "draining", "%-10u", g->draining);
	print_listen_text(g, "%s\n");
}

static int do_list(int argc, char **argv)
{
	const struct cli_opt opts[] = { CLI_OPT_END };
	int ret, name_width;
	const struct client_list list = {
		.key = "groups",
		.size = sizeof(struct proto_group),
		.unpack = proto_unpack_group,
		.head = print_list_head,
		.row = print_group_row,
		.ctx = &name_width,
	};
	struct proto_read rd;
	json_t *reply;

	ret = cli_parse_args("group list", argc, argv, opts, NULL, 0, 0, "");
	if (ret)
		return ret > 0 ? list_usage() : ret;

	ret = client_request(proto_pack_group_list_req(), &reply);
	if (ret)
		return ret;
	proto_read_init(&rd);
	ret = client_show_list("group_list", &rd, reply, &list);
	json_decref(reply);
	return ret;
}

static int show_usage(void)
{
	printf("Usage: " SHOW_SYNOPSIS "\n"
	       "\n"
	       "Shows a listener group and a table of its slots in use: the "
	       "CPU (or RX queue),\n"
	       "the state (active, standby, draining), the listener's "
	       "process and socket\n"
	       "cookie, its accept queue, and the SYNs steered to the slot: "
	       "all, already on\n"
	       "the slot's CPU (local), redirected there. Then the "
	       "SK_REUSEPORT program's\n"
	       "count for the slot's CPU: the SYNs it selected a listener "
	       "for there, the\n"
	       "share of them that went to this slot's own listener "
	       "(locality), and the\n"
	       "requests moved off this slot's closing listeners "
	       "(migrated). A slot with a\n"
	       "standby listener has two rows, with the slot's counters on "
	       "each. An xsk\n"
	       "group has a row per RX queue of its interface: the queue's "
	       "CPU, state, worker\n"
	       "and socket cookie, and the queue's frames of the group "
	       "redirected to the\n"
	       "worker's socket, missed (no socket: passed to the stack) "
	       "and its SYNs.\n"
	       "Changes nothing.\n"
	       "\n"
	       "JSON (-j): the group as in 'group list', with\n"
	       "  \"slots\": [{\"slot\": 0, \"cpu\": 0, \"state\": "
	       "\"active\", \"pid\": 1201,\n"
	       "             \"cookie\": 8193, \"accept_queue\": 0, \"syns\": "
	       "52, \"local\": 52,\n"
	       "             \"redirected\": 0, \"no_local_slot\": 0, "
	       "\"select_local\": 52,\n"
	       "             \"select_fallback\": 0, \"select_none\": 0, "
	       "\"migrate_standby\": 0,\n"
	       "             \"migrate_other\": 0, \"migrate_none\": 0, "
	       "\"locality_pct\": 100.0}]\n"
	       "locality_pct is null when no SYN was selected. An xsk "
	       "group's slots:\n"
	       "  [{\"slot\": 0, \"cpu\": 0, \"state\": \"active\", "
	       "\"pid\": 1201, \"cookie\": 8193,\n"
	       "    \"xsk_redirected\": 5000, \"xsk_miss\": 0, \"syns\": "
	       "0}]\n");
	return 0;
}

static bool is_xsk(const struct proto_group *g)
{
	return g->kind && !strcmp(g->kind, "xsk");
}

/* An xsk group's queue: its worker, and every frame of it by outcome. */
static void print_queue(const struct proto_slot *s)
{
	print_uint(PRINT_ANY, "slot", "%-6u", s->slot);
	print_uint(PRINT_ANY, "cpu", "%-6u", s->cpu);
	print_string(PRINT_ANY, "state", "%-10s", s->state);
	print_uint(PRINT_ANY, "pid", "%-9u", s->pid);
	print_u64(PRINT_ANY, "cookie", "%-16" PRIu64, s->cookie);
	print_u64(PRINT_ANY, "xsk_redirected", "%-12" PRIu64,
		  (uint64_t)s->stats.xsk_redirected);
	print_u64(PRINT_ANY, "xsk_miss", "%-12" PRIu64,
		  (uint64_t)s->stats.xsk_miss);
	print_u64(PRINT_ANY, "syns", "%" PRIu64 "\n", (uint64_t)s->stats.syns);
}

static void print_slot(const void *item, void *ctx)
{
	const struct proto_slot *s = item;

	if (is_xsk(ctx)) {
		print_queue(s);
		return;
	}

	print_uint(PRINT_ANY, "slot", "%-6u", s->slot);
	print_uint(PRINT_ANY, "cpu", "%-6u", s->cpu);
	print_string(PRINT_ANY, "state", "%-10s", s->state);
	print_uint(PRINT_ANY, "pid", "%-9u", s->pid);
	print_u64(PRINT_ANY, "cookie", "%-16" PRIu64, s->cookie);
	print_uint(PRINT_ANY, "accept_queue", "%-9u", s->accept_queue);
	print_u64(PRINT_ANY, "syns", "%-12" PRIu64, (uint64_t)s->stats.syns);
	print_u64(PRINT_ANY, "local", "%-12" PRIu64, (uint64_t)s->stats.local);
	print_u64(PRINT_ANY, "redirected", "%-12" PRIu64,
		  (uint64_t)s->stats.redirected);
	print_u64(PRINT_JSON, "no_local_slot", NULL, s->stats.no_local_slot);
	print_u64(PRINT_JSON, "select_local", NULL, s->stats.select_local);
	print_u64(PRINT_JSON, "select_fallback", NULL,
		  s->stats.select_fallback);
	print_u64(PRINT_JSON, "select_none", NULL, s->stats.select_none);
	print_u64(PRINT_JSON, "migrate_standby", NULL,
		  s->stats.migrate_standby);
	print_u64(PRINT_JSON, "migrate_other", NULL, s->stats.migrate_other);
	print_u64(PRINT_JSON, "migrate_none", NULL, s->stats.migrate_none);
	print_u64(PRINT_FP, NULL, "%-12" PRIu64, STEER_SELECTED(&s->stats));
	print_percent(PRINT_ANY, "locality_pct", "%-10s", s->stats.select_local,
		      STEER_SELECTED(&s->stats));
	print_u64(PRINT_FP, NULL, "%" PRIu64 "\n",
		  (uint64_t)(s->stats.migrate_standby + s->stats.migrate_other +
			     s->stats.migrate_none));
}

/* The group's line, then the slots' table head when there are slots. */
static void print_show_head(const void *items, size_t n, void *ctx)
{
	print_group_line(ctx);
	if (n)
		print_string(PRINT_FP, NULL, "%s",
			     is_xsk(ctx) ? QUEUES_HEAD : SLOTS_HEAD);
}

static int do_show(int argc, char **argv)
{
	const struct cli_opt opts[] = { CLI_OPT_END };
	const char *pos[1] = { NULL };
	struct proto_group g;
	const struct client_list slots = {
		.key = "slots",
		.size = sizeof(struct proto_slot),
		.unpack = proto_unpack_slot,
		.head = print_show_head,
		.row = print_slot,
		.ctx = &g,
	};
	struct proto_read rd;
	json_t *reply;
	int ret;

	ret = cli_parse_args("group show", argc, argv, opts, pos, 1, 1, "NAME");
	if (ret)
		return ret > 0 ? show_usage() : ret;
	ret = check_name(pos[0]);
	if (ret)
		return ret;

	ret = client_request(proto_pack_group_show_req(pos[0]), &reply);
	if (ret)
		return ret;
	proto_read_init(&rd);
	proto_unpack_group(&rd, reply, &g);
	ret = client_show_list("group_show", &rd, reply, &slots);
	json_decref(reply);
	return ret;
}

static int do_group_help(int argc, char **argv);

static const struct cli_cmd group_cmds[] = {
	{ "add", do_add, "add a listener group" },
	{ "del", do_del, "delete a listener group" },
	{ "list", do_list, "list the listener groups" },
	{ "show", do_show, "show a group and its slots" },
	{ "help", do_group_help, "print this help" },
	{ NULL },
};

static int do_group_help(int argc, char **argv)
{
	printf("Usage: " ADD_SYNOPSIS "\n"
	       "       " DEL_SYNOPSIS "\n"
	       "       " LIST_SYNOPSIS "\n"
	       "       " SHOW_SYNOPSIS "\n"
	       "\n"
	       "Commands (any unique prefix works):\n");
	cli_print_cmds(group_cmds);
	printf("\n'steerctl group COMMAND help' describes each.\n");
	return 0;
}

int do_group(int argc, char **argv)
{
	if (argc && cli_is_help(*argv))
		return do_group_help(0, NULL);
	return cli_cmd_run(group_cmds, argc, argv, "group");
}
