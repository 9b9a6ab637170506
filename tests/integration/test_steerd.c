// SPDX-License-Identifier: GPL-2.0-only
/*
 * steerd as its clients see it, in a private network and mount namespace
 * with a bpffs of its own: groups, registration and every refusal (with no
 * state change), closes and SIGKILLs noticed within milliseconds, standby
 * promotion, drains, and a restarted steerd that finds everything again;
 * and steerd holding up: floods of connections, running out of
 * descriptors, groups added and deleted 300 times, a listener registered
 * twice, a second steerd on its pins or socket, a --socket that is not a
 * socket.
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
#include <dirent.h>
#include <poll.h>
#include <sys/mount.h>
#include <sys/resource.h>
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
	/* A fresh steerd made its pins: they are there. */
	assert_true(json_is_true(json_object_get(reply, "pinned")));
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

/* steerd's limits, as its test knows them (ctrl/steerd/steerd.h). */
#define PEERS_MAX 4096
#define IDLE_MS 5000

/* Whether steerd closes conn within ms: it reads end of stream. */
static bool closed_within(int conn, int ms)
{
	struct pollfd p = { .fd = conn, .events = POLLIN };
	char buf[64];

	return poll(&p, 1, ms) == 1 && recv(conn, buf, sizeof(buf), 0) == 0;
}

/*
 * A non-allowed user floods the control socket with more connections than
 * steerd holds, all idle but one: root still gets in, the refused request
 * is answered and its connection closed at once, and the idle ones are
 * closed after a few seconds.
 */
static void test_peer_flood(void **state)
{
	static int conns[PEERS_MAX + 64];
	int up[2], down[2], status, i, n = 0;
	json_t *reply = NULL;
	char byte = 0;
	pid_t pid;

	env_check();
	assert_int_equal(pipe(up), 0);
	assert_int_equal(pipe(down), 0);
	assert_int_equal(chmod(env_sock_path, 0666), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit rl = { PEERS_MAX * 2, PEERS_MAX * 2 };
		json_t *req = proto_request("status");
		char err[256], c = 0;
		int s, closed = 0;
		uint64_t start, deadline, now;

		if (setrlimit(RLIMIT_NOFILE, &rl) ||
		    setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(2);
		s = proto_connect(env_sock_path);
		if (s < 0 ||
		    proto_call(s, req, -1, NULL, err, sizeof(err)) != -EACCES)
			_exit(3);
		if (!closed_within(s, 1000))
			_exit(4);
		close(s);
		for (i = 0; i < (int)(sizeof(conns) / sizeof(conns[0])); i++) {
			conns[i] = proto_connect(env_sock_path);
			if (conns[i] < 0) {
				printf("# connection %d: %s\n", i,
				       strerror(-conns[i]));
				_exit(5);
			}
		}
		if (write(up[1], &c, 1) != 1 || read(down[0], &c, 1) != 1)
			_exit(6);
		/* Generous: a loaded machine stretches steerd's sweep. */
		start = clock_now_us() / 1000;
		deadline = start + IDLE_MS + 10000;
		for (i = 0; i < (int)(sizeof(conns) / sizeof(conns[0])); i++) {
			now = clock_now_us() / 1000;
			closed += closed_within(
				conns[i], now < deadline ? deadline - now : 0);
		}
		printf("# %d connection(s) closed by steerd, the last after "
		       "%llu ms\n",
		       closed,
		       (unsigned long long)(clock_now_us() / 1000 - start));
		_exit(closed == i ? 0 : 7);
	}
	/* Our own write end closed: a child that failed reads as EOF. */
	close(up[1]);
	close(down[0]);
	if (read(up[0], &byte, 1) == 1)
		n = 1;
	assert_int_equal(chmod(env_sock_path, 0660), 0);
	/* Every place but root's reserve is taken: root still gets in. */
	if (n)
		n = env_call(proto_request("status"), -1, &reply, NULL) == 0;
	json_decref(reply);
	if (n)
		n = write(down[1], &byte, 1) == 1;
	waitpid(pid, &status, 0);
	close(up[0]);
	close(down[1]);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_true(n);
}

/* steerd's pid: the credentials of its listening socket. */
static pid_t steerd_pid(void)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int s = proto_connect(env_sock_path);

	assert_true(s >= 0);
	assert_int_equal(getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cred, &len),
			 0);
	close(s);
	return cred.pid;
}

/* How many descriptors steerd holds. */
static int steerd_fds(pid_t pid)
{
	char path[64];
	struct dirent *e;
	int n = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	dir = opendir(path);
	assert_non_null(dir);
	while ((e = readdir(dir)))
		n += e->d_name[0] != '.';
	closedir(dir);
	return n;
}

static void group_del(const char *name)
{
	json_t *req = proto_request("group_del");

	json_object_set_new(req, "name", json_string(name));
	assert_int_equal(env_call(req, -1, NULL, NULL), 0);
}

/* One life of a group: added, a listener registered and closed, deleted. */
static void group_cycle(void)
{
	int fd, conn;

	env_group_add("cycle", SERVER_V4, 9700);
	fd = env_tcp_listener(SERVER_V4, 9700, true, true);
	assert_int_equal(env_register("cycle", 0, false, fd, &conn), 0);
	close(fd);
	close(conn);
	env_wait_active("cycle", 0);
	group_del("cycle");
}

/* steerd's descriptor count once it stops changing (peers closing). */
static int steerd_fds_settled(pid_t pid)
{
	int n = steerd_fds(pid), last = -1, i;

	for (i = 0; i < 50 && n != last; i++) {
		usleep(20000);
		last = n;
		n = steerd_fds(pid);
	}
	return n;
}

/* A group used and deleted 300 times leaves steerd's descriptors as they were. */
static void test_group_del_releases(void **state)
{
	int before, after, i;
	pid_t pid;

	env_check();
	pid = steerd_pid();
	group_cycle(); /* what steerd opens once and keeps is open now */
	before = steerd_fds_settled(pid);
	for (i = 0; i < 300; i++)
		group_cycle();
	after = steerd_fds_settled(pid);
	printf("# steerd's descriptors: %d before 300 group add/del, %d after\n",
	       before, after);
	assert_int_equal(after, before);
}

/* CPU time steerd has used, in clock ticks. */
static unsigned long long steerd_cpu_ticks(pid_t pid)
{
	unsigned long long utime = 0, stime = 0;
	char path[64], buf[1024], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	p = strrchr(buf, ')');
	assert_non_null(p);
	/* After the name: state, then fields 4-13, then utime and stime. */
	assert_int_equal(sscanf(p + 2,
				"%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u "
				"%*u %llu %llu",
				&utime, &stime),
			 2);
	return utime + stime;
}

/*
 * Out of descriptors, steerd answers the connections it cannot take
 * instead of spinning on a listening socket that stays readable, and
 * takes requests again once it has room.
 */
static void test_accept_emfile(void **state)
{
	struct rlimit low, old;
	int conns[8], i, err;
	unsigned long long ticks;
	json_t *reply = NULL;
	struct pollfd p;
	pid_t pid;

	env_check();
	pid = steerd_pid();
	assert_int_equal(prlimit(pid, RLIMIT_NOFILE, NULL, &old), 0);
	low = (struct rlimit){ steerd_fds(pid) + 2, old.rlim_max };
	assert_int_equal(prlimit(pid, RLIMIT_NOFILE, &low, NULL), 0);
	for (i = 0; i < 8; i++) {
		conns[i] = proto_connect(env_sock_path);
		assert_true(conns[i] >= 0);
	}
	usleep(100000);
	ticks = steerd_cpu_ticks(pid);
	usleep(500000);
	ticks = steerd_cpu_ticks(pid) - ticks;
	printf("# out of descriptors: steerd used %llu tick(s) of CPU in "
	       "500 ms\n",
	       ticks);
	/* The last one could not be taken: it was told why. */
	p = (struct pollfd){ .fd = conns[7], .events = POLLIN };
	err = poll(&p, 1, 1000) == 1 ? proto_recv(conns[7], &reply, NULL) :
				       -ETIMEDOUT;
	if (!err)
		err = (int)json_integer_value(json_object_get(reply, "errno"));
	json_decref(reply);
	assert_int_equal(prlimit(pid, RLIMIT_NOFILE, &old, NULL), 0);
	for (i = 0; i < 8; i++)
		close(conns[i]);
	assert_true(ticks < 10);
	assert_int_equal(err, EMFILE);
	usleep(2 * 100000);
	assert_int_equal(env_call(proto_request("status"), -1, NULL, NULL), 0);
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

/* A listener registered twice, elsewhere or as its own standby: refused. */
static void test_register_twice(void **state)
{
	uint64_t cookie;
	socklen_t len = sizeof(cookie);
	int fd, conn;
	json_t *show;

	env_check();
	env_group_add("twice", SERVER_V4, 9800);
	fd = env_tcp_listener(SERVER_V4, 9800, true, true);
	assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_COOKIE, &cookie, &len),
			 0);
	assert_int_equal(env_register("twice", 0, false, fd, &conn), 0);
	assert_int_equal(env_register("twice", 1, false, fd, NULL), -EEXIST);
	assert_int_equal(env_register("twice", 0, true, fd, NULL), -EEXIST);
	/* Nothing changed: one slot, one active, one socket map entry. */
	show = env_group_show("twice");
	assert_int_equal(json_integer_value(json_object_get(show, "active")),
			 1);
	assert_int_equal(json_integer_value(json_object_get(show, "standby")),
			 0);
	assert_int_equal(json_array_size(json_object_get(show, "slots")), 1);
	json_decref(show);
	assert_socks(&cookie, 1);
	close(fd);
	env_wait_active("twice", 0);
	close(conn);
	group_del("twice");
}

/* The test steerd's --bpffs: its pin directory's parent. */
static void steerd_bpffs(char *path, size_t len)
{
	char *slash;

	snprintf(path, len, "%s", env_pin_dir());
	slash = strrchr(path, '/');
	assert_non_null(slash);
	*slash = '\0';
}

/* A path next to the test's socket. */
static void beside_socket(char *path, size_t len, const char *name)
{
	char *slash;

	snprintf(path, len, "%s", env_sock_path);
	slash = strrchr(path, '/');
	assert_non_null(slash);
	snprintf(slash + 1, path + len - slash - 1, "%s", name);
}

/* Runs a second steerd for at most 5 s; its exit status, output in out. */
static int second_steerd(const char *bpffs, const char *sock, char *out,
			 size_t len)
{
	const char *build = getenv("STEER_BUILD");
	char cmd[512];

	snprintf(cmd, sizeof(cmd),
		 "timeout 5 %s/steerd --bpffs %s --socket %s 2>&1",
		 build ? build : "build", bpffs, sock);
	return env_run(cmd, out, len);
}

/*
 * A second steerd on the same pins is refused in one line naming the
 * first one's pid, and creates nothing on its way out.
 */
static void test_second_steerd(void **state)
{
	char bpffs[160], dir[160], sock[200], pid[32], out[1024];
	struct stat st;

	env_check();
	snprintf(pid, sizeof(pid), "pid %d)", steerd_pid());
	steerd_bpffs(bpffs, sizeof(bpffs));
	beside_socket(dir, sizeof(dir), "second");
	snprintf(sock, sizeof(sock), "%s/steerd.sock", dir);

	assert_int_equal(second_steerd(bpffs, sock, out, sizeof(out)), 1);
	printf("# %s", out);
	assert_non_null(strstr(out, pid));
	assert_non_null(strstr(out, "holds"));
	/* One line: its first line break is its last character. */
	assert_ptr_equal(strchr(out, '\n'), out + strlen(out) - 1);
	assert_int_equal(stat(dir, &st), -1);
	assert_int_equal(errno, ENOENT);
	rmdir(dir);

	/* The same socket too: its answer names the pid. */
	assert_int_equal(second_steerd(bpffs, env_sock_path, out, sizeof(out)),
			 1);
	printf("# %s", out);
	assert_non_null(strstr(out, pid));
	/* The first one still serves. */
	assert_int_equal(env_call(proto_request("status"), -1, NULL, NULL), 0);
}

/*
 * --socket never replaces what is not a socket, nor follows a symbolic
 * link; steerd's own socket is 0660 from the start.
 */
static void test_socket_path(void **state)
{
	char bpffs[160], file[200], link[200], out[1024];
	struct stat st;
	FILE *f;

	env_check();
	assert_int_equal(lstat(env_sock_path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0660);
	steerd_bpffs(bpffs, sizeof(bpffs));
	beside_socket(file, sizeof(file), "not-a-socket");
	beside_socket(link, sizeof(link), "a-link");
	f = fopen(file, "w");
	assert_non_null(f);
	fputs("keep me\n", f);
	fclose(f);
	assert_int_equal(chmod(file, 0600), 0);
	assert_int_equal(symlink(file, link), 0);

	assert_int_equal(second_steerd(bpffs, file, out, sizeof(out)), 1);
	printf("# %s", out);
	assert_non_null(strstr(out, "not a socket"));
	assert_int_equal(second_steerd(bpffs, link, out, sizeof(out)), 1);
	assert_non_null(strstr(out, "not a socket"));
	/* Both untouched. */
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(stat(file, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 8);
	unlink(link);
	unlink(file);
}

/* drain by cookie 0 or pid 0 names no listener: refused, nothing drained. */
static void test_drain_zero(void **state)
{
	const char *keys[] = { "cookie", "pid" };
	json_t *req;
	int fd, conn, i;

	env_check();
	env_group_add("zero", SERVER_V4, 9900);
	fd = env_tcp_listener(SERVER_V4, 9900, true, true);
	assert_int_equal(env_register("zero", 0, false, fd, &conn), 0);
	for (i = 0; i < 2; i++) {
		req = proto_request("drain");
		json_object_set_new(req, "group", json_string("zero"));
		json_object_set_new(req, keys[i], json_integer(0));
		assert_int_equal(env_call(req, -1, NULL, NULL), -EINVAL);
	}
	assert_int_equal(env_active_count("zero"), 1);
	close(fd);
	env_wait_active("zero", 0);
	close(conn);
	group_del("zero");
}

/*
 * shutdown --detach leaves no directory behind: the pins' nor the --bpffs
 * directory steerd made for them (as it does its default one).
 */
static void test_shutdown_detach(void **state)
{
	const char *build = getenv("STEER_BUILD");
	char bpffs[200], sock[200], path[256];
	json_t *req;
	struct stat st;
	int status, s = -1, i;
	pid_t pid;

	env_check();
	env_stop_steerd(SIGTERM);
	steerd_bpffs(bpffs, sizeof(bpffs));
	strcat(bpffs, "/netns-test");
	beside_socket(sock, sizeof(sock), "detach.sock");
	snprintf(path, sizeof(path), "%s/steerd", build ? build : "build");
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		execl(path, "steerd", "--bpffs", bpffs, "--socket", sock,
		      "--log-level", "warn", (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 500 && s < 0; i++) {
		s = proto_connect(sock);
		if (s < 0)
			usleep(10000);
	}
	assert_true(s >= 0);
	assert_int_equal(stat(bpffs, &st), 0);
	req = proto_request("shutdown");
	json_object_set_new(req, "detach", json_true());
	assert_int_equal(proto_call(s, req, -1, NULL, path, sizeof(path)), 0);
	json_decref(req);
	close(s);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(stat(bpffs, &st), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(env_start_steerd(), 0);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_group_errors),
		cmocka_unit_test(test_register_refusals),
		cmocka_unit_test(test_peer_flood),
		cmocka_unit_test(test_group_del_releases),
		cmocka_unit_test(test_accept_emfile),
		cmocka_unit_test(test_close_and_kill),
		cmocka_unit_test(test_standby_promoted),
		cmocka_unit_test(test_drain_wait),
		cmocka_unit_test(test_steerctl_drives_steerd),
		cmocka_unit_test(test_register_twice),
		cmocka_unit_test(test_second_steerd),
		cmocka_unit_test(test_socket_path),
		cmocka_unit_test(test_drain_zero),
		cmocka_unit_test(test_restart),
		cmocka_unit_test(test_shutdown_detach),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests_name("steerd", tests, env_group_setup,
					   env_group_teardown);
}
