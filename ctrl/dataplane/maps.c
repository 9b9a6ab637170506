// SPDX-License-Identifier: GPL-2.0-only
/* Writes interface, RSS and bucket table and listener group configuration
 * into the dataplane's maps in an order the running program can never
 * misread. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "maps.h"
#include "lib/cpu_table.h"
#include "xdp/lib/flow_hash.h"

/* The kernel copies per-CPU values at 8-byte strides. */
_Static_assert(sizeof(struct steer_cpu_table) % 8 == 0,
	       "cpu tables are an array of per-CPU values");

static int map_fd(struct bpf_object *obj, const char *name)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, name);

	return map ? bpf_map__fd(map) : -ENOENT;
}

int steer_maps__from_object(struct steer_maps *m, struct bpf_object *obj)
{
	const struct {
		int *fd;
		const char *name;
	} maps[] = {
		{ &m->ifaces, STEER_MAP_IFACES },
		{ &m->rss, STEER_MAP_RSS },
		{ &m->cpu_tables, STEER_MAP_CPU_TABLES },
		{ &m->ports, STEER_MAP_PORTS },
		{ &m->listen, STEER_MAP_LISTEN },
		{ &m->cpumap, STEER_MAP_CPUMAP },
		{ &m->xsks, STEER_MAP_XSKS },
		{ &m->xsk_ifaces, STEER_MAP_XSK_IFACES },
		{ &m->xsk_records, STEER_MAP_XSK_RECORDS },
		{ &m->counters, STEER_MAP_COUNTERS },
		{ &m->group_stats, STEER_MAP_GROUP_STATS },
		{ &m->slot_stats, STEER_MAP_SLOT_STATS },
		{ &m->live_cpus, STEER_MAP_LIVE_CPUS },
		{ &m->iface_stats, STEER_MAP_IFACE_STATS },
	};
	size_t i;

	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		*maps[i].fd = map_fd(obj, maps[i].name);
		if (*maps[i].fd < 0)
			return *maps[i].fd;
	}
	m->debug = map_fd(obj, STEER_MAP_DEBUG);
	return 0;
}

static int update(int fd, const void *key, const void *value, __u64 flags)
{
	return bpf_map_update_elem(fd, key, value, flags) ? -errno : 0;
}

/* Zeroes a per-CPU map entry on every CPU. */
static int zero_percpu(int fd, __u32 key, size_t value_size)
{
	int ncpus = libbpf_num_possible_cpus();
	void *zero;
	int err;

	if (ncpus < 0)
		return ncpus;
	zero = calloc(ncpus, value_size);
	if (!zero)
		return -ENOMEM;
	err = update(fd, &key, zero, BPF_ANY);
	free(zero);
	return err;
}

/*
 * Writes the idle generation (rss and tables when given), then flips the
 * interface entry to it: one map update the program sees whole.
 */
static int publish(const struct steer_maps *m, uint32_t slot, uint32_t ifindex,
		   enum steer_mode mode, uint8_t flags,
		   const struct steer_rss *rss,
		   const struct steer_cpu_table *tables)
{
	struct steer_iface iface = { 0 };
	__u32 key;
	int err;

	if (slot >= STEER_MAX_IFACES)
		return -EINVAL;
	if (bpf_map_lookup_elem(m->ifaces, &slot, &iface))
		return -errno;

	/*
	 * A fresh interface starts on generation 0 and with zeroed counters;
	 * later updates alternate.
	 */
	if (iface.ifindex == ifindex && iface.mode != STEER_MODE_NONE) {
		iface.gen ^= 1;
	} else {
		iface.gen = 0;
		err = zero_percpu(m->iface_stats, slot,
				  sizeof(struct steer_iface_stats));
		if (err)
			return err;
	}
	key = STEER_RSS_INDEX(slot, iface.gen);
	if (rss) {
		err = update(m->rss, &key, rss, BPF_ANY);
		if (err)
			return err;
	}
	if (tables) {
		err = update(m->cpu_tables, &key, tables, BPF_ANY);
		if (err)
			return err;
	}
	iface.ifindex = ifindex;
	iface.mode = mode;
	iface.flags = flags;
	return update(m->ifaces, &slot, &iface, BPF_ANY);
}

static int check_nr_tables(uint32_t nr_tables)
{
	int ncpus = libbpf_num_possible_cpus();

	if (ncpus < 0)
		return ncpus;
	return nr_tables == (uint32_t)ncpus ? 0 : -EINVAL;
}

int steer_maps__get_cpu_tables(const struct steer_maps *m, uint32_t slot,
			       struct steer_cpu_table *tables,
			       uint32_t nr_tables)
{
	struct steer_iface iface;
	__u32 key;
	int err;

	err = check_nr_tables(nr_tables);
	if (err)
		return err;
	if (slot >= STEER_MAX_IFACES)
		return -EINVAL;
	if (bpf_map_lookup_elem(m->ifaces, &slot, &iface))
		return -errno;
	if (iface.mode != STEER_MODE_CPU)
		return -ENOENT;
	key = STEER_RSS_INDEX(slot, iface.gen);
	return bpf_map_lookup_elem(m->cpu_tables, &key, tables) ? -errno : 0;
}

/* The slot's live tables if it steers ifindex in cpu mode, else NULL. */
static int live_tables(const struct steer_maps *m, uint32_t slot,
		       uint32_t ifindex, uint32_t n,
		       struct steer_cpu_table **prev)
{
	struct steer_iface iface;

	*prev = NULL;
	if (bpf_map_lookup_elem(m->ifaces, &slot, &iface) ||
	    iface.ifindex != ifindex || iface.mode != STEER_MODE_CPU)
		return 0;
	*prev = calloc(n, sizeof(**prev));
	if (!*prev)
		return -ENOMEM;
	if (steer_maps__get_cpu_tables(m, slot, *prev, n)) {
		free(*prev);
		*prev = NULL;
	}
	return 0;
}

/*
 * The tables steerd gets until it derives its own: the CPUs of the
 * indirection table are the workers, each with an even share of the
 * arrivals, so flows arriving on them stay and the others spread. Changes
 * the slot's live tables as little as that allows.
 */
static int derive_default(const struct steer_maps *m, uint32_t slot,
			  uint32_t ifindex, const struct steer_rss *rss,
			  struct steer_cpu_table *tables, uint32_t n)
{
	struct cpu_table_input in = { .nr_cpus = n };
	struct steer_cpu_table *prev = NULL;
	uint32_t *arrivals;
	bool *workers;
	uint32_t b, c;
	int err = -ENOMEM;

	arrivals = calloc(n, sizeof(*arrivals));
	workers = calloc(n, sizeof(*workers));
	if (!arrivals || !workers)
		goto out;
	for (b = 0; b < rss->indir_size && b < STEER_INDIR_MAX; b++) {
		c = rss->indir[b];
		if (c < n && c < STEER_MAX_CPUS)
			workers[c] = true;
	}
	for (c = 0; c < n; c++)
		arrivals[c] = workers[c];
	if (!memchr(workers, true, n)) {
		/* No CPU to steer to: every frame passes where it arrives. */
		memset(tables, 0xff, n * sizeof(*tables));
		err = 0;
	} else {
		err = live_tables(m, slot, ifindex, n, &prev);
		in.arrivals = arrivals;
		in.workers = workers;
		in.prev = prev;
		if (!err)
			err = cpu_table_derive(&in, tables, NULL);
	}
	for (c = 0; !err && c < n; c++)
		tables[c].hash_key = STEER_FLOW_HASH_KEY_DEFAULT;
out:
	free(prev);
	free(workers);
	free(arrivals);
	return err;
}

int steer_maps__set_iface(const struct steer_maps *m, uint32_t slot,
			  uint32_t ifindex, enum steer_mode mode, uint8_t flags,
			  const struct steer_rss *rss)
{
	struct steer_cpu_table *tables;
	int ncpus, err;

	if (mode != STEER_MODE_CPU)
		return publish(m, slot, ifindex, mode, flags, rss, NULL);
	if (!rss)
		return -EINVAL; /* the CPUs come from its table */
	if (slot >= STEER_MAX_IFACES)
		return -EINVAL;
	ncpus = libbpf_num_possible_cpus();
	if (ncpus < 0)
		return ncpus;
	tables = calloc(ncpus, sizeof(*tables));
	if (!tables)
		return -ENOMEM;
	err = derive_default(m, slot, ifindex, rss, tables, ncpus);
	if (!err)
		err = publish(m, slot, ifindex, mode, flags, rss, tables);
	free(tables);
	return err;
}

int steer_maps__set_iface_cpu(const struct steer_maps *m, uint32_t slot,
			      uint32_t ifindex, uint8_t flags,
			      const struct steer_rss *rss,
			      const struct steer_cpu_table *tables,
			      uint32_t nr_tables)
{
	int err = check_nr_tables(nr_tables);

	if (err)
		return err;
	if (!tables)
		return -EINVAL;
	return publish(m, slot, ifindex, STEER_MODE_CPU, flags, rss, tables);
}

int steer_maps__clear_iface(const struct steer_maps *m, uint32_t slot)
{
	struct steer_iface iface = { 0 };

	if (slot >= STEER_MAX_IFACES)
		return -EINVAL;
	return update(m->ifaces, &slot, &iface, BPF_ANY);
}

static bool group_addr_valid(const struct steer_group_addr *addr)
{
	return addr->af >= 0 && addr->af < STEER_AF_COUNT && addr->proto >= 0 &&
	       addr->proto < STEER_PROTO_COUNT;
}

static void listen_key(struct steer_listen_key *key,
		       const struct steer_group_addr *addr)
{
	memset(key, 0, sizeof(*key));
	key->af = addr->af;
	key->proto = addr->proto;
	key->port = htons(addr->port);
	memcpy(key->addr, addr->addr, addr->af == STEER_AF_INET ? 4 : 16);
}

static int reset_group_stats(const struct steer_maps *m, uint16_t id)
{
	__u32 slot;
	int err;

	err = zero_percpu(m->group_stats, id, sizeof(struct steer_group_stats));
	for (slot = 0; !err && slot < STEER_MAX_SLOTS; slot++)
		err = zero_percpu(m->slot_stats, STEER_SLOT_INDEX(id, slot),
				  sizeof(struct steer_slot_stats));
	return err;
}

int steer_maps__add_group(const struct steer_maps *m, uint16_t id,
			  enum steer_kind kind,
			  const struct steer_group_addr *addr)
{
	struct steer_match match = { .group = id, .kind = kind };
	struct steer_listen_key key;
	struct steer_port port;
	__u32 pkey;
	int err;

	if (id >= STEER_MAX_GROUPS || kind == STEER_KIND_NONE ||
	    !group_addr_valid(addr))
		return -EINVAL;
	pkey = STEER_PORT_INDEX(addr->proto, addr->port);
	if (bpf_map_lookup_elem(m->ports, &pkey, &port))
		return -errno;
	if (addr->wildcard && port.wildcard[addr->af].kind != STEER_KIND_NONE)
		return -EEXIST;
	err = reset_group_stats(m, id);
	if (err)
		return err;
	/* A reused id starts with no live slot, whatever its last group had. */
	err = update(m->live_cpus, &(__u32){ id },
		     &(struct steer_live_cpus){ 0 }, BPF_ANY);
	if (err)
		return err;

	if (addr->wildcard) {
		port.wildcard[addr->af] = match;
		return update(m->ports, &pkey, &port, BPF_ANY);
	}
	/* The hash entry first: a count with no entry falls back to wildcard. */
	listen_key(&key, addr);
	err = update(m->listen, &key, &match, BPF_NOEXIST);
	if (err)
		return err;
	port.exact[addr->af]++;
	err = update(m->ports, &pkey, &port, BPF_ANY);
	if (err)
		bpf_map_delete_elem(m->listen, &key);
	return err;
}

int steer_maps__del_group(const struct steer_maps *m,
			  const struct steer_group_addr *addr)
{
	struct steer_match match;
	struct steer_listen_key key;
	struct steer_port port;
	__u32 pkey;
	int err;

	if (!group_addr_valid(addr))
		return -EINVAL;
	pkey = STEER_PORT_INDEX(addr->proto, addr->port);
	if (bpf_map_lookup_elem(m->ports, &pkey, &port))
		return -errno;
	if (addr->wildcard) {
		if (port.wildcard[addr->af].kind == STEER_KIND_NONE)
			return -ENOENT;
		memset(&port.wildcard[addr->af], 0, sizeof(struct steer_match));
		return update(m->ports, &pkey, &port, BPF_ANY);
	}
	listen_key(&key, addr);
	if (port.exact[addr->af] == 0 ||
	    bpf_map_lookup_elem(m->listen, &key, &match))
		return -ENOENT;
	/* The count first, so no frame looks for an entry that is going. */
	port.exact[addr->af]--;
	err = update(m->ports, &pkey, &port, BPF_ANY);
	if (err)
		return err;
	if (bpf_map_delete_elem(m->listen, &key))
		return -errno;
	return 0;
}

int steer_maps__set_live_cpus(const struct steer_maps *m, uint16_t group,
			      const struct steer_live *live)
{
	struct steer_live_cpus cpus = { 0 };
	__u32 key = group, i, cpu;

	if (group >= STEER_MAX_GROUPS || live->count > STEER_MAX_SLOTS)
		return -EINVAL;
	for (i = 0; i < live->count; i++) {
		cpu = live->slots[i];
		if (cpu >= STEER_MAX_CPUS)
			return -EINVAL;
		cpus.bits[cpu / 64] |= 1ULL << (cpu % 64);
	}
	return update(m->live_cpus, &key, &cpus, BPF_ANY);
}

int steer_maps__add_cpu(const struct steer_maps *m, uint32_t cpu,
			uint32_t qsize)
{
	struct bpf_cpumap_val val = { .qsize = qsize };

	if (cpu >= STEER_MAX_CPUS)
		return -EINVAL;
	return update(m->cpumap, &cpu, &val, BPF_ANY);
}

int steer_sock_maps__from_object(struct steer_sock_maps *m,
				 struct bpf_object *obj)
{
	const struct {
		int *fd;
		const char *name;
	} maps[] = {
		{ &m->socks, STEER_MAP_SOCKS },
		{ &m->live, STEER_MAP_LIVE },
		{ &m->listeners, STEER_MAP_LISTENERS },
		{ &m->events, STEER_MAP_EVENTS },
		{ &m->groups, STEER_MAP_GROUPS },
	};
	size_t i;

	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		*maps[i].fd = map_fd(obj, maps[i].name);
		if (*maps[i].fd < 0)
			return *maps[i].fd;
	}
	return 0;
}

int steer_maps__add_listener(const struct steer_sock_maps *m, int fd,
			     uint16_t group, uint16_t slot, uint8_t bank,
			     uint32_t pid, uint64_t *cookie)
{
	struct steer_sock_key key = { .group = group,
				      .slot = slot,
				      .bank = bank };
	struct steer_listener l = { .group = group,
				    .slot = slot,
				    .bank = bank,
				    .pid = pid,
				    .state = STEER_SLOT_ACTIVE };
	socklen_t len = sizeof(*cookie);
	__u64 value = fd;
	int err;

	if (group >= STEER_MAX_GROUPS || slot >= STEER_MAX_SLOTS ||
	    bank >= STEER_BANKS)
		return -EINVAL;
	if (getsockopt(fd, SOL_SOCKET, SO_COOKIE, cookie, &len))
		return -errno;
	/* The record first: a migration off this socket needs its slot. */
	err = update(m->listeners, cookie, &l, BPF_ANY);
	if (err)
		return err;
	err = update(m->socks, &key, &value, BPF_NOEXIST);
	if (err)
		bpf_map_delete_elem(m->listeners, cookie);
	return err;
}

int steer_maps__unselect(const struct steer_sock_maps *m, uint16_t group,
			 uint16_t slot, uint8_t bank)
{
	struct steer_sock_key key = { .group = group,
				      .slot = slot,
				      .bank = bank };

	return bpf_map_delete_elem(m->socks, &key) ? -errno : 0;
}

int steer_maps__forget_listener(const struct steer_sock_maps *m,
				uint64_t cookie)
{
	return bpf_map_delete_elem(m->listeners, &cookie) ? -errno : 0;
}

int steer_maps__set_live(const struct steer_sock_maps *m, uint16_t group,
			 const struct steer_live *live)
{
	__u32 key = group;

	if (group >= STEER_MAX_GROUPS || live->count > STEER_MAX_SLOTS)
		return -EINVAL;
	return update(m->live, &key, live, BPF_ANY);
}
