//! Property tests: for arbitrary cell text, ingest and validation never
//! panic, and every sheet's accounting adds up (read = accepted + rejected
//! + duplicates + later).

use calamine::Data;
use proptest::prelude::*;

use pps_monitor::config::PeriodChoice;
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
            let file = &ingested.files[r.place.file];
            if let (Some(s), Some(row)) = (r.place.sheet, r.place.row) {
                prop_assert!(row > file.sheets[s].header_row);
            }
        }
        prop_assert!(validated.accepted.counts.iter().all(|c| c.month <= Month::new(2026, 6).unwrap()));
    }

    #[test]
    fn value_parsers_never_panic(text in "\\PC{0,20}", number in any::<f64>()) {
        for cell in [Data::String(text.clone()), Data::Float(number), Data::DateTimeIso(text.clone())] {
            let _ = value::count(&cell);
            let _ = value::month(&cell);
            let _ = value::date(&cell);
            let _ = value::gemeente(&cell);
            let _ = value::year(&cell);
            let _ = value::indicator(&cell);
            let _ = value::raw(&cell);
        }
    }
}
