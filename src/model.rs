//! The vocabulary every stage shares: months, the three input tables
//! (their columns are declared in [`crate::schema`]), the validated data
//! handed to aggregation, and the indicators, windows and levels of the
//! export.
//!
//! Nothing here does I/O; these are plain values.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use crate::schema::ColumnSpec;
pub use crate::schema::Measure;

/// The longest text any output writes (contract section 2, "Limits and
/// hostile input"): longer texts are cut to this many characters, the last
/// of which is `…`.
pub const MAX_TEXT_CHARS: usize = 1000;

/// `text` cut to [`MAX_TEXT_CHARS`] characters, ending in `…` when it was
/// longer; borrowed when it fits.
pub fn cut_text(text: &str) -> Cow<'_, str> {
    if text.char_indices().nth(MAX_TEXT_CHARS).is_none() {
        return Cow::Borrowed(text);
    }
    let end = text
        .char_indices()
        .nth(MAX_TEXT_CHARS - 1)
        .map_or(text.len(), |(i, _)| i);
    Cow::Owned(format!("{}…", &text[..end]))
}

/// A calendar month, stored as `year * 12 + (month - 1)` so that month
/// arithmetic (windows, "a year earlier") is integer arithmetic.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Month(i32);

impl Month {
    /// `month` is 1..=12; years outside 1000..=9999 are refused so that a
    /// typo such as `26-10` cannot become the year 26.
    pub fn new(year: i32, month: u32) -> Option<Month> {
        if (1000..=9999).contains(&year) && (1..=12).contains(&month) {
            Some(Month(year * 12 + month as i32 - 1))
        } else {
            None
        }
    }

    pub fn from_index(index: i32) -> Month {
        Month(index)
    }

    /// The month as a single integer, increasing by one per month.
    pub fn index(self) -> i32 {
        self.0
    }

    pub fn year(self) -> i32 {
        self.0.div_euclid(12)
    }

    /// 1..=12
    pub fn month(self) -> u32 {
        self.0.rem_euclid(12) as u32 + 1
    }

    /// January of this month's year.
    #[must_use]
    pub fn january(self) -> Month {
        Month(self.year() * 12)
    }

    /// The month `months` later (negative: earlier).
    #[must_use]
    pub fn offset(self, months: i32) -> Month {
        Month(self.0 + months)
    }

    /// Strict `YYYY-MM`, the form used on the command line and in file names.
    pub fn parse_iso(text: &str) -> Option<Month> {
        let (y, m) = text.split_once('-')?;
        if y.len() != 4 || m.len() != 2 || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        Month::new(y.parse().ok()?, m.parse().ok()?)
    }
}

/// Dutch month names, January first: read in submissions, written in the
/// report.
pub const DUTCH_MONTHS: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

/// Their usual Dutch abbreviations.
pub const DUTCH_MONTHS_SHORT: [&str; 12] = [
    "jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
];

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

/// The three kinds of input table, recognised by their header row.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Table {
    Register,
    Targets,
    Counts,
}

impl Table {
    pub fn name(self) -> &'static str {
        match self {
            Table::Register => "register",
            Table::Targets => "targets",
            Table::Counts => "counts",
        }
    }

    /// The Dutch name people see (report, messages): `register`,
    /// `streefwaarden`, `aanleveringen`. [`Table::name`] is the contract's
    /// code (manifest, template sheet).
    pub fn label(self) -> &'static str {
        match self {
            Table::Register => "register",
            Table::Targets => "streefwaarden",
            Table::Counts => "aanleveringen",
        }
    }

    /// The table's columns, as declared in [`crate::schema`].
    pub fn columns(self) -> &'static [ColumnSpec] {
        crate::schema::spec(self).columns
    }
}

/// A partnership from the register that broke no rule.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Partnership {
    pub pps_id: String,
    pub naam: String,
    pub consortium: Option<String>,
    /// Normalised `GM` + 4 digits, known in the region reference.
    pub gemeente: String,
    pub start: Month,
    pub end: Option<Month>,
    pub sector: Option<String>,
}

/// An accepted monthly submission (at most one per partnership and month).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct CountRecord {
    pub pps_id: String,
    pub month: Month,
    /// In the order of [`Measure::ALL`]; all ≥ 0.
    pub values: [i64; Measure::COUNT],
}

impl CountRecord {
    /// The value of one measure.
    pub fn value(&self, measure: Measure) -> i64 {
        self.values[measure as usize]
    }
}

/// An accepted yearly target (at most one per partnership, year, indicator).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct TargetRecord {
    pub pps_id: String,
    pub year: i32,
    pub indicator: Indicator,
    pub value: i64,
}

/// What validation hands to aggregation: only rows that broke no rule,
/// duplicates removed, count rows after the reporting period left out.
#[derive(Clone, Default, Debug)]
pub struct Accepted {
    pub partnerships: Vec<Partnership>,
    pub counts: Vec<CountRecord>,
    pub targets: Vec<TargetRecord>,
}

/// The indicators of the export, in export order.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Indicator {
    StudentenBol,
    StudentenBbl,
    Werkenden,
    Werkzoekenden,
    Studenten,
    Deelnemers,
    Bedrijven,
    BedrijvenMkb,
    MkbAandeelPct,
    PpsActief,
    AanleveringPct,
}

impl Indicator {
    pub const ALL: [Indicator; 11] = [
        Indicator::StudentenBol,
        Indicator::StudentenBbl,
        Indicator::Werkenden,
        Indicator::Werkzoekenden,
        Indicator::Studenten,
        Indicator::Deelnemers,
        Indicator::Bedrijven,
        Indicator::BedrijvenMkb,
        Indicator::MkbAandeelPct,
        Indicator::PpsActief,
        Indicator::AanleveringPct,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Indicator::StudentenBol => "studenten_bol",
            Indicator::StudentenBbl => "studenten_bbl",
            Indicator::Werkenden => "werkenden",
            Indicator::Werkzoekenden => "werkzoekenden",
            Indicator::Studenten => "studenten",
            Indicator::Deelnemers => "deelnemers",
            Indicator::Bedrijven => "bedrijven",
            Indicator::BedrijvenMkb => "bedrijven_mkb",
            Indicator::MkbAandeelPct => "mkb_aandeel_pct",
            Indicator::PpsActief => "pps_actief",
            Indicator::AanleveringPct => "aanlevering_pct",
        }
    }

    /// The count indicators: subject to small-count suppression, and with
    /// growth figures. They come first in [`Indicator::ALL`] (small-count
    /// protection numbers them by position there; a unit test checks).
    /// Every variant is listed, so a new indicator fails to compile until
    /// it says which kind it is.
    pub const fn is_count(self) -> bool {
        match self {
            Indicator::StudentenBol
            | Indicator::StudentenBbl
            | Indicator::Werkenden
            | Indicator::Werkzoekenden
            | Indicator::Studenten
            | Indicator::Deelnemers
            | Indicator::Bedrijven
            | Indicator::BedrijvenMkb => true,
            Indicator::MkbAandeelPct | Indicator::PpsActief | Indicator::AanleveringPct => false,
        }
    }

    /// The count indicators a count indicator is the sum of (contract
    /// section 7: `studenten` = bol + bbl, `deelnemers` = `studenten` +
    /// `werkenden` + `werkzoekenden`), written out in submitted indicators;
    /// empty for the others. The aggregation's columns and small-count
    /// protection both read it. Every variant is listed, so a new
    /// indicator fails to compile until it says which sums it is in.
    pub const fn parts(self) -> &'static [Indicator] {
        match self {
            Indicator::Studenten => &[Indicator::StudentenBol, Indicator::StudentenBbl],
            Indicator::Deelnemers => &[
                Indicator::StudentenBol,
                Indicator::StudentenBbl,
                Indicator::Werkenden,
                Indicator::Werkzoekenden,
            ],
            Indicator::StudentenBol
            | Indicator::StudentenBbl
            | Indicator::Werkenden
            | Indicator::Werkzoekenden
            | Indicator::Bedrijven
            | Indicator::BedrijvenMkb
            | Indicator::MkbAandeelPct
            | Indicator::PpsActief
            | Indicator::AanleveringPct => &[],
        }
    }

    /// Indicators that may have a yearly target (contract section 2).
    pub fn can_have_target(self) -> bool {
        self.is_count()
    }

    /// Indicators with a year-on-year growth figure.
    pub fn has_growth(self) -> bool {
        self.is_count() || self == Indicator::PpsActief
    }

    /// Percentages are written with one decimal; the others are integers.
    pub fn is_percentage(self) -> bool {
        matches!(self, Indicator::MkbAandeelPct | Indicator::AanleveringPct)
    }

    /// The target indicator named `name` (already normalised), if any.
    pub fn target_from_name(name: &str) -> Option<Indicator> {
        Indicator::ALL
            .into_iter()
            .filter(|i| i.can_have_target())
            .find(|i| i.name() == name)
    }
}

/// The three reporting windows, in export order.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Window {
    Maand,
    Jtd,
    Cumulatief,
}

impl Window {
    pub const ALL: [Window; 3] = [Window::Maand, Window::Jtd, Window::Cumulatief];

    pub fn name(self) -> &'static str {
        match self {
            Window::Maand => "maand",
            Window::Jtd => "jtd",
            Window::Cumulatief => "cumulatief",
        }
    }

    /// First month of the window for reporting period `period`; `None` means
    /// "since the beginning".
    pub fn first_month(self, period: Month) -> Option<Month> {
        match self {
            Window::Maand => Some(period),
            Window::Jtd => Some(period.january()),
            Window::Cumulatief => None,
        }
    }
}

/// The region levels, in export order.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Level {
    Nl,
    Landsdeel,
    Provincie,
    Arbeidsmarktregio,
    Regiogroep,
    Consortium,
    Pps,
}

impl Level {
    pub const ALL: [Level; 7] = [
        Level::Nl,
        Level::Landsdeel,
        Level::Provincie,
        Level::Arbeidsmarktregio,
        Level::Regiogroep,
        Level::Consortium,
        Level::Pps,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Level::Nl => "nl",
            Level::Landsdeel => "landsdeel",
            Level::Provincie => "provincie",
            Level::Arbeidsmarktregio => "arbeidsmarktregio",
            Level::Regiogroep => "regiogroep",
            Level::Consortium => "consortium",
            Level::Pps => "pps",
        }
    }
}

/// A percentage kept as an exact fraction: the value is `num / den × 100`.
/// Rounding happens once, when it is written.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Ratio {
    pub num: i64,
    pub den: i64,
}

impl Ratio {
    /// `None` when the denominator is 0 (the contract's "empty").
    pub fn new(num: i64, den: i64) -> Option<Ratio> {
        (den != 0).then_some(Ratio { num, den })
    }

    /// The percentage in tenths, rounded half away from zero, computed
    /// exactly in integers.
    pub fn tenths_of_percent(self) -> i64 {
        let num = i128::from(self.num) * 1000;
        let den = i128::from(self.den);
        let (num, den) = if den < 0 { (-num, -den) } else { (num, den) };
        let rounded = if num >= 0 {
            (2 * num + den) / (2 * den)
        } else {
            -((-2 * num + den) / (2 * den))
        };
        rounded as i64
    }

    /// The percentage as a float, for the xlsx report.
    pub fn as_percent(self) -> f64 {
        self.num as f64 * 100.0 / self.den as f64
    }

    /// `12.5`, `100.0`, `-3.1`: one decimal, never `-0.0`.
    pub fn format(self) -> String {
        let t = self.tenths_of_percent();
        let sign = if t < 0 { "-" } else { "" };
        format!("{sign}{}.{}", t.unsigned_abs() / 10, t.unsigned_abs() % 10)
    }
}

/// The value of one indicator: a count, or a percentage that may be empty.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Value {
    Count(i64),
    Pct(Option<Ratio>),
}

/// What the export does with a row's `waarde` (contract section 7,
/// `status`): published, suppressed (`C`, and why: a small count, or a
/// cell hidden to protect one), or missing.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum CellStatus {
    /// `F`: published.
    Published,
    /// `C`: a count of 1 up to the threshold (primary suppression).
    Primary,
    /// `C`: suppressed so that no primary cell can be worked out from the
    /// published numbers (secondary suppression; also `mkb_aandeel_pct`
    /// when one of its parts is `C`).
    Secondary,
    /// `M`: a partnership without an accepted count row in the window.
    Missing,
}

impl CellStatus {
    /// The export's `status` code: `F`, `C` or `M`.
    pub fn code(self) -> &'static str {
        match self {
            CellStatus::Published => "F",
            CellStatus::Primary | CellStatus::Secondary => "C",
            CellStatus::Missing => "M",
        }
    }

    /// `C`: the export's `onderdrukt` is `true`.
    pub fn is_suppressed(self) -> bool {
        matches!(self, CellStatus::Primary | CellStatus::Secondary)
    }
}

/// One row of the ministry export, before formatting. Values are
/// unsuppressed; `status`, `realisation_hidden` and `growth_hidden` say
/// what the export must leave empty (the internal xlsx report shows
/// everything).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct KpiRow {
    pub window: Window,
    pub level: Level,
    /// Shared by every row of the region (there are tens of thousands of
    /// rows, and a few thousand regions).
    pub regio_code: Arc<str>,
    pub regio_naam: Arc<str>,
    pub indicator: Indicator,
    pub value: Value,
    /// Filled for window `jtd` and indicators that can have targets.
    pub target: Option<i64>,
    pub realisation: Option<Ratio>,
    /// Filled for windows `maand` and `jtd` and indicators with growth.
    pub growth: Option<Ratio>,
    /// `C` and `M` rows leave `waarde`, `realisatie_pct` and `groei_pct`
    /// empty in the export.
    pub status: CellStatus,
    /// `realisatie_pct` is left empty although the row is published: the
    /// value over just the partnerships with a target cannot be derived
    /// from published cells (contract section 7a).
    pub realisation_hidden: bool,
    /// `groei_pct` is left empty although the row is published: the
    /// year-earlier value was small, or suppressed in that export.
    pub growth_hidden: bool,
}

impl KpiRow {
    /// `C` in the export.
    pub fn suppressed(&self) -> bool {
        self.status.is_suppressed()
    }

    /// `waarde` is published (`F`).
    pub fn published(&self) -> bool {
        self.status == CellStatus::Published
    }
}

/// A point of a monthly series for the report's trend charts: the `maand`
/// value of `indicator` for one region in one month.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct TrendPoint {
    pub month: Month,
    pub level: Level,
    pub regio_code: Arc<str>,
    pub regio_naam: Arc<str>,
    pub indicator: Indicator,
    pub value: Value,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_arithmetic() {
        let m = Month::new(2026, 3).unwrap();
        assert_eq!(m.to_string(), "2026-03");
        assert_eq!(m.january().to_string(), "2026-01");
        assert_eq!(m.offset(-12).to_string(), "2025-03");
        assert_eq!(m.offset(-3).to_string(), "2025-12");
        assert_eq!(Month::parse_iso("2026-10"), Month::new(2026, 10));
        assert_eq!(Month::parse_iso("2026-13"), None);
        assert_eq!(Month::parse_iso("2026-1"), None);
        assert_eq!(Month::new(26, 10), None);
    }

    #[test]
    fn ratio_rounds_half_away_from_zero() {
        let cases = [
            (1, 3, "33.3"),
            (2, 3, "66.7"),
            (1, 1, "100.0"),
            (1, 8, "12.5"),
            (1, 16, "6.3"),     // 6.25 -> 6.3
            (-1, 16, "-6.3"),   // -6.25 -> -6.3
            (-1, 3000, "0.0"),  // -0.033 -> 0.0, never -0.0
            (-1, 2000, "-0.1"), // -0.05 -> -0.1
            (1, 2000, "0.1"),
            (0, 5, "0.0"),
            (7, -2, "-350.0"),
        ];
        for (num, den, want) in cases {
            assert_eq!(Ratio::new(num, den).unwrap().format(), want, "{num}/{den}");
        }
        assert_eq!(Ratio::new(1, 0), None);
    }

    #[test]
    fn long_texts_are_cut_to_the_limit() {
        let fits = "é".repeat(MAX_TEXT_CHARS);
        assert!(matches!(cut_text(&fits), Cow::Borrowed(_)));
        let long = "é".repeat(MAX_TEXT_CHARS + 1);
        let cut = cut_text(&long);
        assert_eq!(cut.chars().count(), MAX_TEXT_CHARS);
        assert!(cut.ends_with("é…"));
        assert_eq!(cut_text("kort"), "kort");
    }

    #[test]
    fn indicator_kinds() {
        assert!(Indicator::BedrijvenMkb.is_count());
        assert!(!Indicator::MkbAandeelPct.is_count());
        assert!(Indicator::PpsActief.has_growth());
        assert!(!Indicator::AanleveringPct.has_growth());
        assert_eq!(
            Indicator::target_from_name("deelnemers"),
            Some(Indicator::Deelnemers)
        );
        assert_eq!(Indicator::target_from_name("pps_actief"), None);
        assert_eq!(Measure::BedrijvenMkb.name(), "bedrijven_mkb");
    }

    /// A variant inserted before `AanleveringPct` but left out of `ALL`
    /// shifts the positions after it, and fails here.
    #[test]
    fn all_lists_every_indicator_the_count_indicators_first() {
        for (i, indicator) in Indicator::ALL.into_iter().enumerate() {
            assert_eq!(
                indicator as usize, i,
                "{indicator:?} is not at its place in ALL"
            );
        }
        let counts = Indicator::ALL.iter().filter(|i| i.is_count()).count();
        assert!(
            Indicator::ALL[..counts].iter().all(|i| i.is_count()),
            "a count indicator after a non-count one: {:?}",
            Indicator::ALL
        );
    }
}
