//! The deliberate mistakes and other oddities, as one table.
//!
//! Each entry says where (a file, the sheet of it that carries a
//! partnership, the row of a month) and what (one [`Change`]), and, for the
//! README's table of mistakes, which column to name and which rule a reader
//! should expect. Every mistake changes exactly one row; nothing else in the
//! sample breaks a rule. The entries are applied in order.

use pps_monitor::schema::Measure::{self, self as M};

use crate::month::Month;
use crate::sheet::Cell;

use super::drafts::{Draft, Line, Mark, Record, find};
use super::layout::Col;
use super::partnerships::Pps;
use super::series::{Counts, Series};

/// A note in the sample that is not a rejection (warnings, duplicates, blanks).
#[derive(Debug)]
pub(super) struct Remark {
    pub(super) rel: String,
    pub(super) text: String,
}

/// What a mistake does to its row.
#[derive(Debug)]
enum Change {
    /// One count cell gets another value.
    Count(Measure, Cell),
    /// Two count cells swap values.
    Swap(Measure, Measure),
    /// The period cell is left empty.
    NoPeriod,
    /// The pps_id is misspelt.
    Pps(&'static str),
    /// Nothing: the row is a mistake because of another row.
    Keep,
    /// A new row for the month at the top of the sheet (the row named need
    /// not exist in this sheet).
    Insert { counts: Source, note: &'static str },
    /// A blank row just above the row.
    BlankAbove(&'static str),
    /// A free-text remark in the `opmerking` column.
    Note(&'static str),
}

/// The numbers of an inserted row.
#[derive(Debug)]
enum Source {
    Fixed(Counts),
    /// The partnership's own numbers for the month, plus these.
    Series(Counts),
}

#[derive(Debug)]
struct Mistake {
    /// Path below the input folder.
    file: String,
    pps: &'static str,
    month: (i32, u32),
    change: Change,
    /// The column, expected rule and description for the README's table;
    /// `None` for what is not a mistake.
    mark: Option<(Col, &'static str, &'static str)>,
}

const HN: &str = "aanleveringen/health-noord";
const DIB: &str = "aanleveringen/digital-industry-boost";
const GTC: &str = "aanleveringen/green-tech-campus-mra";
const MCD: &str = "aanleveringen/mra-circulair-en-digitaal";
const ZONDER: &str = "aanleveringen/zonder-consortium";

fn mistakes() -> Vec<Mistake> {
    use Change::{BlankAbove, Count, Insert, Keep, NoPeriod, Note, Pps, Swap};
    let mistake = |file, pps, month, change, mark| Mistake {
        file,
        pps,
        month,
        change,
        mark,
    };
    let file = |folder: &str, name: &str| format!("{folder}/{name}");
    vec![
        mistake(
            file(HN, "HN-04_2024.xlsx"),
            "HN-04",
            (2024, 3),
            Count(M::Werkenden, Cell::Int(-3)),
            Some((Col::Count(M::Werkenden), "negative", "negative number")),
        ),
        mistake(
            file(GTC, "GTC_maandcijfers_2024.csv"),
            "GTC-01",
            (2024, 5),
            Count(M::Werkenden, Cell::text("12,5")),
            Some((Col::Count(M::Werkenden), "bad_value", "fraction `12,5`")),
        ),
        mistake(
            file(MCD, "MCD-01_2025.xlsx"),
            "MCD-01",
            (2025, 4),
            Count(M::BedrijvenMkb, Cell::ErrorNa),
            Some((
                Col::Count(M::BedrijvenMkb),
                "bad_value",
                "Excel error cell `#N/A` (formula `=NA()`)",
            )),
        ),
        mistake(
            file(DIB, "DIB_maandcijfers_2024.xlsx"),
            "DIB-01",
            (2024, 5),
            NoPeriod,
            Some((Col::Periode, "missing_value", "periode left empty")),
        ),
        mistake(
            file(HN, "HN-03_2025.xlsx"),
            "HN-03",
            (2025, 7),
            Pps("HN-O3"),
            Some((Col::Pps, "unknown_pps", "typo `HN-O3` (letter O) for HN-03")),
        ),
        mistake(
            file(GTC, "GTC-02_2026.xlsx"),
            "GTC-02",
            (2026, 2),
            Swap(M::Bedrijven, M::BedrijvenMkb),
            Some((
                Col::Count(M::BedrijvenMkb),
                "mkb_exceeds_total",
                "bedrijven and bedrijven_mkb swapped",
            )),
        ),
        mistake(
            file(HN, "HN-07_2025.xlsx"),
            "HN-07",
            (2025, 8),
            Count(M::Werkzoekenden, Cell::Empty),
            Some((
                Col::Count(M::Werkzoekenden),
                "(warning only)",
                "empty count cell: accepted, counts as 0",
            )),
        ),
        // A month before the start date (2024-09-01).
        mistake(
            file(MCD, "MCD-03_2024.xlsx"),
            "MCD-03",
            (2024, 8),
            Insert {
                counts: Source::Fixed([1, 0, 2, 0, 3, 3]),
                note: "",
            },
            Some((
                Col::Periode,
                "before_start",
                "2024-08 is before the start date 2024-09-01",
            )),
        ),
        // December 2025 sent again in January with different numbers: both
        // copies conflict.
        mistake(
            file(DIB, "DIB_maandcijfers_2025.xlsx"),
            "DIB-03",
            (2025, 12),
            Keep,
            Some((
                Col::Periode,
                "duplicate_conflict",
                "2025-12 also in DIB_maandcijfers_2026.xlsx, other numbers",
            )),
        ),
        mistake(
            file(DIB, "DIB_maandcijfers_2026.xlsx"),
            "DIB-03",
            (2025, 12),
            Insert {
                counts: Source::Series([2, 0, 1, 0, 0, 0]),
                note: "correctie december 2025",
            },
            Some((
                Col::Periode,
                "duplicate_conflict",
                "2025-12 also in DIB_maandcijfers_2025.xlsx, other numbers",
            )),
        ),
        // December 2024 sent again, identical: harmless.
        mistake(
            file(ZONDER, "PPS-ROT_2025.xlsx"),
            "PPS-ROT",
            (2024, 12),
            Insert {
                counts: Source::Series([0; Measure::COUNT]),
                note: "december 2024 nogmaals meegestuurd",
            },
            Some((
                Col::Periode,
                "(duplicate, not rejected)",
                "2024-12 also in PPS-ROT_2024.xlsx, same numbers",
            )),
        ),
        // Blank rows inside a table.
        mistake(
            file(HN, "HN-01_2024.xlsx"),
            "HN-01",
            (2024, 7),
            BlankAbove("a blank row between June and July 2024"),
            None,
        ),
        mistake(
            file(GTC, "GTC_maandcijfers_2023.csv"),
            "GTC-01",
            (2023, 11),
            BlankAbove("a blank line (`;;;;;;;;`) between October and November 2023"),
            None,
        ),
        // Comments with characters outside ASCII and a quoted delimiter, in
        // the Windows-1252 files.
        mistake(
            file(GTC, "GTC_maandcijfers_2023.csv"),
            "GTC-01",
            (2023, 9),
            Note("warmtepompen geïnstalleerd op de campus"),
            None,
        ),
        mistake(
            file(GTC, "GTC_maandcijfers_2023.csv"),
            "GTC-02",
            (2023, 12),
            Note("excursie naar Fryslân"),
            None,
        ),
        mistake(
            file(GTC, "GTC_maandcijfers_2024.csv"),
            "GTC-03",
            (2024, 2),
            Note("coördinator gestart; cijfers gecontroleerd"),
            None,
        ),
    ]
}

/// Applies [`mistakes`] to the drafts; blank rows are listed in `remarks`.
pub(super) fn inject(
    drafts: &mut [Draft],
    pps: &[Pps],
    data: &[Series],
    remarks: &mut Vec<Remark>,
) {
    for mistake in mistakes() {
        let month = Month::new(mistake.month.0, mistake.month.1);
        let mark = mistake
            .mark
            .map(|(col, rule, what)| Mark { col, rule, what });
        let d = find(drafts, &mistake.file, mistake.pps);
        match mistake.change {
            Change::Insert { counts, note } => {
                let counts = match counts {
                    Source::Fixed(counts) => counts,
                    Source::Series(add) => {
                        let i = pps
                            .iter()
                            .position(|p| p.id == mistake.pps)
                            .expect("known pps");
                        let mut counts = data[i].get(month);
                        for (c, a) in counts.iter_mut().zip(add) {
                            *c += a;
                        }
                        counts
                    }
                };
                let mut r = Record::new(mistake.pps, month, counts);
                note.clone_into(&mut r.note);
                r.mark = mark;
                d.lines.insert(0, Line::Data(Box::new(r)));
            }
            Change::BlankAbove(text) => {
                let at = d.index_of(mistake.pps, month);
                d.lines.insert(at, Line::Blank);
                remarks.push(Remark {
                    rel: d.rel.clone(),
                    text: text.into(),
                });
            }
            change => {
                let r = d.record(mistake.pps, month);
                match change {
                    Change::Count(m, cell) => r.values[m as usize] = cell,
                    Change::Swap(a, b) => r.values.swap(a as usize, b as usize),
                    Change::NoPeriod => r.period = None,
                    Change::Pps(typo) => typo.clone_into(&mut r.pps),
                    Change::Note(text) => text.clone_into(&mut r.note),
                    Change::Keep | Change::Insert { .. } | Change::BlankAbove(_) => {}
                }
                if mark.is_some() {
                    r.mark = mark;
                }
            }
        }
    }
}
