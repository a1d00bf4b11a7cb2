//! Workbooks (`.xlsx`, `.xlsm`, `.ods`, `.xls`) → sparse sheets, within the
//! limits.
//!
//! The content decides the reader, not the extension: a zip is xlsx or ods,
//! a compound file is xls. Each format is checked before calamine opens it
//! (the zip package, see [`super::package`]; the compound file, see
//! [`super::xls`]; an ods sheet's rectangle, here). xlsx sheets are read
//! cell by cell with calamine's cell reader, so memory follows what a sheet
//! holds. Hidden and very hidden sheets are listed but not read. A formula
//! cell is read by its stored result; one without a stored result is kept
//! as such ([`Value::UncachedFormula`]) for validation to reject.

use std::io::{BufReader, Cursor, Read};

use calamine::{Data, Ods, Reader, SheetType, SheetVisible, Xls, Xlsx};

use super::limits::{Grid, Limits, Refused, SparseCells, Value, dutch_number};
use super::{package, xls};
use crate::model::cut_text;

/// One worksheet as read.
#[derive(Debug)]
pub struct RawSheet {
    pub name: String,
    /// Hidden or very hidden: not read.
    pub hidden: bool,
    pub cells: SparseCells,
    /// The last row the sheet has, when it can end in rows without a
    /// single filled cell (a CSV record `,,,`); those count as blank rows.
    pub last_row: Option<u32>,
}

fn unreadable(e: impl std::fmt::Display) -> Refused {
    Refused(format!(
        "het bestand is geen leesbare spreadsheet (technisch: {})",
        cut_text(&e.to_string())
    ))
}

/// Reads every worksheet of a workbook. `ods_first`: the extension says
/// ods, so a zip is tried as ods first.
pub fn read(bytes: &[u8], ods_first: bool, limits: &Limits) -> Result<Vec<RawSheet>, Refused> {
    if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        if is_encrypted_ooxml(bytes) {
            return Err(Refused(
                "het bestand is beveiligd met een wachtwoord (versleuteld)".to_owned(),
            ));
        }
        return read_xls(bytes, limits);
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(Refused(
            "het bestand is geen spreadsheet (geen xlsx-, xls- of ods-inhoud)".to_owned(),
        ));
    }
    let contents = package::check(bytes, limits)?;
    let is_ods = if contents.ods && contents.xlsx {
        ods_first
    } else {
        contents.ods
    };
    if is_ods {
        read_ods(bytes, limits)
    } else {
        read_xlsx(bytes, limits, contents)
    }
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

fn hidden(name: &str) -> RawSheet {
    RawSheet {
        name: cut_text(name).into_owned(),
        hidden: true,
        cells: Vec::new(),
        last_row: None,
    }
}

fn read_xlsx(
    bytes: &[u8],
    limits: &Limits,
    contents: package::Contents,
) -> Result<Vec<RawSheet>, Refused> {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(unreadable)?;
    let sheets = worksheets(workbook.sheets_metadata());
    // More sheets than sheet parts: names share a part, and the reader
    // parses it once per name. Refused when that would read more XML than
    // the package limit allows (a short sheet list can name one large
    // part a million times: a hang, not a crash).
    let parsed = (sheets.len() as u64).saturating_mul(contents.largest_sheet_part);
    if sheets.len() > contents.sheet_parts && parsed > limits.max_package_bytes {
        return Err(Refused(format!(
            "het bestand noemt {} bladen maar heeft {} bladonderdelen: de bladen delen onderdelen, en samen zouden ze meer dan {} MB te lezen geven (de grens per xlsx-bestand)",
            dutch_number(sheets.len() as u64),
            dutch_number(contents.sheet_parts as u64),
            dutch_number(limits.max_package_bytes / 1_000_000)
        )));
    }
    read_sheets(&sheets, limits, |sheet, name, grid| {
        let mut reader = workbook
            .worksheet_cells_reader(sheet)
            .map_err(|e| unreadable(format!("blad '{name}': {e}")))?;
        while let Some(cell) = reader
            .next_cell_with_formula_metadata()
            .map_err(|e| unreadable(format!("blad '{name}': {e}")))?
        {
            let (row, col) = cell.pos;
            let value = match (cell.formula, cell.value) {
                (Some(formula), calamine::DataRef::Empty) => {
                    Value::UncachedFormula(formula_text(&formula))
                }
                (_, value) => Value::Data(Data::from(value)),
            };
            grid.push(row, col, value)?;
        }
        Ok(())
    })
}

/// Reads every visible sheet of `sheets` into its own [`Grid`] with
/// `fill(sheet name, name as shown, grid)`; hidden and very hidden sheets
/// are listed but not read. The three workbook readers differ only in
/// `fill`.
fn read_sheets(
    sheets: &[calamine::Sheet],
    limits: &Limits,
    mut fill: impl FnMut(&str, &str, &mut Grid<'_>) -> Result<(), Refused>,
) -> Result<Vec<RawSheet>, Refused> {
    let mut out = Vec::with_capacity(sheets.len());
    for sheet in sheets {
        if sheet.visible != SheetVisible::Visible {
            out.push(hidden(&sheet.name));
            continue;
        }
        let name = cut_text(&sheet.name).into_owned();
        let mut grid = Grid::new(&name, limits);
        fill(&sheet.name, &name, &mut grid)?;
        out.push(RawSheet {
            name,
            hidden: false,
            cells: grid.finish(),
            last_row: None,
        });
    }
    Ok(out)
}

/// Every non-empty cell of a reader's range, at its place in the sheet.
fn push_range(grid: &mut Grid<'_>, range: &calamine::Range<Data>) -> Result<(), Refused> {
    let (r0, c0) = range.start().unwrap_or((0, 0));
    for (r, c, cell) in range.used_cells() {
        grid.push(r0 + r as u32, c0 + c as u32, Value::Data(cell.clone()))?;
    }
    Ok(())
}

/// The worksheets of a workbook (chart and dialog sheets left out).
fn worksheets(meta: &[calamine::Sheet]) -> Vec<calamine::Sheet> {
    meta.iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .cloned()
        .collect()
}

fn formula_text(formula: &calamine::XlsxFormulaMetadata) -> String {
    match formula {
        calamine::XlsxFormulaMetadata::Normal { formula }
        | calamine::XlsxFormulaMetadata::Shared { formula, .. } => formula.clone(),
        _ => String::new(),
    }
}

fn read_ods(bytes: &[u8], limits: &Limits) -> Result<Vec<RawSheet>, Refused> {
    ods_footprint(bytes, limits)?;
    let mut workbook: Ods<_> = Ods::new(Cursor::new(bytes)).map_err(unreadable)?;
    let sheets: Vec<calamine::Sheet> = workbook.sheets_metadata().to_vec();
    read_sheets(&sheets, limits, |sheet, _, grid| {
        let range = workbook.worksheet_range(sheet).map_err(unreadable)?;
        let formulas = workbook.worksheet_formula(sheet).map_err(unreadable)?;
        push_range(grid, &range)?;
        let (f0, g0) = formulas.start().unwrap_or((0, 0));
        for (r, c, formula) in formulas.used_cells() {
            let at = (f0 + r as u32, g0 + c as u32);
            if !formula.is_empty() && range.get_value(at).is_none_or(|v| matches!(v, Data::Empty)) {
                let text = formula.strip_prefix("of:=").unwrap_or(formula);
                grid.push(at.0, at.1, Value::UncachedFormula(text.to_owned()))?;
            }
        }
        Ok(())
    })
}

/// `text` with control characters (which a broken tag name may hold)
/// shown as `\u{FFFD}`, fit for a message.
pub(super) fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect()
}

/// A cell holds at most 32,767 characters.
const MAX_SPACES_PER_ELEMENT: u64 = 32_767;
/// calamine writes the spaces of `<text:s>` out in every cell's text
/// before we can cut it: 16 MB of spaces in a whole document is far more
/// than any register or count sheet needs.
const MAX_SPACES: u64 = 16_000_000;
/// calamine copies a cell's text into every repeated cell and row
/// (`number-columns-repeated`, `number-rows-repeated`) before we can cut
/// it: one 300,000-character cell in a row repeated 65,536 times asked for
/// 20 GB (found by the fuzzer). 256 MB of expanded text is far more than any
/// register or count sheet holds, and well within the memory a run has.
const MAX_EXPANDED_TEXT: u64 = 256 * 1024 * 1024;

/// calamine's ods reader builds each sheet as a dense rectangle (repeated
/// rows and columns written out): this reads `content.xml` first, as a
/// stream, and refuses a sheet whose rectangle, or whose cells before
/// expansion, exceed the cells limit. It also refuses content that is not
/// well-formed XML (calamine's reader loops forever on a table whose end
/// tag is missing) and `<text:s>` space counts that would fill memory.
fn ods_footprint(bytes: &[u8], limits: &Limits) -> Result<(), Refused> {
    use quick_xml::events::{BytesStart, Event};
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(unreadable)?;
    let Ok(content) = zip.by_name("content.xml") else {
        // calamine says what is missing.
        return Ok(());
    };
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(content.take(u64::MAX)));
    reader.config_mut().check_end_names = true;
    // The largest value of an attribute, unescaped as calamine does, over
    // every copy of it (a repeated attribute is not an error to calamine).
    let count = |e: &BytesStart<'_>, name: &str| -> Option<u64> {
        e.attributes()
            .with_checks(false)
            .flatten()
            .filter(|a| a.key.as_ref() == name)
            .map(|a| {
                quick_xml::escape::unescape(&a.value)
                    .ok()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(1)
            })
            .max()
    };
    let repeat = |e: &BytesStart<'_>, name: &str| -> u64 { count(e, name).unwrap_or(1) };
    let has = |e: &BytesStart<'_>, name: &str| e.try_get_attribute(name).ok().flatten().is_some();
    let too_big = |table: &str| {
        Refused(format!(
            "blad '{}' van het ods-bestand beslaat een rechthoek van meer dan {} cellen (ods-bladen worden als volledige rechthoek gelezen; sla het bestand op als .xlsx)",
            cut_text(table),
            dutch_number(limits.max_cells)
        ))
    };
    let broken = |detail: String| {
        Refused(format!(
            "de inhoud (content.xml) van het ods-bestand is geen geldige XML (technisch: {})",
            cut_text(&printable(&detail))
        ))
    };
    let mut buf = Vec::new();
    let mut table = String::new();
    // Open elements: calamine's ods reader waits for end tags without
    // stopping at the end of the document, so every element must close.
    let mut depth = 0u64;
    // Spaces that `<text:s text:c="n"/>` asks for, over the document.
    let mut spaces = 0u64;
    // Text bytes after calamine writes out repeated cells and rows: of the
    // cell being read (and its repeat count), of the row, of the document.
    let (mut cell_text, mut cell_repeat, mut row_text, mut expanded_text) =
        (0u64, 1u64, 0u64, 0u64);
    let too_much_text = || {
        Refused(format!(
            "het ods-bestand herhaalt zijn teksten over meer dan {} MB (table:number-rows-repeated of number-columns-repeated); sla het bestand op als .xlsx",
            MAX_EXPANDED_TEXT / (1024 * 1024)
        ))
    };
    // Per table: rows so far (expanded), cells before expansion, and the
    // rectangle of non-empty cells (rows, columns).
    let (mut row_no, mut stored) = (0u64, 0u64);
    let (mut rows, mut cols) = ((u64::MAX, 0u64), (u64::MAX, 0u64));
    // Per row: its repeat count, the column reached, the end of its last
    // non-empty cell, its first non-empty column.
    let (mut row_repeat, mut col, mut row_end, mut row_first) = (1u64, 0u64, 0u64, u64::MAX);
    let finish_row = |row_no: &mut u64,
                      stored: &mut u64,
                      rows: &mut (u64, u64),
                      cols: &mut (u64, u64),
                      (repeat, end, first): (u64, u64, u64)| {
        let repeat = repeat.min(1_048_576u64.saturating_sub(*row_no));
        if end > 0 {
            *stored += end;
            *rows = (rows.0.min(*row_no), rows.1.max(*row_no + repeat.max(1) - 1));
            *cols = (cols.0.min(first), cols.1.max(end - 1));
        }
        *row_no += repeat;
    };
    loop {
        buf.clear();
        let event = match reader.read_event_into(&mut buf) {
            Ok(Event::Eof) if depth == 0 => return Ok(()),
            Ok(Event::Eof) => {
                return Err(broken(format!(
                    "het document houdt op terwijl {depth} elementen nog open zijn"
                )));
            }
            Err(e) => return Err(broken(e.to_string())),
            Ok(event) => event,
        };
        match &event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
        let (start, empty) = match &event {
            Event::Start(e) => (Some(e), false),
            Event::Empty(e) => (Some(e), true),
            _ => (None, false),
        };
        if let Some(e) = start {
            match e.name().as_ref() {
                "table:table" => {
                    table = e
                        .try_get_attribute("table:name")
                        .ok()
                        .flatten()
                        .map(|a| a.value.into_owned())
                        .unwrap_or_default();
                    (row_no, stored) = (0, 0);
                    (rows, cols) = ((u64::MAX, 0), (u64::MAX, 0));
                }
                "table:table-row" => {
                    (row_repeat, col, row_end, row_first) =
                        (repeat(e, "table:number-rows-repeated"), 0, 0, u64::MAX);
                    row_text = 0;
                    if empty {
                        finish_row(
                            &mut row_no,
                            &mut stored,
                            &mut rows,
                            &mut cols,
                            (row_repeat, 0, 0),
                        );
                    }
                }
                "text:s" => {
                    let n = count(e, "text:c").unwrap_or(1);
                    spaces = spaces.saturating_add(n);
                    cell_text = cell_text.saturating_add(n);
                    let over = if n > MAX_SPACES_PER_ELEMENT {
                        Some(("op één plek ", MAX_SPACES_PER_ELEMENT))
                    } else if spaces > MAX_SPACES {
                        Some(("in totaal ", MAX_SPACES))
                    } else {
                        None
                    };
                    if let Some((place, limit)) = over {
                        return Err(Refused(format!(
                            "het ods-bestand vraagt {place}om meer dan {} spaties (text:c), dat maakt geen rekenblad",
                            dutch_number(limit)
                        )));
                    }
                }
                "table:table-cell" | "table:covered-table-cell" => {
                    let n = repeat(e, "table:number-columns-repeated").min(16_384);
                    (cell_text, cell_repeat) = (0, n);
                    let filled = !empty || has(e, "office:value-type") || has(e, "table:formula");
                    if filled {
                        row_first = row_first.min(col);
                        row_end = (col + n).min(16_384);
                    }
                    col = (col + n).min(16_384);
                }
                _ => {}
            }
        }
        if let Event::Text(t) = &event {
            cell_text = cell_text.saturating_add(t.len() as u64);
        }
        if let Event::End(e) = &event {
            match e.name().as_ref() {
                "table:table-cell" | "table:covered-table-cell" => {
                    row_text = row_text.saturating_add(cell_text.saturating_mul(cell_repeat));
                    cell_text = 0;
                }
                "table:table-row" => {
                    expanded_text =
                        expanded_text.saturating_add(row_text.saturating_mul(row_repeat));
                    if expanded_text > MAX_EXPANDED_TEXT {
                        return Err(too_much_text());
                    }
                    finish_row(
                        &mut row_no,
                        &mut stored,
                        &mut rows,
                        &mut cols,
                        (row_repeat, row_end, row_first),
                    );
                    if stored > limits.max_cells {
                        return Err(too_big(&table));
                    }
                }
                "table:table" if rows.0 != u64::MAX => {
                    let area = (rows.1 - rows.0 + 1).saturating_mul(cols.1 - cols.0 + 1);
                    if area > limits.max_cells {
                        return Err(too_big(&table));
                    }
                }
                _ => {}
            }
        }
    }
}

fn read_xls(bytes: &[u8], limits: &Limits) -> Result<Vec<RawSheet>, Refused> {
    let guarded = xls::guard(bytes, limits)?;
    let mut workbook: Xls<_> = Xls::new(Cursor::new(guarded.as_slice())).map_err(|e| {
        if matches!(e, calamine::XlsError::Password) {
            Refused("het bestand is beveiligd met een wachtwoord".to_owned())
        } else {
            unreadable(e)
        }
    })?;
    let sheets = worksheets(workbook.sheets_metadata());
    read_sheets(&sheets, limits, |sheet, _, grid| {
        let range = workbook.worksheet_range(sheet).map_err(unreadable)?;
        push_range(grid, &range)?;
        Ok(())
    })
}
