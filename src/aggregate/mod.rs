//! Aggregation: accepted rows → the indicators of contract section 5, for
//! every window, level and region, plus the monthly trend series.
//!
//! Takes the validated rows, the region reference, the configured region
//! groups, the reporting period and the suppression threshold; returns
//! unsuppressed [`KpiRow`]s in export order (window, level, code, indicator)
//! with flags saying what small-count protection must hide, and
//! [`TrendPoint`]s. All summing, windowing and joining happens in polars
//! lazy plans over integer columns (see `plan`); percentages stay exact
//! [`Ratio`]s, rounded only when written. Refuses input that validation
//! should have stopped (a row naming an unknown partnership or
//! municipality) with [`Error::Aggregate`].

mod frames;
mod plan;
#[cfg(test)]
mod tests;

use polars::prelude::{DataFrame, PolarsResult};

use crate::error::Error;
use crate::model::{Accepted, Indicator, KpiRow, Month, Ratio, TrendPoint, Value, Window};
use crate::regions::{RegionGroup, Regions};

use frames::{Inputs, Region};

/// The export rows and the trend series.
#[derive(Clone, Debug)]
pub struct Aggregated {
    /// Sorted by window, level, regio_code (byte order), indicator.
    pub rows: Vec<KpiRow>,
    /// The `maand` value of every indicator for levels nl, landsdeel and
    /// consortium, for each of the 24 months ending at the period; sorted by
    /// level, regio_code, indicator, month.
    pub trends: Vec<TrendPoint>,
}

/// Computes every indicator for `period`. `threshold` is the small-count
/// protection threshold (0: off).
pub fn aggregate(
    accepted: &Accepted,
    regions: &Regions,
    groups: &[RegionGroup],
    period: Month,
    threshold: i64,
) -> Result<Aggregated, Error> {
    let inputs = Inputs::build(accepted, regions, groups, period)?;
    let collected =
        plan::run(&inputs, period.year()).map_err(|e| Error::Aggregate(e.to_string()))?;
    let rows = kpi_rows(&collected.kpi, &inputs.regions, threshold);
    let trends = trend_points(&collected.trends, &inputs.regions, period);
    match (rows, trends) {
        (Ok(rows), Ok(trends)) => Ok(Aggregated { rows, trends }),
        (Err(e), _) | (_, Err(e)) => Err(Error::Aggregate(e.to_string())),
    }
}

fn i32s(df: &DataFrame, name: &str) -> PolarsResult<Vec<i32>> {
    Ok(df.column(name)?.i32()?.into_no_null_iter().collect())
}

fn u32s(df: &DataFrame, name: &str) -> PolarsResult<Vec<u32>> {
    Ok(df.column(name)?.u32()?.into_no_null_iter().collect())
}

fn i64s(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<i64>>> {
    Ok(df.column(name)?.i64()?.iter().collect())
}

fn value_of(indicator: Indicator, value: i64, den: i64) -> Value {
    if indicator.is_percentage() {
        Value::Pct(Ratio::new(value, den))
    } else {
        Value::Count(value)
    }
}

/// Turns the collected export frame into rows: exact ratios from the integer
/// sums, and the suppression flags.
fn kpi_rows(kpi: &DataFrame, regions: &[Region], threshold: i64) -> PolarsResult<Vec<KpiRow>> {
    let window = i32s(kpi, plan::WINDOW)?;
    let region = u32s(kpi, frames::name::REGION)?;
    let ind = i32s(kpi, frames::name::IND)?;
    let value = i64s(kpi, plan::VALUE)?;
    let den = i64s(kpi, plan::DEN)?;
    let earlier = i64s(kpi, plan::EARLIER)?;
    let target = i64s(kpi, frames::name::TARGET)?;
    let target_value = i64s(kpi, plan::TARGET_VALUE)?;

    let small = |v: i64| threshold > 0 && (1..threshold).contains(&v);
    let mut rows = Vec::with_capacity(kpi.height());
    for i in 0..kpi.height() {
        let window = Window::ALL[window[i] as usize];
        let indicator = Indicator::ALL[ind[i] as usize];
        let r = &regions[region[i] as usize];
        let (v, den) = (value[i].unwrap_or(0), den[i].unwrap_or(0));

        let has_growth = window != Window::Cumulatief && indicator.has_growth();
        let earlier = earlier[i].unwrap_or(0);
        let growth = if has_growth {
            Ratio::new(v - earlier, earlier)
        } else {
            None
        };

        let has_target = window == Window::Jtd && indicator.can_have_target();
        let target = if has_target { target[i] } else { None };
        let realisation = target.and_then(|t| Ratio::new(target_value[i].unwrap_or(0), t));

        let suppressed = if indicator.is_count() {
            small(v)
        } else if indicator == Indicator::MkbAandeelPct {
            // value is bedrijven_mkb, den is bedrijven
            small(v) || small(den)
        } else {
            false
        };
        let growth_hidden = has_growth && indicator.is_count() && small(earlier);

        rows.push(KpiRow {
            window,
            level: r.level,
            regio_code: r.code.clone(),
            regio_naam: r.naam.clone(),
            indicator,
            value: value_of(indicator, v, den),
            target,
            realisation,
            growth,
            suppressed,
            growth_hidden,
        });
    }
    Ok(rows)
}

fn trend_points(
    trends: &DataFrame,
    regions: &[Region],
    period: Month,
) -> PolarsResult<Vec<TrendPoint>> {
    let w = i32s(trends, frames::name::W)?;
    let region = u32s(trends, frames::name::REGION)?;
    let ind = i32s(trends, frames::name::IND)?;
    let value = i64s(trends, plan::VALUE)?;
    let den = i64s(trends, plan::DEN)?;
    Ok((0..trends.height())
        .map(|i| {
            let r = &regions[region[i] as usize];
            let indicator = Indicator::ALL[ind[i] as usize];
            TrendPoint {
                month: Month::from_index(frames::window_bounds(w[i], period).1),
                level: r.level,
                regio_code: r.code.clone(),
                regio_naam: r.naam.clone(),
                indicator,
                value: value_of(indicator, value[i].unwrap_or(0), den[i].unwrap_or(0)),
            }
        })
        .collect())
}
