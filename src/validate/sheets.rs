//! Findings about whole files and sheets: unreadable files, ignored
//! (hidden or unrecognised) sheets, extra columns.

use super::Place;
use super::findings::Checker;
use super::rules::{self, Rule};
use crate::ingest::FileStatus;

/// Unreadable files, ignored sheets, extra columns.
pub(super) fn files_and_sheets(ck: &mut Checker<'_>) {
    let ingested = ck.ingested;
    for (f, file) in ingested.files.iter().enumerate() {
        if file.status == FileStatus::Unreadable {
            let reason = file.message.clone().unwrap_or_default();
            ck.reject(
                Place {
                    file: f,
                    sheet: None,
                    row: None,
                },
                0,
                String::new(),
                Rule::UnreadableFile,
                rules::unreadable_file(&reason),
                None,
                None,
            );
        }
        for (s, sheet) in file.sheets.iter().enumerate() {
            let place = Place {
                file: f,
                sheet: Some(s),
                row: None,
            };
            match &sheet.header {
                None if sheet.hidden => ck.warn(
                    place,
                    String::new(),
                    rules::hidden_sheet(),
                ),
                None if !sheet.empty => ck.warn(
                    place,
                    String::new(),
                    "Blad genegeerd: geen kopregel van een register, streefwaarden of aanleveringen gevonden in de eerste 20 rijen.".to_owned(),
                ),
                None => {}
                Some(h) => {
                    for (_, text) in &h.extra {
                        ck.warn(
                            Place {
                                row: Some(sheet.header_row),
                                ..place
                            },
                            text.clone(),
                            format!("Kolom '{text}' hoort niet bij de tabel {} (of staat er dubbel in) en wordt genegeerd.", h.table.label()),
                        );
                    }
                }
            }
        }
    }
}
