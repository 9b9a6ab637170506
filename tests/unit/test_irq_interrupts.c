// SPDX-License-Identifier: GPL-2.0-only
/*
 * RX queue -> IRQ from /proc/interrupts fixtures of mlx5, ice, i40e and
 * virtio_net (names after the interface and after the device, other
 * interfaces' and non-queue interrupts left alone, the device filter), and
 * the first CPU of an affinity list.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tests/fixtures/interrupts.h"

#include "host/irq.h"

#define QUEUES 8

/* Scans text into irq[QUEUES]; returns how many queues were found. */
static int scan(const char *text, const char *ifname,
		bool (*is_device)(unsigned int irq, void *arg), void *arg,
		uint32_t *irq)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int found, q;

	assert_non_null(f);
	for (q = 0; q < QUEUES; q++)
		irq[q] = IRQ_NUMBER_UNKNOWN;
	found = irq_scan_queues(f, ifname, is_device, arg, irq, QUEUES);
	fclose(f);
	return found;
}

static void assert_irqs(const uint32_t *irq, const uint32_t *want,
			unsigned int n)
{
	unsigned int q;

	for (q = 0; q < QUEUES; q++) {
		if (irq[q] != (q < n ? want[q] : IRQ_NUMBER_UNKNOWN))
			fail_msg("queue %u: IRQ %u, not %u", q, irq[q],
				 q < n ? want[q] : IRQ_NUMBER_UNKNOWN);
	}
}

static void test_mlx5(void **state)
{
	static const uint32_t want[] = { 99, 100, 101, 102 };
	uint32_t irq[QUEUES];

	/* Named after the device: no match by interface name. */
	assert_int_equal(scan(irqf_mlx5, "eth0", NULL, NULL, irq), 0);
	assert_int_equal(scan(irqf_mlx5, NULL, NULL, NULL, irq), 4);
	assert_irqs(irq, want, 4);
}

static void test_ice(void **state)
{
	static const uint32_t want0[] = { 131, 132, 133, 134 };
	static const uint32_t want1[] = { 141, 142 };
	uint32_t irq[QUEUES];

	assert_int_equal(scan(irqf_ice, "eth0", NULL, NULL, irq), 4);
	assert_irqs(irq, want0, 4);
	assert_int_equal(scan(irqf_ice, "eth1", NULL, NULL, irq), 2);
	assert_irqs(irq, want1, 2);
	/* Not a prefix match: eth is neither. */
	assert_int_equal(scan(irqf_ice, "eth", NULL, NULL, irq), 0);
}

static void test_i40e(void **state)
{
	static const uint32_t want[] = { 61, 62, 63, 64 };
	uint32_t irq[QUEUES];

	assert_int_equal(scan(irqf_i40e, "eth2", NULL, NULL, irq), 4);
	assert_irqs(irq, want, 4);
}

static void test_virtio(void **state)
{
	static const uint32_t want[] = { 25, 27, 29, 31 };
	uint32_t irq[QUEUES];

	assert_int_equal(scan(irqf_virtio, "eth0", NULL, NULL, irq), 0);
	assert_int_equal(scan(irqf_virtio, NULL, NULL, NULL, irq), 4);
	assert_irqs(irq, want, 4);
}

static void test_shared_line(void **state)
{
	static const uint32_t want[] = { 40, 41 };
	uint32_t irq[QUEUES];

	assert_int_equal(scan(irqf_shared, "eth5", NULL, NULL, irq), 2);
	assert_irqs(irq, want, 2);
}

/* The device filter: only IRQs 99 and 101 belong to "the device". */
static bool odd_half(unsigned int irq, void *arg)
{
	(*(int *)arg)++;
	return irq == 99 || irq == 101;
}

static void test_device_filter(void **state)
{
	uint32_t irq[QUEUES];
	int calls = 0;

	assert_int_equal(scan(irqf_mlx5, NULL, odd_half, &calls, irq), 2);
	assert_int_equal(irq[0], 99);
	assert_int_equal(irq[1], IRQ_NUMBER_UNKNOWN);
	assert_int_equal(irq[2], 101);
	assert_int_equal(irq[3], IRQ_NUMBER_UNKNOWN);
	/* Asked once per numbered interrupt line, never for NMI: etc. */
	assert_int_equal(calls, 7);
}

static void test_queues_beyond(void **state)
{
	uint32_t irq[2] = { IRQ_NUMBER_UNKNOWN, IRQ_NUMBER_UNKNOWN };
	FILE *f = fmemopen((void *)irqf_i40e, strlen(irqf_i40e), "r");

	assert_non_null(f);
	/* Queues 2 and 3 do not fit: skipped, not written past the end. */
	assert_int_equal(irq_scan_queues(f, "eth2", NULL, NULL, irq, 2), 2);
	assert_int_equal(irq[0], 61);
	assert_int_equal(irq[1], 62);
	/* A second scan keeps what the first found. */
	assert_int_equal(irq_scan_queues(f, "eth2", NULL, NULL, irq, 2), 0);
	fclose(f);
}

static void test_cpulist_first(void **state)
{
	static const struct {
		const char *text;
		int ret;
		uint32_t cpu;
	} cases[] = {
		{ "2-3,8\n", 0, 2 },
		{ "7\n", 0, 7 },
		{ "0", 0, 0 },
		{ "12,14", 0, 12 },
		{ "\n", -ENOENT, 0 },
		{ "", -ENOENT, 0 },
		{ "x\n", -ENOENT, 0 },
		{ "-1\n", -ENOENT, 0 },
		{ "3x\n", -ENOENT, 0 },
		{ "4294967295\n", -ENOENT, 0 },
		{ "99999999999999999999\n", -ENOENT, 0 },
	};
	uint32_t cpu;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cpu = UINT32_MAX;
		if (irq_cpulist_first(cases[i].text, &cpu) != cases[i].ret)
			fail_msg("\"%s\": not %d", cases[i].text, cases[i].ret);
		if (!cases[i].ret)
			assert_int_equal(cpu, cases[i].cpu);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mlx5),
		cmocka_unit_test(test_ice),
		cmocka_unit_test(test_i40e),
		cmocka_unit_test(test_virtio),
		cmocka_unit_test(test_shared_line),
		cmocka_unit_test(test_device_filter),
		cmocka_unit_test(test_queues_beyond),
		cmocka_unit_test(test_cpulist_first),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
