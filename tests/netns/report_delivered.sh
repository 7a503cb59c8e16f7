#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Deliveries: datagrams an application reads. On kernels that free them
# with skb_attempt_defer_free (6.13+) most pass no tracepoint, so they show
# as residual; the ledger must then say that the kernel's Udp InDatagrams
# explains it, and never call them drops.
. "$(dirname "$0")/lib.sh"

P=dld$$
N=73
lab_up "$P"
ip netns exec "$P-b" "$DL" lab sink 9100 --read --ready-file "$TMP/sink" >"$TMP/sink.out" &
sink=$!
PIDS+=("$sink")
ip netns exec "$P-b" "$DL" report -i v0b -d 120 --json --ready-file "$TMP/ready" \
    >"$TMP/out.json" 2>"$TMP/err" &
rep=$!
PIDS+=("$rep")
wait_file "$TMP/sink" "$sink"
wait_file "$TMP/ready" "$rep"
ip netns exec "$P-a" "$DL" lab send udp 198.18.0.2 9100 "$N" --sport 42000 || fail send
# The sink drains every 50 ms; stop it once the kernel counted N reads.
in_datagrams() { snmp_get "$P-b" Udp InDatagrams; }
wait_value in_datagrams "$N"
kill "$sink"; wait "$sink"
grep -qx "received $N" "$TMP/sink.out" || fail "sink: $(cat "$TMP/sink.out")"
kill -INT "$rep"
wait "$rep" || { cat "$TMP/err"; fail "report failed"; }

O=$TMP/out.json
expect ".totals.xdp_seen == $N and .totals.stack_dropped == 0" "$O" "N arrivals, no drop"
expect "[.crosschecks[] | select(.counter == \"Udp InDatagrams\") | .kernel] == [$N]" "$O" "Udp InDatagrams counts every datagram read"
expect ".totals.delivered + .totals.residual == $N" "$O" "delivered (traced) + residual = N"
expect '.totals.residual == 0 or .totals.residual_delivered_untraced == .totals.residual' "$O" "the whole residual is explained as untraced deliveries"
expect '.causes == []' "$O" "deliveries are never drops"
