// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of loadgen --rss's port choice (ctrl/lib/rss_port.c): a flow's CPU
 * against Microsoft's published hashes, and every source port chosen for a
 * CPU checked with the bit-serial Toeplitz reference and an indirection
 * lookup written here, independently of the code under test.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/rss_port.h"
#include "lib/toeplitz.h"
#include "rss_vectors.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define PORT_LO 32768 /* Linux's default ip_local_port_range */
#define PORT_HI 60999
#define PORTS (PORT_HI - PORT_LO + 1)
#define DPORT 8080
#define QUEUES 4
#define CPU_NONE_QUEUED 6 /* a CPU no queue is served by */

/* Queues 0..3 on CPUs 5, 7, 7, 9: CPU 7 gets half the table. */
static const uint32_t queue_cpu[QUEUES] = { 5, 7, 7, 9 };
static const uint32_t cpus[] = { 5, 7, 9 };

static void nic_init(struct rss_nic *nic, const uint32_t *indir, size_t size)
{
	uint32_t cpu_of_queue[STEER_MAX_QUEUES];
	size_t q;

	for (q = 0; q < STEER_MAX_QUEUES; q++)
		cpu_of_queue[q] = q < QUEUES ? queue_cpu[q] : STEER_INDIR_NONE;
	assert_int_equal(rss_nic_init(nic, toeplitz_default_key,
				      sizeof(toeplitz_default_key), indir, size,
				      cpu_of_queue),
			 0);
}

static void round_robin(uint32_t *indir, size_t size)
{
	size_t i;

	for (i = 0; i < size; i++)
		indir[i] = (uint32_t)(i % QUEUES);
}

/* The oracle: what a NIC computes, from the reference hash. */
static uint32_t oracle_cpu(const uint32_t *indir, size_t size, int af,
			   const uint8_t *saddr, const uint8_t *daddr,
			   uint16_t sport, uint16_t dport)
{
	size_t alen = af == AF_INET ? 4 : 16;
	uint8_t in[STEER_TOEPLITZ_INPUT_MAX];
	uint32_t hash;

	memcpy(in, saddr, alen);
	memcpy(in + alen, daddr, alen);
	in[2 * alen] = (uint8_t)(sport >> 8);
	in[2 * alen + 1] = (uint8_t)sport;
	in[2 * alen + 2] = (uint8_t)(dport >> 8);
	in[2 * alen + 3] = (uint8_t)dport;
	hash = toeplitz_hash(toeplitz_default_key, sizeof(toeplitz_default_key),
			     in, 2 * alen + 4);
	return queue_cpu[indir[hash % size]];
}

static struct rss_nic nic;

/* Each vector's flow lands on the CPU of indir[published hash % size]. */
static void check_vectors(const struct rss_vectors *vs, const uint32_t *indir,
			  size_t size)
{
	uint32_t q;
	size_t i;

	nic_init(&nic, indir, size);
	for (i = 0; i < vs->n; i++) {
		const struct rss_vector *v = &vs->v[i];

		q = indir[v->hash_with_ports % size];
		assert_int_equal(
			rss_nic_flow_cpu(&nic, v->saddr.af, v->saddr.bytes,
					 v->daddr.bytes, v->sport, v->dport),
			queue_cpu[q]);
	}
}

static void test_flow_cpu_vectors(void **state)
{
	/* 128 entries (a power of two) and 3 (a true modulo). */
	static const uint32_t odd[] = { 2, 0, 3 };
	static struct rss_vectors vs;
	uint32_t indir[128];

	if (rss_vectors_load(&vs))
		fail_msg("%s", vs.err);
	assert_int_equal(vs.key_len, sizeof(toeplitz_default_key));
	assert_memory_equal(vs.key, toeplitz_default_key, vs.key_len);
	assert_true(vs.n > 0);

	round_robin(indir, ARRAY_SIZE(indir));
	check_vectors(&vs, indir, ARRAY_SIZE(indir));
	check_vectors(&vs, odd, ARRAY_SIZE(odd));
}

/* Every port chosen hashes to a queue of its CPU; each port is chosen. */
static void check_ports(int af, const char *src, const char *dst,
			const uint32_t *indir, size_t size)
{
	static uint16_t ports[PORTS];
	uint8_t saddr[16], daddr[16];
	size_t n, i, c, total = 0;

	assert_int_equal(inet_pton(af, src, saddr), 1);
	assert_int_equal(inet_pton(af, dst, daddr), 1);
	nic_init(&nic, indir, size);
	for (c = 0; c < ARRAY_SIZE(cpus); c++) {
		n = rss_nic_ports_for_cpu(&nic, cpus[c], af, saddr, daddr,
					  DPORT, PORT_LO, PORT_HI, ports,
					  PORTS);
		assert_true(n > 0);
		for (i = 0; i < n; i++) {
			assert_in_range(ports[i], PORT_LO, PORT_HI);
			if (i)
				assert_true(ports[i] > ports[i - 1]);
			if (oracle_cpu(indir, size, af, saddr, daddr, ports[i],
				       DPORT) != cpus[c])
				fail_msg("%s:%u -> %s:%u is not on CPU %u", src,
					 ports[i], dst, DPORT, cpus[c]);
		}
		/* CPU 7 serves two queues of four: about half the ports. */
		if (cpus[c] == 7)
			assert_in_range(n, PORTS * 2 / 5, PORTS * 3 / 5);
		total += n;
	}
	/* Every queue has a CPU: no port is left out, none counted twice. */
	assert_int_equal(total, PORTS);
	assert_int_equal(rss_nic_ports_for_cpu(&nic, CPU_NONE_QUEUED, af, saddr,
					       daddr, DPORT, PORT_LO, PORT_HI,
					       ports, PORTS),
			 0);
}

static void test_ports_v4(void **state)
{
	static const uint32_t odd[] = { 1, 0, 3, 2, 1 };
	uint32_t indir[128];

	round_robin(indir, ARRAY_SIZE(indir));
	check_ports(AF_INET, "198.18.0.2", "198.18.0.1", indir,
		    ARRAY_SIZE(indir));
	check_ports(AF_INET, "198.18.0.2", "198.18.0.1", odd, ARRAY_SIZE(odd));
}

static void test_ports_v6(void **state)
{
	uint32_t indir[128];

	round_robin(indir, ARRAY_SIZE(indir));
	check_ports(AF_INET6, "2001:db8::2", "2001:db8::1", indir,
		    ARRAY_SIZE(indir));
}

/* Past max the ports are counted, not stored: the caller sees how many. */
static void test_ports_max(void **state)
{
	static uint16_t all[PORTS];
	uint16_t some[8] = { 0 };
	uint8_t saddr[4], daddr[4];
	uint32_t indir[128];
	size_t n;

	inet_pton(AF_INET, "198.18.0.2", saddr);
	inet_pton(AF_INET, "198.18.0.1", daddr);
	round_robin(indir, ARRAY_SIZE(indir));
	nic_init(&nic, indir, ARRAY_SIZE(indir));
	n = rss_nic_ports_for_cpu(&nic, 5, AF_INET, saddr, daddr, DPORT,
				  PORT_LO, PORT_HI, all, PORTS);
	assert_true(n > ARRAY_SIZE(some));
	assert_int_equal(rss_nic_ports_for_cpu(&nic, 5, AF_INET, saddr, daddr,
					       DPORT, PORT_LO, PORT_HI, some,
					       ARRAY_SIZE(some)),
			 n);
	assert_memory_equal(some, all, sizeof(some));
}

static void test_init_refuses(void **state)
{
	uint32_t cpu_of_queue[STEER_MAX_QUEUES], indir[] = { 0, 1, 4 };
	size_t q;

	for (q = 0; q < STEER_MAX_QUEUES; q++)
		cpu_of_queue[q] = q < QUEUES ? queue_cpu[q] : STEER_INDIR_NONE;
	/* Queue 4 has no CPU: where would its flows go? */
	assert_int_equal(rss_nic_init(&nic, toeplitz_default_key,
				      sizeof(toeplitz_default_key), indir,
				      ARRAY_SIZE(indir), cpu_of_queue),
			 -EINVAL);
	indir[2] = 3;
	/* A key of no NIC's length. */
	assert_int_equal(rss_nic_init(&nic, toeplitz_default_key, 39, indir,
				      ARRAY_SIZE(indir), cpu_of_queue),
			 -EINVAL);
	assert_int_equal(rss_nic_init(&nic, toeplitz_default_key,
				      sizeof(toeplitz_default_key), indir,
				      ARRAY_SIZE(indir), cpu_of_queue),
			 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flow_cpu_vectors),
		cmocka_unit_test(test_ports_v4),
		cmocka_unit_test(test_ports_v6),
		cmocka_unit_test(test_ports_max),
		cmocka_unit_test(test_init_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
