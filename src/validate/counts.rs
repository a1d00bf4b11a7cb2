//! Count rules: the monthly submissions, checked sheet by sheet in
//! parallel.

use std::collections::HashMap;

use rayon::prelude::*;

use super::duplicates::Candidate;
use super::findings::{Checker, SheetRows};
use super::register::known_pps;
use super::rules::{self, Rule};
use crate::ingest::CountRow;
use crate::ingest::value::{self, Parsed};
use crate::model::{Measure, Month, Partnership};
use crate::schema::{CountColumn as C, Empty, TableColumn};

/// A count row that broke no rule, keyed by partnership and month.
pub(super) type CountCandidate<'a> = Candidate<'a, (String, Month), [i64; Measure::COUNT]>;

/// Count rows of every count sheet. The sheets are checked side by side,
/// each with a checker of its own, and their findings and candidates taken
/// over in sheet order, so the outcome is that of checking them one by one.
pub(super) fn counts<'a>(
    ck: &mut Checker<'a>,
    partnerships: &HashMap<String, Partnership>,
    register_rejects: &HashMap<String, String>,
    current: Month,
) -> Vec<CountCandidate<'a>> {
    let ingested = ck.ingested;
    let checked: Vec<(Checker<'a>, Vec<CountCandidate<'a>>)> = ck
        .complete_sheets::<CountRow>()
        .into_par_iter()
        .map(|rows| {
            let mut local = Checker::new(ingested);
            let candidates =
                count_sheet(&mut local, &rows, partnerships, register_rejects, current);
            (local, candidates)
        })
        .collect();
    let mut candidates = Vec::with_capacity(checked.iter().map(|(_, c)| c.len()).sum());
    for (local, sheet_candidates) in checked {
        ck.absorb(local);
        candidates.extend(sheet_candidates);
    }
    let describe = |k: &(String, Month)| format!("De maand {} van '{}'", k.1, k.0);
    ck.deduplicate(candidates, describe, |k| (Some(k.0.clone()), Some(k.1)))
}

/// The rows of one count sheet that has every required column.
fn count_sheet<'a>(
    ck: &mut Checker<'a>,
    rows: &SheetRows<'a, CountRow>,
    partnerships: &HashMap<String, Partnership>,
    register_rejects: &HashMap<String, String>,
    current: Month,
) -> Vec<CountCandidate<'a>> {
    let mut candidates = Vec::with_capacity(rows.len());
    for (place, r) in rows.rows() {
        let month = r.month.value().copied();
        let ctx = ck.pps_id_cell(&place, r, month);
        let id = ctx.0;
        ck.cell(&place, C::Periode, &r.month, ctx);
        for (m, v) in r.values.iter() {
            ck.cell(&place, C::Measure(m), v, ctx);
        }
        // The rules about the month quote the period cell.
        let period = C::Periode.position();
        let period_raw = || value::raw(&r.cells[C::Periode]);
        if let Some(m) = month
            && m > current
        {
            ck.reject(
                &place,
                period,
                period_raw(),
                Rule::FuturePeriod,
                rules::future_period(&m.to_string(), &current.to_string()),
                id,
                month,
            );
        }
        let partnership = known_pps(
            ck,
            &place,
            (C::PpsId, &r.cells),
            id,
            month,
            partnerships,
            register_rejects,
        );
        if let (Some(p), Some(m)) = (partnership, month) {
            if m < p.start {
                let message = rules::before_start(&p.pps_id, &m.to_string(), &p.start.to_string());
                ck.reject(
                    &place,
                    period,
                    period_raw(),
                    Rule::BeforeStart,
                    message,
                    id,
                    month,
                );
            }
            if let Some(end) = p.end
                && m > end
            {
                let message = rules::after_end(&p.pps_id, &m.to_string(), &end.to_string());
                ck.reject(
                    &place,
                    period,
                    period_raw(),
                    Rule::AfterEnd,
                    message,
                    id,
                    month,
                );
            }
        }
        let number = |p: &Parsed<i64>| match p {
            Parsed::Value(v) => Some(*v),
            Parsed::Empty => Some(0),
            _ => None,
        };
        let (total, mkb) = (Measure::Bedrijven, Measure::BedrijvenMkb);
        if let (Some(total), Some(mkb_value)) = (number(&r.values[total]), number(&r.values[mkb]))
            && mkb_value > total
        {
            let message = rules::mkb_exceeds_total(mkb_value, total);
            ck.reject(
                &place,
                C::Measure(mkb).position(),
                value::raw(&r.cells[C::Measure(mkb)]),
                Rule::MkbExceedsTotal,
                message,
                id,
                month,
            );
        }
        if ck.fate(&place).is_some() {
            continue;
        }
        for (m, v) in r.values.iter() {
            let column = C::Measure(m);
            if *v == Parsed::Empty && column.spec().empty == Empty::Zero {
                ck.warn(
                    place.at(),
                    place.column_label(column.position()),
                    "Lege cel; geteld als 0. Vul 0 in als er niets te melden is.".to_owned(),
                );
            }
        }
        if let (Some(id), Some(m)) = (id, month) {
            candidates.push(Candidate {
                key: (id.clone(), m),
                values: Measure::ALL.map(|measure| number(&r.values[measure]).unwrap_or(0)),
                row: place,
            });
        }
    }
    candidates
}
