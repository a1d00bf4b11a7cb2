//! The polars lazy plans, in three steps, each collected once and reused:
//!
//! 1. per partnership and window: flows summed, stocks from the latest
//!    accepted month, months received and expected;
//! 2. per region and window: those summed over the region's partnerships,
//!    then turned long (one row per indicator, a numerator `value` and for
//!    percentages a denominator `den`);
//! 3. the export rows (with the year-earlier value and the targets joined
//!    on) and the trend series, both sorted.

use polars::prelude::*;

use super::frames::{
    Inputs, MEASURES, TREND_LEVELS, TREND_MONTHS, W_CUM, W_JTD, W_JTD_PREV, W_MAAND, W_MAAND_PREV,
    name,
};
use crate::model::{Indicator, Window};

pub(super) const WINDOW: &str = "window";
pub(super) const VALUE: &str = "value";
pub(super) const DEN: &str = "den";
pub(super) const EARLIER: &str = "earlier";
pub(super) const TARGET_VALUE: &str = "target_value";
const W_PREV: &str = "w_prev";
const KEY: &str = "cross_key";

/// Integer literals of an exact type: a plain `lit` of an integer is a
/// dynamic literal whose type polars infers, while join keys and the
/// columns of a union must agree exactly.
fn lit_i32(value: i32) -> Expr {
    lit(value).cast(DataType::Int32)
}

fn lit_i64(value: i64) -> Expr {
    lit(value).cast(DataType::Int64)
}

/// The per-partnership numbers that are summed over a region.
fn additive_columns() -> Vec<&'static str> {
    let mut cols: Vec<&str> = MEASURES.iter().map(|m| m.name()).collect();
    cols.extend([
        Indicator::Studenten.name(),
        Indicator::Deelnemers.name(),
        Indicator::PpsActief.name(),
        name::RECEIVED,
        name::EXPECTED,
    ]);
    cols
}

/// What the export and the trend charts are made of.
#[derive(Debug)]
pub(super) struct Collected {
    /// `window, region, ind, value, den, earlier, target, target_value`,
    /// sorted by window, region, ind.
    pub kpi: DataFrame,
    /// `w, region, ind, value, den`, sorted by region, ind, w.
    pub trends: DataFrame,
}

pub(super) fn run(inputs: &Inputs, year: i32) -> PolarsResult<Collected> {
    let per_pps = per_partnership(inputs)?;
    let per_region = per_region(inputs, &per_pps)?;
    let long = to_long(
        per_region.lazy(),
        &[name::W, name::REGION, name::LEVEL],
        &Indicator::ALL,
    )?
    .collect()?;
    let targets = targets(inputs, &per_pps, year)?;

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
        // -1 matches no window: cumulatief has no growth.
        Column::new(W_PREV.into(), [W_MAAND_PREV, W_JTD_PREV, -1]),
    ])?;
    let earlier = long.clone().lazy().select([
        col(name::W).alias(W_PREV),
        col(name::REGION),
        col(name::IND),
        col(VALUE).alias(EARLIER),
    ]);
    let keys = |names: &[&str]| names.iter().map(|n| col(*n)).collect::<Vec<_>>();
    let kpi = long
        .clone()
        .lazy()
        .inner_join(kpi_windows.lazy(), col(name::W), col(name::W))
        .join(
            earlier,
            keys(&[W_PREV, name::REGION, name::IND]),
            keys(&[W_PREV, name::REGION, name::IND]),
            JoinArgs::new(JoinType::Left),
        )
        .join(
            targets,
            keys(&[WINDOW, name::REGION, name::IND]),
            keys(&[WINDOW, name::REGION, name::IND]),
            JoinArgs::new(JoinType::Left),
        )
        .select(keys(&[
            WINDOW,
            name::REGION,
            name::IND,
            VALUE,
            DEN,
            EARLIER,
            name::TARGET,
            TARGET_VALUE,
        ]))
        .sort(
            [WINDOW, name::REGION, name::IND],
            SortMultipleOptions::default(),
        )
        .collect()?;

    let trend_level = TREND_LEVELS
        .iter()
        .map(|&l| col(name::LEVEL).eq(lit_i32(l as i32)))
        .reduce(Expr::or)
        .expect("at least one trend level");
    let trends = long
        .lazy()
        .filter(col(name::W).lt(lit_i32(TREND_MONTHS)).and(trend_level))
        .select(keys(&[name::W, name::REGION, name::IND, VALUE, DEN]))
        .sort(
            [name::REGION, name::IND, name::W],
            SortMultipleOptions::default(),
        )
        .collect()?;
    Ok(Collected { kpi, trends })
}

/// Step 1: one row per (partnership, window), every partnership in every
/// window (those without rows contribute zeros and their expected months).
fn per_partnership(inputs: &Inputs) -> PolarsResult<DataFrame> {
    let by_month = || SortMultipleOptions::default();
    let mut aggs: Vec<Expr> = MEASURES
        .iter()
        .map(|m| {
            if matches!(m, Indicator::Bedrijven | Indicator::BedrijvenMkb) {
                // counts hold at most one row per partnership and month
                col(m.name()).sort_by([col(name::MONTH)], by_month()).last()
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
        .group_by([col(name::PPS), col(name::W)])
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
        MEASURES
            .iter()
            .map(|m| m.name())
            .chain([name::RECEIVED])
            .map(|c| col(c).fill_null(lit_i64(0))),
    );
    filled.push(col(name::EXPECTED));

    let keys = [col(name::PPS), col(name::W)];
    inputs
        .partnerships
        .clone()
        .lazy()
        .with_column(lit_i32(0).alias(KEY))
        .inner_join(
            inputs
                .windows
                .clone()
                .lazy()
                .with_column(lit_i32(0).alias(KEY)),
            col(KEY),
            col(KEY),
        )
        .with_column(expected)
        .join(stats, keys.clone(), keys, JoinArgs::new(JoinType::Left))
        .select(filled)
        .with_columns([
            (col(Indicator::StudentenBol.name()) + col(Indicator::StudentenBbl.name()))
                .alias(Indicator::Studenten.name()),
            col(name::RECEIVED)
                .gt(lit_i64(0))
                .cast(DataType::Int64)
                .alias(Indicator::PpsActief.name()),
        ])
        .with_column(
            (col(Indicator::Studenten.name())
                + col(Indicator::Werkenden.name())
                + col(Indicator::Werkzoekenden.name()))
            .alias(Indicator::Deelnemers.name()),
        )
        .collect()
}

/// Step 2: sums over each region's partnerships, per window. Trend-only
/// windows are summed for the trend levels only.
fn per_region(inputs: &Inputs, per_pps: &DataFrame) -> PolarsResult<DataFrame> {
    let additive = additive_columns();
    let mut selected: Vec<Expr> = vec![col(name::W), col(name::REGION), col(name::LEVEL)];
    selected.extend(additive.iter().map(|c| col(*c)));

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
    let windows = inputs.windows.column(name::W)?.i32()?.len();
    let mut zero = vec![
        inputs.windows.column(name::W)?.clone(),
        Column::new(name::REGION.into(), vec![0u32; windows]),
        Column::new(name::LEVEL.into(), vec![0i32; windows]),
    ];
    zero.extend(
        additive
            .iter()
            .map(|c| Column::new((*c).into(), vec![0i64; windows])),
    );
    let zero = DataFrame::new_infer_height(zero)?;

    concat([all_levels, trend_only, zero.lazy()], UnionArgs::default())?
        .group_by([col(name::W), col(name::REGION), col(name::LEVEL)])
        .agg(additive.iter().map(|c| col(*c).sum()).collect::<Vec<_>>())
        .collect()
}

/// Per region, for window `jtd` and P's year: the sum of the targets of the
/// partnerships that have one, and the value over just those partnerships.
/// Columns `window, region, ind, target, target_value`.
fn targets(inputs: &Inputs, per_pps: &DataFrame, year: i32) -> PolarsResult<LazyFrame> {
    let targetable: Vec<Indicator> = Indicator::ALL
        .into_iter()
        .filter(|i| i.can_have_target())
        .collect();
    let values = to_long(
        per_pps
            .clone()
            .lazy()
            .filter(col(name::W).eq(lit_i32(W_JTD))),
        &[name::PPS],
        &targetable,
    )?;
    let keys = [col(name::PPS), col(name::IND)];
    Ok(inputs
        .targets
        .clone()
        .lazy()
        .filter(col(name::YEAR).eq(lit_i32(year)))
        .join(values, keys.clone(), keys, JoinArgs::new(JoinType::Inner))
        .inner_join(
            inputs.membership.clone().lazy(),
            col(name::PPS),
            col(name::PPS),
        )
        .group_by([col(name::REGION), col(name::IND)])
        .agg([
            col(name::TARGET).sum(),
            col(VALUE).sum().alias(TARGET_VALUE),
        ])
        .with_column(lit_i32(Window::Jtd as i32).alias(WINDOW)))
}

/// Wide (one column per number) to long: one row per indicator with
/// `ind`, `value` (the count, or a percentage's numerator) and `den` (a
/// percentage's denominator, 0 for counts), next to the `keys`.
fn to_long(wide: LazyFrame, keys: &[&str], indicators: &[Indicator]) -> PolarsResult<LazyFrame> {
    let parts: Vec<LazyFrame> = indicators
        .iter()
        .map(|&ind| {
            let (value, den) = match ind {
                Indicator::MkbAandeelPct => (
                    col(Indicator::BedrijvenMkb.name()),
                    col(Indicator::Bedrijven.name()),
                ),
                Indicator::AanleveringPct => (col(name::RECEIVED), col(name::EXPECTED)),
                count => (col(count.name()), lit_i64(0)),
            };
            let mut exprs: Vec<Expr> = keys.iter().map(|k| col(*k)).collect();
            exprs.extend([
                lit_i32(ind as i32).alias(name::IND),
                value.alias(VALUE),
                den.alias(DEN),
            ]);
            wide.clone().select(exprs)
        })
        .collect();
    concat(parts, UnionArgs::default())
}
