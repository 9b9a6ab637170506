// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cost of the XDP steering program per frame under BPF_PROG_TEST_RUN, over
 * a bare baseline program with the same outcome: XDP_PASS for cases that
 * pass, a CPUMAP redirect for cases that redirect. Each case is measured in
 * rounds interleaved with its baseline on one pinned CPU, in thread CPU
 * time, so time the machine gives to others is not counted. One line per
 * case: "<case> <ns_over_baseline> <ratio_to_baseline>", medians.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/clock.h"
#include "tests/bpf/cases.h"
#include "tests/bpf/frames.h"
#include "tests/bpf/progs/xdp_pass.skel.h"
#include "tests/bpf/progs/xdp_redirect.skel.h"

/* Rows start from a default frame and override fields. */
#pragma GCC diagnostic ignored "-Woverride-init"

#define REPEAT_DEFAULT 1000000
#define ROUNDS_DEFAULT 11
#define ROUNDS_MAX 1001

struct bench_case {
	const char *name;
	struct frame_spec frame;
	enum steer_mode mode;
	/* cpu mode: run where the arrival CPU's table redirects the frame. */
	bool redirect;
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
	{ "syn_v4_cpu_local", { V4, .dport = PORT_WEB, .tcp_flags = TH_SYN_ },
	  STEER_MODE_CPU, false },
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

struct bench {
	struct harness h;
	int pass_fd, redirect_fd;
	struct xdp_redirect *redirect;
	uint32_t repeat;
	int rounds;
};

/* Runs a frame repeat times; thread CPU ns per run, and the action. */
static int time_runs(const struct bench *b, int prog_fd, const uint8_t *frame,
		     size_t len, double *ns, int *action)
{
	struct xdp_md ctx = {
		.data_end = len, /* offsets: no metadata before data */
		.ingress_ifindex = b->h.ifindex,
	};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
		    .data_size_in = len, .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = b->repeat);
	uint64_t start;

	start = clock_thread_cpu_ns();
	if (bpf_prog_test_run_opts(prog_fd, &opts))
		return -errno;
	*ns = (double)(clock_thread_cpu_ns() - start) / b->repeat;
	*action = opts.retval;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * The CPU a case runs on, as the oracle sees its table: one that keeps the
 * frame, or one that redirects it. Sets the action the case must end in.
 */
static int bench_cpu(struct bench *b, const struct bench_case *c,
		     const uint8_t *frame, size_t len, int *action)
{
	struct oracle_result o;
	int cpu;

	for (cpu = 0; cpu < cases_nr_cpus(); cpu++) {
		oracle_decide(&b->h.cfg, frame, len, cpu, 0, &o);
		*action = o.xdp_action;
		if (c->mode != STEER_MODE_CPU ||
		    !(o.gs.local || o.gs.redirected))
			return cpu; /* no table decided: any CPU */
		if ((o.d.slot != (uint32_t)cpu) == c->redirect) {
			b->redirect->bss->target_cpu = o.d.slot;
			return cpu;
		}
	}
	return -ENOTSUP; /* a redirect needs a second CPU */
}

/* Times one case against its baseline, round by round, on its CPU. */
static int run_case(struct bench *b, const struct bench_case *c,
		    double *baseline, double *over, double *ratio)
{
	double base_ns[ROUNDS_MAX], over_ns[ROUNDS_MAX], ratios[ROUNDS_MAX];
	int err, len, cpu, want, action, base_action, base_fd, i;
	uint8_t frame[FRAME_MAX];
	double ns;

	err = cases_set_mode(&b->h, c->mode, 0,
			     c->mode == STEER_MODE_CPU ? TABLE_SPREAD :
							 TABLE_QUEUES);
	if (err)
		return err;
	len = frame_build(&c->frame, frame, sizeof(frame), NULL);
	if (len < 0)
		return len;
	cpu = bench_cpu(b, c, frame, len, &want);
	if (cpu < 0)
		return cpu;
	err = harness_pin(cpu);
	if (err)
		return err;
	base_fd = want == XDP_REDIRECT ? b->redirect_fd : b->pass_fd;
	for (i = 0; i < b->rounds; i++) {
		err = time_runs(b, base_fd, frame, len, &base_ns[i],
				&base_action);
		if (!err)
			err = time_runs(b, b->h.prog_fd, frame, len, &ns,
					&action);
		if (err)
			return err;
		/* Both must do what the case is about, or it measures nothing. */
		if (action != want || base_action != want)
			return -EPROTO;
		over_ns[i] = ns - base_ns[i];
		ratios[i] = ns / base_ns[i];
	}
	*baseline = median(base_ns, b->rounds);
	*over = median(over_ns, b->rounds);
	*ratio = median(ratios, b->rounds);
	return 0;
}

static void usage(FILE *out, const char *prog)
{
	fprintf(out,
		"usage: %s [--repeat N] [--rounds N]\n"
		"Times steer's XDP program under BPF_PROG_TEST_RUN against a "
		"bare program with\nthe same outcome (XDP_PASS, or a CPUMAP "
		"redirect), interleaved on one pinned\nCPU, in thread CPU "
		"time. Prints medians. Needs root.\n"
		"  --repeat N  runs per measurement (default %d)\n"
		"  --rounds N  measurements per case, odd (default %d, at "
		"most %d)\n",
		prog, REPEAT_DEFAULT, ROUNDS_DEFAULT, ROUNDS_MAX);
}

/* 0 to run, 1 after --help, or -EINVAL. */
static int parse_args(int argc, char **argv, struct bench *b)
{
	static const struct option opts[] = {
		{ "repeat", required_argument, NULL, 'r' },
		{ "rounds", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'r':
			b->repeat = strtoul(optarg, NULL, 0);
			break;
		case 'n':
			b->rounds = atoi(optarg);
			break;
		case 'h':
			usage(stdout, argv[0]);
			return 1;
		default:
			usage(stderr, argv[0]);
			return -EINVAL;
		}
	}
	if (b->repeat == 0 || b->rounds <= 0 || b->rounds > ROUNDS_MAX) {
		fprintf(stderr,
			"bench_xdp: --repeat must be positive and "
			"--rounds 1 to %d\n",
			ROUNDS_MAX);
		return -EINVAL;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct bench b = {
		/* large: keep it off the stack */
		.repeat = REPEAT_DEFAULT,
		.rounds = ROUNDS_DEFAULT,
	};
	double base, over, ratio, base_pass = 0, base_redirect = 0;
	struct xdp_pass *pass;
	int err;
	size_t i;

	err = parse_args(argc, argv, &b);
	if (err)
		return err > 0 ? 0 : 2;
	if (geteuid() != 0) {
		fprintf(stderr, "bench_xdp: needs root (BPF_PROG_TEST_RUN and "
				"a network namespace); run it as root\n");
		return 1;
	}
	libbpf_set_print(NULL);

	err = cases_setup(&b.h, false);
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
	b.pass_fd = bpf_program__fd(pass->progs.xdp_pass);
	b.redirect = xdp_redirect__open();
	if (!b.redirect ||
	    bpf_map__reuse_fd(b.redirect->maps.cpumap, b.h.maps.cpumap) ||
	    xdp_redirect__load(b.redirect)) {
		fprintf(stderr, "bench_xdp: loading xdp_redirect: %s\n",
			strerror(errno));
		err = 1;
		goto out_redirect;
	}
	b.redirect_fd = bpf_program__fd(b.redirect->progs.xdp_redirect);

	printf("# %u runs per measurement, %d rounds, each case interleaved "
	       "with its baseline\n# on one pinned CPU, thread CPU time. ns = "
	       "median ns per frame over the\n# baseline; ratio = median case "
	       "/ baseline. Baseline: bare XDP_PASS, or a\n# bare CPUMAP "
	       "redirect for cases that redirect (syn_v4_cpu, ack_v4_cpu,\n# "
	       "syn_v6_cpu, syn_v4_cpu_exact).\n",
	       b.repeat, b.rounds);
	printf("%-18s %8s %6s\n", "# case", "ns", "ratio");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err = run_case(&b, &cases[i], &base, &over, &ratio);
		if (err) {
			fprintf(stderr, "bench_xdp: %s: %s\n", cases[i].name,
				err == -EPROTO ?
					"the case or its baseline ended "
					"otherwise than expected" :
					strerror(-err));
			err = 1;
			goto out_redirect;
		}
		printf("%-18s %8.2f %6.2f\n", cases[i].name, over, ratio);
		if (cases[i].redirect)
			base_redirect = base;
		else
			base_pass = base;
	}
	printf("# baselines, last median: XDP_PASS %.2f ns, CPUMAP redirect "
	       "%.2f ns\n",
	       base_pass, base_redirect);
	err = 0;
out_redirect:
	xdp_redirect__destroy(b.redirect);
	xdp_pass__destroy(pass);
out:
	harness_close(&b.h);
	return err;
}
