//! Golden end-to-end tests on the shipped sample, in the style of cargo's
//! testsuite: copy `config/` and `input/` into a temporary folder, run the
//! real binary (`run` and `validate` for 2026-10, with a fixed "today"), and
//! compare what it wrote with committed files.
//!
//! Three kinds of check:
//!
//! - **Against the sample generator**: `input/README.md` is written by
//!   `tools/pps-sample` from the very rows it wrote; its table of deliberate
//!   mistakes must be exactly the rejects file, and its row accounting must be
//!   the manifest's sheet counts summed per table.
//! - **Against golden files** in `tests/golden/<case>/`: the export and the
//!   rejects file byte for byte, and the manifest after normalising what
//!   depends on the machine or the release (the temporary folder's absolute
//!   path, the tool version). Outputs are deterministic, so the SHA-256 of
//!   every output stays in the manifest and is compared too.
//! - **Self-consistency**: the manifest's list of outputs is exactly the files
//!   in the period folder, each with its true SHA-256. New outputs need no
//!   golden file of their own.
//!
//! When an output changes on purpose, re-bless the golden files with
//!
//! ```text
//! PPS_MONITOR_BLESS=1 cargo test --test integration golden
//! ```
//!
//! and review the change with `git diff tests/golden/`. Without
//! `PPS_MONITOR_BLESS`, a difference fails with the first differing lines.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::common::{Run, Scenario, records, repo};

const PERIOD: &str = "2026-10";
/// "Today" for the runs: after the period, so no sample row is in the future.
const TODAY: &str = "2026-11-15";

#[test]
fn golden_run_on_the_sample() {
    let s = sample();
    let run = s.run_with_env(
        &["run", "--period", PERIOD],
        &[("PPS_MONITOR_TODAY", TODAY)],
    );
    assert_eq!(run.code, 3, "the sample has deliberate mistakes: {run:?}");
    let out = s.path().join("output").join(PERIOD);

    rejects_match_the_generator(&out);
    accounting_matches_the_generator(&out);
    outputs_are_listed_with_their_hashes(&out);
    compare_with_golden(
        "sample-2026-10",
        &out,
        &[
            &format!("kpi_export_{PERIOD}.csv"),
            &format!("rejects_{PERIOD}.csv"),
        ],
        s.path(),
        &run,
    );
}

#[test]
fn golden_validate_on_the_sample() {
    let s = sample();
    let run = s.run_with_env(
        &["validate", "--period", PERIOD],
        &[("PPS_MONITOR_TODAY", TODAY)],
    );
    assert_eq!(run.code, 3, "the sample has deliberate mistakes: {run:?}");
    let out = s.path().join("output").join(PERIOD);
    assert!(
        !out.join(format!("kpi_export_{PERIOD}.csv")).exists(),
        "validate writes no export"
    );

    rejects_match_the_generator(&out);
    accounting_matches_the_generator(&out);
    outputs_are_listed_with_their_hashes(&out);
    compare_with_golden(
        "sample-2026-10-validate",
        &out,
        &[&format!("rejects_{PERIOD}.csv")],
        s.path(),
        &run,
    );
}

/// A working folder holding copies of the repository's `config/` and
/// `input/`.
pub fn sample() -> Scenario {
    let s = Scenario::new();
    for dir in ["config", "input"] {
        copy_tree(&repo().join(dir), &s.path().join(dir));
    }
    s
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

// ---------------------------------------------------------------------------
// The generator's tables in input/README.md

/// The rows of the markdown table that follows `heading` in the sample's
/// README, as cells (trimmed, `\|` unescaped), header and rule rows left out.
pub fn readme_table(heading: &str) -> Vec<Vec<String>> {
    let readme = std::fs::read_to_string(repo().join("input/README.md")).unwrap();
    let section = readme
        .split_once(&format!("## {heading}\n"))
        .unwrap_or_else(|| panic!("input/README.md has no section `## {heading}`"))
        .1;
    let rows: Vec<Vec<String>> = section
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|line| {
            let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
            split_cells(inner)
        })
        .collect();
    assert!(
        !rows.is_empty(),
        "input/README.md: `{heading}` has no table"
    );
    rows
}

/// Splits a table row on `|`, but not on the escaped `\|`.
fn split_cells(inner: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                chars.next();
                cells.last_mut().unwrap().push('|');
            }
            '|' => cells.push(String::new()),
            c => cells.last_mut().unwrap().push(c),
        }
    }
    cells.iter().map(|c| c.trim().to_owned()).collect()
}

pub fn unquote(cell: &str) -> &str {
    cell.strip_prefix('`')
        .and_then(|c| c.strip_suffix('`'))
        .unwrap_or(cell)
}

/// A rejects field without the formula-injection guard (a `'` before a text
/// that starts with `=`, `+`, `-`, `@`, tab or carriage return).
fn unguarded(field: &str) -> &str {
    match field.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => field,
    }
}

/// One rejects line as `(bestand, blad, rij, regel, kolom, waarde)`; `kolom`
/// and `waarde` are empty for `duplicate_conflict`, where the rejects file may
/// name any column of the row.
type RejectKey = (String, String, String, String, String, String);

fn rejects_match_the_generator(out: &Path) {
    let mut expected = BTreeSet::new();
    for row in readme_table("Deliberate mistakes") {
        let [_, file, sheet, rij, column, value, rule, _what] = &row[..] else {
            panic!("input/README.md: a mistakes row without 8 cells: {row:?}");
        };
        // `(warning only)`, `(duplicate, not rejected)`: not in the rejects.
        if rule.starts_with('(') {
            continue;
        }
        let sheet = if sheet == "(csv)" { "" } else { unquote(sheet) };
        let value = match unquote(value) {
            "(empty)" => "",
            v => v,
        };
        expected.insert(reject_key(unquote(file), sheet, rij, rule, column, value));
    }

    let text = read_text(&out.join(format!("rejects_{PERIOD}.csv")));
    let actual: BTreeSet<RejectKey> = records(text.trim_start_matches('\u{feff}'))
        .iter()
        .map(|r| {
            reject_key(
                &r["bestand"],
                &r["blad"],
                &r["rij"],
                &r["regel"],
                unguarded(&r["kolom"]),
                unguarded(&r["waarde"]),
            )
        })
        .collect();
    let missing: Vec<_> = expected.difference(&actual).collect();
    let extra: Vec<_> = actual.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "the rejects file differs from the table in input/README.md\n\
         expected but not rejected: {missing:#?}\nrejected but not expected: {extra:#?}"
    );
}

fn reject_key(
    file: &str,
    sheet: &str,
    rij: &str,
    rule: &str,
    column: &str,
    value: &str,
) -> RejectKey {
    let (column, value) = if rule == "duplicate_conflict" {
        ("", "")
    } else {
        (column, value)
    };
    (
        file.to_owned(),
        sheet.to_owned(),
        rij.to_owned(),
        rule.to_owned(),
        column.to_owned(),
        value.to_owned(),
    )
}

/// The README's "Expected row accounting" against the manifest's sheet
/// counts, summed per table.
fn accounting_matches_the_generator(out: &Path) {
    const COUNTS: [&str; 6] = [
        "read",
        "rejected",
        "duplicates",
        "later",
        "accepted",
        "blank",
    ];
    let manifest = read_json(&out.join("manifest.json"));
    let mut actual: BTreeMap<String, [u64; 7]> = BTreeMap::new();
    for input in manifest["inputs"].as_array().expect("manifest inputs") {
        let mut tables = BTreeSet::new();
        for sheet in input["sheets"].as_array().into_iter().flatten() {
            let table = sheet["table"].as_str().expect("sheet table").to_owned();
            let sums = actual.entry(table.clone()).or_default();
            for (sum, key) in sums[1..].iter_mut().zip(COUNTS) {
                *sum += sheet[key]
                    .as_u64()
                    .unwrap_or_else(|| panic!("{}: no `{key}`", input["path"]));
            }
            tables.insert(table);
        }
        for table in tables {
            actual.entry(table).or_default()[0] += 1;
        }
    }
    for row in readme_table(&format!("Expected row accounting (period {PERIOD})")) {
        let table = &row[0];
        let expected: Vec<u64> = row[1..]
            .iter()
            .map(|n| n.parse().unwrap_or_else(|_| panic!("{table}: {n:?}")))
            .collect();
        let got = actual.get(table).map(|sums| sums.to_vec());
        assert_eq!(
            got.as_deref(),
            Some(&expected[..]),
            "{table}: [files, {}] in the manifest vs input/README.md",
            COUNTS.join(", ")
        );
    }
}

// ---------------------------------------------------------------------------
// Outputs and golden files

/// Every file of the period folder is in the manifest's `outputs`, with its
/// SHA-256, and nothing else is (the manifest cannot list itself).
fn outputs_are_listed_with_their_hashes(out: &Path) {
    let manifest = read_json(&out.join("manifest.json"));
    let listed: BTreeMap<String, String> = manifest["outputs"]
        .as_array()
        .expect("manifest outputs")
        .iter()
        .map(|o| {
            (
                o["path"].as_str().expect("output path").to_owned(),
                o["sha256"].as_str().expect("output sha256").to_owned(),
            )
        })
        .collect();
    let mut on_disk = BTreeMap::new();
    for path in files_below(out) {
        let relative = path
            .strip_prefix(out)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if relative != "manifest.json" {
            let bytes = std::fs::read(&path).unwrap();
            on_disk.insert(relative, hex(&Sha256::digest(&bytes)));
        }
    }
    assert_eq!(
        listed, on_disk,
        "the manifest's outputs (left) vs the files written (right)"
    );
}

fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(files_below(&path));
        } else {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// Compares `files` of `out` byte for byte, and the normalised manifest, with
/// `tests/golden/<case>/`; rewrites the golden files instead when
/// `PPS_MONITOR_BLESS` is set.
fn compare_with_golden(case: &str, out: &Path, files: &[&str], workdir: &Path, run: &Run) {
    let golden = repo().join("tests/golden").join(case);
    let bless = std::env::var_os("PPS_MONITOR_BLESS").is_some_and(|v| !v.is_empty() && v != "0");
    let mut actual: Vec<(String, String)> = files
        .iter()
        .map(|f| ((*f).to_owned(), read_text(&out.join(f))))
        .collect();
    actual.push((
        "manifest.json".to_owned(),
        normalised_manifest(&out.join("manifest.json"), workdir),
    ));

    let mut failures = String::new();
    for (name, text) in &actual {
        let path = golden.join(name);
        if bless {
            std::fs::create_dir_all(&golden).unwrap();
            std::fs::write(&path, text).unwrap();
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(expected) if expected == *text => {}
            Ok(expected) => {
                let _ = writeln!(
                    failures,
                    "{}: differs\n{}",
                    path.display(),
                    first_differences(&expected, text)
                );
            }
            Err(e) => {
                let _ = writeln!(failures, "{}: {e}", path.display());
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{failures}\nIf the change is intended, re-bless with\n    \
         PPS_MONITOR_BLESS=1 cargo test --test integration golden\n\
         and review `git diff tests/golden/`.\nrun: {run:?}"
    );
}

/// The manifest as pretty JSON, with the tool version and the temporary
/// folder's path replaced by placeholders: everything else in it follows from
/// the inputs, so it is compared as it is.
fn normalised_manifest(path: &Path, workdir: &Path) -> String {
    let mut manifest = read_json(path);
    if let Some(version) = manifest.pointer_mut("/tool/version") {
        *version = serde_json::Value::from("<version>");
    }
    let mut prefixes = vec![workdir.to_string_lossy().into_owned()];
    if let Ok(real) = workdir.canonicalize() {
        prefixes.push(real.to_string_lossy().into_owned());
    }
    // Longest first, so a canonical path that extends the other one wins.
    prefixes.sort_by_key(|p| std::cmp::Reverse(p.len()));
    replace_prefixes(&mut manifest, &prefixes);
    let mut text = serde_json::to_string_pretty(&manifest).unwrap();
    text.push('\n');
    text
}

fn replace_prefixes(value: &mut serde_json::Value, prefixes: &[String]) {
    match value {
        serde_json::Value::String(s) => {
            for prefix in prefixes {
                if s.contains(prefix.as_str()) {
                    *s = s.replace(prefix.as_str(), "<workdir>");
                }
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                replace_prefixes(item, prefixes);
            }
        }
        serde_json::Value::Object(map) => {
            for item in map.values_mut() {
                replace_prefixes(item, prefixes);
            }
        }
        _ => {}
    }
}

/// The first few differing lines, numbered, for a readable failure.
fn first_differences(expected: &str, actual: &str) -> String {
    const SHOWN: usize = 8;
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let mut text = format!(
        "  golden has {} lines, the run wrote {}\n",
        e.len(),
        a.len()
    );
    let mut shown = 0;
    for i in 0..e.len().max(a.len()) {
        let (want, got) = (e.get(i), a.get(i));
        if want == got {
            continue;
        }
        let _ = writeln!(
            text,
            "  line {}:\n    golden: {}\n    actual: {}",
            i + 1,
            want.map_or("(none)", |l| l),
            got.map_or("(none)", |l| l)
        );
        shown += 1;
        if shown == SHOWN {
            text.push_str("  …\n");
            break;
        }
    }
    if shown == 0 {
        text.push_str("  (same lines; the line endings or the final newline differ)\n");
    }
    text
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut text, b| {
        let _ = write!(text, "{b:02x}");
        text
    })
}

fn read_text(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&read_text(path)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}
