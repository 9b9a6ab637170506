/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reads tests/vectors/rss_ms.txt, Microsoft's published Toeplitz
 * verification vectors, for the unit tests that check hashes against them.
 */
#ifndef STEER_TEST_RSS_VECTORS_H
#define STEER_TEST_RSS_VECTORS_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/parse.h"
#include "steer_abi.h"

/* Relative to the repository root, where tests/run.sh runs; STEER_VECTORS
 * overrides it.
 */
#define RSS_VECTORS_DEFAULT "tests/vectors/rss_ms.txt"
/* The file has 4 vector lines (3 IPv4, 1 IPv6), 2 hashes each. */
#define RSS_VECTORS_EXPECTED 4
#define RSS_VECTORS_MAX 32
#define RSS_VECTORS_LINE_MAX 512
#define RSS_VECTORS_FIELDS 7 /* family src sport dst dport ip_only ports */
#define RSS_VECTORS_ERR_MAX 512

struct rss_vector {
	int line;
	/* Text as in the file, for steerctl's command line. */
	char src[RSS_VECTORS_LINE_MAX / 4], dst[RSS_VECTORS_LINE_MAX / 4];
	char sport_text[RSS_VECTORS_LINE_MAX / 4];
	char dport_text[RSS_VECTORS_LINE_MAX / 4];
	struct steer_addr saddr, daddr;
	uint16_t sport, dport; /* host order */
	uint32_t hash_ip_only, hash_with_ports;
};

struct rss_vectors {
	const char *path;
	uint8_t key[STEER_RSS_KEY_MAX];
	size_t key_len;
	struct rss_vector v[RSS_VECTORS_MAX];
	size_t n;
	char err[RSS_VECTORS_ERR_MAX]; /* why loading failed */
};

static inline const char *rss_vectors_path(void)
{
	const char *path = getenv("STEER_VECTORS");

	return path && *path ? path : RSS_VECTORS_DEFAULT;
}

/* "0x" and exactly 8 hex digits. */
static inline int rss_vectors_hash(const char *s, uint32_t *hash)
{
	char *end;

	if (strncmp(s, "0x", 2) || strlen(s) != 2 + 8)
		return -EINVAL;
	errno = 0;
	*hash = strtoul(s + 2, &end, 16);
	return errno || *end ? -EINVAL : 0;
}

static inline int rss_vectors_line(struct rss_vectors *vs, char *line,
				   int lineno)
{
	char *field[RSS_VECTORS_FIELDS + 1], *save = NULL, *tok;
	struct rss_vector *v;
	struct parse_err perr;
	int nf = 0;

	for (tok = strtok_r(line, " \t\r\n", &save);
	     tok && nf <= RSS_VECTORS_FIELDS;
	     tok = strtok_r(NULL, " \t\r\n", &save))
		field[nf++] = tok;
	if (!nf || field[0][0] == '#')
		return 0;

	if (!strcmp(field[0], "key")) {
		if (nf != 2 || parse_hex(field[1], vs->key, sizeof(vs->key),
					 &vs->key_len, &perr)) {
			snprintf(vs->err, sizeof(vs->err),
				 "%s:%d: bad key line", vs->path, lineno);
			return -EINVAL;
		}
		return 0;
	}

	if (strcmp(field[0], "v4") && strcmp(field[0], "v6")) {
		snprintf(vs->err, sizeof(vs->err), "%s:%d: unknown line '%s'",
			 vs->path, lineno, field[0]);
		return -EINVAL;
	}
	if (vs->n == RSS_VECTORS_MAX) {
		snprintf(vs->err, sizeof(vs->err),
			 "%s:%d: more than %d vectors", vs->path, lineno,
			 RSS_VECTORS_MAX);
		return -E2BIG;
	}
	v = &vs->v[vs->n];
	v->line = lineno;
	if (nf != RSS_VECTORS_FIELDS ||
	    parse_addr(field[1], &v->saddr, &perr) ||
	    parse_port(field[2], &v->sport, &perr) ||
	    parse_addr(field[3], &v->daddr, &perr) ||
	    parse_port(field[4], &v->dport, &perr) ||
	    rss_vectors_hash(field[5], &v->hash_ip_only) ||
	    rss_vectors_hash(field[6], &v->hash_with_ports) ||
	    v->saddr.af != v->daddr.af ||
	    v->saddr.af != (field[0][1] == '4' ? AF_INET : AF_INET6)) {
		snprintf(vs->err, sizeof(vs->err),
			 "%s:%d: expected '%s SRC SPORT DST DPORT 0xHASH "
			 "0xHASH'",
			 vs->path, lineno, field[0]);
		return -EINVAL;
	}
	snprintf(v->src, sizeof(v->src), "%s", field[1]);
	snprintf(v->sport_text, sizeof(v->sport_text), "%s", field[2]);
	snprintf(v->dst, sizeof(v->dst), "%s", field[3]);
	snprintf(v->dport_text, sizeof(v->dport_text), "%s", field[4]);
	vs->n++;
	return 0;
}

/* Loads every vector; on failure vs->err says what and where. */
static inline int rss_vectors_load(struct rss_vectors *vs)
{
	char line[RSS_VECTORS_LINE_MAX];
	int lineno = 0, err = 0;
	FILE *f;

	memset(vs, 0, sizeof(*vs));
	vs->path = rss_vectors_path();
	f = fopen(vs->path, "r");
	if (!f) {
		err = -errno;
		snprintf(vs->err, sizeof(vs->err),
			 "cannot open %s: %s (run from the repository root, "
			 "or set STEER_VECTORS)",
			 vs->path, strerror(errno));
		return err;
	}
	while (!err && fgets(line, sizeof(line), f))
		err = rss_vectors_line(vs, line, ++lineno);
	fclose(f);
	if (!err && !vs->key_len) {
		snprintf(vs->err, sizeof(vs->err), "%s: no key line", vs->path);
		err = -EINVAL;
	}
	return err;
}

#endif /* STEER_TEST_RSS_VECTORS_H */
