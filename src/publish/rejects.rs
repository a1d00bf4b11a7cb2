//! The rejects file (contract section 8): every broken rule, one line each,
//! in plain Dutch, for the partnerships.
//!
//! Columns `bestand,blad,rij,kolom,waarde,regel,melding`; UTF-8 with a
//! byte order mark (so that Excel, where partnerships open it, shows
//! accented letters), comma, RFC 4180 quoting and `\r\n` line ends (like
//! the export). Lines are in file, sheet, row, column order, so the same
//! inputs give the same bytes.
//!
//! Every text field (file path, sheet name, column header, value, message)
//! is cut at 1,000 characters and guarded against formula injection like
//! the export: a partnership's file named `=HYPERLINK(…).csv` or a cell
//! holding `=HYPERLINK(…)` shows as text, not as a live formula.

use std::io::Write;

use super::guard;
use crate::model::cut_text;
use crate::validate::Reject;

/// The UTF-8 byte order mark the file starts with.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

pub const HEADER: [&str; 7] = [
    "bestand", "blad", "rij", "kolom", "waarde", "regel", "melding",
];

pub fn write(rejects: &[Reject], mut out: impl Write) -> csv::Result<()> {
    out.write_all(BOM)?;
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    w.write_record(HEADER)?;
    for r in rejects {
        let row = r.at.row_number().map(|n| n.to_string()).unwrap_or_default();
        let text = |field: &str| guard(&cut_text(field)).into_owned();
        w.write_record([
            text(r.at.path()).as_str(),
            &text(r.at.sheet_name()),
            &row,
            &text(&r.column),
            &text(&r.value),
            r.rule.code(),
            &text(&r.message),
        ])?;
    }
    w.flush()?;
    Ok(())
}
