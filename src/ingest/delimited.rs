//! CSV files as people save them: `,`, `;` or tab; UTF-8 with or without
//! BOM, UTF-16 with BOM, or Windows-1252 (Dutch Excel's "CSV" save).
//!
//! Takes the file's bytes; returns one sheet as a calamine `Range` of text
//! cells, so that CSV and workbooks share one code path. Row numbers are
//! those a spreadsheet program shows when it opens the file: one row per
//! record, blank lines included.

use calamine::{Data, Range};
use encoding_rs::{UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

use crate::ingest::header;

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

/// Parses `text` with `delimiter` into rows of fields, inserting an empty
/// row for every blank line so that indices are spreadsheet rows − 1.
fn parse(
    text: &str,
    delimiter: u8,
    max_rows: Option<usize>,
) -> Result<Vec<Vec<String>>, csv::Error> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows: Vec<Vec<String>> = Vec::new();
    // The line on which the next record starts if no blank lines intervene.
    let mut expected_line = 1u64;
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record)? {
        // The reader skips blank lines but reports the position where it
        // started looking, i.e. at the first skipped blank line.
        let line = record.position().map_or(expected_line, |p| {
            let rest = text.as_bytes().get(p.byte() as usize..).unwrap_or_default();
            let skipped = rest
                .iter()
                .take_while(|b| matches!(b, b'\n' | b'\r'))
                .filter(|b| **b == b'\n')
                .count();
            p.line() + skipped as u64
        });
        for _ in expected_line..line {
            rows.push(Vec::new());
        }
        let newlines: usize = record.iter().map(|f| f.matches('\n').count()).sum();
        expected_line = line + 1 + newlines as u64;
        rows.push(record.iter().map(str::to_owned).collect());
        if max_rows.is_some_and(|m| rows.len() >= m) {
            break;
        }
    }
    Ok(rows)
}

/// Picks the delimiter: the one under which a header row of a known table
/// appears in the first rows; failing that, the one that splits the first
/// lines most consistently into the most fields.
fn detect_delimiter(text: &str) -> u8 {
    let sample_rows = header::HEADER_SEARCH_ROWS;
    let mut best = (b',', 0usize, 0usize);
    for delimiter in DELIMITERS {
        let Ok(rows) = parse(text, delimiter, Some(sample_rows)) else {
            continue;
        };
        let cells: Vec<Vec<Data>> = rows.iter().map(|r| to_cells(r.clone())).collect();
        if header::find(cells.iter().map(Vec::as_slice)).is_some() {
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

fn to_cells(fields: Vec<String>) -> Vec<Data> {
    fields
        .into_iter()
        .map(|f| {
            if f.is_empty() {
                Data::Empty
            } else {
                Data::String(f)
            }
        })
        .collect()
}

/// Reads a CSV file's bytes as one sheet.
pub fn read(bytes: &[u8]) -> Result<Range<Data>, String> {
    if bytes.contains(&0) && encoding_rs::Encoding::for_bom(bytes).is_none() {
        return Err("the file contains binary data, it is not a text (CSV) file".to_owned());
    }
    let text = decode(bytes);
    let delimiter = detect_delimiter(&text);
    let rows =
        parse(&text, delimiter, None).map_err(|e| format!("the CSV cannot be parsed: {e}"))?;
    let height = rows.len();
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    if height == 0 || width == 0 {
        return Ok(Range::empty());
    }
    let mut range = Range::new((0, 0), ((height - 1) as u32, (width - 1) as u32));
    for (r, fields) in rows.into_iter().enumerate() {
        for (c, cell) in to_cells(fields).into_iter().enumerate() {
            if cell != Data::Empty {
                range.set_value((r as u32, c as u32), cell);
            }
        }
    }
    Ok(range)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(range: &Range<Data>, row: usize, col: usize) -> String {
        range
            .get((row, col))
            .map(ToString::to_string)
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
            assert_eq!(detect_delimiter(text), delimiter, "{text:?}");
        }
    }

    #[test]
    fn keeps_spreadsheet_row_numbers() {
        let text = "titel\n\npps_id;periode;opmerking\nA;2026-01;\"twee\nregels\"\n\nB;2026-02;x\n";
        let range = read(text.as_bytes()).unwrap();
        assert_eq!(cell(&range, 0, 0), "titel");
        assert_eq!(cell(&range, 2, 0), "pps_id");
        assert_eq!(cell(&range, 3, 2), "twee\nregels");
        // The multi-line field is one row; the blank line after it is row 5.
        assert_eq!(cell(&range, 4, 0), "");
        assert_eq!(cell(&range, 5, 0), "B");
    }

    #[test]
    fn windows_1252_semicolons() {
        let range = read(b"pps_id;periode;opmerking\r\nA;okt 2026;Frysl\xE2n\r\n").unwrap();
        assert_eq!(cell(&range, 1, 2), "Fryslân");
        assert_eq!(cell(&range, 1, 1), "okt 2026");
    }

    #[test]
    fn refuses_binary_data() {
        assert!(read(b"PK\x03\x04\x00\x00garbage").is_err());
    }
}
