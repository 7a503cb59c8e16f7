#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Neighbour resolution failure on the SENDING side (seed 004, "arp"): A
# sends N datagrams to 198.18.0.77, on-link on v0a but absent. ARP gives up
# and the kernel frees the queued packets with NEIGH_FAILED in
# neigh_invalidate (6.18), on v0a, with skb_iif 0: a transmit-path drop.
# The report on v0a must show them as a "tx" cause naming the next hop.
# Until the report has an egress direction, those checks are skipped (77)
# after checking today's accounting (prestack_dropped).
. "$(dirname "$0")/lib.sh"

P=dli$$
N=29
lab_up "$P"
# ARP gives up after mcast_solicit (3) probes retrans_time apart: 0.3 s.
ip netns exec "$P-a" sysctl -qw net.ipv4.neigh.v0a.retrans_time_ms=100 || fail "retrans"

ip netns exec "$P-a" "$DL" report -i v0a -d 60 --json --ready-file "$TMP/ready" \
    >"$TMP/out.json" 2>"$TMP/err" &
rep=$!
PIDS+=("$rep")
wait_file "$TMP/ready" "$rep"
ip netns exec "$P-a" "$DL" lab send udp 198.18.0.77 7777 "$N" --sport 44000 || fail "send N"
# FAILED is set, and the queue freed, in the same timer run.
for i in $(seq 1 200); do
    ip -n "$P-a" neigh show 198.18.0.77 dev v0a | grep -q FAILED && break
    sleep 0.05
done
ip -n "$P-a" neigh show 198.18.0.77 dev v0a | grep -q FAILED || fail "ARP never failed"
kill -INT "$rep"
wait "$rep" || { cat "$TMP/err" >&2; fail "report exited non-zero"; }

O=$TMP/out.json
expect '.interface == "v0a" and .totals.xdp_seen == 0' "$O" "nothing arrived on v0a"
expect '.totals.residual == 0 and .totals.records_lost == 0' "$O" "ingress equation untouched: residual 0"
if ! grep -q '"direction"' "$O"; then
    expect ".totals.prestack_dropped == $N" "$O" "today: the N freed on v0a counted as prestack_dropped"
    echo "SKIP (TODO lead): the report has no egress direction yet; NEIGH_FAILED/tx checks not run"
    exit 77
fi
C='.causes[] | select(.reason == "NEIGH_FAILED" and .direction == "tx")'
expect "[$C | .count] == [$N]" "$O" "exactly N=$N under NEIGH_FAILED, direction tx"
expect "[$C | .category, .group] == [\"stack\", \"neighbour\"]" "$O" "stack/neighbour"
expect "$C | .location | test(\"^neigh_invalidate\\\\+0x[0-9a-f]+$\")" "$O" "freed in neigh_invalidate (6.18)"
expect "[$C | .flows[0] | .proto, .src, .sport, .dst, .dport] == [\"udp\", \"198.18.0.1\", 44000, \"198.18.0.77\", 7777]" "$O" "the next hop is the flow's destination"
expect "$C | .summary | contains(\"ARP for next hop 198.18.0.77 on v0a got no answer (on-link: v0a has 198.18.0.1/24\")" "$O" "summary names next hop, interface and subnet"
expect "$C | .advice | contains(\"arping -I v0a 198.18.0.77\")" "$O" "advice: arping the next hop"
expect "[.causes[] | select(.direction == \"tx\") | .count] | add == $N" "$O" "no other tx drop"
echo "all passed"
