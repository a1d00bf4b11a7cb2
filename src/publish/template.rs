//! The submission template (`pps-monitor template`).
//!
//! Placeholder: the header row only; the full template is being written.

use std::path::Path;

use rust_xlsxwriter::Workbook;

use crate::model::COUNT_COLUMNS;

pub fn write(path: &Path, pps_ids: &[String]) -> Result<(), String> {
    let _ = pps_ids;
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("counts").map_err(|e| e.to_string())?;
    for (c, column) in COUNT_COLUMNS.iter().enumerate() {
        sheet
            .write_string(0, c as u16, column.name)
            .map_err(|e| e.to_string())?;
    }
    workbook.save(path).map_err(|e| e.to_string())
}
