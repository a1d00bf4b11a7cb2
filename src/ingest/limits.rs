//! What one input file may cost (contract section 2, "Limits and hostile
//! input"), and the sparse sheet that the readers fill within those limits.
//!
//! A sheet's size is what it holds, not its bounding box: the readers hand
//! over cells one by one, and [`Grid`] keeps only the non-empty ones, so one
//! stray cell in `XFD1048576` costs one cell. A file over a limit is not an
//! error of the run: it becomes that file's `unreadable_file` reject with a
//! Dutch message naming the limit ([`Refused`]).

use calamine::Data;
use serde::Serialize;

use crate::model::cut_text;

/// The limits of one input file; configurable (`config/pps-monitor.toml`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
pub struct Limits {
    /// Bytes on disk per file.
    pub max_file_bytes: u64,
    /// Uncompressed bytes per xlsx/ods package (the sum of its zip entries).
    pub max_package_bytes: u64,
    /// Non-empty cells per sheet.
    pub max_cells: u64,
    /// Columns per sheet (a cell in a column at or beyond this is refused).
    pub max_columns: u32,
}

/// 100 MB on disk.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 100_000_000;
/// 1 GB uncompressed.
pub const DEFAULT_MAX_PACKAGE_BYTES: u64 = 1_000_000_000;
pub const DEFAULT_MAX_CELLS: u64 = 2_000_000;
/// Excel's own width (`XFD`).
pub const DEFAULT_MAX_COLUMNS: u32 = 16_384;

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            max_package_bytes: DEFAULT_MAX_PACKAGE_BYTES,
            max_cells: DEFAULT_MAX_CELLS,
            max_columns: DEFAULT_MAX_COLUMNS,
        }
    }
}

/// `1234567` → `1.234.567` (Dutch thousands separator), for messages.
pub fn dutch_number(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// Why a file is not read: a Dutch sentence for the partnership, naming
/// the limit where one was crossed (technical detail may follow).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Refused(pub String);

impl Refused {
    pub fn cells(sheet: &str, limits: &Limits) -> Refused {
        Refused(format!(
            "blad '{}' bevat meer dan {} gevulde cellen (de grens per blad)",
            cut_text(sheet),
            dutch_number(limits.max_cells)
        ))
    }

    pub fn columns(sheet: &str, limits: &Limits) -> Refused {
        Refused(format!(
            "blad '{}' gebruikt meer dan {} kolommen (de grens per blad)",
            cut_text(sheet),
            dutch_number(u64::from(limits.max_columns))
        ))
    }
}

/// A cell as a reader found it.
#[derive(Clone, PartialEq, Debug)]
pub enum Value {
    Data(Data),
    /// A formula cell without a stored (cached) result: the formula text,
    /// without its leading `=` (may be empty when the reader cannot say).
    UncachedFormula(String),
}

/// A sheet's non-empty cells: `(row, column, value)`, 0-based.
pub type SparseCells = Vec<(u32, u32, Value)>;

/// The non-empty cells of one sheet, in (row, column) order after
/// [`Grid::finish`]. Positions are 0-based and absolute (`A1` is `(0, 0)`).
#[derive(Debug)]
pub struct Grid<'l> {
    sheet: String,
    limits: &'l Limits,
    cells: Vec<(u32, u32, Value)>,
}

impl<'l> Grid<'l> {
    pub fn new(sheet: &str, limits: &'l Limits) -> Grid<'l> {
        Grid {
            sheet: sheet.to_owned(),
            limits,
            cells: Vec::new(),
        }
    }

    /// Adds a cell; empty cells are dropped, long texts cut to 1,000
    /// characters. Fails when the sheet crosses the cells or columns limit.
    pub fn push(&mut self, row: u32, col: u32, value: Value) -> Result<(), Refused> {
        let value = match value {
            Value::Data(Data::Empty) => return Ok(()),
            Value::Data(Data::String(s)) => Value::Data(Data::String(cut_owned(s))),
            Value::Data(Data::DateTimeIso(s)) => Value::Data(Data::DateTimeIso(cut_owned(s))),
            Value::Data(Data::DurationIso(s)) => Value::Data(Data::DurationIso(cut_owned(s))),
            Value::UncachedFormula(f) => Value::UncachedFormula(cut_owned(f)),
            other @ Value::Data(_) => other,
        };
        if col >= self.limits.max_columns {
            return Err(Refused::columns(&self.sheet, self.limits));
        }
        if self.cells.len() as u64 >= self.limits.max_cells {
            return Err(Refused::cells(&self.sheet, self.limits));
        }
        self.cells.push((row, col, value));
        Ok(())
    }

    /// The cells in (row, column) order; of two cells at one position the
    /// later one read wins (as in the spreadsheet programs).
    pub fn finish(mut self) -> SparseCells {
        let sorted = self
            .cells
            .windows(2)
            .all(|w| (w[0].0, w[0].1) < (w[1].0, w[1].1));
        if !sorted {
            // Stable: copies of one position stay in reading order.
            self.cells.sort_by_key(|c| (c.0, c.1));
            let mut out: Vec<(u32, u32, Value)> = Vec::with_capacity(self.cells.len());
            for cell in self.cells {
                match out.last_mut() {
                    Some(last) if (last.0, last.1) == (cell.0, cell.1) => *last = cell,
                    _ => out.push(cell),
                }
            }
            return out;
        }
        self.cells
    }
}

fn cut_owned(text: String) -> String {
    match cut_text(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(cut) => cut,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grid_counts_cells_not_its_bounding_box() {
        let limits = Limits {
            max_cells: 3,
            ..Limits::default()
        };
        let mut grid = Grid::new("Blad1", &limits);
        let x = || Value::Data(Data::String("x".to_owned()));
        grid.push(1_048_575, 16_383, x()).unwrap();
        grid.push(0, 0, Value::Data(Data::Empty)).unwrap();
        grid.push(0, 0, x()).unwrap();
        grid.push(0, 0, Value::Data(Data::Float(2.0))).unwrap();
        let err = grid.push(5, 5, x()).unwrap_err();
        assert!(err.0.contains("meer dan 3 gevulde cellen"), "{err:?}");
        let cells = grid.finish();
        assert_eq!(cells.len(), 2);
        assert_eq!(cells[0], (0, 0, Value::Data(Data::Float(2.0))));
        assert_eq!(cells[1].0, 1_048_575);
    }

    #[test]
    fn columns_and_texts_are_bounded() {
        let limits = Limits::default();
        let mut grid = Grid::new("Blad1", &limits);
        let err = grid.push(0, 16_384, Value::Data(Data::Int(1))).unwrap_err();
        assert!(err.0.contains("meer dan 16.384 kolommen"), "{err:?}");
        grid.push(0, 0, Value::Data(Data::String("é".repeat(40_000))))
            .unwrap();
        let cells = grid.finish();
        let Value::Data(Data::String(s)) = &cells[0].2 else {
            panic!("{cells:?}")
        };
        assert_eq!(s.chars().count(), 1000);
        assert!(s.ends_with('…'));
    }

    #[test]
    fn dutch_thousands() {
        assert_eq!(dutch_number(2_000_000), "2.000.000");
        assert_eq!(dutch_number(16_384), "16.384");
        assert_eq!(dutch_number(999), "999");
    }
}
