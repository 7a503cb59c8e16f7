#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# watch feeding a real Prometheus server: two labs (each its own pair of
# namespaces, as two edge hosts would be), one `watch --netns` per lab and
# so one scrape target per "host", like node_exporter. Known drops on
# three interfaces (closed UDP ports -> NO_SOCKET, an iptables rule ->
# NETFILTER_DROP); a PromQL query through the HTTP API must return exactly
# those counts per lab, device and reason. promtool accepts the endpoint.
. "$(dirname "$0")/lib.sh"

PROM=/usr/bin/prometheus
PROMTOOL=/usr/bin/promtool
[ -x "$PROM" ] && [ -x "$PROMTOOL" ] || { echo "SKIP: needs prometheus (Debian package)"; exit 77; }
command -v curl >/dev/null || { echo "SKIP: needs curl"; exit 77; }
command -v iptables >/dev/null || PATH=$PATH:/usr/sbin:/sbin
command -v iptables >/dev/null || { echo "SKIP: needs iptables"; exit 77; }

# A free TCP port on 127.0.0.1 (bind 0, read what the kernel gave).
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

A=exA$$
B=exB$$
lab_up "$A"
lab_up "$B"
ip netns exec "$B-b" iptables -A INPUT -p udp --dport 6000 -j DROP ||
    { echo "SKIP: iptables unusable in the namespace"; exit 77; }

PA=$(free_port); PB=$(free_port); PP=$(free_port)
for l in A B; do
    ns=$A; port=$PA
    [ $l = B ] && { ns=$B; port=$PB; }
    "$DL" watch --netns "$ns-b" -i all -I 1 --metrics-listen "127.0.0.1:$port" \
        --ready-file "$TMP/ready$l" >"$TMP/watch$l.out" 2>"$TMP/watch$l.err" &
    PIDS+=("$!")
    eval "W$l=$!"
done
wait_file "$TMP/readyA" "$WA"
wait_file "$TMP/readyB" "$WB"

cat >"$TMP/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $DL_CONFIGDIR/prometheus/recording_rules.yml
  - $DL_CONFIGDIR/prometheus/alert_rules.yml
scrape_configs:
  - job_name: dropledger
    static_configs:
      - targets: ['127.0.0.1:$PA']
        labels: {lab: A}
      - targets: ['127.0.0.1:$PB']
        labels: {lab: B}
YML
"$PROM" --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/tsdb" \
    --web.listen-address="127.0.0.1:$PP" --log.level=warn >"$TMP/prom.log" 2>&1 &
PROMPID=$!
PIDS+=("$PROMPID")
API=http://127.0.0.1:$PP
for i in $(seq 1 200); do
    curl -sf "$API/-/ready" >/dev/null && break
    kill -0 "$PROMPID" 2>/dev/null || { cat "$TMP/prom.log"; fail "prometheus died"; }
    sleep 0.1
done
curl -sf "$API/-/ready" >/dev/null || fail "prometheus not ready in 20 s"
ok "prometheus up on 127.0.0.1:$PP"

ip netns exec "$A-a" "$DL" lab send udp 198.18.0.2 5000 30 >/dev/null || fail "send A v0"
ip netns exec "$A-a" "$DL" lab send udp 198.18.1.2 5001 12 >/dev/null || fail "send A v1"
ip netns exec "$B-a" "$DL" lab send udp 198.18.0.2 5002 20 >/dev/null || fail "send B v0"
ip netns exec "$B-a" "$DL" lab send udp 198.18.1.2 6000 7 >/dev/null || fail "send B v1"

Q='sum by (lab, device, reason) (dropledger_stack_dropped_packets_total{direction="rx"})'
WANT='[["A","v0b","NO_SOCKET","30"],["A","v1b","NO_SOCKET","12"],["B","v0b","NO_SOCKET","20"],["B","v1b","NETFILTER_DROP","7"]]'
got=
for i in $(seq 1 300); do
    got=$(curl -sf --get "$API/api/v1/query" --data-urlencode "query=$Q" |
        jq -c '[.data.result[] | [.metric.lab, .metric.device, .metric.reason, .value[1]]] | sort')
    [ "$got" = "$WANT" ] && break
    sleep 0.1
done
echo "PromQL: $Q"
echo "result: $got"
[ "$got" = "$WANT" ] || { tail -5 "$TMP"/watch*.err; fail "Prometheus has $got, want $WANT"; }
ok "Prometheus returns exactly the injected drops per lab, device and reason"

# Arrivals balance: every injected frame seen at XDP on its device.
Q2='sum by (lab, device) (dropledger_xdp_seen_packets_total)'
got=$(curl -sf --get "$API/api/v1/query" --data-urlencode "query=$Q2" |
    jq -c '[.data.result[] | [.metric.lab, .metric.device, .value[1]]] | sort')
[ "$got" = '[["A","v0b","30"],["A","v1b","12"],["B","v0b","20"],["B","v1b","7"]]' ] ||
    fail "xdp_seen per device: $got"
ok "arrivals per device: $got"

curl -sf "127.0.0.1:$PA/metrics" >"$TMP/a.prom" || fail "GET /metrics"
"$PROMTOOL" check metrics <"$TMP/a.prom" || fail "promtool check metrics"
ok "promtool check metrics accepts the endpoint"
code=$(curl -s -o /dev/null -w '%{http_code}' "127.0.0.1:$PA/")
[ "$code" = 404 ] || fail "GET / gave $code, want 404"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "127.0.0.1:$PA/metrics")
[ "$code" = 405 ] || fail "POST /metrics gave $code, want 405"
ok "only GET /metrics is served (404, 405 otherwise)"

# A scraper that connects and never reads: accounting goes on.
exec 9<>/dev/tcp/127.0.0.1/"$PA"
n0=$(curl -sf "127.0.0.1:$PA/metrics" | awk '$1 == "dropledger_intervals_total{device=\"v0b\"}" { print $2 }')
sleep 2.2
n1=$(curl -sf "127.0.0.1:$PA/metrics" | awk '$1 == "dropledger_intervals_total{device=\"v0b\"}" { print $2 }')
exec 9>&-
[ -n "$n0" ] && [ "$n1" -gt "$n0" ] || fail "intervals stalled with an idle client ($n0 -> $n1)"
ok "an idle client stalls nothing (intervals $n0 -> $n1)"

# The recording and alert rules loaded and healthy.
bad=$(curl -sf "$API/api/v1/rules" | jq '[.data.groups[].rules[] | select(.health != "ok" and .health != "unknown")] | length')
[ "$bad" = 0 ] || fail "$bad rules unhealthy"
ok "rules loaded and healthy"

for w in "$WA" "$WB"; do
    kill -TERM "$w"
    wait "$w" || fail "watch exited $?"
done
PIDS=("$PROMPID")
for ns in "$A-b" "$B-b"; do
    for d in v0b v1b; do
        [ -z "$(xdp_prog_id "$ns" "$d")" ] || fail "XDP left on $ns $d"
    done
done
ok "watch stopped cleanly, nothing left attached"
