// SPDX-License-Identifier: GPL-2.0-only
/*
 * steerctl's main: global options, the table of command families, and the
 * one place an error becomes an exit status.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "lib/defaults.h"
#include "lib/log.h"
#include "output.h"
#include "lib/proto.h"
#include "steer_abi.h"
#include "steerctl.h"
#include "lib/version.h"

static int do_help(int argc, char **argv);
static int do_version(int argc, char **argv);

/* One entry per command family; matched by unique prefix. */
static const struct cli_cmd cmds[] = {
	{ "iface", do_iface, "attach, detach and show interfaces" },
	{ "group", do_group, "add, delete, list and show listener groups" },
	{ "drain", do_drain, "drain a listener so it can close cleanly" },
	{ "stats", do_stats, "the dataplane's counters, or their rates" },
	{ "status", do_status, "what steerd is running with" },
	{ "apply", do_apply,
	  "make steerd run a steer.conf: show and apply the difference" },
	{ "doctor", do_doctor,
	  "check what steer needs from the kernel and host, and steerd" },
	{ "shutdown", do_shutdown,
	  "stop steerd (spelled out, never a prefix)" },
	{ "hash", do_hash,
	  "Toeplitz RSS hash of a flow, as a NIC computes it" },
	{ "version", do_version,
	  "print steerctl's version and map ABI version" },
	{ "help", do_help, "print this help, or a command's: help COMMAND" },
	{ NULL },
};

static int usage(void)
{
	printf("Usage: steerctl [OPTIONS] COMMAND [ARGS]...\n"
	       "       steerctl help [COMMAND]\n"
	       "\n"
	       "Commands (any unique prefix works: 'steerctl ha' is "
	       "'steerctl hash'):\n");
	cli_print_cmds(cmds);
	printf("\n"
	       "Options (before the command):\n"
	       "  -j, --json           JSON output; errors too, as "
	       "{\"error\": \"...\"} on stdout\n"
	       "  -p, --pretty         indented JSON output (implies --json)\n"
	       "      --socket PATH    steerd's control socket (default "
	       "%s)\n"
	       "  -h, --help           print this help\n"
	       "  -V, --version        print the version\n"
	       "\n"
	       "Every command but hash, version and help talks to steerd.\n"
	       "\n"
	       "Exit status: %d success, %d operation failed, %d usage error "
	       "(bad arguments),\n"
	       "%d steerd not reachable.\n",
	       steer_default_socket(), CLI_EXIT_OK, CLI_EXIT_FAIL,
	       CLI_EXIT_USAGE, CLI_EXIT_NO_DAEMON);
	return 0;
}

static int do_help(int argc, char **argv)
{
	char help[] = "help";
	char *help_argv[] = { help, NULL };
	const struct cli_cmd *cmd;

	if (!argc)
		return usage();
	if (argc > 1)
		return cli_usage_error("help takes one command, got %d words; "
				       "see 'steerctl help'",
				       argc);
	/* "help hash" is "hash help"; the lookup reports a bad name. */
	cmd = cli_cmd_find(cmds, *argv, NULL);
	if (cmd && cmd->func == do_help)
		return usage();
	if (!cmd)
		return cli_cmd_run(cmds, argc, argv, NULL);
	return cmd->func(1, help_argv);
}

static int do_version(int argc, char **argv)
{
	if (argc && cli_is_help(*argv)) {
		printf("Usage: steerctl version\n"
		       "\n"
		       "Prints steerctl's version and the map ABI version it "
		       "speaks.\n"
		       "JSON (-j): {\"version\": \"%s\", \"abi_version\": "
		       "%d}\n",
		       STEER_VERSION, STEER_ABI_VERSION);
		return 0;
	}
	if (argc)
		return cli_usage_error("version takes no arguments, got '%s'",
				       *argv);

	print_string(PRINT_FP, NULL, "steerctl %s", STEER_VERSION);
	print_uint(PRINT_FP, NULL, " (map ABI %u)\n", STEER_ABI_VERSION);
	print_string(PRINT_JSON, "version", NULL, STEER_VERSION);
	print_uint(PRINT_JSON, "abi_version", NULL, STEER_ABI_VERSION);
	return 0;
}

enum {
	OPT_SOCKET = 256, /* long-only options, past any char */
};

static const struct option options[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "pretty", no_argument, NULL, 'p' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "socket", required_argument, NULL, OPT_SOCKET },
	{ NULL },
};

/*
 * Parses the options before the command. The first problem is reported only
 * after all are read, so that -j later on the line still shapes the error.
 */
static int parse_global_options(int argc, char **argv, bool *help,
				bool *version)
{
	char short_opt[sizeof("-x")] = "";
	const char *bad = NULL; /* the first unknown option */
	const char *no_value = NULL; /* the first option missing its value */
	int opt;

	/* '+': stop at the command; ':': report a missing value as ':'. */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:jphV", options, NULL)) >= 0) {
		switch (opt) {
		case 'j':
			cli_opts.json = true;
			break;
		case 'p':
			cli_opts.json = true;
			cli_opts.pretty = true;
			break;
		case 'h':
			*help = true;
			break;
		case 'V':
			*version = true;
			break;
		case OPT_SOCKET:
			if (!*optarg && !no_value && !bad)
				no_value = "--socket";
			cli_opts.socket_path = optarg;
			break;
		case ':':
			if (!no_value && !bad)
				no_value = argv[optind - 1];
			break;
		default:
			if (bad || no_value)
				break;
			/* optopt is 0 for an unknown long option. */
			if (optopt) {
				snprintf(short_opt, sizeof(short_opt), "-%c",
					 optopt);
				bad = short_opt;
			} else {
				bad = argv[optind - 1];
			}
			break;
		}
	}

	output_init(cli_opts.json, cli_opts.pretty);
	if (no_value)
		return cli_usage_error("option '%s' needs a value; see "
				       "'steerctl help'",
				       no_value);
	if (bad)
		return cli_usage_error("unknown option '%s'; see 'steerctl "
				       "help'",
				       bad);
	return optind;
}

int main(int argc, char **argv)
{
	bool help = false, version = false;
	int err, first;

	steer_log_set_name("steerctl");

	first = parse_global_options(argc, argv, &help, &version);
	if (first < 0) {
		err = first;
	} else if (help) {
		err = usage();
	} else if (version) {
		err = do_version(0, NULL);
	} else if (first == argc) {
		err = cli_usage_error("no command given; run 'steerctl help' "
				      "for the commands");
	} else {
		err = cli_cmd_run(cmds, argc - first, argv + first, NULL);
	}

	if (output_flush() && !err) {
		/* stdout is gone (closed pipe, full disk): say so on stderr. */
		fprintf(stderr, "steerctl: cannot write the output: %s\n",
			strerror(EIO));
		err = -EIO;
	}
	return cli_exit_code(err);
}
