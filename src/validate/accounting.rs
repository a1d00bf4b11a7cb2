//! Row accounting: the fate of every row, recorded where it is decided,
//! and the tally of those fates per sheet.
//!
//! Every row a table sheet holds gets exactly one [`Fate`]. A rule that
//! rejects the row records `Rejected` (several rules may); deduplication
//! records `Duplicate` for the extra copies; and the code that turns a row
//! into an accepted record records `Accepted` (or `Later`, for a count row
//! after the reporting period) at the moment it does so. Completely blank
//! rows are decided by ingest, which counts them (`Sheet::blank`); they are
//! not rows read.
//!
//! The tally then checks itself instead of being true by construction: a
//! row read without a fate, a row given two different fates, or accepted
//! fates that differ from the accepted records produced is an internal
//! error ([`Error::Internal`]), so a row dropped on some path can no longer
//! count as accepted.

use super::findings::Checker;
use crate::error::Error;

/// What became of one row read.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Fate {
    /// Broke no rule and became an accepted record.
    Accepted,
    /// Broke at least one rule: listed in the rejects file.
    Rejected,
    /// An identical copy of a row that was kept.
    Duplicate,
    /// A count row that broke no rule, for a month after the period.
    Later,
}

/// Row accounting of one sheet: the tally of its rows' fates.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug, serde::Serialize)]
pub struct SheetCount {
    pub read: usize,
    pub accepted: usize,
    pub rejected: usize,
    pub duplicates: usize,
    pub later: usize,
    pub blank: usize,
}

impl std::ops::AddAssign for SheetCount {
    fn add_assign(&mut self, other: SheetCount) {
        self.read += other.read;
        self.accepted += other.accepted;
        self.rejected += other.rejected;
        self.duplicates += other.duplicates;
        self.later += other.later;
        self.blank += other.blank;
    }
}

impl SheetCount {
    /// One more row with this fate.
    fn add(&mut self, fate: Fate) {
        match fate {
            Fate::Accepted => self.accepted += 1,
            Fate::Rejected => self.rejected += 1,
            Fate::Duplicate => self.duplicates += 1,
            Fate::Later => self.later += 1,
        }
    }

    /// Rows with a fate (every row read should have one).
    fn decided(&self) -> usize {
        self.accepted + self.rejected + self.duplicates + self.later
    }
}

/// The fates recorded so far, per sheet, in the order of the sheet's rows.
///
/// Sheets are numbered densely in reading order (files in path order, then
/// sheets in workbook order); a checker covers the numbers from the lowest
/// it has seen, so that one that checks a single sheet holds one slot list.
#[derive(Default, Debug)]
pub(super) struct Fates {
    /// The number of the sheet `sheets[0]` is about.
    first: usize,
    /// Per sheet, one slot per row read (`None`: not decided yet); empty
    /// until a row of the sheet is decided.
    sheets: Vec<Vec<Option<Fate>>>,
    /// Rows given a second, different fate: bugs, reported by [`account`].
    clashes: Vec<String>,
}

impl Fates {
    /// The slots of sheet number `sheet`, which has `rows` rows.
    fn slots(&mut self, sheet: usize, rows: usize) -> &mut Vec<Option<Fate>> {
        if self.sheets.is_empty() {
            self.first = sheet;
        } else if sheet < self.first {
            let before = self.first - sheet;
            self.sheets
                .splice(0..0, std::iter::repeat_with(Vec::new).take(before));
            self.first = sheet;
        }
        let i = sheet - self.first;
        if i >= self.sheets.len() {
            self.sheets.resize_with(i + 1, Vec::new);
        }
        let slots = &mut self.sheets[i];
        if slots.len() < rows {
            slots.resize(rows, None);
        }
        slots
    }

    /// The slots of sheet number `sheet` recorded so far.
    fn of(&self, sheet: usize) -> &[Option<Fate>] {
        sheet
            .checked_sub(self.first)
            .and_then(|i| self.sheets.get(i))
            .map_or(&[], Vec::as_slice)
    }

    /// Records `fate` for row `index` of sheet number `sheet`, which has
    /// `rows` rows. Only `Rejected` may be recorded twice (one line per
    /// broken rule); `place` names the row should anything be wrong.
    pub(super) fn decide(
        &mut self,
        sheet: usize,
        (index, rows): (usize, usize),
        fate: Fate,
        place: impl FnOnce() -> String,
    ) {
        let clash = match self.slots(sheet, rows).get_mut(index) {
            Some(slot) => settle(slot, fate)
                .err()
                .map(|earlier| format!("{earlier:?} and then {fate:?}")),
            None => Some(format!("{fate:?} for row {index} of {rows}")),
        };
        if let Some(clash) = clash {
            self.clashes.push(format!("{}: {clash}", place()));
        }
    }

    /// The fate of row `index` of sheet number `sheet`, if decided.
    pub(super) fn get(&self, sheet: usize, index: usize) -> Option<Fate> {
        self.of(sheet).get(index).copied().flatten()
    }

    /// Takes over the fates recorded by a checker that looked at other rows.
    pub(super) fn absorb(&mut self, other: Fates) {
        self.clashes.extend(other.clashes);
        for (i, theirs) in other.sheets.into_iter().enumerate() {
            if theirs.is_empty() {
                continue;
            }
            let sheet = other.first + i;
            let mine = self.slots(sheet, theirs.len());
            let mut twice = Vec::new();
            for (index, fate) in theirs.into_iter().enumerate() {
                if let Some(fate) = fate
                    && settle(&mut mine[index], fate).is_err()
                {
                    twice.push(format!("sheet {sheet}, row index {index}: {fate:?} twice"));
                }
            }
            self.clashes.extend(twice);
        }
    }
}

/// Puts `fate` in an empty slot; `Rejected` may come again. Otherwise the
/// fate already there.
fn settle(slot: &mut Option<Fate>, fate: Fate) -> Result<(), Fate> {
    match *slot {
        None => {
            *slot = Some(fate);
            Ok(())
        }
        Some(Fate::Rejected) if fate == Fate::Rejected => Ok(()),
        Some(earlier) => Err(earlier),
    }
}

/// The tally of every sheet's fates, `[file][sheet]`; an internal error when
/// a row read has no fate or two.
pub(super) fn account(ck: &Checker<'_>) -> Result<Vec<Vec<SheetCount>>, Error> {
    if let Some(clash) = ck.fates.clashes.first() {
        return Err(Error::Internal(format!(
            "row accounting: {clash} ({} such rows)",
            ck.fates.clashes.len()
        )));
    }
    let mut accounting = Vec::with_capacity(ck.ingested.files.len());
    let mut number = 0;
    for file in &ck.ingested.files {
        let mut sheets = Vec::with_capacity(file.sheets.len());
        for sheet in &file.sheets {
            let mut count = SheetCount {
                read: sheet.read(),
                blank: sheet.blank as usize,
                ..SheetCount::default()
            };
            let slots = ck.fates.of(number);
            number += 1;
            for fate in slots.iter().flatten() {
                count.add(*fate);
            }
            if count.decided() != count.read || slots.len() != count.read {
                return Err(Error::Internal(format!(
                    "row accounting of {} sheet '{}': {} rows read, {} with a fate",
                    file.path,
                    sheet.name,
                    count.read,
                    count.decided()
                )));
            }
            sheets.push(count);
        }
        accounting.push(sheets);
    }
    Ok(accounting)
}

/// Checks that the accepted fates are as many as the accepted records.
pub(super) fn check_accepted(accounting: &[Vec<SheetCount>], records: usize) -> Result<(), Error> {
    let fates: usize = accounting.iter().flatten().map(|c| c.accepted).sum();
    if fates == records {
        Ok(())
    } else {
        Err(Error::Internal(format!(
            "row accounting: {fates} rows accepted, but {records} accepted records"
        )))
    }
}
