// SPDX-License-Identifier: GPL-2.0-only
/*
 * steerd's status and stats replies: what this steerd and kernel are, and
 * the dataplane's counters.
 */
#include <bpf/bpf.h>

#include "steerd.h"
#include "nic.h"
#include "dataplane/counters.h"
#include "host/sysctl.h"
#include "lib/proto_msg.h"
#include "lib/version.h"

/*
 * The counters, every group's and the CPUMAP's per CPU, packed from the
 * ABI's counter lists.
 */
json_t *steerd_stats(struct steerd *d, const struct steerd_peer *peer,
		     const json_t *req, int fd)
{
	static struct proto_group_stats groups[STEER_MAX_GROUPS];
	static struct proto_cpu_stats cpus[STEER_MAX_CPUS];
	uint64_t counters[STEER_CNT_MAX] = { 0 };
	size_t n = 0;
	__u64 v;
	__u32 i;

	for (i = 0; i < STEER_CNT_MAX; i++)
		if (!steer_counters_read(d->maps.counters, i, &v, sizeof(v)))
			counters[i] = v;
	for (i = 0; i < STEER_MAX_GROUPS; i++) {
		if (!d->groups[i].g.name[0] ||
		    steer_counters_read(d->maps.group_stats, i,
					&groups[n].stats,
					sizeof(groups[n].stats)))
			continue;
		groups[n++].name = d->groups[i].g.name;
	}
	return proto_pack_stats_reply(counters, groups, n, cpus,
				      steerd_cpu_stats(d, cpus));
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

/*
 * What defeats steer on its interfaces, loudest first: a program someone
 * else detached or replaced, then what the NIC's facts warn about.
 */
static json_t *warnings(const struct steerd *d)
{
	json_t *w = json_array();
	uint32_t i, k;

	for (i = 0; i < STEER_MAX_IFACES && w; i++) {
		const struct steerd_iface *ifc = &d->ifaces[i];

		if (!ifc->in_use)
			continue;
		if (ifc->lost[0])
			json_array_append_new(w,
					      json_sprintf("%s: %s", ifc->name,
							   ifc->lost));
		for (k = 0; ifc->nic && k < ifc->nic->nr_warnings; k++)
			json_array_append_new(
				w, json_sprintf("%s: %s", ifc->name,
						ifc->nic->warnings[k]));
	}
	return w;
}

json_t *steerd_status(struct steerd *d, const struct steerd_peer *peer,
		      const json_t *req, int fd)
{
	struct proto_status st = {
		.version = STEER_VERSION,
		.abi = STEER_ABI_VERSION,
		.bpffs = d->pin_dir,
		.pinned = steerd_bpf_pinned(d),
		.netns_cookie = d->netns_cookie,
	};
	int migrate, i;
	json_t *reply;

	/* A kernel without the sysctl has no value for it: null, not -1. */
	st.tcp_migrate_req = sysctl_read_int(STEERD_MIGRATE_REQ, &migrate) ?
				     PROTO_UNKNOWN :
				     migrate;
	for (i = 0; i < STEER_MAX_IFACES; i++)
		st.ifaces += d->ifaces[i].in_use;
	for (i = 0; i < STEER_MAX_GROUPS; i++)
		st.groups += d->groups[i].g.name[0] != '\0';
	st.features = features(d, st.tcp_migrate_req != PROTO_UNKNOWN);
	st.warnings = warnings(d);
	reply = proto_pack_status_reply(&st);
	json_decref(st.features);
	json_decref(st.warnings);
	return reply;
}
