#!/usr/bin/env bash
# Renders a workbook (the xlsx report, or a template) the way an office suite
# shows it: a PDF and one PNG per page, for looking at the report by eye.
#
# Usage: scripts/render-report.sh [XLSX] [OUTDIR] [DPI]
#   XLSX    default: the newest output/*/report_*.xlsx
#   OUTDIR  default: a new temporary folder (printed at the end)
#   DPI     default: 80
# Needs: LibreOffice (soffice) and poppler-utils (pdftoppm).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
xlsx=${1:-$(ls -t output/*/report_*.xlsx 2>/dev/null | head -n 1)}
if [[ -z "$xlsx" || ! -f "$xlsx" ]]; then
    echo "render-report: no workbook given and none found in output/; run pps-monitor first" >&2
    exit 2
fi
out=${2:-$(mktemp -d -t pps-render.XXXXXX)}
dpi=${3:-80}
for tool in soffice pdftoppm; do
    command -v "$tool" >/dev/null 2>&1 || { echo "render-report: $tool not found" >&2; exit 1; }
done
mkdir -p "$out"
# A private LibreOffice profile: no clash with a running office or another render.
profile=$(mktemp -d -t pps-render-profile.XXXXXX)
trap 'rm -rf "$profile"' EXIT
soffice "-env:UserInstallation=file://$profile" --headless --convert-to pdf --outdir "$out" "$xlsx" >/dev/null
pdf="$out/$(basename "${xlsx%.*}").pdf"
pdftoppm -png -r "$dpi" "$pdf" "$out/page"
echo "render-report: $pdf and $(ls "$out"/page-*.png | wc -l) page image(s) in $out"
