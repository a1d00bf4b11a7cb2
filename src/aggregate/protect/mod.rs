//! Small-count protection (contract sections 5, 7 and 7a): decides, for
//! every row of the export, its `status` (published, primary or secondary
//! suppression, missing) and whether its `realisatie_pct` and `groei_pct`
//! are hidden.
//!
//! Takes the accepted rows, the region membership, the unsuppressed rows
//! and the earlier exports (P−1, P−12) found in the output folder; changes
//! only the rows' status fields and returns a [`Protection`] summary.
//!
//! **How the guarantee is met: witnesses.** For every primary cell c (of
//! this export, and of the P−1 export when its cell is suppressed there and
//! still small on today's data) the code looks for an alternative data set
//! that an attacker cannot tell apart from the real one and in which c is
//! at least `t`: `+δ` on one partnership's count in one month (or on its
//! stock), `−δ` on the same count of another partnership (δ = t − c, and
//! the other one must hold at least δ: a secondary cell of 0 protects
//! nothing; `bedrijven_mkb ≤ bedrijven` is kept). For counts of one month
//! the pair's change can also be undone in another month of P's year
//! where both submitted (`−δ` for the one, `+δ` for the other), or spread
//! over several such months when no single one holds δ: the `jtd` and
//! `cumulatief` sums holding those months then stay the same, so only the
//! single-month cells change (allowed only where those are not published
//! in the P−1 export). Every cell of this export
//! that the change alters (all windows, all levels, the identities
//! `studenten` and `deelnemers`, the year-earlier value behind a published
//! `groei_pct`) is then suppressed; a change that would alter a published
//! cell of the P−1 export is not allowed. Because every published number
//! of both exports is the same in both data sets, a linear programming
//! attacker's upper bound for c is at least `t`. Suppressing more never
//! breaks a witness, so the union over all primary cells protects them all.
//!
//! Witnesses are chosen greedily and deterministically: the P−1 primaries
//! first (they have the fewest options), then this export's from the lowest
//! level up; among the candidates (the partnerships that share most regions
//! first, the latest month first) the one that suppresses the fewest new
//! cells wins, `nl` cells counting as almost impossible, then lower levels
//! and smaller values. A primary cell for which no witness exists is
//! reported as a warning (never silently).
//!
//! **Pruning.** The greedy choice suppresses cells that later witnesses
//! make unnecessary. A last pass tries to publish each secondary cell
//! again (`nl` first, then higher levels, then larger values): it is
//! published when every witness that changes it can be swapped for
//! another witness of the same primary cell that changes only cells
//! still suppressed. The argument is the same (each primary cell keeps a
//! witness whose changed cells are all suppressed). The other witnesses
//! are looked for once per primary cell, within a fixed number of
//! candidates, so the pass costs a bounded and deterministic amount.
//!
//! **Cost.** A candidate's changes are summed in a dense accumulator (no
//! sorting, no hashing); each partnership's rows per window are found
//! once; the P−1 slots are left out when there is no P−1 export and
//! checked first when there is (most forbidden candidates stop there).

mod earlier;
#[cfg(test)]
mod tests;

use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use serde::Serialize;

pub use earlier::{Earlier, ExportCells};

use super::frames::Region;
use crate::model::{Accepted, CellStatus, Indicator, KpiRow, Level, Month, Ratio, Window};
use crate::schema::Measure;

/// The count indicators: the first of [`Indicator::ALL`] (a unit test in
/// `model.rs` keeps them there), numbered by their position.
const COUNTS: usize = count_indicators();
/// The windows of the export: `maand`, `jtd`, `cumulatief`.
const WINDOWS: usize = Window::ALL.len();
/// Windows per export, and the year-earlier twins of `maand` and `jtd`
/// (behind `groei_pct`): twin `WINDOWS + k` is window `k` a year earlier.
const KINDS: usize = WINDOWS + 2;
/// Exports: this one (0) and P−1 (1).
const SLOTS: usize = 2 * KINDS;
/// The numbers of a submission, numbered as in [`Measure::ALL`].
const MEASURES: usize = Measure::COUNT;
/// The two stocks tied by `bedrijven_mkb ≤ bedrijven`.
const BED: usize = Measure::Bedrijven as usize;
const MKB: usize = Measure::BedrijvenMkb as usize;
/// Per measure: a stock (the latest month of a window counts) rather than
/// a flow (every month of a window counts).
const STOCK: [bool; MEASURES] = {
    let mut out = [false; MEASURES];
    let mut k = 0;
    while k < MEASURES {
        out[k] = Measure::ALL[k].is_stock();
        k += 1;
    }
    out
};
/// The count indicators each measure feeds (its own, and the sums holding
/// it), and the measures each count indicator is made of: both read from
/// the declaration ([`Measure::indicator`], [`Indicator::parts`]), once.
static INDICATORS_OF: [Few<COUNTS>; MEASURES] = feeds().0;
static MEASURES_OF: [Few<MEASURES>; COUNTS] = feeds().1;
/// Per count indicator, its place when primary cells are protected: the
/// submitted indicators first, then the sums (the parts before their sums).
const PARTS_FIRST: [usize; COUNTS] = {
    let mut out = [0; COUNTS];
    let mut next = 0;
    let mut sums = 0;
    while sums < 2 {
        let mut i = 0;
        while i < COUNTS {
            if Indicator::ALL[i].parts().is_empty() == (sums == 0) {
                out[i] = next;
                next += 1;
            }
            i += 1;
        }
        sums += 1;
    }
    out
};
/// Candidates tried per primary cell once one works: enough to find the
/// cheap ones (the closest partnerships come first), few enough to keep
/// the run fast.
const BUDGET: usize = 40;
/// Partners tried first, and while the best witness needs an `nl` cell.
const NARROW: usize = 8;
const WIDE: usize = 32;
/// Candidates the pruning pass tries per primary cell for other
/// witnesses, and the most it keeps.
const PRUNE_TRIES: usize = 40;
const PRUNE_KEEP: usize = 8;

/// How many indicators lead [`Indicator::ALL`] as count indicators.
const fn count_indicators() -> usize {
    let mut n = 0;
    while n < Indicator::ALL.len() && Indicator::ALL[n].is_count() {
        n += 1;
    }
    n
}

/// A short list of numbers in a fixed-size array (built in `const`).
#[derive(Clone, Copy)]
struct Few<const N: usize> {
    items: [usize; N],
    len: usize,
}

impl<const N: usize> Few<N> {
    const EMPTY: Few<N> = Few {
        items: [0; N],
        len: 0,
    };

    const fn push(&mut self, x: usize) {
        self.items[self.len] = x;
        self.len += 1;
    }

    fn as_slice(&self) -> &[usize] {
        &self.items[..self.len]
    }
}

/// Measure `k` feeds count indicator `i` when `i` is its indicator or a
/// sum holding that indicator. Both directions, in ascending order.
const fn feeds() -> ([Few<COUNTS>; MEASURES], [Few<MEASURES>; COUNTS]) {
    let mut of_measure = [Few::EMPTY; MEASURES];
    let mut of_indicator = [Few::EMPTY; COUNTS];
    let mut k = 0;
    while k < MEASURES {
        let own = Measure::ALL[k].indicator() as usize;
        let mut i = 0;
        while i < COUNTS {
            let parts = Indicator::ALL[i].parts();
            let mut fed = i == own;
            let mut j = 0;
            while j < parts.len() {
                fed |= parts[j] as usize == own;
                j += 1;
            }
            if fed {
                of_measure[k].push(i);
                of_indicator[i].push(k);
            }
            i += 1;
        }
        k += 1;
    }
    (of_measure, of_indicator)
}

/// The count indicators a submitted measure feeds.
fn indicators_of(measure: usize) -> &'static [usize] {
    INDICATORS_OF[measure].as_slice()
}

/// The measures a count indicator is made of.
fn measures_of(indicator: usize) -> &'static [usize] {
    MEASURES_OF[indicator].as_slice()
}

/// A change of some stock.
fn changes_stock(delta: &[i64; MEASURES]) -> bool {
    (0..MEASURES).any(|k| STOCK[k] && delta[k] != 0)
}

/// The flows, in column order.
fn flows() -> impl Iterator<Item = usize> {
    (0..MEASURES).filter(|&k| !STOCK[k])
}

/// Cells suppressed at one level.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct LevelCount {
    pub level: &'static str,
    pub primary: usize,
    pub secondary: usize,
}

/// What protection hid, for the manifest and the run summary.
#[derive(Serialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct Protection {
    pub threshold: i64,
    /// Count cells (studenten_bol … bedrijven_mkb, every window) in the
    /// export; `M` cells included.
    pub count_cells: usize,
    pub primary: usize,
    pub secondary: usize,
    pub missing: usize,
    /// Per level, this export's count cells.
    pub levels: Vec<LevelCount>,
    /// `read`, `absent` or `unreadable`: the export of P−1.
    pub previous_export: &'static str,
    /// Primary cells of the P−1 export (suppressed there and still 1..t−1
    /// on today's data) that this export had to protect too, per level.
    pub previous_primaries: Vec<LevelCount>,
    /// Primary cells without a witness, and unreadable earlier exports.
    pub warnings: Vec<String>,
}

impl Protection {
    /// `a / b` secondary cells over all count cells, in tenths of a percent.
    pub fn secondary_share(&self) -> Option<Ratio> {
        Ratio::new(self.secondary as i64, self.count_cells as i64)
    }
}

/// The data protection works on: per partnership its accepted months.
pub(super) struct Data {
    period: Month,
    /// Per partnership, `(month, measures)` sorted by month, up to P.
    rows: Vec<Vec<(i32, [i64; MEASURES])>>,
    /// Per partnership and slot, the range of `rows` within the slot's
    /// months (looked up for every candidate change: computed once).
    spans: Vec<[(u32, u32); SLOTS]>,
}

/// Each partnership's position in the register, by `pps_id`.
fn pps_index(accepted: &Accepted) -> HashMap<&str, usize> {
    accepted
        .partnerships
        .iter()
        .enumerate()
        .map(|(i, p)| (p.pps_id.as_str(), i))
        .collect()
}

/// `(first, last)` month of slot `s` for period `period` (`first` is
/// `i32::MIN` for `cumulatief`).
fn interval(period: Month, s: usize) -> (i32, i32) {
    let base = period.offset(-((s / KINDS) as i32));
    let jan = base.january().index();
    let b = base.index();
    match s % KINDS {
        0 => (b, b),
        1 => (jan, b),
        2 => (i32::MIN, b),
        3 => (b - 12, b - 12),
        _ => (jan - 12, b - 12),
    }
}

impl Data {
    pub(super) fn new(accepted: &Accepted, period: Month) -> Data {
        let index = pps_index(accepted);
        let mut rows = vec![Vec::new(); accepted.partnerships.len()];
        for c in &accepted.counts {
            if let Some(&p) = index.get(c.pps_id.as_str())
                && c.month <= period
            {
                rows[p].push((c.month.index(), c.values));
            }
        }
        for r in &mut rows {
            r.sort_by_key(|&(m, _)| m);
        }
        Data::from_rows(period, rows)
    }

    fn from_rows(period: Month, rows: Vec<Vec<(i32, [i64; MEASURES])>>) -> Data {
        let intervals: [(i32, i32); SLOTS] = std::array::from_fn(|s| interval(period, s));
        let spans = rows
            .iter()
            .map(|r| {
                intervals.map(|(first, last)| {
                    let a = r.partition_point(|&(m, _)| m < first);
                    let b = r.partition_point(|&(m, _)| m <= last);
                    (a as u32, b as u32)
                })
            })
            .collect();
        Data {
            period,
            rows,
            spans,
        }
    }

    /// `(first, last)` month of slot `s` (`first` is `i32::MIN` for
    /// `cumulatief`).
    fn interval(&self, s: usize) -> (i32, i32) {
        interval(self.period, s)
    }

    /// The rows of partnership `p` within slot `s`.
    fn within(&self, p: usize, s: usize) -> &[(i32, [i64; MEASURES])] {
        let (a, b) = self.spans[p][s];
        &self.rows[p][a as usize..b as usize]
    }

    fn has_data(&self, p: usize, s: usize) -> bool {
        !self.within(p, s).is_empty()
    }

    /// The latest accepted month of `p` within slot `s`: where its stocks
    /// come from.
    fn stock_month(&self, p: usize, s: usize) -> Option<i32> {
        self.within(p, s).last().map(|&(m, _)| m)
    }

    fn row(&self, p: usize, month: i32) -> Option<&[i64; MEASURES]> {
        let rows = &self.rows[p];
        rows.binary_search_by_key(&month, |&(m, _)| m)
            .ok()
            .map(|i| &rows[i].1)
    }

    /// The count values of `p` in slot `s`: flows summed over the slot's
    /// months, stocks from its latest month, each added to the indicators
    /// it feeds.
    fn values(&self, p: usize, s: usize) -> [i64; COUNTS] {
        let rows = self.within(p, s);
        let mut measures = [0; MEASURES];
        for (_, m) in rows {
            for k in flows() {
                measures[k] += m[k];
            }
        }
        if let Some((_, m)) = rows.last() {
            for k in (0..MEASURES).filter(|&k| STOCK[k]) {
                measures[k] = m[k];
            }
        }
        let mut v = [0; COUNTS];
        for (k, x) in measures.into_iter().enumerate() {
            for &i in indicators_of(k) {
                v[i] += x;
            }
        }
        v
    }
}

/// The regions and who belongs where.
pub(super) struct Membership<'a> {
    pub regions: &'a [Region],
    /// Per partnership its region ids, sorted.
    pub of_pps: Vec<Vec<u32>>,
    /// Per region its partnerships, sorted.
    pub members: Vec<Vec<u32>>,
}

impl<'a> Membership<'a> {
    pub(super) fn new(regions: &'a [Region], pairs: &[(u32, u32)], partnerships: usize) -> Self {
        let mut of_pps = vec![Vec::new(); partnerships];
        let mut members = vec![Vec::new(); regions.len()];
        for &(p, r) in pairs {
            if let (Some(a), Some(b)) = (of_pps.get_mut(p as usize), members.get_mut(r as usize)) {
                a.push(r);
                b.push(p);
            }
        }
        for v in of_pps.iter_mut().chain(members.iter_mut()) {
            v.sort_unstable();
            v.dedup();
        }
        Membership {
            regions,
            of_pps,
            members,
        }
    }

    fn contains(&self, region: usize, p: usize) -> bool {
        self.of_pps[p].binary_search(&(region as u32)).is_ok()
    }
}

/// Every count cell of every slot: `((slot × regions) + region) × 8 + indicator`.
fn all_values(data: &Data, m: &Membership<'_>) -> Vec<i64> {
    let n = m.regions.len();
    let mut out = vec![0i64; SLOTS * n * COUNTS];
    for p in 0..m.of_pps.len() {
        for s in 0..SLOTS {
            let v = data.values(p, s);
            if v.iter().all(|&x| x == 0) {
                continue;
            }
            for &r in &m.of_pps[p] {
                let base = (s * n + r as usize) * COUNTS;
                for (o, x) in out[base..base + COUNTS].iter_mut().zip(v) {
                    *o += x;
                }
            }
        }
    }
    out
}

/// A change of one partnership's submission in one month.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) struct Move {
    pub pps: usize,
    pub month: i32,
    pub delta: [i64; MEASURES],
}

/// An alternative data set for one primary cell: `plus` raises it,
/// `minus` (when there is one) keeps the totals above it.
#[derive(Clone, Debug)]
pub(super) struct Witness {
    /// `(slot, region, indicator)`
    pub cell: (usize, usize, usize),
    pub plus: Move,
    pub minus: Option<Move>,
    /// The same pair's change undone in other months of P's year (`plus`
    /// negated for its partnership, `minus` negated for the other, spread
    /// over one or more months): the windows holding all those months keep
    /// their sums, so only the one-month cells change.
    pub undo: Option<Vec<Move>>,
}

/// Another witness for a primary cell, with the secondary cells it needs.
type Alternative = (Witness, Vec<u32>);

/// The cost of a candidate: new `nl` cells, new cells, their levels, their
/// values (compared in this order).
type Cost = (usize, usize, usize, i64);

struct Protector<'a> {
    data: &'a Data,
    m: &'a Membership<'a>,
    t: i64,
    values: Vec<i64>,
    /// This export's count cells (slots 0..3).
    status: Vec<CellStatus>,
    /// P−1 cells (slots 5..8, as 0..3) that its export published.
    previous_published: Vec<bool>,
    /// P−1 `maand`/`jtd` rows whose `groei_pct` was published.
    previous_growth: Vec<bool>,
    /// This export's `maand`/`jtd` rows whose `groei_pct` is hidden anyway.
    growth_hidden: Vec<bool>,
    witnesses: Vec<Witness>,
    /// The slots a change can matter in: all of them when there is a P−1
    /// export, only this export's otherwise.
    slots: usize,
    /// What the candidate being evaluated changes, per cell key of
    /// `values` (valid where `stamp` holds the current `generation`), and
    /// the keys it touches, in the order first touched: a dense
    /// accumulator, so that summing a candidate's changes needs no sort.
    change: Vec<i64>,
    stamp: Vec<u32>,
    generation: u32,
    touched: Vec<u32>,
    /// Per partnership, the call of `partners` that last saw it.
    seen: Vec<u32>,
    seen_generation: u32,
    /// [`Protector::partners`] by partnership and region: the same
    /// partnership has several small cells, in both exports.
    partner_cache: HashMap<(usize, usize), Rc<[usize]>>,
}

/// The outcome of [`protect`], kept for the self-checks in the tests.
#[cfg_attr(
    not(test),
    expect(
        dead_code,
        reason = "the witnesses are read by the self-check in the tests"
    )
)]
pub(super) struct Decided {
    pub status: Vec<CellStatus>,
    pub previous_published: Vec<bool>,
    pub previous_growth: Vec<bool>,
    pub growth_hidden: Vec<bool>,
    pub witnesses: Vec<Witness>,
    pub previous_primaries: Vec<(usize, usize, usize)>,
    pub unprotected: Vec<(usize, usize, usize)>,
}

fn main_index(n: usize, w: usize, r: usize, i: usize) -> usize {
    (w * n + r) * COUNTS + i
}

fn level_rank(level: Level) -> usize {
    match level {
        Level::Pps => 0,
        Level::Consortium => 1,
        Level::Regiogroep => 2,
        Level::Arbeidsmarktregio => 3,
        Level::Provincie => 4,
        Level::Landsdeel => 5,
        Level::Nl => 6,
    }
}

/// What a touched cell costs: `None` when the change is not allowed,
/// otherwise the index in `status` of the cell it newly suppresses.
enum Touch {
    Free,
    Forbidden,
    New(usize),
}

impl Protector<'_> {
    fn n(&self) -> usize {
        self.m.regions.len()
    }

    fn classify(&self, key: u32) -> Touch {
        let n = self.n();
        let key = key as usize;
        let i = key % COUNTS;
        let r = (key / COUNTS) % n;
        let s = key / COUNTS / n;
        let (export, kind) = (s / KINDS, s % KINDS);
        match (export, kind) {
            (0, 0..=2) => {
                let idx = main_index(n, kind, r, i);
                match self.status[idx] {
                    CellStatus::Published => Touch::New(idx),
                    CellStatus::Missing => Touch::Forbidden,
                    _ => Touch::Free,
                }
            }
            (0, _) => {
                let idx = main_index(n, kind - 3, r, i);
                if self.growth_hidden[idx] {
                    Touch::Free
                } else {
                    match self.status[idx] {
                        CellStatus::Published => Touch::New(idx),
                        _ => Touch::Free,
                    }
                }
            }
            (_, 0..=2) => {
                if self.previous_published[main_index(n, kind, r, i)] {
                    Touch::Forbidden
                } else {
                    Touch::Free
                }
            }
            _ => {
                if self.previous_growth[main_index(n, kind - 3, r, i)] {
                    Touch::Forbidden
                } else {
                    Touch::Free
                }
            }
        }
    }

    /// Forgets the changes of the previous candidate.
    fn clear_change(&mut self) {
        self.touched.clear();
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            // Wrapped around: old stamps could look current again.
            self.stamp.fill(0);
            self.generation = 1;
        }
    }

    fn add(&mut self, key: usize, d: i64) {
        if self.stamp[key] != self.generation {
            self.stamp[key] = self.generation;
            self.change[key] = 0;
            self.touched.push(key as u32);
        }
        self.change[key] += d;
    }

    /// Adds what `mv` changes to `change`.
    fn effects(&mut self, mv: &Move, skip: Option<usize>, slots: std::ops::Range<usize>) {
        let n = self.n();
        let m = self.m;
        // A region holding both partnerships of a mirrored pair sees the
        // change cancel out.
        let mut regions = [0u32; 16];
        let mut count = 0;
        let mut rest = Vec::new();
        for &r in &m.of_pps[mv.pps] {
            if !skip.is_some_and(|q| m.contains(r as usize, q)) {
                if count < regions.len() {
                    regions[count] = r;
                    count += 1;
                } else {
                    rest.push(r);
                }
            }
        }
        for s in slots {
            let (first, last) = self.data.interval(s);
            let in_window = (first..=last).contains(&mv.month);
            let stock_here = self.data.stock_month(mv.pps, s) == Some(mv.month);
            // What the move adds to each count indicator in this slot.
            let mut by_indicator = [0i64; COUNTS];
            for (k, &d) in mv.delta.iter().enumerate() {
                if d != 0 && (if STOCK[k] { stock_here } else { in_window }) {
                    for &i in indicators_of(k) {
                        by_indicator[i] += d;
                    }
                }
            }
            if by_indicator.iter().all(|&d| d == 0) {
                continue;
            }
            for &r in regions[..count].iter().chain(&rest) {
                let base = (s * n + r as usize) * COUNTS;
                for (i, &d) in by_indicator.iter().enumerate() {
                    if d != 0 {
                        self.add(base + i, d);
                    }
                }
            }
        }
    }

    /// `minus` undoes `plus` exactly in every region holding both: the
    /// same month and the opposite change, and (stocks) the same windows.
    fn mirrored(&self, plus: &Move, minus: &Move) -> bool {
        plus.month == minus.month
            && plus.pps != minus.pps
            && plus.delta.map(|d| -d) == minus.delta
            && (!changes_stock(&plus.delta)
                || (0..SLOTS).all(|s| {
                    (self.data.stock_month(plus.pps, s) == Some(plus.month))
                        == (self.data.stock_month(minus.pps, s) == Some(minus.month))
                }))
    }

    /// Sums what witness `w` changes in `slots` into `change`.
    fn sum_changes(&mut self, w: &Witness, slots: std::ops::Range<usize>) {
        self.clear_change();
        let mirrored = w.undo.is_none()
            && w.minus
                .as_ref()
                .is_some_and(|minus| self.mirrored(&w.plus, minus));
        match &w.minus {
            Some(minus) if mirrored => {
                self.effects(&w.plus, Some(minus.pps), slots.clone());
                self.effects(minus, Some(w.plus.pps), slots);
            }
            _ => {
                self.effects(&w.plus, None, slots.clone());
                for mv in w.minus.iter().chain(w.undo.iter().flatten()) {
                    self.effects(mv, None, slots.clone());
                }
            }
        }
    }

    /// The secondary cells of this export that witness `w` changes: the
    /// cells that must stay suppressed for it to hold. Sorted.
    fn held_by(&mut self, w: &Witness) -> Vec<u32> {
        let n = self.n();
        self.sum_changes(w, 0..KINDS);
        let mut out = Vec::new();
        for j in 0..self.touched.len() {
            let key = self.touched[j] as usize;
            if self.change[key] == 0 {
                continue;
            }
            let (i, r, s) = (key % COUNTS, (key / COUNTS) % n, key / COUNTS / n);
            let idx = main_index(n, s % WINDOWS, r, i);
            // A year-earlier twin matters only where `groei_pct` shows.
            if (s < WINDOWS || !self.growth_hidden[idx])
                && self.status[idx] == CellStatus::Secondary
            {
                out.push(idx as u32);
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The cost of a witness and the cells it newly suppresses; `None`
    /// when it does not raise the cell to `t` or changes a published cell
    /// of P−1.
    fn evaluate(&mut self, w: &Witness, new: &mut Vec<usize>, bound: Option<Cost>) -> Option<Cost> {
        let n = self.n();
        let (s, r, i) = w.cell;
        let target = ((s * n + r) * COUNTS + i) as u32;
        new.clear();
        let mut cost: Cost = (0, 0, 0, 0);
        let mut raised = false;
        // The P−1 slots first: a change there is forbidden or free, and
        // most candidates that fail, fail there, before this export's
        // cells are even summed. The slots are disjoint sets of cells, so
        // the phases do not interact.
        let phases = if self.slots == SLOTS {
            [KINDS..SLOTS, 0..KINDS]
        } else {
            [0..KINDS, 0..0]
        };
        for slots in phases {
            if slots.is_empty() {
                continue;
            }
            self.sum_changes(w, slots);
            // The cost only grows as cells are added, so the order the
            // keys are visited in changes neither the outcome nor the cost.
            for j in 0..self.touched.len() {
                let key = self.touched[j];
                let sum = self.change[key as usize];
                if sum == 0 {
                    continue;
                }
                if key == target {
                    raised = self.values[key as usize] + sum >= self.t;
                }
                match self.classify(key) {
                    Touch::Free => {}
                    Touch::Forbidden => return None,
                    Touch::New(idx) => {
                        if !new.contains(&idx) {
                            new.push(idx);
                            let region = (idx / COUNTS) % n;
                            let level = self.m.regions[region].level;
                            if level == Level::Nl {
                                cost.0 += 1;
                            }
                            cost.1 += 1;
                            cost.2 += level_rank(level);
                            cost.3 += self.values[idx];
                            // No better than the best so far: stop counting.
                            if bound.is_some_and(|b| cost >= b) {
                                return None;
                            }
                        }
                    }
                }
            }
        }
        raised.then_some(cost)
    }

    /// Partnerships to take the difference from, closest to `p` first:
    /// gathered from its smallest regions (not in region `not_in`), ranked
    /// by the number of regions they share with `p` (the fewer regions
    /// separate them, the fewer cells change), then by number; the first
    /// [`WIDE`], kept per partnership and region.
    fn partners(&mut self, p: usize, not_in: usize) -> Rc<[usize]> {
        if let Some(found) = self.partner_cache.get(&(p, not_in)) {
            return found.clone();
        }
        let found: Rc<[usize]> = self.gather_partners(p, not_in).into();
        self.partner_cache.insert((p, not_in), found.clone());
        found
    }

    fn gather_partners(&mut self, p: usize, not_in: usize) -> Vec<usize> {
        const GATHER: usize = 256;
        let mut regions = self.m.of_pps[p].clone();
        regions.sort_by_key(|&r| (self.m.members[r as usize].len(), r));
        self.seen_generation = self.seen_generation.wrapping_add(1);
        if self.seen_generation == 0 {
            self.seen.fill(0);
            self.seen_generation = 1;
        }
        let mut found = Vec::new();
        'gather: for r in regions {
            for &q in &self.m.members[r as usize] {
                let q = q as usize;
                if q != p && !self.m.contains(not_in, q) && self.seen[q] != self.seen_generation {
                    self.seen[q] = self.seen_generation;
                    found.push(q);
                    if found.len() >= GATHER {
                        break 'gather;
                    }
                }
            }
        }
        let mine = &self.m.of_pps[p];
        let shared = |q: usize| {
            let theirs = &self.m.of_pps[q];
            let (mut i, mut j, mut n) = (0, 0, 0);
            while i < mine.len() && j < theirs.len() {
                match mine[i].cmp(&theirs[j]) {
                    std::cmp::Ordering::Less => i += 1,
                    std::cmp::Ordering::Greater => j += 1,
                    std::cmp::Ordering::Equal => {
                        n += 1;
                        i += 1;
                        j += 1;
                    }
                }
            }
            n
        };
        let mut ranked: Vec<(usize, usize)> = found.into_iter().map(|q| (shared(q), q)).collect();
        ranked.sort_unstable_by_key(|&(n, q)| (std::cmp::Reverse(n), q));
        ranked.into_iter().take(WIDE).map(|(_, q)| q).collect()
    }

    /// Candidate `(plus, minus options)` pairs for raising cell
    /// `(s, r, i)` by δ via partnership `p`.
    fn plus_moves(&self, p: usize, s: usize, i: usize, delta: i64) -> Vec<Move> {
        let mut out = Vec::new();
        for &k in measures_of(i) {
            if !STOCK[k] {
                for &(month, row) in self.data.within(p, s).iter().rev().take(2) {
                    let mut d = [0; MEASURES];
                    d[k] = delta;
                    out.push(Move {
                        pps: p,
                        month,
                        delta: d,
                    });
                    // Or trade it for another flow of the same partnership
                    // and month: sums over flows (`deelnemers`, and
                    // `studenten` for bol and bbl) stay as they are.
                    for other in flows().filter(|&o| o != k && row[o] >= delta) {
                        let mut d = d;
                        d[other] = -delta;
                        out.push(Move {
                            pps: p,
                            month,
                            delta: d,
                        });
                    }
                    // No single other flow is large enough: take δ from
                    // several, in column order.
                    let others: i64 = flows().filter(|&o| o != k).map(|o| row[o]).sum();
                    if others >= delta && flows().all(|o| o == k || row[o] < delta) {
                        let mut d = d;
                        let mut left = delta;
                        for o in flows().filter(|&o| o != k) {
                            let take = row[o].min(left);
                            d[o] = -take;
                            left -= take;
                        }
                        out.push(Move {
                            pps: p,
                            month,
                            delta: d,
                        });
                    }
                }
            } else if let Some(month) = self.data.stock_month(p, s) {
                let Some(row) = self.data.row(p, month) else {
                    continue;
                };
                let mut d = [0; MEASURES];
                d[k] = delta;
                if k != MKB || row[BED] - row[MKB] >= delta {
                    out.push(Move {
                        pps: p,
                        month,
                        delta: d,
                    });
                }
                // Both stocks together: the other partnership may have no
                // room between its bedrijven and bedrijven_mkb.
                if k == BED || k == MKB {
                    d[BED] = delta;
                    d[MKB] = delta;
                    out.push(Move {
                        pps: p,
                        month,
                        delta: d,
                    });
                }
            }
        }
        out
    }

    /// The ways partnership `q` can give back what `plus` added: the same
    /// change negated (flows: in the same month), or for stocks also both
    /// `bedrijven` and `bedrijven_mkb` lowered; never below 0, never more
    /// mkb than bedrijven.
    fn minus_moves(&self, plus: &Move, q: usize) -> Vec<Move> {
        let mut out = Vec::new();
        let Some(k) = plus.delta.iter().position(|&d| d > 0) else {
            return out;
        };
        let delta = plus.delta[k];
        let feasible = |row: &[i64; MEASURES], d: &[i64; MEASURES]| {
            (0..MEASURES).all(|j| row[j] + d[j] >= 0) && row[BED] + d[BED] >= row[MKB] + d[MKB]
        };
        let negated = plus.delta.map(|d| -d);
        if !STOCK[k] {
            if q == plus.pps {
                // The same partnership in another month, the latest
                // first: the windows that hold both months keep their sums.
                let months = self.data.rows[q]
                    .iter()
                    .rev()
                    .filter(|(m, row)| *m != plus.month && feasible(row, &negated))
                    .take(3);
                for &(month, _) in months {
                    out.push(Move {
                        pps: q,
                        month,
                        delta: negated,
                    });
                }
            } else if let Some(row) = self.data.row(q, plus.month)
                && feasible(row, &negated)
            {
                out.push(Move {
                    pps: q,
                    month: plus.month,
                    delta: negated,
                });
            }
            return out;
        }
        let mut months: Vec<i32> = (0..SLOTS)
            .filter_map(|s| self.data.stock_month(q, s))
            .collect();
        // The same month as `plus` first, then the latest.
        months.sort_unstable_by_key(|&m| (m != plus.month, -m));
        months.dedup();
        let mut both = [0; MEASURES];
        both[BED] = -delta;
        both[MKB] = -delta;
        let both = (k == BED || k == MKB).then_some(both);
        for month in months {
            let Some(row) = self.data.row(q, month) else {
                continue;
            };
            for d in std::iter::once(negated).chain(both) {
                if feasible(row, &d) && !out.iter().any(|m: &Move| m.month == month && m.delta == d)
                {
                    out.push(Move {
                        pps: q,
                        month,
                        delta: d,
                    });
                }
            }
        }
        out
    }

    /// For a pair of flow changes in one month, the same pair reversed in
    /// another month of P's year where both partnerships submitted (the
    /// latest two such months): `+δ` then `−δ` for the one, `−δ` then `+δ` for the
    /// other. Sums over windows holding both months stay as they are, so
    /// such a witness changes only the cells of the two single months.
    fn undo_moves(&self, plus: &Move, minus: &Move, upto: Month) -> Vec<[Move; 2]> {
        let (p, q) = (plus.pps, minus.pps);
        // Within the calendar year of the export the cell is in, up to its
        // period: that export's `jtd` keeps its sum, and no month of an
        // earlier year's export is touched. (For a cell of the P−1 export,
        // an undo in P would change P−1's `jtd` and `cumulatief`.)
        let (january, last) = (upto.january().index(), upto.index());
        if p == q
            || plus.month < january
            || plus.month != minus.month
            || changes_stock(&plus.delta)
            || minus.delta != plus.delta.map(|d| -d)
        {
            return Vec::new();
        }
        let fits =
            |row: &[i64; MEASURES], d: &[i64; MEASURES]| (0..MEASURES).all(|j| row[j] + d[j] >= 0);
        self.data.rows[p]
            .iter()
            .rev()
            .filter(|&&(month, ref row)| {
                month != plus.month
                    && (january..=last).contains(&month)
                    && fits(row, &minus.delta)
                    && self
                        .data
                        .row(q, month)
                        .is_some_and(|r| fits(r, &plus.delta))
            })
            .take(2)
            .map(|&(month, _)| {
                [
                    Move {
                        pps: p,
                        month,
                        delta: minus.delta,
                    },
                    Move {
                        pps: q,
                        month,
                        delta: plus.delta,
                    },
                ]
            })
            .collect()
    }

    /// When no single month can undo a pair's flow change ([`Self::undo_moves`]:
    /// the one partnership has less than δ in every other month), the
    /// undo spread over several months of P's year, the latest first, each
    /// taking what the partnership has there. Only for a change of one
    /// flow by δ, or a trade of δ between two flows of the partnership.
    fn undo_spread(&self, plus: &Move, minus: &Move, upto: Month) -> Option<Vec<Move>> {
        let (p, q) = (plus.pps, minus.pps);
        // As in [`Self::undo_moves`]: months of the cell's export's year,
        // up to its period.
        let (january, last) = (upto.january().index(), upto.index());
        if p == q
            || plus.month < january
            || plus.month != minus.month
            || minus.delta != plus.delta.map(|d| -d)
        {
            return None;
        }
        let up = plus.delta.iter().position(|&d| d > 0)?;
        let delta = plus.delta[up];
        let down = plus.delta.iter().position(|&d| d < 0);
        let shape_ok = plus
            .delta
            .iter()
            .enumerate()
            .all(|(j, &d)| j == up && d == delta || Some(j) == down && d == -delta || d == 0);
        if !shape_ok || STOCK[up] || down.is_some_and(|o| STOCK[o]) {
            return None;
        }
        let mut left = delta;
        let mut out = Vec::new();
        for &(month, row) in self.data.rows[p].iter().rev() {
            if left == 0 {
                break;
            }
            if month == plus.month || !(january..=last).contains(&month) {
                continue;
            }
            let Some(other) = self.data.row(q, month) else {
                continue;
            };
            // `p` gives back flow `up`; `q` gives back flow `down`.
            let room = down.map_or(row[up], |o| row[up].min(other[o]));
            let take = room.min(left);
            if take <= 0 {
                continue;
            }
            let mut d = [0; MEASURES];
            d[up] = -take;
            if let Some(o) = down {
                d[o] = take;
            }
            out.push(Move {
                pps: p,
                month,
                delta: d,
            });
            out.push(Move {
                pps: q,
                month,
                delta: d.map(|x| -x),
            });
            left -= take;
        }
        (left == 0).then_some(out)
    }

    /// The period of the export that slot `s` belongs to: P, or P−1 for
    /// the slots of the previous export.
    fn export_period(&self, s: usize) -> Month {
        self.data.period.offset(-((s / KINDS) as i32))
    }

    /// Finds and applies the cheapest witness for cell `(s, r, i)`;
    /// `false` when there is none.
    fn protect_cell(&mut self, cell: (usize, usize, usize)) -> bool {
        match self.search(cell) {
            Some((_, w, cells)) => {
                for idx in cells {
                    self.status[idx] = CellStatus::Secondary;
                }
                self.witnesses.push(w);
                true
            }
            None => false,
        }
    }

    /// The partnerships holding data in slot `s` of region `r` that a
    /// witness for one of its cells starts from: the first four.
    fn holders(&self, s: usize, r: usize) -> Vec<usize> {
        self.m.members[r]
            .iter()
            .map(|&p| p as usize)
            .filter(|&p| self.data.has_data(p, s))
            .take(4)
            .collect()
    }

    /// The changes that raise `cell` to `t` via partnership `p`.
    fn raises(&self, cell: (usize, usize, usize), p: usize) -> Vec<Move> {
        let (s, r, i) = cell;
        let delta = self.t - self.values[(s * self.n() + r) * COUNTS + i];
        self.plus_moves(p, s, i, delta)
    }

    /// The candidate witnesses for `cell` that raise it by `plus` and take
    /// the difference from partnership `q` (`plus`'s own, in other
    /// months, or a partner), in the order they are tried; with `q` =
    /// `None`, raising `plus`'s partnership alone: every region it belongs
    /// to changes, `nl` included; the last resort. Made per `q`, so that a
    /// search that stops early makes few.
    fn candidates(
        &self,
        cell: (usize, usize, usize),
        plus: Move,
        q: Option<usize>,
    ) -> Vec<Witness> {
        let Some(q) = q else {
            return vec![Witness {
                cell,
                plus,
                minus: None,
                undo: None,
            }];
        };
        let mut out = Vec::new();
        for minus in self.minus_moves(&plus, q) {
            let upto = self.export_period(cell.0);
            let undos = self.undo_moves(&plus, &minus, upto);
            let spread = if undos.is_empty() {
                self.undo_spread(&plus, &minus, upto)
            } else {
                None
            };
            for undo in undos.into_iter().map(Vec::from).chain(spread) {
                out.push(Witness {
                    cell,
                    plus,
                    minus: Some(minus),
                    undo: Some(undo),
                });
            }
            out.push(Witness {
                cell,
                plus,
                minus: Some(minus),
                undo: None,
            });
        }
        out
    }

    /// The cheapest witness found for cell `(s, r, i)`, with its cost and
    /// the cells it would newly suppress.
    fn search(&mut self, cell: (usize, usize, usize)) -> Option<(Cost, Witness, Vec<usize>)> {
        let r = cell.1;
        let mut best: Option<(Cost, Witness, Vec<usize>)> = None;
        let mut new = Vec::new();
        let holders = self.holders(cell.0, r);
        // The closest few partnerships first; more only while the best
        // witness still needs an `nl` cell (or none was found). The wider
        // list starts with the narrower one: gathered once.
        let mut wide: Vec<Option<Rc<[usize]>>> = vec![None; holders.len()];
        for keep in [NARROW, WIDE] {
            if best.as_ref().is_some_and(|(c, _, _)| c.0 == 0) {
                break;
            }
            let mut tried = 0usize;
            'search: for (h, &p) in holders.iter().enumerate() {
                if wide[h].is_none() {
                    wide[h] = Some(self.partners(p, r));
                }
                let partners = wide[h].as_deref().unwrap_or_default();
                let partners = &partners[..keep.min(partners.len())];
                let sources = sources(p, partners);
                for plus in self.raises(cell, p) {
                    for &q in &sources {
                        for w in self.candidates(cell, plus, q) {
                            tried += 1;
                            let bound = best.as_ref().map(|(c, _, _)| *c);
                            if let Some(cost) = self.evaluate(&w, &mut new, bound)
                                && best.as_ref().is_none_or(|(c, _, _)| cost < *c)
                            {
                                best = Some((cost, w, new.clone()));
                                if cost.1 == 0 {
                                    break 'search;
                                }
                            }
                            if tried >= BUDGET && best.is_some() {
                                break 'search;
                            }
                        }
                    }
                }
            }
        }
        best
    }

    /// Up to `most` witnesses for `cell` that suppress no new cell, each
    /// with the secondary cells it needs ([`Protector::held_by`]); tries
    /// at most `tries` candidates.
    fn alternatives(
        &mut self,
        cell: (usize, usize, usize),
        tries: usize,
        most: usize,
    ) -> Vec<Alternative> {
        let mut out = Vec::new();
        let mut new = Vec::new();
        let mut used = 0;
        'search: for p in self.holders(cell.0, cell.1) {
            let partners = self.partners(p, cell.1);
            let sources = sources(p, &partners);
            for plus in self.raises(cell, p) {
                for &q in &sources {
                    for w in self.candidates(cell, plus, q) {
                        if used >= tries || out.len() >= most {
                            break 'search;
                        }
                        used += 1;
                        if self.evaluate(&w, &mut new, Some((0, 1, 0, 0))).is_some() {
                            let held = self.held_by(&w);
                            out.push((w, held));
                        }
                    }
                }
            }
        }
        out
    }

    /// After the greedy choice: tries to publish each secondary cell again
    /// (`nl` first, then the higher levels, then the larger values). A
    /// cell is published again when every witness that changes it can be
    /// swapped for another witness of the same primary cell that changes
    /// only cells still suppressed; the guarantee's argument stays the
    /// same (each primary cell has a witness whose changed cells are all
    /// suppressed). The other witnesses are gathered once, before any cell
    /// is published (publishing only ever removes witnesses, never adds
    /// one), at most [`PRUNE_TRIES`] candidates per primary cell: the cost
    /// is bounded, and deterministic (a count, not a clock).
    fn prune(&mut self) {
        let n = self.n();
        let witnesses = std::mem::take(&mut self.witnesses);
        // Per witness: the cells it needs, and (gathered when first
        // needed) its alternatives.
        let mut held: Vec<Vec<u32>> = witnesses.iter().map(|w| self.held_by(w)).collect();
        let mut others: Vec<Option<Vec<Alternative>>> = vec![None; witnesses.len()];
        self.witnesses = witnesses;
        let mut users: Vec<Vec<u32>> = vec![Vec::new(); self.status.len()];
        for (k, cells) in held.iter().enumerate() {
            for &c in cells {
                users[c as usize].push(k as u32);
            }
        }
        let mut order: Vec<usize> = (0..self.status.len())
            .filter(|&idx| self.status[idx] == CellStatus::Secondary)
            .collect();
        order.sort_by_key(|&idx| {
            let rank = level_rank(self.m.regions[(idx / COUNTS) % n].level);
            (Reverse(rank), Reverse(self.values[idx]), idx)
        });
        let mut swaps: Vec<(usize, usize)> = Vec::new();
        for x in order {
            swaps.clear();
            for &k in &users[x] {
                let k = k as usize;
                // Gathered while `x` is still suppressed, so that the
                // list also serves the cells tried later.
                if others[k].is_none() {
                    others[k] =
                        Some(self.alternatives(self.witnesses[k].cell, PRUNE_TRIES, PRUNE_KEEP));
                }
                let free = others[k].iter().flatten().position(|(_, cells)| {
                    cells.iter().all(|&c| {
                        c as usize != x && self.status[c as usize] == CellStatus::Secondary
                    })
                });
                match free {
                    Some(a) => swaps.push((k, a)),
                    None => break,
                }
            }
            if swaps.len() < users[x].len() {
                continue;
            }
            self.status[x] = CellStatus::Published;
            for &(k, a) in &swaps {
                for &c in &held[k] {
                    users[c as usize].retain(|&u| u as usize != k);
                }
                let Some((w, cells)) = others[k].as_ref().and_then(|o| o.get(a)).cloned() else {
                    continue;
                };
                for &c in &cells {
                    users[c as usize].push(k as u32);
                }
                held[k] = cells;
                self.witnesses[k] = w;
            }
        }
    }
}

/// Where a witness starting from partnership `p` takes the difference
/// from, in the order tried: `p` itself (in other months), its partners,
/// and (`None`) nowhere.
fn sources(p: usize, partners: &[usize]) -> Vec<Option<usize>> {
    std::iter::once(Some(p))
        .chain(partners.iter().map(|&q| Some(q)))
        .chain([None])
        .collect()
}

/// Decides the status of every count cell of this export (slots 0..3).
pub(super) fn decide(
    data: &Data,
    m: &Membership<'_>,
    t: i64,
    earlier: &Earlier,
) -> (Decided, Vec<i64>) {
    let n = m.regions.len();
    let values = all_values(data, m);
    let cells = 3 * n * COUNTS;
    let mut status = vec![CellStatus::Published; cells];
    let mut growth_hidden = vec![false; cells];
    let mut previous_published = vec![false; cells];
    let mut previous_growth = vec![false; cells];
    let mut previous_primaries = Vec::new();
    let small = |v: i64| t > 0 && v >= 1 && v < t;

    for (r, region) in m.regions.iter().enumerate() {
        for (w, window) in Window::ALL.into_iter().enumerate() {
            for (i, indicator) in Indicator::ALL[..COUNTS].iter().copied().enumerate() {
                let idx = main_index(n, w, r, i);
                let v = values[(w * n + r) * COUNTS + i];
                let missing = region.level == Level::Pps
                    && m.members[r]
                        .first()
                        .is_none_or(|&p| !data.has_data(p as usize, w));
                status[idx] = if missing {
                    CellStatus::Missing
                } else if small(v) {
                    CellStatus::Primary
                } else {
                    CellStatus::Published
                };
                if w < 2 && t > 0 {
                    let earlier_value = values[((w + 3) * n + r) * COUNTS + i];
                    let year_before = earlier
                        .year_before
                        .as_ref()
                        .and_then(|e| e.get(window, region.level, &region.code, indicator));
                    growth_hidden[idx] =
                        small(earlier_value) || year_before.is_some_and(|c| c.suppressed);
                }
                if let Some(c) = earlier
                    .previous
                    .as_ref()
                    .and_then(|prev| prev.get(window, region.level, &region.code, indicator))
                {
                    previous_published[idx] = !c.suppressed;
                    previous_growth[idx] = !c.suppressed && c.growth_published;
                    let pv = values[((KINDS + w) * n + r) * COUNTS + i];
                    if c.suppressed && small(pv) {
                        previous_primaries.push((KINDS + w, r, i));
                    }
                }
            }
        }
    }

    let mut p = Protector {
        data,
        m,
        t,
        values,
        status,
        previous_published,
        previous_growth,
        growth_hidden,
        witnesses: Vec::new(),
        slots: if earlier.previous.is_some() {
            SLOTS
        } else {
            KINDS
        },
        change: vec![0; SLOTS * n * COUNTS],
        stamp: vec![0; SLOTS * n * COUNTS],
        generation: 0,
        touched: Vec::new(),
        seen: vec![0; m.of_pps.len()],
        seen_generation: 0,
        partner_cache: HashMap::new(),
    };
    let mut unprotected = Vec::new();
    if t > 0 {
        // This export's primaries, lowest level first.
        let mut primaries: Vec<(usize, usize, usize)> = (0..cells)
            .filter(|&idx| p.status[idx] == CellStatus::Primary)
            .map(|idx| (idx / COUNTS / n, (idx / COUNTS) % n, idx % COUNTS))
            .collect();
        primaries.sort_by_key(|&(w, r, i)| {
            (
                level_rank(m.regions[r].level),
                r,
                w,
                // the parts before their sums
                PARTS_FIRST[i],
            )
        });
        for cell in previous_primaries
            .iter()
            .copied()
            .chain(primaries.iter().copied())
        {
            if !p.protect_cell(cell) {
                unprotected.push(cell);
            }
        }
        p.prune();
    }
    let decided = Decided {
        status: p.status,
        previous_published: p.previous_published,
        previous_growth: p.previous_growth,
        growth_hidden: p.growth_hidden,
        witnesses: p.witnesses,
        previous_primaries,
        unprotected,
    };
    (decided, p.values)
}

/// Applies protection to `rows` (in export order) and says what it hid.
pub(super) fn protect(
    accepted: &Accepted,
    regions: &[Region],
    pairs: &[(u32, u32)],
    period: Month,
    t: i64,
    earlier: &Earlier,
    rows: &mut [KpiRow],
) -> Protection {
    let data = Data::new(accepted, period);
    let m = Membership::new(regions, pairs, accepted.partnerships.len());
    let (d, _) = decide(&data, &m, t, earlier);
    apply(accepted, &m, period, t, earlier, &d, rows)
}

/// Writes the decisions into the rows: status, the derived percentages,
/// the hidden realisations and growth figures; and counts.
fn apply(
    accepted: &Accepted,
    m: &Membership<'_>,
    period: Month,
    t: i64,
    earlier: &Earlier,
    d: &Decided,
    rows: &mut [KpiRow],
) -> Protection {
    let n = m.regions.len();
    let ids: HashMap<(Level, &str), usize> = m
        .regions
        .iter()
        .enumerate()
        .map(|(i, r)| ((r.level, &*r.code), i))
        .collect();
    // Per indicator, the partnerships with a target for P's year.
    let index = pps_index(accepted);
    let mut holders: Vec<HashSet<usize>> = vec![HashSet::new(); COUNTS];
    for target in &accepted.targets {
        if target.year == period.year()
            && target.indicator.is_count()
            && let Some(&p) = index.get(target.pps_id.as_str())
        {
            holders[target.indicator as usize].insert(p);
        }
    }
    let pps_row_free = |p: usize, i: usize| {
        m.of_pps[p]
            .iter()
            .find(|&&r| m.regions[r as usize].level == Level::Pps)
            .is_some_and(|&r| {
                matches!(
                    d.status[main_index(n, 1, r as usize, i)],
                    CellStatus::Published | CellStatus::Missing
                )
            })
    };

    for row in rows.iter_mut() {
        let Some(&r) = ids.get(&(row.level, &*row.regio_code)) else {
            continue;
        };
        let w = row.window as usize;
        let status_of = |i: usize| d.status[main_index(n, w, r, i)];
        row.realisation_hidden = false;
        row.growth_hidden = false;
        row.status = match row.indicator {
            c if c.is_count() => status_of(c as usize),
            Indicator::MkbAandeelPct => {
                let (bed, mkb) = (
                    status_of(Indicator::Bedrijven as usize),
                    status_of(Indicator::BedrijvenMkb as usize),
                );
                if bed == CellStatus::Missing {
                    CellStatus::Missing
                } else if bed.is_suppressed() || mkb.is_suppressed() {
                    CellStatus::Secondary
                } else {
                    CellStatus::Published
                }
            }
            _ => CellStatus::Published,
        };
        if !row.indicator.is_count() || !row.published() {
            continue;
        }
        let i = row.indicator as usize;
        row.growth_hidden = d.growth_hidden[main_index(n, w, r, i)];
        if row.window == Window::Jtd && row.realisation.is_some() && t > 0 {
            let members = &m.members[r];
            let h = &holders[i];
            let held = members
                .iter()
                .filter(|&&p| h.contains(&(p as usize)))
                .count();
            let derivable = held == members.len()
                || members
                    .iter()
                    .filter(|&&p| h.contains(&(p as usize)))
                    .all(|&p| pps_row_free(p as usize, i))
                || members
                    .iter()
                    .filter(|&&p| !h.contains(&(p as usize)))
                    .all(|&p| pps_row_free(p as usize, i));
            row.realisation_hidden = !derivable;
        }
    }
    summarise(m, t, earlier, d)
}

fn summarise(m: &Membership<'_>, t: i64, earlier: &Earlier, d: &Decided) -> Protection {
    let n = m.regions.len();
    let mut levels: Vec<LevelCount> = Level::ALL
        .iter()
        .map(|l| LevelCount {
            level: l.name(),
            primary: 0,
            secondary: 0,
        })
        .collect();
    let mut out = Protection {
        threshold: t,
        count_cells: d.status.len(),
        previous_export: if earlier.previous.is_some() {
            "read"
        } else if earlier.previous_unreadable {
            "unreadable"
        } else {
            "absent"
        },
        warnings: earlier.warnings.clone(),
        ..Protection::default()
    };
    for (idx, s) in d.status.iter().enumerate() {
        let level = m.regions[(idx / COUNTS) % n].level as usize;
        match s {
            CellStatus::Primary => {
                out.primary += 1;
                levels[level].primary += 1;
            }
            CellStatus::Secondary => {
                out.secondary += 1;
                levels[level].secondary += 1;
            }
            CellStatus::Missing => out.missing += 1,
            CellStatus::Published => {}
        }
    }
    let mut previous: Vec<LevelCount> = levels
        .iter()
        .map(|l| LevelCount {
            level: l.level,
            primary: 0,
            secondary: 0,
        })
        .collect();
    for &(_, r, _) in &d.previous_primaries {
        previous[m.regions[r].level as usize].primary += 1;
    }
    out.levels = levels;
    out.previous_primaries = previous;
    for &(s, r, i) in &d.unprotected {
        let region = &m.regions[r];
        out.warnings.push(
            crate::model::cut_text(&format!(
                "klein aantal niet te beschermen: {} {} {} {} {} (export {})",
                Window::ALL[s % KINDS].name(),
                region.level.name(),
                region.code,
                Indicator::ALL[i].name(),
                if s < KINDS {
                    "deze maand"
                } else {
                    "vorige maand"
                },
                if s < KINDS { "P" } else { "P-1" },
            ))
            .into_owned(),
        );
    }
    out
}
