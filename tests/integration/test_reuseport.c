// SPDX-License-Identifier: GPL-2.0-only
/*
 * The reuseport and lifecycle programs with real listeners in a private
 * network namespace: SYNs are accepted by the listener of the CPU that
 * processed them, fall back to a live slot, never reach a listener taken
 * out of selection, reach the standby when the active leaves, migrate to the
 * standby (or, without one, to another slot) when the active closes with a
 * full accept queue, and a closing listener is reported through the ring
 * buffer within milliseconds. Each choice is counted exactly, per group and
 * per slot.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dataplane/counters.h"
#include "dataplane/bpf_log.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "dataplane/maps.h"
#include "host/sysctl.h"
#include "tests/lib/network_helpers.h"
#include "xdp/steer_lifecycle.skel.h"
#include "xdp/steer_reuseport.skel.h"

#define SERVER_V4 "198.18.0.1"
#define SERVER_V6 "2001:db8::1"
#define CONNS_PER_CPU 8
#define MAX_TEST_CPUS 8
#define EVENT_WAIT_MS 1000

static struct steer_lifecycle *lifecycle;
static struct steer_sock_maps sock_maps;
/* The counter maps every group's program instance shares, as in steerd. */
static int group_stats_fd = -1;
static int slot_stats_fd = -1;
static int nr_cpus;
static int setup_err;
static uint16_t next_port = 20000;
static uint16_t next_group;

/* One group's program instance, as steerd loads one per group. */
struct group {
	uint16_t id;
	struct steer_reuseport *skel;
	int prog_fd;
	int af;
	uint16_t port;
};

/* Addresses on lo, and migration on: the namespace's, not the host's. */
static int netns_setup(void)
{
	int err = netns_enter_new(NETNS_SHARED_MOUNTS);

	if (!err)
		err = link_addr_add(NETNS_CURRENT, "lo", SERVER_V4 "/32");
	if (!err)
		err = link_addr_add(NETNS_CURRENT, "lo", SERVER_V6 "/128");
	if (!err)
		err = sysctl_write_int("net/ipv4/tcp_migrate_req", 1);
	return err;
}

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

static socklen_t sockaddr_of(int af, uint16_t port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (af == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		inet_pton(AF_INET, SERVER_V4, &in->sin_addr);
		return sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		inet_pton(AF_INET6, SERVER_V6, &in6->sin6_addr);
		return sizeof(*in6);
	}
}

/*
 * A counter map the first group's object creates and the next ones reuse:
 * before load, reuse *fd if there is one; after, keep the first one's.
 */
static void share_map(struct bpf_map *map, int *fd, bool loaded)
{
	if (!loaded && *fd >= 0)
		assert_int_equal(bpf_map__reuse_fd(map, *fd), 0);
	if (loaded && *fd < 0) {
		*fd = dup(bpf_map__fd(map));
		assert_true(*fd >= 0);
	}
}

static void group_open(struct group *g, int af)
{
	struct bpf_map *map;
	int err;

	memset(g, 0, sizeof(*g));
	g->id = next_group++;
	g->af = af;
	g->port = next_port++;
	g->skel = steer_reuseport__open();
	assert_non_null(g->skel);
	g->skel->rodata->group_id = g->id;
	/* Share the lifecycle object's maps, as steerd does through pins. */
	bpf_object__for_each_map(map, g->skel->obj) {
		struct bpf_map *owner;

		if (bpf_map__is_internal(map))
			continue;
		owner = bpf_object__find_map_by_name(lifecycle->obj,
						     bpf_map__name(map));
		if (!owner &&
		    (!strcmp(bpf_map__name(map), STEER_MAP_GROUP_STATS) ||
		     !strcmp(bpf_map__name(map), STEER_MAP_SLOT_STATS)))
			continue;
		assert_non_null(owner);
		assert_int_equal(bpf_map__reuse_fd(map, bpf_map__fd(owner)), 0);
	}
	share_map(g->skel->maps.steer_group_stats, &group_stats_fd, false);
	share_map(g->skel->maps.steer_slot_stats, &slot_stats_fd, false);
	err = steer_reuseport__load(g->skel);
	assert_int_equal(err, 0);
	share_map(g->skel->maps.steer_group_stats, &group_stats_fd, true);
	share_map(g->skel->maps.steer_slot_stats, &slot_stats_fd, true);
	g->prog_fd = bpf_program__fd(g->skel->progs.steer_reuseport);
}

static void group_close(struct group *g)
{
	struct steer_live empty = { 0 };

	steer_maps__set_live(&sock_maps, g->id, &empty);
	steer_reuseport__destroy(g->skel);
}

/* A listener of the group, with the group's program attached. */
static int listener(struct group *g)
{
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_of(g->af, g->port, &ss);
	int one = 1, fd;

	fd = socket(g->af, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(
		setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)), 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&ss, len), 0);
	assert_int_equal(listen(fd, 128), 0);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_EBPF,
				    &g->prog_fd, sizeof(g->prog_fd)),
			 0);
	return fd;
}

static uint64_t add(struct group *g, int fd, int slot, int bank)
{
	uint64_t cookie;

	assert_int_equal(steer_maps__add_listener(&sock_maps, fd, g->id, slot,
						  bank, getpid(), &cookie),
			 0);
	return cookie;
}

/* Every slot in 0..n-1 live, bank 0 primary. */
static void set_live(struct group *g, int n)
{
	struct steer_live live = { .count = n };
	int i;

	for (i = 0; i < n; i++)
		live.slots[i] = i;
	assert_int_equal(steer_maps__set_live(&sock_maps, g->id, &live), 0);
}

/* Connects from cpu; the handshake completes on loopback on that CPU. */
static int connect_from(struct group *g, int cpu)
{
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_of(g->af, g->port, &ss);
	int fd;

	assert_int_equal(pin(cpu), 0);
	fd = socket(g->af, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&ss, len), 0);
	return fd;
}

/* Accepts everything queued on a listener; returns how many. */
static int drain_queue(int fd)
{
	int n = 0, c;

	while ((c = accept4(fd, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
		close(c);
		n++;
	}
	assert_int_equal(errno, EAGAIN);
	return n;
}

static struct steer_group_stats stats(struct group *g)
{
	struct steer_group_stats s;

	assert_int_equal(
		steer_counters_read(group_stats_fd, g->id, &s, sizeof(s)), 0);
	return s;
}

static struct steer_slot_stats slot_stats(struct group *g, int slot)
{
	struct steer_slot_stats s;

	assert_int_equal(steer_counters_read(slot_stats_fd,
					     STEER_SLOT_INDEX(g->id, slot), &s,
					     sizeof(s)),
			 0);
	return s;
}

#define SLOT_FIELD_(name, ...) " " #name " %llu"
#define SLOT_VALUE_(name, ...) , (unsigned long long)s->name
static void print_slot_stats(const char *who, int slot,
			     const struct steer_slot_stats *s)
{
	printf("# %s slot %d:" STEER_SLOT_COUNTERS(SLOT_FIELD_) "\n", who,
	       slot STEER_SLOT_COUNTERS(SLOT_VALUE_));
}
#undef SLOT_FIELD_
#undef SLOT_VALUE_

/*
 * A slot's counters are exactly want: each test uses a new group id, whose
 * counters start at zero, so every counter the test did not expect to move
 * is checked to be zero too.
 */
static void assert_slot(struct group *g, int slot,
			const struct steer_slot_stats *want)
{
	struct steer_slot_stats got = slot_stats(g, slot);

	if (memcmp(&got, want, sizeof(got))) {
		print_slot_stats("got ", slot, &got);
		print_slot_stats("want", slot, want);
		fail();
	}
}

static void connect_many(struct group *g, int cpu, int n, int *clients)
{
	int i;

	for (i = 0; i < n; i++)
		clients[i] = connect_from(g, cpu);
}

static void close_all(int *fds, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

static void check_setup(void)
{
	if (setup_err == -EPERM) {
		print_message("needs root (CAP_BPF, CAP_NET_ADMIN)\n");
		skip();
	}
	assert_int_equal(setup_err, 0);
}

static int cpus_for_test(void)
{
	return nr_cpus < MAX_TEST_CPUS ? nr_cpus : MAX_TEST_CPUS;
}

static void each_cpu_accepts_its_own(int af)
{
	int n = cpus_for_test(), fds[MAX_TEST_CPUS];
	int clients[CONNS_PER_CPU];
	struct steer_group_stats before, after;
	struct group g;
	int cpu, slot;

	group_open(&g, af);
	for (slot = 0; slot < n; slot++) {
		fds[slot] = listener(&g);
		add(&g, fds[slot], slot, 0);
	}
	set_live(&g, n);
	before = stats(&g);
	for (cpu = 0; cpu < n; cpu++) {
		connect_many(&g, cpu, CONNS_PER_CPU, clients);
		for (slot = 0; slot < n; slot++)
			assert_int_equal(drain_queue(fds[slot]),
					 slot == cpu ? CONNS_PER_CPU : 0);
		close_all(clients, CONNS_PER_CPU);
	}
	after = stats(&g);
	assert_int_equal(after.select_local - before.select_local,
			 n * CONNS_PER_CPU);
	assert_int_equal(after.select_fallback - before.select_fallback, 0);
	assert_int_equal(after.select_none - before.select_none, 0);
	for (slot = 0; slot < n; slot++)
		assert_slot(&g, slot,
			    &(struct steer_slot_stats){
				    .select_local = CONNS_PER_CPU });
	close_all(fds, n);
	group_close(&g);
}

static void test_local_v4(void **state)
{
	check_setup();
	each_cpu_accepts_its_own(AF_INET);
}

static void test_local_v6(void **state)
{
	check_setup();
	each_cpu_accepts_its_own(AF_INET6);
}

/*
 * A slot taken out of selection (draining, or empty) gets nothing: its
 * CPU's SYNs go to a live slot.
 */
static void test_unselected_slot_gets_nothing(void **state)
{
	int clients[CONNS_PER_CPU], fds[2];
	struct steer_group_stats before, after;
	struct group g;

	check_setup();
	if (nr_cpus < 2) {
		print_message("needs a second CPU\n");
		skip();
	}
	group_open(&g, AF_INET);
	fds[0] = listener(&g);
	fds[1] = listener(&g);
	add(&g, fds[0], 0, 0);
	add(&g, fds[1], 1, 0);
	set_live(&g, 2);
	assert_int_equal(steer_maps__unselect(&sock_maps, g.id, 1, 0), 0);

	before = stats(&g);
	connect_many(&g, 1, CONNS_PER_CPU, clients);
	assert_int_equal(drain_queue(fds[0]), CONNS_PER_CPU);
	assert_int_equal(drain_queue(fds[1]), 0);
	after = stats(&g);
	assert_int_equal(after.select_fallback - before.select_fallback,
			 CONNS_PER_CPU);
	assert_int_equal(after.select_local - before.select_local, 0);
	/* Counted against the slot of the SYNs' CPU, which did not get them. */
	assert_slot(&g, 0, &(struct steer_slot_stats){ 0 });
	assert_slot(&g, 1,
		    &(struct steer_slot_stats){ .select_fallback =
							CONNS_PER_CPU });
	close_all(clients, CONNS_PER_CPU);
	close_all(fds, 2);
	group_close(&g);
}

/* The standby waits while the active lives, and takes over when it leaves. */
static void test_standby_takes_over(void **state)
{
	int clients[CONNS_PER_CPU], active, standby;
	struct steer_group_stats before, after;
	struct group g;

	check_setup();
	group_open(&g, AF_INET6);
	active = listener(&g);
	standby = listener(&g);
	add(&g, active, 0, 0);
	add(&g, standby, 0, 1);
	set_live(&g, 1);

	connect_many(&g, 0, CONNS_PER_CPU, clients);
	assert_int_equal(drain_queue(active), CONNS_PER_CPU);
	assert_int_equal(drain_queue(standby), 0);
	close_all(clients, CONNS_PER_CPU);

	/* Drain begins: the active leaves selection but stays open. */
	assert_int_equal(steer_maps__unselect(&sock_maps, g.id, 0, 0), 0);
	before = stats(&g);
	connect_many(&g, 0, CONNS_PER_CPU, clients);
	assert_int_equal(drain_queue(active), 0);
	assert_int_equal(drain_queue(standby), CONNS_PER_CPU);
	after = stats(&g);
	assert_int_equal(after.select_local - before.select_local,
			 CONNS_PER_CPU);
	/* Its own slot's listener, active or standby: local both times. */
	assert_slot(&g, 0,
		    &(struct steer_slot_stats){ .select_local =
							2 * CONNS_PER_CPU });
	close_all(clients, CONNS_PER_CPU);
	close(active);
	close(standby);
	group_close(&g);
}

/*
 * An active listener closed with connections in its accept queue: they
 * migrate to the standby of its slot, none is reset.
 */
static void migrate_to_standby(int af)
{
	int clients[CONNS_PER_CPU], active, standby, i;
	struct steer_group_stats before, after;
	struct group g;
	char c;

	group_open(&g, af);
	active = listener(&g);
	standby = listener(&g);
	add(&g, active, 0, 0);
	add(&g, standby, 0, 1);
	set_live(&g, 1);
	connect_many(&g, 0, CONNS_PER_CPU, clients);

	before = stats(&g);
	close(active);
	assert_int_equal(drain_queue(standby), CONNS_PER_CPU);
	after = stats(&g);
	assert_int_equal(after.migrate_standby - before.migrate_standby,
			 CONNS_PER_CPU);
	assert_int_equal(after.migrate_other - before.migrate_other, 0);
	assert_int_equal(after.migrate_none - before.migrate_none, 0);
	assert_slot(&g, 0,
		    &(struct steer_slot_stats){ .select_local = CONNS_PER_CPU,
						.migrate_standby =
							CONNS_PER_CPU });
	/*
	 * No client was reset: each sees the orderly close of the server
	 * side that accepted it, where a reset would be ECONNRESET.
	 */
	for (i = 0; i < CONNS_PER_CPU; i++)
		assert_int_equal(read(clients[i], &c, 1), 0);
	close_all(clients, CONNS_PER_CPU);
	close(standby);
	group_close(&g);
}

static void test_migrate_v4(void **state)
{
	check_setup();
	migrate_to_standby(AF_INET);
}

static void test_migrate_v6(void **state)
{
	check_setup();
	migrate_to_standby(AF_INET6);
}

/*
 * Without a standby, the queue of a closing active listener migrates to
 * another live slot, counted against the closing listener's slot.
 */
static void test_migrate_to_other_slot(void **state)
{
	int clients[CONNS_PER_CPU], closing, other, i;
	struct group g;
	char c;

	check_setup();
	group_open(&g, AF_INET);
	closing = listener(&g);
	other = listener(&g);
	add(&g, closing, 0, 0);
	add(&g, other, 1, 0);
	set_live(&g, 2);
	connect_many(&g, 0, CONNS_PER_CPU, clients);

	close(closing);
	assert_int_equal(drain_queue(other), CONNS_PER_CPU);
	assert_slot(&g, 0,
		    &(struct steer_slot_stats){ .select_local = CONNS_PER_CPU,
						.migrate_other =
							CONNS_PER_CPU });
	assert_slot(&g, 1, &(struct steer_slot_stats){ 0 });
	for (i = 0; i < CONNS_PER_CPU; i++)
		assert_int_equal(read(clients[i], &c, 1), 0);
	close_all(clients, CONNS_PER_CPU);
	close(other);
	group_close(&g);
}

/* No live listener in the group: the kernel's choice, counted as such. */
static void test_no_live_listener(void **state)
{
	int clients[CONNS_PER_CPU], fd;
	struct group g;

	check_setup();
	group_open(&g, AF_INET6);
	fd = listener(&g); /* attached, but in no slot */
	connect_many(&g, 0, CONNS_PER_CPU, clients);
	assert_int_equal(drain_queue(fd), CONNS_PER_CPU);
	assert_int_equal(stats(&g).select_none, CONNS_PER_CPU);
	assert_slot(&g, 0,
		    &(struct steer_slot_stats){ .select_none = CONNS_PER_CPU });
	close_all(clients, CONNS_PER_CPU);
	close(fd);
	group_close(&g);
}

struct close_seen {
	uint64_t cookie;
	uint64_t at_ns;
	int events;
};

static int on_event(void *ctx, void *data, size_t size)
{
	const struct steer_event *ev = data;
	struct close_seen *seen = ctx;

	if (size < sizeof(*ev) || ev->type != STEER_EV_LISTENER_CLOSED)
		return 0;
	seen->cookie = ev->cookie;
	seen->at_ns = clock_now_ns();
	seen->events++;
	return 0;
}

/* A closing listener is reported at once, and leaves the socket map. */
static void test_close_is_reported(void **state)
{
	struct close_seen seen = { 0 };
	struct steer_sock_key key = { 0 };
	struct ring_buffer *rb;
	uint64_t cookie, closed_at, value;
	struct group g;
	int fd, other;

	check_setup();
	group_open(&g, AF_INET);
	fd = listener(&g);
	cookie = add(&g, fd, 0, 0);
	other = listener(&g); /* open, but not steer's: no event */
	key.group = g.id;
	rb = ring_buffer__new(sock_maps.events, on_event, &seen, NULL);
	assert_non_null(rb);
	/* Closes of earlier tests' listeners are queued: not this one's. */
	ring_buffer__consume(rb);
	memset(&seen, 0, sizeof(seen));

	close(other);
	closed_at = clock_now_ns();
	close(fd);
	assert_int_equal(bpf_map_lookup_elem(sock_maps.socks, &key, &value),
			 -ENOENT);
	while (seen.events == 0 &&
	       clock_now_ns() - closed_at < EVENT_WAIT_MS * 1000000ULL)
		ring_buffer__poll(rb, EVENT_WAIT_MS);
	assert_int_equal(seen.events, 1);
	assert_true(seen.cookie == cookie);
	printf("# close reported after %.3f ms\n",
	       (seen.at_ns - closed_at) / 1e6);
	/* The design's budget: out of selection within 10 ms. */
	assert_true(seen.at_ns - closed_at < 10 * 1000000ULL);
	steer_maps__forget_listener(&sock_maps, cookie);
	ring_buffer__free(rb);
	group_close(&g);
}

static int setup(void **state)
{
	if (geteuid() != 0) {
		setup_err = -EPERM;
		return 0;
	}
	steer_log_setup_libbpf();
	setup_err = netns_setup();
	if (setup_err)
		return 0;
	nr_cpus = sysconf(_SC_NPROCESSORS_ONLN);
	lifecycle = steer_lifecycle__open_and_load();
	if (!lifecycle) {
		setup_err = -errno;
		return 0;
	}
	setup_err = steer_lifecycle__attach(lifecycle);
	if (!setup_err)
		setup_err = steer_sock_maps__from_object(&sock_maps,
							 lifecycle->obj);
	return 0;
}

static int teardown(void **state)
{
	steer_lifecycle__destroy(lifecycle);
	if (group_stats_fd >= 0)
		close(group_stats_fd);
	if (slot_stats_fd >= 0)
		close(slot_stats_fd);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_local_v4),
		cmocka_unit_test(test_local_v6),
		cmocka_unit_test(test_unselected_slot_gets_nothing),
		cmocka_unit_test(test_standby_takes_over),
		cmocka_unit_test(test_migrate_v4),
		cmocka_unit_test(test_migrate_v6),
		cmocka_unit_test(test_migrate_to_other_slot),
		cmocka_unit_test(test_no_live_listener),
		cmocka_unit_test(test_close_is_reported),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests_name("reuseport", tests, setup, teardown);
}
