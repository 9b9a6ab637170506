// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The SK_REUSEPORT program of a listener group (select-or-migrate): a SYN
 * goes to the listener of the current CPU's slot (XDP put it on that CPU),
 * else to a live slot chosen by hash; a request or connection queued on a
 * closing listener goes to its slot's other bank (the standby), else to a
 * live slot. Returning SK_PASS without a choice leaves it to the kernel:
 * nothing is ever dropped here.
 */
#include "lib/defs.h"
#include "lib/maps_group.h"
#include "lib/maps_sock.h"

/* Set through the skeleton before load: one instance per group. */
const volatile __u32 group_id = 0;

static __always_inline bool select_bank(struct sk_reuseport_md *md, __u32 slot,
					__u32 bank)
{
	struct steer_sock_key key = {
		.group = group_id,
		.slot = slot,
		.bank = bank & 1,
	};

	return bpf_sk_select_reuseport(md, &steer_socks, &key, 0) == 0;
}

/* The slot's primary bank, then the other one. */
static __always_inline bool select_slot(struct sk_reuseport_md *md,
					const struct steer_live *live,
					__u32 slot)
{
	__u32 bank;

	if (slot >= STEER_MAX_SLOTS)
		return false;
	bank = live->primary[slot];
	return select_bank(md, slot, bank) || select_bank(md, slot, bank ^ 1);
}

/* A live slot by hash; the next ones if it went away meanwhile. */
static __always_inline bool select_live(struct sk_reuseport_md *md,
					const struct steer_live *live)
{
	__u32 count = live->count, first, i, idx;

	if (count == 0 || count > STEER_MAX_SLOTS)
		return false;
	first = md->hash % count;
	for (i = 0; i < STEER_LIVE_TRIES && i < count; i++) {
		idx = (first + i) % count;
		barrier_var(idx); /* idx < count is lost on the verifier */
		if (idx >= STEER_MAX_SLOTS)
			return false;
		if (select_slot(md, live, live->slots[idx]))
			return true;
	}
	return false;
}

/* Where the queue of a closing listener goes: its standby, or a live slot. */
static __always_inline void migrate(struct sk_reuseport_md *md,
				    const struct steer_live *live,
				    struct steer_group_stats *gs)
{
	__u64 cookie = bpf_get_socket_cookie(md->sk);
	struct steer_listener *l;

	l = bpf_map_lookup_elem(&steer_listeners, &cookie);
	if ((l && l->slot < STEER_MAX_SLOTS &&
	     select_bank(md, l->slot, l->bank ^ 1)) ||
	    select_live(md, live))
		gs->migrations++;
	else
		gs->select_none++;
}

SEC("sk_reuseport/migrate")
int steer_reuseport(struct sk_reuseport_md *md)
{
	__u32 key = group_id;
	struct steer_group_stats *gs;
	struct steer_live *live;

	gs = bpf_map_lookup_elem(&steer_group_stats, &key);
	live = bpf_map_lookup_elem(&steer_live, &key);
	if (!gs || !live)
		return SK_PASS;
	if (md->migrating_sk)
		migrate(md, live, gs);
	else if (select_slot(md, live, bpf_get_smp_processor_id()))
		gs->select_local++;
	else if (select_live(md, live))
		gs->select_fallback++;
	else
		gs->select_none++;
	return SK_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
