/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The per-queue steering knobs of a network interface in sysfs
 * (/sys/class/net/IF/queues/): RPS CPUs and flow count of an RX queue, XPS
 * CPUs and RX queues of a TX queue; and setting XPS CPUs with the previous
 * value handed back for the restore. sysfs shows the interfaces of the
 * network namespace it was mounted in, so the caller's /sys must be a sysfs
 * of its own namespace (after setns, mount one in a new mount namespace).
 */
#ifndef STEER_QUEUE_H
#define STEER_QUEUE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Room for any CPU or queue mask as the kernel prints it: comma-separated
 * 32-bit hex words, most significant first ("00000000,0000000f"); 8192
 * CPUs take 256 words of 9 characters.
 */
#define QUEUE_MASK_TEXT 2560

/*
 * Each reads one file of queue rx-N or tx-N into mask (newline removed).
 * -ENODEV for no such interface, -ENOENT for no such queue (or a knob the
 * device does not have: XPS on a single-queue device), -EINVAL for an
 * invalid name, -ENOSPC when size is too small, else the kernel's error.
 */
int queue_rps_cpus(const char *ifname, uint32_t rxq, char *mask, size_t size);
int queue_xps_cpus(const char *ifname, uint32_t txq, char *mask, size_t size);
int queue_xps_rxqs(const char *ifname, uint32_t txq, char *mask, size_t size);

/* rps_flow_cnt: the queue's RFS flow table size (0: RFS off). */
int queue_rps_flow_cnt(const char *ifname, uint32_t rxq, uint32_t *cnt);

/*
 * Writes mask (as above, or a plain hex number) to tx queue txq's xps_cpus
 * after storing the current value in prev (size bytes; prev may be NULL),
 * so that writing prev back restores it. Errors as the readers, or the
 * kernel's refusal of mask (-EINVAL); nothing is written then.
 */
int queue_xps_cpus_set(const char *ifname, uint32_t txq, const char *mask,
		       char *prev, size_t size);

#endif /* STEER_QUEUE_H */
