#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The connection-rate matrix of `make bench`: the demo's test network
# (tools/bench_env.sh), the example per-CPU server, loadgen in the client's
# namespace, in three scenarios and five modes, and the CPUMAP kthread's
# wait under a CPU-bound worker (docs/benchmarks.md).
#
# Scenarios: A a veth with one queue per CPU, a client thread on every CPU;
# B a one-queue veth, the client on CPU 0 only, so every flow arrives on
# CPU 0 (a single-queue NIC); C as B with native XDP, the client's transmit
# checksum offload off. Modes: plain (SO_REUSEPORT), incoming
# (SO_INCOMING_CPU), incoming_rps (SO_INCOMING_CPU with RPS over every CPU
# on the server's RX queues), steer_rss (rss mode with the NIC's RSS
# emulated, where steerctl has it), steer_cpu (cpu mode; --queue-cpus
# tells steer where the flows arrive, where steerctl has it).
# Then the CPUMAP kthread's wait: in B, every flow sent to CPU 1 by RPS or
# by steer (cpu mode, --cpus 1), with CPU 1 idle and with a busy loop
# pinned there, the kthread as the kernel makes it (SCHED_OTHER, nice 0),
# at nice -10 and SCHED_FIFO 1 (`cpu1 ...` lines; its waits from
# /proc/PID/schedstat).
#
# Usage: tools/bench_conn.sh [BUILD_DIR] (as root). BENCH_SECONDS (default
# 3) per run, BENCH_CONCURRENCY (32), BENCH_SCENARIOS ("A B C"),
# BENCH_BUSY_ROUNDS (1), BENCH_BUSY_LOOPS (1). Prints a table per scenario, lines
# `conn_rate <scenario> <mode> <conn/s> <locality%> <ratio>` (ratio to
# incoming in the same scenario; `n/a: why` for a mode that cannot run),
# `cpu1 ...` lines, and writes BUILD_DIR/bench/ (the rows, each run's
# loadgen JSON, charts). About
# 90 s on 2 CPUs.
set -euo pipefail

duration=${BENCH_SECONDS:-3}
concurrency=${BENCH_CONCURRENCY:-32}
. "$(dirname "$0")/bench_env.sh" bench "${1:-build}"

out=$build/bench
mkdir -p "$out"
rows=$out/conn_rate.tsv
modes="plain incoming incoming_rps steer_rss steer_cpu"
# The default Toeplitz key (ethtool's, most NICs'), for rss emulation.
rss_key=6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa
all_cpus=$(seq -s, 0 $((ncpus - 1)))

attach_help=$("$build/steerctl" iface attach --help 2>&1 || true)
has_opt() { grep -q -- "$1" <<<"$attach_help"; }

# Per scenario: veth queues, client CPUs, XDP mode, queue -> CPU map.
scenario_setup() { # A|B|C
	case $1 in
	A)
		queues=$ncpus cli_cpus=$all_cpus xdp_mode=skb
		queue_cpus=$(for ((q = 0; q < ncpus; q++)); do
			printf '%d:%d,' $q $q
		done)
		queue_cpus=${queue_cpus%,}
		;;
	B | C)
		queues=1 cli_cpus=0 xdp_mode=skb queue_cpus=0:0
		[ "$1" = C ] && xdp_mode=native
		;;
	esac
	env_veth "$queues"
	# Native XDP on veth sees the sender's partial checksums as bad.
	[ "$1" = C ] && ip netns exec "$cli_ns" ethtool -K dcli0 tx off >/dev/null
	return 0
}

rps_set() { # MASK (hex) on every RX queue of dsrv0, inside the namespace
	ip netns exec "$srv_ns" sh -c \
		"for q in /sys/class/net/dsrv0/queues/rx-*; do echo $1 > \$q/rps_cpus; done"
}

# -> "local redirected drops": group web's XDP counters and the CPUMAP's
# drops (at the enqueue and in the kthread, every CPU), lifetime.
group_counters() {
	steerctl -j stats | python3 -c '
import json, sys
st = json.load(sys.stdin)
web = [g for g in st.get("groups", []) if g.get("name") == "web"]
g = web[0] if web else {}
drops = sum(c.get("cpumap_enqueue_drops", 0) + c.get("cpumap_kthread_drops", 0)
            for c in st.get("cpus", []))
print(g.get("local", 0), g.get("redirected", 0), drops)'
}

# Why a mode cannot run here, or nothing.
unavailable() { # MODE
	case $1 in
	steer_rss)
		has_opt --rss-key ||
			echo "needs rss emulation (steerctl iface attach --rss-key --indir --queue-cpus)"
		;;
	esac
}

attach() { # STEER extra options...
	local steer=$1
	shift
	# C's warning about veth's checksum offload is what it sets up for.
	steerctl iface attach dsrv0 --mode "$xdp_mode" --steer "$steer" "$@" \
		>/dev/null 2>"$workdir/attach.err" ||
		{ cat "$workdir/attach.err" >&2; return 1; }
}

# One run: the server in MODE, loadgen's JSON in $workdir/LABEL.json, the
# counters' change in $workdir/LABEL.xdp ("local redirected drops") and the
# CPUMAP kthread's schedstat before and after in $workdir/LABEL.kt.
run_mode() { # SC MODE [LABEL]
	local sc=$1 mode=$2 label=${3:-$1-$2} before after qc=() kthread=
	local lg=(--cpus "$cli_cpus")
	has_opt --queue-cpus && qc=(--queue-cpus "$queue_cpus")
	echo "0 0 0" >"$workdir/$label.xdp"
	case $mode in
	plain) start_server --no-steer ;;
	incoming) start_server --no-steer --incoming-cpu ;;
	incoming_rps)
		rps_set "$(printf '%x' $(((1 << ncpus) - 1)))"
		start_server --no-steer --incoming-cpu
		;;
	incoming_rps_to1) # every flow to CPU 1 by RPS (softirq)
		rps_set 2
		start_server --no-steer --incoming-cpu
		;;
	steer_rss)
		attach rss --rss-key "$rss_key" --indir "$queues" "${qc[@]}" \
			--force
		lg+=(--rss "$rss_key,$queues,$queue_cpus")
		start_server --group web
		;;
	steer_cpu)
		attach cpu "${qc[@]}"
		start_server --group web
		;;
	steer_cpu_to1*) # every flow to CPU 1 through its CPUMAP kthread
		attach cpu --cpus 1
		kthread=$(cpumap_kthread 1)
		[ -n "$kthread" ] ||
			say "$name: no CPUMAP kthread for CPU 1 found" >&2
		case $kthread/$mode in
		/*) ;;
		*_fifo) chrt -f -p 1 "$kthread" ;;
		*_nice) renice -n -10 -p "$kthread" >/dev/null ;;
		esac
		start_server --group web
		;;
	esac
	before=$(group_counters)
	[ -n "$kthread" ] && kthread_wait "$kthread" >"$workdir/$label.kt"
	load "$label" "${lg[@]}"
	[ -n "$kthread" ] && kthread_wait "$kthread" >>"$workdir/$label.kt"
	after=$(group_counters)
	stop_server
	case $mode in
	incoming_rps*) rps_set 0 ;;
	steer_*)
		steerctl iface detach dsrv0 >/dev/null
		echo "$before $after" | awk '{ print $4 - $1, $5 - $2, $6 - $3 }' \
			>"$workdir/$label.xdp"
		;;
	esac
}

# A row of the matrix: scenario mode conn/s locality% ratio spread p50 p99
# redirect% failed (connections not ok: timeouts, resets...) and CPUMAP
# drops, from the run's JSON and counters; ratio against the scenario's
# incoming.
row() { # SC MODE
	python3 - "$workdir" "$1" "$2" "$ncpus" <<'PY'
import json, sys
wd, sc, mode, ncpus = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
r = json.load(open(f"{wd}/{sc}-{mode}.json"))
base = json.load(open(f"{wd}/{sc}-incoming.json"))["conn_rate"]
local, redir, drops = map(int, open(f"{wd}/{sc}-{mode}.xdp").read().split())
per = {w["cpu"]: 0 for w in range(0)}
for w in r["workers"]:
    per[w["cpu"]] = per.get(w["cpu"], 0) + w["connections"]
spread = max(per.values(), default=0) / (r["ok"] / ncpus) if r["ok"] else 0
red = f"{100.0 * redir / (local + redir):.1f}" if local + redir else "-"
print(sc, mode, f"{r['conn_rate']:.0f}", f"{r['locality_pct']:.1f}",
      f"{r['conn_rate'] / base:.2f}" if base else "-", f"{spread:.2f}",
      r["latency_us"]["p50"], r["latency_us"]["p99"], red,
      r["attempted"] - r["ok"], drops if mode.startswith("steer") else "-",
      sep="\t")
PY
}

# The pid of steer's CPUMAP kthread for CPU (cpumap/CPU/map:ID, ID that of
# the map pinned in $bpffs), or nothing.
cpumap_kthread() { # CPU
	local id
	id=$(bpftool -j map show pinned "$(echo "$bpffs"/abi*/steer_cpumap)" |
		python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])') || true
	[ -n "$id" ] || return 0
	ps -eo pid=,args= | awk -v n="[cpumap/$1/map:$id]" '$2 == n { print $1 }'
}

kthread_wait() { # PID: "run_delay_ns wakeups" (/proc/PID/schedstat)
	awk '{ print $2, $3 }' "/proc/$1/schedstat"
}

# Item 5: every flow of scenario B handled on CPU 1, by RPS or by steer's
# CPUMAP kthread (as the kernel makes it, at nice -10, at SCHED_FIFO 1),
# with CPU 1 idle and with CPU-bound processes pinned there (nice 0; one,
# or BENCH_BUSY_LOOPS).
busy_runs() {
	[ "$ncpus" -ge 2 ] || { say "busy: needs 2 CPUs"; return 0; }
	say "== scenario B, every flow to CPU 1: idle, then a busy loop there"
	for _ in $(seq "${BENCH_BUSY_ROUNDS:-1}"); do
		busy_round idle incoming_rps_to1 steer_cpu_to1
		for _ in $(seq "${BENCH_BUSY_LOOPS:-1}"); do
			taskset -c 1 sh -c 'while :; do :; done' &
			extra_pids+=" $!"
		done
		busy_round busy incoming_rps_to1 steer_cpu_to1 steer_cpu_to1_nice \
			steer_cpu_to1_fifo
		kill $extra_pids
		wait $extra_pids 2>/dev/null || true
		extra_pids=''
	done
}

busy_round() { # idle|busy MODE...
	local busy=$1 mode
	shift
	for mode in "$@"; do
		run_mode B "$mode" "$busy-$mode"
		say "$(busy_line "$busy" "$mode")"
	done
}

busy_line() { # idle|busy MODE: the run's latency, rate, the kthread's waits
	python3 - "$workdir" "$1" "$2" <<'PY'
import json, os, sys
wd, busy, mode = sys.argv[1:]
r = json.load(open(f"{wd}/{busy}-{mode}.json"))
_, redir, drops = map(int, open(f"{wd}/{busy}-{mode}.xdp").read().split())
kt = f" redirected {redir} cpumap_drops {drops}" if redir else ""
if os.path.exists(f"{wd}/{busy}-{mode}.kt"):
    (d0, n0), (d1, n1) = [map(int, l.split()) for l in open(f"{wd}/{busy}-{mode}.kt")]
    if n1 > n0:
        kt += f" kthread_wait_avg_us {(d1 - d0) / (n1 - n0) / 1000:.1f} runs {n1 - n0}"
lat = r["latency_us"]
print(f"cpu1 {busy} {mode} p50_us {lat['p50']} p99_us {lat['p99']} max_us {lat['max']}"
      f" conn_s {r['conn_rate']:.0f} locality {r['locality_pct']:.1f}{kt}")
PY
}

say "== network: namespaces $srv_ns and $cli_ns; steerd; $duration s per run"
env_netns
env_steerd
steerctl group add web --listen $srv_addr:$port >/dev/null
printf '# scenario\tmode\tconn_s\tlocality_pct\tratio\tspread\tp50_us\tp99_us\tredirect_pct\tfailed\tcpumap_drops\n' >"$rows"

for sc in ${BENCH_SCENARIOS:-A B C}; do
	scenario_setup "$sc"
	say "== scenario $sc: $queues-queue veth, client on CPUs $cli_cpus," \
		"$xdp_mode XDP"
	for mode in $modes; do
		[ -n "$(unavailable "$mode")" ] || run_mode "$sc" "$mode"
	done
	for mode in $modes; do
		why=$(unavailable "$mode")
		if [ -n "$why" ]; then
			printf '%s\t%s\tn/a\t-\t-\t-\t-\t-\t-\t-\t-\n' "$sc" "$mode" >>"$rows"
		else
			row "$sc" "$mode" >>"$rows"
		fi
	done
	runs=()
	for mode in $modes; do
		[ -f "$workdir/$sc-$mode.json" ] &&
			runs+=("$mode=$workdir/$sc-$mode.json")
	done
	plot "$out/locality-$sc.svg" locality \
		"scenario $sc: $queues-queue veth, client on CPUs $cli_cpus, $xdp_mode XDP" \
		"${runs[@]}" >/dev/null
	[ "$sc" = B ] && busy_runs
	cp "$workdir"/*.json "$out/"
	env_veth_del
done

say ""
say "== connection rate (clients' locality; spread = busiest worker / mean;"
say "   redirect = XDP redirected / (local + redirected); ratio to incoming;"
say "   failed = connections not ok: timeouts, resets)"
column -t -s "$(printf '\t')" "$rows"
say ""
awk -F'\t' '!/^#/ {
	if ($3 == "n/a") print "conn_rate", $1, $2, "n/a"
	else print "conn_rate", $1, $2, $3, $4, $5 }' "$rows" |
	while read -r line; do
		case $line in
		*" n/a") set -- $line
			say "$line: $(unavailable "$3")" ;;
		*) say "$line" ;;
		esac
	done
plot "$out/conn_rate.svg" matrix "connection rate, $ncpus CPUs, $duration s runs" "$rows"
