// SPDX-License-Identifier: GPL-2.0-only
/* Sets up the groups, modes and CPUs shared by the XDP tests and bench. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "cases.h"
#include "xdp/lib/flow_hash.h"

static int nr_cpus;
/* cpu mode's tables, one per possible CPU: as written, then as read back. */
static struct steer_cpu_table *tables;
static uint32_t nr_tables;
static struct {
	bool set;
	enum steer_mode mode;
	uint8_t flags;
	enum table_kind kind;
} current;

int cases_nr_cpus(void)
{
	return nr_cpus;
}

/* The live slots cases.h describes. */
static int set_live(struct harness *h)
{
	static const uint16_t everywhere[] = { G_V4_ANY, G_V4_EXACT,
					       G_V4_TLS_ANY };
	bool live[STEER_MAX_CPUS] = { false };
	size_t i;
	int err;

	memset(live, true, nr_cpus * sizeof(*live));
	for (i = 0; i < sizeof(everywhere) / sizeof(everywhere[0]); i++) {
		err = harness_set_live_cpus(h, everywhere[i], live, nr_cpus);
		if (err)
			return err;
	}
	live[0] = false;
	return harness_set_live_cpus(h, G_V6_ANY, live, nr_cpus);
}

int cases_setup(struct harness *h, bool debug)
{
	static const struct {
		uint16_t id;
		enum steer_kind kind;
		enum steer_proto proto;
		int family;
		const char *addr;
		uint16_t port;
	} groups[] = {
#define REUSEPORT STEER_KIND_REUSEPORT, STEER_PROTO_TCP
#define XSK_TCP STEER_KIND_XSK, STEER_PROTO_TCP
#define XSK_UDP STEER_KIND_XSK, STEER_PROTO_UDP
		{ G_V4_ANY, REUSEPORT, AF_INET, NULL, PORT_WEB },
		{ G_V4_EXACT, REUSEPORT, AF_INET, V4_SERVER, PORT_TLS },
		{ G_V6_ANY, REUSEPORT, AF_INET6, NULL, PORT_WEB },
		{ G_V6_EXACT, REUSEPORT, AF_INET6, V6_SERVER, PORT_TLS },
		{ G_XSK_V4, XSK_TCP, AF_INET, NULL, PORT_XSK },
		{ G_XSK_V6, XSK_TCP, AF_INET6, NULL, PORT_XSK },
		{ G_V4_TLS_ANY, REUSEPORT, AF_INET, NULL, PORT_TLS },
		{ G_UDP_V4, XSK_UDP, AF_INET, NULL, PORT_XSK },
		{ G_UDP_V6, XSK_UDP, AF_INET6, NULL, PORT_XSK },
		{ G_UDP_V4_EXACT, XSK_UDP, AF_INET, V4_SERVER, PORT_TLS },
		{ G_V4_EXACT_IDLE, REUSEPORT, AF_INET, V4_IDLE, PORT_TLS },
		{ G_XSK_V4_EXACT, XSK_TCP, AF_INET, V4_XSK, PORT_TLS },
		{ G_XSK_ELSEWHERE, XSK_UDP, AF_INET, NULL, PORT_XSK_ELSEWHERE },
#undef REUSEPORT
#undef XSK_TCP
#undef XSK_UDP
	};
	static const uint16_t xsk_groups[] = { G_XSK_V4, G_UDP_V4, G_UDP_V6,
					       G_UDP_V4_EXACT,
					       G_XSK_ELSEWHERE };
	int ifindex, err, cpu;
	size_t i;

	ifindex = harness_netns();
	if (ifindex < 0)
		return ifindex;
	err = harness_open(h, ifindex, debug);
	if (err)
		return err;
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		err = harness_add_group(h, groups[i].id, groups[i].kind,
					groups[i].proto, groups[i].family,
					groups[i].addr, groups[i].port);
		if (err)
			return err;
	}
	nr_cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (nr_cpus > STEER_MAX_CPUS)
		nr_cpus = STEER_MAX_CPUS;
	err = libbpf_num_possible_cpus();
	if (err < 0)
		return err;
	nr_tables = err;
	free(tables);
	tables = calloc(nr_tables, sizeof(*tables));
	if (!tables)
		return -ENOMEM;
	for (cpu = 0; cpu < nr_cpus; cpu++) {
		err = harness_add_cpu(h, cpu);
		if (err)
			return err;
	}
	err = set_live(h);
	if (err)
		return err;
	current.set = false;
	for (i = 0; i < sizeof(xsk_groups) / sizeof(xsk_groups[0]); i++) {
		err = harness_add_xsk(h, xsk_groups[i], XSK_QUEUE);
		if (err)
			return err;
	}
	return harness_set_xsk_iface(h, G_XSK_ELSEWHERE, LOOPBACK_IFINDEX);
}

/* The indirection table of a kind; -ENOTSUP when this host cannot have it. */
static int fill_indir(enum table_kind kind, uint32_t *indir, size_t size)
{
	size_t i;

	if ((kind == TABLE_ABSENT_CPU && nr_cpus >= STEER_MAX_CPUS) ||
	    (kind == TABLE_NO_WORKER_0 && nr_cpus < 2))
		return -ENOTSUP;
	for (i = 0; i < size; i++) {
		switch (kind) {
		case TABLE_QUEUES:
		case TABLE_QUEUES_ODD:
			indir[i] = i % HARNESS_QUEUES;
			break;
		case TABLE_EMPTY:
			indir[i] = STEER_INDIR_NONE;
			break;
		case TABLE_ABSENT_CPU:
			indir[i] = STEER_MAX_CPUS - 1;
			break;
		case TABLE_NO_WORKER_0:
			indir[i] = 1 + i % (nr_cpus - 1);
			break;
		default:
			indir[i] = i % nr_cpus;
			break;
		}
	}
	return 0;
}

uint32_t cases_table_cpu(enum table_kind kind, uint32_t arrival_cpu,
			 uint32_t bucket)
{
	/* Scrambled, so a wrong bucket index is seen, not hidden by a period. */
	uint32_t spread = (bucket * 0x9e3779b1U >> 16) % nr_cpus;

	switch (kind) {
	case TABLE_ROTATED:
		return (spread + arrival_cpu) % nr_cpus;
	case TABLE_UNSET_0:
		return arrival_cpu == 0 ? STEER_CPU_NONE : spread;
	case TABLE_ABSENT_CPU:
		return STEER_MAX_CPUS - 1;
	default:
		return spread;
	}
}

/*
 * Bucket tables written as they are, not derived; false for the kinds
 * that keep what maps.c derives from the indirection table.
 */
static bool fill_tables(enum table_kind kind)
{
	uint32_t c, b;

	if (kind != TABLE_SPREAD && kind != TABLE_UNSET_0 &&
	    kind != TABLE_ROTATED && kind != TABLE_ABSENT_CPU)
		return false;
	for (c = 0; c < nr_tables; c++) {
		tables[c].hash_key = STEER_FLOW_HASH_KEY_DEFAULT;
		for (b = 0; b < STEER_CPU_BUCKETS; b++)
			tables[c].cpu[b] = cases_table_cpu(kind, c, b);
	}
	return true;
}

int cases_set_mode(struct harness *h, enum steer_mode mode, uint8_t flags,
		   enum table_kind kind)
{
	size_t size = kind == TABLE_QUEUES_ODD ? INDIR_TEST_SIZE - 1 :
						 INDIR_TEST_SIZE;
	uint32_t indir[INDIR_TEST_SIZE];
	int err;

	if (current.set && current.mode == mode && current.flags == flags &&
	    current.kind == kind)
		return 0;
	err = fill_indir(kind, indir, size);
	if (err)
		return err; /* nothing changed */
	current.set = false;
	err = harness_set_mode(h, mode, flags, indir, size);
	if (!err && mode == STEER_MODE_CPU && fill_tables(kind))
		err = steer_maps__set_iface_cpu(&h->maps, 0, h->ifindex, flags,
						NULL, tables, nr_tables);
	/* The oracle decides with what the map holds. */
	if (!err && mode == STEER_MODE_CPU)
		err = steer_maps__get_cpu_tables(&h->maps, 0, tables,
						 nr_tables);
	h->cfg.cpu_tables = !err && mode == STEER_MODE_CPU ? tables : NULL;
	h->cfg.nr_cpu_tables = nr_tables;
	if (err)
		return err;
	current.set = true;
	current.mode = mode;
	current.flags = flags;
	current.kind = kind;
	return 0;
}
