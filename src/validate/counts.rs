//! Count rules: the monthly submissions, checked sheet by sheet in
//! parallel.

use std::collections::HashMap;

use rayon::prelude::*;

use super::Place;
use super::duplicates::Candidate;
use super::findings::Checker;
use super::register::known_pps;
use super::rules::{self, Kind, Rule};
use crate::ingest::CountRow;
use crate::ingest::value::{self, Parsed};
use crate::model::{Month, Partnership};

/// A count row that broke no rule, keyed by partnership and month.
pub(super) type CountCandidate = Candidate<(String, Month), [i64; 6]>;

/// Count rows of every count sheet. The sheets are checked side by side,
/// each with a checker of its own, and their findings and candidates taken
/// over in sheet order, so the outcome is that of checking them one by one.
pub(super) fn counts<'a>(
    ck: &mut Checker<'a>,
    partnerships: &HashMap<String, Partnership>,
    register_rejects: &HashMap<String, String>,
    current: Month,
) -> Vec<CountCandidate> {
    let ingested = ck.ingested;
    let checked: Vec<(Checker<'a>, Vec<CountCandidate>)> = ck
        .complete_sheets::<CountRow>()
        .into_par_iter()
        .map(|(f, s, rows)| {
            let mut local = Checker::new(ingested);
            let candidates = count_sheet(
                &mut local,
                (f, s, rows),
                partnerships,
                register_rejects,
                current,
            );
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
fn count_sheet(
    ck: &mut Checker<'_>,
    (f, s, rows): (usize, usize, &[CountRow]),
    partnerships: &HashMap<String, Partnership>,
    register_rejects: &HashMap<String, String>,
    current: Month,
) -> Vec<CountCandidate> {
    let mut candidates = Vec::with_capacity(rows.len());
    for r in rows {
        let place = Place::row(f, s, r.row);
        let before = ck.rejects.len();
        let id = r.pps_id.value();
        let month = r.month.value().copied();
        let ctx = (id, month);
        ck.pps_id_cell(place, r, ctx);
        ck.cell(place, 1, &r.cells[1], &r.month, Kind::Period, true, ctx);
        for (i, v) in r.values.iter().enumerate() {
            ck.cell(place, i + 2, &r.cells[i + 2], v, Kind::Count, false, ctx);
        }
        if let Some(m) = month
            && m > current
        {
            ck.reject(
                place,
                1,
                value::raw(&r.cells[1]),
                Rule::FuturePeriod,
                rules::future_period(&m.to_string(), &current.to_string()),
                id,
                month,
            );
        }
        let partnership = known_pps(
            ck,
            place,
            &r.cells[0],
            id,
            month,
            partnerships,
            register_rejects,
        );
        if let (Some(p), Some(m)) = (partnership, month) {
            if m < p.start {
                let message = rules::before_start(&p.pps_id, &m.to_string(), &p.start.to_string());
                ck.reject(
                    place,
                    1,
                    value::raw(&r.cells[1]),
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
                    place,
                    1,
                    value::raw(&r.cells[1]),
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
        if let (Some(total), Some(mkb)) = (number(&r.values[4]), number(&r.values[5]))
            && mkb > total
        {
            let message = rules::mkb_exceeds_total(mkb, total);
            ck.reject(
                place,
                7,
                value::raw(&r.cells[7]),
                Rule::MkbExceedsTotal,
                message,
                id,
                month,
            );
        }
        if ck.rejects.len() != before {
            continue;
        }
        for (i, v) in r.values.iter().enumerate() {
            if *v == Parsed::Empty {
                ck.warn(
                    place,
                    ck.column_label(place, i + 2),
                    "Lege cel; geteld als 0. Vul 0 in als er niets te melden is.".to_owned(),
                );
            }
        }
        if let (Some(id), Some(m)) = (id, month) {
            candidates.push(Candidate {
                key: (id.clone(), m),
                values: std::array::from_fn(|i| number(&r.values[i]).unwrap_or(0)),
                place,
            });
        }
    }
    candidates
}
