// SPDX-License-Identifier: GPL-2.0-only
/*
 * xsk_echo: an AF_XDP worker per RX queue of an xsk group. Each thread
 * opens its queue's socket with libsteer (registered with steerd), runs on
 * the queue's CPU and works its rings in batches: a UDP datagram is
 * answered with an echo that starts "q=QUEUE cpu=CPU " (so a client sees
 * where it was served), a TCP SYN with a RST (a reflector, enough to
 * measure steering), anything else is dropped. Statistics per queue on
 * SIGUSR1 and at exit; SIGTERM or SIGINT stops it cleanly. A steerd
 * restart costs nothing: the sockets keep their queues, and each thread
 * registers its socket again once steerd is back (and says so).
 *
 *   xsk_echo GROUP IFNAME QUEUES [--copy] [--socket PATH]
 *
 * QUEUES is a count (queues 0..N-1) or a single queue as "=Q".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <steer/libsteer.h>
#include <xdp/xsk.h>

#define BATCH 64
#define POLL_MS 100
#define MAX_QUEUES 256

struct queue_stats {
	atomic_ullong rx, udp, rst, dropped;
};

struct worker {
	pthread_t thread;
	int queue, cpu;
	struct libsteer_xsk *xsk;
	struct queue_stats st;
};

static atomic_bool stop;

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

/* The L4 checksum over the pseudo-header of the IP header at ip. */
static uint16_t l4_csum(const void *ip, bool v6, const void *l4, size_t len,
			uint8_t proto)
{
	uint32_t sum = proto + (uint32_t)len;

	if (v6)
		sum = csum_add(sum, &((const struct ipv6hdr *)ip)->saddr, 32);
	else
		sum = csum_add(sum, &((const struct iphdr *)ip)->saddr, 8);
	return htons(csum_fold(csum_add(sum, l4, len)));
}

static void swap(void *a, void *b, size_t len)
{
	uint8_t t[16];

	memcpy(t, a, len);
	memcpy(a, b, len);
	memcpy(b, t, len);
}

/* Turns the frame around: addresses and ports swapped, lengths set. */
static void turn_around(uint8_t *frame, void *ip, bool v6, void *l4,
			size_t l4_len)
{
	struct ethhdr *eth = (struct ethhdr *)frame;

	swap(eth->h_source, eth->h_dest, ETH_ALEN);
	if (v6) {
		struct ipv6hdr *ip6 = ip;

		swap(&ip6->saddr, &ip6->daddr, 16);
		ip6->payload_len = htons(l4_len);
		ip6->hop_limit = 64;
	} else {
		struct iphdr *ip4 = ip;

		swap(&ip4->saddr, &ip4->daddr, 4);
		ip4->tot_len = htons(ip4->ihl * 4 + l4_len);
		ip4->ttl = 64;
		ip4->frag_off = 0;
		ip4->check = 0;
		ip4->check = htons(csum_fold(csum_add(0, ip4, ip4->ihl * 4)));
	}
	(void)l4;
}

/* The UDP echo, built in place: the new length, or 0 to drop. */
static uint32_t udp_echo(struct worker *w, uint8_t *frame, void *ip, bool v6,
			 struct udphdr *udp, uint8_t *end, uint32_t room)
{
	size_t payload = (uint8_t *)end - (uint8_t *)(udp + 1);
	char mark[32];
	int n = snprintf(mark, sizeof(mark), "q=%d cpu=%d ", w->queue, w->cpu);
	uint8_t *data = (uint8_t *)(udp + 1);
	size_t l4_len;

	if ((size_t)(end - frame) + n > room ||
	    payload != ntohs(udp->len) - sizeof(*udp))
		return 0;
	memmove(data + n, data, payload);
	memcpy(data, mark, n);
	l4_len = sizeof(*udp) + payload + n;
	swap(&udp->source, &udp->dest, 2);
	udp->len = htons(l4_len);
	turn_around(frame, ip, v6, udp, l4_len);
	udp->check = 0;
	udp->check = l4_csum(ip, v6, udp, l4_len, IPPROTO_UDP);
	if (!v6 && !udp->check)
		udp->check = 0xffff;
	return (uint8_t *)udp + l4_len - frame;
}

/* A RST for a SYN, in place: the new length, or 0 to drop. */
static uint32_t tcp_rst(uint8_t *frame, void *ip, bool v6, struct tcphdr *tcp,
			uint8_t *end)
{
	uint32_t seq = ntohl(tcp->seq);

	if (!tcp->syn || tcp->ack || (uint8_t *)(tcp + 1) > end)
		return 0;
	swap(&tcp->source, &tcp->dest, 2);
	tcp->ack_seq = htonl(seq + 1);
	tcp->seq = 0;
	tcp->doff = sizeof(*tcp) / 4;
	tcp->syn = 0;
	tcp->rst = 1;
	tcp->ack = 1;
	tcp->window = 0;
	tcp->urg_ptr = 0;
	turn_around(frame, ip, v6, tcp, sizeof(*tcp));
	tcp->check = 0;
	tcp->check = l4_csum(ip, v6, tcp, sizeof(*tcp), IPPROTO_TCP);
	return (uint8_t *)(tcp + 1) - frame;
}

/* The answer to one frame, built in place: its length, or 0 to drop. */
static uint32_t answer(struct worker *w, uint8_t *frame, uint32_t len,
		       uint32_t room)
{
	uint8_t *end = frame + len, *l4;
	struct ethhdr *eth = (struct ethhdr *)frame;
	bool v6;
	uint8_t proto;

	if (len < sizeof(*eth))
		return 0;
	if (eth->h_proto == htons(ETH_P_IP)) {
		struct iphdr *ip4 = (struct iphdr *)(eth + 1);

		if ((uint8_t *)(ip4 + 1) > end || ip4->ihl < 5)
			return 0;
		v6 = false;
		proto = ip4->protocol;
		l4 = (uint8_t *)ip4 + ip4->ihl * 4;
		end = (uint8_t *)ip4 + ntohs(ip4->tot_len);
	} else if (eth->h_proto == htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (struct ipv6hdr *)(eth + 1);

		if ((uint8_t *)(ip6 + 1) > end)
			return 0;
		v6 = true;
		proto = ip6->nexthdr; /* no extension headers here */
		l4 = (uint8_t *)(ip6 + 1);
		end = l4 + ntohs(ip6->payload_len);
	} else {
		return 0;
	}
	if (end > frame + len)
		return 0;
	if (proto == IPPROTO_UDP && l4 + sizeof(struct udphdr) <= end) {
		len = udp_echo(w, frame, eth + 1, v6, (struct udphdr *)l4, end,
			       room);
		if (len)
			w->st.udp++;
		return len;
	}
	if (proto == IPPROTO_TCP) {
		len = tcp_rst(frame, eth + 1, v6, (struct tcphdr *)l4, end);
		if (len)
			w->st.rst++;
		return len;
	}
	return 0;
}

/* Frames the kernel has sent go back to the fill ring for RX. */
static void recycle_completed(struct libsteer_xsk *x)
{
	struct xsk_ring_cons *comp = libsteer_xsk__comp(x);
	struct xsk_ring_prod *fill = libsteer_xsk__fill(x);
	__u32 ci, fi, n, i;

	n = xsk_ring_cons__peek(comp, BATCH, &ci);
	if (!n)
		return;
	while (xsk_ring_prod__reserve(fill, n, &fi) != n)
		; /* the fill ring has room: it held these frames before */
	for (i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(fill, fi + i) =
			*xsk_ring_cons__comp_addr(comp, ci + i);
	xsk_ring_prod__submit(fill, n);
	xsk_ring_cons__release(comp, n);
}

/*
 * One batch: every received frame is answered in place and sent, or goes
 * straight back to the fill ring. Returns the frames received.
 */
static unsigned int serve_batch(struct worker *w)
{
	struct libsteer_xsk *x = w->xsk;
	struct xsk_ring_cons *rx = libsteer_xsk__rx(x);
	struct xsk_ring_prod *tx = libsteer_xsk__tx(x);
	struct xsk_ring_prod *fill = libsteer_xsk__fill(x);
	uint8_t *area = libsteer_xsk__umem_area(x);
	uint32_t room = libsteer_xsk__frame_size(x);
	__u32 ri, ti = 0, fi = 0, n, i, sent = 0, dropped = 0;
	__u64 drop[BATCH];

	n = xsk_ring_cons__peek(rx, BATCH, &ri);
	if (!n)
		return 0;
	/* Room for every answer; what is not sent is returned below. */
	while (xsk_ring_prod__reserve(tx, n, &ti) != n)
		recycle_completed(x);
	for (i = 0; i < n; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(rx, ri + i);
		__u64 addr = xsk_umem__add_offset_to_addr(d->addr);
		uint32_t len =
			answer(w, area + addr, d->len, room - (addr % room));

		if (!len) {
			drop[dropped++] = d->addr;
			continue;
		}
		xsk_ring_prod__tx_desc(tx, ti + sent)->addr = d->addr;
		xsk_ring_prod__tx_desc(tx, ti + sent)->len = len;
		sent++;
	}
	xsk_ring_cons__release(rx, n);
	tx->cached_prod -= n - sent; /* give back the unused reservations */
	xsk_ring_prod__submit(tx, sent);
	if (dropped) {
		while (xsk_ring_prod__reserve(fill, dropped, &fi) != dropped)
			;
		for (i = 0; i < dropped; i++)
			*xsk_ring_prod__fill_addr(fill, fi + i) = drop[i];
		xsk_ring_prod__submit(fill, dropped);
	}
	/* Copy mode sends only when asked; zero-copy when the flag says. */
	if (sent &&
	    (!libsteer_xsk__zero_copy(x) || xsk_ring_prod__needs_wakeup(tx)))
		sendto(libsteer_xsk__fd(x), NULL, 0, MSG_DONTWAIT, NULL, 0);
	w->st.rx += n;
	w->st.dropped += dropped;
	return n;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	/* The socket's frames, and libsteer's work (steerd restarting). */
	struct pollfd pfd[2] = {
		{ .fd = libsteer_xsk__fd(w->xsk), .events = POLLIN },
		{ .fd = libsteer_xsk__event_fd(w->xsk), .events = POLLIN },
	};
	int err = libsteer_pin_cpu(w->cpu);

	if (err)
		fprintf(stderr, "xsk_echo: queue %d: pinning to cpu %d: %s\n",
			w->queue, w->cpu, strerror(-err));
	while (!stop) {
		recycle_completed(w->xsk);
		if (serve_batch(w))
			continue;
		/*
		 * Nothing received: sleep until the kernel has frames (the
		 * poll is also the wakeup a need-wakeup fill ring asks for).
		 */
		if (poll(pfd, 2, POLL_MS) > 0 && pfd[1].revents &&
		    libsteer_xsk__next_event(w->xsk) ==
			    LIBSTEER_EVENT_RECONNECTED) {
			printf("xsk_echo: queue %d registered again\n",
			       w->queue);
			fflush(stdout);
		}
	}
	return NULL;
}

static void print_stats(const struct worker *w, int n)
{
	int i;

	for (i = 0; i < n; i++)
		printf("xsk_echo: queue %d cpu %d rx %llu udp %llu rst %llu "
		       "dropped %llu\n",
		       w[i].queue, w[i].cpu, (unsigned long long)w[i].st.rx,
		       (unsigned long long)w[i].st.udp,
		       (unsigned long long)w[i].st.rst,
		       (unsigned long long)w[i].st.dropped);
	fflush(stdout);
}

static int usage(void)
{
	fprintf(stderr, "usage: xsk_echo GROUP IFNAME QUEUES|=QUEUE [--copy] "
			"[--socket PATH]\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct libsteer_xsk_opts opts = { .sz = sizeof(opts) };
	static struct worker workers[MAX_QUEUES];
	int first = 0, n, i, sig, started = 0, rc = 0;
	sigset_t sigs;

	if (argc < 4)
		return usage();
	if (argv[3][0] == '=') {
		first = atoi(argv[3] + 1);
		n = 1;
	} else {
		n = atoi(argv[3]);
	}
	if (n < 1 || n > MAX_QUEUES || first < 0)
		return usage();
	for (i = 4; i < argc; i++) {
		if (!strcmp(argv[i], "--copy"))
			opts.mode = LIBSTEER_XSK_MODE_COPY;
		else if (!strcmp(argv[i], "--socket") && i + 1 < argc)
			opts.socket_path = argv[++i];
		else
			return usage();
	}
	/* Signals are the main thread's: the workers never see them. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	for (i = 0; i < n; i++) {
		struct worker *w = &workers[i];

		w->queue = first + i;
		w->xsk = libsteer_xsk__open(argv[1], argv[2], w->queue, &opts);
		if (!w->xsk) {
			fprintf(stderr, "xsk_echo: queue %d: %s\n", w->queue,
				strerror(errno));
			rc = 1;
			goto out_stop;
		}
		w->cpu = libsteer_xsk__cpu(w->xsk);
		if (pthread_create(&w->thread, NULL, work, w)) {
			libsteer_xsk__close(w->xsk);
			rc = 1;
			goto out_stop;
		}
		started++;
	}
	printf("xsk_echo: %d queues ready (%s mode)\n", n,
	       libsteer_xsk__zero_copy(workers[0].xsk) ? "zero-copy" : "copy");
	fflush(stdout);
	while (sigwait(&sigs, &sig) == 0 && sig == SIGUSR1)
		print_stats(workers, started);
out_stop:
	stop = true;
	for (i = 0; i < started; i++) {
		pthread_join(workers[i].thread, NULL);
		libsteer_xsk__close(workers[i].xsk);
	}
	print_stats(workers, started);
	return rc;
}
