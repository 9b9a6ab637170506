#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The configure step: names every missing build tool or library and the
# Debian package that provides it. `make deps` (tools/deps.sh) installs them.
set -u

missing=0
need_cmd() { # command package
	if ! command -v "$1" >/dev/null 2>&1 && ! [ -x "/usr/sbin/$1" ]; then
		echo "missing: $1 (Debian package $2)" >&2
		missing=1
	fi
}
need_pc() { # pkg-config module package
	if ! pkg-config --exists "$1" 2>/dev/null; then
		echo "missing: library $1 (Debian package $2)" >&2
		missing=1
	fi
}

need_cmd pkg-config pkg-config
if ! command -v clang-19 >/dev/null 2>&1 && ! command -v clang >/dev/null 2>&1; then
	echo "missing: clang (Debian package clang-19)" >&2
	missing=1
fi
need_cmd bpftool bpftool
need_pc libbpf libbpf-dev
need_pc libxdp libxdp-dev
need_pc libmnl libmnl-dev
need_pc jansson libjansson-dev
need_pc cmocka libcmocka-dev
need_pc inih libinih-dev
need_pc libmicrohttpd libmicrohttpd-dev
if [ ! -r /sys/kernel/btf/vmlinux ]; then
	echo "missing: /sys/kernel/btf/vmlinux (a kernel built with CONFIG_DEBUG_INFO_BTF)" >&2
	missing=1
fi

if [ "$missing" -ne 0 ]; then
	echo "run 'make deps' (as root) to install what is missing" >&2
	exit 1
fi
