// SPDX-License-Identifier: GPL-2.0-only
/*
 * Live sync of the attached interfaces: link events (down, up, rename,
 * removal, steer's XDP program detached or replaced by someone else) from
 * the rtnetlink monitor, channel and RSS changes from the ethtool monitor,
 * and IRQ affinity, which has no notification, on the reconcile tick. A
 * change re-reads the NIC and republishes through the generation flip
 * (iface.c); someone else's program is reported, never fought over.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "steerd.h"
#include "nic.h"
#include "lib/log.h"
#include "netlink/ethtool_monitor.h"
#include "netlink/nlsock.h"
#include "netlink/rtnl.h"

int steerd_iface_watch_open(struct steerd *d, int *links_fd, int *ethtool_fd)
{
	int err;

	*links_fd = *ethtool_fd = -1;
	err = rtnl_monitor_open(&d->links);
	if (err)
		return err;
	*links_fd = rtnl_monitor_fd(d->links);
	err = ethtool_monitor_open(&d->ethtool);
	if (err) {
		/* An older kernel: steer works, and follows less. */
		pr_warn("no ethtool notifications (%s): channel and RSS "
			"changes are not followed",
			strerror(-err));
		d->ethtool = NULL;
		return 0;
	}
	*ethtool_fd = ethtool_monitor_fd(d->ethtool);
	return 0;
}

void steerd_iface_watch_close(struct steerd *d)
{
	if (d->ethtool)
		ethtool_monitor_close(d->ethtool);
	if (d->links)
		rtnl_monitor_close(d->links);
	d->ethtool = NULL;
	d->links = NULL;
}

/*
 * The link's XDP program changed: ours gone, or only its dispatcher. An
 * event can be older than what is attached now (libxdp's own attach steps,
 * a detach and attach in quick succession), so what is attached now
 * decides, not the event: only steer's program missing now means lost.
 */
static void on_prog_change(struct steerd_iface *i, const struct rtnl_link *l)
{
	if (steerd_iface_steer_attached(i->ifindex)) {
		pr_info("%s: XDP program id %u -> %u; steer's is still "
			"attached",
			i->name, i->prog_id, l->xdp_prog_id);
		i->prog_id = l->xdp_prog_id;
		return;
	}
	if (l->xdp_prog_id)
		snprintf(i->lost, sizeof(i->lost),
			 "steer's XDP program was replaced by program %u "
			 "from outside steerd",
			 l->xdp_prog_id);
	else
		snprintf(i->lost, sizeof(i->lost),
			 "steer's XDP program was detached from outside "
			 "steerd");
	i->prog_id = l->xdp_prog_id;
	pr_warn("%s: %s; steerd leaves the interface alone (iface detach, "
		"then attach, to steer it again)",
		i->name, i->lost);
}

static int on_link(const struct rtnl_link *l, void *arg)
{
	struct steerd *d = arg;
	struct steerd_iface *i = steerd_iface_by_index(d, l->ifindex);

	if (!i)
		return 0;
	if (l->kind == RTNL_LINK_DEL) {
		pr_warn("%s: interface removed; steer forgets it", i->name);
		steerd_iface_forget(d, i);
		return 0;
	}
	if (l->name[0] && strcmp(l->name, i->name)) {
		pr_info("%s: renamed %s", i->name, l->name);
		snprintf(i->name, sizeof(i->name), "%s", l->name);
	}
	if (l->up == i->down) {
		i->down = !l->up;
		pr_info("%s: link %s", i->name, l->up ? "up" : "down");
	}
	if (!i->lost[0] && l->xdp_prog_id != i->prog_id)
		on_prog_change(i, l);
	return 0;
}

/* Events were lost: every interface is re-read. */
static void resync_all(struct steerd *d, const char *why)
{
	int i;

	for (i = 0; i < STEER_MAX_IFACES; i++)
		if (d->ifaces[i].in_use)
			steerd_iface_resync(d, &d->ifaces[i], why);
}

void steerd_iface_link_event(struct steerd *d)
{
	if (rtnl_monitor_read(d->links, on_link, d) == -ENOBUFS)
		resync_all(d, "link events lost");
}

static int on_ethtool(const struct ethtool_event *ev, void *arg)
{
	struct steerd *d = arg;
	struct steerd_iface *i = steerd_iface_by_index(d, ev->ifindex);

	if (!i || ev->what == ETHTOOL_CHANGE_OTHER)
		return 0;
	steerd_iface_resync(d, i,
			    ev->what == ETHTOOL_CHANGE_CHANNELS ?
				    "channels changed" :
				    "RSS changed");
	return 0;
}

void steerd_iface_ethtool_event(struct steerd *d)
{
	if (ethtool_monitor_read(d->ethtool, on_ethtool, d) == -ENOBUFS)
		resync_all(d, "ethtool events lost");
}

void steerd_iface_tick(struct steerd *d)
{
	struct steerd_iface *i;
	int n;

	for (n = 0; n < STEER_MAX_IFACES; n++) {
		i = &d->ifaces[n];
		if (!i->in_use || i->lost[0])
			continue;
		/* IRQ affinity has no notification: re-read it. */
		if (nic_reread_cpus(d->nl, i->nic, i->name, i->ifindex,
				    libbpf_num_possible_cpus()))
			steerd_iface_resync(d, i, "IRQ affinity changed");
	}
}
