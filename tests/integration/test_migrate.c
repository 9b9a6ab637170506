// SPDX-License-Identifier: GPL-2.0-only
/*
 * Migration states through a veth with cpu steering, IPv4 and IPv6: active
 * listeners closed while they hold (a) established connections in their
 * accept queues and (b) half-open requests (the clients' final ACKs held
 * back by a TC program on the server side, let through after the close).
 * Every connection is accepted by its slot's standby with the payload its
 * client sent, and the migration counter moves by exactly that many.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <cmocka.h>

#include <bpf/libbpf.h>

#include "lib/proto.h"
#include "steerd_env.h"
#include "tests/lib/network_helpers.h"
#include "tests/bpf/progs/test_freeze_ack.skel.h"

#define PORT4 9900
#define PORT6 9906
#define CONNS 12
#define MAX_CPUS 8
#define PAYLOAD "hello-%02d"
#define PAYLOAD_LEN 8
#define ACCEPT_WAIT_MS 8000

static int client_ns = -1; /* env_client_start()'s namespace */
static int nr_cpus;
static struct test_freeze_ack *freeze[2];

struct family {
	int af;
	const char *group;
	const char *addr;
	int port;
	int idx;
};

static const struct family v4 = { AF_INET, "mig4", ENV_SRV_ADDR, PORT4, 0 };
static const struct family v6 = { AF_INET6, "mig6", ENV_SRV_ADDR6, PORT6, 1 };

static socklen_t sockaddr_of(const struct family *f,
			     struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (f->af == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		in->sin_family = AF_INET;
		in->sin_port = htons(f->port);
		inet_pton(AF_INET, f->addr, &in->sin_addr);
		return sizeof(*in);
	}
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	in6->sin6_family = AF_INET6;
	in6->sin6_port = htons(f->port);
	inet_pton(AF_INET6, f->addr, &in6->sin6_addr);
	return sizeof(*in6);
}

static int listener(const struct family *f)
{
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_of(f, &ss);
	int one = 1, fd = socket(f->af, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	if (f->af == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	assert_int_equal(
		setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)), 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&ss, len), 0);
	assert_int_equal(listen(fd, 128), 0);
	return fd;
}

/*
 * In the client namespace: on the first byte from the parent, CONNS
 * connections from every CPU in turn, each sending its payload; they stay
 * open until the second byte. Forked before the listeners exist, so it
 * holds none of them open.
 */
static pid_t clients_start(const struct family *f, int *done_fd, int *go_fd)
{
	int done[2], go[2];
	pid_t pid;

	assert_int_equal(pipe(done), 0);
	assert_int_equal(pipe(go), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct sockaddr_storage ss;
		socklen_t len = sockaddr_of(f, &ss);
		int fds[CONNS], i;
		char buf[16], c = 'd';

		if (netns_enter(client_ns) || read(go[0], &c, 1) != 1)
			_exit(1);
		for (i = 0; i < CONNS; i++) {
			cpu_set_t set;

			CPU_ZERO(&set);
			CPU_SET(i % nr_cpus, &set);
			sched_setaffinity(0, sizeof(set), &set);
			fds[i] = socket(f->af, SOCK_STREAM, 0);
			/* Completes on the SYN-ACK, frozen ACK or not. */
			if (connect(fds[i], (struct sockaddr *)&ss, len))
				_exit(2);
			snprintf(buf, sizeof(buf), PAYLOAD, i);
			if (write(fds[i], buf, PAYLOAD_LEN) != PAYLOAD_LEN)
				_exit(3);
		}
		if (write(done[1], &c, 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(4);
		_exit(0);
	}
	close(done[1]);
	close(go[0]);
	*done_fd = done[0];
	*go_fd = go[1];
	return pid;
}

/* A group's counter (a STEER_SELECT_COUNTERS name), from steerd. */
static long long group_counter(const char *group, const char *counter)
{
	json_t *reply = NULL, *g;
	long long n = -1;
	size_t i;

	assert_int_equal(env_call(proto_request("stats"), -1, &reply, NULL), 0);
	json_array_foreach(
		json_object_get(reply, "groups"), i,
		g) if (!strcmp(json_string_value(json_object_get(g, "name")),
			       group))
		n = json_integer_value(json_object_get(g, counter));
	json_decref(reply);
	return n;
}

/*
 * Accepts from the standbys until CONNS connections came, checking each
 * one's first bytes are a payload not seen before.
 */
static void accept_all(const int *standbys, int n)
{
	bool seen[CONNS] = { false };
	uint64_t start = clock_now_us();
	struct pollfd pfd[MAX_CPUS];
	int got = 0, i;

	for (i = 0; i < n; i++) {
		pfd[i].fd = standbys[i];
		pfd[i].events = POLLIN;
	}
	while (got < CONNS) {
		if (clock_now_us() - start > ACCEPT_WAIT_MS * 1000ULL)
			fail_msg("%d of %d connections accepted", got, CONNS);
		if (poll(pfd, n, 100) <= 0)
			continue;
		for (i = 0; i < n; i++) {
			char buf[PAYLOAD_LEN + 1] = "";
			int c, id;

			if (!(pfd[i].revents & POLLIN))
				continue;
			c = accept4(standbys[i], NULL, NULL, SOCK_CLOEXEC);
			if (c < 0)
				continue;
			assert_int_equal(recv(c, buf, PAYLOAD_LEN, MSG_WAITALL),
					 PAYLOAD_LEN);
			assert_int_equal(sscanf(buf, PAYLOAD, &id), 1);
			assert_true(id >= 0 && id < CONNS && !seen[id]);
			seen[id] = true;
			got++;
			close(c);
		}
	}
}

static void migrate(const struct family *f, bool half_open)
{
	int actives[MAX_CPUS], standbys[MAX_CPUS], done, go, i, n = nr_cpus;
	unsigned int queued;
	long long to_standby, to_other;
	pid_t pid;
	char c = 'g';

	pid = clients_start(f, &done, &go);
	for (i = 0; i < n; i++) {
		actives[i] = listener(f);
		standbys[i] = listener(f);
		assert_int_equal(
			env_register(f->group, i, false, actives[i], NULL), 0);
		assert_int_equal(
			env_register(f->group, i, true, standbys[i], NULL), 0);
	}
	to_standby = group_counter(f->group, "migrate_standby");
	to_other = group_counter(f->group, "migrate_other");
	freeze[f->idx]->bss->frozen = half_open;
	assert_int_equal(write(go, &c, 1), 1);
	assert_int_equal(read(done, &c, 1), 1);
	/* (a): all in the accept queues; (b): all in the SYN queues. */
	for (i = 0, queued = 0; i < n; i++) {
		struct tcp_info ti;
		socklen_t len = sizeof(ti);

		/* A listener's tcpi_unacked is its accept queue length. */
		assert_int_equal(getsockopt(actives[i], IPPROTO_TCP, TCP_INFO,
					    &ti, &len),
				 0);
		queued += ti.tcpi_unacked;
	}
	assert_int_equal(queued, half_open ? 0 : CONNS);
	for (i = 0; i < n; i++)
		close(actives[i]);
	freeze[f->idx]->bss->frozen = false;
	accept_all(standbys, n);
	printf("# %s, %s: %d connections accepted by the standbys with their "
	       "payloads, %lld migrations to the standby counted\n",
	       f->af == AF_INET ? "IPv4" : "IPv6",
	       half_open ? "half-open requests" : "established, queued", CONNS,
	       group_counter(f->group, "migrate_standby") - to_standby);
	assert_int_equal(
		group_counter(f->group, "migrate_standby") - to_standby, CONNS);
	assert_int_equal(group_counter(f->group, "migrate_other") - to_other,
			 0);
	assert_int_equal(write(go, &c, 1), 1);
	waitpid(pid, NULL, 0);
	close(done);
	close(go);
	for (i = 0; i < n; i++)
		close(standbys[i]);
	env_wait_active(f->group, 0);
}

static void test_established_v4(void **state)
{
	env_check();
	migrate(&v4, false);
}

static void test_established_v6(void **state)
{
	env_check();
	migrate(&v6, false);
}

static void test_half_open_v4(void **state)
{
	env_check();
	migrate(&v4, true);
}

static void test_half_open_v6(void **state)
{
	env_check();
	migrate(&v6, true);
}

/* One freeze program per port, on the server side's TC ingress. */
static int freeze_attach(int idx, int port)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = if_nametoindex(ENV_SRV_IF),
		    .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = idx + 1, .priority = idx + 1);
	int err;

	freeze[idx] = test_freeze_ack__open();
	if (!freeze[idx])
		return -errno;
	freeze[idx]->rodata->port = port;
	err = test_freeze_ack__load(freeze[idx]);
	if (err)
		return err;
	/* One clsact qdisc holds both filters. */
	if (idx == 0) {
		err = bpf_tc_hook_create(&hook);
		if (err)
			return err;
	}
	opts.prog_fd = bpf_program__fd(freeze[idx]->progs.freeze_ack);
	return bpf_tc_attach(&hook, &opts);
}

static int setup(void **state)
{
	char out[1024] = "";

	if (env_setup())
		return 0;
	nr_cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (nr_cpus > MAX_CPUS)
		nr_cpus = MAX_CPUS;
	client_ns = env_client_start(nr_cpus);
	if (client_ns < 0 ||
	    env_steerctl("group add mig4 --listen " ENV_SRV_ADDR ":9900", out,
			 sizeof(out)) ||
	    env_steerctl("group add mig6 --listen [" ENV_SRV_ADDR6 "]:9906",
			 out, sizeof(out)) ||
	    freeze_attach(0, PORT4) || freeze_attach(1, PORT6)) {
		printf("# setup: %s", out);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	test_freeze_ack__destroy(freeze[0]);
	test_freeze_ack__destroy(freeze[1]);
	env_client_stop(client_ns);
	env_teardown();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_established_v4),
		cmocka_unit_test(test_established_v6),
		cmocka_unit_test(test_half_open_v4),
		cmocka_unit_test(test_half_open_v6),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests_name("migrate", tests, setup, teardown);
}
