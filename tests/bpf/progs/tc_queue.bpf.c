// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A TC egress program for test senders: each UDP or TCP packet leaves on
 * TX queue (source port % nr_queues), so on veth it arrives on that RX
 * queue of the peer. A test picks a flow's queue by its source port (this
 * kernel has no skbedit action).
 */
#include "lib/defs.h"

#define TC_ACT_OK 0
#define ETH_HLEN 14

const volatile __u32 nr_queues = 1;

SEC("tc")
int tc_queue(struct __sk_buff *skb)
{
	__u32 l4 = ETH_HLEN;
	__u16 sport;
	__u8 b, proto;

	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		if (bpf_skb_load_bytes(skb, ETH_HLEN, &b, 1) ||
		    bpf_skb_load_bytes(skb, ETH_HLEN + 9, &proto, 1))
			return TC_ACT_OK;
		l4 += (b & 0xf) * 4;
	} else if (skb->protocol == bpf_htons(ETH_P_IPV6)) {
		/* Test traffic has no extension headers. */
		if (bpf_skb_load_bytes(skb, ETH_HLEN + 6, &proto, 1))
			return TC_ACT_OK;
		l4 += 40;
	} else {
		return TC_ACT_OK;
	}
	if ((proto != IPPROTO_UDP && proto != IPPROTO_TCP) || !nr_queues ||
	    bpf_skb_load_bytes(skb, l4, &sport, 2))
		return TC_ACT_OK;
	skb->queue_mapping = bpf_ntohs(sport) % nr_queues;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
