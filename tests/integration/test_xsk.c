// SPDX-License-Identifier: GPL-2.0-only
/*
 * xsk groups end to end: a veth with 4 RX queues, steer attached (native
 * XDP) to the server's end, an xsk group, one xsk_echo worker per queue.
 * The client picks each flow's queue by its source port (tc_queue.bpf.c on
 * its end): every SYN sent on queue q is answered (RST) by the worker of
 * queue q and none reaches the stack, whose TCP listener on the group's
 * port would accept it; a stopped worker's queue falls back to the stack
 * (xsk_miss moves, the listener accepts) and a restarted one takes it back;
 * each refusal of xsk_register comes with its message and no state change.
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

#include <bpf/libbpf.h>
#include <xdp/xsk.h>

#include "lib/proto.h"
#include "lib/proto_msg.h"
#include "steerd_env.h"
#include "tests/lib/network_helpers.h"
#include "tests/bpf/progs/tc_queue.skel.h"

#define QUEUES 4
#define GROUP "xq"
#define RP_GROUP "web"
#define PORT 7000
#define SYNS_PER_QUEUE 25
#define WAIT_US 5000000
/* A closed worker's queue is empty on steerd's next look (10 ms tick). */
#define EMPTY_WITHIN_US 50000
#define OTHER_IF "aux0"
#define OTHER_PEER "aux1"

static int client_ns = -1, server_ns = -1;
static struct tc_queue *tc;
static int stack_listener = -1; /* the kernel's, on the group's port */
static uint16_t next_port[QUEUES];

struct worker {
	pid_t pid;
	int out; /* its stdout */
};
static struct worker workers[QUEUES];

/* A socket made in the client's namespace. */
static int client_socket(int type)
{
	int s;

	assert_int_equal(netns_enter(client_ns), 0);
	s = socket(AF_INET, type | SOCK_CLOEXEC, 0);
	assert_int_equal(netns_enter(server_ns), 0);
	assert_true(s >= 0);
	return s;
}

/* A fresh client port that tc_queue sends on queue q. */
static uint16_t port_for(int q)
{
	uint16_t p = next_port[q];

	next_port[q] += QUEUES;
	return p;
}

/*
 * One SYN from a port of queue q: 1 when a worker answered it (RST:
 * refused), 0 when the stack's listener accepted it, -1 when nothing came.
 */
static int syn_on_queue(int q)
{
	const struct timeval wait = { .tv_sec = 1 };
	struct sockaddr_in src = { .sin_family = AF_INET,
				   .sin_port = htons(port_for(q)) };
	struct sockaddr_in dst = { .sin_family = AF_INET,
				   .sin_port = htons(PORT) };
	int s = client_socket(SOCK_STREAM), one = 1, rc, acc;

	inet_pton(AF_INET, ENV_CLI_ADDR, &src.sin_addr);
	inet_pton(AF_INET, ENV_SRV_ADDR, &dst.sin_addr);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &wait, sizeof(wait));
	assert_int_equal(bind(s, (struct sockaddr *)&src, sizeof(src)), 0);
	rc = connect(s, (struct sockaddr *)&dst, sizeof(dst));
	if (rc == 0) {
		acc = accept4(stack_listener, NULL, NULL, SOCK_CLOEXEC);
		if (acc >= 0)
			close(acc);
		rc = 0;
	} else {
		rc = errno == ECONNREFUSED ? 1 : -1;
	}
	close(s);
	return rc;
}

/* Connections the stack's listener has queued (it must have none). */
static int stack_accepted(void)
{
	int n = 0, fd;

	while ((fd = accept4(stack_listener, NULL, NULL,
			     SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0) {
		close(fd);
		n++;
	}
	return n;
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

/* Starts xsk_echo for queue q; true once it says it is ready. */
static bool worker_start(int q)
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
		execl(path, "xsk_echo", GROUP, ENV_SRV_IF, queue, "--copy",
		      "--socket", env_sock_path, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	w->out = p[0];
	return worker_line(w, line, sizeof(line)) && strstr(line, "ready");
}

/*
 * Stops queue q's worker with sig; with SIGTERM returns the RSTs its exit
 * statistics count, else 0.
 */
static long worker_stop(int q, int sig)
{
	struct worker *w = &workers[q];
	char line[256];
	long rst = -1;
	char *at;

	if (w->pid <= 0)
		return -1;
	kill(w->pid, sig);
	if (sig == SIGTERM && worker_line(w, line, sizeof(line))) {
		at = strstr(line, " rst ");
		rst = at ? strtol(at + 5, NULL, 10) : -1;
	}
	waitpid(w->pid, NULL, 0);
	close(w->out);
	w->pid = -1;
	return rst;
}

/* The group's queue slot q in group_show: its state (static buffer). */
static const char *queue_state(int q)
{
	static char state[16];
	json_t *r = env_group_show(GROUP), *slot;

	slot = json_array_get(json_object_get(r, "slots"), q);
	snprintf(state, sizeof(state), "%s",
		 slot ? json_string_value(json_object_get(slot, "state")) :
			"none");
	json_decref(r);
	return state;
}

/* The group's xsk_miss counter (stats). */
static uint64_t xsk_misses(void)
{
	json_t *reply = NULL, *g;
	uint64_t v = 0;
	size_t i;

	assert_int_equal(env_call(proto_pack_stats_req(), -1, &reply, NULL), 0);
	json_array_foreach(
		json_object_get(reply, "groups"), i,
		g) if (!strcmp(json_string_value(json_object_get(g, "name")),
			       GROUP))
		v = json_integer_value(json_object_get(g, "xsk_miss"));
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

	memset(t, 0, sizeof(*t));
	t->area = mmap(NULL, TEST_XSK_AREA, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(t->area != MAP_FAILED);
	assert_int_equal(xsk_umem__create(&t->umem, t->area, TEST_XSK_AREA,
					  &t->fill, &t->comp, &ucfg),
			 0);
	assert_int_equal(xsk_socket__create(&t->xsk, ifname, q, t->umem, &t->rx,
					    &t->tx, &cfg),
			 0);
}

static void test_xsk_close(struct test_xsk *t)
{
	xsk_socket__delete(t->xsk);
	xsk_umem__delete(t->umem);
	munmap(t->area, TEST_XSK_AREA);
}

/* The slots of group_show, as text, to compare before and after. */
static char *slots_text(const char *group)
{
	json_t *r = env_group_show(group);
	char *text = json_dumps(json_object_get(r, "slots"), JSON_SORT_KEYS);

	json_decref(r);
	return text;
}

/*
 * xsk_register of fd for group/ifname/queue is refused with err and a
 * message containing want, and the group's slots are as before.
 */
static void expect_refusal(int fd, const char *group, const char *ifname,
			   int queue, int err, const char *want)
{
	const struct proto_xsk_register_req req = { .group = group,
						    .ifname = ifname,
						    .queue = queue };
	char *before = slots_text(group), *after, msg[256] = "";
	json_t *m = proto_pack_xsk_register_req(&req);
	int s = proto_connect(env_sock_path), rc;

	assert_true(s >= 0);
	rc = proto_call(s, m, fd, NULL, msg, sizeof(msg));
	json_decref(m);
	close(s);
	printf("# refused (%s): %s\n", want, msg);
	assert_int_equal(rc, err);
	assert_non_null(strstr(msg, want));
	after = slots_text(group);
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
	fcntl(stack_listener, F_SETFL, O_NONBLOCK);
	/* The client's queue choice, on its end of the veth. */
	if (netns_enter(client_ns))
		return -1;
	tc = tc_queue__open();
	if (tc) {
		tc->rodata->nr_queues = QUEUES;
		LIBBPF_OPTS(bpf_tc_hook, hook,
			    .ifindex = if_nametoindex(ENV_CLI_IF),
			    .attach_point = BPF_TC_EGRESS);
		LIBBPF_OPTS(bpf_tc_opts, opts);
		err = tc_queue__load(tc);
		if (!err)
			err = bpf_tc_hook_create(&hook);
		opts.prog_fd = bpf_program__fd(tc->progs.tc_queue);
		if (!err)
			err = bpf_tc_attach(&hook, &opts);
	} else {
		err = -errno;
	}
	if (netns_enter(server_ns) || err) {
		printf("# tc_queue on " ENV_CLI_IF ": %s\n", strerror(-err));
		return -1;
	}
	for (q = 0; q < QUEUES; q++)
		next_port[q] = 20000 + q;
	return 0;
}

static int teardown(void **state)
{
	int q;

	for (q = 0; q < QUEUES; q++)
		worker_stop(q, SIGKILL);
	tc_queue__destroy(tc);
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
	int q, i, answered[QUEUES] = { 0 };

	env_check();
	for (q = 0; q < QUEUES; q++)
		assert_true(worker_start(q));
	for (q = 0; q < QUEUES; q++)
		assert_string_equal(queue_state(q), "active");
	for (i = 0; i < SYNS_PER_QUEUE; i++)
		for (q = 0; q < QUEUES; q++)
			answered[q] += syn_on_queue(q) == 1;
	assert_int_equal(stack_accepted(), 0);
	for (q = 0; q < QUEUES; q++) {
		printf("# queue %d: %d of %d SYNs answered by its worker\n", q,
		       answered[q], SYNS_PER_QUEUE);
		assert_int_equal(answered[q], SYNS_PER_QUEUE);
		/* And by that worker: its own count. */
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
		assert_true(worker_start(q));
	assert_int_equal(syn_on_queue(1), 1);
	worker_stop(1, SIGKILL);
	start = clock_now_us();
	while (strcmp(queue_state(1), "empty") &&
	       clock_now_us() - start < WAIT_US)
		usleep(1000);
	took = clock_now_us() - start;
	printf("# queue 1 empty %llu us after its worker was killed\n",
	       (unsigned long long)took);
	assert_string_equal(queue_state(1), "empty");
	assert_true(took < EMPTY_WITHIN_US);

	misses = xsk_misses();
	assert_int_equal(syn_on_queue(1), 0); /* the stack accepted it */
	assert_true(xsk_misses() > misses);
	/* The other queues are still their workers'. */
	assert_int_equal(syn_on_queue(0), 1);
	assert_int_equal(syn_on_queue(2), 1);

	assert_true(worker_start(1));
	assert_string_equal(queue_state(1), "active");
	misses = xsk_misses();
	assert_int_equal(syn_on_queue(1), 1);
	assert_int_equal(xsk_misses(), misses);
	assert_int_equal(stack_accepted(), 0);
	for (q = 0; q < QUEUES; q++)
		worker_stop(q, SIGTERM);
}

/* Each refusal of xsk_register: its errno, its message, nothing changed. */
static void test_refusals(void **state)
{
	struct test_xsk t;
	int udp;

	env_check();
	assert_true(worker_start(0));

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
		assert_string_equal(queue_state(2), "active");
		close(conn);
	}
	test_xsk_close(&t);
	worker_stop(0, SIGTERM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_queue_served_by_its_worker),
		cmocka_unit_test(test_stopped_worker_falls_back),
		cmocka_unit_test(test_refusals),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests_name("xsk", tests, setup, teardown);
}
