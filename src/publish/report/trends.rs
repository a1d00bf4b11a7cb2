//! The *Trends* sheet: the monthly series of the last 24 months
//! ([`crate::aggregate::Aggregated::trends`], the `maand` value of every
//! indicator for the nation, each landsdeel and each consortium) as tables,
//! with native Excel charts drawn from those tables.

use std::collections::HashMap;

use rust_xlsxwriter::{
    Chart, ChartFormat, ChartLegendPosition, ChartLine, ChartMarker, ChartMarkerType,
    ChartSolidFill, ChartType, ExcelDateTime, Format, Worksheet, XlsxError,
};

use super::{
    Kind, ReportInput, Styles, TRENDS_SHEET, fraction, header_height, indicator_label, month_long,
    page_setup,
};
use crate::model::{Indicator, Level, Month, TrendPoint, Value};

/// Number of months in the series (the aggregation computes 24).
const MONTHS: i32 = 24;

/// Where the charts go (row, column) and their size in pixels.
const CHART_SLOTS: [(u32, u16); 4] = [(3, 0), (3, 7), (19, 0), (19, 7)];
const CHART_WIDTH: u32 = 600;
const CHART_HEIGHT: u32 = 300;
/// First row of the tables, below the charts.
const TABLES_ROW: u32 = 36;

/// Series colours, in order (the regions and indicators charted).
const PALETTE: [u32; 6] = [
    0x1F_4E_79, 0xC5_5A_11, 0x54_82_35, 0x7F_60_00, 0x70_30_A0, 0x99_99_99,
];

/// The trend points by (level, code, indicator, month).
struct Series<'a> {
    values: HashMap<(Level, &'a str, Indicator, Month), Value>,
    regions: Vec<(Level, &'a str, &'a str)>,
}

impl<'a> Series<'a> {
    fn new(points: &'a [TrendPoint]) -> Series<'a> {
        let mut values = HashMap::with_capacity(points.len());
        let mut regions: Vec<(Level, &'a str, &'a str)> = Vec::new();
        for p in points {
            values.insert((p.level, &*p.regio_code, p.indicator, p.month), p.value);
            let region = (p.level, &*p.regio_code, &*p.regio_naam);
            if regions.last() != Some(&region) && !regions.contains(&region) {
                regions.push(region);
            }
        }
        regions.sort();
        Series { values, regions }
    }

    fn regions(&self, level: Level) -> impl Iterator<Item = (&'a str, &'a str)> + '_ {
        self.regions
            .iter()
            .filter(move |(l, _, _)| *l == level)
            .map(|(_, code, naam)| (*code, *naam))
    }

    fn get(&self, level: Level, code: &str, indicator: Indicator, month: Month) -> Option<Value> {
        self.values.get(&(level, code, indicator, month)).copied()
    }
}

/// One column of a table: its header and what it shows.
struct Column<'a> {
    header: String,
    level: Level,
    code: &'a str,
    indicator: Indicator,
}

/// A table written on the sheet: where its header and data are.
struct Placed {
    header_row: u32,
    first: u32,
    last: u32,
    columns: usize,
}

pub(super) fn sheet(input: &ReportInput<'_>) -> Result<Worksheet, XlsxError> {
    let styles = Styles::new();
    let period = input.results.period;
    let mut ws = Worksheet::new();
    ws.set_name(TRENDS_SHEET)?;
    page_setup(&mut ws, period);
    ws.set_column_width(0, 12)?;

    let months: Vec<Month> = (0..MONTHS)
        .map(|i| period.offset(i - (MONTHS - 1)))
        .collect();
    ws.write_string_with_format(
        0,
        0,
        format!(
            "Trends: {} t/m {}",
            month_long(months[0]),
            month_long(period)
        ),
        &styles.title,
    )?;
    ws.write_string_with_format(
        1,
        0,
        "Waarde per maand (venster maand), uit dezelfde berekening als de export en zonder onderdrukking. \
         Instroom (studenten, werkenden, werkzoekenden) is het aantal gestarte deelnemers in de maand; \
         bedrijven is de stand aan het eind van de maand.",
        &styles.note,
    )?;

    let series = Series::new(&input.aggregated.trends);

    // Table 1: the nation, every indicator.
    let national: Vec<Column<'_>> = Indicator::ALL
        .into_iter()
        .map(|indicator| Column {
            header: indicator_label(indicator).to_owned(),
            level: Level::Nl,
            code: "NL",
            indicator,
        })
        .collect();
    // Table 2: participants per landsdeel.
    let mut by_landsdeel = vec![Column {
        header: "Nederland".to_owned(),
        level: Level::Nl,
        code: "NL",
        indicator: Indicator::Deelnemers,
    }];
    by_landsdeel.extend(series.regions(Level::Landsdeel).map(|(code, naam)| Column {
        header: naam.to_owned(),
        level: Level::Landsdeel,
        code,
        indicator: Indicator::Deelnemers,
    }));
    // Table 3: participants per consortium.
    let by_consortium: Vec<Column<'_>> = series
        .regions(Level::Consortium)
        .map(|(code, naam)| Column {
            header: naam.to_owned(),
            level: Level::Consortium,
            code,
            indicator: Indicator::Deelnemers,
        })
        .collect();

    // The tables share their columns: each column as wide as its longest
    // header word needs, so that headers wrap between words only.
    let mut widths: Vec<f64> = Vec::new();
    for columns in [&national, &by_landsdeel, &by_consortium] {
        for (i, column) in columns.iter().enumerate() {
            let width = word_width(&column.header);
            match widths.get_mut(i) {
                Some(w) => *w = w.max(width),
                None => widths.push(width),
            }
        }
    }
    for (c, width) in (1..).zip(&widths) {
        ws.set_column_width(c, *width)?;
    }

    let mut row = TABLES_ROW;
    let nl = table(
        &mut ws,
        &styles,
        &series,
        &months,
        row,
        "Nederland per maand",
        &national,
        &widths,
    )?;
    row = nl.last + 3;
    let mut breaks = vec![row];

    let ld = table(
        &mut ws,
        &styles,
        &series,
        &months,
        row,
        "Deelnemers per landsdeel",
        &by_landsdeel,
        &widths,
    )?;
    row = ld.last + 3;
    breaks.push(row);

    if by_consortium.is_empty() {
        breaks.pop();
    } else {
        table(
            &mut ws,
            &styles,
            &series,
            &months,
            row,
            "Deelnemers per consortium",
            &by_consortium,
            &widths,
        )?;
    }

    let column_of = |indicator: Indicator| {
        1 + Indicator::ALL
            .iter()
            .position(|i| *i == indicator)
            .unwrap_or(0) as u16
    };
    let landsdelen: Vec<u16> = (2..=ld.columns as u16).collect();
    // (kind, title, table, columns, number format), one per chart slot.
    let plans: [(ChartType, &str, &Placed, Vec<u16>, &str); 4] = [
        (
            ChartType::Line,
            "Deelnemers per landsdeel (instroom per maand)",
            &ld,
            landsdelen,
            "#,##0",
        ),
        (
            ChartType::Line,
            "Bedrijven (stand eind van de maand)",
            &nl,
            vec![
                column_of(Indicator::Bedrijven),
                column_of(Indicator::BedrijvenMkb),
            ],
            "#,##0",
        ),
        (
            ChartType::ColumnStacked,
            "Deelnemers naar groep (instroom per maand)",
            &nl,
            vec![
                column_of(Indicator::Studenten),
                column_of(Indicator::Werkenden),
                column_of(Indicator::Werkzoekenden),
            ],
            "#,##0",
        ),
        (
            ChartType::Line,
            "Aanlevering (ontvangen / verwacht)",
            &nl,
            vec![column_of(Indicator::AanleveringPct)],
            "0%",
        ),
    ];
    for ((kind, title, table, columns, num_format), (r, c)) in plans.into_iter().zip(CHART_SLOTS) {
        if let Some(chart) = chart(kind, title, table, &columns, num_format) {
            ws.insert_chart(r, c, &chart)?;
        }
    }
    ws.set_page_breaks(&breaks)?;
    if input.aggregated.trends.is_empty() {
        ws.write_string_with_format(
            2,
            0,
            "Geen maandreeksen: er zijn geen geaccepteerde PPS'en.",
            &styles.note,
        )?;
    }
    Ok(ws)
}

/// Narrowest and widest column of the tables, in characters.
const MIN_WIDTH: usize = 12;
const MAX_WIDTH: usize = 30;

/// The width a header needs so that its longest word fits on one line
/// (bold, with a margin), between [`MIN_WIDTH`] and [`MAX_WIDTH`].
fn word_width(header: &str) -> f64 {
    // Office suites also wrap after a hyphen (`Noord-Nederland`).
    let longest = header
        .split_inclusive(|c: char| c.is_whitespace() || c == '-')
        .map(|w| w.trim_end().chars().count())
        .max()
        .unwrap_or(0);
    (longest + 3).clamp(MIN_WIDTH, MAX_WIDTH) as f64
}

/// The lines `header` takes in a column of `width` characters, wrapped
/// between words the way an office suite does (bold text is wider, hence
/// the margin).
fn wrapped_lines(header: &str, width: f64) -> usize {
    let room = (width as usize).saturating_sub(3).max(1);
    let mut lines = 1;
    let mut used = 0;
    for word in header.split_whitespace() {
        let len = word.chars().count();
        if used == 0 {
            used = len;
        } else if used + 1 + len <= room {
            used += 1 + len;
        } else {
            lines += 1;
            used = len;
        }
        // A word longer than the line breaks within itself.
        lines += used.saturating_sub(1) / room;
        used = (used.saturating_sub(1) % room) + 1;
    }
    lines
}

/// Writes a table: a title, a header row (`Maand` and the columns), one
/// row per month. `widths` are the column widths from column B on.
/// Returns where it went.
#[expect(
    clippy::too_many_arguments,
    reason = "one call site per table, all named"
)]
fn table(
    ws: &mut Worksheet,
    styles: &Styles,
    series: &Series<'_>,
    months: &[Month],
    row: u32,
    title: &str,
    columns: &[Column<'_>],
    widths: &[f64],
) -> Result<Placed, XlsxError> {
    ws.write_string_with_format(row, 0, title, &styles.section)?;
    for c in 1..=columns.len() as u16 {
        ws.write_blank(row, c, &styles.section)?;
    }
    let header_row = row + 1;
    ws.write_string_with_format(header_row, 0, "Maand", &styles.header)?;
    for (i, column) in columns.iter().enumerate() {
        ws.write_string_with_format(header_row, 1 + i as u16, &column.header, &styles.header_num)?;
    }
    let lines = columns
        .iter()
        .zip(widths)
        .map(|(column, width)| wrapped_lines(&column.header, *width))
        .max()
        .unwrap_or(1);
    ws.set_row_height(header_row, header_height(lines))?;
    let date = Format::new()
        .set_num_format("[$-413]mmm yyyy")
        .set_align(rust_xlsxwriter::FormatAlign::Left);
    let count = styles.cell(Kind::Count, false, false);
    let pct = styles.cell(Kind::Pct, false, false);
    for (m, &month) in months.iter().enumerate() {
        let r = header_row + 1 + m as u32;
        let first_day = ExcelDateTime::from_ymd(
            u16::try_from(month.year()).unwrap_or(9999),
            month.month() as u8,
            1,
        )?;
        ws.write_datetime_with_format(r, 0, &first_day, &date)?;
        for (i, column) in columns.iter().enumerate() {
            let c = 1 + i as u16;
            match series.get(column.level, column.code, column.indicator, month) {
                Some(Value::Count(n)) => {
                    ws.write_number_with_format(r, c, n as f64, count)?;
                }
                Some(Value::Pct(Some(ratio))) => {
                    ws.write_number_with_format(r, c, fraction(ratio), pct)?;
                }
                Some(Value::Pct(None)) | None => {}
            }
        }
    }
    Ok(Placed {
        header_row,
        first: header_row + 1,
        last: header_row + months.len() as u32,
        columns: columns.len(),
    })
}

/// A chart of the given table columns against the months; `None` when
/// there is nothing to draw.
fn chart(
    kind: ChartType,
    title: &str,
    table: &Placed,
    columns: &[u16],
    num_format: &str,
) -> Option<Chart> {
    if columns.is_empty() || table.last < table.first {
        return None;
    }
    let mut chart = Chart::new(kind);
    for (i, &c) in columns.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        let series = chart
            .add_series()
            .set_name((TRENDS_SHEET, table.header_row, c))
            .set_categories((TRENDS_SHEET, table.first, 0, table.last, 0))
            .set_values((TRENDS_SHEET, table.first, c, table.last, c));
        if kind == ChartType::Line {
            series.set_format(ChartLine::new().set_color(colour).set_width(2.25));
            if columns.len() == 1 {
                // A lone series gets markers, so a single month still shows.
                series.set_marker(
                    ChartMarker::new()
                        .set_type(ChartMarkerType::Circle)
                        .set_size(4)
                        .set_format(
                            ChartFormat::new()
                                .set_solid_fill(ChartSolidFill::new().set_color(colour))
                                .set_no_border(),
                        ),
                );
            }
        } else {
            series.set_format(
                ChartFormat::new().set_solid_fill(ChartSolidFill::new().set_color(colour)),
            );
            series.set_gap(60);
        }
    }
    chart
        .title()
        .set_name(title)
        .set_font(rust_xlsxwriter::ChartFont::new().set_size(11).set_bold());
    chart
        .x_axis()
        .set_num_format("[$-413]mmm yy")
        .set_text_axis(true);
    chart
        .y_axis()
        .set_num_format(num_format)
        .set_major_gridlines(true)
        .set_major_gridlines_line(ChartLine::new().set_color(0xD9_D9_D9));
    if num_format.ends_with('%') {
        chart.y_axis().set_min(0).set_max(1);
    }
    chart.legend().set_position(ChartLegendPosition::Bottom);
    if columns.len() == 1 {
        chart.legend().set_hidden();
    }
    chart.set_width(CHART_WIDTH).set_height(CHART_HEIGHT);
    Some(chart)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_wrap_between_words() {
        // "Werkzoekenden" must fit on one line of its column.
        let width = word_width("Werkzoekenden");
        assert!(width >= 16.0, "{width}");
        assert_eq!(wrapped_lines("Werkzoekenden", width), 1);
        assert_eq!(wrapped_lines("Studenten (bol + bbl)", 12.0), 3);
        assert_eq!(wrapped_lines("MRA Circulair en Digitaal", 16.0), 2);
        assert_eq!(wrapped_lines("Deelnemers", 13.0), 1);
        // A hyphen is a place to wrap.
        assert!((word_width("Noord-Nederland") - 12.0).abs() < 1e-9);
        // A word too long even for the widest column breaks within itself.
        assert_eq!(wrapped_lines(&"x".repeat(40), 30.0), 2);
    }
}
