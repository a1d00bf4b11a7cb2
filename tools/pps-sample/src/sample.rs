//! `sample`: the small, realistic input shipped in `input/`.
//!
//! Takes a fixed seed and the region reference; writes a register, a targets
//! workbook and about seventy monthly submissions spread over consortium
//! folders, in the formats and spellings partnerships really send, with a
//! handful of deliberate mistakes. It also writes `input/README.md`, whose
//! table of mistakes is computed from the very rows written, so it cannot
//! drift from the files. Sheets meant to become `.ods` are written as `.xlsx`
//! to a staging folder; `scripts/make-sample.sh` converts them with
//! LibreOffice.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::month::{Month, PeriodText};
use crate::regions;
use crate::rng::Rng;
use crate::sheet::{self, Cell, DateFmt, Encoding, Sheet};

const SEED: u64 = 0x5053_2026_1031;
/// The last month any partnership reports on.
const LAST: Month = Month::new(2026, 10);
/// The month the programme's growth curve is anchored to.
const ANCHOR: Month = Month::new(2023, 9);

#[derive(Debug)]
pub struct Options {
    pub out: PathBuf,
    pub ods_staging: PathBuf,
    pub regions: PathBuf,
}

// ---------------------------------------------------------------------------
// Partnerships

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Consortium {
    HealthNoord,
    DigitalIndustryBoost,
    GreenTechCampus,
    MraCirculair,
}

impl Consortium {
    fn name(self) -> &'static str {
        match self {
            Consortium::HealthNoord => "Health Noord",
            Consortium::DigitalIndustryBoost => "Digital Industry Boost",
            Consortium::GreenTechCampus => "Green Tech Campus MRA",
            Consortium::MraCirculair => "MRA Circulair en Digitaal",
        }
    }
}

fn slug(c: Option<Consortium>) -> &'static str {
    match c {
        Some(Consortium::HealthNoord) => "health-noord",
        Some(Consortium::DigitalIndustryBoost) => "digital-industry-boost",
        Some(Consortium::GreenTechCampus) => "green-tech-campus-mra",
        Some(Consortium::MraCirculair) => "mra-circulair-en-digitaal",
        None => "zonder-consortium",
    }
}

/// How the municipality code was typed into the register.
#[derive(Debug, Clone, Copy)]
enum CodeCell {
    /// `GM0363`
    Gm,
    /// the number 363
    Number,
    /// the text `0772`
    Padded,
}

#[derive(Debug)]
struct Pps {
    id: &'static str,
    naam: &'static str,
    consortium: Option<Consortium>,
    gemeente: &'static str,
    code_cell: CodeCell,
    start: (u16, u8, u8),
    end: Option<(u16, u8, u8)>,
    sector: &'static str,
    /// Relative size: 1.0 is the largest partnership.
    size: f64,
    /// The last month it has sent.
    last: Month,
}

impl Pps {
    fn start_month(&self) -> Month {
        Month::new(i32::from(self.start.0), u32::from(self.start.1))
    }
}

#[rustfmt::skip]
fn partnerships() -> Vec<Pps> {
    use CodeCell::{Gm, Number, Padded};
    use Consortium::{DigitalIndustryBoost as Dib, GreenTechCampus as Gtc, HealthNoord as Hn, MraCirculair as Mcd};
    let p = |id, naam, consortium, gemeente, code_cell, start, sector, size| Pps {
        id, naam, consortium, gemeente, code_cell, start, end: None, sector, size, last: LAST,
    };
    let zorg = "Zorg en welzijn";
    let techniek = "Techniek en maakindustrie";
    let energie = "Energie en installatietechniek";
    let bouw = "Bouw en circulaire economie";
    let ict = "ICT en digitalisering";
    vec![
        p("HN-01", "Zorgtechnologie Fryslân", Some(Hn), "GM0080", Gm, (2023, 1, 1), zorg, 0.80),
        p("HN-02", "Slimme Zorg Groningen", Some(Hn), "GM0014", Number, (2023, 2, 1), zorg, 1.00),
        p("HN-03", "Zorginnovatiecentrum Drenthe", Some(Hn), "GM0106", Gm, (2023, 3, 1), zorg, 0.60),
        p("HN-04", "Technologie in de Thuiszorg Emmen", Some(Hn), "GM0114", Gm, (2023, 9, 1), zorg, 0.50),
        p("HN-05", "Zorgcampus Heerenveen", Some(Hn), "GM0074", Gm, (2023, 9, 1), zorg, 0.45),
        p("HN-06", "Digitale Zorg Ommelanden", Some(Hn), "GM1966", Gm, (2024, 1, 1), zorg, 0.15),
        p("HN-07", "Domoticalab Hoogeveen", Some(Hn), "GM0118", Gm, (2024, 2, 1), zorg, 0.35),
        p("HN-08", "Zorg en Techniek Oldambt", Some(Hn), "GM1895", Gm, (2024, 4, 1), zorg, 0.12),
        p("HN-09", "Langer Thuis Súdwest-Fryslân", Some(Hn), "GM1900", Gm, (2025, 6, 1), zorg, 0.30),
        p("DIB-01", "Smart Maintenance Brabant", Some(Dib), "GM0772", Padded, (2023, 1, 1), techniek, 0.90),
        p("DIB-02", "Digitale Maakindustrie Helmond", Some(Dib), "GM0794", Gm, (2023, 4, 1), techniek, 0.60),
        p("DIB-03", "Smart Factory 's-Hertogenbosch", Some(Dib), "GM0796", Gm, (2023, 9, 1), techniek, 0.50),
        p("DIB-04", "Datagedreven Produceren Tilburg", Some(Dib), "GM0855", Gm, (2024, 3, 1), techniek, 0.40),
        p("GTC-01", "Green Tech Lab Zaanstad", Some(Gtc), "GM0479", Gm, (2023, 5, 1), energie, 0.55),
        p("GTC-02", "Duurzame Installatietechniek Haarlemmermeer", Some(Gtc), "GM0394", Gm, (2023, 9, 1), energie, 0.45),
        p("GTC-03", "Energietransitie Almere", Some(Gtc), "GM0034", Gm, (2024, 1, 15), energie, 0.35),
        p("MCD-01", "Circulair Bouwen Amsterdam", Some(Mcd), "GM0363", Number, (2023, 2, 1), bouw, 0.85),
        p("MCD-02", "Digitale Vaardigheden mkb Haarlem", Some(Mcd), "GM0392", Gm, (2023, 9, 1), ict, 0.40),
        p("MCD-03", "Circulaire Maakindustrie Purmerend", Some(Mcd), "GM0439", Gm, (2024, 9, 1), bouw, 0.25),
        p("PPS-ROT", "Haven en Logistiek Rotterdam", None, "GM0599", Number, (2023, 1, 1), "Logistiek", 0.95),
        p("PPS-UTR", "Zorg-ICT Utrecht", None, "GM0344", Gm, (2023, 10, 1), ict, 0.50),
        Pps { end: Some((2025, 6, 30)), last: Month::new(2025, 6),
              ..p("PPS-ZWO", "Techniekpact Zwolle", None, "GM0193", Gm, (2023, 6, 1), techniek, 0.30) },
        // Late with its October 2026 submission.
        Pps { last: Month::new(2026, 9),
              ..p("PPS-MAA", "Grensoverschrijdend Leren Maastricht", None, "GM0935", Gm, (2024, 5, 1), zorg, 0.15) },
    ]
}

// ---------------------------------------------------------------------------
// Monthly counts

/// studenten_bol, studenten_bbl, werkenden, werkzoekenden, bedrijven, bedrijven_mkb
type Counts = [i64; 6];

#[derive(Debug)]
struct Series {
    months: Vec<(Month, Counts)>,
}

impl Series {
    fn get(&self, m: Month) -> Counts {
        self.months
            .iter()
            .find(|(x, _)| *x == m)
            .expect("month in series")
            .1
    }
}

/// Seasonal weights, January first: most BOL students start in September,
/// a second intake in February; little happens in summer.
const BOL_SEASON: [f64; 12] = [
    0.15, 0.45, 0.10, 0.08, 0.05, 0.03, 0.02, 0.30, 1.00, 0.25, 0.12, 0.05,
];
const BBL_SEASON: [f64; 12] = [0.8, 1.2, 0.9, 0.8, 0.7, 0.5, 0.2, 0.6, 1.5, 1.1, 0.9, 0.5];
const WORK_SEASON: [f64; 12] = [1.0, 1.1, 1.1, 1.0, 0.9, 0.8, 0.3, 0.4, 1.2, 1.2, 1.1, 0.6];

fn generate(pps: &[Pps], rng: &mut Rng) -> Vec<Series> {
    pps.iter()
        .map(|p| {
            let growth = rng.range(0.10, 0.30);
            let sme_share = rng.range(0.70, 0.90);
            let first = p.start_month();
            let mut companies = 4.0 + 20.0 * p.size;
            let months = first
                .through(p.last)
                .map(|m| {
                    let age = f64::from(first.until(m));
                    let ramp = ((age + 1.0) / 6.0).min(1.0);
                    let scale = (1.0 + growth).powf(f64::from(ANCHOR.until(m)) / 12.0);
                    let s = p.size * scale * ramp;
                    let i = m.month as usize - 1;
                    let bol = rng.count(28.0 * s * BOL_SEASON[i]);
                    let bbl = rng.count(4.5 * s * BBL_SEASON[i]);
                    let workers = rng.count(9.0 * s * WORK_SEASON[i]);
                    let seekers = rng.count(3.2 * s * WORK_SEASON[i]);
                    // A stock drifting towards a level that grows with the programme.
                    let level =
                        (8.0 + 45.0 * p.size) * scale * (0.6 + 0.4 * ((age + 1.0) / 12.0).min(1.0));
                    companies += (level - companies) * 0.25 + rng.range(-1.0, 1.5);
                    let total = companies.round().max(1.0) as i64;
                    let sme = ((total as f64) * sme_share + rng.range(-1.0, 1.0)).round() as i64;
                    (m, [bol, bbl, workers, seekers, total, sme.clamp(0, total)])
                })
                .collect();
            Series { months }
        })
        .collect()
}

// ---------------------------------------------------------------------------
// How each partnership lays out its submissions

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Pps,
    Periode,
    Bol,
    Bbl,
    Workers,
    Seekers,
    Companies,
    Sme,
    Note,
}

impl Col {
    fn header(self, english: bool) -> &'static str {
        match (self, english) {
            (Col::Pps, false) => "pps_id",
            (Col::Pps, true) => "partnership_id",
            (Col::Periode, false) => "periode",
            (Col::Periode, true) => "period",
            (Col::Bol, false) => "studenten_bol",
            (Col::Bol, true) => "students_bol",
            (Col::Bbl, false) => "studenten_bbl",
            (Col::Bbl, true) => "students_bbl",
            (Col::Workers, false) => "werkenden",
            (Col::Workers, true) => "workers",
            (Col::Seekers, false) => "werkzoekenden",
            (Col::Seekers, true) => "jobseekers",
            (Col::Companies, false) => "bedrijven",
            (Col::Companies, true) => "companies",
            (Col::Sme, false) => "bedrijven_mkb",
            (Col::Sme, true) => "companies_sme",
            (Col::Note, false) => "opmerking",
            (Col::Note, true) => "remarks",
        }
    }

    /// Position of a count column in [`Counts`].
    fn count_index(self) -> Option<usize> {
        [
            Col::Bol,
            Col::Bbl,
            Col::Workers,
            Col::Seekers,
            Col::Companies,
            Col::Sme,
        ]
        .iter()
        .position(|c| *c == self)
    }
}

const STANDARD: &[Col] = &[
    Col::Pps,
    Col::Periode,
    Col::Bol,
    Col::Bbl,
    Col::Workers,
    Col::Seekers,
    Col::Companies,
    Col::Sme,
];
const STANDARD_NOTE: &[Col] = &[
    Col::Pps,
    Col::Periode,
    Col::Bol,
    Col::Bbl,
    Col::Workers,
    Col::Seekers,
    Col::Companies,
    Col::Sme,
    Col::Note,
];
const SHUFFLED_A: &[Col] = &[
    Col::Periode,
    Col::Pps,
    Col::Companies,
    Col::Sme,
    Col::Bol,
    Col::Bbl,
    Col::Workers,
    Col::Seekers,
    Col::Note,
];
const SHUFFLED_B: &[Col] = &[
    Col::Pps,
    Col::Periode,
    Col::Workers,
    Col::Seekers,
    Col::Bol,
    Col::Bbl,
    Col::Companies,
    Col::Sme,
    Col::Note,
];

#[derive(Debug, Clone, Copy)]
enum PeriodCell {
    Date(DateFmt),
    Text(PeriodText),
}

#[derive(Debug, Clone, Copy)]
enum Format {
    Xlsx,
    /// Written as xlsx to the staging folder, converted by LibreOffice.
    Ods,
    Csv {
        delimiter: u8,
        encoding: Encoding,
    },
}

#[derive(Debug, Clone, Copy)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent switches of a sheet layout, set by name in `layout_for`"
)]
struct Layout {
    sheet: &'static str,
    /// Merged title in row 1, blank row 2, header in row 3.
    title: bool,
    /// Empty rows above and empty columns left of the table.
    offset: (u32, u16),
    cols: &'static [Col],
    english: bool,
    period: PeriodCell,
    /// An extra sheet with free-text explanations (ignored by the monitor).
    notes_sheet: bool,
    /// How counts are typed in a CSV: `12` or `12,0`.
    decimal_workers: bool,
}

const BASE: Layout = Layout {
    sheet: "Blad1",
    title: false,
    offset: (0, 0),
    cols: STANDARD,
    english: false,
    period: PeriodCell::Text(PeriodText::Iso),
    notes_sheet: false,
    decimal_workers: false,
};

fn layout_for(id: &str) -> (Layout, Format) {
    use PeriodText as T;
    let l = match id {
        "HN-01" | "HN-02" | "HN-03" => Layout {
            title: true,
            period: PeriodCell::Date(DateFmt::MonthYear),
            ..BASE
        },
        "HN-04" | "HN-05" | "HN-06" => Layout {
            period: PeriodCell::Text(T::DutchShort),
            ..BASE
        },
        "HN-07" | "HN-08" => Layout {
            cols: SHUFFLED_A,
            ..BASE
        },
        "HN-09" => Layout {
            period: PeriodCell::Date(DateFmt::DayMonthYear),
            ..BASE
        },
        // One workbook per year for the consortium, one sheet per partnership.
        "DIB-01" => Layout {
            sheet: "DIB-01",
            period: PeriodCell::Text(T::MonthYear),
            notes_sheet: true,
            ..BASE
        },
        "DIB-02" => Layout {
            sheet: "DIB-02",
            period: PeriodCell::Text(T::MonthYear),
            ..BASE
        },
        "DIB-03" => Layout {
            sheet: "DIB-03",
            cols: SHUFFLED_B,
            period: PeriodCell::Text(T::MonthYear),
            ..BASE
        },
        "DIB-04" => Layout {
            sheet: "DIB-04",
            period: PeriodCell::Text(T::MonthSlashYear),
            ..BASE
        },
        "GTC-01" | "GTC-02" | "GTC-03" => Layout {
            title: true,
            period: PeriodCell::Date(DateFmt::Iso),
            ..BASE
        },
        "MCD-01" | "MCD-02" | "MCD-03" => Layout {
            sheet: "Data",
            offset: (1, 1),
            period: PeriodCell::Text(T::Cbs),
            ..BASE
        },
        "PPS-ROT" => Layout {
            title: true,
            cols: STANDARD_NOTE,
            period: PeriodCell::Date(DateFmt::DayMonthYear),
            ..BASE
        },
        "PPS-UTR" => Layout {
            period: PeriodCell::Text(T::IsoDay),
            ..BASE
        },
        "PPS-ZWO" => Layout {
            cols: SHUFFLED_A,
            period: PeriodCell::Text(T::DutchShortUpper),
            ..BASE
        },
        "PPS-MAA" => Layout {
            period: PeriodCell::Text(T::DutchLong),
            ..BASE
        },
        other => unreachable!("no layout for {other}"),
    };
    let format = if id == "HN-09" {
        Format::Ods
    } else {
        Format::Xlsx
    };
    (l, format)
}

/// Green Tech Campus MRA sends one CSV per year for the whole consortium
/// (2023–2025), then switches to one workbook per partnership.
fn gtc_csv(year: i32) -> (String, Layout, Format) {
    let dutch = Layout {
        cols: STANDARD_NOTE,
        ..BASE
    };
    let semicolon_1252 = Format::Csv {
        delimiter: b';',
        encoding: Encoding::Windows1252,
    };
    match year {
        2023 => (
            "GTC_maandcijfers_2023.csv".into(),
            Layout {
                period: PeriodCell::Text(PeriodText::DutchLong),
                ..dutch
            },
            semicolon_1252,
        ),
        // Dutch Excel saves a date cell to CSV as `1-10-2024`.
        2024 => (
            "GTC_maandcijfers_2024.csv".into(),
            Layout {
                period: PeriodCell::Date(DateFmt::DayMonthYear),
                decimal_workers: true,
                ..dutch
            },
            semicolon_1252,
        ),
        _ => (
            format!("GTC_monthly_{year}.csv"),
            Layout {
                english: true,
                ..BASE
            },
            Format::Csv {
                delimiter: b',',
                encoding: Encoding::Utf8Bom,
            },
        ),
    }
}

// ---------------------------------------------------------------------------
// Drafts: submissions as records, before they become cells

#[derive(Debug, Clone)]
struct Mark {
    col: Col,
    rule: &'static str,
    what: &'static str,
}

#[derive(Debug, Clone)]
struct Record {
    pps: String,
    period: Option<Month>,
    values: [Cell; 6],
    note: String,
    mark: Option<Mark>,
}

impl Record {
    fn new(pps: &str, m: Month, counts: Counts) -> Self {
        Self {
            pps: pps.to_owned(),
            period: Some(m),
            values: counts.map(Cell::Int),
            note: String::new(),
            mark: None,
        }
    }
}

#[derive(Debug, Clone)]
enum Line {
    Data(Box<Record>),
    Blank,
}

/// One sheet of a submission; drafts with the same `rel` are sheets of one
/// workbook, in order.
#[derive(Debug)]
struct Draft {
    /// Path below the input folder, with its final extension.
    rel: String,
    layout: Layout,
    format: Format,
    title: String,
    lines: Vec<Line>,
}

impl Draft {
    fn record(&mut self, pps: &str, m: Month) -> &mut Record {
        self.lines
            .iter_mut()
            .find_map(|l| match l {
                Line::Data(r) if r.pps == pps && r.period == Some(m) => Some(&mut **r),
                _ => None,
            })
            .unwrap_or_else(|| panic!("{}: no row for {pps} {m}", self.rel))
    }

    fn index_of(&self, pps: &str, m: Month) -> usize {
        self.lines
            .iter()
            .position(|l| matches!(l, Line::Data(r) if r.pps == pps && r.period == Some(m)))
            .unwrap_or_else(|| panic!("{}: no row for {pps} {m}", self.rel))
    }
}

/// The sheet of file `rel` that carries partnership `pps`.
fn find<'a>(drafts: &'a mut [Draft], rel: &str, pps: &str) -> &'a mut Draft {
    drafts
        .iter_mut()
        .find(|d| {
            d.rel == rel
                && d.lines
                    .iter()
                    .any(|l| matches!(l, Line::Data(r) if r.pps == pps))
        })
        .unwrap_or_else(|| panic!("no sheet for {pps} in {rel}"))
}

const NOTES: [&str; 6] = [
    "cijfers voorlopig",
    "incl. open dag",
    "nagezonden",
    "nieuwe opleiding gestart",
    "2 bedrijven gestopt",
    "zomerstop",
];

fn plan(pps: &[Pps], data: &[Series], rng: &mut Rng) -> Vec<Draft> {
    let mut drafts = Vec::new();
    for (p, series) in pps.iter().zip(data) {
        let years: BTreeSet<i32> = series.months.iter().map(|(m, _)| m.year).collect();
        for year in years {
            if p.consortium == Some(Consortium::GreenTechCampus) && year <= 2025 {
                continue;
            }
            let (layout, format) = layout_for(p.id);
            let ext = if matches!(format, Format::Ods) {
                "ods"
            } else {
                "xlsx"
            };
            let lines = series
                .months
                .iter()
                .filter(|(m, _)| m.year == year)
                .map(|(m, c)| {
                    let mut r = Record::new(p.id, *m, *c);
                    if layout.cols.contains(&Col::Note) && rng.unit() < 0.15 {
                        NOTES[rng.below(NOTES.len())].clone_into(&mut r.note);
                    }
                    Line::Data(Box::new(r))
                })
                .collect();
            let file = if p.consortium == Some(Consortium::DigitalIndustryBoost) {
                format!("DIB_maandcijfers_{year}.{ext}")
            } else {
                format!("{}_{year}.{ext}", p.id)
            };
            drafts.push(Draft {
                rel: format!("aanleveringen/{}/{file}", slug(p.consortium)),
                layout,
                format,
                title: format!("Maandrapportage {} {year}", p.id),
                lines,
            });
        }
    }
    for year in 2023..=2025 {
        let (name, layout, format) = gtc_csv(year);
        let mut lines = Vec::new();
        for m in Month::new(year, 1).through(Month::new(year, 12)) {
            for (p, series) in pps.iter().zip(data) {
                if p.consortium != Some(Consortium::GreenTechCampus) || m < p.start_month() {
                    continue;
                }
                let mut r = Record::new(p.id, m, series.get(m));
                if layout.decimal_workers {
                    r.values[2] = Cell::text(format!("{},0", series.get(m)[2]));
                }
                lines.push(Line::Data(Box::new(r)));
            }
        }
        drafts.push(Draft {
            rel: format!(
                "aanleveringen/{}/{name}",
                slug(Some(Consortium::GreenTechCampus))
            ),
            layout,
            format,
            title: String::new(),
            lines,
        });
    }
    drafts
}

/// A note in the sample that is not a rejection (warnings, duplicates, blanks).
#[derive(Debug)]
struct Remark {
    rel: String,
    text: String,
}

/// The deliberate mistakes and other oddities. Every mistake changes exactly
/// one row; nothing else in the sample breaks a rule.
fn inject(drafts: &mut [Draft], pps: &[Pps], data: &[Series], remarks: &mut Vec<Remark>) {
    let counts = |id: &str, m: Month| {
        let i = pps.iter().position(|p| p.id == id).expect("known pps");
        data[i].get(m)
    };
    let m = Month::new;
    let mark = |col, rule, what| Some(Mark { col, rule, what });

    let d = find(
        drafts,
        "aanleveringen/health-noord/HN-04_2024.xlsx",
        "HN-04",
    );
    let r = d.record("HN-04", m(2024, 3));
    r.values[2] = Cell::Int(-3);
    r.mark = mark(Col::Workers, "negative", "negative number");

    let d = find(
        drafts,
        "aanleveringen/green-tech-campus-mra/GTC_maandcijfers_2024.csv",
        "GTC-01",
    );
    let r = d.record("GTC-01", m(2024, 5));
    r.values[2] = Cell::text("12,5");
    r.mark = mark(Col::Workers, "bad_value", "fraction `12,5`");

    let d = find(
        drafts,
        "aanleveringen/mra-circulair-en-digitaal/MCD-01_2025.xlsx",
        "MCD-01",
    );
    let r = d.record("MCD-01", m(2025, 4));
    r.values[5] = Cell::ErrorNa;
    r.mark = mark(
        Col::Sme,
        "bad_value",
        "Excel error cell `#N/A` (formula `=NA()`)",
    );

    let d = find(
        drafts,
        "aanleveringen/digital-industry-boost/DIB_maandcijfers_2024.xlsx",
        "DIB-01",
    );
    let r = d.record("DIB-01", m(2024, 5));
    r.period = None;
    r.mark = mark(Col::Periode, "missing_value", "periode left empty");

    let d = find(
        drafts,
        "aanleveringen/health-noord/HN-03_2025.xlsx",
        "HN-03",
    );
    let r = d.record("HN-03", m(2025, 7));
    "HN-O3".clone_into(&mut r.pps);
    r.mark = mark(Col::Pps, "unknown_pps", "typo `HN-O3` (letter O) for HN-03");

    let d = find(
        drafts,
        "aanleveringen/green-tech-campus-mra/GTC-02_2026.xlsx",
        "GTC-02",
    );
    let r = d.record("GTC-02", m(2026, 2));
    r.values.swap(4, 5);
    r.mark = mark(
        Col::Sme,
        "mkb_exceeds_total",
        "bedrijven and bedrijven_mkb swapped",
    );

    let d = find(
        drafts,
        "aanleveringen/health-noord/HN-07_2025.xlsx",
        "HN-07",
    );
    let r = d.record("HN-07", m(2025, 8));
    r.values[3] = Cell::Empty;
    r.mark = mark(
        Col::Seekers,
        "(warning only)",
        "empty count cell: accepted, counts as 0",
    );

    // A month before the start date (2024-09-01).
    let d = find(
        drafts,
        "aanleveringen/mra-circulair-en-digitaal/MCD-03_2024.xlsx",
        "MCD-03",
    );
    let mut r = Record::new("MCD-03", m(2024, 8), [1, 0, 2, 0, 3, 3]);
    r.mark = mark(
        Col::Periode,
        "before_start",
        "2024-08 is before the start date 2024-09-01",
    );
    d.lines.insert(0, Line::Data(Box::new(r)));

    // December 2025 sent again in January with different numbers: both copies
    // conflict.
    let dec = counts("DIB-03", m(2025, 12));
    let d = find(
        drafts,
        "aanleveringen/digital-industry-boost/DIB_maandcijfers_2025.xlsx",
        "DIB-03",
    );
    d.record("DIB-03", m(2025, 12)).mark = mark(
        Col::Periode,
        "duplicate_conflict",
        "2025-12 also in DIB_maandcijfers_2026.xlsx, other numbers",
    );
    let d = find(
        drafts,
        "aanleveringen/digital-industry-boost/DIB_maandcijfers_2026.xlsx",
        "DIB-03",
    );
    let mut corrected = dec;
    corrected[0] += 2;
    corrected[2] += 1;
    let mut r = Record::new("DIB-03", m(2025, 12), corrected);
    "correctie december 2025".clone_into(&mut r.note);
    r.mark = mark(
        Col::Periode,
        "duplicate_conflict",
        "2025-12 also in DIB_maandcijfers_2025.xlsx, other numbers",
    );
    d.lines.insert(0, Line::Data(Box::new(r)));

    // December 2024 sent again, identical: harmless.
    let d = find(
        drafts,
        "aanleveringen/zonder-consortium/PPS-ROT_2025.xlsx",
        "PPS-ROT",
    );
    let mut r = Record::new("PPS-ROT", m(2024, 12), counts("PPS-ROT", m(2024, 12)));
    "december 2024 nogmaals meegestuurd".clone_into(&mut r.note);
    r.mark = mark(
        Col::Periode,
        "(duplicate, not rejected)",
        "2024-12 also in PPS-ROT_2024.xlsx, same numbers",
    );
    d.lines.insert(0, Line::Data(Box::new(r)));

    // Blank rows inside a table.
    let d = find(
        drafts,
        "aanleveringen/health-noord/HN-01_2024.xlsx",
        "HN-01",
    );
    let at = d.index_of("HN-01", m(2024, 7));
    d.lines.insert(at, Line::Blank);
    remarks.push(Remark {
        rel: d.rel.clone(),
        text: "a blank row between June and July 2024".into(),
    });
    let d = find(
        drafts,
        "aanleveringen/green-tech-campus-mra/GTC_maandcijfers_2023.csv",
        "GTC-01",
    );
    let at = d.index_of("GTC-01", m(2023, 11));
    d.lines.insert(at, Line::Blank);
    remarks.push(Remark {
        rel: d.rel.clone(),
        text: "a blank line (`;;;;;;;;`) between October and November 2023".into(),
    });

    // Comments with characters outside ASCII and a quoted delimiter, in the
    // Windows-1252 files.
    let d = find(
        drafts,
        "aanleveringen/green-tech-campus-mra/GTC_maandcijfers_2023.csv",
        "GTC-01",
    );
    d.record("GTC-01", m(2023, 9)).note = "warmtepompen geïnstalleerd op de campus".into();
    d.record("GTC-02", m(2023, 12)).note = "excursie naar Fryslân".into();
    let d = find(
        drafts,
        "aanleveringen/green-tech-campus-mra/GTC_maandcijfers_2024.csv",
        "GTC-01",
    );
    d.record("GTC-03", m(2024, 2)).note = "coördinator gestart; cijfers gecontroleerd".into();
}

// ---------------------------------------------------------------------------
// Rendering

#[derive(Debug)]
struct Finding {
    rel: String,
    sheet: String,
    row: u32,
    column: &'static str,
    value: String,
    rule: &'static str,
    what: &'static str,
}

#[derive(Debug, Default)]
struct Tally {
    files: usize,
    read: usize,
    blank: usize,
}

fn render(draft: &Draft, findings: &mut Vec<Finding>, tally: &mut Tally) -> Sheet {
    let l = &draft.layout;
    let width = l.cols.len() as u16;
    let pad = || vec![Cell::Empty; l.offset.1 as usize];
    let mut sheet = Sheet::new(l.sheet);
    for _ in 0..l.offset.0 {
        sheet.push(Vec::new());
    }
    if l.title {
        sheet.push_title(l.offset.1, width, &draft.title);
        sheet.push(Vec::new());
    }
    let mut header = pad();
    header.extend(l.cols.iter().map(|c| Cell::text(c.header(l.english))));
    sheet.push_bold(header);
    for line in &draft.lines {
        let Line::Data(r) = line else {
            tally.blank += 1;
            let mut blank = pad();
            blank.extend((0..width).map(|_| Cell::Empty));
            sheet.push(blank);
            continue;
        };
        tally.read += 1;
        let mut cells = pad();
        for col in l.cols {
            cells.push(match col {
                Col::Pps => Cell::text(&r.pps),
                Col::Periode => match (r.period, l.period) {
                    (None, _) => Cell::Empty,
                    (Some(m), PeriodCell::Text(style)) => Cell::Text(m.spell(style)),
                    (Some(m), PeriodCell::Date(fmt)) => {
                        if matches!(draft.format, Format::Csv { .. }) {
                            Cell::text(format!("1-{}-{}", m.month, m.year))
                        } else {
                            Cell::Date {
                                y: m.year as u16,
                                m: m.month as u8,
                                d: 1,
                                fmt,
                            }
                        }
                    }
                },
                Col::Note if r.note.is_empty() => Cell::Empty,
                Col::Note => Cell::text(&r.note),
                count => r.values[count.count_index().expect("count column")].clone(),
            });
        }
        let row = sheet.push(cells);
        if let Some(mark) = &r.mark {
            let at = l.offset.1 as usize
                + l.cols
                    .iter()
                    .position(|c| *c == mark.col)
                    .expect("column in layout");
            findings.push(Finding {
                rel: draft.rel.clone(),
                sheet: if matches!(draft.format, Format::Csv { .. }) {
                    String::new()
                } else {
                    l.sheet.to_owned()
                },
                row,
                column: mark.col.header(l.english),
                value: sheet.rows[row as usize - 1][at].shown(),
                rule: mark.rule,
                what: mark.what,
            });
        }
    }
    sheet
}

fn notes_sheet() -> Sheet {
    let mut s = Sheet::new("Toelichting");
    s.push_bold(vec![Cell::text("Toelichting bij de maandcijfers")]);
    s.push(vec![Cell::text(
        "Aantallen zijn starters per maand; bedrijven is de stand aan het eind van de maand.",
    )]);
    s.push(vec![Cell::text(
        "Vragen: programmabureau Digital Industry Boost.",
    )]);
    s
}

// ---------------------------------------------------------------------------
// Register and targets

fn register_sheet(pps: &[Pps]) -> Sheet {
    let mut s = Sheet::new("Register");
    let cols = [
        "pps_id",
        "naam",
        "consortium",
        "gemeente_code",
        "startdatum",
        "einddatum",
        "sector",
    ];
    s.push_title(
        0,
        cols.len() as u16,
        "Register publiek-private samenwerkingen (PPS), Opschaling PPS mbo",
    );
    s.push(Vec::new());
    s.push_bold(cols.iter().map(|c| Cell::text(*c)).collect());
    let date = |(y, m, d): (u16, u8, u8)| Cell::Date {
        y,
        m,
        d,
        fmt: DateFmt::DayMonthYear,
    };
    for p in pps {
        let digits = &p.gemeente[2..];
        s.push(vec![
            Cell::text(p.id),
            Cell::text(p.naam),
            p.consortium.map_or(Cell::Empty, |c| Cell::text(c.name())),
            match p.code_cell {
                CodeCell::Gm => Cell::text(p.gemeente),
                CodeCell::Number => Cell::Int(digits.parse().expect("digits")),
                CodeCell::Padded => Cell::text(digits),
            },
            date(p.start),
            p.end.map_or(Cell::Empty, date),
            Cell::text(p.sector),
        ]);
    }
    s
}

const INDICATORS: [&str; 7] = [
    "studenten_bol",
    "studenten_bbl",
    "werkenden",
    "werkzoekenden",
    "deelnemers",
    "bedrijven",
    "bedrijven_mkb",
];

/// Targets for 2024–2026 near what each partnership realises (80–110 %), for
/// all but two partnerships; returns the sheet, its data row count and the
/// mistake.
fn targets_sheet(pps: &[Pps], data: &[Series], rng: &mut Rng) -> (Sheet, usize, Finding) {
    let mut s = Sheet::new("Streefwaarden");
    s.push_bold(
        ["pps_id", "jaar", "indicator", "streefwaarde"]
            .map(Cell::text)
            .to_vec(),
    );
    let mut finding = None;
    let mut rows = 0;
    for (p, series) in pps.iter().zip(data) {
        if matches!(p.id, "HN-08" | "PPS-MAA") {
            continue;
        }
        // Smaller partnerships set targets for fewer indicators.
        let chosen: Vec<&str> = if p.size >= 0.5 {
            INDICATORS.to_vec()
        } else {
            vec!["studenten_bol", "werkenden", "deelnemers", "bedrijven"]
        };
        for year in 2024..=2026 {
            let months: Vec<&(Month, Counts)> = series
                .months
                .iter()
                .filter(|(m, _)| m.year == year)
                .collect();
            if months.is_empty() {
                continue;
            }
            // 2026 is reported up to October: aim at the whole year. Earlier
            // partial years are partial because the partnership started or
            // ended then, and their targets are partial too.
            let full_year = if year == LAST.year {
                12.0 / months.len() as f64
            } else {
                1.0
            };
            for ind in &chosen {
                let sum =
                    |i: usize| months.iter().map(|(_, c)| c[i]).sum::<i64>() as f64 * full_year;
                let realised = match *ind {
                    "studenten_bol" => sum(0),
                    "studenten_bbl" => sum(1),
                    "werkenden" => sum(2),
                    "werkzoekenden" => sum(3),
                    "deelnemers" => sum(0) + sum(1) + sum(2) + sum(3),
                    "bedrijven" => months.last().expect("months").1[4] as f64,
                    _ => months.last().expect("months").1[5] as f64,
                };
                let target =
                    ((realised * rng.range(0.95, 1.25) / 5.0).round() * 5.0).max(5.0) as i64;
                s.push(vec![
                    Cell::text(p.id),
                    Cell::Int(i64::from(year)),
                    Cell::text(*ind),
                    Cell::Int(target),
                ]);
                rows += 1;
            }
            if p.id == "HN-01" && year == 2025 {
                let row = s.push(vec![
                    Cell::text(p.id),
                    Cell::Int(2025),
                    Cell::text("stagiairs"),
                    Cell::Int(40),
                ]);
                rows += 1;
                finding = Some(Finding {
                    rel: "streefwaarden.xlsx".into(),
                    sheet: "Streefwaarden".into(),
                    row,
                    column: "indicator",
                    value: "stagiairs".into(),
                    rule: "unknown_indicator",
                    what: "not an indicator of the monitor",
                });
            }
        }
    }
    (s, rows, finding.expect("targets mistake written"))
}

/// An Excel owner file ("lock file") as Excel leaves it next to an open
/// workbook: must be skipped by name.
fn lock_file() -> Vec<u8> {
    let user = b"m.devries";
    let mut bytes = vec![user.len() as u8];
    bytes.extend_from_slice(user);
    bytes.resize(54, b' ');
    bytes.resize(165, 0);
    bytes
}

// ---------------------------------------------------------------------------

pub fn run(opts: &Options) -> Result<(), String> {
    let known: BTreeSet<String> = regions::read(&opts.regions)?
        .into_iter()
        .map(|m| m.code)
        .collect();
    let pps = partnerships();
    for p in &pps {
        if !known.contains(p.gemeente) {
            return Err(format!(
                "{}: {} is not in {}",
                p.id,
                p.gemeente,
                opts.regions.display()
            ));
        }
    }
    let mut rng = Rng::new(SEED);
    let data = generate(&pps, &mut rng);
    let mut drafts = plan(&pps, &data, &mut rng);
    let mut remarks = Vec::new();
    inject(&mut drafts, &pps, &data, &mut remarks);

    let mut findings = Vec::new();
    let mut tally = Tally::default();
    // Drafts sharing a path are the sheets of one workbook.
    let mut files: Vec<(&str, Vec<&Draft>)> = Vec::new();
    for draft in &drafts {
        match files.iter_mut().find(|(rel, _)| *rel == draft.rel) {
            Some((_, group)) => group.push(draft),
            None => files.push((&draft.rel, vec![draft])),
        }
    }
    for (rel, group) in &files {
        let mut sheets: Vec<Sheet> = group
            .iter()
            .map(|d| render(d, &mut findings, &mut tally))
            .collect();
        if group.iter().any(|d| d.layout.notes_sheet) {
            sheets.push(notes_sheet());
        }
        tally.files += 1;
        let target = opts.out.join(rel);
        match group[0].format {
            Format::Xlsx => {
                let bytes = sheet::xlsx_bytes(&sheets).map_err(|e| sheet::xlsx_msg(&target, &e))?;
                sheet::write_file(&target, &bytes)?;
            }
            Format::Ods => {
                let staged = opts.ods_staging.join(Path::new(rel).with_extension("xlsx"));
                let bytes = sheet::xlsx_bytes(&sheets).map_err(|e| sheet::xlsx_msg(&staged, &e))?;
                sheet::write_file(&staged, &bytes)?;
            }
            Format::Csv {
                delimiter,
                encoding,
            } => {
                sheet::write_file(&target, &sheet::csv_bytes(&sheets[0], delimiter, encoding))?;
            }
        }
    }

    let register = register_sheet(&pps);
    let path = opts.out.join("pps_register.xlsx");
    sheet::write_file(
        &path,
        &sheet::xlsx_bytes(&[register]).map_err(|e| sheet::xlsx_msg(&path, &e))?,
    )?;
    let (targets, target_rows, target_mistake) = targets_sheet(&pps, &data, &mut rng);
    let path = opts.out.join("streefwaarden.xlsx");
    sheet::write_file(
        &path,
        &sheet::xlsx_bytes(&[targets]).map_err(|e| sheet::xlsx_msg(&path, &e))?,
    )?;
    sheet::write_file(
        &opts
            .out
            .join("aanleveringen/digital-industry-boost/~$DIB_maandcijfers_2026.xlsx"),
        &lock_file(),
    )?;

    let readme = readme(
        &pps,
        &drafts,
        &findings,
        &target_mistake,
        &tally,
        target_rows,
        &remarks,
    );
    sheet::write_file(&opts.out.join("README.md"), readme.as_bytes())?;
    eprintln!(
        "sample: {} submission files ({} rows, {} blank), register, targets -> {}",
        tally.files,
        tally.read,
        tally.blank,
        opts.out.display()
    );
    Ok(())
}

fn period_spelling(l: &Layout, f: Format) -> String {
    match (l.period, f) {
        (PeriodCell::Date(_), Format::Csv { .. }) => {
            "dates as text `1-10-2024` (Excel's CSV save of a date cell)".into()
        }
        (PeriodCell::Date(fmt), _) => format!("date cells (format `{}`)", date_code(fmt)),
        (PeriodCell::Text(t), _) => format!("text `{}`", Month::new(2025, 10).spell(t)),
    }
}

fn date_code(f: DateFmt) -> &'static str {
    match f {
        DateFmt::DayMonthYear => "d-m-yyyy",
        DateFmt::MonthYear => "mmm yyyy",
        DateFmt::Iso => "yyyy-mm-dd",
    }
}

fn readme(
    pps: &[Pps],
    drafts: &[Draft],
    findings: &[Finding],
    target_mistake: &Finding,
    tally: &Tally,
    target_rows: usize,
    remarks: &[Remark],
) -> String {
    let mut text = String::new();
    let w = &mut text;
    let rejected = findings.iter().filter(|f| !f.rule.starts_with('(')).count();
    let duplicates = findings
        .iter()
        .filter(|f| f.rule.starts_with("(duplicate"))
        .count();
    let _ = writeln!(
        w,
        "# Sample input\n\n\
This folder is the sample input of `pps-monitor`: a small but realistic set of\n\
spreadsheets as the partnerships of the *Opschaling PPS* programme send them.\n\
`pps-monitor run` on a fresh checkout reads it and produces a full report for\n\
2026-10. The partnerships, consortia and numbers are made up; the consortium\n\
names come from the programme's public description, municipality codes from\n\
`config/regions.csv`.\n\n\
**Everything here is generated. Do not edit by hand**: change\n\
`tools/pps-sample/src/sample.rs` and run `scripts/make-sample.sh` from the\n\
repository root. The generator uses a fixed seed, so the output is the same on\n\
every run (the `.ods` files are made by LibreOffice from a generated `.xlsx`).\n\
This README, including the tables below, is written by the generator from the\n\
rows it wrote.\n"
    );
    let _ = writeln!(w, "## Layout\n");
    let _ = writeln!(
        w,
        "- `pps_register.xlsx`, sheet `Register`: the {} partnerships (merged title in row 1,\n  \
blank row 2, header in row 3; `startdatum`/`einddatum` are date cells; some\n  \
`gemeente_code`s are typed as numbers (`363`) or as `0772`).",
        pps.len()
    );
    let _ = writeln!(
        w,
        "- `streefwaarden.xlsx`, sheet `Streefwaarden`: yearly targets 2024–2026 for all\n  \
partnerships except HN-08 and PPS-MAA ({target_rows} rows, header in row 1)."
    );
    let _ = writeln!(
        w,
        "- `aanleveringen/<consortium>/`: {} monthly submissions, mostly one workbook per\n  \
partnership per year; partnerships without a consortium are in\n  \
`aanleveringen/zonder-consortium/`. Counts run from each partnership's start\n  \
month to 2026-10; PPS-ZWO ended on 2025-06-30; PPS-MAA has not sent 2026-10\n  \
yet; HN-09 starts on 2025-06-01.",
        tally.files
    );
    let _ = writeln!(
        w,
        "- `aanleveringen/digital-industry-boost/~$DIB_maandcijfers_2026.xlsx`: an Excel lock file\n  \
(must be skipped by name, not reported as unreadable).\n"
    );
    let _ = writeln!(w, "## Partnerships\n");
    let _ = writeln!(
        w,
        "| pps_id | naam | consortium | gemeente | start | end |\n| --- | --- | --- | --- | --- | --- |"
    );
    for p in pps {
        let (year, month, day) = p.start;
        let _ = writeln!(
            w,
            "| {} | {} | {} | {} | {year}-{month:02}-{day:02} | {} |",
            p.id,
            p.naam,
            p.consortium.map_or("", Consortium::name),
            p.gemeente,
            p.end
                .map_or(String::new(), |(y, m, d)| format!("{y}-{m:02}-{d:02}"))
        );
    }
    let _ = writeln!(w, "\n## Submission files\n");
    let _ = writeln!(
        w,
        "| file | sheet | header row | columns | periods (as written for 2025-10) |\n| --- | --- | --- | --- | --- |"
    );
    let mut seen = BTreeSet::new();
    for d in drafts {
        // One line per partnership (or CSV file), not per year.
        let key = d
            .rel
            .rsplit_once('_')
            .map_or(d.rel.as_str(), |(k, _)| k)
            .to_owned();
        let key = if matches!(d.format, Format::Csv { .. }) {
            d.rel.clone()
        } else {
            key
        };
        if !seen.insert((key.clone(), d.layout.sheet)) {
            continue;
        }
        let l = &d.layout;
        let header_row = l.offset.0 + if l.title { 3 } else { 1 };
        let cols = if l.cols == STANDARD && !l.english {
            "standard order".to_owned()
        } else {
            l.cols
                .iter()
                .map(|c| c.header(l.english))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let (file, sheet) = if let Format::Csv {
            delimiter,
            encoding,
        } = d.format
        {
            let encoding = match encoding {
                Encoding::Utf8Bom => "UTF-8 with BOM",
                Encoding::Windows1252 => "Windows-1252",
            };
            (
                d.rel.clone(),
                format!("CSV `{}`, {encoding}", delimiter as char),
            )
        } else {
            let ext = Path::new(&d.rel)
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("");
            let mut sheet = format!("`{}`", l.sheet);
            if l.notes_sheet {
                sheet.push_str(" + `Toelichting` (free text, ignored)");
            }
            (format!("{key}_<year>.{ext}"), sheet)
        };
        let mut where_ = header_row.to_string();
        if l.title {
            where_.push_str(" (merged title row 1)");
        }
        if l.offset.1 > 0 {
            where_.push_str(", table starts in column B");
        }
        let _ = writeln!(
            w,
            "| `{file}` | {sheet} | {where_} | {cols} | {} |",
            period_spelling(l, d.format)
        );
    }
    let _ = writeln!(w, "\n## Deliberate mistakes\n");
    let _ = writeln!(
        w,
        "Each mistake is in exactly one row; all other rows are valid. Rows are\n\
spreadsheet row numbers (1-based, title rows included; for CSV the line\n\
number, header = 1). `kolom` is the header as written in that file.\n"
    );
    let _ = writeln!(
        w,
        "| # | file | sheet | row | column | value | expected rule | what |\n| --- | --- | --- | --- | --- | --- | --- | --- |"
    );
    let all: Vec<&Finding> = findings
        .iter()
        .chain(std::iter::once(target_mistake))
        .collect();
    for (i, f) in all.iter().enumerate() {
        let _ = writeln!(
            w,
            "| {} | `{}` | {} | {} | {} | `{}` | {} | {} |",
            i + 1,
            f.rel,
            if f.sheet.is_empty() {
                "(csv)".to_owned()
            } else {
                format!("`{}`", f.sheet)
            },
            f.row,
            f.column,
            f.value.replace('|', "\\|"),
            f.rule,
            f.what
        );
    }
    let _ = writeln!(
        w,
        "\nNotes: the two `duplicate_conflict` rows are one key (DIB-03, 2025-12) sent\n\
twice with different numbers; the rejects file may name any column for them.\n\
The `(duplicate, not rejected)` row is kept once and counted under `duplicates`.\n\
The `(warning only)` row is accepted with werkzoekenden = 0."
    );
    let _ = writeln!(w, "\n## Not mistakes, but exercised\n");
    for r in remarks {
        let _ = writeln!(w, "- `{}`: {}.", r.rel, r.text);
    }
    let _ = writeln!(
        w,
        "- Extra column `opmerking` in the files with that column (a warning per sheet).\n\
- A `Toelichting` sheet in every `DIB_maandcijfers_<year>.xlsx`: non-empty, no table: ignored with a warning.\n\
- The Windows-1252 CSVs contain `ï`, `â` and `ö` in `opmerking`, and a quoted field\n  \
containing `;`; `GTC_maandcijfers_2024.csv` writes werkenden as `12,0`.\n\
- `HN-09_<year>.ods` are OpenDocument files made by LibreOffice (date cells)."
    );
    let _ = writeln!(w, "\n## Expected row accounting (period 2026-10)\n");
    let _ = writeln!(
        w,
        "| table | files | rows read | rejected | duplicates | later | accepted | blank |\n| --- | --- | --- | --- | --- | --- | --- | --- |"
    );
    let _ = writeln!(w, "| register | 1 | {0} | 0 | 0 | 0 | {0} | 0 |", pps.len());
    let _ = writeln!(
        w,
        "| targets | 1 | {target_rows} | 1 | 0 | 0 | {} | 0 |",
        target_rows - 1
    );
    let _ = writeln!(
        w,
        "| counts | {} | {} | {rejected} | {duplicates} | 0 | {} | {} |",
        tally.files,
        tally.read,
        tally.read - rejected - duplicates,
        tally.blank
    );
    let _ = writeln!(
        w,
        "\nRejected count rows: {rejected} (one rejects line each). With any rejected row\n\
`pps-monitor run` exits with code 3 on this sample; that is intended."
    );
    text
}
