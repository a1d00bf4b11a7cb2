//! The *Datakwaliteit* sheet: submission status per partnership and month
//! of the current year, processing per sheet, the rejected rows with their
//! messages, the warnings, and the sheets and files that were not read.
//!
//! Status of a (partnership, month): `ontvangen` when an accepted count
//! row exists; `afgekeurd` when none does but a rejected row names that
//! partnership and month; `ontbreekt` otherwise; `n.v.t.` before the
//! partnership's start month or after its end month.

use std::collections::HashSet;

use rust_xlsxwriter::{
    ConditionalFormatText, ConditionalFormatTextRule, Format, FormatAlign, Worksheet, XlsxError,
};

use super::{
    FAIR, GOOD, Kind, MUTED, POOR, QUALITY_SHEET, ReportInput, Styles, cell_format, month_long,
    page_setup,
};
use crate::ingest::FileStatus;
use crate::model::{Month, Partnership};
use crate::validate::Place;

const RECEIVED: &str = "ontvangen";
const MISSING: &str = "ontbreekt";
const REJECTED: &str = "afgekeurd";
const NOT_APPLICABLE: &str = "n.v.t.";

/// Column widths of B..F, shared by all sections of the sheet (sheet
/// names and consortia in B, row numbers and start months in C, ...);
/// column A (file paths, partnerships) is sized to its content.
const WIDTHS: [f64; 5] = [24.0, 9.0, 16.0, 12.0, 18.0];
/// The month columns of the status grid start here (after A..F); messages
/// are wrapped in cells merged over the twelve month columns.
const FIRST_MONTH: u16 = 6;
const LAST_MONTH: u16 = FIRST_MONTH + 11;
const MONTH_WIDTH: f64 = 10.0;
/// Characters of a message that fit on one line of the merged cells.
const MESSAGE_LINE: usize = 150;

/// Submission status of the valid partnerships over January..=P.
pub(super) struct Status<'a> {
    period: Month,
    months: Vec<Month>,
    partnerships: Vec<&'a Partnership>,
    received: HashSet<(&'a str, Month)>,
    rejected: HashSet<(&'a str, Month)>,
}

impl<'a> Status<'a> {
    pub(super) fn new(input: &ReportInput<'a>) -> Status<'a> {
        let accepted = &input.validated.accepted;
        let mut partnerships: Vec<&Partnership> = accepted.partnerships.iter().collect();
        partnerships.sort_by(|a, b| a.pps_id.cmp(&b.pps_id));
        let period = input.period;
        let months = (0..period.month() as i32)
            .map(|i| period.january().offset(i))
            .collect();
        // Only January..=P is ever looked up.
        let shown = |month: Month| period.january() <= month && month <= period;
        Status {
            period,
            months,
            partnerships,
            received: accepted
                .counts
                .iter()
                .filter(|c| shown(c.month))
                .map(|c| (c.pps_id.as_str(), c.month))
                .collect(),
            rejected: input
                .validated
                .rejects
                .iter()
                .filter_map(|r| Some((r.pps_id.as_deref()?, r.month?)))
                .filter(|(_, month)| shown(*month))
                .collect(),
        }
    }

    fn of(&self, p: &Partnership, month: Month) -> &'static str {
        if month < p.start || p.end.is_some_and(|end| month > end) {
            NOT_APPLICABLE
        } else if self.received.contains(&(p.pps_id.as_str(), month)) {
            RECEIVED
        } else if self.rejected.contains(&(p.pps_id.as_str(), month)) {
            REJECTED
        } else {
            MISSING
        }
    }

    /// Partnerships that had to report on P and have no accepted row for
    /// it: (pps_id, naam, status).
    pub(super) fn not_received_in_period(&self) -> Vec<(&'a str, &'a str, &'static str)> {
        self.partnerships
            .iter()
            .filter_map(|p| match self.of(p, self.period) {
                MISSING | REJECTED => {
                    Some((p.pps_id.as_str(), p.naam.as_str(), self.of(p, self.period)))
                }
                _ => None,
            })
            .collect()
    }

    /// Partnerships that had to report on P.
    pub(super) fn expected_in_period(&self) -> usize {
        self.partnerships
            .iter()
            .filter(|p| self.of(p, self.period) != NOT_APPLICABLE)
            .count()
    }
}

pub(super) fn sheet(input: &ReportInput<'_>) -> Result<Worksheet, XlsxError> {
    let styles = Styles::new();
    let period = input.period;
    let mut ws = Worksheet::new();
    ws.set_name(QUALITY_SHEET)?;
    page_setup(&mut ws, period);
    let names = input
        .ingested
        .files
        .iter()
        .map(|f| f.path.chars().count())
        .chain(
            input
                .validated
                .accepted
                .partnerships
                .iter()
                .map(|p| p.pps_id.chars().count() + p.naam.chars().count() + 2),
        )
        .max()
        .unwrap_or(0);
    ws.set_column_width(0, (names + 2).clamp(30, 80) as f64)?;
    for (c, width) in WIDTHS.iter().enumerate() {
        ws.set_column_width(1 + c as u16, *width)?;
    }
    ws.set_column_range_width(FIRST_MONTH, LAST_MONTH, MONTH_WIDTH)?;

    ws.write_string_with_format(
        0,
        0,
        format!("Datakwaliteit: {}", month_long(period)),
        &styles.title,
    )?;
    ws.write_string_with_format(
        1,
        0,
        "Wat er is aangeleverd, wat is afgekeurd en waarom. Afgekeurde rijen tellen nergens mee; \
         de PPS kan ze verbeteren en opnieuw aanleveren (zie ook rejects_<periode>.csv).",
        &styles.note,
    )?;

    // What needs action first; the per-sheet bookkeeping last.
    let mut row = status_grid(&mut ws, input, &styles, 3)?;
    row = rejects(&mut ws, input, &styles, row + 2)?;
    row = warnings(&mut ws, input, &styles, row + 2)?;
    row = ignored(&mut ws, input, &styles, row + 2)?;
    accounting(&mut ws, input, &styles, row + 2)?;
    ws.set_freeze_panes(0, 1)?;
    Ok(ws)
}

/// A section title with a rule under it over `columns` columns.
fn section(
    ws: &mut Worksheet,
    styles: &Styles,
    row: u32,
    title: &str,
    columns: u16,
) -> Result<(), XlsxError> {
    ws.write_string_with_format(row, 0, title, &styles.section)?;
    for c in 1..columns {
        ws.write_blank(row, c, &styles.section)?;
    }
    Ok(())
}

/// A header row; columns from `numbers` on hold numbers (right-aligned).
fn header(
    ws: &mut Worksheet,
    styles: &Styles,
    row: u32,
    headers: &[&str],
    numbers: usize,
) -> Result<(), XlsxError> {
    for (c, h) in headers.iter().enumerate() {
        let format = if c >= numbers {
            &styles.header_num
        } else {
            &styles.header
        };
        ws.write_string_with_format(row, c as u16, *h, format)?;
    }
    Ok(())
}

/// The format of list cells: top-aligned, since messages may wrap.
fn top(kind: Kind) -> Format {
    cell_format(kind, false, false).set_align(FormatAlign::Top)
}

/// A message wrapped in the cells `first..=LAST_MONTH` of `row`, the row
/// made tall enough for it (Excel does not size merged cells itself).
fn message(ws: &mut Worksheet, row: u32, first: u16, text: &str) -> Result<(), XlsxError> {
    let format = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let per_line = MESSAGE_LINE * usize::from(LAST_MONTH - first + 1) / 12;
    let lines = text.chars().count().div_ceil(per_line.max(1)).max(1);
    if first == LAST_MONTH {
        ws.write_string_with_format(row, first, text, &format)?;
    } else {
        ws.merge_range(row, first, row, LAST_MONTH, text, &format)?;
    }
    if lines > 1 {
        ws.set_row_height(row, 15.0 * lines as f64 + 1.0)?;
    }
    Ok(())
}

/// Where a finding is, as file, sheet and row text.
fn location(input: &ReportInput<'_>, place: Place) -> (String, String, Option<u32>) {
    let file = &input.ingested.files[place.file];
    let sheet = place
        .sheet
        .and_then(|s| file.sheets.get(s))
        .map(|s| s.name.clone())
        .unwrap_or_default();
    (file.path.clone(), sheet, place.row)
}

/// The status grid; returns its last row.
fn status_grid(
    ws: &mut Worksheet,
    input: &ReportInput<'_>,
    styles: &Styles,
    row: u32,
) -> Result<u32, XlsxError> {
    let status = Status::new(input);
    let last_col = FIRST_MONTH + status.months.len() as u16 - 1;
    section(
        ws,
        styles,
        row,
        &format!("Aanleverstatus {} per PPS", input.period.year()),
        last_col + 1,
    )?;
    ws.write_string_with_format(
        row + 1,
        0,
        "ontvangen = geaccepteerde rij; afgekeurd = alleen afgekeurde rij(en) voor die maand; \
         ontbreekt = niets aangeleverd; n.v.t. = vóór de start of na het einde van de PPS.",
        &styles.note,
    )?;
    let header_row = row + 2;
    let headers = [
        "PPS",
        "Consortium",
        "Start",
        "Einde",
        "Ontvangen",
        "Verwacht",
    ];
    let labels: Vec<String> = status
        .months
        .iter()
        .map(|m| crate::model::DUTCH_MONTHS_SHORT[m.month() as usize - 1].to_owned())
        .collect();
    header(ws, styles, header_row, &headers, 4)?;
    let month_header = styles.header.clone().set_align(FormatAlign::Center);
    for (i, label) in labels.iter().enumerate() {
        ws.write_string_with_format(header_row, FIRST_MONTH + i as u16, label, &month_header)?;
    }

    // Values first, then the formats a column range at a time (text keeps
    // the default format): the worksheet hashes every format it is given.
    let mut r = header_row;
    for p in &status.partnerships {
        r += 1;
        ws.write_string(r, 0, format!("{}  {}", p.pps_id, p.naam))?;
        ws.write_string(r, 1, p.consortium.as_deref().unwrap_or(""))?;
        ws.write_string(r, 2, p.start.to_string())?;
        if let Some(end) = p.end {
            ws.write_string(r, 3, end.to_string())?;
        }
        let mut received = 0;
        let mut expected = 0;
        for (c, month) in (FIRST_MONTH..).zip(&status.months) {
            let state = status.of(p, *month);
            received += usize::from(state == RECEIVED);
            expected += usize::from(state != NOT_APPLICABLE);
            ws.write_string(r, c, state)?;
        }
        ws.write_number(r, 4, received as f64)?;
        ws.write_number(r, 5, expected as f64)?;
    }
    if r > header_row {
        let center = styles.cell(Kind::Center, false, false);
        ws.set_range_format(header_row + 1, 2, r, 3, center)?;
        ws.set_range_format(
            header_row + 1,
            4,
            r,
            5,
            styles.cell(Kind::Count, false, false),
        )?;
        ws.set_range_format(header_row + 1, FIRST_MONTH, r, last_col, center)?;
    }
    if status.partnerships.is_empty() {
        r += 1;
        ws.write_string_with_format(r, 0, "Geen geldige PPS in het register.", &styles.note)?;
    } else {
        ws.autofilter(header_row, 0, r, last_col)?;
        for (word, (bg, fg)) in [
            (RECEIVED, GOOD),
            (MISSING, FAIR),
            (REJECTED, POOR),
            (NOT_APPLICABLE, (0xF2_F2_F2, MUTED)),
        ] {
            let cf = ConditionalFormatText::new()
                .set_rule(ConditionalFormatTextRule::BeginsWith(word.to_owned()))
                .set_format(Format::new().set_background_color(bg).set_font_color(fg));
            ws.add_conditional_format(header_row + 1, FIRST_MONTH, r, last_col, &cf)?;
        }
    }
    Ok(r)
}

/// Row accounting per sheet; returns the last row.
fn accounting(
    ws: &mut Worksheet,
    input: &ReportInput<'_>,
    styles: &Styles,
    row: u32,
) -> Result<u32, XlsxError> {
    let headers = [
        "Bestand",
        "Blad",
        "Tabel",
        "Gelezen",
        "Geaccepteerd",
        "Afgekeurd",
        "Dubbel",
        "Na periode",
        "Leeg",
    ];
    section(ws, styles, row, "Verwerking per blad", headers.len() as u16)?;
    header(ws, styles, row + 1, &headers, 3)?;
    let first = row + 2;
    let mut r = row + 1;
    for (f, file) in input.ingested.files.iter().enumerate() {
        if file.status != FileStatus::Read {
            continue;
        }
        for (s, sheet) in file.sheets.iter().enumerate() {
            // Sheets without a table are listed under "Genegeerde bladen".
            if sheet.empty || sheet.header.is_none() {
                continue;
            }
            r += 1;
            let counts = input
                .validated
                .accounting
                .get(f)
                .and_then(|c| c.get(s))
                .copied()
                .unwrap_or_default();
            ws.write_string(r, 0, &file.path)?;
            ws.write_string(r, 1, &sheet.name)?;
            ws.write_string(r, 2, sheet.table().map_or("", |t| t.name()))?;
            for (c, n) in (3..).zip([
                counts.read,
                counts.accepted,
                counts.rejected,
                counts.duplicates,
                counts.later,
                counts.blank,
            ]) {
                ws.write_number(r, c, n as f64)?;
            }
        }
    }
    // The counts' format for all rows at once (see `status_grid`).
    if r >= first {
        ws.set_range_format(first, 3, r, 8, styles.cell(Kind::Count, false, false))?;
    }
    Ok(r)
}

/// The rejected rows, one line per broken rule; returns the last row.
fn rejects(
    ws: &mut Worksheet,
    input: &ReportInput<'_>,
    styles: &Styles,
    row: u32,
) -> Result<u32, XlsxError> {
    let all = &input.validated.rejects;
    section(
        ws,
        styles,
        row,
        &format!(
            "Afgekeurde rijen ({} rijen, {} meldingen)",
            input.validated.rejected_rows(),
            all.len()
        ),
        LAST_MONTH + 1,
    )?;
    let headers = ["Bestand", "Blad", "Rij", "Kolom", "Waarde", "Regel"];
    header(ws, styles, row + 1, &headers, usize::MAX)?;
    ws.merge_range(
        row + 1,
        FIRST_MONTH,
        row + 1,
        LAST_MONTH,
        "Melding",
        &styles.header,
    )?;
    let text = top(Kind::Text);
    let center = top(Kind::Center);
    let rule = top(Kind::Text).set_font_color(POOR.1);
    let mut r = row + 1;
    for reject in all {
        r += 1;
        let (file, sheet, line) = location(input, reject.place);
        ws.write_string_with_format(r, 0, file, &text)?;
        ws.write_string_with_format(r, 1, sheet, &text)?;
        match line {
            Some(n) => ws.write_number_with_format(r, 2, f64::from(n), &center)?,
            None => ws.write_blank(r, 2, &center)?,
        };
        ws.write_string_with_format(r, 3, &reject.column, &text)?;
        ws.write_string_with_format(r, 4, &reject.value, &text)?;
        ws.write_string_with_format(r, 5, reject.rule.to_string(), &rule)?;
        message(ws, r, FIRST_MONTH, &reject.message)?;
    }
    if all.is_empty() {
        r += 1;
        ws.write_string_with_format(r, 0, "Geen afgekeurde rijen.", &styles.note)?;
    }
    Ok(r)
}

/// The warnings; returns the last row.
fn warnings(
    ws: &mut Worksheet,
    input: &ReportInput<'_>,
    styles: &Styles,
    row: u32,
) -> Result<u32, XlsxError> {
    let all = &input.validated.warnings;
    section(
        ws,
        styles,
        row,
        &format!("Waarschuwingen ({})", all.len()),
        LAST_MONTH + 1,
    )?;
    header(
        ws,
        styles,
        row + 1,
        &["Bestand", "Blad", "Rij", "Kolom"],
        usize::MAX,
    )?;
    ws.merge_range(row + 1, 4, row + 1, LAST_MONTH, "Melding", &styles.header)?;
    let text = top(Kind::Text);
    let center = top(Kind::Center);
    let mut r = row + 1;
    for warning in all {
        r += 1;
        let (file, sheet, line) = location(input, warning.place);
        ws.write_string_with_format(r, 0, file, &text)?;
        ws.write_string_with_format(r, 1, sheet, &text)?;
        match line {
            Some(n) => ws.write_number_with_format(r, 2, f64::from(n), &center)?,
            None => ws.write_blank(r, 2, &center)?,
        };
        ws.write_string_with_format(r, 3, &warning.column, &text)?;
        message(ws, r, 4, &warning.message)?;
    }
    if all.is_empty() {
        r += 1;
        ws.write_string_with_format(r, 0, "Geen waarschuwingen.", &styles.note)?;
    }
    Ok(r)
}

/// Sheets without a recognised table, and files that were not read.
fn ignored(
    ws: &mut Worksheet,
    input: &ReportInput<'_>,
    styles: &Styles,
    row: u32,
) -> Result<u32, XlsxError> {
    let mut lines: Vec<(&str, &str, String)> = Vec::new();
    for file in &input.ingested.files {
        for sheet in &file.sheets {
            if sheet.header.is_none() && !sheet.empty {
                lines.push((
                    &file.path,
                    &sheet.name,
                    "Geen kopregel van een register, streefwaarden of maandaantallen in de eerste 20 rijen."
                        .to_owned(),
                ));
            }
        }
        if file.sheets.is_empty() && file.status != FileStatus::Read {
            lines.push((
                &file.path,
                "",
                file_reason(file.status, file.message.as_deref()),
            ));
        }
    }
    section(
        ws,
        styles,
        row,
        &format!("Genegeerde bladen en bestanden ({})", lines.len()),
        LAST_MONTH + 1,
    )?;
    header(ws, styles, row + 1, &["Bestand", "Blad"], usize::MAX)?;
    ws.merge_range(row + 1, 2, row + 1, LAST_MONTH, "Reden", &styles.header)?;
    let text = top(Kind::Text);
    let mut r = row + 1;
    for (file, sheet, why) in &lines {
        r += 1;
        ws.write_string_with_format(r, 0, *file, &text)?;
        ws.write_string_with_format(r, 1, *sheet, &text)?;
        message(ws, r, 2, why)?;
    }
    if lines.is_empty() {
        r += 1;
        ws.write_string_with_format(r, 0, "Alle bladen en bestanden zijn gelezen.", &styles.note)?;
    }
    Ok(r)
}

/// Why a whole file was not read, in Dutch (the manifest keeps the
/// original English reason).
fn file_reason(status: FileStatus, message: Option<&str>) -> String {
    let message = message.unwrap_or_default();
    match status {
        FileStatus::Unreadable => {
            format!("Onleesbaar (zie afgekeurde rijen, regel unreadable_file): {message}")
        }
        _ if message.starts_with("lock") => {
            "Vergrendelbestand van Excel of verborgen bestand: overgeslagen.".to_owned()
        }
        _ if message.starts_with("not a spreadsheet") => {
            "Geen spreadsheet (.xlsx, .xlsm, .xls, .ods, .csv): overgeslagen.".to_owned()
        }
        _ => format!("Niet gelezen: {message}"),
    }
}
