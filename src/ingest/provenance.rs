//! Provenance: where something was read, as users name it.
//!
//! A [`Provenance`] is made once per file and once per sheet, where ingest
//! reads them (`read_one`), and from then on only cloned: a row's
//! provenance is its sheet's at that row, and every finding carries the
//! provenance of what it is about. So the outputs (rejects file, report,
//! feedback workbooks, manifest) can say where a row is without going back
//! to what ingest read. A clone is one reference count; comparisons order
//! by file path (the order files are read in), then sheet position in the
//! workbook, then row.

use std::fmt;
use std::sync::Arc;

/// A file, a sheet of it, or a row of that sheet.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Provenance {
    origin: Arc<Origin>,
    /// The row number as a spreadsheet shows it (1-based, counting title
    /// rows); `None` for a whole file or sheet.
    row: Option<u32>,
}

/// The file and sheet part, shared by every row of a sheet.
#[derive(PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
struct Origin {
    /// Relative to the input folder, `/`-separated.
    path: Box<str>,
    /// Position in the workbook and name (`""` for a CSV file); `None` for
    /// the file as a whole.
    sheet: Option<(usize, Box<str>)>,
}

impl Provenance {
    /// A whole file.
    pub fn file(path: &str) -> Provenance {
        Provenance {
            origin: Arc::new(Origin {
                path: path.into(),
                sheet: None,
            }),
            row: None,
        }
    }

    /// Sheet `index` (in workbook order), named `name`, of this file.
    #[must_use]
    pub fn sheet(&self, index: usize, name: &str) -> Provenance {
        Provenance {
            origin: Arc::new(Origin {
                path: self.origin.path.clone(),
                sheet: Some((index, name.into())),
            }),
            row: None,
        }
    }

    /// Row `row` (as a spreadsheet shows it) of this sheet.
    #[must_use]
    pub fn row(&self, row: u32) -> Provenance {
        Provenance {
            origin: Arc::clone(&self.origin),
            row: Some(row),
        }
    }

    /// The file path, relative to the input folder.
    pub fn path(&self) -> &str {
        &self.origin.path
    }

    /// The sheet name: empty for a CSV file or a whole file.
    pub fn sheet_name(&self) -> &str {
        self.origin.sheet.as_ref().map_or("", |(_, name)| name)
    }

    /// Whether this names a sheet or a row of one (not a whole file).
    pub fn in_sheet(&self) -> bool {
        self.origin.sheet.is_some()
    }

    /// The row number, for a row.
    pub fn row_number(&self) -> Option<u32> {
        self.row
    }
}

/// In Dutch, for messages: `pad rij 12` or `pad blad 'Blad1' rij 12`.
impl fmt::Display for Provenance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let row = self.row.unwrap_or(0);
        match self.sheet_name() {
            "" => write!(f, "{} rij {row}", self.path()),
            sheet => write!(f, "{} blad '{sheet}' rij {row}", self.path()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_by_file_then_sheet_position_then_row() {
        let a = Provenance::file("a.xlsx");
        let b = Provenance::file("b.csv");
        // Sheet position, not name, decides (workbook order).
        let a_second = a.sheet(1, "Aanlevering");
        let a_first = a.sheet(0, "Zomer");
        let mut all = [
            b.sheet(0, "").row(2),
            a_second.row(2),
            a_first.row(10),
            a_first.row(9),
            a.clone(),
        ];
        all.sort();
        let shown: Vec<String> = all.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "a.xlsx rij 0",
                "a.xlsx blad 'Zomer' rij 9",
                "a.xlsx blad 'Zomer' rij 10",
                "a.xlsx blad 'Aanlevering' rij 2",
                "b.csv rij 2",
            ]
        );
        assert!(!a.in_sheet() && a_first.in_sheet());
        assert_eq!(a_first.row(9).row_number(), Some(9));
    }
}
