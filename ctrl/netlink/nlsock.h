/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one netlink socket layer of steer (after ethtool's netlink/nlsock.c):
 * a libmnl socket that sends a request, runs a callback on every reply until
 * the kernel's DONE or ACK, and keeps the kernel's extended-ACK text; plus
 * the typed helpers the per-feature files (diag, ethtool, rtnl) build on.
 */
#ifndef STEER_NLSOCK_H
#define STEER_NLSOCK_H

#include <stdint.h>

#include <libmnl/libmnl.h>

struct nlsock;

/*
 * Opens a socket on bus (NETLINK_GENERIC, NETLINK_ROUTE, NETLINK_SOCK_DIAG)
 * in the caller's network namespace, with extended ACKs enabled.
 */
int nlsock_open(struct nlsock **ns, int bus);
void nlsock_close(struct nlsock *ns);

/*
 * Starts a request in the socket's own buffer: a netlink header of the given
 * type and flags (NLM_F_DUMP or 0; nlsock_request adds NLM_F_REQUEST and
 * NLM_F_ACK). The message is valid until the next nlsock_msg() or
 * nlsock_genl_msg() on ns; the buffer holds NLSOCK_MSG_MAX bytes, far more
 * than any request steer builds.
 */
#define NLSOCK_MSG_MAX 4096
struct nlmsghdr *nlsock_msg(struct nlsock *ns, uint16_t type, uint16_t flags);

/* The same for generic netlink: the header, then a genlmsghdr. */
struct nlmsghdr *nlsock_genl_msg(struct nlsock *ns, uint16_t family,
				 uint8_t cmd, uint8_t version, uint16_t flags);

/*
 * Sends nlh and runs cb(reply, data) on every data message answering it,
 * until the kernel's DONE (dumps) or ACK (every request asks for one).
 * cb returns MNL_CB_OK to go on, MNL_CB_STOP to ignore the rest, or
 * MNL_CB_ERROR with errno set (EPROTO when it is not). Either way the rest
 * of the answer is still read, so the socket can take the next request.
 * Returns 0, the kernel's error, the callback's error, or -EINTR when a dump
 * changed while it was read (its content may be inconsistent: retry). The
 * kernel's extended-ACK text, if any, is then in nlsock_errmsg().
 */
int nlsock_request(struct nlsock *ns, struct nlmsghdr *nlh, mnl_cb_t cb,
		   void *data);

/* The kernel's message about the last request, or "" when it gave none. */
const char *nlsock_errmsg(const struct nlsock *ns);

/* Resolves a generic netlink family (e.g. "ethtool"); -ENOENT if absent. */
int nlsock_genl_family(struct nlsock *ns, const char *name, uint16_t *id);

/*
 * Fills tb[0..max] with the attributes following offset bytes of nlh's
 * payload (its fixed header), or nested in nest. Attributes of a type above
 * max are skipped (newer kernels add some); a repeated type keeps the last.
 */
int nlsock_parse(const struct nlmsghdr *nlh, unsigned int offset,
		 const struct nlattr **tb, unsigned int max);
int nlsock_parse_nested(const struct nlattr *nest, const struct nlattr **tb,
			unsigned int max);

/* Reads a u8/u32 attribute; -EPROTO when its length is not right. */
int nlsock_attr_u8(const struct nlattr *attr, uint8_t *val);
int nlsock_attr_u32(const struct nlattr *attr, uint32_t *val);

#endif /* STEER_NLSOCK_H */
