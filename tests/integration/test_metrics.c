// SPDX-License-Identifier: GPL-2.0-only
/*
 * steerd --metrics: off by default (nothing listens), a bad address
 * refused in one line, and on a private steerd with cpu steering on a veth
 * and a registered group, GET /metrics scraped with curl and read by
 * Prometheus' own text parser (python3-prometheus-client): every counter
 * of steer_abi.h's X-macros has its family and type, the labels are the
 * documented ones, and the counters move with SYNs sent through the veth.
 * Other paths are 404, other methods 405.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "lib/netns.h"
#include "lib/proto.h"
#include "lib/proto_msg.h"
#include "lib/version.h"
#include "steerd_env.h"
#include "tests/lib/network_helpers.h"

#define METRICS_PORT 9464
#define METRICS_ADDR "127.0.0.1:9464"
#define METRICS_URL "http://" METRICS_ADDR "/metrics"
#define PORT 9710
#define SYNS 24 /* connections the client makes per round */
#define MAX_CPUS 8
/*
 * The Debian interpreter, whose python3-prometheus-client the tests need
 * (a python3 earlier on PATH may not have it).
 */
#define PYTHON "/usr/bin/python3"
/* Reads the exposition on stdin; prints its families as JSON. */
#define PARSE_SCRIPT                                                    \
	"import sys, json\n"                                            \
	"from prometheus_client.parser import "                         \
	"text_string_to_metric_families\n"                              \
	"out = {}\n"                                                    \
	"for f in text_string_to_metric_families(sys.stdin.read()):\n"  \
	"    out[f.name] = {'type': f.type, 'help': f.documentation,\n" \
	"        'samples': [{'name': s.name, 'labels': s.labels,\n"    \
	"                     'value': s.value} for s in f.samples]}\n" \
	"print(json.dumps(out))\n"

static int nr_cpus;
static int listeners[MAX_CPUS];
static int client_ns = -1;
static bool have_python;

/* The families of one scrape, as the Prometheus parser read them. */
static json_t *scrape(void)
{
	static char out[1 << 20];
	json_error_t err;
	json_t *families;

	assert_int_equal(env_run("curl -sf " METRICS_URL " | " PYTHON
				 " -c \"" PARSE_SCRIPT "\"",
				 out, sizeof(out)),
			 0);
	families = json_loads(out, 0, &err);
	if (!families)
		printf("# not JSON (%s): %.200s\n", err.text, out);
	assert_non_null(families);
	return families;
}

static json_t *family(json_t *families, const char *name, const char *type)
{
	json_t *f = json_object_get(families, name);

	if (!f)
		printf("# no family %s\n", name);
	assert_non_null(f);
	assert_string_equal(json_string_value(json_object_get(f, "type")),
			    type);
	assert_true(strlen(json_string_value(json_object_get(f, "help"))) > 0);
	return f;
}

/* The sample of family f whose label `label` is `value` (NULL: the one). */
static json_t *sample(json_t *f, const char *label, const char *value)
{
	json_t *s, *labels;
	size_t i;

	json_array_foreach(json_object_get(f, "samples"), i, s)
	{
		labels = json_object_get(s, "labels");
		if (!label ||
		    !strcmp(json_string_value(json_object_get(labels, label)) ?:
				    "",
			    value))
			return s;
	}
	return NULL;
}

static double value(json_t *families, const char *name, const char *label,
		    const char *v)
{
	json_t *s = sample(json_object_get(families, name), label, v);

	if (!s)
		printf("# no sample %s{%s=\"%s\"}\n", name, label, v);
	assert_non_null(s);
	return json_number_value(json_object_get(s, "value"));
}

/*
 * Whatever listens on TCP in this namespace (/proc/net/tcp{,6}): how many,
 * and the last one's local address as the kernel prints it in *where.
 */
static int tcp_listeners_at(char *where, size_t len)
{
	static const char *const files[] = { "/proc/net/tcp",
					     "/proc/net/tcp6" };
	char line[512], local[64], state[8];
	int n = 0;
	size_t i;

	for (i = 0; i < 2; i++) {
		FILE *f = fopen(files[i], "r");

		if (!f)
			continue;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "%*s %63s %*s %7s", local, state) ==
				    2 &&
			    !strcmp(state, "0A")) { /* TCP_LISTEN */
				snprintf(where, len, "%s", local);
				n++;
			}
		fclose(f);
	}
	return n;
}

static int tcp_listeners(void)
{
	char where[64];

	return tcp_listeners_at(where, sizeof(where));
}

/* In the client namespace: SYNS connections to the group, kept a moment. */
static int connect_round(void)
{
	struct sockaddr_in srv = { .sin_family = AF_INET,
				   .sin_port = htons(PORT) };
	int status, fds[SYNS], made = 0, i;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		struct timeval tv = { .tv_sec = 2 };

		inet_pton(AF_INET, ENV_SRV_ADDR, &srv.sin_addr);
		if (netns_enter(client_ns))
			_exit(255);
		for (i = 0; i < SYNS; i++) {
			fds[i] = socket(AF_INET, SOCK_STREAM, 0);
			setsockopt(fds[i], SOL_SOCKET, SO_SNDTIMEO, &tv,
				   sizeof(tv));
			made += !connect(fds[i], (struct sockaddr *)&srv,
					 sizeof(srv));
		}
		_exit(made);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* Accepts and closes what the listeners hold, so their queues never fill. */
static void accept_all(void)
{
	int cpu, fd;

	for (cpu = 0; cpu < nr_cpus; cpu++)
		while ((fd = accept(listeners[cpu], NULL, NULL)) >= 0)
			close(fd);
}

static int setup(void **state)
{
	have_python = !system(PYTHON " -c 'import prometheus_client.parser'"
				     " 2>/dev/null");
	/* env_setup's steerd has no --metrics: the off-by-default case. */
	env_setup();
	nr_cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (nr_cpus > MAX_CPUS)
		nr_cpus = MAX_CPUS;
	return 0;
}

static int teardown(void **state)
{
	int cpu;

	for (cpu = 0; cpu < nr_cpus; cpu++)
		if (listeners[cpu] > 0)
			close(listeners[cpu]);
	env_client_stop(client_ns);
	env_teardown();
	return 0;
}

/* Without --metrics steerd listens on no TCP port at all. */
static void test_off_by_default(void **state)
{
	env_check();
	assert_int_equal(tcp_listeners(), 0);
}

/* A value parse_addr_port refuses stops steerd at once, in one line. */
static void test_bad_address_refused(void **state)
{
	static const char *const bad[] = {
		"127.0.0.1",
		"127.0.0.1:0",
		"127.0.0.1:70000",
		"localhost:9464",
		"::1:9464",
		"[::1]",
		"",
	};
	const char *build = getenv("STEER_BUILD");
	char cmd[512], out[1024];
	size_t i;

	env_check();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(cmd, sizeof(cmd),
			 "%s/steerd --socket /nonexistent/s --metrics '%s' "
			 "2>&1",
			 build ? build : "build", bad[i]);
		assert_int_equal(env_run(cmd, out, sizeof(out)), 2);
		printf("# --metrics '%s': %s", bad[i], out);
		assert_non_null(strstr(out, "steerd: --metrics"));
		/* One line: it ends at the first newline. */
		assert_non_null(strchr(out, '\n'));
		assert_string_equal(strchr(out, '\n'), "\n");
	}
	assert_int_equal(tcp_listeners(), 0);
}

/*
 * steerd again, with --metrics; a veth, a group, a listener per CPU. Once,
 * by the first test that needs it.
 */
static void start_with_metrics(void)
{
	static const char *const args[] = { "--metrics", METRICS_ADDR, NULL };
	static bool started;
	char out[1024], where[64], want[64];
	int cpu;

	if (started)
		return;
	started = true;
	env_stop_steerd(SIGTERM);
	assert_int_equal(env_start_steerd_args(args), 0);
	/* Exactly the one socket it was told to open, as the kernel prints
	 * it: the address's bytes as a host-order word, the port. */
	assert_int_equal(tcp_listeners_at(where, sizeof(where)), 1);
	snprintf(want, sizeof(want), "%08X:%04X", inet_addr("127.0.0.1"),
		 METRICS_PORT);
	assert_string_equal(where, want);
	client_ns = env_client_start(2);
	assert_true(client_ns >= 0);
	if (env_steerctl("group add web --listen " ENV_SRV_ADDR ":9710", out,
			 sizeof(out)))
		fail_msg("group add: %s", out);
	for (cpu = 0; cpu < nr_cpus; cpu++) {
		listeners[cpu] =
			env_tcp_listener(ENV_SRV_ADDR, PORT, true, true);
		fcntl(listeners[cpu], F_SETFL, O_NONBLOCK);
		assert_int_equal(env_register("web", cpu, false, listeners[cpu],
					      NULL),
				 0);
	}
}

/* Every counter of an X-macro has its family: steer_<prefix><name>_total. */
#define CHECK_FAMILIES(families, prefix, MACRO)                               \
	do {                                                                  \
		static const char *const names_[] = { MACRO(NAME_) };         \
		char name_[128];                                              \
		size_t i_;                                                    \
                                                                              \
		for (i_ = 0; i_ < sizeof(names_) / sizeof(names_[0]); i_++) { \
			snprintf(name_, sizeof(name_), "steer_%s%s", prefix,  \
				 names_[i_]);                                 \
			family(families, name_, "counter");                   \
		}                                                             \
	} while (0)
#define NAME_(name, ...) #name,

static double slot_sum(json_t *families, const char *name)
{
	json_t *s;
	double sum = 0;
	size_t i;

	json_array_foreach(
		json_object_get(json_object_get(families, name), "samples"), i,
		s) sum += json_number_value(json_object_get(s, "value"));
	return sum;
}

/* The families, their types and labels; the counters move with SYNs. */
static void test_scrape_and_parse(void **state)
{
	json_t *before, *after, *f, *s, *labels;
	double selected_before, selected_after, slots;
	char cpu_label[16];
	int made, cpu, i;

	env_check();
	if (!have_python) {
		print_message("needs " PYTHON " with prometheus_client\n");
		skip();
	}
	start_with_metrics();
	before = scrape();

	/* The frame counters, by reason, all of them. */
	f = family(before, "steer_frames", "counter");
	assert_int_equal(json_array_size(json_object_get(f, "samples")),
			 STEER_CNT_MAX);
	for (i = 0; i < STEER_CNT_MAX; i++) {
		s = sample(f, "reason", proto_frame_counter_names[i]);
		assert_non_null(s);
		assert_string_equal(
			json_string_value(json_object_get(s, "name")),
			"steer_frames_total");
	}
	CHECK_FAMILIES(before, "group_", STEER_GROUP_COUNTERS);
	CHECK_FAMILIES(before, "slot_", STEER_SLOT_COUNTERS);
	CHECK_FAMILIES(before, "", STEER_CPU_COUNTERS);
	CHECK_FAMILIES(before, "iface_", STEER_IFACE_COUNTERS);
	value(before, "steer_group_syns", "group", "web");
	value(before, "steer_iface_rss_mismatch", "iface", ENV_SRV_IF);
	/* Every registered slot has its series before any SYN. */
	for (cpu = 0; cpu < nr_cpus; cpu++) {
		snprintf(cpu_label, sizeof(cpu_label), "%d", cpu);
		s = sample(json_object_get(before, "steer_slot_select_local"),
			   "slot", cpu_label);
		assert_non_null(s);
		assert_string_equal(
			json_string_value(json_object_get(
				json_object_get(s, "labels"), "group")),
			"web");
	}

	/* steerd's own. */
	f = family(before, "steer_build_info", "gauge");
	labels = json_object_get(sample(f, NULL, NULL), "labels");
	assert_string_equal(
		json_string_value(json_object_get(labels, "version")),
		STEER_VERSION);
	assert_int_equal(
		atoi(json_string_value(json_object_get(labels, "abi"))),
		STEER_ABI_VERSION);
	assert_true(value(before, "steer_build_info", NULL, NULL) == 1);
	family(before, "steer_daemon_uptime_seconds", "gauge");
	assert_true(value(before, "steer_daemon_uptime_seconds", NULL, NULL) >=
		    0);
	family(before, "steer_daemon_control_clients", "gauge");
	family(before, "steer_daemon_reconcile_repairs", "counter");

	/* Every name is steer_ and every counter sample ends in _total. */
	{
		const char *name;
		json_t *fam;
		size_t j;

		json_object_foreach(before, name, fam)
		{
			assert_int_equal(strncmp(name, "steer_", 6), 0);
			if (strcmp(json_string_value(
					   json_object_get(fam, "type")),
				   "counter"))
				continue;
			json_array_foreach(json_object_get(fam, "samples"), j,
					   s)
			{
				const char *sn = json_string_value(
					json_object_get(s, "name"));

				assert_string_equal(sn + strlen(sn) - 6,
						    "_total");
			}
		}
	}

	/* Traffic: SYNs through the veth, selected by steer's program. */
	made = connect_round();
	accept_all();
	assert_int_equal(made, SYNS);
	after = scrape();
	printf("# matched %.0f -> %.0f, web SYNs %.0f -> %.0f\n",
	       value(before, "steer_frames", "reason", "matched"),
	       value(after, "steer_frames", "reason", "matched"),
	       value(before, "steer_group_syns", "group", "web"),
	       value(after, "steer_group_syns", "group", "web"));
	assert_true(value(after, "steer_frames", "reason", "matched") >=
		    value(before, "steer_frames", "reason", "matched") + SYNS);
	assert_true(value(after, "steer_group_syns", "group", "web") >=
		    value(before, "steer_group_syns", "group", "web") + SYNS);
	selected_before =
		value(before, "steer_group_select_local", "group", "web") +
		value(before, "steer_group_select_fallback", "group", "web") +
		value(before, "steer_group_select_none", "group", "web");
	selected_after =
		value(after, "steer_group_select_local", "group", "web") +
		value(after, "steer_group_select_fallback", "group", "web") +
		value(after, "steer_group_select_none", "group", "web");
	assert_true(selected_after >= selected_before + SYNS);
	/* A listener on every CPU: every SYN was selected locally. */
	if (sysconf(_SC_NPROCESSORS_CONF) <= MAX_CPUS)
		assert_true(value(after, "steer_group_select_local", "group",
				  "web") >= SYNS);
	/* The slots' selections add up to the group's. */
	slots = slot_sum(after, "steer_slot_select_local") +
		slot_sum(after, "steer_slot_select_fallback") +
		slot_sum(after, "steer_slot_select_none");
	assert_true(slots == selected_after);
	assert_true(value(after, "steer_daemon_uptime_seconds", NULL, NULL) >=
		    value(before, "steer_daemon_uptime_seconds", NULL, NULL));
	json_decref(before);
	json_decref(after);
}

/* A control connection open shows as a client. */
static void test_control_clients(void **state)
{
	json_t *families;
	int fd;

	env_check();
	if (!have_python)
		skip();
	start_with_metrics();
	fd = proto_connect(env_sock_path);
	assert_true(fd >= 0);
	families = scrape();
	assert_true(value(families, "steer_daemon_control_clients", NULL,
			  NULL) >= 1);
	json_decref(families);
	close(fd);
}

/* 404 off /metrics, 405 for a method other than GET or HEAD. */
static void test_paths_and_methods(void **state)
{
	char out[256];

	env_check();
	start_with_metrics();
	assert_int_equal(env_run("curl -s -o /dev/null -w '%{http_code}' "
				 "http://" METRICS_ADDR "/",
				 out, sizeof(out)),
			 0);
	assert_string_equal(out, "404");
	assert_int_equal(env_run("curl -s -o /dev/null -w '%{http_code}' "
				 "http://" METRICS_ADDR "/metrics/x",
				 out, sizeof(out)),
			 0);
	assert_string_equal(out, "404");
	assert_int_equal(
		env_run("curl -s -o /dev/null -w '%{http_code}' -X POST "
			"-d x=1 " METRICS_URL,
			out, sizeof(out)),
		0);
	assert_string_equal(out, "405");
	assert_int_equal(env_run("curl -s -o /dev/null -w '%{http_code} "
				 "%{content_type}' " METRICS_URL,
				 out, sizeof(out)),
			 0);
	assert_string_equal(out,
			    "200 text/plain; version=0.0.4; charset=utf-8");
	/* What a scrape costs (printed, not asserted: shared CI hosts). */
	assert_int_equal(env_run("curl -s -o /dev/null -w '%{size_download} "
				 "bytes in %{time_total} s' " METRICS_URL,
				 out, sizeof(out)),
			 0);
	printf("# one scrape: %s\n", out);
	assert_int_equal(
		env_run("curl -s -o /dev/null -w '%{http_code}' -I " METRICS_URL,
			out, sizeof(out)),
		0);
	assert_string_equal(out, "200");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_off_by_default),
		cmocka_unit_test(test_bad_address_refused),
		cmocka_unit_test(test_scrape_and_parse),
		cmocka_unit_test(test_control_clients),
		cmocka_unit_test(test_paths_and_methods),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests_name("metrics", tests, setup, teardown);
}
