/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Declarative option walking and value checks for steerctl's daemon
 * commands, so every command refuses bad input the same way, before it
 * talks to steerd.
 */
#ifndef STEER_CLI_ARGS_H
#define STEER_CLI_ARGS_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/parse.h"

/* One option of a command: a flag ("--force") or "--name VALUE". */
struct cli_opt {
	const char *name; /* with its dashes: "--listen" */
	const char *metavar; /* the value's name in messages; NULL: a flag */
	const char **value; /* options with a value: where it is stored */
	bool *given; /* set when the option is present; may be NULL */
};

#define CLI_OPT_VALUE(name, metavar, value)      \
	{                                        \
		(name), (metavar), (value), NULL \
	}
#define CLI_OPT_FLAG(name, given)           \
	{                                   \
		(name), NULL, NULL, (given) \
	}
#define CLI_OPT_END                    \
	{                              \
		NULL, NULL, NULL, NULL \
	}

/*
 * Walks a command's words (those after its name). Options from opts (ended
 * by an entry without name) may come anywhere, as "--name VALUE" or
 * "--name=VALUE"; "--" ends them. The other words are positional: stored in
 * pos, at least min and at most max of them; pos_names names them for
 * messages ("NAME"). cmd names the command ("group add").
 *
 * Returns 0; 1 when the usage is asked for (help, --help or -h first, or
 * --help or -h among the options); or -EINVAL after printing a usage
 * error: unknown option, missing value, an option given twice, a value
 * given to a flag, too few or too many positional words.
 */
int cli_parse_args(const char *cmd, int argc, char **argv,
		   const struct cli_opt *opts, const char **pos, int min,
		   int max, const char *pos_names);

/*
 * Seconds with up to millisecond precision ("2", "0.5", "1.25") as
 * milliseconds, at most max_ms.
 */
int cli_parse_seconds(const char *s, uint32_t max_ms, uint32_t *ms,
		      struct parse_err *err);

/*
 * An interface name the kernel would accept: 1 to IFNAMSIZ - 1 bytes, not
 * "." or "..", without '/', ':' or white space.
 */
int cli_check_ifname(const char *s, struct parse_err *err);

/* A group name (see PROTO_GROUP_NAME_MAX). */
int cli_check_group_name(const char *s, struct parse_err *err);

/*
 * One of the words in choices (a NULL-terminated list), exactly: these are
 * values sent to steerd, where a prefix would be a guess.
 */
int cli_check_choice(const char *s, const char *const *choices,
		     struct parse_err *err);

#endif /* STEER_CLI_ARGS_H */
