#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
# Optional: config/report.schema.json checked by a real draft 2020-12
# validator, and the recorded report line validated against it. Skips (77)
# where python3-jsonschema is not installed.
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    print("SKIP: python3-jsonschema not installed")
    sys.exit(77)

schema = json.load(open(os.path.join(os.environ["DL_CONFIGDIR"], "report.schema.json")))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
bad = 0
with open(os.path.join(os.environ["DL_TESTDATA"], "report_line.json")) as f:
    for n, line in enumerate(f, 1):
        for err in validator.iter_errors(json.loads(line)):
            print(f"report_line.json:{n}: {err.json_path}: {err.message}")
            bad += 1
print("ok" if not bad else f"{bad} errors")
sys.exit(1 if bad else 0)
