// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The SK_REUSEPORT program of a listener group (select-or-migrate): a SYN
 * goes to the listener of the current CPU's slot (XDP put it on that CPU),
 * else to a live slot chosen by hash; a request or connection queued on a
 * closing listener goes to its slot's other bank (the standby), else to a
 * live slot. Returning SK_PASS without a choice leaves it to the kernel:
 * nothing is ever dropped here.
 *
 * A UDP group's sockets run the same program for every datagram: the
 * current CPU's slot, else a live one. The kernel runs it for selection
 * whatever the attach type, and migrates only TCP: migrating_sk is never
 * set for UDP, and a closed UDP socket's queued datagrams are lost. Every choice is counted, per group and per
 * slot, where it is made (STEER_SELECT_COUNTERS in steer_abi.h).
 */
#include "lib/defs.h"
#include "lib/maps_sock.h"
#include "lib/stats_group.h"

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

/* One STEER_SELECT_COUNTERS field, in the group's and the slot's stats. */
#define COUNT(gs, ss, field)           \
	do {                           \
		(gs)->field++;         \
		if (ss)                \
			(ss)->field++; \
	} while (0)

/*
 * Where the queue of a closing listener goes: its slot's other bank (the
 * standby), or a live slot. Counted against the closing listener's slot;
 * a listener steer does not know of has none, only the group counts it.
 */
static __always_inline void migrate(struct sk_reuseport_md *md,
				    const struct steer_live *live,
				    struct steer_group_stats *gs)
{
	__u64 cookie = bpf_get_socket_cookie(md->sk);
	struct steer_slot_stats *ss = NULL;
	struct steer_listener *l;

	l = bpf_map_lookup_elem(&steer_listeners, &cookie);
	if (l)
		ss = slot_stats(group_id, l->slot);
	if (l && l->slot < STEER_MAX_SLOTS &&
	    select_bank(md, l->slot, l->bank ^ 1))
		COUNT(gs, ss, migrate_standby);
	else if (select_live(md, live))
		COUNT(gs, ss, migrate_other);
	else
		COUNT(gs, ss, migrate_none);
}

/*
 * A SYN: the listener of the slot of the CPU processing it, else a live
 * slot's, else the kernel's choice; counted against the CPU's slot.
 */
static __always_inline void select_syn(struct sk_reuseport_md *md,
				       const struct steer_live *live,
				       struct steer_group_stats *gs)
{
	__u32 cpu = bpf_get_smp_processor_id();
	struct steer_slot_stats *ss = slot_stats(group_id, cpu);

	if (select_slot(md, live, cpu))
		COUNT(gs, ss, select_local);
	else if (select_live(md, live))
		COUNT(gs, ss, select_fallback);
	else
		COUNT(gs, ss, select_none);
}

SEC("sk_reuseport/migrate")
int steer_reuseport(struct sk_reuseport_md *md)
{
	struct steer_group_stats *gs = group_stats(group_id);
	__u32 key = group_id;
	struct steer_live *live;

	live = bpf_map_lookup_elem(&steer_live, &key);
	if (!gs || !live)
		return SK_PASS;
	if (md->migrating_sk)
		migrate(md, live, gs);
	else
		select_syn(md, live, gs);
	return SK_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
