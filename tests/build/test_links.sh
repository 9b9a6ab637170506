#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Each program links only the libraries its layers use (TAP): steerctl and
# the tools talk JSON over a UNIX socket and need neither libbpf nor libxdp
# nor libmnl; libsteer (libxdp for its AF_XDP sockets) exports its API and
# nothing of ctrl/lib.
# Usage: tests/build/test_links.sh (STEER_BUILD names the build directory)
set -u
build=${STEER_BUILD:-build}
n=0 failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }

# needs BINARY LIB...: the dynamic libraries BINARY names (DT_NEEDED).
needed() { readelf -d "$1" 2>/dev/null | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'; }

check_without() { # binary, libraries it must not need
	local bin=$1 lib libs
	shift
	libs=$(needed "$build/$bin")
	if [ -z "$libs" ]; then
		not_ok "$bin: no dynamic section read (built?)"
		return
	fi
	for lib in "$@"; do
		if grep -q "^$lib" <<<"$libs"; then
			not_ok "$bin needs $lib"
			return
		fi
	done
	ok "$bin links none of: $*"
}

check_with() { # binary, libraries it must need (the check above can fail)
	local bin=$1 lib libs
	shift
	libs=$(needed "$build/$bin")
	for lib in "$@"; do
		if ! grep -q "^$lib" <<<"$libs"; then
			not_ok "$bin does not need $lib"
			return
		fi
	done
	ok "$bin needs $*"
}

echo "1..7"
check_without steerctl libbpf libxdp libmnl libelf libz libmicrohttpd
check_with steerctl libjansson
check_with steerd libbpf libxdp libmnl libjansson libmicrohttpd
check_without tools/loadgen libbpf libxdp libmnl
check_without examples/steer_http libbpf libxdp libmnl
# libsteer makes AF_XDP sockets with libxdp; netlink is steerd's business.
check_without libsteer.so libmnl

# libsteer's dynamic symbols: its API (steer_*, libsteer_*) only, no ctrl/lib helper.
leaked=$(nm -D --defined-only "$build/libsteer.so" 2>/dev/null |
	awk '$2 ~ /^[TDB]$/ {print $3}' | grep -v '^steer_\|^libsteer_' | grep -v '^_')
if [ -n "$(nm -D --defined-only "$build/libsteer.so" 2>/dev/null)" ] &&
	[ -z "$leaked" ]; then
	ok "libsteer.so exports only its API (steer_*, libsteer_*)"
else
	not_ok "libsteer.so exports: ${leaked:-nothing readable}"
fi
exit $failed
