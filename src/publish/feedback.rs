//! Feedback per consortium (contract section 6): `terugkoppeling/<naam>.xlsx`,
//! one workbook per consortium with at least one partnership in the valid
//! register, and `zonder-consortium.xlsx` for the partnerships without one
//! (only when there are any).
//!
//! Takes the period, the validation outcome and the export's rows; writes
//! small printable Dutch workbooks that tell a consortium at a glance what
//! to fix before the next run:
//!
//! | sheet | what |
//! | --- | --- |
//! | Overzicht | consortium, period, per partnership its rejected rows and missing months, what to do |
//! | Afgekeurd | the rejects of its partnerships, with the same columns and texts as `rejects_<P>.csv` |
//! | Ontbrekend | per partnership, the months from January of P's year to P without an accepted submission |
//! | Cijfers | the consortium's and its partnerships' figures for P as the export publishes them |
//!
//! **Which rejects a consortium gets.** A rejected row belongs to the
//! partnership its `pps_id` names, when that is a partnership of the valid
//! register (a row with several broken rules goes as a whole). Rows without
//! a readable `pps_id`, with one that names no valid partnership
//! (`unknown_pps`, rejected register rows) and unreadable files belong to
//! no partnership: they are only in `rejects_<P>.csv`, which the programme
//! office handles. So the rows of a workbook are exactly the rejects of its
//! partnerships.
//!
//! **Figures** are the export's published values: a suppressed cell reads
//! `onderdrukt`, never the number, because these workbooks leave the
//! programme office.
//!
//! File names are slugs of the consortium name (lowercase, accents
//! stripped, other characters `-`, at most [`SLUG_MAX`] characters), made
//! unique in name order by `-2`, `-3`…; never a path separator or a leading
//! dot. The workbooks are deterministic: the creation time follows the
//! period. Refuses nothing; fails only when a file cannot be written.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

use rayon::prelude::*;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign};
use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::manifest::Output;
use super::report::{
    DARK_BLUE, figure_headers, header_format, indicator_label, month_long, month_short,
};
use super::{Staging, guard, rejects};
use crate::error::Error;
use crate::ingest::Provenance;
use crate::model::{
    CellStatus, DUTCH_MONTHS_SHORT, KpiRow, Level, Month, Partnership, Value, Window, cut_text,
};
use crate::validate::{Reject, Validated};

/// The folder inside `<output>/<P>/`.
pub const FOLDER: &str = "terugkoppeling";
/// The file name (without `.xlsx`) for partnerships without a consortium.
pub const WITHOUT_CONSORTIUM: &str = "zonder-consortium";
/// The longest slug, in characters (before a `-2` that makes it unique).
pub const SLUG_MAX: usize = 60;

/// Sheet names, in workbook order.
pub const SHEETS: [&str; 4] = ["Overzicht", "Afgekeurd", "Ontbrekend", "Cijfers"];

/// Everything the feedback workbooks show, sorted per workbook.
#[derive(Debug)]
pub struct Feedback<'a> {
    period: Month,
    books: Vec<Book<'a>>,
}

/// One workbook: a consortium (or none) and what belongs to it.
#[derive(Debug)]
pub struct Book<'a> {
    /// `terugkoppeling/<slug>.xlsx`.
    pub file: String,
    /// `None`: the partnerships without a consortium.
    pub consortium: Option<&'a str>,
    /// In pps_id order.
    pub partnerships: Vec<&'a Partnership>,
    /// In rejects-file order.
    pub rejects: Vec<&'a Reject>,
    /// The pps_id each reject is attributed to (parallel to `rejects`).
    owners: Vec<&'a str>,
    /// Per partnership (parallel to `partnerships`), the months from
    /// January of P's year to P that are expected and have no accepted
    /// submission.
    pub missing: Vec<Vec<Month>>,
    /// Per partnership, the expected months (same range).
    pub expected: Vec<Vec<Month>>,
    /// The export rows of the consortium, then of each partnership, in
    /// export order within each region.
    figures: Vec<&'a KpiRow>,
}

impl<'a> Feedback<'a> {
    /// Sorts the partnerships, rejects, months and export rows of period
    /// `period` into workbooks.
    pub fn plan(period: Month, validated: &'a Validated, rows: &'a [KpiRow]) -> Feedback<'a> {
        let mut groups: BTreeMap<Option<&'a str>, Vec<&'a Partnership>> = BTreeMap::new();
        for p in &validated.accepted.partnerships {
            let consortium = p.consortium.as_deref().filter(|c| !c.trim().is_empty());
            groups.entry(consortium).or_default().push(p);
        }
        // `None` sorts first: the reserved name is taken before any
        // consortium's slug can claim it.
        let mut taken = HashSet::new();
        let mut books: Vec<Book<'a>> = groups
            .into_iter()
            .map(|(consortium, mut partnerships)| {
                partnerships.sort_by(|a, b| a.pps_id.cmp(&b.pps_id));
                let slug = match consortium {
                    None => WITHOUT_CONSORTIUM.to_owned(),
                    Some(name) => unique(slug(name), &taken),
                };
                taken.insert(slug.clone());
                Book {
                    file: format!("{FOLDER}/{slug}.xlsx"),
                    consortium,
                    partnerships,
                    rejects: Vec::new(),
                    owners: Vec::new(),
                    missing: Vec::new(),
                    expected: Vec::new(),
                    figures: Vec::new(),
                }
            })
            .collect();
        // Named consortia first in the manifest, in name order; then the rest.
        let without = usize::from(books.first().is_some_and(|b| b.consortium.is_none()));
        books.rotate_left(without);

        let book_of: HashMap<&str, usize> = books
            .iter()
            .enumerate()
            .flat_map(|(i, b)| b.partnerships.iter().map(move |p| (p.pps_id.as_str(), i)))
            .collect();
        let consortium_book: HashMap<&str, usize> = books
            .iter()
            .enumerate()
            .filter_map(|(i, b)| b.consortium.map(|c| (c, i)))
            .collect();

        // A rejected row goes as a whole: the partnership any of its lines
        // names.
        let mut owner: HashMap<&'a Provenance, (&'a str, usize)> = HashMap::new();
        for r in &validated.rejects {
            if let Some((id, &i)) = r.pps_id.as_deref().and_then(|id| book_of.get_key_value(id)) {
                owner.entry(&r.at).or_insert((id, i));
            }
        }
        for r in &validated.rejects {
            if let Some(&(id, i)) = owner.get(&r.at) {
                books[i].rejects.push(r);
                books[i].owners.push(id);
            }
        }

        let first = period.january();
        let mut received: HashMap<&str, BTreeSet<Month>> = HashMap::new();
        for c in &validated.accepted.counts {
            if c.month >= first && c.month <= period {
                received
                    .entry(c.pps_id.as_str())
                    .or_default()
                    .insert(c.month);
            }
        }
        for book in &mut books {
            for p in &book.partnerships {
                let expected = expected_months(p, period);
                let got = received.get(p.pps_id.as_str());
                let missing = expected
                    .iter()
                    .copied()
                    .filter(|m| !got.is_some_and(|g| g.contains(m)))
                    .collect();
                book.missing.push(missing);
                book.expected.push(expected);
            }
        }

        for row in rows {
            let book = match row.level {
                Level::Consortium => consortium_book.get(&*row.regio_code),
                Level::Pps => book_of.get(&*row.regio_code),
                _ => None,
            };
            if let Some(&i) = book {
                books[i].figures.push(row);
            }
        }
        for book in &mut books {
            // Consortium first, then partnerships by pps_id; within a
            // region, indicator order, the windows side by side later.
            book.figures.sort_by(|a, b| {
                (a.level, &*a.regio_code, a.indicator, a.window).cmp(&(
                    b.level,
                    &*b.regio_code,
                    b.indicator,
                    b.window,
                ))
            });
        }
        Feedback { period, books }
    }

    pub fn books(&self) -> &[Book<'a>] {
        &self.books
    }

    /// Writes every workbook into `staging` (side by side) and returns
    /// their checksums in book order.
    /// The folder is made durable too (its entries), so that a crash after
    /// publishing cannot leave it without its files.
    pub fn write_all(&self, staging: &Staging) -> Result<Vec<Output>, Error> {
        let folder = std::sync::OnceLock::new();
        let outputs = self
            .books
            .par_iter()
            .map(|book| {
                staging.file_at_path(&book.file, |path| {
                    if let Some(dir) = path.parent() {
                        let _ = folder.set(dir.to_path_buf());
                    }
                    self.write(book, path)
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(dir) = folder.get() {
            std::fs::File::open(dir)
                .and_then(|f| f.sync_all())
                .map_err(|source| Error::Io {
                    path: dir.clone(),
                    action: "make durable the feedback folder",
                    source,
                })?;
        }
        Ok(outputs)
    }

    /// Writes the workbook of `book` to `path` (creating its folder).
    pub fn write(&self, book: &Book<'_>, path: &Path) -> Result<(), String> {
        let fail = |e: XlsxError| format!("cannot write the feedback workbook: {e}");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        }
        let mut workbook = self.build(book).map_err(fail)?;
        workbook.save(path).map_err(fail)
    }

    fn build(&self, book: &Book<'_>) -> Result<Workbook, XlsxError> {
        let mut workbook = Workbook::new();
        workbook.set_properties(&properties(self.period, book)?);
        // As the report: level 2 of 9 zips several times faster than the
        // default for a file a few percent larger.
        workbook.set_zip_compression_level(2);
        let styles = Styles::new();
        workbook.push_worksheet(self.cover(book, &styles)?);
        workbook.push_worksheet(self.rejects(book, &styles)?);
        workbook.push_worksheet(self.missing(book, &styles)?);
        workbook.push_worksheet(self.figures(book, &styles)?);
        Ok(workbook)
    }

    fn page(&self, ws: &mut Worksheet, book: &Book<'_>, name: &str) -> Result<(), XlsxError> {
        ws.set_name(name)?;
        // In header and footer, `&` starts a code.
        let who = cut_chars(&title_of(book), 80).replace('&', "&&");
        ws.set_paper_size(9)
            .set_landscape()
            .set_print_fit_to_pages(1, 0)
            .set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3)
            .set_header(format!(
                "&L&8Terugkoppeling PPS-monitor: {who}&R&8{} ({})",
                month_long(self.period),
                self.period
            ))
            .set_footer("&L&8&A&R&8Pagina &P van &N");
        Ok(())
    }

    /// Overzicht: who, which period, and per partnership what to fix.
    fn cover(&self, book: &Book<'_>, s: &Styles) -> Result<Worksheet, XlsxError> {
        let mut ws = Worksheet::new();
        self.page(&mut ws, book, SHEETS[0])?;
        let period = self.period;
        ws.write_string_with_format(
            0,
            0,
            format!("Terugkoppeling: {}", title_of(book)),
            &s.title,
        )?;
        let rejected_rows = {
            let mut places: Vec<&Provenance> = book.rejects.iter().map(|r| &r.at).collect();
            places.dedup();
            places.len()
        };
        let missing: usize = book.missing.iter().map(Vec::len).sum();
        let facts: [(&str, String); 5] = [
            (
                "Consortium",
                book.consortium.map_or_else(
                    || "geen (PPS'en zonder consortium in het register)".to_owned(),
                    |c| cut_text(c).into_owned(),
                ),
            ),
            (
                "Verslagperiode",
                format!("{} ({period})", month_long(period)),
            ),
            ("PPS'en", book.partnerships.len().to_string()),
            (
                "Afgekeurde rijen",
                format!(
                    "{rejected_rows} ({} {})",
                    book.rejects.len(),
                    if book.rejects.len() == 1 {
                        "melding"
                    } else {
                        "meldingen"
                    }
                ),
            ),
            (
                "Ontbrekende maanden",
                format!("{missing} (januari tot en met {})", month_long(period)),
            ),
        ];
        let mut row = 2;
        for (label, value) in facts {
            ws.write_string_with_format(row, 0, label, &s.label)?;
            ws.merge_range(row, 1, row, 5, &value, &s.text)?;
            row += 1;
        }

        row += 1;
        ws.write_string_with_format(row, 0, "Wat te doen vóór de volgende run", &s.section)?;
        row += 1;
        let mut todo = Vec::new();
        if !book.rejects.is_empty() {
            todo.push(
                "Herstel de afgekeurde regels (blad Afgekeurd): open het genoemde bestand, ga naar blad en rij, \
                 pas de cel aan zoals de melding zegt en lever het bestand opnieuw aan."
                    .to_owned(),
            );
        }
        if missing > 0 {
            todo.push(
                "Lever de ontbrekende maanden aan (blad Ontbrekend): één regel per PPS en maand, ook als alle \
                 aantallen 0 zijn."
                    .to_owned(),
            );
        }
        if todo.is_empty() {
            todo.push(
                "Niets: alle regels zijn geaccepteerd en alle maanden tot en met deze periode zijn aangeleverd."
                    .to_owned(),
            );
        }
        todo.push(
            "Controleer uw cijfers (blad Cijfers). Dat zijn de waarden zoals het ministerie ze ontvangt: \
             kleine aantallen staan er als 'onderdrukt'."
                .to_owned(),
        );
        for (n, line) in todo.iter().enumerate() {
            ws.merge_range(row, 0, row, 5, &format!("{}. {line}", n + 1), &s.wrap)?;
            ws.set_row_height(row, 31)?;
            row += 1;
        }

        row += 1;
        ws.write_string_with_format(row, 0, "Per PPS", &s.section)?;
        row += 1;
        let headers = [
            "pps_id",
            "Naam",
            "Looptijd",
            "Afgekeurde\nmeldingen",
            "Ontbrekende\nmaanden",
            "Actie nodig",
        ];
        for (c, h) in (0u16..).zip(headers) {
            let format = if (3..5).contains(&c) {
                &s.header_num
            } else {
                &s.header
            };
            ws.write_string_with_format(row, c, h, format)?;
        }
        let header_row = row;
        ws.set_row_height(header_row, 31)?;
        for (i, p) in book.partnerships.iter().enumerate() {
            row += 1;
            let n_rejects = book.owners.iter().filter(|id| **id == p.pps_id).count();
            let missing = &book.missing[i];
            let action = n_rejects > 0 || !missing.is_empty();
            ws.write_string_with_format(row, 0, guard(&cut_text(&p.pps_id)), &s.text)?;
            ws.write_string_with_format(row, 1, guard(&cut_text(&p.naam)), &s.text)?;
            ws.write_string_with_format(row, 2, running(p), &s.text)?;
            ws.write_number_with_format(row, 3, n_rejects as f64, &s.count)?;
            ws.write_number_with_format(row, 4, missing.len() as f64, &s.count)?;
            ws.write_string_with_format(
                row,
                5,
                if action { "ja" } else { "nee" },
                if action { &s.bad } else { &s.good },
            )?;
        }
        row += 2;
        let note = format!(
            "Afgekeurde regels zonder herkenbare PPS van dit consortium (een onleesbaar bestand, een onbekende of \
             onleesbare pps_id, een afgekeurde registerregel) staan niet in deze werkmap maar wel in \
             rejects_{period}.csv bij het programmabureau. Vragen? Neem contact op met het programmabureau."
        );
        ws.merge_range(row, 0, row, 5, &note, &s.note)?;
        ws.set_row_height(row, 46)?;

        ws.set_column_width(0, 22)?;
        ws.set_column_width(
            1,
            text_width(book.partnerships.iter().map(|p| p.naam.as_str()), 24, 50),
        )?;
        ws.set_column_width(2, 24)?;
        ws.set_column_width(3, 14)?;
        ws.set_column_width(4, 14)?;
        ws.set_column_width(5, 12)?;
        ws.set_repeat_rows(header_row, header_row)?;
        Ok(ws)
    }

    /// Afgekeurd: the rejects of the book's partnerships, as in the rejects
    /// file.
    fn rejects(&self, book: &Book<'_>, s: &Styles) -> Result<Worksheet, XlsxError> {
        let mut ws = Worksheet::new();
        self.page(&mut ws, book, SHEETS[1])?;
        for (c, h) in (0u16..).zip(rejects::HEADER) {
            ws.write_string_with_format(0, c, h, if c == 2 { &s.header_num } else { &s.header })?;
        }
        let mut row = 0;
        for r in &book.rejects {
            row += 1;
            let (path, sheet) = (r.at.path(), r.at.sheet_name());
            ws.write_string_with_format(row, 0, guard(&cut_text(path)), &s.wrap)?;
            ws.write_string_with_format(row, 1, guard(&cut_text(sheet)), &s.wrap)?;
            match r.at.row_number() {
                Some(n) => ws.write_number_with_format(row, 2, f64::from(n), &s.count)?,
                None => ws.write_blank(row, 2, &s.count)?,
            };
            ws.write_string_with_format(row, 3, guard(&cut_text(&r.column)), &s.wrap)?;
            ws.write_string_with_format(row, 4, guard(&cut_text(&r.value)), &s.wrap)?;
            ws.write_string_with_format(row, 5, r.rule.code(), &s.wrap)?;
            ws.write_string_with_format(row, 6, guard(&cut_text(&r.message)), &s.wrap)?;
            // Wrapped text needs a row tall enough for it: spreadsheets do
            // not grow rows on opening, and printing cuts what is hidden.
            let lines = [
                (path, REJECT_WIDTHS[0]),
                (sheet, REJECT_WIDTHS[1]),
                (&r.column, REJECT_WIDTHS[3]),
                (&r.value, REJECT_WIDTHS[4]),
                (&r.message, REJECT_WIDTHS[6]),
            ]
            .into_iter()
            .map(|(text, width)| wrapped_lines(text, width))
            .max()
            .unwrap_or(1);
            ws.set_row_height(row, f64::from((15 * lines).min(409)))?;
        }
        if book.rejects.is_empty() {
            ws.merge_range(
                1,
                0,
                1,
                6,
                "Geen afgekeurde regels voor de PPS'en van deze werkmap.",
                &s.note,
            )?;
        } else {
            ws.autofilter(0, 0, row, 6)?;
        }
        for (c, width) in (0u16..).zip(REJECT_WIDTHS) {
            ws.set_column_width(c, f64::from(width))?;
        }
        ws.set_freeze_panes(1, 0)?;
        ws.set_repeat_rows(0, 0)?;
        Ok(ws)
    }

    /// Ontbrekend: per partnership, a month grid from January to P.
    fn missing(&self, book: &Book<'_>, s: &Styles) -> Result<Worksheet, XlsxError> {
        let mut ws = Worksheet::new();
        self.page(&mut ws, book, SHEETS[2])?;
        let months: Vec<Month> = (0..self.period.month())
            .map(|i| self.period.january().offset(i as i32))
            .collect();
        let grid = 3u16;
        ws.write_string_with_format(0, 0, "pps_id", &s.header)?;
        ws.write_string_with_format(0, 1, "Naam", &s.header)?;
        ws.write_string_with_format(0, 2, "Ontbreekt", &s.header_num)?;
        for (c, m) in (grid..).zip(&months) {
            ws.write_string_with_format(
                0,
                c,
                DUTCH_MONTHS_SHORT[m.month() as usize - 1],
                &s.header_center,
            )?;
        }
        let list_col = grid + months.len() as u16;
        ws.write_string_with_format(0, list_col, "Nog aan te leveren", &s.header)?;
        for (i, p) in book.partnerships.iter().enumerate() {
            let row = i as u32 + 1;
            let expected = &book.expected[i];
            let missing = &book.missing[i];
            ws.write_string_with_format(row, 0, guard(&cut_text(&p.pps_id)), &s.text)?;
            ws.write_string_with_format(row, 1, guard(&cut_text(&p.naam)), &s.text)?;
            ws.write_number_with_format(row, 2, missing.len() as f64, &s.count)?;
            for (c, m) in (grid..).zip(&months) {
                let (text, format) = if missing.contains(m) {
                    ("ontbreekt", &s.bad)
                } else if expected.contains(m) {
                    ("ontvangen", &s.good)
                } else {
                    ("–", &s.outside)
                };
                ws.write_string_with_format(row, c, text, format)?;
            }
            let list = if missing.is_empty() {
                if expected.is_empty() {
                    "niets verwacht in deze maanden".to_owned()
                } else {
                    "niets".to_owned()
                }
            } else {
                missing
                    .iter()
                    .map(|m| month_short(*m))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            ws.write_string_with_format(row, list_col, list, &s.wrap)?;
        }
        let below = book.partnerships.len() as u32 + 2;
        ws.merge_range(
            below,
            0,
            below,
            list_col,
            &format!(
                "Verwacht wordt één aanlevering per PPS per maand, van januari {} (of de startmaand, als die later \
                 is) tot en met {} (of de eindmaand, als die eerder is). – : buiten de looptijd van de PPS.",
                self.period.year(),
                month_long(self.period)
            ),
            &s.note,
        )?;
        ws.set_row_height(below, 31)?;
        ws.set_column_width(0, 16)?;
        ws.set_column_width(
            1,
            text_width(book.partnerships.iter().map(|p| p.naam.as_str()), 20, 40),
        )?;
        ws.set_column_width(2, 11)?;
        for c in grid..list_col {
            ws.set_column_width(c, 10.5)?;
        }
        ws.set_column_width(list_col, 30)?;
        ws.set_freeze_panes(1, 2)?;
        ws.set_repeat_rows(0, 0)?;
        Ok(ws)
    }

    /// Cijfers: the published figures of the consortium and its
    /// partnerships for P.
    fn figures(&self, book: &Book<'_>, s: &Styles) -> Result<Worksheet, XlsxError> {
        let mut ws = Worksheet::new();
        self.page(&mut ws, book, SHEETS[3])?;
        let period = self.period;
        // The report's first four figure columns: maand, jtd, cumulatief, doel.
        let [maand, jtd, cumulatief, doel, ..] = figure_headers(period);
        let headers = [
            "Niveau".to_owned(),
            "Code".to_owned(),
            "Naam".to_owned(),
            "Indicator".to_owned(),
            maand,
            jtd,
            cumulatief,
            doel,
            "Realisatie\ndoel (jtd)".to_owned(),
        ];
        for (c, h) in (0u16..).zip(&headers) {
            ws.write_string_with_format(0, c, h, if c >= 4 { &s.header_num } else { &s.header })?;
        }
        ws.set_row_height(0, 31)?;
        let mut row = 0u32;
        // Each partnership's lines share a fill, alternating, so that a
        // printed page shows where one ends; the consortium's are blue.
        let mut region = 0usize;
        let mut previous: Option<&str> = None;
        for line in book.figures.chunk_by(|a, b| {
            (a.level, &a.regio_code, a.indicator) == (b.level, &b.regio_code, b.indicator)
        }) {
            row += 1;
            let first = line[0];
            if previous != Some(&*first.regio_code) {
                region += 1;
                previous = Some(&*first.regio_code);
            }
            let band = if first.level == Level::Consortium {
                1
            } else {
                2 * (region % 2)
            };
            let text = &s.texts[band];
            // A consortium's code is its name: shown once, in Naam.
            let (level, code) = match first.level {
                Level::Consortium => ("consortium", ""),
                _ => ("PPS", &*first.regio_code),
            };
            ws.write_string_with_format(row, 0, level, text)?;
            ws.write_string_with_format(row, 1, guard(&cut_text(code)), text)?;
            ws.write_string_with_format(row, 2, guard(&cut_text(&first.regio_naam)), text)?;
            ws.write_string_with_format(row, 3, indicator_label(first.indicator), text)?;
            for (c, window) in (4u16..).zip(Window::ALL) {
                let cell = line.iter().find(|r| r.window == window);
                figure(
                    &mut ws,
                    s,
                    (row, c),
                    cell.copied().map_or(Shown::Empty, shown),
                    band,
                )?;
            }
            let jtd = line.iter().find(|r| r.window == Window::Jtd);
            let target = jtd
                .and_then(|r| r.target)
                .map_or(Shown::Empty, |t| Shown::Count(t as f64));
            figure(&mut ws, s, (row, 7), target, band)?;
            let realisation = jtd
                .filter(|r| published(r) == Published::Yes && !r.realisation_hidden)
                .and_then(|r| r.realisation)
                .map_or(Shown::Empty, |q| Shown::Pct(fraction(q)));
            figure(&mut ws, s, (row, 8), realisation, band)?;
        }
        let below = row + 2;
        ws.merge_range(
            below,
            0,
            below,
            8,
            "Dit zijn de waarden zoals de export voor het ministerie ze publiceert. 'onderdrukt': een klein \
             aantal (of een cel die een klein aantal beschermt) wordt niet gepubliceerd. Leeg: niet van \
             toepassing (geen doel, of een percentage zonder noemer). 'geen gegevens': de PPS heeft in dit venster niets \
             aangeleverd dat is geaccepteerd.",
            &s.note,
        )?;
        ws.set_row_height(below, 31)?;
        if row > 0 {
            ws.autofilter(0, 0, row, 8)?;
        }
        ws.set_column_width(0, 11)?;
        ws.set_column_width(1, 14)?;
        ws.set_column_width(
            2,
            text_width(book.figures.iter().map(|r| &*r.regio_naam), 16, 36),
        )?;
        ws.set_column_width(3, 20)?;
        for c in 4..=8 {
            ws.set_column_width(c, 13)?;
        }
        ws.set_freeze_panes(1, 4)?;
        ws.set_repeat_rows(0, 0)?;
        Ok(ws)
    }
}

/// Writes one figure cell.
fn figure(
    ws: &mut Worksheet,
    s: &Styles,
    (row, col): (u32, u16),
    shown: Shown,
    b: usize,
) -> Result<(), XlsxError> {
    match shown {
        Shown::Count(v) => ws.write_number_with_format(row, col, v, &s.counts[b])?,
        Shown::Pct(v) => ws.write_number_with_format(row, col, v, &s.pcts[b])?,
        Shown::Suppressed => {
            ws.write_string_with_format(row, col, "onderdrukt", &s.suppressed[b])?
        }
        Shown::Missing => {
            ws.write_string_with_format(row, col, "geen gegevens", &s.suppressed[b])?
        }
        Shown::Empty => ws.write_blank(row, col, &s.counts[b])?,
    };
    Ok(())
}

/// What a figure cell shows.
#[derive(Clone, Copy, Debug)]
enum Shown {
    Count(f64),
    Pct(f64),
    Suppressed,
    Missing,
    Empty,
}

/// What the export does with a row's `waarde`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Published {
    /// `F`
    Yes,
    /// `C`
    Suppressed,
    /// `M`: the partnership has no accepted submission in the window.
    Missing,
}

/// The one place that reads a row's small-count protection, so that the
/// feedback follows the export's `status` column.
fn published(row: &KpiRow) -> Published {
    match row.status {
        CellStatus::Published => Published::Yes,
        CellStatus::Primary | CellStatus::Secondary => Published::Suppressed,
        CellStatus::Missing => Published::Missing,
    }
}

/// The published `waarde` of an export row.
fn shown(row: &KpiRow) -> Shown {
    match published(row) {
        Published::Suppressed => Shown::Suppressed,
        Published::Missing => Shown::Missing,
        Published::Yes => match row.value {
            Value::Count(n) => Shown::Count(n as f64),
            Value::Pct(Some(q)) => Shown::Pct(fraction(q)),
            Value::Pct(None) => Shown::Empty,
        },
    }
}

/// The export's rounded percentage as a spreadsheet fraction.
fn fraction(q: crate::model::Ratio) -> f64 {
    q.tenths_of_percent() as f64 / 1000.0
}

/// The months from January of P's year (or the start month) to P (or the
/// end month) in which `p` is expected to submit.
pub fn expected_months(p: &Partnership, period: Month) -> Vec<Month> {
    let first = period.january().max(p.start);
    let last = p.end.map_or(period, |end| end.min(period));
    let mut months = Vec::new();
    let mut m = first;
    while m <= last {
        months.push(m);
        m = m.offset(1);
    }
    months
}

/// File names Windows reserves, whatever the extension.
const RESERVED: [&str; 22] = [
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// A file name for consortium `name`: lowercase ASCII letters and digits,
/// accents stripped, every other run of characters one `-`, no `-` at
/// either end, at most [`SLUG_MAX`] characters; `consortium` when nothing
/// is left, and names Windows reserves get a `consortium-` prefix.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in name.nfd().filter(|c| !is_combining_mark(*c)) {
        let mapped: &str = match c {
            'ß' => "ss",
            'æ' | 'Æ' => "ae",
            'œ' | 'Œ' => "oe",
            'ø' | 'Ø' => "o",
            'ł' | 'Ł' => "l",
            'đ' | 'Đ' | 'ð' | 'Ð' => "d",
            'þ' | 'Þ' => "th",
            'ı' => "i",
            _ => "",
        };
        let piece: String = if mapped.is_empty() {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase().to_string()
            } else {
                String::new()
            }
        } else {
            mapped.to_owned()
        };
        if piece.is_empty() {
            dash = true;
        } else {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push_str(&piece);
        }
        if out.len() >= SLUG_MAX {
            break;
        }
    }
    out.truncate(SLUG_MAX);
    let out = out.trim_end_matches('-').to_owned();
    if out.is_empty() {
        "consortium".to_owned()
    } else if RESERVED.contains(&out.as_str()) {
        format!("consortium-{out}")
    } else {
        out
    }
}

/// `slug`, or `slug-2`, `slug-3`… when taken.
fn unique(slug: String, taken: &HashSet<String>) -> String {
    if !taken.contains(&slug) {
        return slug;
    }
    // At most `taken.len() + 1` candidates can be needed.
    (2..=taken.len() + 2)
        .map(|n| format!("{slug}-{n}"))
        .find(|s| !taken.contains(s))
        .unwrap_or(slug)
}

/// Column widths (characters) of the Afgekeurd sheet.
const REJECT_WIDTHS: [u32; 7] = [32, 12, 7, 16, 14, 18, 60];

/// Lines `text` takes when wrapped in a column `width` characters wide
/// (an estimate: words are not split, so a little slack per line).
fn wrapped_lines(text: &str, width: u32) -> u32 {
    let usable = width.saturating_sub(2).max(1) as usize;
    let lines: usize = cut_text(text)
        .split('\n')
        .map(|part| part.chars().count().div_ceil(usable).max(1))
        .sum();
    u32::try_from(lines).unwrap_or(u32::MAX).max(1)
}

fn title_of(book: &Book<'_>) -> String {
    book.consortium.map_or_else(
        || "PPS'en zonder consortium".to_owned(),
        |c| format!("consortium {}", cut_chars(c, 200)),
    )
}

fn cut_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}

/// `sinds sep 2024`, `sep 2024 – mrt 2026`.
fn running(p: &Partnership) -> String {
    match p.end {
        Some(end) => format!("{} – {}", month_short(p.start), month_short(end)),
        None => format!("sinds {}", month_short(p.start)),
    }
}

fn text_width<'t>(texts: impl Iterator<Item = &'t str>, min: usize, max: usize) -> f64 {
    let longest = texts.map(|t| t.chars().count()).max().unwrap_or(0);
    (longest + 2).clamp(min, max) as f64
}

/// Fixed document properties; the creation time is the first day after
/// the period, as in the report.
fn properties(period: Month, book: &Book<'_>) -> Result<DocProperties, XlsxError> {
    let next = period.offset(1);
    let year = |m: Month| u16::try_from(m.year()).unwrap_or(9999);
    let created = ExcelDateTime::from_ymd(year(next), next.month() as u8, 1)
        .or_else(|_| ExcelDateTime::from_ymd(year(period), period.month() as u8, 1))?;
    Ok(DocProperties::new()
        .set_title(format!(
            "Terugkoppeling PPS-monitor {period}: {}",
            cut_chars(&title_of(book), 100)
        ))
        .set_subject("Afgekeurde regels, ontbrekende maanden en cijfers per consortium")
        .set_author("pps-monitor")
        .set_creation_datetime(&created))
}

const BAND: u32 = 0xDD_EB_F7;
const MUTED: u32 = 0x59_59_59;
const GOOD: (u32, u32) = (0xC6_EF_CE, 0x00_61_00);
const POOR: (u32, u32) = (0xFF_C7_CE, 0x9C_00_06);
const OUTSIDE: u32 = 0xF2_F2_F2;
const ALTERNATE: u32 = 0xF2_F2_F2;

#[derive(Debug)]
struct Styles {
    title: Format,
    section: Format,
    label: Format,
    text: Format,
    /// Data-cell texts by band: plain, consortium, alternate partnership.
    texts: [Format; 3],
    wrap: Format,
    note: Format,
    header: Format,
    header_num: Format,
    header_center: Format,
    count: Format,
    good: Format,
    bad: Format,
    outside: Format,
    counts: [Format; 3],
    pcts: [Format; 3],
    suppressed: [Format; 3],
}

impl Styles {
    fn new() -> Styles {
        let top = Format::new().set_align(FormatAlign::Top);
        let header = header_format();
        let fill = |(bg, fg): (u32, u32)| {
            top.clone()
                .set_background_color(bg)
                .set_font_color(fg)
                .set_align(FormatAlign::Center)
        };
        let band = |f: Format, b: usize| match b {
            1 => f.set_background_color(BAND),
            2 => f.set_background_color(ALTERNATE),
            _ => f,
        };
        Styles {
            title: Format::new()
                .set_bold()
                .set_font_size(15)
                .set_font_color(DARK_BLUE),
            section: Format::new()
                .set_bold()
                .set_font_size(12)
                .set_font_color(DARK_BLUE),
            label: top.clone().set_bold(),
            text: top.clone(),
            texts: [0, 1, 2].map(|b| {
                let f = band(top.clone(), b);
                if b == 1 { f.set_bold() } else { f }
            }),
            wrap: top.clone().set_text_wrap(),
            note: Format::new()
                .set_italic()
                .set_font_color(MUTED)
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            header_num: header.clone().set_align(FormatAlign::Right),
            header_center: header.clone().set_align(FormatAlign::Center),
            header,
            count: top.clone().set_num_format("#,##0"),
            good: fill(GOOD),
            bad: fill(POOR).set_bold(),
            outside: fill((OUTSIDE, MUTED)),
            counts: [0, 1, 2].map(|b| band(top.clone().set_num_format("#,##0"), b)),
            pcts: [0, 1, 2].map(|b| band(top.clone().set_num_format("0.0%"), b)),
            suppressed: [0, 1, 2].map(|b| {
                band(
                    top.clone()
                        .set_italic()
                        .set_font_color(MUTED)
                        .set_align(FormatAlign::Right),
                    b,
                )
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn partnership(id: &str, start: (i32, u32), end: Option<(i32, u32)>) -> Partnership {
        Partnership {
            pps_id: id.to_owned(),
            naam: id.to_owned(),
            consortium: None,
            gemeente: "GM0363".to_owned(),
            start: Month::new(start.0, start.1).unwrap(),
            end: end.map(|(y, m)| Month::new(y, m).unwrap()),
            sector: None,
        }
    }

    #[test]
    fn slugs_are_safe_file_names() {
        assert_eq!(slug("Zorg & Welzijn Noord"), "zorg-welzijn-noord");
        assert_eq!(slug("  Café Ëindhoven—Tech  "), "cafe-eindhoven-tech");
        assert_eq!(slug("../../etc/passwd"), "etc-passwd");
        assert_eq!(slug(".verborgen"), "verborgen");
        assert_eq!(slug("Straße Ærø"), "strasse-aero");
        assert_eq!(slug("!!!"), "consortium");
        assert_eq!(slug("Κόσμος"), "consortium");
        assert_eq!(slug("CON"), "consortium-con");
        let long = slug(&"abc def ".repeat(40));
        assert!(long.len() <= SLUG_MAX && !long.ends_with('-'), "{long}");
    }

    #[test]
    fn equal_slugs_are_numbered_in_order() {
        let mut taken = HashSet::from(["zorg".to_owned()]);
        let second = unique(slug("Zorg!"), &taken);
        assert_eq!(second, "zorg-2");
        taken.insert(second);
        assert_eq!(unique(slug("ZORG"), &taken), "zorg-3");
    }

    #[test]
    fn expected_months_respect_start_and_end() {
        let p = Month::new(2026, 10).unwrap();
        let months = |v: Vec<Month>| v.iter().map(ToString::to_string).collect::<Vec<_>>();
        let mid = partnership("A", (2026, 6), None);
        assert_eq!(
            months(expected_months(&mid, p)),
            ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]
        );
        let ended = partnership("B", (2024, 1), Some((2026, 3)));
        assert_eq!(
            months(expected_months(&ended, p)),
            ["2026-01", "2026-02", "2026-03"]
        );
        let gone = partnership("C", (2020, 1), Some((2025, 12)));
        assert!(expected_months(&gone, p).is_empty());
        let later = partnership("D", (2026, 11), None);
        assert!(expected_months(&later, p).is_empty());
    }
}
