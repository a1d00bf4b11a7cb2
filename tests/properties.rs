//! Property tests: for arbitrary cell text, ingest and validation never
//! panic, and every sheet's accounting adds up (read = accepted +
//! rejected + duplicates + later). The value parsers keep their contract: blank text
//! is `Empty` and nothing else is, and counts and months typed in the
//! spellings the contract lists read back as the same value.

use calamine::Data;
use proptest::prelude::*;

use pps_monitor::config::PeriodChoice;
use pps_monitor::ingest::value::Parsed;
use pps_monitor::ingest::{self, value};
use pps_monitor::model::Month;
use pps_monitor::regions::Regions;
use pps_monitor::validate;

use crate::common::{REGISTER_CSV, repo};

/// Cell text: mostly plausible values, sometimes anything at all.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("A".to_owned()),
        Just("B".to_owned()),
        "(19|20)[0-9]{2}-(0[1-9]|1[0-2])",
        "[0-9]{1,3}(\\.[0-9]{3})?(,0)?",
        "-?[0-9]{1,4}",
        "(jan|feb|mrt|okt|oktober) 20[0-9]{2}",
        "[ -~]{0,10}",
        "\\PC{0,6}",
    ]
}

fn rows() -> impl Strategy<Value = Vec<Vec<String>>> {
    prop::collection::vec(prop::collection::vec(cell(), 0..10), 0..25)
}

fn csv_text(header: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    w.write_record(header).unwrap();
    for r in rows {
        w.write_record(r).unwrap();
    }
    w.into_inner().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn ingest_never_panics_and_accounting_holds(counts in rows(), targets in rows(), register in rows()) {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("input");
        std::fs::create_dir_all(&input).unwrap();
        let count_header = ["pps_id", "periode", "studenten_bol", "studenten_bbl", "werkenden", "werkzoekenden", "bedrijven", "bedrijven_mkb"];
        std::fs::write(input.join("counts.csv"), csv_text(&count_header, &counts)).unwrap();
        std::fs::write(input.join("targets.csv"), csv_text(&["pps_id", "jaar", "indicator", "streefwaarde"], &targets)).unwrap();
        let mut reg = REGISTER_CSV.as_bytes().to_vec();
        reg.extend(csv_text(&[], &register).into_iter().skip(1));
        std::fs::write(input.join("register.csv"), reg).unwrap();

        let regions = Regions::read(&repo().join("config/regions.csv")).unwrap();
        let ingested = ingest::read(&input, None, &ingest::Limits::default(), &|_| {}).unwrap();
        let period = PeriodChoice::Month(Month::new(2026, 6).unwrap());
        let validated =
            validate::check(&ingested, &regions, period, Month::new(2026, 11).unwrap()).unwrap();
        for (file, counts) in ingested.files.iter().zip(&validated.accounting) {
            for (sheet, c) in file.sheets.iter().zip(counts) {
                prop_assert_eq!(c.read, sheet.read());
                prop_assert_eq!(c.read, c.accepted + c.rejected + c.duplicates + c.later, "{}", file.path);
            }
        }
        // Every rejects line points at a row that was read.
        for r in &validated.rejects {
            let sheet = ingested
                .files
                .iter()
                .flat_map(|f| &f.sheets)
                .find(|s| s.at.path() == r.at.path() && s.at.sheet_name() == r.at.sheet_name());
            if let (Some(sheet), Some(row)) = (sheet, r.at.row_number()) {
                prop_assert!(row > sheet.header_row);
            }
        }
        prop_assert!(validated.accepted.counts.iter().all(|c| c.month <= Month::new(2026, 6).unwrap()));
    }

    /// The parsers' contract for any text: blank text (only whitespace) is
    /// `Empty`, anything else is never `Empty`, and `raw` shows the text as
    /// typed. A parser that panics fails this test too.
    #[test]
    fn value_parsers_tell_empty_from_not_empty(text in "\\PC{0,20}", number in any::<f64>()) {
        let blank = text.trim().is_empty();
        let cell = Data::String(text.clone());
        prop_assert_eq!(value::raw(&cell), text.clone());
        let empties = [
            ("count", value::count(&cell) == Parsed::Empty),
            ("month", value::month(&cell) == Parsed::Empty),
            ("date", value::date(&cell) == Parsed::Empty),
            ("gemeente", value::gemeente(&cell) == Parsed::Empty),
            ("year", value::year(&cell) == Parsed::Empty),
            ("indicator", value::indicator(&cell) == Parsed::Empty),
            ("text", value::text(&cell) == Parsed::Empty),
        ];
        for (parser, empty) in empties {
            prop_assert_eq!(empty, blank, "{} of {:?}", parser, text);
        }
        // A number cell is never empty; a count read from it is that number.
        let cell = Data::Float(number);
        prop_assert_ne!(value::count(&cell), Parsed::Empty);
        prop_assert_ne!(value::month(&cell), Parsed::Empty);
        if let Parsed::Value(n) = value::count(&cell) {
            prop_assert!(n >= 0);
            prop_assert!((n as f64 - number).abs() < 0.5, "{} read as {}", number, n);
        }
        let _ = value::raw(&cell);
        let _ = value::date(&Data::DateTimeIso(text.clone()));
    }

    /// Counts and months written the ways the contract lists are read back
    /// as the same value.
    #[test]
    fn value_parsers_round_trip(n in 0_i64..=1_000_000, year in 1990_i32..2100, m in 1_u32..=12) {
        let thousands = if n >= 1000 { format!("{}.{:03}", n / 1000, n % 1000) } else { n.to_string() };
        for typed in [n.to_string(), format!(" {n} "), format!("{n},0"), thousands] {
            prop_assert_eq!(value::count(&Data::String(typed.clone())), Parsed::Value(n), "{}", typed);
        }
        prop_assert_eq!(value::count(&Data::Float(n as f64)), Parsed::Value(n));
        if n > 0 {
            prop_assert_eq!(value::count(&Data::String(format!("-{n}"))), Parsed::Negative);
            prop_assert_eq!(value::count(&Data::String(format!("{n},5"))), Parsed::Bad);
        }
        let month = Month::new(year, m).unwrap();
        let names = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"];
        for typed in [
            format!("{year}-{m:02}"),
            format!("{year}-{m:02}-01"),
            format!("{m}-{year}"),
            format!("{m}/{year}"),
            format!("{year}M{m:02}"),
            format!("{} {year}", names[m as usize - 1]),
            format!("15-{m}-{year}"),
        ] {
            prop_assert_eq!(value::month(&Data::String(typed.clone())), Parsed::Value(month), "{}", typed);
        }
    }
}
