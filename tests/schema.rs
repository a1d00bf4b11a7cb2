//! The input declaration (`src/schema.rs`) is what the pipeline does: for
//! every declared column of every table, built only from the declaration
//! (names, aliases, examples), ingest and validation behave as the column
//! says (header required or not, what an empty cell means, its kind), and
//! the template offers it with its help. A column added to the declaration
//! is checked here without a new line in this file.

use std::collections::BTreeSet;
use std::io::Read;

use pps_monitor::config::PeriodChoice;
use pps_monitor::ingest::{self, Ingested, Limits};
use pps_monitor::model::Month;
use pps_monitor::publish::template;
use pps_monitor::regions::Regions;
use pps_monitor::schema::{self, ColumnSpec, Empty, Kind, Presence, TableSpec};
use pps_monitor::validate::{self, Validated};

/// One CSV per table: the declared headers (or what `header` makes of
/// them) and one row of the declared examples (or what `cell` makes of
/// them); a column for which `header` gives `None` is left out.
fn csv(
    table: &TableSpec,
    header: &dyn Fn(&ColumnSpec) -> Option<String>,
    cell: &dyn Fn(&ColumnSpec) -> String,
) -> String {
    let kept: Vec<(&ColumnSpec, String)> = table
        .columns
        .iter()
        .filter_map(|c| header(c).map(|h| (c, h)))
        .collect();
    let head: Vec<&str> = kept.iter().map(|(_, h)| h.as_str()).collect();
    let row: Vec<String> = kept.iter().map(|(c, _)| cell(c)).collect();
    format!("{}\n{}\n", head.join(";"), row.join(";"))
}

/// Validates the three tables, `changed` written with `header` and `cell`,
/// the others as declared.
fn validate(
    changed: &TableSpec,
    header: &dyn Fn(&ColumnSpec) -> Option<String>,
    cell: &dyn Fn(&ColumnSpec) -> String,
) -> Validated {
    let as_declared = |c: &ColumnSpec| Some(c.name.to_owned());
    let example = |c: &ColumnSpec| c.example.to_owned();
    let files = schema::TABLES
        .iter()
        .map(|table| {
            let text = if table.table == changed.table {
                csv(table, header, cell)
            } else {
                csv(table, &as_declared, &example)
            };
            let path = format!("{}.csv", table.table.name());
            ingest::read_one(&path, text.as_bytes(), &Limits::default())
        })
        .collect();
    let ingested = Ingested {
        root: std::env::temp_dir(),
        files,
    };
    let period = Month::new(2026, 10).unwrap();
    validate::check(
        &ingested,
        &Regions::built_in(),
        PeriodChoice::Month(period),
        period.offset(1),
    )
    .expect("the declared register is read")
}

/// `(rule, column)` of every reject.
fn rejects(v: &Validated) -> BTreeSet<(String, String)> {
    v.rejects
        .iter()
        .map(|r| (r.rule.code().to_owned(), r.column.clone()))
        .collect()
}

fn only<'a>(column: &'a ColumnSpec, replacement: &'a str) -> impl Fn(&ColumnSpec) -> String + 'a {
    move |c: &ColumnSpec| {
        if c.name == column.name {
            replacement.to_owned()
        } else {
            c.example.to_owned()
        }
    }
}

#[test]
fn the_declared_examples_are_accepted() {
    let declared = |c: &ColumnSpec| Some(c.name.to_owned());
    let example = |c: &ColumnSpec| c.example.to_owned();
    let v = validate(&schema::COUNTS, &declared, &example);
    assert_eq!(rejects(&v), BTreeSet::new());
    assert_eq!(v.warnings.len(), 0, "{:?}", v.warnings);
    assert_eq!(v.accepted.partnerships.len(), 1);
    assert_eq!(v.accepted.targets.len(), 1);
    assert_eq!(v.accepted.counts.len(), 1);
    // The counts' examples arrive as the measures' values, in order.
    let values: Vec<String> = v.accepted.counts[0]
        .values
        .iter()
        .map(ToString::to_string)
        .collect();
    let examples: Vec<&str> = schema::Measure::ALL
        .iter()
        .map(|m| m.spec().column.example)
        .collect();
    assert_eq!(values, examples);
}

#[test]
fn every_column_answers_to_its_aliases() {
    for table in schema::TABLES {
        for column in table.columns {
            for alias in column.aliases {
                let header = |c: &ColumnSpec| {
                    Some(if c.name == column.name {
                        // As people type it: capitals and spaces.
                        alias.to_uppercase().replace('_', " ")
                    } else {
                        c.name.to_owned()
                    })
                };
                let example = |c: &ColumnSpec| c.example.to_owned();
                let v = validate(table, &header, &example);
                assert_eq!(rejects(&v), BTreeSet::new(), "{}: {alias}", column.name);
                assert_eq!(v.warnings.len(), 0, "{}: {alias}", column.name);
            }
        }
    }
}

#[test]
fn a_missing_header_is_rejected_exactly_when_it_is_required() {
    for table in schema::TABLES {
        // Without an announcing column the sheet is another table or none.
        for column in table.columns.iter().filter(|c| !c.announces) {
            let header = |c: &ColumnSpec| (c.name != column.name).then(|| c.name.to_owned());
            let example = |c: &ColumnSpec| c.example.to_owned();
            let found = rejects(&validate(table, &header, &example));
            let missing = ("missing_column".to_owned(), column.name.to_owned());
            match column.presence {
                Presence::Required => assert!(found.contains(&missing), "{}", column.name),
                Presence::Optional => assert_eq!(found, BTreeSet::new(), "{}", column.name),
            }
        }
    }
}

#[test]
fn an_empty_cell_means_what_the_column_declares() {
    for table in schema::TABLES {
        for column in table.columns {
            let header = |c: &ColumnSpec| Some(c.name.to_owned());
            // The other counts 0, so that no rule between counts (bedrijven
            // ≥ bedrijven_mkb) is broken by an empty count read as 0.
            let cell = |c: &ColumnSpec| match c {
                c if c.name == column.name => String::new(),
                c if c.kind == Kind::Count && column.kind == Kind::Count => "0".to_owned(),
                c => c.example.to_owned(),
            };
            let v = validate(table, &header, &cell);
            let found = rejects(&v);
            let counted_as_zero = v
                .warnings
                .iter()
                .any(|w| w.column == column.name && w.message.contains("geteld als 0"));
            let missing = ("missing_value".to_owned(), column.name.to_owned());
            match column.empty {
                Empty::Rejected => assert!(found.contains(&missing), "{}: {found:?}", column.name),
                Empty::NoValue | Empty::Zero => {
                    assert_eq!(found, BTreeSet::new(), "{}", column.name);
                }
            }
            assert_eq!(
                counted_as_zero,
                column.empty == Empty::Zero,
                "{}",
                column.name
            );
        }
    }
}

#[test]
fn a_value_of_the_wrong_kind_is_rejected() {
    for table in schema::TABLES {
        // Any text is a valid text or pps_id (an unknown id is another rule).
        for column in table
            .columns
            .iter()
            .filter(|c| !matches!(c.kind, Kind::Text | Kind::PpsId))
        {
            let header = |c: &ColumnSpec| Some(c.name.to_owned());
            let found = rejects(&validate(table, &header, &only(column, "x?")));
            let rule = if column.kind == Kind::Indicator {
                "unknown_indicator"
            } else {
                "bad_value"
            };
            let want = (rule.to_owned(), column.name.to_owned());
            assert!(found.contains(&want), "{}: {found:?}", column.name);
        }
    }
}

#[test]
fn the_template_offers_every_count_column_with_its_help() {
    let mut workbook = template::workbook(&[]).unwrap();
    let bytes = workbook.save_to_buffer().unwrap();
    let mut package = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut sheet = String::new();
    package
        .by_name("xl/worksheets/sheet1.xml")
        .unwrap()
        .read_to_string(&mut sheet)
        .unwrap();
    // Each column's data validation: its declared label and help as the
    // input message, whole numbers for counts.
    for (i, column) in schema::COUNTS.columns.iter().enumerate() {
        let letter = rust_xlsxwriter::utility::column_number_to_name(i as u16);
        let range = format!("sqref=\"{letter}2:{letter}5001\"");
        let rule = sheet
            .split("<dataValidation ")
            .find(|v| v.contains(&range))
            .unwrap_or_else(|| panic!("no input check on {}", column.name));
        assert!(
            rule.contains(&format!("promptTitle=\"{}\"", column.label)),
            "{}: {rule}",
            column.name
        );
        assert!(
            rule.contains(&format!("prompt=\"{}\"", column.help)),
            "{}: {rule}",
            column.name
        );
        assert_eq!(
            rule.contains("type=\"whole\""),
            column.kind == Kind::Count,
            "{}: {rule}",
            column.name
        );
    }
}
