// SPDX-License-Identifier: GPL-2.0-only
/*
 * Option walking and value checks shared by steerctl's daemon commands: a
 * command describes its options in a table, and every mistake is caught
 * here, with one line saying what is wrong, before steerd is contacted.
 */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_args.h"
#include "lib/proto.h"

#define MS_PER_S 1000
#define MS_DIGITS 3 /* decimals of a second that fit in milliseconds */
#define SECONDS_EXAMPLE "e.g. 2 or 0.5"

/* The options a command can have: one bit each in a mask. */
#define CLI_OPTS_MAX 64

static __attribute__((format(printf, 2, 3))) int
check_fail(struct parse_err *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/*
 * The option word names ("--kind" or "--kind=xsk"), with *inline_value the
 * text after '=' or NULL.
 */
static const struct cli_opt *find_opt(const struct cli_opt *opts,
				      const char *word,
				      const char **inline_value)
{
	const struct cli_opt *o;
	size_t len;

	for (o = opts; o->name; o++) {
		len = strlen(o->name);
		if (strncmp(word, o->name, len))
			continue;
		if (!word[len] || word[len] == '=') {
			*inline_value = word[len] ? word + len + 1 : NULL;
			return o;
		}
	}
	return NULL;
}

static bool is_help_option(const char *word)
{
	return !strcmp(word, "--help") || !strcmp(word, "-h");
}

int cli_parse_args(const char *cmd, int argc, char **argv,
		   const struct cli_opt *opts, const char **pos, int min,
		   int max, const char *pos_names)
{
	const char *extra = NULL, *value;
	const struct cli_opt *o;
	uint64_t seen = 0, bit;
	bool opts_done = false;
	int npos = 0;

	if (argc && cli_is_help(*argv))
		return 1;

	for (; argc; NEXT_ARG()) {
		if (opts_done || !cli_is_option(*argv)) {
			if (npos < max)
				pos[npos] = *argv;
			else if (!extra)
				extra = *argv;
			npos++;
			continue;
		}
		if (!strcmp(*argv, "--")) {
			opts_done = true;
			continue;
		}
		if (is_help_option(*argv))
			return 1;

		o = find_opt(opts, *argv, &value);
		if (!o)
			return cli_unknown_option(cmd, *argv);
		assert(o - opts < CLI_OPTS_MAX);
		bit = 1ULL << (o - opts);
		if (seen & bit)
			return cli_usage_error("%s given twice", o->name);
		seen |= bit;

		if (!o->metavar) {
			if (value)
				return cli_usage_error("%s takes no value",
						       o->name);
		} else if (!value) {
			/* "--listen --kind xsk": the value was forgotten. */
			value = NEXT_ARG_VALUE();
			if (!value || cli_is_option(value))
				return cli_usage_error("%s needs a value: "
						       "%s %s",
						       o->name, o->name,
						       o->metavar);
		}
		if (o->value)
			*o->value = value;
		if (o->given)
			*o->given = true;
	}

	if (extra)
		return cli_usage_error("unexpected argument '%s' for %s; see "
				       "'steerctl %s help'",
				       extra, cmd, cmd);
	if (npos < min)
		return cli_usage_error("%s needs %s; see 'steerctl %s help'",
				       cmd, pos_names, cmd);
	return 0;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int cli_parse_seconds(const char *s, uint32_t max_ms, uint32_t *ms,
		      struct parse_err *err)
{
	uint64_t whole = 0, frac = 0;
	const char *p = s;
	int decimals = 0;

	if (!*s)
		return check_fail(err, "empty value (expected seconds, "
				       "" SECONDS_EXAMPLE ")");
	if (!is_digit(*p))
		goto bad;
	for (; is_digit(*p); p++) {
		whole = whole * 10 + (uint64_t)(*p - '0');
		/* Anything past the limit is refused below; stop growing. */
		if (whole > max_ms)
			whole = (uint64_t)max_ms + 1;
	}
	if (*p == '.') {
		p++;
		if (!is_digit(*p))
			goto bad;
		for (; is_digit(*p); p++) {
			if (++decimals > MS_DIGITS)
				return check_fail(err,
						  "'%s': at most %d decimals "
						  "(milliseconds)",
						  s, MS_DIGITS);
			frac = frac * 10 + (uint64_t)(*p - '0');
		}
		for (; decimals < MS_DIGITS; decimals++)
			frac *= 10;
	}
	if (*p)
		goto bad;
	if (whole * MS_PER_S + frac > max_ms)
		return check_fail(err, "'%s' is out of range 0-%u seconds", s,
				  max_ms / MS_PER_S);
	*ms = (uint32_t)(whole * MS_PER_S + frac);
	return 0;
bad:
	return check_fail(err,
			  "'%s' is not a number of seconds (" SECONDS_EXAMPLE
			  ")",
			  s);
}

int cli_check_ifname(const char *s, struct parse_err *err)
{
	const char *p;

	if (!*s)
		return check_fail(err, "empty interface name");
	if (strlen(s) >= IFNAMSIZ)
		return check_fail(err,
				  "interface name '%s' is longer than %d "
				  "characters",
				  s, IFNAMSIZ - 1);
	if (!strcmp(s, ".") || !strcmp(s, ".."))
		return check_fail(err, "'%s' is not an interface name", s);
	for (p = s; *p; p++)
		if (*p == '/' || *p == ':' || isspace((unsigned char)*p))
			return check_fail(err,
					  "interface name '%s': '%c' is not "
					  "allowed",
					  s, *p);
	return 0;
}

int cli_check_group_name(const char *s, struct parse_err *err)
{
	return parse_group_name(s, err);
}

int cli_check_choice(const char *s, const char *const *choices,
		     struct parse_err *err)
{
	const char *const *c;
	size_t len = 0;

	for (c = choices; *c; c++)
		if (!strcmp(s, *c))
			return 0;

	len = snprintf(err->msg, sizeof(err->msg), "'%s' is not one of ", s);
	for (c = choices; *c && len < sizeof(err->msg); c++)
		len += snprintf(err->msg + len, sizeof(err->msg) - len, "%s%s",
				c == choices ? "" : ", ", *c);
	return -EINVAL;
}
