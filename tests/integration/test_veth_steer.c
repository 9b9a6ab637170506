// SPDX-License-Identifier: GPL-2.0-only
/*
 * The whole path on a veth between two private namespaces: steerd attaches
 * cpu steering to the server side, a group has one listener per CPU, and a
 * client sends SYNs from every CPU. Each connection must be accepted by the
 * listener of the CPU steerd's tables send its 4-tuple to from the CPU that
 * received it (cpu_table_target says which) and have been received on that
 * CPU (SO_INCOMING_CPU). With a slot empty its connections go to a live
 * slot; a draining listener gets none.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
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

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dataplane/maps.h"
#include "lib/cpu_table.h"
#include "lib/proto.h"
#include "steerd_env.h"
#include "xdp/lib/flow_hash.h"
#include "tests/lib/network_helpers.h"

#define SRV_IF ENV_SRV_IF
#define SRV_ADDR ENV_SRV_ADDR
#define CLI_ADDR ENV_CLI_ADDR
#define PORT 9700
#define PER_CPU 16 /* connections from each CPU per round */
#define MAX_CPUS 8
#define ACCEPT_WAIT_MS 5000

static int nr_cpus;
static struct steer_cpu_table *tables; /* steerd's, one per possible CPU */
static int nr_tables;
static int listeners[MAX_CPUS];
static int client_ns = -1; /* env_client_start()'s namespace */
static pid_t client = -1; /* the connecting process, in that namespace */
static int to_client[2], from_client[2];

/* The CPU steerd's tables send a client port's flow to from arrival_cpu. */
static int target_cpu(uint16_t client_port, int arrival_cpu)
{
	struct in_addr s, d;

	inet_pton(AF_INET, CLI_ADDR, &s);
	inet_pton(AF_INET, SRV_ADDR, &d);
	return cpu_table_target(
		tables, nr_tables, arrival_cpu,
		cpu_table_flow_hash(STEER_FLOW_HASH_KEY_DEFAULT, AF_INET, &s,
				    &d, htons(client_port), htons(PORT)));
}

/*
 * The client namespace's process: on each byte from the parent, makes
 * PER_CPU connections from each CPU, keeps them, answers how many worked.
 */
static void client_main(void)
{
	struct sockaddr_in srv = { .sin_family = AF_INET,
				   .sin_port = htons(PORT) };
	struct timeval tv = { .tv_sec = 2 };
	int fds[MAX_CPUS * PER_CPU], n, cpu, i;
	char c;

	inet_pton(AF_INET, SRV_ADDR, &srv.sin_addr);
	if (netns_enter(client_ns) || write(from_client[1], "r", 1) != 1)
		_exit(1);
	while (read(to_client[0], &c, 1) == 1) {
		n = 0;
		for (cpu = 0; cpu < nr_cpus; cpu++) {
			cpu_set_t set;

			CPU_ZERO(&set);
			CPU_SET(cpu, &set);
			sched_setaffinity(0, sizeof(set), &set);
			for (i = 0; i < PER_CPU; i++) {
				int fd = socket(AF_INET, SOCK_STREAM, 0);

				setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv,
					   sizeof(tv));
				if (!connect(fd, (struct sockaddr *)&srv,
					     sizeof(srv)))
					fds[n++] = fd;
				else
					close(fd);
			}
		}
		if (write(from_client[1], &n, sizeof(n)) != sizeof(n))
			_exit(1);
		/* Hold them until the server has looked, then drop them. */
		if (read(to_client[0], &c, 1) != 1)
			_exit(0);
		while (n--)
			close(fds[n]);
	}
	_exit(0);
}

struct round {
	int made; /* connections the client made */
	int accepted[MAX_CPUS]; /* per listener slot */
	int as_hashed; /* accepted by the slot the hash names */
	int local; /* SO_INCOMING_CPU == the accepting slot */
	int total;
};

/* One round of connections; accepts them all and checks where they went. */
static void run_round(struct round *r, const bool *open_slot)
{
	struct pollfd pfd[MAX_CPUS];
	uint64_t start = clock_now_us();
	char go = 'g';
	int slot;

	memset(r, 0, sizeof(*r));
	assert_int_equal(write(to_client[1], &go, 1), 1);
	assert_int_equal(read(from_client[0], &r->made, sizeof(r->made)),
			 sizeof(r->made));
	while (r->total < r->made &&
	       clock_now_us() - start < ACCEPT_WAIT_MS * 1000ULL) {
		for (slot = 0; slot < nr_cpus; slot++) {
			pfd[slot].fd = open_slot[slot] ? listeners[slot] : -1;
			pfd[slot].events = POLLIN;
		}
		if (poll(pfd, nr_cpus, 100) <= 0)
			continue;
		for (slot = 0; slot < nr_cpus; slot++) {
			struct sockaddr_in peer;
			socklen_t len = sizeof(peer);
			int fd, cpu = -1;

			if (!(pfd[slot].revents & POLLIN))
				continue;
			while ((fd = accept4(listeners[slot],
					     (struct sockaddr *)&peer, &len,
					     SOCK_CLOEXEC)) >= 0) {
				socklen_t clen = sizeof(cpu);

				getsockopt(fd, SOL_SOCKET, SO_INCOMING_CPU,
					   &cpu, &clen);
				r->accepted[slot]++;
				/* Its CPU's own table keeps it there. */
				r->as_hashed += target_cpu(ntohs(peer.sin_port),
							   cpu) == slot;
				r->local += cpu == slot;
				r->total++;
				close(fd);
				len = sizeof(peer);
			}
		}
	}
	assert_int_equal(write(to_client[1], &go, 1), 1);
}

static void print_round(const char *what, const struct round *r)
{
	int slot;

	printf("# %s: %d made, %d accepted, %d by the hashed slot, %d local;",
	       what, r->made, r->total, r->as_hashed, r->local);
	for (slot = 0; slot < nr_cpus; slot++)
		printf(" slot %d: %d", slot, r->accepted[slot]);
	printf("\n");
}

static int setup(void **state)
{
	int err = env_setup(), cpu;
	char out[4096], c;

	if (err)
		return 0;
	nr_cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (nr_cpus > MAX_CPUS)
		nr_cpus = MAX_CPUS;
	client_ns = env_client_start(2);
	if (client_ns < 0 || pipe(to_client) || pipe(from_client))
		return -1;
	client = fork();
	if (client == 0)
		client_main();
	if (client < 0 || read(from_client[0], &c, 1) != 1)
		return -1;
	if (env_steerctl("group add web --listen " SRV_ADDR ":9700", out,
			 sizeof(out))) {
		printf("# %s", out);
		return -1;
	}
	if (env_cpu_tables(&tables, &nr_tables))
		return -1;
	for (cpu = 0; cpu < nr_cpus; cpu++) {
		listeners[cpu] = env_tcp_listener(SRV_ADDR, PORT, true, true);
		fcntl(listeners[cpu], F_SETFL, O_NONBLOCK);
		if (env_register("web", cpu, false, listeners[cpu], NULL))
			return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	if (client > 0) {
		close(to_client[1]);
		kill(client, SIGKILL);
		waitpid(client, NULL, 0);
	}
	env_client_stop(client_ns);
	env_teardown();
	return 0;
}

/* Every connection lands on the listener of the CPU that received it. */
static void test_each_connection_is_local(void **state)
{
	bool all[MAX_CPUS] = { [0 ... MAX_CPUS - 1] = true };
	struct round r;

	env_check();
	run_round(&r, all);
	print_round("cpu steering on veth", &r);
	assert_int_equal(r.made, nr_cpus * PER_CPU);
	assert_int_equal(r.total, r.made);
	assert_int_equal(r.as_hashed, r.total);
	assert_int_equal(r.local, r.total);
	/*
	 * On veth a frame arrives on the CPU that sent it. The client sent
	 * from every CPU and every CPU has a worker, so every flow arrived
	 * where a worker is, and steer moved none through the CPUMAP.
	 */
	if (nr_cpus > 1) {
		json_t *reply = NULL, *g;

		assert_int_equal(
			env_call(proto_request("stats"), -1, &reply, NULL), 0);
		g = json_array_get(json_object_get(reply, "groups"), 0);
		printf("# XDP: %lld SYNs, %lld local, %lld redirected\n",
		       json_integer_value(json_object_get(g, "syns")),
		       json_integer_value(json_object_get(g, "local")),
		       json_integer_value(json_object_get(g, "redirected")));
		assert_true(json_integer_value(json_object_get(g, "syns")) >=
			    r.made);
		assert_int_equal(
			json_integer_value(json_object_get(g, "redirected")),
			0);
		json_decref(reply);
	}
}

/* An empty slot's connections go to a live slot; none is lost. */
static void test_empty_slot_falls_back(void **state)
{
	bool open_slot[MAX_CPUS] = { [0 ... MAX_CPUS - 1] = true };
	struct round r;

	env_check();
	if (nr_cpus < 2) {
		print_message("needs a second CPU\n");
		skip();
	}
	close(listeners[1]);
	open_slot[1] = false;
	env_wait_active("web", nr_cpus - 1);
	run_round(&r, open_slot);
	print_round("slot 1 empty", &r);
	assert_int_equal(r.total, r.made);
	assert_int_equal(r.made, nr_cpus * PER_CPU);
	assert_int_equal(r.accepted[1], 0);

	/* A new listener for slot 1, drained at once: it gets nothing. */
	listeners[1] = env_tcp_listener(SRV_ADDR, PORT, true, true);
	fcntl(listeners[1], F_SETFL, O_NONBLOCK);
	assert_int_equal(env_register("web", 1, false, listeners[1], NULL), 0);
	{
		json_t *req = proto_request("drain");

		json_object_set_new(req, "group", json_string("web"));
		json_object_set_new(req, "slot", json_integer(1));
		assert_int_equal(env_call(req, -1, NULL, NULL), 0);
	}
	open_slot[1] = true; /* watched, to catch a wrong choice */
	run_round(&r, open_slot);
	print_round("slot 1 draining", &r);
	assert_int_equal(r.total, r.made);
	assert_int_equal(r.accepted[1], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_connection_is_local),
		cmocka_unit_test(test_empty_slot_falls_back),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests_name("veth_steer", tests, setup,
					   teardown);
}
