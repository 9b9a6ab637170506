/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What steerd reads from a NIC over ethtool generic netlink: its RX queue
 * count (channels) and its RSS configuration (hash function, key,
 * indirection table), in the caller's network namespace.
 */
#ifndef STEER_ETHTOOL_H
#define STEER_ETHTOOL_H

#include <stdint.h>

#include "steer_abi.h"

struct ethtool_rss {
	uint32_t hfunc; /* an ETH_RSS_HASH_* bit (TOP: Toeplitz); 0: unknown */
	uint8_t key[STEER_RSS_KEY_MAX];
	uint32_t key_len; /* 0 when the driver reports no key */
	uint32_t indir[STEER_INDIR_MAX]; /* RX queue of each hash bucket */
	uint32_t indir_size; /* 0 when the driver reports no table */
};

/*
 * Stores in *rx the number of RX queues the driver uses: its rx channels
 * plus its combined (rx and tx) ones. -ENODEV for no such interface,
 * -EOPNOTSUPP when the driver has no channels, -EPROTONOSUPPORT when the
 * kernel has no ethtool netlink, -EINVAL for an invalid name.
 */
int ethtool_rx_queues(const char *ifname, uint32_t *rx);

/*
 * Reads the default RSS context. Some drivers answer without a key or table
 * (virtio_net without its RSS feature: Toeplitz, key_len and indir_size 0);
 * -EOPNOTSUPP on drivers with no RSS at all (veth), -E2BIG when the key or
 * table is larger than steer supports, other errors as ethtool_rx_queues.
 */
int ethtool_rss_get(const char *ifname, struct ethtool_rss *rss);

#endif /* STEER_ETHTOOL_H */
