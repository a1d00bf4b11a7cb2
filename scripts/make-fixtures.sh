#!/usr/bin/env bash
# Regenerates tests/fixtures/office/: spreadsheets made by a real office suite.
#
# tools/pps-sample writes .xlsx sources; LibreOffice converts them to the
# legacy Excel 97 format (.xls) and to OpenDocument (.ods). The two broken
# files and README.md (every cell, expected row accounting) come straight
# from the generator. At the end calamine reads everything back (`dump`), so
# the cell types can be checked against the README.
#
# Usage (from anywhere): scripts/make-fixtures.sh
# Needs: cargo; LibreOffice (soffice), installed with apt-get if missing.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
out=tests/fixtures/office

if ! command -v soffice >/dev/null 2>&1; then
    echo "make-fixtures: soffice not found; installing libreoffice-calc-nogui" >&2
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    $sudo apt-get install -y --no-install-recommends libreoffice-calc-nogui
fi

cargo build --quiet --release -p pps-sample
bin="${CARGO_TARGET_DIR:-$root/target}/release/pps-sample"

staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT

mkdir -p "$out"
rm -f "$out"/counts_title.xls "$out"/counts.ods "$out"/register.ods \
    "$out"/not_a_spreadsheet.xlsx "$out"/truncated.xlsx "$out"/README.md
"$bin" fixtures --out "$out" --staging "$staging/src"

profile="file://$staging/lo-profile"
convert() { # FORMAT SOURCE
    soffice -env:UserInstallation="$profile" --headless --convert-to "$1" \
        --outdir "$out" "$staging/src/$2" >/dev/null 2>&1
}
convert 'xls:MS Excel 97' counts_title.xlsx
convert ods counts.xlsx
convert ods register.xlsx
for f in counts_title.xls counts.ods register.ods; do
    [ -s "$out/$f" ] || { echo "make-fixtures: LibreOffice did not write $out/$f" >&2; exit 1; }
done
"$bin" normalize-zip "$out/counts.ods" "$out/register.ods"

"$bin" dump "$out"
