// SPDX-License-Identifier: GPL-2.0-only
/*
 * iface show: an interface as steerd sees it (the NIC's facts with their
 * sources, cpu mode's tables, counters, warnings), and a flow as the NIC
 * and steer would place it (steerctl hash --iface).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>

#include "steerd.h"
#include "nic.h"
#include "host/irq.h"
#include "lib/cpu_table.h"
#include "lib/parse.h"
#include "lib/proto.h"
#include "lib/proto_msg.h"
#include "lib/toeplitz.h"
#include "netlink/uapi/linux/netdev.h"

static void hex_text(const uint8_t *b, uint32_t n, char *out)
{
	uint32_t i;

	*out = '\0';
	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

/* The XDP RX metadata the device offers, as "hash,timestamp,vlan_tag". */
static void rx_metadata_text(const struct nic *nic, char *out, size_t size)
{
	static const struct {
		uint64_t bit;
		const char *name;
	} names[] = {
		{ NETDEV_XDP_RX_METADATA_HASH, "hash" },
		{ NETDEV_XDP_RX_METADATA_TIMESTAMP, "timestamp" },
		{ NETDEV_XDP_RX_METADATA_VLAN_TAG, "vlan_tag" },
	};
	size_t i, off = 0;

	*out = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (nic->rx_metadata & names[i].bit)
			off += snprintf(out + off, size - off, "%s%s",
					off ? "," : "", names[i].name);
}

/* Each live table's kept share: [{cpu, arrivals, kept}] for iface show. */
static json_t *cpu_tables_json(struct steerd *d, const struct steerd_iface *i)
{
	uint32_t n = steerd_possible_cpus(), c, b, kept;
	uint32_t *arrivals = calloc(n, sizeof(*arrivals));
	struct steer_cpu_table *t = calloc(n, sizeof(*t));
	json_t *list = NULL;

	if (!t || !arrivals ||
	    steer_maps__get_cpu_tables(&d->maps, i - d->ifaces, t, n))
		goto out;
	nic_arrivals(i->nic, arrivals, n);
	list = json_array();
	for (c = 0; c < n && list; c++) {
		for (b = 0, kept = 0; b < STEER_CPU_BUCKETS; b++)
			kept += t[c].cpu[b] == c;
		if (!arrivals[c] && !kept)
			continue;
		json_array_append_new(
			list, json_pack("{s:i, s:i, s:i, s:i}", "cpu", c,
					"arrivals", arrivals[c], "kept", kept,
					"buckets", STEER_CPU_BUCKETS));
	}
out:
	free(t);
	free(arrivals);
	return list;
}

static uint64_t rss_mismatches(struct steerd *d, uint32_t slot)
{
	uint32_t n = steerd_possible_cpus(), c;
	struct steer_iface_stats *s = calloc(n, sizeof(*s));
	uint64_t sum = 0;

	if (s && !bpf_map_lookup_elem(d->maps.iface_stats, &slot, s))
		for (c = 0; c < n; c++)
			sum += s[c].rss_mismatch;
	free(s);
	return sum;
}

/* The interface object of iface show and attach (a new reference). */
json_t *steerd_iface_json(struct steerd *d, const struct steerd_iface *i,
			  json_t *flow)
{
	const struct nic *nic = i->nic;
	char key[2 * STEER_RSS_KEY_MAX + 1], meta[64];
	struct proto_iface ifc = {
		.name = i->name,
		.ifindex = i->ifindex,
		.slot = i - d->ifaces,
		.xdp_mode = i->skb_mode ? "skb" : "native",
		.attach = i->dispatcher ? "dispatcher" : "single",
		.steer = i->steer == STEER_MODE_RSS ? "rss" : "cpu",
		.rx_queues = nic->rx_queues,
		.ncpus = i->nr_cpus,
		.indir_size = nic->rss.indir_size,
		.key = key,
		.nic = true,
		.rx_queues_max = nic->rx_queues_max,
		.hfunc = nic_hfunc_name(nic),
		.rss_source = nic_rss_source_name(nic->rss_source),
		.rx_metadata = nic->rx_metadata_known ? meta : NULL,
		.state = i->lost[0] ? "lost" :
			 i->down    ? "down" :
				      "up",
		.lost = i->lost[0] ? i->lost : NULL,
		.verify_rss = i->flags & STEER_IFACE_F_VERIFY_RSS,
		.rss_mismatch = rss_mismatches(d, i - d->ifaces),
		.resyncs = i->resyncs,
		.redirect_ppm = (uint32_t)(i->redirect_fraction * 1e6 + 0.5),
		.flow = flow,
	};
	json_t *o;
	uint32_t q;

	memcpy(ifc.cpus, i->cpus, i->nr_cpus * sizeof(i->cpus[0]));
	hex_text(nic->rss.key, nic->rss_source ? nic->rss.key_len : 0, key);
	rx_metadata_text(nic, meta, sizeof(meta));
	ifc.indir = json_array();
	for (q = 0; q < nic->rss.indir_size && ifc.indir; q++)
		json_array_append_new(ifc.indir,
				      json_integer(nic->rss.indir[q]));
	ifc.queue_cpus = json_array();
	for (q = 0; q < nic->rx_queues && ifc.queue_cpus; q++) {
		o = json_pack("{s:i, s:i, s:s}", "queue", q, "cpu",
			      nic->queue_cpu[q], "source",
			      nic_cpu_source_name(nic->queue_src[q]));
		if (o && nic->queue_irq[q] != IRQ_NUMBER_UNKNOWN)
			json_object_set_new(o, "irq",
					    json_integer(nic->queue_irq[q]));
		json_array_append_new(ifc.queue_cpus, o);
	}
	ifc.warnings = json_array();
	for (q = 0; q < nic->nr_warnings && ifc.warnings; q++)
		json_array_append_new(ifc.warnings,
				      json_string(nic->warnings[q]));
	if (i->steer == STEER_MODE_CPU)
		ifc.cpu_tables = cpu_tables_json(d, i);
	o = proto_pack_iface(&ifc);
	json_decref(ifc.indir);
	json_decref(ifc.queue_cpus);
	json_decref(ifc.warnings);
	json_decref(ifc.cpu_tables);
	return o;
}

/*
 * A flow as the NIC and steer see it: the Toeplitz hash with the NIC's
 * key, its bucket, queue and CPU; in cpu mode the CPU steer sends it to.
 */
static json_t *flow_json(struct steerd *d, const struct steerd_iface *i,
			 const struct proto_flow *fl)
{
	uint8_t in[STEER_TOEPLITZ_INPUT_MAX];
	const struct nic *nic = i->nic;
	struct steer_addr src, dst;
	struct parse_err perr;
	uint32_t hash, bucket, queue, cpu, steer_cpu,
		n = steerd_possible_cpus();
	struct steer_cpu_table *t;
	size_t len;

	if (parse_addr(fl->src, &src, &perr) ||
	    parse_addr(fl->dst, &dst, &perr) || src.af != dst.af ||
	    fl->sport > 65535 || fl->dport > 65535)
		return NULL;
	if (!nic_rss_toeplitz(nic))
		return json_object();
	len = toeplitz_input(in, src.af, src.bytes, dst.bytes, htons(fl->sport),
			     htons(fl->dport), true);
	hash = toeplitz_hash(nic->rss.key, nic->rss.key_len, in, len);
	bucket = hash % nic->rss.indir_size;
	queue = nic->rss.indir[bucket];
	cpu = queue < nic->rx_queues ? nic->queue_cpu[queue] : IRQ_CPU_UNKNOWN;
	steer_cpu = cpu;
	t = calloc(n, sizeof(*t));
	if (i->steer == STEER_MODE_CPU && t &&
	    !steer_maps__get_cpu_tables(&d->maps, i - d->ifaces, t, n))
		steer_cpu = cpu_table_target(
			t, n, cpu,
			cpu_table_flow_hash(t[0].hash_key, src.af, src.bytes,
					    dst.bytes, htons(fl->sport),
					    htons(fl->dport)));
	free(t);
	return json_pack("{s:i, s:i, s:i, s:i, s:i}", "hash", hash, "bucket",
			 bucket, "queue", queue, "cpu", cpu, "steer_cpu",
			 steer_cpu);
}

json_t *steerd_iface_show(struct steerd *d, const struct steerd_peer *peer,
			  const json_t *req, int fd)
{
	struct steerd_iface *one = NULL;
	struct proto_flow fl;
	struct proto_read rd;
	json_t *list, *flow = NULL;
	const char *name;
	bool with_flow;
	int i;

	proto_read_init(&rd);
	if (proto_unpack_iface_show_req(&rd, req, &name) ||
	    proto_unpack_iface_flow(&rd, req, &fl, &with_flow))
		return proto_reply_error(-EINVAL, "%s", rd.msg);
	if (name) {
		one = steerd_iface_find(d, name);
		if (!one)
			return proto_reply_error(
				-ENOENT, "steer is not attached to %s", name);
	}
	if (with_flow) {
		flow = one ? flow_json(d, one, &fl) : NULL;
		if (!flow)
			return proto_reply_error(-EINVAL,
						 "bad flow: one interface, two "
						 "addresses of one family, "
						 "ports 0-65535");
	}
	list = json_array();
	for (i = 0; i < STEER_MAX_IFACES; i++)
		if (d->ifaces[i].in_use && (!one || one == &d->ifaces[i]))
			json_array_append_new(
				list,
				steerd_iface_json(d, &d->ifaces[i], flow));
	json_decref(flow);
	return proto_pack_iface_show_reply(list);
}
