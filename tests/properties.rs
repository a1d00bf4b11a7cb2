//! Property tests.
//!
//! - For arbitrary cell text, ingest and validation never panic nor fail,
//!   and every sheet's fates add up to its rows read.
//! - For generated submissions in which duplicates, conflicting duplicates,
//!   later and future months, unknown partnerships and broken cells are
//!   common (every spelling the contract allows), a model of the row rules
//!   gives each row its expected fate, and the run must agree row by row:
//!   the accounting per sheet (library and manifest), the accepted records,
//!   and the rejects file, which lists exactly the rows the model rejects.
//!   A separate test counts how often the generator reaches each fate.
//! - The value parsers keep their contract: blank text is `Empty` and
//!   nothing else is, and counts and months typed in the spellings the
//!   contract lists read back as the same value.

use std::collections::{BTreeMap, BTreeSet};

use calamine::Data;
use proptest::prelude::*;

use pps_monitor::config::PeriodChoice;
use pps_monitor::ingest::value::Parsed;
use pps_monitor::ingest::{self, value};
use pps_monitor::model::{Measure, Month};
use pps_monitor::regions::Regions;
use pps_monitor::validate;

use crate::common::{COUNTS_HEADER, REGISTER_CSV, Scenario, repo};

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

// ---------------------------------------------------------------------------
// Generated submissions checked row by row against a model of the rules.
// ---------------------------------------------------------------------------

/// The register of every generated case: A and B are valid (B from 2025-06
/// to 2026-03), C has an unknown municipality, D stands twice. So rows for
/// C, D and the unregistered Z are `unknown_pps`.
const MODEL_REGISTER: &str = "\
pps_id,naam,consortium,gemeente_code,startdatum,einddatum,sector
A,Alpha,X,GM0363,2025-01-01,,zorg
B,Beta,,GM0014,2025-06-01,2026-03-31,techniek
C,Gamma,X,GM9999,2025-01-01,,zorg
D,Delta,,GM0363,2025-01-01,,zorg
D,Delta bis,,GM0363,2025-01-01,,zorg
";
const REGISTER_PATH: &str = "register.csv";
const COUNT_PATHS: [&str; 2] = ["aanleveringen/a.csv", "aanleveringen/b.csv"];
const TARGET_PATH: &str = "streefwaarden.csv";
/// The reporting period (`--period`) and the current month
/// (`PPS_MONITOR_TODAY` 2026-11-27 in the scenario).
const PERIOD: (i32, u32) = (2026, 6);
const CURRENT: (i32, u32) = (2026, 11);

/// Partnerships count and target rows name; A and B most often.
const PPS: [&str; 8] = ["A", "A", "A", "B", "B", "C", "D", "Z"];
/// Months count rows name: before B's start, inside, after B's end, the
/// period, after the period (`later`), after the current month (`future_period`).
const MONTHS: [(i32, u32); 8] = [
    (2025, 3),
    (2025, 9),
    (2026, 2),
    (2026, 5),
    (2026, 6),
    (2026, 7),
    (2026, 8),
    (2027, 1),
];
const DUTCH: [&str; 12] = [
    "jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
];

/// One generated count row.
#[derive(Clone, Debug)]
struct CountSpec {
    pps: &'static str,
    month: usize,
    /// 0: the key's usual values; 1: one value differs (a conflict when
    /// the key is sent again with 0).
    variant: i64,
    /// A way to break the row (see [`count_cells`]).
    broken: Option<u8>,
    file: usize,
    /// Picks the spellings of the values.
    spelling: u8,
    blank_before: bool,
}

/// One generated target row.
#[derive(Clone, Debug)]
struct TargetSpec {
    pps: &'static str,
    year: i32,
    indicator: &'static str,
    variant: i64,
    broken: Option<u8>,
    spelling: u8,
    blank_before: bool,
}

#[derive(Clone, Debug)]
struct Case {
    counts: Vec<CountSpec>,
    targets: Vec<TargetSpec>,
    /// Title rows above the header of the second count file.
    title_rows: usize,
    /// Blank rows after the last row of the first count file.
    trailing_blank: usize,
}

fn count_spec() -> impl Strategy<Value = CountSpec> {
    (
        prop::sample::select(&PPS[..]),
        0..MONTHS.len(),
        prop::bool::weighted(0.3),
        prop::option::weighted(0.15, 0u8..6),
        0..COUNT_PATHS.len(),
        any::<u8>(),
        prop::bool::weighted(0.1),
    )
        .prop_map(
            |(pps, month, other, broken, file, spelling, blank_before)| CountSpec {
                pps,
                month,
                variant: i64::from(other),
                broken,
                file,
                spelling,
                blank_before,
            },
        )
}

fn target_spec() -> impl Strategy<Value = TargetSpec> {
    (
        prop::sample::select(&PPS[..]),
        prop::sample::select(&[2025, 2026][..]),
        prop::sample::select(&["studenten", "bedrijven"][..]),
        prop::bool::weighted(0.2),
        prop::option::weighted(0.15, 0u8..4),
        any::<u8>(),
        prop::bool::weighted(0.1),
    )
        .prop_map(
            |(pps, year, indicator, other, broken, spelling, blank_before)| TargetSpec {
                pps,
                year,
                indicator,
                variant: i64::from(other),
                broken,
                spelling,
                blank_before,
            },
        )
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec(count_spec(), 8..40),
        prop::collection::vec(target_spec(), 0..12),
        0usize..3,
        0usize..3,
    )
        .prop_map(|(counts, targets, title_rows, trailing_blank)| Case {
            counts,
            targets,
            title_rows,
            trailing_blank,
        })
}

fn month_of((year, month): (i32, u32)) -> Month {
    Month::new(year, month).unwrap()
}

/// The values of a count key: bedrijven_mkb stays at most bedrijven, and
/// one key in five has a value above 999 (Dutch thousands separator).
fn count_values(spec: &CountSpec) -> [i64; Measure::COUNT] {
    let k = (PPS.iter().position(|p| *p == spec.pps).unwrap() * MONTHS.len() + spec.month) as i64;
    let werkenden = if k % 5 == 0 { 1234 } else { 0 };
    [k % 4 + spec.variant, 1, werkenden, k % 3, 3, k % 2]
}

/// A count as people type it: `12`, `12,0`, ` 12 `, `1.234`, or an empty
/// cell for 0. All read back as the same number.
fn spell_count(n: i64, spelling: u8) -> String {
    match spelling % 4 {
        1 => format!("{n},0"),
        2 => format!(" {n} "),
        3 if n == 0 => String::new(),
        3 if n >= 1000 => format!("{}.{:03}", n / 1000, n % 1000),
        _ => n.to_string(),
    }
}

/// A month in one of the contract's spellings.
fn spell_month((year, month): (i32, u32), spelling: u8) -> String {
    match spelling % 6 {
        0 => format!("{year}-{month:02}"),
        1 => format!("{month}-{year}"),
        2 => format!("{month}/{year}"),
        3 => format!("{year}M{month:02}"),
        4 => format!("{} {year}", DUTCH[month as usize - 1]),
        _ => format!("15-{month}-{year}"),
    }
}

/// The cells of a count row; a broken row breaks one rule.
fn count_cells(spec: &CountSpec) -> Vec<String> {
    let values = count_values(spec);
    let mut cells = vec![
        spec.pps.to_owned(),
        spell_month(MONTHS[spec.month], spec.spelling / 4),
    ];
    cells.extend(
        values
            .iter()
            .enumerate()
            .map(|(i, v)| spell_count(*v, spec.spelling.rotate_left(i as u32))),
    );
    match spec.broken {
        Some(0) => "abc".clone_into(&mut cells[2]),
        Some(1) => "-2".clone_into(&mut cells[3]),
        Some(2) => cells[0] = String::new(),
        Some(3) => "13-2026".clone_into(&mut cells[1]),
        Some(4) => "4".clone_into(&mut cells[7]),
        Some(_) => "1,5".clone_into(&mut cells[5]),
        None => {}
    }
    cells
}

fn target_cells(spec: &TargetSpec) -> Vec<String> {
    let value = 10 + 2 * spec.variant;
    let indicator = if spec.spelling.is_multiple_of(2) {
        spec.indicator.to_owned()
    } else {
        spec.indicator.to_uppercase()
    };
    let mut cells = vec![
        spec.pps.to_owned(),
        spec.year.to_string(),
        indicator,
        spell_count(value, spec.spelling / 2),
    ];
    match spec.broken {
        Some(0) => "foo".clone_into(&mut cells[2]),
        Some(1) => "-5".clone_into(&mut cells[3]),
        Some(2) => "twintig".clone_into(&mut cells[1]),
        Some(_) => cells[3] = String::new(),
        None => {}
    }
    cells
}

/// A generated input folder: each file's bytes, and where each generated
/// row landed (file index, spreadsheet row number) in generation order.
struct Rendered {
    files: Vec<(&'static str, Vec<u8>)>,
    count_rows: Vec<u32>,
    target_rows: Vec<u32>,
    /// Blank rows written per file path.
    blank: Vec<(&'static str, usize)>,
}

/// Writes CSV records, numbering rows as a spreadsheet shows them.
struct Sheet {
    writer: csv::Writer<Vec<u8>>,
    rows: u32,
    blank: usize,
    width: usize,
}

impl Sheet {
    fn new(delimiter: u8, title_rows: usize, header: &[&str]) -> Sheet {
        let mut sheet = Sheet {
            writer: csv::WriterBuilder::new()
                .delimiter(delimiter)
                .flexible(true)
                .from_writer(Vec::new()),
            rows: 0,
            blank: 0,
            width: header.len(),
        };
        for _ in 0..title_rows {
            sheet.record(&["Aanleveringen van de PPS".to_owned()]);
        }
        let header: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
        sheet.record(&header);
        sheet
    }

    fn record(&mut self, cells: &[String]) -> u32 {
        self.writer.write_record(cells).unwrap();
        self.rows += 1;
        self.rows
    }

    fn blank_row(&mut self) {
        self.record(&vec![String::new(); self.width]);
        self.blank += 1;
    }

    fn bytes(self) -> Vec<u8> {
        self.writer.into_inner().unwrap()
    }
}

fn render(case: &Case) -> Rendered {
    let header: Vec<&str> = COUNTS_HEADER.split(',').collect();
    let mut sheets = [
        Sheet::new(b',', 0, &header),
        Sheet::new(b';', case.title_rows, &header),
    ];
    let mut count_rows = Vec::new();
    for spec in &case.counts {
        let sheet = &mut sheets[spec.file];
        if spec.blank_before {
            sheet.blank_row();
        }
        count_rows.push(sheet.record(&count_cells(spec)));
    }
    for _ in 0..case.trailing_blank {
        sheets[0].blank_row();
    }
    let mut targets = Sheet::new(b',', 0, &["pps_id", "jaar", "indicator", "streefwaarde"]);
    let mut target_rows = Vec::new();
    for spec in &case.targets {
        if spec.blank_before {
            targets.blank_row();
        }
        target_rows.push(targets.record(&target_cells(spec)));
    }
    let [a, b] = sheets;
    let blank = vec![
        (COUNT_PATHS[0], a.blank),
        (COUNT_PATHS[1], b.blank),
        (REGISTER_PATH, 0),
        (TARGET_PATH, targets.blank),
    ];
    Rendered {
        files: vec![
            (COUNT_PATHS[0], a.bytes()),
            (COUNT_PATHS[1], b.bytes()),
            (REGISTER_PATH, MODEL_REGISTER.as_bytes().to_vec()),
            (TARGET_PATH, targets.bytes()),
        ],
        count_rows,
        target_rows,
        blank,
    }
}

/// A row: file path and spreadsheet row number.
type At = (&'static str, u32);

/// What the rules should make of a generated case, worked out without the
/// tool's code: the fate of every row, the accepted records, the tally per
/// file.
#[derive(Default, Debug)]
struct Expected {
    /// `(path, row)` → fate.
    fates: BTreeMap<At, validate::Fate>,
    counts: BTreeSet<(String, Month, [i64; Measure::COUNT])>,
    targets: BTreeSet<(String, i32, String, i64)>,
    /// Keys sent more than once with different values.
    conflicts: usize,
}

/// The valid register rows: start month and end month.
fn registered(pps: &str) -> Option<(Month, Option<Month>)> {
    match pps {
        "A" => Some((month_of((2025, 1)), None)),
        "B" => Some((month_of((2025, 6)), Some(month_of((2026, 3))))),
        _ => None,
    }
}

/// Among rows that break no rule, per key in reading order (file path,
/// then row): the same values everywhere keep the first copy (the others
/// are duplicates); different values reject every copy.
fn settle_keys<K: Ord, V: PartialEq>(
    clean: Vec<(K, V, At)>,
    expected: &mut Expected,
    mut keep: impl FnMut(&K, &V) -> validate::Fate,
) {
    use validate::Fate;
    let mut groups: BTreeMap<K, Vec<(V, At)>> = BTreeMap::new();
    for (key, values, at) in clean {
        groups.entry(key).or_default().push((values, at));
    }
    for (key, mut copies) in groups {
        copies.sort_by(|a, b| a.1.cmp(&b.1));
        if copies.iter().all(|(v, _)| *v == copies[0].0) {
            expected.fates.insert(copies[0].1, keep(&key, &copies[0].0));
            for (_, at) in &copies[1..] {
                expected.fates.insert(*at, Fate::Duplicate);
            }
        } else {
            expected.conflicts += 1;
            for (_, at) in &copies {
                expected.fates.insert(*at, Fate::Rejected);
            }
        }
    }
}

fn expect(case: &Case, rendered: &Rendered) -> Expected {
    use validate::Fate;
    let mut expected = Expected::default();
    // The register: A and B accepted; C (unknown gemeente) and both D rows
    // (duplicate_pps) rejected.
    for (row, fate) in [2, 3, 4, 5, 6].into_iter().zip([
        Fate::Accepted,
        Fate::Accepted,
        Fate::Rejected,
        Fate::Rejected,
        Fate::Rejected,
    ]) {
        expected.fates.insert((REGISTER_PATH, row), fate);
    }

    let (period, current) = (month_of(PERIOD), month_of(CURRENT));
    let mut clean = Vec::new();
    for (spec, &row) in case.counts.iter().zip(&rendered.count_rows) {
        let at = (COUNT_PATHS[spec.file], row);
        let month = month_of(MONTHS[spec.month]);
        let valid = spec.broken.is_none()
            && month <= current
            && registered(spec.pps)
                .is_some_and(|(start, end)| month >= start && end.is_none_or(|e| month <= e));
        if valid {
            clean.push(((spec.pps.to_owned(), month), count_values(spec), at));
        } else {
            expected.fates.insert(at, Fate::Rejected);
        }
    }
    let mut counts = BTreeSet::new();
    settle_keys(clean, &mut expected, |(pps, month), values| {
        if *month > period {
            Fate::Later
        } else {
            counts.insert((pps.clone(), *month, *values));
            Fate::Accepted
        }
    });
    expected.counts = counts;

    let mut clean = Vec::new();
    for (spec, &row) in case.targets.iter().zip(&rendered.target_rows) {
        let at = (TARGET_PATH, row);
        if spec.broken.is_none() && registered(spec.pps).is_some() {
            let key = (spec.pps.to_owned(), spec.year, spec.indicator.to_owned());
            clean.push((key, 10 + 2 * spec.variant, at));
        } else {
            expected.fates.insert(at, Fate::Rejected);
        }
    }
    let mut targets = BTreeSet::new();
    settle_keys(clean, &mut expected, |(pps, year, indicator), value| {
        targets.insert((pps.clone(), *year, indicator.clone(), *value));
        Fate::Accepted
    });
    expected.targets = targets;
    expected
}

impl Expected {
    /// The accounting the model expects for the file at `path`.
    fn tally(&self, path: &str, blank: usize) -> validate::SheetCount {
        use validate::Fate;
        let mut count = validate::SheetCount {
            blank,
            ..validate::SheetCount::default()
        };
        for fate in self
            .fates
            .iter()
            .filter(|((p, _), _)| *p == path)
            .map(|(_, f)| f)
        {
            count.read += 1;
            match fate {
                Fate::Accepted => count.accepted += 1,
                Fate::Rejected => count.rejected += 1,
                Fate::Duplicate => count.duplicates += 1,
                Fate::Later => count.later += 1,
            }
        }
        count
    }

    fn count(&self, fate: validate::Fate) -> usize {
        self.fates.values().filter(|f| **f == fate).count()
    }
}

/// A manifest sheet entry as a [`validate::SheetCount`].
fn manifest_count(sheet: &serde_json::Value) -> validate::SheetCount {
    let n = |field: &str| sheet[field].as_u64().unwrap() as usize;
    validate::SheetCount {
        read: n("read"),
        accepted: n("accepted"),
        rejected: n("rejected"),
        duplicates: n("duplicates"),
        later: n("later"),
        blank: n("blank"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Every row read gets the fate the rules give it, and every output
    /// accounts for it exactly once: accepted rows are the accepted
    /// records, rejected rows are the rows in the rejects file, and the
    /// accounting (library and manifest) tallies duplicates, later and
    /// blank rows per file.
    #[test]
    fn every_row_is_accounted_for_once(case in case()) {
        let rendered = render(&case);
        let expected = expect(&case, &rendered);
        let scenario = Scenario::new();
        for (path, bytes) in &rendered.files {
            scenario.file(&format!("input/{path}"), bytes);
        }

        // The library: the accounting per sheet and the accepted records.
        let regions = Regions::read(&repo().join("config/regions.csv")).unwrap();
        let ingested = ingest::read(&scenario.path().join("input"), None, &ingest::Limits::default(), &|_| {}).unwrap();
        let validated = validate::check(
            &ingested,
            &regions,
            PeriodChoice::Month(month_of(PERIOD)),
            month_of(CURRENT),
        )
        .unwrap();
        for (file, counts) in ingested.files.iter().zip(&validated.accounting) {
            let blank = rendered.blank.iter().find(|(p, _)| *p == file.path).unwrap().1;
            prop_assert_eq!(counts.len(), 1, "{}", file.path);
            prop_assert_eq!(counts[0], expected.tally(&file.path, blank), "{}", file.path);
        }
        let counts: BTreeSet<(String, Month, [i64; Measure::COUNT])> = validated
            .accepted
            .counts
            .iter()
            .map(|c| (c.pps_id.clone(), c.month, c.values))
            .collect();
        prop_assert_eq!(counts.len(), validated.accepted.counts.len());
        prop_assert_eq!(&counts, &expected.counts);
        let targets: BTreeSet<(String, i32, String, i64)> = validated
            .accepted
            .targets
            .iter()
            .map(|t| (t.pps_id.clone(), t.year, t.indicator.name().to_owned(), t.value))
            .collect();
        prop_assert_eq!(targets.len(), validated.accepted.targets.len());
        prop_assert_eq!(&targets, &expected.targets);

        // The binary: the rejects file lists exactly the rejected rows, and
        // the manifest's accounting is the model's.
        let run = scenario.run(&["validate", "--period", "2026-06"]);
        prop_assert_eq!(run.code, 3, "{}", run.stderr);
        let rejected: BTreeSet<(String, u32)> = scenario
            .rejects("2026-06")
            .iter()
            .map(|r| (r["bestand"].clone(), r["rij"].parse().unwrap()))
            .collect();
        let want: BTreeSet<(String, u32)> = expected
            .fates
            .iter()
            .filter(|(_, f)| **f == validate::Fate::Rejected)
            .map(|((path, row), _)| ((*path).to_owned(), *row))
            .collect();
        prop_assert_eq!(rejected, want);
        let manifest = scenario.manifest("2026-06");
        let mut total = validate::SheetCount::default();
        for (path, blank) in &rendered.blank {
            let sheet = scenario.sheet_counts("2026-06", path);
            let want = expected.tally(path, *blank);
            prop_assert_eq!(manifest_count(&sheet), want, "{}", path);
            total += want;
        }
        prop_assert_eq!(manifest_count(&manifest["summary"]["rows"]), total);
    }
}

/// The generator reaches the interesting paths often: in most cases some
/// key is sent twice with the same values, some twice with different
/// values, and some row lies after the period. The figures are printed
/// (`cargo test -- --nocapture`).
#[test]
fn generated_cases_reach_every_fate_often() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    use validate::Fate;

    let mut runner = TestRunner::deterministic();
    let strategy = case();
    let cases = 200;
    let mut reached = [0usize; 6];
    for _ in 0..cases {
        let case = strategy.new_tree(&mut runner).unwrap().current();
        let rendered = render(&case);
        let expected = expect(&case, &rendered);
        let blank: usize = rendered.blank.iter().map(|(_, n)| n).sum();
        let hits = [
            expected.count(Fate::Accepted) > 2,
            expected.count(Fate::Rejected) > 3,
            expected.count(Fate::Duplicate) > 0,
            expected.conflicts > 0,
            expected.count(Fate::Later) > 0,
            blank > 0,
        ];
        for (n, hit) in reached.iter_mut().zip(hits) {
            *n += usize::from(hit);
        }
    }
    let names = [
        "accepted",
        "rejected",
        "duplicate",
        "conflict",
        "later",
        "blank",
    ];
    println!("cases out of {cases} reaching each fate: {names:?} {reached:?}");
    for (name, n) in names.iter().zip(reached) {
        assert!(
            n * 2 >= cases,
            "only {n} of {cases} cases have a {name} row"
        );
    }
}
