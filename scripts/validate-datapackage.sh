#!/usr/bin/env bash
# Validates datapackage.json with the reference validator, `frictionless
# validate` (Frictionless Data, from PyPI), on two runs:
#   1. the sample data shipped in input/;
#   2. a generated large input (pps-sample bench: PARTNERSHIPS x MONTHS).
# Fails on any error or warning the validator reports, or when it cannot run.
#
# Usage: scripts/validate-datapackage.sh [PARTNERSHIPS] [MONTHS]
#   defaults: 2000 partnerships x 60 months (as scripts/bench.sh)
# Needs: frictionless ($FRICTIONLESS, or on PATH; .ci/run installs it in a
# virtual environment), python3, and the debug binaries (built here).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

partnerships=${1:-2000}
months=${2:-60}
target=${CARGO_TARGET_DIR:-target}
frictionless=${FRICTIONLESS:-frictionless}
if ! "$frictionless" --version >/dev/null 2>&1; then
    echo "validate-datapackage: frictionless not found (set FRICTIONLESS or put it on PATH)" >&2
    exit 1
fi

cargo build --quiet -p pps-monitor -p pps-sample
monitor="$target/debug/pps-monitor"
sample="$target/debug/pps-sample"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Runs pps-monitor; exit 0 (nothing rejected) and 3 (some rows rejected) are
# both a completed run.
run() {
    local code=0
    "$monitor" run "$@" >"$work/stdout" 2>"$work/stderr" || code=$?
    if [[ $code -ne 0 && $code -ne 3 ]]; then
        cat "$work/stderr" >&2
        echo "validate-datapackage: pps-monitor run failed with exit code $code" >&2
        exit 1
    fi
}

# Validates one descriptor; prints a line per resource and every error.
validate() {
    local descriptor=$1 label=$2
    "$frictionless" validate --json "$descriptor" >"$work/report.json" 2>"$work/validator.err" || true
    python3 - "$work/report.json" "$label" <<'PY' || { cat "$work/validator.err" >&2; exit 1; }
import json
import sys

path, label = sys.argv[1], sys.argv[2]
try:
    with open(path, encoding="utf-8") as f:
        report = json.load(f)
except (OSError, ValueError) as e:
    sys.exit(f"validate-datapackage: {label}: no report from frictionless ({e})")
problems = 0
for task in report.get("tasks", []):
    stats = task.get("stats", {})
    name = task.get("name") or task.get("place")
    print(f"  {label}: {name}: {stats.get('rows', 0)} rows, {stats.get('errors', 0)} errors, "
          f"{stats.get('warnings', 0)} warnings")
    for error in task.get("errors", [])[:20]:
        print(f"    {error.get('type')}: {error.get('message')}")
    problems += len(task.get("errors", [])) + len(task.get("warnings", []))
for error in report.get("errors", []):
    print(f"  {label}: {error.get('type')}: {error.get('message')}")
    problems += 1
if not report.get("valid") or problems:
    sys.exit(f"validate-datapackage: {label}: datapackage.json is NOT valid")
print(f"validate-datapackage: {label}: valid")
PY
}

echo "validate-datapackage: $("$frictionless" --version 2>&1 | head -n 1) (frictionless)"
run --output "$work/sample-output"
for descriptor in "$work"/sample-output/*/datapackage.json; do
    validate "$descriptor" "sample"
done

"$sample" bench --partnerships "$partnerships" --months "$months" \
    --out "$work/large-input" --regions config/regions.csv >/dev/null 2>&1
run --input "$work/large-input" --output "$work/large-output"
for descriptor in "$work"/large-output/*/datapackage.json; do
    validate "$descriptor" "generated, $partnerships partnerships x $months months"
done
