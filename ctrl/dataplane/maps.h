/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Writing steer's dataplane configuration into its BPF maps: interfaces and
 * their RSS and per-CPU bucket tables (two generations, flipped
 * atomically), listener groups
 * (port array + exact-address hash), CPUMAP entries. Used by steerd, the
 * tests and the benchmarks, so there is one way to configure the program.
 */
#ifndef STEER_MAPS_H
#define STEER_MAPS_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/types.h>

#include "steer_abi.h"

struct bpf_object;

/* File descriptors of the maps named in steer_abi.h. */
struct steer_maps {
	int ifaces;
	int rss;
	int cpu_tables;
	int ports;
	int listen;
	int cpumap;
	int xsks;
	int xsk_ifaces;
	int xsk_records;
	int counters;
	int group_stats;
	int slot_stats;
	int live_cpus;
	int iface_stats;
	int debug; /* -1 when absent */
};

/* Where a group listens: family, address (all zero: wildcard), port. */
struct steer_group_addr {
	int af; /* enum steer_af */
	bool wildcard;
	uint8_t addr[16]; /* IPv4 in the first 4 bytes */
	uint16_t port; /* host order */
	int proto; /* enum steer_proto: 0 is TCP */
};

/* Fills m from a loaded object; -ENOENT names no map, the caller does. */
int steer_maps__from_object(struct steer_maps *m, struct bpf_object *obj);

/*
 * Configures interface slot `slot`: writes the idle RSS generation, then
 * flips the interface entry to it. rss may be NULL for rss mode without
 * verification. In cpu mode rss is required, and the per-CPU bucket tables
 * are derived from it: every CPU of its indirection table has a worker and
 * an even share of the arrivals, the hash key is the default; the live
 * tables, if any, are changed as little as that allows. Returns 0 or a
 * negative errno; on error the live configuration is unchanged. The
 * generation written was live until the previous call: callers space calls
 * STEER_GEN_GRACE_MS apart while traffic flows, so no program still reads
 * it.
 */
int steer_maps__set_iface(const struct steer_maps *m, uint32_t slot,
			  uint32_t ifindex, enum steer_mode mode, uint8_t flags,
			  const struct steer_rss *rss);

/*
 * cpu mode with tables of the caller's (ctrl/lib/cpu_table.c, hash_key
 * set): tables[cpu] for every possible CPU, nr_tables ==
 * libbpf_num_possible_cpus(). Written with rss (may be NULL) into the idle
 * generation, then flipped to, as steer_maps__set_iface does.
 */
int steer_maps__set_iface_cpu(const struct steer_maps *m, uint32_t slot,
			      uint32_t ifindex, uint8_t flags,
			      const struct steer_rss *rss,
			      const struct steer_cpu_table *tables,
			      uint32_t nr_tables);

/*
 * The live bucket tables of a slot in cpu mode, one per possible CPU
 * (nr_tables as above): the `prev` of the next derivation. -ENOENT when the
 * slot is not in cpu mode.
 */
int steer_maps__get_cpu_tables(const struct steer_maps *m, uint32_t slot,
			       struct steer_cpu_table *tables,
			       uint32_t nr_tables);
int steer_maps__clear_iface(const struct steer_maps *m, uint32_t slot);

/*
 * Adds group id with the given kind at addr. -EEXIST when that address and
 * port already belong to a group. Zeroes the group's counters and its live
 * CPUs first.
 */
int steer_maps__add_group(const struct steer_maps *m, uint16_t id,
			  enum steer_kind kind,
			  const struct steer_group_addr *addr);
int steer_maps__del_group(const struct steer_maps *m,
			  const struct steer_group_addr *addr);

/*
 * Publishes the CPUs on which group has a live slot, from the group's
 * steer_live (its slots are CPUs): what rss mode counts as local, and
 * whether an exact-address group serves its port. Call it whenever the
 * group's live slots change, with the steer_live given to
 * steer_maps__set_live; a group never written has none.
 */
int steer_maps__set_live_cpus(const struct steer_maps *m, uint16_t group,
			      const struct steer_live *live);

/* The listener maps shared by the reuseport and lifecycle programs. */
struct steer_sock_maps {
	int socks;
	int live;
	int listeners;
	int events;
	int groups;
};

int steer_sock_maps__from_object(struct steer_sock_maps *m,
				 struct bpf_object *obj);

/*
 * Puts the listener fd in (group, slot, bank) and records it by cookie
 * (stored in *cookie). The map holds the socket only while it lives.
 */
int steer_maps__add_listener(const struct steer_sock_maps *m, int fd,
			     uint16_t group, uint16_t slot, uint8_t bank,
			     uint32_t pid, uint64_t *cookie);

/* Takes (group, slot, bank) out of selection; the socket stays open. */
int steer_maps__unselect(const struct steer_sock_maps *m, uint16_t group,
			 uint16_t slot, uint8_t bank);

/* Forgets a listener's record (after it closed). */
int steer_maps__forget_listener(const struct steer_sock_maps *m,
				uint64_t cookie);

/* Writes a group's live slots and primary banks. */
int steer_maps__set_live(const struct steer_sock_maps *m, uint16_t group,
			 const struct steer_live *live);

/* Lets cpu mode redirect to cpu, with a queue of qsize frames. */
int steer_maps__add_cpu(const struct steer_maps *m, uint32_t cpu,
			uint32_t qsize);

#endif /* STEER_MAPS_H */
