// SPDX-License-Identifier: GPL-2.0-only
/*
 * steerd knows the NIC, on multi-queue veths in the test's namespaces:
 * iface show reports the active channels, an `ethtool -L` is followed
 * within a second into iface show and the live bucket tables, an XDP
 * program replaced from outside is reported and left alone, rss mode is
 * refused on a device without RSS, --xps writes the transmit maps and
 * detach restores them, and with RSS emulated (attach --rss-key --indir
 * --queue-cpus; loadgen --rss) rss mode's locality is measured by the
 * clients and agrees with the XDP counters, while a different table makes
 * --verify-rss count mismatches and no_local_slot move.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <cmocka.h>

#include <jansson.h>

#include "lib/proto.h"
#include "lib/proto_msg.h"
#include "steerd_env.h"
#include "tests/lib/network_helpers.h"

#define DEV "n0"
#define PEER "n1"
#define FOLLOW_US 1000000 /* a change is seen within a second */
#define LOCALITY_MIN 99.0
#define LOCALITY_AGREE 1.0
#define STORM_SECONDS "3"
/* The emulated NIC: Microsoft's key, two queues, queue q on CPU q. */
#define RSS_KEY                                                            \
	"6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c" \
	"6a42b73bbeac01fa"
#define RSS_TABLE "0,1"
#define RSS_OTHER_TABLE "1,0"
#define RSS_QUEUE_CPUS "0:0,1:1"

static int nr_cpus;
static int client_ns = -1;
static bool sysfs_mounted;
static pid_t server;

static void need_cpus(int n)
{
	env_check();
	if (nr_cpus < n) {
		print_message("needs %d CPUs\n", n);
		skip();
	}
}

static void veth_add(void)
{
	assert_int_equal(
		system("ip link add " DEV " numrxqueues 4 numtxqueues 4 type "
		       "veth peer name " PEER " numrxqueues 4 numtxqueues 4 "
		       "&& ip link set " DEV " up && ip link set " PEER " up"),
		0);
}

static int veth_del(void **state)
{
	char out[512];

	env_steerctl("iface detach " DEV, out, sizeof(out));
	return system("ip link del " DEV " 2>/dev/null") < 0;
}

/* The interface object of iface show (a new reference). */
static json_t *show(const char *ifname)
{
	json_t *reply = NULL, *ifc;

	assert_int_equal(env_call(proto_pack_iface_show_req(ifname), -1, &reply,
				  NULL),
			 0);
	ifc = json_array_get(json_object_get(reply, "ifaces"), 0);
	assert_non_null(ifc);
	json_incref(ifc);
	json_decref(reply);
	return ifc;
}

static long long num(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	if (!v)
		fail_msg("no %s", key);
	return json_integer_value(v);
}

static void attach(const char *args)
{
	char cmd[512], out[2048];

	snprintf(cmd, sizeof(cmd), "iface attach %s", args);
	if (env_steerctl(cmd, out, sizeof(out)))
		fail_msg("%s: %s", cmd, out);
}

/* Polls iface show until key is want; returns µs taken. */
static uint64_t wait_field(const char *key, long long want)
{
	uint64_t start = clock_now_us();
	long long got;
	json_t *ifc;

	for (;;) {
		ifc = show(DEV);
		got = num(ifc, key);
		json_decref(ifc);
		if (got == want)
			return clock_now_us() - start;
		if (clock_now_us() - start > FOLLOW_US)
			fail_msg("%s is %lld, not %lld, after 1 s", key, got,
				 want);
		usleep(10000);
	}
}

/* The kept buckets of arrival CPU cpu's live table. */
static long long kept(const json_t *ifc, int cpu)
{
	const json_t *t;
	size_t i;

	json_array_foreach(json_object_get(ifc, "cpu_tables"), i,
			   t) if (num(t, "cpu") == cpu) return num(t, "kept");
	return -1;
}

static void test_channels_followed(void **state)
{
	json_t *ifc, *q;
	uint64_t us;

	need_cpus(2);
	veth_add();
	/* Queues 0-1 on CPU 0, 2-3 on CPU 1: rx 2 leaves CPU 1 none. */
	attach(DEV " --mode skb --queue-cpus 0:0,1:0,2:1,3:1");
	ifc = show(DEV);
	assert_int_equal(num(ifc, "rx_queues"), 4);
	assert_int_equal(num(ifc, "rx_queues_max"), 4);
	assert_int_equal(json_array_size(json_object_get(ifc, "queue_cpus")),
			 4);
	q = json_array_get(json_object_get(ifc, "queue_cpus"), 2);
	assert_int_equal(num(q, "cpu"), 1);
	assert_string_equal(json_string_value(json_object_get(q, "source")),
			    "operator");
	assert_string_equal(json_string_value(json_object_get(ifc, "hfunc")),
			    "none");
	assert_int_equal(num(ifc, "redirect_ppm"), 0);
	assert_int_equal(num(ifc, "resyncs"), 0);
	assert_int_equal(kept(ifc, 0), 512);
	json_decref(ifc);

	assert_int_equal(system("ethtool -L " DEV " rx 2"), 0);
	us = wait_field("rx_queues", 2);
	printf("# ethtool -L " DEV " rx 2 seen in %llu us\n",
	       (unsigned long long)us);
	ifc = show(DEV);
	assert_true(num(ifc, "resyncs") >= 1);
	assert_int_equal(json_array_size(json_object_get(ifc, "queue_cpus")),
			 2);
	/* Every flow arrives on CPU 0 now: it keeps half, the rest moves. */
	assert_int_equal(num(ifc, "redirect_ppm"), 500000);
	assert_int_equal(kept(ifc, 0), 256);
	json_decref(ifc);

	assert_int_equal(system("ethtool -L " DEV " rx 4"), 0);
	wait_field("rx_queues", 4);
	ifc = show(DEV);
	assert_int_equal(num(ifc, "redirect_ppm"), 0);
	assert_int_equal(kept(ifc, 0), 512);
	json_decref(ifc);
}

/* Whether one of the interface's warnings has phrase. */
static bool warned(const json_t *ifc, const char *phrase)
{
	const json_t *w;
	size_t i;

	json_array_foreach(json_object_get(ifc, "warnings"), i,
			   w) if (strstr(json_string_value(w),
					 phrase)) return true;
	return false;
}

/* RPS, RFS and a CPU transmitting on another CPU's queue are warned of. */
static void test_queue_knobs_warned(void **state)
{
	json_t *ifc;

	need_cpus(2);
	veth_add();
	assert_int_equal(system("echo 0 > /sys/class/net/" DEV
				"/queues/rx-0/rps_cpus && "
				"echo 0 > /sys/class/net/" DEV
				"/queues/rx-0/rps_flow_cnt"),
			 0);
	attach(DEV " --mode skb --queue-cpus 0:0,1:1,2:0,3:1");
	ifc = show(DEV);
	assert_int_equal(json_array_size(json_object_get(ifc, "warnings")), 0);
	json_decref(ifc);
	veth_del(state);
	veth_add();
	/* RPS and RFS on rx-1; CPU 0 transmitting on tx-1, CPU 1's queue. */
	assert_int_equal(system("echo 1 > /sys/class/net/" DEV
				"/queues/rx-1/rps_cpus && "
				"echo 64 > /sys/class/net/" DEV
				"/queues/rx-1/rps_flow_cnt && "
				"echo 1 > /sys/class/net/" DEV
				"/queues/tx-1/xps_cpus"),
			 0);
	attach(DEV " --mode skb --queue-cpus 0:0,1:1,2:0,3:1");
	ifc = show(DEV);
	assert_true(warned(ifc, "rx-1: RPS is on"));
	assert_true(warned(ifc, "rx-1: RFS is on"));
	assert_true(warned(ifc, "tx-1: CPU 0 transmits on the queue of CPU 1"));
	json_decref(ifc);
}

static void test_foreign_program(void **state)
{
	char out[512];
	json_t *ifc;
	const char *lost;

	env_check();
	veth_add();
	attach(DEV " --mode skb");
	assert_int_equal(system("ip -force link set dev " DEV " xdpgeneric "
				"obj $STEER_BUILD/tests/bpf/progs/"
				"xdp_pass.bpf.o sec xdp"),
			 0);
	ifc = NULL;
	for (int i = 0; i < 100; i++) {
		json_decref(ifc);
		ifc = show(DEV);
		if (!strcmp(json_string_value(json_object_get(ifc, "state")),
			    "lost"))
			break;
		usleep(10000);
	}
	assert_string_equal(json_string_value(json_object_get(ifc, "state")),
			    "lost");
	lost = json_string_value(json_object_get(ifc, "lost"));
	assert_non_null(lost);
	assert_non_null(strstr(lost, "replaced"));
	json_decref(ifc);
	/* Loudly: status says it too, naming the interface. */
	assert_int_equal(env_steerctl("status", out, sizeof(out)), 0);
	assert_non_null(strstr(out, "warnings         " DEV ": "));
	assert_non_null(strstr(out, "replaced"));
	/* Not fought over: detach leaves the other program where it is. */
	assert_int_equal(env_steerctl("iface detach " DEV, out, sizeof(out)),
			 0);
	assert_int_equal(system("ip link show " DEV " | grep -q xdpgeneric"),
			 0);
}

static void test_rss_refused_on_veth(void **state)
{
	char out[2048];

	env_check();
	veth_add();
	assert_int_equal(env_steerctl("iface attach " DEV " --mode skb "
				      "--steer rss",
				      out, sizeof(out)),
			 1);
	assert_non_null(strstr(out, "reports no RSS"));
	assert_non_null(strstr(out, "--steer cpu"));
	assert_int_equal(env_steerctl("iface attach " DEV " --mode skb "
				      "--steer rss --force",
				      out, sizeof(out)),
			 0);
	assert_non_null(strstr(out, "warning"));
}

static unsigned long xps(int txq)
{
	char path[128], text[64] = "";
	FILE *f;

	snprintf(path, sizeof(path),
		 "/sys/class/net/" DEV "/queues/tx-%d/xps_cpus", txq);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(text, sizeof(text), f));
	fclose(f);
	return strtoul(text, NULL, 16);
}

static void test_xps_written_and_restored(void **state)
{
	char out[512];

	need_cpus(2);
	veth_add();
	/* What was there before: CPU 1 on tx-0, nothing elsewhere. */
	assert_int_equal(system("echo 2 > /sys/class/net/" DEV
				"/queues/tx-0/xps_cpus"),
			 0);
	attach(DEV " --mode skb --queue-cpus 0:0,1:1,2:0,3:1 --xps");
	assert_int_equal(xps(0), 1);
	assert_int_equal(xps(1), 2);
	assert_int_equal(xps(2), 1);
	assert_int_equal(xps(3), 2);
	assert_int_equal(env_steerctl("iface detach " DEV, out, sizeof(out)),
			 0);
	assert_int_equal(xps(0), 2);
	assert_int_equal(xps(1), 0);
	assert_int_equal(xps(2), 0);
	assert_int_equal(xps(3), 0);
}

/*
 * Native XDP: a refusal carries the kernel's own words (its extended
 * ACK), and cpu mode warns of the VLAN tags a redirect would lose.
 */
static void test_native_attach(void **state)
{
	char out[2048];

	env_check();
	veth_add();
	/* veth refuses XDP while its peer's MTU is beyond a page. */
	assert_int_equal(system("ip link set " PEER " mtu 9000"), 0);
	assert_int_equal(env_steerctl("iface attach " DEV, out, sizeof(out)),
			 1);
	printf("# %s", out);
	assert_non_null(strstr(out, "Peer MTU is too large"));
	assert_int_equal(system("ip link set " PEER " mtu 1500"), 0);
	assert_int_equal(env_steerctl("iface attach " DEV, out, sizeof(out)),
			 0);
	assert_non_null(strstr(out, "checksum offload"));
	assert_non_null(strstr(out, "VLAN tags out of band"));
}

/* steer_http on group web, one worker on each CPU of cpus. */
static void server_start(const char *cpus)
{
	const char *build = getenv("STEER_BUILD");
	char path[256];
	uint64_t start = clock_now_us();
	int want = strchr(cpus, '-') ? nr_cpus : 1;

	snprintf(path, sizeof(path), "%s/examples/steer_http",
		 build ? build : "build");
	server = fork();
	assert_true(server >= 0);
	if (server == 0) {
		setpgid(0, 0);
		execl(path, "steer_http", "--group", "web", "--socket",
		      env_sock_path, "--cpus", cpus, (char *)NULL);
		_exit(127);
	}
	while (env_active_count("web") != want)
		assert_true(clock_now_us() - start < 5000000);
}

static int server_stop(void **state)
{
	if (server > 0) {
		kill(-server, SIGTERM);
		waitpid(server, NULL, 0);
		server = 0;
	}
	return 0;
}

/* loadgen in the client namespace with the emulated NIC's RSS. */
static json_t *storm(void)
{
	const char *build = getenv("STEER_BUILD");
	char path[256], out[64];
	json_error_t jerr;
	int status, fd;
	json_t *r;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/tools/loadgen",
		 build ? build : "build");
	snprintf(out, sizeof(out), "/tmp/steer-nic-%d.json", getpid());
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (netns_enter(client_ns))
			_exit(127);
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
			_exit(127);
		execl(path, "loadgen", "--target", ENV_SRV_ADDR ":8080",
		      "--duration", STORM_SECONDS, "--concurrency", "8",
		      "--rss", RSS_KEY "," RSS_TABLE "," RSS_QUEUE_CPUS,
		      "--json", (char *)NULL);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	r = json_load_file(out, 0, &jerr);
	unlink(out);
	if (!r)
		fail_msg("loadgen output: %s", jerr.text);
	return r;
}

/*
 * The XDP counters of group web's SYNs, summed over its slots: on a CPU
 * with a live slot (local) or not (no_local_slot); and the interface's
 * RSS mismatches (frames).
 */
struct xdp_view {
	long long local, no_local_slot, rss_mismatch;
	long long group_no_local_slot; /* frames, every slot or none */
};

static struct xdp_view xdp_view(void)
{
	struct xdp_view v = { 0 };
	json_t *g = env_group_show("web"), *slot, *ifc;
	size_t i;

	assert_non_null(g);
	json_array_foreach(json_object_get(g, "slots"), i, slot)
	{
		v.local += num(slot, "local");
		v.no_local_slot += num(slot, "no_local_slot");
	}
	json_decref(g);
	assert_int_equal(env_call(proto_request("stats"), -1, &g, NULL), 0);
	json_array_foreach(
		json_object_get(g, "groups"), i,
		slot) if (!strcmp(json_string_value(json_object_get(slot,
								    "name")),
				  "web"))
		v.group_no_local_slot = num(slot, "no_local_slot");
	json_decref(g);
	ifc = show(ENV_SRV_IF);
	v.rss_mismatch = num(ifc, "rss_mismatch");
	json_decref(ifc);
	return v;
}

/* One storm: the clients' locality, steer's, and the mismatches. */
static void run_storm(const char *what, double *client, double *steer,
		      long long *mismatches, long long *no_local,
		      long long *frames)
{
	struct xdp_view b = xdp_view(), a;
	json_t *r = storm();
	long long local, all;

	a = xdp_view();
	assert_true(json_integer_value(json_object_get(r, "ok")) > 0);
	*client = json_number_value(json_object_get(r, "locality_pct"));
	local = a.local - b.local;
	all = local + a.no_local_slot - b.no_local_slot;
	assert_true(all > 0);
	*steer = 100.0 * (double)local / (double)all;
	*mismatches = a.rss_mismatch - b.rss_mismatch;
	*no_local = a.group_no_local_slot - b.group_no_local_slot;
	*frames = all;
	printf("# %s: clients %.2f%% local (%lld ok), XDP %.2f%% local of "
	       "%lld SYNs, no_local_slot %lld frames, rss_mismatch %lld\n",
	       what, *client,
	       (long long)json_integer_value(json_object_get(r, "ok")), *steer,
	       all, *no_local, *mismatches);
	json_decref(r);
}

/*
 * Each CPU c of the client transmits on cli0's TX queue c + 1, which veth
 * records as RX queue c of srv0: the emulated NIC's queue of CPU c, so the
 * queue the XDP program sees is the one the emulated RSS chose.
 */
static void client_xps(void)
{
	int c;

	for (c = 0; c < nr_cpus; c++)
		assert_int_equal(
			netns_run(client_ns,
				  "unshare -m sh -c 'mount -t sysfs none /sys "
				  "&& echo %x > /sys/class/net/" ENV_CLI_IF
				  "/queues/tx-%d/xps_cpus'",
				  1U << c, c + 1),
			0);
}

static void test_rss_emulated(void **state)
{
	double client, steer;
	long long mismatches, no_local, frames;
	char out[1024];

	need_cpus(2);
	if (nr_cpus != 2) {
		print_message("the emulated table is for 2 CPUs\n");
		skip();
	}
	client_ns = env_client_start(2 * nr_cpus);
	assert_true(client_ns >= 0);
	client_xps();
	assert_int_equal(env_steerctl("group add web --listen " ENV_SRV_ADDR
				      ":8080",
				      out, sizeof(out)),
			 0);
	assert_int_equal(
		env_steerctl("iface detach " ENV_SRV_IF, out, sizeof(out)), 0);
	attach(ENV_SRV_IF " --mode skb --steer rss --verify-rss --rss-key "
			  "" RSS_KEY " --indir " RSS_TABLE
			  " --queue-cpus " RSS_QUEUE_CPUS);

	/* The same NIC on both sides: the flows land where they belong. */
	server_start("0-1");
	run_storm("rss mode, emulated RSS", &client, &steer, &mismatches,
		  &no_local, &frames);
	assert_true(client >= LOCALITY_MIN);
	assert_true(client - steer <= LOCALITY_AGREE &&
		    steer - client <= LOCALITY_AGREE);
	assert_int_equal(no_local, 0);
	/* A stray frame sent from softirq may take another TX queue. */
	assert_true(mismatches * 100 < frames);
	server_stop(state);

	/*
	 * A table that is not the NIC's: verification sees every queue
	 * differ; with a worker on CPU 0 only, CPU 1's frames have no slot.
	 */
	assert_int_equal(
		env_steerctl("iface detach " ENV_SRV_IF, out, sizeof(out)), 0);
	attach(ENV_SRV_IF " --mode skb --steer rss --verify-rss --rss-key "
			  "" RSS_KEY " --indir " RSS_OTHER_TABLE
			  " --queue-cpus " RSS_QUEUE_CPUS " --force");
	server_start("0");
	run_storm("rss mode, another table, one worker", &client, &steer,
		  &mismatches, &no_local, &frames);
	/* Every bucket names the other queue now: frames of each SYN. */
	assert_true(mismatches > frames);
	assert_true(no_local > 0);
}

static int setup(void **state)
{
	if (env_setup())
		return 0;
	nr_cpus = sysconf(_SC_NPROCESSORS_ONLN);
	/* steerd reads queues in sysfs: one of this network namespace. */
	if (mount("sysfs", "/sys", "sysfs", 0, NULL)) {
		printf("# mount sysfs: %m\n");
		return -1;
	}
	sysfs_mounted = true;
	/* ip loads the foreign program with a bpffs where it looks. */
	if (mount("bpf", "/sys/fs/bpf", "bpf", 0, NULL))
		printf("# mount bpffs on /sys/fs/bpf: %m\n");
	return 0;
}

static int teardown(void **state)
{
	server_stop(state);
	env_client_stop(client_ns);
	env_teardown();
	if (sysfs_mounted) {
		umount("/sys/fs/bpf");
		umount("/sys");
	}
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_channels_followed, veth_del),
		cmocka_unit_test_teardown(test_queue_knobs_warned, veth_del),
		cmocka_unit_test_teardown(test_foreign_program, veth_del),
		cmocka_unit_test_teardown(test_rss_refused_on_veth, veth_del),
		cmocka_unit_test_teardown(test_native_attach, veth_del),
		cmocka_unit_test_teardown(test_xps_written_and_restored,
					  veth_del),
		cmocka_unit_test_teardown(test_rss_emulated, server_stop),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests_name("nic", tests, setup, teardown);
}
