#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Peak RSS of report's default and tap paths with 1 M flows on the lab's
# 4-queue veth (see bench_tap_mem.c). Usage: tap_mem.sh BENCH_TAP_MEM
bin=${1:?usage: tap_mem.sh bench_tap_mem}
. "$(dirname "$0")/../netns/lib.sh"

P=mrz$$
lab_up "$P"
ncpu=$(nproc)
"$bin" --rx-ns "/var/run/netns/$P-b" --flows "${DL_BENCH_FLOWS:-1000000}" \
    --worker-core $((ncpu > 1 ? 1 : 0))
