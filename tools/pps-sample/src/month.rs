//! Calendar months and the ways people write them down.

use std::fmt;

/// A calendar month, ordered in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

const DUTCH_SHORT: [&str; 12] = [
    "jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
];
const DUTCH_LONG: [&str; 12] = [
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

impl Month {
    pub const fn new(year: i32, month: u32) -> Self {
        Self { year, month }
    }

    fn index(self) -> i32 {
        self.year * 12 + self.month as i32 - 1
    }

    fn from_index(i: i32) -> Self {
        Self::new(i.div_euclid(12), i.rem_euclid(12) as u32 + 1)
    }

    pub fn plus(self, months: i32) -> Self {
        Self::from_index(self.index() + months)
    }

    /// Months from `self` to `later` (negative when `later` is earlier).
    pub fn until(self, later: Month) -> i32 {
        later.index() - self.index()
    }

    /// Every month from `self` to `last`, both included.
    pub fn through(self, last: Month) -> impl Iterator<Item = Month> {
        (self.index()..=last.index()).map(Self::from_index)
    }

    /// The period written in one of the spellings the contract accepts.
    pub fn spell(self, style: PeriodText) -> String {
        let (y, m) = (self.year, self.month);
        let i = m as usize - 1;
        match style {
            PeriodText::Iso => format!("{y}-{m:02}"),
            PeriodText::IsoDay => format!("{y}-{m:02}-01"),
            PeriodText::MonthYear => format!("{m:02}-{y}"),
            PeriodText::MonthSlashYear => format!("{m:02}/{y}"),
            PeriodText::Cbs => format!("{y}M{m:02}"),
            PeriodText::DutchShort => format!("{} {y}", DUTCH_SHORT[i]),
            PeriodText::DutchShortUpper => format!("{} {y}", DUTCH_SHORT[i].to_uppercase()),
            PeriodText::DutchLong => format!("{} {y}", DUTCH_LONG[i]),
        }
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:02}", self.year, self.month)
    }
}

/// Text spellings of a period (see section 2 of the contract).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodText {
    /// `2025-10`
    Iso,
    /// `2025-10-01`
    IsoDay,
    /// `10-2025`
    MonthYear,
    /// `10/2025`
    MonthSlashYear,
    /// `2025M10`
    Cbs,
    /// `okt 2025`
    DutchShort,
    /// `OKT 2025`
    DutchShortUpper,
    /// `oktober 2025`
    DutchLong,
}
