// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libsteer's AF_XDP worker socket: a UMEM and its rings made with libxdp's
 * xsk API, bound to one RX queue without libxdp loading a program of its
 * own (steer's XDP program redirects to it), and registered with steerd in
 * its xsk group's slot for that queue over a connection kept open for the
 * registration's life. When steerd goes away (a restart), the socket keeps
 * its queue and libsteer registers it again once steerd is back.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if_xdp.h>
#include <xdp/xsk.h>

#include "internal.h"
#include "link.h"
#include "lib/proto.h"
#include "lib/proto_msg.h"

#define XSK_FRAME_SIZE_DEFAULT XSK_UMEM__DEFAULT_FRAME_SIZE
#define XSK_FRAME_COUNT_DEFAULT 4096
#define XSK_RING_SIZE_DEFAULT XSK_RING_CONS__DEFAULT_NUM_DESCS
/*
 * The kernel frees a closed socket's hold on its queue in deferred work, so
 * a worker restarted at once can find the queue busy for a moment.
 */
#define XSK_BUSY_RETRY_MS 10
#define XSK_BUSY_TRIES 50

struct libsteer_xsk {
	struct xsk_ring_prod fill, tx;
	struct xsk_ring_cons comp, rx;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	void *area;
	size_t area_size;
	unsigned int frame_size, frame_count, rx_frames;
	bool zero_copy, need_wakeup;
	/* The registration: steerd frees the slot when link.conn closes. */
	struct libsteer__link link;
	int queue, cpu;
	unsigned long long cookie;
	/* What to register again with. */
	char group[PROTO_GROUP_NAME_MAX + 1];
	char ifname[IF_NAMESIZE];
};

static void read_xsk_opts(const struct libsteer_xsk_opts *in,
			  struct libsteer_xsk_opts *out)
{
	memset(out, 0, sizeof(*out));
	if (in)
		memcpy(out, in, in->sz < sizeof(*out) ? in->sz : sizeof(*out));
	if (!out->frame_size)
		out->frame_size = XSK_FRAME_SIZE_DEFAULT;
	if (!out->frame_count)
		out->frame_count = XSK_FRAME_COUNT_DEFAULT;
	if (!out->ring_size)
		out->ring_size = XSK_RING_SIZE_DEFAULT;
}

static bool power_of_two(unsigned int v)
{
	return v && !(v & (v - 1));
}

static __u16 bind_flags(const struct libsteer_xsk_opts *o)
{
	__u16 f = o->no_need_wakeup ? 0 : XDP_USE_NEED_WAKEUP;

	if (o->mode == LIBSTEER_XSK_MODE_COPY)
		f |= XDP_COPY;
	else if (o->mode == LIBSTEER_XSK_MODE_ZEROCOPY)
		f |= XDP_ZEROCOPY;
	return f;
}

/* Hands the first frames to the kernel for RX; the rest stay the caller's. */
static void prefill(struct libsteer_xsk *x, unsigned int ring_size)
{
	unsigned int n = x->frame_count / 2 < ring_size ? x->frame_count / 2 :
							  ring_size;
	__u32 idx = 0, i;

	n = xsk_ring_prod__reserve(&x->fill, n, &idx);
	for (i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&x->fill, idx + i) =
			(__u64)i * x->frame_size;
	xsk_ring_prod__submit(&x->fill, n);
	x->rx_frames = n;
}

/* The UMEM and the socket bound to ifname's queue, no program loaded. */
static int make_socket(struct libsteer_xsk *x, const char *ifname, int queue,
		       const struct libsteer_xsk_opts *o)
{
	const struct xsk_umem_config ucfg = {
		.fill_size = o->ring_size,
		.comp_size = o->ring_size,
		.frame_size = o->frame_size,
		.frame_headroom = XSK_UMEM__DEFAULT_FRAME_HEADROOM,
	};
	const struct xsk_socket_config scfg = {
		.rx_size = o->ring_size,
		.tx_size = o->ring_size,
		/* steer's XDP program is the one on the interface. */
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = bind_flags(o),
	};
	struct xdp_options xo;
	socklen_t len = sizeof(xo);
	int err, tries;

	x->area_size = (size_t)o->frame_count * o->frame_size;
	x->area = mmap(NULL, x->area_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (x->area == MAP_FAILED) {
		x->area = NULL;
		return -errno;
	}
	err = xsk_umem__create(&x->umem, x->area, x->area_size, &x->fill,
			       &x->comp, &ucfg);
	if (err) {
		libsteer__pr(LIBSTEER_WARN, "creating the UMEM: %s\n",
			     strerror(-err));
		return err;
	}
	for (tries = 0; tries < XSK_BUSY_TRIES; tries++) {
		err = xsk_socket__create(&x->xsk, ifname, queue, x->umem,
					 &x->rx, &x->tx, &scfg);
		if (err != -EBUSY)
			break;
		usleep(XSK_BUSY_RETRY_MS * 1000);
	}
	if (err) {
		libsteer__pr(LIBSTEER_WARN,
			     "binding an AF_XDP socket to %s queue %d: %s\n",
			     ifname, queue, strerror(-err));
		return err;
	}
	if (!getsockopt(xsk_socket__fd(x->xsk), SOL_XDP, XDP_OPTIONS, &xo,
			&len))
		x->zero_copy = xo.flags & XDP_OPTIONS_ZEROCOPY;
	x->need_wakeup = !o->no_need_wakeup;
	prefill(x, o->ring_size);
	return 0;
}

/* Registers the socket on x->conn, then watches conn for steerd's end. */
static int do_xsk_register(struct libsteer_xsk *x)
{
	const struct proto_xsk_register_req req = {
		.group = x->group,
		.ifname = x->ifname,
		.queue = x->queue,
	};
	struct proto_xsk_register_reply r;
	json_t *reply = NULL;
	struct proto_read rd;
	int err;

	err = libsteer__call(x->link.conn, proto_pack_xsk_register_req(&req),
			     xsk_socket__fd(x->xsk), &reply);
	if (err)
		return err;
	proto_read_init(&rd);
	proto_unpack_xsk_register_reply(&rd, reply, &r);
	json_decref(reply);
	if (rd.err) {
		libsteer__pr(LIBSTEER_WARN, "steerd's xsk_register reply: %s\n",
			     rd.msg);
		return rd.err;
	}
	x->cookie = r.cookie;
	x->cpu = r.cpu;
	/* From now on the connection only tells steerd's end. */
	return libsteer__link_watch(&x->link);
}

struct libsteer_xsk *libsteer_xsk__open(const char *group, const char *ifname,
					int queue,
					const struct libsteer_xsk_opts *opts)
{
	struct libsteer_xsk_opts o;
	struct libsteer_xsk *x;
	int err;

	read_xsk_opts(opts, &o);
	if (!group || !ifname || queue < 0 || !power_of_two(o.ring_size) ||
	    !power_of_two(o.frame_size) ||
	    strlen(group) > PROTO_GROUP_NAME_MAX ||
	    strlen(ifname) >= IF_NAMESIZE) {
		errno = EINVAL;
		return NULL;
	}
	x = calloc(1, sizeof(*x));
	if (!x) {
		errno = ENOMEM;
		return NULL;
	}
	x->queue = queue;
	x->frame_size = o.frame_size;
	x->frame_count = o.frame_count;
	snprintf(x->group, sizeof(x->group), "%s", group);
	snprintf(x->ifname, sizeof(x->ifname), "%s", ifname);
	err = libsteer__link_open(&x->link, o.socket_path);
	if (err)
		goto out_close;
	err = make_socket(x, ifname, queue, &o);
	if (err)
		goto out_close;
	err = do_xsk_register(x);
	if (err)
		goto out_close;
	libsteer__pr(LIBSTEER_DEBUG,
		     "group %s: %s queue %d (cpu %d, %s): xsk %llu\n", group,
		     ifname, queue, x->cpu, x->zero_copy ? "zero-copy" : "copy",
		     x->cookie);
	return x;
out_close:
	libsteer_xsk__close(x);
	errno = -err;
	return NULL;
}

int libsteer_xsk__event_fd(const struct libsteer_xsk *x)
{
	return x ? x->link.events : -EINVAL;
}

/* Registers the socket again on its link's new connection. */
static int register_again(void *ctx)
{
	return do_xsk_register(ctx);
}

int libsteer_xsk__next_event(struct libsteer_xsk *x)
{
	char buf[256];
	ssize_t n;
	int ret;

	if (!x)
		return -EINVAL;
	if (x->link.lost)
		return x->link.lost;
	if (x->link.conn < 0) {
		ret = libsteer__link_retry(&x->link, register_again, x);
		if (ret == LIBSTEER_EVENT_RECONNECTED)
			libsteer__pr(LIBSTEER_INFO,
				     "group %s %s queue %d: registered again "
				     "with steerd\n",
				     x->group, x->ifname, x->queue);
		return ret;
	}
	/* steerd sends AF_XDP workers nothing: only its end matters. */
	do
		n = recv(x->link.conn, buf, sizeof(buf), 0);
	while (n > 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return LIBSTEER_EVENT_NONE;
	/* steerd has gone (a restart, say). */
	libsteer__link_lose(&x->link);
	libsteer__pr(LIBSTEER_INFO,
		     "group %s %s queue %d: steerd went away; reconnecting to "
		     "register the AF_XDP socket again\n",
		     x->group, x->ifname, x->queue);
	return LIBSTEER_EVENT_NONE;
}

int libsteer_xsk__fd(const struct libsteer_xsk *x)
{
	return x ? xsk_socket__fd(x->xsk) : -EINVAL;
}

int libsteer_xsk__queue(const struct libsteer_xsk *x)
{
	return x ? x->queue : -EINVAL;
}

int libsteer_xsk__cpu(const struct libsteer_xsk *x)
{
	return x ? x->cpu : -EINVAL;
}

unsigned long long libsteer_xsk__cookie(const struct libsteer_xsk *x)
{
	return x ? x->cookie : 0;
}

bool libsteer_xsk__zero_copy(const struct libsteer_xsk *x)
{
	return x && x->zero_copy;
}

bool libsteer_xsk__need_wakeup(const struct libsteer_xsk *x)
{
	return x && x->need_wakeup;
}

struct xsk_ring_cons *libsteer_xsk__rx(struct libsteer_xsk *x)
{
	return x ? &x->rx : NULL;
}

struct xsk_ring_prod *libsteer_xsk__tx(struct libsteer_xsk *x)
{
	return x ? &x->tx : NULL;
}

struct xsk_ring_prod *libsteer_xsk__fill(struct libsteer_xsk *x)
{
	return x ? &x->fill : NULL;
}

struct xsk_ring_cons *libsteer_xsk__comp(struct libsteer_xsk *x)
{
	return x ? &x->comp : NULL;
}

void *libsteer_xsk__umem_area(const struct libsteer_xsk *x)
{
	return x ? x->area : NULL;
}

unsigned int libsteer_xsk__frame_size(const struct libsteer_xsk *x)
{
	return x ? x->frame_size : 0;
}

unsigned int libsteer_xsk__frame_count(const struct libsteer_xsk *x)
{
	return x ? x->frame_count : 0;
}

unsigned int libsteer_xsk__rx_frames(const struct libsteer_xsk *x)
{
	return x ? x->rx_frames : 0;
}

void libsteer_xsk__close(struct libsteer_xsk *x)
{
	if (!x)
		return;
	/* The socket first: the kernel takes it out of steer's map. */
	if (x->xsk)
		xsk_socket__delete(x->xsk);
	libsteer__link_close(&x->link);
	if (x->umem)
		xsk_umem__delete(x->umem);
	if (x->area)
		munmap(x->area, x->area_size);
	free(x);
}
