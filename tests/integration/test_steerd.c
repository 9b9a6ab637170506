// SPDX-License-Identifier: GPL-2.0-only
/*
 * steerd as its clients see it, in a private network and mount namespace
 * with a bpffs of its own: groups, registration and every refusal (with no
 * state change), closes and SIGKILLs noticed within milliseconds, standby
 * promotion, drains, and a restarted steerd that finds everything again.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>

#include <bpf/bpf.h>

#include "lib/proto.h"
#include "steer_abi.h"
#include "steerd_env.h"

#define SERVER_V4 ENV_SERVER_V4
#define OTHER_V4 ENV_OTHER_V4
#define CLOSE_BUDGET_MS 10

static void test_status(void **state)
{
	json_t *reply = NULL;

	env_check();
	assert_int_equal(env_call(proto_request("status"), -1, &reply, NULL),
			 0);
	assert_int_equal(json_integer_value(json_object_get(reply, "abi")),
			 STEER_ABI_VERSION);
	json_decref(reply);
}

static void test_group_errors(void **state)
{
	json_t *req;

	env_check();
	env_group_add("g-err", SERVER_V4, 9001);
	req = proto_request("group_add");
	json_object_set_new(req, "name", json_string("g-err"));
	json_object_set_new(req, "addr", json_string(SERVER_V4));
	json_object_set_new(req, "port", json_integer(9002));
	assert_int_equal(env_call(req, -1, NULL, NULL), -EEXIST);
	req = proto_request("group_add");
	json_object_set_new(req, "name", json_string("other"));
	json_object_set_new(req, "addr", json_string(SERVER_V4));
	json_object_set_new(req, "port", json_integer(9001));
	assert_int_equal(env_call(req, -1, NULL, NULL), -EEXIST);
	req = proto_request("group_add");
	json_object_set_new(req, "name", json_string("bad name!"));
	json_object_set_new(req, "addr", json_string(SERVER_V4));
	json_object_set_new(req, "port", json_integer(9003));
	assert_int_equal(env_call(req, -1, NULL, NULL), -EINVAL);
	req = proto_request("group_del");
	json_object_set_new(req, "name", json_string("g-err"));
	assert_int_equal(env_call(req, -1, NULL, NULL), 0);
	req = proto_request("group_del");
	json_object_set_new(req, "name", json_string("g-err"));
	assert_int_equal(env_call(req, -1, NULL, NULL), -ENOENT);
}

/* A socket made in another network namespace, passed back by a child. */
static int foreign_listener(void)
{
	int sv[2], fd = -1;
	pid_t pid;

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		json_t *m = json_object();
		int l;

		json_object_set_new(m, "v", json_integer(1));
		if (unshare(CLONE_NEWNET) || system("ip link set lo up"))
			_exit(1);
		l = socket(AF_INET, SOCK_STREAM, 0);
		listen(l, 1);
		proto_send(sv[1], m, l);
		_exit(0);
	}
	{
		json_t *m = NULL;

		assert_int_equal(proto_recv(sv[0], &m, &fd), 0);
		json_decref(m);
	}
	waitpid(pid, NULL, 0);
	close(sv[0]);
	close(sv[1]);
	return fd;
}

static void test_register_refusals(void **state)
{
	int fd, p[2], up[2], down[2], ok, conn, status;
	char byte = 0;
	pid_t pid;

	env_check();
	env_group_add("refuse", SERVER_V4, 9100);

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_int_equal(env_register("refuse", 0, false, fd, NULL),
			 -EPROTOTYPE);
	close(fd);
	fd = env_tcp_listener(SERVER_V4, 9100, true, false);
	assert_int_equal(env_register("refuse", 0, false, fd, NULL), -EINVAL);
	close(fd);
	fd = env_tcp_listener(SERVER_V4, 9100, false, true);
	assert_int_equal(env_register("refuse", 0, false, fd, NULL), -EINVAL);
	close(fd);
	fd = env_tcp_listener(SERVER_V4, 9101, true, true);
	assert_int_equal(env_register("refuse", 0, false, fd, NULL), -EINVAL);
	close(fd);
	fd = env_tcp_listener(OTHER_V4, 9100, true, true);
	assert_int_equal(env_register("refuse", 0, false, fd, NULL), -EINVAL);
	close(fd);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(env_register("refuse", 0, false, p[0], NULL),
			 -ENOTSOCK);
	close(p[0]);
	close(p[1]);
	fd = foreign_listener();
	assert_true(fd >= 0);
	assert_int_equal(env_register("refuse", 0, false, fd, NULL), -EXDEV);
	close(fd);
	fd = env_tcp_listener(SERVER_V4, 9100, true, true);
	assert_int_equal(env_register("nosuch", 0, false, fd, NULL), -ENOENT);
	assert_int_equal(env_register("refuse", 4096, false, fd, NULL),
			 -ERANGE);

	/*
	 * A non-root peer without steerd's --group: the socket's mode keeps
	 * it out, and with the mode opened, steerd's SO_PEERCRED check does.
	 * Pipes pace the two steps (it may not signal its root parent).
	 */
	assert_int_equal(pipe(up), 0);
	assert_int_equal(pipe(down), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		json_t *req = proto_request("status");
		char err[256], c = 0;
		int s;

		if (setgid(65534) || setuid(65534))
			_exit(2);
		s = proto_connect(env_sock_path);
		if (write(up[1], &c, 1) != 1 || s != -EACCES)
			_exit(3);
		if (read(down[0], &c, 1) != 1)
			_exit(4);
		s = proto_connect(env_sock_path);
		if (s < 0)
			_exit(5);
		_exit(proto_call(s, req, -1, NULL, err, sizeof(err)) ==
				      -EACCES ?
			      0 :
			      6);
	}
	assert_int_equal(read(up[0], &byte, 1), 1);
	assert_int_equal(chmod(env_sock_path, 0666), 0);
	assert_int_equal(write(down[1], &byte, 1), 1);
	waitpid(pid, &status, 0);
	assert_int_equal(chmod(env_sock_path, 0660), 0);
	close(up[0]);
	close(up[1]);
	close(down[0]);
	close(down[1]);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* None of them changed anything. */
	assert_int_equal(env_active_count("refuse"), 0);

	assert_int_equal(env_register("refuse", 0, false, fd, &conn), 0);
	ok = env_tcp_listener(SERVER_V4, 9100, true, true);
	assert_int_equal(env_register("refuse", 0, false, ok, NULL), -EBUSY);
	assert_int_equal(env_active_count("refuse"), 1);
	close(ok);
	close(fd);
	close(conn);
}

static void test_close_and_kill(void **state)
{
	int fd, conn, sv[2], status;
	uint64_t us;
	pid_t pid;
	char c;

	env_check();
	env_group_add("life", SERVER_V4, 9200);
	fd = env_tcp_listener(SERVER_V4, 9200, true, true);
	assert_int_equal(env_register("life", 0, false, fd, &conn), 0);
	assert_int_equal(env_active_count("life"), 1);
	close(fd);
	us = env_wait_active("life", 0);
	printf("# close: slot empty after %.3f ms (as seen by a client)\n",
	       us / 1000.0);
	assert_true(us < CLOSE_BUDGET_MS * 1000);
	close(conn);

	/* A worker that registers, then is SIGKILLed. */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int l = env_tcp_listener(SERVER_V4, 9200, true, true);

		if (env_register("life", 1, false, l, NULL))
			_exit(1);
		write(sv[1], "r", 1);
		pause();
		_exit(0);
	}
	assert_int_equal(read(sv[0], &c, 1), 1);
	assert_int_equal(env_active_count("life"), 1);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	us = env_wait_active("life", 0);
	printf("# SIGKILL: slot empty after %.3f ms\n", us / 1000.0);
	assert_true(us < CLOSE_BUDGET_MS * 1000);
	close(sv[0]);
	close(sv[1]);
}

static void test_standby_promoted(void **state)
{
	int active, standby, c1, c2;
	json_t *show, *slots;

	env_check();
	env_group_add("roll", SERVER_V4, 9300);
	active = env_tcp_listener(SERVER_V4, 9300, true, true);
	standby = env_tcp_listener(SERVER_V4, 9300, true, true);
	assert_int_equal(env_register("roll", 0, false, active, &c1), 0);
	assert_int_equal(env_register("roll", 0, true, standby, &c2), 0);
	show = env_group_show("roll");
	assert_int_equal(json_integer_value(json_object_get(show, "standby")),
			 1);
	json_decref(show);
	close(active);
	env_wait_active("roll", 1);
	show = env_group_show("roll");
	slots = json_object_get(show, "slots");
	assert_int_equal(json_array_size(slots), 1);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(slots, 0), "state")),
			    "active");
	json_decref(show);
	close(standby);
	close(c1);
	close(c2);
}

/* drain --wait returns once the draining listener's queue is empty. */
static void test_drain_wait(void **state)
{
	struct sockaddr_in in = { .sin_family = AF_INET,
				  .sin_port = htons(9400) };
	int active, standby, c1, c2, s, clients[3], i, n = 0, a;
	json_t *req, *reply = NULL;

	env_check();
	inet_pton(AF_INET, SERVER_V4, &in.sin_addr);
	env_group_add("drain", SERVER_V4, 9400);
	active = env_tcp_listener(SERVER_V4, 9400, true, true);
	standby = env_tcp_listener(SERVER_V4, 9400, true, true);
	assert_int_equal(env_register("drain", 0, false, active, &c1), 0);
	assert_int_equal(env_register("drain", 0, true, standby, &c2), 0);
	for (i = 0; i < 3; i++) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(0, &set);
		sched_setaffinity(0, sizeof(set), &set);
		clients[i] = socket(AF_INET, SOCK_STREAM, 0);
		assert_int_equal(connect(clients[i], (struct sockaddr *)&in,
					 sizeof(in)),
				 0);
	}
	req = proto_request("drain");
	json_object_set_new(req, "group", json_string("drain"));
	json_object_set_new(req, "slot", json_integer(0));
	json_object_set_new(req, "wait", json_true());
	s = proto_connect(env_sock_path);
	assert_true(s >= 0);
	assert_int_equal(proto_send(s, req, -1), 0);
	json_decref(req);
	/* The worker, told to drain, accepts what is queued. */
	usleep(50000);
	while (n < 3 && (a = accept(active, NULL, NULL)) >= 0) {
		close(a);
		n++;
	}
	assert_int_equal(proto_recv(s, &reply, NULL), 0);
	assert_true(json_is_true(json_object_get(reply, "ok")));
	printf("# drained %lld connection(s) in %lld ms\n",
	       json_integer_value(json_object_get(reply, "drained")),
	       json_integer_value(json_object_get(reply, "drained_ms")));
	assert_int_equal(json_integer_value(json_object_get(reply, "drained")),
			 3);
	json_decref(reply);
	close(s);
	for (i = 0; i < 3; i++)
		close(clients[i]);
	close(active);
	close(standby);
	close(c1);
	close(c2);
}

/* The real steerctl and the real steerd agree on the protocol. */
static void test_steerctl_drives_steerd(void **state)
{
	char out[8192], want[32];

	env_check();
	assert_int_equal(system("ip link add st0 numrxqueues 2 numtxqueues 2 "
				"type veth peer name st1 numrxqueues 2 "
				"numtxqueues 2 && ip link set st0 up && "
				"ip link set st1 up"),
			 0);
	assert_int_equal(env_steerctl("-j status", out, sizeof(out)), 0);
	snprintf(want, sizeof(want), "\"abi\":%d", STEER_ABI_VERSION);
	assert_non_null(strstr(out, want));
	assert_int_equal(env_steerctl("group add cli --listen 198.18.0.1:9600",
				      out, sizeof(out)),
			 0);
	assert_int_equal(env_steerctl("-j group list", out, sizeof(out)), 0);
	assert_non_null(strstr(out, "\"cli\""));
	assert_int_equal(env_steerctl("group show cli", out, sizeof(out)), 0);
	assert_int_equal(env_steerctl("-j stats", out, sizeof(out)), 0);
	assert_non_null(strstr(out, "\"counters\""));
	if (env_steerctl("iface attach st0 --mode skb --steer cpu", out,
			 sizeof(out)))
		fail_msg("iface attach: %s", out);
	assert_int_equal(env_steerctl("-j iface show st0", out, sizeof(out)),
			 0);
	printf("# %s", out);
	assert_non_null(strstr(out, "\"rx_queues\":2"));
	/*
	 * This kernel refuses freplace, so libxdp attached steer alone, and
	 * status says what it found.
	 */
	assert_int_equal(env_steerctl("-j status", out, sizeof(out)), 0);
	assert_non_null(strstr(out, "\"xdp_dispatcher\":false"));
	assert_non_null(strstr(out, "\"reuseport_migrate\":true"));
	/* Attached twice: refused, exit 1. */
	assert_int_equal(env_steerctl("iface attach st0", out, sizeof(out)), 1);
	/* Renamed, then removed: steerd follows, and forgets it. */
	assert_int_equal(system("ip link set st0 down && ip link set st0 name "
				"st9 && ip link set st9 up"),
			 0);
	usleep(100000);
	assert_int_equal(env_steerctl("-j iface show st9", out, sizeof(out)),
			 0);
	assert_non_null(strstr(out, "\"name\":\"st9\""));
	assert_int_equal(env_steerctl("iface detach st9", out, sizeof(out)), 0);
	assert_int_equal(env_steerctl("iface attach st9 --mode skb", out,
				      sizeof(out)),
			 0);
	assert_int_equal(system("ip link del st9"), 0);
	usleep(100000);
	assert_int_equal(env_steerctl("-j iface show", out, sizeof(out)), 0);
	assert_null(strstr(out, "st9"));
	assert_int_equal(system("ip link add st0 numrxqueues 2 numtxqueues 2 "
				"type veth peer name st1"),
			 0);
	assert_int_equal(env_steerctl("iface show st9", out, sizeof(out)), 1);

	/* Somebody else's XDP program: refused, kept, replaced by --force. */
	assert_int_equal(
		system("ip link set st0 up && ip link set st1 up && "
		       "ip link set dev st1 xdpgeneric obj "
		       "$STEER_BUILD/tests/bpf/progs/xdp_pass.bpf.o sec xdp"),
		0);
	assert_int_equal(env_steerctl("iface attach st1 --mode skb", out,
				      sizeof(out)),
			 1);
	assert_non_null(strstr(out, "another XDP program"));
	assert_int_equal(env_steerctl("iface attach st0 --mode skb", out,
				      sizeof(out)),
			 0);
	assert_int_equal(env_steerctl("iface detach st0", out, sizeof(out)), 0);
	/* Detaching steer from st0 left st1's program alone. */
	assert_int_equal(system("ip link show st1 | grep -q xdpgeneric"), 0);
	assert_int_equal(system("ip link show st0 | grep -q xdp"), 256);
	assert_int_equal(env_steerctl("iface attach st1 --mode skb --force",
				      out, sizeof(out)),
			 0);
	assert_int_equal(env_steerctl("iface detach st1", out, sizeof(out)), 0);
	assert_int_equal(env_steerctl("iface attach nosuch0", out, sizeof(out)),
			 1);
	assert_non_null(strstr(out, "no interface nosuch0"));
	assert_int_equal(env_steerctl("group del cli", out, sizeof(out)), 0);
	assert_int_equal(system("ip link del st0"), 0);
}

/* A killed and restarted steerd finds its groups and listeners again. */
/* The pinned socket map holds exactly these cookies. */
static void assert_socks(const uint64_t *cookies, int n)
{
	struct steer_sock_key key, *prev = NULL;
	char path[256];
	int fd, seen = 0, i;
	__u64 value;

	snprintf(path, sizeof(path), "%s/%s", env_pin_dir(), STEER_MAP_SOCKS);
	fd = bpf_obj_get(path);
	assert_true(fd >= 0);
	while (!bpf_map_get_next_key(fd, prev, &key)) {
		bool known = false;

		assert_int_equal(bpf_map_lookup_elem(fd, &key, &value), 0);
		for (i = 0; i < n; i++)
			known |= cookies[i] == value;
		assert_true(known);
		seen++;
		prev = &key;
	}
	assert_int_equal(seen, n);
	close(fd);
}

/*
 * A killed and restarted steerd keeps the maps, programs and attachments,
 * and its view matches the map.
 */
static void test_restart(void **state)
{
	uint64_t cookies[2];
	socklen_t len = sizeof(cookies[0]);
	char out[4096];
	int fds[2], conn[2], i;

	env_check();
	assert_int_equal(system("ip link add st5 type veth peer name st6 && "
				"ip link set st5 up && ip link set st6 up"),
			 0);
	assert_int_equal(env_steerctl("iface attach st5 --mode skb --steer cpu",
				      out, sizeof(out)),
			 0);
	env_group_add("again", SERVER_V4, 9500);
	for (i = 0; i < 2; i++) {
		fds[i] = env_tcp_listener(SERVER_V4, 9500, true, true);
		assert_int_equal(
			env_register("again", i, i == 1, fds[i], &conn[i]), 0);
		assert_int_equal(getsockopt(fds[i], SOL_SOCKET, SO_COOKIE,
					    &cookies[i], &len),
				 0);
	}
	assert_socks(cookies, 2);
	env_stop_steerd(SIGKILL);
	/* No steerd: the XDP program stays attached, the map unchanged. */
	assert_int_equal(system("ip link show st5 | grep -q xdpgeneric"), 0);
	assert_socks(cookies, 2);
	assert_int_equal(env_start_steerd(), 0);
	assert_int_equal(env_active_count("again"), 2);
	assert_int_equal(env_steerctl("-j iface show st5", out, sizeof(out)),
			 0);
	assert_non_null(strstr(out, "\"name\":\"st5\""));
	/* Its CPU set, found again from the pinned table. */
	assert_non_null(strstr(out, "\"cpus\":[0"));
	/* The restarted steerd still follows closes. */
	close(fds[0]);
	env_wait_active("again", 1);
	assert_socks(&cookies[1], 1);
	close(fds[1]);
	env_wait_active("again", 0);
	assert_socks(NULL, 0);
	for (i = 0; i < 2; i++)
		close(conn[i]);
	assert_int_equal(env_steerctl("iface detach st5", out, sizeof(out)), 0);
	assert_int_equal(system("ip link del st5"), 0);
}

static int setup(void **state)
{
	env_setup();
	return 0;
}

static int teardown(void **state)
{
	env_teardown();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_group_errors),
		cmocka_unit_test(test_register_refusals),
		cmocka_unit_test(test_close_and_kill),
		cmocka_unit_test(test_standby_promoted),
		cmocka_unit_test(test_drain_wait),
		cmocka_unit_test(test_steerctl_drives_steerd),
		cmocka_unit_test(test_restart),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests_name("steerd", tests, setup, teardown);
}
