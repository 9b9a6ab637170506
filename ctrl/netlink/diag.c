// SPDX-License-Identifier: GPL-2.0-only
/*
 * Dumps TCP listeners through sock_diag: one SOCK_DIAG_BY_FAMILY dump per
 * address family, filtered by the kernel to the LISTEN state; and the
 * table of one such dump, searched by cookie.
 */
#include <errno.h>
#include <stdlib.h>
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

struct diag_call {
	int family;
	struct diag_walk walk;
};

static int diag_walk_in(struct nl_ctx *ctx, void *arg)
{
	struct diag_call *call = arg;
	struct nlsock *ns;
	int err;

	err = nl_ctx_sock(ctx, NL_FAMILY_SOCK_DIAG, &ns, NULL);
	if (err)
		return err;
	/* sock_diag serves one family per dump: AF_UNSPEC has no handler. */
	if (call->family != AF_INET6)
		err = diag_dump(ns, AF_INET, &call->walk);
	if (!err && !call->walk.ret && call->family != AF_INET)
		err = diag_dump(ns, AF_INET6, &call->walk);
	return err ?: call->walk.ret;
}

int diag_walk_listeners(struct nl_ctx *ctx, int family,
			int (*cb)(const struct diag_listener *l, void *arg),
			void *arg)
{
	struct diag_call call = { family, { .cb = cb, .arg = arg } };

	if (family != 0 && family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	return nl_ctx_with(ctx, diag_walk_in, &call);
}

int diag_listeners(int family,
		   int (*cb)(const struct diag_listener *l, void *arg),
		   void *arg)
{
	return diag_walk_listeners(NULL, family, cb, arg);
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

static int diag_table_add(const struct diag_listener *l, void *arg)
{
	struct diag_table *t = arg;
	struct diag_listener *grown;
	size_t cap;

	if (t->count == t->capacity) {
		cap = t->capacity ? 2 * t->capacity : 64;
		grown = realloc(t->entries, cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		t->entries = grown;
		t->capacity = cap;
	}
	t->entries[t->count++] = *l;
	return 0;
}

static int diag_cookie_cmp(const void *a, const void *b)
{
	const struct diag_listener *x = a, *y = b;

	return x->cookie < y->cookie ? -1 : x->cookie > y->cookie;
}

int diag_table_dump(struct nl_ctx *ctx, struct diag_table *table)
{
	int err;

	table->count = 0;
	err = diag_walk_listeners(ctx, 0, diag_table_add, table);
	if (err) {
		table->count = 0;
		return err < 0 ? err : -EPROTO;
	}
	qsort(table->entries, table->count, sizeof(*table->entries),
	      diag_cookie_cmp);
	return 0;
}

const struct diag_listener *diag_table_find(const struct diag_table *table,
					    uint64_t cookie)
{
	const struct diag_listener key = { .cookie = cookie };

	if (!table->count)
		return NULL;
	return bsearch(&key, table->entries, table->count,
		       sizeof(*table->entries), diag_cookie_cmp);
}

void diag_table_free(struct diag_table *table)
{
	free(table->entries);
	memset(table, 0, sizeof(*table));
}
