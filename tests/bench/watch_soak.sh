#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# watch on 4 interfaces: CPU as a share of one core at idle, then under a
# drop storm of DL_SOAK_ROUNDS x 65536 flows x DL_SOAK_COUNT frames to a
# closed port (default 16 x 65536 x 10 = 10.5 M drops, 1 M flows), peak
# RSS sampled every second (slope after warm-up), and every series exact
# at the end: drops = frames sent, arrivals = frames sent, residual 0.
# Figures are printed; only the counts are asserted.
. "$(dirname "$0")/../netns/lib.sh"
command -v bc >/dev/null || { echo "SKIP: needs bc"; exit 77; }

ROUNDS=${DL_SOAK_ROUNDS:-16}
COUNT=${DL_SOAK_COUNT:-10}
P=exs$$
lab_up "$P"
for i in 2 3; do
    ip -n "$P-a" link add v${i}a type veth peer name v${i}b netns "$P-b" &&
    ip -n "$P-a" addr add 198.18.$i.1/24 dev v${i}a && ip -n "$P-b" addr add 198.18.$i.2/24 dev v${i}b &&
    ip -n "$P-a" link set v${i}a up && ip -n "$P-b" link set v${i}b up || fail "veth $i"
done
TCK=$(getconf CLK_TCK)
share() { echo "scale=3; 100 * ($2 - $1) / $TCK / $3" | bc; }

# Idle at the default interval (10 s): 30 s after the attach.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$DL" watch --netns "$P-b" -i all --metrics-listen "127.0.0.1:$port" --ready-file "$TMP/ready10" \
    >/dev/null 2>"$TMP/err10" &
W10=$!
PIDS+=("$W10")
wait_file "$TMP/ready10" "$W10"
sleep 2
a=$(awk '{ print $14 + $15 }' "/proc/$W10/stat"); sleep 30; b=$(awk '{ print $14 + $15 }' "/proc/$W10/stat")
echo "idle: watch (default -I 10, /metrics) on 4 interfaces uses $(share "$a" "$b" 30)% of one core"
kill -TERM "$W10"; wait "$W10" || fail "watch -I 10 exit $?"

M=$TMP/m.prom
"$DL" watch --netns "$P-b" -i all -I 1 --metrics-textfile "$M" --ready-file "$TMP/ready" \
    >/dev/null 2>"$TMP/err" &
W=$!
PIDS+=("$W")
wait_file "$TMP/ready" "$W"
[ "$(grep -c ': watching' "$TMP/err")" = 4 ] || { cat "$TMP/err"; fail "4 interfaces"; }
ticks() { awk '{ print $14 + $15 }' "/proc/$W/stat"; }

sleep 2
a=$(ticks); sleep 10; b=$(ticks)
idle=$(share "$a" "$b" 10)
echo "idle: watch -I 1 on 4 interfaces uses ${idle}% of one core"

(while kill -0 "$W" 2>/dev/null; do
    echo "$(date +%s.%N) $(awk '/VmRSS/ { print $2 }' "/proc/$W/status")"; sleep 1; done) >"$TMP/rss" &
PIDS+=("$!")
sent=0
t0=$(date +%s.%N); a=$(ticks)
for r in $(seq 1 "$ROUNDS"); do
    n=$(ip netns exec "$P-a" "$DL" gen --queues 0-3 --flows 65536 --count "$COUNT" \
        --dst-mac 02:d1:00:00:00:0b --src-ip "198.18.0.$((10 + r))" --json -i v0a | jq .sent) ||
        fail "gen round $r"
    sent=$((sent + n))
done
b=$(ticks); t1=$(date +%s.%N)
secs=$(echo "$t1 - $t0" | bc)
echo "storm: $sent drops from $((ROUNDS * 65536)) flows in ${secs} s ($(echo "$sent / $secs" | bc) /s): watch uses $(share "$a" "$b" "$secs")% of one core"

metric() { awk -v k="$1" '$1 == k { print $2 }' "$M"; }
drops() { metric 'dropledger_stack_dropped_packets_total{device="v0b",direction="rx",category="stack",group="socket",reason="NO_SOCKET"}'; }
lost() { metric 'dropledger_records_lost_total{device="v0b"}'; }
total() { echo $(( $(drops) + $(lost) )); }
wait_value total "$sent"
seen=$(awk '$1 ~ /^dropledger_xdp_seen_packets_total\{device="v0b"/ { s += $2 } END { print s }' "$M")
[ "$seen" = "$sent" ] || fail "xdp_seen $seen, sent $sent"
[ "$(metric 'dropledger_residual_packets{device="v0b"}')" = 0 ] || fail "residual $(metric 'dropledger_residual_packets{device="v0b"}')"
echo "exact: drops $(drops) + records lost $(lost) = sent $sent = xdp_seen; residual 0"
for d in v1b v2b v3b; do
    [ "$(metric "dropledger_intervals_total{device=\"$d\"}")" -gt 10 ] || fail "$d not accounted"
done

kill -0 "$W" || fail "watch died"
# RSS: peak and the slope of a least-squares line after the first 20 %.
awk 'NF == 2 { t[n] = $1; r[n] = $2; n++ } END {
    s = int(n / 5); m = n - s; peak = 0
    for (i = 0; i < n; i++) if (r[i] > peak) peak = r[i]
    for (i = s; i < n; i++) { st += t[i]; sr += r[i] }
    st /= m; sr /= m
    for (i = s; i < n; i++) { num += (t[i] - st) * (r[i] - sr); den += (t[i] - st) ^ 2 }
    printf "rss: %d samples, peak %.1f MiB, slope after warm-up %.1f KiB/min\n", n, peak / 1024, den ? 60 * num / den : 0
}' "$TMP/rss"
kill -TERM "$W"
wait "$W" || fail "watch exit $?"
