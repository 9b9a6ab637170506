// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The XDP steering program: parse → match → decide → act. TCP or UDP frames
 * of a listener group are kept on the CPU their arrival CPU's table names
 * (cpu mode), counted where the NIC put them (rss mode, verified if asked),
 * or handed to the AF_XDP socket of their RX queue (xsk groups). Steering
 * goes by the group's kind and the interface's mode, never by protocol.
 * Everything else passes to the stack untouched.
 */
#include "lib/defs.h"
#include "lib/maps.h"
#include "lib/parse.h"
#include "lib/match.h"
#include "lib/toeplitz.h"
#include "lib/cpu_table.h"
#include "lib/live_cpus.h"
#include "lib/stats.h"

#include <xdp/xdp_helpers.h>

/* Set through the skeleton before load. */
const volatile __u32 iface_slot = 0; /* this instance's steer_ifaces key */
const volatile bool debug = false; /* write steer_debug; tests only */

/* libxdp dispatcher: run early, and let the next program see what we pass. */
struct {
	__uint(priority, 10);
	__uint(XDP_PASS, 1);
} XDP_RUN_CONFIG(steer_xdp);

/* What was decided for the frame; only kept when `debug` is set. */
struct verdict {
	__u32 counter;
	__u32 action;
	__u32 group;
	__u32 hash;
	__u32 slot;
	__u32 syn;
};

static __always_inline int finish(struct verdict *v, int xdp_action)
{
	struct steer_decision *d;
	__u32 zero = 0;

	count(v->counter);
	if (!debug)
		return xdp_action;
	d = bpf_map_lookup_elem(&steer_debug, &zero);
	if (d) {
		d->seq++;
		d->counter = v->counter;
		d->action = v->action;
		d->group = v->group;
		d->hash = v->hash;
		d->slot = v->slot;
		d->syn = v->syn;
	}
	return xdp_action;
}

/* Where a SYN went, for its slot's counters. */
enum slot_outcome {
	SLOT_LOCAL,
	SLOT_REDIRECTED,
	SLOT_NO_LOCAL_SLOT,
};

static __always_inline void count_slot_syn(__u32 group, __u32 slot,
					   enum slot_outcome outcome)
{
	struct steer_slot_stats *ss = slot_stats(group, slot);

	if (!ss)
		return;
	ss->syns++;
	if (outcome == SLOT_REDIRECTED)
		ss->redirected++;
	else if (outcome == SLOT_NO_LOCAL_SLOT)
		ss->no_local_slot++;
	else
		ss->local++;
}

/*
 * Whether an xsk group's sockets are bound to this interface: steer_xsks is
 * keyed by (group, queue) only, and a frame redirected to a socket bound to
 * another device is dropped by the kernel. 0: no socket registered yet, the
 * map lookup misses anyway.
 */
static __always_inline bool xsk_on_iface(__u32 group,
					 const struct steer_iface *iface)
{
	const __u32 *ifindex = bpf_map_lookup_elem(&steer_xsk_ifaces, &group);

	return !ifindex || !*ifindex || *ifindex == iface->ifindex;
}

/*
 * xsk group: the AF_XDP socket of the frame's RX queue, if there is one.
 * Every frame counts for its queue's slot; SYNs as local, where they land.
 */
static __always_inline int steer_xsk(struct xdp_md *ctx,
				     const struct steer_iface *iface,
				     const struct steer_frame *f,
				     struct steer_group_stats *gs,
				     struct verdict *v)
{
	__u32 queue = ctx->rx_queue_index;
	struct steer_slot_stats *ss;
	int act = XDP_PASS;

	if (!xsk_on_iface(v->group, iface)) {
		gs->xsk_miss++;
		return XDP_PASS;
	}
	v->slot = queue;
	ss = slot_stats(v->group, queue);
	if (queue < STEER_MAX_QUEUES)
		act = bpf_redirect_map(&steer_xsks,
				       STEER_XSK_INDEX(v->group, queue),
				       XDP_PASS);
	if (act != XDP_REDIRECT) {
		gs->xsk_miss++;
		if (ss)
			ss->xsk_miss++;
		return XDP_PASS;
	}
	v->action = STEER_ACT_REDIRECT_XSK;
	gs->xsk_redirected++;
	if (ss) {
		ss->xsk_redirected++;
		if (f->syn) {
			ss->syns++;
			ss->local++;
		}
	}
	return act;
}

/*
 * Per group, and per interface: a NIC whose table changed under steer
 * shows as its interface's mismatches, whichever groups the flows are in.
 */
static __always_inline void count_rss_mismatch(struct steer_group_stats *gs)
{
	struct steer_iface_stats *is = iface_stats(iface_slot);

	gs->rss_mismatch++;
	if (is)
		is->rss_mismatch++;
}

/*
 * rss mode: the NIC chose the CPU; count it, and check its choice if asked.
 * The frame is local only if the group has a live slot on this CPU: else
 * the reuseport program hands its SYN to another CPU's listener.
 */
static __always_inline int steer_rss_verify(struct xdp_md *ctx,
					    const struct steer_iface *iface,
					    const struct steer_frame *f,
					    struct steer_group_stats *gs,
					    struct verdict *v)
{
	__u32 key = STEER_RSS_INDEX(iface_slot, iface->gen);
	const struct steer_rss *rss;

	v->slot = bpf_get_smp_processor_id();
	if (iface->flags & STEER_IFACE_F_VERIFY_RSS) {
		rss = bpf_map_lookup_elem(&steer_rss, &key);
		if (!rss) {
			gs->fallback++;
		} else {
			v->hash = toeplitz_frame(rss, f);
			if (indir_lookup(rss, v->hash) != ctx->rx_queue_index)
				count_rss_mismatch(gs);
		}
	}
	if (live_on_cpu(v->group, v->slot)) {
		gs->local++;
		if (f->syn)
			count_slot_syn(v->group, v->slot, SLOT_LOCAL);
	} else {
		gs->no_local_slot++;
		if (f->syn)
			count_slot_syn(v->group, v->slot, SLOT_NO_LOCAL_SLOT);
	}
	return XDP_PASS;
}

/*
 * cpu mode: the flow's bucket in the arrival CPU's table names the CPU that
 * handles it; this one (pass) or another (redirect). Stateless: every frame
 * of a flow arrives on the same CPU with the same hash, so gets the same CPU.
 */
static __always_inline int steer_cpu(const struct steer_iface *iface,
				     const struct steer_frame *f,
				     struct steer_group_stats *gs,
				     struct verdict *v)
{
	const struct steer_cpu_table *t =
		cpu_table_lookup(iface_slot, iface->gen);
	__u32 cpu;
	int act;

	if (!t) {
		gs->fallback++;
		return XDP_PASS;
	}
	v->hash = flow_hash_frame(t->hash_key, f);
	cpu = t->cpu[STEER_CPU_BUCKET(v->hash)];
	if (cpu >= STEER_MAX_CPUS) {
		gs->fallback++;
		return XDP_PASS;
	}
	v->slot = cpu;
	if (cpu == bpf_get_smp_processor_id()) {
		gs->local++;
		if (f->syn)
			count_slot_syn(v->group, cpu, SLOT_LOCAL);
		return XDP_PASS;
	}
	act = bpf_redirect_map(&steer_cpumap, cpu, XDP_PASS);
	if (act != XDP_REDIRECT) {
		gs->fallback++;
		return XDP_PASS;
	}
	v->action = STEER_ACT_REDIRECT_CPU;
	gs->redirected++;
	if (f->syn)
		count_slot_syn(v->group, cpu, SLOT_REDIRECTED);
	return act;
}

SEC("xdp")
int steer_xdp(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct verdict v = {
		.action = STEER_ACT_PASS,
		.group = STEER_GROUP_INVALID,
		.slot = STEER_SLOT_INVALID,
	};
	const struct steer_match *m;
	struct steer_group_stats *gs;
	struct steer_iface *iface;
	struct steer_frame f = {};
	__u32 key = iface_slot;

	iface = bpf_map_lookup_elem(&steer_ifaces, &key);
	if (!iface || iface->mode == STEER_MODE_NONE) {
		v.counter = STEER_CNT_NO_IFACE;
		return finish(&v, XDP_PASS);
	}

	v.counter = parse_frame(&f, data, data_end);
	if (v.counter != STEER_NEXT)
		return finish(&v, XDP_PASS);
	v.syn = f.syn;

	m = match_group(&f);
	if (!m) {
		v.counter = STEER_CNT_NO_GROUP;
		return finish(&v, XDP_PASS);
	}
	v.counter = STEER_CNT_MATCHED;
	v.group = m->group;
	gs = group_stats(m->group);
	if (!gs) /* group id out of range: a userland bug, never steer on it */
		return finish(&v, XDP_PASS);
	gs->packets++;
	if (f.syn)
		gs->syns++;

	if (m->kind == STEER_KIND_XSK)
		return finish(&v, steer_xsk(ctx, iface, &f, gs, &v));
	if (iface->mode == STEER_MODE_CPU)
		return finish(&v, steer_cpu(iface, &f, gs, &v));
	return finish(&v, steer_rss_verify(ctx, iface, &f, gs, &v));
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
