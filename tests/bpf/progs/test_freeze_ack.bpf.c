// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Test-only TC program: while `frozen` is set, drops every TCP segment to
 * `port` that carries ACK without SYN, so handshakes to it stay half-open
 * on the server (requests in the listener's SYN queue). Lets the migration
 * test close a listener holding requests, then let the handshakes finish.
 */
#include "lib/defs.h"
#include "lib/parse.h"

/* Not ours: the next filter (or the default) decides. */
#define TC_ACT_UNSPEC (-1)
#define TC_ACT_SHOT 2

const volatile __u16 port = 0; /* host order */
bool frozen = false;

SEC("tc")
int freeze_ack(struct __sk_buff *skb)
{
	void *data_end = (void *)(long)skb->data_end;
	void *data = (void *)(long)skb->data;
	struct steer_frame f = {};
	struct tcphdr *th;
	__u32 reason;

	if (!frozen)
		return TC_ACT_UNSPEC;
	reason = parse_frame(&f, data, data_end);
	if (reason != STEER_NEXT || f.proto != STEER_PROTO_TCP ||
	    bpf_ntohs(f.ports->dest) != port)
		return TC_ACT_UNSPEC;
	th = (struct tcphdr *)f.ports;
	return th->ack && !th->syn ? TC_ACT_SHOT : TC_ACT_UNSPEC;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
