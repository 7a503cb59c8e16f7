#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# NIC and kernel counters on a real 4-queue veth pair in two fresh network
# namespaces: ethtool per-queue counters, sysfs statistics and qstats read
# through libdropledger (tests/netns/counters_probe), and exact deltas after
# a known number of pings and UDP datagrams to a closed port.
#   counters_veth.sh PROBE MAPFILE        (root; exits 77 to skip)
set -u

probe=$1
map=$2
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
for t in ip ping taskset; do
    command -v $t >/dev/null || { echo "SKIP: $t not installed"; exit 77; }
done

A=dlc$$a
B=dlc$$b
cleanup() {
    ip netns del "$A" 2>/dev/null
    ip netns del "$B" 2>/dev/null
    return 0
}
trap cleanup EXIT

fail=0
check() {
    # check DESCRIPTION EXPECTED ACTUAL
    if [ "$2" = "$3" ]; then
        echo "ok: $1"
    else
        echo "FAIL: $1: expected '$2', got '$3'"
        fail=1
    fi
}

ip netns add "$A" && ip netns add "$B" || { echo "SKIP: cannot create namespaces"; exit 77; }
# No IPv6 (no router/neighbour solicitations) and static neighbours (no
# ARP): the only frames on the wire are the ones this test sends.
for ns in "$A" "$B"; do
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
        net.ipv6.conf.default.disable_ipv6=1
done
ip -n "$A" link add v0 numtxqueues 4 numrxqueues 4 type veth \
    peer name v1 netns "$B" numtxqueues 4 numrxqueues 4 || exit 1
ip -n "$A" addr add 198.18.0.1/24 dev v0
ip -n "$B" addr add 198.18.0.2/24 dev v1
mac0=$(ip -n "$A" -br link show v0 | awk '{print $3}')
mac1=$(ip -n "$B" -br link show v1 | awk '{print $3}')
ip -n "$A" neigh add 198.18.0.2 lladdr "$mac1" dev v0 nud permanent
ip -n "$B" neigh add 198.18.0.1 lladdr "$mac0" dev v1 nud permanent
ip -n "$A" link set v0 up
ip -n "$B" link set v1 up

# 1. Five pings from A to B; v1 is read in B before and after.
out=$(ip netns exec "$B" "$probe" --map "$map" v1 -- \
      ip netns exec "$A" ping -c 5 -i 0.2 -W 2 -q 198.18.0.2) || {
    echo "FAIL: probe: $out"; exit 1; }
before=${out%%after*}
check "driver" "driver veth" "$(grep -m1 '^driver ' <<<"$before")"
check "4 RX queues from the driver map" "nr_queues 4" "$(grep -m1 '^nr_queues ' <<<"$before")"
check "ethtool: rx_queue_N_* counters of 4 queues" "4" \
    "$(grep -oE '^ethtool rx_queue_[0-9]+_drops ' <<<"$before" | sort -u | wc -l)"
check "ethtool: 7 counters per RX queue" "28" "$(grep -cE '^ethtool rx_queue_[0-9]+_' <<<"$before")"
check "per-queue xdp_drops from ethtool" "4" \
    "$(grep -cE '^queue [0-3] xdp_drops [0-9]+ ethtool$' <<<"$before")"
check "veth has no per-queue rx_packets" "0" "$(grep -cE '^queue [0-9]+ rx_packets ' <<<"$before")"
# veth has no qstats ops: the reader answers "no records", not an error.
check "qstats read without error" "qstats_err 0" "$(grep -m1 '^qstats_err ' <<<"$before")"
check "no qstats records for veth" "qstats_records 0" "$(grep -m1 '^qstats_records ' <<<"$before")"
check "interface rx_packets from sysfs" "1" \
    "$(grep -cE '^global rx_packets [0-9]+ sysfs$' <<<"$before")"
check "clean interval" "delta reset 0" "$(grep '^delta reset ' <<<"$out")"
check "sysfs rx_packets +5 after 5 pings" "delta global rx_packets 5 sysfs" \
    "$(grep '^delta global rx_packets ' <<<"$out")"
check "no veth drops" "delta global other_drop 0 ethtool" \
    "$(grep '^delta global other_drop ' <<<"$out")"
s0=$(grep -m1 '^sysfs rx_packets ' <<<"$before" | cut -d' ' -f3)
s1=$(sed -n '/^after/,$p' <<<"$out" | grep -m1 '^sysfs rx_packets ' | cut -d' ' -f3)
check "raw sysfs rx_packets grew by 5" "5" "$((s1 - s0))"
# arp_cache is only in the initial namespace's /proc: there it is "not
# available", which the reader must say without failing.
check "kernel counter readers answer in a namespace" "3" \
    "$(grep -cE '^(softnet_cols (9|1[0-9])|(arp_cache|conntrack)_available [01])$' \
       <<<"$before")"

# 2. Three UDP datagrams to a closed port, then one ping. All on CPU 0, so
# they share one backlog: the ping's reply means the datagrams were handled.
out=$(ip netns exec "$B" "$probe" --map "$map" v1 -- \
      ip netns exec "$A" taskset -c 0 bash -c \
      'for i in 1 2 3; do echo x >/dev/udp/198.18.0.2/9; done; ping -c 1 -W 2 -q 198.18.0.2') || {
    echo "FAIL: probe: $out"; exit 1; }
check "Udp NoPorts +3" "delta snmp Udp NoPorts 3" "$(grep '^delta snmp Udp NoPorts ' <<<"$out")"
check "sysfs rx_packets +4" "delta global rx_packets 4 sysfs" \
    "$(grep '^delta global rx_packets ' <<<"$out")"

exit $fail
