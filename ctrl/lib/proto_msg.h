/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Every control message, declared once: a C struct, its pack (struct to the
 * JSON message) and its strict unpack (JSON to struct, errors recorded in a
 * struct proto_read), from one table of its fields in proto_msg.c.
 * steerd, steerctl, libsteer and the tests' fake steerd build and read
 * messages through these, so that the wire schema of docs/protocol.md is
 * written in one place.
 *
 * Pack functions return a new reference, or NULL when out of memory.
 * Requests come with "v" and "cmd", replies with "v" and "ok": true;
 * objects that are parts of a reply (a group, a slot, an interface) come
 * alone. Unpack functions read a whole message or part, record the first
 * missing or mistyped field in rd (as proto_read_* do) and return rd->err;
 * the strings they store are borrowed from the message. An optional field
 * absent from the message unpacks to the protocol's default.
 */
#ifndef STEER_PROTO_MSG_H
#define STEER_PROTO_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "proto.h"
#include "steer_abi.h"

/* tcp_migrate_req when steerd cannot read the sysctl: null on the wire. */
#define PROTO_UNKNOWN (-1)

/*
 * Reads obj[key], an array, into a new array (*out, free() it) of *n
 * elements of size bytes, each unpacked by fn with its name ("key[i]")
 * added to rd's prefix. *out is NULL when the array is empty or on error;
 * out of memory records -ENOMEM. Returns rd->err.
 */
typedef int (*proto_unpack_fn)(struct proto_read *rd, const json_t *obj,
			       void *out);
int proto_unpack_list(struct proto_read *rd, const json_t *obj, const char *key,
		      size_t size, proto_unpack_fn fn, void **out, size_t *n);

/* Requests without arguments: status, stats, group_list. */
json_t *proto_pack_status_req(void);
json_t *proto_pack_stats_req(void);
json_t *proto_pack_group_list_req(void);

/* group_add. */
struct proto_group_add_req {
	const char *name;
	const char *addr; /* text: 198.18.0.1, 2001:db8::1, 0.0.0.0, :: */
	uint32_t port;
	const char *kind; /* NULL: not sent, steerd's default "reuseport" */
	/* "tcp" or "udp" (xsk groups only); NULL: not sent, default "tcp" */
	const char *proto;
};
json_t *proto_pack_group_add_req(const struct proto_group_add_req *req);
int proto_unpack_group_add_req(struct proto_read *rd, const json_t *msg,
			       struct proto_group_add_req *req);

/* group_del and group_show: {"name": NAME}. */
json_t *proto_pack_group_del_req(const char *name);
json_t *proto_pack_group_show_req(const char *name);
int proto_unpack_group_name_req(struct proto_read *rd, const json_t *msg,
				const char **name);

/* iface_attach. */
struct proto_iface_attach_req {
	const char *ifname;
	const char *xdp_mode; /* NULL: not sent, steerd's default "native" */
	const char *steer; /* NULL: not sent, steerd's default "cpu" */
	bool cpus_given; /* false: not sent, steerd steers to online CPUs */
	uint32_t ncpus;
	uint32_t cpus[STEER_MAX_CPUS];
	bool force;
	/* What the NIC reports not, in steerctl's syntax; NULL: not sent. */
	const char *rss_key; /* hex, as parse_rss_key reads it */
	const char *indir; /* as parse_indir_table reads it */
	const char *queue_cpus; /* as parse_queue_cpus reads it */
	bool verify_rss; /* rss mode: check the NIC's queue in XDP */
	bool xps; /* write XPS: each CPU transmits on its own queue */
};
json_t *proto_pack_iface_attach_req(const struct proto_iface_attach_req *req);
int proto_unpack_iface_attach_req(struct proto_read *rd, const json_t *msg,
				  struct proto_iface_attach_req *req);

/* iface_detach {"ifname"} and iface_show {"ifname"?: NULL for all}. */
json_t *proto_pack_iface_detach_req(const char *ifname);
int proto_unpack_iface_detach_req(struct proto_read *rd, const json_t *msg,
				  const char **ifname);
json_t *proto_pack_iface_show_req(const char *ifname);
int proto_unpack_iface_show_req(struct proto_read *rd, const json_t *msg,
				const char **ifname);

/*
 * iface_show of one interface with a flow (steerctl hash --iface): the
 * reply's interface carries "flow", the NIC's view and steer's of it.
 */
struct proto_flow {
	const char *src, *dst; /* addresses, both IPv4 or both IPv6 */
	uint32_t sport, dport;
};
json_t *proto_pack_iface_flow_req(const char *ifname,
				  const struct proto_flow *flow);
/* *given: whether the request has a flow. */
int proto_unpack_iface_flow(struct proto_read *rd, const json_t *msg,
			    struct proto_flow *flow, bool *given);

/* register (the listener's fd goes along). */
struct proto_register_req {
	const char *group;
	uint32_t cpu;
	bool standby;
	/*
	 * Register although the listener's options differ from the group's
	 * live listeners' (steerd refuses that by default): sent when true.
	 */
	bool allow_mismatch;
};
json_t *proto_pack_register_req(const struct proto_register_req *req);
int proto_unpack_register_req(struct proto_read *rd, const json_t *msg,
			      struct proto_register_req *req);

/*
 * xsk_register: an AF_XDP socket (its fd goes along) for the queue of an
 * xsk group, bound to ifname's RX queue `queue`.
 */
struct proto_xsk_register_req {
	const char *group;
	const char *ifname;
	uint32_t queue;
};
json_t *proto_pack_xsk_register_req(const struct proto_xsk_register_req *req);
int proto_unpack_xsk_register_req(struct proto_read *rd, const json_t *msg,
				  struct proto_xsk_register_req *req);

/* drain: a listener chosen by slot or cookie, or a process's by pid. */
enum proto_drain_by {
	PROTO_DRAIN_SLOT,
	PROTO_DRAIN_PID,
	PROTO_DRAIN_COOKIE,
};
#define PROTO_DRAIN_TIMEOUT_MS 30000 /* steerd's default */
struct proto_drain_req {
	const char *group;
	enum proto_drain_by by;
	uint64_t id; /* the slot, pid or cookie */
	bool timeout_given; /* false: not sent, PROTO_DRAIN_TIMEOUT_MS */
	uint32_t timeout_ms;
	bool wait_given; /* false: not sent (means false) */
	bool wait;
};
json_t *proto_pack_drain_req(const struct proto_drain_req *req);
int proto_unpack_drain_req(struct proto_read *rd, const json_t *msg,
			   struct proto_drain_req *req);

/* shutdown. */
json_t *proto_pack_shutdown_req(bool detach);
int proto_unpack_shutdown_req(struct proto_read *rd, const json_t *msg,
			      bool *detach);

/* A reply without fields: {"v": 1, "ok": true} (proto_reply_ok()). */

/* status's reply. */
struct proto_status {
	const char *version;
	uint32_t abi;
	const char *bpffs;
	bool pinned;
	uint64_t netns_cookie;
	int tcp_migrate_req; /* the sysctl, or PROTO_UNKNOWN */
	/* {name: bool}, borrowed; pack adds its own reference. */
	json_t *features;
	uint32_t ifaces;
	uint32_t groups;
	/*
	 * What would defeat steer, one text each ("IF: ..."): interfaces whose
	 * program someone else removed, and the NIC's warnings. Borrowed;
	 * optional on the wire (an older steerd sends none): NULL.
	 */
	json_t *warnings;
};
json_t *proto_pack_status_reply(const struct proto_status *st);
int proto_unpack_status_reply(struct proto_read *rd, const json_t *msg,
			      struct proto_status *st);

/* A group: group_add's reply, group_list's elements, group_show's head. */
struct proto_group {
	const char *name;
	uint32_t id;
	const char *addr;
	uint32_t port;
	const char *kind;
	const char *proto; /* optional: "tcp" when a steerd does not say */
	uint32_t active;
	uint32_t standby;
	uint32_t draining;
};
json_t *proto_pack_group(const struct proto_group *g);
int proto_unpack_group(struct proto_read *rd, const json_t *obj, void *g);
json_t *proto_pack_group_add_reply(const struct proto_group *g);

/*
 * group_list's reply, from an array of group objects (its reference is
 * taken); unpacked with proto_unpack_list(rd, msg, "groups", ...).
 */
json_t *proto_pack_group_list_reply(json_t *groups);

/* A slot in use, one of group_show's slots; the counters from the ABI. */
struct proto_slot {
	uint32_t slot;
	uint32_t cpu;
	const char *state;
	uint32_t pid;
	uint64_t cookie;
	uint32_t accept_queue;
	struct steer_slot_stats stats;
};
json_t *proto_pack_slot(const struct proto_slot *s);
int proto_unpack_slot(struct proto_read *rd, const json_t *obj, void *s);

/*
 * group_show's reply: the group, and an array of slot objects (its
 * reference is taken); the slots unpack with proto_unpack_list(rd, msg,
 * "slots", ...).
 */
json_t *proto_pack_group_show_reply(const struct proto_group *g, json_t *slots);

/* An interface: iface_attach's reply, iface_show's elements. */
struct proto_iface {
	const char *name;
	uint32_t ifindex;
	uint32_t slot;
	const char *xdp_mode;
	const char *attach;
	const char *steer;
	uint32_t rx_queues;
	uint32_t ncpus;
	uint32_t cpus[STEER_MAX_CPUS];
	uint32_t indir_size;
	const char *key; /* hex; "" when the NIC reports none */
	/*
	 * What steerd knows of the NIC (steerd's nic.h). Optional on the
	 * wire (an older steerd sends none): 0, NULL, false when absent.
	 * The JSON values are borrowed; pack adds its own references.
	 */
	bool nic; /* the scalars below are there (sent, or received) */
	uint32_t rx_queues_max;
	const char *hfunc; /* toeplitz, xor, crc32, unknown, none */
	const char *rss_source; /* ethtool, operator, none */
	json_t *indir; /* [queue, ...] */
	json_t *queue_cpus; /* [{queue, cpu, source, irq?}, ...] */
	json_t *cpu_tables; /* cpu mode: [{cpu, arrivals, kept}, ...] */
	json_t *warnings; /* [text, ...] */
	const char *rx_metadata; /* XDP RX metadata, "hash,vlan_tag"... */
	const char *state; /* up, down, lost */
	const char *lost; /* what happened to steer's program, or NULL */
	bool verify_rss;
	uint64_t rss_mismatch;
	uint32_t resyncs;
	uint32_t redirect_ppm; /* predicted redirect fraction, per million */
	json_t *flow; /* {hash, bucket, queue, cpu, steer_cpu} or NULL */
};
json_t *proto_pack_iface(const struct proto_iface *ifc);
int proto_unpack_iface(struct proto_read *rd, const json_t *obj, void *ifc);

/* iface_attach's reply: the interface, and a warning or NULL. */
json_t *proto_pack_iface_attach_reply(const struct proto_iface *ifc,
				      const char *warning);
int proto_unpack_iface_attach_reply(struct proto_read *rd, const json_t *msg,
				    struct proto_iface *ifc,
				    const char **warning);

/* iface_show's reply, from an array of interface objects (taken). */
json_t *proto_pack_iface_show_reply(json_t *ifaces);

/* register's reply. */
struct proto_register_reply {
	uint64_t cookie;
	uint32_t slot;
	const char *state; /* "active" or "standby" */
};
json_t *proto_pack_register_reply(const struct proto_register_reply *r);
int proto_unpack_register_reply(struct proto_read *rd, const json_t *msg,
				struct proto_register_reply *r);

/* xsk_register's reply: the socket's cookie, its queue and that queue's CPU. */
struct proto_xsk_register_reply {
	uint64_t cookie;
	uint32_t queue;
	uint32_t cpu;
	uint32_t ifindex;
};
json_t *proto_pack_xsk_register_reply(const struct proto_xsk_register_reply *r);
int proto_unpack_xsk_register_reply(struct proto_read *rd, const json_t *msg,
				    struct proto_xsk_register_reply *r);

/*
 * drain's reply: without wait {slot, state}; with wait, once the queue is
 * empty, {slot, drained_ms, drained}; either with "listeners" when a drain
 * by pid took more than one (slot is then the first's, drained the sum).
 */
struct proto_drain_reply {
	uint32_t slot;
	const char *state; /* without wait: "draining" */
	uint32_t drained_ms; /* with wait */
	uint32_t drained; /* with wait */
	uint32_t listeners; /* how many drain; sent when above 1, else 1 */
};
json_t *proto_pack_drain_reply(const struct proto_drain_reply *r, bool wait);
int proto_unpack_drain_reply(struct proto_read *rd, const json_t *msg,
			     bool wait, struct proto_drain_reply *r);

/* stats's reply: the frame counters, each group's, each CPU's CPUMAP's. */
struct proto_counter {
	const char *name;
	uint64_t value;
};
struct proto_group_stats {
	const char *name;
	struct steer_group_stats stats;
};
struct proto_cpu_stats {
	uint32_t cpu;
	struct steer_cpu_stats stats;
};
/*
 * counters[STEER_CNT_MAX] indexed by enum steer_counter; groups[ngroups];
 * cpus[ncpus], the CPUs steer's CPUMAP can deliver to.
 */
json_t *proto_pack_stats_reply(const uint64_t *counters,
			       const struct proto_group_stats *groups,
			       size_t ngroups,
			       const struct proto_cpu_stats *cpus,
			       size_t ncpus);
/*
 * The counters as steerd sent them, names and order included (a newer
 * steerd may send more), in *counters (free() it); the groups with
 * proto_unpack_list(rd, msg, "groups", sizeof(struct proto_group_stats),
 * proto_unpack_group_stats, ...), the CPUs with proto_unpack_list(rd, msg,
 * "cpus", sizeof(struct proto_cpu_stats), proto_unpack_cpu_stats, ...).
 */
int proto_unpack_stats_counters(struct proto_read *rd, const json_t *msg,
				struct proto_counter **counters, size_t *n);
int proto_unpack_group_stats(struct proto_read *rd, const json_t *obj,
			     void *gs);
int proto_unpack_cpu_stats(struct proto_read *rd, const json_t *obj, void *cs);

/* An event to a listener's registrant: {"event": "drain"|"drained", ...}. */
struct proto_event {
	const char *event;
	const char *group;
	uint32_t slot;
	uint64_t cookie;
};
json_t *proto_pack_event(const struct proto_event *ev);
int proto_unpack_event(struct proto_read *rd, const json_t *msg,
		       struct proto_event *ev);

/* The counters' names on the wire, from steer_abi.h's X-macros. */
extern const char *const proto_frame_counter_names[STEER_CNT_MAX];

#endif /* STEER_PROTO_MSG_H */
