/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which CPU serves each RX queue of a NIC: the queue's interrupt, found by
 * name in /proc/interrupts, and that interrupt's CPU affinity.
 */
#ifndef STEER_IRQ_H
#define STEER_IRQ_H

#include <stdint.h>

/* cpu_of_queue entry of a queue whose interrupt was not found. */
#define IRQ_CPU_UNKNOWN UINT32_MAX

/*
 * Fills cpu_of_queue[0..nr_queues) with the CPU that takes each RX queue's
 * interrupt: the first CPU of /proc/irq/N/effective_affinity_list (where
 * the interrupt is really delivered), or of smp_affinity_list when the
 * kernel has no effective affinity for it. Queues without an interrupt get
 * IRQ_CPU_UNKNOWN. Interrupts are recognised by name, see irq_name_queue;
 * when the interface's PCI device is known (ETHTOOL_GDRVINFO bus-info), only
 * its MSI interrupts are considered. -ENODEV for no such interface, -ENOENT
 * when it has no queue interrupts (veth and other virtual devices).
 */
int irq_queue_cpus(const char *ifname, uint32_t *cpu_of_queue,
		   uint32_t nr_queues);

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
