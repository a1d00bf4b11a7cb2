//! Collecting findings: the [`Checker`] that gathers rejects, warnings and
//! the fate of every row while the rules of each table run, and the checks
//! every table shares (a cell's type, a sheet's missing columns).
//!
//! Rows travel through the rules as [`RowRef`]s: the sheet they were read
//! from (whose provenance, with the row number, every finding about the
//! row gets), the slot of the row's fate, and its raw cells for messages
//! that quote them. A row handle borrows; only findings own a provenance.

use super::accounting::{Fate, Fates};
use super::rules::{self, Rule};
use super::{Reject, Warning};
use crate::ingest::value::{self, Parsed};
use crate::ingest::{
    CountRow, Ingested, Provenance, RawCells, RegisterRow, Rows, Sheet, TargetRow,
};
use crate::model::Month;
use crate::schema::{self, CountColumn, Empty, RegisterColumn, TableColumn, TargetColumn};

pub(super) struct Checker<'a> {
    pub(super) ingested: &'a Ingested,
    pub(super) rejects: Vec<Reject>,
    pub(super) warnings: Vec<Warning>,
    pub(super) fates: Fates,
}

/// A row of a table sheet while validation checks it.
#[derive(Clone, Debug)]
pub(super) struct RowRef<'a> {
    /// The sheet it was read from (its provenance, its header).
    sheet: &'a Sheet,
    /// The sheet's number in reading order and the row's position among
    /// the sheet's rows: the slot of its fate.
    number: usize,
    index: u32,
    /// The row number as a spreadsheet shows it.
    row: u32,
    /// The raw cells that messages may quote.
    pub(super) cells: &'a RawCells,
}

impl RowRef<'_> {
    /// Where the row was read, for a finding about it.
    pub(super) fn at(&self) -> Provenance {
        self.sheet.at.row(self.row)
    }

    /// The header of table column `index` in the row's sheet, as found.
    pub(super) fn column_label(&self, index: usize) -> String {
        self.sheet.column_label(index)
    }

    /// The position of the `pps_id` column and the row's raw `pps_id`
    /// cell, for the rules that quote it.
    pub(super) fn raw_pps_id(&self) -> (usize, String) {
        let column = self
            .sheet
            .table()
            .map_or(0, |table| schema::spec(table).pps_id());
        (column, value::raw(&self.cells[column]))
    }
}

/// The same row (not merely equal cells).
impl PartialEq for RowRef<'_> {
    fn eq(&self, other: &Self) -> bool {
        (self.number, self.index) == (other.number, other.index)
    }
}

/// The rows of one sheet of a table, with the sheet's number in reading
/// order.
pub(super) struct SheetRows<'a, R> {
    sheet: &'a Sheet,
    number: usize,
    rows: &'a [R],
}

impl<'a, R: TableRow> SheetRows<'a, R> {
    /// Each row with its [`RowRef`].
    pub(super) fn rows(&self) -> impl Iterator<Item = (RowRef<'a>, &'a R)> + use<'a, '_, R> {
        self.rows.iter().enumerate().map(|(index, r)| {
            let row = RowRef {
                sheet: self.sheet,
                number: self.number,
                index: index as u32,
                row: r.number(),
                cells: r.cells(),
            };
            (row, r)
        })
    }

    pub(super) fn len(&self) -> usize {
        self.rows.len()
    }
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

    /// Records what became of `row` (see [`Fates::decide`]).
    pub(super) fn decide(&mut self, row: &RowRef<'_>, fate: Fate) {
        let slot = (row.index as usize, row.sheet.read());
        self.fates
            .decide(row.number, slot, fate, || row.at().to_string());
    }

    /// The fate of `row`, if decided.
    pub(super) fn fate(&self, row: &RowRef<'_>) -> Option<Fate> {
        self.fates.get(row.number, row.index as usize)
    }

    /// One line of the rejects file about `row`.
    #[expect(
        clippy::too_many_arguments,
        reason = "one call site shape per rule; a struct would only rename the arguments"
    )]
    pub(super) fn reject(
        &mut self,
        row: &RowRef<'_>,
        column_index: usize,
        value: String,
        rule: Rule,
        message: String,
        pps_id: Option<&String>,
        month: Option<Month>,
    ) {
        let column = row.column_label(column_index);
        self.decide(row, Fate::Rejected);
        self.rejects.push(Reject {
            at: row.at(),
            column_index,
            column,
            value,
            rule,
            message,
            pps_id: pps_id.cloned(),
            month,
        });
    }

    /// The `unreadable_file` line of a file that could not be read.
    pub(super) fn reject_file(&mut self, at: &Provenance, reason: &str) {
        self.rejects.push(Reject {
            at: at.clone(),
            column_index: 0,
            column: String::new(),
            value: String::new(),
            rule: Rule::UnreadableFile,
            message: rules::unreadable_file(reason),
            pps_id: None,
            month: None,
        });
    }

    pub(super) fn warn(&mut self, at: Provenance, column: String, message: String) {
        self.warnings.push(Warning {
            at,
            column,
            message,
        });
    }

    /// `missing_value` / `bad_value` / `negative` for the parsed cell of
    /// `column`; its declaration says whether an empty cell is missing
    /// and what kind of value the message asks for.
    pub(super) fn cell<C: TableColumn, T>(
        &mut self,
        row: &RowRef<'_>,
        column: C,
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
        let label = row.column_label(column.position());
        let raw_text = value::raw(&row.cells[column]);
        let message = match (rule, parsed) {
            (_, Parsed::Refused(refusal)) => rules::refused(*refusal, &label, &raw_text),
            (Rule::MissingValue, _) => rules::missing_value(&label),
            (Rule::BadValue, _) => rules::bad_value(spec.kind, &label, &raw_text),
            _ => rules::negative(&label, &raw_text),
        };
        self.reject(
            row,
            column.position(),
            raw_text,
            rule,
            message,
            context.0,
            context.1,
        );
    }

    /// The sheets of table `R` that have every required column. Rows of a
    /// sheet that lacks a column get their `missing_column` lines here and
    /// are not checked further.
    pub(super) fn complete_sheets<R: TableRow>(&mut self) -> Vec<SheetRows<'a, R>> {
        let ingested = self.ingested;
        let mut complete = Vec::new();
        let sheets = ingested.files.iter().flat_map(|file| &file.sheets);
        for (number, sheet) in sheets.enumerate() {
            if let Some(rows) = R::of(&sheet.rows) {
                let rows = SheetRows {
                    sheet,
                    number,
                    rows,
                };
                if !self.missing_columns(&rows) {
                    complete.push(rows);
                }
            }
        }
        complete
    }

    /// The rows of table `R` in every complete sheet.
    pub(super) fn complete_rows<R: TableRow>(&mut self) -> Vec<(RowRef<'a>, &'a R)> {
        self.complete_sheets::<R>()
            .iter()
            .flat_map(SheetRows::rows)
            .collect()
    }

    /// Checks the `pps_id` cell every table has (required text); returns
    /// what the row's findings name: its `pps_id` and `month`, where read.
    pub(super) fn pps_id_cell<'r, R: TableRow>(
        &mut self,
        row: &RowRef<'_>,
        r: &'r R,
        month: Option<Month>,
    ) -> (Option<&'r String>, Option<Month>) {
        let context = (r.pps_id().value(), month);
        self.cell(row, R::PPS_ID, r.pps_id(), context);
        context
    }

    /// One `missing_column` line per row and missing column; true when the
    /// sheet lacks a column (its rows need no further checks).
    fn missing_columns<R: TableRow>(&mut self, rows: &SheetRows<'a, R>) -> bool {
        let sheet = rows.sheet;
        let Some(header) = &sheet.header else {
            return false;
        };
        let missing = header.missing();
        if missing.is_empty() {
            return false;
        }
        for (row, _) in rows.rows() {
            for &c in &missing {
                let name = header.table.columns()[c].name;
                self.reject(
                    &row,
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
