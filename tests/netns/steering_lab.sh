#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Lab steering on a 4-queue veth: a sender-side tc egress rule pins
# udp dport 5000 to TX queue 3, and the peer's per-queue XDP counters must
# show every datagram on RX queue 3. Also: the steering check reads that as
# "all on queue 3", a mis-declared rule as a violation, and veth's RSS
# config as "not exposed". Needs root; exits 77 (skip) otherwise.
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"

[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
for t in ip tc ethtool; do
    command -v "$t" >/dev/null || { echo "SKIP: $t missing"; exit 77; }
done
LAB=${DL_STEER_LAB:?}
XDP_OBJ=${DL_XDP_PASS_OBJ:?}

A=dlr$$a
B=dlr$$b
N=160
tmp=$(mktemp -d)

cleanup() {
    ip netns del "$A" 2>/dev/null || true
    ip netns del "$B" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT

fail() { echo "FAIL: $*"; exit 1; }

ip netns add "$A"
ip netns add "$B"
ip -n "$A" link add v0 numtxqueues 4 numrxqueues 4 type veth \
    peer name v1 netns "$B" numtxqueues 4 numrxqueues 4
for ns in "$A" "$B"; do
    # No IPv6 autoconf or ND chatter: only our datagrams reach the counters.
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
done
ip -n "$A" addr add 198.18.0.1/30 dev v0
ip -n "$B" addr add 198.18.0.2/30 dev v1
mac1=$(ip -n "$B" -o link show v1 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
mac0=$(ip -n "$A" -o link show v0 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
# Static neighbours: no ARP frames on the queues either.
ip -n "$A" neigh add 198.18.0.2 lladdr "$mac1" dev v0 nud permanent
ip -n "$B" neigh add 198.18.0.1 lladdr "$mac0" dev v1 nud permanent
ip -n "$A" link set v0 up
ip -n "$B" link set v1 up

# veth counts per-queue RX only on its XDP path: attach a pass-through.
if ! ip -n "$B" link set dev v1 xdpdrv obj "$XDP_OBJ" sec xdp 2>"$tmp/xdp.err"; then
    echo "SKIP: cannot attach XDP_PASS to veth: $(cat "$tmp/xdp.err")"
    exit 77
fi

# veth does not expose RSS: absent, not an error.
"$LAB" rss "$B" v1 >"$tmp/rss.out"
grep -qx 'exposed=no' "$tmp/rss.out" || fail "veth RSS: $(cat "$tmp/rss.out")"
grep -qx 'v1: RSS not exposed by the driver' "$tmp/rss.out" || fail "$(cat "$tmp/rss.out")"

qcounts() {
    ip netns exec "$B" ethtool -S v1 |
        awk -F': *' '/rx_queue_[0-3]_xdp_packets/ { gsub(/ /, "", $1); print $2 }' | xargs
}

# send DPORT: 16 flows (source ports 40000-40015) of N/16 datagrams each.
send16() {
    local p sent
    for p in $(seq 40000 40015); do
        sent=$("$LAB" send "$A" 198.18.0.1 "$p" 198.18.0.2 "$1" $((N / 16)))
        [ "$sent" -eq $((N / 16)) ] || fail "sent $sent of $((N / 16)) from port $p"
    done
}

deltas() {
    after=($(qcounts))
    for q in 0 1 2 3; do d[q]=$((after[q] - before[q])); done
    echo "rx queue deltas: ${d[*]}"
}

# Control: without a rule the 16 flows spread by the kernel's TX hash
# (all on queue 3 by chance: 4^-16).
before=($(qcounts))
[ "${#before[@]}" -eq 4 ] || fail "no per-queue XDP counters on v1"
send16 5000
deltas
[ $((d[0] + d[1] + d[2] + d[3])) -eq "$N" ] || fail "control: lost packets: ${d[*]}"
[ "${d[3]}" -lt "$N" ] || fail "control: all flows on queue 3 without a rule"

how=$("$LAB" add "$A" v0 udp 5000 3 1)
echo "lab steering via $how"
before=($(qcounts))
send16 5000
deltas
[ "${d[3]}" -eq "$N" ] || fail "queue 3 got ${d[3]} of $N"
[ $((d[0] + d[1] + d[2])) -eq 0 ] || fail "other queues got packets: ${d[*]}"
d3=(${d[@]})

# The steering check over the same counts: rule satisfied.
cat >"$tmp/ok.rules" <<RULES
# as installed above
udp dport 5000 -> queue 3
default -> queues 0-3 even
RULES
out=$("$LAB" check "$tmp/ok.rules" 198.18.0.1 40000 198.18.0.2 5000 "${d3[@]}")
echo "$out"
echo "$out" | grep -qx "rule 1 (udp dport 5000 -> queue 3): $N packets matched, all on queue 3" ||
    fail "unexpected check output"

# A second flow pinned to queue 1, declared as queue 2: a violation.
"$LAB" add "$A" v0 udp 5001 1 2 >/dev/null
before=($(qcounts))
sent=$("$LAB" send "$A" 198.18.0.1 40001 198.18.0.2 5001 "$N")
[ "$sent" -eq "$N" ] || fail "sent $sent of $N"
deltas
[ "${d[1]}" -eq "$N" ] || fail "queue 1 got ${d[1]} of $N"
echo "udp dport 5001 -> queue 2" >"$tmp/bad.rules"
rc=0
out=$("$LAB" check "$tmp/bad.rules" 198.18.0.1 40001 198.18.0.2 5001 "${d[@]}") || rc=$?
echo "$out"
[ "$rc" -eq 3 ] || fail "violation not reported (rc $rc)"
echo "$out" | grep -qx "rule 1 (udp dport 5001 -> queue 2): $N packets matched, 0 arrived on queue 2, all on queue 1" ||
    fail "unexpected violation text"

# The skbedit path, where the kernel has cls_flower and act_skbedit.
rc=0
"$LAB" add "$A" v0 udp 5002 2 3 skbedit >/dev/null 2>&1 || rc=$?
if [ "$rc" -eq 77 ]; then
    echo "skbedit path not testable: kernel lacks cls_flower/act_skbedit"
elif [ "$rc" -eq 0 ]; then
    before=($(qcounts))
    send16 5002
    deltas
    [ "${d[2]}" -eq "$N" ] || fail "skbedit: queue 2 got ${d[2]} of $N"
else
    fail "skbedit add failed (rc $rc)"
fi

# Clearing removes the steering: the clsact qdisc is gone.
"$LAB" clear "$A" v0
if tc -n "$A" qdisc show dev v0 | grep -q clsact; then
    fail "clsact still present after clear"
fi
echo "PASS"
