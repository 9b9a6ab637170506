/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The C oracle: what the XDP program must decide for a frame, written
 * independently of the BPF code (byte offsets over a buffer, the bit-serial
 * Toeplitz hash, the flow hash over words copied out of the frame) from the
 * rules in docs/design.md.
 */
#ifndef STEER_TEST_ORACLE_H
#define STEER_TEST_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "steer_abi.h"

#define ORACLE_MAX_GROUPS 16

struct oracle_group {
	uint16_t id;
	uint8_t kind; /* enum steer_kind */
	uint8_t af; /* enum steer_af */
	uint8_t proto; /* enum steer_proto */
	bool wildcard;
	uint8_t addr[16];
	uint16_t port;
};

/* The dataplane configuration the program runs with, as the test set it. */
struct oracle_config {
	uint32_t ip6_jumbo_min; /* the program's ip6_jumbo_min */
	uint8_t mode; /* enum steer_mode */
	uint8_t flags; /* STEER_IFACE_F_* */
	uint8_t key[STEER_RSS_KEY_MAX];
	size_t key_len;
	uint32_t indir[STEER_INDIR_MAX];
	size_t indir_size;
	int nr_groups;
	struct oracle_group groups[ORACLE_MAX_GROUPS];
	/* cpu mode: each arrival CPU's bucket table (NULL: none written). */
	const struct steer_cpu_table *cpu_tables;
	uint32_t nr_cpu_tables; /* possible CPUs */
	bool cpumap[STEER_MAX_CPUS]; /* CPUMAP has an entry */
	/* The group has a live slot on the CPU (steer_live_cpus). */
	bool live[ORACLE_MAX_GROUPS][STEER_MAX_CPUS];
	/* XSKMAP has an entry for (group, queue); small test range only. */
	bool xsk[ORACLE_MAX_GROUPS][8];
	uint32_t ifindex; /* the interface the program runs for */
	/* steer_xsk_ifaces: the interface of the group's sockets, or 0. */
	uint32_t xsk_ifindex[ORACLE_MAX_GROUPS];
};

struct oracle_result {
	int xdp_action; /* XDP_PASS or XDP_REDIRECT */
	struct steer_decision d; /* seq unused */
	struct steer_group_stats gs; /* expected change of the group's stats */
	struct steer_slot_stats ss; /* expected change of d.slot's stats */
	struct steer_iface_stats is; /* expected change of the interface's */
};

void oracle_decide(const struct oracle_config *cfg, const uint8_t *frame,
		   size_t len, uint32_t cpu, uint32_t rx_queue,
		   struct oracle_result *r);

#endif /* STEER_TEST_ORACLE_H */
