// SPDX-License-Identifier: GPL-2.0-only
/*
 * The example server under load through a veth with cpu steering, the
 * load generator counting every outcome: locality (IPv4, IPv6, with the
 * baselines printed), rolling restarts, SIGKILLed workers, steerd killed
 * and restarted, and a drain — each without losing a connection. Where
 * steer's own locality figure is taken it must agree with what the clients
 * measured, and steer's CPUMAP must drop nothing.
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
#include <sys/wait.h>
#include <cmocka.h>

#include <jansson.h>

#include "lib/proto.h"
#include "steerd_env.h"
#include "tests/lib/network_helpers.h"

#define PORT 8080
#define PORT6 8086
#define STORM_SECONDS "4"
#define CONCURRENCY "16"
#define LOCALITY_MIN 99.0
/* Steer's locality and the clients' may differ by this many points. */
#define LOCALITY_AGREE 1.0
#define START_WAIT_US 5000000
#define OUT_OF_SELECTION_US 50000

static int client_ns = -1; /* env_client_start()'s namespace */
static int nr_cpus;
/* Servers running: a failed assertion must not leave one behind. */
static pid_t servers[4];

/* Starts build/examples/steer_http with args; returns its pid. */
static pid_t server_start(const char *const *args)
{
	const char *build = getenv("STEER_BUILD");
	char path[256];
	const char *argv[24] = { "steer_http" };
	int n = 1;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/examples/steer_http",
		 build ? build : "build");
	while (*args && n < 20)
		argv[n++] = *args++;
	argv[n] = NULL;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* Its own process group: the master and its workers. */
		setpgid(0, 0);
		execv(path, (char *const *)argv);
		_exit(127);
	}
	for (n = 0; n < 4; n++)
		if (!servers[n]) {
			servers[n] = pid;
			break;
		}
	return pid;
}

/* Kills what a failed test left running. */
static int kill_servers(void **state)
{
	int i;

	for (i = 0; i < 4; i++)
		if (servers[i]) {
			kill(-servers[i], SIGKILL);
			waitpid(servers[i], NULL, 0);
			servers[i] = 0;
		}
	return 0;
}

static void server_stop(pid_t pid)
{
	int status, i;

	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	for (i = 0; i < 4; i++)
		if (servers[i] == pid)
			servers[i] = 0;
}

/* Waits until the group has one active listener per CPU. */
static void wait_workers(const char *group)
{
	uint64_t start = clock_now_us();

	while (env_active_count(group) != nr_cpus)
		assert_true(clock_now_us() - start < START_WAIT_US);
}

/* A file of this process's for loadgen's JSON (tests may run side by side). */
static const char *out_path(const char *name)
{
	static char path[128];

	snprintf(path, sizeof(path), "/tmp/steer-storm-%d-%s.json", getpid(),
		 name);
	return path;
}

/* Starts loadgen in the client namespace, its JSON going to a file. */
static pid_t load_start(const char *target, const char *out)
{
	const char *build = getenv("STEER_BUILD");
	char path[256];
	pid_t pid;
	int fd;

	snprintf(path, sizeof(path), "%s/tools/loadgen",
		 build ? build : "build");
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (netns_enter(client_ns))
			_exit(127);
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
			_exit(127);
		execl(path, "loadgen", "--target", target, "--duration",
		      STORM_SECONDS, "--concurrency", CONCURRENCY, "--json",
		      (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Waits for loadgen; returns its JSON result (new reference). */
static json_t *load_wait(pid_t pid, const char *out)
{
	json_error_t err;
	int status;
	json_t *r;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	r = json_load_file(out, 0, &err);
	unlink(out);
	if (!r)
		fail_msg("loadgen output: %s", err.text);
	return r;
}

static long long field(const json_t *r, const char *key)
{
	return json_integer_value(json_object_get(r, key));
}

/* Prints a run's outcomes and spread. */
static void report(const char *what, const json_t *r)
{
	const json_t *c;
	size_t i;

	printf("# %s: attempted %lld ok %lld refused %lld reset %lld timeout "
	       "%lld short_read %lld bad_payload %lld error %lld; locality "
	       "%.2f%%; p50 %lld us p99 %lld us; spread:",
	       what, field(r, "attempted"), field(r, "ok"), field(r, "refused"),
	       field(r, "reset"), field(r, "timeout"), field(r, "short_read"),
	       field(r, "bad_payload"), field(r, "error"),
	       json_number_value(json_object_get(r, "locality_pct")),
	       field(json_object_get(r, "latency_us"), "p50"),
	       field(json_object_get(r, "latency_us"), "p99"));
	json_array_foreach(json_object_get(r, "per_server_cpu"), i, c)
		printf(" cpu%lld=%lld", field(c, "cpu"), field(c, "accepted"));
	printf("\n");
}

/* Prints a run, and asserts every attempted connection succeeded. */
static void assert_no_loss(const char *what, const json_t *r)
{
	report(what, r);
	assert_true(field(r, "attempted") > 0);
	assert_int_equal(field(r, "ok"), field(r, "attempted"));
}

/* What steerd counted: a group's selections, its CPUMAP's drops. */
struct steer_view {
	long long select_local;
	long long selected; /* select_local + select_fallback + select_none */
	long long cpumap_drops; /* at the enqueue and in the kthreads */
	size_t cpus; /* CPUs with CPUMAP counters */
};

static struct steer_view steer_view(const char *group)
{
	struct steer_view v = { 0 };
	json_t *reply = NULL, *g, *c;
	size_t i;

	assert_int_equal(env_call(proto_request("stats"), -1, &reply, NULL), 0);
	json_array_foreach(json_object_get(reply, "groups"), i, g)
	{
		if (strcmp(json_string_value(json_object_get(g, "name")),
			   group))
			continue;
		v.select_local = field(g, "select_local");
		v.selected = v.select_local + field(g, "select_fallback") +
			     field(g, "select_none");
	}
	json_array_foreach(json_object_get(reply, "cpus"), i, c)
		v.cpumap_drops += field(c, "cpumap_enqueue_drops") +
				  field(c, "cpumap_kthread_drops");
	v.cpus = json_array_size(json_object_get(reply, "cpus"));
	json_decref(reply);
	return v;
}

/*
 * Truthful telemetry over one storm: steer's locality (its SK_REUSEPORT
 * program's count) agrees with the clients' (each response says the
 * accepting worker's CPU and the connection's incoming CPU), and steer's
 * CPUMAP, whose CPUs steerd reports, dropped nothing.
 */
static void assert_steer_agrees(const char *what, const struct steer_view *b,
				const struct steer_view *a, const json_t *r)
{
	double client = json_number_value(json_object_get(r, "locality_pct"));
	long long selected = a->selected - b->selected;
	double steer;

	assert_true(selected > 0);
	steer = 100.0 * (double)(a->select_local - b->select_local) / selected;
	printf("# %s: steer counted %.2f%% local of %lld SYNs selected, the "
	       "clients %.2f%%; CPUMAP drops %lld on %zu CPUs\n",
	       what, steer, selected, client, a->cpumap_drops - b->cpumap_drops,
	       a->cpus);
	assert_true(steer - client <= LOCALITY_AGREE &&
		    client - steer <= LOCALITY_AGREE);
	assert_true(a->cpus > 0);
	assert_int_equal(a->cpumap_drops - b->cpumap_drops, 0);
}

/* steer_http on group web, every worker registered. */
static pid_t steered_server(bool supervise)
{
	const char *args[] = { "--group",
			       "web",
			       "--socket",
			       env_sock_path,
			       supervise ? "--supervise" : "--no-supervise",
			       NULL };
	pid_t srv = server_start(args);

	wait_workers("web");
	return srv;
}

static json_t *storm(const char *target)
{
	const char *out = out_path("storm");

	return load_wait(load_start(target, out), out);
}

static void test_locality(void **state)
{
	const char *v4[] = { "--group", "web", "--socket", env_sock_path,
			     NULL };
	const char *v6[] = { "--group",	    "web6",   "--socket",
			     env_sock_path, "--addr", ENV_SRV_ADDR6,
			     "--port",	    "8086",   NULL };
	const char *plain[] = { "--no-steer", "--addr", ENV_SRV_ADDR, NULL };
	const char *incoming[] = { "--no-steer", "--incoming-cpu", "--addr",
				   ENV_SRV_ADDR, NULL };
	double steer4, steer6, base_plain, base_incoming;
	struct steer_view before, after;
	char out[1024];
	pid_t srv;
	json_t *r;

	env_check();
	srv = server_start(v4);
	wait_workers("web");
	before = steer_view("web");
	r = storm(ENV_SRV_ADDR ":8080");
	after = steer_view("web");
	assert_no_loss("steer, IPv4", r);
	assert_steer_agrees("steer, IPv4", &before, &after, r);
	steer4 = json_number_value(json_object_get(r, "locality_pct"));
	json_decref(r);
	server_stop(srv);

	srv = server_start(v6);
	wait_workers("web6");
	before = steer_view("web6");
	r = storm("[" ENV_SRV_ADDR6 "]:8086");
	after = steer_view("web6");
	assert_no_loss("steer, IPv6", r);
	assert_steer_agrees("steer, IPv6", &before, &after, r);
	steer6 = json_number_value(json_object_get(r, "locality_pct"));
	json_decref(r);
	server_stop(srv);

	/* The baselines: the same server, no steer at all. */
	assert_int_equal(
		env_steerctl("iface detach " ENV_SRV_IF, out, sizeof(out)), 0);
	srv = server_start(plain);
	usleep(300000);
	r = storm(ENV_SRV_ADDR ":8080");
	/* Baselines are printed for comparison, not held to steer's bar. */
	report("plain SO_REUSEPORT", r);
	base_plain = json_number_value(json_object_get(r, "locality_pct"));
	json_decref(r);
	server_stop(srv);
	srv = server_start(incoming);
	usleep(300000);
	r = storm(ENV_SRV_ADDR ":8080");
	report("SO_INCOMING_CPU", r);
	base_incoming = json_number_value(json_object_get(r, "locality_pct"));
	json_decref(r);
	server_stop(srv);
	assert_int_equal(env_attach_steering(), 0);

	printf("# locality: %.2f%% (v4) and %.2f%% (v6) with steer, %.2f%% "
	       "with plain reuseport, %.2f%% with SO_INCOMING_CPU\n",
	       steer4, steer6, base_plain, base_incoming);
	assert_true(steer4 >= LOCALITY_MIN);
	assert_true(steer6 >= LOCALITY_MIN);
}

static void test_rolling_restart(void **state)
{
	const char *out = out_path("roll");
	pid_t srv, load;
	json_t *r;
	int i;

	env_check();
	srv = steered_server(true);
	load = load_start(ENV_SRV_ADDR ":8080", out);
	for (i = 0; i < 5; i++) {
		usleep(600000);
		kill(srv, SIGHUP);
	}
	r = load_wait(load, out);
	assert_no_loss("five rolling restarts", r);
	assert_int_equal(field(r, "refused") + field(r, "reset") +
				 field(r, "timeout") + field(r, "bad_payload") +
				 field(r, "short_read"),
			 0);
	json_decref(r);
	wait_workers("web");
	server_stop(srv);
}

/* The pid of the group's active listener on slot `slot`, or -1. */
static pid_t slot_pid(const char *group, int slot)
{
	json_t *show = env_group_show(group), *s;
	pid_t pid = -1;
	size_t i;

	json_array_foreach(
		json_object_get(show, "slots"), i,
		s) if (field(s, "slot") == slot &&
		       !strcmp(json_string_value(json_object_get(s, "state")),
			       "active")) pid = field(s, "pid");
	json_decref(show);
	return pid;
}

static void test_crash(void **state)
{
	const char *out = out_path("crash");
	uint64_t start, worst = 0;
	pid_t srv, load, victim;
	json_t *r;
	int i;

	env_check();
	srv = steered_server(true);
	load = load_start(ENV_SRV_ADDR ":8080", out);
	for (i = 0; i < 2; i++) {
		usleep(1500000);
		victim = slot_pid("web", i % nr_cpus);
		assert_true(victim > 0);
		kill(victim, SIGKILL);
		start = clock_now_us();
		/* Out of selection: no longer the slot's listener. */
		while (slot_pid("web", i % nr_cpus) == victim)
			assert_true(clock_now_us() - start < 1000000);
		if (clock_now_us() - start > worst)
			worst = clock_now_us() - start;
	}
	r = load_wait(load, out);
	printf("# dead slot out of selection within %.3f ms (worst)\n",
	       worst / 1000.0);
	/*
	 * Connections a killed worker had accepted and was serving are lost
	 * with it (reset); those the kernel still held migrate: none refused
	 * or timed out.
	 */
	printf("# SIGKILL storm: %lld of %lld reset (in the killed workers' "
	       "hands)\n",
	       field(r, "reset"), field(r, "attempted"));
	assert_int_equal(field(r, "refused"), 0);
	assert_int_equal(field(r, "timeout"), 0);
	assert_int_equal(field(r, "bad_payload"), 0);
	assert_true(worst < OUT_OF_SELECTION_US);
	json_decref(r);
	wait_workers("web");
	server_stop(srv);
}

static void test_daemon_restart(void **state)
{
	const char *out = out_path("steerd");
	pid_t srv, load;
	json_t *r;
	int i;

	env_check();
	srv = steered_server(true);
	load = load_start(ENV_SRV_ADDR ":8080", out);
	for (i = 0; i < 3; i++) {
		usleep(800000);
		env_stop_steerd(SIGKILL);
		assert_int_equal(env_start_steerd(), 0);
	}
	r = load_wait(load, out);
	assert_no_loss("steerd SIGKILLed and restarted 3 times", r);
	json_decref(r);
	/* Its view matches the live listeners. */
	for (i = 0; i < nr_cpus; i++) {
		pid_t pid = slot_pid("web", i);

		assert_true(pid > 0);
		assert_int_equal(kill(pid, 0), 0);
	}
	server_stop(srv);
}

static void test_drain(void **state)
{
	const char *out = out_path("drain");
	struct steer_view before, after;
	char cmd_out[1024];
	pid_t srv, load, drained;
	json_t *r;

	env_check();
	srv = steered_server(false);
	before = steer_view("web");
	load = load_start(ENV_SRV_ADDR ":8080", out);
	usleep(1000000);
	drained = slot_pid("web", 0);
	assert_int_equal(env_steerctl("drain web --slot 0 --wait --timeout 10",
				      cmd_out, sizeof(cmd_out)),
			 0);
	printf("# %s", cmd_out);
	r = load_wait(load, out);
	after = steer_view("web");
	assert_no_loss("drain of slot 0 under load", r);
	/* Slot 0 empty for the rest of the storm: locality falls, truly. */
	assert_steer_agrees("drain of slot 0 under load", &before, &after, r);
	json_decref(r);
	/* The drained worker was told it may close, and did. */
	assert_int_equal(slot_pid("web", 0) == drained, 0);
	server_stop(srv);
}

static int setup(void **state)
{
	char out[1024] = "";

	if (env_setup())
		return 0;
	nr_cpus = sysconf(_SC_NPROCESSORS_ONLN);
	client_ns = env_client_start(nr_cpus);
	if (client_ns < 0 ||
	    env_steerctl("group add web --listen " ENV_SRV_ADDR ":8080", out,
			 sizeof(out)) ||
	    env_steerctl("group add web6 --listen [" ENV_SRV_ADDR6 "]:8086",
			 out, sizeof(out))) {
		printf("# setup: %s", out);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	env_client_stop(client_ns);
	env_teardown();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_locality, kill_servers),
		cmocka_unit_test_teardown(test_rolling_restart, kill_servers),
		cmocka_unit_test_teardown(test_crash, kill_servers),
		cmocka_unit_test_teardown(test_daemon_restart, kill_servers),
		cmocka_unit_test_teardown(test_drain, kill_servers),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests_name("storm", tests, setup, teardown);
}
