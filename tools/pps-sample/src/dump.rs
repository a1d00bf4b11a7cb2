//! `dump`: prints what calamine sees in a workbook (or every workbook below a
//! folder): sheet names and each non-empty cell with its spreadsheet address
//! and type. Used to check the office-made fixtures and to debug ingest.

use std::fmt::Write as _;
use std::path::Path;

use calamine::{Data, Dimensions, Reader, Sheets, open_workbook_auto};

use crate::workbooks;

/// `A`, `B`, …, `Z`, `AA`, … for a 0-based column.
fn column_name(mut col: u32) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    name.reverse();
    String::from_utf8(name).expect("ascii")
}

fn describe(cell: &Data) -> String {
    match cell {
        Data::Int(n) => format!("Int({n})"),
        Data::Float(x) => format!("Float({x})"),
        Data::String(s) => format!("Str({s:?})"),
        Data::Bool(b) => format!("Bool({b})"),
        Data::DateTime(dt) => {
            let (y, m, d, hh, mm, ss, _) = dt.to_ymd_hms_milli();
            let kind = if dt.is_duration() { "Duration" } else { "Date" };
            if (hh, mm, ss) == (0, 0, 0) {
                format!("{kind}({y:04}-{m:02}-{d:02}, serial {})", dt.as_f64())
            } else {
                format!(
                    "{kind}({y:04}-{m:02}-{d:02} {hh:02}:{mm:02}:{ss:02}, serial {})",
                    dt.as_f64()
                )
            }
        }
        Data::DateTimeIso(s) => format!("DateIso({s})"),
        Data::DurationIso(s) => format!("DurationIso({s})"),
        Data::Error(e) => format!("Error({e:?})"),
        Data::Empty => "Empty".to_owned(),
    }
}

/// Merged ranges of a sheet as `A1:I1`, where the format records them
/// (xlsx and xls; calamine does not report them for ods).
fn merges<RS: std::io::Read + std::io::Seek>(
    wb: &mut Sheets<RS>,
    sheet: &str,
) -> Option<Vec<String>> {
    let dims: Vec<Dimensions> = match wb {
        Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(sheet).ok()?,
        Sheets::Xls(x) => x.merge_cells_by_sheet_name(sheet).ok()?,
        _ => return None,
    };
    let cell = |(r, c): (u32, u32)| format!("{}{}", column_name(c), r + 1);
    Some(
        dims.iter()
            .map(|d| format!("{}:{}", cell(d.start), cell(d.end)))
            .collect(),
    )
}

pub fn run(target: &Path) -> Result<(), String> {
    for path in workbooks::find(target)? {
        let mut out = format!("== {}\n", path.display());
        match open_workbook_auto(&path) {
            Err(e) => {
                let _ = writeln!(out, "   unreadable: {e}");
            }
            Ok(mut wb) => {
                for name in wb.sheet_names() {
                    let _ = writeln!(out, "-- sheet {name:?}");
                    if let Some(m) = merges(&mut wb, &name).filter(|m| !m.is_empty()) {
                        let _ = writeln!(out, "   merged: {}", m.join(", "));
                    }
                    let range = match wb.worksheet_range(&name) {
                        Ok(r) => r,
                        Err(e) => {
                            let _ = writeln!(out, "   unreadable sheet: {e}");
                            continue;
                        }
                    };
                    let Some((row0, col0)) = range.start() else {
                        let _ = writeln!(out, "   (empty)");
                        continue;
                    };
                    for (r, cells) in range.rows().enumerate() {
                        let row = row0 + r as u32 + 1;
                        let shown: Vec<String> = cells
                            .iter()
                            .enumerate()
                            .filter(|(_, c)| !matches!(c, Data::Empty))
                            .map(|(c, cell)| {
                                format!("{}{row}={}", column_name(col0 + c as u32), describe(cell))
                            })
                            .collect();
                        if shown.is_empty() {
                            let _ = writeln!(out, "   {row:>4}: (blank)");
                        } else {
                            let _ = writeln!(out, "   {row:>4}: {}", shown.join("  "));
                        }
                    }
                }
            }
        }
        print!("{out}");
    }
    Ok(())
}
