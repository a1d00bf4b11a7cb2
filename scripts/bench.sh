#!/usr/bin/env bash
# Benchmark of the whole pipeline on generated data (not a timed test).
#
# Generates about 2,000 partnerships x 60 months in about 2,000 workbooks,
# then measures, each RUNS times on a warm page cache:
#   - the baseline: merely reading every cell of those files with calamine
#     (pps-sample read-cells, parallel across files);
#   - pps-monitor validate and pps-monitor run: wall time and peak memory
#     (GNU time), and where the time goes (the run's own stage timings).
#
# Usage: scripts/bench.sh [PARTNERSHIPS] [MONTHS] [RUNS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

partnerships=${1:-2000}
months=${2:-60}
runs=${3:-3}
target=${CARGO_TARGET_DIR:-target}

if [ ! -x /usr/bin/time ]; then
    echo "bench: installing GNU time (for peak memory)" >&2
    apt-get install -y -qq time >/dev/null
fi
echo "bench: building release binaries (the first time takes about 10 minutes)" >&2
cargo build --quiet --release -p pps-monitor -p pps-sample
monitor="$target/release/pps-monitor"
sample="$target/release/pps-sample"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$sample" bench --partnerships "$partnerships" --months "$months" --out "$work/input" --regions config/regions.csv >&2
files=$(find "$work/input" -type f | wc -l)
echo "input: $partnerships partnerships x $months months, $files files, $(du -sh "$work/input" | cut -f1)"

measure() { # label, command...
    local label=$1
    shift
    for i in $(seq "$runs"); do
        /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/stdout" 2>"$work/stderr" || true
        read -r wall kb <"$work/time"
        awk -v l="$label" -v i="$i" -v w="$wall" -v k="$kb" \
            'BEGIN { printf "%-10s run %d: %6.2f s wall, %6.1f MB peak\n", l, i, w, k / 1024 }'
    done
}

for i in $(seq "$runs"); do
    "$sample" read-cells "$work/input" | sed "s/^/baseline   run $i: /"
done
measure validate "$monitor" validate --input "$work/input" --output "$work/output" --period 2026-10
measure run "$monitor" run --input "$work/input" --output "$work/output" --period 2026-10
echo "stages of the last run:"
grep -E "done at" "$work/stderr" | sed 's/^pps-monitor: /  /'
