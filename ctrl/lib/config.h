/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * steer.conf, the declarative configuration (/etc/steer/steer.conf): the
 * interfaces steer attaches to and the listener groups it steers, read with
 * libinih (INI, one section per object) and checked whole, so that a file
 * with any error is refused before anything is applied. steerctl apply and
 * steerd --config share it. The format is in steer.conf(5).
 *
 *   [iface eth0]                 [group web]
 *   steer = cpu                  listen = 198.18.0.1:80
 *   xdp-mode = native            kind = reuseport
 *   cpus = 0-3                   proto = tcp
 *   queue-cpus = 0:0,1:1         adopt = no
 *   rss-key = 6d5a56da...
 *   indir = 4
 */
#ifndef STEER_CONFIG_H
#define STEER_CONFIG_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse.h"
#include "proto.h"
#include "steer_abi.h"

#define CONFIG_DEFAULT_PATH "/etc/steer/steer.conf"
/* Longest line, an indirection table of STEER_INDIR_MAX entries included. */
#define CONFIG_LINE_MAX 16384
/* Errors kept for the report; the file is refused on the first anyway. */
#define CONFIG_ERRORS_MAX 32

/* Each key's _line is the line it was read from; 0 when it is absent. */
struct config_iface {
	char name[IFNAMSIZ];
	unsigned int line; /* of the [iface NAME] header */
	/* NULL when absent: steerd's defaults, "cpu" and "native". */
	const char *steer;
	unsigned int steer_line;
	const char *xdp_mode;
	unsigned int xdp_mode_line;
	unsigned int cpus_line; /* 0: steerd steers to the online CPUs */
	uint32_t ncpus;
	uint32_t cpus[STEER_MAX_CPUS];
	unsigned int queue_cpus_line;
	uint32_t cpu_of_queue[STEER_MAX_QUEUES]; /* STEER_INDIR_NONE: unset */
	unsigned int rss_key_line;
	size_t rss_key_len;
	uint8_t rss_key[STEER_RSS_KEY_MAX];
	unsigned int indir_line;
	size_t indir_size;
	uint32_t indir[STEER_INDIR_MAX];
	/* The three as written (checked above), for steerd's attach request. */
	char *queue_cpus_text, *rss_key_text, *indir_text;
};

struct config_group {
	char name[PROTO_GROUP_NAME_MAX + 1];
	unsigned int line; /* of the [group NAME] header */
	unsigned int listen_line; /* 0: missing, an error */
	struct steer_addr addr;
	uint16_t port;
	const char *kind; /* NULL: steerd's default "reuseport" */
	unsigned int kind_line;
	const char *proto; /* NULL: "tcp" */
	unsigned int proto_line;
	bool adopt;
	unsigned int adopt_line;
};

struct config_error {
	unsigned int line; /* 0: the file as a whole */
	char msg[PARSE_ERR_MAX + 64];
};

struct steer_config {
	struct config_iface *ifaces;
	size_t nifaces;
	struct config_group *groups;
	size_t ngroups;
	/* Every error found, in file order, up to CONFIG_ERRORS_MAX. */
	struct config_error errors[CONFIG_ERRORS_MAX];
	size_t nerrors;
	size_t errors_dropped; /* found past CONFIG_ERRORS_MAX */
};

/*
 * Reads and checks the whole file into cfg (config_free() it, also after an
 * error). Returns 0; -EINVAL when the file has errors (all recorded in
 * cfg->errors with their lines: syntax, unknown sections or keys, a key
 * twice, bad values, an object named twice, a group without listen, two
 * groups on one address and port); or the errno of opening it (ENOMEM,
 * ENOENT, ...), recorded as an error of line 0.
 */
int config_load(const char *path, struct steer_config *cfg);
/* The same from text in memory (tests, and steerd's reload if it wants). */
int config_load_string(const char *text, struct steer_config *cfg);

/* Records an error of line (printf format); callers add their own checks. */
void config_error(struct steer_config *cfg, unsigned int line, const char *fmt,
		  ...) __attribute__((format(printf, 3, 4)));

void config_free(struct steer_config *cfg);

#endif /* STEER_CONFIG_H */
