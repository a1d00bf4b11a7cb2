//! The *Samenvatting* sheet: the period, the national headline figures
//! with targets and growth, data quality in brief, and what the other
//! sheets hold.

use rust_xlsxwriter::{Format, FormatAlign, Worksheet, XlsxError};

use super::{ACCOUNTING_SHEET, QUALITY_SHEET, STATUS_SHEET, SUMMARY_SHEET, TRENDS_SHEET, quality};
use super::{
    FIGURE_COUNT, FIGURE_WIDTH, Figures, Kind, ReportInput, Styles, figure_headers,
    figure_highlights, figure_legend, header_height, header_lines, level_sheet_name, month_long,
    month_short, note_block, page_setup, report_levels, suppression_note, write_figures,
    year_to_date,
};

/// Partnerships without an accepted submission named in the summary.
const NAMED: usize = 10;

/// The last column of the headline table (the figures start in B).
const LAST: u16 = FIGURE_COUNT as u16;
use crate::ingest::FileStatus;
use crate::model::{Indicator, Level};

/// The national headline rows: label, indicator, sub-row (indented).
const HEADLINE: [(&str, Indicator, bool); 11] = [
    ("Deelnemers", Indicator::Deelnemers, false),
    ("Studenten (bol + bbl)", Indicator::Studenten, false),
    ("waarvan bol", Indicator::StudentenBol, true),
    ("waarvan bbl", Indicator::StudentenBbl, true),
    ("Werkenden", Indicator::Werkenden, false),
    ("Werkzoekenden", Indicator::Werkzoekenden, false),
    ("Bedrijven (stand)", Indicator::Bedrijven, false),
    ("waarvan mkb", Indicator::BedrijvenMkb, true),
    ("Mkb-aandeel", Indicator::MkbAandeelPct, false),
    ("PPS actief", Indicator::PpsActief, false),
    ("Aanlevering", Indicator::AanleveringPct, false),
];

/// The label of a national headline row, as shown in column A.
pub fn headline_label(indicator: Indicator) -> Option<&'static str> {
    HEADLINE
        .iter()
        .find(|(_, i, _)| *i == indicator)
        .map(|(label, _, _)| *label)
}

pub(super) fn sheet(
    input: &ReportInput<'_>,
    figures: &Figures<'_>,
) -> Result<Worksheet, XlsxError> {
    let styles = Styles::new();
    let period = input.results.period;
    let mut ws = Worksheet::new();
    ws.set_name(SUMMARY_SHEET)?;
    page_setup(&mut ws, period);
    ws.set_print_fit_to_pages(1, 1);
    ws.set_column_width(0, 34)?;
    ws.set_column_range_width(1, LAST, FIGURE_WIDTH)?;
    ws.set_column_width(LAST + 1, 2)?;

    ws.write_string_with_format(
        0,
        0,
        format!("PPS-monitor: rapportage {}", month_long(period)),
        &styles.title,
    )?;
    ws.write_string_with_format(
        1,
        0,
        format!(
            "Opschaling PPS in het mbo. Verslagperiode {period}: maand = {}, jaar tot nu = {}, cumulatief = alle maanden t/m {}.",
            month_short(period),
            year_to_date(period),
            month_short(period)
        ),
        &styles.note,
    )?;
    let boxed = Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter)
        .set_background_color(0xFF_F2_CC)
        .set_border(rust_xlsxwriter::FormatBorder::Thin)
        .set_border_color(0xBF_90_00);
    ws.merge_range(
        3,
        0,
        3,
        LAST,
        &suppression_note(period, input.results.job.threshold),
        &boxed,
    )?;
    ws.set_row_height(3, 36)?;

    // National headline figures.
    let mut row = 5;
    ws.write_string_with_format(row, 0, "Landelijke kerncijfers", &styles.section)?;
    for c in 1..=LAST {
        ws.write_blank(row, c, &styles.section)?;
    }
    row += 1;
    note_block(
        &mut ws,
        row,
        (0, LAST),
        &figure_legend(period, input.results.job.threshold),
        3,
    )?;
    row += 1;
    ws.write_string_with_format(row, 0, "Indicator", &styles.header)?;
    let headers = figure_headers(period);
    for (i, header) in headers.iter().enumerate() {
        ws.write_string_with_format(row, 1 + i as u16, header, &styles.header_num)?;
    }
    ws.set_row_height(
        row,
        header_height(header_lines(headers.iter().map(String::as_str))),
    )?;
    let header_row = row;
    for (label, indicator, sub) in HEADLINE {
        row += 1;
        let format = if sub {
            Format::new().set_indent(1).set_font_color(super::MUTED)
        } else {
            styles.label.clone()
        };
        ws.write_string_with_format(row, 0, label, &format)?;
        if let Some(line) = figures.find(Level::Nl, indicator) {
            write_figures(&mut ws, &styles, row, 1, line, false)?;
        }
    }
    figure_highlights(&mut ws, header_row + 1, row, 1, period)?;

    row += 2;
    row = data_quality(&mut ws, input, &styles, row)?;

    row += 2;
    ws.write_string_with_format(row, 0, "Inhoud van deze werkmap", &styles.section)?;
    for c in 1..=LAST {
        ws.write_blank(row, c, &styles.section)?;
    }
    let mut contents: Vec<(String, String)> =
        vec![(SUMMARY_SHEET.to_owned(), "dit overzicht".to_owned())];
    for level in report_levels(input.results.job) {
        contents.push((
            level_sheet_name(level).to_owned(),
            format!("alle indicatoren per {}, filterbaar", level_noun(level)),
        ));
    }
    contents.push((
        TRENDS_SHEET.to_owned(),
        "maandreeksen over 24 maanden met grafieken".to_owned(),
    ));
    contents.push((
        STATUS_SHEET.to_owned(),
        "aanleverstatus per PPS en maand".to_owned(),
    ));
    contents.push((
        QUALITY_SHEET.to_owned(),
        "afgekeurde rijen, waarschuwingen, genegeerde bladen en bestanden".to_owned(),
    ));
    contents.push((
        ACCOUNTING_SHEET.to_owned(),
        "rijen per ingelezen blad: gelezen, geaccepteerd, afgekeurd, dubbel".to_owned(),
    ));
    for (name, what) in contents {
        row += 1;
        ws.write_string_with_format(row, 0, name, &styles.label)?;
        ws.write_string(row, 1, what)?;
    }
    ws.set_selection(0, 0, 0, 0)?;
    Ok(ws)
}

fn level_noun(level: Level) -> &'static str {
    match level {
        Level::Nl => "land",
        Level::Landsdeel => "landsdeel",
        Level::Provincie => "provincie",
        Level::Arbeidsmarktregio => "arbeidsmarktregio",
        Level::Regiogroep => "regiogroep",
        Level::Consortium => "consortium",
        Level::Pps => "PPS",
    }
}

/// The data-quality block; returns the last row written.
fn data_quality(
    ws: &mut Worksheet,
    input: &ReportInput<'_>,
    styles: &Styles,
    mut row: u32,
) -> Result<u32, XlsxError> {
    let validated = input.results.validated;
    let ingested = input.results.ingested;
    let total = validated.total();
    let files = ingested.files.len();
    let unreadable = ingested.files_with(FileStatus::Unreadable);
    let not_read = ingested.files_with(FileStatus::Ignored);
    let sheets_ignored = ingested.sheets_ignored();
    let status = quality::Status::new(input.results.validated, input.results.period);
    let late = status.not_received_in_period();
    let expected = status.expected_in_period();

    ws.write_string_with_format(row, 0, "Datakwaliteit", &styles.section)?;
    for c in 1..=LAST {
        ws.write_blank(row, c, &styles.section)?;
    }
    let count = styles.cell(Kind::Count, false, false);
    let lines: [(&str, usize); 10] = [
        ("Rijen gelezen", total.read),
        ("geaccepteerd", total.accepted),
        (
            "afgekeurd (zie blad Datakwaliteit)",
            validated.rejected_rows(),
        ),
        ("dubbel aangeleverd (één keer geteld)", total.duplicates),
        ("na de verslagperiode (niet gebruikt)", total.later),
        ("Bestanden in de invoermap", files),
        ("onleesbaar", unreadable),
        ("niet gelezen (geen spreadsheet)", not_read),
        ("Bladen genegeerd", sheets_ignored),
        ("Waarschuwingen", validated.warnings.len()),
    ];
    for (label, n) in lines {
        row += 1;
        let format = if label.starts_with(char::is_uppercase) {
            styles.label.clone()
        } else {
            Format::new().set_indent(1)
        };
        ws.write_string_with_format(row, 0, label, &format)?;
        ws.write_number_with_format(row, 1, n as f64, count)?;
    }
    row += 1;
    ws.write_string_with_format(
        row,
        0,
        format!("PPS'en verwacht over {}", month_short(input.results.period)),
        &styles.label,
    )?;
    ws.write_number_with_format(row, 1, expected as f64, count)?;
    row += 1;
    ws.write_string_with_format(
        row,
        0,
        "zonder geaccepteerde aanlevering",
        &Format::new().set_indent(1),
    )?;
    ws.write_number_with_format(row, 1, late.len() as f64, count)?;
    // The first few by name; all of them are on the status sheet. The
    // summary is printed on one page, so it must not grow with the input.
    let muted = Format::new().set_indent(2).set_font_color(super::MUTED);
    for (id, naam, what) in late.iter().take(NAMED) {
        row += 1;
        ws.write_string_with_format(row, 0, format!("{id}  {naam} ({what})"), &muted)?;
    }
    if late.len() > NAMED {
        row += 1;
        ws.write_string_with_format(
            row,
            0,
            format!("… en de andere: zie blad {STATUS_SHEET}"),
            &muted,
        )?;
    }
    Ok(row)
}
