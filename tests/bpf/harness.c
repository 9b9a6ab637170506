// SPDX-License-Identifier: GPL-2.0-only
/* Loads the XDP object in a private namespace and runs frames through it. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_xdp.h>
#include <sys/mman.h>
#include <xdp/xsk.h>

#include "dataplane/counters.h"
#include "frames.h"
#include "harness.h"
#include "dataplane/bpf_log.h"
#include "lib/log.h"
#include "lib/rss_table.h"
#include "lib/toeplitz.h"
#include "tests/lib/network_helpers.h"
#include "xdp/steer_xdp.skel.h"

#define HARNESS_IF "steer0"
#define HARNESS_PEER "steer1"
#define HARNESS_CPUMAP_QSIZE 256

int harness_pin(uint32_t cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

int harness_netns(void)
{
	int ifindex, err;

	err = netns_enter_new(NETNS_SHARED_MOUNTS);
	if (!err)
		err = link_add_veth(HARNESS_IF, HARNESS_PEER, HARNESS_QUEUES,
				    NETNS_CURRENT);
	if (err)
		return err;
	ifindex = if_nametoindex(HARNESS_IF);
	return ifindex ? ifindex : -errno;
}

int harness_open(struct harness *h, int ifindex, bool debug)
{
	int err;

	memset(h, 0, sizeof(*h));
	h->ifindex = ifindex;
	h->cfg.ifindex = ifindex;
	/* Verifier logs of a failed load still show; chatter does not. */
	steer_log_setup_libbpf();
	h->skel = steer_xdp__open();
	if (!h->skel)
		return -errno;
	h->skel->rodata->debug = debug;
	h->skel->rodata->ip6_jumbo_min = HARNESS_IP6_JUMBO_MIN;
	h->cfg.ip6_jumbo_min = HARNESS_IP6_JUMBO_MIN;
	err = steer_xdp__load(h->skel);
	if (err)
		goto out_destroy;
	h->prog_fd = bpf_program__fd(h->skel->progs.steer_xdp);
	err = steer_maps__from_object(&h->maps, h->skel->obj);
	if (err)
		goto out_destroy;
	return 0;

out_destroy:
	steer_xdp__destroy(h->skel);
	h->skel = NULL;
	return err;
}

void harness_close(struct harness *h)
{
	if (h->xsk)
		xsk_socket__delete(h->xsk);
	if (h->umem)
		xsk_umem__delete(h->umem);
	if (h->umem_area)
		munmap(h->umem_area, h->umem_size);
	steer_xdp__destroy(h->skel);
	h->skel = NULL;
}

int harness_set_mode(struct harness *h, enum steer_mode mode, uint8_t flags,
		     const uint32_t *indir, size_t indir_size)
{
	struct oracle_config *cfg = &h->cfg;
	struct steer_rss *rss;
	int err;

	rss = calloc(1, sizeof(*rss));
	if (!rss)
		return -ENOMEM;
	err = steer_rss_fill(rss, toeplitz_default_key,
			     sizeof(toeplitz_default_key), indir, indir_size);
	if (!err)
		err = steer_maps__set_iface(&h->maps, 0, h->ifindex, mode,
					    flags, rss);
	free(rss);
	/* A fresh interface's counters were zeroed: differences start anew. */
	if (!err)
		err = steer_counters_read(h->maps.iface_stats, 0, &h->is,
					  sizeof(h->is));
	if (err)
		return err;
	cfg->mode = mode;
	cfg->flags = flags;
	memcpy(cfg->key, toeplitz_default_key, sizeof(toeplitz_default_key));
	cfg->key_len = sizeof(toeplitz_default_key);
	memcpy(cfg->indir, indir, indir_size * sizeof(*indir));
	cfg->indir_size = indir_size;
	return 0;
}

int harness_add_group(struct harness *h, uint16_t id, enum steer_kind kind,
		      enum steer_proto proto, int family, const char *addr,
		      uint16_t port)
{
	struct steer_group_addr ga = {
		.af = family == AF_INET ? STEER_AF_INET : STEER_AF_INET6,
		.wildcard = addr == NULL,
		.port = port,
		.proto = proto,
	};
	struct oracle_group *g;
	int err;

	if (h->cfg.nr_groups == ORACLE_MAX_GROUPS)
		return -ENOSPC;
	if (addr && inet_pton(family, addr, ga.addr) != 1)
		return -EINVAL;
	err = steer_maps__add_group(&h->maps, id, kind, &ga);
	if (err)
		return err;
	g = &h->cfg.groups[h->cfg.nr_groups++];
	g->id = id;
	g->kind = kind;
	g->af = ga.af;
	g->proto = proto;
	g->wildcard = ga.wildcard;
	memcpy(g->addr, ga.addr, sizeof(g->addr));
	g->port = port;
	return 0;
}

int harness_add_cpu(struct harness *h, uint32_t cpu)
{
	int err = steer_maps__add_cpu(&h->maps, cpu, HARNESS_CPUMAP_QSIZE);

	if (!err)
		h->cfg.cpumap[cpu] = true;
	return err;
}

int harness_set_live_cpus(struct harness *h, uint16_t group, const bool *live,
			  uint32_t nr_cpus)
{
	struct steer_live l = { 0 };
	uint32_t cpu;
	int err;

	if (group >= ORACLE_MAX_GROUPS || nr_cpus > STEER_MAX_CPUS)
		return -EINVAL;
	for (cpu = 0; cpu < nr_cpus; cpu++)
		if (live[cpu])
			l.slots[l.count++] = cpu;
	err = steer_maps__set_live_cpus(&h->maps, group, &l);
	if (err)
		return err;
	memset(h->cfg.live[group], 0, sizeof(h->cfg.live[group]));
	memcpy(h->cfg.live[group], live, nr_cpus * sizeof(*live));
	return 0;
}

/* The frames of the test AF_XDP socket's UMEM; nothing is received. */
#define HARNESS_XSK_FRAMES 64

static int create_xsk(struct harness *h, uint32_t queue)
{
	size_t size = HARNESS_XSK_FRAMES * XSK_UMEM__DEFAULT_FRAME_SIZE;
	struct xsk_socket_config cfg = {
		.rx_size = XSK_RING_CONS__DEFAULT_NUM_DESCS,
		.tx_size = XSK_RING_PROD__DEFAULT_NUM_DESCS,
		/* steer's program decides; libxdp must not load its own. */
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = XDP_COPY,
	};
	int err;

	h->umem_area = mmap(NULL, size, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (h->umem_area == MAP_FAILED) {
		h->umem_area = NULL;
		return -errno;
	}
	h->umem_size = size;
	err = xsk_umem__create(&h->umem, h->umem_area, size, &h->fill, &h->comp,
			       NULL);
	if (err)
		return err;
	err = xsk_socket__create(&h->xsk, HARNESS_IF, queue, h->umem, &h->rx,
				 &h->tx, &cfg);
	if (err)
		return err;
	h->xsk_queue = queue;
	return 0;
}

int harness_add_xsk(struct harness *h, uint16_t group, uint32_t queue)
{
	__u32 key = STEER_XSK_INDEX(group, queue);
	int fd, err;

	if (group >= ORACLE_MAX_GROUPS || queue >= HARNESS_QUEUES ||
	    (h->xsk && queue != h->xsk_queue))
		return -EINVAL;
	if (!h->xsk) {
		err = create_xsk(h, queue);
		if (err)
			return err;
	}
	fd = xsk_socket__fd(h->xsk);
	if (bpf_map_update_elem(h->maps.xsks, &key, &fd, BPF_ANY))
		return -errno;
	h->cfg.xsk[group][queue] = true;
	return harness_set_xsk_iface(h, group, h->ifindex);
}

int harness_set_xsk_iface(struct harness *h, uint16_t group, uint32_t ifindex)
{
	__u32 key = group;

	if (group >= ORACLE_MAX_GROUPS)
		return -EINVAL;
	if (bpf_map_update_elem(h->maps.xsk_ifaces, &key, &ifindex, BPF_ANY))
		return -errno;
	h->cfg.xsk_ifindex[group] = ifindex;
	return 0;
}

static int read_counters(const struct harness *h, __u64 *counters)
{
	__u32 i;
	int err;

	for (i = 0; i < STEER_CNT_MAX; i++) {
		err = steer_counters_read(h->maps.counters, i, &counters[i],
					  sizeof(__u64));
		if (err)
			return err;
	}
	return 0;
}

/* out = now - *shadow, then *shadow = now: counters are u64 arrays. */
static void take_delta(void *out, void *shadow, const void *now, size_t size)
{
	const __u64 *n = now;
	__u64 *o = out, *s = shadow;
	size_t i;

	for (i = 0; i < size / sizeof(__u64); i++) {
		o[i] = n[i] - s[i];
		s[i] = n[i];
	}
}

static int test_run(int prog_fd, int ifindex, const uint8_t *frame, size_t len,
		    uint32_t rx_queue, uint32_t repeat, __u32 *retval,
		    __u32 *duration)
{
	uint8_t out[FRAME_MAX];
	struct xdp_md ctx = {
		.data_end = len, /* offsets: no metadata before data */
		.ingress_ifindex = ifindex,
		.rx_queue_index = rx_queue,
	};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
		    .data_size_in = len, .data_out = out,
		    .data_size_out = sizeof(out), .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = repeat);
	int err;

	if (len > sizeof(out))
		return -EMSGSIZE;
	err = bpf_prog_test_run_opts(prog_fd, &opts);
	if (err)
		return -errno;
	/* The program must never change the frame. */
	if (opts.data_size_out != len || memcmp(out, frame, len))
		return -EBADMSG;
	*retval = opts.retval;
	if (duration)
		*duration = opts.duration;
	return 0;
}

static int read_decision(const struct harness *h, uint32_t cpu,
			 struct steer_decision *d)
{
	struct steer_decision *percpu;
	int ncpus = libbpf_num_possible_cpus();
	__u32 zero = 0;
	int err = 0;

	if (ncpus < 0)
		return ncpus;
	percpu = calloc(ncpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	if (bpf_map_lookup_elem(h->maps.debug, &zero, percpu))
		err = -errno;
	else
		*d = percpu[cpu];
	free(percpu);
	return err;
}

int harness_run(struct harness *h, const uint8_t *frame, size_t len,
		uint32_t cpu, uint32_t rx_queue, struct run_result *r)
{
	struct steer_group_stats gs;
	struct steer_slot_stats ss;
	struct steer_iface_stats is;
	__u64 counters[STEER_CNT_MAX];
	struct steer_decision before;
	__u32 retval = 0;
	int err;

	memset(r, 0, sizeof(*r));
	err = harness_pin(cpu);
	if (!err)
		err = read_decision(h, cpu, &before);
	if (!err)
		err = test_run(h->prog_fd, h->ifindex, frame, len, rx_queue, 1,
			       &retval, NULL);
	if (!err)
		err = read_decision(h, cpu, &r->d);
	if (err)
		return err;
	if (r->d.seq != before.seq + 1) /* ran elsewhere, or not at all */
		return -ESRCH;
	r->xdp_action = retval;

	err = read_counters(h, counters);
	if (err)
		return err;
	take_delta(r->counters, h->counters, counters, sizeof(counters));
	err = steer_counters_read(h->maps.iface_stats, 0, &is, sizeof(is));
	if (err)
		return err;
	take_delta(&r->is, &h->is, &is, sizeof(is));
	if (r->d.group >= ORACLE_MAX_GROUPS)
		return 0;
	err = steer_counters_read(h->maps.group_stats, r->d.group, &gs,
				  sizeof(gs));
	if (err)
		return err;
	take_delta(&r->gs, &h->gs[r->d.group], &gs, sizeof(gs));
	if (r->d.slot >= STEER_MAX_SLOTS)
		return 0;
	err = steer_counters_read(h->maps.slot_stats,
				  STEER_SLOT_INDEX(r->d.group, r->d.slot), &ss,
				  sizeof(ss));
	if (err)
		return err;
	take_delta(&r->ss, &h->ss[r->d.group][r->d.slot], &ss, sizeof(ss));
	return 0;
}

static void print_decision(const char *who, int action,
			   const struct steer_decision *d,
			   const struct steer_group_stats *gs,
			   const struct steer_slot_stats *ss)
{
	printf("# %s: action %d counter %u group %d hash 0x%08x slot %d "
	       "syn %u steer_action %u; group +packets %llu +syns %llu "
	       "+local %llu +no_local_slot %llu +redirected %llu +fallback "
	       "%llu +xsk %llu/%llu +mismatch %llu; slot +syns %llu +local "
	       "%llu +redirected %llu +no_local_slot %llu +xsk %llu/%llu\n",
	       who, action, d->counter, (int)d->group, d->hash, (int)d->slot,
	       d->syn, d->action, gs->packets, gs->syns, gs->local,
	       gs->no_local_slot, gs->redirected, gs->fallback,
	       gs->xsk_redirected, gs->xsk_miss, gs->rss_mismatch, ss->syns,
	       ss->local, ss->redirected, ss->no_local_slot, ss->xsk_redirected,
	       ss->xsk_miss);
}

bool harness_agrees(const uint8_t *frame, size_t len,
		    const struct run_result *r, const struct oracle_result *o)
{
	bool same = r->xdp_action == o->xdp_action &&
		    r->d.counter == o->d.counter &&
		    r->d.action == o->d.action && r->d.group == o->d.group &&
		    r->d.hash == o->d.hash && r->d.slot == o->d.slot &&
		    r->d.syn == o->d.syn &&
		    !memcmp(&r->gs, &o->gs, sizeof(r->gs)) &&
		    !memcmp(&r->ss, &o->ss, sizeof(r->ss)) &&
		    !memcmp(&r->is, &o->is, sizeof(r->is));

	if (!same) {
		print_decision("program", r->xdp_action, &r->d, &r->gs, &r->ss);
		print_decision("oracle ", o->xdp_action, &o->d, &o->gs, &o->ss);
		printf("# interface +rss_mismatch: program %llu, oracle %llu\n",
		       r->is.rss_mismatch, o->is.rss_mismatch);
		frame_hexdump("# ", frame, len);
	}
	return same;
}
