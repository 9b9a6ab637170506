/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a NIC's RSS does with a flow: the Toeplitz hash of its 4-tuple,
 * through the indirection table, to a queue and the CPU that serves it;
 * and, backwards, which source ports put a client's flows on a CPU.
 */
#ifndef STEER_RSS_PORT_H
#define STEER_RSS_PORT_H

#include <stddef.h>
#include <stdint.h>

#include "steer_abi.h"

/* A NIC's RSS configuration and the CPU of each of its RX queues. */
struct rss_nic {
	struct steer_rss rss; /* key, Toeplitz table, indirection table */
	uint32_t cpu_of_queue[STEER_MAX_QUEUES]; /* STEER_INDIR_NONE: none */
};

/*
 * Fills nic (STEER_INDIR_NONE for queues without a CPU). -EINVAL as
 * steer_rss_fill, or when an entry of the table names a queue of no CPU.
 */
int rss_nic_init(struct rss_nic *nic, const uint8_t *key, size_t key_len,
		 const uint32_t *indir, size_t indir_size,
		 const uint32_t *cpu_of_queue);

/*
 * The CPU whose queue receives the TCP/UDP flow saddr:sport -> daddr:dport
 * (ports in host order, addresses of family af in network order), or
 * STEER_INDIR_NONE.
 */
uint32_t rss_nic_flow_cpu(const struct rss_nic *nic, int af, const void *saddr,
			  const void *daddr, uint16_t sport, uint16_t dport);

/*
 * The source ports in [lo, hi] whose flows to daddr:dport land on cpu,
 * ascending: stores at most max in ports and returns how many there are.
 */
size_t rss_nic_ports_for_cpu(const struct rss_nic *nic, uint32_t cpu, int af,
			     const void *saddr, const void *daddr,
			     uint16_t dport, uint16_t lo, uint16_t hi,
			     uint16_t *ports, size_t max);

#endif /* STEER_RSS_PORT_H */
