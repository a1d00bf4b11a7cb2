//! The targets workbook: yearly targets near what each partnership realises,
//! with one deliberate mistake.

use pps_monitor::schema::{Measure, TableColumn, TargetColumn};

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
        TargetColumn::ALL
            .map(|c| Cell::text(c.spec().name))
            .to_vec(),
    );
    let target_row = |id: &str, year: i32, indicator: &str, target: i64| {
        TargetColumn::ALL
            .map(|c| match c {
                TargetColumn::PpsId => Cell::text(id),
                TargetColumn::Jaar => Cell::Int(i64::from(year)),
                TargetColumn::Indicator => Cell::text(indicator),
                TargetColumn::Streefwaarde => Cell::Int(target),
            })
            .to_vec()
    };
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
                let sum = |m: Measure| {
                    months.iter().map(|(_, c)| c[m as usize]).sum::<i64>() as f64 * full_year
                };
                let latest = |m: Measure| months.last().expect("months").1[m as usize] as f64;
                let realised = match Measure::ALL.into_iter().find(|m| m.name() == *ind) {
                    Some(m) if m.is_stock() => latest(m),
                    Some(m) => sum(m),
                    // deelnemers
                    None => {
                        sum(Measure::StudentenBol)
                            + sum(Measure::StudentenBbl)
                            + sum(Measure::Werkenden)
                            + sum(Measure::Werkzoekenden)
                    }
                };
                let target =
                    ((realised * rng.range(0.95, 1.25) / 5.0).round() * 5.0).max(5.0) as i64;
                s.push(target_row(p.id, year, ind, target));
                rows += 1;
            }
            if p.id == "HN-01" && year == 2025 {
                let row = s.push(target_row(p.id, 2025, "stagiairs", 40));
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
