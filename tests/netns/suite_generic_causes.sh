#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Suite-wide: no report the lab tests produced has a generic cause. Every
# netns test leaves its report JSON in $DL_SUITE_REPORTS (lib.sh
# save_reports); this runs last (meson priority) and fails listing each cause
# whose summary names no object ("freed without a specific reason", the
# table's fallback for an unknown reason, an unfilled {placeholder} or "?")
# or whose advice is empty. Reports older than the binary are from an earlier
# build and are ignored.
set -u
command -v jq >/dev/null || { echo "SKIP: needs jq"; exit 77; }
D=${DL_SUITE_REPORTS:?DL_SUITE_REPORTS must name the reports directory}
BIN=${DL_BIN:?DL_BIN must name the dropledger binary}

files=()
if [ -d "$D" ]; then
    while IFS= read -r -d '' f; do files+=("$f"); done \
        < <(find "$D" -type f -newer "$BIN" -print0 | sort -z)
fi
[ "${#files[@]}" -gt 0 ] || { echo "SKIP: no lab reports in $D (netns suite not run)"; exit 77; }

# One line per generic cause: file, reason, location, why.
GENERIC='
  def why:
    if ((.advice // "") | length) == 0 then "empty advice"
    elif (.summary | test("freed without a specific reason")) then "generic NOT_SPECIFIED summary"
    elif (.summary | test("newer than this causes table|kernel dropped packets with reason")) then "reason unknown to causes.tsv"
    elif ((.summary + " " + .advice) | test("\\{[a-z_]+(\\|[^}]*)?\\}")) then "unfilled placeholder"
    elif ((.summary + " " + .advice) | test("(^| |\\()\\?($|[ ),;])")) then "unknown value (?)"
    else empty end;
  .. | objects | select(has("causes")) | .causes[]? | objects
  | select(has("summary")) | {r: .reason, l: (.location // "-"), w: ([why][0])}
  | select(.w != null) | [.r, .l, .w] | @tsv'

bad=0 causes=0 schema_bad=0
for f in "${files[@]}"; do
    n=$(jq -s '[.[] | .. | objects | select(has("causes")) | .causes[]? | objects | select(has("summary"))] | length' "$f" 2>/dev/null) || continue
    causes=$((causes + n))
    while IFS=$'\t' read -r reason loc why; do
        [ -n "$reason" ] || continue
        echo "GENERIC: $(basename "$f"): $reason at $loc: $why"
        bad=$((bad + 1))
    done < <(jq -r "$GENERIC" "$f" 2>/dev/null | sort -u)
done
# Every report line the suite produced also meets the published schema.
CFG=${DL_CONFIGDIR:-$(dirname "$0")/../../config}
if python3 -c 'import jsonschema' 2>/dev/null; then
    python3 - "$CFG/report.schema.json" "${files[@]}" <<'PY' || schema_bad=1
import json, os, sys
import jsonschema
v = jsonschema.Draft202012Validator(json.load(open(sys.argv[1])))
lines = errs = 0
for path in sys.argv[2:]:
    for n, line in enumerate(open(path, errors="replace"), 1):
        try:
            o = json.loads(line)
        except ValueError:
            continue
        if not isinstance(o, dict) or o.get("command") != "report":
            continue
        lines += 1
        for e in v.iter_errors(o):
            print(f"SCHEMA: {os.path.basename(path)}:{n}: {e.json_path}: {e.message[:200]}")
            errs += 1
print(f"{lines} report lines checked against report.schema.json, {errs} errors")
sys.exit(1 if errs else 0)
PY
else
    echo "python3-jsonschema not installed: report lines not checked against the schema"
fi
echo "${#files[@]} reports, $causes causes, $bad generic"
[ "$bad" = 0 ] || { echo "FAIL: $bad generic cause(s) in the suite's reports" >&2; exit 1; }
[ "$schema_bad" = 0 ] || { echo "FAIL: report lines that do not meet report.schema.json" >&2; exit 1; }
echo "ok: no generic cause in the suite's reports"
