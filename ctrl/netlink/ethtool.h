/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What steerd reads from a NIC over ethtool: its channels (how many RX
 * queues it uses), its RSS configuration (hash function, key, indirection
 * table) over generic netlink, and its driver over the ioctl (ethtool
 * netlink has no driver-info message). The reply parsers are pure functions
 * over one netlink message, so they are unit-tested and fuzzed.
 */
#ifndef STEER_ETHTOOL_H
#define STEER_ETHTOOL_H

#include <stdbool.h>
#include <stdint.h>

#include "steer_abi.h"

struct nl_ctx;
struct nlmsghdr;

/* ETHTOOL_MSG_CHANNELS_GET_REPLY; a kind the driver lacks reads 0. */
struct ethtool_channel_counts {
	uint32_t rx_max, tx_max, other_max, combined_max;
	uint32_t rx, tx, other, combined; /* in use */
};

struct ethtool_rss {
	/* One ETH_RSS_HASH_* bit (netlink/uapi/linux/ethtool_netlink.h). */
	uint32_t hfunc; /* TOP: Toeplitz; 0: unknown */
	uint8_t key[STEER_RSS_KEY_MAX];
	uint32_t key_len; /* 0 when the driver reports no key */
	uint32_t indir[STEER_INDIR_MAX]; /* RX queue of each hash bucket */
	uint32_t indir_size; /* 0 when the driver reports no table */
};

/* The driver as ETHTOOL_GDRVINFO names it ("mlx5_core", "veth"). */
struct ethtool_driver {
	/* The kernel's 32-byte fields need not end in a NUL; these do. */
	char driver[32 + 1];
	char bus_info[32 + 1]; /* "0000:3b:00.0" for PCI; "" when none */
};

/*
 * Parse one reply message. 0, or -EPROTO when nlh is not that reply (other
 * command, truncated or mistyped attribute); unknown attributes are
 * ignored. ethtool_rss_parse: -E2BIG when the key or table is larger than
 * steer supports, -EPROTO for a table that is not whole u32 entries; *rss
 * is zeroed first.
 */
int ethtool_channels_parse(const struct nlmsghdr *nlh,
			   struct ethtool_channel_counts *ch);
int ethtool_rss_parse(const struct nlmsghdr *nlh, struct ethtool_rss *rss);

/* RX queues in use: rx plus combined (rx and tx) channels. */
static inline uint32_t
ethtool_channels_rx(const struct ethtool_channel_counts *ch)
{
	return ch->rx + ch->combined;
}

/*
 * CHANNELS_GET over ctx's long-lived socket. -ENODEV for no such interface,
 * -EOPNOTSUPP when the driver has no channels, -EPROTONOSUPPORT when the
 * kernel has no ethtool netlink, -EINVAL for an invalid name.
 */
int ethtool_get_channels(struct nl_ctx *ctx, const char *ifname,
			 struct ethtool_channel_counts *ch);

/*
 * RSS_GET of the default context over ctx. Some drivers answer without a
 * key or table (virtio_net without its RSS feature: Toeplitz, key_len and
 * indir_size 0); -EOPNOTSUPP on drivers with no RSS at all (veth),
 * -E2BIG when the key or table is larger than steer supports, other errors
 * as ethtool_get_channels. *rss is all zero on error.
 */
int ethtool_get_rss(struct nl_ctx *ctx, const char *ifname,
		    struct ethtool_rss *rss);

/* Single-shot forms of the two (a socket opened for the call). */
int ethtool_rx_queues(const char *ifname, uint32_t *rx);
int ethtool_rss_get(const char *ifname, struct ethtool_rss *rss);

/*
 * ETHTOOL_GDRVINFO: -ENODEV for no such interface, -EINVAL for an invalid
 * name, -EOPNOTSUPP when the driver does not say.
 */
int ethtool_get_driver(const char *ifname, struct ethtool_driver *drv);

/* Whether ifname is a veth (false too when it cannot be told). */
bool ethtool_is_veth(const char *ifname);

#endif /* STEER_ETHTOOL_H */
