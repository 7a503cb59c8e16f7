#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# A netfilter DROP rule in the receiver (seed 004, "netfilter rules"): B
# drops udp port 7777 in INPUT. Exactly N must land under NETFILTER_DROP,
# the verdict must name the port, the hook and how to list the rule, and
# the rule's own packet counter must agree with the trace. iptables (any
# backend) is used when present, else nft; neither: skip.
. "$(dirname "$0")/lib.sh"

P=dli$$
N=31
if command -v iptables >/dev/null; then
    TOOL=iptables
elif command -v nft >/dev/null; then
    TOOL=nft
else
    echo "SKIP: needs iptables or nft"
    exit 77
fi
lab_up "$P"
if [ "$TOOL" = iptables ]; then
    ip netns exec "$P-b" iptables -A INPUT -p udp --dport 7777 -j DROP ||
        { echo "SKIP: iptables cannot add a rule here"; exit 77; }
else
    ip netns exec "$P-b" nft -f - <<'EOF' || { echo "SKIP: nft cannot add a rule here"; exit 77; }
table inet dli {
    chain input {
        type filter hook input priority 0;
        udp dport 7777 counter drop
    }
}
EOF
fi

# Packets the DROP rule has matched, from the tool's own counters.
rule_packets() {
    if [ "$TOOL" = iptables ]; then
        ip netns exec "$P-b" iptables -L INPUT -v -n -x | awk '/dpt:7777/ { print $1 }'
    else
        ip netns exec "$P-b" nft list chain inet dli input |
            awk '/dport 7777/ { for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }'
    fi
}

ip netns exec "$P-b" "$DL" report -i v0b -d 60 --json --ready-file "$TMP/ready" \
    >"$TMP/out.json" 2>"$TMP/err" &
rep=$!
PIDS+=("$rep")
wait_file "$TMP/ready" "$rep"
ip netns exec "$P-a" "$DL" lab send udp 198.18.0.2 7777 "$N" --sport 43000 || fail "send N"
# The rule counts a packet before the hook returns its DROP verdict.
wait_value rule_packets "$N"
kill -INT "$rep"
wait "$rep" || { cat "$TMP/err" >&2; fail "report exited non-zero"; }

O=$TMP/out.json
C='.causes[] | select(.reason == "NETFILTER_DROP")'
expect "[$C | .count] == [$N]" "$O" "exactly N=$N under NETFILTER_DROP ($TOOL)"
expect "[$C | .category, .group] == [\"stack\", \"netfilter\"]" "$O" "stack/netfilter"
expect "[$C | .flows[0] | .proto, .src, .sport, .dst, .dport] == [\"udp\", \"198.18.0.1\", 43000, \"198.18.0.2\", 7777]" "$O" "the rule's port is in the flow"
expect "$C | .summary | contains(\"198.18.0.2:7777 on v0b, for a local address\")" "$O" "summary names port, interface and local delivery"
expect "$C | .summary | contains(\"(iptables INPUT)\")" "$O" "summary names the hook"
expect "$C | .advice | contains(\"matching udp port 7777\")" "$O" "advice: the rule to look for"
expect "$C | .advice | contains(\"-L INPUT -v -n -x --line-numbers\")" "$O" "advice: how to list it with counters"
expect "([.queues[].arrived] | add) == $N and .totals.xdp_seen == $N" "$O" "per-queue arrivals sum to N"
expect "[$C | .queues[]] | add == $N" "$O" "the cause's queues sum to N"
expect '.totals.residual == 0 and .totals.records_lost == 0 and .totals.delivered == 0' "$O" "residual 0, nothing delivered"
[ "$(rule_packets)" = "$N" ] || fail "rule counter $(rule_packets) != $N"
ok "the DROP rule's counter == traced == $N"
echo "all passed"
