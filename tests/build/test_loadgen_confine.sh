#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# loadgen stays in test networks: it refuses the host's network namespace
# (unless --allow-host-netns) and targets its namespace does not reach
# directly (unless --allow-routed), with one line naming the reason and the
# flag, and exit status 2. The refusals send nothing; the runs that are let
# through target lo or a veth of a private namespace made with unshare -n,
# which disappears with its shell. Prints TAP.
set -u

build=${STEER_BUILD:-build}
loadgen=$build/tools/loadgen
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "not ok $n - $1 # SKIP $2"; }

# A private namespace with lo and a veth pair whose both ends it keeps, the
# addresses and routes the cases need: 198.18.0.0/24 and 2001:db8::/64 on
# v0, 198.19.0.0/24 and 2001:db8:1::/64 through a gateway on it,
# 198.20.0.0/24 unreachable. v1 has no address: neighbour requests go
# unanswered, and nothing leaves the namespace.
in_test_ns() {
	unshare -n bash -c '
		ip link set lo up &&
		ip link add v0 type veth peer name v1 &&
		ip addr add 198.18.0.2/24 dev v0 &&
		ip -6 addr add 2001:db8::2/64 dev v0 nodad &&
		ip link set v0 up && ip link set v1 up &&
		ip route add 198.19.0.0/24 via 198.18.0.1 &&
		ip -6 route add 2001:db8:1::/64 via 2001:db8::1 &&
		ip route add unreachable 198.20.0.0/24 || exit 99
		exec "$@"' sh "$@"
}

# expect NAME STATUS PHRASE... -- COMMAND...: the exit status, and stderr
# holding every phrase (on one line, for a refusal).
expect() {
	local name=$1 want=$2 phrases=() err status phrase
	shift 2
	while [ "$1" != -- ]; do
		phrases+=("$1")
		shift
	done
	shift
	err=$("$@" 2>&1 >/dev/null)
	status=$?
	if [ "$status" -ne "$want" ]; then
		not_ok "$name: exit status $status, expected $want"
		echo "# stderr: $err"
		return
	fi
	for phrase in "${phrases[@]}"; do
		if [ "$want" -ne 0 ] && [ "$(printf '%s\n' "$err" | wc -l)" -ne 1 ]; then
			not_ok "$name: not one line: $err"
			return
		fi
		case $err in
		*"$phrase"*) ;;
		*)
			not_ok "$name: stderr lacks '$phrase'"
			echo "# stderr: $err"
			return
			;;
		esac
	done
	ok "$name"
}

echo "1..10"
if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null; then
	for i in $(seq 10); do skip "case $i" "needs root and unshare"; done
	exit 0
fi
if [ ! -x "$loadgen" ]; then
	for i in $(seq 10); do not_ok "$loadgen missing"; done
	exit 1
fi

# In the host's namespace, a usage error checked after the refusals makes
# sure that a loadgen that failed to refuse still sends nothing.
never_runs="--cpus 255 --concurrency 1" # no CPU 255 on a test box

# Are we in the host's namespace? The oracle: PID 1's, or where PID 1 is
# hidden (a container), the fixed inode recent kernels give the initial one.
self=$(stat -L -c %d:%i /proc/self/ns/net)
init=$(stat -L -c %d:%i /proc/1/ns/net 2>/dev/null) ||
	init="*:$((0xEFFFFFF9))"
case $self in
$init)
	expect "host netns refused" 2 "host's network namespace" \
		--allow-host-netns -- \
		"$loadgen" --target 127.0.0.1:9 --connections 1 $never_runs
	;;
*) skip "host netns refused" "this test runs in a test namespace" ;;
esac

args=(--connections 1 --timeout 100 --json)
expect "private netns, local target, runs" 0 -- \
	in_test_ns "$loadgen" --target 127.0.0.1:9 "${args[@]}"
expect "connected IPv4 target runs" 0 -- \
	in_test_ns "$loadgen" --target 198.18.0.9:80 "${args[@]}"
expect "connected IPv6 target runs" 0 -- \
	in_test_ns "$loadgen" --target [2001:db8::9]:80 "${args[@]}"
expect "IPv4 target behind a gateway refused" 2 \
	"refusing target 198.19.0.5" "gateway 198.18.0.1" --allow-routed -- \
	in_test_ns "$loadgen" --target 198.19.0.5:80 "${args[@]}"
expect "IPv6 target behind a gateway refused" 2 \
	"refusing target 2001:db8:1::5" "gateway 2001:db8::1" --allow-routed -- \
	in_test_ns "$loadgen" --target [2001:db8:1::5]:80 "${args[@]}"
expect "target with no route refused" 2 "refusing target 203.0.113.1" \
	"no route" --allow-routed -- \
	in_test_ns "$loadgen" --target 203.0.113.1:80 "${args[@]}"
expect "unreachable target refused" 2 "refusing target 198.20.0.1" \
	--allow-routed -- \
	in_test_ns "$loadgen" --target 198.20.0.1:80 "${args[@]}"
expect "--allow-routed lets a routed target run" 0 -- \
	in_test_ns "$loadgen" --target 198.19.0.5:80 --allow-routed "${args[@]}"

# --allow-host-netns lifts that refusal only: the route is still checked
# (TEST-NET-3 is behind the host's default route, or has none).
case $self in
$init)
	expect "--allow-host-netns keeps the route check" 2 \
		"refusing target 203.0.113.1" --allow-routed -- \
		"$loadgen" --target 203.0.113.1:80 --connections 1 \
		--allow-host-netns $never_runs
	;;
*) skip "--allow-host-netns keeps the route check" "not the host netns" ;;
esac
exit $failed
