#!/usr/bin/env bash
# Regenerates input/, the sample input committed with pps-monitor.
#
# Builds tools/pps-sample, wipes input/ (everything in it is generated), writes
# the sample with a fixed seed, and lets LibreOffice turn the workbooks meant
# to be OpenDocument into .ods. Running it twice gives identical files.
#
# Usage (from anywhere): scripts/make-sample.sh
# Needs: cargo; LibreOffice (soffice), installed with apt-get if missing.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

ensure_soffice() {
    command -v soffice >/dev/null 2>&1 && return
    echo "make-sample: soffice not found; installing libreoffice-calc-nogui" >&2
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    $sudo apt-get install -y --no-install-recommends libreoffice-calc-nogui
}
ensure_soffice

cargo build --quiet --release -p pps-sample
bin="${CARGO_TARGET_DIR:-$root/target}/release/pps-sample"

staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT

rm -rf input
"$bin" sample --out input --ods-staging "$staging/ods" --regions config/regions.csv

# A private LibreOffice profile: works next to a running LibreOffice and
# leaves the user's settings alone.
profile="file://$staging/lo-profile"
find "$staging/ods" -name '*.xlsx' | sort | while read -r xlsx; do
    rel=${xlsx#"$staging/ods/"}
    outdir="input/$(dirname "$rel")"
    soffice -env:UserInstallation="$profile" --headless --convert-to ods \
        --outdir "$outdir" "$xlsx" >/dev/null 2>&1
    ods="$outdir/$(basename "${rel%.xlsx}").ods"
    [ -s "$ods" ] || { echo "make-sample: LibreOffice did not write $ods" >&2; exit 1; }
    # LibreOffice stamps zip entries with the clock; fix them.
    "$bin" normalize-zip "$ods"
done

echo "make-sample: input/ is $(du -sb input | cut -f1) bytes in $(find input -type f | wc -l) files"
