// SPDX-License-Identifier: GPL-2.0-only
/*
 * netdev generic netlink: dev-get, and queue-get and napi-get dumps of one
 * device joined into RX queue -> IRQ.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <libmnl/libmnl.h>

#include "uapi/linux/netdev.h"

#include "lib/log.h"
#include "netdev.h"
#include "nlsock.h"

int netdev_dev_parse(const struct nlmsghdr *nlh, struct netdev_dev *dev)
{
	const struct nlattr *tb[NETDEV_A_DEV_MAX + 1];
	int err;

	memset(dev, 0, sizeof(*dev));
	err = nlsock_genl_parse(nlh, NETDEV_CMD_DEV_GET, tb, NETDEV_A_DEV_MAX);
	if (!err)
		err = tb[NETDEV_A_DEV_IFINDEX] ?
			      nlsock_attr_u32(tb[NETDEV_A_DEV_IFINDEX],
					      &dev->ifindex) :
			      -EPROTO;
	if (!err && tb[NETDEV_A_DEV_XDP_FEATURES])
		err = nlsock_attr_uint(tb[NETDEV_A_DEV_XDP_FEATURES],
				       &dev->xdp_features);
	if (!err && tb[NETDEV_A_DEV_XDP_RX_METADATA_FEATURES])
		err = nlsock_attr_uint(
			tb[NETDEV_A_DEV_XDP_RX_METADATA_FEATURES],
			&dev->xdp_rx_metadata_features);
	if (err)
		memset(dev, 0, sizeof(*dev));
	return err;
}

int netdev_queue_parse(const struct nlmsghdr *nlh, struct netdev_queue *q)
{
	const struct nlattr *tb[NETDEV_A_QUEUE_MAX + 1];
	int err;

	memset(q, 0, sizeof(*q));
	err = nlsock_genl_parse(nlh, NETDEV_CMD_QUEUE_GET, tb,
				NETDEV_A_QUEUE_MAX);
	if (!err && (!tb[NETDEV_A_QUEUE_ID] || !tb[NETDEV_A_QUEUE_IFINDEX] ||
		     !tb[NETDEV_A_QUEUE_TYPE]))
		err = -EPROTO;
	if (!err)
		err = nlsock_attr_u32(tb[NETDEV_A_QUEUE_ID], &q->id) ?:
			      nlsock_attr_u32(tb[NETDEV_A_QUEUE_IFINDEX], &q->ifindex) ?:
			      nlsock_attr_u32(tb[NETDEV_A_QUEUE_TYPE],
					      &q->type);
	if (!err && tb[NETDEV_A_QUEUE_NAPI_ID])
		err = nlsock_attr_u32(tb[NETDEV_A_QUEUE_NAPI_ID], &q->napi_id);
	if (err)
		memset(q, 0, sizeof(*q));
	return err;
}

int netdev_napi_parse(const struct nlmsghdr *nlh, struct netdev_napi *napi)
{
	const struct nlattr *tb[NETDEV_A_NAPI_MAX + 1];
	int err;

	memset(napi, 0, sizeof(*napi));
	napi->irq = NETDEV_IRQ_NONE;
	err = nlsock_genl_parse(nlh, NETDEV_CMD_NAPI_GET, tb,
				NETDEV_A_NAPI_MAX);
	if (!err && (!tb[NETDEV_A_NAPI_ID] || !tb[NETDEV_A_NAPI_IFINDEX]))
		err = -EPROTO;
	if (!err)
		err = nlsock_attr_u32(tb[NETDEV_A_NAPI_ID], &napi->id) ?:
			      nlsock_attr_u32(tb[NETDEV_A_NAPI_IFINDEX],
					      &napi->ifindex);
	/* The kernel sends the IRQ only when there is one. */
	if (!err && tb[NETDEV_A_NAPI_IRQ])
		err = nlsock_attr_u32(tb[NETDEV_A_NAPI_IRQ], &napi->irq);
	if (!err && tb[NETDEV_A_NAPI_PID])
		err = nlsock_attr_u32(tb[NETDEV_A_NAPI_PID], &napi->pid);
	if (err) {
		memset(napi, 0, sizeof(*napi));
		napi->irq = NETDEV_IRQ_NONE;
	}
	return err;
}

/* A request to the netdev family over ctx: its socket and message. */
static int netdev_msg(struct nl_ctx *ctx, uint8_t cmd, uint16_t flags,
		      struct nlsock **ns, struct nlmsghdr **nlh)
{
	uint16_t family;
	int err;

	err = nl_ctx_sock(ctx, NL_FAMILY_NETDEV, ns, &family);
	if (err)
		return err;
	*nlh = nlsock_genl_msg(*ns, family, cmd, NETDEV_FAMILY_VERSION, flags);
	return 0;
}

static int netdev_request(struct nlsock *ns, struct nlmsghdr *nlh,
			  const char *what, int ifindex, mnl_cb_t cb,
			  void *data)
{
	int err = nlsock_request(ns, nlh, cb, data);

	if (err)
		pr_debug("netdev %s of ifindex %d: %s%s%s", what, ifindex,
			 strerror(-err), *nlsock_errmsg(ns) ? ": " : "",
			 nlsock_errmsg(ns));
	return err;
}

static int netdev_dev_reply(const struct nlmsghdr *nlh, void *data)
{
	return nlsock_cb_status(netdev_dev_parse(nlh, data));
}

int netdev_get_dev(struct nl_ctx *ctx, int ifindex, struct netdev_dev *dev)
{
	struct nlmsghdr *nlh;
	struct nlsock *ns;
	int err;

	memset(dev, 0, sizeof(*dev));
	if (ifindex <= 0)
		return -EINVAL;
	err = netdev_msg(ctx, NETDEV_CMD_DEV_GET, 0, &ns, &nlh);
	if (err)
		return err;
	mnl_attr_put_u32(nlh, NETDEV_A_DEV_IFINDEX, ifindex);
	err = netdev_request(ns, nlh, "dev-get", ifindex, netdev_dev_reply,
			     dev);
	if (err)
		memset(dev, 0, sizeof(*dev));
	return err;
}

/* The RX queues' NAPI ids, then each NAPI's IRQ, collected by the dumps. */
struct netdev_join {
	uint32_t ifindex;
	uint32_t *napi_of_queue; /* 0: none */
	uint32_t *irq_of_queue;
	uint32_t nr;
};

static int netdev_queue_reply(const struct nlmsghdr *nlh, void *data)
{
	struct netdev_join *j = data;
	struct netdev_queue q;
	int err;

	err = netdev_queue_parse(nlh, &q);
	if (err)
		return nlsock_cb_status(err);
	/* Older kernels ignore the filter: skip other devices. */
	if (q.ifindex == j->ifindex && q.type == NETDEV_QUEUE_TYPE_RX &&
	    q.id < j->nr)
		j->napi_of_queue[q.id] = q.napi_id;
	return MNL_CB_OK;
}

static int netdev_napi_reply(const struct nlmsghdr *nlh, void *data)
{
	struct netdev_join *j = data;
	struct netdev_napi napi;
	uint32_t q;
	int err;

	err = netdev_napi_parse(nlh, &napi);
	if (err)
		return nlsock_cb_status(err);
	if (napi.ifindex != j->ifindex || !napi.id)
		return MNL_CB_OK;
	/* Several queues may share one NAPI instance (combined channels). */
	for (q = 0; q < j->nr; q++)
		if (j->napi_of_queue[q] == napi.id)
			j->irq_of_queue[q] = napi.irq;
	return MNL_CB_OK;
}

/* Dumps cmd for ifindex (filter attribute attr) into the join. */
static int netdev_dump(struct nl_ctx *ctx, uint8_t cmd, uint16_t attr,
		       const char *what, mnl_cb_t cb, struct netdev_join *j)
{
	struct nlmsghdr *nlh;
	struct nlsock *ns;
	int err;

	err = netdev_msg(ctx, cmd, NLM_F_DUMP, &ns, &nlh);
	if (err)
		return err;
	mnl_attr_put_u32(nlh, attr, j->ifindex);
	err = netdev_request(ns, nlh, what, j->ifindex, cb, j);
	/* A kernel without the command refuses it as unknown. */
	return err == -EOPNOTSUPP || err == -EINVAL ? -EOPNOTSUPP : err;
}

int netdev_rx_queue_irqs(struct nl_ctx *ctx, int ifindex,
			 uint32_t *irq_of_queue, uint32_t nr, uint32_t *found)
{
	struct netdev_join j = { .ifindex = ifindex,
				 .irq_of_queue = irq_of_queue,
				 .nr = nr };
	uint32_t q;
	int err;

	*found = 0;
	if (ifindex <= 0 || !irq_of_queue || !nr)
		return -EINVAL;
	for (q = 0; q < nr; q++)
		irq_of_queue[q] = NETDEV_IRQ_NONE;
	j.napi_of_queue = calloc(nr, sizeof(*j.napi_of_queue));
	if (!j.napi_of_queue)
		return -ENOMEM;
	err = netdev_dump(ctx, NETDEV_CMD_QUEUE_GET, NETDEV_A_QUEUE_IFINDEX,
			  "queue-get", netdev_queue_reply, &j);
	if (!err)
		err = netdev_dump(ctx, NETDEV_CMD_NAPI_GET,
				  NETDEV_A_NAPI_IFINDEX, "napi-get",
				  netdev_napi_reply, &j);
	free(j.napi_of_queue);
	if (err) {
		for (q = 0; q < nr; q++)
			irq_of_queue[q] = NETDEV_IRQ_NONE;
		return err;
	}
	for (q = 0; q < nr; q++)
		*found += irq_of_queue[q] != NETDEV_IRQ_NONE;
	return 0;
}
