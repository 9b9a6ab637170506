// SPDX-License-Identifier: GPL-2.0-only
/*
 * The CPUMAP drop counters (xdp/steer_cpumap_trace.bpf.c): frames
 * redirected to a CPUMAP for real (BPF_PROG_TEST_RUN with live frames) are
 * counted under their target CPU, every one either enqueued or dropped, the
 * drops of a queue too small for a burst included; another CPUMAP's frames
 * are not counted.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <linux/bpf.h>
#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "dataplane/counters.h"
#include "harness.h"
#include "tests/bpf/progs/xdp_redirect.skel.h"
#include "xdp/steer_cpumap_trace.skel.h"

/*
 * The frames go to the CPU that redirects them: its kthread cannot drain
 * the queue while the run holds the CPU, so a queue smaller than the run's
 * batch (64 frames) overflows on every batch.
 */
#define QSIZE 8
#define FRAMES 1024
#define FRAME_LEN 64

struct fixture {
	struct xdp_redirect *steers; /* its CPUMAP is the one counted */
	struct xdp_redirect *other; /* another program's CPUMAP */
	struct steer_cpumap_trace *trace;
	int ifindex;
	uint32_t cpu;
};

static struct fixture fx;
static int setup_err;

static int redirect_open(struct xdp_redirect **skel)
{
	struct bpf_cpumap_val val = { .qsize = QSIZE };
	int err;

	*skel = xdp_redirect__open();
	if (!*skel)
		return -errno;
	(*skel)->bss->target_cpu = fx.cpu;
	err = xdp_redirect__load(*skel);
	if (!err && bpf_map_update_elem(bpf_map__fd((*skel)->maps.cpumap),
					&fx.cpu, &val, 0))
		err = -errno;
	return err;
}

static int trace_open(int cpumap_fd)
{
	struct bpf_map_info info = { 0 };
	__u32 len = sizeof(info);
	int err;

	if (bpf_obj_get_info_by_fd(cpumap_fd, &info, &len))
		return -errno;
	fx.trace = steer_cpumap_trace__open();
	if (!fx.trace)
		return -errno;
	fx.trace->rodata->cpumap_id = info.id;
	err = steer_cpumap_trace__load(fx.trace);
	return err ? err : steer_cpumap_trace__attach(fx.trace);
}

static int group_setup(void **state)
{
	if (geteuid() != 0) {
		setup_err = -EPERM;
		return 0;
	}
	fx.ifindex = harness_netns();
	if (fx.ifindex < 0) {
		setup_err = fx.ifindex;
		return 0;
	}
	fx.cpu = 0;
	setup_err = harness_pin(fx.cpu);
	if (!setup_err)
		setup_err = redirect_open(&fx.steers);
	if (!setup_err)
		setup_err = redirect_open(&fx.other);
	if (!setup_err)
		setup_err = trace_open(bpf_map__fd(fx.steers->maps.cpumap));
	return 0;
}

static int group_teardown(void **state)
{
	steer_cpumap_trace__destroy(fx.trace);
	xdp_redirect__destroy(fx.other);
	xdp_redirect__destroy(fx.steers);
	return 0;
}

static void check_setup(void)
{
	if (setup_err == -EPERM) {
		print_message("needs root (CAP_BPF, CAP_NET_ADMIN)\n");
		skip();
	}
	assert_int_equal(setup_err, 0);
}

/* Redirects FRAMES frames through prog's CPUMAP, for real. */
static void redirect_burst(struct xdp_redirect *prog)
{
	/* Broadcast, unknown EtherType: the stack drops it once it is an skb. */
	uint8_t frame[FRAME_LEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02,
				     0,	   0,	 0,    0,    1,	   0x88, 0xb5 };
	struct xdp_md ctx = { .data_end = sizeof(frame),
			      .ingress_ifindex = fx.ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
		    .data_size_in = sizeof(frame), .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = FRAMES,
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES);

	assert_int_equal(bpf_prog_test_run_opts(
				 bpf_program__fd(prog->progs.xdp_redirect),
				 &opts),
			 0);
}

static struct steer_cpu_stats cpu_stats(uint32_t cpu)
{
	struct steer_cpu_stats s;

	assert_int_equal(
		steer_counters_read(bpf_map__fd(fx.trace->maps.steer_cpu_stats),
				    cpu, &s, sizeof(s)),
		0);
	return s;
}

static void test_every_frame_enqueued_or_dropped(void **state)
{
	struct steer_cpu_stats before, after;
	uint64_t enqueued, dropped;

	check_setup();
	before = cpu_stats(fx.cpu);
	redirect_burst(fx.steers);
	after = cpu_stats(fx.cpu);
	enqueued = after.cpumap_enqueued - before.cpumap_enqueued;
	dropped = after.cpumap_enqueue_drops - before.cpumap_enqueue_drops;
	printf("# %d frames to a queue of %d: %llu enqueued, %llu dropped\n",
	       FRAMES, QSIZE, (unsigned long long)enqueued,
	       (unsigned long long)dropped);
	assert_int_equal(enqueued + dropped, FRAMES);
	assert_true(dropped > 0);
	assert_true(enqueued > 0);
}

static void test_other_cpumap_not_counted(void **state)
{
	struct steer_cpu_stats before, after;

	check_setup();
	before = cpu_stats(fx.cpu);
	redirect_burst(fx.other);
	after = cpu_stats(fx.cpu);
	assert_memory_equal(&before, &after, sizeof(before));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_frame_enqueued_or_dropped),
		cmocka_unit_test(test_other_cpumap_not_counted),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests_name("cpumap_trace", tests, group_setup,
					   group_teardown);
}
