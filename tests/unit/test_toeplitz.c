// SPDX-License-Identifier: GPL-2.0-only
/*
 * Toeplitz hash and steer_rss tests: Microsoft's vectors through both
 * methods, the two methods against each other on random keys and flows, and
 * the BPF table value userland builds.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/rss_table.h"
#include "rss_vectors.h"
#include "lib/toeplitz.h"

#define RANDOM_ROUNDS 10000
#define LONG_KEY_LEN STEER_RSS_KEY_MAX
#define HEX_DUMP_MAX (2 * STEER_RSS_KEY_MAX + 1)

static uint64_t seed;
static uint64_t rng_state;

/* splitmix64: small, fast, and the same sequence on every platform. */
static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void rng_bytes(uint8_t *buf, size_t len)
{
	while (len--)
		*buf++ = (uint8_t)rng_next();
}

static void hex_dump(char *out, const uint8_t *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", buf[i]);
	out[2 * len] = '\0';
}

static struct rss_vectors vectors;

static const struct rss_vectors *get_vectors(void)
{
	static bool loaded;

	if (!loaded && rss_vectors_load(&vectors))
		fail_msg("%s", vectors.err);
	loaded = true;
	/* A truncated file must not pass with fewer checks. */
	if (vectors.n < RSS_VECTORS_EXPECTED)
		fail_msg("%s: %zu vectors, expected at least %d", vectors.path,
			 vectors.n, RSS_VECTORS_EXPECTED);
	return &vectors;
}

static size_t vector_input(const struct rss_vector *v, uint8_t *in,
			   bool with_ports)
{
	return toeplitz_input(in, v->saddr.af, v->saddr.bytes, v->daddr.bytes,
			      htons(v->sport), htons(v->dport), with_ports);
}

static void test_vectors_file(void **state)
{
	const struct rss_vectors *vs = get_vectors();
	size_t i, v4 = 0, v6 = 0;

	for (i = 0; i < vs->n; i++) {
		if (vs->v[i].saddr.af == AF_INET)
			v4++;
		else
			v6++;
	}
	assert_true(v4 > 0);
	assert_true(v6 > 0);

	/* The file's key is the key toeplitz_default_key claims to be. */
	assert_int_equal(vs->key_len, sizeof(toeplitz_default_key));
	assert_memory_equal(vs->key, toeplitz_default_key, vs->key_len);
}

/* Checks one hash method against every vector; returns the checks made. */
static size_t check_vectors(const char *method,
			    uint32_t (*hash)(const uint8_t *in, size_t len))
{
	const struct rss_vectors *vs = get_vectors();
	uint8_t in[STEER_TOEPLITZ_INPUT_MAX];
	size_t i, len, checks = 0;
	int ports;

	for (i = 0; i < vs->n; i++) {
		const struct rss_vector *v = &vs->v[i];

		for (ports = 0; ports <= 1; ports++) {
			uint32_t want = ports ? v->hash_with_ports :
						v->hash_ip_only;
			uint32_t got;

			len = vector_input(v, in, ports);
			got = hash(in, len);
			if (got != want)
				fail_msg("%s, %s:%d (%s %s %s): 0x%08x, "
					 "expected 0x%08x",
					 method, vs->path, v->line, v->src,
					 v->dst,
					 ports ? "with ports" : "ip only", got,
					 want);
			checks++;
		}
	}
	return checks;
}

static uint32_t vector_key_reference(const uint8_t *in, size_t len)
{
	return toeplitz_hash(vectors.key, vectors.key_len, in, len);
}

static uint32_t vector_table[STEER_TOEPLITZ_INPUT_MAX][256];

static uint32_t vector_key_table(const uint8_t *in, size_t len)
{
	return toeplitz_table_hash((const uint32_t(*)[256])vector_table, in,
				   len);
}

static void test_vectors_reference(void **state)
{
	const struct rss_vectors *vs = get_vectors();

	assert_int_equal(check_vectors("reference", vector_key_reference),
			 2 * vs->n);
}

static void test_vectors_table(void **state)
{
	const struct rss_vectors *vs = get_vectors();

	toeplitz_table_build(vs->key, vs->key_len, vector_table,
			     STEER_TOEPLITZ_INPUT_MAX);
	assert_int_equal(check_vectors("table", vector_key_table), 2 * vs->n);
}

/* The checks above can fail: a changed key or a swapped tuple is caught. */
static void test_vectors_detect_mistakes(void **state)
{
	const struct rss_vectors *vs = get_vectors();
	const struct rss_vector *v = &vs->v[0];
	uint8_t key[STEER_RSS_KEY_MAX], in[STEER_TOEPLITZ_INPUT_MAX];
	size_t len;

	/* A byte every input reaches: key bytes past 4 + len are never read. */
	memcpy(key, vs->key, vs->key_len);
	key[sizeof(uint32_t)] ^= 0x10;
	len = vector_input(v, in, true);
	assert_int_not_equal(toeplitz_hash(key, vs->key_len, in, len),
			     v->hash_with_ports);

	/* Destination first: the hash is not symmetric. */
	len = toeplitz_input(in, v->saddr.af, v->daddr.bytes, v->saddr.bytes,
			     htons(v->dport), htons(v->sport), true);
	assert_int_not_equal(toeplitz_hash(vs->key, vs->key_len, in, len),
			     v->hash_with_ports);
}

/* From the definition: one set bit XORs in the key window at its offset. */
static void test_reference_definition(void **state)
{
	const uint8_t *key = toeplitz_default_key;
	size_t key_len = sizeof(toeplitz_default_key);
	uint8_t in[2] = { 0 };

	assert_int_equal(toeplitz_hash(key, key_len, in, 0), 0);
	assert_int_equal(toeplitz_hash(key, key_len, in, 2), 0);
	in[0] = 0x80; /* input bit 0: key bits 0..31 */
	assert_int_equal(toeplitz_hash(key, key_len, in, 1), 0x6d5a56da);
	in[0] = 0x01; /* input bit 7: key bits 7..38, 0x6d5a56da25 >> 1 */
	assert_int_equal(toeplitz_hash(key, key_len, in, 1), 0xad2b6d12);
	in[0] = 0x81; /* linear: the XOR of both */
	assert_int_equal(toeplitz_hash(key, key_len, in, 1),
			 0x6d5a56da ^ 0xad2b6d12);
	in[0] = 0;
	in[1] = 0x80; /* input bit 8: key bits 8..39 */
	assert_int_equal(toeplitz_hash(key, key_len, in, 2), 0x5a56da25);
}

static void test_input_layout(void **state)
{
	uint8_t in[STEER_TOEPLITZ_INPUT_MAX + 1], s6[16], d6[16];
	const uint8_t s4[4] = { 1, 2, 3, 4 }, d4[4] = { 5, 6, 7, 8 };
	const uint8_t v4[STEER_TOEPLITZ_V4_LEN] = {
		1, 2, 3, 4, 5, 6, 7, 8, 0x12, 0x34, 0xab, 0xcd
	};
	size_t i;

	memset(in, 0xee, sizeof(in));
	assert_int_equal(toeplitz_input(in, AF_INET, s4, d4, htons(0x1234),
					htons(0xabcd), true),
			 STEER_TOEPLITZ_V4_LEN);
	assert_memory_equal(in, v4, sizeof(v4));
	assert_int_equal(in[STEER_TOEPLITZ_V4_LEN], 0xee);
	assert_int_equal(toeplitz_input(in, AF_INET, s4, d4, 1, 2, false),
			 STEER_TOEPLITZ_V4_LEN - 4);

	for (i = 0; i < sizeof(s6); i++) {
		s6[i] = i;
		d6[i] = 0x80 + i;
	}
	memset(in, 0xee, sizeof(in));
	assert_int_equal(toeplitz_input(in, AF_INET6, s6, d6, htons(0x1234),
					htons(0xabcd), true),
			 STEER_TOEPLITZ_V6_LEN);
	assert_memory_equal(in, s6, sizeof(s6));
	assert_memory_equal(in + sizeof(s6), d6, sizeof(d6));
	assert_memory_equal(in + 2 * sizeof(s6), v4 + 8, 4);
	assert_int_equal(in[STEER_TOEPLITZ_V6_LEN], 0xee);
	assert_int_equal(toeplitz_input(in, AF_INET6, s6, d6, 1, 2, false),
			 STEER_TOEPLITZ_V6_LEN - 4);

	assert_int_equal(toeplitz_input(in, AF_UNIX, s6, d6, 1, 2, true), 0);
}

static uint32_t random_table[LONG_KEY_LEN - 4][256];

/* what: "round" or "length", n its value. */
static void report_mismatch(const char *what, unsigned int n,
			    const uint8_t *key, size_t key_len,
			    const uint8_t *in, size_t len, uint32_t ref,
			    uint32_t tab)
{
	char key_hex[HEX_DUMP_MAX], in_hex[HEX_DUMP_MAX];

	hex_dump(key_hex, key, key_len);
	hex_dump(in_hex, in, len);
	fail_msg("%s %u (STEER_SEED=%" PRIu64 "): key %s input %s: "
		 "reference 0x%08x, table 0x%08x",
		 what, n, seed, key_hex, in_hex, ref, tab);
}

/* Random keys and flows of every shape: the two methods always agree. */
static void test_random_reference_vs_table(void **state)
{
	uint8_t key[STEER_RSS_KEY_MAX], in[STEER_TOEPLITZ_INPUT_MAX];
	uint8_t saddr[16], daddr[16];
	/* Bit 0: 52-byte key, bit 1: IPv6, bit 2: with ports. */
	unsigned int round, shape, shapes[8] = { 0 };
	uint32_t ref, tab;
	size_t key_len, len;
	bool v6, ports, long_key;

	rng_state = seed;
	for (round = 0; round < RANDOM_ROUNDS; round++) {
		uint64_t r = rng_next();

		shape = r & 7;
		long_key = shape & 1;
		v6 = shape & 2;
		ports = shape & 4;
		shapes[shape]++;

		key_len = long_key ? LONG_KEY_LEN : STEER_RSS_KEY_DEFAULT_LEN;
		rng_bytes(key, key_len);
		rng_bytes(saddr, sizeof(saddr));
		rng_bytes(daddr, sizeof(daddr));
		len = toeplitz_input(in, v6 ? AF_INET6 : AF_INET, saddr, daddr,
				     (uint16_t)(r >> 16), (uint16_t)(r >> 32),
				     ports);

		toeplitz_table_build(key, key_len, random_table,
				     STEER_TOEPLITZ_INPUT_MAX);
		ref = toeplitz_hash(key, key_len, in, len);
		tab = toeplitz_table_hash((const uint32_t(*)[256])random_table,
					  in, len);
		if (ref != tab)
			report_mismatch("round", round, key, key_len, in, len,
					ref, tab);
	}

	/* Every shape was exercised, not just the common one. */
	for (shape = 0; shape < 8; shape++)
		assert_true(shapes[shape] > 0);
}

/* The table method up to the longest input a key allows (key_len - 4). */
static void test_table_every_length(void **state)
{
	const size_t key_lens[] = { STEER_RSS_KEY_DEFAULT_LEN, LONG_KEY_LEN };
	uint8_t key[STEER_RSS_KEY_MAX], in[LONG_KEY_LEN - 4];
	uint32_t ref, tab;
	size_t k, len, positions;

	rng_state = seed ^ 1;
	for (k = 0; k < sizeof(key_lens) / sizeof(key_lens[0]); k++) {
		positions = key_lens[k] - 4;
		rng_bytes(key, key_lens[k]);
		toeplitz_table_build(key, key_lens[k], random_table, positions);
		for (len = 0; len <= positions; len++) {
			rng_bytes(in, len);
			ref = toeplitz_hash(key, key_lens[k], in, len);
			tab = toeplitz_table_hash(
				(const uint32_t(*)[256])random_table, in, len);
			if (ref != tab)
				report_mismatch("length", len, key, key_lens[k],
						in, len, ref, tab);
		}
	}
}

static struct steer_rss *rss_alloc(void)
{
	struct steer_rss *rss = malloc(sizeof(*rss));

	assert_non_null(rss);
	memset(rss, 0xaa, sizeof(*rss)); /* stale data fill must overwrite */
	return rss;
}

static void test_rss_fill_errors(void **state)
{
	const size_t bad_key_lens[] = { 0, 4, 39, 41, 51, 53 };
	uint32_t indir[STEER_INDIR_MAX + 1] = { 0 };
	uint8_t key[STEER_RSS_KEY_MAX + 1] = { 0 };
	struct steer_rss *rss = rss_alloc(), *untouched = rss_alloc();
	size_t i;

	for (i = 0; i < sizeof(bad_key_lens) / sizeof(bad_key_lens[0]); i++) {
		assert_false(steer_rss_key_len_valid(bad_key_lens[i]));
		assert_int_equal(steer_rss_fill(rss, key, bad_key_lens[i],
						indir, 1),
				 -EINVAL);
	}
	assert_int_equal(steer_rss_fill(rss, key, STEER_RSS_KEY_DEFAULT_LEN,
					indir, 0),
			 -EINVAL);
	assert_int_equal(steer_rss_fill(rss, key, STEER_RSS_KEY_DEFAULT_LEN,
					indir, STEER_INDIR_MAX + 1),
			 -EINVAL);
	/* A refused fill leaves the value as it was. */
	assert_memory_equal(rss, untouched, sizeof(*rss));
	free(rss);
	free(untouched);
}

static void check_rss_fill(size_t key_len, size_t indir_size)
{
	static uint32_t table[STEER_TOEPLITZ_INPUT_MAX][256];
	uint32_t indir[STEER_INDIR_MAX];
	uint8_t key[STEER_RSS_KEY_MAX];
	struct steer_rss *rss = rss_alloc();
	size_t i;

	rng_bytes(key, key_len);
	for (i = 0; i < indir_size; i++)
		indir[i] = (uint32_t)rng_next() % STEER_MAX_CPUS;

	assert_int_equal(steer_rss_fill(rss, key, key_len, indir, indir_size),
			 0);
	assert_int_equal(rss->key_len, key_len);
	assert_memory_equal(rss->key, key, key_len);
	for (i = key_len; i < STEER_RSS_KEY_MAX; i++)
		assert_int_equal(rss->key[i], 0);
	assert_int_equal(rss->indir_size, indir_size);
	assert_memory_equal(rss->indir, indir, indir_size * sizeof(indir[0]));
	for (i = indir_size; i < STEER_INDIR_MAX; i++)
		assert_int_equal(rss->indir[i], STEER_INDIR_NONE);

	toeplitz_table_build(key, key_len, table, STEER_TOEPLITZ_INPUT_MAX);
	assert_memory_equal(rss->toeplitz, table, sizeof(table));
	free(rss);
}

static void test_rss_fill(void **state)
{
	rng_state = seed ^ 2;
	check_rss_fill(STEER_RSS_KEY_DEFAULT_LEN, 1);
	check_rss_fill(STEER_RSS_KEY_DEFAULT_LEN, 128);
	check_rss_fill(LONG_KEY_LEN, STEER_INDIR_MAX);
}

/* The filled table hashes Microsoft's vectors right: what BPF will read. */
static void test_rss_fill_vectors(void **state)
{
	const struct rss_vectors *vs = get_vectors();
	const uint32_t indir[] = { 0 };
	struct steer_rss *rss = rss_alloc();
	uint8_t in[STEER_TOEPLITZ_INPUT_MAX];
	size_t i, len;

	assert_int_equal(steer_rss_fill(rss, vs->key, vs->key_len, indir, 1),
			 0);
	for (i = 0; i < vs->n; i++) {
		len = vector_input(&vs->v[i], in, true);
		assert_int_equal(toeplitz_table_hash(
					 (const uint32_t(*)[256])rss->toeplitz,
					 in, len),
				 vs->v[i].hash_with_ports);
	}
	free(rss);
}

static void test_indir_round_robin(void **state)
{
	const uint32_t cpus[] = { 3, 5, 7 };
	const uint32_t want[] = { 3, 5, 7, 3, 5, 7, 3 };
	uint32_t indir[7];
	size_t i;

	steer_indir_round_robin(indir, 7, cpus, 3);
	assert_memory_equal(indir, want, sizeof(want));

	steer_indir_round_robin(indir, 7, cpus, 0);
	for (i = 0; i < 7; i++)
		assert_int_equal(indir[i], STEER_INDIR_NONE);
}

static uint64_t pick_seed(void)
{
	const char *env = getenv("STEER_SEED");
	char *end;
	uint64_t s;

	if (env && *env) {
		s = strtoull(env, &end, 0);
		if (!*end)
			return s;
		fprintf(stderr, "STEER_SEED='%s' is not a number\n", env);
		exit(1);
	}
	return (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors_file),
		cmocka_unit_test(test_vectors_reference),
		cmocka_unit_test(test_vectors_table),
		cmocka_unit_test(test_vectors_detect_mistakes),
		cmocka_unit_test(test_reference_definition),
		cmocka_unit_test(test_input_layout),
		cmocka_unit_test(test_random_reference_vs_table),
		cmocka_unit_test(test_table_every_length),
		cmocka_unit_test(test_rss_fill_errors),
		cmocka_unit_test(test_rss_fill),
		cmocka_unit_test(test_rss_fill_vectors),
		cmocka_unit_test(test_indir_round_robin),
	};

	seed = pick_seed();
	printf("# seed %" PRIu64 " (STEER_SEED=%" PRIu64 " repeats this run)\n",
	       seed, seed);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
