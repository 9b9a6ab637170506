#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Installs the Debian packages steer needs to build, test and run. Idempotent:
# does nothing (and needs no network) when every package is present.
set -euo pipefail

packages=(
	make gcc pkg-config git
	clang-19 llvm-19          # BPF compiler (clang-14 also works)
	bpftool                   # vmlinux.h and skeletons
	libbpf-dev libxdp-dev     # loading BPF, XDP attach, AF_XDP
	libmnl-dev                # netlink: ethtool, rtnetlink, sock_diag
	libjansson-dev            # JSON output of steerctl
	libcmocka-dev             # unit tests
	libinih-dev               # steer.conf: INI parser (steerctl apply, steerd --config)
	libclang-rt-19-dev        # make fuzz: libFuzzer + ASan/UBSan runtimes for clang-19
	libmicrohttpd-dev         # steerd --metrics: the Prometheus /metrics endpoint
	python3-prometheus-client # metrics test: parses /metrics with a real parser
	nginx                     # adoption tests: a real server whose listeners steer adopts
	python3-matplotlib        # make bench and the demo: SVG charts
	systemd                   # systemd-analyze verify of steerd.service
	libelf-dev zlib1g-dev     # libbpf's link dependencies
	iproute2 ethtool          # test namespaces and veth
	clang-format              # make format
	python3                   # the demo's tables
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#packages[@]} packages present"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing ${missing[*]}; run it as root: $0" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
