#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The demo: two network namespaces joined by a multi-queue veth, steerd in
# the server's, cpu steering on its side of the veth, the example per-CPU
# HTTP server, load from the client's on every CPU, and a locality table;
# then the same load on plain SO_REUSEPORT and on SO_INCOMING_CPU listeners.
# Everything it creates is removed at the end, also when interrupted
# (tools/bench_env.sh). Draws the table as BUILD_DIR/demo-locality.svg.
# Usage: tools/demo.sh [--bench|--nginx] [BUILD_DIR] (as root; `make demo`
# builds first). --bench ends with machine-readable lines: conn_rate_ratio
# and the locality and latency figures of each run. --nginx runs the nginx
# act instead (`make demo-nginx`): the real nginx, plain, then adopted by
# steerd (docs/adoption.md), with the same table.
set -euo pipefail

bench=0
nginx_demo=0
if [ "${1:-}" = --bench ]; then
	bench=1
	shift
elif [ "${1:-}" = --nginx ]; then
	nginx_demo=1
	shift
fi
nginx=/usr/sbin/nginx
duration=${DEMO_SECONDS:-5}
concurrency=${DEMO_CONCURRENCY:-32}
. "$(dirname "$0")/bench_env.sh" demo "${1:-build}"
if [ "$nginx_demo" = 1 ] && [ ! -x "$nginx" ]; then
	say "demo: $nginx missing; install nginx (tools/deps.sh)" >&2
	exit 1
fi

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

# The nginx act: nginx's workers name their pid, not their CPU, so the
# clients (one per CPU, in the client's namespace) map each pid to the CPU
# its worker is pinned to, and count a connection local when that is the
# CPU they sent it from (on a veth, where it arrives; with a worker on
# every CPU, where steer keeps it). Their JSON has loadgen's shape.
start_nginx() {
	cat >"$workdir/nginx.conf" <<EOF
worker_processes $ncpus;
worker_cpu_affinity auto;
pid $workdir/nginx.pid;
error_log $workdir/nginx-error.log notice;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path $workdir/body;
	proxy_temp_path $workdir/proxy;
	fastcgi_temp_path $workdir/fastcgi;
	uwsgi_temp_path $workdir/uwsgi;
	scgi_temp_path $workdir/scgi;
	server {
		listen $srv_addr:$port reuseport;
		keepalive_timeout 0;
		location / {
			add_header X-Worker-Pid \$pid;
			return 200 "pid=\$pid\n";
		}
	}
}
EOF
	in_srv "$nginx" -p "$workdir" -c "$workdir/nginx.conf" \
		-e "$workdir/nginx-error.log"
	daemon_pid=$(cat "$workdir/nginx.pid")
	daemon_name=nginx
	sleep 1
}

# nginx's master is a daemon, not the demo's child: nothing to wait for.
stop_nginx() {
	stop_pid "$daemon_pid" nginx
	daemon_pid=
}

nginx_load() { # label
	ip netns exec "$cli_ns" python3 - "$srv_addr" "$port" "$duration" \
		"$ncpus" >"$workdir/$1.json" <<'PY'
import json, os, socket, sys, time
from multiprocessing import Pool

addr, port = sys.argv[1], int(sys.argv[2])
duration, ncpus = float(sys.argv[3]), int(sys.argv[4])


def client(cpu):
    os.sched_setaffinity(0, {cpu})
    seen, fails, lat = {}, 0, []
    end = time.monotonic() + duration
    while time.monotonic() < end:
        t = time.monotonic()
        try:
            with socket.create_connection((addr, port), timeout=2) as s:
                s.sendall(b"GET / HTTP/1.0\r\nHost: steer\r\n\r\n")
                data = b""
                while chunk := s.recv(4096):
                    data += chunk
            pid = int(data.split(b"\r\n\r\npid=")[1])
        except (OSError, IndexError, ValueError):
            fails += 1
            continue
        lat.append((time.monotonic() - t) * 1e6)
        seen[pid] = seen.get(pid, 0) + 1
    return cpu, seen, fails, lat


def worker_cpu(pid):
    try:
        cpus = os.sched_getaffinity(pid)
    except OSError:
        return -1
    return next(iter(cpus)) if len(cpus) == 1 else -1


start = time.monotonic()
with Pool(ncpus) as pool:
    runs = pool.map(client, range(ncpus))
elapsed = time.monotonic() - start
per, lat = {}, []
ok = local = fails = 0
for cpu, seen, f, l in runs:
    fails += f
    lat += l
    for pid, n in seen.items():
        c = per.setdefault(worker_cpu(pid), {"accepted": 0, "local": 0})
        c["accepted"] += n
        ok += n
        if worker_cpu(pid) == cpu:
            c["local"] += n
            local += n
lat.sort()


def pct(p):
    return int(lat[min(len(lat) - 1, int(p * len(lat)))]) if lat else 0


print(json.dumps({
    "attempted": ok + fails, "ok": ok, "local": local,
    "locality_pct": round(100.0 * local / ok, 2) if ok else 0.0,
    "conn_rate": ok / elapsed,
    "latency_us": {"p50": pct(0.5), "p99": pct(0.99)},
    "per_server_cpu": [dict(cpu=c, **v) for c, v in sorted(per.items())],
}))
PY
}

if [ "$nginx_demo" = 1 ]; then
	say "== nginx, plain reuseport ($ncpus workers, worker_cpu_affinity auto)"
	start_nginx
	nginx_load nginx-plain
	table nginx-plain "nginx, plain SO_REUSEPORT"

	say ""
	say "== nginx adopted: cpu steering on dsrv0, group web --adopt"
	steerctl iface attach dsrv0 --mode skb --steer cpu >/dev/null
	steerctl group add web --listen $srv_addr:$port --adopt >/dev/null
	for _ in $(seq 50); do
		[ "$(steerctl -j group show web | grep -o '"adopted": *true' |
			wc -l)" -ge "$ncpus" ] && break
		sleep 0.1
	done
	steerctl group show web
	nginx_load nginx-adopted
	steerctl -j group show web >"$workdir/show.json"
	table nginx-adopted \
		"nginx adopted by steer (SYNs: steered to each CPU by XDP)" \
		"$workdir/show.json"
	stop_nginx
	say ""
	say "locality: $(locality nginx-adopted)% nginx adopted," \
		"$(locality nginx-plain)% nginx plain"
	exit 0
fi

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
