//! Findings about whole files and sheets: unreadable files, ignored
//! (hidden or unrecognised) sheets, extra columns.

use super::findings::Checker;
use super::rules;
use crate::ingest::FileStatus;

/// Unreadable files, ignored sheets, extra columns.
pub(super) fn files_and_sheets(ck: &mut Checker<'_>) {
    let ingested = ck.ingested;
    for file in &ingested.files {
        if file.status == FileStatus::Unreadable {
            ck.reject_file(&file.at, file.message.as_deref().unwrap_or_default());
        }
        for sheet in &file.sheets {
            match &sheet.header {
                None if sheet.hidden => ck.warn(
                    sheet.at.clone(),
                    String::new(),
                    rules::hidden_sheet(),
                ),
                None if !sheet.empty => ck.warn(
                    sheet.at.clone(),
                    String::new(),
                    "Blad genegeerd: geen kopregel van een register, streefwaarden of aanleveringen gevonden in de eerste 20 rijen.".to_owned(),
                ),
                None => {}
                Some(h) => {
                    for (_, text) in &h.extra {
                        ck.warn(
                            sheet.at.row(sheet.header_row),
                            text.clone(),
                            format!("Kolom '{text}' hoort niet bij de tabel {} (of staat er dubbel in) en wordt genegeerd.", h.table.label()),
                        );
                    }
                }
            }
        }
    }
}
