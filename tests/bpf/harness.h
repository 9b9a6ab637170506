/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Running the real XDP object under BPF_PROG_TEST_RUN: a private network
 * namespace with a multi-queue veth (for ingress ifindex and RX queue), the
 * skeleton loaded with its debug record on, configuration written through
 * ctrl/maps.c and mirrored into an oracle_config.
 */
#ifndef STEER_TEST_HARNESS_H
#define STEER_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dataplane/maps.h"
#include "oracle.h"

#define HARNESS_QUEUES 4 /* RX queues of the test veth */
/* The program's ip6_jumbo_min: test frames are far under 64 KiB. */
#define HARNESS_IP6_JUMBO_MIN 64

#include <xdp/xsk.h>

struct steer_xdp;

struct harness {
	struct steer_xdp *skel;
	int prog_fd;
	int ifindex;
	struct steer_maps maps;
	struct oracle_config cfg; /* what the maps hold */
	/* One AF_XDP socket, for xsk groups. */
	struct xsk_socket *xsk;
	uint32_t xsk_queue;
	struct xsk_umem *umem;
	void *umem_area;
	size_t umem_size;
	struct xsk_ring_prod fill, tx;
	struct xsk_ring_cons comp, rx;
	/* Counter values as last read: a run's change is the difference. */
	__u64 counters[STEER_CNT_MAX];
	struct steer_group_stats gs[ORACLE_MAX_GROUPS];
	struct steer_slot_stats ss[ORACLE_MAX_GROUPS][STEER_MAX_SLOTS];
	struct steer_iface_stats is; /* of interface slot 0, the test's */
};

/* What one run did: the action, the debug record, and counter changes. */
struct run_result {
	int xdp_action;
	struct steer_decision d;
	__u64 counters[STEER_CNT_MAX]; /* change of each frame counter */
	struct steer_group_stats gs; /* change of d.group's stats */
	struct steer_slot_stats ss; /* change of d.slot's stats */
	struct steer_iface_stats is; /* change of the interface's stats */
};

/*
 * Moves the calling process into a new network namespace holding a veth
 * pair with HARNESS_QUEUES queues; returns its ifindex or a negative errno.
 * The namespace goes away with the process: nothing to clean up.
 */
int harness_netns(void);

/*
 * Loads steer_xdp with debug on (or off, for benchmarks). Group ids used
 * with harness_run are below ORACLE_MAX_GROUPS.
 */
int harness_open(struct harness *h, int ifindex, bool debug);
void harness_close(struct harness *h);

/* Interface mode with the default key and a round-robin table over cpus. */
int harness_set_mode(struct harness *h, enum steer_mode mode, uint8_t flags,
		     const uint32_t *indir, size_t indir_size);
int harness_add_group(struct harness *h, uint16_t id, enum steer_kind kind,
		      enum steer_proto proto, int family, const char *addr,
		      uint16_t port);
int harness_add_cpu(struct harness *h, uint32_t cpu);
/* Publishes the group's live slots: live[cpu] for cpu < nr_cpus. */
int harness_set_live_cpus(struct harness *h, uint16_t group, const bool *live,
			  uint32_t nr_cpus);
/*
 * Puts the AF_XDP socket (copy mode) on the veth's queue in the XSKMAP for
 * group; the first call binds it, later ones must name the same queue.
 */
int harness_add_xsk(struct harness *h, uint16_t group, uint32_t queue);
/* Records the interface the group's AF_XDP sockets are bound to (and adds). */
int harness_set_xsk_iface(struct harness *h, uint16_t group, uint32_t ifindex);

/* Runs one frame on `cpu` as received on rx_queue. */
int harness_run(struct harness *h, const uint8_t *frame, size_t len,
		uint32_t cpu, uint32_t rx_queue, struct run_result *r);

/*
 * Whether a run decided and counted exactly as the oracle; prints both, and
 * the frame in hex, when not.
 */
bool harness_agrees(const uint8_t *frame, size_t len,
		    const struct run_result *r, const struct oracle_result *o);

/* Pins the calling thread to cpu. */
int harness_pin(uint32_t cpu);

#endif /* STEER_TEST_HARNESS_H */
