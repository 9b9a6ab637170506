// SPDX-License-Identifier: GPL-2.0-only
/*
 * Frames per second delivered to AF_XDP workers on a veth in copy mode:
 * steer's XDP program (an xsk group, the workers' sockets in its
 * steer_xsks) against libxdp's own default program (its xsks_map by RX
 * queue), in rounds that alternate the two in the same run. A sender
 * thread per queue blasts crafted frames from an AF_XDP socket on the
 * peer's TX queue of the same number (xsk_sender.h); a worker thread per
 * queue takes them off its RX ring and hands the frames back to the fill
 * ring, each thread pinned. Prints each program's median rate and
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

#define SRV_IF "bxs0"
#define CLI_IF "bxc0"
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
#define BUSY_TRIES 1000 /* a closed socket lets go of its queue in work */

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
	atomic_ullong sent;
};

static atomic_bool running;
static int nr_queues = 1;
static struct frame_flow flow;

/*
 * Queue q's sender on CPU 2q and its worker on 2q + 1 (modulo the CPUs):
 * on veth the receive path, XDP program and copy included, runs on the
 * sender's CPU, so each side has a CPU of its own when there are enough.
 */
static int sender_cpu(int q)
{
	return (2 * q) % libbpf_num_possible_cpus();
}

static int worker_cpu(int q)
{
	return (2 * q + 1) % libbpf_num_possible_cpus();
}

static void *work(void *arg)
{
	struct worker *w = arg;
	struct pollfd p = { .fd = xsk_socket__fd(w->xsk), .events = POLLIN };
	__u32 ri, fi, n, i;

	harness_pin(worker_cpu(w->queue));
	while (running) {
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
	struct frame_flow f = flow;
	int i, n, next = 0;

	harness_pin(sender_cpu(s->queue));
	for (i = 0; i < FLOWS; i++) {
		f.sport = 10000 + i;
		len[i] = frame_syn4(frames[s->queue][i], sizeof(frames[0][0]),
				    &f, i);
	}
	while (running) {
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
 * A worker's socket on SRV_IF's queue: steer's (no program of libxdp's,
 * put in steer_xsks) or libxdp's default program's.
 */
static int worker_open(struct worker *w, int queue, enum prog_kind kind,
		       struct harness *h)
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
	int err, tries, fd;

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
	for (tries = 0; !err && tries < BUSY_TRIES; tries++) {
		err = xsk_socket__create(&w->xsk, SRV_IF, queue, w->umem,
					 &w->rx, &w->tx, &cfg);
		if (err != -EBUSY)
			break;
		usleep(10000);
	}
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

/* One round with kind's program: frames per second the workers got. */
static double run_round(enum prog_kind kind, struct harness *h, int ms,
			double *sent_rate)
{
	static struct worker workers[QUEUES_MAX];
	static struct sender senders[QUEUES_MAX];
	int ifindex = if_nametoindex(SRV_IF), q, err = 0, started = 0;
	unsigned long long got = 0, sent = 0;
	uint64_t start, took;

	if (kind == PROG_STEER)
		err = bpf_xdp_attach(ifindex, h->prog_fd, XDP_FLAGS_DRV_MODE,
				     NULL);
	for (q = 0; q < nr_queues && !err; q++)
		err = worker_open(&workers[q], q, kind, h);
	for (q = 0; q < nr_queues && !err; q++) {
		senders[q].s = xsk_sender_open(CLI_IF, q);
		err = senders[q].s ? 0 : -errno;
	}
	running = true;
	for (q = 0; q < nr_queues && !err; q++, started++) {
		senders[q].queue = q;
		senders[q].sent = 0;
		pthread_create(&workers[q].thread, NULL, work, &workers[q]);
		pthread_create(&senders[q].thread, NULL, send_frames,
			       &senders[q]);
	}
	start = clock_now_us();
	if (!err)
		usleep(ms * 1000);
	running = false;
	took = clock_now_us() - start;
	for (q = 0; q < started; q++) {
		pthread_join(senders[q].thread, NULL);
		pthread_join(workers[q].thread, NULL);
		got += workers[q].frames;
		sent += senders[q].sent;
	}
	for (q = 0; q < nr_queues; q++) {
		xsk_sender_close(senders[q].s);
		senders[q].s = NULL;
		worker_close(&workers[q]);
	}
	if (kind == PROG_STEER)
		bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
	if (err)
		return err;
	*sent_rate = sent * 1e6 / took;
	return got * 1e6 / took;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The namespace, the veth, steer's program set up for an xsk group. */
static int setup(struct harness *h)
{
	const uint32_t indir = 0;
	int err;

	err = netns_enter_new(NETNS_PRIVATE_MOUNTS);
	if (!err)
		err = link_add_veth(SRV_IF, CLI_IF, nr_queues, NETNS_CURRENT);
	if (!err)
		err = link_set_up(NETNS_CURRENT, SRV_IF);
	if (!err)
		err = link_set_up(NETNS_CURRENT, CLI_IF);
	if (!err)
		err = link_mac(SRV_IF, flow.dst_mac);
	if (!err)
		err = link_mac(CLI_IF, flow.src_mac);
	if (err)
		return err;
	inet_pton(AF_INET, CLI_ADDR, &flow.saddr);
	inet_pton(AF_INET, SRV_ADDR, &flow.daddr);
	flow.dport = PORT;
	err = harness_open(h, if_nametoindex(SRV_IF), false);
	/* rss mode, nothing verified: an xsk group's frames go to sockets. */
	if (!err)
		err = harness_set_mode(h, STEER_MODE_RSS, 0, &indir, 1);
	if (!err)
		err = harness_add_group(h, GROUP_ID, STEER_KIND_XSK, AF_INET,
					SRV_ADDR, PORT);
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
	int rounds = ROUNDS_DEFAULT, ms = ROUND_MS_DEFAULT, c, i, k;
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
		return 1;
	}
	printf("bench_xsk: %d queue(s), copy mode, %d rounds of %d ms, "
	       "64-byte TCP SYN frames\n",
	       nr_queues, rounds, ms);
	fflush(stdout);
	for (i = 0; i < rounds; i++) {
		for (k = 0; k < 2; k++) {
			rate[k][i] = run_round(k, &h, ms, &sent[k][i]);
			if (rate[k][i] < 0) {
				fprintf(stderr, "bench_xsk: %s round: %s\n",
					names[k], strerror(-rate[k][i]));
				harness_close(&h);
				return 1;
			}
		}
		printf("round %d: steer %.0f default %.0f frames/s\n", i,
		       rate[0][i], rate[1][i]);
	}
	for (k = 0; k < 2; k++) {
		qsort(rate[k], rounds, sizeof(double), cmp_double);
		qsort(sent[k], rounds, sizeof(double), cmp_double);
		med[k] = rate[k][rounds / 2];
		printf("%-8s %.0f frames/s delivered (median), %.0f sent\n",
		       names[k], med[k], sent[k][rounds / 2]);
	}
	printf("xsk_rate_ratio %.3f\n", med[1] > 0 ? med[0] / med[1] : 0);
	harness_close(&h);
	return 0;
}
