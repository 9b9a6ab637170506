# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-only
# The demo's and the connection-rate bench's test network, sourced by
# tools/demo.sh and tools/bench_conn.sh (one copy of the setup): two network
# namespaces joined by a veth, steerd in the server's, the example per-CPU
# HTTP server, loadgen in the client's. Everything it creates is removed by
# env_cleanup, which the sourcing script runs on exit (trap set here), with
# the processes the caller lists in extra_pids.
# Sourced as `. tools/bench_env.sh NAME BUILD_DIR`: NAME names the
# namespaces and messages; checks for root and the programs first. load()
# reads the caller's duration and concurrency.

name=$1
build=$2
port=8080
srv_ns=steer-$name-srv-$$
cli_ns=steer-$name-cli-$$
srv_addr=198.18.10.1
cli_addr=198.18.10.2
bpffs=/sys/fs/bpf/steer-$name-$$
sock=/run/steer/$name-$$/steerd.sock
ncpus=$(nproc)
steerd_pid=
server_pid=
workdir=$(mktemp -d)

say() { printf '%s\n' "$*"; }
# nsenter execs its command: started with & the pid is the program's.
in_srv() { nsenter --net=/run/netns/$srv_ns "$@"; }
steerctl() { in_srv "$build/steerctl" --socket "$sock" "$@"; }

env_cleanup() {
	set +e
	for p in ${extra_pids:-}; do
		kill "$p" && wait "$p"
	done 2>/dev/null
	[ -n "$server_pid" ] && stop_server
	# A daemon the caller started and is not the parent of (nginx).
	[ -n "${daemon_pid:-}" ] && stop_pid "$daemon_pid" "$daemon_name"
	if [ -n "$steerd_pid" ]; then
		steerctl shutdown --detach >/dev/null 2>&1
		wait "$steerd_pid" 2>/dev/null
	fi
	rm -rf "$bpffs" "$(dirname "$sock")" "$workdir" 2>/dev/null
	ip netns del "$cli_ns" 2>/dev/null
	ip netns del "$srv_ns" 2>/dev/null
}
trap env_cleanup EXIT
trap 'exit 130' INT TERM

if [ "$(id -u)" -ne 0 ]; then
	say "$name: needs root (namespaces, XDP, BPF); run it as root" >&2
	exit 1
fi
for bin in steerd steerctl examples/steer_http tools/loadgen; do
	[ -x "$build/$bin" ] ||
		{ say "$name: $build/$bin missing; run make" >&2; exit 1; }
done

env_netns() { # the two namespaces, loopback up
	local ns
	ip netns add "$srv_ns"
	ip netns add "$cli_ns"
	for ns in "$srv_ns" "$cli_ns"; do
		ip -n "$ns" link set lo up
	done
}

env_veth() { # QUEUES: dsrv0 (server) <-> dcli0 (client), QUEUES each way
	ip -n "$srv_ns" link add dsrv0 numrxqueues "$1" numtxqueues "$1" \
		type veth peer name dcli0 numrxqueues "$1" numtxqueues "$1" \
		netns "$cli_ns"
	ip -n "$srv_ns" addr add $srv_addr/24 dev dsrv0
	ip -n "$cli_ns" addr add $cli_addr/24 dev dcli0
	ip -n "$srv_ns" link set dsrv0 up
	ip -n "$cli_ns" link set dcli0 up
}

env_veth_del() { ip -n "$srv_ns" link del dsrv0; }

# Only the network namespace is entered: pins must outlive nothing here,
# but steerd warns inside a private mount namespace (ip netns exec).
env_steerd() {
	nsenter --net=/run/netns/$srv_ns "$build/steerd" --bpffs "$bpffs" \
		--socket "$sock" --log-level warn &
	steerd_pid=$!
	for _ in $(seq 100); do
		steerctl status >/dev/null 2>&1 && break
		sleep 0.05
	done
	steerctl status >/dev/null
}

start_server() { # steer_http options...
	nsenter --net=/run/netns/$srv_ns "$build/examples/steer_http" \
		--addr $srv_addr --port $port --socket "$sock" "$@" \
		2>"$workdir/server.log" &
	server_pid=$!
	sleep 1
}

# SIGTERM drains; a server that has not exited in 10 s is killed, workers too.
stop_pid() { # pid what
	kill -TERM "$1" 2>/dev/null || true
	for _ in $(seq 100); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$1" 2>/dev/null; then
		say "$name: $2 did not stop in 10 s; killing it" >&2
		pkill -KILL -P "$1" 2>/dev/null || true
		kill -KILL "$1" 2>/dev/null || true
	fi
}

stop_server() {
	stop_pid "$server_pid" "the server"
	wait "$server_pid" 2>/dev/null || true
	server_pid=
}

load() { # LABEL [loadgen options...]: loadgen's JSON in $workdir/LABEL.json
	local label=$1
	shift
	ip netns exec "$cli_ns" "$build/tools/loadgen" --target $srv_addr:$port \
		--duration "$duration" --concurrency "$concurrency" --json "$@" \
		>"$workdir/$label.json"
}

value() { # label key -> number (top-level or latency_us)
	grep -o "\"$2\": *[0-9.]*" "$workdir/$1.json" | head -1 |
		grep -o '[0-9.]*$'
}

# A python with matplotlib (Debian's python3-matplotlib is in /usr/bin's),
# or nothing.
plot_python() {
	local py
	for py in /usr/bin/python3 python3; do
		if command -v "$py" >/dev/null &&
			"$py" -c 'import matplotlib' 2>/dev/null; then
			echo "$py"
			return
		fi
	done
}

plot() { # OUT.svg KIND INPUT...: tools/plot_bench.py, or one line saying why not
	local py out=$1
	py=$(plot_python)
	if [ -z "$py" ]; then
		say "(no chart $out: python3-matplotlib is not installed)"
		return 0
	fi
	"$py" "$(dirname "${BASH_SOURCE[0]}")/plot_bench.py" "$@" &&
		say "chart: $out"
}
