/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Frame parsing: Ethernet, up to two VLAN tags, IPv4 with options or IPv6
 * with extension headers, then the TCP or UDP header. Anything malformed,
 * truncated or fragmented ends the path with the counter that says why; the
 * frame is never modified.
 */
#ifndef STEER_BPF_PARSE_H
#define STEER_BPF_PARSE_H

#include "defs.h"

/* The ports, where TCP and UDP headers both start. */
struct l4_ports {
	__be16 source;
	__be16 dest;
};

/* What the later stages need of a frame. Pointers are into the frame. */
struct steer_frame {
	void *data_end;
	__u8 *addrs; /* saddr then daddr, 4 or 16 bytes each */
	struct l4_ports *ports; /* the TCP or UDP header */
	__u32 af; /* enum steer_af */
	__u32 proto; /* enum steer_proto */
	__u32 syn; /* TCP SYN without ACK: a new connection */
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
	f->ports = tcp;
	f->proto = STEER_PROTO_TCP;
	f->syn = th->syn && !th->ack;
	return STEER_NEXT;
}

/*
 * Checks the UDP header lies within the IP payload [udp, l4_end) and its
 * length does too, as the kernel's UDP receive does: at least the header,
 * at most the payload; 0 only in IPv6 (a jumbogram's: the whole payload).
 */
static __always_inline __u32 parse_udp(struct steer_frame *f, void *udp,
				       void *l4_end)
{
	void *data_end = f->data_end;
	struct udphdr *uh = udp;
	__u32 len;

	barrier_var(data_end);
	if ((void *)(uh + 1) > data_end || (void *)(uh + 1) > l4_end)
		return STEER_CNT_ERR_UDP;
	len = bpf_ntohs(uh->len);
	if (!(len == 0 && f->af == STEER_AF_INET6) &&
	    (len < sizeof(*uh) || udp + len > l4_end))
		return STEER_CNT_ERR_UDP;
	f->ports = udp;
	f->proto = STEER_PROTO_UDP;
	return STEER_NEXT;
}

/* The transport header at l4 of protocol ipproto, or why not. */
static __always_inline __u32 parse_l4(struct steer_frame *f, __u8 ipproto,
				      void *l4, void *l4_end)
{
	if (ipproto == IPPROTO_TCP)
		return parse_tcp(f, l4, l4_end);
	if (ipproto == IPPROTO_UDP)
		return parse_udp(f, l4, l4_end);
	return STEER_CNT_NOT_TCP;
}

/*
 * BIG TCP: a GRO super-packet over 64 KiB has no IP length of its own. IPv4
 * says 0 and the datagram runs to the frame's end (the kernel's
 * iph_totlen()); so does IPv6 in newer kernels (ipv6_payload_len()), older
 * ones put the length in a Hop-by-Hop Jumbo Payload option (RFC 2675),
 * the header's first option. The kernel takes a 0 length only for TCP.
 */
#define IPV6_TLV_JUMBO 0xC2

struct ipv6_jumbo_hbh {
	__u8 nexthdr;
	__u8 hdrlen;
	__u8 tlv_type; /* IPV6_TLV_JUMBO */
	__u8 tlv_len; /* 4 */
	__be32 jumbo_payload_len;
};

/*
 * The smallest jumbo payload length taken: RFC 2675's, over what the 16-bit
 * field holds. Set through the skeleton before load; tests lower it, as
 * BPF_PROG_TEST_RUN frames fit in a page.
 */
const volatile __u32 ip6_jumbo_min = IPV6_MAXPLEN + 1;

static __always_inline __u32 parse_ipv4(struct steer_frame *f, void *pos)
{
	struct iphdr *iph = pos;
	__u32 hlen, tot_len;
	void *l4_end;

	if ((void *)(iph + 1) > f->data_end)
		return STEER_CNT_ERR_IP4;
	hlen = iph->ihl * 4;
	if (iph->version != 4 || hlen < sizeof(*iph))
		return STEER_CNT_ERR_IP4;
	tot_len = bpf_ntohs(iph->tot_len);
	if (tot_len == 0 && iph->protocol == IPPROTO_TCP) {
		l4_end = f->data_end; /* BIG TCP */
		if (pos + hlen > l4_end)
			return STEER_CNT_ERR_IP4;
	} else {
		/* Shorter than the frame (padding) is fine, longer is not. */
		l4_end = pos + tot_len;
		if (tot_len < hlen || l4_end > f->data_end)
			return STEER_CNT_ERR_IP4;
	}
	if (iph->frag_off & bpf_htons(IP_MF | IP_OFFSET))
		return STEER_CNT_FRAGMENT;
	f->af = STEER_AF_INET;
	f->addrs = (__u8 *)&iph->saddr;
	return parse_l4(f, iph->protocol, pos + hlen, l4_end);
}

static __always_inline bool ipv6_is_ext(__u8 nexthdr)
{
	return nexthdr == IPPROTO_HOPOPTS || nexthdr == IPPROTO_ROUTING ||
	       nexthdr == IPPROTO_DSTOPTS;
}

/* The end of a jumbogram's payload, or NULL if its option is not valid. */
static __always_inline void *ipv6_jumbo_end(struct ipv6hdr *ip6h,
					    void *data_end)
{
	struct ipv6_jumbo_hbh *hbh = (void *)(ip6h + 1);
	void *end;
	__u32 len;

	if ((void *)(hbh + 1) > data_end || hbh->tlv_type != IPV6_TLV_JUMBO ||
	    hbh->tlv_len != 4)
		return NULL;
	len = bpf_ntohl(hbh->jumbo_payload_len);
	/* The bound is for the verifier: no frame comes near it. */
	if (len < ip6_jumbo_min || len > STEER_LEN_BOUND)
		return NULL;
	end = (void *)hbh + len;
	return end > data_end ? NULL : end;
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
	if (ip6h->payload_len == 0 && ip6h->nexthdr == IPPROTO_TCP)
		l4_end = f->data_end; /* BIG TCP */
	else if (ip6h->payload_len == 0 && ip6h->nexthdr == IPPROTO_HOPOPTS)
		l4_end = ipv6_jumbo_end(ip6h, f->data_end);
	if (!l4_end || l4_end > f->data_end)
		return STEER_CNT_ERR_IP6;
	f->af = STEER_AF_INET6;
	f->addrs = (__u8 *)&ip6h->saddr;
	nexthdr = ip6h->nexthdr;
	pos = ip6h + 1;

	/* Headers may follow in any order; the walk is bounded. */
	for (i = 0; i <= STEER_IP6_EXT_MAX; i++) {
		if (nexthdr == IPPROTO_TCP || nexthdr == IPPROTO_UDP)
			return parse_l4(f, nexthdr, pos, l4_end);
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

/* Parses a frame down to its TCP or UDP header. */
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
