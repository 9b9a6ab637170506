// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Tells steerd the moment one of its listeners closes (worker exit, crash,
 * SIGKILL, close()): the TCP state change LISTEN -> CLOSE of a socket in
 * steer_listeners becomes an event in the ring buffer. No polling.
 */
#include "lib/defs.h"
#include "lib/maps_sock.h"

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(steer_listener_state, const struct sock *sk, int oldstate,
	     int newstate)
{
	struct steer_listener *l;
	struct steer_event *ev;
	__u64 cookie;

	if (oldstate != TCP_LISTEN || newstate != TCP_CLOSE)
		return 0;
	cookie = bpf_get_socket_cookie((void *)sk);
	l = bpf_map_lookup_elem(&steer_listeners, &cookie);
	if (!l)
		return 0;
	ev = bpf_ringbuf_reserve(&steer_events, sizeof(*ev), 0);
	if (!ev)
		return 0; /* steerd's periodic reconcile catches it */
	ev->cookie = cookie;
	ev->type = STEER_EV_LISTENER_CLOSED;
	ev->group = l->group;
	ev->slot = l->slot;
	ev->ktime_ns = bpf_ktime_get_ns();
	bpf_ringbuf_submit(ev, 0);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
