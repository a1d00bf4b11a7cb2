//! `fixtures`: the sources of the office-made test fixtures.
//!
//! Writes `.xlsx` sources to a staging folder (LibreOffice converts them to
//! `.xls` and `.ods` in `scripts/make-fixtures.sh`), the two broken files and
//! the README that lists every cell, straight into the fixture folder. The
//! values live here once, so the README cannot disagree with the files.

use std::fmt::Write as _;
use std::path::Path;

use crate::sheet::{self, Cell, DateFmt, Sheet};

/// T-01, 2026-01..2026-04: month, bedrijven, studenten_bol, studenten_bbl,
/// werkenden, werkzoekenden, bedrijven_mkb, opmerking.
type TitleRow = (u8, i64, i64, i64, i64, i64, i64, &'static str);
const T01: [TitleRow; 4] = [
    (1, 12, 8, 3, 5, 2, 10, ""),
    (2, 13, 11, 2, 6, 1, 11, "incl. open dag"),
    (3, 13, 4, 4, 7, 3, 11, ""),
    (4, 15, 6, 1, 9, 0, 12, ""),
];

/// T-02: period text, studenten_bol, studenten_bbl, werkenden, werkzoekenden
/// (None = empty cell), bedrijven, bedrijven_mkb.
type TextRow = (&'static str, i64, i64, i64, Option<i64>, i64, i64);
const T02: [TextRow; 3] = [
    ("jan 2026", 20, 5, 9, Some(4), 30, 25),
    ("feb 2026", 14, 6, 11, None, 31, 26),
    ("mrt 2026", 7, 4, 12, Some(3), 31, 27),
];

const TITLE_COLS: [&str; 9] = [
    "periode",
    "pps_id",
    "bedrijven",
    "studenten_bol",
    "studenten_bbl",
    "werkenden",
    "werkzoekenden",
    "bedrijven_mkb",
    "opmerking",
];
const COUNT_COLS: [&str; 8] = [
    "pps_id",
    "periode",
    "studenten_bol",
    "studenten_bbl",
    "werkenden",
    "werkzoekenden",
    "bedrijven",
    "bedrijven_mkb",
];
const REGISTER_COLS: [&str; 7] = [
    "pps_id",
    "naam",
    "consortium",
    "gemeente_code",
    "startdatum",
    "einddatum",
    "sector",
];

fn counts_title() -> Sheet {
    let mut s = Sheet::new("Aanlevering");
    s.push_title(0, TITLE_COLS.len() as u16, "Maandrapportage T-01 2026");
    s.push(Vec::new());
    s.push_bold(TITLE_COLS.map(Cell::text).to_vec());
    for (i, &(m, comp, bol, bbl, work, seek, sme, note)) in T01.iter().enumerate() {
        if i == 2 {
            s.push(Vec::new());
        }
        s.push(vec![
            Cell::Date {
                y: 2026,
                m,
                d: 1,
                fmt: DateFmt::MonthYear,
            },
            Cell::text("T-01"),
            Cell::Int(comp),
            Cell::Int(bol),
            Cell::Int(bbl),
            Cell::Int(work),
            Cell::Int(seek),
            Cell::Int(sme),
            if note.is_empty() {
                Cell::Empty
            } else {
                Cell::text(note)
            },
        ]);
    }
    s
}

fn counts() -> Sheet {
    let mut s = Sheet::new("Blad1");
    s.push_bold(COUNT_COLS.map(Cell::text).to_vec());
    for &(period, bol, bbl, work, seek, comp, sme) in &T02 {
        s.push(vec![
            Cell::text("T-02"),
            Cell::text(period),
            Cell::Int(bol),
            Cell::Int(bbl),
            Cell::Int(work),
            seek.map_or(Cell::Empty, Cell::Int),
            Cell::Int(comp),
            Cell::Int(sme),
        ]);
    }
    s
}

fn register() -> Sheet {
    let mut s = Sheet::new("Register");
    s.push_bold(REGISTER_COLS.map(Cell::text).to_vec());
    s.push(vec![
        Cell::text("T-01"),
        Cell::text("Testpartnerschap Amsterdam"),
        Cell::text("Testconsortium"),
        Cell::text("GM0363"),
        Cell::Date {
            y: 2025,
            m: 1,
            d: 1,
            fmt: DateFmt::DayMonthYear,
        },
        Cell::Empty,
        Cell::text("Techniek en maakindustrie"),
    ]);
    s.push(vec![
        Cell::text("T-02"),
        Cell::text("Testpartnerschap Groningen"),
        Cell::Empty,
        Cell::text("GM0014"),
        Cell::text("1-9-2025"),
        Cell::Empty,
        Cell::text("Zorg en welzijn"),
    ]);
    s
}

pub fn run(out: &Path, staging: &Path) -> Result<(), String> {
    let mut counts_bytes = Vec::new();
    for (name, sheet) in [
        ("counts_title.xlsx", counts_title()),
        ("counts.xlsx", counts()),
        ("register.xlsx", register()),
    ] {
        let path = staging.join(name);
        let bytes = sheet::xlsx_bytes(&[sheet]).map_err(|e| sheet::xlsx_msg(&path, &e))?;
        sheet::write_file(&path, &bytes)?;
        if name == "counts.xlsx" {
            counts_bytes = bytes;
        }
    }
    sheet::write_file(
        &out.join("not_a_spreadsheet.xlsx"),
        b"Dit is geen spreadsheet maar een tekstbestand met de extensie .xlsx.\r\n\
pps_id;periode;studenten_bol\r\nT-01;2026-01;8\r\n",
    )?;
    sheet::write_file(&out.join("truncated.xlsx"), &counts_bytes[..300])?;
    sheet::write_file(&out.join("README.md"), readme().as_bytes())?;
    Ok(())
}

fn readme() -> String {
    let mut s = String::new();
    let w = &mut s;
    let _ = writeln!(
        w,
        "# Office-made fixtures\n\n\
Spreadsheets written by a real office suite (LibreOffice), for what code\n\
cannot imitate: the legacy `.xls` format and OpenDocument `.ods`. Generated by\n\
`scripts/make-fixtures.sh`: `pps-sample fixtures` writes `.xlsx` sources and\n\
LibreOffice converts them; do not edit by hand. Cell types below were checked\n\
by reading the files back with calamine (`pps-sample dump tests/fixtures/office`).\n\n\
Rows are spreadsheet row numbers (1-based). Expected accounting assumes all\n\
fixtures of this folder are in one input folder (`register.ods` supplies T-01\n\
and T-02).\n"
    );

    let _ = writeln!(
        w,
        "## `counts_title.xls` (Excel 97-2003), sheet `Aanlevering`\n"
    );
    let _ = writeln!(
        w,
        "- Row 1: title `Maandrapportage T-01 2026` (text in A1, merged A1:I1).\n\
- Row 2: blank.\n\
- Row 3: header, shuffled order: {}.\n\
- Rows 4, 5, 7, 8: data; row 6 is blank. Column A holds real date cells\n  \
(first of the month, number format `mmm yyyy`; calamine gives\n  \
`Data::DateTime`, e.g. serial 46023 = 2026-01-01); counts are number cells\n  \
(calamine gives `Data::Int` for this xls); the extra column `opmerking` is\n  \
text or empty (I4, I7, I8 empty).\n",
        TITLE_COLS.map(|c| format!("`{c}`")).join(", ")
    );
    let _ = writeln!(
        w,
        "| row | A periode (date cell) | B pps_id | C bedrijven | D studenten_bol | E studenten_bbl | F werkenden | G werkzoekenden | H bedrijven_mkb | I opmerking |"
    );
    let _ = writeln!(
        w,
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    );
    for (i, &(m, comp, bol, bbl, work, seek, sme, note)) in T01.iter().enumerate() {
        let row = if i < 2 { 4 + i } else { 5 + i };
        let _ = writeln!(
            w,
            "| {row} | 2026-{m:02}-01 | T-01 | {comp} | {bol} | {bbl} | {work} | {seek} | {sme} | {note} |"
        );
    }
    let _ = writeln!(
        w,
        "\nExpected: table `counts`; read 4, accepted 4, rejected 0, duplicates 0,\n\
later 0 (period 2026-04 or later), blank 1 (row 6; the blank row 2 lies above\n\
the header, in the title area). One warning: extra column `opmerking`.\n\
Totals 2026-01..04 for T-01: studenten_bol 29, studenten_bbl 10, werkenden 27,\n\
werkzoekenden 6; bedrijven in 2026-04: 15, bedrijven_mkb 12.\n"
    );

    let _ = writeln!(w, "## `counts.ods`, sheet `Blad1`\n");
    let _ = writeln!(
        w,
        "Header in row 1 (standard order, Dutch names); rows 2–4 data for T-02.\n\
Periods are text cells (`Data::String`); counts are number cells (calamine\n\
gives `Data::Float`); F3 is empty (absent from the range, `Data::Empty`).\n"
    );
    let _ = writeln!(
        w,
        "| row | A pps_id | B periode (text) | C studenten_bol | D studenten_bbl | E werkenden | F werkzoekenden | G bedrijven | H bedrijven_mkb |"
    );
    let _ = writeln!(w, "| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for (i, &(period, bol, bbl, work, seek, comp, sme)) in T02.iter().enumerate() {
        let seek = seek.map_or("(empty)".to_owned(), |v| v.to_string());
        let _ = writeln!(
            w,
            "| {} | T-02 | `{period}` | {bol} | {bbl} | {work} | {seek} | {comp} | {sme} |",
            i + 2
        );
    }
    let _ = writeln!(
        w,
        "\nExpected: table `counts`; read 3, accepted 3, rejected 0, blank 0. One\n\
warning for the empty count cell F3 (werkzoekenden, counted as 0).\n\
Totals 2026-01..03 for T-02: studenten_bol 41, studenten_bbl 15, werkenden 32,\n\
werkzoekenden 7; bedrijven in 2026-03: 31, bedrijven_mkb 27.\n"
    );

    let _ = writeln!(w, "## `register.ods`, sheet `Register`\n");
    let _ = writeln!(
        w,
        "Header in row 1: {}.\n",
        REGISTER_COLS.map(|c| format!("`{c}`")).join(", ")
    );
    let _ = writeln!(
        w,
        "| row | A pps_id | B naam | C consortium | D gemeente_code | E startdatum | F einddatum | G sector |"
    );
    let _ = writeln!(w, "| --- | --- | --- | --- | --- | --- | --- | --- |");
    let _ = writeln!(
        w,
        "| 2 | T-01 | Testpartnerschap Amsterdam | Testconsortium | `GM0363` (text) | 2025-01-01 (date cell: calamine gives `Data::DateTimeIso(\"2025-01-01\")`, ods has no serials) | (empty) | Techniek en maakindustrie |"
    );
    let _ = writeln!(
        w,
        "| 3 | T-02 | Testpartnerschap Groningen | (empty) | `GM0014` (text) | `1-9-2025` (text, means 2025-09-01) | (empty) | Zorg en welzijn |"
    );
    let _ = writeln!(
        w,
        "\nExpected: table `register`; read 2, accepted 2, rejected 0, blank 0.\n\
T-01 maps to Amsterdam (AM18 Groot Amsterdam, PV27 Noord-Holland, LD03), T-02\n\
to Groningen (AM01, PV20, LD01); only T-01 belongs to a consortium.\n"
    );

    let _ = writeln!(w, "## `not_a_spreadsheet.xlsx`\n");
    let _ = writeln!(
        w,
        "A plain text file (Windows line endings) renamed to `.xlsx`. Expected: one\n\
`unreadable_file` line in the rejects file (`rij` empty), manifest status\n\
`unreadable`; the other files are still read.\n"
    );
    let _ = writeln!(w, "## `truncated.xlsx`\n");
    let _ = writeln!(
        w,
        "The first 300 bytes of a valid xlsx (starts with the zip signature `PK`,\n\
then stops). Expected: `unreadable_file`, as above.\n"
    );
    let _ = writeln!(
        w,
        "## All together\n\n\
With all five files in one input folder and period 2026-04: exit code 3 (two\n\
unreadable files); 2 register rows, 7 count rows accepted, 1 blank row, 2\n\
`unreadable_file` lines."
    );
    s
}
