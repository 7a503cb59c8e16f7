#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `meson install --destdir` lays out the binary, data files, systemd units
# (ExecStart from meson's bindir), a man page per command and the bash
# completion; the installed units pass `systemd-analyze verify` (skipped
# without systemd-analyze).
set -eu
B=${DL_BUILD_ROOT:?}
T=$(mktemp -d /tmp/dl-install.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

meson install -C "$B" --destdir "$T" --no-rebuild --quiet >/dev/null || fail "meson install"
P=$(meson introspect "$B" --buildoptions | jq -r '.[] | select(.name == "prefix") | .value')
BIN=$(meson introspect "$B" --buildoptions | jq -r '.[] | select(.name == "bindir") | .value')
R=$T$P
[ -x "$R/$BIN/dropledger" ] || fail "no binary at $P/$BIN/dropledger"
for f in causes.tsv functions.tsv mib_discards.tsv nic_counters.tsv dropledger.conf \
    prometheus/alert_rules.yml prometheus/recording_rules.yml; do
    [ -s "$R/share/dropledger/$f" ] || fail "data file $f missing"
done
U=$R/lib/systemd/system
for u in dropledger.service dropledger@.service; do
    [ -s "$U/$u" ] || fail "unit $u missing"
    grep -q "^ExecStart=$P/$BIN/dropledger watch" "$U/$u" || fail "$u: ExecStart not from bindir"
    grep -q "^ExecStopPost=-$P/$BIN/dropledger detach" "$U/$u" || fail "$u: no detach after stop"
    grep -q '^Type=notify' "$U/$u" || fail "$u: not Type=notify"
    grep -q '^WatchdogSec=' "$U/$u" || fail "$u: no watchdog"
    grep -q '^ProtectSystem=strict' "$U/$u" || fail "$u: no ProtectSystem=strict"
    grep -q '^CapabilityBoundingSet=CAP_BPF' "$U/$u" || fail "$u: no capability bounding set"
done
cmds=$("$R/$BIN/dropledger" --help | awk '/^COMMANDS$/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { exit }')
[ -n "$cmds" ] || fail "no commands in --help"
[ -s "$R/share/man/man1/dropledger.1" ] || fail "man page dropledger.1 missing"
for c in $cmds; do
    [ -s "$R/share/man/man1/dropledger-$c.1" ] || fail "no man page for $c"
    grep -q "^\.TH \"dropledger-$c\" \"1\"" "$R/share/man/man1/dropledger-$c.1" || fail "dropledger-$c.1 is no man page"
done
[ -s "$R/share/bash-completion/completions/dropledger" ] || fail "bash completion missing"
bash -c ". '$R/share/bash-completion/completions/dropledger'; COMP_WORDS=(dropledger wat); COMP_CWORD=1; _dropledger; [ \"\${COMPREPLY[*]}\" = watch ]" ||
    fail "completion does not complete 'wat'"
echo "ok: binary, data, units, $(echo $cmds | wc -w) + 1 man pages, completion under $P"

command -v systemd-analyze >/dev/null || { echo "SKIP: no systemd-analyze"; exit 77; }
# verify checks ExecStart exists: point it at the installed copy.
mkdir "$T/verify"
for u in dropledger.service dropledger@.service; do
    sed "s|$P/$BIN/dropledger|$R/$BIN/dropledger|g" "$U/$u" >"$T/verify/$u"
done
mv "$T/verify/dropledger@.service" "$T/verify/dropledger@eth1.service"
MANPATH=$R/share/man systemd-analyze verify "$T/verify/dropledger.service" \
    "$T/verify/dropledger@eth1.service" || fail "systemd-analyze verify"
echo "ok: systemd-analyze verify accepts the units"
