// SPDX-License-Identifier: GPL-2.0-only
/*
 * ethtool notifications: the monitor group's socket, and the parser that
 * turns one notification into an ethtool_event.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <libmnl/libmnl.h>

#include "uapi/linux/ethtool_netlink.h"

#include "ethtool_monitor.h"
#include "lib/log.h"
#include "nlsock.h"

/* Every ethtool message nests its header as attribute 1. */
#define ETHTOOL_A_ANY_HEADER 1

static enum ethtool_change ethtool_change_of(uint8_t cmd)
{
	switch (cmd) {
	case ETHTOOL_MSG_CHANNELS_NTF:
		return ETHTOOL_CHANGE_CHANNELS;
	case ETHTOOL_MSG_RSS_NTF:
	case ETHTOOL_MSG_RSS_CREATE_NTF:
	case ETHTOOL_MSG_RSS_DELETE_NTF:
		return ETHTOOL_CHANGE_RSS;
	default:
		return ETHTOOL_CHANGE_OTHER;
	}
}

int ethtool_event_parse(const struct nlmsghdr *nlh, uint16_t family,
			struct ethtool_event *ev)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[ETHTOOL_A_ANY_HEADER + 1];
	const struct nlattr *hdr[ETHTOOL_A_HEADER_MAX + 1];
	uint32_t ifindex = 0;
	int err;

	memset(ev, 0, sizeof(*ev));
	if (nlh->nlmsg_type != family ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*genl))
		return -EPROTO;
	err = nlsock_genl_parse(nlh, genl->cmd, tb, ETHTOOL_A_ANY_HEADER);
	if (!err && !tb[ETHTOOL_A_ANY_HEADER])
		err = -EPROTO;
	if (!err)
		err = nlsock_parse_nested(tb[ETHTOOL_A_ANY_HEADER], hdr,
					  ETHTOOL_A_HEADER_MAX);
	if (!err)
		err = hdr[ETHTOOL_A_HEADER_DEV_INDEX] ?
			      nlsock_attr_u32(hdr[ETHTOOL_A_HEADER_DEV_INDEX],
					      &ifindex) :
			      -EPROTO;
	if (!err && (!ifindex || ifindex > INT32_MAX))
		err = -EPROTO;
	if (!err && hdr[ETHTOOL_A_HEADER_DEV_NAME])
		err = nlsock_attr_str(hdr[ETHTOOL_A_HEADER_DEV_NAME],
				      ev->ifname, sizeof(ev->ifname));
	if (err) {
		memset(ev, 0, sizeof(*ev));
		return err;
	}
	ev->cmd = genl->cmd;
	ev->what = ethtool_change_of(genl->cmd);
	ev->ifindex = ifindex;
	return 0;
}

struct ethtool_monitor {
	struct nlsock *ns;
	uint16_t family;
};

int ethtool_monitor_open(struct ethtool_monitor **out)
{
	struct ethtool_monitor *mon;
	struct nlsock *ns;
	uint32_t group;
	int err;

	mon = calloc(1, sizeof(*mon));
	if (!mon)
		return -ENOMEM;
	/* The group id comes from the controller, over a request socket. */
	err = nlsock_open(&ns, NETLINK_GENERIC);
	if (err)
		goto out_free;
	err = nlsock_genl_group(ns, ETHTOOL_GENL_NAME,
				ETHTOOL_MCGRP_MONITOR_NAME, &mon->family,
				&group);
	nlsock_close(ns);
	if (err) {
		if (err == -ENOENT)
			err = -EPROTONOSUPPORT;
		pr_debug("ethtool monitor group: %s", strerror(-err));
		goto out_free;
	}
	err = nlsock_open_events(&mon->ns, NETLINK_GENERIC, group);
	if (err)
		goto out_free;
	*out = mon;
	return 0;

out_free:
	free(mon);
	return err;
}

int ethtool_monitor_fd(const struct ethtool_monitor *mon)
{
	return nlsock_fd(mon->ns);
}

void ethtool_monitor_close(struct ethtool_monitor *mon)
{
	if (!mon)
		return;
	nlsock_close(mon->ns);
	free(mon);
}

struct ethtool_monitor_walk {
	const struct ethtool_monitor *mon;
	int (*cb)(const struct ethtool_event *ev, void *arg);
	void *arg;
	int events;
};

static int ethtool_monitor_msg(const struct nlmsghdr *nlh, void *data)
{
	struct ethtool_monitor_walk *walk = data;
	struct ethtool_event ev;

	if (ethtool_event_parse(nlh, walk->mon->family, &ev)) {
		pr_debug("ethtool event type %u: unparsable, skipped",
			 nlh->nlmsg_type);
		return MNL_CB_OK;
	}
	walk->events++;
	return walk->cb(&ev, walk->arg) ? MNL_CB_STOP : MNL_CB_OK;
}

int ethtool_monitor_read(struct ethtool_monitor *mon,
			 int (*cb)(const struct ethtool_event *ev, void *arg),
			 void *arg)
{
	struct ethtool_monitor_walk walk = { mon, cb, arg, 0 };
	int err;

	err = nlsock_read_events(mon->ns, ethtool_monitor_msg, &walk);
	return err < 0 ? err : walk.events;
}
