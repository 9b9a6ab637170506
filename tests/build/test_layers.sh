#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Nothing below calls up (TAP): each folder of ctrl/ includes headers only
# from itself and the layers below it, and userland/ and tools/ see only
# ctrl/lib. A header included across the line is named with its file.
# Usage: tests/build/test_layers.sh (run from the repository's root)
set -u
cd "$(dirname "$0")/../.."

# folder: the ctrl/ folders (and xdp/, the ABI; uapi/, netlink's vendored
# headers; steer/, libsteer's public header) its files may include.
rules=(
	"ctrl/lib:lib xdp"
	"ctrl/netlink:netlink uapi lib xdp"
	"ctrl/host:host lib xdp"
	"ctrl/dataplane:dataplane lib xdp"
	"ctrl/steerd:steerd dataplane netlink host lib xdp"
	"ctrl/steerctl:steerctl host lib xdp"
	"userland/lib:steer lib xdp"
	"userland/examples:steer lib xdp"
	"tools/loadgen:lib xdp"
)

echo "1..${#rules[@]}"
n=0 failed=0
for rule in "${rules[@]}"; do
	dir=${rule%%:*} allowed=${rule#*:}
	n=$((n + 1))
	bad=""
	# Every quoted include with a folder prefix names its layer first.
	while IFS=: read -r file layer; do
		case " $allowed " in
		*" $layer "*) ;;
		*) bad="$bad $file->$layer" ;;
		esac
	done < <(grep -rHo '^#include "[a-z_]*/' "$dir" --include='*.[ch]' |
		sed 's|:#include "|:|; s|/$||')
	if [ -z "$bad" ]; then
		echo "ok $n - $dir includes only: $allowed"
	else
		echo "not ok $n - $dir includes upward:$bad"
		failed=1
	fi
done
exit $failed
