// SPDX-License-Identifier: GPL-2.0-only
/*
 * steerctl apply -f FILE: makes the running steerd match a steer.conf.
 * The whole file is read and checked first (any error refuses it all, with
 * line numbers); then steerd's groups and interfaces are read, the
 * difference (ctrl/lib/config_plan) is shown and sent, change by change.
 * Keys steerd cannot act on yet are named, never silently dropped.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_args.h"
#include "client.h"
#include "lib/config.h"
#include "lib/config_plan.h"
#include "lib/parse.h"
#include "output.h"
#include "steerctl.h"

#define APPLY_SYNOPSIS "steerctl apply [-f FILE] [--dry-run]"
/* Room for every config error, one line each, in one message. */
#define ERRORS_TEXT_MAX (CONFIG_ERRORS_MAX * (PARSE_ERR_MAX + 96))

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
	       "cannot act on yet (adopt = yes) are\n"
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

/* steerd's groups and interfaces, and the plan that makes them cfg's. */
static int plan_against_steerd(int sock, const struct steer_config *cfg,
			       struct config_plan *plan)
{
	json_t *groups = NULL, *ifaces = NULL;
	struct proto_read rd;
	int ret;

	ret = client_call(sock, proto_pack_group_list_req(), &groups);
	if (!ret)
		ret = client_call(sock, proto_pack_iface_show_req(NULL),
				  &ifaces);
	if (ret)
		goto out;
	proto_read_init(&rd);
	ret = config_plan_replies(cfg, groups, ifaces, &rd, plan);
	if (rd.err)
		ret = client_bad_reply("group_list or iface_show", &rd);
	else if (ret)
		print_err("out of memory planning the changes");
out:
	json_decref(ifaces);
	json_decref(groups);
	return ret;
}

static void print_notes(const struct config_plan *plan)
{
	open_json_array("unsupported");
	for (size_t i = 0; i < plan->nnotes; i++) {
		const struct config_note *n = &plan->notes[i];

		open_json_object(NULL);
		print_string(PRINT_ANY, "object", "not applied: %s", n->object);
		print_string(PRINT_ANY, "key", " %s", n->key);
		print_uint(PRINT_ANY, "line", " (line %u): ", n->line);
		print_string(PRINT_ANY, "why", "%s\n", n->why);
		close_json_object();
	}
	close_json_array();
}

/* After steerd refused change stop (printed): what was applied before it. */
static void report_stop(const struct config_plan *plan, size_t stop)
{
	char done[512] = "";
	size_t len = 0;

	for (size_t i = 0; i < stop && len < sizeof(done); i++)
		len += snprintf(done + len, sizeof(done) - len, "%s%s %s",
				i ? ", " : "",
				config_change_verb(plan->changes[i].op),
				plan->changes[i].name);
	fprintf(stderr,
		"steerctl: apply stopped at '%s %s'; %s%s; not applied: the "
		"%zu change%s from there\n",
		config_change_verb(plan->changes[stop].op),
		plan->changes[stop].name,
		stop ? "applied before it: " : "nothing was applied", done,
		plan->nchanges - stop, plan->nchanges - stop == 1 ? "" : "s");
}

static int apply_changes(int sock, struct config_plan *plan)
{
	int ret;

	for (size_t i = 0; i < plan->nchanges; i++) {
		struct config_change *c = &plan->changes[i];

		ret = client_call(sock, json_incref(c->req), NULL);
		if (ret) {
			report_stop(plan, i);
			return ret;
		}
		c->applied = true;
	}
	return 0;
}

static void print_changes(const struct config_plan *plan, bool dry_run)
{
	size_t applied = 0;

	open_json_array("changes");
	for (size_t i = 0; i < plan->nchanges; i++) {
		const struct config_change *c = &plan->changes[i];

		applied += c->applied;
		open_json_object(NULL);
		print_string(PRINT_ANY, "action", "%s",
			     config_change_verb(c->op));
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
	struct config_plan plan = { 0 };
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
	ret = plan_against_steerd(sock, &cfg, &plan);
	if (ret)
		goto out_plan;

	print_string(PRINT_JSON, "file", NULL, file);
	print_bool(PRINT_JSON, "dry_run", NULL, dry_run);
	print_notes(&plan);
	if (!dry_run)
		ret = apply_changes(sock, &plan);
	print_changes(&plan, dry_run);
out_plan:
	config_plan_free(&plan);
	close(sock);
out_config:
	config_free(&cfg);
	return ret;
}
