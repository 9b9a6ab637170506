// SPDX-License-Identifier: GPL-2.0-only
/*
 * xsk groups end to end: a veth with 4 RX queues, steer attached (native
 * XDP) to the server's end, an xsk group, one xsk_echo worker per queue.
 * The client sends crafted frames from an AF_XDP socket on each TX queue
 * (xsk_sender.h), so each arrives on the same RX queue of the server's
 * end: every SYN sent on queue q is answered (RST) by the worker of queue
 * q and none reaches the stack, whose TCP listener on the group's port
 * would answer SYN-ACK; a stopped worker's queue falls back to the stack
 * (xsk_miss moves, SYN-ACK comes) and a restarted one takes it back;
 * each refusal of xsk_register comes with its message and no state change.
 * Each queue's counters in group_show match what its worker answered, and
 * a steerd killed and restarted lists the queues again while their
 * traffic is still answered.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <cmocka.h>

#include <linux/ip.h>
#include <linux/tcp.h>
#include <xdp/xsk.h>

#include "lib/proto.h"
#include "lib/proto_msg.h"
#include "steerd_env.h"
#include "tests/lib/network_helpers.h"
#include "xsk_sender.h"

#define QUEUES 4
#define GROUP "xq"
#define RP_GROUP "web"
#define PORT 7000
#define UDP_GROUP "xu"
#define UDP_PORT 7002
#define UDP_CLIENT_PORT 30000 /* + queue: the client's socket per queue */
#define DATAGRAMS_PER_QUEUE 50
#define SYNS_PER_QUEUE 25
#define WAIT_US 5000000
/* A closed worker's queue is empty on steerd's next look (10 ms tick). */
#define EMPTY_WITHIN_US 50000
#define OTHER_IF "aux0"
#define OTHER_PEER "aux1"
/* A source no route leads back to: the stack's answers go nowhere. */
#define UNROUTED_ADDR "198.18.9.9"

static int client_ns = -1, server_ns = -1;
static struct xsk_sender *senders[QUEUES]; /* the client's, per TX queue */
static struct frame_flow flow; /* client to the group, port aside */
static int client_tcp = -1; /* raw: every TCP segment the client gets */
static int stack_listener = -1; /* the kernel's, on the group's port */
static uint16_t next_port = 20000;

struct worker {
	pid_t pid;
	int out; /* its stdout */
};
static struct worker workers[QUEUES];

/*
 * One SYN on queue q from a fresh port: 1 when a worker answered it (RST),
 * 0 when the stack did (SYN-ACK), -1 when nothing came within a second.
 */
static int syn_on_queue(int q)
{
	uint8_t frame[128], seg[128];
	const uint8_t *frames[1] = { frame };
	uint16_t len;
	struct frame_flow f = flow;
	struct pollfd p = { .fd = client_tcp, .events = POLLIN };
	uint64_t start = clock_now_us();
	ssize_t n;

	f.sport = next_port++;
	len = frame_syn4(frame, sizeof(frame), &f, 1);
	assert_int_equal(xsk_sender_send(senders[q], frames, &len, 1), 1);
	while (clock_now_us() - start < 1000000) {
		const struct iphdr *ip = (const struct iphdr *)seg;
		const struct tcphdr *tcp;

		if (poll(&p, 1, 100) != 1)
			continue;
		n = recv(client_tcp, seg, sizeof(seg), 0);
		if (n < (ssize_t)(sizeof(*ip) + sizeof(*tcp)))
			continue;
		tcp = (const struct tcphdr *)(seg + ip->ihl * 4);
		if (ntohs(tcp->source) != PORT || ntohs(tcp->dest) != f.sport)
			continue;
		return tcp->rst ? 1 : tcp->syn && tcp->ack ? 0 : -1;
	}
	return -1;
}

/* Reads a line of the worker's output into buf within WAIT_US. */
static bool worker_line(struct worker *w, char *buf, size_t len)
{
	struct pollfd p = { .fd = w->out, .events = POLLIN };
	size_t n = 0;

	while (n + 1 < len && poll(&p, 1, WAIT_US / 1000) == 1) {
		if (read(w->out, buf + n, 1) != 1)
			break;
		if (buf[n++] == '\n')
			break;
	}
	buf[n] = '\0';
	return n > 0;
}

/* Starts xsk_echo for group's queue q; true once it says it is ready. */
static bool worker_start(const char *group, int q)
{
	const char *build = getenv("STEER_BUILD");
	struct worker *w = &workers[q];
	char path[256], queue[16], line[256];
	int p[2];

	snprintf(path, sizeof(path), "%s/examples/xsk_echo",
		 build ? build : "build");
	snprintf(queue, sizeof(queue), "=%d", q);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	w->pid = fork();
	assert_true(w->pid >= 0);
	if (w->pid == 0) {
		dup2(p[1], STDOUT_FILENO);
		execl(path, "xsk_echo", group, ENV_SRV_IF, queue, "--copy",
		      "--socket", env_sock_path, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	w->out = p[0];
	return worker_line(w, line, sizeof(line)) && strstr(line, "ready");
}

/* A worker's statistics line: frames received, echoes, RSTs. */
struct worker_stats {
	long rx, udp, rst;
};

/*
 * Sends queue q's worker sig (SIGUSR1, SIGTERM: it prints its statistics)
 * and reads them; false when none came.
 */
static bool worker_stats(int q, int sig, struct worker_stats *st)
{
	struct worker *w = &workers[q];
	char line[256], *at;

	if (w->pid <= 0 || kill(w->pid, sig) ||
	    !worker_line(w, line, sizeof(line)))
		return false;
	at = strstr(line, " rx ");
	return at && sscanf(at, " rx %ld udp %ld rst %ld", &st->rx, &st->udp,
			    &st->rst) == 3;
}

/* The RSTs queue q's worker counts, on sig; -1 when it did not say. */
static long worker_rst(int q, int sig)
{
	struct worker_stats st;

	return worker_stats(q, sig, &st) ? st.rst : -1;
}

/*
 * Stops queue q's worker with sig; with SIGTERM returns the RSTs its exit
 * statistics count, else -1.
 */
static long worker_stop(int q, int sig)
{
	struct worker *w = &workers[q];
	long rst = -1;

	if (w->pid <= 0)
		return -1;
	if (sig == SIGTERM)
		rst = worker_rst(q, sig);
	else
		kill(w->pid, sig);
	waitpid(w->pid, NULL, 0);
	close(w->out);
	w->pid = -1;
	return rst;
}

/* The state of group's queue q in group_show (a static buffer). */
static const char *queue_state(const char *group, int q)
{
	static char state[16];
	json_t *r = env_group_show(group), *slot;

	slot = json_array_get(json_object_get(r, "slots"), q);
	snprintf(state, sizeof(state), "%s",
		 slot ? json_string_value(json_object_get(slot, "state")) :
			"none");
	json_decref(r);
	return state;
}

/* A counter of group's queue q in group_show (its slot q). */
static uint64_t queue_counter(const char *group, int q, const char *name)
{
	json_t *r = env_group_show(group), *slot;
	uint64_t v;

	slot = json_array_get(json_object_get(r, "slots"), q);
	assert_non_null(slot);
	v = json_integer_value(json_object_get(slot, name));
	json_decref(r);
	return v;
}

/* Each queue's counter name, into v[QUEUES]. */
static void queue_counters(const char *group, const char *name, uint64_t *v)
{
	int q;

	for (q = 0; q < QUEUES; q++)
		v[q] = queue_counter(group, q, name);
}

/* The group's xsk_miss counter (stats). */
static uint64_t xsk_misses(const char *group)
{
	json_t *reply = NULL, *g;
	uint64_t v = 0;
	size_t i;

	assert_int_equal(env_call(proto_pack_stats_req(), -1, &reply, NULL), 0);
	json_array_foreach(json_object_get(reply, "groups"), i, g)
	{
		if (!strcmp(json_string_value(json_object_get(g, "name")),
			    group))
			v = json_integer_value(json_object_get(g, "xsk_miss"));
	}
	json_decref(reply);
	return v;
}

/* An AF_XDP socket bound to ifname's queue, no program loaded. */
struct test_xsk {
	struct xsk_ring_prod fill, tx;
	struct xsk_ring_cons comp, rx;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	void *area;
};
#define TEST_XSK_FRAMES 64
#define TEST_XSK_AREA (TEST_XSK_FRAMES * XSK_UMEM__DEFAULT_FRAME_SIZE)

static void test_xsk_open(struct test_xsk *t, const char *ifname, int q)
{
	const struct xsk_socket_config cfg = {
		.rx_size = 64,
		.tx_size = 64,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = XDP_COPY,
	};
	const struct xsk_umem_config ucfg = {
		.fill_size = 64,
		.comp_size = 64,
		.frame_size = XSK_UMEM__DEFAULT_FRAME_SIZE,
	};
	int err, tries;

	memset(t, 0, sizeof(*t));
	t->area = mmap(NULL, TEST_XSK_AREA, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(t->area != MAP_FAILED);
	assert_int_equal(xsk_umem__create(&t->umem, t->area, TEST_XSK_AREA,
					  &t->fill, &t->comp, &ucfg),
			 0);
	/* A socket closed just before lets go of the queue in deferred work. */
	for (tries = 0; tries < 50; tries++) {
		err = xsk_socket__create(&t->xsk, ifname, q, t->umem, &t->rx,
					 &t->tx, &cfg);
		if (err != -EBUSY)
			break;
		usleep(10000);
	}
	assert_int_equal(err, 0);
}

static void test_xsk_close(struct test_xsk *t)
{
	xsk_socket__delete(t->xsk);
	xsk_umem__delete(t->umem);
	munmap(t->area, TEST_XSK_AREA);
}

/* Both groups' slots, as text, to compare before and after. */
static char *slots_text(void)
{
	json_t *x = env_group_show(GROUP), *r = env_group_show(RP_GROUP);
	json_t *both = json_pack("[O, O]", json_object_get(x, "slots"),
				 json_object_get(r, "slots"));
	char *text = json_dumps(both, JSON_SORT_KEYS);

	json_decref(both);
	json_decref(x);
	json_decref(r);
	return text;
}

/*
 * xsk_register of fd for group/ifname/queue is refused with err and a
 * message containing want, and no group's slots changed.
 */
static void expect_refusal(int fd, const char *group, const char *ifname,
			   int queue, int err, const char *want)
{
	const struct proto_xsk_register_req req = { .group = group,
						    .ifname = ifname,
						    .queue = queue };
	char *before = slots_text(), *after, msg[256] = "";
	json_t *m = proto_pack_xsk_register_req(&req);
	int s = proto_connect(env_sock_path), rc;

	assert_true(s >= 0);
	rc = proto_call(s, m, fd, NULL, msg, sizeof(msg));
	json_decref(m);
	close(s);
	printf("# refused (%s): %s\n", want, msg);
	assert_int_equal(rc, err);
	assert_non_null(strstr(msg, want));
	after = slots_text();
	assert_string_equal(before, after);
	free(before);
	free(after);
}

static int setup(void **state)
{
	char out[1024];
	int err, q;

	err = env_setup();
	if (err)
		return err == -EPERM ? 0 : -1;
	server_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	client_ns = env_client_start(QUEUES);
	if (server_ns < 0 || client_ns < 0)
		return -1;
	/* Native XDP: veth hands it the sender's TX queue as the RX queue. */
	if (env_steerctl("iface detach " ENV_SRV_IF, out, sizeof(out)) ||
	    env_steerctl("iface attach " ENV_SRV_IF " --mode native --steer "
			 "cpu",
			 out, sizeof(out)) ||
	    env_steerctl("group add " GROUP " --listen " ENV_SRV_ADDR
			 ":7000 --kind xsk",
			 out, sizeof(out)) ||
	    env_steerctl("group add " RP_GROUP " --listen " ENV_SRV_ADDR
			 ":7001",
			 out, sizeof(out))) {
		printf("# %s", out);
		return -1;
	}
	/* A second veth, steer not attached: the wrong interface. */
	if (link_add_veth(OTHER_IF, OTHER_PEER, QUEUES, NETNS_CURRENT) ||
	    link_set_up(NETNS_CURRENT, OTHER_IF) ||
	    link_set_up(NETNS_CURRENT, OTHER_PEER))
		return -1;
	stack_listener = env_tcp_listener(ENV_SRV_ADDR, PORT, false, true);
	if (stack_listener < 0)
		return -1;
	inet_pton(AF_INET, ENV_CLI_ADDR, &flow.saddr);
	inet_pton(AF_INET, ENV_SRV_ADDR, &flow.daddr);
	flow.dport = PORT;
	err = link_mac(ENV_SRV_IF, flow.dst_mac);
	/* The client's senders, one per queue, and its eyes. */
	if (err || netns_enter(client_ns))
		return -1;
	err = link_mac(ENV_CLI_IF, flow.src_mac);
	for (q = 0; q < QUEUES && !err; q++) {
		senders[q] = xsk_sender_open(ENV_CLI_IF, q);
		err = senders[q] ? 0 : -errno;
	}
	client_tcp = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_TCP);
	if (netns_enter(server_ns) || err || client_tcp < 0) {
		printf("# the client's AF_XDP senders: %s\n", strerror(-err));
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	int q;

	for (q = 0; q < QUEUES; q++)
		worker_stop(q, SIGKILL);
	for (q = 0; q < QUEUES; q++)
		xsk_sender_close(senders[q]);
	if (client_tcp >= 0)
		close(client_tcp);
	if (stack_listener >= 0)
		close(stack_listener);
	env_client_stop(client_ns);
	if (server_ns >= 0)
		close(server_ns);
	env_teardown();
	return 0;
}

/* Every SYN on queue q is answered by q's worker; none reaches the stack. */
static void test_each_queue_served_by_its_worker(void **state)
{
	uint64_t redirected[QUEUES], misses[QUEUES], syns[QUEUES];
	int q, i, answered[QUEUES] = { 0 };
	char out[4096], pid[16], *line, *next;
	struct worker_stats st;

	env_check();
	for (q = 0; q < QUEUES; q++)
		assert_true(worker_start(GROUP, q));
	for (q = 0; q < QUEUES; q++)
		assert_string_equal(queue_state(GROUP, q), "active");
	queue_counters(GROUP, "xsk_redirected", redirected);
	queue_counters(GROUP, "xsk_miss", misses);
	queue_counters(GROUP, "syns", syns);
	for (i = 0; i < SYNS_PER_QUEUE; i++)
		for (q = 0; q < QUEUES; q++)
			answered[q] += syn_on_queue(q) == 1;
	/* steerctl shows each queue with its worker and what it got. */
	assert_int_equal(env_steerctl("group show " GROUP, out, sizeof(out)),
			 0);
	printf("# steerctl group show " GROUP ":\n");
	for (line = out; *line; line = next) {
		next = strchrnul(line, '\n');
		printf("#   %.*s\n", (int)(next - line), line);
		next += *next == '\n';
	}
	for (q = 0; q < QUEUES; q++) {
		snprintf(pid, sizeof(pid), " %d ", workers[q].pid);
		assert_non_null(strstr(out, pid));
	}
	for (q = 0; q < QUEUES; q++) {
		printf("# queue %d: %d of %d SYNs answered by its worker\n", q,
		       answered[q], SYNS_PER_QUEUE);
		assert_int_equal(answered[q], SYNS_PER_QUEUE);
		/* And by that worker: its own count, on SIGUSR1 and at exit. */
		assert_true(worker_stats(q, SIGUSR1, &st));
		assert_int_equal(st.rst, SYNS_PER_QUEUE);
		/*
		 * The queue's counters: every frame the worker got, and
		 * only those, redirected on its queue; no miss.
		 */
		printf("# queue %d: redirected +%llu, worker rx %ld\n", q,
		       (unsigned long long)(queue_counter(GROUP, q,
							  "xsk_redirected") -
					    redirected[q]),
		       st.rx);
		assert_int_equal(queue_counter(GROUP, q, "xsk_redirected") -
					 redirected[q],
				 st.rx);
		assert_int_equal(st.rx, SYNS_PER_QUEUE);
		assert_int_equal(queue_counter(GROUP, q, "syns") - syns[q],
				 SYNS_PER_QUEUE);
		assert_int_equal(queue_counter(GROUP, q, "xsk_miss"),
				 misses[q]);
		assert_int_equal(worker_stop(q, SIGTERM), SYNS_PER_QUEUE);
	}
}

/*
 * A worker gone (SIGKILL: no goodbye), its queue is empty at once and its
 * traffic goes to the stack; a new worker takes the queue back.
 */
static void test_stopped_worker_falls_back(void **state)
{
	uint64_t misses, start, took;
	int q;

	env_check();
	for (q = 0; q < QUEUES; q++)
		assert_true(worker_start(GROUP, q));
	assert_int_equal(syn_on_queue(1), 1);
	worker_stop(1, SIGKILL);
	start = clock_now_us();
	while (strcmp(queue_state(GROUP, 1), "empty") &&
	       clock_now_us() - start < WAIT_US)
		usleep(1000);
	took = clock_now_us() - start;
	printf("# queue 1 empty %llu us after its worker was killed\n",
	       (unsigned long long)took);
	assert_string_equal(queue_state(GROUP, 1), "empty");
	assert_true(took < EMPTY_WITHIN_US);

	misses = xsk_misses(GROUP);
	assert_int_equal(syn_on_queue(1), 0); /* the stack answered it */
	assert_true(xsk_misses(GROUP) > misses);
	/* The other queues are still their workers'. */
	assert_int_equal(syn_on_queue(0), 1);
	assert_int_equal(syn_on_queue(2), 1);

	assert_true(worker_start(GROUP, 1));
	assert_string_equal(queue_state(GROUP, 1), "active");
	misses = xsk_misses(GROUP);
	assert_int_equal(syn_on_queue(1), 1);
	assert_int_equal(xsk_misses(GROUP), misses);
	for (q = 0; q < QUEUES; q++)
		worker_stop(q, SIGTERM);
}

/* Each refusal of xsk_register: its errno, its message, nothing changed. */
static void test_refusals(void **state)
{
	struct test_xsk t;
	int udp;

	env_check();
	assert_true(worker_start(GROUP, 0));

	udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	expect_refusal(udp, GROUP, ENV_SRV_IF, 2, -EAFNOSUPPORT,
		       "not an AF_XDP socket");
	close(udp);
	expect_refusal(-1, GROUP, ENV_SRV_IF, 2, -EBADF, "SCM_RIGHTS");

	test_xsk_open(&t, ENV_SRV_IF, 2);
	expect_refusal(t.xsk ? xsk_socket__fd(t.xsk) : -1, GROUP, OTHER_IF, 2,
		       -ENODEV, "steer is not attached to " OTHER_IF);
	expect_refusal(xsk_socket__fd(t.xsk), GROUP, ENV_SRV_IF, 3, -EINVAL,
		       "not bound to " ENV_SRV_IF " queue 3");
	expect_refusal(xsk_socket__fd(t.xsk), GROUP, ENV_SRV_IF, QUEUES,
		       -ERANGE, "out of range");
	expect_refusal(xsk_socket__fd(t.xsk), GROUP, ENV_SRV_IF, 0, -EBUSY,
		       "queue 0 of group " GROUP " has an AF_XDP socket");
	expect_refusal(xsk_socket__fd(t.xsk), RP_GROUP, ENV_SRV_IF, 2, -EINVAL,
		       "is a reuseport group");
	expect_refusal(xsk_socket__fd(t.xsk), "nosuch", ENV_SRV_IF, 2, -ENOENT,
		       "no group nosuch");
	test_xsk_close(&t);

	/* Bound to the same queue number of another interface. */
	test_xsk_open(&t, OTHER_IF, 2);
	expect_refusal(xsk_socket__fd(t.xsk), GROUP, ENV_SRV_IF, 2, -EINVAL,
		       "not bound to " ENV_SRV_IF " queue 2");
	test_xsk_close(&t);

	/* And the queue is still free for the right socket. */
	test_xsk_open(&t, ENV_SRV_IF, 2);
	{
		const struct proto_xsk_register_req req = {
			.group = GROUP, .ifname = ENV_SRV_IF, .queue = 2
		};
		int conn = -1;

		assert_int_equal(env_call(proto_pack_xsk_register_req(&req),
					  xsk_socket__fd(t.xsk), NULL, &conn),
				 0);
		assert_string_equal(queue_state(GROUP, 2), "active");
		close(conn);
	}
	test_xsk_close(&t);
	worker_stop(0, SIGTERM);
}

/* The client's UDP socket for queue q's echoes (made in its namespace). */
static int client_udp(int q)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(UDP_CLIENT_PORT + q) };
	int s;

	assert_int_equal(netns_enter(client_ns), 0);
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	assert_int_equal(netns_enter(server_ns), 0);
	assert_true(s >= 0);
	inet_pton(AF_INET, ENV_CLI_ADDR, &a.sin_addr);
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	return s;
}

/* Sends n datagrams "n=I" on queue q to the UDP group. */
static void udp_send(int q, int n)
{
	struct frame_flow f = flow;
	uint8_t frame[128];
	const uint8_t *frames[1] = { frame };
	char payload[32];
	uint16_t len;
	int i, sent;

	f.sport = UDP_CLIENT_PORT + q;
	f.dport = UDP_PORT;
	for (i = 0; i < n; i++) {
		snprintf(payload, sizeof(payload), "n=%d", i);
		len = frame_udp4(frame, sizeof(frame), &f, payload,
				 strlen(payload));
		/* The ring may be full a moment: the sender reaps as it goes. */
		while ((sent = xsk_sender_send(senders[q], frames, &len, 1)) ==
		       0)
			usleep(100);
		assert_int_equal(sent, 1);
	}
}

/*
 * Reads the echoes on s until n came or a second passed; counts those
 * that start with "q=Q cpu=" for queue q. Returns how many came.
 */
static int udp_echoes(int s, int q, int n, int *from_q)
{
	struct pollfd p = { .fd = s, .events = POLLIN };
	uint64_t start = clock_now_us();
	char buf[256], want[16];
	ssize_t len;
	int got = 0;

	snprintf(want, sizeof(want), "q=%d cpu=", q);
	*from_q = 0;
	while (got < n && clock_now_us() - start < 1000000) {
		if (poll(&p, 1, 100) != 1)
			continue;
		while ((len = recv(s, buf, sizeof(buf) - 1, 0)) > 0) {
			buf[len] = '\0';
			got++;
			*from_q += !strncmp(buf, want, strlen(want));
		}
	}
	return got;
}

/* Datagrams the stack's UDP socket on the group's port received. */
static int stack_datagrams(int s)
{
	char buf[256];
	int n = 0;

	while (recv(s, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		n++;
	return n;
}

/*
 * A UDP xsk group; false (the test skips) when this steerd does not take
 * a group's protocol.
 */
static bool udp_group_add(void)
{
	const struct proto_group_add_req req = { .name = UDP_GROUP,
						 .addr = ENV_SRV_ADDR,
						 .port = UDP_PORT,
						 .kind = "xsk",
						 .proto = "udp" };
	json_t *r;
	bool udp;

	if (env_call(proto_pack_group_add_req(&req), -1, NULL, NULL))
		return false;
	r = env_group_show(UDP_GROUP);
	udp = !strcmp(json_string_value(json_object_get(r, "proto")) ?: "",
		      "udp");
	json_decref(r);
	return udp;
}

/*
 * UDP: every datagram sent on queue q is echoed by q's worker, none is
 * lost and none reaches the stack's socket on the port; a stopped
 * worker's datagrams go to that socket (xsk_miss moves), a restarted one
 * takes them back.
 */
static void test_udp_echo_per_queue(void **state)
{
	uint64_t redirected[QUEUES], queue_misses[QUEUES];
	int q, socks[QUEUES], stack, got, from_q;
	struct worker_stats st;
	uint64_t misses;

	env_check();
	if (!udp_group_add()) {
		printf("# steerd does not take a group's protocol yet: its "
		       "group_show says no \"proto\": \"udp\"\n");
		skip();
	}
	stack = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	{
		struct sockaddr_in a = { .sin_family = AF_INET,
					 .sin_port = htons(UDP_PORT) };

		inet_pton(AF_INET, ENV_SRV_ADDR, &a.sin_addr);
		assert_int_equal(bind(stack, (struct sockaddr *)&a, sizeof(a)),
				 0);
	}
	for (q = 0; q < QUEUES; q++) {
		socks[q] = client_udp(q);
		assert_true(worker_start(UDP_GROUP, q));
	}
	queue_counters(UDP_GROUP, "xsk_redirected", redirected);
	for (q = 0; q < QUEUES; q++)
		udp_send(q, DATAGRAMS_PER_QUEUE);
	for (q = 0; q < QUEUES; q++) {
		got = udp_echoes(socks[q], q, DATAGRAMS_PER_QUEUE, &from_q);
		printf("# queue %d: %d of %d datagrams echoed, %d by its "
		       "worker\n",
		       q, got, DATAGRAMS_PER_QUEUE, from_q);
		assert_int_equal(got, DATAGRAMS_PER_QUEUE);
		assert_int_equal(from_q, DATAGRAMS_PER_QUEUE);
		/* The queue's count is what its worker echoed. */
		assert_true(worker_stats(q, SIGUSR1, &st));
		assert_int_equal(st.udp, DATAGRAMS_PER_QUEUE);
		assert_int_equal(queue_counter(UDP_GROUP, q, "xsk_redirected") -
					 redirected[q],
				 st.udp);
	}
	assert_int_equal(stack_datagrams(stack), 0);

	worker_stop(1, SIGTERM);
	misses = xsk_misses(UDP_GROUP);
	queue_counters(UDP_GROUP, "xsk_miss", queue_misses);
	udp_send(1, 5);
	usleep(200000);
	assert_int_equal(stack_datagrams(stack), 5);
	assert_true(xsk_misses(UDP_GROUP) >= misses + 5);
	/* Missed on queue 1, and there only. */
	for (q = 0; q < QUEUES; q++)
		assert_int_equal(queue_counter(UDP_GROUP, q, "xsk_miss") -
					 queue_misses[q],
				 q == 1 ? 5 : 0);
	assert_int_equal(udp_echoes(socks[1], 1, 1, &from_q), 0);

	assert_true(worker_start(UDP_GROUP, 1));
	udp_send(1, 5);
	assert_int_equal(udp_echoes(socks[1], 1, 5, &from_q), 5);
	assert_int_equal(from_q, 5);
	assert_int_equal(stack_datagrams(stack), 0);
	for (q = 0; q < QUEUES; q++) {
		worker_stop(q, SIGTERM);
		close(socks[q]);
	}
	close(stack);
}

/*
 * The group's sockets are on srv0; steer attached to aux0 too. A frame of
 * the group arriving on aux0's queue 2 must not go to the socket of srv0's
 * queue 2 (the kernel would drop it): it passes to the stack as the
 * group's miss, and no queue of srv0 counts it. From an address the stack
 * cannot answer, so that no answer comes back as frames of the group.
 */
static void test_other_iface_passes(void **state)
{
	const int q = 2, n = 10;
	uint64_t misses, redirected, queue_misses;
	struct worker_stats before, after;
	struct frame_flow f = flow;
	struct xsk_sender *sender;
	uint8_t frame[128];
	const uint8_t *frames[1] = { frame };
	char out[1024];
	uint16_t len;
	int i;

	env_check();
	assert_true(worker_start(GROUP, q));
	assert_int_equal(env_steerctl("iface attach " OTHER_IF
				      " --mode native --steer cpu",
				      out, sizeof(out)),
			 0);
	sender = xsk_sender_open(OTHER_PEER, q);
	assert_non_null(sender);
	assert_int_equal(link_mac(OTHER_PEER, f.src_mac), 0);
	assert_int_equal(link_mac(OTHER_IF, f.dst_mac), 0);
	inet_pton(AF_INET, UNROUTED_ADDR, &f.saddr);
	assert_true(worker_stats(q, SIGUSR1, &before));
	misses = xsk_misses(GROUP);
	redirected = queue_counter(GROUP, q, "xsk_redirected");
	queue_misses = queue_counter(GROUP, q, "xsk_miss");

	for (i = 0; i < n; i++) {
		f.sport = next_port++;
		len = frame_syn4(frame, sizeof(frame), &f, 1);
		assert_int_equal(xsk_sender_send(sender, frames, &len, 1), 1);
	}
	usleep(200000);
	assert_true(worker_stats(q, SIGUSR1, &after));
	printf("# %d SYNs on %s queue %d: group misses +%llu, srv0 queue %d "
	       "redirected +%llu, its worker rx +%ld\n",
	       n, OTHER_IF, q, (unsigned long long)(xsk_misses(GROUP) - misses),
	       q,
	       (unsigned long long)(queue_counter(GROUP, q, "xsk_redirected") -
				    redirected),
	       after.rx - before.rx);
	assert_int_equal(xsk_misses(GROUP) - misses, n);
	assert_int_equal(queue_counter(GROUP, q, "xsk_redirected"), redirected);
	assert_int_equal(queue_counter(GROUP, q, "xsk_miss"), queue_misses);
	assert_int_equal(after.rx, before.rx);
	/* srv0's own frames still go to the worker. */
	assert_int_equal(syn_on_queue(q), 1);

	xsk_sender_close(sender);
	assert_int_equal(
		env_steerctl("iface detach " OTHER_IF, out, sizeof(out)), 0);
	worker_stop(q, SIGTERM);
}

/* Waits for queue q's worker to say it registered again with steerd. */
static bool worker_registered_again(int q)
{
	char line[256];

	return worker_line(&workers[q], line, sizeof(line)) &&
	       strstr(line, "registered again");
}

/* Polls until group's queue q is in state; µs taken, or WAIT_US. */
static uint64_t wait_queue_state(const char *group, int q, const char *state)
{
	uint64_t start = clock_now_us();

	while (strcmp(queue_state(group, q), state) &&
	       clock_now_us() - start < WAIT_US)
		usleep(1000);
	return clock_now_us() - start;
}

/*
 * steerd killed (SIGKILL) and restarted: the queues whose sockets live are
 * listed again with their workers and traffic is answered throughout; a
 * worker killed while steerd was away leaves its queue empty; the workers
 * register again, so the end of one is seen at once as before.
 */
static void test_steerd_restart_keeps_queues(void **state)
{
	uint64_t redirected, took;
	json_t *r, *slot;
	int q;

	env_check();
	for (q = 0; q < QUEUES; q++)
		assert_true(worker_start(GROUP, q));
	for (q = 0; q < QUEUES; q++)
		assert_int_equal(syn_on_queue(q), 1);
	redirected = queue_counter(GROUP, 0, "xsk_redirected");

	env_stop_steerd(SIGKILL);
	assert_int_equal(syn_on_queue(0), 1); /* no steerd: still served */
	worker_stop(3, SIGKILL);
	assert_int_equal(env_start_steerd(), 0);

	r = env_group_show(GROUP);
	for (q = 0; q < 3; q++) {
		slot = json_array_get(json_object_get(r, "slots"), q);
		assert_string_equal(
			json_string_value(json_object_get(slot, "state")),
			"active");
		assert_int_equal(
			json_integer_value(json_object_get(slot, "pid")),
			workers[q].pid);
	}
	json_decref(r);
	/* Restored, or found gone on the first look after. */
	took = wait_queue_state(GROUP, 3, "empty");
	printf("# queue 3 (worker killed while steerd was away) empty %llu "
	       "us after the restart\n",
	       (unsigned long long)took);
	assert_string_equal(queue_state(GROUP, 3), "empty");
	for (q = 0; q < 3; q++)
		assert_int_equal(syn_on_queue(q), 1);
	assert_int_equal(syn_on_queue(3), 0); /* the stack's */
	/* The counters live in the pins: they carried on. */
	assert_true(queue_counter(GROUP, 0, "xsk_redirected") >=
		    redirected + 2);

	for (q = 0; q < 3; q++)
		assert_true(worker_registered_again(q));
	worker_stop(2, SIGKILL);
	took = wait_queue_state(GROUP, 2, "empty");
	printf("# queue 2 empty %llu us after its worker (registered again) "
	       "was killed\n",
	       (unsigned long long)took);
	assert_true(took < EMPTY_WITHIN_US);
	assert_int_equal(syn_on_queue(0), 1);
	for (q = 0; q < 2; q++)
		worker_stop(q, SIGTERM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_queue_served_by_its_worker),
		cmocka_unit_test(test_stopped_worker_falls_back),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_udp_echo_per_queue),
		cmocka_unit_test(test_other_iface_passes),
		cmocka_unit_test(test_steerd_restart_keeps_queues),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests_name("xsk", tests, setup, teardown);
}
