//! The data-quality sheets, in Dutch:
//!
//! - *Aanleverstatus*: submission status per partnership and month of the
//!   current year, one table with a repeated header when printed.
//! - *Datakwaliteit*: one filterable list of findings: the rejected rows
//!   with their messages, the warnings, and the sheets and files that were
//!   not read (column `Soort`).
//! - *Verwerking*: row accounting per sheet that was read.
//!
//! Status of a (partnership, month): `ontvangen` when an accepted count
//! row exists; `afgekeurd` when none does but a rejected row names that
//! partnership and month; `ontbreekt` otherwise; `n.v.t.` before the
//! partnership's start month or after its end month.
//!
//! Every sheet prints landscape, one page wide and as many pages long as
//! it needs, with its table header repeated on every page; long texts wrap
//! within their column (the office suite sizes those rows), so no column
//! is wider than a printed page can show in a readable size.

use std::collections::HashSet;

use rust_xlsxwriter::{
    ConditionalFormatText, ConditionalFormatTextRule, ExcelDateTime, Format, FormatAlign,
    Worksheet, XlsxError,
};

use super::{
    ACCOUNTING_SHEET, FAIR, GOOD, Kind, MUTED, POOR, QUALITY_SHEET, ReportInput, STATUS_SHEET,
    Styles, cell_format, fit_row, header_height, month_long, page_setup,
};
use crate::ingest::FileStatus;
use crate::ingest::Provenance;
use crate::model::{DUTCH_MONTHS_SHORT, Month, Partnership};
use crate::validate::Validated;

const RECEIVED: &str = "ontvangen";
const MISSING: &str = "ontbreekt";
const REJECTED: &str = "afgekeurd";
const NOT_APPLICABLE: &str = "n.v.t.";

/// A month as a date cell shows it (`okt 2026`, Dutch month names).
const MONTH_FORMAT: &str = "[$-413]mmm yyyy";

/// Submission status of the valid partnerships over January..=P.
#[derive(Debug)]
pub struct Status<'a> {
    period: Month,
    months: Vec<Month>,
    partnerships: Vec<&'a Partnership>,
    received: HashSet<(&'a str, Month)>,
    rejected: HashSet<(&'a str, Month)>,
}

impl<'a> Status<'a> {
    pub fn new(validated: &'a Validated, period: Month) -> Status<'a> {
        let accepted = &validated.accepted;
        let mut partnerships: Vec<&Partnership> = accepted.partnerships.iter().collect();
        partnerships.sort_by(|a, b| a.pps_id.cmp(&b.pps_id));
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
            rejected: validated
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
    /// it, by pps_id: (pps_id, naam, `ontbreekt` or `afgekeurd`).
    pub fn not_received_in_period(&self) -> Vec<(&'a str, &'a str, &'static str)> {
        self.partnerships
            .iter()
            .filter_map(|p| match self.of(p, self.period) {
                state @ (MISSING | REJECTED) => Some((p.pps_id.as_str(), p.naam.as_str(), state)),
                _ => None,
            })
            .collect()
    }

    /// Partnerships that had to report on P.
    pub fn expected_in_period(&self) -> usize {
        self.partnerships
            .iter()
            .filter(|p| self.of(p, self.period) != NOT_APPLICABLE)
            .count()
    }
}

/// Widths of the status grid's columns A..F; the months follow.
const STATUS_WIDTHS: [f64; 6] = [32.0, 16.0, 10.0, 10.0, 11.0, 10.0];
const FIRST_MONTH: u16 = 6;
const MONTH_WIDTH: f64 = 10.0;
/// Row of the status grid's header.
const STATUS_HEADER: u32 = 3;

/// The *Aanleverstatus* sheet.
pub(super) fn status_sheet(input: &ReportInput<'_>) -> Result<Worksheet, XlsxError> {
    let styles = Styles::new();
    let period = input.results.period;
    let status = Status::new(input.results.validated, period);
    let mut ws = Worksheet::new();
    ws.set_name(STATUS_SHEET)?;
    page_setup(&mut ws, period);
    for (c, width) in (0..).zip(STATUS_WIDTHS) {
        ws.set_column_width(c, width)?;
    }
    let last_col = FIRST_MONTH + status.months.len() as u16 - 1;
    ws.set_column_range_width(FIRST_MONTH, last_col, MONTH_WIDTH)?;

    ws.write_string_with_format(
        0,
        0,
        format!("Aanleverstatus {} per PPS", period.year()),
        &styles.title,
    )?;
    ws.write_string_with_format(
        1,
        0,
        format!(
            "Maanden januari t/m {}. ontvangen = geaccepteerde rij; afgekeurd = alleen afgekeurde rij(en) voor die maand \
             (zie blad {QUALITY_SHEET}); ontbreekt = niets aangeleverd; n.v.t. = vóór de start of na het einde van de PPS.",
            month_long(period)
        ),
        &styles.note,
    )?;
    let headers = [
        "PPS",
        "Consortium",
        "Start",
        "Einde",
        "Ontvangen",
        "Verwacht",
    ];
    header(&mut ws, &styles, STATUS_HEADER, &headers, 4)?;
    let month_header = styles.header.clone().set_align(FormatAlign::Center);
    for (c, month) in (FIRST_MONTH..).zip(&status.months) {
        let label = DUTCH_MONTHS_SHORT[month.month() as usize - 1];
        ws.write_string_with_format(STATUS_HEADER, c, label, &month_header)?;
    }
    ws.set_row_height(STATUS_HEADER, header_height(1))?;

    // Values first, then the formats a column range at a time (text keeps
    // the default format): the worksheet hashes every format it is given.
    let date = Format::new()
        .set_num_format(MONTH_FORMAT)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::Top);
    let wrap = top(Kind::Text).set_text_wrap();
    let mut r = STATUS_HEADER;
    for p in &status.partnerships {
        r += 1;
        let name = format!("{}  {}", p.pps_id, p.naam);
        let consortium = p.consortium.as_deref().unwrap_or("");
        ws.write_string_with_format(r, 0, &name, &wrap)?;
        ws.write_string_with_format(r, 1, consortium, &wrap)?;
        fit_row(
            &mut ws,
            r,
            [
                (name.as_str(), STATUS_WIDTHS[0]),
                (consortium, STATUS_WIDTHS[1]),
            ],
        )?;
        for (c, month) in [(2, Some(p.start)), (3, p.end)] {
            if let Some(day) = month.and_then(first_day) {
                ws.write_datetime_with_format(r, c, &day, &date)?;
            }
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
    if r > STATUS_HEADER {
        let count = top(Kind::Count);
        ws.set_range_format(STATUS_HEADER + 1, 4, r, 5, &count)?;
        let center = top(Kind::Center);
        ws.set_range_format(STATUS_HEADER + 1, FIRST_MONTH, r, last_col, &center)?;
        ws.autofilter(STATUS_HEADER, 0, r, last_col)?;
        for (word, (bg, fg)) in [
            (RECEIVED, GOOD),
            (MISSING, FAIR),
            (REJECTED, POOR),
            (NOT_APPLICABLE, (0xF2_F2_F2, MUTED)),
        ] {
            let cf = ConditionalFormatText::new()
                .set_rule(ConditionalFormatTextRule::BeginsWith(word.to_owned()))
                .set_format(Format::new().set_background_color(bg).set_font_color(fg));
            ws.add_conditional_format(STATUS_HEADER + 1, FIRST_MONTH, r, last_col, &cf)?;
        }
    } else {
        ws.write_string_with_format(
            STATUS_HEADER + 1,
            0,
            "Geen geldige PPS in het register.",
            &styles.note,
        )?;
    }
    ws.set_freeze_panes(STATUS_HEADER + 1, 1)?;
    ws.set_repeat_rows(STATUS_HEADER, STATUS_HEADER)?;
    Ok(ws)
}

/// The first day of `month` as a date cell, if Excel can hold it.
fn first_day(month: Month) -> Option<ExcelDateTime> {
    let year = u16::try_from(month.year()).ok()?;
    ExcelDateTime::from_ymd(year, month.month() as u8, 1).ok()
}

/// Widths of the findings list: Soort, Bestand, Blad, Rij, Kolom, Waarde,
/// Regel, Melding.
const FINDING_WIDTHS: [f64; 8] = [14.0, 36.0, 14.0, 7.0, 16.0, 12.0, 20.0, 56.0];
/// Row of the findings list's header.
const FINDINGS_HEADER: u32 = 8;

/// What kind of finding a line of the list is.
const SOORT_REJECT: &str = "afgekeurd";
const SOORT_WARNING: &str = "waarschuwing";
const SOORT_IGNORED: &str = "genegeerd";

/// The *Datakwaliteit* sheet: the rejected rows, the warnings and what was
/// not read, as one list.
pub(super) fn findings_sheet(input: &ReportInput<'_>) -> Result<Worksheet, XlsxError> {
    let styles = Styles::new();
    let period = input.results.period;
    let mut ws = titled_sheet(
        QUALITY_SHEET,
        period,
        &FINDING_WIDTHS,
        format!("Datakwaliteit: {}", month_long(period)),
        "Wat is afgekeurd en waarom, waarschuwingen, en wat niet is gelezen. Afgekeurde rijen tellen nergens mee; \
         de PPS kan ze verbeteren en opnieuw aanleveren (zie ook rejects_<periode>.csv).",
        &styles,
    )?;

    let ignored = ignored(input);
    let validated = input.results.validated;
    let count = styles.cell(Kind::Count, false, false);
    let label = Format::new().set_indent(1);
    for (r, (n, what)) in (3..).zip([
        (
            validated.rejected_rows(),
            "afgekeurde rijen (of onleesbare bestanden)",
        ),
        (
            validated.rejects.len(),
            "meldingen daarover: één per overtreden regel (soort afgekeurd)",
        ),
        (
            validated.warnings.len(),
            "waarschuwingen (soort waarschuwing)",
        ),
        (
            ignored.len(),
            "genegeerde bladen en bestanden (soort genegeerd)",
        ),
    ]) {
        ws.write_number_with_format(r, 0, n as f64, count)?;
        ws.write_string_with_format(r, 1, what, &label)?;
    }

    let headers = [
        "Soort", "Bestand", "Blad", "Rij", "Kolom", "Waarde", "Regel", "Melding",
    ];
    header(&mut ws, &styles, FINDINGS_HEADER, &headers, usize::MAX)?;
    ws.set_row_height(FINDINGS_HEADER, header_height(1))?;
    let text = top(Kind::Text).set_text_wrap();
    let center = top(Kind::Center);
    let rule = top(Kind::Text).set_font_color(POOR.1);
    let mut r = FINDINGS_HEADER;
    let mut line = |ws: &mut Worksheet,
                    soort: &str,
                    (file, sheet, row): (String, String, Option<u32>),
                    column: &str,
                    value: &str,
                    regel: &str,
                    message: &str|
     -> Result<(), XlsxError> {
        r += 1;
        ws.write_string_with_format(r, 0, soort, &text)?;
        ws.write_string_with_format(r, 1, &file, &text)?;
        ws.write_string_with_format(r, 2, &sheet, &text)?;
        match row {
            Some(n) => ws.write_number_with_format(r, 3, f64::from(n), &center)?,
            None => ws.write_blank(r, 3, &center)?,
        };
        ws.write_string_with_format(r, 4, column, &text)?;
        ws.write_string_with_format(r, 5, value, &text)?;
        ws.write_string_with_format(r, 6, regel, &rule)?;
        ws.write_string_with_format(r, 7, message, &text)?;
        let w = FINDING_WIDTHS;
        fit_row(
            ws,
            r,
            [
                (file.as_str(), w[1]),
                (sheet.as_str(), w[2]),
                (column, w[4]),
                (value, w[5]),
                (message, w[7]),
            ],
        )?;
        Ok(())
    };
    for reject in &validated.rejects {
        line(
            &mut ws,
            SOORT_REJECT,
            location(&reject.at),
            &reject.column,
            &reject.value,
            reject.rule.code(),
            &reject.message,
        )?;
    }
    for warning in &validated.warnings {
        line(
            &mut ws,
            SOORT_WARNING,
            location(&warning.at),
            &warning.column,
            "",
            "",
            &warning.message,
        )?;
    }
    for (file, sheet, why) in &ignored {
        line(
            &mut ws,
            SOORT_IGNORED,
            ((*file).to_owned(), (*sheet).to_owned(), None),
            "",
            "",
            "",
            why,
        )?;
    }
    if r == FINDINGS_HEADER {
        ws.write_string_with_format(
            r + 1,
            0,
            "Niets afgekeurd, geen waarschuwingen, alles gelezen.",
            &styles.note,
        )?;
    } else {
        ws.autofilter(FINDINGS_HEADER, 0, r, 7)?;
    }
    ws.set_freeze_panes(FINDINGS_HEADER + 1, 0)?;
    ws.set_repeat_rows(FINDINGS_HEADER, FINDINGS_HEADER)?;
    Ok(ws)
}

/// Sheets without a recognised table, and files that were not read:
/// (file, sheet, reason).
fn ignored<'i>(input: &ReportInput<'i>) -> Vec<(&'i str, &'i str, String)> {
    let mut lines = Vec::new();
    for file in &input.results.ingested.files {
        for sheet in &file.sheets {
            if sheet.header.is_none() && !sheet.empty {
                lines.push((
                    file.path.as_str(),
                    sheet.name.as_str(),
                    "Geen kopregel van een register, streefwaarden of aanleveringen in de eerste 20 rijen."
                        .to_owned(),
                ));
            }
        }
        if file.sheets.is_empty() && file.status != FileStatus::Read {
            lines.push((
                file.path.as_str(),
                "",
                file_reason(file.status, file.message.as_deref()),
            ));
        }
    }
    lines
}

/// Widths of the accounting table: Bestand, Blad, Tabel and six counts.
const ACCOUNTING_WIDTHS: [f64; 9] = [50.0, 14.0, 15.0, 10.0, 14.0, 11.0, 9.0, 11.0, 8.0];
const ACCOUNTING_HEADER: u32 = 3;

/// The *Verwerking* sheet: row accounting per sheet that was read.
pub(super) fn accounting_sheet(input: &ReportInput<'_>) -> Result<Worksheet, XlsxError> {
    let styles = Styles::new();
    let period = input.results.period;
    let mut ws = titled_sheet(
        ACCOUNTING_SHEET,
        period,
        &ACCOUNTING_WIDTHS,
        format!("Verwerking per blad: {}", month_long(period)),
        "Per ingelezen blad: gelezen = geaccepteerd + afgekeurd + dubbel + na periode. Dubbel: dezelfde rij \
         met dezelfde waarden nog eens (één keer geteld). Na periode: maanden na de verslagperiode (niet gebruikt). \
         Leeg: lege rijen, niet meegeteld.",
        &styles,
    )?;
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
    header(&mut ws, &styles, ACCOUNTING_HEADER, &headers, 3)?;
    ws.set_row_height(ACCOUNTING_HEADER, header_height(1))?;
    let text = top(Kind::Text).set_text_wrap();
    let first = ACCOUNTING_HEADER + 1;
    let mut r = ACCOUNTING_HEADER;
    for (f, file) in input.results.ingested.files.iter().enumerate() {
        if file.status != FileStatus::Read {
            continue;
        }
        for (s, sheet) in file.sheets.iter().enumerate() {
            // Sheets without a table are listed as `genegeerd` on the
            // findings sheet.
            let Some(table) = sheet.table().filter(|_| !sheet.empty) else {
                continue;
            };
            r += 1;
            let counts = input
                .results
                .validated
                .accounting
                .get(f)
                .and_then(|c| c.get(s))
                .copied()
                .unwrap_or_default();
            ws.write_string_with_format(r, 0, &file.path, &text)?;
            ws.write_string_with_format(r, 1, &sheet.name, &text)?;
            ws.write_string_with_format(r, 2, table.label(), &text)?;
            fit_row(
                &mut ws,
                r,
                [
                    (file.path.as_str(), ACCOUNTING_WIDTHS[0]),
                    (sheet.name.as_str(), ACCOUNTING_WIDTHS[1]),
                ],
            )?;
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
    // The counts' format for all rows at once (see `status_sheet`).
    if r >= first {
        ws.set_range_format(first, 3, r, 8, &top(Kind::Count))?;
        ws.autofilter(ACCOUNTING_HEADER, 0, r, 8)?;
    } else {
        ws.write_string_with_format(first, 0, "Geen blad met een tabel gelezen.", &styles.note)?;
    }
    ws.set_freeze_panes(first, 0)?;
    ws.set_repeat_rows(ACCOUNTING_HEADER, ACCOUNTING_HEADER)?;
    Ok(ws)
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

/// The format of list cells: top-aligned, since texts may wrap.
fn top(kind: Kind) -> Format {
    cell_format(kind, false, false).set_align(FormatAlign::Top)
}

/// Where a finding is, as file, sheet and row text.
fn location(at: &Provenance) -> (String, String, Option<u32>) {
    (
        at.path().to_owned(),
        at.sheet_name().to_owned(),
        at.row_number(),
    )
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

/// A sheet of this part of the report: named, set up for print, its column
/// widths, a title in A1 and a note on how to read it in A2.
fn titled_sheet(
    name: &str,
    period: Month,
    widths: &[f64],
    title: String,
    note: &str,
    styles: &Styles,
) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(name)?;
    page_setup(&mut ws, period);
    for (c, &width) in (0..).zip(widths) {
        ws.set_column_width(c, width)?;
    }
    ws.write_string_with_format(0, 0, title, &styles.title)?;
    ws.write_string_with_format(1, 0, note, &styles.note)?;
    Ok(ws)
}
