#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Coexistence in libxdp's multi-program dispatcher: another libxdp user
# (xdp-loader) holds the interface; dropledger joins the dispatcher,
# counts, leaves, and the other program keeps running. Needs freplace
# (BPF trampolines): where the kernel denies them libxdp cannot build a
# dispatcher and this test skips (77); attach_safety covers that case.
. "$(dirname "$0")/lib.sh"
command -v xdp-loader >/dev/null || { echo "SKIP: needs xdp-loader (xdp-tools)"; exit 77; }

P=dlj$$
lab_up "$P"
B=$P-b
EMPTY_OBJ=${DL_EMPTY_OBJ:?}
ip netns exec "$B" sh -c "mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
    xdp-loader load -m native v0b '$EMPTY_OBJ'" >/dev/null 2>&1 || fail "xdp-loader load"
ip netns exec "$B" xdp-loader status v0b >"$TMP/st" 2>&1
if ! grep -q xdp_dispatcher "$TMP/st"; then
    ip -n "$B" link set dev v0b xdp off
    echo "SKIP: libxdp could not build a dispatcher here (freplace denied)"
    exit 77
fi
other=$(awk '/dl_empty/ { print $NF == "" ? "" : $0 }' "$TMP/st" | head -1)
ip netns exec "$B" "$DL" report -i v0b -d 60 --json --ready-file "$TMP/ready" >"$TMP/out.json" 2>"$TMP/err" &
rep=$!
PIDS+=("$rep")
wait_file "$TMP/ready" "$rep"
ip netns exec "$B" xdp-loader status v0b | grep -q dl_ingress || fail "dl_ingress not in the dispatcher"
ip netns exec "$P-a" "$DL" lab send udp 198.18.0.2 9000 25 || fail send
kill -INT "$rep"
wait "$rep" || { cat "$TMP/err"; fail "report failed"; }
expect '.totals.xdp_seen == 25' "$TMP/out.json" "counted inside the dispatcher"
ip netns exec "$B" xdp-loader status v0b | grep -q dl_empty || fail "the other program was removed"
ip netns exec "$B" xdp-loader status v0b | grep -q dl_ingress && fail "dl_ingress left in the dispatcher"
ok "the other libxdp program kept running: $other"
ip netns exec "$B" xdp-loader unload -a v0b >/dev/null 2>&1
