// SPDX-License-Identifier: GPL-2.0-only
/*
 * xsk groups: xsk_register checks a worker's AF_XDP socket (its family,
 * its network namespace, the interface and queue it is bound to, the
 * group's kind and the queue's slot) and puts it at the queue's index of
 * steer_xsks; the registration ends with the worker's connection. The
 * kernel itself takes a released socket out of the map, so a worker that
 * exits or crashes leaves its queue to the stack at once. Each socket in
 * the map has a pinned record (steer_xsk_records) and the group the
 * interface of its sockets (steer_xsk_ifaces), so a restarted steerd knows
 * them again and the worker can take its registration back.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/if_xdp.h>

#include "xsk.h"
#include "dataplane/counters.h"
#include "lib/log.h"
#include "lib/netns.h"
#include "lib/proto.h"
#include "lib/proto_msg.h"

/* The probe's RX ring: the kernel wants one to bind, any power of two. */
#define XSK_PROBE_RING 64
/* A queue probe's own UMEM: the smallest the kernel takes, in copy mode. */
#define XSK_PROBE_CHUNK 2048
#define XSK_PROBE_UMEM (4 * XSK_PROBE_CHUNK)

static struct steerd_iface *iface_named(struct steerd *d, const char *name)
{
	int i;

	for (i = 0; i < STEER_MAX_IFACES; i++)
		if (d->ifaces[i].in_use && !strcmp(d->ifaces[i].name, name))
			return &d->ifaces[i];
	return NULL;
}

static struct steerd_iface *iface_indexed(struct steerd *d, int ifindex)
{
	int i;

	for (i = 0; i < STEER_MAX_IFACES; i++)
		if (d->ifaces[i].in_use && d->ifaces[i].ifindex == ifindex)
			return &d->ifaces[i];
	return NULL;
}

/*
 * The CPU that serves a queue: interfaces without IRQ affinity (veth) map
 * queue i to the i-th CPU of the interface's set.
 */
static uint32_t queue_cpu(const struct steerd_iface *i, uint32_t queue)
{
	return i && i->nr_cpus ? i->cpus[queue % i->nr_cpus] : queue;
}

/*
 * Whether the AF_XDP socket xsk_fd is bound to ifindex's queue: 0, -EINVAL
 * (bound elsewhere), -EBADF (not bound). AF_XDP has no getsockname and
 * kernels without CONFIG_XDP_SOCKETS_DIAG no xdp_diag, so bind(2) answers:
 * a socket with an RX ring and no fill or completion ring of its own may
 * share the buffer pool (XDP_SHARED_UMEM) of a socket bound to that very
 * device and queue only; for any other the kernel wants rings of its own.
 * The probe is closed at once and never in a map.
 */
static int xsk_bound_to(int xsk_fd, int ifindex, uint32_t queue)
{
	const struct sockaddr_xdp sxdp = {
		.sxdp_family = AF_XDP,
		.sxdp_flags = XDP_SHARED_UMEM,
		.sxdp_ifindex = ifindex,
		.sxdp_queue_id = queue,
		.sxdp_shared_umem_fd = xsk_fd,
	};
	int ring = XSK_PROBE_RING, probe, err = 0;

	probe = socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (probe < 0)
		return -errno;
	if (setsockopt(probe, SOL_XDP, XDP_RX_RING, &ring, sizeof(ring)) ||
	    bind(probe, (const struct sockaddr *)&sxdp, sizeof(sxdp)))
		err = -errno;
	close(probe);
	return err;
}

/* The fd's refusal as an AF_XDP socket of steerd's namespace, or NULL. */
static json_t *check_socket(struct steerd *d, int fd)
{
	socklen_t len = sizeof(int);
	uint64_t netns;
	int domain, err;

	if (fd < 0)
		return proto_reply_error(-EBADF,
					 "xsk_register takes the AF_XDP "
					 "socket's fd along (SCM_RIGHTS)");
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len))
		return proto_reply_error(-ENOTSOCK,
					 "the fd passed is not a socket; "
					 "xsk_register takes an AF_XDP socket");
	if (domain != AF_XDP)
		return proto_reply_error(-EAFNOSUPPORT,
					 "the fd passed is a socket of family "
					 "%d, not an AF_XDP socket",
					 domain);
	err = netns_cookie_of_fd(fd, &netns);
	if (err)
		return proto_reply_error(err,
					 "reading the socket's network "
					 "namespace: %s",
					 strerror(-err));
	if (netns != d->netns_cookie)
		return proto_reply_error(-EXDEV,
					 "the AF_XDP socket belongs to another "
					 "network namespace than steerd's");
	return NULL;
}

/*
 * Whether a socket already on the queue is this one, known from the pins
 * of a steerd since restarted (or from a connection since closed while the
 * socket lives on): the process passing it holds it and takes its
 * registration back.
 */
static bool reattaches(const struct steerd_xsk *x, uint32_t queue,
		       uint64_t cookie)
{
	return x && x->queues[queue].cookie == cookie &&
	       !x->queues[queue].registrant;
}

/* The group's refusal of a socket on iface's queue, or NULL. */
static json_t *check_slot(struct steerd *d, const struct steerd_group *sg,
			  const struct steerd_iface *iface, uint32_t queue,
			  uint64_t cookie)
{
	const struct steerd_xsk *x = sg->xsk;
	const struct steerd_iface *other;

	if (queue >= iface->rx_queues || queue >= STEER_MAX_QUEUES)
		return proto_reply_error(-ERANGE,
					 "queue %u out of range: %s has RX "
					 "queues 0-%u",
					 queue, iface->name,
					 iface->rx_queues - 1);
	if (!x)
		return NULL;
	if (x->ifindex && x->ifindex != iface->ifindex) {
		other = iface_indexed(d, x->ifindex);
		return proto_reply_error(-EXDEV,
					 "group %s takes its AF_XDP sockets on "
					 "%s (one interface per xsk group)",
					 sg->g.name,
					 other ? other->name :
						 "another "
						 "interface");
	}
	if (x->queues[queue].cookie && !reattaches(x, queue, cookie))
		return proto_reply_error(-EBUSY,
					 "queue %u of group %s has an AF_XDP "
					 "socket (pid %d)",
					 queue, sg->g.name,
					 x->queues[queue].pid);
	return NULL;
}

/* The group's queue table, made on its first registration. */
static struct steerd_xsk *xsk_table(struct steerd_group *sg)
{
	if (!sg->xsk)
		sg->xsk = calloc(1, sizeof(*sg->xsk));
	return sg->xsk;
}

/* The pinned record of a queue's socket, as steerd holds it. */
static int save_record(struct steerd *d, uint16_t group, uint32_t queue)
{
	const struct steerd_xsk *x = d->groups[group].xsk;
	const struct steer_xsk_record rec = {
		.cookie = x->queues[queue].cookie,
		.pid = x->queues[queue].pid,
		.ifindex = x->ifindex,
	};
	__u32 key = STEER_XSK_INDEX(group, queue);

	return bpf_map_update_elem(d->maps.xsk_records, &key, &rec, BPF_ANY) ?
		       -errno :
		       0;
}

/* Tells the XDP program which interface the group's sockets are bound to. */
static int set_group_iface(struct steerd *d, uint16_t group, uint32_t ifindex)
{
	__u32 key = group;

	return bpf_map_update_elem(d->maps.xsk_ifaces, &key, &ifindex,
				   BPF_ANY) ?
		       -errno :
		       0;
}

/*
 * Puts the checked socket at the queue's index: the group's interface
 * first (the program must never redirect a frame of another interface to
 * it), then the record a restarted steerd reads, then the socket.
 */
static int put_socket(struct steerd *d, uint16_t group,
		      const struct steerd_iface *iface, uint32_t queue, int fd)
{
	struct steerd_xsk *x = d->groups[group].xsk;
	__u32 key = STEER_XSK_INDEX(group, queue);
	int err;

	err = set_group_iface(d, group, iface->ifindex);
	if (err)
		return err;
	x->ifindex = iface->ifindex;
	err = save_record(d, group, queue);
	if (err)
		return err;
	if (bpf_map_update_elem(d->maps.xsks, &key, &fd, BPF_ANY)) {
		err = -errno;
		bpf_map_delete_elem(d->maps.xsk_records, &key);
	}
	return err;
}

json_t *steerd_xsk_register(struct steerd *d, const struct steerd_peer *peer,
			    const json_t *req, int fd)
{
	struct proto_xsk_register_reply r = { 0 };
	struct proto_xsk_register_req q;
	struct steerd_xsk_queue *xq;
	struct steerd_iface *iface;
	struct steerd_group *sg;
	struct proto_read rd;
	struct steerd_xsk *x;
	json_t *refusal;
	socklen_t len = sizeof(r.cookie);
	bool again;
	int err;

	proto_read_init(&rd);
	if (proto_unpack_xsk_register_req(&rd, req, &q))
		return proto_reply_error(-EINVAL, "%s", rd.msg);
	refusal = check_socket(d, fd);
	if (refusal)
		return refusal;
	if (getsockopt(fd, SOL_SOCKET, SO_COOKIE, &r.cookie, &len))
		return proto_reply_error(-errno,
					 "reading the socket's cookie: %s",
					 strerror(errno));
	sg = steerd_group_find(d, q.group);
	if (!sg)
		return proto_reply_error(-ENOENT,
					 "no group %s; create it with "
					 "'steerctl group add %s --listen "
					 "ADDR:PORT --kind xsk'",
					 q.group, q.group);
	if (sg->g.kind != STEER_KIND_XSK)
		return proto_reply_error(-EINVAL,
					 "group %s is a reuseport group: it "
					 "takes TCP listeners, not AF_XDP "
					 "sockets",
					 q.group);
	iface = iface_named(d, q.ifname);
	if (!iface)
		return proto_reply_error(-ENODEV,
					 "steer is not attached to %s; attach "
					 "it with 'steerctl iface attach %s'",
					 q.ifname, q.ifname);
	refusal = check_slot(d, sg, iface, q.queue, r.cookie);
	if (refusal)
		return refusal;
	again = reattaches(sg->xsk, q.queue, r.cookie);
	if (!again) {
		err = xsk_bound_to(fd, iface->ifindex, q.queue);
		if (err == -EBADF)
			return proto_reply_error(
				-EINVAL,
				"the AF_XDP socket is not "
				"bound; bind it to %s queue %u",
				q.ifname, q.queue);
		if (err)
			return proto_reply_error(
				-EINVAL,
				"the AF_XDP socket is not bound "
				"to %s queue %u",
				q.ifname, q.queue);
	}
	x = xsk_table(sg);
	if (!x)
		return proto_reply_error(-ENOMEM, "out of memory");
	xq = &x->queues[q.queue];
	*xq = (struct steerd_xsk_queue){
		.cookie = r.cookie,
		.registrant = peer->id,
		.pid = peer->pid,
	};
	err = again ? save_record(d, sg - d->groups, q.queue) :
		      put_socket(d, sg - d->groups, iface, q.queue, fd);
	if (err) {
		if (!again)
			memset(xq, 0, sizeof(*xq));
		return proto_reply_error(err, "putting the socket in %s: %s",
					 again ? STEER_MAP_XSK_RECORDS :
						 STEER_MAP_XSKS,
					 strerror(-err));
	}
	r.queue = q.queue;
	r.cpu = queue_cpu(iface, q.queue);
	r.ifindex = iface->ifindex;
	pr_info("group %s %s queue %u: AF_XDP socket (pid %d, cookie %llu)%s",
		q.group, q.ifname, q.queue, peer->pid,
		(unsigned long long)r.cookie,
		again ? " registered again by its process" : "");
	return proto_pack_xsk_register_reply(&r);
}

/* Empties a queue; the map entry goes too, if the kernel left it. */
static void empty_queue(struct steerd *d, uint16_t group, uint32_t queue)
{
	struct steerd_xsk_queue *xq = &d->groups[group].xsk->queues[queue];
	uint32_t key = STEER_XSK_INDEX(group, queue);

	bpf_map_delete_elem(d->maps.xsks, &key);
	bpf_map_delete_elem(d->maps.xsk_records, &key);
	pr_info("group %s queue %u: AF_XDP socket (pid %d) gone",
		d->groups[group].g.name, queue, xq->pid);
	memset(xq, 0, sizeof(*xq));
}

void steerd_xsk_peer_gone(struct steerd *d, const struct steerd_peer *peer)
{
	uint32_t g, q;

	for (g = 0; g < STEER_MAX_GROUPS; g++) {
		if (!d->groups[g].xsk)
			continue;
		for (q = 0; q < STEER_MAX_QUEUES; q++)
			if (d->groups[g].xsk->queues[q].cookie &&
			    d->groups[g].xsk->queues[q].registrant == peer->id)
				empty_queue(d, g, q);
	}
}

void steerd_xsk_group_gone(struct steerd *d, uint16_t group)
{
	uint32_t q;

	/* The id's next group starts with no interface. */
	set_group_iface(d, group, 0);
	if (!d->groups[group].xsk)
		return;
	for (q = 0; q < STEER_MAX_QUEUES; q++)
		if (d->groups[group].xsk->queues[q].cookie)
			empty_queue(d, group, q);
	free(d->groups[group].xsk);
	d->groups[group].xsk = NULL;
}

json_t *steerd_xsk_slots(struct steerd *d, uint16_t group)
{
	const struct steerd_xsk *x = d->groups[group].xsk;
	const struct steerd_iface *iface = x ? iface_indexed(d, x->ifindex) :
					       NULL;
	json_t *slots = json_array();
	struct proto_slot s;
	uint32_t q;

	for (q = 0; iface && slots && q < iface->rx_queues; q++) {
		s = (struct proto_slot){
			.slot = q,
			.cpu = queue_cpu(iface, q),
			.state = steerd_state_name(x->queues[q].cookie ?
							   STEER_SLOT_ACTIVE :
							   STEER_SLOT_EMPTY),
			.pid = x->queues[q].pid,
			.cookie = x->queues[q].cookie,
		};
		steer_counters_read(d->maps.slot_stats,
				    STEER_SLOT_INDEX(group, q), &s.stats,
				    sizeof(s.stats));
		if (json_array_append_new(slots, proto_pack_slot(&s))) {
			json_decref(slots);
			slots = NULL;
		}
	}
	return slots;
}

void steerd_xsk_count(const struct steerd *d, uint16_t group,
		      uint32_t counts[4])
{
	const struct steerd_xsk *x = d->groups[group].xsk;
	uint32_t q;

	for (q = 0; x && q < STEER_MAX_QUEUES; q++)
		if (x->queues[q].cookie)
			counts[STEER_SLOT_ACTIVE]++;
}

/*
 * Whether an AF_XDP socket holds ifindex's queue: the kernel binds a probe
 * with a UMEM of its own only to a queue no socket holds (-EBUSY). The
 * probe binds in copy mode, so no driver reconfigures its rings, and is
 * never in a map, so no frame goes to it. 1: held, 0: free, or a negative
 * errno.
 */
static int queue_held(int ifindex, uint32_t queue)
{
	const struct sockaddr_xdp sxdp = {
		.sxdp_family = AF_XDP,
		.sxdp_flags = XDP_COPY,
		.sxdp_ifindex = ifindex,
		.sxdp_queue_id = queue,
	};
	struct xdp_umem_reg umem = {
		.len = XSK_PROBE_UMEM,
		.chunk_size = XSK_PROBE_CHUNK,
	};
	int ring = XSK_PROBE_RING, probe, err = 0;
	void *area;

	area = mmap(NULL, XSK_PROBE_UMEM, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		return -errno;
	umem.addr = (uintptr_t)area;
	probe = socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (probe < 0) {
		err = -errno;
		goto out_unmap;
	}
	if (setsockopt(probe, SOL_XDP, XDP_UMEM_REG, &umem, sizeof(umem)) ||
	    setsockopt(probe, SOL_XDP, XDP_UMEM_FILL_RING, &ring,
		       sizeof(ring)) ||
	    setsockopt(probe, SOL_XDP, XDP_UMEM_COMPLETION_RING, &ring,
		       sizeof(ring)) ||
	    setsockopt(probe, SOL_XDP, XDP_RX_RING, &ring, sizeof(ring)))
		err = -errno;
	else if (bind(probe, (const struct sockaddr *)&sxdp, sizeof(sxdp)))
		err = errno == EBUSY ? 1 : -errno;
	close(probe);
out_unmap:
	munmap(area, XSK_PROBE_UMEM);
	return err;
}

/*
 * A pinned record a restarted steerd can take: its group is an xsk group,
 * its interface attached, and a socket still holds the queue (the record's:
 * only steerd binds a group's queue to the map, and the kernel frees a
 * closed socket's queue). In doubt (a probe failing), the record stays.
 */
static bool record_live(struct steerd *d, uint32_t key,
			const struct steer_xsk_record *rec)
{
	uint32_t group = key / STEER_MAX_QUEUES, queue = key % STEER_MAX_QUEUES;
	const struct steerd_group *sg;

	if (group >= STEER_MAX_GROUPS || !rec->cookie)
		return false;
	sg = &d->groups[group];
	return sg->g.name[0] && sg->g.kind == STEER_KIND_XSK &&
	       iface_indexed(d, rec->ifindex) &&
	       queue_held(rec->ifindex, queue) != 0;
}

/* Takes a live record back: the queue is held, its registrant unknown. */
static int take_record(struct steerd *d, uint32_t key,
		       const struct steer_xsk_record *rec)
{
	uint32_t group = key / STEER_MAX_QUEUES, queue = key % STEER_MAX_QUEUES;
	struct steerd_xsk *x = xsk_table(&d->groups[group]);

	if (!x)
		return -ENOMEM;
	x->ifindex = rec->ifindex;
	x->queues[queue] = (struct steerd_xsk_queue){
		.cookie = rec->cookie,
		.pid = rec->pid,
	};
	return 0;
}

int steerd_xsk_restore(struct steerd *d)
{
	struct steer_xsk_record rec;
	__u32 key, next, *prev = NULL;
	__u32 stale[STEER_SOCKS_MAX];
	int n = 0, nr_stale = 0, err, i;

	while (!bpf_map_get_next_key(d->maps.xsk_records, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(d->maps.xsk_records, &key, &rec))
			continue;
		if (!record_live(d, key, &rec)) {
			if (nr_stale < STEER_SOCKS_MAX)
				stale[nr_stale++] = key;
			continue;
		}
		err = take_record(d, key, &rec);
		if (err)
			return err;
		n++;
	}
	/* After the walk: deleting from a hash map restarts its walk. */
	for (i = 0; i < nr_stale; i++) {
		bpf_map_delete_elem(d->maps.xsks, &stale[i]);
		bpf_map_delete_elem(d->maps.xsk_records, &stale[i]);
	}
	if (n || nr_stale)
		pr_info("restored %d AF_XDP socket record(s) from the pins, "
			"dropped %d whose queue no socket holds",
			n, nr_stale);
	return 0;
}

void steerd_xsk_reconcile(struct steerd *d)
{
	struct steerd_xsk *x;
	uint32_t g, q;

	for (g = 0; g < STEER_MAX_GROUPS; g++) {
		x = d->groups[g].xsk;
		for (q = 0; x && q < STEER_MAX_QUEUES; q++)
			if (x->queues[q].cookie && !x->queues[q].registrant &&
			    queue_held(x->ifindex, q) == 0)
				empty_queue(d, g, q);
	}
}
