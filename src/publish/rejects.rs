//! The rejects file (contract section 8): every broken rule, one line each,
//! in plain Dutch, for the partnerships.
//!
//! Columns `bestand,blad,rij,kolom,waarde,regel,melding`; UTF-8, comma,
//! RFC 4180 quoting and `\r\n` line ends (like the export). Lines are in file, sheet, row, column
//! order, so the same inputs give the same bytes.

use std::io::Write;

use crate::ingest::Ingested;
use crate::validate::Reject;

pub const HEADER: [&str; 7] = [
    "bestand", "blad", "rij", "kolom", "waarde", "regel", "melding",
];

pub fn write(ingested: &Ingested, rejects: &[Reject], out: impl Write) -> csv::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    w.write_record(HEADER)?;
    for r in rejects {
        let file = &ingested.files[r.place.file];
        let sheet = r
            .place
            .sheet
            .map(|s| file.sheets[s].name.as_str())
            .unwrap_or_default();
        let row = r.place.row.map(|n| n.to_string()).unwrap_or_default();
        w.write_record([
            file.path.as_str(),
            sheet,
            &row,
            &r.column,
            &r.value,
            r.rule.code(),
            &r.message,
        ])?;
    }
    w.flush()?;
    Ok(())
}
