/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ethtool monitor: the kernel's ethtool notifications (multicast group
 * "monitor") read as "what changed on which interface", so steerd follows a
 * channel count or RSS change (ethtool -L, -X) without polling. The kernel
 * sends CHANNELS_NTF on every channel change; RSS_NTF since Linux 6.17.
 * ethtool_event_parse is a pure function over one message, unit-tested.
 */
#ifndef STEER_ETHTOOL_MONITOR_H
#define STEER_ETHTOOL_MONITOR_H

#include <stdint.h>
#include <net/if.h>

struct nlmsghdr;

enum ethtool_change {
	ETHTOOL_CHANGE_CHANNELS = 1, /* CHANNELS_NTF: re-read channels */
	ETHTOOL_CHANGE_RSS, /* RSS_NTF, RSS_CREATE_NTF, RSS_DELETE_NTF */
	ETHTOOL_CHANGE_OTHER, /* another notification (rings, features...) */
};

struct ethtool_event {
	enum ethtool_change what;
	uint8_t cmd; /* the ETHTOOL_MSG_*_NTF */
	int ifindex;
	char ifname[IF_NAMESIZE]; /* "" when the header has no name */
};

/*
 * Parses a notification of the ethtool family (its generic netlink id is
 * family). -EPROTO for another family, a truncated message, or a header
 * without a valid ifindex.
 */
int ethtool_event_parse(const struct nlmsghdr *nlh, uint16_t family,
			struct ethtool_event *ev);

/*
 * A non-blocking socket in the monitor group of the caller's network
 * namespace; poll ethtool_monitor_fd(), then ethtool_monitor_read() runs cb
 * on each parsed event until none is queued or cb returns non-zero. Returns
 * the number of events, -ENOBUFS when the kernel dropped some (re-read what
 * you follow), or another negative errno. Opening: -EPROTONOSUPPORT without
 * ethtool netlink, -ENOMSG without the monitor group.
 */
struct ethtool_monitor;

int ethtool_monitor_open(struct ethtool_monitor **mon);
int ethtool_monitor_fd(const struct ethtool_monitor *mon);
int ethtool_monitor_read(struct ethtool_monitor *mon,
			 int (*cb)(const struct ethtool_event *ev, void *arg),
			 void *arg);
void ethtool_monitor_close(struct ethtool_monitor *mon);

#endif /* STEER_ETHTOOL_MONITOR_H */
