//! Collecting findings: the [`Checker`] that gathers rejects, warnings and
//! the fate of every row while the rules of each table run, and the checks
//! every table shares (a cell's type, a sheet's missing columns).

use super::accounting::{Fate, Fates};
use super::rules::{self, Rule};
use super::{Place, Reject, Warning};
use crate::ingest::value::{self, Parsed};
use crate::ingest::{CountRow, Ingested, NO_CELLS, RawCells, RegisterRow, Rows, Sheet, TargetRow};
use crate::model::Month;
use crate::schema::{self, CountColumn, Empty, RegisterColumn, TableColumn, TargetColumn};

pub(super) struct Checker<'a> {
    pub(super) ingested: &'a Ingested,
    pub(super) rejects: Vec<Reject>,
    pub(super) warnings: Vec<Warning>,
    pub(super) fates: Fates,
}

impl<'a> Checker<'a> {
    pub(super) fn new(ingested: &'a Ingested) -> Checker<'a> {
        Checker {
            ingested,
            rejects: Vec::new(),
            warnings: Vec::new(),
            fates: Fates::default(),
        }
    }

    /// Takes over the findings of a checker that looked at other rows.
    pub(super) fn absorb(&mut self, other: Checker<'a>) {
        self.rejects.extend(other.rejects);
        self.warnings.extend(other.warnings);
        self.fates.absorb(other.fates);
    }

    /// Records what became of the row at `place` (see [`Fates::decide`]).
    /// Places of whole files and sheets have no fate.
    pub(super) fn decide(&mut self, place: Place, fate: Fate) {
        let (Some(sheet), Some(_)) = (place.sheet, place.row) else {
            return;
        };
        let rows = self.sheet(place).read();
        match self.row_index(place) {
            Some(index) => {
                let ingested = self.ingested;
                let at = || location(ingested, place);
                self.fates
                    .decide((place.file, sheet), (index, rows), fate, at);
            }
            None => self.fates.lost(&self.location(place), fate),
        }
    }

    /// The fate of the row at `place`, if decided.
    pub(super) fn fate(&self, place: Place) -> Option<Fate> {
        let index = self.row_index(place)?;
        self.fates.get((place.file, place.sheet?), index)
    }

    fn sheet(&self, place: Place) -> &'a Sheet {
        &self.ingested.files[place.file].sheets[place.sheet.unwrap_or(0)]
    }

    /// The header of column `index` at `place`, as found in the sheet.
    pub(super) fn column_label(&self, place: Place, index: usize) -> String {
        self.sheet(place).column_label(index)
    }

    pub(super) fn location(&self, place: Place) -> String {
        location(self.ingested, place)
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "one call site shape per rule; a struct would only rename the arguments"
    )]
    pub(super) fn reject(
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
        self.decide(place, Fate::Rejected);
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

    pub(super) fn warn(&mut self, place: Place, column: String, message: String) {
        self.warnings.push(Warning {
            place,
            column,
            message,
        });
    }

    /// `missing_value` / `bad_value` / `negative` for the parsed cell of
    /// `column`; its declaration says whether an empty cell is missing
    /// and what kind of value the message asks for.
    pub(super) fn cell<C: TableColumn, T>(
        &mut self,
        place: Place,
        column: C,
        cells: &RawCells,
        parsed: &Parsed<T>,
        context: (Option<&String>, Option<Month>),
    ) {
        let spec = column.spec();
        // Most cells are fine: decide that before building any text.
        let rule = match parsed {
            Parsed::Value(_) => return,
            Parsed::Empty if spec.empty != Empty::Rejected => return,
            Parsed::Empty => Rule::MissingValue,
            Parsed::Bad | Parsed::Refused(_) => Rule::BadValue,
            Parsed::Negative => Rule::Negative,
        };
        let label = self.sheet(place).column_label(column.position());
        let raw_text = value::raw(&cells[column]);
        let message = match (rule, parsed) {
            (_, Parsed::Refused(refusal)) => rules::refused(*refusal, &label, &raw_text),
            (Rule::MissingValue, _) => rules::missing_value(&label),
            (Rule::BadValue, _) => rules::bad_value(spec.kind, &label, &raw_text),
            _ => rules::negative(&label, &raw_text),
        };
        self.reject(
            place,
            column.position(),
            raw_text,
            rule,
            message,
            context.0,
            context.1,
        );
    }

    /// The sheets of table `R` that have every required column, as
    /// `(file, sheet, rows)`. Rows of a sheet that lacks a column get their
    /// `missing_column` lines here and are not checked further.
    pub(super) fn complete_sheets<R: TableRow>(&mut self) -> Vec<(usize, usize, &'a [R])> {
        let ingested = self.ingested;
        let mut complete = Vec::new();
        for (f, file) in ingested.files.iter().enumerate() {
            for (s, sheet) in file.sheets.iter().enumerate() {
                if let Some(rows) = R::of(&sheet.rows)
                    && !self.missing_columns(f, s, rows.iter().map(R::number))
                {
                    complete.push((f, s, rows));
                }
            }
        }
        complete
    }

    /// The rows of table `R` in every complete sheet, with their places.
    pub(super) fn complete_rows<R: TableRow>(&mut self) -> Vec<(Place, &'a R)> {
        self.complete_sheets::<R>()
            .into_iter()
            .flat_map(|(f, s, rows)| rows.iter().map(move |r| (Place::row(f, s, r.number()), r)))
            .collect()
    }

    /// The `pps_id` cell every table has: required text.
    pub(super) fn pps_id_cell<R: TableRow>(
        &mut self,
        place: Place,
        r: &R,
        context: (Option<&String>, Option<Month>),
    ) {
        self.cell(place, R::PPS_ID, r.cells(), r.pps_id(), context);
    }

    /// The column of the `pps_id` of the row at `place`, and its raw
    /// cell, for the rules that quote it.
    pub(super) fn raw_pps_id(&self, place: Place) -> (usize, String) {
        let column = self
            .sheet(place)
            .table()
            .map_or(0, |table| schema::spec(table).pps_id());
        (column, value::raw(&self.row_cells(place)[column]))
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

    /// The raw cells of the row at `place` (a table row).
    pub(super) fn row_cells(&self, place: Place) -> &'a RawCells {
        let rows = &self.sheet(place).rows;
        let cells = |index: usize| match rows {
            Rows::Register(rows) => rows.get(index).map(TableRow::cells),
            Rows::Targets(rows) => rows.get(index).map(TableRow::cells),
            Rows::Counts(rows) => rows.get(index).map(TableRow::cells),
            Rows::None => None,
        };
        self.row_index(place).and_then(cells).unwrap_or(&NO_CELLS)
    }

    /// The position of the row at `place` among its sheet's rows.
    fn row_index(&self, place: Place) -> Option<usize> {
        let row = place.row?;
        match &self.sheet(place).rows {
            Rows::Register(rows) => position(rows, row),
            Rows::Targets(rows) => position(rows, row),
            Rows::Counts(rows) => position(rows, row),
            Rows::None => None,
        }
    }
}

/// `path rij N` or `path blad 'sheet' rij N`, for messages.
fn location(ingested: &Ingested, place: Place) -> String {
    let file = &ingested.files[place.file];
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

/// The position of the row numbered `row` in a sheet's rows. Ingest keeps
/// rows in sheet order, so a binary search finds it: a linear scan per
/// reject made a sheet with tens of thousands of rejected rows quadratic
/// (found by the fuzzer). The scan stays as a fallback should a reader
/// ever yield rows out of order.
fn position<R: TableRow>(rows: &[R], row: u32) -> Option<usize> {
    rows.binary_search_by_key(&row, R::number)
        .ok()
        .or_else(|| rows.iter().position(|r| r.number() == row))
}

/// A typed row of one table, as ingest read it.
pub(super) trait TableRow: Sized {
    /// The rows of a sheet when it holds this table.
    fn of(rows: &Rows) -> Option<&[Self]>;
    /// The row number as a spreadsheet shows it.
    fn number(&self) -> u32;
    /// The raw cells the rejects file may quote.
    fn cells(&self) -> &RawCells;
    /// The partnership the row is about.
    fn pps_id(&self) -> &Parsed<String>;
    /// The table's columns.
    type Column: TableColumn;
    /// The column of [`TableRow::pps_id`].
    const PPS_ID: Self::Column;
}

/// [`TableRow`] for each table's row type.
macro_rules! table_row {
    ($row:ty, $variant:ident, $column:ident) => {
        impl TableRow for $row {
            type Column = $column;
            const PPS_ID: $column = $column::PpsId;

            fn of(rows: &Rows) -> Option<&[Self]> {
                match rows {
                    Rows::$variant(r) => Some(r),
                    _ => None,
                }
            }
            fn number(&self) -> u32 {
                self.row
            }
            fn cells(&self) -> &RawCells {
                &self.cells
            }
            fn pps_id(&self) -> &Parsed<String> {
                &self.pps_id
            }
        }
    };
}
table_row!(RegisterRow, Register, RegisterColumn);
table_row!(TargetRow, Targets, TargetColumn);
table_row!(CountRow, Counts, CountColumn);
