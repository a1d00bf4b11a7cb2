//! Validation: typed rows → accepted data + findings.
//!
//! Takes what ingest read and the region reference; returns the rows that
//! break no rule (deduplicated, count rows after the reporting period set
//! aside as `later`), one [`Reject`] per broken rule, warnings, and the
//! row accounting of every sheet (read = accepted + rejected + duplicates +
//! later). A bad row is a finding, never an error; the only errors are a
//! missing register and a period that cannot be determined.

pub mod rules;

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::Datelike;

use crate::config::PeriodChoice;
use crate::error::Error;
use crate::ingest::value::{self, Parsed};
use crate::ingest::{CountRow, FileStatus, Ingested, NO_CELLS, RawCells, Rows, Sheet};
use crate::model::{Accepted, CountRecord, Indicator, Month, Partnership, Table, TargetRecord};
use crate::regions::{Regions, Resolution};
use rayon::prelude::*;
use rules::{Kind, Rule};

/// Where a finding is: file index (in path order), sheet index (in
/// workbook order), spreadsheet row. Sheet and row are `None` for a whole
/// file.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Place {
    pub file: usize,
    pub sheet: Option<usize>,
    pub row: Option<u32>,
}

/// One line of the rejects file.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Reject {
    pub place: Place,
    /// Index of the column in its table (for ordering); 0 for a file.
    pub column_index: usize,
    /// The column header as found (or the contract name when missing).
    pub column: String,
    /// The raw cell value.
    pub value: String,
    pub rule: Rule,
    pub message: String,
    /// The row's partnership and month where they could be read (for the
    /// report's submission status).
    pub pps_id: Option<String>,
    pub month: Option<Month>,
}

/// Something worth knowing that rejects nothing.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Warning {
    pub place: Place,
    pub column: String,
    pub message: String,
}

/// Row accounting of one sheet.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug, serde::Serialize)]
pub struct SheetCount {
    pub read: usize,
    pub accepted: usize,
    pub rejected: usize,
    pub duplicates: usize,
    pub later: usize,
    pub blank: usize,
}

/// The outcome of validation.
#[derive(Debug)]
pub struct Validated {
    pub period: Month,
    pub accepted: Accepted,
    /// Sorted by place, column, rule.
    pub rejects: Vec<Reject>,
    /// Sorted by place.
    pub warnings: Vec<Warning>,
    /// `[file][sheet]`, parallel to `Ingested::files[..].sheets`.
    pub accounting: Vec<Vec<SheetCount>>,
}

impl Validated {
    /// Rejected rows (and unreadable files), the figure behind exit code 3.
    pub fn rejected_rows(&self) -> usize {
        let mut places: Vec<Place> = self.rejects.iter().map(|r| r.place).collect();
        places.dedup();
        places.len()
    }
}

impl Place {
    /// A row of a sheet.
    fn row(file: usize, sheet: usize, row: u32) -> Place {
        Place {
            file,
            sheet: Some(sheet),
            row: Some(row),
        }
    }
}

/// Valid partnerships by `pps_id`.
type Partnerships = HashMap<String, Partnership>;
/// For `pps_id`s whose register row was rejected: where that row is.
type RejectedIds = HashMap<String, String>;

/// A row that broke no rule, waiting for the duplicate check.
struct Candidate<K, V> {
    key: K,
    values: V,
    place: Place,
}

struct Checker<'a> {
    ingested: &'a Ingested,
    rejects: Vec<Reject>,
    warnings: Vec<Warning>,
    rejected: HashSet<Place>,
    duplicates: HashMap<(usize, usize), usize>,
    later: HashMap<(usize, usize), usize>,
}

impl<'a> Checker<'a> {
    fn new(ingested: &'a Ingested) -> Checker<'a> {
        Checker {
            ingested,
            rejects: Vec::new(),
            warnings: Vec::new(),
            rejected: HashSet::new(),
            duplicates: HashMap::new(),
            later: HashMap::new(),
        }
    }

    /// Takes over the findings of a checker that looked at other rows.
    fn absorb(&mut self, other: Checker<'a>) {
        self.rejects.extend(other.rejects);
        self.warnings.extend(other.warnings);
        self.rejected.extend(other.rejected);
        for (sheet, n) in other.duplicates {
            *self.duplicates.entry(sheet).or_default() += n;
        }
        for (sheet, n) in other.later {
            *self.later.entry(sheet).or_default() += n;
        }
    }

    fn sheet(&self, place: Place) -> &'a Sheet {
        &self.ingested.files[place.file].sheets[place.sheet.unwrap_or(0)]
    }

    fn location(&self, place: Place) -> String {
        let file = &self.ingested.files[place.file];
        let sheet = place
            .sheet
            .map(|s| file.sheets[s].name.as_str())
            .unwrap_or_default();
        let row = place.row.unwrap_or(0);
        if sheet.is_empty() {
            format!("{} rij {row}", file.path)
        } else {
            format!("{} blad '{sheet}' rij {row}", file.path)
        }
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "one call site shape per rule; a struct would only rename the arguments"
    )]
    fn reject(
        &mut self,
        place: Place,
        column_index: usize,
        value: String,
        rule: Rule,
        message: String,
        pps_id: Option<&String>,
        month: Option<Month>,
    ) {
        let column = if place.sheet.is_some() {
            self.sheet(place).column_label(column_index)
        } else {
            String::new()
        };
        self.rejected.insert(place);
        self.rejects.push(Reject {
            place,
            column_index,
            column,
            value,
            rule,
            message,
            pps_id: pps_id.cloned(),
            month,
        });
    }

    fn warn(&mut self, place: Place, column: String, message: String) {
        self.warnings.push(Warning {
            place,
            column,
            message,
        });
    }

    /// `missing_value` / `bad_value` / `negative` for one parsed cell.
    #[expect(
        clippy::too_many_arguments,
        reason = "the row context travels along for the message"
    )]
    fn cell<T>(
        &mut self,
        place: Place,
        column_index: usize,
        raw: &calamine::Data,
        parsed: &Parsed<T>,
        kind: Kind,
        required: bool,
        context: (Option<&String>, Option<Month>),
    ) {
        // Most cells are fine: decide that before building any text.
        let rule = match parsed {
            Parsed::Value(_) => return,
            Parsed::Empty if !required => return,
            Parsed::Empty => Rule::MissingValue,
            Parsed::Bad | Parsed::Refused(_) => Rule::BadValue,
            Parsed::Negative => Rule::Negative,
        };
        let column = self.sheet(place).column_label(column_index);
        let raw_text = value::raw(raw);
        let message = match (rule, parsed) {
            (_, Parsed::Refused(refusal)) => rules::refused(*refusal, &column, &raw_text),
            (Rule::MissingValue, _) => rules::missing_value(&column),
            (Rule::BadValue, _) => rules::bad_value(kind, &column, &raw_text),
            _ => rules::negative(&column, &raw_text),
        };
        self.reject(
            place,
            column_index,
            raw_text,
            rule,
            message,
            context.0,
            context.1,
        );
    }

    /// The sheets of one table that have every required column, as
    /// `(file, sheet, rows)`. Rows of a sheet that lacks a column get their
    /// `missing_column` lines here and are not checked further.
    fn complete_sheets<R>(
        &mut self,
        pick: impl Fn(&'a Rows) -> Option<&'a [R]>,
        row_of: impl Fn(&R) -> u32,
    ) -> Vec<(usize, usize, &'a [R])> {
        let ingested = self.ingested;
        let mut complete = Vec::new();
        for (f, file) in ingested.files.iter().enumerate() {
            for (s, sheet) in file.sheets.iter().enumerate() {
                if let Some(rows) = pick(&sheet.rows)
                    && !self.missing_columns(f, s, rows.iter().map(&row_of))
                {
                    complete.push((f, s, rows));
                }
            }
        }
        complete
    }

    /// One `missing_column` line per row and missing column; true when the
    /// sheet lacks a column (its rows need no further checks).
    fn missing_columns(&mut self, file: usize, s: usize, rows: impl Iterator<Item = u32>) -> bool {
        let ingested = self.ingested;
        let sheet = &ingested.files[file].sheets[s];
        let Some(header) = &sheet.header else {
            return false;
        };
        let missing = header.missing();
        if missing.is_empty() {
            return false;
        }
        for row in rows {
            let place = Place::row(file, s, row);
            for &c in &missing {
                let name = header.table.columns()[c].name;
                self.reject(
                    place,
                    c,
                    String::new(),
                    Rule::MissingColumn,
                    rules::missing_column(name, sheet.header_row),
                    None,
                    None,
                );
            }
        }
        true
    }

    /// Keeps one copy of identical keys (the rest are duplicates) and
    /// rejects every copy of a key whose values differ.
    fn deduplicate<K: Ord, V: PartialEq>(
        &mut self,
        mut candidates: Vec<Candidate<K, V>>,
        describe: impl Fn(&K) -> String,
        key_context: impl Fn(&K) -> (Option<String>, Option<Month>),
    ) -> Vec<Candidate<K, V>> {
        // A stable sort keeps the copies of one key in file order, so the
        // first copy read is the one kept.
        candidates.sort_by(|a, b| a.key.cmp(&b.key));
        // Decide per group which copy stays, then compact in place: no
        // second list of 100,000s of rows.
        let mut keep = vec![false; candidates.len()];
        let mut start = 0;
        while start < candidates.len() {
            let key = &candidates[start].key;
            let end = start
                + candidates[start..]
                    .iter()
                    .take_while(|c| c.key == *key)
                    .count();
            let copies = &candidates[start..end];
            if copies.iter().all(|c| c.values == copies[0].values) {
                keep[start] = true;
                for extra in &copies[1..] {
                    let sheet = extra.place.sheet.unwrap_or(0);
                    *self
                        .duplicates
                        .entry((extra.place.file, sheet))
                        .or_default() += 1;
                }
            } else {
                let (pps_id, month) = key_context(key);
                for c in copies {
                    let others: Vec<String> = copies
                        .iter()
                        .filter(|o| o.place != c.place)
                        .take(3)
                        .map(|o| self.location(o.place))
                        .collect();
                    let raw = value::raw(&self.row_cells(c.place)[0]);
                    self.reject(
                        c.place,
                        0,
                        raw,
                        Rule::DuplicateConflict,
                        rules::duplicate_conflict(&describe(key), &others.join(", ")),
                        pps_id.as_ref(),
                        month,
                    );
                }
            }
            start = end;
        }
        let mut decisions = keep.into_iter();
        candidates.retain(|_| decisions.next().unwrap_or(false));
        candidates
    }

    /// The raw cells of the row at `place` (a table row).
    fn row_cells(&self, place: Place) -> &'a RawCells {
        let sheet = self.sheet(place);
        let row = place.row.unwrap_or(0);
        let find = |r: u32| r == row;
        match &sheet.rows {
            Rows::Register(rows) => rows.iter().find(|r| find(r.row)).map(|r| &r.cells),
            Rows::Targets(rows) => rows.iter().find(|r| find(r.row)).map(|r| &r.cells),
            Rows::Counts(rows) => rows.iter().find(|r| find(r.row)).map(|r| &r.cells),
            Rows::None => None,
        }
        .unwrap_or(&NO_CELLS)
    }
}

/// Checks everything that was read. `period` decides which count rows are
/// `later`; `latest` becomes the latest month with an accepted row.
/// `current` is the current calendar month ("today"): count rows for a
/// month after it are `future_period`, so they never decide `latest`.
pub fn check(
    ingested: &Ingested,
    regions: &Regions,
    period: PeriodChoice,
    current: Month,
) -> Result<Validated, Error> {
    let mut ck = Checker::new(ingested);

    files_and_sheets(&mut ck);
    let (partnerships, register_rejects) = register(&mut ck, regions)?;
    let targets = targets(&mut ck, &partnerships, &register_rejects);
    let kept_counts = counts(&mut ck, &partnerships, &register_rejects, current);

    let period = match period {
        PeriodChoice::Month(m) => m,
        PeriodChoice::Latest => {
            kept_counts
                .iter()
                .map(|c| c.key.1)
                .max()
                .ok_or_else(|| Error::NoPeriod {
                    path: ingested.root.clone(),
                })?
        }
    };
    // Filtered and converted in place (the list can be long).
    let counts: Vec<CountRecord> = kept_counts
        .into_iter()
        .filter_map(|c| {
            if c.key.1 > period {
                *ck.later
                    .entry((c.place.file, c.place.sheet.unwrap_or(0)))
                    .or_default() += 1;
                None
            } else {
                Some(CountRecord {
                    pps_id: c.key.0,
                    month: c.key.1,
                    values: c.values,
                })
            }
        })
        .collect();

    let accounting = account(&ck);
    let Checker {
        mut rejects,
        mut warnings,
        ..
    } = ck;
    rejects.sort_by_key(|r| (r.place, r.column_index, r.rule));
    warnings.sort_by_key(|w| w.place);
    let mut partnerships: Vec<Partnership> = partnerships.into_values().collect();
    partnerships.sort_by(|a, b| a.pps_id.cmp(&b.pps_id));
    Ok(Validated {
        period,
        accepted: Accepted {
            partnerships,
            counts,
            targets,
        },
        rejects,
        warnings,
        accounting,
    })
}

/// Unreadable files, ignored sheets, extra columns.
fn files_and_sheets(ck: &mut Checker<'_>) {
    let ingested = ck.ingested;
    for (f, file) in ingested.files.iter().enumerate() {
        if file.status == FileStatus::Unreadable {
            let reason = file.message.clone().unwrap_or_default();
            ck.reject(
                Place {
                    file: f,
                    sheet: None,
                    row: None,
                },
                0,
                String::new(),
                Rule::UnreadableFile,
                rules::unreadable_file(&reason),
                None,
                None,
            );
        }
        for (s, sheet) in file.sheets.iter().enumerate() {
            let place = Place {
                file: f,
                sheet: Some(s),
                row: None,
            };
            match &sheet.header {
                None if sheet.hidden => ck.warn(
                    place,
                    String::new(),
                    rules::hidden_sheet(),
                ),
                None if !sheet.empty => ck.warn(
                    place,
                    String::new(),
                    "Blad genegeerd: geen kopregel van een register, streefwaarden of maandaantallen gevonden in de eerste 20 rijen.".to_owned(),
                ),
                None => {}
                Some(h) => {
                    for (_, text) in &h.extra {
                        ck.warn(
                            Place {
                                row: Some(sheet.header_row),
                                ..place
                            },
                            text.clone(),
                            format!("Kolom '{text}' hoort niet bij een {}-blad (of staat er dubbel in) en wordt genegeerd.", h.table.name()),
                        );
                    }
                }
            }
        }
    }
}

/// Register rows of every register sheet. Returns the valid partnerships
/// and, for `pps_id`s whose register row was rejected, where that row is.
fn register<'a>(
    ck: &mut Checker<'a>,
    regions: &Regions,
) -> Result<(Partnerships, RejectedIds), Error> {
    let ingested = ck.ingested;
    let seen_register = ingested
        .files
        .iter()
        .flat_map(|file| &file.sheets)
        .any(|sheet| sheet.table() == Some(Table::Register));
    let mut clean = Vec::new();
    let mut ids: BTreeMap<String, Vec<Place>> = BTreeMap::new();
    let register_rows = |rows: &'a Rows| match rows {
        Rows::Register(r) => Some(r.as_slice()),
        _ => None,
    };
    for (f, s, rows) in ck.complete_sheets(register_rows, |r| r.row) {
        for r in rows {
            let place = Place::row(f, s, r.row);
            let before = ck.rejects.len();
            let id = r.pps_id.value();
            let ctx = (id, None);
            ck.cell(place, 0, &r.cells[0], &r.pps_id, Kind::Text, true, ctx);
            ck.cell(place, 1, &r.cells[1], &r.naam, Kind::Text, true, ctx);
            ck.cell(place, 2, &r.cells[2], &r.consortium, Kind::Text, false, ctx);
            ck.cell(
                place,
                3,
                &r.cells[3],
                &r.gemeente,
                Kind::Gemeente,
                true,
                ctx,
            );
            ck.cell(place, 4, &r.cells[4], &r.start, Kind::Date, true, ctx);
            ck.cell(place, 5, &r.cells[5], &r.end, Kind::Date, false, ctx);
            ck.cell(place, 6, &r.cells[6], &r.sector, Kind::Text, false, ctx);
            if let Parsed::Value(code) = &r.gemeente {
                // A merged-away code is mapped forward (with a warning); a
                // split one cannot be, so the partnership has to choose.
                let unknown = match regions.resolve(code) {
                    Resolution::Known => None,
                    Resolution::Renamed(chain) => {
                        let column = ingested.files[f].sheets[s].column_label(3);
                        ck.warn(place, column, regions.renamed_message(&chain));
                        None
                    }
                    Resolution::Split { from, successors } => {
                        Some(regions.split_message(&from, &successors))
                    }
                    Resolution::Unknown => Some(rules::unknown_gemeente(code)),
                };
                if let Some(message) = unknown {
                    let raw = value::raw(&r.cells[3]);
                    ck.reject(place, 3, raw, Rule::UnknownGemeente, message, id, None);
                }
            }
            if let Some(id) = id {
                ids.entry(id.clone()).or_default().push(place);
            }
            if let (Some(start), Some(end)) = (r.start.value(), r.end.value())
                && end < start
            {
                ck.warn(
                        place,
                        ingested.files[f].sheets[s].column_label(5),
                        format!("De einddatum {end} ligt vóór de startdatum {start}; alle maanden van deze PPS worden afgekeurd."),
                    );
            }
            if ck.rejects.len() == before {
                clean.push((place, r));
            }
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
        for &place in places {
            let others: Vec<String> = places
                .iter()
                .filter(|p| **p != place)
                .take(3)
                .map(|p| ck.location(*p))
                .collect();
            ck.reject(
                place,
                0,
                value::raw(&ck.row_cells(place)[0]),
                Rule::DuplicatePps,
                rules::duplicate_pps(id, &others.join(", ")),
                Some(id),
                None,
            );
        }
    }
    let mut partnerships = HashMap::new();
    for (place, r) in clean {
        if ck.rejected.contains(&place) {
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
            rejected_ids.insert(id, ck.location(places[0]));
        }
    }
    Ok((partnerships, rejected_ids))
}

/// `unknown_pps`, telling apart an id that is nowhere from one whose
/// register row was rejected.
fn known_pps<'p>(
    ck: &mut Checker<'_>,
    place: Place,
    raw: &calamine::Data,
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
        0,
        value::raw(raw),
        Rule::UnknownPps,
        message,
        Some(id),
        month,
    );
    None
}

fn targets<'a>(
    ck: &mut Checker<'a>,
    partnerships: &HashMap<String, Partnership>,
    register_rejects: &HashMap<String, String>,
) -> Vec<TargetRecord> {
    let mut candidates = Vec::new();
    let targets = |rows: &'a Rows| match rows {
        Rows::Targets(r) => Some(r.as_slice()),
        _ => None,
    };
    for (f, s, rows) in ck.complete_sheets(targets, |r| r.row) {
        for r in rows {
            let place = Place::row(f, s, r.row);
            let before = ck.rejects.len();
            let id = r.pps_id.value();
            let ctx = (id, None);
            ck.cell(place, 0, &r.cells[0], &r.pps_id, Kind::Text, true, ctx);
            ck.cell(place, 1, &r.cells[1], &r.year, Kind::Year, true, ctx);
            match &r.indicator {
                Parsed::Empty | Parsed::Refused(_) => {
                    ck.cell(place, 2, &r.cells[2], &r.indicator, Kind::Text, true, ctx);
                }
                Parsed::Bad | Parsed::Negative => {
                    let raw = value::raw(&r.cells[2]);
                    let message = rules::unknown_indicator(&raw);
                    ck.reject(place, 2, raw, Rule::UnknownIndicator, message, id, None);
                }
                Parsed::Value(_) => {}
            }
            ck.cell(place, 3, &r.cells[3], &r.value, Kind::Count, true, ctx);
            known_pps(
                ck,
                place,
                &r.cells[0],
                id,
                None,
                partnerships,
                register_rejects,
            );
            if ck.rejects.len() == before
                && let (Some(id), Some(year), Some(indicator), Some(value)) =
                    (id, r.year.value(), r.indicator.value(), r.value.value())
            {
                candidates.push(Candidate {
                    key: (id.clone(), *year, *indicator),
                    values: *value,
                    place,
                });
            }
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
        .map(|c| TargetRecord {
            pps_id: c.key.0,
            year: c.key.1,
            indicator: c.key.2,
            value: c.values,
        })
        .collect()
}

/// A count row that broke no rule, keyed by partnership and month.
type CountCandidate = Candidate<(String, Month), [i64; 6]>;

/// Count rows of every count sheet. The sheets are checked side by side,
/// each with a checker of its own, and their findings and candidates taken
/// over in sheet order, so the outcome is that of checking them one by one.
fn counts<'a>(
    ck: &mut Checker<'a>,
    partnerships: &HashMap<String, Partnership>,
    register_rejects: &HashMap<String, String>,
    current: Month,
) -> Vec<CountCandidate> {
    let ingested = ck.ingested;
    let counts = |rows: &'a Rows| match rows {
        Rows::Counts(r) => Some(r.as_slice()),
        _ => None,
    };
    let checked: Vec<(Checker<'a>, Vec<CountCandidate>)> = ck
        .complete_sheets(counts, |r| r.row)
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
    let ingested = ck.ingested;
    let mut candidates = Vec::with_capacity(rows.len());
    for r in rows {
        let place = Place::row(f, s, r.row);
        let before = ck.rejects.len();
        let id = r.pps_id.value();
        let month = r.month.value().copied();
        let ctx = (id, month);
        ck.cell(place, 0, &r.cells[0], &r.pps_id, Kind::Text, true, ctx);
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
                    ingested.files[f].sheets[s].column_label(i + 2),
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

/// Per-sheet accounting from the collected outcomes.
fn account(ck: &Checker<'_>) -> Vec<Vec<SheetCount>> {
    let mut rejected: HashMap<(usize, usize), usize> = HashMap::new();
    for place in &ck.rejected {
        if let (Some(s), Some(_)) = (place.sheet, place.row) {
            *rejected.entry((place.file, s)).or_default() += 1;
        }
    }
    ck.ingested
        .files
        .iter()
        .enumerate()
        .map(|(f, file)| {
            file.sheets
                .iter()
                .enumerate()
                .map(|(s, sheet)| {
                    let get =
                        |m: &HashMap<(usize, usize), usize>| m.get(&(f, s)).copied().unwrap_or(0);
                    let read = sheet.read();
                    let (rejected, duplicates, later) =
                        (get(&rejected), get(&ck.duplicates), get(&ck.later));
                    SheetCount {
                        read,
                        accepted: read - rejected - duplicates - later,
                        rejected,
                        duplicates,
                        later,
                        blank: sheet.blank as usize,
                    }
                })
                .collect()
        })
        .collect()
}
