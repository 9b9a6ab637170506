/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Frame parsing: Ethernet, up to two VLAN tags, IPv4 with options or IPv6
 * with extension headers, then the TCP header. Anything malformed, truncated
 * or fragmented ends the path with the counter that says why; the frame is
 * never modified.
 */
#ifndef STEER_BPF_PARSE_H
#define STEER_BPF_PARSE_H

#include "defs.h"

/* What the later stages need of a TCP frame. Pointers are into the frame. */
struct steer_frame {
	void *data_end;
	__u8 *addrs; /* saddr then daddr, 4 or 16 bytes each */
	struct tcphdr *tcp;
	__u32 af; /* enum steer_af */
	__u32 syn; /* SYN without ACK: a new connection */
};

/*
 * Returns the EtherType after up to STEER_VLAN_MAX tags, host order, with
 * *pos just past the Ethernet/VLAN headers; or 0 with *reason set.
 */
static __always_inline __u16 parse_eth(void **pos, void *end, __u32 *reason)
{
	struct ethhdr *eth = *pos;
	struct vlan_hdr *vlan;
	__u16 proto;
	int i;

	if ((void *)(eth + 1) > end) {
		*reason = STEER_CNT_ERR_ETH;
		return 0;
	}
	proto = bpf_ntohs(eth->h_proto);
	*pos = eth + 1;

#pragma unroll
	for (i = 0; i < STEER_VLAN_MAX; i++) {
		if (proto != ETH_P_8021Q && proto != ETH_P_8021AD)
			return proto;
		vlan = *pos;
		if ((void *)(vlan + 1) > end) {
			*reason = STEER_CNT_ERR_VLAN;
			return 0;
		}
		proto = bpf_ntohs(vlan->h_vlan_encapsulated_proto);
		*pos = vlan + 1;
	}
	if (proto == ETH_P_8021Q || proto == ETH_P_8021AD) {
		*reason = STEER_CNT_ERR_VLAN_DEPTH;
		return 0;
	}
	return proto;
}

/* Checks the TCP header lies within the IP payload [tcp, l4_end). */
static __always_inline __u32 parse_tcp(struct steer_frame *f, void *tcp,
				       void *l4_end)
{
	void *data_end = f->data_end;
	struct tcphdr *th = tcp;
	__u32 len;

	barrier_var(data_end);
	if ((void *)(th + 1) > data_end || (void *)(th + 1) > l4_end)
		return STEER_CNT_ERR_TCP;
	len = th->doff * 4;
	if (len < sizeof(*th) || tcp + len > l4_end)
		return STEER_CNT_ERR_TCP;
	f->tcp = th;
	f->syn = th->syn && !th->ack;
	return STEER_NEXT;
}

static __always_inline __u32 parse_ipv4(struct steer_frame *f, void *pos)
{
	struct iphdr *iph = pos;
	void *l4_end;
	__u32 hlen;

	if ((void *)(iph + 1) > f->data_end)
		return STEER_CNT_ERR_IP4;
	hlen = iph->ihl * 4;
	if (iph->version != 4 || hlen < sizeof(*iph))
		return STEER_CNT_ERR_IP4;
	/* The datagram may be shorter than the frame (padding), not longer. */
	l4_end = pos + bpf_ntohs(iph->tot_len);
	if (bpf_ntohs(iph->tot_len) < hlen || l4_end > f->data_end)
		return STEER_CNT_ERR_IP4;
	if (iph->frag_off & bpf_htons(IP_MF | IP_OFFSET))
		return STEER_CNT_FRAGMENT;
	if (iph->protocol != IPPROTO_TCP)
		return STEER_CNT_NOT_TCP;
	f->af = STEER_AF_INET;
	f->addrs = (__u8 *)&iph->saddr;
	return parse_tcp(f, pos + hlen, l4_end);
}

static __always_inline bool ipv6_is_ext(__u8 nexthdr)
{
	return nexthdr == IPPROTO_HOPOPTS || nexthdr == IPPROTO_ROUTING ||
	       nexthdr == IPPROTO_DSTOPTS;
}

static __always_inline __u32 parse_ipv6(struct steer_frame *f, void *pos)
{
	struct ipv6hdr *ip6h = pos;
	struct ipv6_opt_hdr *ext;
	void *l4_end, *data_end;
	__u8 nexthdr;
	int i;

	if ((void *)(ip6h + 1) > f->data_end)
		return STEER_CNT_ERR_IP6;
	if (ip6h->version != 6)
		return STEER_CNT_ERR_IP6;
	l4_end = (void *)(ip6h + 1) + bpf_ntohs(ip6h->payload_len);
	if (l4_end > f->data_end)
		return STEER_CNT_ERR_IP6;
	f->af = STEER_AF_INET6;
	f->addrs = (__u8 *)&ip6h->saddr;
	nexthdr = ip6h->nexthdr;
	pos = ip6h + 1;

	/* Headers may follow in any order; the walk is bounded. */
	for (i = 0; i <= STEER_IP6_EXT_MAX; i++) {
		if (nexthdr == IPPROTO_TCP)
			return parse_tcp(f, pos, l4_end);
		if (nexthdr == IPPROTO_FRAGMENT)
			return STEER_CNT_FRAGMENT;
		if (!ipv6_is_ext(nexthdr))
			return STEER_CNT_NOT_TCP;
		if (i == STEER_IP6_EXT_MAX)
			break;
		ext = pos;
		data_end = f->data_end;
		barrier_var(data_end);
		if ((void *)(ext + 1) > data_end || (void *)(ext + 1) > l4_end)
			return STEER_CNT_ERR_IP6_EXT;
		nexthdr = ext->nexthdr;
		pos += (ext->hdrlen + 1) * 8;
		if (pos > l4_end)
			return STEER_CNT_ERR_IP6_EXT;
	}
	return STEER_CNT_ERR_IP6_EXT_DEPTH;
}

/* Parses a frame down to its TCP header. */
static __always_inline __u32 parse_frame(struct steer_frame *f, void *data,
					 void *data_end)
{
	__u32 reason = STEER_NEXT;
	void *pos = data;
	__u16 proto;

	f->data_end = data_end;
	proto = parse_eth(&pos, data_end, &reason);
	if (proto == ETH_P_IP)
		return parse_ipv4(f, pos);
	if (proto == ETH_P_IPV6)
		return parse_ipv6(f, pos);
	return reason != STEER_NEXT ? reason : STEER_CNT_NOT_IP;
}

#endif /* STEER_BPF_PARSE_H */
