//! Ingest: every spreadsheet below the input folder → typed rows with their
//! provenance (file, sheet, spreadsheet row, column header).
//!
//! Reads `.xlsx`, `.xlsm`, `.xls`, `.ods` and `.csv` files, in parallel
//! across files; other files, Excel lock files (`~$…`, `.…`) and entries
//! that are not regular files (FIFOs, sockets, devices) are listed but not
//! read. A file that cannot be opened is not an error here: it is
//! reported as unreadable and the other files are still read. Cells are
//! parsed into typed values ([`value::Parsed`]); deciding which rows to
//! accept is validation's job.
//!
//! Every file is read in isolation ([`read_one`]), within [`Limits`]: the
//! size on disk is checked before reading, each reader is guarded so that
//! memory follows what a file holds, and a panic inside a reader library
//! is caught as the last line of defence. Either way the file becomes one
//! `unreadable_file` reject with a Dutch reason, never the run's end.

pub mod delimited;
pub mod header;
pub mod limits;
mod package;
pub mod provenance;
pub mod value;
pub mod workbook;
mod xls;

use std::path::{Path, PathBuf};

use calamine::Data;
use chrono::NaiveDate;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use smallvec::SmallVec;

use crate::error::Error;
use crate::model::{Indicator, Measure, Month, Table};
use crate::schema::{self, CountColumn, RegisterColumn, TableColumn, TargetColumn};
use header::Header;
pub use limits::Limits;
use limits::{Refused, Value};
pub use provenance::Provenance;
use value::{Parsed, Refusal};

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
    /// The file as a whole, for findings about it.
    pub at: Provenance,
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
    /// The sheet, for findings about it; its rows' provenance is this at
    /// their row ([`Provenance::row`]).
    pub at: Provenance,
    pub name: String,
    /// `None`: no header row of a known table was found.
    pub header: Option<Header>,
    /// Spreadsheet row number (1-based) of the header row.
    pub header_row: u32,
    /// The sheet has no non-blank cell at all.
    pub empty: bool,
    /// A hidden or very hidden sheet: listed, not read.
    pub hidden: bool,
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
    /// [`Ingested::take_rows`].
    pub fn read(&self) -> usize {
        self.read
    }
}

impl Ingested {
    /// Takes out the rows (the bulk of the memory) once validation has
    /// taken what it needs, for the caller to free; file and sheet
    /// descriptions stay for the outputs.
    pub fn take_rows(&mut self) -> Vec<Rows> {
        self.files
            .iter_mut()
            .flat_map(|f| f.sheets.iter_mut())
            .map(|sheet| std::mem::replace(&mut sheet.rows, Rows::None))
            .collect()
    }

    /// How many files have this status.
    pub fn files_with(&self, status: FileStatus) -> usize {
        self.files.iter().filter(|f| f.status == status).count()
    }

    /// Non-empty sheets that match no table: listed as ignored, with a
    /// warning.
    pub fn sheets_ignored(&self) -> usize {
        self.files
            .iter()
            .flat_map(|f| &f.sheets)
            .filter(|s| s.header.is_none() && !s.empty)
            .count()
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
/// column: the columns declared `quoted` always, other cells only when
/// they could not be read as their type. Cells that read fine are not kept (they are most of
/// the memory of a large run); indexing them gives an empty cell.
///
/// Held inline up to three cells (the key columns of a count row), so
/// that most rows need no allocation of their own.
#[derive(Debug, Default)]
pub struct RawCells(SmallVec<[(u8, Data); 3]>);

static NO_CELL: Data = Data::Empty;

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

impl<C: TableColumn> std::ops::Index<C> for RawCells {
    type Output = Data;

    fn index(&self, column: C) -> &Data {
        &self[column.position()]
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
    pub values: Measures<Parsed<i64>>,
}

/// One value per [`Measure`], indexed by it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Measures<T>(pub [T; Measure::COUNT]);

impl<T> Measures<T> {
    /// `(measure, value)` in [`Measure::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (Measure, &T)> {
        Measure::ALL.into_iter().zip(&self.0)
    }
}

impl<T> std::ops::Index<Measure> for Measures<T> {
    type Output = T;

    fn index(&self, measure: Measure) -> &T {
        &self.0[measure as usize]
    }
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
    limits: &Limits,
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
    let mut paths: Vec<(String, PathBuf, Option<Problem>)> = Vec::new();
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
            Ok(entry) if !entry.file_type().is_dir() => {
                // Never opened: a FIFO would block, a device never ends.
                paths.push((
                    relative(entry.path()),
                    entry.into_path(),
                    Some(Problem::NotRegular),
                ));
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
                paths.push((relative(&path), path, Some(Problem::Listing(reason))));
            }
        }
    }
    // Byte order of the relative path: the order of files everywhere.
    paths.sort_by(|a, b| a.0.cmp(&b.0));
    let readable = paths
        .iter()
        .filter(|(rel, _, problem)| problem.is_none() && skip_reason(rel).is_none())
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
                None => read_file(relative, &path, limits),
                Some(Problem::NotRegular) => InputFile {
                    at: Provenance::file(&relative),
                    path: relative,
                    sha256: String::new(),
                    status: FileStatus::Ignored,
                    message: Some(
                        "not a regular file (a FIFO, socket or device), skipped".to_owned(),
                    ),
                    sheets: Vec::new(),
                },
                Some(Problem::Listing(reason)) => InputFile {
                    at: Provenance::file(&relative),
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

/// An entry found while listing that is not read as a file.
enum Problem {
    /// A FIFO, socket or device (also behind a symbolic link).
    NotRegular,
    /// A folder that cannot be listed, or a link loop.
    Listing(String),
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

fn read_file(path: String, full: &Path, limits: &Limits) -> InputFile {
    if let Some(reason) = skip_reason(&path) {
        // Not read, but checksummed for the manifest, without loading a
        // possibly large unrelated file into memory.
        return InputFile {
            sha256: hash_file(full).unwrap_or_default(),
            at: Provenance::file(&path),
            path,
            status: FileStatus::Ignored,
            message: Some(reason.to_owned()),
            sheets: Vec::new(),
        };
    }
    let unreadable = |path: String, sha256: String, message: String| InputFile {
        at: Provenance::file(&path),
        path,
        sha256,
        status: FileStatus::Unreadable,
        message: Some(message),
        sheets: Vec::new(),
    };
    let size = std::fs::metadata(full).map_or(0, |m| m.len());
    if size > limits.max_file_bytes {
        return unreadable(path, hash_file(full).unwrap_or_default(), too_large(limits));
    }
    let bytes = match read_at_most(full, limits.max_file_bytes) {
        Ok(Some(b)) => b,
        Ok(None) => {
            return unreadable(path, hash_file(full).unwrap_or_default(), too_large(limits));
        }
        Err(e) => {
            return unreadable(
                path,
                String::new(),
                format!("het bestand kan niet worden geopend (technisch: {e})"),
            );
        }
    };
    read_one(&path, &bytes, limits)
}

fn too_large(limits: &Limits) -> String {
    format!(
        "het bestand is groter dan {} MB (de grens per bestand)",
        limits::dutch_number(limits.max_file_bytes / 1_000_000)
    )
}

/// The file's bytes, or `None` when it holds more than `max` (it may have
/// grown since its size was looked up).
fn read_at_most(path: &Path, max: u64) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(max.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= max).then_some(bytes))
}

/// Reads one input file from its bytes, in isolation: whatever the bytes
/// are, the outcome is an [`InputFile`] (read, ignored or unreadable with a
/// Dutch reason), never a panic. `relative_path` decides the kind by its
/// extension (`.csv`, else a workbook) and names the file in the outcome.
/// This is the entry point for fuzzing ingest.
pub fn read_one(relative_path: &str, bytes: &[u8], limits: &Limits) -> InputFile {
    let path = relative_path.to_owned();
    // Where everything read from this file comes from: made here, once.
    let at = Provenance::file(&path);
    let sha256 = hex(&Sha256::digest(bytes));
    let csv = kind_of(&path) == Some(Kind::Csv);
    let ods_first = path.to_ascii_lowercase().ends_with(".ods");
    let parsed = guarded(|| {
        if csv {
            delimited::read(bytes, limits).map(|(cells, last_row)| {
                vec![workbook::RawSheet {
                    name: String::new(),
                    hidden: false,
                    cells,
                    last_row: Some(last_row),
                }]
            })
        } else {
            workbook::read(bytes, ods_first, limits)
        }
        .map(|raw| {
            raw.into_iter()
                .enumerate()
                .map(|(i, raw)| {
                    let sheet_at = at.sheet(i, &raw.name);
                    sheet(raw, sheet_at)
                })
                .collect::<Vec<Sheet>>()
        })
    });
    match parsed {
        Ok(sheets) => {
            let any_table = sheets.iter().any(|s| s.header.is_some());
            InputFile {
                at,
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
        Err(Refused(message)) => InputFile {
            at,
            path,
            sha256,
            status: FileStatus::Unreadable,
            message: Some(message),
            sheets: Vec::new(),
        },
    }
}

thread_local! {
    /// Set while this thread reads a file under [`guarded`]: its panics
    /// are that file's reject, not noise on the operator's terminal.
    static GUARDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs a reader; a panic inside it (a reader library's bug on hostile
/// bytes) becomes a [`Refused`] with the panic's message as technical
/// detail. The last line of defence: the limits come first.
fn guarded<T>(read: impl FnOnce() -> Result<T, Refused>) -> Result<T, Refused> {
    static QUIET_HOOK: std::sync::Once = std::sync::Once::new();
    QUIET_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !GUARDED.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    let was = GUARDED.with(|g| g.replace(true));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(read));
    GUARDED.with(|g| g.set(was));
    outcome.unwrap_or_else(|payload| {
        let detail = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(Refused(format!(
            "het bestand is beschadigd of niet te lezen; het leesprogramma liep erop vast (technisch: {})",
            crate::model::cut_text(&detail)
        )))
    })
}

/// Finds the header, then turns every row below it into a typed row.
fn sheet(raw: workbook::RawSheet, at: Provenance) -> Sheet {
    let workbook::RawSheet {
        name,
        hidden,
        cells,
        last_row: records_end,
    } = raw;
    let empty = cells.iter().all(|(_, _, v)| match v {
        Value::Data(d) => value::is_blank(d),
        Value::UncachedFormula(_) => false,
    });
    let ignored = |empty: bool| Sheet {
        at: at.clone(),
        name: name.clone(),
        header: None,
        header_row: 0,
        empty,
        hidden,
        blank: 0,
        read: 0,
        rows: Rows::None,
    };
    if hidden || empty {
        return ignored(empty && !hidden);
    }
    // The rows where a header may be: the first rows from the first row
    // with a cell, dense from the leftmost column they use.
    let first_row = cells.first().map_or(0, |c| c.0);
    let search_end = first_row.saturating_add(header::HEADER_SEARCH_ROWS as u32);
    let top = cells.partition_point(|c| c.0 < search_end);
    let first_col = cells.iter().map(|c| c.1).min().unwrap_or(0);
    let top_width = cells[..top]
        .iter()
        .map(|c| c.1 - first_col + 1)
        .max()
        .unwrap_or(0) as usize;
    let mut top_rows = vec![vec![Data::Empty; top_width]; header::HEADER_SEARCH_ROWS];
    for (r, c, v) in &cells[..top] {
        top_rows[(r - first_row) as usize][(c - first_col) as usize] = match v {
            Value::Data(d) => d.clone(),
            Value::UncachedFormula(f) => Data::String(format!("={f}")),
        };
    }
    let Some(found) = header::find(top_rows.iter().map(Vec::as_slice)) else {
        return ignored(false);
    };
    drop(top_rows);
    let header_index = first_row + found.row as u32;
    // Table column of each sheet column (relative to `first_col`).
    let last_col = cells.iter().map(|c| c.1).max().unwrap_or(0);
    let mut table_column = vec![u8::MAX; (last_col - first_col + 1) as usize];
    for (i, c) in found.columns.iter().enumerate() {
        if let Some((position, _)) = c {
            table_column[*position] = i as u8;
        }
    }
    let width = found.columns.len();
    let start = cells.partition_point(|c| c.0 <= header_index);
    let last_row = cells
        .last()
        .map_or(header_index, |c| c.0)
        .max(records_end.unwrap_or(0));
    let mut rows = Vec::new();
    // Blank rows are counted where they are skipped: rows without a cell
    // before each row that has one (and after the last), and rows whose
    // cells are all blank.
    let mut blank = 0usize;
    let mut next_row = header_index.saturating_add(1);
    let mut cells = cells;
    let mut rest = &mut cells[start..];
    while let Some(&(row, ..)) = rest.first() {
        let n = rest.iter().take_while(|c| c.0 == row).count();
        let (this, next) = rest.split_at_mut(n);
        rest = next;
        blank += row.saturating_sub(next_row) as usize;
        next_row = row.saturating_add(1);
        let blank_row = this.iter().all(|(_, _, v)| match v {
            Value::Data(d) => value::is_blank(d),
            Value::UncachedFormula(_) => false,
        });
        if blank_row {
            blank += 1;
            continue;
        }
        let mut taken = vec![Data::Empty; width];
        let mut formulas = 0u32;
        for (_, c, v) in this.iter_mut() {
            let i = table_column[(*c - first_col) as usize];
            if i == u8::MAX {
                continue;
            }
            let i = usize::from(i);
            taken[i] = match std::mem::replace(v, Value::Data(Data::Empty)) {
                Value::Data(d) => d,
                Value::UncachedFormula(f) => {
                    formulas |= 1 << i;
                    Data::String(format!("={f}"))
                }
            };
        }
        rows.push(Cells {
            row: row.saturating_add(1),
            values: taken,
            formulas,
            unread: std::cell::Cell::new(0),
        });
    }
    let read = rows.len();
    blank += (last_row.saturating_add(1)).saturating_sub(next_row) as usize;
    let rows = match found.table {
        Table::Register => Rows::Register(rows.into_iter().map(register_row).collect()),
        Table::Targets => Rows::Targets(rows.into_iter().map(target_row).collect()),
        Table::Counts => Rows::Counts(rows.into_iter().map(count_row).collect()),
    };
    let mut header = found;
    // Column positions as the user sees them.
    for (c, _) in header
        .columns
        .iter_mut()
        .flatten()
        .chain(header.extra.iter_mut())
    {
        *c += first_col as usize;
    }
    Sheet {
        at,
        name,
        header: Some(header),
        header_row: header_index.saturating_add(1),
        empty: false,
        hidden: false,
        blank: blank as u32,
        read,
        rows,
    }
}

/// One row's cells in table-column order, before parsing.
struct Cells {
    /// Spreadsheet row number (1-based).
    row: u32,
    values: Vec<Data>,
    /// Bit `i`: table column `i` is a formula without a stored result.
    formulas: u32,
    /// Bit `i`: table column `i` did not read as a value (set by the
    /// parsers below; such cells are kept for the rejects file).
    unread: std::cell::Cell<u32>,
}

impl Cells {
    /// Parses the cell of `column` with `parse`, unless it is a formula
    /// without a stored result.
    fn parse<C: TableColumn, T>(&self, column: C, parse: impl Fn(&Data) -> Parsed<T>) -> Parsed<T> {
        let i = column.position();
        let parsed = if self.formulas & (1 << i) != 0 {
            Parsed::Refused(Refusal::UncachedFormula)
        } else {
            parse(&self.values[i])
        };
        if !matches!(parsed, Parsed::Value(_)) {
            self.unread.set(self.unread.get() | 1 << i);
        }
        parsed
    }

    /// A text column, read as its declared kind says.
    fn text<C: TableColumn>(&self, column: C) -> Parsed<String> {
        self.parse(
            column,
            match column.spec().kind {
                schema::Kind::PpsId => value::pps_id,
                schema::Kind::Gemeente => value::gemeente,
                kind => {
                    debug_assert_eq!(kind, schema::Kind::Text, "{column:?}");
                    value::text
                }
            },
        )
    }

    fn date<C: TableColumn>(&self, column: C) -> Parsed<NaiveDate> {
        debug_assert_eq!(column.spec().kind, schema::Kind::Date, "{column:?}");
        self.parse(column, value::date)
    }

    fn count<C: TableColumn>(&self, column: C) -> Parsed<i64> {
        debug_assert_eq!(column.spec().kind, schema::Kind::Count, "{column:?}");
        self.parse(column, value::count)
    }

    /// The raw cells the rejects file may quote: those of columns declared
    /// `quoted`, and those that did not read as a value.
    fn keep<C: TableColumn>(self) -> (u32, RawCells) {
        let unread = self.unread.get();
        let columns = schema::spec(C::TABLE).columns;
        let keep = |i: usize| columns[i].quoted || unread & (1 << i) != 0;
        (self.row, RawCells::sparse(self.values, keep))
    }
}

fn register_row(raw: Cells) -> RegisterRow {
    use RegisterColumn as C;
    let pps_id = raw.text(C::PpsId);
    let naam = raw.text(C::Naam);
    let consortium = raw.text(C::Consortium);
    let gemeente = raw.text(C::GemeenteCode);
    let start = raw.date(C::Startdatum);
    let end = raw.date(C::Einddatum);
    let sector = raw.text(C::Sector);
    let (row, cells) = raw.keep::<C>();
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

fn target_row(raw: Cells) -> TargetRow {
    use TargetColumn as C;
    let pps_id = raw.text(C::PpsId);
    let year = raw.parse(C::Jaar, value::year);
    let indicator = raw.parse(C::Indicator, value::indicator);
    let target = raw.count(C::Streefwaarde);
    let (row, cells) = raw.keep::<C>();
    TargetRow {
        row,
        cells,
        pps_id,
        year,
        indicator,
        value: target,
    }
}

fn count_row(raw: Cells) -> CountRow {
    let pps_id = raw.text(CountColumn::PpsId);
    let month = raw.parse(CountColumn::Periode, value::month);
    let values = Measures(Measure::ALL.map(|m| raw.count(CountColumn::Measure(m))));
    let (row, cells) = raw.keep::<CountColumn>();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_in_a_reader_is_that_files_refusal() {
        let refused = guarded::<()>(|| panic!("index out of bounds: the len is 3"));
        let Err(Refused(message)) = refused else {
            panic!("not refused")
        };
        assert!(message.contains("liep erop vast"), "{message}");
        assert!(message.contains("index out of bounds"), "{message}");
        // The thread is no longer marked once the reader is done.
        assert!(!GUARDED.with(std::cell::Cell::get));
    }

    #[test]
    fn read_one_reads_bytes_in_isolation() {
        let limits = Limits::default();
        let file = read_one(
            "a/counts.csv",
            b"pps_id;periode;werkenden\nA;2026-01;3\n\n",
            &limits,
        );
        assert_eq!(file.status, FileStatus::Read);
        assert_eq!(file.sheets[0].read(), 1);
        assert_eq!(file.sheets[0].header_row, 1);
        for (name, bytes) in [
            ("x.xlsx", &b"PK\x03\x04garbage"[..]),
            ("x.xls", &b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"[..]),
            ("x.ods", &b""[..]),
        ] {
            let file = read_one(name, bytes, &limits);
            assert_eq!(file.status, FileStatus::Unreadable, "{name}");
            assert!(
                file.message.is_some_and(|m| m.starts_with("het ")),
                "{name}"
            );
        }
    }
}
