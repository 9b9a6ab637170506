// SPDX-License-Identifier: GPL-2.0-only
/*
 * steer.conf: read with libinih, every value checked with ctrl/lib/parse's
 * parsers (the grammar steerctl's options use), every error kept with its
 * line so the whole file can be refused at once.
 *
 * libinih calls back once per key without its line number (Debian builds
 * it without INI_HANDLER_LINENO), so the file goes through a reader of our
 * own that counts lines and sees section headers, which libinih does not
 * report (an [iface eth0] without keys is a valid, all-defaults section).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <ini.h>

#include "config.h"

/* A file larger than this is not a configuration someone wrote. */
#define CONFIG_FILE_MAX (1 << 20)

static const char *const steer_modes[] = { "rss", "cpu", NULL };
static const char *const xdp_modes[] = { "native", "skb", NULL };
static const char *const group_kinds[] = { "reuseport", "xsk", NULL };
static const char *const group_protos[] = { "tcp", "udp", NULL };

/* The reader's state over the file's text. */
struct config_reader {
	struct steer_config *cfg;
	const char *pos; /* next line */
	unsigned int line; /* of the line last handed to libinih */
	/* The object the keys that follow belong to (NULL: none, or bad). */
	struct config_iface *iface;
	struct config_group *group;
	bool in_section; /* a header was seen, even a bad one */
};

void config_error(struct steer_config *cfg, unsigned int line, const char *fmt,
		  ...)
{
	struct config_error *e;
	va_list ap;

	if (cfg->nerrors == CONFIG_ERRORS_MAX) {
		cfg->errors_dropped++;
		return;
	}
	e = &cfg->errors[cfg->nerrors++];
	e->line = line;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

static bool line_has_error(const struct steer_config *cfg, unsigned int line)
{
	for (size_t i = 0; i < cfg->nerrors; i++)
		if (cfg->errors[i].line == line)
			return true;
	return false;
}

static const char *skip_space(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* The entry of choices s is, exactly; NULL (and an error) otherwise. */
static const char *choose(struct config_reader *rd, const char *key,
			  const char *s, const char *const *choices)
{
	char list[64] = "";

	for (const char *const *c = choices; *c; c++) {
		if (!strcmp(s, *c))
			return *c;
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
			 "%s%s", c == choices ? "" : ", ", *c);
	}
	config_error(rd->cfg, rd->line, "%s: '%s' is not one of %s", key, s,
		     list);
	return NULL;
}

static void *grow(void *array, size_t n, size_t size)
{
	/* One at a time: configurations have a handful of sections. */
	return reallocarray(array, n + 1, size);
}

static void start_iface(struct config_reader *rd, const char *name)
{
	struct steer_config *cfg = rd->cfg;
	struct config_iface *ifc;

	for (size_t i = 0; i < cfg->nifaces; i++)
		if (!strcmp(cfg->ifaces[i].name, name)) {
			config_error(cfg, rd->line,
				     "[iface %s] again (first on line %u)",
				     name, cfg->ifaces[i].line);
			return;
		}
	if (strlen(name) >= IFNAMSIZ) {
		config_error(cfg, rd->line,
			     "interface name '%s' is longer than %d characters",
			     name, IFNAMSIZ - 1);
		return;
	}
	ifc = grow(cfg->ifaces, cfg->nifaces, sizeof(*ifc));
	if (!ifc) {
		config_error(cfg, rd->line, "out of memory");
		return;
	}
	cfg->ifaces = ifc;
	ifc = &cfg->ifaces[cfg->nifaces++];
	memset(ifc, 0, sizeof(*ifc));
	strcpy(ifc->name, name);
	ifc->line = rd->line;
	for (size_t q = 0; q < STEER_MAX_QUEUES; q++)
		ifc->cpu_of_queue[q] = STEER_INDIR_NONE;
	rd->iface = ifc;
}

static void start_group(struct config_reader *rd, const char *name)
{
	struct steer_config *cfg = rd->cfg;
	struct config_group *g;

	for (size_t i = 0; i < cfg->ngroups; i++)
		if (!strcmp(cfg->groups[i].name, name)) {
			config_error(cfg, rd->line,
				     "[group %s] again (first on line %u)",
				     name, cfg->groups[i].line);
			return;
		}
	if (strlen(name) > PROTO_GROUP_NAME_MAX) {
		config_error(cfg, rd->line,
			     "group name '%s' is longer than %d characters",
			     name, PROTO_GROUP_NAME_MAX);
		return;
	}
	g = grow(cfg->groups, cfg->ngroups, sizeof(*g));
	if (!g) {
		config_error(cfg, rd->line, "out of memory");
		return;
	}
	cfg->groups = g;
	g = &cfg->groups[cfg->ngroups++];
	memset(g, 0, sizeof(*g));
	strcpy(g->name, name);
	g->line = rd->line;
	rd->group = g;
}

/*
 * A section header line, "[iface NAME]" or "[group NAME]": starts the
 * object its keys fill. libinih checks the brackets; this reads the words.
 */
static void start_section(struct config_reader *rd, const char *text,
			  size_t len)
{
	char buf[128], type[16], name[64];
	const char *rest;
	int end = -1;

	rd->iface = NULL;
	rd->group = NULL;
	rd->in_section = true;
	if (len >= sizeof(buf)) {
		config_error(rd->cfg, rd->line, "section header too long");
		return;
	}
	memcpy(buf, text, len);
	buf[len] = '\0';
	/* "[", TYPE, NAME, "]", then nothing but a comment. */
	if (sscanf(buf, "[ %15s %63[^] \t] %n", type, name, &end) < 2 ||
	    end < 0 || buf[end] != ']') {
		/* libinih reports a header without its ']'. */
		if (strchr(buf, ']'))
			config_error(rd->cfg, rd->line,
				     "section header: expected [iface NAME] "
				     "or [group NAME]");
		return;
	}
	rest = skip_space(buf + end + 1);
	if (*rest && *rest != ';' && *rest != '#') {
		config_error(rd->cfg, rd->line,
			     "text after the section header: '%s'", rest);
		return;
	}
	if (!strcmp(type, "iface"))
		start_iface(rd, name);
	else if (!strcmp(type, "group"))
		start_group(rd, name);
	else
		config_error(rd->cfg, rd->line,
			     "unknown section [%s %s]: expected [iface NAME] "
			     "or [group NAME]",
			     type, name);
}

/* libinih's reader: one line (as fgets), counted, headers noticed. */
static char *read_line(char *str, int num, void *stream)
{
	struct config_reader *rd = stream;
	const char *end, *text;
	size_t len;

	if (!*rd->pos)
		return NULL;
	end = strchrnul(rd->pos, '\n');
	len = end - rd->pos + (*end == '\n');
	rd->line++;
	text = rd->pos;
	rd->pos += len;
	/* Checked against ours too: libinih may offer more room. */
	if (len >= (size_t)num || len >= CONFIG_LINE_MAX) {
		config_error(rd->cfg, rd->line,
			     "line longer than %d characters",
			     CONFIG_LINE_MAX - 1);
		/* libinih gets an empty line: the error is recorded. */
		strcpy(str, "\n");
		return str;
	}
	memcpy(str, text, len);
	str[len] = '\0';
	text = skip_space(str);
	if (*text == '[')
		start_section(rd, text, strcspn(text, "\r\n"));
	return str;
}

/* A copy of a checked value for the request that carries it to steerd. */
static int keep_text(char **text, const char *value, struct parse_err *perr)
{
	*text = strdup(value);
	if (*text)
		return 0;
	snprintf(perr->msg, sizeof(perr->msg), "out of memory");
	return -ENOMEM;
}

/* Whether key was already given: its line, else 0 after storing line. */
static bool key_again(struct config_reader *rd, const char *key,
		      unsigned int *key_line)
{
	if (*key_line) {
		config_error(rd->cfg, rd->line,
			     "%s given twice (first on line %u)", key,
			     *key_line);
		return true;
	}
	*key_line = rd->line;
	return false;
}

static void iface_key(struct config_reader *rd, struct config_iface *ifc,
		      const char *key, const char *value)
{
	struct steer_config *cfg = rd->cfg;
	struct parse_err perr;
	int err = 0;

	if (!strcmp(key, "steer")) {
		if (!key_again(rd, key, &ifc->steer_line))
			ifc->steer = choose(rd, key, value, steer_modes);
	} else if (!strcmp(key, "xdp-mode")) {
		if (!key_again(rd, key, &ifc->xdp_mode_line))
			ifc->xdp_mode = choose(rd, key, value, xdp_modes);
	} else if (!strcmp(key, "cpus")) {
		if (!key_again(rd, key, &ifc->cpus_line)) {
			size_t n = 0;

			err = parse_cpu_list(value, ifc->cpus, STEER_MAX_CPUS,
					     &n, &perr);
			ifc->ncpus = n;
		}
	} else if (!strcmp(key, "queue-cpus")) {
		if (!key_again(rd, key, &ifc->queue_cpus_line))
			err = parse_queue_cpus(value, ifc->cpu_of_queue, &perr) ?:
				      keep_text(&ifc->queue_cpus_text, value,
						&perr);
	} else if (!strcmp(key, "rss-key")) {
		if (!key_again(rd, key, &ifc->rss_key_line))
			err = parse_rss_key(value, ifc->rss_key, &ifc->rss_key_len, &perr) ?:
				      keep_text(&ifc->rss_key_text, value,
						&perr);
	} else if (!strcmp(key, "indir")) {
		if (!key_again(rd, key, &ifc->indir_line))
			err = parse_indir_table(value, ifc->indir, STEER_INDIR_MAX, &ifc->indir_size, &perr) ?:
				      keep_text(&ifc->indir_text, value, &perr);
	} else {
		config_error(cfg, rd->line,
			     "unknown key '%s' in [iface %s] (steer, xdp-mode, "
			     "cpus, queue-cpus, rss-key, indir)",
			     key, ifc->name);
	}
	if (err)
		config_error(cfg, rd->line, "%s: %s", key, perr.msg);
}

static void group_key(struct config_reader *rd, struct config_group *g,
		      const char *key, const char *value)
{
	struct steer_config *cfg = rd->cfg;
	struct parse_err perr;

	if (!strcmp(key, "listen")) {
		if (!key_again(rd, key, &g->listen_line) &&
		    parse_addr_port(value, &g->addr, &g->port, &perr))
			config_error(cfg, rd->line, "listen: %s", perr.msg);
	} else if (!strcmp(key, "kind")) {
		if (!key_again(rd, key, &g->kind_line))
			g->kind = choose(rd, key, value, group_kinds);
	} else if (!strcmp(key, "proto")) {
		if (!key_again(rd, key, &g->proto_line))
			g->proto = choose(rd, key, value, group_protos);
	} else if (!strcmp(key, "adopt")) {
		if (key_again(rd, key, &g->adopt_line))
			return;
		if (!strcasecmp(value, "yes") || !strcasecmp(value, "true"))
			g->adopt = true;
		else if (strcasecmp(value, "no") && strcasecmp(value, "false"))
			config_error(cfg, rd->line,
				     "adopt: '%s' is not yes or no", value);
	} else {
		config_error(cfg, rd->line,
			     "unknown key '%s' in [group %s] (listen, kind, "
			     "proto, adopt)",
			     key, g->name);
	}
}

static int handle_key(void *user, const char *section, const char *key,
		      const char *value)
{
	struct config_reader *rd = user;

	if (!rd->in_section)
		config_error(rd->cfg, rd->line,
			     "'%s' outside a section: put it under [iface "
			     "NAME] or [group NAME]",
			     key);
	else if (rd->iface)
		iface_key(rd, rd->iface, key, value);
	else if (rd->group)
		group_key(rd, rd->group, key, value);
	/* else: the header's own error is recorded. */
	return 1;
}

static bool same_listen(const struct config_group *a,
			const struct config_group *b)
{
	size_t len = a->addr.af == AF_INET ? sizeof(a->addr.v4) :
					     sizeof(a->addr.v6);

	return a->port == b->port && a->addr.af == b->addr.af &&
	       !memcmp(a->addr.bytes, b->addr.bytes, len);
}

/* What needs the whole file: required keys, clashes between objects. */
static void check_whole(struct steer_config *cfg)
{
	for (size_t i = 0; i < cfg->ngroups; i++) {
		struct config_group *g = &cfg->groups[i];

		if (!g->listen_line) {
			config_error(cfg, g->line,
				     "[group %s] needs listen = ADDR:PORT",
				     g->name);
			continue;
		}
		for (size_t j = 0; j < i; j++)
			if (cfg->groups[j].listen_line &&
			    same_listen(&cfg->groups[j], g))
				config_error(cfg, g->listen_line,
					     "group %s listens where group %s "
					     "does (line %u)",
					     g->name, cfg->groups[j].name,
					     cfg->groups[j].listen_line);
	}
}

static int compare_errors(const void *a, const void *b)
{
	const struct config_error *x = a, *y = b;

	return (x->line > y->line) - (x->line < y->line);
}

int config_load_string(const char *text, struct steer_config *cfg)
{
	struct config_reader rd = { .cfg = cfg, .pos = text };
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	/* Process-wide knobs of Debian's libinih; the same every call. */
	ini_use_stack = false;
	ini_max_line = CONFIG_LINE_MAX;
	ini_initial_alloc = CONFIG_LINE_MAX;
	ini_allow_multiline = false;
	ini_stop_on_first_error = false;

	ret = ini_parse_stream(read_line, &rd, handle_key, &rd);
	if (ret < 0)
		config_error(cfg, 0, "out of memory");
	else if (ret > 0 && !line_has_error(cfg, ret))
		config_error(cfg, ret,
			     "syntax error: expected [iface NAME], [group "
			     "NAME] or key = value");
	check_whole(cfg);
	/* Stable: errors of one line stay in the order they were found. */
	for (size_t i = 1; i < cfg->nerrors; i++)
		for (size_t j = i; j && compare_errors(&cfg->errors[j - 1],
						       &cfg->errors[j]) > 0;
		     j--) {
			struct config_error t = cfg->errors[j];

			cfg->errors[j] = cfg->errors[j - 1];
			cfg->errors[j - 1] = t;
		}
	return cfg->nerrors ? -EINVAL : 0;
}

/*
 * The whole file, NUL-terminated, in *text (free() it). Read to its end, not
 * to its stat size: /dev/null and pipes are files too.
 */
static int read_file(const char *path, char **text)
{
	size_t len = 0, size = 4096;
	char *buf, *bigger;
	ssize_t n;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = malloc(size);
	if (!buf) {
		ret = -ENOMEM;
		goto out_close;
	}
	while ((n = read(fd, buf + len, size - len - 1)) > 0) {
		len += n;
		if (len + 1 < size)
			continue;
		if (size >= CONFIG_FILE_MAX) {
			ret = -EFBIG;
			goto out_free;
		}
		bigger = realloc(buf, size * 2);
		if (!bigger) {
			ret = -ENOMEM;
			goto out_free;
		}
		buf = bigger;
		size *= 2;
	}
	if (n < 0) {
		ret = -errno;
		goto out_free;
	}
	buf[len] = '\0';
	if (strlen(buf) != len) {
		ret = -EILSEQ; /* a NUL byte: not a text file */
		goto out_free;
	}
	*text = buf;
	goto out_close;
out_free:
	free(buf);
out_close:
	close(fd);
	return ret;
}

int config_load(const char *path, struct steer_config *cfg)
{
	char *text = NULL;
	int ret;

	ret = read_file(path, &text);
	if (ret) {
		memset(cfg, 0, sizeof(*cfg));
		config_error(cfg, 0, "cannot read it: %s", strerror(-ret));
		return ret;
	}
	ret = config_load_string(text, cfg);
	free(text);
	return ret;
}

void config_free(struct steer_config *cfg)
{
	for (size_t i = 0; i < cfg->nifaces; i++) {
		free(cfg->ifaces[i].queue_cpus_text);
		free(cfg->ifaces[i].rss_key_text);
		free(cfg->ifaces[i].indir_text);
	}
	free(cfg->ifaces);
	free(cfg->groups);
	cfg->ifaces = NULL;
	cfg->groups = NULL;
	cfg->nifaces = cfg->ngroups = 0;
}
