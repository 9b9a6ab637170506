// SPDX-License-Identifier: GPL-2.0-only
/* The CLI cases of steerctl stats, once and watched (steerctl_cases.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/proto_msg.h"
#include "steerctl_cases.h"
#include "steerctl_run.h"

#define MS_PER_S 1000

/* stats */
#define GROUP_COUNTERS(name, packets)                                                    \
	"'name':'" name "','packets':" #packets ",'syns':10,'local':8,"                  \
	"'no_local_slot':0,'redirected':2,'fallback':0,'xsk_redirected':0,'xsk_miss':0," \
	"'rss_mismatch':0,'select_local':9,'select_fallback':2,'select_"                 \
	"none':1,'migrate_standby':1,'migrate_other':0,'migrate_none':0"
#define GROUP_STATS(name, packets) "{" GROUP_COUNTERS(name, packets) "}"
#define WEB_STATS GROUP_STATS("web", 100)
#define CPU_STATS(cpu, drops)                                                 \
	"{'cpu':" #cpu ",'cpumap_enqueued':50,'cpumap_enqueue_drops':" #drops \
	",'cpumap_kthread_drops':0}"
#define STATS_COUNTERS "'counters':{'no_iface':0,'not_ip':12,'matched':100},"
#define STATS_CPUS "'cpus':[" CPU_STATS(0, 0) "," CPU_STATS(1, 3) "]"
#define STATS_FIELDS STATS_COUNTERS "'groups':[" WEB_STATS "]," STATS_CPUS
/* steerctl -j adds each group's locality: 9 of the 12 selected. */
#define STATS_JSON                                   \
	STATS_COUNTERS "'groups':[{" GROUP_COUNTERS( \
		"web", 100) ","                      \
			    "'locality_pct':75.0}]," STATS_CPUS
#define LOCALITY_TEXT "  locality 75.00% of 12 SYNs selected\n"
#define CPUS_TEXT                                               \
	"cpus:\n"                                               \
	"  cpu 0  cpumap_enqueued 50  cpumap_enqueue_drops 0  " \
	"cpumap_kthread_drops 0\n"                              \
	"  cpu 1  cpumap_enqueued 50  cpumap_enqueue_drops 3  " \
	"cpumap_kthread_drops 0\n"
#define GROUP_TEXT                                                         \
	"group web:\n"                                                     \
	"  packets 100  syns 10  local 8  no_local_slot 0  redirected 2  " \
	"fallback 0\n"                                                     \
	"  xsk_redirected 0  xsk_miss 0  rss_mismatch 0\n"                 \
	"  select_local 9  select_fallback 2  select_none 1\n"             \
	"  migrate_standby 1  migrate_other 0  migrate_none 0\n" LOCALITY_TEXT
#define STATS_TEXT        \
	"frames:\n"       \
	"  no_iface 0\n"  \
	"  not_ip   12\n" \
	"  matched  100\n" GROUP_TEXT CPUS_TEXT
/* Watched: not_ip and web's packets move; a group resets, one appears. */
#define WATCH_1                                               \
	OK ",'counters':{'not_ip':0},'groups':[" GROUP_STATS( \
		"web", 500) "]," STATS_CPUS "}"
#define WATCH_2                                                  \
	OK ",'counters':{'not_ip':1000},'groups':[" GROUP_STATS( \
		"web", 1500) "]," STATS_CPUS "}"
#define WATCH_3                                                  \
	OK ",'counters':{'not_ip':1000},'groups':[" GROUP_STATS( \
		"web", 200) "," GROUP_STATS("api", 100) "]," STATS_CPUS "}"

static void check_watch_json(const char *out);
static void check_watch_text(const char *out);

/* Every counter steer_abi.h declares, as steerd packs them: its rows. */
#define STATS_ALL_TEXT              \
	"frames:\n"                 \
	"  no_iface          0\n"   \
	"  not_ip            10\n"  \
	"  not_tcp           20\n"  \
	"  fragment          30\n"  \
	"  no_group          40\n"  \
	"  matched           50\n"  \
	"  err_eth           60\n"  \
	"  err_vlan          70\n"  \
	"  err_vlan_depth    80\n"  \
	"  err_ip4           90\n"  \
	"  err_ip6           100\n" \
	"  err_ip6_ext       110\n" \
	"  err_ip6_ext_depth 120\n" \
	"  err_tcp           130\n" \
	"  err_udp           140\n" GROUP_TEXT CPUS_TEXT

static json_t *stats_all_reply(void)
{
	const struct proto_group_stats web = {
		.name = "web",
		.stats = { .packets = 100,
			   .syns = 10,
			   .local = 8,
			   .redirected = 2,
			   .select_local = 9,
			   .select_fallback = 2,
			   .select_none = 1,
			   .migrate_standby = 1 },
	};
	const struct proto_cpu_stats cpus[] = {
		{ .cpu = 0, .stats = { .cpumap_enqueued = 50 } },
		{ .cpu = 1,
		  .stats = { .cpumap_enqueued = 50,
			     .cpumap_enqueue_drops = 3 } },
	};
	uint64_t counters[STEER_CNT_MAX];
	size_t i;

	for (i = 0; i < STEER_CNT_MAX; i++)
		counters[i] = i * 10;
	return proto_pack_stats_reply(counters, &web, 1, cpus, 2);
}

static const struct cli_case cases[] = {
	/* stats */
	{ ARGS("stats"), REPLY(OK "," STATS_FIELDS "}"),
	  SENDS(REQ("stats") "}"), OUT(STATS_TEXT) },
	{ ARGS("stats"), PACKED(stats_all_reply), SENDS(REQ("stats") "}"),
	  OUT(STATS_ALL_TEXT) },
	{ ARGS("stats"), REPLY(OK ",'counters':{},'groups':[],'cpus':[]}"),
	  SENDS(REQ("stats") "}"), OUT("frames:\n") },
	{ ARGS("-j", "stats"), REPLY(OK "," STATS_FIELDS "}"),
	  SENDS(REQ("stats") "}"), OUT_JSON("{" STATS_JSON "}\n") },
	/* Nothing selected yet: no locality to speak of. */
	{ ARGS("-j", "stats"),
	  REPLY(OK ",'counters':{},'groups':[{'name':'w','packets':0,"
		   "'syns':0,'local':0,'no_local_slot':0,'redirected':0,"
		   "'fallback':0,"
		   "'xsk_redirected':0,'xsk_miss':0,'rss_mismatch':0,"
		   "'select_local':0,'select_fallback':0,'select_none':0,"
		   "'migrate_standby':0,'migrate_other':0,'migrate_none':0}],"
		   "'cpus':[]}"),
	  SENDS(REQ("stats") "}"),
	  OUT_JSON("{'counters':{},'groups':[{'name':'w','packets':0,"
		   "'syns':0,'local':0,'no_local_slot':0,'redirected':0,"
		   "'fallback':0,"
		   "'xsk_redirected':0,'xsk_miss':0,'rss_mismatch':0,"
		   "'select_local':0,'select_fallback':0,'select_none':0,"
		   "'migrate_standby':0,'migrate_other':0,'migrate_none':0,"
		   "'locality_pct':null}],'cpus':[]}\n") },
	{ ARGS("stats"),
	  REPLY(OK ",'counters':{},'groups':[{'name':'web','packets':1}]}"),
	  SENDS(REQ("stats") "}"), FAIL("groups[0].syns: missing") },
	{ ARGS("stats"), REPLY(OK ",'counters':{},'groups':[]}"),
	  SENDS(REQ("stats") "}"), FAIL("cpus: missing") },
	{ ARGS("-j", "stats", "--watch", "0.1", "--count", "2"),
	  REPLY(WATCH_1, WATCH_2, WATCH_3),
	  SENDS(REQ("stats") "}", REQ("stats") "}", REQ("stats") "}"),
	  .status = EXIT_OK, .check_out = check_watch_json },
	{ ARGS("stats", "--watch=0.05", "--count=2"),
	  REPLY(OK "," STATS_FIELDS "}"),
	  SENDS(REQ("stats") "}", REQ("stats") "}", REQ("stats") "}"),
	  .status = EXIT_OK, .check_out = check_watch_text },
	/* Stopped by a signal long before its first round: a clean end. */
	{ ARGS("stats", "--watch", "60"), REPLY(OK "," STATS_FIELDS "}"),
	  SENDS(REQ("stats") "}"), OUT(NULL), .signal = SIGINT },
	{ ARGS("-j", "stats", "--watch", "60", "--count", "5"),
	  REPLY(OK "," STATS_FIELDS "}"), SENDS(REQ("stats") "}"), OUT(NULL),
	  .signal = SIGTERM },
	{ ARGS("stats", "--watch", "0.1", "--count", "3"),
	  REPLY(WATCH_1, ERR(5, "reading the counters: Input/output error")),
	  SENDS(REQ("stats") "}", REQ("stats") "}"),
	  FAIL("reading the counters: Input/output error") },
	{ ARGS("stats", "--count", "2"), USAGE("--count needs --watch") },
	{ ARGS("stats", "--watch", "0"),
	  USAGE("--watch: the interval must be more than 0 seconds") },
	{ ARGS("stats", "--watch", "fast"),
	  USAGE("--watch: 'fast' is not a number of seconds") },
	{ ARGS("stats", "--watch", "1", "--count", "0"),
	  USAGE("--count: at least 1 round") },
	{ ARGS("stats", "--watch", "1", "--count", "many"),
	  USAGE("--count: 'many' is not a decimal number") },
	{ ARGS("stats", "web"), USAGE("unexpected argument 'web' for stats") },
	{ ARGS("stats", "-h"), HELP("Usage: steerctl stats [--watch") },

};

CASE_TABLE(steerctl_stats_cases, cases);

/* value is rate per second of delta over interval_ms, give or take 1%. */
static void assert_rate(json_int_t value, double delta, json_int_t ms)
{
	double want = delta * MS_PER_S / (double)ms;

	if (value < want * 0.99 - 1 || value > want * 1.01 + 1)
		fail_msg("rate %lld, expected %.1f (%.0f over %lld ms)",
			 (long long)value, want, delta, (long long)ms);
}

static json_int_t packets_of(json_t *doc, size_t group, const char *name)
{
	json_t *g = json_array_get(json_object_get(doc, "groups"), group);

	assert_string_equal(json_string_value(json_object_get(g, "name")),
			    name);
	return json_integer_value(json_object_get(g, "packets"));
}

/*
 * WATCH_1..3 as two rounds of rates: not_ip +1000 then +0; web +1000,
 * then reset to 200 (counted from zero); api new with 100.
 */
static void check_watch_json(const char *out)
{
	json_t *round[2];
	json_int_t ms[2];
	const char *line = out;
	size_t i;

	assert_int_equal(steerctl_count_lines(out), 2);
	for (i = 0; i < 2; i++) {
		round[i] = json_loadb(line, strchr(line, '\n') - line, 0, NULL);
		assert_non_null(round[i]);
		line = strchr(line, '\n') + 1;
		ms[i] = json_integer_value(
			json_object_get(round[i], "interval_ms"));
		/* --watch 0.1: at least that, not much more. */
		assert_true(ms[i] >= 100 && ms[i] < 5 * MS_PER_S);
	}
	assert_rate(json_integer_value(json_object_get(
			    json_object_get(round[0], "counters"), "not_ip")),
		    1000, ms[0]);
	assert_rate(packets_of(round[0], 0, "web"), 1000, ms[0]);
	assert_int_equal(
		json_integer_value(json_object_get(
			json_object_get(round[1], "counters"), "not_ip")),
		0);
	assert_rate(packets_of(round[1], 0, "web"), 200, ms[1]);
	assert_rate(packets_of(round[1], 1, "api"), 100, ms[1]);
	/* Counters that did not move: 0 per second. */
	assert_int_equal(
		json_integer_value(json_object_get(
			json_array_get(json_object_get(round[1], "groups"), 0),
			"syns")),
		0);
	/*
	 * Locality over the round's SYNs: none selected for web (null, not
	 * its 75% since the start); api, new, counts from zero: 9 of 12.
	 */
	assert_true(json_is_null(json_object_get(
		json_array_get(json_object_get(round[1], "groups"), 0),
		"locality_pct")));
	assert_true(
		json_real_value(json_object_get(
			json_array_get(json_object_get(round[1], "groups"), 1),
			"locality_pct")) == 75.0);
	json_decref(round[0]);
	json_decref(round[1]);
}

/* Two text rounds of unmoving counters: all zero, one blank line each. */
static void check_watch_text(const char *out)
{
	const char *round = "frames:\n"
			    "  no_iface 0\n"
			    "  not_ip   0\n"
			    "  matched  0\n"
			    "group web:\n"
			    "  packets 0  syns 0  local 0  no_local_slot 0  "
			    "redirected 0  fallback 0\n"
			    "  xsk_redirected 0  xsk_miss 0  rss_mismatch 0\n"
			    "  select_local 0  select_fallback 0  "
			    "select_none 0\n"
			    "  migrate_standby 0  migrate_other 0  "
			    "migrate_none 0\n"
			    "  locality - of 0 SYNs selected\n"
			    "cpus:\n"
			    "  cpu 0  cpumap_enqueued 0  cpumap_enqueue_drops "
			    "0  cpumap_kthread_drops 0\n"
			    "  cpu 1  cpumap_enqueued 0  cpumap_enqueue_drops "
			    "0  cpumap_kthread_drops 0\n"
			    "\n";
	const char *head = "rates per second over ";
	const char *p = out;
	int i;

	for (i = 0; i < 2; i++) {
		assert_memory_equal(p, head, strlen(head));
		p += strlen(head);
		while (*p >= '0' && *p <= '9')
			p++;
		assert_memory_equal(p, " ms:\n", strlen(" ms:\n"));
		p += strlen(" ms:\n");
		assert_memory_equal(p, round, strlen(round));
		p += strlen(round);
	}
	assert_string_equal(p, "");
}
