//! The shipped sample as an operator meets it (contract section 1: "with
//! no flags at all, on a fresh checkout, `pps-monitor run` must produce a
//! full report from the sample data"): `pps-monitor run` without flags on
//! copies of `config/` and `input/`, checked against `input/README.md`
//! where `tests/golden.rs` does not look: the period `latest` picks, the
//! run summary's row and rule counts, the row that is only a warning, the
//! row kept once as a duplicate, and one rejects line per mistake.

use std::collections::BTreeMap;

use crate::golden::{readme_table, sample, unquote};

const TODAY: &str = "2026-11-15";

#[test]
fn run_without_flags_publishes_the_sample_as_its_readme_says() {
    let s = sample();
    let run = s.run_with_env(&["run"], &[("PPS_MONITOR_TODAY", TODAY)]);
    assert_eq!(run.code, 3, "the sample has deliberate mistakes: {run:?}");

    // `latest`: the README's accounting is for 2026-10, with no row later.
    let accounting = readme_table("Expected row accounting (period 2026-10)");
    assert!(
        run.stdout.starts_with("Period 2026-10: published to "),
        "{}",
        run.stdout
    );
    let export = std::fs::read(s.path().join("output/2026-10/kpi_export_2026-10.csv")).unwrap();
    let golden = std::fs::read(
        crate::common::repo().join("tests/golden/sample-2026-10/kpi_export_2026-10.csv"),
    )
    .unwrap();
    assert!(
        export == golden,
        "the export of a run without flags differs from the golden one"
    );

    // The summary's rows line: the README's accounting summed over tables.
    let column = |name: &str| -> u64 {
        let header = [
            "table",
            "files",
            "rows read",
            "rejected",
            "duplicates",
            "later",
            "accepted",
            "blank",
        ];
        let i = header.iter().position(|h| *h == name).unwrap();
        accounting
            .iter()
            .map(|row| row[i].parse::<u64>().unwrap())
            .sum()
    };
    let rows = format!(
        "  rows: {} read, {} accepted, {} rejected, {} duplicate, {} after the period",
        column("rows read"),
        column("accepted"),
        column("rejected"),
        column("duplicates"),
        column("later"),
    );
    assert!(
        run.stdout.lines().any(|l| l == rows),
        "no line `{rows}` in\n{}",
        run.stdout
    );

    // Rejects per rule, in the summary and in the rejects file: one line
    // per deliberate mistake; the README's `(…)` rows are not rejected.
    let mistakes = readme_table("Deliberate mistakes");
    let mut expected: BTreeMap<String, usize> = BTreeMap::new();
    for row in mistakes.iter().filter(|r| !r[6].starts_with('(')) {
        *expected.entry(row[6].clone()).or_default() += 1;
    }
    let summary: BTreeMap<String, usize> = run
        .stdout
        .lines()
        .filter_map(|l| {
            let (n, rule) = l.trim().split_once("  ")?;
            Some((rule.trim().to_owned(), n.parse().ok()?))
        })
        .collect();
    assert_eq!(summary, expected, "rejects per rule in the summary");
    let rejects = s.rejects("2026-10");
    assert_eq!(
        rejects.len(),
        expected.values().sum::<usize>(),
        "one rejects line per mistake"
    );

    // The `(warning only)` row is accepted with a warning on its cell; the
    // `(duplicate, not rejected)` row is not in the rejects.
    let manifest = s.manifest("2026-10");
    let warnings = manifest["warnings"].as_array().unwrap();
    for row in &mistakes {
        let (file, rij, column) = (unquote(&row[1]), &row[3], &row[4]);
        match row[6].as_str() {
            "(warning only)" => assert!(
                warnings.iter().any(|w| w["file"] == file
                    && w["row"].as_u64() == rij.parse().ok()
                    && w["column"] == column.as_str()),
                "no warning for {file} row {rij} ({column})"
            ),
            "(duplicate, not rejected)" => assert!(
                !rejects
                    .iter()
                    .any(|r| r["bestand"] == file && r["rij"] == *rij),
                "{file} row {rij} is rejected"
            ),
            _ => {}
        }
    }
}
