//! The polars lazy plans, in three steps, each collected once and reused:
//!
//! 1. per partnership and window: flows summed, stocks from the latest
//!    accepted month, months received and expected, active or not;
//! 2. per region and window: those summed over the region's partnerships;
//! 3. the export frame (one row per window and region, with the
//!    year-earlier numbers and the targets joined on) and the trend frame,
//!    both sorted.
//!
//! Frames stay wide (one column per number) so that step 3 joins a few
//! thousand rows, not one per indicator. Joins, groups and sorts use one
//! combined `i64` key where a natural key has several integer parts
//! (`pps × window`, `region × window`): polars handles a single integer key
//! several times faster than a composite one.

use polars::prelude::*;

use super::frames::{
    Inputs, TREND_LEVELS, TREND_MONTHS, W_CUM, W_JTD, W_JTD_PREV, W_MAAND, W_MAAND_PREV,
    WINDOW_COUNT, name,
};
use crate::model::{Indicator, Measure, Window};

pub(super) const WINDOW: &str = "window";
const TARGET_VALUE: &str = "target_value";
const W_PREV: &str = "w_prev";
const CROSS: &str = "cross_key";
/// `pps × window`
const PW: &str = "pw_key";
/// `region × window`
const RW: &str = "rw_key";
/// `region × indicator`
const RI: &str = "ri_key";
const PREV: &str = "prev_key";
const ORDER: &str = "order_key";

/// Room for the window ids in the combined keys.
const W_SLOTS: i64 = 32;
const IND_SLOTS: i64 = 16;
const _: () = assert!(WINDOW_COUNT as i64 <= W_SLOTS && Indicator::ALL.len() as i64 <= IND_SLOTS);

/// Integer literals of an exact type: a plain `lit` of an integer is a
/// dynamic literal whose type polars infers, while join keys and the
/// columns of a union must agree exactly.
fn lit_i32(value: i32) -> Expr {
    lit(value).cast(DataType::Int32)
}

fn lit_i64(value: i64) -> Expr {
    lit(value).cast(DataType::Int64)
}

/// `outer × slots + inner`, as `i64`.
fn combine(outer: Expr, slots: i64, inner: Expr) -> Expr {
    outer.cast(DataType::Int64) * lit_i64(slots) + inner.cast(DataType::Int64)
}

/// The key of column `id` (a partnership or region) in window `w`.
fn in_window(id: &str, w: Expr) -> Expr {
    combine(col(id), W_SLOTS, w)
}

/// Column names in the collected frames, for the export and trend frames'
/// readers.
pub(super) fn earlier_column(indicator: Indicator) -> String {
    format!("{}_earlier", indicator.name())
}

pub(super) fn target_column(indicator: Indicator) -> String {
    format!("{}_target", indicator.name())
}

pub(super) fn target_value_column(indicator: Indicator) -> String {
    format!("{}_target_value", indicator.name())
}

/// The numbers summed per region: the measures, active partnerships,
/// months received and expected.
fn summed_columns() -> Vec<&'static str> {
    let mut cols: Vec<&str> = Measure::ALL.iter().map(|m| m.name()).collect();
    cols.extend([Indicator::PpsActief.name(), name::RECEIVED, name::EXPECTED]);
    cols
}

/// The (numerator, denominator) columns of an indicator in a frame with
/// the summed columns: a count has no denominator.
pub(super) fn number_columns(indicator: Indicator) -> (&'static str, Option<&'static str>) {
    match indicator {
        Indicator::MkbAandeelPct => (
            Indicator::BedrijvenMkb.name(),
            Some(Indicator::Bedrijven.name()),
        ),
        Indicator::AanleveringPct => (name::RECEIVED, Some(name::EXPECTED)),
        count => (count.name(), None),
    }
}

/// The derived counts (`studenten`, `deelnemers`), from the summed columns.
fn derived_counts() -> Vec<Expr> {
    Indicator::ALL
        .into_iter()
        .filter(|i| !i.parts().is_empty())
        .map(|i| sum_of_parts(i).alias(i.name()))
        .collect()
}

/// The column sum behind a derived count indicator ([`Indicator::parts`]).
fn sum_of_parts(indicator: Indicator) -> Expr {
    let mut parts = indicator.parts().iter().map(|p| col(p.name()));
    let first = parts.next().unwrap_or_else(|| lit_i64(0));
    parts.fold(first, |sum, part| sum + part)
}

/// What the export and the trend charts are made of.
#[derive(Debug)]
pub(super) struct Collected {
    /// One row per (kpi window, region), sorted by window and region:
    /// `window, region`, every indicator's number columns, and per indicator
    /// the year-earlier value and target columns where they apply.
    pub kpi: DataFrame,
    /// One row per (trend month, trend-level region), sorted by region and
    /// month: `w, region` and the number columns.
    pub trends: DataFrame,
}

pub(super) fn run(inputs: &Inputs, year: i32) -> PolarsResult<Collected> {
    let per_pps = per_partnership(inputs)?;
    let per_region = per_region(inputs, &per_pps)?;
    let targets = targets(inputs, &per_pps, year);
    let regions = inputs.regions.len() as i64;

    let kpi_windows = DataFrame::new_infer_height(vec![
        Column::new(name::W.into(), [W_MAAND, W_JTD, W_CUM]),
        Column::new(
            WINDOW.into(),
            [
                Window::Maand as i32,
                Window::Jtd as i32,
                Window::Cumulatief as i32,
            ],
        ),
        // -1 matches no window (the key's window part would be 31):
        // cumulatief has no growth.
        Column::new(W_PREV.into(), [W_MAAND_PREV, W_JTD_PREV, -1]),
    ])?;
    let mut earlier = vec![col(RW).alias(PREV)];
    earlier.extend(
        Indicator::ALL
            .into_iter()
            .filter(|i| i.has_growth())
            .map(|i| col(i.name()).alias(earlier_column(i))),
    );
    let kpi = per_region
        .clone()
        .lazy()
        .inner_join(kpi_windows.lazy(), col(name::W), col(name::W))
        .with_columns([
            in_window(name::REGION, col(W_PREV)).alias(PREV),
            combine(col(WINDOW), regions, col(name::REGION)).alias(ORDER),
        ])
        .left_join(
            per_region.clone().lazy().select(earlier),
            col(PREV),
            col(PREV),
        )
        .left_join(targets, col(RW), col(RW))
        .sort([ORDER], SortMultipleOptions::default())
        .collect()?;

    let trend_level = TREND_LEVELS
        .iter()
        .map(|&l| col(name::LEVEL).eq(lit_i32(l as i32)))
        .reduce(Expr::or)
        .expect("at least one trend level");
    // RW is region × window: sorting on it sorts by region, then month.
    let trends = per_region
        .lazy()
        .filter(col(name::W).lt(lit_i32(TREND_MONTHS)).and(trend_level))
        .sort([RW], SortMultipleOptions::default())
        .collect()?;
    Ok(Collected { kpi, trends })
}

/// Step 1: one row per (partnership, window), every partnership in every
/// window (those without rows contribute zeros and their expected months).
fn per_partnership(inputs: &Inputs) -> PolarsResult<DataFrame> {
    let mut aggs: Vec<Expr> = Measure::ALL
        .iter()
        .map(|m| {
            if m.is_stock() {
                // A stock: the value in the latest month (counts hold at
                // most one row per partnership and month).
                col(m.name()).max_by(col(name::MONTH))
            } else {
                col(m.name()).sum()
            }
        })
        .collect();
    aggs.push(len().cast(DataType::Int64).alias(name::RECEIVED));
    let stats = inputs
        .counts
        .clone()
        .lazy()
        .inner_join(
            inputs.month_windows.clone().lazy(),
            col(name::MONTH),
            col(name::MONTH),
        )
        .group_by([in_window(name::PPS, col(name::W)).alias(PW)])
        .agg(aggs);

    // Expected months: from max(first, start) to min(last, end), if any.
    let wider = |a: &str, b: &str| {
        when(col(a).gt(col(b)))
            .then(col(a))
            .otherwise(col(b))
            .cast(DataType::Int64)
    };
    let narrower = |a: &str, b: &str| {
        when(col(a).lt(col(b)))
            .then(col(a))
            .otherwise(col(b))
            .cast(DataType::Int64)
    };
    let span = narrower(name::LAST, name::END) - wider(name::FIRST, name::START) + lit_i64(1);
    let expected = when(span.clone().gt(lit_i64(0)))
        .then(span)
        .otherwise(lit_i64(0))
        .alias(name::EXPECTED);

    let mut filled: Vec<Expr> = vec![col(name::PPS), col(name::W), col(name::ALL_LEVELS)];
    filled.extend(
        Measure::ALL
            .iter()
            .map(|m| m.name())
            .chain([name::RECEIVED])
            .map(|c| col(c).fill_null(lit_i64(0))),
    );
    filled.push(col(name::EXPECTED));

    inputs
        .partnerships
        .clone()
        .lazy()
        .with_column(lit_i32(0).alias(CROSS))
        .inner_join(
            inputs
                .windows
                .clone()
                .lazy()
                .with_column(lit_i32(0).alias(CROSS)),
            col(CROSS),
            col(CROSS),
        )
        .with_columns([in_window(name::PPS, col(name::W)).alias(PW), expected])
        .left_join(stats, col(PW), col(PW))
        .select(filled)
        .with_column(
            col(name::RECEIVED)
                .gt(lit_i64(0))
                .cast(DataType::Int64)
                .alias(Indicator::PpsActief.name()),
        )
        .collect()
}

/// Step 2: sums over each region's partnerships, per window (trend-only
/// windows for the trend levels only). Columns `rw_key, w, region, level`,
/// the summed columns and the derived counts.
fn per_region(inputs: &Inputs, per_pps: &DataFrame) -> PolarsResult<DataFrame> {
    let summed = summed_columns();
    let mut selected: Vec<Expr> = vec![
        in_window(name::REGION, col(name::W)).alias(RW),
        col(name::W),
        col(name::REGION),
        col(name::LEVEL),
    ];
    selected.extend(summed.iter().map(|c| col(*c)));

    let membership = || inputs.membership.clone().lazy();
    let all_levels = per_pps
        .clone()
        .lazy()
        .filter(col(name::ALL_LEVELS))
        .inner_join(membership(), col(name::PPS), col(name::PPS))
        .select(selected.clone());
    let trend_only = per_pps
        .clone()
        .lazy()
        .filter(col(name::ALL_LEVELS).not())
        .inner_join(
            membership().filter(col(name::TREND)),
            col(name::PPS),
            col(name::PPS),
        )
        .select(selected);

    // `nl` appears even without partnerships: a zero row per window for
    // region 0 (nl sorts first) keeps it in the sums.
    let w = inputs.windows.column(name::W)?;
    let windows = w.len();
    let mut zero = vec![
        Column::new(
            RW.into(),
            w.i32()?
                .into_no_null_iter()
                .map(i64::from)
                .collect::<Vec<_>>(),
        ),
        w.clone(),
        Column::new(name::REGION.into(), vec![0u32; windows]),
        Column::new(name::LEVEL.into(), vec![0i32; windows]),
    ];
    zero.extend(
        summed
            .iter()
            .map(|c| Column::new((*c).into(), vec![0i64; windows])),
    );
    let zero = DataFrame::new_infer_height(zero)?;

    let mut aggs: Vec<Expr> = [name::W, name::REGION, name::LEVEL]
        .iter()
        .map(|c| col(*c).first())
        .collect();
    aggs.extend(summed.iter().map(|c| col(*c).sum()));
    concat([all_levels, trend_only, zero.lazy()], UnionArgs::default())?
        .group_by([col(RW)])
        .agg(aggs)
        .with_columns(derived_counts())
        .collect()
}

/// Per region, for window `jtd` and P's year, for each indicator that can
/// have a target: the sum of the targets of the partnerships that have one
/// (null when none has), and the value over just those partnerships.
/// Columns `rw_key` and per indicator `<name>_target`, `<name>_target_value`.
fn targets(inputs: &Inputs, per_pps: &DataFrame, year: i32) -> LazyFrame {
    let targetable: Vec<Indicator> = Indicator::ALL
        .into_iter()
        .filter(|i| i.can_have_target())
        .collect();
    // The partnership's jtd value of the target's indicator.
    let value_of = |i: Indicator| {
        if i.parts().is_empty() {
            col(i.name())
        } else {
            sum_of_parts(i)
        }
    };
    let picked = targetable
        .iter()
        .fold(lit_i64(0), |rest, &i| {
            when(col(name::IND).eq(lit_i32(i as i32)))
                .then(value_of(i))
                .otherwise(rest)
        })
        .alias(TARGET_VALUE);

    // Per (region, indicator) first; then one row per region, a column
    // pair per indicator.
    let mut pivot = Vec::new();
    for &i in &targetable {
        let this = col(name::IND).eq(lit_i32(i as i32));
        pivot.push(
            col(name::TARGET)
                .filter(this.clone())
                .first()
                .alias(target_column(i)),
        );
        pivot.push(
            col(TARGET_VALUE)
                .filter(this)
                .first()
                .alias(target_value_column(i)),
        );
    }
    inputs
        .targets
        .clone()
        .lazy()
        .filter(col(name::YEAR).eq(lit_i32(year)))
        .inner_join(
            per_pps
                .clone()
                .lazy()
                .filter(col(name::W).eq(lit_i32(W_JTD))),
            col(name::PPS),
            col(name::PPS),
        )
        .with_column(picked)
        .inner_join(
            inputs.membership.clone().lazy(),
            col(name::PPS),
            col(name::PPS),
        )
        .group_by([combine(col(name::REGION), IND_SLOTS, col(name::IND)).alias(RI)])
        .agg([
            col(name::REGION).first(),
            col(name::IND).first(),
            col(name::TARGET).sum(),
            col(TARGET_VALUE).sum(),
        ])
        .group_by([in_window(name::REGION, lit_i32(W_JTD)).alias(RW)])
        .agg(pivot)
}
