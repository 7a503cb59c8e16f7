#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Reverse-path filter (seed 002): datagrams from 198.19.5.1 arrive on v0b,
# but B routes 198.19.5.0/24 via v1b and runs strict rp_filter (conf.all
# and conf.v0b = 1). Exactly N must land under IP_RPFILTER, the verdict must
# name the rp_filter values and the route back, and the kernel's own
# IPReversePathFilter counter must agree. Then loose mode (the advice) lets
# the same datagrams through.
# Needs DL_UDP_FROM (tests/netns/udp_from.c: binds a source address).
. "$(dirname "$0")/lib.sh"

SEND=${DL_UDP_FROM:?DL_UDP_FROM must name the udp_from helper}
P=dli$$
N=23
M=7
lab_up "$P"
ip -n "$P-a" addr add 198.19.5.1/32 dev v0a || fail "source address"
ip -n "$P-b" route add 198.19.5.0/24 via 198.18.1.1 dev v1b || fail "route via v1b"
ip netns exec "$P-b" sysctl -qw net.ipv4.conf.all.rp_filter=1 \
    net.ipv4.conf.v0b.rp_filter=1 || fail "rp_filter"

# netstat -s IPReversePathFilter of namespace B (fresh: starts at 0).
rpf_counter() { snmp_get "$P-b" TcpExt IPReversePathFilter; }
udp_noports() { snmp_get "$P-b" Udp NoPorts; }

ip netns exec "$P-b" "$DL" report -i v0b -d 60 --json --ready-file "$TMP/ready" \
    >"$TMP/out.json" 2>"$TMP/err" &
rep=$!
PIDS+=("$rep")
wait_file "$TMP/ready" "$rep"
[ "$(rpf_counter)" = 0 ] || fail "IPReversePathFilter not 0 at start"
ip netns exec "$P-a" "$SEND" 198.19.5.1 41000 198.18.0.2 7001 "$N" >/dev/null || fail "send N"
# The kernel counts each drop just before freeing it: then stop the report.
wait_value rpf_counter "$N"
kill -INT "$rep"
wait "$rep" || { cat "$TMP/err" >&2; fail "report exited non-zero"; }

O=$TMP/out.json
C='.causes[] | select(.reason == "IP_RPFILTER")'
expect "[$C | .count] == [$N]" "$O" "exactly N=$N under IP_RPFILTER"
expect "[$C | .category, .group] == [\"stack\", \"ip-route\"]" "$O" "IP_RPFILTER is stack/ip-route"
expect "$C | .location | test(\"^ip_rcv_finish_core\\\\+0x[0-9a-f]+$\")" "$O" "dropped in ip_rcv_finish_core (6.18)"
expect "[$C | .flows[0] | .proto, .src, .sport, .dst, .dport] == [\"udp\", \"198.19.5.1\", 41000, \"198.18.0.2\", 7001]" "$O" "the spoofed-looking flow is named"
expect "$C | .summary | contains(\"rp_filter=1 (strict) on v0b via net.ipv4.conf.all.rp_filter=1\")" "$O" "summary names the rp_filter values in force"
expect "$C | .summary | contains(\"the route back to 198.19.5.1 leaves via v1b (198.19.5.0/24 via 198.18.1.1 dev v1b)\")" "$O" "summary names the route back"
expect "$C | .advice | contains(\"net.ipv4.conf.v0b.rp_filter=2\")" "$O" "advice: loose mode on v0b"
expect "([.queues[].arrived] | add) == $N and .totals.xdp_seen == $N" "$O" "per-queue arrivals sum to N"
expect "[$C | .queues[]] | add == $N" "$O" "the cause's queues sum to N"
expect ".totals.stack_dropped == $N and .totals.delivered == 0" "$O" "every arrival dropped, none delivered"
expect '.totals.residual == 0 and .totals.records_lost == 0' "$O" "residual 0, no record lost"
[ "$(rpf_counter)" = "$N" ] || fail "kernel IPReversePathFilter $(rpf_counter) != $N"
ok "kernel IPReversePathFilter == traced == $N"

# The advice works: loose mode accepts a source that has some route back.
# (Nothing listens on 7001, so they end as UDP NoPorts, past the filter.)
ip netns exec "$P-b" sysctl -qw net.ipv4.conf.v0b.rp_filter=2 || fail "loose"
ip netns exec "$P-a" "$SEND" 198.19.5.1 41000 198.18.0.2 7001 "$M" >/dev/null || fail "send M"
wait_value udp_noports "$M"
[ "$(rpf_counter)" = "$N" ] || fail "loose mode still filtered"
ok "rp_filter=2 lets the $M datagrams past the filter"
echo "all passed"
