//! Monthly counts per partnership: seasonal flows and a drifting stock of
//! companies, drawn from the seeded generator.

use pps_monitor::schema::Measure;

use crate::month::Month;
use crate::rng::Rng;

use super::ANCHOR;
use super::partnerships::Pps;

/// One number per declared count column, indexed by `Measure as usize`.
pub(super) type Counts = [i64; Measure::COUNT];

#[derive(Debug)]
pub(super) struct Series {
    pub(super) months: Vec<(Month, Counts)>,
}

impl Series {
    pub(super) fn get(&self, m: Month) -> Counts {
        self.months
            .iter()
            .find(|(x, _)| *x == m)
            .expect("month in series")
            .1
    }
}

/// Seasonal weights, January first: most BOL students start in September,
/// a second intake in February; little happens in summer.
pub(super) const BOL_SEASON: [f64; 12] = [
    0.15, 0.45, 0.10, 0.08, 0.05, 0.03, 0.02, 0.30, 1.00, 0.25, 0.12, 0.05,
];
pub(super) const BBL_SEASON: [f64; 12] =
    [0.8, 1.2, 0.9, 0.8, 0.7, 0.5, 0.2, 0.6, 1.5, 1.1, 0.9, 0.5];
pub(super) const WORK_SEASON: [f64; 12] =
    [1.0, 1.1, 1.1, 1.0, 0.9, 0.8, 0.3, 0.4, 1.2, 1.2, 1.1, 0.6];

pub(super) fn generate(pps: &[Pps], rng: &mut Rng) -> Vec<Series> {
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
                    let counts = Measure::ALL.map(|measure| match measure {
                        Measure::StudentenBol => bol,
                        Measure::StudentenBbl => bbl,
                        Measure::Werkenden => workers,
                        Measure::Werkzoekenden => seekers,
                        Measure::Bedrijven => total,
                        Measure::BedrijvenMkb => sme.clamp(0, total),
                    });
                    (m, counts)
                })
                .collect();
            Series { months }
        })
        .collect()
}
