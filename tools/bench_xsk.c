// SPDX-License-Identifier: GPL-2.0-only
/*
 * Datagrams per second delivered to AF_XDP workers on veth in copy mode:
 * steer's XDP program (an xsk group, the workers' sockets in its
 * steer_xsks) against libxdp's own default program (its xsks_map by RX
 * queue), in rounds that alternate the two in the same run. Each program
 * has a veth pair of its own, set up alike, with its workers' sockets open
 * for the whole run (a socket closed and reopened on a queue can find it
 * busy for seconds). Per queue, a sender thread blasts crafted UDP
 * datagrams from an AF_XDP socket on the peer's TX queue of the same
 * number (xsk_sender.h), and a worker thread takes them off its RX ring
 * and hands the frames back to the fill ring. Prints
 * each round, each program's median rate and
 * "xsk_rate_ratio <steer/default>".
 */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include <xdp/xsk.h>

#include "lib/clock.h"
#include "tests/bpf/harness.h"
#include "tests/integration/xsk_sender.h"
#include "tests/lib/network_helpers.h"

#define SRV_ADDR "198.18.2.1"
#define CLI_ADDR "198.18.2.2"
#define PORT 9000
#define GROUP_ID 0
#define QUEUES_MAX 8
#define ROUNDS_DEFAULT 7
#define ROUND_MS_DEFAULT 1000
#define ROUNDS_MAX 51
#define BATCH 64
#define FLOWS 64 /* source ports the sender cycles through */
#define RING 2048
#define FRAMES 4096

enum prog_kind { PROG_STEER, PROG_DEFAULT };

struct worker {
	pthread_t thread;
	int queue;
	struct xsk_socket *xsk;
	struct xsk_umem *umem;
	void *area;
	struct xsk_ring_prod fill, tx;
	struct xsk_ring_cons comp, rx;
	atomic_ullong frames;
};

struct sender {
	pthread_t thread;
	struct xsk_sender *s;
	int queue;
	const struct frame_flow *flow;
	atomic_ullong sent;
};

/* A program's veth pair, its workers and its senders. */
struct side {
	const char *srv_if, *cli_if;
	struct frame_flow flow;
	struct worker workers[QUEUES_MAX];
	struct sender senders[QUEUES_MAX];
};

static struct side sides[2] = {
	[PROG_STEER] = { .srv_if = "bxs0", .cli_if = "bxs1" },
	[PROG_DEFAULT] = { .srv_if = "bxd0", .cli_if = "bxd1" },
};
static atomic_bool working, sending;
static int nr_queues = 1;

static void *work(void *arg)
{
	struct worker *w = arg;
	struct pollfd p = { .fd = xsk_socket__fd(w->xsk), .events = POLLIN };
	__u32 ri, fi, n, i;

	while (working) {
		n = xsk_ring_cons__peek(&w->rx, BATCH, &ri);
		if (!n) {
			poll(&p, 1, 10);
			continue;
		}
		while (xsk_ring_prod__reserve(&w->fill, n, &fi) != n)
			;
		for (i = 0; i < n; i++)
			*xsk_ring_prod__fill_addr(&w->fill, fi + i) =
				xsk_ring_cons__rx_desc(&w->rx, ri + i)->addr;
		xsk_ring_prod__submit(&w->fill, n);
		xsk_ring_cons__release(&w->rx, n);
		w->frames += n;
	}
	return NULL;
}

static void *send_frames(void *arg)
{
	static uint8_t frames[QUEUES_MAX][FLOWS][128];
	struct sender *s = arg;
	const uint8_t *batch[BATCH];
	uint16_t lens[BATCH], len[FLOWS];
	/* 14 + 20 + 8 + 22 bytes: a 64-byte frame. */
	static const char payload[22] = "steer bench_xsk";
	struct frame_flow f = *s->flow;
	int i, n, next = 0;

	for (i = 0; i < FLOWS; i++) {
		f.sport = 10000 + i;
		len[i] = frame_udp4(frames[s->queue][i], sizeof(frames[0][0]),
				    &f, payload, sizeof(payload));
	}
	while (sending) {
		for (i = 0; i < BATCH; i++, next = (next + 1) % FLOWS) {
			batch[i] = frames[s->queue][next];
			lens[i] = len[next];
		}
		n = xsk_sender_send(s->s, batch, lens, BATCH);
		if (n > 0)
			s->sent += n;
	}
	return NULL;
}

static void worker_close(struct worker *w)
{
	if (w->xsk)
		xsk_socket__delete(w->xsk);
	if (w->umem)
		xsk_umem__delete(w->umem);
	if (w->area)
		munmap(w->area, (size_t)FRAMES * XSK_UMEM__DEFAULT_FRAME_SIZE);
	memset(w, 0, sizeof(*w));
}

/*
 * A worker's socket on ifname's queue: steer's (no program of libxdp's,
 * put in steer_xsks) or libxdp's default program's.
 */
static int worker_open(struct worker *w, const char *ifname, int queue,
		       enum prog_kind kind, struct harness *h)
{
	const struct xsk_socket_config cfg = {
		.rx_size = RING,
		.tx_size = RING,
		.libxdp_flags = kind == PROG_STEER ?
					XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD :
					0,
		.xdp_flags = XDP_FLAGS_DRV_MODE,
		.bind_flags = XDP_COPY,
	};
	size_t size = (size_t)FRAMES * XSK_UMEM__DEFAULT_FRAME_SIZE;
	__u32 idx, i, key = STEER_XSK_INDEX(GROUP_ID, queue);
	int err, fd;

	memset(w, 0, sizeof(*w));
	w->queue = queue;
	w->area = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (w->area == MAP_FAILED) {
		w->area = NULL;
		return -errno;
	}
	err = xsk_umem__create(&w->umem, w->area, size, &w->fill, &w->comp,
			       NULL);
	if (!err)
		err = xsk_socket__create(&w->xsk, ifname, queue, w->umem,
					 &w->rx, &w->tx, &cfg);
	if (err)
		goto out_close;
	idx = 0;
	xsk_ring_prod__reserve(&w->fill, RING, &idx);
	for (i = 0; i < RING; i++)
		*xsk_ring_prod__fill_addr(&w->fill, idx + i) =
			(__u64)i * XSK_UMEM__DEFAULT_FRAME_SIZE;
	xsk_ring_prod__submit(&w->fill, RING);
	if (kind == PROG_STEER) {
		fd = xsk_socket__fd(w->xsk);
		if (bpf_map_update_elem(h->maps.xsks, &key, &fd, BPF_ANY)) {
			err = -errno;
			goto out_close;
		}
	}
	return 0;
out_close:
	fprintf(stderr, "bench_xsk: queue %d socket: %s\n", queue,
		strerror(-err));
	worker_close(w);
	return err;
}

/* One round of kind's senders: datagrams per second its workers got. */
static double run_round(enum prog_kind kind, int ms, double *sent_rate)
{
	struct side *sd = &sides[kind];
	unsigned long long got = 0, sent = 0;
	uint64_t start, took;
	int q;

	for (q = 0; q < nr_queues; q++) {
		sd->workers[q].frames = 0;
		sd->senders[q].sent = 0;
	}
	sending = true;
	for (q = 0; q < nr_queues; q++)
		pthread_create(&sd->senders[q].thread, NULL, send_frames,
			       &sd->senders[q]);
	start = clock_now_us();
	usleep(ms * 1000);
	sending = false;
	took = clock_now_us() - start;
	for (q = 0; q < nr_queues; q++)
		pthread_join(sd->senders[q].thread, NULL);
	/* What is still in flight arrives now; count it with its round. */
	usleep(10000);
	for (q = 0; q < nr_queues; q++) {
		got += sd->workers[q].frames;
		sent += sd->senders[q].sent;
	}
	*sent_rate = sent * 1e6 / took;
	return got * 1e6 / took;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* A veth pair with its addresses' MACs in sd->flow. */
static int side_link(struct side *sd)
{
	int err =
		link_add_veth(sd->srv_if, sd->cli_if, nr_queues, NETNS_CURRENT);

	if (!err)
		err = link_set_up(NETNS_CURRENT, sd->srv_if);
	if (!err)
		err = link_set_up(NETNS_CURRENT, sd->cli_if);
	if (!err)
		err = link_mac(sd->srv_if, sd->flow.dst_mac);
	if (!err)
		err = link_mac(sd->cli_if, sd->flow.src_mac);
	inet_pton(AF_INET, CLI_ADDR, &sd->flow.saddr);
	inet_pton(AF_INET, SRV_ADDR, &sd->flow.daddr);
	sd->flow.dport = PORT;
	return err;
}

/* A side's workers and senders, the workers' threads started. */
static int side_open(enum prog_kind kind, struct harness *h)
{
	struct side *sd = &sides[kind];
	int q, err = 0;

	for (q = 0; q < nr_queues && !err; q++) {
		err = worker_open(&sd->workers[q], sd->srv_if, q, kind, h);
		sd->senders[q].queue = q;
		sd->senders[q].flow = &sd->flow;
		sd->senders[q].s = err ? NULL : xsk_sender_open(sd->cli_if, q);
		if (!err && !sd->senders[q].s)
			err = -errno;
		if (!err)
			pthread_create(&sd->workers[q].thread, NULL, work,
				       &sd->workers[q]);
	}
	return err;
}

static void sides_close(void)
{
	int k, q;

	working = false;
	for (k = 0; k < 2; k++) {
		for (q = 0; q < nr_queues; q++) {
			if (sides[k].workers[q].thread)
				pthread_join(sides[k].workers[q].thread, NULL);
			xsk_sender_close(sides[k].senders[q].s);
			worker_close(&sides[k].workers[q]);
		}
	}
}

/*
 * The namespace, the two veth pairs, steer's program for an xsk group on
 * the first, the workers of both.
 */
static int setup(struct harness *h)
{
	const uint32_t indir = 0;
	int err;

	err = netns_enter_new(NETNS_PRIVATE_MOUNTS);
	if (!err)
		err = side_link(&sides[PROG_STEER]);
	if (!err)
		err = side_link(&sides[PROG_DEFAULT]);
	if (err)
		return err;
	err = harness_open(h, if_nametoindex(sides[PROG_STEER].srv_if), false);
	/* rss mode, nothing verified: an xsk group's frames go to sockets. */
	if (!err)
		err = harness_set_mode(h, STEER_MODE_RSS, 0, &indir, 1);
	if (!err)
		err = harness_add_group(h, GROUP_ID, STEER_KIND_XSK,
					STEER_PROTO_UDP, AF_INET, SRV_ADDR,
					PORT);
	if (!err)
		err = bpf_xdp_attach(h->ifindex, h->prog_fd, XDP_FLAGS_DRV_MODE,
				     NULL);
	working = true;
	if (!err)
		err = side_open(PROG_STEER, h);
	if (!err)
		err = side_open(PROG_DEFAULT, h);
	return err;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: bench_xsk [--queues N (1-%d)] [--rounds N] "
		"[--round-ms MS]\n",
		QUEUES_MAX);
	return 2;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "queues", required_argument, NULL, 'q' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "round-ms", required_argument, NULL, 'm' },
		{},
	};
	double rate[2][ROUNDS_MAX], sent[2][ROUNDS_MAX], med[2];
	int rounds = ROUNDS_DEFAULT, ms = ROUND_MS_DEFAULT, c, i, j, k;
	static const char *const names[] = { "steer", "default" };
	struct harness h;
	int err;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'q')
			nr_queues = atoi(optarg);
		else if (c == 'r')
			rounds = atoi(optarg);
		else if (c == 'm')
			ms = atoi(optarg);
		else
			return usage();
	}
	if (nr_queues < 1 || nr_queues > QUEUES_MAX || rounds < 1 ||
	    rounds > ROUNDS_MAX || ms < 1)
		return usage();
	err = setup(&h);
	if (err) {
		fprintf(stderr, "bench_xsk: setup: %s\n", strerror(-err));
		sides_close();
		harness_close(&h);
		return 1;
	}
	printf("bench_xsk: %d queue(s), copy mode, %d rounds of %d ms, "
	       "64-byte UDP datagrams\n",
	       nr_queues, rounds, ms);
	fflush(stdout);
	for (i = 0; i < rounds; i++) {
		/* Each program goes first in every other round. */
		for (j = 0; j < 2; j++) {
			k = (i + j) % 2;
			rate[k][i] = run_round(k, ms, &sent[k][i]);
		}
		printf("round %d: steer %.0f default %.0f datagrams/s\n", i,
		       rate[0][i], rate[1][i]);
	}
	for (k = 0; k < 2; k++) {
		qsort(rate[k], rounds, sizeof(double), cmp_double);
		qsort(sent[k], rounds, sizeof(double), cmp_double);
		med[k] = rate[k][rounds / 2];
		printf("%-8s %.0f datagrams/s delivered (median), %.0f sent\n",
		       names[k], med[k], sent[k][rounds / 2]);
	}
	printf("xsk_rate_ratio %.3f\n", med[1] > 0 ? med[0] / med[1] : 0);
	sides_close();
	harness_close(&h);
	return 0;
}
