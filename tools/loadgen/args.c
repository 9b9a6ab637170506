// SPDX-License-Identifier: GPL-2.0-only
/*
 * loadgen's options: --help, parsing with the shared parsers of
 * ctrl/lib/parse.c (addresses, numbers, CPU lists, RSS settings), and the
 * checks against the host.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "lib/log.h"
#include "lib/parse.h"
#include "lib/rss_port.h"
#include "args.h"

#define MSEC_PER_SEC 1000ULL
#define CONCURRENCY_DEFAULT 64
/* Each connection holds a socket and a response buffer (RESPONSE_MAX). */
#define CONCURRENCY_MAX 16384
#define CONNECTIONS_MAX 1000000000000ULL
#define TIMEOUT_MS_DEFAULT 2000
#define TIMEOUT_MS_MAX 600000
#define DURATION_MS_MAX (24 * 3600 * MSEC_PER_SEC)
#define DURATION_DECIMALS 3 /* seconds are given to the millisecond */
#define RATE_MIN 0.001 /* keeps a thread's schedule within 64 bits of ns */
#define RATE_MAX 10000000.0
#define REQUESTS_MAX 1000
#define USAGE_LINE_MAX 512

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: loadgen --target ADDR:PORT\n"
		"               (--duration SECONDS | --connections N) "
		"[OPTIONS]\n"
		"Opens HTTP/1.1 connections to ADDR:PORT from one pinned "
		"thread per CPU,\n"
		"sends GET / on each, reads the response, closes, and reports "
		"every\n"
		"connection's outcome, its latency and the server CPU and "
		"worker that\n"
		"took it.\n\n"
		"  --target ADDR:PORT\n"
		"      the server: 198.18.0.1:80 or [2001:db8::1]:80\n"
		"  --duration SECONDS\n"
		"      stop starting connections after this long (0.001-%llu)\n"
		"  --connections N\n"
		"      attempt exactly N connections in total; with "
		"--duration,\n"
		"      whichever ends first\n"
		"  --concurrency C\n"
		"      connections in flight at once, in total, split over "
		"the\n"
		"      threads (default %d, or one per CPU if more; max %d)\n"
		"  --rate R\n"
		"      connections started per second, in total (default: as "
		"fast\n"
		"      as the concurrency allows)\n"
		"  --cpus LIST\n"
		"      CPUs to run a thread on, e.g. 0-3,6 (default: every "
		"CPU\n"
		"      this process may run on)\n"
		"  --timeout MS\n"
		"      for the connect and for each response, and the longest "
		"wait\n"
		"      for connections in flight at the end (default %d, max "
		"%d)\n"
		"  --requests-per-conn K\n"
		"      requests per connection, kept alive; the last one says\n"
		"      Connection: close (default 1, max %d)\n"
		"  --udp\n"
		"      each connection is instead one UDP datagram from a new "
		"socket,\n"
		"      answered by udp_echo; local: answered on the sending "
		"CPU\n"
		"  --bind ADDR\n"
		"      source address; the port is chosen at connect\n"
		"  --rss KEY,TABLE,QUEUE_CPUS\n"
		"      choose each connection's source port so that a NIC with "
		"this\n"
		"      RSS key (hex, 40 or 52 bytes, as ethtool -x prints it), "
		"this\n"
		"      indirection table (N: ethtool -X equal N, %d entries; "
		"or the\n"
		"      queue of each entry, 0,1,0,1) and these queue CPUs "
		"(QUEUE:CPU,\n"
		"      0:0,1:1) delivers it to a queue of the sending "
		"thread's CPU\n"
		"  --allow-host-netns\n"
		"      run even in the host's network namespace (default: "
		"refuse)\n"
		"  --allow-routed\n"
		"      load a target behind a gateway (default: refuse all "
		"but\n"
		"      directly connected networks)\n"
		"  --json\n"
		"      one JSON object on stdout instead of the tables\n"
		"  --quiet\n"
		"      totals only, and no warnings on stderr\n"
		"  -h, --help\n"
		"      this text\n\n"
		"Exit status: 0 when it ran, whatever the outcomes; 1 on a "
		"runtime\n"
		"failure; 2 on a usage error or a refusal. See "
		"docs/loadgen.md.\n",
		(unsigned long long)(DURATION_MS_MAX / MSEC_PER_SEC),
		CONCURRENCY_DEFAULT, CONCURRENCY_MAX, TIMEOUT_MS_DEFAULT,
		TIMEOUT_MS_MAX, REQUESTS_MAX, STEER_INDIR_EQUAL_SIZE);
}

int usage_error(const char *fmt, ...)
{
	char msg[USAGE_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_warn("%s (see --help)", msg);
	return -EINVAL;
}

/* Seconds with up to DURATION_DECIMALS decimals, in milliseconds. */
static int parse_duration_ms(const char *s, uint64_t *ms)
{
	uint64_t whole = 0, frac = 0;
	unsigned int digits = 0;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		whole = whole * 10 + (uint64_t)(*p - '0');
		if (whole > DURATION_MS_MAX / MSEC_PER_SEC)
			return -EINVAL;
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (++digits > DURATION_DECIMALS)
				return -EINVAL;
			frac = frac * 10 + (uint64_t)(*p - '0');
		}
		if (!digits)
			return -EINVAL;
	}
	if (*p)
		return -EINVAL;
	for (; digits < DURATION_DECIMALS; digits++)
		frac *= 10;
	*ms = whole * MSEC_PER_SEC + frac;
	return *ms && *ms <= DURATION_MS_MAX ? 0 : -EINVAL;
}

static int parse_rate(const char *s, double *rate)
{
	char *end;
	double v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v < RATE_MIN || v > RATE_MAX)
		return -EINVAL;
	*rate = v;
	return 0;
}

/* A count 1..max, for --concurrency, --timeout, --requests-per-conn. */
static int parse_count(const char *s, uint32_t max, unsigned int *out)
{
	struct parse_err perr;
	uint32_t v;

	if (parse_u32(s, max, &v, &perr) || !v)
		return -EINVAL;
	*out = v;
	return 0;
}

static socklen_t to_sockaddr(const struct steer_addr *a, uint16_t port,
			     struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (a->af == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_addr = a->v4;
		sin->sin_port = htons(port);
		return sizeof(*sin);
	}
	sin6->sin6_family = AF_INET6;
	sin6->sin6_addr = a->v6;
	sin6->sin6_port = htons(port);
	return sizeof(*sin6);
}

static int parse_target(const char *s, struct config *cfg)
{
	struct steer_addr addr;
	struct parse_err perr;
	uint16_t port;

	if (parse_addr_port(s, &addr, &port, &perr))
		return usage_error("--target needs ADDR:PORT (198.18.0.1:80, "
				   "[2001:db8::1]:80): %s",
				   perr.msg);
	cfg->target_text = s;
	cfg->target_len = to_sockaddr(&addr, port, &cfg->target);
	return 0;
}

/* An address; brackets are optional here, as there is no port. */
static int parse_bind(const char *s, struct config *cfg)
{
	char text[INET6_ADDRSTRLEN + 2];
	struct steer_addr addr;
	struct parse_err perr;
	size_t n = strlen(s);

	if (n > 2 && n < sizeof(text) && s[0] == '[' && s[n - 1] == ']') {
		memcpy(text, s + 1, n - 2);
		text[n - 2] = '\0';
		s = text;
	}
	if (parse_addr(s, &addr, &perr))
		return -EINVAL;
	cfg->bind_len = to_sockaddr(&addr, 0, &cfg->bind);
	return 0;
}

/*
 * KEY,TABLE,QUEUE_CPUS: the key ends at the first comma, QUEUE_CPUS starts
 * at the first element with a colon; TABLE is what lies between.
 */
static int parse_rss(const char *s, struct config *cfg)
{
	uint32_t indir[STEER_INDIR_MAX], cpu_of_queue[STEER_MAX_QUEUES];
	uint8_t key[STEER_RSS_KEY_MAX];
	const char *table, *queues, *colon;
	char *key_text = NULL, *table_text = NULL;
	struct parse_err perr;
	size_t key_len, size, i;
	int err = -EINVAL;

	table = strchr(s, ',');
	colon = table ? strchr(table + 1, ':') : NULL;
	queues = colon ? memrchr(table + 1, ',', colon - table - 1) : NULL;
	if (!queues)
		return usage_error("--rss needs KEY,TABLE,QUEUE_CPUS, e.g. "
				   "6d:5a:...,4,0:0,1:1,2:0,3:1, not '%s'",
				   s);
	table++;
	queues++;
	key_text = strndup(s, (size_t)(table - 1 - s));
	table_text = strndup(table, (size_t)(queues - 1 - table));
	if (!key_text || !table_text) {
		err = -ENOMEM;
		pr_warn("--rss: %s", strerror(ENOMEM));
		goto out;
	}
	if (parse_rss_key(key_text, key, &key_len, &perr)) {
		usage_error("--rss: KEY: %s", perr.msg);
		goto out;
	}
	if (parse_indir_table(table_text, indir, STEER_INDIR_MAX, &size,
			      &perr)) {
		usage_error("--rss: TABLE: %s", perr.msg);
		goto out;
	}
	if (parse_queue_cpus(queues, cpu_of_queue, &perr)) {
		usage_error("--rss: QUEUE_CPUS: %s", perr.msg);
		goto out;
	}
	for (i = 0; i < size; i++) {
		if (cpu_of_queue[indir[i]] == STEER_INDIR_NONE) {
			usage_error("--rss: queue %u is in TABLE but has no "
				    "CPU in QUEUE_CPUS",
				    indir[i]);
			goto out;
		}
	}
	cfg->rss = calloc(1, sizeof(*cfg->rss));
	if (!cfg->rss) {
		err = -ENOMEM;
		pr_warn("--rss: %s", strerror(ENOMEM));
		goto out;
	}
	err = rss_nic_init(cfg->rss, key, key_len, indir, size, cpu_of_queue);
out:
	free(table_text);
	free(key_text);
	return err;
}

/* "0-3,6" for a message. */
static void format_cpus(const cpu_set_t *set, char *buf, size_t size)
{
	size_t off = 0;
	int cpu, end;

	buf[0] = '\0';
	for (cpu = 0; cpu < CPUS_MAX && off < size; cpu++) {
		if (!CPU_ISSET(cpu, set))
			continue;
		for (end = cpu; end + 1 < CPUS_MAX && CPU_ISSET(end + 1, set);)
			end++;
		off += (size_t)snprintf(buf + off, size - off,
					end > cpu ? "%s%d-%d" : "%s%d",
					off ? "," : "", cpu, end);
		cpu = end;
	}
}

enum {
	OPT_TARGET = 256,
	OPT_DURATION,
	OPT_CONNECTIONS,
	OPT_CONCURRENCY,
	OPT_RATE,
	OPT_CPUS,
	OPT_TIMEOUT,
	OPT_REQUESTS,
	OPT_BIND,
	OPT_RSS,
	OPT_UDP,
	OPT_ALLOW_HOST_NETNS,
	OPT_ALLOW_ROUTED,
	OPT_JSON,
	OPT_QUIET,
	OPT_LAST,
};

static const struct option long_options[] = {
	{ "target", required_argument, NULL, OPT_TARGET },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "connections", required_argument, NULL, OPT_CONNECTIONS },
	{ "concurrency", required_argument, NULL, OPT_CONCURRENCY },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "cpus", required_argument, NULL, OPT_CPUS },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "requests-per-conn", required_argument, NULL, OPT_REQUESTS },
	{ "bind", required_argument, NULL, OPT_BIND },
	{ "rss", required_argument, NULL, OPT_RSS },
	{ "udp", no_argument, NULL, OPT_UDP },
	{ "allow-host-netns", no_argument, NULL, OPT_ALLOW_HOST_NETNS },
	{ "allow-routed", no_argument, NULL, OPT_ALLOW_ROUTED },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "quiet", no_argument, NULL, OPT_QUIET },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* One option's value into cfg; 0 or -EINVAL after a message. */
static int parse_option(int opt, const char *arg, struct config *cfg)
{
	struct parse_err perr;

	switch (opt) {
	case OPT_TARGET:
		return parse_target(arg, cfg);
	case OPT_DURATION:
		if (parse_duration_ms(arg, &cfg->duration_ms))
			return usage_error(
				"--duration needs seconds, 0.001-%llu, not "
				"'%s'",
				(unsigned long long)(DURATION_MS_MAX /
						     MSEC_PER_SEC),
				arg);
		return 0;
	case OPT_CONNECTIONS:
		if (parse_u64(arg, CONNECTIONS_MAX, &cfg->connections, &perr) ||
		    !cfg->connections)
			return usage_error("--connections needs a count, "
					   "1-%llu, not '%s'",
					   CONNECTIONS_MAX, arg);
		return 0;
	case OPT_CONCURRENCY:
		if (parse_count(arg, CONCURRENCY_MAX, &cfg->concurrency))
			return usage_error("--concurrency needs a count, "
					   "1-%d, not '%s'",
					   CONCURRENCY_MAX, arg);
		return 0;
	case OPT_RATE:
		if (parse_rate(arg, &cfg->rate))
			return usage_error("--rate needs connections per "
					   "second, %g-%.0f, not '%s'",
					   RATE_MIN, RATE_MAX, arg);
		return 0;
	case OPT_CPUS:
		if (parse_cpu_set(arg, &cfg->cpus, &perr))
			return usage_error("--cpus needs a CPU list (0-3,6), "
					   "CPUs below %d: %s",
					   STEER_MAX_CPUS, perr.msg);
		return 0;
	case OPT_TIMEOUT:
		if (parse_count(arg, TIMEOUT_MS_MAX, &cfg->timeout_ms))
			return usage_error("--timeout needs milliseconds, "
					   "1-%d, not '%s'",
					   TIMEOUT_MS_MAX, arg);
		return 0;
	case OPT_REQUESTS:
		if (parse_count(arg, REQUESTS_MAX, &cfg->requests))
			return usage_error("--requests-per-conn needs a "
					   "count, 1-%d, not '%s'",
					   REQUESTS_MAX, arg);
		return 0;
	case OPT_BIND:
		if (parse_bind(arg, cfg))
			return usage_error("--bind needs an IPv4 or IPv6 "
					   "address, not '%s'",
					   arg);
		return 0;
	case OPT_RSS:
		return parse_rss(arg, cfg);
	case OPT_UDP:
		cfg->udp = true;
		return 0;
	case OPT_ALLOW_HOST_NETNS:
		cfg->allow_host_netns = true;
		return 0;
	case OPT_ALLOW_ROUTED:
		cfg->allow_routed = true;
		return 0;
	case OPT_JSON:
		cfg->json = true;
		return 0;
	case OPT_QUIET:
		cfg->quiet = true;
		/* Errors still show: they are STEER_LOG_WARN. */
		steer_log_set_level(STEER_LOG_WARN);
		return 0;
	}
	return -EINVAL;
}

int args_parse(int argc, char **argv, struct config *cfg)
{
	bool seen[OPT_LAST] = { false };
	int opt, longindex = 0, err;
	const char *name;

	cfg->timeout_ms = TIMEOUT_MS_DEFAULT;
	cfg->requests = 1;
	CPU_ZERO(&cfg->cpus);

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", long_options,
				  &longindex)) != -1) {
		/* Where getopt stopped: the option, or its separate value. */
		name = argv[optind - 1];
		if (opt == '?' && optopt)
			return usage_error("unknown option '-%c'", optopt);
		if (opt == '?')
			return usage_error("unknown or ambiguous option '%s'",
					   name);
		if (opt == ':')
			return usage_error("option '%s' needs a value", name);
		if (opt == 'h') {
			usage(stdout);
			return 1;
		}
		if (seen[opt])
			return usage_error("option '--%s' given twice",
					   long_options[longindex].name);
		seen[opt] = true;
		err = parse_option(opt, optarg, cfg);
		if (err)
			return err;
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (!cfg->target_text)
		return usage_error("--target ADDR:PORT is required");
	if (!cfg->duration_ms && !cfg->connections)
		return usage_error("--duration or --connections is required: "
				   "a run must end by itself");
	if (cfg->udp && cfg->requests > 1)
		return usage_error("--requests-per-conn does not apply to "
				   "--udp: one datagram per socket");
	if (cfg->bind_len && cfg->bind.ss_family != cfg->target.ss_family)
		return usage_error("--bind and --target are not of the same "
				   "address family");
	return 0;
}

/* A source we can bind: said now, not as an error on every connection. */
static int check_bind(const struct config *cfg)
{
	const struct sockaddr *b = (const struct sockaddr *)&cfg->bind;
	int fd, one = 1, err = 0;

	fd = socket(b->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one,
		       sizeof(one)) ||
	    bind(fd, b, cfg->bind_len))
		err = usage_error("--bind: cannot bind: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	return err;
}

int args_resolve(struct config *cfg)
{
	char allowed_text[CPUS_MAX * 4], bad_text[CPUS_MAX * 4];
	cpu_set_t allowed, bad;

	if (sched_getaffinity(0, sizeof(allowed), &allowed)) {
		pr_warn("sched_getaffinity: %s", strerror(errno));
		return -EIO;
	}
	if (!CPU_COUNT(&cfg->cpus)) {
		cfg->cpus = allowed;
	} else {
		CPU_XOR(&bad, &cfg->cpus, &allowed);
		CPU_AND(&bad, &bad, &cfg->cpus);
		if (CPU_COUNT(&bad)) {
			format_cpus(&bad, bad_text, sizeof(bad_text));
			format_cpus(&allowed, allowed_text,
				    sizeof(allowed_text));
			return usage_error("--cpus: CPU %s not online or not "
					   "allowed here (allowed: %s)",
					   bad_text, allowed_text);
		}
	}
	/* The default grows with the CPUs; a given one must cover them. */
	if (!cfg->concurrency)
		cfg->concurrency = CPU_COUNT(&cfg->cpus) > CONCURRENCY_DEFAULT ?
					   (unsigned int)CPU_COUNT(&cfg->cpus) :
					   CONCURRENCY_DEFAULT;
	if ((unsigned int)CPU_COUNT(&cfg->cpus) > cfg->concurrency)
		return usage_error("--concurrency %u is less than the %d CPUs "
				   "to run on; each needs at least one "
				   "connection (or use --cpus)",
				   cfg->concurrency, CPU_COUNT(&cfg->cpus));
	return cfg->bind_len ? check_bind(cfg) : 0;
}

void args_free(struct config *cfg)
{
	free(cfg->rss);
	cfg->rss = NULL;
}
