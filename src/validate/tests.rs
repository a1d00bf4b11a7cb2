//! Unit tests of the row accounting: fates are recorded where they are
//! decided, tallied per sheet, and a row without a fate (or with two) is an
//! internal error rather than a row silently counted as accepted.

use std::path::PathBuf;

use super::accounting::{self, Fate};
use super::findings::{Checker, RowRef};
use super::{SheetCount, check};
use crate::config::PeriodChoice;
use crate::error::Error;
use crate::ingest::{self, Ingested, Limits, RegisterRow};
use crate::model::Month;
use crate::regions::Regions;

const REGISTER: &str = "\
pps_id,naam,consortium,gemeente_code,startdatum,einddatum,sector
A,Alpha,X,GM0363,2025-01-01,,zorg
B,Beta,,GM0014,2025-01-01,,techniek
";

fn regions() -> Regions {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config/regions.csv");
    Regions::read(&path).expect("the shipped region reference")
}

/// Files read from memory, in the order given.
fn ingested(files: &[(&str, &[u8])]) -> Ingested {
    Ingested {
        root: PathBuf::from("input"),
        files: files
            .iter()
            .map(|(path, bytes)| ingest::read_one(path, bytes, &Limits::default()))
            .collect(),
    }
}

fn month(year: i32, m: u32) -> Month {
    Month::new(year, m).expect("a valid month")
}

fn run(files: &[(&str, &[u8])]) -> Result<super::Validated, Error> {
    check(
        &ingested(files),
        &regions(),
        PeriodChoice::Month(month(2026, 3)),
        month(2026, 11),
    )
}

/// Each fate, reached by the rows that should reach it, in one count sheet.
#[test]
fn every_fate_is_tallied_where_it_is_decided() {
    let counts = "\
pps_id,periode,studenten_bol,studenten_bbl,werkenden,werkzoekenden,bedrijven,bedrijven_mkb
A,2026-01,1,0,0,0,2,1

A,2026-01,1,0,0,0,2,1
A,2026-02,1,0,0,0,2,1
A,2026-02,5,0,0,0,2,1
B,2026-04,1,0,0,0,2,1
C,2026-01,1,0,0,0,2,1
B,2026-02,x,0,0,0,2,1
";
    let validated = run(&[
        ("counts.csv", counts.as_bytes()),
        ("register.csv", REGISTER.as_bytes()),
    ])
    .expect("validation");
    let tally = validated.accounting[0][0];
    assert_eq!(
        tally,
        SheetCount {
            read: 7,
            // A 2026-01 (its copy is a duplicate).
            accepted: 1,
            // The conflicting pair of A 2026-02, unknown C, bad value of B.
            rejected: 4,
            duplicates: 1,
            // B 2026-04 lies after the period 2026-03.
            later: 1,
            blank: 1,
        }
    );
    assert_eq!(validated.accounting[1][0].accepted, 2);
    assert_eq!(validated.accepted.counts.len(), 1);
}

/// A checker for `files`, and the register rows it will check.
fn register_rows(files: &Ingested) -> (Checker<'_>, Vec<RowRef<'_>>) {
    let mut ck = Checker::new(files);
    let rows = ck.complete_rows::<RegisterRow>();
    (ck, rows.into_iter().map(|(row, _)| row).collect())
}

/// A sheet with a row that was not decided fails the check.
#[test]
fn a_row_without_a_fate_is_an_internal_error() {
    let files = ingested(&[("register.csv", REGISTER.as_bytes())]);
    let (mut ck, rows) = register_rows(&files);
    ck.decide(&rows[0], Fate::Accepted);
    let error = accounting::account(&ck).expect_err("row 3 has no fate");
    assert!(
        matches!(&error, Error::Internal(m) if m.contains("2 rows read, 1 with a fate")),
        "{error}"
    );
    ck.decide(&rows[1], Fate::Rejected);
    let tally = accounting::account(&ck).expect("every row has a fate");
    assert_eq!((tally[0][0].accepted, tally[0][0].rejected), (1, 1));
}

/// Rejected may be recorded once per broken rule; any other second fate
/// is a bug.
#[test]
fn a_row_with_two_fates_is_an_internal_error() {
    let files = ingested(&[("register.csv", REGISTER.as_bytes())]);
    let (mut ck, rows) = register_rows(&files);
    ck.decide(&rows[0], Fate::Rejected);
    ck.decide(&rows[0], Fate::Rejected);
    ck.decide(&rows[1], Fate::Accepted);
    assert!(accounting::account(&ck).is_ok());
    ck.decide(&rows[1], Fate::Duplicate);
    let error = accounting::account(&ck).expect_err("row 3 decided twice");
    assert!(
        error
            .to_string()
            .contains("register.csv rij 3: Accepted and then Duplicate"),
        "{error}"
    );
}

/// Accepted fates must match the accepted records produced.
#[test]
fn accepted_fates_must_match_the_records() {
    let tally = vec![vec![SheetCount {
        read: 3,
        accepted: 3,
        ..SheetCount::default()
    }]];
    assert!(accounting::check_accepted(&tally, 3).is_ok());
    assert!(matches!(
        accounting::check_accepted(&tally, 2),
        Err(Error::Internal(_))
    ));
}
