#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# steerd.service: `make install` installs it (with the sbin path filled in),
# the bash completion and steer.conf(5); `systemd-analyze verify` finds
# nothing to say about the unit (any warning fails: verify itself exits 0
# on unknown keys); it has the directives steerd's operation relies on; and
# `systemd-analyze security` rates its exposure below 5 ("OK"). TAP output.
set -u

build=${STEER_BUILD:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

n=0 failed=0
result() { # ok|not description
	n=$((n + 1))
	if [ "$1" = ok ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}

echo "1..7"
if ! command -v systemd-analyze >/dev/null; then
	for i in $(seq 1 7); do
		echo "not ok $i # SKIP systemd-analyze not installed (Debian package systemd)"
	done
	exit 0
fi

if make --no-print-directory -s O="$build" DESTDIR="$tmp/root" PREFIX=/usr \
	install >"$tmp/install.log" 2>&1; then
	result ok "make install"
else
	result not "make install: $(tail -n 5 "$tmp/install.log")"
fi
unit=$tmp/root/usr/lib/systemd/system/steerd.service
[ -f "$unit" ] && [ -f "$tmp/root/usr/share/bash-completion/completions/steerctl" ] &&
	[ -f "$tmp/root/usr/share/man/man5/steer.conf.5" ]
result "$([ $? -eq 0 ] && echo ok)" "unit, completion and steer.conf(5) installed"
grep -q '^ExecStart=/usr/sbin/steerd --config /etc/steer/steer.conf$' "$unit"
result "$([ $? -eq 0 ] && echo ok)" "ExecStart names the installed steerd"

# verify resolves ExecStart: point it at the build's steerd.
mkdir -p "$tmp/unit"
sed "s|@SBINDIR@|$(cd "$build" && pwd)|" ctrl/steerd/steerd.service \
	>"$tmp/unit/steerd.service"
out=$(systemd-analyze verify --man=no "$tmp/unit/steerd.service" 2>&1)
result "$([ $? -eq 0 ] && [ -z "$out" ] && echo ok)" \
	"systemd-analyze verify is silent${out:+: $out}"

# The check can fail: a misspelt directive is reported.
sed 's/^NoNewPrivileges=/NoNewPrivilegez=/' "$tmp/unit/steerd.service" \
	>"$tmp/unit/bad.service"
out=$(systemd-analyze verify --man=no "$tmp/unit/bad.service" 2>&1)
case $out in
*NoNewPrivilegez*) result ok "verify reports a misspelt directive" ;;
*) result not "verify did not report a misspelt directive: $out" ;;
esac

missing=
for d in '^Type=notify$' '^ExecReload=' '^Restart=on-failure$' \
	'^CapabilityBoundingSet=.*CAP_BPF' '^CapabilityBoundingSet=.*CAP_NET_ADMIN' \
	'^CapabilityBoundingSet=.*CAP_SYS_ADMIN' '^CapabilityBoundingSet=.*CAP_PERFMON' \
	'^ProtectSystem=strict$' '^ProtectHome=yes$' \
	'^ReadWritePaths=.*/sys/fs/bpf' '^ReadWritePaths=.*/run/steer' \
	'^NoNewPrivileges=yes$' '^RuntimeDirectoryPreserve=yes$'; do
	grep -q "$d" ctrl/steerd/steerd.service || missing="$missing $d"
done
result "$([ -z "$missing" ] && echo ok)" "directives present${missing:+; missing:$missing}"

exposure=$(systemd-analyze security --offline=yes "$tmp/unit/steerd.service" \
	2>/dev/null | sed -n 's/.*Overall exposure level for steerd.service: \([0-9.]*\).*/\1/p')
if [ -n "$exposure" ] && awk "BEGIN { exit !($exposure < 5.0) }"; then
	result ok "exposure $exposure (below 5.0)"
else
	result not "exposure '${exposure:-unknown}', want below 5.0"
fi
[ "$failed" -eq 0 ]
