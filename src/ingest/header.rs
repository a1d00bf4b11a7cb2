//! Header rows: finding them below title rows, and recognising which table a
//! sheet holds.
//!
//! Takes the first rows of a sheet; returns the header row and the position
//! of each known column. Matching ignores case, surrounding blanks and
//! accents, and treats spaces, hyphens and dots as `_`; each column also
//! answers to its English alias. Names, aliases, which columns announce a
//! table and which are required all come from [`crate::schema`].

use calamine::Data;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::model::Table;
use crate::schema::{self, Presence, TableSpec};

/// How many rows from the top of a sheet may hold the header.
pub const HEADER_SEARCH_ROWS: usize = 20;

/// `" Gemeente-Code "` → `gemeente_code`, `"Periode."` → `periode`,
/// `"Studenten BOL"` → `studenten_bol`, `"Één"` → `een`.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfd().filter(|c| !is_combining_mark(*c)) {
        if c.is_whitespace() || c == '-' || c == '.' || c == '_' {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
        } else {
            out.extend(c.to_lowercase());
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    out
}

/// The column of `table` that a normalised header names, if any.
pub fn column_index(table: Table, normalised: &str) -> Option<usize> {
    schema::spec(table).position(normalised)
}

/// A recognised header row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub table: Table,
    /// 0-based index of the header row within the rows given.
    pub row: usize,
    /// For each column of the table: the sheet column it is in and the
    /// header text as found (trimmed).
    pub columns: Vec<Option<(usize, String)>>,
    /// Non-empty header cells that are not a column of the table (or a
    /// column seen before): `(sheet column, text)`.
    pub extra: Vec<(usize, String)>,
}

impl Header {
    /// Required columns of the table that the sheet lacks.
    pub fn missing(&self) -> Vec<usize> {
        self.table
            .columns()
            .iter()
            .enumerate()
            .filter(|(i, c)| c.presence == Presence::Required && self.columns[*i].is_none())
            .map(|(i, _)| i)
            .collect()
    }
}

/// Which table a header row with these normalised names announces: the
/// first of [`schema::TABLES`] whose announcing columns are all there.
fn classify(names: &[String]) -> Option<Table> {
    let announced = |spec: &TableSpec| {
        spec.announced_by()
            .all(|c| names.iter().any(|n| c.is_named(n)))
    };
    schema::TABLES
        .into_iter()
        .find(|spec| announced(spec))
        .map(|spec| spec.table)
}

/// Looks for a header row among the first [`HEADER_SEARCH_ROWS`] rows.
pub fn find<'a>(rows: impl Iterator<Item = &'a [Data]>) -> Option<Header> {
    for (r, cells) in rows.take(HEADER_SEARCH_ROWS).enumerate() {
        let texts: Vec<(usize, String)> = cells
            .iter()
            .enumerate()
            .filter_map(|(c, cell)| header_text(cell).map(|t| (c, t)))
            .collect();
        if texts.is_empty() {
            continue;
        }
        let names: Vec<String> = texts.iter().map(|(_, t)| normalise(t)).collect();
        let Some(table) = classify(&names) else {
            continue;
        };
        let mut columns = vec![None; table.columns().len()];
        let mut extra = Vec::new();
        for ((c, text), name) in texts.into_iter().zip(&names) {
            match column_index(table, name) {
                Some(i) if columns[i].is_none() => columns[i] = Some((c, text)),
                _ => extra.push((c, text)),
            }
        }
        return Some(Header {
            table,
            row: r,
            columns,
            extra,
        });
    }
    None
}

/// The trimmed text of a header cell, `None` when blank.
fn header_text(cell: &Data) -> Option<String> {
    let text = match cell {
        Data::Empty => return None,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_owned(),
        other => other.to_string(),
    };
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{CountColumn, Measure, TableColumn};

    fn row(cells: &[&str]) -> Vec<Data> {
        cells
            .iter()
            .map(|c| {
                if c.is_empty() {
                    Data::Empty
                } else {
                    Data::String((*c).to_owned())
                }
            })
            .collect()
    }

    #[test]
    fn normalises_like_the_contract_says() {
        for (input, want) in [
            ("pps_id", "pps_id"),
            (" PPS ID ", "pps_id"),
            ("Pps-Id", "pps_id"),
            ("pps.id", "pps_id"),
            ("Gemeente - Code", "gemeente_code"),
            ("Périòde", "periode"),
            ("STUDENTEN\u{a0}BOL", "studenten_bol"),
            ("Studenten\nBBL", "studenten_bbl"),
            ("bedrijven_mkb.", "bedrijven_mkb"),
        ] {
            assert_eq!(normalise(input), want, "{input:?}");
        }
    }

    #[test]
    fn classifies_each_table_by_its_keys() {
        let cases: [(&[&str], Option<Table>); 6] = [
            (
                &["pps_id", "naam", "gemeente_code", "startdatum"],
                Some(Table::Register),
            ),
            (
                &["Partnership ID", "Municipality code"],
                Some(Table::Register),
            ),
            (
                &["pps_id", "jaar", "indicator", "streefwaarde"],
                Some(Table::Targets),
            ),
            (&["PPS_ID", "Periode", "Studenten BOL"], Some(Table::Counts)),
            (&["partnership_id", "period"], Some(Table::Counts)),
            (&["pps_id", "naam"], None),
        ];
        for (cells, want) in cases {
            let r = row(cells);
            assert_eq!(
                find(std::iter::once(r.as_slice())).map(|h| h.table),
                want,
                "{cells:?}"
            );
        }
    }

    #[test]
    fn finds_the_header_below_title_rows_and_maps_columns() {
        let rows = [
            row(&["Maandrapportage oktober", "", ""]),
            row(&["", "", ""]),
            row(&["", "Periode", "opmerking", "PPS-ID", "werkenden", "Periode"]),
        ];
        let header = find(rows.iter().map(Vec::as_slice)).unwrap();
        assert_eq!(header.table, Table::Counts);
        assert_eq!(header.row, 2);
        let at = |c: CountColumn| header.columns[c.position()].clone();
        assert_eq!(at(CountColumn::PpsId), Some((3, "PPS-ID".to_owned())));
        assert_eq!(at(CountColumn::Periode), Some((1, "Periode".to_owned())));
        let werkenden = CountColumn::Measure(Measure::Werkenden);
        assert_eq!(at(werkenden), Some((4, "werkenden".to_owned())));
        assert_eq!(
            header.extra,
            [(2, "opmerking".to_owned()), (5, "Periode".to_owned())]
        );
        let missing: Vec<&str> = header
            .missing()
            .into_iter()
            .map(|c| schema::COUNTS.columns[c].name)
            .collect();
        let absent = schema::COUNTS
            .columns
            .iter()
            .map(|c| c.name)
            .filter(|n| !["pps_id", "periode", "werkenden"].contains(n));
        assert_eq!(missing, absent.collect::<Vec<_>>());
    }

    #[test]
    fn gives_up_after_twenty_rows() {
        let mut rows: Vec<Vec<Data>> = (0..HEADER_SEARCH_ROWS).map(|_| row(&["titel"])).collect();
        rows.push(row(&["pps_id", "periode"]));
        assert_eq!(find(rows.iter().map(Vec::as_slice)), None);
        rows.remove(0);
        assert!(find(rows.iter().map(Vec::as_slice)).is_some());
    }
}
