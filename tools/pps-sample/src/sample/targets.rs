//! The targets workbook: yearly targets near what each partnership realises,
//! with one deliberate mistake.

use crate::month::Month;
use crate::rng::Rng;
use crate::sheet::{Cell, Sheet};

use super::LAST;
use super::partnerships::Pps;
use super::render::Finding;
use super::series::{Counts, Series};

pub(super) const INDICATORS: [&str; 7] = [
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
pub(super) fn targets_sheet(
    pps: &[Pps],
    data: &[Series],
    rng: &mut Rng,
) -> (Sheet, usize, Finding) {
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
