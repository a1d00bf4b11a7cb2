//! One sheet per level (landsdeel … pps): every indicator of every region,
//! one row per region and indicator, the windows, target and growth side
//! by side; a filterable table with a frozen header.
//!
//! Written strictly row by row, so that the same code serves a worksheet
//! held in memory and one in rust_xlsxwriter's low-memory mode (the PPS
//! sheet, a row per partnership and indicator), which streams each row to
//! a temporary file once the next row is begun.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::{
    FIGURE_WIDTH, Figures, Kind, Line, ReportInput, Styles, figure_cells, figure_headers,
    figure_highlights, figure_legend, indicator_label, level_sheet_name, month_long, note_block,
    page_setup, suppression_note, text_width,
};
use crate::model::{Level, Window};

/// Columns before the figures.
const CODE: u16 = 0;
const NAAM: u16 = 1;
const INDICATOR: u16 = 2;
const FIRST_FIGURE: u16 = 3;
/// After the seven figures: which windows the export leaves empty.
const SUPPRESSED: u16 = FIRST_FIGURE + 7;

/// Rows above the table.
const HEADER_ROW: u32 = 3;

/// Fills `ws` (new and empty) with the sheet of `level`.
pub(super) fn sheet(
    input: &ReportInput<'_>,
    figures: &Figures<'_>,
    level: Level,
    mut ws: Worksheet,
) -> Result<Worksheet, XlsxError> {
    let styles = Styles::new();
    let period = input.period;
    let threshold = input.job.threshold;
    let name = level_sheet_name(level);
    ws.set_name(name)?;
    page_setup(&mut ws, period);

    let lines: Vec<_> = figures.of_level(level).collect();
    ws.set_column_width(CODE, text_width(lines.iter().map(|l| l.code), 8, 24))?;
    ws.set_column_width(NAAM, text_width(lines.iter().map(|l| l.naam), 16, 44))?;
    ws.set_column_width(INDICATOR, 22)?;
    ws.set_column_range_width(FIRST_FIGURE, SUPPRESSED - 1, FIGURE_WIDTH)?;
    ws.set_column_width(SUPPRESSED, 18)?;

    ws.write_string_with_format(
        0,
        0,
        format!("{name}: kerncijfers {}", month_long(period)),
        &styles.title,
    )?;
    note_block(
        &mut ws,
        1,
        (0, SUPPRESSED),
        &suppression_note(period, threshold),
        2,
    )?;
    note_block(
        &mut ws,
        2,
        (0, SUPPRESSED),
        &figure_legend(period, threshold),
        2,
    )?;

    let mut headers = vec!["Code".to_owned(), "Naam".to_owned(), "Indicator".to_owned()];
    headers.extend(figure_headers(period));
    headers.push("Onderdrukt in export".to_owned());
    for (c, header) in headers.iter().enumerate() {
        let c = c as u16;
        let format = if (FIRST_FIGURE..SUPPRESSED).contains(&c) {
            styles.header_num.clone()
        } else if c == SUPPRESSED {
            styles.header.clone().set_indent(1)
        } else {
            styles.header.clone()
        };
        ws.write_string_with_format(HEADER_ROW, c, header, &format)?;
    }
    ws.set_row_height(HEADER_ROW, 32)?;

    // One band per region: its rows share a light fill or none. Each row's
    // values are written first and its formats after, one call per run of
    // equal cells: the worksheet hashes every format it is given, and once
    // per cell that was most of the time this sheet took.
    let hidden_format =
        [false, true].map(|band| styles.cell(Kind::Text, band, false).clone().set_indent(1));
    let mut hidden = String::new();
    let mut row = HEADER_ROW;
    let regions = lines.chunk_by(|a, b| a.code == b.code);
    for (region, band) in regions.zip([false, true].into_iter().cycle()) {
        for line in region {
            row += 1;
            let cells = figure_cells(line);
            ws.write_string(row, CODE, line.code)?;
            ws.write_string(row, NAAM, line.naam)?;
            ws.write_string(row, INDICATOR, indicator_label(line.indicator))?;
            for (c, (value, _, _)) in (FIRST_FIGURE..).zip(&cells) {
                if let Some(v) = value {
                    ws.write_number(row, c, *v)?;
                }
            }
            hidden_windows(line, &mut hidden);
            if !hidden.is_empty() {
                ws.write_string(row, SUPPRESSED, hidden.as_str())?;
            }
            // Cells without a value get their format as a blank cell.
            ws.set_range_format(
                row,
                CODE,
                row,
                INDICATOR,
                styles.cell(Kind::Text, band, false),
            )?;
            let mut start = FIRST_FIGURE;
            for run in cells.chunk_by(|a, b| (a.1, a.2) == (b.1, b.2)) {
                let (_, kind, muted) = run[0];
                let end = start + run.len() as u16 - 1;
                ws.set_range_format(row, start, row, end, styles.cell(kind, band, muted))?;
                start = end + 1;
            }
            ws.set_range_format(
                row,
                SUPPRESSED,
                row,
                SUPPRESSED,
                &hidden_format[usize::from(band)],
            )?;
        }
    }
    if lines.is_empty() {
        ws.write_string_with_format(
            HEADER_ROW + 1,
            0,
            "Geen regio's op dit niveau: geen geldige PPS in het register hoort erbij.",
            &styles.note,
        )?;
    }
    let last = row.max(HEADER_ROW + 1);
    ws.autofilter(HEADER_ROW, 0, last, SUPPRESSED)?;
    ws.set_freeze_panes(HEADER_ROW + 1, FIRST_FIGURE)?;
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    figure_highlights(&mut ws, HEADER_ROW + 1, row, FIRST_FIGURE, period)?;
    Ok(ws)
}

/// Which windows of `line` the export leaves empty (`maand, groei jtd`),
/// into `out`.
fn hidden_windows(line: &Line<'_>, out: &mut String) {
    out.clear();
    for r in Window::ALL.into_iter().filter_map(|w| line.window(w)) {
        let what = if r.suppressed {
            ""
        } else if r.growth_hidden {
            "groei "
        } else {
            continue;
        };
        if !out.is_empty() {
            out.push_str(", ");
        }
        out.push_str(what);
        out.push_str(r.window.name());
    }
}
