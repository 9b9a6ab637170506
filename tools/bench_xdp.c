// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cost of the XDP steering program per frame under BPF_PROG_TEST_RUN, as a
 * ratio to a bare XDP_PASS program measured in the same run. One line per
 * case: "<case> <ns_per_frame> <ratio_to_baseline>".
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include <bpf/libbpf.h>

#include "tests/bpf/cases.h"
#include "tests/bpf/frames.h"
#include "tests/bpf/progs/xdp_pass.skel.h"

/* Rows start from a default frame and override fields. */
#pragma GCC diagnostic ignored "-Woverride-init"

#define REPEAT_DEFAULT 1000000
#define ROUNDS_DEFAULT 5

struct bench_case {
	const char *name;
	struct frame_spec frame;
	enum steer_mode mode;
	bool redirect; /* run on a CPU other than the frame's (cpu mode) */
};

/* One row per case reads better than what clang-format makes of it. */
/* clang-format off */
#define V4 .af = AF_INET, .saddr = V4_CLIENT, .daddr = V4_OTHER, .sport = 40001
#define V6 .af = AF_INET6, .saddr = V6_CLIENT, .daddr = V6_OTHER, .sport = 40001

static const struct bench_case cases[] = {
	{ "nomatch_v4", { V4, .dport = PORT_NONE, .tcp_flags = TH_SYN_ },
	  STEER_MODE_CPU, false },
	{ "udp_v4", { V4, .dport = PORT_WEB, .l4proto = 17 }, STEER_MODE_CPU,
	  false },
	{ "syn_v4_rss", { V4, .dport = PORT_WEB, .tcp_flags = TH_SYN_ },
	  STEER_MODE_RSS, false },
	{ "syn_v4_cpu", { V4, .dport = PORT_WEB, .tcp_flags = TH_SYN_ },
	  STEER_MODE_CPU, true },
	{ "ack_v4_cpu", { V4, .dport = PORT_WEB, .tcp_flags = TH_ACK_ },
	  STEER_MODE_CPU, true },
	{ "syn_v6_cpu", { V6, .dport = PORT_WEB, .tcp_flags = TH_SYN_ },
	  STEER_MODE_CPU, true },
	{ "syn_v4_cpu_exact",
	  { V4, .daddr = V4_SERVER, .dport = PORT_TLS, .tcp_flags = TH_SYN_ },
	  STEER_MODE_CPU, true },
	{ "syn_v4_xsk", { V4, .dport = PORT_XSK, .tcp_flags = TH_SYN_ },
	  STEER_MODE_CPU, false },
};
/* clang-format on */

/* Best (lowest) ns per frame over rounds. */
static double best_of(int prog_fd, int ifindex, const uint8_t *frame,
		      size_t len, uint32_t cpu, uint32_t repeat, int rounds)
{
	double best = -1, ns;
	int i;

	for (i = 0; i < rounds; i++) {
		ns = harness_time(prog_fd, ifindex, frame, len, cpu, repeat);
		if (ns < 0)
			return ns;
		if (best < 0 || ns < best)
			best = ns;
	}
	return best;
}

/* The CPU a frame runs on: its own, or another one to take the redirect. */
static uint32_t bench_cpu(struct harness *h, const struct bench_case *c,
			  const uint8_t *frame, size_t len)
{
	struct oracle_result o;
	int cpu;

	oracle_decide(&h->cfg, frame, len, 0, 0, &o);
	if (!c->redirect || o.d.slot == STEER_SLOT_INVALID)
		return 0;
	for (cpu = 0; cpu < cases_nr_cpus(); cpu++)
		if ((uint32_t)cpu != o.d.slot)
			return cpu;
	return 0;
}

static void usage(FILE *out, const char *prog)
{
	fprintf(out,
		"usage: %s [--repeat N] [--rounds N]\n"
		"Times steer's XDP program under BPF_PROG_TEST_RUN against a "
		"bare XDP_PASS\nprogram (the baseline) in the same run. "
		"Needs root.\n"
		"  --repeat N  runs per measurement (default %d)\n"
		"  --rounds N  measurements per case, best kept (default %d)\n",
		prog, REPEAT_DEFAULT, ROUNDS_DEFAULT);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "repeat", required_argument, NULL, 'r' },
		{ "rounds", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	static struct harness h; /* large: keep it off the stack */
	uint32_t repeat = REPEAT_DEFAULT;
	int rounds = ROUNDS_DEFAULT, opt, err, len;
	struct xdp_pass *pass;
	uint8_t frame[FRAME_MAX];
	double base, ns;
	size_t i;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'r':
			repeat = strtoul(optarg, NULL, 0);
			break;
		case 'n':
			rounds = atoi(optarg);
			break;
		case 'h':
			usage(stdout, argv[0]);
			return 0;
		default:
			usage(stderr, argv[0]);
			return 2;
		}
	}
	if (repeat == 0 || rounds <= 0) {
		fprintf(stderr, "bench_xdp: --repeat and --rounds must be "
				"positive\n");
		return 2;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "bench_xdp: needs root (BPF_PROG_TEST_RUN and "
				"a network namespace); run it as root\n");
		return 1;
	}
	libbpf_set_print(NULL);

	err = cases_setup(&h, false);
	if (err) {
		fprintf(stderr, "bench_xdp: setup failed: %s\n",
			strerror(-err));
		return 1;
	}
	pass = xdp_pass__open_and_load();
	if (!pass) {
		fprintf(stderr, "bench_xdp: loading xdp_pass: %s\n",
			strerror(errno));
		err = 1;
		goto out;
	}
	len = frame_build(&cases[0].frame, frame, sizeof(frame), NULL);
	base = best_of(bpf_program__fd(pass->progs.xdp_pass), h.ifindex, frame,
		       len, 0, repeat, rounds);
	if (base <= 0) {
		fprintf(stderr, "bench_xdp: timing the baseline failed\n");
		err = 1;
		goto out_pass;
	}
	printf("# %u runs per measurement, best of %d; ratio = ns / "
	       "baseline ns\n",
	       repeat, rounds);
	printf("%-16s %8s %6s\n", "# case", "ns", "ratio");
	printf("%-16s %8.2f %6.2f\n", "baseline", base, 1.0);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bench_case *c = &cases[i];

		err = cases_set_mode(&h, c->mode, 0,
				     c->mode == STEER_MODE_CPU ? INDIR_CPUS :
								 INDIR_QUEUES);
		len = frame_build(&c->frame, frame, sizeof(frame), NULL);
		if (err || len < 0) {
			fprintf(stderr, "bench_xdp: %s: setup failed\n",
				c->name);
			err = 1;
			goto out_pass;
		}
		ns = best_of(h.prog_fd, h.ifindex, frame, len,
			     bench_cpu(&h, c, frame, len), repeat, rounds);
		if (ns < 0) {
			fprintf(stderr, "bench_xdp: %s: %s\n", c->name,
				strerror(-ns));
			err = 1;
			goto out_pass;
		}
		printf("%-16s %8.2f %6.2f\n", c->name, ns, ns / base);
	}
	err = 0;
out_pass:
	xdp_pass__destroy(pass);
out:
	harness_close(&h);
	return err;
}
