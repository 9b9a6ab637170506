#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The demo: two network namespaces joined by a multi-queue veth, steerd in
# the server's, cpu steering on its side of the veth, the example per-CPU
# HTTP server, load from the client's on every CPU, and a locality table;
# then the same load on plain SO_REUSEPORT and on SO_INCOMING_CPU listeners.
# Everything it creates is removed at the end, also when interrupted.
# Usage: tools/demo.sh [--bench] [BUILD_DIR] (as root; `make demo` builds
# first). --bench ends with machine-readable lines: conn_rate_ratio and the
# locality and latency figures of each run (`make bench` uses it).
set -euo pipefail

bench=0
if [ "${1:-}" = --bench ]; then
	bench=1
	shift
fi
build=${1:-build}
duration=${DEMO_SECONDS:-5}
concurrency=${DEMO_CONCURRENCY:-32}
port=8080
srv_ns=steer-demo-srv-$$
cli_ns=steer-demo-cli-$$
srv_addr=198.18.10.1
cli_addr=198.18.10.2
bpffs=/sys/fs/bpf/steer-demo-$$
sock=/run/steer/demo-$$/steerd.sock
ncpus=$(nproc)
steerd_pid=
server_pid=
workdir=$(mktemp -d)

say() { printf '%s\n' "$*"; }
# nsenter execs its command: started with & the pid is the program's.
in_srv() { nsenter --net=/run/netns/$srv_ns "$@"; }
steerctl() { in_srv "$build/steerctl" --socket "$sock" "$@"; }

cleanup() {
	set +e
	[ -n "$server_pid" ] && stop_server
	if [ -n "$steerd_pid" ]; then
		steerctl shutdown --detach >/dev/null 2>&1
		wait "$steerd_pid" 2>/dev/null
	fi
	rm -rf "$bpffs" "$(dirname "$sock")" "$workdir" 2>/dev/null
	ip netns del "$cli_ns" 2>/dev/null
	ip netns del "$srv_ns" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ "$(id -u)" -ne 0 ]; then
	say "demo: needs root (namespaces, XDP, BPF); run it as root: make demo" >&2
	exit 1
fi
for bin in steerd steerctl examples/steer_http tools/loadgen; do
	[ -x "$build/$bin" ] || { say "demo: $build/$bin missing; run make" >&2; exit 1; }
done

say "== network: namespaces $srv_ns and $cli_ns, veth with $ncpus queues"
ip netns add "$srv_ns"
ip netns add "$cli_ns"
ip -n "$srv_ns" link add dsrv0 numrxqueues "$ncpus" numtxqueues "$ncpus" \
	type veth peer name dcli0 numrxqueues "$ncpus" numtxqueues "$ncpus" \
	netns "$cli_ns"
ip -n "$srv_ns" addr add $srv_addr/24 dev dsrv0
ip -n "$cli_ns" addr add $cli_addr/24 dev dcli0
for ns in "$srv_ns" "$cli_ns"; do
	ip -n "$ns" link set lo up
done
ip -n "$srv_ns" link set dsrv0 up
ip -n "$cli_ns" link set dcli0 up

# Only the network namespace is entered: pins must outlive nothing here,
# but steerd warns inside a private mount namespace (ip netns exec).
say "== steerd in $srv_ns"
nsenter --net=/run/netns/$srv_ns "$build/steerd" --bpffs "$bpffs" \
	--socket "$sock" --log-level warn &
steerd_pid=$!
for _ in $(seq 100); do
	steerctl status >/dev/null 2>&1 && break
	sleep 0.05
done
steerctl status >/dev/null

start_server() { # steer_http options...
	nsenter --net=/run/netns/$srv_ns "$build/examples/steer_http" \
		--addr $srv_addr --port $port --socket "$sock" "$@" \
		2>"$workdir/server.log" &
	server_pid=$!
	sleep 1
}

# SIGTERM drains; a server that has not exited in 10 s is killed, workers too.
stop_server() {
	kill -TERM "$server_pid" 2>/dev/null || true
	for _ in $(seq 100); do
		kill -0 "$server_pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$server_pid" 2>/dev/null; then
		say "demo: the server did not stop in 10 s; killing it" >&2
		pkill -KILL -P "$server_pid" 2>/dev/null || true
		kill -KILL "$server_pid" 2>/dev/null || true
	fi
	wait "$server_pid" 2>/dev/null || true
	server_pid=
}

value() { # label key -> number (top-level or latency_us)
	grep -o "\"$2\": *[0-9.]*" "$workdir/$1.json" | head -1 |
		grep -o '[0-9.]*$'
}

locality() { value "$1" locality_pct; }

table() { # label title [group-show.json]
	say ""
	say "-- $2"
	python3 - "$workdir/$1.json" "${3:-}" <<'PY' 2>/dev/null || cat "$workdir/$1.json"
import json, sys
r = json.load(open(sys.argv[1]))
syns = {}
if sys.argv[2]:
    for s in json.load(open(sys.argv[2])).get("slots", []):
        syns[s["cpu"]] = syns.get(s["cpu"], 0) + s["syns"]
print(f"{'server cpu':>10} {'SYNs':>9} {'accepted':>9} {'local':>9} {'locality':>9}")
for c in r["per_server_cpu"]:
    pct = 100.0 * c["local"] / c["accepted"] if c["accepted"] else 0.0
    syn = syns.get(c["cpu"], "-")
    print(f"{c['cpu']:>10} {syn:>9} {c['accepted']:>9} {c['local']:>9} {pct:>8.1f}%")
print(f"{'all':>10} {sum(syns.values()) if syns else '-':>9} {r['ok']:>9}"
      f" {r['local']:>9} {r['locality_pct']:>8.1f}%"
      f"   ({r['attempted']} attempted, {r['conn_rate']:.0f} conn/s,"
      f" p50 {r['latency_us']['p50']} us, p99 {r['latency_us']['p99']} us)")
PY
}

say "== steer: cpu steering on dsrv0, group web, steer_http"
# Generic XDP: on veth, native mode would need the peer's transmit
# checksum offload off, and measured no faster here (docs/benchmarks.md).
steerctl iface attach dsrv0 --mode skb --steer cpu >/dev/null
steerctl group add web --listen $srv_addr:$port >/dev/null
start_server --group web
ip netns exec "$cli_ns" "$build/tools/loadgen" --target $srv_addr:$port \
	--duration "$duration" --concurrency "$concurrency" --json \
	>"$workdir/steer.json"
steerctl -j group show web >"$workdir/show.json"
table steer "with steer (SYNs: steered to each CPU by XDP)" "$workdir/show.json"
stop_server
steerctl iface detach dsrv0 >/dev/null

say "== plain SO_REUSEPORT"
start_server --no-steer
ip netns exec "$cli_ns" "$build/tools/loadgen" --target $srv_addr:$port \
	--duration "$duration" --concurrency "$concurrency" --json \
	>"$workdir/plain.json"
table plain "plain SO_REUSEPORT"
stop_server

say "== SO_REUSEPORT with SO_INCOMING_CPU"
start_server --no-steer --incoming-cpu
ip netns exec "$cli_ns" "$build/tools/loadgen" --target $srv_addr:$port \
	--duration "$duration" --concurrency "$concurrency" --json \
	>"$workdir/incoming.json"
table incoming "SO_REUSEPORT with SO_INCOMING_CPU"
stop_server

say ""
if [ "$bench" = 1 ]; then
	for run in steer plain incoming; do
		say "conn_rate_$run $(value $run conn_rate)"
		say "locality_$run $(locality $run)"
		say "p50_us_$run $(value $run p50)"
		say "p99_us_$run $(value $run p99)"
	done
	say "conn_rate_ratio $(awk -v s="$(value steer conn_rate)" \
		-v p="$(value plain conn_rate)" 'BEGIN { printf "%.3f", s / p }')"
fi
say "locality: $(locality steer)% with steer, $(locality plain)% with plain reuseport, $(locality incoming)% with SO_INCOMING_CPU"
