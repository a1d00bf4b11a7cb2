//! Register rules: one row per partnership, with a known municipality and
//! a unique `pps_id`; and `unknown_pps` for the target and count rows that
//! name a partnership the register does not hold.

use std::collections::{BTreeMap, HashMap};

use chrono::Datelike;

use super::accounting::Fate;
use super::findings::{Checker, RowRef};
use super::rules::{self, Rule};
use crate::error::Error;
use crate::ingest::value::{self, Parsed};
use crate::ingest::{RawCells, RegisterRow};
use crate::model::{Month, Partnership, Table};
use crate::regions::{Regions, Resolution};
use crate::schema::{RegisterColumn as C, TableColumn};

/// Valid partnerships by `pps_id`.
type Partnerships = HashMap<String, Partnership>;
/// For `pps_id`s whose register row was rejected: where that row is.
type RejectedIds = HashMap<String, String>;

/// Register rows of every register sheet. Returns the valid partnerships
/// and, for `pps_id`s whose register row was rejected, where that row is.
pub(super) fn register(
    ck: &mut Checker<'_>,
    regions: &Regions,
) -> Result<(Partnerships, RejectedIds), Error> {
    let ingested = ck.ingested;
    let seen_register = ingested
        .files
        .iter()
        .flat_map(|file| &file.sheets)
        .any(|sheet| sheet.table() == Some(Table::Register));
    let mut clean = Vec::new();
    let mut ids: BTreeMap<String, Vec<RowRef<'_>>> = BTreeMap::new();
    for (place, r) in ck.complete_rows::<RegisterRow>() {
        let ctx = ck.pps_id_cell(&place, r, None);
        let id = ctx.0;
        ck.cell(&place, C::Naam, &r.naam, ctx);
        ck.cell(&place, C::Consortium, &r.consortium, ctx);
        ck.cell(&place, C::GemeenteCode, &r.gemeente, ctx);
        ck.cell(&place, C::Startdatum, &r.start, ctx);
        ck.cell(&place, C::Einddatum, &r.end, ctx);
        ck.cell(&place, C::Sector, &r.sector, ctx);
        if let Parsed::Value(code) = &r.gemeente {
            // A merged-away code is mapped forward (with a warning); a
            // split one cannot be, so the partnership has to choose.
            let unknown = match regions.resolve(code) {
                Resolution::Known => None,
                Resolution::Renamed(chain) => {
                    let column = place.column_label(C::GemeenteCode.position());
                    ck.warn(place.at(), column, regions.renamed_message(&chain));
                    None
                }
                Resolution::Split { from, successors } => {
                    Some(regions.split_message(&from, &successors))
                }
                Resolution::Unknown => Some(rules::unknown_gemeente(code)),
            };
            if let Some(message) = unknown {
                let (column, raw) = (C::GemeenteCode, value::raw(&r.cells[C::GemeenteCode]));
                let rule = Rule::UnknownGemeente;
                ck.reject(&place, column.position(), raw, rule, message, id, None);
            }
        }
        if let Some(id) = id {
            ids.entry(id.clone()).or_default().push(place.clone());
        }
        if let (Some(start), Some(end)) = (r.start.value(), r.end.value())
            && end < start
        {
            ck.warn(
                        place.at(),
                        place.column_label(C::Einddatum.position()),
                        format!("De einddatum {end} ligt vóór de startdatum {start}; alle maanden van deze PPS worden afgekeurd."),
                    );
        }
        if ck.fate(&place).is_none() {
            clean.push((place, r));
        }
    }
    if !seen_register {
        return Err(Error::NoRegister {
            path: ck.ingested.root.clone(),
        });
    }
    for (id, places) in &ids {
        if places.len() < 2 {
            continue;
        }
        for place in places {
            let others: Vec<String> = places
                .iter()
                .filter(|p| *p != place)
                .take(3)
                .map(|p| p.at().to_string())
                .collect();
            let (column, raw) = place.raw_pps_id();
            ck.reject(
                place,
                column,
                raw,
                Rule::DuplicatePps,
                rules::duplicate_pps(id, &others.join(", ")),
                Some(id),
                None,
            );
        }
    }
    let mut partnerships = HashMap::new();
    for (place, r) in clean {
        if ck.fate(&place) == Some(Fate::Rejected) {
            continue;
        }
        let (Parsed::Value(id), Parsed::Value(naam), Parsed::Value(gemeente), Parsed::Value(start)) =
            (&r.pps_id, &r.naam, &r.gemeente, &r.start)
        else {
            continue;
        };
        let month_of = |d: &chrono::NaiveDate| Month::new(d.year(), d.month());
        let (Some(start), end) = (month_of(start), r.end.value().and_then(month_of)) else {
            continue;
        };
        ck.decide(&place, Fate::Accepted);
        partnerships.insert(
            id.clone(),
            Partnership {
                pps_id: id.clone(),
                naam: naam.clone(),
                consortium: r.consortium.value().cloned(),
                gemeente: regions
                    .current_code(gemeente)
                    .unwrap_or(gemeente)
                    .to_owned(),
                start,
                end,
                sector: r.sector.value().cloned(),
            },
        );
    }
    let mut rejected_ids = HashMap::new();
    for (id, places) in ids {
        if !partnerships.contains_key(&id) {
            rejected_ids.insert(id, places[0].at().to_string());
        }
    }
    Ok((partnerships, rejected_ids))
}

/// `unknown_pps`, telling apart an id that is nowhere from one whose
/// register row was rejected.
pub(super) fn known_pps<'p>(
    ck: &mut Checker<'_>,
    place: &RowRef<'_>,
    (column, cells): (impl TableColumn, &RawCells),
    id: Option<&String>,
    month: Option<Month>,
    partnerships: &'p HashMap<String, Partnership>,
    register_rejects: &HashMap<String, String>,
) -> Option<&'p Partnership> {
    let id = id?;
    if let Some(p) = partnerships.get(id) {
        return Some(p);
    }
    let message = register_rejects
        .get(id)
        .map_or_else(|| rules::unknown_pps(id), |at| rules::rejected_pps(id, at));
    ck.reject(
        place,
        column.position(),
        value::raw(&cells[column]),
        Rule::UnknownPps,
        message,
        Some(id),
        month,
    );
    None
}
