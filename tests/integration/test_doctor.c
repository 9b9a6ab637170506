// SPDX-License-Identifier: GPL-2.0-only
/*
 * steerctl doctor against the real kernel, in a private network and mount
 * namespace with the test's own steerd and a sysfs of that namespace: each
 * check's verdict follows what the test sets up (sysctl, bpffs, RPS, a
 * veth peer's checksum offload, RLIMIT_NOFILE, steerd up or not), and the
 * kernel probes agree with libbpf's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <cmocka.h>

#include <bpf/libbpf.h>
#include <jansson.h>

#include "host/sysctl.h"
#include "steerd_env.h"
#include "tests/lib/network_helpers.h"

#define OUT_MAX 16384

static char out[OUT_MAX];
static json_t *doc;

/* Runs doctor -j with args; its exit status, the document in doc. */
static int doctor(const char *args)
{
	char cmd[256];
	json_error_t jerr;
	int rc;

	snprintf(cmd, sizeof(cmd), "-j doctor %s", args);
	rc = env_steerctl(cmd, out, sizeof(out));
	json_decref(doc);
	doc = json_loads(out, 0, &jerr);
	if (!doc)
		fail_msg("doctor's output is not JSON (%s): %s", jerr.text,
			 out);
	return rc;
}

/* The check's result ("ok", "warn", "fail"); fails the test if absent. */
static const char *result(const char *check)
{
	json_t *c;
	size_t i;

	json_array_foreach(json_object_get(doc, "checks"), i, c) if (
		!strcmp(json_string_value(json_object_get(c, "check")),
			check)) return json_string_value(json_object_get(c,
									 "result"));
	fail_msg("no check '%s' in: %s", check, out);
	return NULL;
}

static const char *field(const char *check, const char *key)
{
	json_t *c;
	size_t i;

	json_array_foreach(json_object_get(doc, "checks"), i, c) if (!strcmp(json_string_value(json_object_get(c, "check")), check)) return json_string_value(json_object_get(c, key)) ?:
		"";
	return "";
}

static const char *verdict(bool ok)
{
	return ok ? "ok" : "fail";
}

/* The bpf(2) probes say what libbpf's probes say about this kernel. */
static void test_kernel_probes(void **state)
{
	env_check();
	doctor("");
	assert_string_equal(result("btf"),
			    verdict(!access("/sys/kernel/btf/vmlinux", R_OK)));
	assert_string_equal(result("cpumap"),
			    verdict(libbpf_probe_bpf_map_type(
					    BPF_MAP_TYPE_CPUMAP, NULL) == 1));
	assert_string_equal(result("sockhash"),
			    verdict(libbpf_probe_bpf_map_type(
					    BPF_MAP_TYPE_SOCKHASH, NULL) == 1));
	if (libbpf_probe_bpf_map_type(BPF_MAP_TYPE_XSKMAP, NULL) == 1)
		assert_string_equal(result("xskmap"), "ok");
	else
		assert_string_equal(result("xskmap"), "warn");
	/* select-or-migrate and the sysctl came in the same release (5.14). */
	assert_string_equal(
		result("reuseport migrate"),
		verdict(!access("/proc/sys/net/ipv4/tcp_migrate_req", F_OK)));
	/* The counts are those of the lines. */
	assert_int_equal(
		json_integer_value(json_object_get(doc, "ok")) +
			json_integer_value(json_object_get(doc, "warn")) +
			json_integer_value(json_object_get(doc, "fail")),
		json_array_size(json_object_get(doc, "checks")));
}

/* The sysctl of this namespace, read fresh each run. */
static void test_migrate_sysctl(void **state)
{
	env_check();
	if (sysctl_write_int("net/ipv4/tcp_migrate_req", 0))
		skip();
	doctor("");
	assert_string_equal(result("tcp_migrate_req"), "warn");
	assert_non_null(strstr(field("tcp_migrate_req", "fix"),
			       "sysctl -w net.ipv4.tcp_migrate_req=1"));
	assert_int_equal(sysctl_write_int("net/ipv4/tcp_migrate_req", 1), 0);
	doctor("");
	assert_string_equal(result("tcp_migrate_req"), "ok");
}

/*
 * This namespace's sysfs hides the host's bpffs: not mounted is a failure
 * (exit status 1); a bpffs of this mount namespace alone is a warning.
 */
static void test_bpffs(void **state)
{
	env_check();
	assert_int_equal(doctor(""), 1);
	assert_string_equal(result("bpffs"), "fail");
	assert_non_null(strstr(field("bpffs", "fix"), "mount -t bpf"));

	assert_int_equal(mount("bpf", "/sys/fs/bpf", "bpf", 0, NULL), 0);
	doctor("");
	assert_string_equal(result("bpffs"), "warn");
	assert_non_null(strstr(field("bpffs", "detail"), "private"));
	umount("/sys/fs/bpf");
}

/* RPS on one queue of a steered interface is named, and its fix. */
static void test_rps(void **state)
{
	int ns;

	env_check();
	ns = env_client_start(2);
	assert_true(ns >= 0); /* with steering attached to ENV_SRV_IF */
	doctor("");
	assert_string_equal(result("steerd"), "ok");
	assert_string_equal(result("rps " ENV_SRV_IF), "ok");
	/* veth has no RSS table; steer cpu does not need one. */
	assert_string_equal(result("ethtool rss " ENV_SRV_IF), "ok");
	/* Generic XDP: the peer's checksum offload does not matter. */
	assert_string_equal(result("veth csum " ENV_SRV_IF), "ok");

	assert_int_equal(netns_run(NETNS_CURRENT,
				   "echo 1 > /sys/class/net/%s/queues/rx-1/"
				   "rps_cpus",
				   ENV_SRV_IF),
			 0);
	doctor("");
	assert_string_equal(result("rps " ENV_SRV_IF), "warn");
	assert_non_null(strstr(field("rps " ENV_SRV_IF, "detail"),
			       "RPS on 1, RFS on 0 of 2 queues"));
	assert_non_null(strstr(field("rps " ENV_SRV_IF, "fix"), "rx-1"));
	assert_int_equal(netns_run(NETNS_CURRENT,
				   "echo 0 > /sys/class/net/%s/queues/rx-1/"
				   "rps_cpus",
				   ENV_SRV_IF),
			 0);
	env_steerctl("iface detach " ENV_SRV_IF, out, sizeof(out));
	env_client_stop(ns);
}

/* Native XDP with cpu steering on a veth whose peer offloads checksums. */
static void test_veth_csum_trap(void **state)
{
	env_check();
	assert_int_equal(link_add_veth("dv0", "dv1", 1, NETNS_CURRENT), 0);
	assert_int_equal(doctor("--iface dv0"), 1);
	assert_string_equal(result("veth csum dv0"), "fail");
	assert_string_equal(field("veth csum dv0", "fix"),
			    "ethtool -K dv1 tx off");
	assert_int_equal(netns_run(NETNS_CURRENT, "ethtool -K dv1 tx off "
						  ">/dev/null 2>&1"),
			 0);
	doctor("--iface dv0");
	assert_string_equal(result("veth csum dv0"), "ok");
	assert_int_equal(doctor("--iface nosuch0"), 1);
	assert_string_equal(result("nosuch0"), "fail");
	netns_run(NETNS_CURRENT, "ip link del dv0");
}

static void test_nofile(void **state)
{
	struct rlimit saved, low;

	env_check();
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &saved), 0);
	low = saved;
	low.rlim_cur = 1024;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	doctor("");
	assert_string_equal(result("nofile"), "warn");
	if (saved.rlim_max >= 65536) {
		low.rlim_cur = 65536;
		assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
		doctor("");
		assert_string_equal(result("nofile"), "ok");
	}
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &saved), 0);
}

/* steerd unreachable is a warning, not a failure of the host checks. */
static void test_steerd_down(void **state)
{
	env_check();
	doctor("");
	assert_string_equal(result("steerd"), "ok");
	/* The last --socket wins: one where no steerd listens. */
	env_steerctl("--socket /tmp/steer-no-such.sock -j doctor", out,
		     sizeof(out));
	json_decref(doc);
	doc = json_loads(out, 0, NULL);
	assert_non_null(doc);
	assert_string_equal(result("steerd"), "warn");
	assert_non_null(strstr(field("steerd", "fix"), "systemctl start"));
}

/* Text: one line per check, "RESULT CHECK DETAIL[; do: FIX]", and a sum. */
static void test_text(void **state)
{
	env_check();
	env_steerctl("doctor", out, sizeof(out));
	assert_non_null(strstr(out, "ok    btf "));
	assert_non_null(strstr(out, " ok, "));
	assert_non_null(strstr(out, " fail\n"));
}

static int setup(void **state)
{
	if (env_setup())
		return 0;
	/* This namespace's interfaces in /sys; the host's bpffs hidden. */
	if (mount("sysfs", "/sys", "sysfs", 0, NULL))
		print_message("# mounting sysfs: %s\n", strerror(errno));
	return 0;
}

static int teardown(void **state)
{
	json_decref(doc);
	umount("/sys");
	env_teardown();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_probes),
		cmocka_unit_test(test_migrate_sysctl),
		cmocka_unit_test(test_bpffs),
		cmocka_unit_test(test_rps),
		cmocka_unit_test(test_veth_csum_trap),
		cmocka_unit_test(test_nofile),
		cmocka_unit_test(test_steerd_down),
		cmocka_unit_test(test_text),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests_name("doctor", tests, setup, teardown);
}
