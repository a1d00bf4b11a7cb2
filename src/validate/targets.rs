//! Target rules: yearly targets per partnership and indicator.

use std::collections::HashMap;

use super::accounting::Fate;
use super::duplicates::Candidate;
use super::findings::Checker;
use super::register::known_pps;
use super::rules::{self, Rule};
use crate::ingest::TargetRow;
use crate::ingest::value::{self, Parsed};
use crate::model::{Indicator, Partnership, TargetRecord};
use crate::schema::{TableColumn, TargetColumn as C};

pub(super) fn targets(
    ck: &mut Checker<'_>,
    partnerships: &HashMap<String, Partnership>,
    register_rejects: &HashMap<String, String>,
) -> Vec<TargetRecord> {
    let mut candidates = Vec::new();
    for (place, r) in ck.complete_rows::<TargetRow>() {
        let ctx = ck.pps_id_cell(&place, r, None);
        let id = ctx.0;
        ck.cell(&place, C::Jaar, &r.year, ctx);
        match &r.indicator {
            Parsed::Empty | Parsed::Refused(_) => {
                ck.cell(&place, C::Indicator, &r.indicator, ctx);
            }
            Parsed::Bad | Parsed::Negative => {
                let raw = value::raw(&r.cells[C::Indicator]);
                let message = rules::unknown_indicator(&raw);
                let (column, rule) = (C::Indicator.position(), Rule::UnknownIndicator);
                ck.reject(&place, column, raw, rule, message, id, None);
            }
            Parsed::Value(_) => {}
        }
        ck.cell(&place, C::Streefwaarde, &r.value, ctx);
        known_pps(
            ck,
            &place,
            (C::PpsId, &r.cells),
            id,
            None,
            partnerships,
            register_rejects,
        );
        if ck.fate(&place).is_none()
            && let (Some(id), Some(year), Some(indicator), Some(value)) =
                (id, r.year.value(), r.indicator.value(), r.value.value())
        {
            candidates.push(Candidate {
                key: (id.clone(), *year, *indicator),
                values: *value,
                row: place,
            });
        }
    }
    let describe = |k: &(String, i32, Indicator)| {
        format!(
            "De streefwaarde voor '{}', jaar {}, indicator {}",
            k.0,
            k.1,
            k.2.name()
        )
    };
    ck.deduplicate(candidates, describe, |k| (Some(k.0.clone()), None))
        .into_iter()
        .map(|c| {
            ck.decide(&c.row, Fate::Accepted);
            TargetRecord {
                pps_id: c.key.0,
                year: c.key.1,
                indicator: c.key.2,
                value: c.values,
            }
        })
        .collect()
}
