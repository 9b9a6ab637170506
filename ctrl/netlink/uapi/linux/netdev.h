/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The part of the kernel's netdev generic netlink ABI that steer uses, as
 * of Linux 6.18 (include/uapi/linux/netdev.h, generated from
 * Documentation/netlink/specs/netdev.yaml). linux-libc-dev 6.1 has no such
 * header. Numbers are ABI: each enum is complete up to its last member that
 * steer reads. Include this instead of <linux/netdev.h>.
 */
#ifndef _LINUX_NETDEV_H
#define _LINUX_NETDEV_H

#define NETDEV_FAMILY_NAME "netdev"
#define NETDEV_FAMILY_VERSION 1

/* NETDEV_A_DEV_XDP_FEATURES bits (6.3). */
enum netdev_xdp_act {
	NETDEV_XDP_ACT_BASIC = 1,
	NETDEV_XDP_ACT_REDIRECT = 2,
	NETDEV_XDP_ACT_NDO_XMIT = 4,
	NETDEV_XDP_ACT_XSK_ZEROCOPY = 8,
	NETDEV_XDP_ACT_HW_OFFLOAD = 16,
	NETDEV_XDP_ACT_RX_SG = 32,
	NETDEV_XDP_ACT_NDO_XMIT_SG = 64,
};

/* NETDEV_A_DEV_XDP_RX_METADATA_FEATURES bits (6.8). */
enum netdev_xdp_rx_metadata {
	NETDEV_XDP_RX_METADATA_TIMESTAMP = 1,
	NETDEV_XDP_RX_METADATA_HASH = 2,
	NETDEV_XDP_RX_METADATA_VLAN_TAG = 4,
};

enum netdev_queue_type {
	NETDEV_QUEUE_TYPE_RX,
	NETDEV_QUEUE_TYPE_TX,
};

enum {
	NETDEV_A_DEV_IFINDEX = 1, /* u32 */
	NETDEV_A_DEV_PAD,
	NETDEV_A_DEV_XDP_FEATURES, /* u64: enum netdev_xdp_act */
	NETDEV_A_DEV_XDP_ZC_MAX_SEGS, /* u32 */
	NETDEV_A_DEV_XDP_RX_METADATA_FEATURES, /* u64 */

	__NETDEV_A_DEV_MAX,
	NETDEV_A_DEV_MAX = __NETDEV_A_DEV_MAX - 1
};

enum {
	NETDEV_A_NAPI_IFINDEX = 1, /* u32 */
	NETDEV_A_NAPI_ID, /* u32 */
	NETDEV_A_NAPI_IRQ, /* u32 */
	NETDEV_A_NAPI_PID, /* u32: the threaded NAPI's kthread */

	__NETDEV_A_NAPI_MAX,
	NETDEV_A_NAPI_MAX = __NETDEV_A_NAPI_MAX - 1
};

enum {
	NETDEV_A_QUEUE_ID = 1, /* u32 */
	NETDEV_A_QUEUE_IFINDEX, /* u32 */
	NETDEV_A_QUEUE_TYPE, /* u32: enum netdev_queue_type */
	NETDEV_A_QUEUE_NAPI_ID, /* u32 */

	__NETDEV_A_QUEUE_MAX,
	NETDEV_A_QUEUE_MAX = __NETDEV_A_QUEUE_MAX - 1
};

enum {
	NETDEV_CMD_DEV_GET = 1,
	NETDEV_CMD_DEV_ADD_NTF,
	NETDEV_CMD_DEV_DEL_NTF,
	NETDEV_CMD_DEV_CHANGE_NTF,
	NETDEV_CMD_PAGE_POOL_GET,
	NETDEV_CMD_PAGE_POOL_ADD_NTF,
	NETDEV_CMD_PAGE_POOL_DEL_NTF,
	NETDEV_CMD_PAGE_POOL_CHANGE_NTF,
	NETDEV_CMD_PAGE_POOL_STATS_GET,
	NETDEV_CMD_QUEUE_GET, /* 6.9 */
	NETDEV_CMD_NAPI_GET, /* 6.9 */
};

#endif /* _LINUX_NETDEV_H */
