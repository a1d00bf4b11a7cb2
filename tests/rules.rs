//! Every rule code of the contract, each in a known row, through the real
//! binary: the rejects file must name the rule, row and column, and every
//! sheet's accounting must add up.

use crate::common::{COUNTS_HEADER, Scenario, rule_lines};

fn every_rule() -> Scenario {
    let s = Scenario::new();
    s.file(
        "input/register.csv",
        "pps_id,naam,consortium,gemeente_code,startdatum,einddatum,sector
A,Alpha,Consortium X,GM0363,2025-01-01,,zorg
B,Beta,,GM0014,2025-06-01,2026-03-31,techniek
C,,,GM0363,2025-01-01,,
D,Delta,,GM9999,2025-01-01,,
E,Echo,,Amsterdam,2025-01-01,,
F,Fox,,GM0363,2025-01-01,,
F,Fox two,,GM0363,2025-01-01,,
G,Golf,,GM0363,31-02-2025,,
",
    );
    s.file(
        "input/targets.csv",
        "pps_id,jaar,indicator,streefwaarde
A,2026,deelnemers,100
A,2026,stagiairs,5
Z,2026,deelnemers,5
A,2026,werkenden,-5
A,twintig,werkenden,5
A,2026,bedrijven,
A,2026,studenten,10
A,2026,studenten,12
A,2026,deelnemers,100
",
    );
    s.file(
        "input/counts.csv",
        format!(
            "{COUNTS_HEADER}
A,2026-01,1,2,3,4,10,5
A,2026-02,\"12,5\",0,0,0,10,5
A,2026-03,-1,0,0,0,10,5
A,,1,0,0,0,10,5
X,2026-03,1,0,0,0,10,5
C,2026-03,1,0,0,0,10,5
A,2024-12,1,0,0,0,10,5
B,2026-04,1,0,0,0,10,5
A,2026-04,1,0,0,0,5,6
A,2026-05,1,0,0,0,10,5
A,2026-06,1,,0,0,10,5
A,2026-07,1,0,0,0,10,5
A,2026-01,1,2,3,4,10,5
,,,,,,,
"
        ),
    );
    s.file(
        "input/counts2.csv",
        format!("{COUNTS_HEADER}\nA,mei 2026,2,0,0,0,10,5\n"),
    );
    s.file(
        "input/missing.csv",
        "pps_id,periode,studenten_bol,studenten_bbl,werkenden,bedrijven,bedrijven_mkb
A,2026-08,1,0,0,10,5
A,2026-09,1,0,0,10,5
",
    );
    s.file("input/broken.xlsx", "this is not a workbook");
    s
}

fn line(rule: &str, row: &str, column: &str) -> (String, String, String) {
    (rule.to_owned(), row.to_owned(), column.to_owned())
}

#[test]
fn every_rule_code_is_reported_where_it_happens() {
    let s = every_rule();
    let run = s.run(&["validate", "--period", "2026-06"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    let rejects = s.rejects("2026-06");
    let by_file = |file: &str| {
        rule_lines(
            &rejects
                .iter()
                .filter(|r| r["bestand"] == file)
                .cloned()
                .collect::<Vec<_>>(),
        )
    };
    assert_eq!(by_file("broken.xlsx"), [line("unreadable_file", "", "")]);
    assert_eq!(
        by_file("counts.csv"),
        [
            line("bad_value", "3", "studenten_bol"),
            line("negative", "4", "studenten_bol"),
            line("missing_value", "5", "periode"),
            line("unknown_pps", "6", "pps_id"),
            line("unknown_pps", "7", "pps_id"),
            line("before_start", "8", "periode"),
            line("after_end", "9", "periode"),
            line("mkb_exceeds_total", "10", "bedrijven_mkb"),
            line("duplicate_conflict", "11", "pps_id"),
        ]
    );
    assert_eq!(
        by_file("counts2.csv"),
        [line("duplicate_conflict", "2", "pps_id")]
    );
    assert_eq!(
        by_file("missing.csv"),
        [
            line("missing_column", "2", "werkzoekenden"),
            line("missing_column", "3", "werkzoekenden")
        ]
    );
    assert_eq!(
        by_file("register.csv"),
        [
            line("missing_value", "4", "naam"),
            line("unknown_gemeente", "5", "gemeente_code"),
            line("bad_value", "6", "gemeente_code"),
            line("duplicate_pps", "7", "pps_id"),
            line("duplicate_pps", "8", "pps_id"),
            line("bad_value", "9", "startdatum"),
        ]
    );
    assert_eq!(
        by_file("targets.csv"),
        [
            line("unknown_indicator", "3", "indicator"),
            line("unknown_pps", "4", "pps_id"),
            line("negative", "5", "streefwaarde"),
            line("bad_value", "6", "jaar"),
            line("missing_value", "7", "streefwaarde"),
            line("duplicate_conflict", "8", "pps_id"),
            line("duplicate_conflict", "9", "pps_id"),
        ]
    );
    // Raw values as typed, messages in Dutch that say what to do.
    let bad = rejects
        .iter()
        .find(|r| r["regel"] == "bad_value" && r["bestand"] == "counts.csv")
        .unwrap();
    assert_eq!(bad["waarde"], "12,5");
    assert!(
        bad["melding"].contains("geen geheel aantal"),
        "{}",
        bad["melding"]
    );
    let rejected_register = rejects
        .iter()
        .find(|r| r["rij"] == "7" && r["bestand"] == "counts.csv")
        .unwrap();
    assert!(
        rejected_register["melding"].contains("afgekeurd"),
        "{}",
        rejected_register["melding"]
    );
    let conflict = rejects
        .iter()
        .find(|r| r["bestand"] == "counts2.csv")
        .unwrap();
    assert!(
        conflict["melding"].contains("counts.csv rij 11"),
        "{}",
        conflict["melding"]
    );
}

#[test]
fn every_sheet_accounts_for_every_row() {
    let s = every_rule();
    assert_eq!(s.run(&["validate", "--period", "2026-06"]).code, 3);
    let counts = s.sheet_counts("2026-06", "counts.csv");
    assert_eq!(counts["table"], "counts");
    assert_eq!(
        [
            &counts["read"],
            &counts["accepted"],
            &counts["rejected"],
            &counts["duplicates"],
            &counts["later"],
            &counts["blank"]
        ],
        [13, 2, 9, 1, 1, 1]
    );
    let targets = s.sheet_counts("2026-06", "targets.csv");
    assert_eq!(
        [
            &targets["read"],
            &targets["accepted"],
            &targets["rejected"],
            &targets["duplicates"]
        ],
        [9, 1, 7, 1]
    );
    let register = s.sheet_counts("2026-06", "register.csv");
    assert_eq!(
        [
            &register["read"],
            &register["accepted"],
            &register["rejected"]
        ],
        [8, 2, 6]
    );
    let manifest = s.manifest("2026-06");
    let broken = manifest["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["path"] == "broken.xlsx")
        .unwrap();
    assert_eq!(broken["status"], "unreadable");
    crate::common::assert_sheets_add_up(&manifest);
    // The empty count cell is a warning, not a reject.
    let warnings = manifest["warnings"].as_array().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w["file"] == "counts.csv" && w["row"] == 12 && w["column"] == "studenten_bbl"),
        "{warnings:?}"
    );
}

#[test]
fn latest_period_takes_rows_that_would_be_later() {
    let s = every_rule();
    assert_eq!(s.run(&["validate"]).code, 3);
    let counts = s.sheet_counts("2026-07", "counts.csv");
    assert_eq!([&counts["accepted"], &counts["later"]], [3, 0]);
}

#[test]
fn clean_input_exits_zero() {
    let s = Scenario::with_register();
    s.file(
        "input/counts.csv",
        format!("{COUNTS_HEADER}\nA,2026-01,1,2,3,4,10,5\nB,2026-01,0,0,0,0,0,0\n"),
    );
    let run = s.run(&["validate"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(s.rejects("2026-01").len(), 0);
    assert!(
        run.stdout.contains("4 read, 4 accepted, 0 rejected"),
        "{}",
        run.stdout
    );
}
