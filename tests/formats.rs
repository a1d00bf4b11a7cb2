//! Input formats as people make them: CSV with every delimiter and
//! encoding, xlsx with title rows, shuffled and extra columns and blank
//! rows, and xls/ods files made by a real office suite.

use crate::common::{Blank, COUNTS_HEADER, Cell, N, Scenario, T, rule_lines};

/// One accepted row of partnership A in 2026-01 and one rejected row
/// (`abc` in werkenden), in the given CSV encoding.
fn csv_case(name: &str, bytes: Vec<u8>) {
    let s = Scenario::with_register();
    s.file(&format!("input/{name}"), bytes);
    let run = s.run(&["validate", "--period", "2026-01"]);
    assert_eq!(run.code, 3, "{name}: {}", run.stderr);
    let counts = s.sheet_counts("2026-01", name);
    assert_eq!(counts["table"], "counts", "{name}");
    assert_eq!(
        [&counts["read"], &counts["accepted"], &counts["rejected"]],
        [2, 1, 1],
        "{name}"
    );
    let rejects = s.rejects("2026-01");
    assert_eq!(
        rule_lines(&rejects),
        [("bad_value".into(), "3".into(), "Wérkenden".into())],
        "{name}"
    );
}

fn with_delimiter(d: &str) -> String {
    format!(
        "pps_id{d}periode{d}studenten_bol{d}studenten_bbl{d}Wérkenden{d}werkzoekenden{d}bedrijven{d}bedrijven_mkb\n\
         A{d}okt 2025{d}1{d}2{d}3{d}4{d}10{d}5\n\
         A{d}2026-01{d}1{d}2{d}abc{d}4{d}10{d}5\n"
    )
}

#[test]
fn csv_semicolon_windows_1252() {
    let text = with_delimiter(";");
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the fixture must really be Windows-1252"
    );
    csv_case("cp1252.csv", bytes.into_owned());
}

#[test]
fn csv_comma_utf8_with_bom() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(with_delimiter(",").into_bytes());
    csv_case("bom.csv", bytes);
}

#[test]
fn csv_tab_utf8_without_bom() {
    csv_case("tab.csv", with_delimiter("\t").into_bytes());
}

#[test]
fn csv_semicolon_with_dutch_numbers_and_quotes() {
    let s = Scenario::with_register();
    s.file(
        "input/nl.CSV",
        "Aanlevering PPS A;;\n\"pps_id\";\"periode\";studenten_bol;studenten_bbl;werkenden;werkzoekenden;bedrijven;bedrijven_mkb\n\
         A;\"2026M01\";\"1.234\";12,0; 7 ;0;10;5\n",
    );
    let run = s.run(&["run", "--period", "2026-01"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let export = s.export("2026-01");
    let bol = export
        .iter()
        .find(|r| {
            r["venster"] == "maand"
                && r["niveau"] == "pps"
                && r["regio_code"] == "A"
                && r["indicator"] == "studenten_bol"
        })
        .unwrap();
    assert_eq!(bol["waarde"], "1234");
    let bbl = export
        .iter()
        .find(|r| {
            r["venster"] == "maand"
                && r["niveau"] == "pps"
                && r["regio_code"] == "A"
                && r["indicator"] == "studenten_bbl"
        })
        .unwrap();
    assert_eq!(bbl["waarde"], "12");
    assert_eq!(s.sheet_counts("2026-01", "nl.CSV")["header_row"], 2);
}

#[test]
fn xlsx_with_title_rows_shuffled_and_extra_columns_and_blank_rows() {
    let s = Scenario::with_register();
    s.xlsx(
        "input/sub/maart.xlsx",
        &[
            ("Toelichting", vec![vec![T("Vul het blad Aanlevering in.")]]),
            (
                "Aanlevering",
                vec![
                    vec![Blank, T("Maandrapportage PPS A")],
                    vec![],
                    vec![
                        Blank,
                        T("Periode"),
                        T("opmerking"),
                        T("PPS ID"),
                        T("Bedrijven MKB"),
                        T("studenten-bol"),
                        T("Studenten BBL"),
                        T("werkenden"),
                        T("werkzoekenden"),
                        T("bedrijven"),
                    ],
                    vec![
                        Blank,
                        Cell::Date(2026, 1, 1),
                        T("ok"),
                        T("A"),
                        N(5.0),
                        N(1.0),
                        N(2.0),
                        N(3.0),
                        N(4.0),
                        N(10.0),
                    ],
                    vec![],
                    vec![
                        Blank,
                        T("feb 2026"),
                        Blank,
                        T("A"),
                        N(5.0),
                        N(1.5),
                        N(2.0),
                        N(3.0),
                        N(4.0),
                        N(10.0),
                    ],
                    vec![
                        Blank,
                        T("03-2026"),
                        Blank,
                        T("A"),
                        N(5.0),
                        N(1.0),
                        N(2.0),
                        N(3.0),
                        N(4.0),
                        N(10.0),
                    ],
                ],
            ),
        ],
    );
    let run = s.run(&["validate", "--period", "2026-03"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    // Row numbers as Excel shows them: header in row 3, the bad row is row 6.
    assert_eq!(
        rule_lines(&s.rejects("2026-03")),
        [("bad_value".into(), "6".into(), "studenten-bol".into())]
    );
    let rejects = s.rejects("2026-03");
    assert_eq!(rejects[0]["bestand"], "sub/maart.xlsx");
    assert_eq!(rejects[0]["blad"], "Aanlevering");
    assert_eq!(rejects[0]["waarde"], "1.5");
    let manifest = s.manifest("2026-03");
    let input = manifest["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["path"] == "sub/maart.xlsx")
        .unwrap();
    assert_eq!(input["sheets"][0]["table"], "ignored");
    let sheet = &input["sheets"][1];
    assert_eq!(
        [
            &sheet["read"],
            &sheet["accepted"],
            &sheet["rejected"],
            &sheet["blank"]
        ],
        [3, 2, 1, 1]
    );
    assert_eq!(sheet["header_row"], 3);
    let warnings = manifest["warnings"].as_array().unwrap();
    assert!(
        warnings.iter().any(|w| w["column"] == "opmerking"),
        "{warnings:?}"
    );
    assert!(
        warnings.iter().any(|w| w["sheet"] == "Toelichting"),
        "{warnings:?}"
    );
}

#[test]
fn lock_files_and_other_files_are_not_read() {
    let s = Scenario::with_register();
    s.file("input/~$register.xlsx", "lock");
    s.file("input/.hidden.csv", "x");
    s.file("input/notes.txt", "notes");
    s.file(
        "input/counts.csv",
        format!("{COUNTS_HEADER}\nA,2026-01,1,2,3,4,10,5\n"),
    );
    let run = s.run(&["validate"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let manifest = s.manifest("2026-01");
    for name in ["~$register.xlsx", ".hidden.csv", "notes.txt"] {
        let input = manifest["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["path"] == name)
            .unwrap();
        assert_eq!(input["status"], "ignored", "{name}");
    }
}

#[test]
fn unreadable_files_do_not_stop_the_others() {
    let s = Scenario::with_register();
    s.file(
        "input/counts.csv",
        format!("{COUNTS_HEADER}\nA,2026-01,1,2,3,4,10,5\n"),
    );
    s.file("input/empty.xlsx", "");
    s.file("input/fake.ods", "<html>not a spreadsheet</html>");
    let mut zip_start = b"PK\x03\x04".to_vec();
    zip_start.extend([0u8; 40]);
    s.file("input/truncated.xlsx", zip_start);
    s.file("input/binary.csv", b"\x00\x01\x02PK\x00");
    let run = s.run(&["run"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    let rejects = s.rejects("2026-01");
    let unreadable: Vec<&str> = rejects
        .iter()
        .filter(|r| r["regel"] == "unreadable_file")
        .map(|r| r["bestand"].as_str())
        .collect();
    assert_eq!(
        unreadable,
        ["binary.csv", "empty.xlsx", "fake.ods", "truncated.xlsx"]
    );
    assert!(rejects.iter().all(|r| r["rij"].is_empty()));
    assert_eq!(s.sheet_counts("2026-01", "counts.csv")["accepted"], 1);
}

/// The committed `.xls` and `.ods` files were made by LibreOffice (see
/// tests/fixtures/office/README.md for their cells).
#[test]
fn office_suite_files_xls_and_ods() {
    let s = Scenario::new();
    for name in [
        "counts_title.xls",
        "counts.ods",
        "register.ods",
        "not_a_spreadsheet.xlsx",
        "truncated.xlsx",
    ] {
        let bytes = std::fs::read(
            crate::common::repo()
                .join("tests/fixtures/office")
                .join(name),
        )
        .unwrap();
        s.file(&format!("input/{name}"), bytes);
    }
    let run = s.run(&["run", "--period", "2026-04"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    let xls = s.sheet_counts("2026-04", "counts_title.xls");
    assert_eq!(xls["sheet"], "Aanlevering");
    assert_eq!(xls["header_row"], 3);
    assert_eq!(
        [
            &xls["read"],
            &xls["accepted"],
            &xls["rejected"],
            &xls["blank"]
        ],
        [4, 4, 0, 1]
    );
    let ods = s.sheet_counts("2026-04", "counts.ods");
    assert_eq!(
        [&ods["read"], &ods["accepted"], &ods["rejected"]],
        [3, 3, 0]
    );
    let register = s.sheet_counts("2026-04", "register.ods");
    assert_eq!(register["table"], "register");
    assert_eq!(register["accepted"], 2);
    let unreadable: Vec<String> = s
        .rejects("2026-04")
        .iter()
        .map(|r| format!("{} {}", r["bestand"], r["regel"]))
        .collect();
    assert_eq!(
        unreadable,
        [
            "not_a_spreadsheet.xlsx unreadable_file",
            "truncated.xlsx unreadable_file"
        ]
    );

    // The figures from the office files reach the export.
    let export = s.export("2026-04");
    let value = |venster: &str, code: &str, indicator: &str| {
        export
            .iter()
            .find(|r| {
                r["venster"] == venster && r["regio_code"] == code && r["indicator"] == indicator
            })
            .unwrap_or_else(|| panic!("{venster} {code} {indicator}"))["waarde"]
            .clone()
    };
    assert_eq!(value("jtd", "T-01", "studenten_bol"), "29");
    assert_eq!(value("jtd", "T-01", "bedrijven"), "15");
    assert_eq!(value("jtd", "T-02", "studenten_bol"), "41");
    assert_eq!(value("jtd", "T-02", "werkzoekenden"), "7");
    assert_eq!(value("jtd", "NL", "studenten_bol"), "70");
    assert_eq!(value("cumulatief", "T-02", "bedrijven"), "31");
}

#[test]
fn an_output_folder_inside_the_input_folder_is_not_read() {
    let s = Scenario::with_register();
    s.file(
        "input/counts.csv",
        format!("{COUNTS_HEADER}\nA,2026-01,1,2,3,4,10,5\n"),
    );
    assert_eq!(s.run(&["run", "--output", "input/out"]).code, 0);
    let run = s.run(&["run", "--output", "input/out"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let manifest: serde_json::Value =
        serde_json::from_str(&s.read("input/out/2026-01/manifest.json")).unwrap();
    let paths: Vec<&str> = manifest["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["counts.csv", "register.csv"]);
}

#[cfg(unix)]
#[test]
fn a_folder_that_cannot_be_listed_is_reported_not_skipped() {
    let s = Scenario::with_register();
    s.file(
        "input/counts.csv",
        format!("{COUNTS_HEADER}\nA,2026-01,1,2,3,4,10,5\n"),
    );
    std::os::unix::fs::symlink(s.path().join("input"), s.path().join("input/loop")).unwrap();
    let run = s.run(&["validate"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    let rejects = s.rejects("2026-01");
    assert_eq!(rejects.len(), 1);
    assert_eq!(rejects[0]["bestand"], "loop");
    assert_eq!(rejects[0]["regel"], "unreadable_file");
    assert!(
        rejects[0]["melding"].contains("symbolic link"),
        "{}",
        rejects[0]["melding"]
    );
}

#[test]
fn ids_and_municipality_codes_typed_as_numbers() {
    let s = Scenario::new();
    s.xlsx(
        "input/register.xlsx",
        &[(
            "Register",
            vec![
                vec![
                    T("Partnership ID"),
                    T("Name"),
                    T("Municipality code"),
                    T("Start date"),
                ],
                vec![N(101.0), T("Honderdeen"), N(363.0), T("1-9-2025")],
                vec![
                    T(" 102 "),
                    T("Honderdtwee"),
                    T("gm0014"),
                    Cell::Date(2025, 9, 15),
                ],
            ],
        )],
    );
    s.file(
        "input/counts.csv",
        format!("{COUNTS_HEADER}\n101,sep 2025,1,2,3,4,10,5\n102,2025-09-30,1,2,3,4,10,5\n"),
    );
    let run = s.run(&["run"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let export = s.export("2025-09");
    let codes: Vec<&str> = export
        .iter()
        .filter(|r| {
            r["niveau"] == "pps" && r["venster"] == "maand" && r["indicator"] == "studenten_bol"
        })
        .map(|r| r["regio_code"].as_str())
        .collect();
    assert_eq!(codes, ["101", "102"]);
    let amsterdam = export
        .iter()
        .find(|r| {
            r["niveau"] == "provincie"
                && r["regio_code"] == "PV27"
                && r["venster"] == "maand"
                && r["indicator"] == "werkenden"
        })
        .unwrap();
    assert_eq!(amsterdam["waarde"], "");
    assert_eq!(
        amsterdam["onderdrukt"], "true",
        "3 is below the threshold of 5"
    );
}

#[test]
fn a_header_below_row_twenty_is_not_found() {
    let s = Scenario::with_register();
    let mut rows: Vec<Vec<Cell>> = (0..20).map(|_| vec![T("toelichting")]).collect();
    rows.push(vec![T("pps_id"), T("periode")]);
    rows.push(vec![T("A"), T("2026-01")]);
    s.xlsx("input/late.xlsx", &[("Blad1", rows)]);
    s.file(
        "input/counts.csv",
        format!("{COUNTS_HEADER}\nA,2026-01,1,2,3,4,10,5\n"),
    );
    assert_eq!(s.run(&["validate"]).code, 0);
    let sheet = s.sheet_counts("2026-01", "late.xlsx");
    assert_eq!(sheet["table"], "ignored");
    let manifest = s.manifest("2026-01");
    assert!(
        manifest["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["file"] == "late.xlsx")
    );
}
