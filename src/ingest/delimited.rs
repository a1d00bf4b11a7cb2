//! CSV files as people save them: `,`, `;` or tab; UTF-8 with or without
//! BOM, UTF-16 with BOM, or Windows-1252 (Dutch Excel's "CSV" save).
//!
//! Takes the file's bytes; returns one sheet as sparse text cells (see
//! [`Grid`]), so that CSV and workbooks share one code path. Parsed field by
//! field: a header of 65,536 `;` or a 10 MB line of them stops at the
//! columns limit instead of building a row of millions of cells. Row numbers are
//! those a spreadsheet program shows when it opens the file: one row per
//! record, blank lines included.

use calamine::Data;
use encoding_rs::{UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

use crate::ingest::header;
use crate::ingest::limits::{Grid, Limits, Refused, SparseCells, Value};

/// Decodes the bytes: a BOM decides; otherwise valid UTF-8 is UTF-8 and
/// anything else is Windows-1252 (which can decode every byte).
pub fn decode(bytes: &[u8]) -> String {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        if encoding == UTF_8 {
            return String::from_utf8_lossy(&bytes[bom_len..]).into_owned();
        }
        if encoding == UTF_16LE || encoding == UTF_16BE {
            return encoding
                .decode_without_bom_handling(&bytes[bom_len..])
                .0
                .into_owned();
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

const DELIMITERS: [u8; 3] = [b';', b',', b'\t'];

/// Line breaks in `gap` (only `\r` and `\n`): `\r\n`, `\n` and a lone
/// `\r` each count once.
fn line_breaks(gap: &[u8]) -> usize {
    gap.iter()
        .enumerate()
        .filter(|&(i, b)| *b == b'\n' || (*b == b'\r' && gap.get(i + 1) != Some(&b'\n')))
        .count()
}

/// Parses `text` with `delimiter`, field by field, calling `cell(row, col,
/// field)` for every field. Rows are those a spreadsheet shows: one per
/// record, blank lines included (a quoted field may span lines and is
/// still one row). Stops after `max_rows` rows when given, or at the first
/// error `cell` returns. Streaming: a hostile line costs one field at a
/// time, never a record of millions of fields.
fn parse<E>(
    text: &str,
    delimiter: u8,
    max_rows: Option<u32>,
    mut cell: impl FnMut(u32, u32, &str) -> Result<(), E>,
) -> Result<(), E> {
    let bytes = text.as_bytes();
    let mut reader = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
    let mut pos = 0;
    let mut buf = vec![0u8; 8192];
    let mut field: Vec<u8> = Vec::new();
    // Where the previous record's content ended, and its row.
    let mut previous: Option<(usize, u32)> = None;
    loop {
        let start = pos
            + bytes[pos..]
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count();
        if start >= bytes.len() {
            return Ok(());
        }
        let row = match previous {
            None => line_breaks(&bytes[..start]) as u32,
            Some((end, row)) => row.saturating_add(line_breaks(&bytes[end..start]).max(1) as u32),
        };
        if max_rows.is_some_and(|m| row >= m) {
            return Ok(());
        }
        pos = start;
        let mut col = 0u32;
        loop {
            let (result, nin, nout) = reader.read_field(&bytes[pos..], &mut buf);
            pos += nin;
            field.extend_from_slice(&buf[..nout]);
            match result {
                csv_core::ReadFieldResult::InputEmpty => {
                    if pos >= bytes.len() {
                        // Tell the reader the input ended.
                        let (result, _, nout) = reader.read_field(&[], &mut buf);
                        field.extend_from_slice(&buf[..nout]);
                        if matches!(result, csv_core::ReadFieldResult::Field { .. }) {
                            cell(row, col, &String::from_utf8_lossy(&field))?;
                        }
                        return Ok(());
                    }
                }
                csv_core::ReadFieldResult::OutputFull => {}
                csv_core::ReadFieldResult::Field { record_end } => {
                    cell(row, col, &String::from_utf8_lossy(&field))?;
                    field.clear();
                    col = col.saturating_add(1);
                    if record_end {
                        break;
                    }
                }
                csv_core::ReadFieldResult::End => return Ok(()),
            }
        }
        // The record's content ends before its line break(s).
        let mut end = pos;
        while end > start && matches!(bytes[end - 1], b'\r' | b'\n') {
            end -= 1;
        }
        previous = Some((end, row));
    }
}

/// The first rows under `delimiter`, as dense rows of at most
/// `max_columns` cells (for delimiter detection).
fn first_rows(text: &str, delimiter: u8, max_columns: u32) -> Vec<Vec<Data>> {
    let mut rows: Vec<Vec<Data>> = Vec::new();
    let _ = parse::<()>(
        text,
        delimiter,
        Some(header::HEADER_SEARCH_ROWS as u32),
        |row, col, field| {
            if col < max_columns {
                let row = row as usize;
                if rows.len() <= row {
                    rows.resize_with(row + 1, Vec::new);
                }
                rows[row].push(to_cell(field));
            }
            Ok(())
        },
    );
    rows
}

/// Picks the delimiter: the one under which a header row of a known table
/// appears in the first rows; failing that, the one that splits the first
/// lines most consistently into the most fields.
fn detect_delimiter(text: &str, max_columns: u32) -> u8 {
    let mut best = (b',', 0usize, 0usize);
    for delimiter in DELIMITERS {
        let rows = first_rows(text, delimiter, max_columns);
        if header::find(rows.iter().map(Vec::as_slice)).is_some() {
            return delimiter;
        }
        let non_blank: Vec<usize> = rows.iter().filter(|r| r.len() > 1).map(Vec::len).collect();
        let widest = non_blank.iter().copied().max().unwrap_or(1);
        let agreeing = non_blank.iter().filter(|&&n| n == widest).count();
        if (widest, agreeing) > (best.1, best.2) {
            best = (delimiter, widest, agreeing);
        }
    }
    best.0
}

fn to_cell(field: &str) -> Data {
    if field.is_empty() {
        Data::Empty
    } else {
        Data::String(field.to_owned())
    }
}

/// Reads a CSV file's bytes as one sheet of non-empty cells, within the
/// cells and columns limits; also returns the row of the last record
/// (which may hold no filled cell at all).
pub fn read(bytes: &[u8], limits: &Limits) -> Result<(SparseCells, u32), Refused> {
    if bytes.contains(&0) && encoding_rs::Encoding::for_bom(bytes).is_none() {
        return Err(Refused(
            "het bestand bevat binaire gegevens en is dus geen tekstbestand (CSV)".to_owned(),
        ));
    }
    let text = decode(bytes);
    let delimiter = detect_delimiter(&text, limits.max_columns);
    let mut grid = Grid::new("", limits);
    let mut last_row = 0;
    parse(&text, delimiter, None, |row, col, field| {
        last_row = row;
        if field.is_empty() {
            Ok(())
        } else {
            grid.push(row, col, Value::Data(Data::String(field.to_owned())))
        }
    })?;
    Ok((grid.finish(), last_row))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(text: &[u8]) -> Vec<(u32, u32, String)> {
        read(text, &Limits::default())
            .unwrap()
            .0
            .into_iter()
            .map(|(r, c, v)| match v {
                Value::Data(d) => (r, c, d.to_string()),
                Value::UncachedFormula(f) => (r, c, f),
            })
            .collect()
    }

    fn cell(cells: &[(u32, u32, String)], row: u32, col: u32) -> String {
        cells
            .iter()
            .find(|(r, c, _)| (*r, *c) == (row, col))
            .map(|(_, _, v)| v.clone())
            .unwrap_or_default()
    }

    #[test]
    fn decodes_every_encoding() {
        assert_eq!(decode(b"\xEF\xBB\xBFpps_id"), "pps_id");
        assert_eq!(decode("Fryslân".as_bytes()), "Fryslân");
        assert_eq!(
            decode(b"Frysl\xE2n ge\xEFnstalleerd"),
            "Fryslân geïnstalleerd"
        );
        assert_eq!(decode(b"\xFF\xFEp\x00s\x00"), "ps");
    }

    #[test]
    fn detects_the_delimiter_by_the_header() {
        for (text, delimiter) in [
            ("pps_id;periode;werkenden\nA;2026-01;12,0\n", b';'),
            ("pps_id,periode,werkenden\nA,2026-01,12\n", b','),
            ("pps_id\tperiode\twerkenden\nA\t2026-01\t12\n", b'\t'),
            ("Titel, met komma\n\npps_id;periode\nA;2026-01\n", b';'),
            ("a;b;c\n1;2;3\n", b';'),
        ] {
            assert_eq!(detect_delimiter(text, 16_384), delimiter, "{text:?}");
        }
    }

    #[test]
    fn keeps_spreadsheet_row_numbers() {
        let text = "titel\n\npps_id;periode;opmerking\nA;2026-01;\"twee\nregels\"\n\nB;2026-02;x\n";
        let read = cells(text.as_bytes());
        assert_eq!(cell(&read, 0, 0), "titel");
        assert_eq!(cell(&read, 2, 0), "pps_id");
        assert_eq!(cell(&read, 3, 2), "twee\nregels");
        // The multi-line field is one row; the blank line after it is row 5.
        assert_eq!(cell(&read, 4, 0), "");
        assert_eq!(cell(&read, 5, 0), "B");
        let crlf = cells(b"\r\n\r\npps_id;periode\r\nA;2026-01\r\n\r\nB;2026-02");
        assert_eq!(cell(&crlf, 2, 0), "pps_id");
        assert_eq!(cell(&crlf, 3, 0), "A");
        assert_eq!(cell(&crlf, 5, 1), "2026-02");
    }

    #[test]
    fn windows_1252_semicolons() {
        let read = cells(b"pps_id;periode;opmerking\r\nA;okt 2026;Frysl\xE2n\r\n");
        assert_eq!(cell(&read, 1, 2), "Fryslân");
        assert_eq!(cell(&read, 1, 1), "okt 2026");
    }

    #[test]
    fn refuses_binary_data() {
        assert!(read(b"PK\x03\x04\x00\x00garbage", &Limits::default()).is_err());
    }

    #[test]
    fn a_line_of_delimiters_stops_at_the_columns_limit() {
        let mut text = b"pps_id;periode\n".to_vec();
        text.extend(b"1;".repeat(500_000));
        let err = read(&text, &Limits::default()).unwrap_err();
        assert!(err.0.contains("16.384 kolommen"), "{err:?}");
        let header = ";".repeat(65_536);
        assert!(read(header.as_bytes(), &Limits::default()).is_ok());
        let header = "x;".repeat(20_000);
        assert!(read(header.as_bytes(), &Limits::default()).is_err());
    }
}
