/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the netdev generic netlink family (Linux 6.3; queues and NAPI 6.9)
 * says about a device: its XDP features and XDP RX metadata (dev-get), its
 * queues and the NAPI instance serving each (queue-get), and each NAPI
 * instance's interrupt (napi-get); together RX queue -> NAPI -> IRQ, with
 * no guessing from interrupt names. The parsers are pure functions over
 * one message, unit-tested and fuzzed.
 */
#ifndef STEER_NETDEV_H
#define STEER_NETDEV_H

#include <stdint.h>

struct nl_ctx;
struct nlmsghdr;

/*
 * An IRQ that is not known: the same value as host/irq.h's
 * IRQ_NUMBER_UNKNOWN, so the two sources fill one array alike.
 */
#define NETDEV_IRQ_NONE UINT32_MAX

struct netdev_dev {
	uint32_t ifindex;
	uint64_t xdp_features; /* NETDEV_XDP_ACT_* */
	uint64_t xdp_rx_metadata_features; /* NETDEV_XDP_RX_METADATA_* */
};

struct netdev_queue {
	uint32_t id;
	uint32_t ifindex;
	uint32_t type; /* NETDEV_QUEUE_TYPE_RX or _TX */
	uint32_t napi_id; /* 0: none reported */
};

struct netdev_napi {
	uint32_t id;
	uint32_t ifindex;
	uint32_t irq; /* NETDEV_IRQ_NONE: none reported */
	uint32_t pid; /* threaded NAPI's kernel thread; 0: not threaded */
};

/*
 * Parse one dev-get / queue-get / napi-get reply. -EPROTO when nlh is not
 * that reply, an attribute is truncated or mistyped, or a required one
 * (ifindex; queue id and type; napi id) is missing; unknown attributes are
 * ignored.
 */
int netdev_dev_parse(const struct nlmsghdr *nlh, struct netdev_dev *dev);
int netdev_queue_parse(const struct nlmsghdr *nlh, struct netdev_queue *q);
int netdev_napi_parse(const struct nlmsghdr *nlh, struct netdev_napi *napi);

/*
 * dev-get of ifindex. -ENODEV for no such device, -EPROTONOSUPPORT when the
 * kernel has no netdev family (before 6.3), -EINVAL for ifindex <= 0.
 */
int netdev_get_dev(struct nl_ctx *ctx, int ifindex, struct netdev_dev *dev);

/*
 * Fills irq_of_queue[0..nr) with the interrupt of each RX queue of
 * ifindex (NETDEV_IRQ_NONE where the kernel reports none: a queue without
 * NAPI, a NAPI without an IRQ) and stores in *found how many are known.
 * -EOPNOTSUPP when the kernel has no queue-get or napi-get (before 6.9),
 * other errors as netdev_get_dev. Drivers that do not link queues to NAPI
 * (veth, many older ones) give *found 0: fall back to irq_queue_irqs.
 */
int netdev_rx_queue_irqs(struct nl_ctx *ctx, int ifindex,
			 uint32_t *irq_of_queue, uint32_t nr, uint32_t *found);

#endif /* STEER_NETDEV_H */
