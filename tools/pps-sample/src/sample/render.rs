//! Drafts to sheets: cells as written, the findings (rows the README lists)
//! and the row tally; plus the small fixed files (notes sheet, lock file).

use crate::sheet::{Cell, Sheet};

use super::drafts::{Draft, Line};
use super::layout::{Col, Format, PeriodCell};

#[derive(Debug)]
pub(super) struct Finding {
    pub(super) rel: String,
    pub(super) sheet: String,
    pub(super) row: u32,
    pub(super) column: &'static str,
    pub(super) value: String,
    pub(super) rule: &'static str,
    pub(super) what: &'static str,
}

#[derive(Debug, Default)]
pub(super) struct Tally {
    pub(super) files: usize,
    pub(super) read: usize,
    pub(super) blank: usize,
}

pub(super) fn render(draft: &Draft, findings: &mut Vec<Finding>, tally: &mut Tally) -> Sheet {
    let l = &draft.layout;
    let width = l.cols.len() as u16;
    let pad = || vec![Cell::Empty; l.offset.1 as usize];
    let mut sheet = Sheet::new(l.sheet);
    for _ in 0..l.offset.0 {
        sheet.push(Vec::new());
    }
    if l.title {
        sheet.push_title(l.offset.1, width, &draft.title);
        sheet.push(Vec::new());
    }
    let mut header = pad();
    header.extend(l.cols.iter().map(|c| Cell::text(c.header(l.english))));
    sheet.push_bold(header);
    for line in &draft.lines {
        let Line::Data(r) = line else {
            tally.blank += 1;
            let mut blank = pad();
            blank.extend((0..width).map(|_| Cell::Empty));
            sheet.push(blank);
            continue;
        };
        tally.read += 1;
        let mut cells = pad();
        for col in l.cols {
            cells.push(match col {
                Col::Pps => Cell::text(&r.pps),
                Col::Periode => match (r.period, l.period) {
                    (None, _) => Cell::Empty,
                    (Some(m), PeriodCell::Text(style)) => Cell::Text(m.spell(style)),
                    (Some(m), PeriodCell::Date(fmt)) => {
                        if matches!(draft.format, Format::Csv { .. }) {
                            Cell::text(format!("1-{}-{}", m.month, m.year))
                        } else {
                            Cell::Date {
                                y: m.year as u16,
                                m: m.month as u8,
                                d: 1,
                                fmt,
                            }
                        }
                    }
                },
                Col::Note if r.note.is_empty() => Cell::Empty,
                Col::Note => Cell::text(&r.note),
                Col::Count(m) => r.values[*m as usize].clone(),
            });
        }
        let row = sheet.push(cells);
        if let Some(mark) = &r.mark {
            let at = l.offset.1 as usize
                + l.cols
                    .iter()
                    .position(|c| *c == mark.col)
                    .expect("column in layout");
            findings.push(Finding {
                rel: draft.rel.clone(),
                sheet: if matches!(draft.format, Format::Csv { .. }) {
                    String::new()
                } else {
                    l.sheet.to_owned()
                },
                row,
                column: mark.col.header(l.english),
                value: sheet.rows[row as usize - 1][at].shown(),
                rule: mark.rule,
                what: mark.what,
            });
        }
    }
    sheet
}

pub(super) fn notes_sheet() -> Sheet {
    let mut s = Sheet::new("Toelichting");
    s.push_bold(vec![Cell::text("Toelichting bij de maandcijfers")]);
    s.push(vec![Cell::text(
        "Aantallen zijn starters per maand; bedrijven is de stand aan het eind van de maand.",
    )]);
    s.push(vec![Cell::text(
        "Vragen: programmabureau Digital Industry Boost.",
    )]);
    s
}

/// An Excel owner file ("lock file") as Excel leaves it next to an open
/// workbook: must be skipped by name.
pub(super) fn lock_file() -> Vec<u8> {
    let user = b"m.devries";
    let mut bytes = vec![user.len() as u8];
    bytes.extend_from_slice(user);
    bytes.resize(54, b' ');
    bytes.resize(165, 0);
    bytes
}
