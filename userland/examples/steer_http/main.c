// SPDX-License-Identifier: GPL-2.0-only
/*
 * steer_http: a per-CPU HTTP/1.1 server whose workers take their listeners
 * from steerd, drain through it and roll over without losing a connection.
 * main() parses the options and hands over to the master (master.c), which
 * forks the workers (worker.c).
 */
#include "args.h"
#include "log.h"
#include "master.h"

int main(int argc, char **argv)
{
	struct config cfg;
	int rc;

	/* Usage errors say "steer_http: ..."; the master's lines its pid. */
	steer_log_set_name("steer_http");
	rc = parse_args(argc, argv, &cfg);
	if (rc)
		return rc < 0 ? 0 : rc;
	log_set_role(-1);
	log_route_libsteer(cfg.verbose);
	return master_run(&cfg);
}
