#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# config/prometheus: promtool accepts the recording and alert rules, the
# alert unit tests (alert_rules_test.yml) fire exactly the expected alerts,
# and the example scrape config is valid once its rule paths exist.
set -eu
P=/usr/bin/promtool
[ -x "$P" ] || { echo "SKIP: needs promtool (Debian package prometheus)"; exit 77; }
D=${DL_CONFIGDIR:?}/prometheus
"$P" check rules "$D/recording_rules.yml" "$D/alert_rules.yml"
(cd "$D" && "$P" test rules alert_rules_test.yml)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
sed "s|/etc/prometheus/dropledger|$D|" "$D/prometheus.yml" >"$T/prometheus.yml"
"$P" check config "$T/prometheus.yml"
echo "ok: rules, alert tests and scrape config accepted"
