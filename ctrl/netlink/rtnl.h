/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What steerd reads about links over rtnetlink in the caller's network
 * namespace: one link's state (RTM_GETLINK: name, up, RX queue count, XDP
 * program), and the link monitor (RTMGRP_LINK events in the same form).
 * rtnl_link_parse is a pure function over one message, unit-tested.
 */
#ifndef STEER_RTNL_H
#define STEER_RTNL_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>

struct nl_ctx;
struct nlmsghdr;

enum rtnl_link_kind {
	RTNL_LINK_NEW = 1, /* RTM_NEWLINK: a link appeared or changed */
	RTNL_LINK_DEL, /* RTM_DELLINK: removed, or moved to another netns */
};

struct rtnl_link {
	enum rtnl_link_kind kind;
	int ifindex;
	char name[IF_NAMESIZE]; /* "" when the message has none */
	bool up; /* IFF_UP: administratively up */
	bool running; /* IFF_RUNNING: operationally up */
	uint32_t num_rx_queues; /* IFLA_NUM_RX_QUEUES; 0 when absent */
	/*
	 * IFLA_XDP: the attached program (0: none) and how it is attached
	 * (XDP_ATTACHED_NONE, _DRV, _SKB, _HW, or _MULTI when programs are
	 * attached in several modes; xdp_prog_id is then the driver-mode
	 * one, else the generic-mode one, else the offloaded one).
	 */
	uint32_t xdp_prog_id;
	uint8_t xdp_attach_mode;
};

/*
 * Parses an RTM_NEWLINK or RTM_DELLINK message. -EPROTO for another type, a
 * truncated message or a mistyped attribute; unknown attributes are ignored.
 */
int rtnl_link_parse(const struct nlmsghdr *nlh, struct rtnl_link *link);

/*
 * RTM_GETLINK of ifindex over ctx. -ENODEV for no such interface, -EINVAL
 * for ifindex <= 0.
 */
int rtnl_get_link(struct nl_ctx *ctx, int ifindex, struct rtnl_link *link);

/* Single-shot: IFLA_NUM_RX_QUEUES (veth: numrxqueues). As rtnl_get_link. */
int rtnl_num_rx_queues(int ifindex, uint32_t *n);

/* Single-shot: IFLA_XDP. Either output may be NULL. As rtnl_get_link. */
int rtnl_xdp_prog_id(int ifindex, uint32_t *prog_id, uint8_t *attach_mode);

/*
 * The link monitor: a non-blocking socket in RTNLGRP_LINK of the caller's
 * network namespace; poll rtnl_monitor_fd() for input, then
 * rtnl_monitor_read() runs cb on each parsed event (unparsable ones are
 * skipped) until none is queued or cb returns non-zero. Returns the number
 * of events, -ENOBUFS when the kernel dropped some (the socket buffer was
 * full: re-read the links you follow), or another negative errno.
 */
struct rtnl_monitor;

int rtnl_monitor_open(struct rtnl_monitor **mon);
int rtnl_monitor_fd(const struct rtnl_monitor *mon);
int rtnl_monitor_read(struct rtnl_monitor *mon,
		      int (*cb)(const struct rtnl_link *link, void *arg),
		      void *arg);
void rtnl_monitor_close(struct rtnl_monitor *mon);

#endif /* STEER_RTNL_H */
