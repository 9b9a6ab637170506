// SPDX-License-Identifier: GPL-2.0-only
/*
 * steerctl doctor: asks the kernel, the host and steerd for what steer
 * needs and for what would quietly defeat it, one line per check (ok, warn
 * or fail, and what to do). The kernel is asked directly (raw bpf(2),
 * ioctl, sysfs, procfs): the answer is the running kernel's, not a guess
 * from its version. Changes nothing.
 */
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cli.h"
#include "cli_args.h"
#include "client.h"
#include "host/bpf_probe.h"
#include "host/bpffs.h"
#include "host/nic_probe.h"
#include "host/queue.h"
#include "host/sysctl.h"
#include "lib/defaults.h"
#include "output.h"
#include "steerctl.h"

#define DOCTOR_SYNOPSIS "steerctl doctor [--iface IFNAME]"
#define BTF_PATH "/sys/kernel/btf/vmlinux"
#define BPFFS_ROOT "/sys/fs/bpf"
/* Enough for steerd with many listeners and clients; systemd's default. */
#define NOFILE_WANT 65536
#define DETAIL_MAX 256

enum doctor_result {
	DOCTOR_OK,
	DOCTOR_WARN,
	DOCTOR_FAIL,
	DOCTOR_RESULTS,
};

static const char *const result_names[] = { "ok", "warn", "fail" };

struct doctor {
	unsigned int count[DOCTOR_RESULTS];
};

/* One check's line: "warn  name  detail; do: fix"; fix NULL when ok. */
static void report(struct doctor *d, enum doctor_result res, const char *name,
		   const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void report(struct doctor *d, enum doctor_result res, const char *name,
		   const char *fix, const char *fmt, ...)
{
	char detail[DETAIL_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	d->count[res]++;
	open_json_object(NULL);
	print_string(PRINT_ANY, "result", "%-5s", result_names[res]);
	print_string(PRINT_ANY, "check", " %-20s", name);
	print_string(PRINT_ANY, "detail", " %s", detail);
	if (fix)
		print_string(PRINT_ANY, "fix", "; do: %s", fix);
	print_nl();
	close_json_object();
}

static void check_btf(struct doctor *d)
{
	if (!access(BTF_PATH, R_OK))
		report(d, DOCTOR_OK, "btf", NULL, "%s is readable", BTF_PATH);
	else
		report(d, DOCTOR_FAIL, "btf",
		       "run a kernel built with CONFIG_DEBUG_INFO_BTF=y",
		       "%s: %s: steer's CO-RE programs cannot load", BTF_PATH,
		       strerror(errno));
}

/* A bpf(2) probe's answer; what fails without it says why it matters. */
static void check_bpf(struct doctor *d, const char *name, int err,
		      enum doctor_result missing, const char *need)
{
	if (!err)
		report(d, DOCTOR_OK, name, NULL, "the kernel creates it");
	else if (err == -EPERM || err == -EACCES)
		report(d, DOCTOR_FAIL, name,
		       "run doctor (and steerd) as root, or with CAP_BPF, "
		       "CAP_NET_ADMIN and CAP_PERFMON",
		       "bpf(2) refused: %s", strerror(-err));
	else
		report(d, missing, name, "run Linux 5.14 or later",
		       "not supported by this kernel (%s): %s", strerror(-err),
		       need);
}

static void check_migrate_sysctl(struct doctor *d)
{
	int val, err = sysctl_read_int("net/ipv4/tcp_migrate_req", &val);

	if (err)
		report(d, DOCTOR_WARN, "tcp_migrate_req",
		       "run Linux 5.14 or later",
		       "cannot read net.ipv4.tcp_migrate_req: %s",
		       strerror(-err));
	else if (!val)
		report(d, DOCTOR_WARN, "tcp_migrate_req",
		       "sysctl -w net.ipv4.tcp_migrate_req=1",
		       "is 0: a draining listener's queued connections are "
		       "reset instead of moved");
	else
		report(d, DOCTOR_OK, "tcp_migrate_req", NULL,
		       "is %d: queued connections move off a closing "
		       "listener",
		       val);
}

static void check_bpffs(struct doctor *d)
{
	bool priv;
	int err;

	if (!bpffs_is_mounted(BPFFS_ROOT)) {
		report(d, DOCTOR_FAIL, "bpffs",
		       "mount -t bpf bpf " BPFFS_ROOT
		       " (systemd mounts it at boot)",
		       "%s is not a bpf filesystem: steerd cannot pin its "
		       "maps, the dataplane dies with it",
		       BPFFS_ROOT);
		return;
	}
	err = bpffs_is_private(BPFFS_ROOT, &priv);
	if (err)
		report(d, DOCTOR_WARN, "bpffs", NULL,
		       "%s is mounted; cannot tell whether it is shared: %s",
		       BPFFS_ROOT, strerror(-err));
	else if (priv)
		report(d, DOCTOR_WARN, "bpffs",
		       "run steerd in the host's mount namespace, or bind "
		       "the host's " BPFFS_ROOT " in",
		       "%s is private to this mount namespace: pins vanish "
		       "with it, a restart of steerd loses the dataplane",
		       BPFFS_ROOT);
	else
		report(d, DOCTOR_OK, "bpffs", NULL,
		       "%s is mounted and shared with the host (pins "
		       "outlive steerd; it uses %s)",
		       BPFFS_ROOT, steer_default_bpffs());
}

static void check_nofile(struct doctor *d)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		report(d, DOCTOR_WARN, "nofile", NULL, "getrlimit: %s",
		       strerror(errno));
	else if (rl.rlim_cur < NOFILE_WANT)
		report(d, DOCTOR_WARN, "nofile",
		       "ulimit -n 65536, or LimitNOFILE= in steerd.service",
		       "RLIMIT_NOFILE is %llu: a busy server runs out of "
		       "sockets below %d",
		       (unsigned long long)rl.rlim_cur, NOFILE_WANT);
	else
		report(d, DOCTOR_OK, "nofile", NULL, "RLIMIT_NOFILE is %llu",
		       (unsigned long long)rl.rlim_cur);
}

/* RPS or RFS on a steered queue moves packets off the CPU steer chose. */
static void check_rps(struct doctor *d, const char *ifname,
		      unsigned int rx_queues)
{
	char name[64], mask[QUEUE_MASK_TEXT], fix[160];
	unsigned int rps = 0, rfs = 0, first = 0;
	uint32_t cnt;

	for (unsigned int q = 0; q < rx_queues; q++) {
		bool on = false;

		if (!queue_rps_cpus(ifname, q, mask, sizeof(mask)))
			on = strspn(mask, "0,") != strlen(mask);
		if (on && !rps++)
			first = q;
		if (!queue_rps_flow_cnt(ifname, q, &cnt) && cnt && !rfs++ &&
		    !on && !rps)
			first = q;
	}
	snprintf(name, sizeof(name), "rps %s", ifname);
	snprintf(fix, sizeof(fix),
		 "echo 0 > /sys/class/net/%s/queues/rx-%u/rps_cpus (and "
		 "rps_flow_cnt), for each queue",
		 ifname, first);
	if (rps || rfs)
		report(d, DOCTOR_WARN, name, fix,
		       "RPS on %u, RFS on %u of %u queues: the kernel moves "
		       "packets off the CPU steer chose",
		       rps, rfs, rx_queues);
	else
		report(d, DOCTOR_OK, name, NULL,
		       "RPS and RFS off on its %u "
		       "queues",
		       rx_queues);
}

/*
 * Native XDP redirecting a veth's frames to other CPUs loses the partial
 * checksum the peer left for offload: the segments arrive with bad
 * checksums and are dropped. The peer's tx checksum offload must be off.
 */
static void check_veth_csum(struct doctor *d, const char *ifname,
			    const char *xdp_mode, const char *steer)
{
	char drv[32], peer[IFNAMSIZ], name[64], fix[96];
	bool on;
	int err;

	if (nic_driver(ifname, drv, sizeof(drv)) || strcmp(drv, "veth"))
		return;
	snprintf(name, sizeof(name), "veth csum %s", ifname);
	if (strcmp(xdp_mode, "native") || strcmp(steer, "cpu")) {
		report(d, DOCTOR_OK, name, NULL,
		       "xdp %s, steer %s: the peer's checksum offload does "
		       "not matter",
		       xdp_mode, steer);
		return;
	}
	err = nic_veth_peer(ifname, peer);
	if (err) {
		report(d, DOCTOR_WARN, name,
		       "ethtool -K PEER tx off, in the peer's namespace",
		       "the peer is in another namespace: check its tx "
		       "checksum offload is off");
		return;
	}
	snprintf(fix, sizeof(fix), "ethtool -K %s tx off", peer);
	err = nic_tx_csum(peer, &on);
	if (err)
		report(d, DOCTOR_WARN, name, fix,
		       "cannot read %s's tx checksum offload: %s", peer,
		       strerror(-err));
	else if (on)
		report(d, DOCTOR_FAIL, name, fix,
		       "peer %s offloads tx checksums: redirected segments "
		       "arrive with bad checksums and are dropped",
		       peer);
	else
		report(d, DOCTOR_OK, name, NULL,
		       "peer %s has tx checksum offload off", peer);
}

static void check_rss(struct doctor *d, const char *ifname, const char *steer)
{
	uint32_t indir, key;
	char name[64];
	int err;

	snprintf(name, sizeof(name), "ethtool rss %s", ifname);
	err = nic_rss_sizes(ifname, &indir, &key);
	if (!err && indir && key)
		report(d, DOCTOR_OK, name, NULL,
		       "indirection table of %u, key of %u bytes", indir, key);
	else if (!strcmp(steer, "rss"))
		report(d, DOCTOR_FAIL, name,
		       "steer = cpu for this interface (steerctl iface attach "
		       "--steer cpu)",
		       "no RSS table to read (%s): steer rss cannot place "
		       "flows",
		       err ? strerror(-err) : "size 0");
	else
		report(d, DOCTOR_OK, name, NULL,
		       "no RSS table (%s); steer cpu does not need one",
		       err ? strerror(-err) : "size 0");
}

static void check_iface(struct doctor *d, const struct proto_iface *ifc)
{
	check_rps(d, ifc->name, ifc->rx_queues);
	check_veth_csum(d, ifc->name, ifc->xdp_mode, ifc->steer);
	check_rss(d, ifc->name, ifc->steer);
}

/* A request to steerd, quietly: doctor reports failures as its lines. */
static int quiet_call(int sock, json_t *req, json_t **reply)
{
	int err;

	if (!req)
		return -ENOMEM;
	err = proto_call(sock, req, -1, reply, NULL, 0);
	json_decref(req);
	return err;
}

/*
 * steerd's status and its interfaces; each steered interface is checked.
 * steerd not running is a warning: the host checks stand without it.
 */
static void check_steerd(struct doctor *d)
{
	json_t *status = NULL, *ifaces = NULL;
	struct proto_iface *items = NULL;
	struct proto_status st;
	struct proto_read rd;
	size_t n = 0;
	void *list;
	int sock;

	sock = proto_connect(client_socket_path());
	if (sock < 0) {
		report(d, DOCTOR_WARN, "steerd",
		       "systemctl start steerd (or run steerd)",
		       "not reachable at %s: %s", client_socket_path(),
		       strerror(-sock));
		return;
	}
	proto_read_init(&rd);
	if (quiet_call(sock, proto_pack_status_req(), &status) ||
	    proto_unpack_status_reply(&rd, status, &st)) {
		report(d, DOCTOR_FAIL, "steerd", "see steerd's log",
		       "at %s, but it does not answer status",
		       client_socket_path());
		goto out;
	}
	report(d, DOCTOR_OK, "steerd", NULL,
	       "%s at %s, XDP through the %s, dataplane %s", st.version,
	       client_socket_path(),
	       json_is_true(json_object_get(st.features, "xdp_dispatcher")) ?
		       "libxdp dispatcher (freplace)" :
		       "kernel's single-program attach",
	       st.pinned ? "pinned" : "not pinned");

	proto_read_init(&rd);
	if (quiet_call(sock, proto_pack_iface_show_req(NULL), &ifaces) ||
	    proto_unpack_list(&rd, ifaces, "ifaces", sizeof(*items),
			      proto_unpack_iface, &list, &n)) {
		report(d, DOCTOR_FAIL, "steerd interfaces", "see steerd's log",
		       "steerd does not answer iface show");
		goto out;
	}
	items = list;
	if (!n)
		report(d, DOCTOR_WARN, "steerd interfaces",
		       "steerctl iface attach IFNAME, or steerctl apply",
		       "steerd steers no interface yet");
	for (size_t i = 0; i < n; i++)
		check_iface(d, &items[i]);
out:
	free(items);
	json_decref(ifaces);
	json_decref(status);
	close(sock);
}

static int doctor_usage(void)
{
	printf("Usage: " DOCTOR_SYNOPSIS "\n"
	       "\n"
	       "Checks what steer needs and what would defeat it, one line "
	       "each: ok, warn or\n"
	       "fail, and what to do. Asks the running kernel (bpf(2), "
	       "ethtool, sysfs):\n"
	       "  btf, cpumap, xskmap, sockhash, reuseport migrate, "
	       "tcp_migrate_req, bpffs,\n"
	       "  nofile; steerd (reachable, its XDP attach mode); and for "
	       "each interface\n"
	       "  steerd steers (or IFNAME): RPS/RFS on its queues, the veth "
	       "checksum trap,\n"
	       "  ethtool RSS. Run it as root: the BPF probes need CAP_BPF.\n"
	       "\n"
	       "  --iface IFNAME   also check IFNAME, as if steered natively "
	       "with steer cpu\n"
	       "\n"
	       "Exit status 0 when nothing failed (warnings allowed), 1 "
	       "otherwise.\n"
	       "JSON (-j): {\"checks\": [{\"check\": \"btf\", \"result\": "
	       "\"ok\", \"detail\": \"...\",\n"
	       "  \"fix\": \"...\" (warn and fail only)}], \"ok\": 9, "
	       "\"warn\": 1, \"fail\": 0}\n");
	return 0;
}

int do_doctor(int argc, char **argv)
{
	const char *ifname = NULL;
	const struct cli_opt opts[] = {
		CLI_OPT_VALUE("--iface", "IFNAME", &ifname),
		CLI_OPT_END,
	};
	struct doctor d = { 0 };
	struct parse_err perr;
	int ret;

	ret = cli_parse_args("doctor", argc, argv, opts, NULL, 0, 0, "");
	if (ret)
		return ret > 0 ? doctor_usage() : ret;
	if (ifname && cli_check_ifname(ifname, &perr))
		return cli_usage_error("--iface: %s", perr.msg);

	open_json_array("checks");
	check_btf(&d);
	check_bpf(&d, "cpumap", bpf_probe_cpumap(), DOCTOR_FAIL,
		  "XDP cannot move flows to their CPU");
	check_bpf(&d, "xskmap", bpf_probe_xskmap(), DOCTOR_WARN,
		  "xsk groups (AF_XDP) cannot work");
	check_bpf(&d, "sockhash", bpf_probe_sockhash(), DOCTOR_FAIL,
		  "steer cannot hold its listeners");
	check_bpf(&d, "reuseport migrate", bpf_probe_reuseport_migrate(),
		  DOCTOR_FAIL, "drains cannot move queued connections");
	check_migrate_sysctl(&d);
	check_bpffs(&d);
	check_nofile(&d);
	check_steerd(&d);
	if (ifname) {
		struct proto_iface ifc = { .name = ifname,
					   .xdp_mode = "native",
					   .steer = "cpu" };
		char mask[QUEUE_MASK_TEXT];

		while (!queue_rps_cpus(ifname, ifc.rx_queues, mask,
				       sizeof(mask)))
			ifc.rx_queues++;
		if (!ifc.rx_queues)
			report(&d, DOCTOR_FAIL, ifname,
			       "name an interface of this network namespace",
			       "no such interface here");
		else
			check_iface(&d, &ifc);
	}
	close_json_array();

	print_uint(PRINT_JSON, "ok", NULL, d.count[DOCTOR_OK]);
	print_uint(PRINT_JSON, "warn", NULL, d.count[DOCTOR_WARN]);
	print_uint(PRINT_JSON, "fail", NULL, d.count[DOCTOR_FAIL]);
	print_uint(PRINT_FP, NULL, "%u ok, ", d.count[DOCTOR_OK]);
	print_uint(PRINT_FP, NULL, "%u warn, ", d.count[DOCTOR_WARN]);
	print_uint(PRINT_FP, NULL, "%u fail\n", d.count[DOCTOR_FAIL]);
	/* Not an error message: the failing lines said it. Exit status 1. */
	return d.count[DOCTOR_FAIL] ? -EIO : 0;
}
