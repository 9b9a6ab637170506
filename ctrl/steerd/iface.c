// SPDX-License-Identifier: GPL-2.0-only
/*
 * steerd's interfaces: the XDP program attached through libxdp (its
 * dispatcher where the kernel allows, alone otherwise), one instance per
 * interface with its slot in rodata, and the interface's steering
 * configuration written to the maps.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "steerd.h"
#include "lib/log.h"
#include "lib/proto.h"
#include "lib/rss_table.h"
#include "netlink/rtnl.h"
#include "lib/toeplitz.h"
#include "xdp/steer_xdp.skel.h"

#define STEER_PROG_NAME "steer_xdp"
#define IFACE_INDIR_SIZE 128 /* a power of two: the program masks */
#define CPUMAP_QSIZE 2048

static struct steerd_iface *find_iface(struct steerd *d, const char *name)
{
	int i;

	for (i = 0; i < STEER_MAX_IFACES; i++)
		if (d->ifaces[i].in_use && !strcmp(d->ifaces[i].name, name))
			return &d->ifaces[i];
	return NULL;
}

static bool is_veth(const char *ifname)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool veth;

	if (fd < 0)
		return false;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&info;
	veth = !ioctl(fd, SIOCETHTOOL, &ifr) && !strcmp(info.driver, "veth");
	close(fd);
	return veth;
}

/* steer's program among those attached to ifindex, or NULL. */
static struct xdp_program *
attached_steer(int ifindex, struct xdp_multiprog **mpp, bool *other)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(ifindex);
	struct xdp_program *p, *found = NULL;

	*other = false;
	*mpp = NULL;
	if (libxdp_get_error(mp))
		return NULL;
	*mpp = mp;
	if (xdp_multiprog__is_legacy(mp)) {
		p = xdp_multiprog__main_prog(mp);
		if (p && !strcmp(xdp_program__name(p), STEER_PROG_NAME))
			return p;
		*other = p != NULL;
		return NULL;
	}
	for (p = xdp_multiprog__next_prog(NULL, mp); p;
	     p = xdp_multiprog__next_prog(p, mp))
		if (!strcmp(xdp_program__name(p), STEER_PROG_NAME))
			found = p;
	return found;
}

static json_t *iface_json(const struct steerd_iface *i)
{
	char key[2 * STEER_RSS_KEY_DEFAULT_LEN + 1];
	json_t *cpus = json_array(), *o;
	uint32_t c;

	for (c = 0; c < i->nr_cpus; c++)
		json_array_append_new(cpus, json_integer(i->cpus[c]));
	/* Every interface hashes with the default key (ctrl/toeplitz.c). */
	for (c = 0; c < STEER_RSS_KEY_DEFAULT_LEN; c++)
		snprintf(key + 2 * c, 3, "%02x", toeplitz_default_key[c]);
	o = json_pack("{s:s, s:i, s:s, s:s, s:s, s:i, s:o, s:i, s:s}", "name",
		      i->name, "ifindex", i->ifindex, "xdp_mode",
		      i->skb_mode ? "skb" : "native", "attach",
		      i->dispatcher ? "dispatcher" : "single", "steer",
		      i->steer == STEER_MODE_RSS ? "rss" : "cpu", "rx_queues",
		      i->rx_queues, "cpus", cpus, "indir_size",
		      IFACE_INDIR_SIZE, "key", key);
	return o;
}

static json_t *iface_obj(struct steerd *d, const struct steerd_iface *i)
{
	json_t *o = iface_json(i);

	json_object_set_new(o, "slot", json_integer(i - d->ifaces));
	return o;
}

/* Writes the steering configuration: RSS table, interface entry, CPUMAP. */
static int configure(struct steerd *d, struct steerd_iface *i, int slot)
{
	uint32_t indir[IFACE_INDIR_SIZE];
	struct steer_rss *rss;
	uint32_t c;
	int err;

	rss = calloc(1, sizeof(*rss));
	if (!rss)
		return -ENOMEM;
	steer_indir_round_robin(indir, IFACE_INDIR_SIZE, i->cpus, i->nr_cpus);
	err = steer_rss_fill(rss, toeplitz_default_key,
			     sizeof(toeplitz_default_key), indir,
			     IFACE_INDIR_SIZE);
	for (c = 0; !err && c < i->nr_cpus; c++)
		err = steer_maps__add_cpu(&d->maps, i->cpus[c], CPUMAP_QSIZE);
	if (!err)
		err = steer_maps__set_iface(&d->maps, slot, i->ifindex,
					    i->steer, 0, rss);
	free(rss);
	return err;
}

static int parse_cpus(const json_t *req, struct steerd_iface *i)
{
	json_t *cpus = json_object_get(req, "cpus"), *v;
	int ncpus = libbpf_num_possible_cpus();
	size_t idx;

	i->nr_cpus = 0;
	if (!cpus) {
		for (idx = 0; idx < (size_t)ncpus && idx < STEER_MAX_CPUS;
		     idx++)
			i->cpus[i->nr_cpus++] = idx;
		return 0;
	}
	if (!json_is_array(cpus) || json_array_size(cpus) == 0)
		return -EINVAL;
	json_array_foreach(cpus, idx, v)
	{
		json_int_t c = json_integer_value(v);

		if (!json_is_integer(v) || c < 0 || c >= ncpus ||
		    c >= STEER_MAX_CPUS || i->nr_cpus == STEER_MAX_CPUS)
			return -ERANGE;
		i->cpus[i->nr_cpus++] = c;
	}
	return 0;
}

json_t *steerd_iface_attach(struct steerd *d, const struct steerd_peer *peer,
			    const json_t *req, int fd)
{
	struct steerd_iface *i = NULL, tmp = { 0 };
	struct xdp_multiprog *mp;
	struct proto_read rd;
	const char *name, *mode = "native", *steer = "cpu";
	bool force = false, other;
	json_t *reply;
	int slot, err;
	DECLARE_LIBXDP_OPTS(xdp_program_opts, opts, 0);

	proto_read_init(&rd);
	name = proto_read_str(&rd, req, "ifname");
	if (json_object_get(req, "xdp_mode"))
		mode = proto_read_str(&rd, req, "xdp_mode");
	if (json_object_get(req, "steer"))
		steer = proto_read_str(&rd, req, "steer");
	if (json_object_get(req, "force"))
		force = proto_read_bool(&rd, req, "force");
	if (rd.err)
		return proto_reply_error(-EINVAL, "%s", rd.msg);
	if (strcmp(mode, "native") && strcmp(mode, "skb"))
		return proto_reply_error(
			-EINVAL, "bad XDP mode '%s': native or skb", mode);
	if (strcmp(steer, "rss") && strcmp(steer, "cpu"))
		return proto_reply_error(
			-EINVAL, "bad steering '%s': rss or cpu", steer);
	if (parse_cpus(req, &tmp))
		return proto_reply_error(-ERANGE,
					 "bad CPU list: CPUs 0-%d exist",
					 libbpf_num_possible_cpus() - 1);
	if (find_iface(d, name))
		return proto_reply_error(-EEXIST, "steer is attached to %s",
					 name);
	tmp.ifindex = if_nametoindex(name);
	if (!tmp.ifindex)
		return proto_reply_error(-ENODEV,
					 "no interface %s in steerd's network "
					 "namespace",
					 name);
	for (slot = 0; slot < STEER_MAX_IFACES && d->ifaces[slot].in_use;
	     slot++)
		;
	if (slot == STEER_MAX_IFACES)
		return proto_reply_error(-ENOSPC,
					 "steer is attached to %d interfaces "
					 "already",
					 STEER_MAX_IFACES);
	if (attached_steer(tmp.ifindex, &mp, &other) || other) {
		if (!force || !other) {
			xdp_multiprog__close(mp);
			return proto_reply_error(
				-EBUSY,
				"%s has another XDP program attached; "
				"detach it, or replace it with --force",
				name);
		}
		err = xdp_multiprog__detach(mp);
		xdp_multiprog__close(mp);
		if (err)
			return proto_reply_error(err,
						 "detaching the XDP program "
						 "of %s: %s",
						 name, strerror(-err));
		pr_warn("%s: replaced another XDP program (--force)", name);
	} else {
		xdp_multiprog__close(mp);
	}

	rtnl_num_rx_queues(tmp.ifindex, &tmp.rx_queues);
	i = &d->ifaces[slot];
	*i = tmp;
	snprintf(i->name, sizeof(i->name), "%s", name);
	i->steer = strcmp(steer, "rss") ? STEER_MODE_CPU : STEER_MODE_RSS;
	i->skb_mode = !strcmp(mode, "skb");
	i->skel = steer_xdp__open();
	err = i->skel ? 0 : -errno;
	if (!err) {
		i->skel->rodata->iface_slot = slot;
		err = steerd_bpf_pin_maps(d, i->skel->obj);
	}
	/* The tables first: the program is live the moment it attaches. */
	if (!err)
		err = configure(d, i, slot);
	if (!err) {
		opts.obj = i->skel->obj;
		opts.prog_name = STEER_PROG_NAME;
		i->prog = xdp_program__create(&opts);
		err = libxdp_get_error(i->prog);
		if (err)
			i->prog = NULL;
	}
	if (!err)
		err = xdp_program__attach(
			i->prog, i->ifindex,
			i->skb_mode ? XDP_MODE_SKB : XDP_MODE_NATIVE, 0);
	if (err) {
		steer_maps__clear_iface(&d->maps, slot);
		xdp_program__close(i->prog);
		steer_xdp__destroy(i->skel);
		memset(i, 0, sizeof(*i));
		return proto_reply_error(err, "attaching to %s: %s", name,
					 strerror(-err));
	}
	attached_steer(i->ifindex, &mp, &other);
	i->dispatcher = mp && !xdp_multiprog__is_legacy(mp);
	xdp_multiprog__close(mp);
	d->dispatcher_seen = i->dispatcher;
	i->in_use = true;
	pr_info("%s: attached (%s XDP, %s, %s steering over %u CPUs)", name,
		mode, i->dispatcher ? "libxdp dispatcher" : "alone", steer,
		i->nr_cpus);
	reply = iface_obj(d, i);
	if (i->steer == STEER_MODE_CPU && !i->skb_mode && is_veth(name)) {
		const char *w = "native XDP on veth: frames redirected to "
				"another CPU lose the sender's checksum "
				"offload and TCP drops them; turn it off on "
				"the peer (ethtool -K PEER tx off) or attach "
				"with --mode skb";

		pr_warn("%s: %s", name, w);
		json_object_set_new(reply, "warning", json_string(w));
	}
	return steerd_reply(reply);
}

static int detach(struct steerd *d, struct steerd_iface *i)
{
	struct xdp_multiprog *mp;
	struct xdp_program *p;
	bool other;
	int err = 0;

	p = i->prog ? i->prog : attached_steer(i->ifindex, &mp, &other);
	if (p)
		err = xdp_program__detach(
			p, i->ifindex,
			i->skb_mode ? XDP_MODE_SKB : XDP_MODE_NATIVE, 0);
	if (!i->prog)
		xdp_multiprog__close(mp);
	if (err && err != -ENOENT)
		return err;
	steer_maps__clear_iface(&d->maps, i - d->ifaces);
	xdp_program__close(i->prog);
	steer_xdp__destroy(i->skel);
	pr_info("%s: detached", i->name);
	memset(i, 0, sizeof(*i));
	return 0;
}

json_t *steerd_iface_detach(struct steerd *d, const struct steerd_peer *peer,
			    const json_t *req, int fd)
{
	struct steerd_iface *i;
	struct proto_read rd;
	const char *name;
	int err;

	proto_read_init(&rd);
	name = proto_read_str(&rd, req, "ifname");
	if (rd.err)
		return proto_reply_error(-EINVAL, "%s", rd.msg);
	i = find_iface(d, name);
	if (!i)
		return proto_reply_error(-ENOENT, "steer is not attached to %s",
					 name);
	err = detach(d, i);
	if (err)
		return proto_reply_error(err, "detaching from %s: %s", name,
					 strerror(-err));
	return proto_reply_ok();
}

json_t *steerd_iface_show(struct steerd *d, const struct steerd_peer *peer,
			  const json_t *req, int fd)
{
	const char *name = json_string_value(json_object_get(req, "ifname"));
	json_t *list = json_array();
	int i;

	if (name && !find_iface(d, name)) {
		json_decref(list);
		return proto_reply_error(-ENOENT, "steer is not attached to %s",
					 name);
	}
	for (i = 0; i < STEER_MAX_IFACES; i++)
		if (d->ifaces[i].in_use &&
		    (!name || !strcmp(d->ifaces[i].name, name)))
			json_array_append_new(list,
					      iface_obj(d, &d->ifaces[i]));
	return steerd_reply(json_pack("{s:o}", "ifaces", list));
}

void steerd_iface_detach_all(struct steerd *d)
{
	int i;

	for (i = 0; i < STEER_MAX_IFACES; i++)
		if (d->ifaces[i].in_use)
			detach(d, &d->ifaces[i]);
}

/* A restored interface's CPU set: the CPUs its live table names. */
static void restore_cpus(struct steerd *d, struct steerd_iface *i,
			 uint32_t slot, const struct steer_iface *e)
{
	__u32 key = STEER_RSS_INDEX(slot, e->gen);
	bool seen[STEER_MAX_CPUS] = { false };
	struct steer_rss *rss = malloc(sizeof(*rss));
	uint32_t b, c;

	if (!rss)
		return;
	if (!bpf_map_lookup_elem(d->maps.rss, &key, rss) &&
	    rss->indir_size <= STEER_INDIR_MAX)
		for (b = 0; b < rss->indir_size; b++)
			if (rss->indir[b] < STEER_MAX_CPUS)
				seen[rss->indir[b]] = true;
	free(rss);
	for (c = 0; c < STEER_MAX_CPUS; c++)
		if (seen[c])
			i->cpus[i->nr_cpus++] = c;
}

int steerd_iface_restore(struct steerd *d)
{
	struct xdp_multiprog *mp;
	struct steer_iface e;
	bool other;
	__u32 slot;

	for (slot = 0; slot < STEER_MAX_IFACES; slot++) {
		struct steerd_iface *i = &d->ifaces[slot];
		struct xdp_program *p;

		if (bpf_map_lookup_elem(d->maps.ifaces, &slot, &e) ||
		    e.mode == STEER_MODE_NONE)
			continue;
		memset(i, 0, sizeof(*i));
		if (!if_indextoname(e.ifindex, i->name)) {
			pr_info("interface %u is gone; forgetting it",
				e.ifindex);
			steer_maps__clear_iface(&d->maps, slot);
			continue;
		}
		p = attached_steer(e.ifindex, &mp, &other);
		if (p) {
			i->skb_mode = xdp_multiprog__attach_mode(mp) ==
				      XDP_MODE_SKB;
			i->dispatcher = !xdp_multiprog__is_legacy(mp);
		}
		xdp_multiprog__close(mp);
		if (!p) {
			pr_info("%s: steer's program is no longer attached; "
				"forgetting it",
				i->name);
			steer_maps__clear_iface(&d->maps, slot);
			continue;
		}
		i->in_use = true;
		i->ifindex = e.ifindex;
		i->steer = e.mode;
		rtnl_num_rx_queues(e.ifindex, &i->rx_queues);
		if (e.mode == STEER_MODE_CPU)
			restore_cpus(d, i, slot, &e);
		pr_info("%s: found attached (slot %u)", i->name, slot);
	}
	return 0;
}

int steerd_iface_watch_open(struct steerd *d)
{
	d->links =
		mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (!d->links)
		return -errno;
	if (mnl_socket_bind(d->links, RTMGRP_LINK, MNL_SOCKET_AUTOPID)) {
		mnl_socket_close(d->links);
		d->links = NULL;
		return -errno;
	}
	return mnl_socket_get_fd(d->links);
}

void steerd_iface_watch_close(struct steerd *d)
{
	if (d->links)
		mnl_socket_close(d->links);
	d->links = NULL;
}

static struct steerd_iface *by_index(struct steerd *d, int ifindex)
{
	int i;

	for (i = 0; i < STEER_MAX_IFACES; i++)
		if (d->ifaces[i].in_use && d->ifaces[i].ifindex == ifindex)
			return &d->ifaces[i];
	return NULL;
}

/* A link went away or was renamed: follow it, never act on a stale name. */
static int on_link(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct steerd *d = data;
	struct steerd_iface *i = by_index(d, ifi->ifi_index);
	const struct nlattr *attr;
	const char *name = NULL;

	if (!i)
		return MNL_CB_OK;
	if (nlh->nlmsg_type == RTM_DELLINK) {
		pr_warn("%s: interface removed; steer forgets it", i->name);
		steer_maps__clear_iface(&d->maps, i - d->ifaces);
		xdp_program__close(i->prog);
		steer_xdp__destroy(i->skel);
		memset(i, 0, sizeof(*i));
		return MNL_CB_OK;
	}
	mnl_attr_for_each(attr, nlh, sizeof(*ifi))
		if (mnl_attr_get_type(attr) == IFLA_IFNAME &&
		    !mnl_attr_validate(attr, MNL_TYPE_NUL_STRING))
			name = mnl_attr_get_str(attr);
	if (name && strcmp(name, i->name)) {
		pr_info("%s: renamed %s", i->name, name);
		snprintf(i->name, sizeof(i->name), "%s", name);
	}
	return MNL_CB_OK;
}

void steerd_iface_link_event(struct steerd *d)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	ssize_t n;

	while ((n = mnl_socket_recvfrom(d->links, buf, sizeof(buf))) > 0)
		mnl_cb_run(buf, n, 0, 0, on_link, d);
}
