// SPDX-License-Identifier: GPL-2.0-only
/*
 * steerctl apply -f FILE: makes the running steerd match a steer.conf.
 * The whole file is read and checked first (any error refuses it all, with
 * line numbers); then steerd's groups and interfaces are read, the
 * difference is shown, and applied in an order that never leaves two
 * objects fighting over one address or interface: deletes and detaches
 * first, then attaches and adds. Keys steerd cannot act on yet are named,
 * never silently dropped.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_args.h"
#include "client.h"
#include "lib/config.h"
#include "lib/parse.h"
#include "output.h"
#include "steerctl.h"

#define APPLY_SYNOPSIS "steerctl apply [-f FILE] [--dry-run]"
/* Room for every config error, one line each, in one message. */
#define ERRORS_TEXT_MAX (CONFIG_ERRORS_MAX * (PARSE_ERR_MAX + 96))

enum change_op {
	/* In the order they are applied. */
	CHANGE_GROUP_DEL,
	CHANGE_IFACE_DETACH,
	CHANGE_IFACE_ATTACH,
	CHANGE_GROUP_ADD,
};

static const char *const change_verbs[] = {
	[CHANGE_GROUP_DEL] = "delete group",
	[CHANGE_IFACE_DETACH] = "detach iface",
	[CHANGE_IFACE_ATTACH] = "attach iface",
	[CHANGE_GROUP_ADD] = "add group",
};

struct change {
	enum change_op op;
	const char *name;
	const struct config_iface *ifc; /* attach: what to attach */
	const struct config_group *g; /* add: what to add */
	char why[96];
	size_t seq; /* the order found: the sort keeps it within an op */
	bool applied;
};

/* steerd's state, and what apply will do about it. */
struct apply_plan {
	json_t *groups_reply, *ifaces_reply; /* own the strings below */
	struct proto_group *groups;
	size_t ngroups;
	struct proto_iface *ifaces;
	size_t nifaces;
	/* At most a delete and an add per object of either side. */
	struct change *changes;
	size_t nchanges;
	size_t nunsupported;
};

static int apply_usage(void)
{
	printf("Usage: " APPLY_SYNOPSIS "\n"
	       "\n"
	       "Makes steerd run what FILE (default %s) declares:\n"
	       "attaches and detaches interfaces, adds and deletes groups, "
	       "so that afterwards\n"
	       "steerd has exactly the file's interfaces and groups. The "
	       "whole file is checked\n"
	       "first: any error refuses all of it, each error with its "
	       "line, and nothing is\n"
	       "applied. A changed group or interface is deleted and added "
	       "again. Keys steerd\n"
	       "cannot act on yet (queue-cpus, rss-key, indir, adopt = yes, "
	       "proto = udp) are\n"
	       "named as not supported, not ignored. Applying the same file "
	       "twice changes\n"
	       "nothing the second time, and says so. The format: "
	       "steer.conf(5).\n"
	       "\n"
	       "  -f, --file FILE  the configuration\n"
	       "  --dry-run        show the changes, apply none\n"
	       "\n"
	       "Exit status 2 when the file has errors (nothing applied); 1 "
	       "when steerd refused\n"
	       "a change (the ones before it are applied, and named).\n"
	       "JSON (-j): {\"file\": FILE, \"dry_run\": false, \"changes\": "
	       "[{\"action\": \"add group\",\n"
	       "  \"name\": \"web\", \"why\": \"not running\", \"applied\": "
	       "true}], \"unsupported\": [{\"object\":\n"
	       "  \"iface eth0\", \"key\": \"rss-key\", \"line\": 7}], "
	       "\"applied\": 1}\n",
	       CONFIG_DEFAULT_PATH);
	return 0;
}

/* The name checks steerctl's options use, with the section's line. */
static void check_names(struct steer_config *cfg)
{
	struct parse_err perr;

	for (size_t i = 0; i < cfg->nifaces; i++)
		if (cli_check_ifname(cfg->ifaces[i].name, &perr))
			config_error(cfg, cfg->ifaces[i].line, "%s", perr.msg);
	for (size_t i = 0; i < cfg->ngroups; i++)
		if (cli_check_group_name(cfg->groups[i].name, &perr))
			config_error(cfg, cfg->groups[i].line, "%s", perr.msg);
}

/* Every error of the file in one message: "FILE:LINE: msg" each. */
static int refuse_file(const char *path, const struct steer_config *cfg)
{
	char *text = malloc(ERRORS_TEXT_MAX);
	size_t len = 0;

	if (!text) {
		print_err("%s: out of memory reporting its errors", path);
		return -ENOMEM;
	}
	len += snprintf(text, ERRORS_TEXT_MAX,
			"%s: %zu error%s, nothing applied", path,
			cfg->nerrors + cfg->errors_dropped,
			cfg->nerrors + cfg->errors_dropped == 1 ? "" : "s");
	for (size_t i = 0; i < cfg->nerrors && len < ERRORS_TEXT_MAX; i++) {
		const struct config_error *e = &cfg->errors[i];

		if (e->line)
			len += snprintf(text + len, ERRORS_TEXT_MAX - len,
					"\n  %s:%u: %s", path, e->line, e->msg);
		else
			len += snprintf(text + len, ERRORS_TEXT_MAX - len,
					"\n  %s: %s", path, e->msg);
	}
	print_err("%s", text);
	free(text);
	return -EINVAL;
}

static int read_running(int sock, struct apply_plan *plan)
{
	struct proto_read rd;
	void *items;
	int ret;

	ret = client_call(sock, proto_pack_group_list_req(),
			  &plan->groups_reply);
	if (ret)
		return ret;
	proto_read_init(&rd);
	if (proto_unpack_list(&rd, plan->groups_reply, "groups",
			      sizeof(struct proto_group), proto_unpack_group,
			      &items, &plan->ngroups))
		return client_bad_reply("group_list", &rd);
	plan->groups = items;

	ret = client_call(sock, proto_pack_iface_show_req(NULL),
			  &plan->ifaces_reply);
	if (ret)
		return ret;
	proto_read_init(&rd);
	if (proto_unpack_list(&rd, plan->ifaces_reply, "ifaces",
			      sizeof(struct proto_iface), proto_unpack_iface,
			      &items, &plan->nifaces))
		return client_bad_reply("iface_show", &rd);
	plan->ifaces = items;
	return 0;
}

static struct change *add_change(struct apply_plan *plan, enum change_op op,
				 const char *name, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static struct change *add_change(struct apply_plan *plan, enum change_op op,
				 const char *name, const char *fmt, ...)
{
	struct change *c = &plan->changes[plan->nchanges++];
	va_list ap;

	memset(c, 0, sizeof(*c));
	c->op = op;
	c->name = name;
	c->seq = plan->nchanges;
	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
	return c;
}

/* A key steerd cannot act on yet: named, text and JSON. */
static void unsupported(struct apply_plan *plan, const char *type,
			const char *name, const char *key, unsigned int line,
			const char *what)
{
	char object[64];

	snprintf(object, sizeof(object), "%s %s", type, name);
	plan->nunsupported++;
	open_json_object(NULL);
	print_string(PRINT_FP, NULL, "not applied: %s", object);
	print_string(PRINT_JSON, "object", NULL, object);
	print_string(PRINT_ANY, "key", " %s", key);
	print_uint(PRINT_ANY, "line", " (line %u): ", line);
	print_string(PRINT_ANY, "why", "%s\n", what);
	close_json_object();
}

#define NOT_YET "steerd does not support it yet"

static void unsupported_iface_keys(struct apply_plan *plan,
				   const struct config_iface *ifc,
				   const struct proto_iface *run)
{
	uint8_t key[STEER_RSS_KEY_MAX];
	struct parse_err perr;
	size_t len;

	if (ifc->queue_cpus_line)
		unsupported(plan, "iface", ifc->name, "queue-cpus",
			    ifc->queue_cpus_line, NOT_YET);
	/* A key already in effect needs nothing from steerd. */
	if (ifc->rss_key_line &&
	    !(run && !parse_hex(run->key, key, sizeof(key), &len, &perr) &&
	      len == ifc->rss_key_len && !memcmp(key, ifc->rss_key, len)))
		unsupported(plan, "iface", ifc->name, "rss-key",
			    ifc->rss_key_line, NOT_YET);
	if (ifc->indir_line)
		unsupported(plan, "iface", ifc->name, "indir", ifc->indir_line,
			    NOT_YET);
}

static const struct proto_iface *running_iface(const struct apply_plan *plan,
					       const char *name)
{
	for (size_t i = 0; i < plan->nifaces; i++)
		if (!strcmp(plan->ifaces[i].name, name))
			return &plan->ifaces[i];
	return NULL;
}

static const struct proto_group *running_group(const struct apply_plan *plan,
					       const char *name)
{
	for (size_t i = 0; i < plan->ngroups; i++)
		if (!strcmp(plan->groups[i].name, name))
			return &plan->groups[i];
	return NULL;
}

/* Why the running interface differs from the file's, or NULL. */
static const char *iface_differs(const struct config_iface *ifc,
				 const struct proto_iface *run, char *why,
				 size_t size)
{
	const char *steer = ifc->steer ?: "cpu";
	const char *mode = ifc->xdp_mode ?: "native";

	if (strcmp(run->steer, steer))
		snprintf(why, size, "steer %s running, %s in the file",
			 run->steer, steer);
	else if (strcmp(run->xdp_mode, mode))
		snprintf(why, size, "xdp-mode %s running, %s in the file",
			 run->xdp_mode, mode);
	else if (ifc->cpus_line &&
		 (run->ncpus != ifc->ncpus ||
		  memcmp(run->cpus, ifc->cpus, ifc->ncpus * sizeof(*run->cpus))))
		snprintf(why, size, "other CPUs running (%u) than in the file "
				    "(%u, line %u)",
			 run->ncpus, ifc->ncpus, ifc->cpus_line);
	else
		return NULL;
	return why;
}

static const char *group_differs(const struct config_group *g,
				 const struct proto_group *run, char *why,
				 size_t size)
{
	const char *kind = g->kind ?: "reuseport";
	struct steer_addr addr;
	struct parse_err perr;
	size_t len = g->addr.af == AF_INET ? sizeof(g->addr.v4) :
					     sizeof(g->addr.v6);

	if (parse_addr(run->addr, &addr, &perr) || addr.af != g->addr.af ||
	    memcmp(addr.bytes, g->addr.bytes, len) || run->port != g->port)
		snprintf(why, size, "listens on %s port %u, not the file's",
			 run->addr, run->port);
	else if (strcmp(run->kind, kind))
		snprintf(why, size, "kind %s running, %s in the file",
			 run->kind, kind);
	else
		return NULL;
	return why;
}

/* Whether steer can act on the group at all (else it is left alone). */
static bool group_supported(struct apply_plan *plan,
			    const struct config_group *g)
{
	if (g->proto && strcmp(g->proto, "tcp")) {
		unsupported(plan, "group", g->name, "proto", g->proto_line,
			    NOT_YET "; the group is left as it is");
		return false;
	}
	if (g->adopt)
		unsupported(plan, "group", g->name, "adopt", g->adopt_line,
			    NOT_YET "; the group is added without adoption");
	return true;
}

static bool group_in_file(const struct steer_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->ngroups; i++)
		if (!strcmp(cfg->groups[i].name, name))
			return true;
	return false;
}

static int plan_changes(struct apply_plan *plan, const struct steer_config *cfg)
{
	size_t max = 2 * (plan->ngroups + plan->nifaces + cfg->ngroups +
			  cfg->nifaces);
	char why[96];

	plan->changes = calloc(max ?: 1, sizeof(*plan->changes));
	if (!plan->changes) {
		print_err("out of memory");
		return -ENOMEM;
	}

	open_json_array("unsupported");
	for (size_t i = 0; i < plan->nifaces; i++) {
		const struct proto_iface *run = &plan->ifaces[i];
		bool found = false;

		for (size_t j = 0; j < cfg->nifaces; j++)
			found |= !strcmp(cfg->ifaces[j].name, run->name);
		if (!found)
			add_change(plan, CHANGE_IFACE_DETACH, run->name,
				   "not in the file");
	}
	for (size_t i = 0; i < cfg->nifaces; i++) {
		const struct config_iface *ifc = &cfg->ifaces[i];
		const struct proto_iface *run = running_iface(plan, ifc->name);
		struct change *c;

		unsupported_iface_keys(plan, ifc, run);
		if (!run) {
			c = add_change(plan, CHANGE_IFACE_ATTACH, ifc->name,
				       "not attached");
		} else if (iface_differs(ifc, run, why, sizeof(why))) {
			add_change(plan, CHANGE_IFACE_DETACH, ifc->name, "%s",
				   why);
			c = add_change(plan, CHANGE_IFACE_ATTACH, ifc->name,
				       "%s", why);
		} else {
			continue;
		}
		c->ifc = ifc;
	}

	for (size_t i = 0; i < plan->ngroups; i++)
		if (!group_in_file(cfg, plan->groups[i].name))
			add_change(plan, CHANGE_GROUP_DEL,
				   plan->groups[i].name, "not in the file");
	for (size_t i = 0; i < cfg->ngroups; i++) {
		const struct config_group *g = &cfg->groups[i];
		const struct proto_group *run = running_group(plan, g->name);
		struct change *c;

		if (!group_supported(plan, g))
			continue;
		if (!run) {
			c = add_change(plan, CHANGE_GROUP_ADD, g->name,
				       "not running");
		} else if (group_differs(g, run, why, sizeof(why))) {
			add_change(plan, CHANGE_GROUP_DEL, g->name, "%s", why);
			c = add_change(plan, CHANGE_GROUP_ADD, g->name, "%s",
				       why);
		} else {
			continue;
		}
		c->g = g;
	}
	close_json_array();
	return 0;
}

static int compare_changes(const void *a, const void *b)
{
	const struct change *x = a, *y = b;

	if (x->op != y->op)
		return (int)x->op - (int)y->op;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static json_t *change_request(const struct change *c)
{
	char addr[INET6_ADDRSTRLEN];

	switch (c->op) {
	case CHANGE_GROUP_DEL:
		return proto_pack_group_del_req(c->name);
	case CHANGE_IFACE_DETACH:
		return proto_pack_iface_detach_req(c->name);
	case CHANGE_IFACE_ATTACH: {
		struct proto_iface_attach_req req = {
			.ifname = c->name,
			.xdp_mode = c->ifc->xdp_mode,
			.steer = c->ifc->steer,
			.cpus_given = c->ifc->cpus_line,
			.ncpus = c->ifc->ncpus,
		};

		memcpy(req.cpus, c->ifc->cpus, sizeof(req.cpus));
		return proto_pack_iface_attach_req(&req);
	}
	case CHANGE_GROUP_ADD: {
		struct proto_group_add_req req = {
			.name = c->name,
			.addr = addr,
			.port = c->g->port,
			.kind = c->g->kind,
		};

		inet_ntop(c->g->addr.af, c->g->addr.bytes, addr, sizeof(addr));
		return proto_pack_group_add_req(&req);
	}
	}
	return NULL;
}

/* After steerd refused change stop: what was applied before it. */
static void report_stop(const struct apply_plan *plan, size_t stop)
{
	char done[512] = "";
	size_t len = 0;

	for (size_t i = 0; i < stop && len < sizeof(done); i++)
		len += snprintf(done + len, sizeof(done) - len, "%s%s %s",
				i ? ", " : "", change_verbs[plan->changes[i].op],
				plan->changes[i].name);
	fprintf(stderr,
		"steerctl: apply stopped at '%s %s'; %s%s; not applied: the "
		"%zu change%s from there\n",
		change_verbs[plan->changes[stop].op], plan->changes[stop].name,
		stop ? "applied before it: " : "nothing was applied",
		done, plan->nchanges - stop,
		plan->nchanges - stop == 1 ? "" : "s");
}

static int apply_changes(int sock, struct apply_plan *plan)
{
	int ret;

	for (size_t i = 0; i < plan->nchanges; i++) {
		ret = client_call(sock, change_request(&plan->changes[i]),
				  NULL);
		if (ret) {
			report_stop(plan, i);
			return ret;
		}
		plan->changes[i].applied = true;
	}
	return 0;
}

static void print_changes(const struct apply_plan *plan, bool dry_run)
{
	size_t applied = 0;

	open_json_array("changes");
	for (size_t i = 0; i < plan->nchanges; i++) {
		const struct change *c = &plan->changes[i];

		applied += c->applied;
		open_json_object(NULL);
		print_string(PRINT_ANY, "action", "%s", change_verbs[c->op]);
		print_string(PRINT_ANY, "name", " %s", c->name);
		print_string(PRINT_ANY, "why", ": %s", c->why);
		print_bool(PRINT_JSON, "applied", NULL, c->applied);
		print_string(PRINT_FP, NULL, "%s\n",
			     dry_run ? " (dry run)" : "");
		close_json_object();
	}
	close_json_array();
	print_uint(PRINT_JSON, "applied", NULL, applied);
	if (!plan->nchanges)
		print_string(PRINT_FP, NULL, "%s\n",
			     "nothing to change: steerd already runs this "
			     "configuration");
	else if (dry_run)
		print_uint(PRINT_FP, NULL,
			   "%u changes to apply (dry run: none applied)\n",
			   plan->nchanges);
	else
		print_uint(PRINT_FP, NULL, "applied %u changes\n", applied);
}

static void plan_free(struct apply_plan *plan)
{
	free(plan->changes);
	free(plan->ifaces);
	free(plan->groups);
	json_decref(plan->ifaces_reply);
	json_decref(plan->groups_reply);
}

int do_apply(int argc, char **argv)
{
	const char *file = NULL, *file_short = NULL;
	bool dry_run = false;
	const struct cli_opt opts[] = {
		CLI_OPT_VALUE("--file", "FILE", &file),
		CLI_OPT_VALUE("-f", "FILE", &file_short),
		CLI_OPT_FLAG("--dry-run", &dry_run),
		CLI_OPT_END,
	};
	struct apply_plan plan = { 0 };
	struct steer_config cfg;
	int sock, ret;

	ret = cli_parse_args("apply", argc, argv, opts, NULL, 0, 0, "");
	if (ret)
		return ret > 0 ? apply_usage() : ret;
	if (file && file_short)
		return cli_usage_error("apply: -f and --file name the same "
				       "file; give one");
	file = file ?: file_short ?: CONFIG_DEFAULT_PATH;

	ret = config_load(file, &cfg);
	if (ret == -EINVAL || !ret) {
		check_names(&cfg);
		ret = cfg.nerrors ? refuse_file(file, &cfg) : 0;
	} else {
		print_err("%s: cannot read it: %s", file, strerror(-ret));
	}
	if (ret)
		goto out_config;

	sock = client_connect();
	if (sock < 0) {
		ret = sock;
		goto out_config;
	}
	ret = read_running(sock, &plan);
	if (ret)
		goto out_close;

	print_string(PRINT_JSON, "file", NULL, file);
	print_bool(PRINT_JSON, "dry_run", NULL, dry_run);
	ret = plan_changes(&plan, &cfg);
	if (ret)
		goto out_close;
	qsort(plan.changes, plan.nchanges, sizeof(*plan.changes),
	      compare_changes);
	if (!dry_run)
		ret = apply_changes(sock, &plan);
	print_changes(&plan, dry_run);
out_close:
	close(sock);
	plan_free(&plan);
out_config:
	config_free(&cfg);
	return ret;
}
