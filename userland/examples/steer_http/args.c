// SPDX-License-Identifier: GPL-2.0-only
/*
 * steer_http's options: usage, parsing with lib/parse.h's grammars (the
 * same CPU lists, addresses and numbers as steerctl's), and the checks
 * that options go together and the CPUs are online.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <steer/libsteer.h>

#include "args.h"
#include "log.h"

#define DEFAULT_GROUP "web"
#define DEFAULT_ADDR "0.0.0.0"
#define DEFAULT_PORT 8080
#define DEFAULT_GEN 1
#define PORT_MAX 65535
#define ONLINE_CPUS "/sys/devices/system/cpu/online"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: steer_http [OPTIONS]\n"
		"A per-CPU HTTP/1.1 server: one worker process per CPU, each "
		"pinned, each with\nits own listener; with steer (the "
		"default) steerd registers the listeners and\nkeeps every "
		"connection on the CPU that received it.\n\n"
		"  --group NAME       steerd's listener group (default %s)\n"
		"  --socket PATH      steerd's control socket (default: this "
		"namespace's)\n"
		"                     (both ignored with --no-steer)\n"
		"  --standby          register as the standby of each slot "
		"(take over from\n"
		"                     another server's workers)\n"
		"  --no-steer         plain SO_REUSEPORT listeners, no "
		"steerd (the baseline)\n"
		"  --addr ADDR        listen address with --no-steer (default "
		"%s);\n"
		"                     with steer, checked against the "
		"group's\n"
		"  --port PORT        port with --no-steer (default %d); "
		"with steer, checked\n"
		"  --incoming-cpu     with --no-steer: SO_INCOMING_CPU = the "
		"worker's CPU\n"
		"  --cpus LIST        worker CPUs, e.g. 0-3,6 (default: all "
		"online)\n"
		"  --gen N            generation of the first workers "
		"(default %d)\n"
		"  --supervise        restart workers that die (default)\n"
		"  --no-supervise     do not\n"
		"  -v, --verbose      libsteer's informational messages too\n"
		"  -h, --help         this help\n"
		"  -V, --version      version\n\n"
		"Signals to the master: SIGTERM/SIGINT drain every worker "
		"and exit; SIGHUP\nrolls to a new generation, one CPU at a "
		"time, without losing a connection.\n"
		"Responses: cpu=N incoming_cpu=N pid=N gen=N\n",
		DEFAULT_GROUP, DEFAULT_ADDR, DEFAULT_PORT, DEFAULT_GEN);
}

void cpus_format(const cpu_set_t *set, char *buf, size_t len)
{
	size_t n = 0;
	int cpu, end;

	buf[0] = '\0';
	for (cpu = 0; cpu < CPU_SETSIZE && n < len; cpu++) {
		if (!CPU_ISSET(cpu, set))
			continue;
		for (end = cpu;
		     end + 1 < CPU_SETSIZE && CPU_ISSET(end + 1, set);)
			end++;
		n += snprintf(buf + n, len - n, n ? ",%d" : "%d", cpu);
		if (end > cpu && n < len)
			n += snprintf(buf + n, len - n, "-%d", end);
		cpu = end;
	}
}

/* A CPU list in lib/parse.h's grammar, into a set. */
static int cpus_parse(const char *s, cpu_set_t *set, struct parse_err *err)
{
	uint32_t cpus[CPU_SETSIZE]; /* the parser bounds CPUs lower */
	size_t n, i;

	if (parse_cpu_list(s, cpus, CPU_SETSIZE, &n, err))
		return -EINVAL;
	CPU_ZERO(set);
	for (i = 0; i < n; i++)
		CPU_SET(cpus[i], set);
	return 0;
}

static int cpus_online(cpu_set_t *set, struct parse_err *err)
{
	char buf[MSG_MAX * 4];
	FILE *f = fopen(ONLINE_CPUS, "r");
	int ret = -EIO;

	if (!f) {
		ret = -errno;
		msgf(err->msg, sizeof(err->msg), "%s", strerror(-ret));
		return ret;
	}
	if (fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = '\0';
		ret = cpus_parse(buf, set, err);
	} else {
		msgf(err->msg, sizeof(err->msg), "%s", strerror(EIO));
	}
	fclose(f);
	return ret;
}

enum {
	OPT_ADDR = 256,
	OPT_PORT,
	OPT_CPUS,
	OPT_GROUP,
	OPT_SOCKET,
	OPT_STANDBY,
	OPT_NO_STEER,
	OPT_INCOMING_CPU,
	OPT_GEN,
	OPT_SUPERVISE,
	OPT_NO_SUPERVISE,
};

/* A value the shared parser refused: its reason, as a usage error. */
static int bad_value(const char *opt, const struct parse_err *err)
{
	pr_warn("%s: %s", opt, err->msg);
	return EXIT_USAGE;
}

/* Options that do not go together, and CPUs that are not online. */
static int check_config(struct config *cfg, bool cpus_set)
{
	struct parse_err err;
	cpu_set_t online, extra;
	char list[MSG_MAX];

	if (cfg->incoming_cpu && !cfg->no_steer) {
		pr_warn("--incoming-cpu goes with --no-steer (steer does the "
			"matching itself)");
		return EXIT_USAGE;
	}
	/* --group and --socket may stay: one command line, two modes. */
	if (cfg->no_steer && cfg->standby) {
		pr_warn("--standby needs steerd; drop it or --no-steer");
		return EXIT_USAGE;
	}
	if (cpus_online(&online, &err)) {
		pr_warn("reading %s: %s", ONLINE_CPUS, err.msg);
		return 1;
	}
	if (!cpus_set)
		cfg->cpus = online;
	CPU_XOR(&extra, &cfg->cpus, &online);
	CPU_AND(&extra, &extra, &cfg->cpus);
	if (CPU_COUNT(&extra)) {
		cpus_format(&extra, list, sizeof(list));
		pr_warn("--cpus: %s not online", list);
		return EXIT_USAGE;
	}
	return 0;
}

int parse_args(int argc, char **argv, struct config *cfg)
{
	static const struct option opts[] = {
		{ "addr", required_argument, NULL, OPT_ADDR },
		{ "port", required_argument, NULL, OPT_PORT },
		{ "cpus", required_argument, NULL, OPT_CPUS },
		{ "group", required_argument, NULL, OPT_GROUP },
		{ "socket", required_argument, NULL, OPT_SOCKET },
		{ "standby", no_argument, NULL, OPT_STANDBY },
		{ "no-steer", no_argument, NULL, OPT_NO_STEER },
		{ "incoming-cpu", no_argument, NULL, OPT_INCOMING_CPU },
		{ "gen", required_argument, NULL, OPT_GEN },
		{ "supervise", no_argument, NULL, OPT_SUPERVISE },
		{ "no-supervise", no_argument, NULL, OPT_NO_SUPERVISE },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{},
	};
	struct parse_err err;
	bool cpus_set = false;
	int opt;

	*cfg = (struct config){ .port = DEFAULT_PORT,
				.group = DEFAULT_GROUP,
				.gen = DEFAULT_GEN,
				.supervise = true };
	parse_addr(DEFAULT_ADDR, &cfg->addr, &err);
	while ((opt = getopt_long(argc, argv, "vhV", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_ADDR:
			if (parse_addr(optarg, &cfg->addr, &err))
				return bad_value("--addr", &err);
			cfg->addr_set = true;
			break;
		case OPT_PORT:
			if (parse_port(optarg, &cfg->port, &err) ||
			    !cfg->port) {
				pr_warn("--port %s: 1 to %d", optarg, PORT_MAX);
				return EXIT_USAGE;
			}
			cfg->port_set = true;
			break;
		case OPT_CPUS:
			if (cpus_parse(optarg, &cfg->cpus, &err))
				return bad_value("--cpus", &err);
			cpus_set = true;
			break;
		case OPT_GROUP:
			cfg->group = optarg;
			break;
		case OPT_SOCKET:
			cfg->socket_path = optarg;
			break;
		case OPT_STANDBY:
			cfg->standby = true;
			break;
		case OPT_NO_STEER:
			cfg->no_steer = true;
			break;
		case OPT_INCOMING_CPU:
			cfg->incoming_cpu = true;
			break;
		case OPT_GEN:
			if (parse_u32(optarg, UINT_MAX / 2, &cfg->gen, &err))
				return bad_value("--gen", &err);
			break;
		case OPT_SUPERVISE:
			cfg->supervise = true;
			break;
		case OPT_NO_SUPERVISE:
			cfg->supervise = false;
			break;
		case 'v':
			cfg->verbose = true;
			break;
		case 'h':
			usage(stdout);
			return -1;
		case 'V':
			printf("steer_http %s (libsteer %d.%d)\n",
			       STEER_HTTP_VERSION, LIBSTEER_MAJOR_VERSION,
			       LIBSTEER_MINOR_VERSION);
			return -1;
		default:
			fprintf(stderr, "see steer_http --help\n");
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		pr_warn("unexpected argument '%s'; see steer_http --help",
			argv[optind]);
		return EXIT_USAGE;
	}
	return check_config(cfg, cpus_set);
}
