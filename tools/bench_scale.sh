#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Scale on paper: the memory of every map of steer's BPF programs at 2, 64
# and 256 possible CPUs (or the CPU counts given), from xdp/steer_abi.h's
# sizes as the compiler sees them and the kernel's allocation rules below,
# today (limits fixed at compile time) and with the CPU-indexed maps sized
# by the real CPU count. docs/benchmarks.md ("Scale on paper") quotes it.
#
# Kernel rules (6.x, 64-bit): ARRAY entries x value rounded up to 8;
# PERCPU_ARRAY the same once per possible CPU; HASH (preallocated) entries
# x (48-byte element header + key and value rounded up to 8); HASH with
# BPF_F_NO_PREALLOC only the elements present (counted full); SOCKHASH a
# 16-byte bucket per entry rounded up to a power of two; XSKMAP 8 bytes an
# entry; CPUMAP 8 bytes an entry, and per CPU it delivers to a ptr_ring of
# qsize pointers and a kthread (16 KiB stack); RINGBUF its size.
# Usage: tools/bench_scale.sh [CPUS...] (default 2 64 256). Needs cc.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ $# -gt 0 ] || set -- 2 64 256

# The CPUMAP queue steerd gives each CPU (ctrl/steerd/iface.c).
qsize=$(awk '/define CPUMAP_QSIZE/ { print $3 }' "$root/ctrl/steerd/iface.c")

cat >"$tmp/sizes.c" <<'EOF'
#include <stdio.h>
#include "steer_abi.h"
#define R8(x) (((x) + 7UL) & ~7UL)
/* name kind entries key value: kind a = array, p = per-CPU array,
 * h = preallocated hash, n = hash without prealloc, s = sockhash,
 * x = xskmap, c = cpumap (entries = CPUs), r = ringbuf */
#define M(name, kind, entries, key, value) \
	printf("%s %s %lu %lu %lu\n", name, kind, (unsigned long)(entries), \
	       (unsigned long)(key), (unsigned long)(value))
int main(void)
{
	M("steer_ifaces", "a", STEER_MAX_IFACES, 4, sizeof(struct steer_iface));
	M("steer_rss", "a", STEER_MAX_IFACES * 2, 4, sizeof(struct steer_rss));
	M("steer_cpu_tables", "p", STEER_MAX_IFACES * 2, 4,
	  sizeof(struct steer_cpu_table));
	M("steer_ports", "a", STEER_PROTO_COUNT * STEER_PORTS, 4,
	  sizeof(struct steer_port));
	M("steer_listen", "n", STEER_MAX_GROUPS,
	  sizeof(struct steer_listen_key), sizeof(struct steer_match));
	M("steer_live_cpus", "a", STEER_MAX_GROUPS, 4,
	  sizeof(struct steer_live_cpus));
	M("steer_cpumap", "c", STEER_MAX_CPUS, 4, 8);
	M("steer_xsks", "x", STEER_MAX_GROUPS * STEER_MAX_QUEUES, 4, 4);
	M("steer_counters", "p", STEER_CNT_MAX, 4, 8);
	M("steer_iface_stats", "p", STEER_MAX_IFACES, 4,
	  sizeof(struct steer_iface_stats));
	M("steer_debug", "p", 1, 4, sizeof(struct steer_decision));
	M("steer_group_stats", "p", STEER_MAX_GROUPS, 4,
	  sizeof(struct steer_group_stats));
	M("steer_slot_stats", "p", STEER_MAX_GROUPS * STEER_MAX_SLOTS, 4,
	  sizeof(struct steer_slot_stats));
	M("steer_cpu_stats", "p", STEER_MAX_CPUS, 4,
	  sizeof(struct steer_cpu_stats));
	M("steer_socks", "s", STEER_SOCKS_MAX, sizeof(struct steer_sock_key), 8);
	M("steer_live", "a", STEER_MAX_GROUPS, 4, sizeof(struct steer_live));
	M("steer_listeners", "h", STEER_SOCKS_MAX, 8,
	  sizeof(struct steer_listener));
	M("steer_events", "r", STEER_EVENTS_BYTES, 0, 0);
	M("steer_groups", "a", STEER_MAX_GROUPS, 4, sizeof(struct steer_group));
	M("steer_xsk_ifaces", "a", STEER_MAX_GROUPS, 4, 4);
	M("steer_xsk_records", "n", STEER_SOCKS_MAX, 4,
	  sizeof(struct steer_xsk_record));
	printf("# max_groups %d max_slots %d max_cpus %d buckets %d\n",
	       STEER_MAX_GROUPS, STEER_MAX_SLOTS, STEER_MAX_CPUS,
	       STEER_CPU_BUCKETS);
	return 0;
}
EOF
${CC:-cc} -I"$root/xdp" -o "$tmp/sizes" "$tmp/sizes.c"
"$tmp/sizes" >"$tmp/maps"
# Every map steer_abi.h names must be listed above.
named=$(grep -c '^#define STEER_MAP_' "$root/xdp/steer_abi.h")
listed=$(grep -vc '^#' "$tmp/maps")
[ "$named" = "$listed" ] ||
	echo "bench_scale: steer_abi.h names $named maps, this script lists $listed: update it" >&2

# For each CPU count: bytes per map today, and "sized": the maps indexed by
# CPU (cpumap, cpu stats, slot stats' slots, xsk queues, live bitmap words
# stay) with STEER_MAX_CPUS and STEER_MAX_SLOTS = the CPU count.
awk -v cpus="$*" -v qsize="$qsize" '
function r8(x) { return int((x + 7) / 8) * 8 }
function pow2(x, p) { p = 1; while (p < x) p *= 2; return p }
function bytes(kind, n, k, v, ncpu) {
	if (kind == "a") return n * r8(v)
	if (kind == "p") return n * r8(v) * ncpu + n * 8
	if (kind == "h") return (n + ncpu) * (48 + r8(k) + r8(v))
	if (kind == "n") return n * (48 + r8(k) + r8(v))
	if (kind == "s") return pow2(n) * 16
	if (kind == "x") return n * 8
	if (kind == "c") return n * 8 + ncpu * (qsize * 8 + 16384)
	if (kind == "r") return n
}
function human(b) {
	if (b >= 1048576) return sprintf("%.1f MiB", b / 1048576)
	if (b >= 1024) return sprintf("%.1f KiB", b / 1024)
	return b " B"
}
/^#/ { split($0, h, " "); maxslots = h[5]; next }
{ name[NR] = $1; kind[NR] = $2; n[NR] = $3; k[NR] = $4; v[NR] = $5; last = NR }
END {
	nc = split(cpus, c, " ")
	printf "%-18s %-5s %9s %6s", "map", "kind", "entries", "value"
	for (i = 1; i <= nc; i++) printf " %12s", c[i] " CPUs"
	printf "\n"
	for (m = 1; m <= last; m++) {
		if (!(m in name)) continue
		printf "%-18s %-5s %9d %6d", name[m], kind[m], n[m], v[m]
		for (i = 1; i <= nc; i++) {
			b = bytes(kind[m], n[m], k[m], v[m], c[i])
			tot[i] += b
			s = b
			if (name[m] == "steer_slot_stats" || name[m] == "steer_xsks")
				s = bytes(kind[m], n[m] / maxslots * c[i], k[m], v[m], c[i])
			else if (name[m] == "steer_cpu_stats" || name[m] == "steer_cpumap")
				s = bytes(kind[m], c[i], k[m], v[m], c[i])
			sized[i] += s
			# Unshared: a plain array written only on the CPU of the
			# slot, 128 B per slot so no two CPUs share a line.
			if (name[m] == "steer_slot_stats")
				s = n[m] / maxslots * c[i] * 128
			unshared[i] += s
			printf " %12s", human(b)
		}
		printf "\n"
	}
	printf "%-18s %-5s %9s %6s", "total today", "", "", ""
	for (i = 1; i <= nc; i++) printf " %12s", human(tot[i])
	printf "\n%-18s %-5s %9s %6s", "total, sized", "", "", ""
	for (i = 1; i <= nc; i++) printf " %12s", human(sized[i])
	printf "\n%-18s %-5s %9s %6s", "total, unshared", "", "", ""
	for (i = 1; i <= nc; i++) printf " %12s", human(unshared[i])
	printf "\n"
}' "$tmp/maps"
echo "(kind: a array, p per-CPU array, h hash, n hash without prealloc, s sockhash,"
echo " x xskmap, c cpumap with a $qsize-frame queue and a kthread per CPU, r ringbuf;"
echo " sized: cpumap, cpu stats, slot stats' slots and xsk queues by the CPU count;"
echo " unshared: sized, and slot stats a plain array of 128-byte entries written"
echo " only by the slot's own CPU)"
