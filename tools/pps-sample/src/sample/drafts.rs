//! Submissions as records, before they become cells: one draft per sheet,
//! planned from the series and the layouts.

use std::collections::BTreeSet;

use pps_monitor::schema::Measure;

use crate::month::Month;
use crate::rng::Rng;
use crate::sheet::Cell;

use super::layout::{Col, Format, Layout, gtc_csv, layout_for};
use super::partnerships::{Consortium, Pps, slug};
use super::series::{Counts, Series};

#[derive(Debug, Clone)]
pub(super) struct Mark {
    pub(super) col: Col,
    pub(super) rule: &'static str,
    pub(super) what: &'static str,
}

#[derive(Debug, Clone)]
pub(super) struct Record {
    pub(super) pps: String,
    pub(super) period: Option<Month>,
    /// Indexed by `Measure as usize`.
    pub(super) values: [Cell; Measure::COUNT],
    pub(super) note: String,
    pub(super) mark: Option<Mark>,
}

impl Record {
    pub(super) fn new(pps: &str, m: Month, counts: Counts) -> Self {
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
pub(super) enum Line {
    Data(Box<Record>),
    Blank,
}

/// One sheet of a submission; drafts with the same `rel` are sheets of one
/// workbook, in order.
#[derive(Debug)]
pub(super) struct Draft {
    /// Path below the input folder, with its final extension.
    pub(super) rel: String,
    pub(super) layout: Layout,
    pub(super) format: Format,
    pub(super) title: String,
    pub(super) lines: Vec<Line>,
}

impl Draft {
    pub(super) fn record(&mut self, pps: &str, m: Month) -> &mut Record {
        self.lines
            .iter_mut()
            .find_map(|l| match l {
                Line::Data(r) if r.pps == pps && r.period == Some(m) => Some(&mut **r),
                _ => None,
            })
            .unwrap_or_else(|| panic!("{}: no row for {pps} {m}", self.rel))
    }

    pub(super) fn index_of(&self, pps: &str, m: Month) -> usize {
        self.lines
            .iter()
            .position(|l| matches!(l, Line::Data(r) if r.pps == pps && r.period == Some(m)))
            .unwrap_or_else(|| panic!("{}: no row for {pps} {m}", self.rel))
    }
}

/// The sheet of file `rel` that carries partnership `pps`.
pub(super) fn find<'a>(drafts: &'a mut [Draft], rel: &str, pps: &str) -> &'a mut Draft {
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

pub(super) const NOTES: [&str; 6] = [
    "cijfers voorlopig",
    "incl. open dag",
    "nagezonden",
    "nieuwe opleiding gestart",
    "2 bedrijven gestopt",
    "zomerstop",
];

pub(super) fn plan(pps: &[Pps], data: &[Series], rng: &mut Rng) -> Vec<Draft> {
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
                    let workers = Measure::Werkenden as usize;
                    r.values[workers] = Cell::text(format!("{},0", series.get(m)[workers]));
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
