#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The quick start's main job, `dropledger demo`, end to end: every injected
# fault named with its exact count, the ledger balanced, the lab removed.
. "$(dirname "$0")/lib.sh"

P=dlo$$
LABS+=("$P")    # removed by the trap should the demo itself fail to
"$DL" demo --json --prefix "$P" >"$TMP/out.json" 2>"$TMP/err" || { cat "$TMP/err"; fail "demo failed"; }
O=$TMP/out.json
C() { echo "[.causes[] | select($1) | .count] | add"; }
expect "$(C '.reason == "NO_SOCKET"') == 200" "$O" "closed port: 200 NO_SOCKET"
expect "$(C '.flows[0].dport == 9001') == 300" "$O" "slow reader: all 300 accounted (buffer full or freed at close)"
expect "$(C '.reason == "UNHANDLED_PROTO"') == 20" "$O" "LLDP: 20 UNHANDLED_PROTO"
expect "$(C '.flows[0].dst == "239.1.2.3"') == 50" "$O" "multicast: 50 dropped"
expect '.causes[] | select(.flows[0].dst == "239.1.2.3") | .summary | contains("joined on v1b")' "$O" "multicast: joined on the wrong interface"
expect "$(C '.reason == "IP_RPFILTER"') == 40" "$O" "rp_filter: 40 IP_RPFILTER"
expect '.totals.xdp_seen == 610 and .totals.residual == 0' "$O" "610 arrivals, residual 0"
expect '[.crosschecks[] | .match] | all' "$O" "every kernel counter agrees"
ip netns list | grep -q "^$P-" && fail "demo left its namespaces"
ok "lab removed"
