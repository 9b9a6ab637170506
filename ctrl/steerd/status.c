// SPDX-License-Identifier: GPL-2.0-only
/*
 * steerd's status and stats replies: what this steerd and kernel are, and
 * the dataplane's counters.
 */
#include <bpf/bpf.h>

#include "steerd.h"
#include "dataplane/counters.h"
#include "host/sysctl.h"
#include "lib/version.h"

static const char *const counter_names[STEER_CNT_MAX] = {
	[STEER_CNT_NO_IFACE] = "no_iface",
	[STEER_CNT_NOT_IP] = "not_ip",
	[STEER_CNT_NOT_TCP] = "not_tcp",
	[STEER_CNT_FRAGMENT] = "fragment",
	[STEER_CNT_NO_GROUP] = "no_group",
	[STEER_CNT_MATCHED] = "matched",
	[STEER_CNT_ERR_ETH] = "err_eth",
	[STEER_CNT_ERR_VLAN] = "err_vlan",
	[STEER_CNT_ERR_VLAN_DEPTH] = "err_vlan_depth",
	[STEER_CNT_ERR_IP4] = "err_ip4",
	[STEER_CNT_ERR_IP6] = "err_ip6",
	[STEER_CNT_ERR_IP6_EXT] = "err_ip6_ext",
	[STEER_CNT_ERR_IP6_EXT_DEPTH] = "err_ip6_ext_depth",
	[STEER_CNT_ERR_TCP] = "err_tcp",
};

json_t *steerd_stats(struct steerd *d, const struct steerd_peer *peer,
		     const json_t *req, int fd)
{
	json_t *counters = json_object(), *groups = json_array();
	__u64 v;
	__u32 i;

	for (i = 0; i < STEER_CNT_MAX; i++)
		if (!steer_counters_read(d->maps.counters, i, &v, sizeof(v)))
			json_object_set_new(counters, counter_names[i],
					    json_integer(v));
	for (i = 0; i < STEER_MAX_GROUPS; i++) {
		struct steer_group_stats s;

		if (!d->groups[i].g.name[0] ||
		    steer_counters_read(d->maps.group_stats, i, &s, sizeof(s)))
			continue;
		json_array_append_new(
			groups,
			json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
				  "s:I, s:I, s:I, s:I, s:I}",
				  "name", d->groups[i].g.name, "packets",
				  (json_int_t)s.packets, "syns",
				  (json_int_t)s.syns, "local",
				  (json_int_t)s.local, "redirected",
				  (json_int_t)s.redirected, "fallback",
				  (json_int_t)s.fallback, "xsk_redirected",
				  (json_int_t)s.xsk_redirected, "xsk_miss",
				  (json_int_t)s.xsk_miss, "rss_mismatch",
				  (json_int_t)s.rss_mismatch, "select_local",
				  (json_int_t)s.select_local, "select_fallback",
				  (json_int_t)s.select_fallback, "select_none",
				  (json_int_t)s.select_none, "migrations",
				  (json_int_t)s.migrations));
	}
	return steerd_reply(json_pack("{s:o, s:o}", "counters", counters,
				      "groups", groups));
}

/* What this kernel and this steerd were found to support. */
static json_t *features(const struct steerd *d, bool migrate_known)
{
	json_t *f = json_object();

	/* Linux 5.14: a closing listener's queue can migrate. */
	json_object_set_new(f, "reuseport_migrate",
			    json_boolean(migrate_known));
	/* The lifecycle program loaded and its ring buffer is read. */
	json_object_set_new(f, "ringbuf_events", json_boolean(d->events));
	/* Known once an interface was attached: dispatcher or alone. */
	if (d->dispatcher_seen >= 0)
		json_object_set_new(f, "xdp_dispatcher",
				    json_boolean(d->dispatcher_seen));
	return f;
}

json_t *steerd_status(struct steerd *d, const struct steerd_peer *peer,
		      const json_t *req, int fd)
{
	int migrate, ifaces = 0, groups = 0, i;
	bool migrate_known;

	/* A kernel without the sysctl has no value for it: null, not -1. */
	migrate_known = !sysctl_read_int(STEERD_MIGRATE_REQ, &migrate);
	for (i = 0; i < STEER_MAX_IFACES; i++)
		ifaces += d->ifaces[i].in_use;
	for (i = 0; i < STEER_MAX_GROUPS; i++)
		groups += d->groups[i].g.name[0] != '\0';
	return steerd_reply(json_pack(
		"{s:s, s:i, s:s, s:b, s:I, s:o, s:o, s:i, s:i}", "version",
		STEER_VERSION, "abi", STEER_ABI_VERSION, "bpffs", d->pin_dir,
		"pinned", steerd_bpf_pinned(d), "netns_cookie",
		(json_int_t)d->netns_cookie, "tcp_migrate_req",
		migrate_known ? json_integer(migrate) : json_null(), "features",
		features(d, migrate_known), "ifaces", ifaces, "groups",
		groups));
}
