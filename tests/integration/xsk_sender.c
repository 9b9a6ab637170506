// SPDX-License-Identifier: GPL-2.0-only
/* Crafted frames sent on a chosen TX queue through AF_XDP (xsk_sender.h). */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>

#include <xdp/xsk.h>

#include "xsk_sender.h"

#define SENDER_FRAMES 1024
#define SENDER_RING 512

struct xsk_sender {
	struct xsk_ring_prod fill, tx;
	struct xsk_ring_cons comp;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	uint8_t *area;
	uint32_t next; /* the next frame to use, round robin */
	uint32_t in_flight;
};

struct xsk_sender *xsk_sender_open(const char *ifname, int queue)
{
	const struct xsk_umem_config ucfg = {
		.fill_size = SENDER_RING,
		.comp_size = SENDER_RING,
		.frame_size = XSK_SENDER_FRAME,
	};
	const struct xsk_socket_config cfg = {
		.tx_size = SENDER_RING,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = XDP_COPY,
	};
	struct xsk_sender *s = calloc(1, sizeof(*s));
	int err;

	if (!s)
		return NULL;
	s->area = mmap(NULL, SENDER_FRAMES * XSK_SENDER_FRAME,
		       PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		       0);
	if (s->area == MAP_FAILED) {
		err = -errno;
		s->area = NULL;
		goto out_free;
	}
	err = xsk_umem__create(&s->umem, s->area,
			       SENDER_FRAMES * XSK_SENDER_FRAME, &s->fill,
			       &s->comp, &ucfg);
	if (!err)
		err = xsk_socket__create(&s->xsk, ifname, queue, s->umem, NULL,
					 &s->tx, &cfg);
	if (!err)
		return s;
out_free:
	xsk_sender_close(s);
	errno = -err;
	return NULL;
}

void xsk_sender_close(struct xsk_sender *s)
{
	if (!s)
		return;
	if (s->xsk)
		xsk_socket__delete(s->xsk);
	if (s->umem)
		xsk_umem__delete(s->umem);
	if (s->area)
		munmap(s->area, SENDER_FRAMES * XSK_SENDER_FRAME);
	free(s);
}

/* Frames the kernel has sent are free again. */
static void reap(struct xsk_sender *s)
{
	__u32 idx, n = xsk_ring_cons__peek(&s->comp, SENDER_RING, &idx);

	xsk_ring_cons__release(&s->comp, n);
	s->in_flight -= n;
}

int xsk_sender_send(struct xsk_sender *s, const uint8_t *const *frames,
		    const uint16_t *lens, int n)
{
	__u32 idx = 0, i, room;
	__u64 addr;

	reap(s);
	room = SENDER_RING - s->in_flight;
	if ((__u32)n > room)
		n = room;
	if (n > 0 && xsk_ring_prod__reserve(&s->tx, n, &idx) != (__u32)n)
		n = 0;
	for (i = 0; i < (__u32)n; i++) {
		struct xdp_desc *d = xsk_ring_prod__tx_desc(&s->tx, idx + i);

		addr = (__u64)(s->next++ % SENDER_FRAMES) * XSK_SENDER_FRAME;
		memcpy(s->area + addr, frames[i], lens[i]);
		d->addr = addr;
		d->len = lens[i];
	}
	xsk_ring_prod__submit(&s->tx, n);
	s->in_flight += n;
	/* Copy mode sends only when asked. */
	if (sendto(xsk_socket__fd(s->xsk), NULL, 0, MSG_DONTWAIT, NULL, 0) &&
	    errno != EAGAIN && errno != EBUSY && errno != ENOBUFS)
		return -errno;
	return n;
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

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/* Ethernet and IPv4 headers for an L4 segment of l4_len bytes. */
static uint8_t *ip4_headers(uint8_t *buf, const struct frame_flow *f,
			    uint8_t proto, size_t l4_len)
{
	struct ethhdr *eth = (struct ethhdr *)buf;
	struct iphdr *ip = (struct iphdr *)(eth + 1);

	memcpy(eth->h_dest, f->dst_mac, ETH_ALEN);
	memcpy(eth->h_source, f->src_mac, ETH_ALEN);
	eth->h_proto = htons(ETH_P_IP);
	memset(ip, 0, sizeof(*ip));
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = proto;
	ip->tot_len = htons(sizeof(*ip) + l4_len);
	ip->saddr = f->saddr.s_addr;
	ip->daddr = f->daddr.s_addr;
	ip->check = csum_fold(csum_add(0, ip, sizeof(*ip)));
	return (uint8_t *)(ip + 1);
}

static uint16_t l4_csum(const struct frame_flow *f, uint8_t proto,
			const void *l4, size_t len)
{
	uint32_t sum = proto + (uint32_t)len;

	sum = csum_add(sum, &f->saddr, 4);
	sum = csum_add(sum, &f->daddr, 4);
	return csum_fold(csum_add(sum, l4, len));
}

size_t frame_udp4(uint8_t *buf, size_t room, const struct frame_flow *f,
		  const void *payload, size_t len)
{
	size_t l4_len = sizeof(struct udphdr) + len;
	size_t total = sizeof(struct ethhdr) + sizeof(struct iphdr) + l4_len;
	struct udphdr *udp;

	if (total > room || total > XSK_SENDER_FRAME)
		return 0;
	udp = (struct udphdr *)ip4_headers(buf, f, IPPROTO_UDP, l4_len);
	udp->source = htons(f->sport);
	udp->dest = htons(f->dport);
	udp->len = htons(l4_len);
	udp->check = 0;
	memcpy(udp + 1, payload, len);
	udp->check = l4_csum(f, IPPROTO_UDP, udp, l4_len);
	if (!udp->check)
		udp->check = 0xffff;
	return total;
}

size_t frame_syn4(uint8_t *buf, size_t room, const struct frame_flow *f,
		  uint32_t seq)
{
	size_t total = sizeof(struct ethhdr) + sizeof(struct iphdr) +
		       sizeof(struct tcphdr);
	struct tcphdr *tcp;

	if (total > room)
		return 0;
	tcp = (struct tcphdr *)ip4_headers(buf, f, IPPROTO_TCP, sizeof(*tcp));
	memset(tcp, 0, sizeof(*tcp));
	tcp->source = htons(f->sport);
	tcp->dest = htons(f->dport);
	tcp->seq = htonl(seq);
	tcp->doff = sizeof(*tcp) / 4;
	tcp->syn = 1;
	tcp->window = htons(65535);
	tcp->check = l4_csum(f, IPPROTO_TCP, tcp, sizeof(*tcp));
	return total;
}

int link_mac(const char *ifname, uint8_t mac[6])
{
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (s < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(s, SIOCGIFHWADDR, &ifr))
		err = -errno;
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(s);
	return err;
}
