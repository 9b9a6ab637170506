#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# steerctl's bash completion: commands, subcommands, option values, and the
# group and interface names of the running steerd (here a stand-in steerctl
# that answers the two queries and records how it was called). TAP output.
set -u

completion=ctrl/steerctl/steerctl.bash
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A steerctl that knows two groups and one interface, as steerd would say.
cat >"$tmp/steerctl" <<'FAKE'
#!/bin/sh
echo "$*" >>"${0%/*}/calls"
case "$*" in
*"group list"*) echo '{"groups":[{"name":"web","id":0},{"name":"dns","id":1}]}' ;;
*"iface show"*) echo '{"ifaces":[{"name":"veth7","ifindex":9}]}' ;;
esac
FAKE
chmod +x "$tmp/steerctl"

n=0 failed=0
# complete BIN WORD... : the completions of the last word.
complete_line() {
	bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_steerctl; echo "${COMPREPLY[*]}"' _ "$completion" "$@"
}
check() { # description want BIN WORD...
	local what=$1 want=$2 got
	shift 2
	got=$(complete_line "$@")
	n=$((n + 1))
	if [ "$got" = "$want" ]; then
		echo "ok $n - $what"
	else
		echo "not ok $n - $what: got '$got', want '$want'"
		failed=$((failed + 1))
	fi
}

echo "1..14"
check "command prefix" "group" steerctl gr
check "commands" "apply" steerctl app
check "global options" "--pretty" steerctl --pr
check "group subcommands" "add del list show adopt" steerctl group ""
check "iface subcommands" "attach detach show" steerctl -j iface ""
check "--mode values" "native skb" steerctl iface attach x --mode ""
check "--kind values" "reuseport xsk" steerctl group add web --kind ""
check "--proto values" "tcp udp" steerctl group add web --proto ""
check "group adopt takes --pid" "--pid" steerctl group adopt web --p
check "group names from steerd" "web dns" "$tmp/steerctl" group show ""
check "drain takes a group name" "dns" "$tmp/steerctl" drain d
check "interface names from steerd" "veth7" "$tmp/steerctl" iface detach ""
check "--socket goes along to the query" "web" \
	"$tmp/steerctl" --socket /run/x.sock group del w
n=$((n + 1))
if grep -q -- '--socket /run/x.sock -j group list' "$tmp/calls"; then
	echo "ok $n - the query used the line's --socket"
else
	echo "not ok $n - the query did not use --socket: $(cat "$tmp/calls")"
	failed=$((failed + 1))
fi
[ "$failed" -eq 0 ]
