// SPDX-License-Identifier: GPL-2.0-only
/*
 * One RTM_GETLINK request per query; the reply callback picks out the
 * attributes steer uses.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <libmnl/libmnl.h>

#include "lib/log.h"
#include "nlsock.h"
#include "rtnl.h"

struct rtnl_link {
	uint32_t num_rx_queues;
	uint8_t xdp_attached; /* XDP_ATTACHED_* */
	uint32_t xdp_prog_id;
};

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
				     &link->xdp_attached);
		if (err)
			return err;
	}
	id = tb[IFLA_XDP_PROG_ID];
	for (i = 0; !id && i < sizeof(by_mode) / sizeof(by_mode[0]); i++)
		id = tb[by_mode[i]];
	return id ? nlsock_attr_u32(id, &link->xdp_prog_id) : 0;
}

static int rtnl_link_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[IFLA_MAX + 1];
	struct rtnl_link *link = data;
	int err;

	if (nlh->nlmsg_type != RTM_NEWLINK) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	err = nlsock_parse(nlh, sizeof(struct ifinfomsg), tb, IFLA_MAX);
	if (!err && tb[IFLA_NUM_RX_QUEUES])
		err = nlsock_attr_u32(tb[IFLA_NUM_RX_QUEUES],
				      &link->num_rx_queues);
	if (!err && tb[IFLA_XDP])
		err = rtnl_link_xdp(tb[IFLA_XDP], link);
	if (err) {
		errno = -err;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

static int rtnl_link_get(int ifindex, struct rtnl_link *link)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh;
	struct nlsock *ns;
	int err;

	memset(link, 0, sizeof(*link));
	if (ifindex <= 0)
		return -EINVAL;
	err = nlsock_open(&ns, NETLINK_ROUTE);
	if (err)
		return err;
	nlh = nlsock_msg(ns, RTM_GETLINK, 0);
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	/* Statistics are most of a link message and steer reads none. */
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	err = nlsock_request(ns, nlh, rtnl_link_reply, link);
	if (err)
		pr_debug("RTM_GETLINK ifindex %d: %s%s%s", ifindex,
			 strerror(-err), *nlsock_errmsg(ns) ? ": " : "",
			 nlsock_errmsg(ns));
	nlsock_close(ns);
	return err;
}

int rtnl_num_rx_queues(int ifindex, uint32_t *n)
{
	struct rtnl_link link;
	int err;

	err = rtnl_link_get(ifindex, &link);
	if (err)
		return err;
	*n = link.num_rx_queues;
	return 0;
}

int rtnl_xdp_prog_id(int ifindex, uint32_t *prog_id, uint8_t *attach_mode)
{
	struct rtnl_link link;
	int err;

	err = rtnl_link_get(ifindex, &link);
	if (err)
		return err;
	if (prog_id)
		*prog_id = link.xdp_prog_id;
	if (attach_mode)
		*attach_mode = link.xdp_attached;
	return 0;
}
