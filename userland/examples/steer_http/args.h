/* SPDX-License-Identifier: GPL-2.0-only */
/* steer_http's command line: the configuration every process shares. */
#ifndef STEER_HTTP_ARGS_H
#define STEER_HTTP_ARGS_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/parse.h"

#define STEER_HTTP_VERSION "0.1.0"
#define EXIT_USAGE 2

struct config {
	struct steer_addr addr; /* --addr: where --no-steer listens */
	uint16_t port;
	bool addr_set,
		port_set; /* with steer: check the group's against them */
	cpu_set_t cpus;
	const char *group;
	const char *socket_path;
	unsigned int gen;
	bool standby, no_steer, incoming_cpu, supervise, verbose;
};

/* 0 to run, -1 when done (help, version), or an exit status. */
int parse_args(int argc, char **argv, struct config *cfg);

/* "0-3,6": the CPUs of a set, as the kernel writes CPU lists. */
void cpus_format(const cpu_set_t *set, char *buf, size_t len);

#endif /* STEER_HTTP_ARGS_H */
