// SPDX-License-Identifier: GPL-2.0-only
/*
 * Differential fuzz: random mutations of valid frames through the XDP
 * program and the C oracle. The program must only ever pass or redirect,
 * never change a frame, and decide exactly as the oracle does. Seeded; the
 * seed is printed (STEER_SEED reproduces a run, STEER_FUZZ_ITERS sizes it).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <errno.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <cmocka.h>

#include "cases.h"
#include "frames.h"

#define FUZZ_ITERS_DEFAULT 100000
#define FUZZ_MODE_EVERY 5000 /* frames between mode switches */

static struct harness h;
static int setup_err;

/* xorshift64*: small, fast, and the same sequence everywhere. */
static uint64_t rng_state;

static uint32_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (rng_state * 0x2545F4914F6CDD1DULL) >> 32;
}

static uint32_t rnd_below(uint32_t n)
{
	return rnd() % n;
}

static const char *const v4_dsts[] = { V4_SERVER, V4_OTHER, V4_IDLE, V4_XSK };
static const char *const v6_dsts[] = { V6_SERVER, V6_OTHER };
static const uint16_t ports[] = { PORT_WEB, PORT_TLS, PORT_XSK, PORT_NONE };
static const uint8_t ext_types[] = { 0, 43, 60, 44 };

/* A valid frame of a random shape, mostly towards a group. */
static int random_frame(uint8_t *buf, size_t cap)
{
	char src[INET6_ADDRSTRLEN];
	struct frame_spec s = { 0 };
	int i;

	s.af = rnd_below(2) ? AF_INET : AF_INET6;
	if (s.af == AF_INET) {
		snprintf(src, sizeof(src), "198.18.%u.%u", rnd_below(256),
			 rnd_below(256));
		s.daddr = v4_dsts[rnd_below(4)];
		s.ip4_optlen = rnd_below(4) ? 0 : 4 * rnd_below(11);
	} else {
		snprintf(src, sizeof(src), "2001:db8:%x::%x", rnd_below(65536),
			 rnd_below(65536));
		s.daddr = v6_dsts[rnd_below(2)];
		s.nr_ext = rnd_below(3) ? 0 : rnd_below(FRAME_MAX_EXT);
		for (i = 0; i < s.nr_ext; i++)
			s.ext[i] = ext_types[rnd_below(rnd_below(8) ? 3 : 4)];
		s.ext_len = rnd_below(3);
		s.ip6_jumbo = !rnd_below(8);
	}
	s.ip_len_zero = !rnd_below(8);
	s.saddr = src;
	s.sport = 1024 + rnd_below(64512);
	s.dport = ports[rnd_below(4)];
	if (!rnd_below(3)) { /* UDP, its length sometimes a lie */
		s.l4proto = L4_UDP;
		s.udp_len_delta = rnd_below(4) ? 0 : (int)rnd_below(24) - 16;
	}
	s.tcp_flags = rnd() & 0x3f;
	s.tcp_optlen = 4 * rnd_below(6);
	s.nr_vlans = rnd_below(4) ? 0 : 1 + rnd_below(2);
	for (i = 0; i < s.nr_vlans; i++)
		s.vlan_tpid[i] = rnd_below(2) ? 0x8100 : 0x88a8;
	s.payload = rnd_below(4) ? 0 : rnd_below(64);
	s.pad = rnd_below(8) ? 0 : rnd_below(16);
	return frame_build(&s, buf, cap, NULL);
}

static const uint8_t interesting[] = { 0x00, 0xff, 0x06, 0x11, 0x2c, 0x3c,
				       0x2b, 0x45, 0x4f, 0x60, 0x81, 0x86,
				       0xdd, 0x08, 0x50, 0x02 };

/* One to four random edits: bit flips, byte sets, cuts, growth. */
static size_t mutate(uint8_t *buf, size_t len, size_t cap)
{
	int n = 1 + rnd_below(4), i;

	for (i = 0; i < n; i++) {
		size_t pos = rnd_below(len);

		switch (rnd_below(6)) {
		case 0:
		case 1:
			buf[pos] ^= 1u << rnd_below(8);
			break;
		case 2:
			buf[pos] = interesting[rnd_below(sizeof(interesting))];
			break;
		case 3:
			buf[pos] = rnd();
			break;
		case 4: /* cut, never below what BPF_PROG_TEST_RUN accepts */
			len = ETH_HLEN + rnd_below(len - ETH_HLEN + 1);
			break;
		case 5:
			while (len < cap && rnd_below(4))
				buf[len++] = rnd();
			break;
		}
	}
	return len;
}

static void next_mode(uint32_t round)
{
	static const struct {
		enum steer_mode mode;
		uint8_t flags;
		enum table_kind tables;
	} modes[] = {
		{ STEER_MODE_CPU, 0, TABLE_SPREAD },
		{ STEER_MODE_RSS, STEER_IFACE_F_VERIFY_RSS, TABLE_QUEUES },
		{ STEER_MODE_CPU, 0, TABLE_ROTATED },
		{ STEER_MODE_CPU, 0, TABLE_ABSENT_CPU },
		{ STEER_MODE_RSS, 0, TABLE_QUEUES },
		{ STEER_MODE_CPU, 0, TABLE_DEFAULT },
		{ STEER_MODE_RSS, STEER_IFACE_F_VERIFY_RSS, TABLE_QUEUES_ODD },
		{ STEER_MODE_CPU, 0, TABLE_UNSET_0 },
		{ STEER_MODE_CPU, 0, TABLE_NO_WORKER_0 },
	};
	uint32_t m = round % (sizeof(modes) / sizeof(modes[0]));
	int err = cases_set_mode(&h, modes[m].mode, modes[m].flags,
				 modes[m].tables);

	/* A one-CPU host has no CPU without a worker: keep the last mode. */
	if (err != -ENOTSUP)
		assert_int_equal(err, 0);
}

static void fuzz(void **state)
{
	const char *iters_env = getenv("STEER_FUZZ_ITERS");
	const char *seed_env = getenv("STEER_SEED");
	uint64_t counts[STEER_CNT_MAX] = { 0 }, redirects = 0;
	uint32_t iters = iters_env ? strtoul(iters_env, NULL, 0) :
				     FUZZ_ITERS_DEFAULT;
	uint64_t seed = seed_env ? strtoull(seed_env, NULL, 0) :
				   (uint64_t)time(NULL) ^ getpid();
	uint8_t frame[FRAME_MAX];
	struct oracle_result o;
	struct run_result r;
	uint32_t i, cpu, rxq;
	size_t len;
	int err;

	if (setup_err == -EPERM) {
		print_message("needs root (CAP_BPF, CAP_NET_ADMIN)\n");
		skip();
	}
	assert_int_equal(setup_err, 0);
	printf("# seed 0x%llx (STEER_SEED=0x%llx reproduces), %u frames\n",
	       (unsigned long long)seed, (unsigned long long)seed, iters);
	rng_state = seed ? seed : 1;

	for (i = 0; i < iters; i++) {
		if (i % FUZZ_MODE_EVERY == 0)
			next_mode(i / FUZZ_MODE_EVERY);
		err = random_frame(frame, sizeof(frame));
		assert_true(err > 0);
		len = rnd_below(8) ? mutate(frame, err, sizeof(frame)) :
				     (size_t)err;
		cpu = rnd_below(cases_nr_cpus());
		rxq = rnd_below(HARNESS_QUEUES);

		err = harness_run(&h, frame, len, cpu, rxq, &r);
		if (err) {
			printf("# frame %u: harness_run: %s\n", i,
			       strerror(-err));
			frame_hexdump("# ", frame, len);
			fail();
		}
		oracle_decide(&h.cfg, frame, len, cpu, rxq, &o);
		if (r.xdp_action != XDP_PASS && r.xdp_action != XDP_REDIRECT) {
			printf("# frame %u: action %d\n", i, r.xdp_action);
			frame_hexdump("# ", frame, len);
			fail();
		}
		if (!harness_agrees(frame, len, &r, &o)) {
			printf("# frame %u of seed 0x%llx differs\n", i,
			       (unsigned long long)seed);
			fail();
		}
		counts[r.d.counter]++;
		redirects += r.xdp_action == XDP_REDIRECT;
	}
	printf("# outcomes:");
	for (i = 0; i < STEER_CNT_MAX; i++)
		printf(" %u:%llu", i, (unsigned long long)counts[i]);
	printf(", redirected %llu\n", (unsigned long long)redirects);
	/* A fuzz run that never reached the steering code proved little. */
	assert_true(counts[STEER_CNT_MATCHED] > iters / 10);
}

static int group_setup(void **state)
{
	setup_err = geteuid() != 0 ? -EPERM : cases_setup(&h, true);
	return 0;
}

static int group_teardown(void **state)
{
	harness_close(&h);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fuzz),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests_name("xdp_fuzz", tests, group_setup,
					   group_teardown);
}
