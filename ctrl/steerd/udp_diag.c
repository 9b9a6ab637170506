// SPDX-License-Identifier: GPL-2.0-only
/*
 * steerd's UDP sockets as sock_diag (udp_diag) reports them, by cookie:
 * the owner a tenant is checked against, and the receive queue a drain
 * waits to empty. netlink/diag.c dumps TCP listeners only.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include <libmnl/libmnl.h>

#include "steerd.h"
#include "netlink/diag.h"
#include "netlink/nlsock.h"

struct udp_find {
	uint64_t cookie;
	struct diag_listener *out;
	bool found;
};

static int udp_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct inet_diag_msg *m = mnl_nlmsg_get_payload(nlh);
	struct udp_find *find = data;
	struct diag_listener *l = find->out;
	uint64_t cookie;

	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*m)) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	/* The kernel splits the 64-bit cookie low half first. */
	cookie = (uint64_t)m->id.idiag_cookie[1] << 32 | m->id.idiag_cookie[0];
	if (cookie != find->cookie)
		return MNL_CB_OK;
	memset(l, 0, sizeof(*l));
	l->cookie = cookie;
	l->family = m->idiag_family;
	memcpy(l->addr, m->id.idiag_src,
	       l->family == AF_INET ? sizeof(struct in_addr) :
				      sizeof(struct in6_addr));
	l->port = ntohs(m->id.idiag_sport);
	/* For UDP, idiag_rqueue is the bytes queued for reading. */
	l->accept_queue = m->idiag_rqueue;
	l->inode = m->idiag_inode;
	l->uid = m->idiag_uid;
	find->found = true;
	return MNL_CB_STOP;
}

static int udp_dump(struct nl_ctx *ctx, void *arg)
{
	static const int families[] = { AF_INET, AF_INET6 };
	struct udp_find *find = arg;
	struct inet_diag_req_v2 *req;
	struct nlmsghdr *nlh;
	struct nlsock *ns;
	size_t i;
	int err;

	err = nl_ctx_sock(ctx, NL_FAMILY_SOCK_DIAG, &ns, NULL);
	for (i = 0; !err && !find->found && i < 2; i++) {
		nlh = nlsock_msg(ns, SOCK_DIAG_BY_FAMILY, NLM_F_DUMP);
		req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
		req->sdiag_family = families[i];
		req->sdiag_protocol = IPPROTO_UDP;
		req->idiag_states = ~0U; /* unconnected UDP is TCP_CLOSE */
		err = nlsock_request(ns, nlh, udp_reply, find);
	}
	return err;
}

/* One dump per family until the socket with this cookie is found. */
static int udp_by_cookie(uint64_t cookie, struct diag_listener *out)
{
	struct udp_find find = { .cookie = cookie, .out = out };
	int err = nl_ctx_with(NULL, udp_dump, &find);

	if (err)
		return err;
	return find.found ? 0 : -ENOENT;
}

int steerd_sock_diag(uint8_t proto, uint64_t cookie, struct diag_listener *out)
{
	if (proto == STEER_PROTO_UDP)
		return udp_by_cookie(cookie, out);
	return diag_listener_by_cookie(cookie, out);
}
