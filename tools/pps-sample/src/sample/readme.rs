//! `input/README.md`: the layout, the partnerships, the submission files, the
//! deliberate mistakes and the expected accounting, all computed from what
//! was written.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use crate::month::Month;
use crate::sheet::{DateFmt, Encoding};

use super::drafts::Draft;
use super::layout::{Format, Layout, PeriodCell, STANDARD};
use super::mistakes::Remark;
use super::partnerships::{Consortium, Pps};
use super::render::{Finding, Tally};

pub(super) fn period_spelling(l: &Layout, f: Format) -> String {
    match (l.period, f) {
        (PeriodCell::Date(_), Format::Csv { .. }) => {
            "dates as text `1-10-2024` (Excel's CSV save of a date cell)".into()
        }
        (PeriodCell::Date(fmt), _) => format!("date cells (format `{}`)", date_code(fmt)),
        (PeriodCell::Text(t), _) => format!("text `{}`", Month::new(2025, 10).spell(t)),
    }
}

pub(super) fn date_code(f: DateFmt) -> &'static str {
    match f {
        DateFmt::DayMonthYear => "d-m-yyyy",
        DateFmt::MonthYear => "mmm yyyy",
        DateFmt::Iso => "yyyy-mm-dd",
    }
}

pub(super) fn readme(
    pps: &[Pps],
    drafts: &[Draft],
    findings: &[Finding],
    target_mistake: &Finding,
    tally: &Tally,
    target_rows: usize,
    remarks: &[Remark],
) -> String {
    let mut text = String::new();
    let w = &mut text;
    let rejected = findings.iter().filter(|f| !f.rule.starts_with('(')).count();
    let duplicates = findings
        .iter()
        .filter(|f| f.rule.starts_with("(duplicate"))
        .count();
    let _ = writeln!(
        w,
        "# Sample input\n\n\
This folder is the sample input of `pps-monitor`: a small but realistic set of\n\
spreadsheets as the partnerships of the *Opschaling PPS* programme send them.\n\
`pps-monitor run` on a fresh checkout reads it and produces a full report for\n\
2026-10. The partnerships, consortia and numbers are made up; the consortium\n\
names come from the programme's public description, municipality codes from\n\
`config/regions.csv`.\n\n\
**Everything here is generated. Do not edit by hand**: change\n\
`tools/pps-sample/src/sample.rs` and run `scripts/make-sample.sh` from the\n\
repository root. The generator uses a fixed seed, so the output is the same on\n\
every run (the `.ods` files are made by LibreOffice from a generated `.xlsx`).\n\
This README, including the tables below, is written by the generator from the\n\
rows it wrote.\n"
    );
    let _ = writeln!(w, "## Layout\n");
    let _ = writeln!(
        w,
        "- `pps_register.xlsx`, sheet `Register`: the {} partnerships (merged title in row 1,\n  \
blank row 2, header in row 3; `startdatum`/`einddatum` are date cells; some\n  \
`gemeente_code`s are typed as numbers (`363`) or as `0772`).",
        pps.len()
    );
    let _ = writeln!(
        w,
        "- `streefwaarden.xlsx`, sheet `Streefwaarden`: yearly targets 2024–2026 for all\n  \
partnerships except HN-08 and PPS-MAA ({target_rows} rows, header in row 1)."
    );
    let _ = writeln!(
        w,
        "- `aanleveringen/<consortium>/`: {} monthly submissions, mostly one workbook per\n  \
partnership per year; partnerships without a consortium are in\n  \
`aanleveringen/zonder-consortium/`. Counts run from each partnership's start\n  \
month to 2026-10; PPS-ZWO ended on 2025-06-30; PPS-MAA has not sent 2026-10\n  \
yet; HN-09 starts on 2025-06-01.",
        tally.files
    );
    let _ = writeln!(
        w,
        "- `aanleveringen/digital-industry-boost/~$DIB_maandcijfers_2026.xlsx`: an Excel lock file\n  \
(must be skipped by name, not reported as unreadable).\n"
    );
    let _ = writeln!(w, "## Partnerships\n");
    let _ = writeln!(
        w,
        "| pps_id | naam | consortium | gemeente | start | end |\n| --- | --- | --- | --- | --- | --- |"
    );
    for p in pps {
        let (year, month, day) = p.start;
        let _ = writeln!(
            w,
            "| {} | {} | {} | {} | {year}-{month:02}-{day:02} | {} |",
            p.id,
            p.naam,
            p.consortium.map_or("", Consortium::name),
            p.gemeente,
            p.end
                .map_or(String::new(), |(y, m, d)| format!("{y}-{m:02}-{d:02}"))
        );
    }
    let _ = writeln!(w, "\n## Submission files\n");
    let _ = writeln!(
        w,
        "| file | sheet | header row | columns | periods (as written for 2025-10) |\n| --- | --- | --- | --- | --- |"
    );
    let mut seen = BTreeSet::new();
    for d in drafts {
        // One line per partnership (or CSV file), not per year.
        let key = d
            .rel
            .rsplit_once('_')
            .map_or(d.rel.as_str(), |(k, _)| k)
            .to_owned();
        let key = if matches!(d.format, Format::Csv { .. }) {
            d.rel.clone()
        } else {
            key
        };
        if !seen.insert((key.clone(), d.layout.sheet)) {
            continue;
        }
        let l = &d.layout;
        let header_row = l.offset.0 + if l.title { 3 } else { 1 };
        let cols = if l.cols == STANDARD && !l.english {
            "standard order".to_owned()
        } else {
            l.cols
                .iter()
                .map(|c| c.header(l.english))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let (file, sheet) = if let Format::Csv {
            delimiter,
            encoding,
        } = d.format
        {
            let encoding = match encoding {
                Encoding::Utf8Bom => "UTF-8 with BOM",
                Encoding::Windows1252 => "Windows-1252",
            };
            (
                d.rel.clone(),
                format!("CSV `{}`, {encoding}", delimiter as char),
            )
        } else {
            let ext = Path::new(&d.rel)
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("");
            let mut sheet = format!("`{}`", l.sheet);
            if l.notes_sheet {
                sheet.push_str(" + `Toelichting` (free text, ignored)");
            }
            (format!("{key}_<year>.{ext}"), sheet)
        };
        let mut where_ = header_row.to_string();
        if l.title {
            where_.push_str(" (merged title row 1)");
        }
        if l.offset.1 > 0 {
            where_.push_str(", table starts in column B");
        }
        let _ = writeln!(
            w,
            "| `{file}` | {sheet} | {where_} | {cols} | {} |",
            period_spelling(l, d.format)
        );
    }
    let _ = writeln!(w, "\n## Deliberate mistakes\n");
    let _ = writeln!(
        w,
        "Each mistake is in exactly one row; all other rows are valid. Rows are\n\
spreadsheet row numbers (1-based, title rows included; for CSV the line\n\
number, header = 1). `kolom` is the header as written in that file.\n"
    );
    let _ = writeln!(
        w,
        "| # | file | sheet | row | column | value | expected rule | what |\n| --- | --- | --- | --- | --- | --- | --- | --- |"
    );
    let all: Vec<&Finding> = findings
        .iter()
        .chain(std::iter::once(target_mistake))
        .collect();
    for (i, f) in all.iter().enumerate() {
        let _ = writeln!(
            w,
            "| {} | `{}` | {} | {} | {} | `{}` | {} | {} |",
            i + 1,
            f.rel,
            if f.sheet.is_empty() {
                "(csv)".to_owned()
            } else {
                format!("`{}`", f.sheet)
            },
            f.row,
            f.column,
            f.value.replace('|', "\\|"),
            f.rule,
            f.what
        );
    }
    let _ = writeln!(
        w,
        "\nNotes: the two `duplicate_conflict` rows are one key (DIB-03, 2025-12) sent\n\
twice with different numbers; the rejects file may name any column for them.\n\
The `(duplicate, not rejected)` row is kept once and counted under `duplicates`.\n\
The `(warning only)` row is accepted with werkzoekenden = 0."
    );
    let _ = writeln!(w, "\n## Not mistakes, but exercised\n");
    for r in remarks {
        let _ = writeln!(w, "- `{}`: {}.", r.rel, r.text);
    }
    let _ = writeln!(
        w,
        "- Extra column `opmerking` in the files with that column (a warning per sheet).\n\
- A `Toelichting` sheet in every `DIB_maandcijfers_<year>.xlsx`: non-empty, no table: ignored with a warning.\n\
- The Windows-1252 CSVs contain `ï`, `â` and `ö` in `opmerking`, and a quoted field\n  \
containing `;`; `GTC_maandcijfers_2024.csv` writes werkenden as `12,0`.\n\
- `HN-09_<year>.ods` are OpenDocument files made by LibreOffice (date cells)."
    );
    let _ = writeln!(w, "\n## Expected row accounting (period 2026-10)\n");
    let _ = writeln!(
        w,
        "| table | files | rows read | rejected | duplicates | later | accepted | blank |\n| --- | --- | --- | --- | --- | --- | --- | --- |"
    );
    let _ = writeln!(w, "| register | 1 | {0} | 0 | 0 | 0 | {0} | 0 |", pps.len());
    let _ = writeln!(
        w,
        "| targets | 1 | {target_rows} | 1 | 0 | 0 | {} | 0 |",
        target_rows - 1
    );
    let _ = writeln!(
        w,
        "| counts | {} | {} | {rejected} | {duplicates} | 0 | {} | {} |",
        tally.files,
        tally.read,
        tally.read - rejected - duplicates,
        tally.blank
    );
    let _ = writeln!(
        w,
        "\nRejected count rows: {rejected} (one rejects line each). With any rejected row\n\
`pps-monitor run` exits with code 3 on this sample; that is intended."
    );
    text
}
