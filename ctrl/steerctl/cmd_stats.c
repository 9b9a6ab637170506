// SPDX-License-Identifier: GPL-2.0-only
/*
 * steerctl stats: the dataplane's counters, once, or watched as per-second
 * rates until interrupted or for a given number of rounds; each group's
 * locality, and each CPU's CPUMAP queue and drops.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cli_args.h"
#include "client.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "output.h"
#include "lib/parse.h"
#include "steer_abi.h"
#include "steerctl.h"

#define STATS_SYNOPSIS "steerctl stats [--watch SECONDS [--count N]]"
/* A watch interval longer than a day is a mistake. */
#define WATCH_MAX_MS (24U * 60 * 60 * 1000)
#define NS_PER_S 1000000000LL
#define NS_PER_MS 1000000LL
#define MS_PER_S 1000
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * The group counters, in the order of struct steer_group_stats, shown on
 * the line steer_abi.h gives each: XDP steering, AF_XDP and RSS,
 * SK_REUSEPORT selection.
 */
#define GROUP_FIELD_(name, line) { #name, line },
static const struct group_field {
	const char *name;
	int line;
} group_fields[] = { STEER_GROUP_COUNTERS(GROUP_FIELD_) };
#undef GROUP_FIELD_

#define GROUP_FIELDS ARRAY_SIZE(group_fields)

/* The CPUMAP counters of a CPU, in the order of struct steer_cpu_stats. */
#define CPU_FIELD_(name) #name,
static const char *const cpu_fields[] = { STEER_CPU_COUNTERS(CPU_FIELD_) };
#undef CPU_FIELD_

#define CPU_FIELDS ARRAY_SIZE(cpu_fields)

/* One stats reply, read; names are borrowed from reply. */
struct stats {
	json_t *reply;
	struct proto_counter *counters;
	size_t ncounters;
	struct proto_group_stats *groups;
	size_t ngroups;
	struct proto_cpu_stats *cpus;
	size_t ncpus;
};

static int stats_usage(void)
{
	printf("Usage: " STATS_SYNOPSIS "\n"
	       "\n"
	       "Shows the dataplane's counters: how every frame ended "
	       "(frames), and per\n"
	       "listener group the frames and SYNs steered, how (local, "
	       "redirected to\n"
	       "another CPU, fallback), AF_XDP redirects and misses, RSS "
	       "mismatches, the\n"
	       "SK_REUSEPORT program's choices and migrations, and the "
	       "group's locality: the\n"
	       "share of its selected SYNs that went to the listener of "
	       "the CPU that\n"
	       "received them (select_local of select_local + "
	       "select_fallback + select_none).\n"
	       "Then, per CPU that steer redirects to, the frames put in "
	       "its CPUMAP queue and\n"
	       "those dropped there. Changes nothing.\n"
	       "\n"
	       "  --watch SECONDS  show per-second rates every SECONDS (e.g. "
	       "1 or 0.5) until\n"
	       "                   interrupted (Ctrl-C, SIGTERM)\n"
	       "  --count N        with --watch: stop after N rounds\n"
	       "\n"
	       "JSON (-j): {\"counters\": {\"no_iface\": 0, \"not_ip\": 12, "
	       "...},\n"
	       "  \"groups\": [{\"name\": \"web\", \"packets\": 100, "
	       "\"syns\": 10, ..., \"locality_pct\": 99.5}],\n"
	       "  \"cpus\": [{\"cpu\": 0, \"cpumap_enqueued\": 52, "
	       "\"cpumap_enqueue_drops\": 0,\n"
	       "            \"cpumap_kthread_drops\": 0}]}\n"
	       "locality_pct is null when no SYN was selected.\n"
	       "With --watch, one document per round, the values per-second "
	       "rates, and\n"
	       "  \"interval_ms\": the time they were measured over.\n");
	return 0;
}

static void stats_free(struct stats *s)
{
	free(s->counters);
	free(s->groups);
	free(s->cpus);
	json_decref(s->reply);
	memset(s, 0, sizeof(*s));
}

/* Reads a stats reply, taking its reference. */
static int read_stats(json_t *reply, struct stats *s)
{
	struct proto_read rd;
	void *groups, *cpus;

	memset(s, 0, sizeof(*s));
	s->reply = reply;
	proto_read_init(&rd);
	proto_unpack_stats_counters(&rd, reply, &s->counters, &s->ncounters);
	proto_unpack_list(&rd, reply, "groups", sizeof(*s->groups),
			  proto_unpack_group_stats, &groups, &s->ngroups);
	s->groups = groups;
	proto_unpack_list(&rd, reply, "cpus", sizeof(*s->cpus),
			  proto_unpack_cpu_stats, &cpus, &s->ncpus);
	s->cpus = cpus;
	if (rd.err) {
		stats_free(s);
		return client_bad_reply("stats", &rd);
	}
	return 0;
}

/*
 * What a counter counted since prev. One that went down was reset (its
 * group re-added, steerd restarted): it has counted from zero since.
 */
static uint64_t delta(uint64_t prev, uint64_t cur)
{
	return cur >= prev ? cur - prev : cur;
}

/* Rate per second over secs. */
static uint64_t rate(uint64_t prev, uint64_t cur, double secs)
{
	return (uint64_t)((double)delta(prev, cur) / secs + 0.5);
}

static const struct proto_counter *find_counter(const struct stats *s,
						const char *name)
{
	size_t i;

	for (i = 0; i < s->ncounters; i++)
		if (!strcmp(s->counters[i].name, name))
			return &s->counters[i];
	return NULL;
}

static const struct proto_group_stats *find_group(const struct stats *s,
						  const char *name)
{
	size_t i;

	for (i = 0; i < s->ngroups; i++)
		if (!strcmp(s->groups[i].name, name))
			return &s->groups[i];
	return NULL;
}

static const struct proto_cpu_stats *find_cpu(const struct stats *s,
					      uint32_t cpu)
{
	size_t i;

	for (i = 0; i < s->ncpus; i++)
		if (s->cpus[i].cpu == cpu)
			return &s->cpus[i];
	return NULL;
}

/*
 * Locality: the share of the SYNs selected that went to their own CPU's
 * listener; with prev (NULL: none), over the SYNs selected since.
 */
static void print_locality(const struct steer_group_stats *cur,
			   const struct steer_group_stats *prev)
{
	static const struct steer_group_stats zero;
	uint64_t local, selected;

	if (!prev)
		prev = &zero;
	local = delta(prev->select_local, cur->select_local);
	selected = local + delta(prev->select_fallback, cur->select_fallback) +
		   delta(prev->select_none, cur->select_none);
	print_percent(PRINT_ANY, "locality_pct", "  locality %s", local,
		      selected);
	print_u64(PRINT_FP, NULL, " of %" PRIu64 " SYNs selected\n", selected);
}

/* Each CPU's CPUMAP counters, one line each; rates as print_stats(). */
static void print_cpus(const struct stats *s, const struct stats *prev,
		       double secs)
{
	const struct proto_cpu_stats *pc;
	const __u64 *cv, *pv;
	size_t i, f;
	uint64_t v;

	if (s->ncpus)
		print_string(PRINT_FP, NULL, "%s", "cpus:\n");
	open_json_array("cpus");
	for (i = 0; i < s->ncpus; i++) {
		pc = prev ? find_cpu(prev, s->cpus[i].cpu) : NULL;
		cv = (const __u64 *)&s->cpus[i].stats;
		pv = pc ? (const __u64 *)&pc->stats : NULL;
		open_json_object(NULL);
		print_uint(PRINT_ANY, "cpu", "  cpu %u", s->cpus[i].cpu);
		for (f = 0; f < CPU_FIELDS; f++) {
			v = cv[f];
			if (prev)
				v = rate(pv ? pv[f] : 0, v, secs);
			print_string(PRINT_FP, NULL, "  %s ", cpu_fields[f]);
			print_u64(PRINT_ANY, cpu_fields[f], "%" PRIu64, v);
		}
		print_nl();
		close_json_object();
	}
	close_json_array();
}

/*
 * The counters of s; with prev, their rates per second since prev, secs
 * earlier (a counter, group or CPU new in s counts from zero).
 */
static void print_stats(const struct stats *s, const struct stats *prev,
			double secs)
{
	char fmt[sizeof("  %-4294967295s ")];
	const struct proto_group_stats *pg;
	const struct proto_counter *pc;
	const __u64 *gv, *pv;
	int width = 0;
	size_t i, f;
	uint64_t v;

	/* Names come from steerd; a silly long one only breaks alignment. */
	for (i = 0; i < s->ncounters; i++)
		if (strlen(s->counters[i].name) > (size_t)width)
			width = strnlen(s->counters[i].name, INT16_MAX);
	snprintf(fmt, sizeof(fmt), "  %%-%ds ", width);

	print_string(PRINT_FP, NULL, "%s", "frames:\n");
	open_json_object("counters");
	for (i = 0; i < s->ncounters; i++) {
		v = s->counters[i].value;
		if (prev) {
			pc = find_counter(prev, s->counters[i].name);
			v = rate(pc ? pc->value : 0, v, secs);
		}
		print_string(PRINT_FP, NULL, fmt, s->counters[i].name);
		print_u64(PRINT_ANY, s->counters[i].name, "%" PRIu64 "\n", v);
	}
	close_json_object();

	open_json_array("groups");
	for (i = 0; i < s->ngroups; i++) {
		pg = prev ? find_group(prev, s->groups[i].name) : NULL;
		open_json_object(NULL);
		print_string(PRINT_ANY, "name", "group %s:\n",
			     s->groups[i].name);
		gv = (const __u64 *)&s->groups[i].stats;
		pv = pg ? (const __u64 *)&pg->stats : NULL;
		for (f = 0; f < GROUP_FIELDS; f++) {
			v = gv[f];
			if (prev)
				v = rate(pv ? pv[f] : 0, v, secs);
			print_string(PRINT_FP, NULL, "  %s ",
				     group_fields[f].name);
			print_u64(PRINT_ANY, group_fields[f].name, "%" PRIu64,
				  v);
			/* The last of its line: a line break. */
			if (f + 1 == GROUP_FIELDS ||
			    group_fields[f + 1].line != group_fields[f].line)
				print_nl();
		}
		print_locality(&s->groups[i].stats, pg ? &pg->stats : NULL);
		close_json_object();
	}
	close_json_array();
	print_cpus(s, prev, secs);
}

static int stats_once(void)
{
	struct stats s;
	json_t *reply;
	int ret;

	ret = client_request(proto_pack_stats_req(), &reply);
	if (ret)
		return ret;
	ret = read_stats(reply, &s);
	if (ret)
		return ret;
	print_stats(&s, NULL, 0);
	stats_free(&s);
	return 0;
}

/* The signal that stops a watch; 0 while it runs. */
static volatile sig_atomic_t watch_stop;

static void on_stop_signal(int sig)
{
	watch_stop = sig;
}

/*
 * How a watch waits: SIGINT and SIGTERM are blocked except while it sleeps
 * (ppoll unblocks them atomically, so a signal cannot slip in between the
 * check and the sleep) and while it waits for steerd (the handler has no
 * SA_RESTART, so the wait ends with EINTR).
 */
struct watch_signals {
	sigset_t blocked; /* the mask while working */
	sigset_t waiting; /* the caller's mask: stop signals deliverable */
	struct sigaction old_int;
	struct sigaction old_term;
};

static void watch_signals_start(struct watch_signals *ws)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };

	watch_stop = 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &ws->old_int);
	sigaction(SIGTERM, &sa, &ws->old_term);
	sigemptyset(&ws->blocked);
	sigaddset(&ws->blocked, SIGINT);
	sigaddset(&ws->blocked, SIGTERM);
	sigprocmask(SIG_BLOCK, &ws->blocked, &ws->waiting);
	sigdelset(&ws->waiting, SIGINT);
	sigdelset(&ws->waiting, SIGTERM);
}

static void watch_signals_end(struct watch_signals *ws)
{
	sigprocmask(SIG_SETMASK, &ws->waiting, NULL);
	sigaction(SIGINT, &ws->old_int, NULL);
	sigaction(SIGTERM, &ws->old_term, NULL);
}

/* Sleeps until deadline (CLOCK_MONOTONIC ns) or a stop signal. */
static void watch_sleep(const struct watch_signals *ws, int64_t deadline)
{
	struct timespec ts;
	int64_t left;

	while (!watch_stop && (left = deadline - (int64_t)clock_now_ns()) > 0) {
		ts.tv_sec = left / NS_PER_S;
		ts.tv_nsec = left % NS_PER_S;
		ppoll(NULL, 0, &ts, &ws->waiting);
	}
}

/* One stats call with the stop signals deliverable; *t: when it ended. */
static int watch_fetch(const struct watch_signals *ws, int sock,
		       struct stats *s, int64_t *t)
{
	json_t *reply;
	int ret;

	sigprocmask(SIG_SETMASK, &ws->waiting, NULL);
	ret = client_call(sock, proto_pack_stats_req(), &reply);
	sigprocmask(SIG_BLOCK, &ws->blocked, NULL);
	*t = (int64_t)clock_now_ns();
	if (ret)
		return ret;
	return read_stats(reply, s);
}

/* Prints one round and writes it out: a watch is read as it goes. */
static int print_round(const struct stats *prev, const struct stats *cur,
		       int64_t elapsed_ns)
{
	print_uint(PRINT_ANY, "interval_ms", "rates per second over %u ms:\n",
		   (unsigned int)((elapsed_ns + NS_PER_MS / 2) / NS_PER_MS));
	print_stats(cur, prev, (double)elapsed_ns / NS_PER_S);
	print_nl();
	if (output_flush()) {
		/* stdout is gone: print_err() would write there in JSON. */
		fprintf(stderr, "%s: cannot write the output: %s\n",
			steer_log_name(), strerror(EIO));
		return -EIO;
	}
	return 0;
}

static int stats_watch(uint32_t interval_ms, uint32_t count)
{
	struct stats prev = { 0 }, cur = { 0 };
	struct watch_signals ws;
	int64_t t_prev, t_cur;
	uint32_t round;
	int sock, ret;

	sock = client_connect();
	if (sock < 0)
		return sock;
	watch_signals_start(&ws);

	ret = watch_fetch(&ws, sock, &prev, &t_prev);
	for (round = 0; !ret && (!count || round < count); round++) {
		watch_sleep(&ws, t_prev + (int64_t)interval_ms * NS_PER_MS);
		if (watch_stop)
			break;
		ret = watch_fetch(&ws, sock, &cur, &t_cur);
		if (ret)
			break;
		ret = print_round(&prev, &cur, t_cur - t_prev);
		stats_free(&prev);
		prev = cur;
		memset(&cur, 0, sizeof(cur));
		t_prev = t_cur;
	}
	/* Stopped by the user while waiting for steerd: a normal end. */
	if (ret == -EINTR && watch_stop)
		ret = 0;
	else if (ret == -EINTR)
		print_err("interrupted while waiting for steerd");

	stats_free(&prev);
	stats_free(&cur);
	watch_signals_end(&ws);
	close(sock);
	return ret;
}

int do_stats(int argc, char **argv)
{
	const char *watch_arg = NULL, *count_arg = NULL;
	const struct cli_opt opts[] = {
		CLI_OPT_VALUE("--watch", "SECONDS", &watch_arg),
		CLI_OPT_VALUE("--count", "N", &count_arg),
		CLI_OPT_END,
	};
	uint32_t interval_ms = 0, count = 0;
	struct parse_err perr;
	int ret;

	ret = cli_parse_args("stats", argc, argv, opts, NULL, 0, 0, "");
	if (ret)
		return ret > 0 ? stats_usage() : ret;
	if (count_arg && !watch_arg)
		return cli_usage_error("--count needs --watch SECONDS: it "
				       "counts the rounds of a watch");
	if (watch_arg &&
	    cli_parse_seconds(watch_arg, WATCH_MAX_MS, &interval_ms, &perr))
		return cli_usage_error("--watch: %s", perr.msg);
	if (watch_arg && !interval_ms)
		return cli_usage_error("--watch: the interval must be more "
				       "than 0 seconds");
	if (count_arg && parse_u32(count_arg, UINT32_MAX, &count, &perr))
		return cli_usage_error("--count: %s", perr.msg);
	if (count_arg && !count)
		return cli_usage_error("--count: at least 1 round");

	if (!watch_arg)
		return stats_once();
	return stats_watch(interval_ms, count);
}
