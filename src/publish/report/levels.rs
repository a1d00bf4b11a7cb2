//! One sheet per level (landsdeel … pps): every indicator of every region,
//! one row per region and indicator, the windows, target and growth side
//! by side; a filterable table with a frozen header.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::{
    FIGURE_WIDTH, Figures, Kind, ReportInput, Styles, cell_format, figure_headers,
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

pub(super) fn sheet(
    input: &ReportInput<'_>,
    figures: &Figures<'_>,
    level: Level,
) -> Result<Worksheet, XlsxError> {
    let styles = Styles::new();
    let period = input.period;
    let threshold = input.job.threshold;
    let name = level_sheet_name(level);
    let mut ws = Worksheet::new();
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

    let mut row = HEADER_ROW;
    let mut band = true;
    let mut previous: Option<&str> = None;
    for line in &lines {
        row += 1;
        if previous != Some(line.code) {
            band = !band;
            previous = Some(line.code);
        }
        let text = cell_format(Kind::Text, band, false);
        ws.write_string_with_format(row, CODE, line.code, &text)?;
        ws.write_string_with_format(row, NAAM, line.naam, &text)?;
        ws.write_string_with_format(row, INDICATOR, indicator_label(line.indicator), &text)?;
        super::write_figures(&mut ws, row, FIRST_FIGURE, line, band)?;
        let hidden: Vec<String> = Window::ALL
            .into_iter()
            .filter_map(|w| line.window(w))
            .filter_map(|r| {
                if r.suppressed {
                    Some(r.window.name().to_owned())
                } else if r.growth_hidden {
                    Some(format!("groei {}", r.window.name()))
                } else {
                    None
                }
            })
            .collect();
        ws.write_string_with_format(row, SUPPRESSED, hidden.join(", "), &text.set_indent(1))?;
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
