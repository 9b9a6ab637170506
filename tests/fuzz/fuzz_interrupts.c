// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness: /proc/interrupts scanning (names after the interface
 * and after the device), interrupt names and affinity lists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host/irq.h"

#define FUZZ_QUEUES 64

static bool fuzz_even_irq(unsigned int irq, void *arg)
{
	return !(irq & 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t irq[FUZZ_QUEUES], q, cpu;
	char *text;
	FILE *f;

	if (size > 1 << 16)
		return 0;
	/* A NUL-terminated copy for the string functions. */
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	irq_cpulist_first(text, &cpu);
	irq_name_queue(text, "eth0", &q);
	irq_name_queue(text, NULL, &q);
	f = fmemopen(text, size ?: 1, "r");
	if (f) {
		memset(irq, 0xff, sizeof(irq));
		irq_scan_queues(f, "eth0", NULL, NULL, irq, FUZZ_QUEUES);
		irq_scan_queues(f, NULL, fuzz_even_irq, NULL, irq, FUZZ_QUEUES);
		fclose(f);
	}
	free(text);
	return 0;
}
