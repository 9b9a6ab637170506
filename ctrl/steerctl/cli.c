// SPDX-License-Identifier: GPL-2.0-only
/*
 * Command dispatch for steerctl: prefix matching that refuses ambiguity,
 * and the one mapping from errors to exit statuses.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"

/* Width of the name column in help listings. */
#define CLI_NAME_WIDTH 10

struct cli_opts cli_opts;

enum cli_exit cli_exit_code(int err)
{
	switch (err) {
	case 0:
		return CLI_EXIT_OK;
	case -EINVAL:
		return CLI_EXIT_USAGE;
	case -ENOTCONN:
	case -ECONNREFUSED:
		return CLI_EXIT_NO_DAEMON;
	default:
		return CLI_EXIT_FAIL;
	}
}

static bool is_prefix(const char *prefix, const char *name)
{
	return !strncmp(prefix, name, strlen(prefix));
}

const struct cli_cmd *cli_cmd_find(const struct cli_cmd *cmds, const char *word,
				   int *matches)
{
	const struct cli_cmd *cmd, *found = NULL;
	int n = 0;

	/* An exact name wins even when it prefixes another ("stat"). */
	for (cmd = cmds; cmd->name; cmd++)
		if (!strcmp(word, cmd->name)) {
			if (matches)
				*matches = 1;
			return cmd;
		}

	if (*word) {
		for (cmd = cmds; cmd->name; cmd++) {
			if (is_prefix(word, cmd->name)) {
				found = cmd;
				n++;
			}
		}
	}
	if (matches)
		*matches = n;
	return n == 1 ? found : NULL;
}

/*
 * "a, b, c": the names word is a prefix of ("" for all). Returns NULL when
 * out of memory; the caller frees it.
 */
static char *cmd_names(const struct cli_cmd *cmds, const char *word)
{
	const struct cli_cmd *cmd;
	char *names = NULL;
	size_t size = 0;
	FILE *f;

	f = open_memstream(&names, &size);
	if (!f)
		return NULL;
	for (cmd = cmds; cmd->name; cmd++)
		if (is_prefix(word, cmd->name))
			fprintf(f, "%s%s", ftell(f) ? ", " : "", cmd->name);
	if (fclose(f)) {
		free(names);
		return NULL;
	}
	return names;
}

int cli_cmd_run(const struct cli_cmd *cmds, int argc, char **argv,
		const char *family)
{
	const char *sp = family ? " " : "", *fam = family ? family : "";
	const struct cli_cmd *cmd;
	char *names;
	int matches, ret;

	if (argc < 1) {
		names = cmd_names(cmds, "");
		ret = cli_usage_error("missing %s%scommand; one of: %s", fam,
				      sp, names ? names : "?");
		free(names);
		return ret;
	}

	cmd = cli_cmd_find(cmds, *argv, &matches);
	if (cmd)
		return cmd->func(argc - 1, argv + 1);

	if (matches > 1) {
		names = cmd_names(cmds, *argv);
		ret = cli_usage_error("ambiguous %s%scommand '%s': matches %s",
				      fam, sp, *argv, names ? names : "?");
	} else {
		names = cmd_names(cmds, "");
		ret = cli_usage_error("unknown %s%scommand '%s'; commands: %s",
				      fam, sp, *argv, names ? names : "?");
	}
	free(names);
	return ret;
}

void cli_print_cmds(const struct cli_cmd *cmds)
{
	const struct cli_cmd *cmd;

	for (cmd = cmds; cmd->name; cmd++)
		printf("  %-*s %s\n", CLI_NAME_WIDTH, cmd->name, cmd->summary);
}

bool cli_is_help(const char *arg)
{
	return !strcmp(arg, "help") || !strcmp(arg, "--help") ||
	       !strcmp(arg, "-h");
}

bool cli_is_option(const char *arg)
{
	return arg[0] == '-' && arg[1] && !(arg[1] >= '0' && arg[1] <= '9');
}

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	print_err("%s", msg ? msg : "usage error (out of memory)");
	free(msg);
	return -EINVAL;
}

static bool is_global_option(const char *opt)
{
	static const char *const globals[] = {
		"-j", "--json", "-p", "--pretty", "--socket",
	};
	size_t i, len;

	for (i = 0; i < sizeof(globals) / sizeof(globals[0]); i++) {
		len = strlen(globals[i]);
		if (!strncmp(opt, globals[i], len) &&
		    (!opt[len] || opt[len] == '='))
			return true;
	}
	return false;
}

int cli_unknown_option(const char *cmd, const char *opt)
{
	if (is_global_option(opt))
		return cli_usage_error("'%s' is a global option: put it before "
				       "the command, as in 'steerctl %s %s "
				       "...'",
				       opt, opt, cmd);
	return cli_usage_error("unknown option '%s' for %s; see 'steerctl %s "
			       "help'",
			       opt, cmd, cmd);
}

bool cli_req_args(int argc, char **argv, int n)
{
	if (argc >= n)
		return true;
	cli_usage_error("'%s' needs %d more argument%s, %d given", argv[-1], n,
			n == 1 ? "" : "s", argc);
	return false;
}
