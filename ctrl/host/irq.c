// SPDX-License-Identifier: GPL-2.0-only
/*
 * RX queue to CPU from procfs: the queue interrupts of an interface, found
 * by name in /proc/interrupts, and their affinity in /proc/irq/N/.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>

#include "irq.h"
#include "lib/log.h"

#define PROC_INTERRUPTS "/proc/interrupts"
#define PCI_MSI_DIR "/sys/bus/pci/devices/%s/msi_irqs"
#define IRQ_AFFINITY "/proc/irq/%u/%s"
/* Room for a CPU list such as "0-3,8-11"; only its first CPU is read. */
#define IRQ_CPULIST_TEXT 64

/*
 * How drivers name queue interrupts: '*' is any text (possibly none), '%'
 * the interface name, '#' the queue number; the rest is literal. A name
 * that also serves transmission ("TxRx") counts: its queue receives too.
 */
static const char *const irq_by_ifname[] = {
	"%-TxRx-#", /* ixgbe, igb, igc, bnxt_en */
	"*-%-TxRx-#", /* i40e: "i40e-eth0-TxRx-3" */
	"%-rx-#",     "*-%-rx-#", "%-fp-#", /* bnx2x */
	"%-#", /* sfc */
};

/* The same for interrupts known to be the device's, named after it. */
static const char *const irq_by_device[] = {
	"*-TxRx-#", /* ice, hns3: "ice-0000:3b:00.0-TxRx-3" */
	"*-Tx-Rx-#", /* ena */
	"*-rx-#",	"*-fp-#",
	"*-input.#", /* virtio_net: "virtio2-input.3" */
	"mlx5_comp#@*", /* "mlx5_comp3@pci:0000:3b:00.0" */
};

static bool irq_match(const char *t, const char *s, const char *ifname,
		      uint32_t *queue)
{
	unsigned long v;
	char *end;
	size_t n;

	for (; *t; t++) {
		switch (*t) {
		case '*':
			for (;; s++) {
				if (irq_match(t + 1, s, ifname, queue))
					return true;
				if (!*s)
					return false;
			}
		case '%':
			n = strlen(ifname);
			if (strncmp(s, ifname, n))
				return false;
			s += n;
			break;
		case '#':
			if (!isdigit((unsigned char)*s))
				return false;
			errno = 0;
			v = strtoul(s, &end, 10);
			if (errno || v > UINT32_MAX)
				return false;
			*queue = v;
			s = end;
			break;
		default:
			if (*s++ != *t)
				return false;
		}
	}
	return !*s;
}

int irq_name_queue(const char *irq_name, const char *ifname, uint32_t *queue)
{
	const char *const *tmpl = ifname ? irq_by_ifname : irq_by_device;
	size_t i, n = ifname ? sizeof(irq_by_ifname) / sizeof(*tmpl) :
			       sizeof(irq_by_device) / sizeof(*tmpl);

	for (i = 0; i < n; i++) {
		if (irq_match(tmpl[i], irq_name, ifname, queue))
			return 0;
	}
	return -ENOENT;
}

/*
 * Whether bus_info names a PCI device with MSI interrupts; /sys/bus/pci is
 * the same in every network namespace.
 */
static bool irq_pci_msi(const char *bus_info)
{
	char path[PATH_MAX];

	if (!bus_info || !bus_info[0] || strchr(bus_info, '/'))
		return false;
	snprintf(path, sizeof(path), PCI_MSI_DIR, bus_info);
	return !access(path, F_OK);
}

static bool irq_of_device(unsigned int irq, void *bus)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), PCI_MSI_DIR "/%u", (const char *)bus, irq);
	return !access(path, F_OK);
}

int irq_cpulist_first(const char *text, uint32_t *cpu)
{
	unsigned long v;
	char *end;

	if (!isdigit((unsigned char)text[0]))
		return -ENOENT;
	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || v >= UINT32_MAX ||
	    (*end && *end != ',' && *end != '-' &&
	     !isspace((unsigned char)*end)))
		return -ENOENT;
	*cpu = v;
	return 0;
}

/* The first CPU of an affinity list file; -ENOENT when it lists none. */
static int irq_first_cpu(unsigned int irq, const char *file, uint32_t *cpu)
{
	char path[PATH_MAX], text[IRQ_CPULIST_TEXT];
	FILE *f;
	int err = -ENOENT;

	snprintf(path, sizeof(path), IRQ_AFFINITY, irq, file);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (fgets(text, sizeof(text), f))
		err = irq_cpulist_first(text, cpu);
	fclose(f);
	return err;
}

int irq_effective_cpu(unsigned int irq, uint32_t *cpu)
{
	/* Empty while the interrupt is shut down, or absent on old kernels. */
	if (!irq_first_cpu(irq, "effective_affinity_list", cpu))
		return 0;
	return irq_first_cpu(irq, "smp_affinity_list", cpu);
}

/*
 * The RX queue of one /proc/interrupts line, or -ENOENT. The line is
 * "IRQ: COUNT... CHIP HWIRQ-TYPE NAME[, NAME...]": the names come last.
 */
static int irq_line_queue(char *line, const char *ifname,
			  bool (*is_device)(unsigned int irq, void *arg),
			  void *arg, unsigned int *irq, uint32_t *queue)
{
	char *name, *end;

	if (sscanf(line, " %u:", irq) != 1)
		return -ENOENT; /* NMI:, LOC: and other counters */
	if (is_device && !is_device(*irq, arg))
		return -ENOENT;
	end = line + strlen(line);
	while (end > line && isspace((unsigned char)end[-1]))
		*--end = '\0';
	/* Walk the names back to front, each one after ", " or spaces. */
	for (;;) {
		name = end;
		while (name > line && !isspace((unsigned char)name[-1]))
			name--;
		if (name == end)
			return -ENOENT;
		if (!irq_name_queue(name, ifname, queue))
			return 0;
		if (name < line + 2 || name[-2] != ',')
			return -ENOENT;
		end = name - 2;
		*end = '\0';
	}
}

int irq_scan_queues(FILE *f, const char *ifname,
		    bool (*is_device)(unsigned int irq, void *arg), void *arg,
		    uint32_t *irq_of_queue, uint32_t nr_queues)
{
	size_t size = 0;
	char *line = NULL;
	unsigned int irq;
	uint32_t queue;
	int found = 0;

	rewind(f);
	while (getline(&line, &size, f) > 0) {
		if (irq_line_queue(line, ifname, is_device, arg, &irq, &queue))
			continue;
		if (queue >= nr_queues ||
		    irq_of_queue[queue] != IRQ_NUMBER_UNKNOWN)
			continue;
		irq_of_queue[queue] = irq;
		found++;
	}
	free(line);
	return found;
}

static bool irq_args_ok(const char *ifname, const uint32_t *out,
			uint32_t nr_queues)
{
	return ifname && *ifname && strlen(ifname) < IFNAMSIZ && out &&
	       nr_queues;
}

int irq_queue_irqs(const char *ifname, const char *bus_info,
		   uint32_t *irq_of_queue, uint32_t nr_queues)
{
	bool pci;
	uint32_t q;
	FILE *f;
	int found, err;

	if (!irq_args_ok(ifname, irq_of_queue, nr_queues))
		return -EINVAL;
	for (q = 0; q < nr_queues; q++)
		irq_of_queue[q] = IRQ_NUMBER_UNKNOWN;
	if (!if_nametoindex(ifname)) {
		err = -errno;
		pr_debug("%s: %s", ifname, strerror(-err));
		return err;
	}
	pci = irq_pci_msi(bus_info);
	f = fopen(PROC_INTERRUPTS, "re");
	if (!f) {
		err = -errno;
		pr_debug("%s: %s", PROC_INTERRUPTS, strerror(-err));
		return err;
	}
	found = irq_scan_queues(f, ifname, pci ? irq_of_device : NULL,
				(void *)bus_info, irq_of_queue, nr_queues);
	/* Names after the device only count when the device is known. */
	if (!found && pci)
		found = irq_scan_queues(f, NULL, irq_of_device,
					(void *)bus_info, irq_of_queue,
					nr_queues);
	fclose(f);
	if (!found) {
		pr_debug("%s: no queue interrupts", ifname);
		return -ENOENT;
	}
	return 0;
}

int irq_queue_cpus(const char *ifname, const char *bus_info,
		   uint32_t *cpu_of_queue, uint32_t nr_queues)
{
	uint32_t q;
	int err;

	/* The IRQ numbers go through the same array, then become CPUs. */
	err = irq_queue_irqs(ifname, bus_info, cpu_of_queue, nr_queues);
	for (q = 0; q < nr_queues && cpu_of_queue; q++) {
		/* An interrupt freed since the scan stays unknown. */
		if (err || cpu_of_queue[q] == IRQ_NUMBER_UNKNOWN ||
		    irq_effective_cpu(cpu_of_queue[q], &cpu_of_queue[q]))
			cpu_of_queue[q] = IRQ_CPU_UNKNOWN;
	}
	return err;
}
