// SPDX-License-Identifier: GPL-2.0-only
/*
 * steerd's NIC facts, the pure parts: sysfs CPU masks read and written
 * (XPS, RPS), the expected arrivals per CPU from the indirection table and
 * the queues' CPUs (or an even share without a table), hash functions.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "host/irq.h"
#include "netlink/uapi/linux/ethtool_netlink.h"
#include "steerd/nic.h"

static void test_mask_has(void **state)
{
	assert_true(nic_mask_has("00000000,00000003", 0));
	assert_true(nic_mask_has("00000000,00000003", 1));
	assert_false(nic_mask_has("00000000,00000003", 2));
	assert_false(nic_mask_has("00000000,00000003", 32));
	assert_true(nic_mask_has("1,00000000", 32));
	assert_false(nic_mask_has("1,00000000", 0));
	assert_true(nic_mask_has("f\n", 3));
	assert_false(nic_mask_has("f", 4));
	assert_true(nic_mask_has("A0", 7));
	assert_false(nic_mask_has("", 0));
	assert_false(nic_mask_has("zz", 0));
}

static void test_mask_any(void **state)
{
	assert_false(nic_mask_any("00000000,00000000"));
	assert_false(nic_mask_any(""));
	assert_true(nic_mask_any("0,1"));
	assert_true(nic_mask_any("00000000,80000000\n"));
}

/* Every CPU's own mask names it and no other. */
static void test_cpu_mask_text(void **state)
{
	char text[64];
	uint32_t c, o;

	nic_cpu_mask_text(0, text, sizeof(text));
	assert_string_equal(text, "1");
	nic_cpu_mask_text(33, text, sizeof(text));
	assert_string_equal(text, "2,00000000");
	for (c = 0; c < 100; c++) {
		nic_cpu_mask_text(c, text, sizeof(text));
		for (o = 0; o < 100; o++)
			assert_int_equal(nic_mask_has(text, o), o == c);
	}
}

static struct nic *nic_new(uint32_t rx_queues)
{
	struct nic *nic = calloc(1, sizeof(*nic));
	uint32_t q;

	assert_non_null(nic);
	nic->rx_queues = rx_queues;
	for (q = 0; q < STEER_MAX_QUEUES; q++)
		nic->queue_cpu[q] = IRQ_CPU_UNKNOWN;
	return nic;
}

/* The table decides: queues 0 and 1 both on CPU 0 put everything there. */
static void test_arrivals_from_table(void **state)
{
	struct nic *nic = nic_new(2);
	uint32_t arrivals[4], b;

	nic->rss_source = NIC_RSS_OPERATOR;
	nic->rss.hfunc = ETH_RSS_HASH_TOP;
	nic->rss.indir_size = 128;
	for (b = 0; b < 128; b++)
		nic->rss.indir[b] = b % 2;
	nic->queue_cpu[0] = nic->queue_cpu[1] = 0;
	nic_arrivals(nic, arrivals, 4);
	assert_int_equal(arrivals[0], 128);
	assert_int_equal(arrivals[1] + arrivals[2] + arrivals[3], 0);
	/* An uneven table: three quarters on queue 1 (CPU 3). */
	nic->queue_cpu[1] = 3;
	for (b = 0; b < 128; b++)
		nic->rss.indir[b] = b % 4 != 0;
	nic_arrivals(nic, arrivals, 4);
	assert_int_equal(arrivals[0], 32);
	assert_int_equal(arrivals[3], 96);
	free(nic);
}

/* No table (veth): an even share over the active queues' CPUs. */
static void test_arrivals_even(void **state)
{
	struct nic *nic = nic_new(4);
	uint32_t arrivals[2] = { 7, 7 }, q;

	for (q = 0; q < 4; q++)
		nic->queue_cpu[q] = q % 2;
	/* A queue beyond the active ones does not count. */
	nic->queue_cpu[4] = 0;
	nic_arrivals(nic, arrivals, 2);
	assert_int_equal(arrivals[0], 2);
	assert_int_equal(arrivals[1], 2);
	free(nic);
}

/* A table whose queues have no known CPU says nothing: even, then. */
static void test_arrivals_unknown_cpus(void **state)
{
	struct nic *nic = nic_new(2);
	uint32_t arrivals[2];

	nic->rss_source = NIC_RSS_ETHTOOL;
	nic->rss.indir_size = 4;
	nic->queue_cpu[1] = 1;
	nic->rss.indir[0] = nic->rss.indir[1] = nic->rss.indir[2] = 0;
	nic->rss.indir[3] = 1;
	nic_arrivals(nic, arrivals, 2);
	/* Entries of queue 0 (CPU unknown) count nowhere. */
	assert_int_equal(arrivals[0], 0);
	assert_int_equal(arrivals[1], 1);
	nic->queue_cpu[1] = IRQ_CPU_UNKNOWN;
	nic_arrivals(nic, arrivals, 2);
	assert_int_equal(arrivals[0] + arrivals[1], 0);
	free(nic);
}

static void test_hfunc(void **state)
{
	struct nic *nic = nic_new(2);

	assert_string_equal(nic_hfunc_name(nic), "none");
	assert_false(nic_rss_toeplitz(nic));
	nic->rss_source = NIC_RSS_ETHTOOL;
	nic->rss.hfunc = ETH_RSS_HASH_XOR;
	nic->rss.key_len = 40;
	nic->rss.indir_size = 128;
	assert_string_equal(nic_hfunc_name(nic), "xor");
	assert_false(nic_rss_toeplitz(nic));
	nic->rss.hfunc = ETH_RSS_HASH_TOP;
	assert_string_equal(nic_hfunc_name(nic), "toeplitz");
	assert_true(nic_rss_toeplitz(nic));
	/* virtio_net without its RSS feature: Toeplitz, no key or table. */
	nic->rss.key_len = 0;
	assert_false(nic_rss_toeplitz(nic));
	nic->rss.hfunc = 0;
	assert_string_equal(nic_hfunc_name(nic), "unknown");
	free(nic);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mask_has),
		cmocka_unit_test(test_mask_any),
		cmocka_unit_test(test_cpu_mask_text),
		cmocka_unit_test(test_arrivals_from_table),
		cmocka_unit_test(test_arrivals_even),
		cmocka_unit_test(test_arrivals_unknown_cpus),
		cmocka_unit_test(test_hfunc),
	};

	return cmocka_run_group_tests_name("nic", tests, NULL, NULL);
}
