//! The input frames of the plans: the accepted rows, the windows and the
//! region membership, turned into polars `DataFrame`s once per run.
//!
//! Partnerships are numbered (`pps`, their position in the register) and
//! regions too (`region`, their position in export order), so that every
//! join and group key in the plans is an integer. Refuses (as
//! [`Error::Aggregate`]) rows that name a partnership or municipality that
//! validation should have stopped: a figure built on them would be wrong.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use polars::prelude::*;

use crate::error::Error;
use crate::model::{Accepted, Level, Measure, Month, Partnership};
use crate::regions::{RegionGroup, Regions};

/// Column names shared by the plans. Count columns carry the indicator
/// names (`studenten_bol`, …, `pps_actief`); the submitted numbers are the
/// [`Measure`]s, named as declared in [`crate::schema`].
pub(super) mod name {
    pub const PPS: &str = "pps";
    pub const MONTH: &str = "month";
    pub const START: &str = "start";
    pub const END: &str = "end";
    pub const YEAR: &str = "year";
    pub const W: &str = "w";
    pub const FIRST: &str = "first";
    pub const LAST: &str = "last";
    pub const ALL_LEVELS: &str = "all_levels";
    pub const REGION: &str = "region";
    pub const LEVEL: &str = "level";
    pub const TREND: &str = "trend";
    pub const RECEIVED: &str = "received";
    pub const EXPECTED: &str = "expected";
    pub const IND: &str = "ind";
    pub const TARGET: &str = "target";
}

/// Number of months in the trend series (ending at the period).
pub(super) const TREND_MONTHS: i32 = 24;

/// Window ids (`w`). Ids `0..TREND_MONTHS` are the `maand` windows of the
/// months `P-23 ..= P`; two of them double as the export's `maand` window
/// and its year-earlier twin.
pub(super) const W_MAAND: i32 = TREND_MONTHS - 1;
pub(super) const W_MAAND_PREV: i32 = TREND_MONTHS - 13;
pub(super) const W_JTD: i32 = TREND_MONTHS;
pub(super) const W_JTD_PREV: i32 = TREND_MONTHS + 1;
pub(super) const W_CUM: i32 = TREND_MONTHS + 2;
pub(super) const WINDOW_COUNT: i32 = TREND_MONTHS + 3;

/// Levels that have trend series.
pub(super) const TREND_LEVELS: [Level; 3] = [Level::Nl, Level::Landsdeel, Level::Consortium];

/// One region of the export.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(super) struct Region {
    pub level: Level,
    pub code: Arc<str>,
    pub naam: Arc<str>,
}

/// Everything the plans read, built once.
#[derive(Debug)]
pub(super) struct Inputs {
    /// `pps, start, end` (`end` is `i32::MAX` when open).
    pub partnerships: DataFrame,
    /// `pps, month` and one column per [`Measure`].
    pub counts: DataFrame,
    /// `pps, year, ind, target`.
    pub targets: DataFrame,
    /// `w, first, last, all_levels`: the window of each id; `all_levels` is
    /// false for trend-only windows, which are aggregated for
    /// [`TREND_LEVELS`] only.
    pub windows: DataFrame,
    /// `month, w`: which windows each month falls in.
    pub month_windows: DataFrame,
    /// `pps, region, level, trend`: the regions each partnership belongs to.
    pub membership: DataFrame,
    /// Indexed by the `region` id; sorted in export order (level, code).
    pub regions: Vec<Region>,
}

/// A failed polars operation, as the aggregation stage's error.
pub(super) fn polars_error(e: &PolarsError) -> Error {
    Error::Aggregate(e.to_string())
}

impl Inputs {
    pub(super) fn build(
        accepted: &Accepted,
        regions: &Regions,
        groups: &[RegionGroup],
        period: Month,
    ) -> Result<Inputs, Error> {
        let index: HashMap<&str, u32> = accepted
            .partnerships
            .iter()
            .enumerate()
            .map(|(i, p)| (p.pps_id.as_str(), i as u32))
            .collect();
        let lookup = |pps_id: &str, what: &str| {
            index.get(pps_id).copied().ok_or_else(|| {
                Error::Aggregate(format!(
                    "{what} names partnership `{pps_id}`, which is not in the register"
                ))
            })
        };

        let partnerships = DataFrame::new_infer_height(vec![
            Column::new(
                name::PPS.into(),
                (0..accepted.partnerships.len() as u32).collect::<Vec<_>>(),
            ),
            Column::new(
                name::START.into(),
                accepted
                    .partnerships
                    .iter()
                    .map(|p| p.start.index())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                name::END.into(),
                accepted
                    .partnerships
                    .iter()
                    .map(|p| p.end.map_or(i32::MAX, Month::index))
                    .collect::<Vec<_>>(),
            ),
        ])
        .map_err(|e| polars_error(&e))?;

        // One pass over the rows; they usually come grouped by partnership,
        // so the last lookup is tried first.
        let counts = &accepted.counts;
        let mut pps = Vec::with_capacity(counts.len());
        let mut month = Vec::with_capacity(counts.len());
        let mut values: [Vec<i64>; Measure::COUNT] =
            std::array::from_fn(|_| Vec::with_capacity(counts.len()));
        let mut last: Option<(&str, u32)> = None;
        for c in counts {
            let id = match last {
                Some((name, id)) if name == c.pps_id => id,
                _ => lookup(&c.pps_id, "a count row")?,
            };
            last = Some((&c.pps_id, id));
            pps.push(id);
            month.push(c.month.index());
            for (column, &value) in values.iter_mut().zip(&c.values) {
                column.push(value);
            }
        }
        let mut columns = vec![
            Column::new(name::PPS.into(), pps),
            Column::new(name::MONTH.into(), month),
        ];
        for (measure, column) in Measure::ALL.iter().zip(values) {
            columns.push(Column::new(measure.name().into(), column));
        }
        let counts_df = DataFrame::new_infer_height(columns).map_err(|e| polars_error(&e))?;

        let targets = &accepted.targets;
        let mut pps = Vec::with_capacity(targets.len());
        for t in targets {
            pps.push(lookup(&t.pps_id, "a target row")?);
        }
        let targets_df = DataFrame::new_infer_height(vec![
            Column::new(name::PPS.into(), pps),
            Column::new(
                name::YEAR.into(),
                targets.iter().map(|t| t.year).collect::<Vec<_>>(),
            ),
            Column::new(
                name::IND.into(),
                targets
                    .iter()
                    .map(|t| t.indicator as i32)
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                name::TARGET.into(),
                targets.iter().map(|t| t.value).collect::<Vec<_>>(),
            ),
        ])
        .map_err(|e| polars_error(&e))?;

        let earliest = counts.iter().map(|c| c.month).min().unwrap_or(period);
        let (windows, month_windows) = windows(period, earliest).map_err(|e| polars_error(&e))?;
        let (membership, regions) = membership(&accepted.partnerships, regions, groups)?;

        Ok(Inputs {
            partnerships,
            counts: counts_df,
            targets: targets_df,
            windows,
            month_windows,
            membership,
            regions,
        })
    }
}

/// The `(first, last)` month index of window `w`; `first` is `i32::MIN`
/// for `cumulatief` ("since the beginning").
pub(super) fn window_bounds(w: i32, period: Month) -> (i32, i32) {
    let p = period.index();
    match w {
        W_JTD => (period.january().index(), p),
        W_JTD_PREV => (period.january().index() - 12, p - 12),
        W_CUM => (i32::MIN, p),
        maand => {
            let m = p - (TREND_MONTHS - 1) + maand;
            (m, m)
        }
    }
}

fn windows(period: Month, earliest: Month) -> PolarsResult<(DataFrame, DataFrame)> {
    let ids: Vec<i32> = (0..WINDOW_COUNT).collect();
    let bounds: Vec<(i32, i32)> = ids.iter().map(|&w| window_bounds(w, period)).collect();
    let all_levels: Vec<bool> = ids
        .iter()
        .map(|&w| w >= TREND_MONTHS || w == W_MAAND || w == W_MAAND_PREV)
        .collect();
    let windows = DataFrame::new_infer_height(vec![
        Column::new(name::W.into(), ids.clone()),
        Column::new(
            name::FIRST.into(),
            bounds.iter().map(|b| b.0).collect::<Vec<_>>(),
        ),
        Column::new(
            name::LAST.into(),
            bounds.iter().map(|b| b.1).collect::<Vec<_>>(),
        ),
        Column::new(name::ALL_LEVELS.into(), all_levels),
    ])?;

    // Small: one row per (window, month) for the months a count row can have.
    let (mut months, mut ws) = (Vec::new(), Vec::new());
    for (&w, &(first, last)) in ids.iter().zip(&bounds) {
        for m in first.max(earliest.index())..=last {
            months.push(m);
            ws.push(w);
        }
    }
    let month_windows = DataFrame::new_infer_height(vec![
        Column::new(name::MONTH.into(), months),
        Column::new(name::W.into(), ws),
    ])?;
    Ok((windows, month_windows))
}

/// The region dictionary in export order, and one membership row per
/// (partnership, region).
fn membership(
    partnerships: &[Partnership],
    regions: &Regions,
    groups: &[RegionGroup],
) -> Result<(DataFrame, Vec<Region>), Error> {
    // (level, code) -> naam; the first name seen for a code wins, so a
    // reference that spells a region two ways still gives one row.
    let mut names: BTreeMap<(Level, &str), &str> = BTreeMap::new();
    names.insert((Level::Nl, "NL"), "Nederland");
    let mut keys_per_pps: Vec<Vec<(Level, &str)>> = Vec::with_capacity(partnerships.len());
    for p in partnerships {
        let m = regions.get(&p.gemeente).ok_or_else(|| {
            Error::Aggregate(format!(
                "partnership `{}`: municipality {} is not in the region reference",
                p.pps_id, p.gemeente
            ))
        })?;
        let mut keys: Vec<(Level, &str, &str)> = vec![
            (Level::Nl, "NL", "Nederland"),
            (Level::Landsdeel, &m.landsdeel.0, &m.landsdeel.1),
            (Level::Provincie, &m.provincie.0, &m.provincie.1),
            (
                Level::Arbeidsmarktregio,
                &m.arbeidsmarktregio.0,
                &m.arbeidsmarktregio.1,
            ),
            (Level::Pps, &p.pps_id, &p.naam),
        ];
        for g in groups.iter().filter(|g| g.gemeenten.contains(&p.gemeente)) {
            keys.push((Level::Regiogroep, &g.code, &g.naam));
        }
        if let Some(c) = p.consortium.as_deref().filter(|c| !c.trim().is_empty()) {
            keys.push((Level::Consortium, c, c));
        }
        for &(level, code, naam) in &keys {
            names.entry((level, code)).or_insert(naam);
        }
        let mut keys: Vec<(Level, &str)> = keys.into_iter().map(|(l, c, _)| (l, c)).collect();
        // Two configured groups with the same code must not count a
        // partnership twice.
        keys.sort_unstable();
        keys.dedup();
        keys_per_pps.push(keys);
    }

    let ids: HashMap<(Level, &str), u32> = names
        .keys()
        .enumerate()
        .map(|(i, &k)| (k, i as u32))
        .collect();
    let (mut pps, mut region, mut level, mut trend) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (i, keys) in keys_per_pps.iter().enumerate() {
        for key in keys {
            pps.push(i as u32);
            region.push(ids[key]);
            level.push(key.0 as i32);
            trend.push(TREND_LEVELS.contains(&key.0));
        }
    }
    let frame = DataFrame::new_infer_height(vec![
        Column::new(name::PPS.into(), pps),
        Column::new(name::REGION.into(), region),
        Column::new(name::LEVEL.into(), level),
        Column::new(name::TREND.into(), trend),
    ])
    .map_err(|e| polars_error(&e))?;
    let list = names
        .into_iter()
        .map(|((level, code), naam)| Region {
            level,
            code: code.into(),
            naam: naam.into(),
        })
        .collect();
    Ok((frame, list))
}
