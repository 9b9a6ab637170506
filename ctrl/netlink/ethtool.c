// SPDX-License-Identifier: GPL-2.0-only
/*
 * ethtool generic netlink, one request helper and then one reply callback
 * and get function per feature: channels (RX queue count) and RSS.
 */
#include <errno.h>
#include <string.h>
#include <net/if.h>
#include <linux/ethtool_netlink.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <libmnl/libmnl.h>

#include "ethtool.h"
#include "lib/log.h"
#include "nlsock.h"

/*
 * ETHTOOL_MSG_RSS_GET came with Linux 6.4, after the uapi headers of
 * Debian 12 (6.1). Message numbers are ABI and follow PSE in both enums;
 * the attributes are those of include/uapi/linux/ethtool_netlink.h.
 */
enum {
	STEER_ETHTOOL_MSG_RSS_GET = ETHTOOL_MSG_PSE_SET + 1,
	STEER_ETHTOOL_MSG_RSS_GET_REPLY = ETHTOOL_MSG_PSE_GET_REPLY + 1,
};

enum {
	STEER_ETHTOOL_A_RSS_UNSPEC,
	STEER_ETHTOOL_A_RSS_HEADER, /* nest: ETHTOOL_A_HEADER_* */
	STEER_ETHTOOL_A_RSS_CONTEXT, /* u32 */
	STEER_ETHTOOL_A_RSS_HFUNC, /* u32: ETH_RSS_HASH_* bit */
	STEER_ETHTOOL_A_RSS_INDIR, /* binary: u32 per bucket */
	STEER_ETHTOOL_A_RSS_HKEY, /* binary */
	STEER_ETHTOOL_A_RSS_MAX = STEER_ETHTOOL_A_RSS_HKEY,
};

/* Checks that nlh answers cmd, then parses its attributes. */
static int ethtool_reply_attrs(const struct nlmsghdr *nlh, uint8_t cmd,
			       const struct nlattr **tb, unsigned int max)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*genl) || genl->cmd != cmd)
		return -EPROTO;
	return nlsock_parse(nlh, sizeof(*genl), tb, max);
}

/*
 * Sends ethtool command cmd about ifname (its header nest is attribute
 * header_type) and runs cb on the reply.
 */
static int ethtool_request(const char *ifname, uint8_t cmd,
			   uint16_t header_type, mnl_cb_t cb, void *data)
{
	struct nlattr *nest;
	struct nlmsghdr *nlh;
	struct nlsock *ns;
	uint16_t family;
	int err;

	if (!ifname || !*ifname || strlen(ifname) >= IFNAMSIZ)
		return -EINVAL;
	err = nlsock_open(&ns, NETLINK_GENERIC);
	if (err)
		return err;
	err = nlsock_genl_family(ns, ETHTOOL_GENL_NAME, &family);
	if (err) {
		/* No family: a kernel built without ethtool netlink. */
		if (err == -ENOENT)
			err = -EPROTONOSUPPORT;
		pr_debug("ethtool netlink family: %s", strerror(-err));
		goto out;
	}
	nlh = nlsock_genl_msg(ns, family, cmd, ETHTOOL_GENL_VERSION, 0);
	nest = mnl_attr_nest_start(nlh, header_type);
	mnl_attr_put_strz(nlh, ETHTOOL_A_HEADER_DEV_NAME, ifname);
	mnl_attr_nest_end(nlh, nest);
	err = nlsock_request(ns, nlh, cb, data);
	if (err)
		pr_debug("ethtool command %u on %s: %s%s%s", cmd, ifname,
			 strerror(-err), *nlsock_errmsg(ns) ? ": " : "",
			 nlsock_errmsg(ns));
out:
	nlsock_close(ns);
	return err;
}

/* Channels: the kernel leaves out a kind the driver does not have. */
static int ethtool_channels_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[ETHTOOL_A_CHANNELS_MAX + 1];
	uint32_t rx = 0, combined = 0;
	uint32_t *out = data;

	if (ethtool_reply_attrs(nlh, ETHTOOL_MSG_CHANNELS_GET_REPLY, tb,
				ETHTOOL_A_CHANNELS_MAX) ||
	    (tb[ETHTOOL_A_CHANNELS_RX_COUNT] &&
	     nlsock_attr_u32(tb[ETHTOOL_A_CHANNELS_RX_COUNT], &rx)) ||
	    (tb[ETHTOOL_A_CHANNELS_COMBINED_COUNT] &&
	     nlsock_attr_u32(tb[ETHTOOL_A_CHANNELS_COMBINED_COUNT],
			     &combined))) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	*out = rx + combined;
	return MNL_CB_OK;
}

int ethtool_rx_queues(const char *ifname, uint32_t *rx)
{
	return ethtool_request(ifname, ETHTOOL_MSG_CHANNELS_GET,
			       ETHTOOL_A_CHANNELS_HEADER,
			       ethtool_channels_reply, rx);
}

/* Copies a binary attribute into out; -E2BIG when it holds more than max. */
static int ethtool_binary(const struct nlattr *attr, void *out, size_t max,
			  size_t *len)
{
	*len = mnl_attr_get_payload_len(attr);
	if (*len > max)
		return -E2BIG;
	memcpy(out, mnl_attr_get_payload(attr), *len);
	return 0;
}

static int ethtool_rss_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[STEER_ETHTOOL_A_RSS_MAX + 1];
	struct ethtool_rss *rss = data;
	size_t len;
	int err;

	err = ethtool_reply_attrs(nlh, STEER_ETHTOOL_MSG_RSS_GET_REPLY, tb,
				  STEER_ETHTOOL_A_RSS_MAX);
	if (!err && tb[STEER_ETHTOOL_A_RSS_HFUNC])
		err = nlsock_attr_u32(tb[STEER_ETHTOOL_A_RSS_HFUNC],
				      &rss->hfunc);
	if (!err && tb[STEER_ETHTOOL_A_RSS_HKEY]) {
		err = ethtool_binary(tb[STEER_ETHTOOL_A_RSS_HKEY], rss->key,
				     sizeof(rss->key), &len);
		rss->key_len = len;
	}
	if (!err && tb[STEER_ETHTOOL_A_RSS_INDIR]) {
		err = ethtool_binary(tb[STEER_ETHTOOL_A_RSS_INDIR], rss->indir,
				     sizeof(rss->indir), &len);
		if (!err && len % sizeof(rss->indir[0]))
			err = -EPROTO;
		rss->indir_size = len / sizeof(rss->indir[0]);
	}
	if (err) {
		errno = -err;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

int ethtool_rss_get(const char *ifname, struct ethtool_rss *rss)
{
	int err;

	memset(rss, 0, sizeof(*rss));
	err = ethtool_request(ifname, STEER_ETHTOOL_MSG_RSS_GET,
			      STEER_ETHTOOL_A_RSS_HEADER, ethtool_rss_reply,
			      rss);
	if (err)
		memset(rss, 0, sizeof(*rss)); /* no half-read table */
	return err;
}
