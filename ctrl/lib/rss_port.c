// SPDX-License-Identifier: GPL-2.0-only
/*
 * A NIC's receive-side scaling, computed the way the NIC and steer's XDP
 * program compute it (same Toeplitz table, same bucket rule), so a client
 * can pick source ports that a given configuration sends to a given CPU.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "rss_port.h"
#include "rss_table.h"
#include "toeplitz.h"

int rss_nic_init(struct rss_nic *nic, const uint8_t *key, size_t key_len,
		 const uint32_t *indir, size_t indir_size,
		 const uint32_t *cpu_of_queue)
{
	size_t i;
	int err;

	for (i = 0; i < indir_size; i++)
		if (indir[i] >= STEER_MAX_QUEUES ||
		    cpu_of_queue[indir[i]] == STEER_INDIR_NONE)
			return -EINVAL;
	err = steer_rss_fill(&nic->rss, key, key_len, indir, indir_size);
	if (err)
		return err;
	memcpy(nic->cpu_of_queue, cpu_of_queue, sizeof(nic->cpu_of_queue));
	return 0;
}

/* The bucket rule of NICs and of xdp/lib/toeplitz.h: the hash modulo size. */
static uint32_t queue_of_hash(const struct steer_rss *rss, uint32_t hash)
{
	return rss->indir[hash % rss->indir_size];
}

uint32_t rss_nic_flow_cpu(const struct rss_nic *nic, int af, const void *saddr,
			  const void *daddr, uint16_t sport, uint16_t dport)
{
	uint8_t in[STEER_TOEPLITZ_INPUT_MAX];
	uint32_t queue;
	size_t len;

	len = toeplitz_input(in, af, saddr, daddr, htons(sport), htons(dport),
			     true);
	if (!len)
		return STEER_INDIR_NONE;
	queue = queue_of_hash(&nic->rss,
			      toeplitz_table_hash(nic->rss.toeplitz, in, len));
	return queue < STEER_MAX_QUEUES ? nic->cpu_of_queue[queue] :
					  STEER_INDIR_NONE;
}

size_t rss_nic_ports_for_cpu(const struct rss_nic *nic, uint32_t cpu, int af,
			     const void *saddr, const void *daddr,
			     uint16_t dport, uint16_t lo, uint16_t hi,
			     uint16_t *ports, size_t max)
{
	size_t n = 0;
	uint32_t port;

	for (port = lo; port <= hi; port++) {
		if (rss_nic_flow_cpu(nic, af, saddr, daddr, (uint16_t)port,
				     dport) != cpu)
			continue;
		if (n < max)
			ports[n] = (uint16_t)port;
		n++;
	}
	return n;
}
