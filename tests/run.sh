#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Runs test programs (cmocka, TAP output) and shell tests, prints each result
# and ends with one summary line: "N passed, N failed[, N skipped]".
# A program that crashes or exits non-zero without reporting a failure counts
# its missing results as failed. Usage: tests/run.sh BUILD_DIR TEST...
set -u

build=$1
shift
export STEER_BUILD=$build
export STEERCTL=${STEERCTL:-$build/steerctl}
export CMOCKA_MESSAGE_OUTPUT=TAP

passed=0 failed=0 skipped=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for t in "$@"; do
	name=${t#"$build"/}
	echo "== $name"
	"$t" >"$log" 2>&1
	rc=$?
	plan=0 ok=0 bad=0 skip=0
	while IFS= read -r line; do
		case $line in
		1..*) plan=${line#1..} ;;
		"not ok "*"# SKIP"*) skip=$((skip + 1)); echo "  skip ${line#*# SKIP }" ;;
		"not ok "*) bad=$((bad + 1)); echo "  FAIL ${line#not ok }" ;;
		"ok "*) ok=$((ok + 1)) ;;
		"# not ok"* | "# ok"*) ;;
		"#"*) echo "  $line" ;;
		*) echo "  $line" ;;
		esac
	done <"$log"
	missing=$((plan - ok - bad - skip))
	[ "$missing" -lt 0 ] && missing=0
	if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ] && [ "$missing" -eq 0 ]; then
		missing=1 # died after reporting, or a non-cmocka failure
	fi
	[ "$missing" -gt 0 ] && echo "  FAIL $missing result(s) missing (exit status $rc)"
	bad=$((bad + missing))
	echo "  $ok passed, $bad failed, $skip skipped"
	passed=$((passed + ok))
	failed=$((failed + bad))
	skipped=$((skipped + skip))
done

summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
[ "$failed" -eq 0 ]
