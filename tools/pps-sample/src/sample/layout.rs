//! How each partnership lays out its submissions: columns and their order,
//! title rows, offsets, period spellings and file formats.

use pps_monitor::schema::{CountColumn, Measure, Measure as M, TableColumn};

use crate::month::PeriodText;
use crate::sheet::{DateFmt, Encoding};

/// A column of a submission sheet: a column of the counts table, as
/// declared in pps-monitor's schema, or a free-text remark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Col {
    Pps,
    Periode,
    Count(Measure),
    Note,
}

impl Col {
    /// The column of the counts table, as declared.
    const fn of(column: CountColumn) -> Col {
        match column {
            CountColumn::PpsId => Col::Pps,
            CountColumn::Periode => Col::Periode,
            CountColumn::Measure(m) => Col::Count(m),
        }
    }

    /// The header as the declaration names it: the Dutch name, or the
    /// first English alias.
    pub(super) fn header(self, english: bool) -> &'static str {
        let spec = match self {
            Col::Note if english => return "remarks",
            Col::Note => return "opmerking",
            Col::Pps => CountColumn::PpsId.spec(),
            Col::Periode => CountColumn::Periode.spec(),
            Col::Count(m) => CountColumn::Measure(m).spec(),
        };
        match spec.aliases.first() {
            Some(alias) if english => alias,
            _ => spec.name,
        }
    }
}

/// The standard order with a free-text `opmerking` column at the end.
pub(super) const STANDARD_NOTE: [Col; CountColumn::ALL.len() + 1] = {
    let mut cols = [Col::Note; CountColumn::ALL.len() + 1];
    let mut i = 0;
    while i < CountColumn::ALL.len() {
        cols[i] = Col::of(CountColumn::ALL[i]);
        i += 1;
    }
    cols
};
/// The standard order, as in the template: the declaration's.
pub(super) const STANDARD: &[Col] = STANDARD_NOTE.split_at(CountColumn::ALL.len()).0;
/// Keys swapped, stocks before flows.
pub(super) const SHUFFLED_A: &[Col] = &[
    Col::Periode,
    Col::Pps,
    Col::Count(M::Bedrijven),
    Col::Count(M::BedrijvenMkb),
    Col::Count(M::StudentenBol),
    Col::Count(M::StudentenBbl),
    Col::Count(M::Werkenden),
    Col::Count(M::Werkzoekenden),
    Col::Note,
];
/// Adults before students.
pub(super) const SHUFFLED_B: &[Col] = &[
    Col::Pps,
    Col::Periode,
    Col::Count(M::Werkenden),
    Col::Count(M::Werkzoekenden),
    Col::Count(M::StudentenBol),
    Col::Count(M::StudentenBbl),
    Col::Count(M::Bedrijven),
    Col::Count(M::BedrijvenMkb),
    Col::Note,
];

#[derive(Debug, Clone, Copy)]
pub(super) enum PeriodCell {
    Date(DateFmt),
    Text(PeriodText),
}

#[derive(Debug, Clone, Copy)]
pub(super) enum Format {
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
pub(super) struct Layout {
    pub(super) sheet: &'static str,
    /// Merged title in row 1, blank row 2, header in row 3.
    pub(super) title: bool,
    /// Empty rows above and empty columns left of the table.
    pub(super) offset: (u32, u16),
    pub(super) cols: &'static [Col],
    pub(super) english: bool,
    pub(super) period: PeriodCell,
    /// An extra sheet with free-text explanations (ignored by the monitor).
    pub(super) notes_sheet: bool,
    /// How counts are typed in a CSV: `12` or `12,0`.
    pub(super) decimal_workers: bool,
}

pub(super) const BASE: Layout = Layout {
    sheet: "Blad1",
    title: false,
    offset: (0, 0),
    cols: STANDARD,
    english: false,
    period: PeriodCell::Text(PeriodText::Iso),
    notes_sheet: false,
    decimal_workers: false,
};

pub(super) fn layout_for(id: &str) -> (Layout, Format) {
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
            cols: &STANDARD_NOTE,
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
pub(super) fn gtc_csv(year: i32) -> (String, Layout, Format) {
    let dutch = Layout {
        cols: &STANDARD_NOTE,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A layout without a declared column would make the sample's sheets
    /// `missing_column`: a new count column must be placed in every one.
    #[test]
    fn every_layout_has_every_declared_column_once() {
        for cols in [STANDARD, &STANDARD_NOTE, SHUFFLED_A, SHUFFLED_B] {
            for column in CountColumn::ALL {
                let n = cols.iter().filter(|c| **c == Col::of(column)).count();
                assert_eq!(n, 1, "{column:?} in {cols:?}");
            }
        }
        assert_eq!(Col::Count(M::Werkenden).header(true), "workers");
        assert_eq!(Col::Periode.header(false), "periode");
    }
}
