//! A small in-memory model of a spreadsheet (rows of cells, 0-based), and
//! writers that turn it into xlsx or CSV bytes.
//!
//! Generators build rows here first so they know every cell's spreadsheet
//! position (row index + 1) before anything is written; that is what lets the
//! sample list its deliberate mistakes by row number.

use std::fs;
use std::io;
use std::path::Path;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Formula, Workbook, XlsxError};

/// How a date cell is displayed (the value is the same serial number).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateFmt {
    /// `1-9-2024`, the Dutch Excel default.
    DayMonthYear,
    /// `sep 2024`
    MonthYear,
    /// `2024-09-01`
    Iso,
}

impl DateFmt {
    fn code(self) -> &'static str {
        match self {
            DateFmt::DayMonthYear => "d-m-yyyy",
            DateFmt::MonthYear => "mmm yyyy",
            DateFmt::Iso => "yyyy-mm-dd",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Int(i64),
    Date {
        y: u16,
        m: u8,
        d: u8,
        fmt: DateFmt,
    },
    /// A formula whose cached result is `#N/A` (a failed VLOOKUP, say).
    ErrorNa,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Self {
        Cell::Text(s.into())
    }

    /// The cell as a CSV field (CSV has no types).
    fn csv_field(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Date { y, m, d, .. } => format!("{d}-{m}-{y}"),
            Cell::ErrorNa => "#N/A".to_owned(),
        }
    }

    /// How the cell shows up in the rejects file's `waarde` column, roughly.
    pub fn shown(&self) -> String {
        match self {
            Cell::Date { y, m, d, .. } => format!("{y}-{m:02}-{d:02} (date cell)"),
            Cell::Empty => "(empty)".to_owned(),
            other => other.csv_field(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<Cell>>,
    /// Title cells merged across columns: (row, first col, last col). The
    /// text is the cell at (row, first col).
    pub merges: Vec<(u32, u16, u16)>,
    /// Rows written in bold (headers, titles).
    pub bold_rows: Vec<u32>,
}

impl Sheet {
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            rows: Vec::new(),
            merges: Vec::new(),
            bold_rows: Vec::new(),
        }
    }

    /// Appends a row and returns its spreadsheet row number (1-based).
    pub fn push(&mut self, row: Vec<Cell>) -> u32 {
        self.rows.push(row);
        self.rows.len() as u32
    }

    /// Appends a bold row (header) and returns its spreadsheet row number.
    pub fn push_bold(&mut self, row: Vec<Cell>) -> u32 {
        let n = self.push(row);
        self.bold_rows.push(n - 1);
        n
    }

    /// Appends a title merged over `width` columns starting at `col`.
    pub fn push_title(&mut self, col: u16, width: u16, title: &str) -> u32 {
        let mut row = vec![Cell::Empty; col as usize];
        row.push(Cell::text(title));
        let n = self.push_bold(row);
        self.merges.push((n - 1, col, col + width.max(1) - 1));
        n
    }
}

/// The creation time stamped into every generated xlsx, so the bytes do not
/// depend on when the generator ran.
fn fixed_properties() -> Result<DocProperties, XlsxError> {
    let created = ExcelDateTime::from_ymd(2026, 11, 2)?.and_hms(9, 0, 0)?;
    Ok(DocProperties::new()
        .set_author("pps-sample")
        .set_creation_datetime(&created))
}

pub fn xlsx_bytes(sheets: &[Sheet]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    wb.set_properties(&fixed_properties()?);
    let bold = Format::new().set_bold();
    let date_formats = [DateFmt::DayMonthYear, DateFmt::MonthYear, DateFmt::Iso]
        .map(|f| (f, Format::new().set_num_format(f.code())));
    for sheet in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&sheet.name)?;
        let width = sheet.rows.iter().map(Vec::len).max().unwrap_or(0);
        for col in 0..width {
            ws.set_column_width(col as u16, 15)?;
        }
        for &(row, first, last) in &sheet.merges {
            let title = match sheet.rows[row as usize].get(first as usize) {
                Some(Cell::Text(s)) => s.as_str(),
                _ => "",
            };
            ws.merge_range(row, first, row, last, title, &bold)?;
        }
        for (r, cells) in sheet.rows.iter().enumerate() {
            let r = r as u32;
            let is_bold = sheet.bold_rows.contains(&r);
            for (c, cell) in cells.iter().enumerate() {
                let c = c as u16;
                if sheet
                    .merges
                    .iter()
                    .any(|&(mr, first, _)| mr == r && first == c)
                {
                    continue;
                }
                match cell {
                    Cell::Empty => {}
                    Cell::Text(s) if is_bold => {
                        ws.write_string_with_format(r, c, s, &bold)?;
                    }
                    Cell::Text(s) => {
                        ws.write_string(r, c, s)?;
                    }
                    Cell::Int(n) => {
                        ws.write_number(r, c, *n as f64)?;
                    }
                    Cell::Date { y, m, d, fmt } => {
                        let dt = ExcelDateTime::from_ymd(*y, *m, *d)?;
                        let format = &date_formats
                            .iter()
                            .find(|(f, _)| f == fmt)
                            .expect("known")
                            .1;
                        ws.write_datetime_with_format(r, c, &dt, format)?;
                    }
                    Cell::ErrorNa => {
                        ws.write_formula(r, c, Formula::new("=NA()").set_result("#N/A"))?;
                    }
                }
            }
        }
    }
    wb.save_to_buffer()
}

/// Character encoding of a CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8Bom,
    /// What Dutch Excel writes for "CSV (gescheiden door lijstscheidingsteken)".
    Windows1252,
}

pub fn csv_bytes(sheet: &Sheet, delimiter: u8, encoding: Encoding) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(csv::Terminator::CRLF)
        .flexible(true)
        .from_writer(Vec::new());
    for row in &sheet.rows {
        w.write_record(row.iter().map(Cell::csv_field))
            .expect("writing to memory cannot fail");
    }
    let utf8 = String::from_utf8(w.into_inner().expect("in-memory writer")).expect("utf-8");
    match encoding {
        Encoding::Utf8Bom => {
            let mut out = vec![0xEF, 0xBB, 0xBF];
            out.extend_from_slice(utf8.as_bytes());
            out
        }
        Encoding::Windows1252 => {
            let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&utf8);
            assert!(!unmappable, "text not representable in Windows-1252");
            bytes.into_owned()
        }
    }
}

/// Writes `bytes` to `path`, creating parent folders; errors name the path.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| io_msg(parent, &e))?;
    }
    fs::write(path, bytes).map_err(|e| io_msg(path, &e))
}

pub fn io_msg(path: &Path, e: &io::Error) -> String {
    format!("{}: {e}", path.display())
}

pub fn xlsx_msg(path: &Path, e: &XlsxError) -> String {
    format!("{}: {e}", path.display())
}
