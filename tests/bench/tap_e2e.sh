#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# End-to-end tap benchmark on the built-in lab: bench_tap runs the
# generator in namespace A and each receive setup in B (see bench_tap.c).
# Usage: tap_e2e.sh BENCH_TAP
bin=${1:?usage: tap_e2e.sh bench_tap}
. "$(dirname "$0")/../netns/lib.sh"

P=mre$$
lab_up "$P"
ncpu=$(nproc)
wcore=$((ncpu > 1 ? 1 : 0))
"$bin" --rx-ns "/var/run/netns/$P-b" --tx-ns "/var/run/netns/$P-a" --dl "$DL" \
    --gen-core 0 --worker-core "$wcore" --count "${DL_BENCH_COUNT:-250000}" \
    --rounds "${DL_BENCH_ROUNDS:-5}"
