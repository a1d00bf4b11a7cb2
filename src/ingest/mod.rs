//! Ingest: every spreadsheet below the input folder → typed rows with their
//! provenance (file, sheet, spreadsheet row, column header).
//!
//! Reads `.xlsx`, `.xlsm`, `.xls`, `.ods` and `.csv` files, in parallel
//! across files; other files and Excel lock files (`~$…`, `.…`) are listed
//! but not read. A file that cannot be opened is not an error here: it is
//! reported as unreadable and the other files are still read. Cells are
//! parsed into typed values ([`value::Parsed`]); deciding which rows to
//! accept is validation's job.

pub mod delimited;
pub mod header;
pub mod value;

use std::io::Cursor;
use std::path::{Path, PathBuf};

use calamine::{Data, Ods, Range, Reader, SheetType, Sheets, Xlsx};
use chrono::NaiveDate;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use smallvec::SmallVec;

use crate::error::Error;
use crate::model::{Indicator, Month, Table};
use header::Header;
use value::Parsed;

/// Everything read from the input folder, files in path order.
#[derive(Debug)]
pub struct Ingested {
    pub root: PathBuf,
    pub files: Vec<InputFile>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileStatus {
    Read,
    Unreadable,
    Ignored,
}

impl FileStatus {
    pub fn name(self) -> &'static str {
        match self {
            FileStatus::Read => "read",
            FileStatus::Unreadable => "unreadable",
            FileStatus::Ignored => "ignored",
        }
    }
}

/// One file below the input folder.
#[derive(Debug)]
pub struct InputFile {
    /// Relative to the input folder, `/`-separated.
    pub path: String,
    pub sha256: String,
    pub status: FileStatus,
    /// Why a file is unreadable or ignored.
    pub message: Option<String>,
    pub sheets: Vec<Sheet>,
}

/// One sheet (a CSV file is one sheet, named "").
#[derive(Debug)]
pub struct Sheet {
    pub name: String,
    /// `None`: no header row of a known table was found.
    pub header: Option<Header>,
    /// Spreadsheet row number (1-based) of the header row.
    pub header_row: u32,
    /// The sheet has no non-blank cell at all.
    pub empty: bool,
    /// Completely blank rows below the header.
    pub blank: u32,
    /// Non-blank rows below the header.
    read: usize,
    pub rows: Rows,
}

impl Sheet {
    pub fn table(&self) -> Option<Table> {
        self.header.as_ref().map(|h| h.table)
    }

    /// The header text as found for column `index` of the table, or the
    /// column's contract name when the sheet lacks it.
    pub fn column_label(&self, index: usize) -> String {
        match &self.header {
            Some(h) => h.columns[index].as_ref().map_or_else(
                || h.table.columns()[index].name.to_owned(),
                |(_, t)| t.clone(),
            ),
            None => String::new(),
        }
    }

    /// Rows read (non-blank rows below the header), also after
    /// [`Ingested::release_rows`].
    pub fn read(&self) -> usize {
        self.read
    }
}

impl Ingested {
    /// Frees the rows (the bulk of the memory) once validation has taken
    /// what it needs; file and sheet descriptions stay for the outputs.
    pub fn release_rows(&mut self) {
        for sheet in self.files.iter_mut().flat_map(|f| f.sheets.iter_mut()) {
            sheet.rows = Rows::None;
        }
    }
}

/// The typed rows of a sheet, by table.
#[derive(Debug)]
pub enum Rows {
    None,
    Register(Vec<RegisterRow>),
    Targets(Vec<TargetRow>),
    Counts(Vec<CountRow>),
}

/// The raw cells of a row that the rejects file may quote, indexed by table
/// column: the key columns always, other cells only when they could not be
/// read as their type. Cells that read fine are not kept (they are most of
/// the memory of a large run); indexing them gives an empty cell.
///
/// Held inline up to three cells (the key columns of a count row), so
/// that most rows need no allocation of their own.
#[derive(Debug, Default)]
pub struct RawCells(SmallVec<[(u8, Data); 3]>);

static NO_CELL: Data = Data::Empty;

/// The raw cells of a row that is not there.
pub static NO_CELLS: RawCells = RawCells(SmallVec::new_const());

impl RawCells {
    /// Keeps cell `i` of `cells` when `keep(i)`; empty cells are never kept.
    fn sparse(cells: Vec<Data>, keep: impl Fn(usize) -> bool) -> RawCells {
        RawCells(
            cells
                .into_iter()
                .enumerate()
                .filter(|(i, cell)| *cell != Data::Empty && keep(*i))
                .map(|(i, cell)| (i as u8, cell))
                .collect(),
        )
    }
}

impl std::ops::Index<usize> for RawCells {
    type Output = Data;

    fn index(&self, column: usize) -> &Data {
        self.0
            .iter()
            .find(|(c, _)| usize::from(*c) == column)
            .map_or(&NO_CELL, |(_, cell)| cell)
    }
}

/// A cell worth quoting later: one that did not read as a value.
fn unreadable<T>(parsed: &Parsed<T>) -> bool {
    !matches!(parsed, Parsed::Value(_))
}

#[derive(Debug)]
pub struct RegisterRow {
    pub row: u32,
    pub cells: RawCells,
    pub pps_id: Parsed<String>,
    pub naam: Parsed<String>,
    pub consortium: Parsed<String>,
    pub gemeente: Parsed<String>,
    pub start: Parsed<NaiveDate>,
    pub end: Parsed<NaiveDate>,
    pub sector: Parsed<String>,
}

#[derive(Debug)]
pub struct TargetRow {
    pub row: u32,
    pub cells: RawCells,
    pub pps_id: Parsed<String>,
    pub year: Parsed<i32>,
    pub indicator: Parsed<Indicator>,
    pub value: Parsed<i64>,
}

#[derive(Debug)]
pub struct CountRow {
    pub row: u32,
    pub cells: RawCells,
    pub pps_id: Parsed<String>,
    pub month: Parsed<Month>,
    /// In the order of `Measure::ALL`.
    pub values: [Parsed<i64>; 6],
}

/// The file kinds we read, by extension (case-insensitive).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Workbook,
    Csv,
}

fn kind_of(name: &str) -> Option<Kind> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    match ext.as_str() {
        "xlsx" | "xlsm" | "xls" | "ods" => Some(Kind::Workbook),
        "csv" => Some(Kind::Csv),
        _ => None,
    }
}

/// Reads every file below `root`, except below `exclude` (the output
/// folder, when it lies inside the input folder: our own outputs are not
/// input). Fails only when `root` itself cannot be listed; a subfolder that
/// cannot be listed is reported like an unreadable file.
pub fn read(
    root: &Path,
    exclude: Option<&Path>,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<Ingested, Error> {
    if !root.is_dir() {
        return Err(Error::MissingInput {
            path: root.to_path_buf(),
        });
    }
    let excluded = exclude.and_then(|p| p.canonicalize().ok());
    let is_excluded = |e: &walkdir::DirEntry| {
        e.file_type().is_dir()
            && excluded
                .as_ref()
                .is_some_and(|x| e.path().canonicalize().is_ok_and(|p| &p == x))
    };
    let relative = |path: &Path| {
        path.strip_prefix(root)
            .unwrap_or(path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/")
    };
    let mut paths: Vec<(String, PathBuf, Option<String>)> = Vec::new();
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| !is_excluded(e));
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_file() => {
                paths.push((relative(entry.path()), entry.into_path(), None));
            }
            Ok(_) => {}
            Err(e) if e.depth() == 0 => {
                return Err(Error::Io {
                    path: root.to_path_buf(),
                    action: "list the input folder",
                    source: e
                        .into_io_error()
                        .unwrap_or_else(|| std::io::Error::other("file system loop")),
                });
            }
            Err(e) => {
                let path = e.path().unwrap_or(root).to_path_buf();
                let reason = if e.loop_ancestor().is_some() {
                    "a symbolic link loops back to a parent folder".to_owned()
                } else {
                    format!("the folder cannot be listed: {e}")
                };
                paths.push((relative(&path), path, Some(reason)));
            }
        }
    }
    // Byte order of the relative path: the order of files everywhere.
    paths.sort_by(|a, b| a.0.cmp(&b.0));
    let readable = paths
        .iter()
        .filter(|(rel, _, _)| skip_reason(rel).is_none())
        .count();
    progress(&format!(
        "reading {readable} spreadsheet file(s) from {}",
        root.display()
    ));
    // Largest files first, handed out a few at a time: the threads then
    // end together on small files, instead of one reading a large register
    // or target file, or a long stretch of files it took in one piece,
    // while the others wait. The outcome is put back in path order.
    let mut jobs: Vec<_> = paths
        .into_iter()
        .enumerate()
        .map(|(i, (relative, path, problem))| {
            let size = path.metadata().map_or(0, |m| m.len());
            (i, size, relative, path, problem)
        })
        .collect();
    jobs.sort_by_key(|&(i, size, ..)| (std::cmp::Reverse(size), i));
    let mut read: Vec<(usize, InputFile)> = jobs
        .into_par_iter()
        .with_max_len(4)
        .map(|(i, _, relative, path, problem)| {
            let file = match problem {
                None => read_file(relative, &path),
                Some(reason) => InputFile {
                    path: relative,
                    sha256: String::new(),
                    status: FileStatus::Unreadable,
                    message: Some(reason),
                    sheets: Vec::new(),
                },
            };
            (i, file)
        })
        .collect();
    read.sort_by_key(|&(i, _)| i);
    let files = read.into_iter().map(|(_, file)| file).collect();
    Ok(Ingested {
        root: root.to_path_buf(),
        files,
    })
}

/// Why a file is not read, if it is not.
fn skip_reason(relative: &str) -> Option<&'static str> {
    let name = relative.rsplit('/').next().unwrap_or(relative);
    if name.starts_with("~$") || name.starts_with('.') {
        Some("lock or hidden file, skipped")
    } else if kind_of(name).is_none() {
        Some("not a spreadsheet (.xlsx, .xlsm, .xls, .ods, .csv), skipped")
    } else {
        None
    }
}

fn read_file(path: String, full: &Path) -> InputFile {
    if let Some(reason) = skip_reason(&path) {
        // Not read, but checksummed for the manifest, without loading a
        // possibly large unrelated file into memory.
        return InputFile {
            sha256: hash_file(full).unwrap_or_default(),
            path,
            status: FileStatus::Ignored,
            message: Some(reason.to_owned()),
            sheets: Vec::new(),
        };
    }
    let bytes = match std::fs::read(full) {
        Ok(b) => b,
        Err(e) => {
            return InputFile {
                path,
                sha256: String::new(),
                status: FileStatus::Unreadable,
                message: Some(format!("the file cannot be opened: {e}")),
                sheets: Vec::new(),
            };
        }
    };
    let sha256 = hex(&Sha256::digest(&bytes));
    let sheets = match kind_of(&path) {
        Some(Kind::Csv) => delimited::read(&bytes).map(|range| vec![sheet(String::new(), range)]),
        _ => read_workbook(&bytes, path.to_ascii_lowercase().ends_with(".ods")),
    };
    match sheets {
        Ok(sheets) => {
            let any_table = sheets.iter().any(|s| s.header.is_some());
            InputFile {
                path,
                sha256,
                status: if any_table {
                    FileStatus::Read
                } else {
                    FileStatus::Ignored
                },
                message: (!any_table).then(|| "no sheet with a known header row".to_owned()),
                sheets,
            }
        }
        Err(message) => InputFile {
            path,
            sha256,
            status: FileStatus::Unreadable,
            message: Some(message),
            sheets: Vec::new(),
        },
    }
}

/// Opens a workbook by its content (a `.xls` that is really `.xlsx` is
/// fine) and reads every worksheet. Any sheet that fails makes the whole
/// file unreadable: half a file is worse than a clear rejection.
fn read_workbook(bytes: &[u8], ods_first: bool) -> Result<Vec<Sheet>, String> {
    if bytes.starts_with(b"\xD0\xCF\x11\xE0") && is_encrypted_ooxml(bytes) {
        return Err("the workbook is password-protected (encrypted)".to_owned());
    }
    let mut workbook = open_workbook(bytes, ods_first)
        .map_err(|e| format!("not a readable spreadsheet (xlsx, xls or ods): {e}"))?;
    let names: Vec<String> = workbook
        .sheets_metadata()
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .collect();
    let mut sheets = Vec::with_capacity(names.len());
    for name in names {
        let range = workbook
            .worksheet_range(&name)
            .map_err(|e| format!("sheet '{name}' cannot be read: {e}"))?;
        sheets.push(sheet(name, range));
    }
    Ok(sheets)
}

/// Opens the workbook with the reader its content calls for: a zip is
/// xlsx or ods (the extension decides which is tried first), anything else
/// goes to calamine's detection (xls). Reads from the bytes in place.
fn open_workbook(bytes: &[u8], ods_first: bool) -> Result<Sheets<Cursor<&[u8]>>, calamine::Error> {
    let cursor = Cursor::new(bytes);
    if !bytes.starts_with(b"PK\x03\x04") {
        return calamine::open_workbook_auto_from_rs(cursor);
    }
    let xlsx = || calamine::open_workbook_from_rs::<Xlsx<_>, _>(cursor.clone()).map(Sheets::Xlsx);
    let ods = || calamine::open_workbook_from_rs::<Ods<_>, _>(cursor.clone()).map(Sheets::Ods);
    let first = if ods_first {
        ods().map_err(calamine::Error::from)
    } else {
        xlsx().map_err(calamine::Error::from)
    };
    first
        .or_else(|_| {
            if ods_first {
                xlsx().map_err(calamine::Error::from)
            } else {
                ods().map_err(calamine::Error::from)
            }
        })
        .or_else(|_| calamine::open_workbook_auto_from_rs(cursor.clone()))
}

/// An encrypted xlsx is an OLE compound file holding an `EncryptedPackage`
/// stream; calamine would report it as a broken `.xls`.
fn is_encrypted_ooxml(bytes: &[u8]) -> bool {
    let needle: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    bytes.windows(needle.len()).any(|w| w == needle.as_slice())
}

/// Finds the header, then turns every row below it into a typed row.
fn sheet(name: String, mut range: Range<Data>) -> Sheet {
    let empty = range.used_cells().all(|(_, _, c)| value::is_blank(c));
    let first_row = range.start().map_or(0, |(r, _)| r);
    let first_col = range.start().map_or(0, |(_, c)| c as usize);
    let Some(found) = (!empty).then(|| header::find(range.rows())).flatten() else {
        return Sheet {
            name,
            header: None,
            header_row: 0,
            empty,
            blank: 0,
            read: 0,
            rows: Rows::None,
        };
    };
    let header_row = first_row + found.row as u32 + 1;
    let positions: Vec<Option<usize>> = found
        .columns
        .iter()
        .map(|c| c.as_ref().map(|(i, _)| *i))
        .collect();
    let mut blank = 0;
    let mut rows = Vec::new();
    let height = range.height();
    for r in found.row + 1..height {
        let cells = &mut range[r];
        if cells.iter().all(value::is_blank) {
            blank += 1;
            continue;
        }
        let taken: Vec<Data> = positions
            .iter()
            .map(|p| p.map_or(Data::Empty, |i| std::mem::take(&mut cells[i])))
            .collect();
        rows.push((first_row + r as u32 + 1, taken));
    }
    let read = rows.len();
    let rows = match found.table {
        Table::Register => Rows::Register(rows.into_iter().map(register_row).collect()),
        Table::Targets => Rows::Targets(rows.into_iter().map(target_row).collect()),
        Table::Counts => Rows::Counts(rows.into_iter().map(count_row).collect()),
    };
    let mut header = found;
    // Column positions as the user sees them (the range may not start in A).
    for (c, _) in header
        .columns
        .iter_mut()
        .flatten()
        .chain(header.extra.iter_mut())
    {
        *c += first_col;
    }
    Sheet {
        name,
        header: Some(header),
        header_row,
        empty: false,
        blank,
        read,
        rows,
    }
}

fn register_row((row, cells): (u32, Vec<Data>)) -> RegisterRow {
    let (pps_id, naam, consortium) = (
        value::text(&cells[0]),
        value::text(&cells[1]),
        value::text(&cells[2]),
    );
    let (gemeente, start, end) = (
        value::gemeente(&cells[3]),
        value::date(&cells[4]),
        value::date(&cells[5]),
    );
    let sector = value::text(&cells[6]);
    let keep = |i: usize| match i {
        // pps_id and gemeente_code are quoted by row-level rules.
        0 | 3 => true,
        1 => unreadable(&naam),
        2 => unreadable(&consortium),
        4 => unreadable(&start),
        5 => unreadable(&end),
        _ => unreadable(&sector),
    };
    let cells = RawCells::sparse(cells, keep);
    RegisterRow {
        row,
        cells,
        pps_id,
        naam,
        consortium,
        gemeente,
        start,
        end,
        sector,
    }
}

fn target_row((row, cells): (u32, Vec<Data>)) -> TargetRow {
    let (pps_id, year) = (value::text(&cells[0]), value::year(&cells[1]));
    let (indicator, target) = (value::indicator(&cells[2]), value::count(&cells[3]));
    let keep = |i: usize| match i {
        0 => true,
        1 => unreadable(&year),
        2 => unreadable(&indicator),
        _ => unreadable(&target),
    };
    let cells = RawCells::sparse(cells, keep);
    TargetRow {
        row,
        cells,
        pps_id,
        year,
        indicator,
        value: target,
    }
}

fn count_row((row, cells): (u32, Vec<Data>)) -> CountRow {
    let pps_id = value::text(&cells[0]);
    let month = value::month(&cells[1]);
    let values: [Parsed<i64>; 6] = std::array::from_fn(|i| value::count(&cells[i + 2]));
    // pps_id, periode and bedrijven_mkb are quoted by row-level rules.
    let keep = |i: usize| matches!(i, 0 | 1 | 7) || unreadable(&values[i - 2]);
    let cells = RawCells::sparse(cells, keep);
    CountRow {
        row,
        cells,
        pps_id,
        month,
        values,
    }
}

fn hash_file(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            return Ok(hex(&hasher.finalize()));
        }
        hasher.update(&buffer[..n]);
    }
}

/// Lower-case hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}
