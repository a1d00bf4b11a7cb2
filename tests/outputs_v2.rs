//! The v2 outputs (issue 11): `datapackage.json`, checked for its
//! structure here and by the reference validator when it is installed, and
//! the feedback workbooks per consortium, read back with calamine and
//! compared with the rejects file and the register.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{Data, Range, Reader, Xlsx, open_workbook};

use pps_monitor::model::{Indicator, Level, Window};
use pps_monitor::publish::{export, guard, rejects};

use crate::common::{COUNTS_HEADER, Scenario};

const PERIOD: &str = "2026-10";

/// Two consortia that slug differently, one partnership without a
/// consortium, and a register row that is itself rejected:
///
/// - A (Zorg & Wélzijn, since 2025): January to October except April and
///   July; its April row has a bad value.
/// - B (Zorg & Wélzijn, starts June 2026): June and August; a May row
///   (before its start).
/// - C (Techniek Oost, ended March 2026): January and February; a May row
///   (after its end).
/// - D (no consortium): October only; a row with a negative count.
/// - E (Techniek Oost in the register, unknown municipality): rejected,
///   so its rows are `unknown_pps` and belong to no workbook; so are the
///   rows of X, which is not in the register.
const REGISTER: &str = "\
pps_id,naam,consortium,gemeente_code,startdatum,einddatum,sector
A,Alpha,Zorg & Wélzijn,GM0363,2025-01-01,,zorg
B,Beta,Zorg & Wélzijn,GM0014,2026-06-15,,zorg
C,Gamma,Techniek Oost,GM0014,2024-01-01,2026-03-31,techniek
D,Delta,,GM0363,2025-01-01,,ict
E,Epsilon,Techniek Oost,GM9999,2025-01-01,,ict
";

fn counts(lines: &[String]) -> String {
    let mut text = COUNTS_HEADER.to_owned();
    for line in lines {
        text.push('\n');
        text.push_str(line);
    }
    text.push('\n');
    text
}

fn scenario() -> Scenario {
    let s = Scenario::new();
    s.file("input/register.csv", REGISTER);
    let row = |id: &str, m: u32| format!("{id},2026-{m:02},12,3,4,2,20,8");
    let mut a: Vec<String> = (1..=10)
        .filter(|m| ![4, 7].contains(m))
        .map(|m| row("A", m))
        .collect();
    a.push("A,2026-04,abc,3,4,2,20,8".to_owned());
    s.file("input/zorg/a.csv", counts(&a));
    s.file(
        "input/zorg/b.csv",
        counts(&[row("B", 6), row("B", 8), row("B", 5)]),
    );
    s.file(
        "input/techniek/c.csv",
        counts(&[row("C", 1), row("C", 2), row("C", 5)]),
    );
    s.file(
        "input/d.csv",
        counts(&[row("D", 10), "D,2026-09,-1,3,4,2,20,8".to_owned()]),
    );
    s.file("input/e.csv", counts(&[row("E", 10), row("X", 10)]));
    s
}

fn out(s: &Scenario, relative: &str) -> PathBuf {
    s.path().join(format!("output/{PERIOD}/{relative}"))
}

/// The rejects file as rows of its seven fields (a byte order mark, if
/// any, skipped), text fields with the formula guard the contract asks for
/// (a no-op once the file itself is guarded).
fn rejects_rows(s: &Scenario) -> Vec<Vec<String>> {
    let text = s.read(&format!("output/{PERIOD}/rejects_{PERIOD}.csv"));
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(reader.headers().unwrap(), &rejects::HEADER[..]);
    reader
        .records()
        .map(|r| {
            r.unwrap()
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    if i == 2 {
                        f.to_owned()
                    } else {
                        guard(f).into_owned()
                    }
                })
                .collect()
        })
        .collect()
}

fn sheet(path: &Path, name: &str) -> Range<Data> {
    let mut book: Xlsx<_> =
        open_workbook(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    book.worksheet_range(name)
        .unwrap_or_else(|e| panic!("{}: sheet {name}: {e}", path.display()))
}

fn text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
        Data::Int(i) => i.to_string(),
        other => other.to_string(),
    }
}

/// The rows of a table sheet below its header row, as texts.
fn table(path: &Path, name: &str) -> Vec<Vec<String>> {
    let range = sheet(path, name);
    range
        .rows()
        .skip(1)
        .map(|r| r.iter().map(text).collect::<Vec<_>>())
        .collect()
}

fn workbooks(s: &Scenario) -> Vec<String> {
    crate::common::file_names(&out(s, "terugkoppeling"))
}

#[test]
fn one_workbook_per_consortium_with_exactly_its_rejects() {
    let s = scenario();
    assert_eq!(s.run(&["run"]).code, 3);
    assert_eq!(
        workbooks(&s),
        [
            "techniek-oost.xlsx",
            "zonder-consortium.xlsx",
            "zorg-welzijn.xlsx"
        ]
    );
    let all = rejects_rows(&s);
    let of = |prefixes: &[&str]| -> BTreeSet<Vec<String>> {
        all.iter()
            .filter(|r| prefixes.iter().any(|p| r[0].starts_with(p)))
            .cloned()
            .collect()
    };
    for (file, sources, n) in [
        ("zorg-welzijn.xlsx", &["zorg/"][..], 2),
        ("techniek-oost.xlsx", &["techniek/"][..], 1),
        ("zonder-consortium.xlsx", &["d.csv"][..], 1),
    ] {
        let path = out(&s, &format!("terugkoppeling/{file}"));
        let header = sheet(&path, "Afgekeurd");
        let header: Vec<String> = header.rows().next().unwrap().iter().map(text).collect();
        assert_eq!(header, rejects::HEADER, "{file}");
        let got: Vec<Vec<String>> = table(&path, "Afgekeurd");
        assert_eq!(got.len(), n, "{file}: {got:?}");
        assert_eq!(
            got.into_iter().collect::<BTreeSet<_>>(),
            of(sources),
            "{file}"
        );
    }
    // E's register row, E's and X's count rows: in no workbook.
    let unattributed: Vec<&Vec<String>> = all
        .iter()
        .filter(|r| r[0] == "register.csv" || r[0] == "e.csv")
        .collect();
    assert_eq!(unattributed.len(), 3, "{all:?}");

    let manifest = s.manifest(PERIOD);
    let listed: Vec<&str> = manifest["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["path"].as_str().unwrap())
        .collect();
    for file in workbooks(&s) {
        assert!(
            listed.contains(&format!("terugkoppeling/{file}").as_str()),
            "{listed:?}"
        );
    }
    assert!(listed.contains(&"datapackage.json"), "{listed:?}");
}

#[test]
fn missing_months_respect_start_and_end() {
    let s = scenario();
    assert_eq!(s.run(&["run"]).code, 3);
    let missing = |file: &str| -> HashMap<String, (String, String)> {
        table(&out(&s, &format!("terugkoppeling/{file}")), "Ontbrekend")
            .into_iter()
            .filter(|r| r.len() > 3 && !r[0].is_empty() && !r[2].is_empty())
            .map(|r| (r[0].clone(), (r[2].clone(), r.last().unwrap().clone())))
            .collect()
    };
    let zorg = missing("zorg-welzijn.xlsx");
    assert_eq!(zorg["A"], ("2".into(), "apr 2026, jul 2026".into()));
    // B starts in June: July, September and October are missing, not
    // January to May.
    assert_eq!(
        zorg["B"],
        ("3".into(), "jul 2026, sep 2026, okt 2026".into())
    );
    // C ended in March: only March is missing.
    let techniek = missing("techniek-oost.xlsx");
    assert_eq!(techniek["C"], ("1".into(), "mrt 2026".into()));
    assert_eq!(techniek.len(), 1, "E is not a valid partnership");
    let zonder = missing("zonder-consortium.xlsx");
    assert_eq!(zonder["D"].0, "9");
}

#[test]
fn figures_are_the_published_values() {
    let s = scenario();
    assert_eq!(s.run(&["run"]).code, 3);
    let export = s.export(PERIOD);
    let rows = table(&out(&s, "terugkoppeling/zorg-welzijn.xlsx"), "Cijfers");
    // One line per region and indicator: the consortium and A and B.
    let lines: Vec<&Vec<String>> = rows
        .iter()
        .filter(|r| r.len() > 4 && ["consortium", "PPS"].contains(&r[0].as_str()))
        .collect();
    assert_eq!(lines.len(), 3 * Indicator::ALL.len(), "{rows:?}");
    for line in &lines {
        // A consortium's code is its name, shown once under Naam.
        let code = if line[0] == "consortium" {
            &line[2]
        } else {
            &line[1]
        };
        let label = &line[3];
        let indicator = Indicator::ALL
            .into_iter()
            .find(|i| pps_monitor::publish::report::indicator_label(*i) == label)
            .unwrap();
        for (col, window) in [
            (4, Window::Maand),
            (5, Window::Jtd),
            (6, Window::Cumulatief),
        ] {
            let row = export
                .iter()
                .find(|r| {
                    r["regio_code"] == *code
                        && r["indicator"] == indicator.name()
                        && r["venster"] == window.name()
                })
                .unwrap_or_else(|| panic!("{code} {label} {window:?}"));
            let shown = &line[col];
            if row["status"] == "M" {
                assert_eq!(shown, "geen gegevens", "{code} {label} {window:?}");
            } else if row["onderdrukt"] == "true" {
                assert_eq!(shown, "onderdrukt", "{code} {label} {window:?}");
            } else if indicator.is_percentage() && !row["waarde"].is_empty() {
                let v: f64 = shown.parse().unwrap();
                assert_eq!(format!("{:.1}", v * 100.0), row["waarde"], "{code} {label}");
            } else {
                assert_eq!(*shown, row["waarde"], "{code} {label} {window:?}");
            }
        }
    }
    // The threshold is 5: B's monthly counts of 2 to 4 are suppressed.
    assert!(lines.iter().any(|l| l.contains(&"onderdrukt".to_owned())));
}

#[test]
fn outputs_are_deterministic() {
    let s = scenario();
    assert_eq!(s.run(&["run"]).code, 3);
    let first: Vec<Vec<u8>> = ["datapackage.json", "terugkoppeling/zorg-welzijn.xlsx"]
        .iter()
        .map(|f| std::fs::read(out(&s, f)).unwrap())
        .collect();
    assert_eq!(s.run(&["run"]).code, 3);
    for (f, bytes) in ["datapackage.json", "terugkoppeling/zorg-welzijn.xlsx"]
        .iter()
        .zip(first)
    {
        assert!(std::fs::read(out(&s, f)).unwrap() == bytes, "{f} differs");
    }
}

#[test]
fn no_workbook_without_partnerships_of_its_own() {
    let s = Scenario::new();
    s.file(
        "input/register.csv",
        "pps_id,naam,consortium,gemeente_code,startdatum,einddatum,sector\n\
         A,Alpha,Één,GM0363,2025-01-01,,\nB,Beta,één!,GM0363,2025-01-01,,\n\
         C,Gamma,../Geheim,GM9999,2025-01-01,,\n",
    );
    s.file("input/a.csv", counts(&["A,2026-10,1,1,1,1,1,1".to_owned()]));
    assert_eq!(s.run(&["run"]).code, 3);
    // Two names that slug alike get distinct files, in name order; C's
    // register row is rejected, so no workbook for its consortium, and no
    // zonder-consortium workbook either.
    assert_eq!(workbooks(&s), ["een-2.xlsx", "een.xlsx"]);
    let cover = sheet(&out(&s, "terugkoppeling/een.xlsx"), "Overzicht");
    assert!(
        cover.rows().any(|r| r.iter().any(|c| text(c) == "Één")),
        "the first name in code-point order gets the plain slug"
    );
}

/// The data package's descriptor and the reference validator.
#[test]
fn data_package_describes_the_export_and_the_rejects() {
    let s = scenario();
    assert_eq!(s.run(&["run"]).code, 3);
    let d: serde_json::Value =
        serde_json::from_str(&s.read(&format!("output/{PERIOD}/datapackage.json"))).unwrap();
    assert_eq!(
        d["$schema"],
        "https://datapackage.org/profiles/2.0/datapackage.json"
    );
    let resources = d["resources"].as_array().unwrap();
    assert_eq!(resources.len(), 2);
    let export_res = &resources[0];
    assert_eq!(export_res["path"], format!("kpi_export_{PERIOD}.csv"));
    assert_eq!(resources[1]["path"], format!("rejects_{PERIOD}.csv"));
    let schema = &export_res["schema"];
    assert_eq!(
        schema["primaryKey"],
        serde_json::json!(["venster", "niveau", "regio_code", "indicator"])
    );
    let fields = schema["fields"].as_array().unwrap();
    let names: Vec<&str> = fields.iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(names, export::HEADER);
    let field = |name: &str| fields.iter().find(|f| f["name"] == name).unwrap();
    assert_eq!(field("waarde")["type"], "number");
    assert_eq!(field("doel")["type"], "integer");
    assert_eq!(field("onderdrukt")["type"], "boolean");
    assert_eq!(field("periode")["type"], "yearmonth");
    let codes = |name: &str| -> Vec<String> {
        field(name)["categories"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["value"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(codes("venster"), Window::ALL.map(|w| w.name().to_owned()));
    assert_eq!(codes("niveau"), Level::ALL.map(|l| l.name().to_owned()));
    assert_eq!(
        codes("indicator"),
        Indicator::ALL.map(|i| i.name().to_owned())
    );
    assert_eq!(codes("status"), ["F", "C", "M"]);
    for empty in ["C", "M"] {
        assert!(
            field("waarde")["description"]
                .as_str()
                .unwrap()
                .contains(&format!("status {empty}")),
            "waarde says what an empty value with status {empty} means"
        );
    }
    assert_eq!(resources[0]["dialect"]["lineTerminator"], "\r\n");
    let sha = |f: &str| {
        s.manifest(PERIOD)["outputs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["path"] == f)
            .unwrap()["sha256"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        resources[1]["hash"],
        format!("sha256:{}", sha(&format!("rejects_{PERIOD}.csv")))
    );
}

/// The reference validator finds no error in the data package (export and
/// rejects file included). Ignored in a plain `cargo test`, so that a
/// machine without frictionless shows it as ignored, not as passed; CI runs
/// it (`.ci/run` installs frictionless).
#[test]
#[ignore = "needs frictionless ($FRICTIONLESS or on PATH); CI runs it: cargo test --test integration -- --ignored frictionless"]
fn frictionless_validates_the_data_package() {
    let bin = frictionless().expect(
        "this test needs frictionless: set FRICTIONLESS to the program or put it on PATH \
         (.ci/run installs it in a virtual environment)",
    );
    let s = scenario();
    assert_eq!(s.run(&["run"]).code, 3);
    let run = Command::new(&bin)
        .args(["validate", "--json"])
        .arg(out(&s, "datapackage.json"))
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        )
    });
    assert_eq!(report["valid"], true, "{report:#}");
    assert_eq!(report["stats"]["errors"], 0, "{report:#}");
    let rows: Vec<&serde_json::Value> = report["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["stats"]["rows"])
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        rows[1],
        s.read(&format!("output/{PERIOD}/rejects_{PERIOD}.csv"))
            .lines()
            .count()
            - 1
    );
}

/// The reference validator: `$FRICTIONLESS`, or `frictionless` on PATH.
fn frictionless() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("FRICTIONLESS") {
        return Some(PathBuf::from(path));
    }
    let found = Command::new("frictionless")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    found.then(|| PathBuf::from("frictionless"))
}

/// A feedback workbook opens and prints in a real office suite: every sheet
/// gives at least one page.
#[test]
#[ignore = "needs LibreOffice (soffice); CI runs it: cargo test --test integration -- --ignored office_suite"]
fn feedback_workbook_renders_in_an_office_suite() {
    let soffice = crate::report::office();
    let s = scenario();
    assert_eq!(s.run(&["run"]).code, 3);
    let dir = tempfile::tempdir().unwrap();
    let pdf = crate::report::convert(
        soffice,
        &out(&s, "terugkoppeling/zorg-welzijn.xlsx"),
        "pdf",
        dir.path(),
    );
    let bytes = std::fs::read(&pdf).unwrap_or_else(|e| panic!("{}: {e}", pdf.display()));
    assert!(bytes.starts_with(b"%PDF"), "not a PDF");
    // Page objects: `/Type/Page` or `/Type /Page`, not followed by `s`.
    let text = String::from_utf8_lossy(&bytes).replace("/Type /Page", "/Type/Page");
    let pages = text
        .match_indices("/Type/Page")
        .filter(|(i, m)| text.as_bytes().get(i + m.len()) != Some(&b's'))
        .count();
    assert!(pages >= 4, "{pages} pages for four sheets");
}
