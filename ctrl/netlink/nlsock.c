// SPDX-License-Identifier: GPL-2.0-only
/*
 * Netlink requests over libmnl: send, receive until DONE or ACK, keep the
 * kernel's extended-ACK text, and leave the socket ready for the next one.
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

int nlsock_open(struct nlsock **out, int bus)
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
	ns->nl = mnl_socket_open2(bus, SOCK_CLOEXEC);
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

struct nlsock_tb {
	const struct nlattr **tb;
	unsigned int max;
};

static int nlsock_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlsock_tb *t = data;
	unsigned int type = mnl_attr_get_type(attr);

	if (type <= t->max)
		t->tb[type] = attr;
	return MNL_CB_OK;
}

int nlsock_parse(const struct nlmsghdr *nlh, unsigned int offset,
		 const struct nlattr **tb, unsigned int max)
{
	struct nlsock_tb t = { tb, max };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	if (mnl_nlmsg_get_payload_len(nlh) < offset)
		return -EPROTO;
	return mnl_attr_parse(nlh, offset, nlsock_attr_cb, &t) < 0 ? -EPROTO :
								     0;
}

int nlsock_parse_nested(const struct nlattr *nest, const struct nlattr **tb,
			unsigned int max)
{
	struct nlsock_tb t = { tb, max };

	memset(tb, 0, (max + 1) * sizeof(*tb));
	return mnl_attr_parse_nested(nest, nlsock_attr_cb, &t) < 0 ? -EPROTO :
								     0;
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

/* Keeps the kernel's text from the extended-ACK attributes at offset. */
static void nlsock_extack(struct nlsock *ns, const struct nlmsghdr *nlh,
			  unsigned int offset)
{
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	const char *msg;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (nlsock_parse(nlh, offset, tb, NLMSGERR_ATTR_MAX) ||
	    !tb[NLMSGERR_ATTR_MSG] ||
	    mnl_attr_validate(tb[NLMSGERR_ATTR_MSG], MNL_TYPE_NUL_STRING) < 0)
		return;
	msg = mnl_attr_get_str(tb[NLMSGERR_ATTR_MSG]);
	snprintf(ns->errmsg, sizeof(ns->errmsg), "%s", msg);
}

/* NLMSG_ERROR: the ACK of the request (error 0) or its failure. */
static void nlsock_ack(struct nlsock_req *req, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	unsigned int offset = sizeof(*e);

	req->done = true;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e)) {
		req->err = req->err ?: -EPROTO;
		return;
	}
	/* Uncapped, the kernel echoes the request before the attributes. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		offset += e->msg.nlmsg_len - sizeof(e->msg);
	nlsock_extack(req->ns, nlh, offset);
	if (e->error)
		req->err = req->err ?: e->error;
}

/* NLMSG_DONE: the end of a dump, with the dump's own error if it failed. */
static void nlsock_done(struct nlsock_req *req, const struct nlmsghdr *nlh)
{
	int error;

	req->done = true;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(error))
		return;
	memcpy(&error, mnl_nlmsg_get_payload(nlh), sizeof(error));
	nlsock_extack(req->ns, nlh, sizeof(error));
	if (error < 0)
		req->err = req->err ?: error;
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

/* Handles one datagram of the answer. */
static void nlsock_process(struct nlsock_req *req, const void *buf, int len)
{
	const struct nlmsghdr *nlh = buf;

	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
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

static int nlsock_family_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];
	uint16_t *id = data;

	if (nlsock_parse(nlh, sizeof(struct genlmsghdr), tb, CTRL_ATTR_MAX) ||
	    !tb[CTRL_ATTR_FAMILY_ID] ||
	    mnl_attr_validate(tb[CTRL_ATTR_FAMILY_ID], MNL_TYPE_U16) < 0) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	*id = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	return MNL_CB_OK;
}

int nlsock_genl_family(struct nlsock *ns, const char *name, uint16_t *id)
{
	struct nlmsghdr *nlh;
	uint16_t found = 0;
	int err;

	if (!name || !*name || strlen(name) >= GENL_NAMSIZ)
		return -EINVAL;
	nlh = nlsock_genl_msg(ns, GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
			      NLSOCK_GENL_CTRL_VERSION, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	err = nlsock_request(ns, nlh, nlsock_family_cb, &found);
	if (err)
		return err;
	if (!found)
		return -EPROTO;
	*id = found;
	return 0;
}
