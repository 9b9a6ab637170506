// SPDX-License-Identifier: GPL-2.0-only
/*
 * Dumps TCP listeners through sock_diag: one SOCK_DIAG_BY_FAMILY dump per
 * address family, filtered by the kernel to the LISTEN state.
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include <libmnl/libmnl.h>

#include "diag.h"
#include "lib/log.h"
#include "nlsock.h"

struct diag_walk {
	int (*cb)(const struct diag_listener *l, void *arg);
	void *arg;
	int ret;
};

static int diag_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct inet_diag_msg *m = mnl_nlmsg_get_payload(nlh);
	struct diag_walk *walk = data;
	struct diag_listener l = { 0 };

	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*m)) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	if (m->idiag_state != TCP_LISTEN)
		return MNL_CB_OK;

	l.family = m->idiag_family;
	/* The kernel splits the 64-bit cookie low half first. */
	l.cookie = (uint64_t)m->id.idiag_cookie[1] << 32 |
		   m->id.idiag_cookie[0];
	memcpy(l.addr, m->id.idiag_src,
	       l.family == AF_INET ? sizeof(struct in_addr) :
				     sizeof(struct in6_addr));
	l.port = ntohs(m->id.idiag_sport);
	/* For a listener, tcp_diag reports the accept queue and backlog. */
	l.accept_queue = m->idiag_rqueue;
	l.backlog = m->idiag_wqueue;
	l.inode = m->idiag_inode;
	l.uid = m->idiag_uid;

	walk->ret = walk->cb(&l, walk->arg);
	return walk->ret ? MNL_CB_STOP : MNL_CB_OK;
}

static int diag_dump(struct nlsock *ns, int family, struct diag_walk *walk)
{
	struct inet_diag_req_v2 *req;
	struct nlmsghdr *nlh;
	int err;

	nlh = nlsock_msg(ns, SOCK_DIAG_BY_FAMILY, NLM_F_DUMP);
	req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	req->sdiag_family = family;
	req->sdiag_protocol = IPPROTO_TCP;
	req->idiag_states = 1U << TCP_LISTEN;
	err = nlsock_request(ns, nlh, diag_reply, walk);
	if (err)
		pr_debug("sock_diag dump of %s listeners: %s",
			 family == AF_INET ? "IPv4" : "IPv6", strerror(-err));
	return err;
}

int diag_listeners(int family,
		   int (*cb)(const struct diag_listener *l, void *arg),
		   void *arg)
{
	struct diag_walk walk = { .cb = cb, .arg = arg };
	struct nlsock *ns;
	int err;

	if (family != 0 && family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	err = nlsock_open(&ns, NETLINK_SOCK_DIAG);
	if (err)
		return err;
	/* sock_diag serves one family per dump: AF_UNSPEC has no handler. */
	if (family != AF_INET6)
		err = diag_dump(ns, AF_INET, &walk);
	if (!err && !walk.ret && family != AF_INET)
		err = diag_dump(ns, AF_INET6, &walk);
	nlsock_close(ns);
	return err ?: walk.ret;
}

struct diag_find {
	uint64_t cookie;
	struct diag_listener *out;
};

static int diag_match_cookie(const struct diag_listener *l, void *arg)
{
	struct diag_find *find = arg;

	if (l->cookie != find->cookie)
		return 0;
	*find->out = *l;
	return 1;
}

/*
 * A dump, not an exact sock_diag lookup: the kernel looks a socket up by its
 * addresses and ports, and for a reuseport group that finds one member
 * chosen by hash, not necessarily the one with this cookie.
 */
int diag_listener_by_cookie(uint64_t cookie, struct diag_listener *out)
{
	struct diag_find find = { cookie, out };
	int ret;

	ret = diag_listeners(0, diag_match_cookie, &find);
	if (ret < 0)
		return ret;
	return ret ? 0 : -ENOENT;
}
