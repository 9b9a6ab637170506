/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * steerctl's command machinery, bpftool style: command tables matched by
 * unique prefix, argument-walking helpers, global options and exit codes.
 */
#ifndef STEER_CLI_H
#define STEER_CLI_H

#include <stdbool.h>

/*
 * Exit statuses. Commands return 0 or a negative errno; only main() turns it
 * into one of these, with cli_exit_code().
 */
enum cli_exit {
	CLI_EXIT_OK = 0,
	CLI_EXIT_FAIL = 1, /* the operation failed */
	CLI_EXIT_USAGE = 2, /* bad arguments: nothing was done */
	CLI_EXIT_NO_DAEMON = 3, /* steerd not reachable */
};

/*
 * -EINVAL: the command line is wrong (CLI_EXIT_USAGE), so a command must not
 * pass an operation's own EINVAL up unchanged. -ENOTCONN, -ECONNREFUSED:
 * steerd is not reachable (CLI_EXIT_NO_DAEMON). Any other error:
 * CLI_EXIT_FAIL.
 */
enum cli_exit cli_exit_code(int err);

/* One word of a command table; a table ends with an entry without name. */
struct cli_cmd {
	const char *name;
	/* argv holds the words after name; "help" or --help asks for usage. */
	int (*func)(int argc, char **argv);
	const char *summary; /* one line for the help listing */
};

/* Global options, set by main() before a command runs. */
struct cli_opts {
	bool json;
	bool pretty;
	const char *socket_path; /* --socket; NULL: steerd's default */
};

extern struct cli_opts cli_opts;

/*
 * The command word names: its exact name, else the one name it is a prefix
 * of. NULL when it names none or several; *matches (may be NULL) says how
 * many names it is a prefix of.
 */
const struct cli_cmd *cli_cmd_find(const struct cli_cmd *cmds, const char *word,
				   int *matches);

/*
 * Runs the command argv[0] names with the words after it. family names the
 * table in messages ("iface"), NULL for the top level. An unknown, ambiguous
 * or missing word is a usage error (printed, -EINVAL).
 */
int cli_cmd_run(const struct cli_cmd *cmds, int argc, char **argv,
		const char *family);

/* "  name      summary" for each command, on stdout. */
void cli_print_cmds(const struct cli_cmd *cmds);

/* "help", "--help" or "-h": a command prints its usage and succeeds. */
bool cli_is_help(const char *arg);

/*
 * An option word: starts with '-' and is not "-" or a negative number, so
 * "-1" reaches the number parser and gets a message about numbers.
 */
bool cli_is_option(const char *arg);

/*
 * "unknown option" for cmd's option word opt, pointing global options
 * (-j, --json, ...) to their place before the command. Returns -EINVAL.
 */
int cli_unknown_option(const char *cmd, const char *opt);

/* Prints a usage error (one line, print_err) and returns -EINVAL. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Walking a command's local argc/argv, as bpftool does: NEXT_ARG() steps to
 * the next word; NEXT_ARG_VALUE() steps to the value of the option at *argv
 * and yields it, or NULL when the option is the last word; REQ_ARGS(n) is
 * true when n words remain, else prints a usage error naming argv[-1].
 */
#define NEXT_ARG()      \
	({              \
		argc--; \
		argv++; \
	})
#define NEXT_ARG_VALUE()                 \
	({                               \
		NEXT_ARG();              \
		argc > 0 ? *argv : NULL; \
	})
#define REQ_ARGS(n) cli_req_args(argc, argv, (n))

bool cli_req_args(int argc, char **argv, int n);

#endif /* STEER_CLI_H */
