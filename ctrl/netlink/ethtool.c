// SPDX-License-Identifier: GPL-2.0-only
/*
 * ethtool generic netlink, one request helper and then one reply parser and
 * get function per feature: channels (RX queue count) and RSS; and the
 * driver name over the ioctl.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/sockios.h>

#include <libmnl/libmnl.h>

#include "uapi/linux/ethtool_netlink.h"

#include "ethtool.h"
#include "lib/log.h"
#include "nlsock.h"

static bool ethtool_ifname_ok(const char *ifname)
{
	return ifname && *ifname && strlen(ifname) < IFNAMSIZ;
}

/*
 * Sends ethtool command cmd about ifname (its header nest is attribute
 * header_type) over ctx and runs cb on the reply.
 */
static int ethtool_request(struct nl_ctx *ctx, const char *ifname, uint8_t cmd,
			   uint16_t header_type, mnl_cb_t cb, void *data)
{
	struct nlattr *nest;
	struct nlmsghdr *nlh;
	struct nlsock *ns;
	uint16_t family;
	int err;

	if (!ethtool_ifname_ok(ifname))
		return -EINVAL;
	err = nl_ctx_sock(ctx, NL_FAMILY_ETHTOOL, &ns, &family);
	if (err)
		return err;
	nlh = nlsock_genl_msg(ns, family, cmd, ETHTOOL_GENL_VERSION, 0);
	nest = mnl_attr_nest_start(nlh, header_type);
	mnl_attr_put_strz(nlh, ETHTOOL_A_HEADER_DEV_NAME, ifname);
	mnl_attr_nest_end(nlh, nest);
	err = nlsock_request(ns, nlh, cb, data);
	if (err)
		pr_debug("ethtool command %u on %s: %s%s%s", cmd, ifname,
			 strerror(-err), *nlsock_errmsg(ns) ? ": " : "",
			 nlsock_errmsg(ns));
	return err;
}

/* Reads an optional u32 attribute: absent leaves *val as it is. */
static int ethtool_opt_u32(const struct nlattr *attr, uint32_t *val)
{
	return attr ? nlsock_attr_u32(attr, val) : 0;
}

int ethtool_channels_parse(const struct nlmsghdr *nlh,
			   struct ethtool_channel_counts *ch)
{
	const struct nlattr *tb[ETHTOOL_A_CHANNELS_MAX + 1];
	int err;

	memset(ch, 0, sizeof(*ch));
	err = nlsock_genl_parse(nlh, ETHTOOL_MSG_CHANNELS_GET_REPLY, tb,
				ETHTOOL_A_CHANNELS_MAX);
	/* The kernel leaves out a kind whose maximum is 0. */
	if (!err)
		err = ethtool_opt_u32(tb[ETHTOOL_A_CHANNELS_RX_MAX], &ch->rx_max) ?:
			      ethtool_opt_u32(tb[ETHTOOL_A_CHANNELS_TX_MAX], &ch->tx_max) ?:
			      ethtool_opt_u32(tb[ETHTOOL_A_CHANNELS_OTHER_MAX], &ch->other_max) ?:
			      ethtool_opt_u32(tb[ETHTOOL_A_CHANNELS_COMBINED_MAX], &ch->combined_max) ?:
			      ethtool_opt_u32(tb[ETHTOOL_A_CHANNELS_RX_COUNT], &ch->rx) ?:
			      ethtool_opt_u32(tb[ETHTOOL_A_CHANNELS_TX_COUNT], &ch->tx) ?:
			      ethtool_opt_u32(tb[ETHTOOL_A_CHANNELS_OTHER_COUNT], &ch->other) ?:
			      ethtool_opt_u32(
				      tb[ETHTOOL_A_CHANNELS_COMBINED_COUNT],
				      &ch->combined);
	if (err)
		memset(ch, 0, sizeof(*ch));
	return err;
}

static int ethtool_channels_reply(const struct nlmsghdr *nlh, void *data)
{
	return nlsock_cb_status(ethtool_channels_parse(nlh, data));
}

int ethtool_get_channels(struct nl_ctx *ctx, const char *ifname,
			 struct ethtool_channel_counts *ch)
{
	int err;

	memset(ch, 0, sizeof(*ch));
	err = ethtool_request(ctx, ifname, ETHTOOL_MSG_CHANNELS_GET,
			      ETHTOOL_A_CHANNELS_HEADER, ethtool_channels_reply,
			      ch);
	if (err)
		memset(ch, 0, sizeof(*ch));
	return err;
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

int ethtool_rss_parse(const struct nlmsghdr *nlh, struct ethtool_rss *rss)
{
	const struct nlattr *tb[ETHTOOL_A_RSS_MAX + 1];
	size_t len;
	int err;

	memset(rss, 0, sizeof(*rss));
	err = nlsock_genl_parse(nlh, ETHTOOL_MSG_RSS_GET_REPLY, tb,
				ETHTOOL_A_RSS_MAX);
	if (!err)
		err = ethtool_opt_u32(tb[ETHTOOL_A_RSS_HFUNC], &rss->hfunc);
	if (!err && tb[ETHTOOL_A_RSS_HKEY]) {
		err = ethtool_binary(tb[ETHTOOL_A_RSS_HKEY], rss->key,
				     sizeof(rss->key), &len);
		rss->key_len = len;
	}
	if (!err && tb[ETHTOOL_A_RSS_INDIR]) {
		err = ethtool_binary(tb[ETHTOOL_A_RSS_INDIR], rss->indir,
				     sizeof(rss->indir), &len);
		if (!err && len % sizeof(rss->indir[0]))
			err = -EPROTO;
		rss->indir_size = len / sizeof(rss->indir[0]);
	}
	if (err)
		memset(rss, 0, sizeof(*rss)); /* no half-read table */
	return err;
}

static int ethtool_rss_reply(const struct nlmsghdr *nlh, void *data)
{
	return nlsock_cb_status(ethtool_rss_parse(nlh, data));
}

int ethtool_get_rss(struct nl_ctx *ctx, const char *ifname,
		    struct ethtool_rss *rss)
{
	int err;

	memset(rss, 0, sizeof(*rss));
	err = ethtool_request(ctx, ifname, ETHTOOL_MSG_RSS_GET,
			      ETHTOOL_A_RSS_HEADER, ethtool_rss_reply, rss);
	if (err)
		memset(rss, 0, sizeof(*rss));
	return err;
}

struct ethtool_call {
	const char *ifname;
	void *out;
};

static int ethtool_rx_queues_in(struct nl_ctx *ctx, void *arg)
{
	struct ethtool_call *call = arg;
	struct ethtool_channel_counts ch;
	int err;

	err = ethtool_get_channels(ctx, call->ifname, &ch);
	if (!err)
		*(uint32_t *)call->out = ethtool_channels_rx(&ch);
	return err;
}

int ethtool_rx_queues(const char *ifname, uint32_t *rx)
{
	struct ethtool_call call = { ifname, rx };

	if (!ethtool_ifname_ok(ifname))
		return -EINVAL;
	return nl_ctx_with(NULL, ethtool_rx_queues_in, &call);
}

static int ethtool_rss_in(struct nl_ctx *ctx, void *arg)
{
	struct ethtool_call *call = arg;

	return ethtool_get_rss(ctx, call->ifname, call->out);
}

int ethtool_rss_get(const char *ifname, struct ethtool_rss *rss)
{
	struct ethtool_call call = { ifname, rss };

	memset(rss, 0, sizeof(*rss));
	if (!ethtool_ifname_ok(ifname))
		return -EINVAL;
	return nl_ctx_with(NULL, ethtool_rss_in, &call);
}

int ethtool_get_driver(const char *ifname, struct ethtool_driver *drv)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr = { 0 };
	int fd, err = 0;

	memset(drv, 0, sizeof(*drv));
	if (!ethtool_ifname_ok(ifname))
		return -EINVAL;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	strcpy(ifr.ifr_name, ifname);
	ifr.ifr_data = (void *)&info;
	if (ioctl(fd, SIOCETHTOOL, &ifr))
		err = -errno;
	close(fd);
	if (err)
		return err;
	/* The kernel's strings may fill their arrays with no NUL. */
	snprintf(drv->driver, sizeof(drv->driver), "%.*s",
		 (int)sizeof(info.driver), info.driver);
	snprintf(drv->bus_info, sizeof(drv->bus_info), "%.*s",
		 (int)sizeof(info.bus_info), info.bus_info);
	return drv->driver[0] ? 0 : -EOPNOTSUPP;
}

bool ethtool_is_veth(const char *ifname)
{
	struct ethtool_driver drv;

	return !ethtool_get_driver(ifname, &drv) && !strcmp(drv.driver, "veth");
}
