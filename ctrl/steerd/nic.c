// SPDX-License-Identifier: GPL-2.0-only
/*
 * Discovery of the NIC under an attached interface (nic.h): channels and
 * RSS over ethtool netlink, queue -> IRQ -> CPU over netdev netlink or
 * /proc/interrupts, the operator's word where the device says nothing,
 * and the sysfs knobs (RPS, RFS, XPS) that move work off the queue's CPU.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nic.h"
#include "host/irq.h"
#include "host/queue.h"
#include "lib/cpu_table.h"
#include "lib/parse.h"
#include "netlink/netdev.h"
#include "netlink/rtnl.h"
#include "netlink/uapi/linux/ethtool_netlink.h"

/* The warnings of one kind said per interface; the rest are counted. */
#define NIC_WARN_PER_KIND 4

const char *nic_cpu_source_name(enum nic_cpu_source s)
{
	switch (s) {
	case NIC_CPU_NETDEV:
		return "netdev";
	case NIC_CPU_IRQ:
		return "irq";
	case NIC_CPU_OPERATOR:
		return "operator";
	case NIC_CPU_DEFAULT:
		return "default";
	case NIC_CPU_NONE:
		break;
	}
	return "none";
}

const char *nic_rss_source_name(enum nic_rss_source s)
{
	switch (s) {
	case NIC_RSS_ETHTOOL:
		return "ethtool";
	case NIC_RSS_OPERATOR:
		return "operator";
	case NIC_RSS_NONE:
		break;
	}
	return "none";
}

const char *nic_hfunc_name(const struct nic *nic)
{
	if (nic->rss_source == NIC_RSS_NONE)
		return "none";
	switch (nic->rss.hfunc) {
	case ETH_RSS_HASH_TOP:
		return "toeplitz";
	case ETH_RSS_HASH_XOR:
		return "xor";
	case ETH_RSS_HASH_CRC32:
		return "crc32";
	}
	return "unknown";
}

bool nic_rss_toeplitz(const struct nic *nic)
{
	return nic->rss_source != NIC_RSS_NONE &&
	       nic->rss.hfunc == ETH_RSS_HASH_TOP && nic->rss.key_len &&
	       nic->rss.indir_size;
}

void nic_warn(struct nic *nic, const char *fmt, ...)
{
	va_list ap;

	if (nic->nr_warnings >= NIC_WARN_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(nic->warnings[nic->nr_warnings++], NIC_WARN_LEN, fmt, ap);
	va_end(ap);
}

/* The value of one hex digit, or -1. */
static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

bool nic_mask_has(const char *mask, uint32_t cpu)
{
	size_t len = strlen(mask);
	uint32_t bit = 0;
	int v;

	/* From the least significant digit, skipping the word commas. */
	while (len--) {
		if (mask[len] == ',' || mask[len] == '\n')
			continue;
		v = hex_digit(mask[len]);
		if (v < 0)
			return false;
		if (cpu >= bit && cpu < bit + 4)
			return v & (1 << (cpu - bit));
		bit += 4;
	}
	return false;
}

bool nic_mask_any(const char *mask)
{
	for (; *mask; mask++)
		if (hex_digit(*mask) > 0)
			return true;
	return false;
}

/* The RX channels: ethtool's, else the device's queue count. */
static void read_channels(struct nl_ctx *ctx, struct nic *nic,
			  const char *ifname, int ifindex)
{
	struct ethtool_channel_counts ch;
	struct rtnl_link link;

	if (!ethtool_get_channels(ctx, ifname, &ch) &&
	    ethtool_channels_rx(&ch)) {
		nic->rx_queues = ethtool_channels_rx(&ch);
		nic->rx_queues_max = ch.rx_max + ch.combined_max;
	} else if (!rtnl_get_link(ctx, ifindex, &link)) {
		nic->rx_queues = nic->rx_queues_max = link.num_rx_queues;
	}
	if (!nic->rx_queues)
		nic->rx_queues = nic->rx_queues_max = 1;
	if (nic->rx_queues > STEER_MAX_QUEUES)
		nic->rx_queues = STEER_MAX_QUEUES;
}

/* The device's RSS, else the operator's (--rss-key, --indir). */
static void read_rss(struct nl_ctx *ctx, struct nic *nic, const char *ifname)
{
	const struct nic_override *o = &nic->ovr;
	int err = ethtool_get_rss(ctx, ifname, &nic->rss);
	uint32_t b;

	nic->rss_source = NIC_RSS_NONE;
	if (!err && nic->rss.indir_size) {
		nic->rss_source = NIC_RSS_ETHTOOL;
		if ((o->key_len || o->indir_size) && !o->from_pins)
			nic_warn(nic, "the device reports its RSS table; "
				      "--rss-key and --indir are ignored");
		return;
	}
	if (err == -E2BIG)
		nic_warn(nic, "the device's RSS key or table is larger than "
			      "steer supports; treated as unknown");
	if (!o->key_len && !o->indir_size)
		return;
	memset(&nic->rss, 0, sizeof(nic->rss));
	nic->rss_source = NIC_RSS_OPERATOR;
	nic->rss.hfunc = ETH_RSS_HASH_TOP;
	if (o->key_len) {
		memcpy(nic->rss.key, o->key, o->key_len);
		nic->rss.key_len = o->key_len;
	}
	if (o->indir_size) {
		memcpy(nic->rss.indir, o->indir,
		       o->indir_size * sizeof(o->indir[0]));
		nic->rss.indir_size = o->indir_size;
	} else {
		/* A key alone: the table ethtool -X equal makes. */
		nic->rss.indir_size = STEER_INDIR_EQUAL_SIZE;
		for (b = 0; b < nic->rss.indir_size; b++)
			nic->rss.indir[b] = b % nic->rx_queues;
	}
}

/*
 * Each active queue's CPU into cpu[] and src[]: from its IRQ (netdev
 * netlink, else /proc/interrupts), else the operator's, else the default.
 */
static void read_queue_cpus(struct nl_ctx *ctx, const struct nic *nic,
			    const char *ifname, int ifindex, uint32_t ncpus,
			    uint32_t *cpu, enum nic_cpu_source *src,
			    uint32_t *irq)
{
	struct ethtool_driver drv = { 0 };
	enum nic_cpu_source from = NIC_CPU_NETDEV;
	uint32_t q, n = nic->rx_queues, found = 0;

	for (q = 0; q < STEER_MAX_QUEUES; q++) {
		cpu[q] = IRQ_CPU_UNKNOWN;
		irq[q] = IRQ_NUMBER_UNKNOWN;
		src[q] = NIC_CPU_NONE;
	}
	if (netdev_rx_queue_irqs(ctx, ifindex, irq, n, &found) || !found) {
		from = NIC_CPU_IRQ;
		ethtool_get_driver(ifname, &drv);
		if (irq_queue_irqs(ifname, drv.bus_info, irq, n))
			for (q = 0; q < n; q++)
				irq[q] = IRQ_NUMBER_UNKNOWN;
	}
	for (q = 0; q < n; q++) {
		if (irq[q] != IRQ_NUMBER_UNKNOWN &&
		    !irq_effective_cpu(irq[q], &cpu[q]) && cpu[q] < ncpus) {
			src[q] = from;
		} else if (nic->ovr.queue_cpus_given &&
			   nic->ovr.queue_cpu[q] < ncpus) {
			cpu[q] = nic->ovr.queue_cpu[q];
			src[q] = NIC_CPU_OPERATOR;
		} else {
			cpu[q] = ncpus ? q % ncpus : 0;
			src[q] = NIC_CPU_DEFAULT;
		}
	}
}

/* RPS and RFS on the active queues move TCP work off the queue's CPU. */
static void check_rps(struct nic *nic, const char *ifname)
{
	char mask[QUEUE_MASK_TEXT];
	uint32_t q, cnt, rps = 0, rfs = 0;

	for (q = 0; q < nic->rx_queues; q++) {
		if (!queue_rps_cpus(ifname, q, mask, sizeof(mask)) &&
		    nic_mask_any(mask) && rps++ < NIC_WARN_PER_KIND)
			nic_warn(nic,
				 "rx-%u: RPS is on (rps_cpus %s): its TCP "
				 "is processed on those CPUs, not the queue's",
				 q, mask);
		if (!queue_rps_flow_cnt(ifname, q, &cnt) && cnt &&
		    rfs++ < NIC_WARN_PER_KIND)
			nic_warn(nic,
				 "rx-%u: RFS is on (rps_flow_cnt %u): flows "
				 "follow their reader, not steer's slot",
				 q, cnt);
	}
}

/* A slot's CPU that transmits on another CPU's queue. */
static void check_xps(struct nic *nic, const char *ifname,
		      const uint32_t *slot_cpus, uint32_t nr_slot_cpus)
{
	char mask[QUEUE_MASK_TEXT];
	uint32_t t, i, c, said = 0;

	for (t = 0; t < nic->rx_queues; t++) {
		if (nic->queue_src[t] == NIC_CPU_DEFAULT ||
		    queue_xps_cpus(ifname, t, mask, sizeof(mask)))
			continue;
		for (i = 0; i < nr_slot_cpus; i++) {
			c = slot_cpus[i];
			if (c == nic->queue_cpu[t] || !nic_mask_has(mask, c))
				continue;
			if (said++ < NIC_WARN_PER_KIND)
				nic_warn(nic,
					 "tx-%u: CPU %u transmits on the queue "
					 "of CPU %u (xps_cpus %s); --xps maps "
					 "each CPU to its own",
					 t, c, nic->queue_cpu[t], mask);
			break;
		}
	}
}

int nic_discover(struct nl_ctx *ctx, struct nic *nic, const char *ifname,
		 int ifindex, uint32_t ncpus, const uint32_t *slot_cpus,
		 uint32_t nr_slot_cpus)
{
	struct netdev_dev dev;
	struct rtnl_link link;

	if (rtnl_get_link(ctx, ifindex, &link) == -ENODEV)
		return -ENODEV;
	nic->nr_warnings = 0;
	nic->rx_queues = nic->rx_queues_max = 0;
	read_channels(ctx, nic, ifname, ifindex);
	read_rss(ctx, nic, ifname);
	if (nic->rss_source != NIC_RSS_NONE &&
	    nic->rss.hfunc != ETH_RSS_HASH_TOP)
		nic_warn(nic,
			 "the NIC hashes with %s, not Toeplitz: steer cannot "
			 "compute its queues, so RSS verification is off",
			 nic_hfunc_name(nic));
	read_queue_cpus(ctx, nic, ifname, ifindex, ncpus, nic->queue_cpu,
			nic->queue_src, nic->queue_irq);
	nic->rx_metadata_known = !netdev_get_dev(ctx, ifindex, &dev);
	nic->rx_metadata =
		nic->rx_metadata_known ? dev.xdp_rx_metadata_features : 0;
	check_rps(nic, ifname);
	check_xps(nic, ifname, slot_cpus, nr_slot_cpus);
	return 0;
}

bool nic_reread_cpus(struct nl_ctx *ctx, struct nic *nic, const char *ifname,
		     int ifindex, uint32_t ncpus)
{
	uint32_t cpu[STEER_MAX_QUEUES], irq[STEER_MAX_QUEUES];
	enum nic_cpu_source src[STEER_MAX_QUEUES];

	read_queue_cpus(ctx, nic, ifname, ifindex, ncpus, cpu, src, irq);
	if (!memcmp(cpu, nic->queue_cpu, sizeof(cpu)))
		return false;
	memcpy(nic->queue_cpu, cpu, sizeof(cpu));
	memcpy(nic->queue_src, src, sizeof(src));
	memcpy(nic->queue_irq, irq, sizeof(irq));
	return true;
}

void nic_arrivals(const struct nic *nic, uint32_t *arrivals, uint32_t ncpus)
{
	uint32_t n = nic->rx_queues;

	memset(arrivals, 0, ncpus * sizeof(*arrivals));
	if (nic->rss_source != NIC_RSS_NONE &&
	    cpu_table_arrivals_rss(arrivals, ncpus, nic->rss.indir,
				   nic->rss.indir_size, nic->queue_cpu, n))
		return;
	cpu_table_arrivals_even(arrivals, ncpus, nic->queue_cpu, n);
}

void nic_cpu_mask_text(uint32_t c, char *buf, size_t size)
{
	size_t off = snprintf(buf, size, "%x", 1U << (c % 32));
	uint32_t w;

	for (w = 0; w < c / 32 && off < size; w++)
		off += snprintf(buf + off, size - off, ",00000000");
}

int nic_xps_write(struct nic *nic, const char *ifname)
{
	char mask[QUEUE_MASK_TEXT];
	uint32_t t;
	int err;

	nic->xps_prev = calloc(nic->rx_queues, QUEUE_MASK_TEXT);
	if (!nic->xps_prev)
		return -ENOMEM;
	for (t = 0; t < nic->rx_queues; t++) {
		if (nic->queue_cpu[t] == IRQ_CPU_UNKNOWN)
			continue;
		nic_cpu_mask_text(nic->queue_cpu[t], mask, sizeof(mask));
		err = queue_xps_cpus_set(ifname, t, mask,
					 nic->xps_prev + t * QUEUE_MASK_TEXT,
					 QUEUE_MASK_TEXT);
		if (err == -ENOENT)
			break; /* fewer TX queues than RX queues */
		if (err) {
			nic->xps_queues = t;
			nic_xps_restore(nic, ifname);
			return err;
		}
	}
	nic->xps_queues = t;
	return 0;
}

void nic_xps_restore(struct nic *nic, const char *ifname)
{
	const char *prev;
	uint32_t t;

	for (t = 0; nic->xps_prev && t < nic->xps_queues; t++) {
		prev = nic->xps_prev + t * QUEUE_MASK_TEXT;
		if (*prev)
			queue_xps_cpus_set(ifname, t, prev, NULL, 0);
	}
	free(nic->xps_prev);
	nic->xps_prev = NULL;
	nic->xps_queues = 0;
}
