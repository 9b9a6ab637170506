/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * loadgen's command line: the options, their values and the checks that
 * need the system (usable CPUs, a bindable source).
 */
#ifndef LOADGEN_ARGS_H
#define LOADGEN_ARGS_H

#include "loadgen.h"

/* 0, 1 when --help was printed, or -EINVAL after one line on stderr. */
int args_parse(int argc, char **argv, struct config *cfg);

/*
 * Fills in what depends on the host: the CPUs (default: all allowed), the
 * concurrency's default; checks --cpus and --bind. 0, or -EINVAL after a
 * line on stderr, or another negative errno.
 */
int args_resolve(struct config *cfg);

/* Frees what args_parse allocated. */
void args_free(struct config *cfg);

/* "loadgen: <message> (see --help)" on stderr; returns -EINVAL. */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* LOADGEN_ARGS_H */
