//! The xlsx report and the submission template (issue 4): read back with
//! calamine and compared with the export, inspected inside the package
//! (charts, validation, frozen panes), rendered by a real office suite, and
//! a filled-in template run through the whole job.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use calamine::{Data, Range, Reader, Xlsx, open_workbook};
use rust_xlsxwriter::{ExcelDateTime, Format};

use pps_monitor::model::Indicator;
use pps_monitor::publish::report::{headline_label, indicator_label};
use pps_monitor::publish::template;
use pps_monitor::schema::COUNTS;

use crate::common::{COUNTS_HEADER, Scenario, wait_at_most};

const REGISTER: &str = "\
pps_id,naam,consortium,gemeente_code,startdatum,einddatum,sector
A,Alpha,Consortium X,GM0363,2025-01-01,,zorg
B,Beta,,GM0014,2025-06-01,2026-03-31,techniek
C,Gamma,Consortium X,GM0014,2026-02-01,,ict
";

/// Three partnerships reporting on 2026-03: A sent January, a broken
/// February row and nothing for March; B everything until its end month,
/// with small numbers that the export suppresses; C starts in February.
fn scenario() -> Scenario {
    let s = Scenario::new();
    s.file("input/register.csv", REGISTER);
    let mut lines = vec![COUNTS_HEADER.to_owned()];
    for m in 1..=12 {
        let (bol, bbl, companies) = (20 + m, 8 + m % 3, 30 + m);
        lines.push(format!("A,2025-{m:02},{bol},{bbl},12,6,{companies},20"));
    }
    lines.push("A,2026-01,31,9,14,7,44,25".to_owned());
    lines.push("A,2026-02,x,9,14,7,44,25".to_owned());
    for m in 6..=12 {
        lines.push(format!("B,2025-{m:02},6,2,3,1,9,4"));
    }
    for m in 1..=3 {
        lines.push(format!("B,2026-{m:02},{},3,5,0,10,5", 6 + m));
    }
    lines.push("C,2026-02,12,0,0,8,6,6".to_owned());
    lines.push("C,2026-03,15,1,0,9,7,7".to_owned());
    let counts = lines.join("\n") + "\n";
    s.file("input/counts.csv", counts);
    s.file(
        "input/targets.csv",
        "pps_id,jaar,indicator,streefwaarde\nA,2026,deelnemers,600\nA,2026,bedrijven,50\nB,2026,deelnemers,40\n",
    );
    // An unrecognised sheet, to be listed as ignored.
    s.file("input/notities.csv", "wat,waarom\nvergadering,planning\n");
    s
}

const PERIOD: &str = "2026-03";

fn report_path(s: &Scenario) -> PathBuf {
    s.path()
        .join(format!("output/{PERIOD}/report_{PERIOD}.xlsx"))
}

fn open(path: &Path) -> Xlsx<std::io::BufReader<std::fs::File>> {
    open_workbook(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn sheet(path: &Path, name: &str) -> Range<Data> {
    open(path)
        .worksheet_range(name)
        .unwrap_or_else(|e| panic!("sheet {name}: {e}"))
}

fn text(range: &Range<Data>, row: u32, col: u32) -> String {
    match range.get_value((row, col)) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// A cell as the export writes it: integers plain, percentages (stored as
/// fractions) with one decimal.
fn shown(range: &Range<Data>, row: u32, col: u32, pct: bool) -> String {
    match range.get_value((row, col)) {
        Some(Data::Float(v)) if pct => {
            let s = format!("{:.1}", v * 100.0);
            if s == "-0.0" { "0.0".to_owned() } else { s }
        }
        Some(Data::Float(v)) => format!("{}", *v as i64),
        Some(Data::Int(v)) => v.to_string(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => panic!("({row}, {col}) holds {other:?}"),
    }
}

/// The first row (searching from `from`) whose columns hold these texts.
fn find_row(range: &Range<Data>, from: u32, want: &[(u32, &str)]) -> Option<u32> {
    let (height, _) = range.end()?;
    (from..=height).find(|&r| want.iter().all(|(c, t)| text(range, r, *c) == *t))
}

fn indicator(name: &str) -> Indicator {
    Indicator::ALL
        .into_iter()
        .find(|i| i.name() == name)
        .unwrap_or_else(|| panic!("unknown indicator {name}"))
}

/// The files inside an xlsx package, by name.
fn package(path: &Path) -> HashMap<String, String> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut parts = HashMap::new();
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).unwrap();
        let name = file.name().unwrap().into_owned();
        let mut text = String::new();
        if file.read_to_string(&mut text).is_ok() {
            parts.insert(name, text);
        }
    }
    parts
}

#[test]
fn report_has_every_sheet_in_order() {
    let s = scenario();
    assert_eq!(s.run(&["run", "--period", PERIOD]).code, 3);
    let names = open(&report_path(&s)).sheet_names();
    assert_eq!(
        names,
        [
            "Samenvatting",
            "Landsdeel",
            "Provincie",
            "Arbeidsmarktregio",
            "Consortium",
            "PPS",
            "Trends",
            "Aanleverstatus",
            "Datakwaliteit",
            "Verwerking"
        ]
    );
}

#[test]
fn report_values_equal_the_export() {
    let s = scenario();
    assert_eq!(s.run(&["run", "--period", PERIOD]).code, 3);
    let path = report_path(&s);
    let summary = sheet(&path, "Samenvatting");
    let pps = sheet(&path, "PPS");
    let consortium = sheet(&path, "Consortium");
    let mut checked = (0, 0, 0, 0);
    for r in s.export(PERIOD) {
        let ind = indicator(&r["indicator"]);
        let pct = ind.is_percentage();
        let window = r["venster"].as_str();
        // (sheet, row, first figure column)
        let (range, row, first) = match r["niveau"].as_str() {
            "nl" => {
                let label = headline_label(ind).unwrap();
                let row = find_row(&summary, 0, &[(0, label)])
                    .unwrap_or_else(|| panic!("no summary row {label}"));
                (&summary, row, 1)
            }
            "pps" => {
                let row = find_row(
                    &pps,
                    4,
                    &[(0, r["regio_code"].as_str()), (2, indicator_label(ind))],
                )
                .unwrap_or_else(|| panic!("no pps row for {} {ind:?}", r["regio_code"]));
                assert_eq!(text(&pps, row, 1), r["regio_naam"]);
                (&pps, row, 3)
            }
            "consortium" => {
                // No code column: a consortium's code is its name.
                assert_eq!(r["regio_code"], r["regio_naam"]);
                let row = find_row(
                    &consortium,
                    4,
                    &[(0, r["regio_naam"].as_str()), (1, indicator_label(ind))],
                )
                .unwrap_or_else(|| panic!("no consortium row for {} {ind:?}", r["regio_code"]));
                (&consortium, row, 2)
            }
            _ => continue,
        };
        let value_col = first
            + match window {
                "maand" => 0,
                "jtd" => 1,
                _ => 2,
            };
        let value = shown(range, row, value_col, pct);
        let context = format!(
            "{} {} {window} {}",
            r["niveau"], r["regio_code"], r["indicator"]
        );
        if r["onderdrukt"] == "true" {
            // The report shows what the export hides, and says why.
            assert!(
                !value.is_empty(),
                "{context}: suppressed value missing in the report"
            );
            if r["niveau"] != "nl" {
                let note = text(range, row, first + 8);
                assert!(
                    note.contains(&format!("{window} primair"))
                        || note.contains(&format!("{window} secundair")),
                    "{context}: note {note:?} does not say primary or secondary"
                );
            }
            checked.1 += 1;
        } else if r["status"] == "M" {
            // Missing is not zero: the report leaves it blank too.
            assert_eq!(value, "", "{context}: missing value shown");
            assert_eq!(r["waarde"], "", "{context}: missing value exported");
        } else {
            assert_eq!(value, r["waarde"], "{context}: waarde");
            checked.0 += 1;
        }
        if window == "jtd" {
            assert_eq!(
                shown(range, row, first + 3, false),
                r["doel"],
                "{context}: doel"
            );
            let realisation = shown(range, row, first + 5, true);
            if r["status"] == "F" && !r["realisatie_pct"].is_empty() {
                assert_eq!(realisation, r["realisatie_pct"], "{context}: realisatie");
            } else if r["status"] == "F" && !realisation.is_empty() && r["niveau"] != "nl" {
                // Hidden in the export (not derivable from published
                // cells): the note says so.
                let note = text(range, row, first + 8);
                assert!(note.contains("realisatie jtd"), "{context}: note {note:?}");
            }
            // The value over the partnerships with a target, beside the
            // target: realisation = that value / doel, checkable by eye.
            let with_target = shown(range, row, first + 4, false);
            if r["doel"].is_empty() || r["doel"] == "0" {
                assert_eq!(with_target, "", "{context}: value with a target");
            } else {
                let (num, doel): (f64, f64) =
                    (with_target.parse().unwrap(), r["doel"].parse().unwrap());
                let pct = format!("{:.1}", num / doel * 100.0);
                if r["onderdrukt"] == "false" && !r["realisatie_pct"].is_empty() {
                    assert_eq!(pct, r["realisatie_pct"], "{context}: value with a target");
                }
                checked.3 += 1;
            }
        }
        if window != "cumulatief" {
            let col = first + if window == "maand" { 6 } else { 7 };
            let growth = shown(range, row, col, true);
            if r["groei_pct"].is_empty() {
                // Empty in the export: no growth at all, or hidden there.
                if !growth.is_empty() && r["niveau"] != "nl" {
                    let note = text(range, row, first + 8);
                    assert!(
                        note.contains(window),
                        "{context}: growth {growth} shown, note {note:?}"
                    );
                    checked.2 += 1;
                }
            } else {
                assert_eq!(growth, r["groei_pct"], "{context}: groei");
            }
        }
    }
    assert!(checked.0 > 100, "compared {checked:?}");
    assert!(
        checked.1 > 0,
        "no suppressed value was compared: {checked:?}"
    );
    assert!(checked.3 > 0, "no value with a target: {checked:?}");
}

#[test]
fn report_shows_targets_and_growth_for_a_partnership() {
    // A hand-checked line, so the comparison above cannot pass on two
    // equally wrong files: A's deelnemers jtd 2026-03 is January's row
    // only (31 + 9 + 14 + 7 = 61; February was rejected), target 600.
    let s = scenario();
    assert_eq!(s.run(&["run", "--period", PERIOD]).code, 3);
    let pps = sheet(&report_path(&s), "PPS");
    let row = find_row(&pps, 4, &[(0, "A"), (2, "Deelnemers")]).unwrap();
    assert_eq!(
        shown(&pps, row, 3, false),
        "",
        "nothing accepted for March: missing (M), not 0"
    );
    assert_eq!(shown(&pps, row, 4, false), "61");
    assert_eq!(shown(&pps, row, 6, false), "600");
    assert_eq!(shown(&pps, row, 7, false), "61", "the value with a target");
    assert_eq!(shown(&pps, row, 8, true), "10.2"); // 61 / 600
    assert_eq!(text(&pps, 3, 6), "Doel\n2026");
    assert_eq!(text(&pps, 3, 7), "Jtd van PPS\nmet doel");
    // B's studenten_bbl in March is 3: suppressed in the export, shown here.
    let row = find_row(&pps, 4, &[(0, "B"), (2, "Studenten bbl")]).unwrap();
    assert_eq!(shown(&pps, row, 3, false), "3");
    assert!(text(&pps, row, 11).contains("maand primair"));
}

#[test]
fn report_has_native_charts_over_the_trend_data() {
    let s = scenario();
    assert_eq!(s.run(&["run", "--period", PERIOD]).code, 3);
    let path = report_path(&s);
    let parts = package(&path);
    let charts: Vec<&String> = parts
        .keys()
        .filter(|k| k.starts_with("xl/charts/chart"))
        .collect();
    assert!(charts.len() >= 2, "charts: {charts:?}");
    let all: String = charts.iter().map(|k| parts[*k].as_str()).collect();
    assert!(
        all.contains("Trends!$"),
        "charts draw from the Trends sheet"
    );
    assert!(all.contains("<c:lineChart>"));
    // The series are the aggregated months: 24 rows from April 2024.
    let trends = sheet(&path, "Trends");
    let header = find_row(&trends, 0, &[(0, "Maand")]).unwrap();
    assert!(matches!(
        trends.get_value((header + 1, 0)),
        Some(Data::DateTime(_))
    ));
    let deelnemers = (1..=12)
        .find(|c| text(&trends, header, *c) == "Deelnemers")
        .unwrap();
    // A's January 2026 deelnemers plus B's: 61 + 15 (C starts in February).
    let jan = header + 1 + 21;
    assert_eq!(shown(&trends, jan, deelnemers, false), "76");
}

#[test]
fn level_sheets_filter_freeze_and_highlight() {
    let s = scenario();
    assert_eq!(s.run(&["run", "--period", PERIOD]).code, 3);
    let parts = package(&report_path(&s));
    // Sheets 2..=6 are the level sheets.
    for n in 2..=6 {
        let xml = &parts[&format!("xl/worksheets/sheet{n}.xml")];
        assert!(
            xml.contains("<autoFilter ref=\"A4:"),
            "sheet{n}: autofilter"
        );
        assert!(xml.contains("state=\"frozen\""), "sheet{n}: frozen header");
        assert!(
            xml.contains("<conditionalFormatting"),
            "sheet{n}: highlights"
        );
    }
    let styles = &parts["xl/styles.xml"];
    assert!(styles.contains("formatCode=\"0.0%\""));
    assert!(styles.contains("formatCode=\"#,##0\""));
}

#[test]
fn data_quality_shows_status_rejects_and_ignored_sheets() {
    let s = scenario();
    assert_eq!(s.run(&["run", "--period", PERIOD]).code, 3);
    let path = report_path(&s);
    let grid = sheet(&path, "Aanleverstatus");
    let header = find_row(&grid, 0, &[(0, "PPS")]).unwrap();
    assert_eq!(
        [6, 7, 8].map(|c| text(&grid, header, c)),
        ["jan", "feb", "mrt"]
    );
    let status = |pps: &str| {
        let row = find_row(&grid, header, &[(0, pps)]).unwrap_or_else(|| panic!("{pps}"));
        [6, 7, 8].map(|c| text(&grid, row, c))
    };
    assert_eq!(status("A  Alpha"), ["ontvangen", "afgekeurd", "ontbreekt"]);
    assert_eq!(status("B  Beta"), ["ontvangen", "ontvangen", "ontvangen"]);
    assert_eq!(status("C  Gamma"), ["n.v.t.", "ontvangen", "ontvangen"]);

    // Every line of the rejects file, with its message, in the one list.
    let dq = sheet(&path, "Datakwaliteit");
    let header = find_row(&dq, 0, &[(0, "Soort"), (1, "Bestand"), (7, "Melding")]).unwrap();
    let rejects = s.rejects(PERIOD);
    assert!(!rejects.is_empty());
    for r in &rejects {
        let row = find_row(
            &dq,
            header,
            &[
                (0, "afgekeurd"),
                (1, r["bestand"].as_str()),
                (6, r["regel"].as_str()),
            ],
        )
        .unwrap_or_else(|| panic!("reject {r:?} not in the report"));
        assert_eq!(text(&dq, row, 3), r["rij"]);
        assert_eq!(text(&dq, row, 4), r["kolom"]);
        assert_eq!(text(&dq, row, 5), r["waarde"]);
        assert_eq!(text(&dq, row, 7), r["melding"]);
    }
    let ignored = find_row(
        &dq,
        header,
        &[
            (0, "genegeerd"),
            (1, "notities.csv"),
            (
                7,
                "Geen kopregel van een register, streefwaarden of aanleveringen in de eerste 20 rijen.",
            ),
        ],
    );
    assert!(ignored.is_some(), "the ignored sheet is listed");
    // The counts above the list are number cells: rejected rows, then
    // the lines about them.
    assert_eq!(shown(&dq, 4, 0, false), rejects.len().to_string());

    let summary = sheet(&path, "Samenvatting");
    let late = find_row(&summary, 0, &[(0, "zonder geaccepteerde aanlevering")]).unwrap();
    assert_eq!(shown(&summary, late, 1, false), "1");
    assert!(text(&summary, late + 1, 0).starts_with("A  Alpha"));
}

/// Every string cell of every sheet of the report: (sheet, row, column, text).
fn strings(path: &Path) -> Vec<(String, u32, u32, String)> {
    let mut workbook = open(path);
    let mut out = Vec::new();
    for name in workbook.sheet_names() {
        let range = workbook.worksheet_range(&name).unwrap();
        let (r0, c0) = range.start().unwrap_or((0, 0));
        for (r, c, cell) in range.used_cells() {
            if let Data::String(t) = cell {
                out.push((name.clone(), r0 + r as u32, c0 + c as u32, t.clone()));
            }
        }
    }
    out
}

#[test]
fn report_names_the_tables_in_dutch() {
    let s = scenario();
    // An extra column, for a warning that names its table.
    let counts = s.read("input/counts.csv").replacen(
        COUNTS_HEADER,
        &format!("{COUNTS_HEADER},opmerking"),
        1,
    );
    s.file("input/counts.csv", counts);
    assert_eq!(s.run(&["run", "--period", PERIOD]).code, 3);
    let path = report_path(&s);
    let accounting = sheet(&path, "Verwerking");
    let header = find_row(&accounting, 0, &[(0, "Bestand"), (2, "Tabel")]).unwrap();
    let (last, _) = accounting.end().unwrap();
    let tables: std::collections::BTreeSet<String> = (header + 1..=last)
        .map(|r| text(&accounting, r, 2))
        .take_while(|t| !t.is_empty())
        .collect();
    assert_eq!(
        tables.into_iter().collect::<Vec<_>>(),
        ["aanleveringen", "register", "streefwaarden"]
    );
    // No English table name in any text but file names.
    for (sheet, r, c, t) in strings(&path) {
        if t.contains(".csv") || t.contains(".xlsx") {
            continue;
        }
        for english in ["counts", "targets"] {
            assert!(
                !t.contains(english),
                "{sheet}!({r}, {c}) says {english:?}: {t}"
            );
        }
    }
    let dq = sheet(&path, "Datakwaliteit");
    let warning = (0..200)
        .map(|r| text(&dq, r, 7))
        .find(|t| t.contains("opmerking"))
        .expect("a warning about the extra column");
    assert!(warning.contains("tabel aanleveringen"), "{warning}");
}

#[test]
fn consortium_sheet_has_no_code_column() {
    let s = scenario();
    assert_eq!(s.run(&["run", "--period", PERIOD]).code, 3);
    let consortium = sheet(&report_path(&s), "Consortium");
    assert_eq!(
        [0, 1, 2].map(|c| text(&consortium, 3, c)),
        ["Naam", "Indicator", "Maand\nmrt 2026"]
    );
    let row = find_row(&consortium, 4, &[(0, "Consortium X"), (1, "Deelnemers")]);
    assert!(row.is_some(), "consortium rows by name");
    // Other level sheets keep their code.
    let pps = sheet(&report_path(&s), "PPS");
    assert_eq!([0, 1].map(|c| text(&pps, 3, c)), ["Code", "Naam"]);
}

#[test]
fn numbers_are_number_cells_with_number_formats() {
    let s = scenario();
    assert_eq!(s.run(&["run", "--period", PERIOD]).code, 3);
    let path = report_path(&s);
    // No string cell holds a number, and no text carries a formatted
    // figure ("1.215 rijen"): the office suite formats every number, the
    // same way everywhere.
    let numberish = |t: &str| {
        let t = t.trim().trim_end_matches('%');
        t.chars().any(|c| c.is_ascii_digit())
            && t.chars().all(|c| c.is_ascii_digit() || ".,".contains(c))
    };
    for (sheet, r, c, t) in strings(&path) {
        // Rejected raw values are shown as the partnership typed them, and
        // messages quote them (and show how to type 1.234).
        if sheet == "Datakwaliteit" && (c == 5 || c == 7) {
            continue;
        }
        assert!(
            !numberish(&t),
            "{sheet}!({r}, {c}) is text that looks like a number: {t:?}"
        );
        assert!(
            !t.split_whitespace()
                .map(|w| w.trim_end_matches(['.', ',', ';', ':', ')']))
                .any(|w| numberish(w) && (w.contains('.') || w.contains(','))),
            "{sheet}!({r}, {c}) has a formatted number in its text: {t:?}"
        );
    }
    // Start months are date cells.
    let grid = sheet(&path, "Aanleverstatus");
    let row = find_row(&grid, 0, &[(0, "A  Alpha")]).unwrap();
    assert!(matches!(grid.get_value((row, 2)), Some(Data::DateTime(_))));
    let parts = package(&path);
    let styles = &parts["xl/styles.xml"];
    for format in ["#,##0", "0.0%", "[$-413]mmm yyyy"] {
        assert!(
            styles.contains(&format!("formatCode=\"{format}\"")),
            "number format {format}"
        );
    }
}

#[test]
fn quality_sheets_print_readably() {
    let s = scenario();
    assert_eq!(s.run(&["run", "--period", PERIOD]).code, 3);
    let path = report_path(&s);
    let parts = package(&path);
    let names = open(&path).sheet_names();
    let workbook = &parts["xl/workbook.xml"];
    for name in ["Aanleverstatus", "Datakwaliteit", "Verwerking", "PPS"] {
        let n = names.iter().position(|s| s == name).unwrap() + 1;
        let xml = &parts[&format!("xl/worksheets/sheet{n}.xml")];
        // Landscape, one page wide and as long as needed (never shrunk to
        // a single page).
        assert!(
            xml.contains("orientation=\"landscape\""),
            "{name}: landscape"
        );
        assert!(
            xml.contains("<pageSetUpPr fitToPage=\"1\"/>"),
            "{name}: fit"
        );
        assert!(
            xml.contains("fitToHeight=\"0\""),
            "{name}: fit to width only"
        );
        // The table header repeats on every printed page.
        assert!(
            workbook.contains(&format!("localSheetId=\"{}\">{name}!$", n - 1)),
            "{name}: print titles in {workbook}"
        );
        // Long texts wrap instead of widening the page.
        let widths: f64 = xml
            .split("<col ")
            .skip(1)
            .filter_map(|c| {
                let attr = |key: &str| -> Option<f64> {
                    let at = c.find(&format!(" {key}=\""))? + key.len() + 3;
                    c[at..].split('"').next()?.parse().ok()
                };
                Some((attr("max")? - attr("min")? + 1.0) * attr("width")?)
            })
            .sum();
        assert!(widths < 230.0, "{name}: {widths} characters wide");
    }
}

#[test]
fn summary_names_partnerships_without_a_submission() {
    let s = scenario();
    let run = s.run(&["run", "--period", PERIOD]);
    assert_eq!(run.code, 3);
    assert!(
        run.stdout.contains(
            "partnerships without an accepted submission for 2026-03: 1 of 3\n    A  Alpha\n"
        ),
        "{}",
        run.stdout
    );
    assert!(
        !run.stderr.contains("no accepted submission"),
        "{}",
        run.stderr
    );

    // Twelve partnerships, one of which reported: ten named, the rest counted.
    let s = Scenario::new();
    let mut register =
        String::from("pps_id,naam,consortium,gemeente_code,startdatum,einddatum,sector\n");
    let lines: Vec<String> = (1..=12)
        .map(|i| format!("P{i:02},Partnerschap {i},,GM0363,2026-01-01,,zorg\n"))
        .collect();
    register.push_str(&lines.concat());
    s.file("input/register.csv", register);
    s.file(
        "input/counts.csv",
        format!("{COUNTS_HEADER}\nP05,2026-03,1,1,1,1,1,1\n"),
    );
    let run = s.run(&["run", "--period", PERIOD]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = &run.stdout;
    assert!(out.contains("for 2026-03: 11 of 12"), "{out}");
    for i in [1, 2, 3, 4, 6, 7, 8, 9, 10, 11] {
        assert!(
            out.contains(&format!("    P{i:02}  Partnerschap {i}\n")),
            "{out}"
        );
    }
    assert!(!out.contains("P05  ") && !out.contains("P12  "), "{out}");
    assert!(out.contains("... and 1 more"), "{out}");
}

#[test]
fn a_period_without_data_is_a_warning() {
    let s = scenario();
    let run = s.run(&["run", "--period", "2026-05"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("warning: no accepted submission for 2026-05 at all")
            && run.stderr.contains("the latest month with data is 2026-03"),
        "{}",
        run.stderr
    );
    // The run still completes.
    assert!(s.path().join("output/2026-05/report_2026-05.xlsx").exists());
    assert!(run.stdout.contains("for 2026-05: 2 of 2"), "{}", run.stdout);
}

#[test]
fn help_lists_the_exit_codes() {
    let s = Scenario::new();
    for args in [&["--help"][..], &["run", "--help"], &["validate", "--help"]] {
        let run = s.run(args);
        assert_eq!(run.code, 0);
        let out = &run.stdout;
        assert!(out.contains("Exit codes:"), "{args:?}: {out}");
        for code in [
            "  0  success",
            "  3  the run completed",
            "  1  fatal error",
            "  2  usage error",
        ] {
            assert!(out.contains(code), "{args:?}: {code} in {out}");
        }
    }
}

#[test]
fn report_says_it_is_unsuppressed_with_the_configured_threshold() {
    let s = scenario();
    s.file("config/pps-monitor.toml", "suppression_threshold = 3\n");
    assert_eq!(s.run(&["run", "--period", PERIOD]).code, 3);
    let summary = sheet(&report_path(&s), "Samenvatting");
    let all: String = (0..40).map(|r| text(&summary, r, 0)).collect();
    assert!(all.contains("zonder onderdrukking"), "{all}");
    assert!(
        all.contains("van 1 tot en met 2") && all.contains("drempel 3"),
        "{all}"
    );

    s.file("config/pps-monitor.toml", "suppression_threshold = 0\n");
    assert_eq!(s.run(&["run", "--period", PERIOD]).code, 3);
    let summary = sheet(&report_path(&s), "Samenvatting");
    let all: String = (0..40).map(|r| text(&summary, r, 0)).collect();
    assert!(all.contains("staat uit"), "{all}");
}

#[test]
fn region_groups_get_their_own_sheet() {
    let s = scenario();
    s.file(
        "config/pps-monitor.toml",
        "[[region_group]]\ncode = \"RG01\"\nnaam = \"Testgroep\"\ngemeenten = [\"GM0363\"]\n",
    );
    assert_eq!(s.run(&["run", "--period", PERIOD]).code, 3);
    let path = report_path(&s);
    let names = open(&path).sheet_names();
    let at = names
        .iter()
        .position(|n| n == "Regiogroep")
        .expect("a Regiogroep sheet");
    assert_eq!(names[at - 1], "Arbeidsmarktregio");
    assert_eq!(names[at + 1], "Consortium");
    let groups = sheet(&path, "Regiogroep");
    assert!(find_row(&groups, 4, &[(0, "RG01"), (1, "Testgroep")]).is_some());
}

/// `soffice`; a test that needs it fails when it is not installed. Such
/// tests are `#[ignore]`d with a reason, so a plain `cargo test` on a
/// machine without LibreOffice shows them as `ignored, needs LibreOffice…`
/// instead of a silent `ok`; CI (`.ci/run`) installs LibreOffice and runs
/// them with `cargo test --test integration -- --ignored office_suite`.
pub fn office() -> &'static str {
    let found = Command::new("soffice")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        found,
        "this test needs LibreOffice: `soffice` is not installed"
    );
    "soffice"
}

/// Converts `file` with LibreOffice into `out` (`pdf`, `xlsx`, `ods`) and
/// returns the converted file. A private profile keeps parallel tests
/// apart; a hung conversion is killed after three minutes.
pub fn convert(soffice: &str, file: &Path, to: &str, out: &Path) -> PathBuf {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.path().display()
        ))
        .args(["--headless", "--convert-to", to, "--outdir"])
        .arg(out)
        .arg(file)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let Some(status) = wait_at_most(&mut child, Duration::from_secs(180)) else {
        let _ = child.kill();
        panic!("soffice did not finish converting {}", file.display());
    };
    assert!(status.success(), "soffice failed on {}", file.display());
    let stem = file.file_stem().unwrap().to_string_lossy();
    let ext = to.split(':').next().unwrap();
    out.join(format!("{stem}.{ext}"))
}

#[test]
#[ignore = "needs LibreOffice (soffice); CI runs it: cargo test --test integration -- --ignored office_suite"]
fn report_renders_in_an_office_suite() {
    let soffice = office();
    let s = scenario();
    assert_eq!(s.run(&["run", "--period", PERIOD]).code, 3);
    let out = tempfile::tempdir().unwrap();
    let pdf = convert(soffice, &report_path(&s), "pdf", out.path());
    let bytes = std::fs::read(&pdf).unwrap_or_else(|e| panic!("{}: {e}", pdf.display()));
    assert!(bytes.starts_with(b"%PDF"), "not a PDF");
    assert!(bytes.len() > 10_000, "a PDF of {} bytes", bytes.len());
}

#[test]
fn template_has_the_contract_header_validation_and_instructions() {
    let s = Scenario::new();
    s.file("input/register.csv", REGISTER);
    let run = s.run(&["template", "--output", "sjabloon.xlsx"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("3 partnership id(s)"), "{}", run.stdout);
    let path = s.path().join("sjabloon.xlsx");
    let names = open(&path).sheet_names();
    assert_eq!(names, ["counts", "Toelichting"]);
    let counts = sheet(&path, "counts");
    let header: Vec<String> = (0..8).map(|c| text(&counts, 0, c)).collect();
    let want: Vec<&str> = COUNTS.columns.iter().map(|c| c.name).collect();
    assert_eq!(header, want);
    assert_eq!(counts.end(), Some((0, 7)), "nothing below the header");

    let parts = package(&path);
    let xml = &parts["xl/worksheets/sheet1.xml"];
    assert!(xml.contains("state=\"frozen\""), "frozen header");
    assert!(
        xml.contains("type=\"whole\"") && xml.contains("operator=\"greaterThanOrEqual\""),
        "whole numbers >= 0"
    );
    assert!(xml.contains("sqref=\"C2:C5001\"") && xml.contains("sqref=\"H2:H5001\""));
    assert!(xml.contains("type=\"list\"") && xml.contains("Toelichting!$A$32:$A$34"));
    assert!(xml.contains("JJJJ-MM"), "period hint");

    // The ids behind the list, and no row that ingest could take for a
    // header in the instructions' first 20 rows.
    let help = sheet(&path, "Toelichting");
    assert_eq!([31, 32, 33].map(|r| text(&help, r, 0)), ["A", "B", "C"]);
    // The English sheet name is explained in Dutch.
    let first_step = text(&help, 4, 1);
    assert!(
        first_step.contains("heet 'counts'") && first_step.contains("laat die naam staan"),
        "{first_step}"
    );
    let names: Vec<&str> = COUNTS.columns.iter().map(|c| c.name).collect();
    for r in 0..20 {
        let in_row = (0..4)
            .filter(|c| names.contains(&text(&help, r, *c).as_str()))
            .count();
        assert!(
            in_row <= 1,
            "row {} of Toelichting looks like a header",
            r + 1
        );
    }
}

#[test]
fn template_without_a_register_has_no_list() {
    let s = Scenario::new();
    let run = s.run(&["template"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let path = s.path().join("output/aanleveringssjabloon.xlsx");
    let xml = &package(&path)["xl/worksheets/sheet1.xml"];
    assert!(!xml.contains("type=\"list\""));
    assert!(xml.contains("type=\"whole\""));
}

/// The template as a person fills it in: the same workbook with rows
/// typed below the header (text periods in several spellings, a date
/// cell, numbers). Returns the number of rows.
fn fill_template(path: &Path) -> usize {
    let ids = ["A", "B", "C"].map(String::from);
    let mut workbook = template::workbook(&ids).unwrap();
    let ws = workbook.worksheet_from_name("counts").unwrap();
    let date = Format::new().set_num_format("dd-mm-yyyy");
    let rows: [(&str, &str, [f64; 6]); 6] = [
        ("A", "2026-01", [31.0, 9.0, 14.0, 7.0, 44.0, 25.0]),
        ("A", "", [30.0, 8.0, 12.0, 6.0, 45.0, 25.0]), // a date cell, below
        ("A", "mrt 2026", [28.0, 7.0, 10.0, 5.0, 46.0, 26.0]),
        ("B", "okt 2025", [6.0, 2.0, 3.0, 1.0, 9.0, 4.0]),
        ("B", "11-2025", [7.0, 3.0, 5.0, 0.0, 10.0, 5.0]),
        ("C", "2026-02-01", [12.0, 0.0, 0.0, 8.0, 6.0, 6.0]),
    ];
    for (i, (id, period, values)) in rows.iter().enumerate() {
        let r = 1 + i as u32;
        ws.write_string(r, 0, *id).unwrap();
        if period.is_empty() {
            ws.write_datetime_with_format(
                r,
                1,
                ExcelDateTime::from_ymd(2026, 2, 15).unwrap(),
                &date,
            )
            .unwrap();
        } else {
            ws.write_string(r, 1, *period).unwrap();
        }
        for (c, v) in values.iter().enumerate() {
            ws.write_number(r, 2 + c as u16, *v).unwrap();
        }
    }
    workbook.save(path).unwrap();
    rows.len()
}

fn assert_accepted(s: &Scenario, file: &str, rows: usize) {
    let run = s.run(&["run", "--period", PERIOD]);
    assert_eq!(
        run.code,
        0,
        "{}\n{}",
        run.stdout,
        s.read(&format!("output/{PERIOD}/rejects_{PERIOD}.csv"))
    );
    let counts = s.sheet_counts(PERIOD, file);
    assert_eq!(counts["sheet"], "counts");
    assert_eq!(counts["table"], "counts");
    assert_eq!(counts["read"], rows);
    assert_eq!(counts["accepted"], rows);
    assert_eq!(counts["rejected"], 0);
    // The instruction sheet is ignored, with a warning, never a table.
    let manifest = s.manifest(PERIOD);
    let input = manifest["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["path"] == file)
        .unwrap();
    assert_eq!(input["sheets"][1]["table"], "ignored");
}

#[test]
fn a_filled_in_template_is_accepted_unchanged() {
    let s = Scenario::new();
    s.file("input/register.csv", REGISTER);
    // Write the template with the binary first: the filled-in version
    // below must be that workbook plus rows.
    assert_eq!(s.run(&["template", "--output", "input/leeg.xlsx"]).code, 0);
    let empty = s.path().join("input/leeg.xlsx");
    let ids = ["A", "B", "C"].map(String::from);
    let mut ours = template::workbook(&ids).unwrap();
    assert_eq!(
        std::fs::read(&empty).unwrap(),
        ours.save_to_buffer().unwrap(),
        "the binary writes template::workbook"
    );
    std::fs::remove_file(&empty).unwrap();

    let rows = fill_template(&s.path().join("input/aanlevering.xlsx"));
    assert_accepted(&s, "aanlevering.xlsx", rows);
    let export = s.export(PERIOD);
    let jtd_a = export
        .iter()
        .find(|r| {
            r["venster"] == "jtd" && r["regio_code"] == "A" && r["indicator"] == "studenten_bol"
        })
        .unwrap();
    assert_eq!(jtd_a["waarde"], "89"); // 31 + 30 + 28
}

#[test]
#[ignore = "needs LibreOffice (soffice); CI runs it: cargo test --test integration -- --ignored office_suite"]
fn a_template_saved_by_an_office_suite_is_accepted() {
    let soffice = office();
    let work = tempfile::tempdir().unwrap();
    let filled = work.path().join("aanlevering.xlsx");
    let rows = fill_template(&filled);
    for to in ["xlsx:Calc MS Excel 2007 XML", "ods"] {
        let out = tempfile::tempdir().unwrap();
        let saved = convert(soffice, &filled, to, out.path());
        let s = Scenario::new();
        s.file("input/register.csv", REGISTER);
        let name = saved.file_name().unwrap().to_string_lossy().into_owned();
        std::fs::copy(&saved, s.path().join("input").join(&name)).unwrap();
        assert_accepted(&s, &name, rows);
    }
}
