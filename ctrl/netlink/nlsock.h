/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one netlink socket layer of steer (after ethtool's netlink/nlsock.c):
 * a libmnl socket that sends a request, runs a callback on every reply until
 * the kernel's DONE or ACK, and keeps the kernel's extended-ACK text; event
 * sockets that join multicast groups; the context that keeps one long-lived
 * request socket per bus (generic netlink ids resolved once); and the
 * typed helpers the per-feature files (diag, ethtool, netdev, rtnl) build on.
 */
#ifndef STEER_NLSOCK_H
#define STEER_NLSOCK_H

#include <stdbool.h>
#include <stddef.h>
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

/*
 * What a reply callback returns for a parser's result err: MNL_CB_OK for 0,
 * else MNL_CB_ERROR with errno set to -err (nlsock_request returns err).
 */
int nlsock_cb_status(int err);

/* The kernel's message about the last request, or "" when it gave none. */
const char *nlsock_errmsg(const struct nlsock *ns);

/* Resolves a generic netlink family (e.g. "ethtool"); -ENOENT if absent. */
int nlsock_genl_family(struct nlsock *ns, const char *name, uint16_t *id);

/*
 * Resolves a generic netlink family and one of its multicast groups
 * ("ethtool" "monitor"): -ENOENT when the family is absent, -ENOMSG when it
 * has no such group (an older kernel).
 */
int nlsock_genl_group(struct nlsock *ns, const char *family, const char *group,
		      uint16_t *family_id, uint32_t *group_id);

/*
 * An event socket: non-blocking, joined to multicast group (an RTNLGRP_*
 * or a generic netlink group id), for poll() on nlsock_fd().
 */
int nlsock_open_events(struct nlsock **ns, int bus, uint32_t group);
int nlsock_fd(const struct nlsock *ns);

/*
 * Reads every event queued on an event socket and runs cb(msg, data) on
 * each message; cb returns MNL_CB_OK to go on, anything else to stop (the
 * rest of that datagram is dropped, later ones stay queued). Returns the
 * number of messages handed to cb, or -ENOBUFS when the kernel dropped
 * events because the socket's buffer was full (the caller then re-reads the
 * state it follows), or another negative errno.
 */
int nlsock_read_events(struct nlsock *ns, mnl_cb_t cb, void *data);

/*
 * An NLMSG_ERROR message taken apart, with no socket (a pure function over
 * the message, so it is unit-tested): *error is the request's result (0 for
 * an ACK, else a negative errno) and msg the kernel's extended-ACK text
 * ("" when there is none). -EPROTO when the message is truncated.
 */
int nlsock_ack_parse(const struct nlmsghdr *nlh, int *error, char *msg,
		     size_t size);

/*
 * The long-lived sockets of one network namespace (the caller's when the
 * context is opened), after ethtool's nl_context: one request socket per
 * netlink bus (rtnetlink, sock_diag, generic netlink, which the ethtool and
 * netdev families share), kept open, and each generic netlink family's id
 * resolved at its first use and kept. Not thread-safe; a request's replies
 * are read before the next request goes out.
 */
enum nl_family {
	NL_FAMILY_ROUTE, /* NETLINK_ROUTE */
	NL_FAMILY_SOCK_DIAG, /* NETLINK_SOCK_DIAG */
	NL_FAMILY_ETHTOOL, /* generic netlink "ethtool" */
	NL_FAMILY_NETDEV, /* generic netlink "netdev" (Linux 6.3) */
	NL_FAMILY_COUNT,
};

struct nl_ctx;

int nl_ctx_open(struct nl_ctx **ctx);
void nl_ctx_close(struct nl_ctx *ctx);

/*
 * The request socket of family, and for a generic netlink family its id
 * (genl_id may be NULL otherwise). -EPROTONOSUPPORT when the kernel lacks
 * the generic netlink family; the lookup is retried on the next call.
 * nl_ctx_open opens every socket: ENOMEM, EMFILE, or the socket's error.
 */
int nl_ctx_sock(struct nl_ctx *ctx, enum nl_family family, struct nlsock **ns,
		uint16_t *genl_id);

/*
 * Runs fn(ctx, arg) on ctx, or when ctx is NULL on a context opened for
 * this one call (the single-shot functions that predate nl_ctx use it).
 */
int nl_ctx_with(struct nl_ctx *ctx, int (*fn)(struct nl_ctx *ctx, void *arg),
		void *arg);

/*
 * Whether nlh is a whole message within the len bytes left of a datagram:
 * mnl_nlmsg_ok compares the length as a signed int, so a length of 2^31 or
 * more passes it, and the parsers would then read far past the datagram.
 */
bool nlsock_msg_ok(const struct nlmsghdr *nlh, int len);

/*
 * Fills tb[0..max] with the attributes following offset bytes of nlh's
 * payload (its fixed header), or nested in nest. Attributes of a type above
 * max are skipped (newer kernels add some); a repeated type keeps the last.
 */
int nlsock_parse(const struct nlmsghdr *nlh, unsigned int offset,
		 const struct nlattr **tb, unsigned int max);
int nlsock_parse_nested(const struct nlattr *nest, const struct nlattr **tb,
			unsigned int max);

/*
 * Checks that nlh is a generic netlink message of command cmd, then parses
 * its attributes as nlsock_parse does; -EPROTO otherwise.
 */
int nlsock_genl_parse(const struct nlmsghdr *nlh, uint8_t cmd,
		      const struct nlattr **tb, unsigned int max);

/* Reads a u8/u32 attribute; -EPROTO when its length is not right. */
int nlsock_attr_u8(const struct nlattr *attr, uint8_t *val);
int nlsock_attr_u32(const struct nlattr *attr, uint32_t *val);
/* A generic netlink "uint": 4 or 8 bytes; -EPROTO for another length. */
int nlsock_attr_uint(const struct nlattr *attr, uint64_t *val);
/* Copies a NUL-terminated string attribute; -EPROTO if not one or too long. */
int nlsock_attr_str(const struct nlattr *attr, char *buf, size_t size);

#endif /* STEER_NLSOCK_H */
