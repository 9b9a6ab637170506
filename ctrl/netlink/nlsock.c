// SPDX-License-Identifier: GPL-2.0-only
/*
 * Netlink requests over libmnl: send, receive until DONE or ACK, keep the
 * kernel's extended-ACK text, and leave the socket ready for the next one;
 * event sockets; the per-namespace context of long-lived sockets.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include <libmnl/libmnl.h>

#include "lib/log.h"
#include "nlsock.h"

/*
 * The kernel builds dump messages of at most 32 KiB, so most answers fit the
 * first buffer; a larger one (a single big reply) grows it, see nlsock_recv.
 */
#define NLSOCK_RECV_START 32768
#define NLSOCK_ERRMSG_MAX 256
/* Any version works for the controller's GETFAMILY; libnl sends 1 too. */
#define NLSOCK_GENL_CTRL_VERSION 1

struct nlsock {
	struct mnl_socket *nl;
	unsigned int portid;
	unsigned int seq;
	char *rx;
	size_t rx_size;
	char errmsg[NLSOCK_ERRMSG_MAX];
	char tx[NLSOCK_MSG_MAX] __attribute__((aligned(NLMSG_ALIGNTO)));
};

/* One exchange: the caller's callback, and what came of it. */
struct nlsock_req {
	struct nlsock *ns;
	mnl_cb_t cb;
	void *data;
	uint32_t seq;
	bool stopped; /* the callback wants no more messages */
	bool done; /* the kernel's DONE or ACK arrived */
	int err;
};

static int nlsock_open_flags(struct nlsock **out, int bus, int flags)
{
	const int on = 1;
	struct nlsock *ns;
	int err;

	ns = calloc(1, sizeof(*ns));
	if (!ns)
		return -ENOMEM;
	ns->rx_size = NLSOCK_RECV_START;
	ns->rx = malloc(ns->rx_size);
	if (!ns->rx) {
		err = -ENOMEM;
		goto out_free;
	}
	ns->nl = mnl_socket_open2(bus, SOCK_CLOEXEC | flags);
	if (!ns->nl) {
		err = -errno;
		pr_debug("netlink socket (bus %d): %s", bus, strerror(-err));
		goto out_free;
	}
	/*
	 * Extended ACKs carry the kernel's reason for an error; capped ACKs
	 * leave out the echoed request, which nobody reads.
	 */
	if (mnl_socket_setsockopt(ns->nl, NETLINK_EXT_ACK, (void *)&on,
				  sizeof(on)) ||
	    mnl_socket_setsockopt(ns->nl, NETLINK_CAP_ACK, (void *)&on,
				  sizeof(on))) {
		err = -errno;
		pr_debug("netlink socket options: %s", strerror(-err));
		goto out_close;
	}
	if (mnl_socket_bind(ns->nl, 0, MNL_SOCKET_AUTOPID)) {
		err = -errno;
		pr_debug("netlink bind (bus %d): %s", bus, strerror(-err));
		goto out_close;
	}
	ns->portid = mnl_socket_get_portid(ns->nl);
	*out = ns;
	return 0;

out_close:
	mnl_socket_close(ns->nl);
out_free:
	free(ns->rx);
	free(ns);
	return err;
}

int nlsock_open(struct nlsock **ns, int bus)
{
	return nlsock_open_flags(ns, bus, 0);
}

int nlsock_open_events(struct nlsock **out, int bus, uint32_t group)
{
	struct nlsock *ns;
	int err;

	err = nlsock_open_flags(&ns, bus, SOCK_NONBLOCK);
	if (err)
		return err;
	if (mnl_socket_setsockopt(ns->nl, NETLINK_ADD_MEMBERSHIP, &group,
				  sizeof(group))) {
		err = -errno;
		pr_debug("netlink group %u (bus %d): %s", group, bus,
			 strerror(-err));
		nlsock_close(ns);
		return err;
	}
	*out = ns;
	return 0;
}

int nlsock_fd(const struct nlsock *ns)
{
	return mnl_socket_get_fd(ns->nl);
}

void nlsock_close(struct nlsock *ns)
{
	if (!ns)
		return;
	mnl_socket_close(ns->nl);
	free(ns->rx);
	free(ns);
}

const char *nlsock_errmsg(const struct nlsock *ns)
{
	return ns->errmsg;
}

struct nlmsghdr *nlsock_msg(struct nlsock *ns, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh;

	memset(ns->tx, 0, sizeof(ns->tx));
	nlh = mnl_nlmsg_put_header(ns->tx);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	return nlh;
}

struct nlmsghdr *nlsock_genl_msg(struct nlsock *ns, uint16_t family,
				 uint8_t cmd, uint8_t version, uint16_t flags)
{
	struct nlmsghdr *nlh = nlsock_msg(ns, family, flags);
	struct genlmsghdr *genl;

	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

/*
 * Fills tb from the attributes in len bytes at buf. Unlike libmnl's walk,
 * which stops quietly at the first attribute that runs past the end, an
 * attribute cut short or trailing bytes fail the parse: the message is
 * truncated, and reading what came before would pass off part of it as all.
 */
static int nlsock_parse_buf(const void *buf, size_t len,
			    const struct nlattr **tb, unsigned int max)
{
	const struct nlattr *attr = buf;
	unsigned int type;
	size_t step;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	while (len) {
		if (len < sizeof(*attr) || attr->nla_len < sizeof(*attr) ||
		    attr->nla_len > len)
			goto out_proto;
		type = attr->nla_type & NLA_TYPE_MASK;
		if (type <= max)
			tb[type] = attr;
		/* The last attribute's padding may be left out. */
		step = MNL_ALIGN(attr->nla_len);
		if (step >= len)
			break;
		len -= step;
		attr = (const void *)((const char *)attr + step);
	}
	return 0;

out_proto:
	memset(tb, 0, (max + 1) * sizeof(*tb));
	return -EPROTO;
}

int nlsock_parse(const struct nlmsghdr *nlh, unsigned int offset,
		 const struct nlattr **tb, unsigned int max)
{
	size_t len;

	if (nlh->nlmsg_len < sizeof(*nlh) ||
	    mnl_nlmsg_get_payload_len(nlh) < offset) {
		memset(tb, 0, (max + 1) * sizeof(*tb));
		return -EPROTO;
	}
	len = mnl_nlmsg_get_payload_len(nlh);
	/* A fixed header that ends the message may lack its padding. */
	offset = MNL_ALIGN(offset) < len ? MNL_ALIGN(offset) : len;
	return nlsock_parse_buf((const char *)mnl_nlmsg_get_payload(nlh) +
					offset,
				len - offset, tb, max);
}

int nlsock_parse_nested(const struct nlattr *nest, const struct nlattr **tb,
			unsigned int max)
{
	return nlsock_parse_buf(mnl_attr_get_payload(nest),
				mnl_attr_get_payload_len(nest), tb, max);
}

int nlsock_attr_u8(const struct nlattr *attr, uint8_t *val)
{
	if (mnl_attr_validate(attr, MNL_TYPE_U8) < 0)
		return -EPROTO;
	*val = mnl_attr_get_u8(attr);
	return 0;
}

int nlsock_attr_u32(const struct nlattr *attr, uint32_t *val)
{
	if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
		return -EPROTO;
	*val = mnl_attr_get_u32(attr);
	return 0;
}

int nlsock_attr_uint(const struct nlattr *attr, uint64_t *val)
{
	switch (mnl_attr_get_payload_len(attr)) {
	case sizeof(uint32_t):
		*val = mnl_attr_get_u32(attr);
		return 0;
	case sizeof(uint64_t):
		*val = mnl_attr_get_u64(attr);
		return 0;
	default:
		return -EPROTO;
	}
}

int nlsock_attr_str(const struct nlattr *attr, char *buf, size_t size)
{
	if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0 ||
	    strlen(mnl_attr_get_str(attr)) >= size)
		return -EPROTO;
	strcpy(buf, mnl_attr_get_str(attr));
	return 0;
}

int nlsock_genl_parse(const struct nlmsghdr *nlh, uint8_t cmd,
		      const struct nlattr **tb, unsigned int max)
{
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(nlh);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*genl) ||
	    genl->cmd != cmd) {
		memset(tb, 0, (max + 1) * sizeof(*tb));
		return -EPROTO;
	}
	return nlsock_parse(nlh, sizeof(*genl), tb, max);
}

/*
 * The kernel's text from the extended-ACK attributes at offset into msg
 * ("" when there is none or they do not parse).
 */
static void nlsock_extack(const struct nlmsghdr *nlh, unsigned int offset,
			  char *msg, size_t size)
{
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];

	msg[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (nlsock_parse(nlh, offset, tb, NLMSGERR_ATTR_MAX) ||
	    !tb[NLMSGERR_ATTR_MSG] ||
	    mnl_attr_validate(tb[NLMSGERR_ATTR_MSG], MNL_TYPE_NUL_STRING) < 0)
		return;
	snprintf(msg, size, "%s", mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]));
}

int nlsock_ack_parse(const struct nlmsghdr *nlh, int *error, char *msg,
		     size_t size)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t len = mnl_nlmsg_get_payload_len(nlh);
	size_t offset = sizeof(*e);

	msg[0] = '\0';
	if (nlh->nlmsg_len < sizeof(*nlh) || nlh->nlmsg_type != NLMSG_ERROR ||
	    len < sizeof(*e) || e->error > 0)
		return -EPROTO;
	/* Uncapped, the kernel echoes the request before the attributes. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < sizeof(e->msg) ||
		    e->msg.nlmsg_len - sizeof(e->msg) > len - offset)
			return -EPROTO;
		offset += NLMSG_ALIGN(e->msg.nlmsg_len) - sizeof(e->msg);
	}
	if (offset <= len)
		nlsock_extack(nlh, offset, msg, size);
	*error = e->error;
	return 0;
}

/* NLMSG_ERROR: the ACK of the request (error 0) or its failure. */
static void nlsock_ack(struct nlsock_req *req, const struct nlmsghdr *nlh)
{
	int error, err;

	req->done = true;
	err = nlsock_ack_parse(nlh, &error, req->ns->errmsg,
			       sizeof(req->ns->errmsg));
	if (err)
		req->err = req->err ?: err;
	else if (error)
		req->err = req->err ?: error;
}

/* NLMSG_DONE: the end of a dump, with the dump's own error if it failed. */
static void nlsock_done(struct nlsock_req *req, const struct nlmsghdr *nlh)
{
	int error;

	req->done = true;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(error))
		return;
	memcpy(&error, mnl_nlmsg_get_payload(nlh), sizeof(error));
	nlsock_extack(nlh, sizeof(error), req->ns->errmsg,
		      sizeof(req->ns->errmsg));
	if (error < 0)
		req->err = req->err ?: error;
}

int nlsock_cb_status(int err)
{
	if (!err)
		return MNL_CB_OK;
	errno = -err;
	return MNL_CB_ERROR;
}

static void nlsock_deliver(struct nlsock_req *req, const struct nlmsghdr *nlh)
{
	int ret;

	if (req->stopped || !req->cb)
		return;
	errno = 0;
	ret = req->cb(nlh, req->data);
	if (ret == MNL_CB_OK)
		return;
	req->stopped = true;
	if (ret < MNL_CB_STOP)
		req->err = req->err ?: (errno ? -errno : -EPROTO);
}

bool nlsock_msg_ok(const struct nlmsghdr *nlh, int len)
{
	return len >= (int)sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh) &&
	       nlh->nlmsg_len <= (unsigned int)len;
}

/* Handles one datagram of the answer. */
static void nlsock_process(struct nlsock_req *req, const void *buf, int len)
{
	const struct nlmsghdr *nlh = buf;

	for (; nlsock_msg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		/* Left over from a request whose answer was cut short. */
		if (nlh->nlmsg_seq != req->seq)
			continue;
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			req->err = req->err ?: -EINTR;
		switch (nlh->nlmsg_type) {
		case NLMSG_ERROR:
			nlsock_ack(req, nlh);
			return;
		case NLMSG_DONE:
			nlsock_done(req, nlh);
			return;
		case NLMSG_NOOP:
		case NLMSG_OVERRUN:
			continue;
		default:
			if (nlh->nlmsg_type >= NLMSG_MIN_TYPE)
				nlsock_deliver(req, nlh);
		}
	}
	if (len > 0)
		req->err = req->err ?: -EPROTO; /* a truncated message */
}

/*
 * Receives one datagram, first growing the buffer when the datagram is
 * larger (peeking with MSG_TRUNC gives its real length), so that no reply
 * is ever cut.
 */
static int nlsock_recv(struct nlsock *ns)
{
	int fd = mnl_socket_get_fd(ns->nl);
	ssize_t len;
	char *rx;

	do
		len = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
	while (len < 0 && errno == EINTR);
	if (len < 0)
		return -errno;
	if ((size_t)len > ns->rx_size) {
		rx = realloc(ns->rx, len);
		if (!rx)
			return -ENOMEM;
		ns->rx = rx;
		ns->rx_size = len;
	}
	do
		len = mnl_socket_recvfrom(ns->nl, ns->rx, ns->rx_size);
	while (len < 0 && errno == EINTR);
	return len < 0 ? -errno : (int)len;
}

int nlsock_request(struct nlsock *ns, struct nlmsghdr *nlh, mnl_cb_t cb,
		   void *data)
{
	struct nlsock_req req = { .ns = ns, .cb = cb, .data = data };
	int len;

	ns->errmsg[0] = '\0';
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = req.seq = ++ns->seq;
	if (mnl_socket_sendto(ns->nl, nlh, nlh->nlmsg_len) < 0) {
		len = -errno;
		pr_debug("netlink send: %s", strerror(-len));
		return len;
	}
	while (!req.done) {
		len = nlsock_recv(ns);
		if (len < 0) {
			pr_debug("netlink receive: %s", strerror(-len));
			return len;
		}
		nlsock_process(&req, ns->rx, len);
	}
	if (req.err)
		pr_debug("netlink request type %u: %s%s%s", nlh->nlmsg_type,
			 strerror(-req.err), ns->errmsg[0] ? ": " : "",
			 ns->errmsg);
	return req.err;
}

/* What GETFAMILY is asked for, and what its reply said. */
struct nlsock_family {
	const char *group; /* NULL: the family id only */
	uint16_t id;
	uint32_t group_id;
	bool group_found;
};

static int nlsock_group_cb(const struct nlattr *grp, void *data)
{
	const struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1];
	struct nlsock_family *fam = data;

	if (nlsock_parse_nested(grp, tb, CTRL_ATTR_MCAST_GRP_MAX) ||
	    !tb[CTRL_ATTR_MCAST_GRP_NAME] || !tb[CTRL_ATTR_MCAST_GRP_ID] ||
	    mnl_attr_validate(tb[CTRL_ATTR_MCAST_GRP_NAME],
			      MNL_TYPE_NUL_STRING) < 0)
		return MNL_CB_OK; /* not one steer can use */
	if (strcmp(mnl_attr_get_str(tb[CTRL_ATTR_MCAST_GRP_NAME]), fam->group))
		return MNL_CB_OK;
	if (nlsock_attr_u32(tb[CTRL_ATTR_MCAST_GRP_ID], &fam->group_id))
		return MNL_CB_ERROR;
	fam->group_found = true;
	return MNL_CB_STOP;
}

static int nlsock_family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct nlsock_family *fam = data;

	if (nlsock_genl_parse(nlh, CTRL_CMD_NEWFAMILY, tb, CTRL_ATTR_MAX) ||
	    !tb[CTRL_ATTR_FAMILY_ID] ||
	    mnl_attr_validate(tb[CTRL_ATTR_FAMILY_ID], MNL_TYPE_U16) < 0)
		goto out_proto;
	fam->id = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (fam->group && tb[CTRL_ATTR_MCAST_GROUPS] &&
	    mnl_attr_parse_nested(tb[CTRL_ATTR_MCAST_GROUPS], nlsock_group_cb,
				  fam) == MNL_CB_ERROR)
		goto out_proto;
	return MNL_CB_OK;

out_proto:
	errno = EPROTO;
	return MNL_CB_ERROR;
}

static int nlsock_getfamily(struct nlsock *ns, const char *name,
			    struct nlsock_family *fam)
{
	struct nlmsghdr *nlh;
	int err;

	if (!name || !*name || strlen(name) >= GENL_NAMSIZ)
		return -EINVAL;
	nlh = nlsock_genl_msg(ns, GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
			      NLSOCK_GENL_CTRL_VERSION, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	err = nlsock_request(ns, nlh, nlsock_family_cb, fam);
	if (err)
		return err;
	return fam->id ? 0 : -EPROTO;
}

int nlsock_genl_family(struct nlsock *ns, const char *name, uint16_t *id)
{
	struct nlsock_family fam = { 0 };
	int err;

	err = nlsock_getfamily(ns, name, &fam);
	if (!err)
		*id = fam.id;
	return err;
}

int nlsock_genl_group(struct nlsock *ns, const char *family, const char *group,
		      uint16_t *family_id, uint32_t *group_id)
{
	struct nlsock_family fam = { .group = group };
	int err;

	if (!group)
		return -EINVAL;
	err = nlsock_getfamily(ns, family, &fam);
	if (err)
		return err;
	if (!fam.group_found)
		return -ENOMSG;
	*family_id = fam.id;
	*group_id = fam.group_id;
	return 0;
}

int nlsock_read_events(struct nlsock *ns, mnl_cb_t cb, void *data)
{
	const struct nlmsghdr *nlh;
	int len, n = 0;

	for (;;) {
		len = nlsock_recv(ns);
		if (len == -EAGAIN)
			return n;
		if (len < 0)
			return len;
		for (nlh = (const void *)ns->rx; nlsock_msg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
				continue;
			n++;
			if (cb(nlh, data) != MNL_CB_OK)
				return n;
		}
	}
}

/* Request sockets are per bus; both generic netlink families share one. */
static const struct {
	int bus;
	const char *genl_name; /* NULL: not generic netlink */
} nl_families[NL_FAMILY_COUNT] = {
	[NL_FAMILY_ROUTE] = { NETLINK_ROUTE, NULL },
	[NL_FAMILY_SOCK_DIAG] = { NETLINK_SOCK_DIAG, NULL },
	[NL_FAMILY_ETHTOOL] = { NETLINK_GENERIC, "ethtool" },
	[NL_FAMILY_NETDEV] = { NETLINK_GENERIC, "netdev" },
};

/* The buses of the request sockets, in the order of nl_ctx.sock. */
static const int nl_buses[] = { NETLINK_ROUTE, NETLINK_SOCK_DIAG,
				NETLINK_GENERIC };
#define NL_SOCK_COUNT (sizeof(nl_buses) / sizeof(nl_buses[0]))

struct nl_ctx {
	struct nlsock *sock[NL_SOCK_COUNT];
	uint16_t genl_id[NL_FAMILY_COUNT]; /* 0: not resolved yet */
};

void nl_ctx_close(struct nl_ctx *ctx)
{
	size_t i;

	if (!ctx)
		return;
	for (i = 0; i < NL_SOCK_COUNT; i++)
		nlsock_close(ctx->sock[i]);
	free(ctx);
}

/*
 * All sockets at once: a socket belongs to the network namespace it was
 * opened in, so the context is the caller's namespace at this call.
 */
int nl_ctx_open(struct nl_ctx **out)
{
	struct nl_ctx *ctx;
	size_t i;
	int err;

	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	for (i = 0; i < NL_SOCK_COUNT; i++) {
		err = nlsock_open(&ctx->sock[i], nl_buses[i]);
		if (err) {
			nl_ctx_close(ctx);
			return err;
		}
	}
	*out = ctx;
	return 0;
}

int nl_ctx_sock(struct nl_ctx *ctx, enum nl_family family, struct nlsock **ns,
		uint16_t *genl_id)
{
	size_t slot;
	int err;

	if (family < 0 || family >= NL_FAMILY_COUNT)
		return -EINVAL;
	for (slot = 0; nl_buses[slot] != nl_families[family].bus; slot++)
		;
	/* Only a single-shot context (nl_ctx_with) opens on first use. */
	if (!ctx->sock[slot]) {
		err = nlsock_open(&ctx->sock[slot], nl_buses[slot]);
		if (err)
			return err;
	}
	*ns = ctx->sock[slot];
	if (!nl_families[family].genl_name)
		return 0;
	if (!ctx->genl_id[family]) {
		err = nlsock_genl_family(*ns, nl_families[family].genl_name,
					 &ctx->genl_id[family]);
		if (err) {
			pr_debug("%s netlink family: %s",
				 nl_families[family].genl_name, strerror(-err));
			/* No family: a kernel built without it, or too old. */
			return err == -ENOENT ? -EPROTONOSUPPORT : err;
		}
	}
	if (genl_id)
		*genl_id = ctx->genl_id[family];
	return 0;
}

int nl_ctx_with(struct nl_ctx *ctx, int (*fn)(struct nl_ctx *ctx, void *arg),
		void *arg)
{
	int err;

	if (ctx)
		return fn(ctx, arg);
	/* Only the sockets fn uses, opened as it asks for them. */
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	err = fn(ctx, arg);
	nl_ctx_close(ctx);
	return err;
}
