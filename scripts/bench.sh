#!/usr/bin/env bash
# Benchmark of the whole pipeline on generated data (not a timed test).
#
# Generates about 2,000 partnerships x 60 months in about 2,000 workbooks,
# then measures, in ROUNDS rounds on a warm page cache, each round running
# back to back:
#   - the baseline: merely reading every cell of those files with calamine
#     (pps-sample read-cells, parallel across files, largest first, as
#     pps-monitor reads them);
#   - pps-monitor validate and pps-monitor run.
# Each is timed as a whole process (wall time and peak memory, GNU time).
# At the end, ROUNDS times the cron case: small-count protection's time in
# a run for 2026-09, then in one for 2026-10 into the same output folder.
# Because the three run within seconds of each other, the ratio run/baseline
# of a round is fair even on a machine whose speed drifts; the summary gives
# the fastest, median and highest values. The stage timings (where the time
# goes) are those of the last run.
#
# Usage: scripts/bench.sh [PARTNERSHIPS] [MONTHS] [ROUNDS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

partnerships=${1:-2000}
months=${2:-60}
rounds=${3:-5}
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

# Prints "<wall seconds> <peak MB>" of one run of the command.
measure() {
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/stdout" 2>"$work/stderr" || true
    awk '{ printf "%.2f %.1f\n", $1, $2 / 1024 }' "$work/time"
}

printf "%-6s %10s %20s %20s %12s\n" round baseline validate run run/baseline
for i in $(seq "$rounds"); do
    read -r base _ < <(measure "$sample" read-cells "$work/input")
    read -r vwall vpeak < <(measure "$monitor" validate --input "$work/input" --output "$work/output" --period 2026-10)
    read -r rwall rpeak < <(measure "$monitor" run --input "$work/input" --output "$work/output" --period 2026-10)
    ratio=$(awk -v r="$rwall" -v b="$base" 'BEGIN { printf "%.2f", r / b }')
    printf "%-6s %8s s %8s s %6s MB %8s s %6s MB %12s\n" "$i" "$base" "$vwall" "$vpeak" "$rwall" "$rpeak" "$ratio"
    echo "$base $vwall $vpeak $rwall $rpeak $ratio" >>"$work/rounds"
done
# The machine's speed drifts from minute to minute, so the summary gives,
# besides the medians and highest values, the fastest of each command: the
# ratio of the fastest run to the fastest baseline is the least disturbed
# estimate of what the run costs on top of reading the cells.
stat() { cut -d' ' -f"$1" "$work/rounds" | sort -n | awk '{ v[NR] = $1 } END { printf "%s %s %s\n", v[1], v[int((NR + 1) / 2)], v[NR] }'; }
echo "over $rounds rounds:        fastest   median  highest"
for column in 1:baseline_s 2:validate_s 3:validate_peak_MB 4:run_s 5:run_peak_MB 6:run/baseline; do
    read -r fastest median highest < <(stat "${column%%:*}")
    printf "  %-22s %8s %8s %8s\n" "${column#*:}" "$fastest" "$median" "$highest"
done
read -r fastest_base _ < <(stat 1)
read -r fastest_run _ < <(stat 4)
awk -v r="$fastest_run" -v b="$fastest_base" 'BEGIN { printf "fastest run / fastest baseline: %.2f\n", r / b }'
echo "stages of the last run:"
grep -E "done at" "$work/stderr" | sed 's/^pps-monitor: /  /'

# The cron case: a run for 2026-10 after one for 2026-09 into the same
# output folder, so that protection must also keep what the 2026-09 export
# published. Small-count protection's own time, as each run prints it.
protection_ms() { sed -n 's/.*small-count protection took \([0-9]*\) ms.*/\1/p' "$1"; }
echo "small-count protection (ms), 2026-09 into an empty folder, then 2026-10 after it (cron):"
for i in $(seq "$rounds"); do
    rm -rf "$work/cron"
    "$monitor" run --input "$work/input" --output "$work/cron" --period 2026-09 >/dev/null 2>"$work/cron-09" || true
    measure "$monitor" run --input "$work/input" --output "$work/cron" --period 2026-10 >"$work/cron-peak"
    cp "$work/stderr" "$work/cron-10"
    read -r cwall cpeak <"$work/cron-peak"
    printf "  round %s: %s ms, then %s ms (run %s s, peak %s MB)\n" "$i" \
        "$(protection_ms "$work/cron-09")" "$(protection_ms "$work/cron-10")" "$cwall" "$cpeak"
done
