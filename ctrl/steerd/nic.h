/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What steerd knows about the NIC under an attached interface: its active
 * RX channels, its RSS configuration, which CPU serves each RX queue and
 * where that came from, the RPS/RFS/XPS knobs that defeat locality, and
 * what the operator said for a device that reports nothing. Read at attach
 * and restore, and again when the kernel says something changed.
 * The mask reading and the arrival shares are pure, unit-tested.
 */
#ifndef STEER_NIC_H
#define STEER_NIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netlink/ethtool.h"
#include "steer_abi.h"

struct nl_ctx;

#define NIC_WARN_MAX 16
#define NIC_WARN_LEN 192

/* Where a queue's CPU came from. */
enum nic_cpu_source {
	NIC_CPU_NONE = 0, /* no CPU: the queue is not active */
	NIC_CPU_NETDEV, /* netdev netlink named the queue's IRQ */
	NIC_CPU_IRQ, /* /proc/interrupts named it */
	NIC_CPU_OPERATOR, /* iface attach --queue-cpus */
	NIC_CPU_DEFAULT, /* none known: queue i -> CPU i mod CPUs */
};

/* Where the RSS key and table came from. */
enum nic_rss_source {
	NIC_RSS_NONE = 0, /* the device reports none (veth) */
	NIC_RSS_ETHTOOL, /* ETHTOOL_MSG_RSS_GET */
	NIC_RSS_OPERATOR, /* iface attach --rss-key / --indir */
};

/* What the operator says at attach, for devices that report nothing. */
struct nic_override {
	uint32_t key_len; /* 0: not given */
	uint8_t key[STEER_RSS_KEY_MAX];
	uint32_t indir_size; /* 0: not given */
	uint32_t indir[STEER_INDIR_MAX];
	bool queue_cpus_given;
	uint32_t queue_cpu[STEER_MAX_QUEUES]; /* STEER_INDIR_NONE: unlisted */
	/* The key and table are the pinned ones of a restarted steerd. */
	bool from_pins;
};

struct nic {
	struct nic_override ovr;

	/* RX channels in use and the most the device allows. */
	uint32_t rx_queues, rx_queues_max;
	/* The RSS configuration in force, and where it came from. */
	enum nic_rss_source rss_source;
	struct ethtool_rss rss;
	/* queue_cpu[q] for q < rx_queues; IRQ_CPU_UNKNOWN when not known. */
	uint32_t queue_cpu[STEER_MAX_QUEUES];
	enum nic_cpu_source queue_src[STEER_MAX_QUEUES];
	uint32_t queue_irq[STEER_MAX_QUEUES]; /* IRQ_NUMBER_UNKNOWN: none */
	bool rx_metadata_known;
	uint64_t rx_metadata; /* NETDEV_XDP_RX_METADATA_* */

	char warnings[NIC_WARN_MAX][NIC_WARN_LEN];
	uint32_t nr_warnings;

	/* --xps: each TX queue's previous xps_cpus, restored at detach. */
	uint32_t xps_queues;
	char *xps_prev; /* [xps_queues][QUEUE_MASK_TEXT] */
};

/* The text of a source, for iface show and the log. */
const char *nic_cpu_source_name(enum nic_cpu_source s);
const char *nic_rss_source_name(enum nic_rss_source s);
/* "toeplitz", "xor", "crc32", "unknown"; "none" without RSS. */
const char *nic_hfunc_name(const struct nic *nic);

/* Whether the key and table are known and hash as Toeplitz does. */
bool nic_rss_toeplitz(const struct nic *nic);

/*
 * Reads everything about ifname (index ifindex) into nic, keeping
 * nic->ovr; the CPUs of the queues for the default are 0..ncpus-1.
 * slot_cpus[ncpus_steered] are the CPUs steer steers to, for the XPS
 * warnings. Fails only when the interface is gone (-ENODEV); what cannot
 * be read is left unknown, said in a warning where it matters.
 */
int nic_discover(struct nl_ctx *ctx, struct nic *nic, const char *ifname,
		 int ifindex, uint32_t ncpus, const uint32_t *slot_cpus,
		 uint32_t nr_slot_cpus);

/*
 * Re-reads only the queues' CPUs (IRQ affinity has no notification).
 * Returns whether any changed.
 */
bool nic_reread_cpus(struct nl_ctx *ctx, struct nic *nic, const char *ifname,
		     int ifindex, uint32_t ncpus);

/*
 * arrivals[0..ncpus) (zeroed first): the expected share of flows arriving
 * on each CPU, from the indirection table x queue -> CPU when both are
 * known, else an even share over the active queues' CPUs.
 */
void nic_arrivals(const struct nic *nic, uint32_t *arrivals, uint32_t ncpus);

/* Appends a warning (formatted); dropped past NIC_WARN_MAX. */
void nic_warn(struct nic *nic, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Whether CPU cpu is set in mask, text as sysfs prints CPU masks
 * ("00000000,0000000f", most significant word first). Pure.
 */
bool nic_mask_has(const char *mask, uint32_t cpu);
/* Whether mask has any bit set. Pure. */
bool nic_mask_any(const char *mask);
/* CPU c alone as such a mask ("2,00000000" for CPU 33). Pure. */
void nic_cpu_mask_text(uint32_t c, char *buf, size_t size);

/*
 * --xps: each active TX queue q whose RX queue's CPU c is known gets
 * xps_cpus = {c}; the previous maps are kept for nic_xps_restore.
 */
int nic_xps_write(struct nic *nic, const char *ifname);
void nic_xps_restore(struct nic *nic, const char *ifname);

#endif /* STEER_NIC_H */
