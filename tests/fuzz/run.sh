#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Run every libFuzzer target built by build.sh for SECS seconds each:
#   tests/fuzz/run.sh [SECS] [OUT]      (default 12 s, build-fuzz/)
# Each starts from its seed corpus (tests/fuzz/corpus/T, copied: the run's
# new inputs stay in OUT) and the regression inputs. Prints one line per
# target with its executions; a crash is saved to tests/fuzz/regress/T/ so
# a unit test runs it from then on, and fails the target. Writes meson-style
# JSON lines (name, result) to OUT/testlog.json for .ci/run's summary.
set -uo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-12}
out=${2:-build-fuzz}
log=$out/testlog.json
: >"$log"
rc=0
for exe in "$out"/fuzz_*; do
    t=${exe##*/fuzz_}
    work=$out/corpus/$t
    mkdir -p "$work" "tests/fuzz/regress/$t" "$out/crash/$t"
    cp -n tests/fuzz/corpus/"$t"/* "$work"/ 2>/dev/null
    res=OK
    "$exe" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=1024 \
        -artifact_prefix="$out/crash/$t/" -print_final_stats=1 \
        "$work" "tests/fuzz/regress/$t" >"$out/$t.log" 2>&1 || res=FAIL
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t.log" | tail -1)
    for c in "$out/crash/$t"/*; do
        [ -e "$c" ] || continue
        cp "$c" "tests/fuzz/regress/$t/" && res=FAIL
    done
    if [ "$res" = FAIL ]; then
        rc=1
        grep -m3 -E "ERROR|runtime error|SUMMARY" "$out/$t.log"
    fi
    printf 'fuzz %-15s %-4s %10s executions in %s s\n' "$t" "$res" "${execs:-?}" "$secs"
    printf '{"name": "fuzz/%s", "result": "%s", "executions": %s}\n' "$t" "$res" "${execs:-0}" >>"$log"
done
exit $rc
