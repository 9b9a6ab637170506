/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which interrupt serves each RX queue of a NIC, found by name in
 * /proc/interrupts, and which CPU takes that interrupt
 * (/proc/irq/N/effective_affinity_list). The netdev netlink family
 * (netlink/netdev.h) names a queue's IRQ directly on Linux 6.9 and later
 * with drivers that report it; this is the fallback for everything else.
 * The scanning and list parsing are pure functions, unit-tested.
 */
#ifndef STEER_IRQ_H
#define STEER_IRQ_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* cpu_of_queue entry of a queue whose interrupt was not found. */
#define IRQ_CPU_UNKNOWN UINT32_MAX
/* irq_of_queue entry of a queue whose interrupt was not found. */
#define IRQ_NUMBER_UNKNOWN UINT32_MAX

/*
 * Fills irq_of_queue[0..nr_queues) with each RX queue's interrupt, by name
 * (see irq_name_queue): first names carrying ifname; when none does and
 * bus_info (ETHTOOL_GDRVINFO's, see ethtool_get_driver) is a PCI device
 * with MSI interrupts, names after the device among that device's
 * interrupts. With a PCI bus_info only that device's MSI interrupts count
 * at all; NULL or "" when it is not known. Queues without an interrupt get
 * IRQ_NUMBER_UNKNOWN. -ENODEV for no such interface, -ENOENT when it has no
 * queue interrupts (veth and other virtual devices), -EINVAL for an
 * invalid name or no queues.
 */
int irq_queue_irqs(const char *ifname, const char *bus_info,
		   uint32_t *irq_of_queue, uint32_t nr_queues);

/*
 * The same, then each interrupt's CPU (irq_effective_cpu): cpu_of_queue
 * entries are IRQ_CPU_UNKNOWN where either is not known.
 */
int irq_queue_cpus(const char *ifname, const char *bus_info,
		   uint32_t *cpu_of_queue, uint32_t nr_queues);

/*
 * The CPU interrupt irq is delivered to: the first CPU of
 * /proc/irq/N/effective_affinity_list, or of smp_affinity_list when the
 * kernel has no effective affinity for it. -ENOENT when neither lists a
 * CPU (an interrupt shut down), or the error opening them.
 */
int irq_effective_cpu(unsigned int irq, uint32_t *cpu);

/* The first CPU of a list such as "2-3,8\n"; -ENOENT when text has none. */
int irq_cpulist_first(const char *text, uint32_t *cpu);

/*
 * Scans /proc/interrupts text in f (from its start) for RX queue
 * interrupts named after ifname, or with ifname NULL after the device,
 * keeping only those for which is_device(irq, arg) holds when is_device is
 * not NULL. Fills irq_of_queue[0..nr_queues) (entries already set stay: the
 * first interrupt found for a queue wins) and returns how many it set.
 */
int irq_scan_queues(FILE *f, const char *ifname,
		    bool (*is_device)(unsigned int irq, void *arg), void *arg,
		    uint32_t *irq_of_queue, uint32_t nr_queues);

/*
 * The RX queue an interrupt named irq_name serves, or -ENOENT when the name
 * is no RX queue interrupt. With ifname, the name must carry it as drivers
 * that name interrupts after the interface do ("eth0-TxRx-3",
 * "i40e-eth0-TxRx-3", "eth0-rx-3", "eth0-fp-3", "eth0-3"). With ifname
 * NULL, the interrupt is known to belong to the interface's device, and
 * names after the device are accepted too ("ice-0000:3b:00.0-TxRx-3",
 * "mlx5_comp3@pci:0000:3b:00.0", "virtio2-input.3").
 */
int irq_name_queue(const char *irq_name, const char *ifname, uint32_t *queue);

#endif /* STEER_IRQ_H */
