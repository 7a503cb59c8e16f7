#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Build the libFuzzer targets with clang (-fsanitize=fuzzer,address,undefined)
# into OUT (default build-fuzz/): tests/fuzz/build.sh [OUT]. The parsers are
# compiled from lib/ directly, so the fuzz build needs no second meson tree;
# dl_config.h comes from the regular build (build/), made first.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-build-fuzz}
cfg=${DL_BUILD:-build}
[ -f "$cfg/dl_config.h" ] || { echo "build.sh: run meson/ninja in $cfg first" >&2; exit 1; }
cc=${CC_FUZZ:-clang}
mkdir -p "$out/obj"
flags=(-g -O1 -fno-omit-frame-pointer -D_GNU_SOURCE -std=gnu11
       -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
       -Ilib -Ibpf -I"$cfg" -Itests/fuzz -Wall -Wno-unused-parameter)
lib=(util/log util/nl util/text_parse util/tsv util/config_path util/cpulist util/params util/template
     rss/steering_rules ledger/report_conf verdict/causes verdict/advice_cond verdict/advice_rules verdict/proc_ipv4 verdict/tc_state
     counters/nic_map counters/ethtool_stats counters/snmp counters/softnet
     counters/stat_table counters/arp_cache counters/conntrack_stat
     counters/qstats counters/mib_discards trace/ksyms fastpath/flow fastpath/hook fastpath/mirror_kind export/fail_on)
objs=()
for s in "${lib[@]}" ../tests/fuzz/fuzz_util; do
    o=$out/obj/$(echo "$s" | tr / _).o
    if [ ! -f "$o" ] || [ "lib/$s.c" -nt "$o" ]; then
        "$cc" "${flags[@]}" -c "lib/$s.c" -o "$o"
    fi
    objs+=("$o")
done
libs=(-linih -lmnl -lbpf -lxdp)
for t in tests/fuzz/fuzz_*.c; do
    name=$(basename "$t" .c)
    [ "$name" = fuzz_util ] && continue
    "$cc" "${flags[@]/fuzzer-no-link/fuzzer}" "$t" "${objs[@]}" "${libs[@]}" -o "$out/$name"
done
ls "$out" | grep -c '^fuzz_' | xargs echo "fuzz targets built in $out:"
