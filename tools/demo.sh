#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The demo: two network namespaces joined by a multi-queue veth, steerd in
# the server's, cpu steering on its side of the veth, the example per-CPU
# HTTP server, load from the client's on every CPU, and a locality table;
# then the same load on plain SO_REUSEPORT and on SO_INCOMING_CPU listeners.
# Everything it creates is removed at the end, also when interrupted
# (tools/bench_env.sh). Draws the table as BUILD_DIR/demo-locality.svg.
# Usage: tools/demo.sh [--bench] [BUILD_DIR] (as root; `make demo` builds
# first). --bench ends with machine-readable lines: conn_rate_ratio and the
# locality and latency figures of each run (`make bench` uses it).
set -euo pipefail

bench=0
if [ "${1:-}" = --bench ]; then
	bench=1
	shift
fi
duration=${DEMO_SECONDS:-5}
concurrency=${DEMO_CONCURRENCY:-32}
. "$(dirname "$0")/bench_env.sh" demo "${1:-build}"

say "== network: namespaces $srv_ns and $cli_ns, veth with $ncpus queues"
env_netns
env_veth "$ncpus"

say "== steerd in $srv_ns"
env_steerd

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
load steer
steerctl -j group show web >"$workdir/show.json"
table steer "with steer (SYNs: steered to each CPU by XDP)" "$workdir/show.json"
stop_server
steerctl iface detach dsrv0 >/dev/null

say "== plain SO_REUSEPORT"
start_server --no-steer
load plain
table plain "plain SO_REUSEPORT"
stop_server

say "== SO_REUSEPORT with SO_INCOMING_CPU"
start_server --no-steer --incoming-cpu
load incoming
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
plot "$build/demo-locality.svg" locality \
	"steer demo: $ncpus-queue veth, one worker per CPU" \
	"steer=$workdir/steer.json" "plain SO_REUSEPORT=$workdir/plain.json" \
	"SO_INCOMING_CPU=$workdir/incoming.json"
