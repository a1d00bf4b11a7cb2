//! What each value parser (`ingest::value`) returns on hostile cells: every
//! kind of cell calamine can hand over, with any payload (NaN, infinities,
//! date serials far outside any calendar, error cells, text of any
//! characters). Each parser either reads a value that keeps its type's
//! promise (a count is 0..=1,000,000, a year has four digits, a
//! municipality code is `GM` + 4 digits, an id carries no invisible
//! character) or says why not; none panics. The unit tests in
//! `src/ingest/value.rs` list the accepted spellings one by one.

use calamine::{CellErrorType, Data, ExcelDateTime, ExcelDateTimeType};
use proptest::prelude::*;

use pps_monitor::ingest::value::{self, MAX_COUNT, Parsed, Refusal};

/// Any cell a reader can produce, hostile payloads included.
fn cell() -> impl Strategy<Value = Data> {
    let serial = prop_oneof![
        any::<f64>(),
        -1e6..1e7_f64,
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::MAX),
        Just(-0.0),
    ];
    let kind = prop_oneof![
        Just(ExcelDateTimeType::DateTime),
        Just(ExcelDateTimeType::TimeDelta),
    ];
    prop_oneof![
        Just(Data::Empty),
        any::<f64>().prop_map(Data::Float),
        (-2_000_000.0..2_000_000.0_f64).prop_map(|f| Data::Float(f.round())),
        any::<i64>().prop_map(Data::Int),
        (-10..2_000_000_i64).prop_map(Data::Int),
        any::<bool>().prop_map(Data::Bool),
        Just(Data::Error(CellErrorType::NA)),
        Just(Data::Error(CellErrorType::Div0)),
        (serial, kind, any::<bool>())
            .prop_map(|(s, k, is_1904)| Data::DateTime(ExcelDateTime::new(s, k, is_1904))),
        "\\PC{0,24}".prop_map(Data::DateTimeIso),
        "\\PC{0,12}".prop_map(Data::DurationIso),
        "\\PC{0,24}".prop_map(Data::String),
        "[ \u{a0}\u{200b}\u{feff}]{0,3}[0-9.,+\u{2212}-]{0,12}[ \u{a0}]{0,2}"
            .prop_map(Data::String),
    ]
}

/// What `count` must make of an integer cell: the number when it is
/// within 0..=MAX_COUNT; why not otherwise.
fn count_of_int(i: i64) -> Parsed<i64> {
    if i < 0 {
        Parsed::Negative
    } else if i > MAX_COUNT {
        Parsed::Refused(Refusal::TooLarge)
    } else {
        Parsed::Value(i)
    }
}

/// What `count` must make of a number cell: as an integer cell when it is
/// whole and finite (and far from where floats stop being exact), bad
/// otherwise.
fn count_of_number(f: f64) -> Parsed<i64> {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 9e15 {
        count_of_int(f as i64)
    } else {
        Parsed::Bad
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn value_parsers_on_hostile_cells(cell in cell()) {
        let blank = value::is_blank(&cell);
        let raw = value::raw(&cell);

        // Counts: exact for number cells; for any cell, a value is a
        // count the contract allows.
        let count = value::count(&cell);
        match &cell {
            Data::Float(f) => prop_assert_eq!(&count, &count_of_number(*f)),
            Data::Int(i) => prop_assert_eq!(&count, &count_of_int(*i)),
            Data::String(_) | Data::Empty => {}
            _ => prop_assert_eq!(&count, &Parsed::Bad, "{:?}", cell),
        }
        if let Parsed::Value(n) = count {
            prop_assert!((0..=MAX_COUNT).contains(&n));
        }
        prop_assert!(!matches!(count, Parsed::Refused(Refusal::Invisible | Refusal::UncachedFormula)));
        prop_assert_eq!(count == Parsed::Empty, blank);

        // Years: four digits or why not.
        match value::year(&cell) {
            Parsed::Value(y) => prop_assert!((1000..=9999).contains(&y)),
            Parsed::Refused(r) => prop_assert!(false, "a year refused as {:?}", r),
            _ => {}
        }

        // Months and dates come only from date cells and text; a number is
        // never taken for a date serial.
        let month = value::month(&cell);
        let date = value::date(&cell);
        if matches!(cell, Data::Float(_) | Data::Int(_) | Data::Bool(_) | Data::Error(_) | Data::DurationIso(_)) {
            prop_assert_eq!(&month, &Parsed::Bad);
            prop_assert_eq!(&date, &Parsed::Bad);
        }
        if let Parsed::Value(d) = date {
            use chrono::Datelike;
            prop_assert!((1000..=9999).contains(&d.year()), "{:?} read as {}", cell, d);
        }
        if let Parsed::Value(m) = month {
            prop_assert!((1000..=9999).contains(&m.year()), "{:?} read as {}", cell, m);
        }

        // Municipality codes: `GM` and four digits.
        if let Parsed::Value(code) = value::gemeente(&cell) {
            prop_assert!(
                code.len() == 6 && code.starts_with("GM") && code[2..].bytes().all(|b| b.is_ascii_digit()),
                "{:?} read as {}", cell, code
            );
        }

        // Text: an error cell is bad, blank is empty (also an ISO date cell
        // of only blanks), anything else is its trimmed text as the sheet
        // shows it: never an empty value.
        let text = value::text(&cell);
        match &cell {
            Data::Error(_) => prop_assert_eq!(&text, &Parsed::Bad),
            _ if blank || raw.trim().is_empty() => prop_assert_eq!(&text, &Parsed::Empty),
            _ => prop_assert_eq!(&text, &Parsed::Value(raw.trim().to_owned())),
        }

        // Ids: trimmed, no invisible character, no non-breaking space.
        match value::pps_id(&cell) {
            Parsed::Value(id) => {
                prop_assert!(!id.is_empty() && id.trim() == id, "{:?}", id);
                let hidden = id.contains(['\u{a0}', '\u{200b}', '\u{feff}']);
                prop_assert!(!hidden, "{:?}", id);
            }
            Parsed::Refused(r) => {
                prop_assert_eq!(r, Refusal::Invisible);
                let invisible = !raw.is_ascii();
                prop_assert!(invisible, "{:?} refused", raw);
            }
            other => prop_assert!(matches!(other, Parsed::Bad | Parsed::Empty)),
        }
    }
}
