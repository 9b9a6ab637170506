// SPDX-License-Identifier: GPL-2.0-only
/*
 * steerd's interfaces: attach, detach and restore. The XDP program is
 * attached through libxdp (its dispatcher where the kernel allows, alone
 * otherwise), one instance per interface with its slot in rodata, after the
 * checks that would make steering lie or break (rss without RSS, offload
 * traps). iface_tables.c derives and publishes the tables from what the NIC
 * does (nic.c), iface_show.c shows it, iface_sync.c follows its changes.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
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

#include "steerd.h"
#include "nic.h"
#include "host/irq.h"
#include "lib/clock.h"
#include "lib/cpu_table.h"
#include "lib/flow_hash.h"
#include "lib/log.h"
#include "lib/parse.h"
#include "lib/proto.h"
#include "lib/proto_msg.h"
#include "lib/rss_table.h"
#include "lib/toeplitz.h"
#include "netlink/ethtool.h"
#include "netlink/rtnl.h"
#include "netlink/uapi/linux/netdev.h"
#include "xdp/steer_xdp.skel.h"

#define STEER_PROG_NAME "steer_xdp"
#define ATTACH_WARNINGS 512 /* room for the attach reply's warnings */

struct steerd_iface *steerd_iface_find(struct steerd *d, const char *name)
{
	int i;

	for (i = 0; i < STEER_MAX_IFACES; i++)
		if (d->ifaces[i].in_use && !strcmp(d->ifaces[i].name, name))
			return &d->ifaces[i];
	return NULL;
}

struct steerd_iface *steerd_iface_by_index(struct steerd *d, int ifindex)
{
	int i;

	for (i = 0; i < STEER_MAX_IFACES; i++)
		if (d->ifaces[i].in_use && d->ifaces[i].ifindex == ifindex)
			return &d->ifaces[i];
	return NULL;
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

uint32_t steerd_possible_cpus(void)
{
	int n = libbpf_num_possible_cpus();

	return n > 0 ? (uint32_t)n : 1;
}

/* The operator's facts from the attach request, checked. */
static json_t *parse_override(const struct proto_iface_attach_req *req,
			      struct nic_override *o)
{
	struct parse_err perr;
	size_t len, size;
	uint32_t q;

	for (q = 0; q < STEER_MAX_QUEUES; q++)
		o->queue_cpu[q] = STEER_INDIR_NONE;
	if (req->rss_key) {
		if (parse_rss_key(req->rss_key, o->key, &len, &perr))
			return proto_reply_error(-EINVAL, "rss_key: %s",
						 perr.msg);
		o->key_len = len;
	}
	if (req->indir) {
		if (parse_indir_table(req->indir, o->indir, STEER_INDIR_MAX,
				      &size, &perr))
			return proto_reply_error(-EINVAL, "indir: %s",
						 perr.msg);
		o->indir_size = size;
	}
	if (req->queue_cpus) {
		if (parse_queue_cpus(req->queue_cpus, o->queue_cpu, &perr))
			return proto_reply_error(-EINVAL, "queue_cpus: %s",
						 perr.msg);
		o->queue_cpus_given = true;
	}
	return NULL;
}

static json_t *parse_cpus(const struct proto_iface_attach_req *req,
			  struct steerd_iface *i)
{
	uint32_t ncpus = steerd_possible_cpus(), c;

	i->nr_cpus = 0;
	if (!req->cpus_given) {
		for (c = 0; c < ncpus && c < STEER_MAX_CPUS; c++)
			i->cpus[i->nr_cpus++] = c;
		return NULL;
	}
	if (!req->ncpus)
		return proto_reply_error(-EINVAL, "bad CPU list: empty");
	for (c = 0; c < req->ncpus; c++) {
		if (req->cpus[c] >= ncpus || req->cpus[c] >= STEER_MAX_CPUS)
			return proto_reply_error(
				-ERANGE, "bad CPU list: CPUs 0-%u exist",
				ncpus - 1);
		i->cpus[i->nr_cpus++] = req->cpus[c];
	}
	return NULL;
}

/* Whether a device feature flag (ETH_FLAG_*) is on; false if unknown. */
static bool eth_flag_on(const char *ifname, uint32_t flag)
{
	struct ethtool_value v = { .cmd = ETHTOOL_GFLAGS };
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool on;

	if (fd < 0)
		return false;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&v;
	on = !ioctl(fd, SIOCETHTOOL, &ifr) && (v.data & flag);
	close(fd);
	return on;
}

/* Appends one warning to the attach reply's text and to the log. */
static void attach_warn(char *text, const char *ifname, const char *fmt, ...)
{
	size_t off = strlen(text);
	char w[NIC_WARN_LEN * 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w, sizeof(w), fmt, ap);
	va_end(ap);
	pr_warn("%s: %s", ifname, w);
	snprintf(text + off, ATTACH_WARNINGS - off, "%s%s", off ? "; " : "", w);
}

/* The traps of native cpu mode: what a CPUMAP redirect loses. */
static void native_cpu_traps(const struct steerd_iface *i, char *warnings)
{
	bool veth = ethtool_is_veth(i->name);

	if (i->steer != STEER_MODE_CPU || i->skb_mode)
		return;
	if (veth)
		attach_warn(warnings, i->name,
			    "native XDP on veth: frames redirected to another "
			    "CPU lose the sender's checksum offload and TCP "
			    "drops them; turn it off on the peer (ethtool -K "
			    "PEER tx off) or attach with --mode skb");
	if (eth_flag_on(i->name, ETH_FLAG_RXVLAN))
		attach_warn(warnings, i->name,
			    "native XDP with VLAN tags out of band (%s): "
			    "tagged frames redirected to another CPU arrive "
			    "untagged; turn it off (%s) or attach with --mode "
			    "skb",
			    veth ? "tx-vlan-offload on the peer" :
				   "rx-vlan-offload",
			    veth ? "ethtool -K PEER txvlan off" :
				   "ethtool -K DEV rxvlan off");
}

/*
 * rss mode on a device that spreads nothing: refused (or, with force,
 * kept with a warning). NULL when it may go on.
 */
static json_t *rss_refusal(const struct steerd_iface *i, bool force,
			   char *warnings)
{
	const struct nic *nic = i->nic;
	char why[96];

	if (i->steer != STEER_MODE_RSS)
		return NULL;
	if (nic->rss_source == NIC_RSS_NONE)
		snprintf(why, sizeof(why), "reports no RSS");
	else if (nic->rx_queues < 2)
		snprintf(why, sizeof(why), "has one RX queue");
	else
		return NULL;
	if (!force)
		return proto_reply_error(
			-EOPNOTSUPP,
			"%s %s, so RSS does not place flows on CPUs: use "
			"--steer cpu (or --force for rss mode anyway)",
			i->name, why);
	attach_warn(warnings, i->name,
		    "rss mode although the device %s (--force): locality "
		    "is whatever the sender's CPU gives",
		    why);
	return NULL;
}

/*
 * libbpf's and libxdp's messages while steerd attaches: the kernel's
 * extended ACK reaches us only there. Kept, and passed on to the log.
 */
static char attach_msg[256];
static libbpf_print_fn_t prev_libbpf_print;
static libxdp_print_fn_t prev_libxdp_print;

/* Keeps a warning's text (ap is left for the next printer). */
static void keep_warning(bool warn, const char *fmt, va_list ap)
{
	char line[256];
	const char *text = line;
	va_list copy;
	size_t n;

	if (!warn)
		return;
	va_copy(copy, ap);
	vsnprintf(line, sizeof(line), fmt, copy);
	va_end(copy);
	n = strlen(line);
	while (n && line[n - 1] == '\n')
		line[--n] = '\0';
	if (!strncmp(text, "libbpf: ", 8) || !strncmp(text, "libxdp: ", 8))
		text += 8;
	/* The kernel's own words win over libxdp's retelling of them. */
	if (strstr(text, "Kernel error message") || !attach_msg[0])
		snprintf(attach_msg, sizeof(attach_msg), "%s", text);
}

static int capture_libbpf(enum libbpf_print_level level, const char *fmt,
			  va_list ap)
{
	keep_warning(level == LIBBPF_WARN, fmt, ap);
	return prev_libbpf_print ? prev_libbpf_print(level, fmt, ap) : 0;
}

static int capture_libxdp(enum libxdp_print_level level, const char *fmt,
			  va_list ap)
{
	keep_warning(level == LIBXDP_WARN, fmt, ap);
	return prev_libxdp_print ? prev_libxdp_print(level, fmt, ap) : 0;
}

static int attach_prog(struct steerd_iface *i)
{
	int err;

	attach_msg[0] = '\0';
	prev_libbpf_print = libbpf_set_print(capture_libbpf);
	prev_libxdp_print = libxdp_set_print(capture_libxdp);
	err = xdp_program__attach(i->prog, i->ifindex,
				  i->skb_mode ? XDP_MODE_SKB : XDP_MODE_NATIVE,
				  0);
	libbpf_set_print(prev_libbpf_print);
	libxdp_set_print(prev_libxdp_print);
	return err;
}

/* The program id the link reports now (the dispatcher's, or ours). */
static uint32_t link_prog_id(struct steerd *d, int ifindex, bool *down)
{
	struct rtnl_link link;

	if (rtnl_get_link(d->nl, ifindex, &link))
		return 0;
	if (down)
		*down = !link.up;
	return link.xdp_prog_id;
}

static void iface_free(struct steerd *d, struct steerd_iface *i)
{
	steer_maps__clear_iface(&d->maps, i - d->ifaces);
	xdp_program__close(i->prog);
	steer_xdp__destroy(i->skel);
	if (i->nic)
		free(i->nic->xps_prev);
	free(i->nic);
	memset(i, 0, sizeof(*i));
}

/* Replaces another XDP program when forced; a reply when refused. */
static json_t *clear_other(const char *name, int ifindex, bool force)
{
	struct xdp_multiprog *mp;
	bool other;
	int err;

	if (!attached_steer(ifindex, &mp, &other) && !other) {
		xdp_multiprog__close(mp);
		return NULL;
	}
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
					 "detaching the XDP program of %s: %s",
					 name, strerror(-err));
	pr_warn("%s: replaced another XDP program (--force)", name);
	return NULL;
}

bool steerd_iface_steer_attached(int ifindex)
{
	struct xdp_multiprog *mp;
	bool other, found = attached_steer(ifindex, &mp, &other);

	xdp_multiprog__close(mp);
	return found;
}

json_t *steerd_iface_attach(struct steerd *d, const struct steerd_peer *peer,
			    const json_t *req, int fd)
{
	struct proto_iface_attach_req r;
	char warnings[ATTACH_WARNINGS] = "";
	struct steerd_iface *i = NULL, tmp = { 0 };
	struct xdp_multiprog *mp;
	struct proto_read rd;
	json_t *reply;
	bool other;
	int slot, err;
	DECLARE_LIBXDP_OPTS(xdp_program_opts, opts, 0);

	proto_read_init(&rd);
	if (proto_unpack_iface_attach_req(&rd, req, &r))
		return proto_reply_error(-EINVAL, "%s", rd.msg);
	if (strcmp(r.xdp_mode, "native") && strcmp(r.xdp_mode, "skb"))
		return proto_reply_error(-EINVAL,
					 "bad XDP mode '%s': native or skb",
					 r.xdp_mode);
	if (strcmp(r.steer, "rss") && strcmp(r.steer, "cpu"))
		return proto_reply_error(
			-EINVAL, "bad steering '%s': rss or cpu", r.steer);
	reply = parse_cpus(&r, &tmp);
	if (reply)
		return reply;
	if (steerd_iface_find(d, r.ifname))
		return proto_reply_error(-EEXIST, "steer is attached to %s",
					 r.ifname);
	tmp.ifindex = if_nametoindex(r.ifname);
	if (!tmp.ifindex)
		return proto_reply_error(-ENODEV,
					 "no interface %s in steerd's network "
					 "namespace",
					 r.ifname);
	for (slot = 0; slot < STEER_MAX_IFACES && d->ifaces[slot].in_use;
	     slot++)
		;
	if (slot == STEER_MAX_IFACES)
		return proto_reply_error(-ENOSPC,
					 "steer is attached to %d interfaces "
					 "already",
					 STEER_MAX_IFACES);
	tmp.nic = calloc(1, sizeof(*tmp.nic));
	if (!tmp.nic)
		return proto_reply_error(-ENOMEM, "out of memory");
	reply = parse_override(&r, &tmp.nic->ovr);
	snprintf(tmp.name, sizeof(tmp.name), "%s", r.ifname);
	tmp.steer = strcmp(r.steer, "rss") ? STEER_MODE_CPU : STEER_MODE_RSS;
	tmp.skb_mode = !strcmp(r.xdp_mode, "skb");
	tmp.verify_rss = r.verify_rss;
	if (!reply &&
	    nic_discover(d->nl, tmp.nic, r.ifname, tmp.ifindex,
			 steerd_possible_cpus(), tmp.cpus, tmp.nr_cpus))
		reply = proto_reply_error(-ENODEV, "%s is gone", r.ifname);
	if (!reply)
		reply = rss_refusal(&tmp, r.force, warnings);
	if (!reply)
		reply = clear_other(r.ifname, tmp.ifindex, r.force);
	if (reply) {
		free(tmp.nic);
		return reply;
	}
	tmp.rx_queues = tmp.nic->rx_queues;
	if (tmp.steer == STEER_MODE_RSS)
		steerd_iface_rss_warnings(&tmp);
	native_cpu_traps(&tmp, warnings);

	i = &d->ifaces[slot];
	*i = tmp;
	i->skel = steer_xdp__open();
	err = i->skel ? 0 : -errno;
	if (!err) {
		i->skel->rodata->iface_slot = slot;
		err = steerd_bpf_pin_maps(d, i->skel->obj);
	}
	/* The tables first: the program is live the moment it attaches. */
	if (!err)
		err = steerd_iface_publish(d, i);
	if (!err) {
		opts.obj = i->skel->obj;
		opts.prog_name = STEER_PROG_NAME;
		i->prog = xdp_program__create(&opts);
		err = libxdp_get_error(i->prog);
		if (err)
			i->prog = NULL;
	}
	attach_msg[0] = '\0';
	if (!err)
		err = attach_prog(i);
	if (!err && r.xps) {
		err = nic_xps_write(i->nic, i->name);
		i->xps = !err;
		if (err) {
			xdp_program__detach(i->prog, i->ifindex,
					    i->skb_mode ? XDP_MODE_SKB :
							  XDP_MODE_NATIVE,
					    0);
			snprintf(attach_msg, sizeof(attach_msg),
				 "writing XPS maps: %s", strerror(-err));
		}
	}
	if (err) {
		iface_free(d, i);
		return proto_reply_error(err, "attaching to %s: %s%s%s",
					 r.ifname, strerror(-err),
					 attach_msg[0] ? ": " : "", attach_msg);
	}
	attached_steer(i->ifindex, &mp, &other);
	i->dispatcher = mp && !xdp_multiprog__is_legacy(mp);
	xdp_multiprog__close(mp);
	i->prog_id = link_prog_id(d, i->ifindex, &i->down);
	d->dispatcher_seen = i->dispatcher;
	i->in_use = true;
	pr_info("%s: attached (%s XDP, %s, %s steering over %u CPUs; %u of "
		"%u RX queues, RSS %s, hash %s%s%s)",
		i->name, r.xdp_mode,
		i->dispatcher ? "libxdp dispatcher" : "alone", r.steer,
		i->nr_cpus, i->nic->rx_queues, i->nic->rx_queues_max,
		nic_rss_source_name(i->nic->rss_source), nic_hfunc_name(i->nic),
		i->flags & STEER_IFACE_F_VERIFY_RSS ? ", verified" : "",
		i->xps ? ", XPS written" : "");
	reply = steerd_iface_json(d, i, NULL);
	if (warnings[0])
		json_object_set_new(reply, "warning", json_string(warnings));
	return steerd_reply(reply);
}

static int detach(struct steerd *d, struct steerd_iface *i)
{
	struct xdp_multiprog *mp = NULL;
	struct xdp_program *p = NULL;
	bool other;
	int err = 0;

	/* Someone else's program there now is theirs: leave it. */
	if (!i->lost[0])
		p = i->prog ? i->prog : attached_steer(i->ifindex, &mp, &other);
	if (p)
		err = xdp_program__detach(
			p, i->ifindex,
			i->skb_mode ? XDP_MODE_SKB : XDP_MODE_NATIVE, 0);
	xdp_multiprog__close(mp);
	if (err && err != -ENOENT)
		return err;
	if (i->xps)
		nic_xps_restore(i->nic, i->name);
	pr_info("%s: detached", i->name);
	iface_free(d, i);
	return 0;
}

void steerd_iface_forget(struct steerd *d, struct steerd_iface *i)
{
	iface_free(d, i);
}

json_t *steerd_iface_detach(struct steerd *d, const struct steerd_peer *peer,
			    const json_t *req, int fd)
{
	struct steerd_iface *i;
	struct proto_read rd;
	const char *name;
	int err;

	proto_read_init(&rd);
	if (proto_unpack_iface_detach_req(&rd, req, &name))
		return proto_reply_error(-EINVAL, "%s", rd.msg);
	i = steerd_iface_find(d, name);
	if (!i)
		return proto_reply_error(-ENOENT, "steer is not attached to %s",
					 name);
	err = detach(d, i);
	if (err)
		return proto_reply_error(err, "detaching from %s: %s", name,
					 strerror(-err));
	return proto_reply_ok();
}

void steerd_iface_detach_all(struct steerd *d)
{
	int i;

	for (i = 0; i < STEER_MAX_IFACES; i++)
		if (d->ifaces[i].in_use)
			detach(d, &d->ifaces[i]);
}

/*
 * A restored interface's CPU set: the CPUs its live table names (cpu
 * mode); in rss mode the table is the NIC's, kept as the operator's
 * facts when the device itself reports none.
 */
static void restore_table(struct steerd *d, struct steerd_iface *i,
			  uint32_t slot, const struct steer_iface *e)
{
	__u32 key = STEER_RSS_INDEX(slot, e->gen);
	bool seen[STEER_MAX_CPUS] = { false };
	struct steer_rss *rss = malloc(sizeof(*rss));
	struct nic_override *o = &i->nic->ovr;
	uint32_t b, c;

	for (c = 0; c < STEER_MAX_QUEUES; c++)
		o->queue_cpu[c] = STEER_INDIR_NONE;
	if (!rss || bpf_map_lookup_elem(d->maps.rss, &key, rss) ||
	    rss->indir_size > STEER_INDIR_MAX) {
		free(rss);
		return;
	}
	if (e->mode == STEER_MODE_RSS && rss->indir_size &&
	    steer_rss_key_len_valid(rss->key_len)) {
		o->from_pins = true;
		memcpy(o->key, rss->key, rss->key_len);
		o->key_len = rss->key_len;
		memcpy(o->indir, rss->indir, rss->indir_size * sizeof(__u32));
		o->indir_size = rss->indir_size;
	}
	if (e->mode == STEER_MODE_CPU)
		for (b = 0; b < rss->indir_size; b++)
			if (rss->indir[b] < STEER_MAX_CPUS)
				seen[rss->indir[b]] = true;
	free(rss);
	for (c = 0; c < STEER_MAX_CPUS; c++)
		if (seen[c])
			i->cpus[i->nr_cpus++] = c;
	if (e->mode == STEER_MODE_RSS)
		for (c = 0; c < steerd_possible_cpus() && c < STEER_MAX_CPUS;
		     c++)
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
		i->nic = p ? calloc(1, sizeof(*i->nic)) : NULL;
		if (!i->nic) {
			pr_info("%s: steer's program is no longer attached; "
				"forgetting it",
				i->name);
			steer_maps__clear_iface(&d->maps, slot);
			continue;
		}
		i->in_use = true;
		i->ifindex = e.ifindex;
		i->steer = e.mode;
		i->flags = e.flags;
		i->verify_rss = e.flags & STEER_IFACE_F_VERIFY_RSS;
		restore_table(d, i, slot, &e);
		nic_discover(d->nl, i->nic, i->name, i->ifindex,
			     steerd_possible_cpus(), i->cpus, i->nr_cpus);
		i->rx_queues = i->nic->rx_queues;
		if (i->steer == STEER_MODE_RSS)
			steerd_iface_rss_warnings(i);
		else
			steerd_iface_predict_redirect(d, i);
		i->prog_id = link_prog_id(d, i->ifindex, &i->down);
		/* Published when the facts change: the live tables stand. */
		pr_info("%s: found attached (slot %u, %u RX queues)", i->name,
			slot, i->nic->rx_queues);
	}
	return 0;
}
