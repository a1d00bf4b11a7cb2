//! Aggregation: accepted rows → the indicators of contract section 5, for
//! every window, level and region, plus the monthly trend series.
//!
//! Takes the validated rows, the region reference, the configured region
//! groups, the reporting period and the suppression threshold; returns
//! unsuppressed [`KpiRow`]s in export order (window, level, code, indicator)
//! with their status (published, primary or secondary suppression, missing:
//! decided in `protect`, which also reads the earlier exports), and
//! [`TrendPoint`]s. All summing, windowing and joining happens in polars
//! lazy plans over integer columns (see `plan`); percentages stay exact
//! [`Ratio`]s, rounded only when written. Refuses input that validation
//! should have stopped (a row naming an unknown partnership or
//! municipality) with [`Error::Aggregate`].

mod frames;
mod plan;
pub mod protect;
#[cfg(test)]
mod tests;

use polars::prelude::{DataFrame, PolarsResult};

use crate::config::Job;
use crate::error::Error;
use crate::model::{
    Accepted, CellStatus, Indicator, KpiRow, Month, Ratio, TrendPoint, Value, Window,
};
use crate::regions::{RegionGroup, Regions};

use frames::{Inputs, Region, polars_error};
pub use protect::{Earlier, Protection};

/// The export rows and the trend series.
#[derive(Clone, Debug)]
pub struct Aggregated {
    /// Sorted by window, level, `regio_code` (byte order), indicator.
    pub rows: Vec<KpiRow>,
    /// The `maand` value of every indicator for levels nl, landsdeel and
    /// consortium, for each of the 24 months ending at the period; sorted by
    /// level, `regio_code`, indicator, month.
    pub trends: Vec<TrendPoint>,
    /// What small-count protection hid (contract section 7a).
    pub protection: Protection,
    /// How long protection took (for the progress lines; not in any output).
    pub protection_time: std::time::Duration,
}

/// The aggregation stage of `pps-monitor run`: every indicator for
/// `period` with the job's regions, region groups and threshold, protected
/// also against what the exports of P−1 and P−12 in the output folder
/// published (contract section 7a).
pub fn run(job: &Job, accepted: &Accepted, period: Month) -> Result<Aggregated, Error> {
    let earlier = Earlier::read(&job.output, period);
    aggregate_with(
        accepted,
        &job.regions,
        &job.groups,
        period,
        job.threshold,
        &earlier,
    )
}

/// Computes every indicator for `period`, protecting small counts within
/// this export only. `threshold` is the small-count protection threshold
/// (0: off).
pub fn aggregate(
    accepted: &Accepted,
    regions: &Regions,
    groups: &[RegionGroup],
    period: Month,
    threshold: i64,
) -> Result<Aggregated, Error> {
    aggregate_with(
        accepted,
        regions,
        groups,
        period,
        threshold,
        &Earlier::none(),
    )
}

/// [`aggregate`], protecting small counts also against what the earlier
/// exports (P−1, and P−12 for growth) published.
pub fn aggregate_with(
    accepted: &Accepted,
    regions: &Regions,
    groups: &[RegionGroup],
    period: Month,
    threshold: i64,
    earlier: &Earlier,
) -> Result<Aggregated, Error> {
    let inputs = Inputs::build(accepted, regions, groups, period)?;
    let collected = plan::run(&inputs, period.year()).map_err(|e| polars_error(&e))?;
    let mut rows = kpi_rows(&collected.kpi, &inputs.regions).map_err(|e| polars_error(&e))?;
    let started = std::time::Instant::now();
    let pairs: Vec<(u32, u32)> = u32s(&inputs.membership, frames::name::PPS)
        .map_err(|e| polars_error(&e))?
        .into_iter()
        .zip(u32s(&inputs.membership, frames::name::REGION).map_err(|e| polars_error(&e))?)
        .collect();
    let protection = protect::protect(
        accepted,
        &inputs.regions,
        &pairs,
        period,
        threshold,
        earlier,
        &mut rows,
    );
    let protection_time = started.elapsed();
    Ok(Aggregated {
        rows,
        trends: trend_points(&collected.trends, &inputs.regions, period)
            .map_err(|e| polars_error(&e))?,
        protection,
        protection_time,
    })
}

fn i32s(df: &DataFrame, name: &str) -> PolarsResult<Vec<i32>> {
    Ok(df.column(name)?.i32()?.into_no_null_iter().collect())
}

fn u32s(df: &DataFrame, name: &str) -> PolarsResult<Vec<u32>> {
    Ok(df.column(name)?.u32()?.into_no_null_iter().collect())
}

fn i64s(df: &DataFrame, name: &str) -> PolarsResult<Ints> {
    Ok(df.column(name)?.i64()?.iter().collect())
}

/// A column of a collected frame (nulls where a left join found nothing).
type Ints = Vec<Option<i64>>;

/// One indicator's columns of a collected frame, read out once.
struct Numbers {
    indicator: Indicator,
    value: Ints,
    /// A percentage's denominator.
    den: Option<Ints>,
    earlier: Option<Ints>,
    /// The target and the value over the partnerships with one.
    target: Option<(Ints, Ints)>,
}

impl Numbers {
    /// All eleven indicators, in export order; `with_extras` reads the
    /// year-earlier and target columns too.
    fn read(df: &DataFrame, with_extras: bool) -> PolarsResult<Vec<Numbers>> {
        Indicator::ALL
            .into_iter()
            .map(|indicator| {
                let (value, den) = plan::number_columns(indicator);
                let extras = with_extras && indicator.has_growth();
                let targets = with_extras && indicator.can_have_target();
                Ok(Numbers {
                    indicator,
                    value: i64s(df, value)?,
                    den: den.map(|d| i64s(df, d)).transpose()?,
                    earlier: extras
                        .then(|| i64s(df, &plan::earlier_column(indicator)))
                        .transpose()?,
                    target: if targets {
                        Some((
                            i64s(df, &plan::target_column(indicator))?,
                            i64s(df, &plan::target_value_column(indicator))?,
                        ))
                    } else {
                        None
                    },
                })
            })
            .collect()
    }

    fn value(&self, row: usize) -> Value {
        let v = self.value[row].unwrap_or(0);
        match &self.den {
            Some(den) => Value::Pct(Ratio::new(v, den[row].unwrap_or(0))),
            None => Value::Count(v),
        }
    }
}

/// Turns the collected export frame into rows: exact ratios from the integer
/// sums; every row published until [`protect`] decides.
fn kpi_rows(kpi: &DataFrame, regions: &[Region]) -> PolarsResult<Vec<KpiRow>> {
    let window = i32s(kpi, plan::WINDOW)?;
    let region = u32s(kpi, frames::name::REGION)?;
    let numbers = Numbers::read(kpi, true)?;

    let mut rows = Vec::with_capacity(kpi.height() * numbers.len());
    for row in 0..kpi.height() {
        let window = Window::ALL[window[row] as usize];
        let r = &regions[region[row] as usize];
        for n in &numbers {
            let indicator = n.indicator;
            let v = n.value[row].unwrap_or(0);

            let earlier = match (&n.earlier, window) {
                (Some(e), Window::Maand | Window::Jtd) => Some(e[row].unwrap_or(0)),
                _ => None,
            };
            let growth = earlier.and_then(|e| Ratio::new(v - e, e));

            let (target, realisation) = match (&n.target, window) {
                (Some((target, value)), Window::Jtd) => (
                    target[row],
                    target[row].and_then(|t| Ratio::new(value[row].unwrap_or(0), t)),
                ),
                _ => (None, None),
            };

            rows.push(KpiRow {
                window,
                level: r.level,
                regio_code: r.code.clone(),
                regio_naam: r.naam.clone(),
                indicator,
                value: n.value(row),
                target,
                realisation,
                growth,
                status: CellStatus::Published,
                realisation_hidden: false,
                growth_hidden: false,
            });
        }
    }
    Ok(rows)
}

/// The trend frame is sorted by region, then month; the points come out by
/// region, indicator, month.
fn trend_points(
    trends: &DataFrame,
    regions: &[Region],
    period: Month,
) -> PolarsResult<Vec<TrendPoint>> {
    let w = i32s(trends, frames::name::W)?;
    let region = u32s(trends, frames::name::REGION)?;
    let numbers = Numbers::read(trends, false)?;
    let mut points = Vec::with_capacity(trends.height() * numbers.len());
    let mut start = 0;
    while start < region.len() {
        let end = start
            + region[start..]
                .iter()
                .take_while(|&&r| r == region[start])
                .count();
        let r = &regions[region[start] as usize];
        for n in &numbers {
            points.extend((start..end).map(|row| TrendPoint {
                month: Month::from_index(frames::window_bounds(w[row], period).1),
                level: r.level,
                regio_code: r.code.clone(),
                regio_naam: r.naam.clone(),
                indicator: n.indicator,
                value: n.value(row),
            }));
        }
        start = end;
    }
    Ok(points)
}
