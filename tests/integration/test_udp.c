// SPDX-License-Identifier: GPL-2.0-only
/*
 * UDP reuseport groups on a veth between two private namespaces: steerd's
 * cpu steering on the server side, one UDP socket per CPU registered with
 * a UDP group, and a client sending flows (one source port each) from
 * every CPU. Each datagram must reach the socket of the CPU steerd's
 * tables send its 4-tuple to (≥ 99%), where plain SO_REUSEPORT on another
 * port is printed as the baseline; a socket closed with datagrams queued
 * loses those and no other; a drained socket gets no new datagram once
 * "drained" is said. IPv4 and IPv6.
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
#include <linux/sock_diag.h>
#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dataplane/counters.h"
#include "dataplane/maps.h"
#include "lib/cpu_table.h"
#include "lib/proto.h"
#include "steerd_env.h"
#include "steer/libsteer.h"
#include "xdp/lib/flow_hash.h"
#include "tests/lib/network_helpers.h"

#define PORT_V4 5300
#define PORT_V6 5306
#define PORT_PLAIN 5310 /* plain SO_REUSEPORT, in no group */
#define FLOWS_PER_CPU 16
#define DGRAMS_PER_FLOW 4
#define MAX_CPUS 8
#define LOAD_FLOWS 16 /* per CPU, for the kill under load */
#define LOAD_DGRAMS 64 /* per flow */
#define IDLE_MS 300
#define ROUND_MAX_MS 20000
#define KILL_PAUSE_MS 5 /* the killed worker's last stall */
#define ECHO_GROUP "echo"
#define ECHO_PORT 5320
#define BACK_PORT 5330
#define LOAD_PORT "5340"
#define BACK_PORT_TEXT \
	"5330" /* a round ends this long after the last datagram */

static int nr_cpus;
static struct steer_cpu_table *tables; /* steerd's, one per possible CPU */
static int nr_tables;
static int client_ns = -1; /* env_client_start()'s namespace */
static pid_t client = -1; /* the sending process, in that namespace */
static int to_client[2], from_client[2];
static pid_t echo_pid = -1; /* a running udp_echo, for teardown */

/* What the client sends in a round, and what each datagram carries. */
struct order {
	int af;
	uint16_t port;
	int flows, dgrams; /* per CPU, per flow */
};

struct payload {
	int32_t cpu; /* the client CPU it was sent from: its arrival CPU */
	int32_t seq;
};

/* One address family's server side: a group and one socket per CPU. */
struct family {
	int af;
	const char *addr, *client_addr, *group;
	uint16_t port;
	int socks[MAX_CPUS];
	int conns[MAX_CPUS]; /* each registration's connection (events) */
};

static struct family v4 = { .af = AF_INET,
			    .addr = ENV_SRV_ADDR,
			    .client_addr = ENV_CLI_ADDR,
			    .group = "dns4",
			    .port = PORT_V4 };
static struct family v6 = { .af = AF_INET6,
			    .addr = ENV_SRV_ADDR6,
			    .client_addr = ENV_CLI_ADDR6,
			    .group = "dns6",
			    .port = PORT_V6 };

static socklen_t sockaddr_of(int af, const char *addr, uint16_t port,
			     struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (af == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		inet_pton(AF_INET, addr, &in->sin_addr);
		return sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		inet_pton(AF_INET6, addr, &in6->sin6_addr);
		return sizeof(*in6);
	}
}

/* A non-blocking UDP socket bound to addr:port with SO_REUSEPORT. */
static int udp_socket(int af, const char *addr, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_of(af, addr, port, &ss);
	int one = 1, rcvbuf = 4 << 20, fd;

	fd = socket(af, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	if (af == AF_INET6)
		assert_int_equal(setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
					    sizeof(one)),
				 0);
	assert_int_equal(
		setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)), 0);
	/* Room for a round under load, so that a drop is never the queue's. */
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
				    sizeof(rcvbuf)),
			 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&ss, len), 0);
	return fd;
}

/* The CPU steerd's tables send a flow to from arrival_cpu. */
static int target_cpu(const struct family *f, uint16_t client_port,
		      uint16_t port, int arrival_cpu)
{
	uint8_t s[16], d[16];

	inet_pton(f->af, f->client_addr, s);
	inet_pton(f->af, f->addr, d);
	return cpu_table_target(
		tables, nr_tables, arrival_cpu,
		cpu_table_flow_hash(STEER_FLOW_HASH_KEY_DEFAULT, f->af, s, d,
				    htons(client_port), htons(port)));
}

static void pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* Sends one round: o->flows flows from each CPU; returns the count sent. */
static int client_round(const struct order *o)
{
	const char *addr = o->af == AF_INET ? ENV_SRV_ADDR : ENV_SRV_ADDR6;
	struct sockaddr_storage srv;
	socklen_t len = sockaddr_of(o->af, addr, o->port, &srv);
	int sent = 0, cpu, i, k, fd;

	for (cpu = 0; cpu < nr_cpus; cpu++) {
		pin_cpu(cpu);
		for (i = 0; i < o->flows; i++) {
			fd = socket(o->af, SOCK_DGRAM, 0);
			if (fd < 0)
				continue;
			for (k = 0; k < o->dgrams; k++) {
				struct payload p = { cpu, sent };

				sent += sendto(fd, &p, sizeof(p), 0,
					       (struct sockaddr *)&srv,
					       len) == sizeof(p);
			}
			close(fd);
		}
	}
	return sent;
}

/* The client namespace's process: one round per order from the parent. */
static void client_main(void)
{
	struct order o;
	int sent;

	if (netns_enter(client_ns) || write(from_client[1], "r", 1) != 1)
		_exit(1);
	while (read(to_client[0], &o, sizeof(o)) == sizeof(o)) {
		sent = client_round(&o);
		if (write(from_client[1], &sent, sizeof(sent)) != sizeof(sent))
			_exit(1);
	}
	_exit(0);
}

struct round {
	/* Kills kill_slot's worker once it read this many (0: never). */
	int kill_after, kill_slot;
	uint64_t kill_at_us;
	bool sending; /* the client has not said how many it sent */
	int sent;
	int got[MAX_CPUS]; /* per slot */
	int as_hashed; /* received by the slot the tables name */
	int on_arrival_cpu; /* received by the slot of the sending CPU */
	int total;
};

/* Reads what one slot's socket holds into the round's counts. */
static void read_slot(const struct family *f, int fd, int slot, uint16_t port,
		      struct round *r)
{
	struct sockaddr_storage peer;
	socklen_t len = sizeof(peer);
	struct payload p;
	uint16_t sport;

	while (recvfrom(fd, &p, sizeof(p), 0, (struct sockaddr *)&peer, &len) ==
	       sizeof(p)) {
		/* sin_port and sin6_port lie at the same offset. */
		sport = ntohs(((struct sockaddr_in *)&peer)->sin_port);
		r->got[slot]++;
		r->as_hashed += target_cpu(f, sport, port, p.cpu) == slot;
		r->on_arrival_cpu += p.cpu == slot;
		r->total++;
		len = sizeof(peer);
	}
}

/*
 * The kill of a round: once kill_slot's worker has read kill_after, it
 * stops reading (its socket fills) and KILL_PAUSE_MS later it is closed.
 */
static void maybe_kill(int *socks, bool *watched, struct round *r)
{
	if (!r->kill_after || socks[r->kill_slot] < 0 ||
	    r->got[r->kill_slot] < r->kill_after)
		return;
	if (!r->kill_at_us) {
		watched[r->kill_slot] = false;
		r->kill_at_us = clock_now_us() + KILL_PAUSE_MS * 1000ULL;
	} else if (clock_now_us() >= r->kill_at_us) {
		close(socks[r->kill_slot]);
		socks[r->kill_slot] = -1;
	}
}

/*
 * Reads the watched slots' sockets until the client has said how many it
 * sent (when r->sending) and nothing came for IDLE_MS.
 */
static void drain_socks(const struct family *f, int *socks, const bool *watched,
			uint16_t port, struct round *r)
{
	struct pollfd pfd[MAX_CPUS + 1];
	uint64_t start = clock_now_us(), last = start;
	bool watch[MAX_CPUS];
	int slot;

	memcpy(watch, watched, sizeof(watch));
	while (r->sending || clock_now_us() - last < IDLE_MS * 1000ULL) {
		assert_true(clock_now_us() - start < ROUND_MAX_MS * 1000ULL);
		maybe_kill(socks, watch, r);
		for (slot = 0; slot < nr_cpus; slot++) {
			pfd[slot].fd = watch[slot] ? socks[slot] : -1;
			pfd[slot].events = POLLIN;
		}
		pfd[nr_cpus].fd = r->sending ? from_client[0] : -1;
		pfd[nr_cpus].events = POLLIN;
		if (poll(pfd, nr_cpus + 1, 10) <= 0)
			continue;
		for (slot = 0; slot < nr_cpus; slot++)
			if (pfd[slot].revents & POLLIN) {
				read_slot(f, socks[slot], slot, port, r);
				last = clock_now_us();
			}
		if (pfd[nr_cpus].revents & POLLIN) {
			assert_int_equal(read(from_client[0], &r->sent,
					      sizeof(r->sent)),
					 sizeof(r->sent));
			r->sending = false;
			last = clock_now_us();
		}
	}
}

/*
 * One round of `flows` flows of `dgrams` datagrams from each CPU to port,
 * read while they come; the slots not watched keep theirs queued.
 */
static void send_round(const struct family *f, int *socks, uint16_t port,
		       const bool *watched, int flows, int dgrams,
		       struct round *r)
{
	struct order o = { f->af, port, flows, dgrams };

	assert_int_equal(write(to_client[1], &o, sizeof(o)), sizeof(o));
	r->sending = true;
	drain_socks(f, socks, watched, port, r);
}

static void run_round(const struct family *f, int *socks, uint16_t port,
		      const bool *watched, struct round *r)
{
	memset(r, 0, sizeof(*r));
	send_round(f, socks, port, watched, FLOWS_PER_CPU, DGRAMS_PER_FLOW, r);
}

static void print_round(const char *what, const struct round *r)
{
	int slot;

	printf("# %s: %d sent, %d received, %d by the hashed slot (%.1f%%), "
	       "%d on the sending CPU's;",
	       what, r->sent, r->total, r->as_hashed,
	       r->total ? 100.0 * r->as_hashed / r->total : 0.0,
	       r->on_arrival_cpu);
	for (slot = 0; slot < nr_cpus; slot++)
		printf(" %d", r->got[slot]);
	printf("\n");
}

static void family_register(struct family *f, int cpu)
{
	f->socks[cpu] = udp_socket(f->af, f->addr, f->port);
	assert_int_equal(env_register(f->group, cpu, false, f->socks[cpu],
				      &f->conns[cpu]),
			 0);
}

/* A new worker in slot 1, after a test emptied it. */
static void refill_slot_1(struct family *f)
{
	family_register(f, 1);
	env_wait_active(f->group, nr_cpus);
}

/* The tests that empty slot 1 keep slot 0 serving. */
static void need_two_cpus(void)
{
	if (nr_cpus < 2) {
		print_message("needs a second CPU\n");
		skip();
	}
}

static int family_setup(struct family *f)
{
	char cmd[128], out[4096];
	int cpu;

	snprintf(cmd, sizeof(cmd),
		 "group add %s --listen %s%s%s:%u --proto udp", f->group,
		 f->af == AF_INET6 ? "[" : "", f->addr,
		 f->af == AF_INET6 ? "]" : "", f->port);
	if (env_steerctl(cmd, out, sizeof(out))) {
		printf("# %s", out);
		return -1;
	}
	for (cpu = 0; cpu < nr_cpus; cpu++) {
		f->socks[cpu] = udp_socket(f->af, f->addr, f->port);
		if (env_register(f->group, cpu, false, f->socks[cpu],
				 &f->conns[cpu]))
			return -1;
	}
	return 0;
}

static int setup(void **state)
{
	int err = env_setup();
	char c;

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
	if (family_setup(&v4) || family_setup(&v6) ||
	    env_cpu_tables(&tables, &nr_tables))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	if (echo_pid > 0) { /* a test failed with it running */
		kill(echo_pid, SIGTERM);
		waitpid(echo_pid, NULL, 0);
	}
	if (client > 0) {
		close(to_client[1]);
		kill(client, SIGKILL);
		waitpid(client, NULL, 0);
	}
	env_client_stop(client_ns);
	env_teardown();
	return 0;
}

/* The group's reuseport counters: datagrams chosen locally and not. */
static void print_selects(const char *group)
{
	json_t *reply = NULL, *g;
	size_t i;

	assert_int_equal(env_call(proto_request("stats"), -1, &reply, NULL), 0);
	json_array_foreach(
		json_object_get(reply, "groups"), i,
		g) if (!strcmp(json_string_value(json_object_get(g, "name")) ?:
									       "",
			       group))
		printf("# %s: reuseport select_local %lld, "
		       "select_fallback %lld\n",
		       group,
		       json_integer_value(json_object_get(g, "select_local")),
		       json_integer_value(
			       json_object_get(g, "select_fallback")));
	json_decref(reply);
}

static void test_local(void **state)
{
	struct family *f = *state;
	bool all[MAX_CPUS] = { [0 ... MAX_CPUS - 1] = true };
	int plain[MAX_CPUS], cpu;
	struct round r, base;

	env_check();
	run_round(f, f->socks, f->port, all, &r);
	print_round(f->af == AF_INET ? "udp group, IPv4" : "udp group, IPv6",
		    &r);
	print_selects(f->group);
	assert_int_equal(r.sent, nr_cpus * FLOWS_PER_CPU * DGRAMS_PER_FLOW);
	assert_int_equal(r.total, r.sent);
	assert_true(r.as_hashed * 100 >= r.total * 99);

	for (cpu = 0; cpu < nr_cpus; cpu++)
		plain[cpu] = udp_socket(f->af, f->addr, PORT_PLAIN);
	run_round(f, plain, PORT_PLAIN, all, &base);
	print_round("plain SO_REUSEPORT (baseline)", &base);
	for (cpu = 0; cpu < nr_cpus; cpu++)
		close(plain[cpu]);
	assert_int_equal(base.total, base.sent);
}

/*
 * A worker dies with datagrams queued: those are lost, and only those;
 * its flows then go to a live slot until a new worker registers.
 */
static void test_close_loses_queue(void **state)
{
	struct family *f = *state;
	bool read_but_1[MAX_CPUS] = { [0 ... MAX_CPUS - 1] = true };
	bool all[MAX_CPUS] = { [0 ... MAX_CPUS - 1] = true };
	struct round r;
	int queued;

	env_check();
	need_two_cpus();
	read_but_1[1] = false;
	run_round(f, f->socks, f->port, read_but_1, &r);
	queued = r.sent - r.total; /* slot 1's, unread */
	printf("# slot 1's worker killed with %d datagram(s) queued\n", queued);
	close(f->socks[1]);
	close(f->conns[1]);
	env_wait_active(f->group, nr_cpus - 1);
	assert_true(queued > 0);

	all[1] = false;
	run_round(f, f->socks, f->port, all, &r);
	print_round("slot 1 closed", &r);
	assert_int_equal(r.total, r.sent); /* none lost but the queue */

	refill_slot_1(f);
}

/* Datagrams a socket dropped because its receive queue was full. */
static uint32_t socket_drops(int fd)
{
	uint32_t mem[SK_MEMINFO_VARS] = { 0 };
	socklen_t len = sizeof(mem);

	assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mem, &len), 0);
	return mem[SK_MEMINFO_DROPS];
}

/* Datagrams the reuseport program gave the socket of a slot so far. */
static uint64_t selected_local(const struct family *f, int slot)
{
	json_t *g = env_group_show(f->group);
	struct steer_slot_stats st = { 0 };
	uint32_t id = json_integer_value(json_object_get(g, "id"));
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/" STEER_MAP_SLOT_STATS, env_pin_dir());
	fd = bpf_obj_get(path);
	assert_true(fd >= 0);
	assert_int_equal(steer_counters_read(fd, STEER_SLOT_INDEX(id, slot),
					     &st, sizeof(st)),
			 0);
	close(fd);
	json_decref(g);
	return st.select_local;
}

/*
 * A worker stalls then is killed while its flows come in: what its socket
 * held is lost, counted as the datagrams its slot was given and it did
 * not read, and nothing else (but what a busy host's full queues of the
 * other workers dropped, counted by their sockets).
 */
static void test_kill_under_load(void **state)
{
	struct family *f = *state;
	bool all[MAX_CPUS] = { [0 ... MAX_CPUS - 1] = true };
	struct round r = { 0 };
	int lost, queued, dropped = 0, slot;
	uint32_t drops[MAX_CPUS];
	uint64_t before;

	env_check();
	need_two_cpus();
	before = selected_local(f, 1);
	for (slot = 0; slot < nr_cpus; slot++)
		drops[slot] = socket_drops(f->socks[slot]);
	r.kill_slot = 1;
	r.kill_after = LOAD_FLOWS * LOAD_DGRAMS / 8;
	send_round(f, f->socks, f->port, all, LOAD_FLOWS, LOAD_DGRAMS, &r);
	close(f->conns[1]);
	/* Given to slot 1 and never read: held, or dropped on a full queue. */
	queued = (int)(selected_local(f, 1) - before) - r.got[1];
	/* The other workers read on a busy host: their full queues drop. */
	for (slot = 0; slot < nr_cpus; slot++)
		if (slot != 1)
			dropped += socket_drops(f->socks[slot]) - drops[slot];
	lost = r.sent - r.total;
	print_round("slot 1 killed under load", &r);
	printf("# %d lost: %d were slot 1's when it closed, %d dropped by "
	       "full queues of the others\n",
	       lost, queued, dropped);
	assert_int_equal(f->socks[1], -1); /* it was killed mid-round */
	assert_true(r.got[1] >= r.kill_after);
	assert_int_equal(lost, queued + dropped);

	env_wait_active(f->group, nr_cpus - 1);
	refill_slot_1(f);
}

/* The next event on a registration's connection, within a second. */
static char *next_event(int conn)
{
	struct pollfd p = { conn, POLLIN, 0 };
	json_t *m = NULL;
	char *event;

	if (poll(&p, 1, 1000) != 1 || proto_recv(conn, &m, NULL))
		return NULL;
	event = strdup(json_string_value(json_object_get(m, "event")) ?: "");
	json_decref(m);
	return event;
}

/*
 * A drained slot: "drain" at once, "drained" only once its queue is read,
 * and no new datagram after that.
 */
static void test_drain(void **state)
{
	struct family *f = *state;
	bool read_but_1[MAX_CPUS] = { [0 ... MAX_CPUS - 1] = true };
	bool all[MAX_CPUS] = { [0 ... MAX_CPUS - 1] = true };
	json_t *req = proto_request("drain");
	char *event;
	struct round r;

	env_check();
	need_two_cpus();
	read_but_1[1] = false;
	run_round(f, f->socks, f->port, read_but_1, &r);
	assert_true(r.sent > r.total); /* slot 1 holds some */

	json_object_set_new(req, "group", json_string(f->group));
	json_object_set_new(req, "slot", json_integer(1));
	assert_int_equal(env_call(req, -1, NULL, NULL), 0);
	event = next_event(f->conns[1]);
	assert_string_equal(event ?: "(none)", "drain");
	free(event);
	/* Still queued: not drained yet. */
	assert_null(next_event(f->conns[1]));

	/* The worker reads its queue; then steerd says "drained". */
	memset(&r, 0, sizeof(r));
	drain_socks(f, f->socks, all, f->port, &r);
	assert_true(r.got[1] > 0);
	event = next_event(f->conns[1]);
	assert_string_equal(event ?: "(none)", "drained");
	free(event);

	run_round(f, f->socks, f->port, all, &r);
	print_round("slot 1 drained", &r);
	assert_int_equal(r.total, r.sent);
	assert_int_equal(r.got[1], 0);

	close(f->socks[1]);
	close(f->conns[1]);
	refill_slot_1(f);
}

/* A UDP group takes bound UDP sockets of its own, each once. */
static void test_register_checks(void **state)
{
	struct sockaddr_in in = { .sin_family = AF_INET };
	char err[256];
	json_t *req;
	int fd, tcp;

	env_check();
	/* Not a UDP socket. */
	tcp = env_tcp_listener(ENV_SRV_ADDR, PORT_V4, true, true);
	assert_int_equal(env_register(v4.group, 0, true, tcp, NULL),
			 -EPROTOTYPE);
	close(tcp);
	/* A UDP socket into a TCP group. */
	env_group_add("web", ENV_SRV_ADDR, 5400);
	fd = udp_socket(AF_INET, ENV_SRV_ADDR, 5400);
	assert_int_equal(env_register("web", 0, false, fd, NULL), -EPROTOTYPE);
	close(fd);
	/* Another port. */
	fd = udp_socket(AF_INET, ENV_SRV_ADDR, PORT_V4 + 1);
	assert_int_equal(env_register(v4.group, 0, true, fd, NULL), -EINVAL);
	close(fd);
	/* No SO_REUSEPORT. */
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	in.sin_port = htons(PORT_V4 + 2);
	inet_pton(AF_INET, ENV_SRV_ADDR, &in.sin_addr);
	assert_int_equal(bind(fd, (struct sockaddr *)&in, sizeof(in)), 0);
	req = proto_request("register");
	json_object_set_new(req, "group", json_string(v4.group));
	json_object_set_new(req, "cpu", json_integer(0));
	json_object_set_new(req, "standby", json_true());
	assert_int_equal(env_call_err(req, fd, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "SO_REUSEPORT"));
	close(fd);
	/* Registered already. */
	assert_int_equal(env_register(v4.group, 0, true, v4.socks[0], NULL),
			 -EEXIST);
}

/* udp_echo on group, on the test's steerd: one worker per CPU. */
static pid_t echo_start(const char *group)
{
	cpu_set_t all;
	int cpu;
	const char *build = getenv("STEER_BUILD");
	char path[256];
	pid_t pid;

	snprintf(path, sizeof(path), "%s/examples/udp_echo",
		 build ? build : "build");
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* A worker per CPU: not only those a test pinned itself to. */
		CPU_ZERO(&all);
		for (cpu = 0; cpu < nr_cpus; cpu++)
			CPU_SET(cpu, &all);
		sched_setaffinity(0, sizeof(all), &all);
		execl(path, "udp_echo", group, env_sock_path, (char *)NULL);
		_exit(127);
	}
	echo_pid = pid;
	return pid;
}

/* Stops udp_echo: its workers end, it exits 0. */
static void echo_stop(pid_t pid)
{
	int status;

	kill(pid, SIGTERM);
	echo_pid = -1;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/*
 * The example: a datagram sent on a CPU (over lo, processed there) is
 * answered by that CPU's worker, whose socket saw it on that CPU; SIGTERM
 * ends the workers, exit status 0.
 */
static void test_udp_echo(void **state)
{
	struct sockaddr_in srv = { .sin_family = AF_INET,
				   .sin_port = htons(ECHO_PORT) };
	struct timeval tv = { .tv_sec = 2 };
	int cpu, fd, worker, incoming;
	char got[128], payload[8];
	ssize_t n;
	pid_t pid;

	env_check();
	inet_pton(AF_INET, ENV_SERVER_V4, &srv.sin_addr);
	assert_int_equal(env_steerctl("group add " ECHO_GROUP
				      " --listen " ENV_SERVER_V4 ":"
				      "5320 "
				      "--proto udp",
				      got, sizeof(got)),
			 0);
	pid = echo_start(ECHO_GROUP);
	env_wait_active(ECHO_GROUP, nr_cpus);
	for (cpu = 0; cpu < nr_cpus; cpu++) {
		pin_cpu(cpu);
		fd = socket(AF_INET, SOCK_DGRAM, 0);
		assert_true(fd >= 0);
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		assert_int_equal(sendto(fd, "ping", 4, 0,
					(struct sockaddr *)&srv, sizeof(srv)),
				 4);
		n = recv(fd, got, sizeof(got) - 1, 0);
		assert_true(n > 0);
		got[n] = '\0';
		printf("# sent on cpu %d: %.*s\n", cpu, (int)strcspn(got, "\n"),
		       got);
		assert_int_equal(
			sscanf(got, "cpu=%d incoming_cpu=%d pid=%*d gen=0\n%4s",
			       &worker, &incoming, payload),
			3);
		assert_int_equal(worker, cpu);
		assert_string_equal(payload, "ping");
		/* The kernel keeps no incoming CPU for unconnected UDP. */
		assert_true(incoming == cpu || incoming == -1);
		close(fd);
	}
	echo_stop(pid);
}

static int group_del(const char *name)
{
	json_t *req = proto_request("group_del");

	json_object_set_new(req, "name", json_string(name));
	return env_call(req, -1, NULL, NULL);
}

/*
 * loadgen --udp from the client namespace against udp_echo over the
 * veth: every datagram answered, by the worker of the CPU that sent it
 * (where the veth delivers it and cpu steering keeps it).
 */
static void test_loadgen_udp(void **state)
{
	const char *build = getenv("STEER_BUILD");
	char path[256], out[128], text[256];
	long long attempted, ok, local;
	json_error_t jerr;
	pid_t echo, load;
	int status, fd;
	json_t *r;

	env_check();
	assert_int_equal(env_steerctl("group add load --listen " ENV_SRV_ADDR
				      ":" LOAD_PORT " --proto udp",
				      text, sizeof(text)),
			 0);
	echo = echo_start("load");
	env_wait_active("load", nr_cpus);
	snprintf(path, sizeof(path), "%s/tools/loadgen",
		 build ? build : "build");
	snprintf(out, sizeof(out), "/tmp/steer-udp-%d.json", getpid());
	load = fork();
	assert_true(load >= 0);
	if (load == 0) {
		if (netns_enter(client_ns))
			_exit(127);
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
			_exit(127);
		execl(path, "loadgen", "--target", ENV_SRV_ADDR ":" LOAD_PORT,
		      "--udp", "--connections", "1024", "--concurrency", "16",
		      "--json", (char *)NULL);
		_exit(127);
	}
	assert_int_equal(waitpid(load, &status, 0), load);
	echo_stop(echo);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	r = json_load_file(out, 0, &jerr);
	unlink(out);
	if (!r)
		fail_msg("loadgen output: %s", jerr.text);
	attempted = json_integer_value(json_object_get(r, "attempted"));
	ok = json_integer_value(json_object_get(r, "ok"));
	local = json_integer_value(json_object_get(r, "local"));
	printf("# loadgen --udp: %lld sent, %lld answered, %lld timed out, "
	       "%lld on the sending CPU (%.2f%%)\n",
	       attempted, ok, json_integer_value(json_object_get(r, "timeout")),
	       local, json_real_value(json_object_get(r, "locality_pct")));
	assert_int_equal(attempted, 1024);
	assert_true(ok * 100 >= attempted * 99);
	assert_true(local * 100 >= ok * 99);
	json_decref(r);
}

/* The next libsteer event within a second; -ETIMEDOUT if none. */
static int wait_event(struct libsteer_listener *l)
{
	struct pollfd p = { libsteer_listener__event_fd(l), POLLIN, 0 };

	if (poll(&p, 1, 1000) != 1)
		return -ETIMEDOUT;
	return libsteer_listener__next_event(l);
}

/*
 * libsteer's UDP socket: bound to the group's address, not listening; it
 * survives a steerd restart (registered again: steerd restored it as a
 * UDP socket), drains, and its close is noticed while draining (the group
 * can be deleted), which for UDP only sock_diag can tell.
 */
static void test_libsteer_udp(void **state)
{
	struct libsteer_listen_opts o = { .sz = sizeof(o),
					  .socket_path = env_sock_path,
					  .udp = true };
	struct sockaddr_in srv = { .sin_family = AF_INET,
				   .sin_port = htons(BACK_PORT) };
	int type, ev = -ETIMEDOUT, fd, err = -EBUSY;
	struct libsteer_listener *l;
	socklen_t len = sizeof(type);
	char c, out[256];
	uint64_t start;

	env_check();
	inet_pton(AF_INET, ENV_SERVER_V4, &srv.sin_addr);
	assert_int_equal(env_steerctl("group add back --listen " ENV_SERVER_V4
				      ":" BACK_PORT_TEXT " --proto udp",
				      out, sizeof(out)),
			 0);
	l = libsteer_listener__open("back", 0, &o);
	assert_non_null(l);
	assert_int_equal(getsockopt(libsteer_listener__fd(l), SOL_SOCKET,
				    SO_TYPE, &type, &len),
			 0);
	assert_int_equal(type, SOCK_DGRAM);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_int_equal(
		sendto(fd, "x", 1, 0, (struct sockaddr *)&srv, sizeof(srv)), 1);
	close(fd);
	usleep(10000);
	assert_int_equal(recv(libsteer_listener__fd(l), &c, 1, 0), 1);

	env_stop_steerd(SIGTERM);
	assert_int_equal(env_start_steerd(), 0);
	start = clock_now_ms();
	while ((ev == -ETIMEDOUT || ev == LIBSTEER_EVENT_NONE) &&
	       clock_now_ms() - start < 10000)
		ev = wait_event(l);
	assert_int_equal(ev, LIBSTEER_EVENT_RECONNECTED);
	assert_int_equal(env_active_count("back"), 1);

	assert_int_equal(libsteer_listener__drain(l, 1000), 0);
	assert_int_equal(wait_event(l), LIBSTEER_EVENT_DRAIN);
	assert_int_equal(wait_event(l), LIBSTEER_EVENT_DRAINED);
	/* Past a reconcile, the open draining socket still holds the group. */
	usleep(1200 * 1000);
	assert_int_equal(group_del("back"), -EBUSY);
	libsteer_listener__close(l);
	/* Its close frees it. */
	start = clock_now_ms();
	while (err == -EBUSY && clock_now_ms() - start < 3000) {
		err = group_del("back");
		if (err == -EBUSY)
			usleep(50000);
	}
	assert_int_equal(err, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_register_checks),
		cmocka_unit_test_prestate(test_local, &v4),
		cmocka_unit_test_prestate(test_local, &v6),
		cmocka_unit_test_prestate(test_close_loses_queue, &v4),
		cmocka_unit_test_prestate(test_close_loses_queue, &v6),
		cmocka_unit_test_prestate(test_kill_under_load, &v4),
		cmocka_unit_test_prestate(test_kill_under_load, &v6),
		cmocka_unit_test_prestate(test_drain, &v4),
		cmocka_unit_test_prestate(test_drain, &v6),
		cmocka_unit_test(test_udp_echo),
		cmocka_unit_test(test_loadgen_udp),
		cmocka_unit_test(test_libsteer_udp),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
