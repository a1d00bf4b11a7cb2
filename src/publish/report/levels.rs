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
    FIGURE_COUNT, FIGURE_WIDTH, Figures, Kind, Line, ReportInput, Styles, figure_cells,
    figure_headers, figure_highlights, figure_legend, header_height, header_lines, indicator_label,
    level_sheet_name, month_long, note_block, page_setup, suppression_note, text_width,
};
use crate::model::{CellStatus, Level, Window};

/// Where the columns of a level sheet are. A consortium's code is its
/// name, so the consortium sheet has no code column.
#[derive(Clone, Copy, Debug)]
struct Columns {
    code: Option<u16>,
    naam: u16,
    indicator: u16,
    first_figure: u16,
    /// After the figures: which windows the export leaves empty.
    suppressed: u16,
}

impl Columns {
    fn of(level: Level) -> Columns {
        let code = (level != Level::Consortium).then_some(0);
        let naam = code.map_or(0, |c| c + 1);
        let first_figure = naam + 2;
        Columns {
            code,
            naam,
            indicator: naam + 1,
            first_figure,
            suppressed: first_figure + FIGURE_COUNT as u16,
        }
    }
}

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
    let period = input.results.period;
    let threshold = input.results.job.threshold;
    let name = level_sheet_name(level);
    ws.set_name(name)?;
    page_setup(&mut ws, period);

    let lines: Vec<_> = figures.of_level(level).collect();
    let cols = Columns::of(level);
    let Columns {
        naam,
        indicator,
        first_figure: first,
        suppressed,
        ..
    } = cols;
    if let Some(code) = cols.code {
        ws.set_column_width(code, text_width(lines.iter().map(|l| l.code), 8, 24))?;
    }
    ws.set_column_width(naam, text_width(lines.iter().map(|l| l.naam), 16, 44))?;
    ws.set_column_width(indicator, 22)?;
    ws.set_column_range_width(first, suppressed - 1, FIGURE_WIDTH)?;
    ws.set_column_width(suppressed, 24)?;

    ws.write_string_with_format(
        0,
        0,
        format!("{name}: kerncijfers {}", month_long(period)),
        &styles.title,
    )?;
    note_block(
        &mut ws,
        1,
        (0, suppressed),
        &suppression_note(period, threshold),
        2,
    )?;
    note_block(
        &mut ws,
        2,
        (0, suppressed),
        &figure_legend(period, threshold),
        2,
    )?;

    let mut headers = Vec::new();
    if cols.code.is_some() {
        headers.push("Code".to_owned());
    }
    headers.extend(["Naam".to_owned(), "Indicator".to_owned()]);
    headers.extend(figure_headers(period));
    headers.push("Onderdrukt in export".to_owned());
    for (c, header) in headers.iter().enumerate() {
        let c = c as u16;
        let format = if (first..suppressed).contains(&c) {
            styles.header_num.clone()
        } else if c == suppressed {
            styles.header.clone().set_indent(1)
        } else {
            styles.header.clone()
        };
        ws.write_string_with_format(HEADER_ROW, c, header, &format)?;
    }
    ws.set_row_height(
        HEADER_ROW,
        header_height(header_lines(headers.iter().map(String::as_str))),
    )?;

    // One band per region: its rows share a light fill or none. Each row's
    // values are written first and its formats after, one call per run of
    // cells that can share a format: the worksheet hashes every format it
    // is given, and once per cell that was most of the time this sheet took.
    let hidden_format =
        [false, true].map(|band| styles.cell(Kind::Text, band, false).clone().set_indent(1));
    let mut hidden = String::new();
    let mut row = HEADER_ROW;
    let regions = lines.chunk_by(|a, b| a.code == b.code);
    for (region, band) in regions.zip([false, true].into_iter().cycle()) {
        for line in region {
            row += 1;
            let cells = figure_cells(line);
            if let Some(code) = cols.code {
                ws.write_string(row, code, line.code)?;
            }
            ws.write_string(row, naam, line.naam)?;
            ws.write_string(row, indicator, indicator_label(line.indicator))?;
            for (c, (value, _, _)) in (first..).zip(&cells) {
                if let Some(v) = value {
                    ws.write_number(row, c, *v)?;
                }
            }
            hidden_windows(line, &mut hidden);
            let mut looks = [Looks::PLAIN_TEXT; 3 + FIGURE_COUNT + 1];
            let looks = &mut looks[..=usize::from(suppressed)];
            for (look, (value, kind, muted)) in looks[usize::from(first)..].iter_mut().zip(cells) {
                *look = match value {
                    Some(_) => Looks::exactly(kind, muted),
                    None => Looks::ANY,
                };
            }
            // A written "hidden" cell has its own format (indented); a blank
            // one joins the figures' last run.
            let last = if hidden.is_empty() {
                looks[usize::from(suppressed)] = Looks::ANY;
                suppressed
            } else {
                ws.write_string_with_format(
                    row,
                    suppressed,
                    hidden.as_str(),
                    &hidden_format[usize::from(band)],
                )?;
                suppressed - 1
            };
            for (first, end, (kind, muted)) in format_runs(&looks[..=usize::from(last)], band) {
                ws.set_range_format(row, first, row, end, styles.cell(kind, band, muted))?;
            }
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
    ws.autofilter(HEADER_ROW, 0, last, suppressed)?;
    ws.set_freeze_panes(HEADER_ROW + 1, first)?;
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    figure_highlights(&mut ws, HEADER_ROW + 1, row, first, period)?;
    Ok(ws)
}

/// The data-cell formats (kind, muted; the band is the row's) under which
/// a cell looks the same, as a set: bit `kind * 2 + muted`. A blank cell
/// shows only its fill, so any format of its row's band will do; text shows
/// the same under every plain format but the centred one, whatever its
/// number format. Letting such cells share their neighbours' format gives
/// a row one to three runs to format instead of five or more.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Looks(u8);

impl Looks {
    const ANY: Looks = Looks(0xFF);
    const PLAIN_TEXT: Looks = Looks(
        Looks::exactly(Kind::Text, false).0
            | Looks::exactly(Kind::Count, false).0
            | Looks::exactly(Kind::Pct, false).0,
    );

    const fn exactly(kind: Kind, muted: bool) -> Looks {
        Looks(1 << (kind as u8 * 2 + muted as u8))
    }

    /// The first format in the set, as (kind, muted).
    fn pick(self) -> (Kind, bool) {
        let bit = self.0.trailing_zeros() as u8;
        let kind = [Kind::Text, Kind::Count, Kind::Pct, Kind::Center][usize::from(bit / 2)];
        (kind, bit % 2 == 1)
    }
}

/// Splits the cells of a row, left to right, into the fewest runs that can
/// each share one format: `(first column, last column, format)`. On a row
/// without `fill`, a blank cell looks the same without any format, so the
/// runs leave out the blanks at their ends (fewer cells to write).
fn format_runs(looks: &[Looks], fill: bool) -> Vec<(u16, u16, (Kind, bool))> {
    let mut runs = Vec::new();
    let mut push = |first: usize, last: usize, common: Looks| {
        let cells = &looks[first..=last];
        let (first, last) = if fill {
            (first, last)
        } else {
            match (
                cells.iter().position(|l| *l != Looks::ANY),
                cells.iter().rposition(|l| *l != Looks::ANY),
            ) {
                (Some(a), Some(b)) => (first + a, first + b),
                _ => return,
            }
        };
        runs.push((first as u16, last as u16, common.pick()));
    };
    let mut start = 0;
    let mut common = Looks::ANY;
    for (c, look) in looks.iter().enumerate() {
        let both = Looks(common.0 & look.0);
        if both.0 == 0 {
            push(start, c - 1, common);
            start = c;
            common = *look;
        } else {
            common = both;
        }
    }
    if !looks.is_empty() {
        push(start, looks.len() - 1, common);
    }
    runs
}

/// Which windows of `line` the export leaves empty and why (`maand
/// primair, jtd secundair, groei jtd`), into `out`: primary is a small
/// count, secondary a cell hidden to protect one.
fn hidden_windows(line: &Line<'_>, out: &mut String) {
    out.clear();
    for r in Window::ALL.into_iter().filter_map(|w| line.window(w)) {
        let mut note = |what: &str, why: &str| {
            if !out.is_empty() {
                out.push_str(", ");
            }
            out.push_str(what);
            out.push_str(r.window.name());
            out.push_str(why);
        };
        match r.status {
            CellStatus::Primary => note("", " primair"),
            CellStatus::Secondary => note("", " secundair"),
            CellStatus::Published => {
                if r.growth_hidden {
                    note("groei ", "");
                }
                if r.realisation_hidden {
                    note("realisatie ", "");
                }
            }
            CellStatus::Missing => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_look_alike_share_a_format_run() {
        let text = Looks::PLAIN_TEXT;
        let count = Looks::exactly(Kind::Count, false);
        let pct = Looks::exactly(Kind::Pct, false);
        let muted = Looks::exactly(Kind::Pct, true);
        let blank = Looks::ANY;
        // A count row: the text takes the count format, the blank last
        // cell the percentage format.
        assert_eq!(
            format_runs(&[text, text, count, count, pct, blank], true),
            vec![(0, 3, (Kind::Count, false)), (4, 5, (Kind::Pct, false))]
        );
        // A percentage row with a blank target: one run.
        assert_eq!(
            format_runs(&[text, pct, blank, pct], true),
            vec![(0, 3, (Kind::Pct, false))]
        );
        // Muted figures keep their own format; text never turns grey.
        assert_eq!(
            format_runs(&[text, muted, blank], true),
            vec![(0, 0, (Kind::Text, false)), (1, 2, (Kind::Pct, true))]
        );
        // Nothing but blanks and text: plain text.
        assert_eq!(
            format_runs(&[text, blank], true),
            vec![(0, 1, (Kind::Text, false))]
        );
        // Without fill, blanks at the ends of a run are left out, blanks
        // within one kept (one format call instead of two).
        assert_eq!(
            format_runs(&[text, count, blank, blank, pct, blank], false),
            vec![(0, 1, (Kind::Count, false)), (4, 4, (Kind::Pct, false))]
        );
        assert_eq!(
            format_runs(&[text, pct, blank, pct, blank], false),
            vec![(0, 3, (Kind::Pct, false))]
        );
        assert_eq!(format_runs(&[blank, blank], false), vec![]);
        assert_eq!(
            format_runs(&[blank, blank], true),
            vec![(0, 1, (Kind::Text, false))]
        );
        assert!(format_runs(&[], true).is_empty());
    }
}
