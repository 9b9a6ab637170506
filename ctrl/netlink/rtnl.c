// SPDX-License-Identifier: GPL-2.0-only
/*
 * Links over rtnetlink: one parser for RTM_NEWLINK/RTM_DELLINK, used by the
 * RTM_GETLINK request and by the RTNLGRP_LINK monitor alike.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <libmnl/libmnl.h>

#include "lib/log.h"
#include "nlsock.h"
#include "rtnl.h"

static int rtnl_link_xdp(const struct nlattr *nest, struct rtnl_link *link)
{
	/* With programs in several modes there is no single PROG_ID. */
	static const unsigned int by_mode[] = {
		IFLA_XDP_DRV_PROG_ID,
		IFLA_XDP_SKB_PROG_ID,
		IFLA_XDP_HW_PROG_ID,
	};
	const struct nlattr *tb[IFLA_XDP_MAX + 1];
	const struct nlattr *id;
	size_t i;
	int err;

	err = nlsock_parse_nested(nest, tb, IFLA_XDP_MAX);
	if (err)
		return err;
	if (tb[IFLA_XDP_ATTACHED]) {
		err = nlsock_attr_u8(tb[IFLA_XDP_ATTACHED],
				     &link->xdp_attach_mode);
		if (err)
			return err;
	}
	id = tb[IFLA_XDP_PROG_ID];
	for (i = 0; !id && i < sizeof(by_mode) / sizeof(by_mode[0]); i++)
		id = tb[by_mode[i]];
	return id ? nlsock_attr_u32(id, &link->xdp_prog_id) : 0;
}

int rtnl_link_parse(const struct nlmsghdr *nlh, struct rtnl_link *link)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFLA_MAX + 1];
	int err;

	memset(link, 0, sizeof(*link));
	if (nlh->nlmsg_type == RTM_NEWLINK)
		link->kind = RTNL_LINK_NEW;
	else if (nlh->nlmsg_type == RTM_DELLINK)
		link->kind = RTNL_LINK_DEL;
	else
		return -EPROTO;
	err = nlsock_parse(nlh, sizeof(*ifi), tb, IFLA_MAX);
	if (err)
		goto out;
	link->ifindex = ifi->ifi_index;
	link->up = ifi->ifi_flags & IFF_UP;
	link->running = ifi->ifi_flags & IFF_RUNNING;
	if (tb[IFLA_IFNAME])
		err = nlsock_attr_str(tb[IFLA_IFNAME], link->name,
				      sizeof(link->name));
	if (!err && tb[IFLA_NUM_RX_QUEUES])
		err = nlsock_attr_u32(tb[IFLA_NUM_RX_QUEUES],
				      &link->num_rx_queues);
	if (!err && tb[IFLA_XDP])
		err = rtnl_link_xdp(tb[IFLA_XDP], link);
out:
	if (err)
		memset(link, 0, sizeof(*link));
	return err;
}

static int rtnl_link_reply(const struct nlmsghdr *nlh, void *data)
{
	struct rtnl_link *link = data;
	int err;

	err = rtnl_link_parse(nlh, link);
	if (!err && link->kind != RTNL_LINK_NEW)
		err = -EPROTO;
	return nlsock_cb_status(err);
}

int rtnl_get_link(struct nl_ctx *ctx, int ifindex, struct rtnl_link *link)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh;
	struct nlsock *ns;
	int err;

	memset(link, 0, sizeof(*link));
	if (ifindex <= 0)
		return -EINVAL;
	err = nl_ctx_sock(ctx, NL_FAMILY_ROUTE, &ns, NULL);
	if (err)
		return err;
	nlh = nlsock_msg(ns, RTM_GETLINK, 0);
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	/* Statistics are most of a link message and steer reads none. */
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	err = nlsock_request(ns, nlh, rtnl_link_reply, link);
	if (err) {
		pr_debug("RTM_GETLINK ifindex %d: %s%s%s", ifindex,
			 strerror(-err), *nlsock_errmsg(ns) ? ": " : "",
			 nlsock_errmsg(ns));
		memset(link, 0, sizeof(*link));
	}
	return err;
}

struct rtnl_call {
	int ifindex;
	struct rtnl_link link;
};

static int rtnl_get_link_in(struct nl_ctx *ctx, void *arg)
{
	struct rtnl_call *call = arg;

	return rtnl_get_link(ctx, call->ifindex, &call->link);
}

static int rtnl_get_link_once(int ifindex, struct rtnl_link *link)
{
	struct rtnl_call call = { .ifindex = ifindex };
	int err;

	if (ifindex <= 0)
		return -EINVAL;
	err = nl_ctx_with(NULL, rtnl_get_link_in, &call);
	*link = call.link;
	return err;
}

int rtnl_num_rx_queues(int ifindex, uint32_t *n)
{
	struct rtnl_link link;
	int err;

	err = rtnl_get_link_once(ifindex, &link);
	if (err)
		return err;
	*n = link.num_rx_queues;
	return 0;
}

int rtnl_xdp_prog_id(int ifindex, uint32_t *prog_id, uint8_t *attach_mode)
{
	struct rtnl_link link;
	int err;

	err = rtnl_get_link_once(ifindex, &link);
	if (err)
		return err;
	if (prog_id)
		*prog_id = link.xdp_prog_id;
	if (attach_mode)
		*attach_mode = link.xdp_attach_mode;
	return 0;
}

struct rtnl_monitor {
	struct nlsock *ns;
};

int rtnl_monitor_open(struct rtnl_monitor **out)
{
	struct rtnl_monitor *mon;
	int err;

	mon = calloc(1, sizeof(*mon));
	if (!mon)
		return -ENOMEM;
	err = nlsock_open_events(&mon->ns, NETLINK_ROUTE, RTNLGRP_LINK);
	if (err) {
		free(mon);
		return err;
	}
	*out = mon;
	return 0;
}

int rtnl_monitor_fd(const struct rtnl_monitor *mon)
{
	return nlsock_fd(mon->ns);
}

void rtnl_monitor_close(struct rtnl_monitor *mon)
{
	if (!mon)
		return;
	nlsock_close(mon->ns);
	free(mon);
}

struct rtnl_monitor_walk {
	int (*cb)(const struct rtnl_link *link, void *arg);
	void *arg;
	int events;
};

static int rtnl_monitor_msg(const struct nlmsghdr *nlh, void *data)
{
	struct rtnl_monitor_walk *walk = data;
	struct rtnl_link link;

	if (rtnl_link_parse(nlh, &link)) {
		pr_debug("link event type %u: unparsable, skipped",
			 nlh->nlmsg_type);
		return MNL_CB_OK;
	}
	walk->events++;
	return walk->cb(&link, walk->arg) ? MNL_CB_STOP : MNL_CB_OK;
}

int rtnl_monitor_read(struct rtnl_monitor *mon,
		      int (*cb)(const struct rtnl_link *link, void *arg),
		      void *arg)
{
	struct rtnl_monitor_walk walk = { cb, arg, 0 };
	int err;

	err = nlsock_read_events(mon->ns, rtnl_monitor_msg, &walk);
	return err < 0 ? err : walk.events;
}
