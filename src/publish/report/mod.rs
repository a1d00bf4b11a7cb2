//! The xlsx report for people (`report_<P>.xlsx`): the face of the product
//! for the ministry and the programme office, labelled in Dutch.
//!
//! Takes the job, the ingested files, the validation outcome and the
//! aggregated rows; writes one workbook:
//!
//! | sheet | what |
//! | --- | --- |
//! | Samenvatting | period, national headline figures (maand, jtd, cumulatief, targets, growth), data quality in brief, contents |
//! | Landsdeel … PPS | one sheet per level (Regiogroep only when groups are configured): a filterable table, region × indicator |
//! | Trends | the 24-month series of [`Aggregated::trends`] with native charts |
//! | Aanleverstatus | submission status per partnership and month |
//! | Datakwaliteit | one list of rejected rows, warnings, ignored sheets and files |
//! | Verwerking | row accounting per sheet |
//!
//! Every figure comes from the same [`KpiRow`]s as the ministry export, but
//! unsuppressed (the report is for internal use and says so). Every number
//! is a number cell with a number format (`#,##0`, `0.0%`, months as date
//! cells), never text, so the reader's office suite shows all of them the
//! same way. Percentages are written as the export's rounded value (`12.3`
//! → `0.123` with a `0.0%` format), so what a reader sees equals the export
//! to the digit. Table names are Dutch (register, streefwaarden,
//! aanleveringen), and every sheet prints landscape, one page wide, with
//! its table header repeated on each page.
//! The workbook is deterministic: its creation time is derived from the
//! period, never the clock. Refuses nothing; fails only when the file
//! cannot be written.

mod levels;
mod quality;
mod summary;
mod trends;

pub use quality::Status;
pub use summary::headline_label;

use std::path::Path;

use rayon::prelude::*;

use rust_xlsxwriter::{
    Color, ConditionalFormatCell, ConditionalFormatCellRule, ConditionalFormatFormula,
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
    XlsxError, utility::row_col_to_cell,
};

use super::Results;
use crate::aggregate::Aggregated;
use crate::config::Job;
use crate::model::{
    CellStatus, DUTCH_MONTHS, DUTCH_MONTHS_SHORT, Indicator, KpiRow, Level, Measure, Month, Ratio,
    Value, Window,
};

/// Everything the report shows: the run's results and, as the report is
/// written by `run` only, their aggregation.
#[derive(Debug, Clone, Copy)]
pub struct ReportInput<'a> {
    pub results: &'a Results<'a>,
    pub aggregated: &'a Aggregated,
}

/// Sheet names, in workbook order (level sheets in between).
pub const SUMMARY_SHEET: &str = "Samenvatting";
pub const TRENDS_SHEET: &str = "Trends";
pub const STATUS_SHEET: &str = "Aanleverstatus";
pub const QUALITY_SHEET: &str = "Datakwaliteit";
pub const ACCOUNTING_SHEET: &str = "Verwerking";

/// Writes the report to `path`.
pub fn write(input: &ReportInput<'_>, path: &Path) -> Result<(), String> {
    let tempdir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    build(input, tempdir)
        .and_then(|mut workbook| workbook.save(path))
        .map_err(|e| format!("cannot write the xlsx report: {e}"))
}

fn build(input: &ReportInput<'_>, tempdir: &Path) -> Result<Workbook, XlsxError> {
    let mut workbook = Workbook::new();
    workbook.set_tempdir(tempdir)?;
    workbook.set_properties(&properties(input.results.period)?);
    // Level 2 of 9. On the benchmark's 2,000 partnerships, deflating the
    // PPS sheet's 8 MB of XML alone takes about 55 ms at level 2, 80 ms at
    // level 3 and 250 ms at the default (6); the whole save about 70 ms
    // against 115 ms at level 3, for a file about 8 % larger than level 3.
    workbook.set_zip_compression_level(2);

    let figures = Figures::index(&input.aggregated.rows);
    // The sheets are independent until pushed, so build them side by side
    // and push them in order: the workbook numbers formats and strings as
    // the sheets come. The PPS sheet (a row per partnership and indicator)
    // is most of the work: it starts at once, on this thread, and the
    // others are built meanwhile wherever a thread is free. It is written in
    // low-memory mode, each row streamed to a temporary file next to the
    // report; it is the only one, so the formats and strings it numbers
    // while the others are built come in a fixed order and the file stays
    // deterministic.
    let mut sheets = vec![(Sheet::Summary, None)];
    for level in report_levels(input.results.job) {
        let worksheet = if level == Level::Pps {
            Some(workbook.new_worksheet_with_low_memory()?)
        } else {
            None
        };
        sheets.push((Sheet::Level(level), worksheet));
    }
    for sheet in [
        Sheet::Trends,
        Sheet::Status,
        Sheet::Quality,
        Sheet::Accounting,
    ] {
        sheets.push((sheet, None));
    }
    let pps_at = sheets.iter().position(|(_, worksheet)| worksheet.is_some());
    let pps = pps_at.map(|i| sheets.remove(i));
    let build_one = |(sheet, worksheet): (Sheet, Option<Worksheet>)| match sheet {
        Sheet::Summary => summary::sheet(input, &figures),
        Sheet::Level(level) => levels::sheet(input, &figures, level, worksheet.unwrap_or_default()),
        Sheet::Trends => trends::sheet(input),
        Sheet::Status => quality::status_sheet(input),
        Sheet::Quality => quality::findings_sheet(input),
        Sheet::Accounting => quality::accounting_sheet(input),
    };
    let (pps, others) = rayon::join(
        || pps.map(build_one).transpose(),
        || {
            sheets
                .into_par_iter()
                .map(build_one)
                .collect::<Result<Vec<_>, _>>()
        },
    );
    let mut built = others?;
    if let (Some(at), Some(pps)) = (pps_at, pps?) {
        built.insert(at, pps);
    }
    for worksheet in built {
        workbook.push_worksheet(worksheet);
    }
    Ok(workbook)
}

/// The sheets of the workbook.
#[derive(Debug, Clone, Copy)]
enum Sheet {
    Summary,
    Level(Level),
    Trends,
    Status,
    Quality,
    Accounting,
}

/// Fixed document properties. The creation time is the first moment after
/// the period (the earliest a report on it can be complete), so the same
/// inputs give the same bytes.
fn properties(period: Month) -> Result<DocProperties, XlsxError> {
    let next = period.offset(1);
    let created = ExcelDateTime::from_ymd(year_u16(next), next.month() as u8, 1)
        .or_else(|_| ExcelDateTime::from_ymd(year_u16(period), period.month() as u8, 1))?;
    Ok(DocProperties::new()
        .set_title(format!("PPS-monitor rapportage {period}"))
        .set_subject("Opschaling PPS: maandelijkse monitor van publiek-private samenwerkingen")
        .set_author("pps-monitor")
        .set_comment(
            "Interne rapportage: waarden zonder onderdrukking van kleine aantallen. \
             De export voor het ministerie is kpi_export_<periode>.csv.",
        )
        .set_creation_datetime(&created))
}

fn year_u16(month: Month) -> u16 {
    u16::try_from(month.year()).unwrap_or(9999)
}

/// The level sheets of this job: the export's levels below `nl`, with
/// `regiogroep` only when region groups are configured.
pub fn report_levels(job: &Job) -> Vec<Level> {
    Level::ALL
        .into_iter()
        .filter(|l| *l != Level::Nl && (*l != Level::Regiogroep || !job.groups.is_empty()))
        .collect()
}

/// The sheet name of a level.
pub fn level_sheet_name(level: Level) -> &'static str {
    match level {
        Level::Nl => "Nederland",
        Level::Landsdeel => "Landsdeel",
        Level::Provincie => "Provincie",
        Level::Arbeidsmarktregio => "Arbeidsmarktregio",
        Level::Regiogroep => "Regiogroep",
        Level::Consortium => "Consortium",
        Level::Pps => "PPS",
    }
}

/// The Dutch label of an indicator, as the report shows it: a submitted
/// count has its column's label from `schema.rs` (the template's input
/// title), the others are named here.
pub fn indicator_label(indicator: Indicator) -> &'static str {
    if let Some(measure) = Measure::ALL
        .into_iter()
        .find(|m| m.indicator() == indicator)
    {
        return measure.spec().column.label;
    }
    match indicator {
        Indicator::Studenten => "Studenten (bol + bbl)",
        Indicator::Deelnemers => "Deelnemers",
        Indicator::MkbAandeelPct => "Mkb-aandeel",
        Indicator::PpsActief => "PPS actief",
        Indicator::AanleveringPct => "Aanlevering",
        // A new indicator without a label of its own.
        other => other.name(),
    }
}

/// `oktober 2026`
pub(crate) fn month_long(m: Month) -> String {
    format!("{} {}", DUTCH_MONTHS[m.month() as usize - 1], m.year())
}

/// `okt 2026`
pub(crate) fn month_short(m: Month) -> String {
    format!(
        "{} {}",
        DUTCH_MONTHS_SHORT[m.month() as usize - 1],
        m.year()
    )
}

/// `jan–okt 2026` (or `jan 2026` in January).
pub(crate) fn year_to_date(m: Month) -> String {
    if m.month() == 1 {
        month_short(m)
    } else {
        format!("jan–{}", month_short(m))
    }
}

/// The export's rounded percentage as a spreadsheet fraction: `12.3 %` →
/// `0.123`, shown with [`PCT_FORMAT`] as `12.3%`.
fn fraction(ratio: Ratio) -> f64 {
    ratio.tenths_of_percent() as f64 / 1000.0
}

const COUNT_FORMAT: &str = "#,##0";
const PCT_FORMAT: &str = "0.0%";

/// The house colour of headers and titles (report and feedback workbooks).
pub(crate) const DARK_BLUE: u32 = 0x1F_4E_79;

/// A table header cell: white bold text on dark blue, wrapped, top-aligned,
/// thin white borders (report and feedback workbooks).
pub(crate) fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_font_color(Color::White)
        .set_background_color(DARK_BLUE)
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border(FormatBorder::Thin)
        .set_border_color(Color::White)
}
const BAND: u32 = 0xF2_F2_F2;
const MUTED: u32 = 0x76_76_76;
const GOOD: (u32, u32) = (0xC6_EF_CE, 0x00_61_00);
const FAIR: (u32, u32) = (0xFF_EB_9C, 0x9C_57_00);
const POOR: (u32, u32) = (0xFF_C7_CE, 0x9C_00_06);

/// The formats every sheet shares.
struct Styles {
    title: Format,
    note: Format,
    section: Format,
    header: Format,
    /// Header over a column of numbers: right-aligned like them.
    header_num: Format,
    label: Format,
    /// The data-cell formats of [`cell_format`], by kind, band and muted.
    /// Built once: the cells of a level sheet need only these few, and
    /// building a `Format` per cell cost as much as writing the cell.
    cells: [Format; 16],
}

impl Styles {
    fn new() -> Styles {
        let header = header_format();
        Styles {
            title: Format::new()
                .set_bold()
                .set_font_size(15)
                .set_font_color(DARK_BLUE),
            note: Format::new().set_italic().set_font_color(MUTED),
            section: Format::new()
                .set_bold()
                .set_font_size(12)
                .set_font_color(DARK_BLUE)
                .set_border_bottom(FormatBorder::Medium)
                .set_border_bottom_color(DARK_BLUE),
            header_num: header.clone().set_align(FormatAlign::Right),
            header,
            label: Format::new().set_bold(),
            cells: std::array::from_fn(|i| {
                let kind = [Kind::Text, Kind::Count, Kind::Pct, Kind::Center][i / 4];
                cell_format(kind, i & 2 != 0, i & 1 != 0)
            }),
        }
    }

    /// The format of a data cell, as [`cell_format`] builds it.
    fn cell(&self, kind: Kind, band: bool, muted: bool) -> &Format {
        &self.cells[kind as usize * 4 + usize::from(band) * 2 + usize::from(muted)]
    }
}

/// What a data cell holds, for its number format.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Text = 0,
    Count = 1,
    Pct = 2,
    Center = 3,
}

/// The format of a data cell: number format by kind, a light fill on
/// banded rows, grey italics for figures the ministry export suppresses.
fn cell_format(kind: Kind, band: bool, muted: bool) -> Format {
    let mut f = match kind {
        Kind::Text => Format::new(),
        Kind::Count => Format::new().set_num_format(COUNT_FORMAT),
        Kind::Pct => Format::new().set_num_format(PCT_FORMAT),
        Kind::Center => Format::new().set_align(FormatAlign::Center),
    };
    if band {
        f = f.set_background_color(BAND);
    }
    if muted {
        f = f.set_italic().set_font_color(MUTED);
    }
    f
}

/// Print setup shared by all sheets: A4 landscape, one page wide, the
/// report and page number in header and footer.
fn page_setup(ws: &mut Worksheet, period: Month) {
    ws.set_paper_size(9)
        .set_landscape()
        .set_print_fit_to_pages(1, 0)
        .set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3)
        .set_header(format!("&L&8PPS-monitor rapportage {period}&R&8&A"))
        .set_footer("&L&8Intern: waarden zonder onderdrukking&R&8Pagina &P van &N");
}

/// The three windows of one (level, region, indicator): the export rows
/// that a report line shows side by side.
#[derive(Debug)]
struct Line<'a> {
    level: Level,
    code: &'a str,
    naam: &'a str,
    indicator: Indicator,
    windows: [Option<&'a KpiRow>; 3],
}

impl<'a> Line<'a> {
    fn window(&self, window: Window) -> Option<&'a KpiRow> {
        self.windows[window as usize]
    }
}

/// The export rows regrouped by (level, region, indicator), in export
/// order (level, code, indicator).
#[derive(Debug)]
struct Figures<'a> {
    lines: Vec<Line<'a>>,
}

impl<'a> Figures<'a> {
    fn index(rows: &'a [KpiRow]) -> Figures<'a> {
        let key = |row: &&'a KpiRow| (row.level, &*row.regio_code, row.indicator);
        // Rows come window by window, each window in key order: the stable
        // sort merges those runs cheaply, and the result does not depend
        // on that order.
        let mut sorted: Vec<&'a KpiRow> = rows.iter().collect();
        sorted.sort_by(|a, b| key(a).cmp(&key(b)));
        let lines = sorted
            .chunk_by(|a, b| key(a) == key(b))
            .map(|group| {
                let first = group[0];
                let mut windows = [None; 3];
                for row in group {
                    windows[row.window as usize] = Some(*row);
                }
                Line {
                    level: first.level,
                    code: &first.regio_code,
                    naam: &first.regio_naam,
                    indicator: first.indicator,
                    windows,
                }
            })
            .collect();
        Figures { lines }
    }

    fn of_level(&self, level: Level) -> impl Iterator<Item = &Line<'a>> {
        self.lines.iter().filter(move |l| l.level == level)
    }

    fn find(&self, level: Level, indicator: Indicator) -> Option<&Line<'a>> {
        self.of_level(level).find(|l| l.indicator == indicator)
    }
}

/// The figure columns a line shows, left to right.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Figure {
    Maand,
    Jtd,
    Cumulatief,
    Doel,
    /// The jtd value over just the partnerships with a target: the
    /// numerator of the realisation, so that it can be checked by eye.
    MetDoel,
    Realisatie,
    GroeiMaand,
    GroeiJtd,
}

/// Number of figure columns.
const FIGURE_COUNT: usize = 8;

const FIGURES: [Figure; FIGURE_COUNT] = [
    Figure::Maand,
    Figure::Jtd,
    Figure::Cumulatief,
    Figure::Doel,
    Figure::MetDoel,
    Figure::Realisatie,
    Figure::GroeiMaand,
    Figure::GroeiJtd,
];

/// Offsets of the realisation and growth columns among the figures.
const REALISATIE_AT: u16 = 5;
const GROEI_AT: [u16; 2] = [6, 7];

/// Column headers of the figure columns: explicit lines of at most 12
/// characters, so that no office suite splits a word in the column width.
pub(super) fn figure_headers(period: Month) -> [String; FIGURE_COUNT] {
    let year_before = period.offset(-12);
    [
        format!("Maand\n{}", month_short(period)),
        format!("Jaar tot nu\n{}", year_to_date(period)),
        format!("Cumulatief\nt/m {}", month_short(period)),
        format!("Doel\n{}", period.year()),
        "Jtd van PPS\nmet doel".to_owned(),
        "Realisatie\n(÷ doel)".to_owned(),
        format!("Groei maand\nt.o.v.\n{}", month_short(year_before)),
        format!("Groei jtd\nt.o.v. {}", year_before.year()),
    ]
}

/// Width of the figure columns: room for the longest header line (12
/// characters, bold) and a margin.
const FIGURE_WIDTH: f64 = 14.0;

/// Height in points of a header row with `lines` lines of text, so that
/// every line stays inside the header's band.
fn header_height(lines: usize) -> f64 {
    15.0 * lines.max(1) as f64 + 3.0
}

/// The number of lines of the tallest header.
fn header_lines<'t>(headers: impl IntoIterator<Item = &'t str>) -> usize {
    headers
        .into_iter()
        .map(|h| h.lines().count())
        .max()
        .unwrap_or(1)
}

/// One figure cell: its value (none: a blank cell), its kind, and whether
/// the export suppresses it (grey italics).
type FigureCell = (Option<f64>, Kind, bool);

/// The figure cells of `line`, left to right.
fn figure_cells(line: &Line<'_>) -> [FigureCell; FIGURE_COUNT] {
    FIGURES.map(|figure| match figure {
        Figure::Maand | Figure::Jtd | Figure::Cumulatief => {
            let window = match figure {
                Figure::Maand => Window::Maand,
                Figure::Jtd => Window::Jtd,
                _ => Window::Cumulatief,
            };
            match line.window(window) {
                // Missing is not zero: no row, no figure.
                Some(r) if r.status == CellStatus::Missing => (None, Kind::Count, false),
                Some(r) => {
                    let (value, kind) = match r.value {
                        Value::Count(n) => (Some(n as f64), Kind::Count),
                        Value::Pct(ratio) => (ratio.map(fraction), Kind::Pct),
                    };
                    (value, kind, r.suppressed())
                }
                None => (None, Kind::Count, false),
            }
        }
        Figure::Doel => {
            let target = line.window(Window::Jtd).and_then(|r| r.target);
            (target.map(|t| t as f64), Kind::Count, false)
        }
        Figure::MetDoel => match line.window(Window::Jtd) {
            Some(r) if r.status == CellStatus::Missing => (None, Kind::Count, false),
            Some(r) => (
                r.realisation.map(|ratio| ratio.num as f64),
                Kind::Count,
                !r.published() || r.realisation_hidden,
            ),
            None => (None, Kind::Count, false),
        },
        Figure::Realisatie => match line.window(Window::Jtd) {
            Some(r) if r.status == CellStatus::Missing => (None, Kind::Pct, false),
            Some(r) => (
                r.realisation.map(fraction),
                Kind::Pct,
                !r.published() || r.realisation_hidden,
            ),
            None => (None, Kind::Pct, false),
        },
        Figure::GroeiMaand | Figure::GroeiJtd => {
            let window = if figure == Figure::GroeiMaand {
                Window::Maand
            } else {
                Window::Jtd
            };
            match line.window(window) {
                Some(r) if r.status == CellStatus::Missing => (None, Kind::Pct, false),
                Some(r) => (
                    r.growth.map(fraction),
                    Kind::Pct,
                    !r.published() || r.growth_hidden,
                ),
                None => (None, Kind::Pct, false),
            }
        }
    })
}

/// Writes the figures of `line` from column `col`, each with its
/// format (see [`figure_cells`]).
fn write_figures(
    ws: &mut Worksheet,
    styles: &Styles,
    row: u32,
    col: u16,
    line: &Line<'_>,
    band: bool,
) -> Result<(), XlsxError> {
    for (c, (value, kind, muted)) in (col..).zip(figure_cells(line)) {
        let format = styles.cell(kind, band, muted);
        match value {
            Some(v) => ws.write_number_with_format(row, c, v, format)?,
            None => ws.write_blank(row, c, format)?,
        };
    }
    Ok(())
}

/// Colours realisation against the share of the year that has passed
/// (green: on schedule; amber: at least three quarters of it; red: less),
/// and growth green or red by sign, on the figure columns starting at
/// `col`, rows `first..=last`.
fn figure_highlights(
    ws: &mut Worksheet,
    first: u32,
    last: u32,
    col: u16,
    period: Month,
) -> Result<(), XlsxError> {
    if last < first {
        return Ok(());
    }
    let realisation = col + REALISATIE_AT;
    let cell = row_col_to_cell(first, realisation);
    let pace = format!("{}/12", period.month());
    let fill = |(bg, fg): (u32, u32)| Format::new().set_background_color(bg).set_font_color(fg);
    for (rule, colours) in [
        (format!("AND(ISNUMBER({cell}),{cell}>={pace})"), GOOD),
        (
            format!("AND(ISNUMBER({cell}),{cell}<{pace},{cell}>=0.75*{pace})"),
            FAIR,
        ),
        (format!("AND(ISNUMBER({cell}),{cell}<0.75*{pace})"), POOR),
    ] {
        let cf = ConditionalFormatFormula::new()
            .set_rule(format!("={rule}").as_str())
            .set_format(fill(colours));
        ws.add_conditional_format(first, realisation, last, realisation, &cf)?;
    }
    for growth in GROEI_AT.map(|at| col + at) {
        let up = ConditionalFormatCell::new()
            .set_rule(ConditionalFormatCellRule::GreaterThan(0))
            .set_format(Format::new().set_font_color(GOOD.1));
        let down = ConditionalFormatCell::new()
            .set_rule(ConditionalFormatCellRule::LessThan(0))
            .set_format(Format::new().set_font_color(POOR.1));
        ws.add_conditional_format(first, growth, last, growth, &up)?;
        ws.add_conditional_format(first, growth, last, growth, &down)?;
    }
    Ok(())
}

/// The legend under a figure table's title.
fn figure_legend(period: Month, threshold: i64) -> String {
    let mut text = format!(
        "Realisatie = jaar tot nu van de PPS'en die een doel hebben (de kolom ervoor) ÷ doel; \
         groen = op schema (minstens {}/12 van het jaardoel), oranje = minstens driekwart daarvan, rood = daaronder. \
         Groei: groen stijging, rood daling.",
        period.month()
    );
    if threshold > 0 {
        text.push_str(
            " Grijs cursief: in de export voor het ministerie onderdrukt; de laatste kolom zegt waarom: \
             primair (klein aantal) of secundair (verborgen zodat geen klein aantal uit te rekenen is).",
        );
    }
    text
}

/// The note that the report is unsuppressed.
fn suppression_note(period: Month, threshold: i64) -> String {
    if threshold > 0 {
        format!(
            "Intern gebruik: deze werkmap toont alle waarden zonder onderdrukking. In de export voor het ministerie \
             (kpi_export_{period}.csv) worden aantallen van 1 tot en met {} niet gepubliceerd (drempel {threshold}), \
             en daarmee ook hun realisatie en groei.",
            threshold - 1
        )
    } else {
        format!(
            "Intern gebruik: deze werkmap toont alle waarden. De onderdrukking van kleine aantallen staat uit \
             (drempel 0), dus de export voor het ministerie (kpi_export_{period}.csv) bevat dezelfde waarden."
        )
    }
}

/// A column width in characters for texts, between `min` and `max`.
fn text_width<'t>(texts: impl Iterator<Item = &'t str>, min: usize, max: usize) -> f64 {
    let longest = texts.map(|t| t.chars().count()).max().unwrap_or(0);
    (longest + 2).clamp(min, max) as f64
}

/// The lines `text` takes when wrapped in a column `width` characters
/// wide: between words where it can (also after `/` and `-`, as office
/// suites do in paths), within a word where it must.
/// Office suites do not all grow a row for wrapped text by themselves, so
/// the report sets the height from this estimate (a character of body text
/// takes at most one unit of column width in Excel's Calibri and in
/// LibreOffice's substitute fonts).
fn text_lines(text: &str, width: f64) -> usize {
    let room = (width as usize).max(1);
    let mut lines = 0;
    for paragraph in text.split('\n') {
        lines += 1;
        let mut used = 0;
        let pieces = paragraph.split_inclusive(|c: char| c.is_whitespace() || "/-".contains(c));
        for piece in pieces {
            let len = piece.chars().count();
            // A trailing blank needs no room at the end of a line.
            let visible = piece.trim_end().chars().count();
            if used > 0 && used + visible > room {
                lines += 1;
                used = 0;
            }
            if used == 0 && visible > room {
                // Longer than a line: it breaks within itself.
                lines += (visible - 1) / room;
                used = (visible - 1) % room + 1 + (len - visible);
            } else {
                used += len;
            }
        }
    }
    lines.max(1)
}

/// Sets the height of `row` for the tallest of its wrapped `cells`
/// (text, column width); a row of one line keeps the default height.
fn fit_row<'t>(
    ws: &mut Worksheet,
    row: u32,
    cells: impl IntoIterator<Item = (&'t str, f64)>,
) -> Result<(), XlsxError> {
    let lines = cells
        .into_iter()
        .map(|(text, width)| text_lines(text, width))
        .max()
        .unwrap_or(1);
    if lines > 1 {
        ws.set_row_height(row, 15.0 * lines as f64)?;
    }
    Ok(())
}

/// A note in grey italics, wrapped within columns `first..=last` of `row`,
/// the row made tall enough for `lines` lines.
fn note_block(
    ws: &mut Worksheet,
    row: u32,
    (first, last): (u16, u16),
    text: &str,
    lines: u16,
) -> Result<(), XlsxError> {
    let format = Format::new()
        .set_italic()
        .set_font_color(MUTED)
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    ws.merge_range(row, first, row, last, text, &format)?;
    ws.set_row_height(row, 15 * lines + 1)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_labels_are_dutch() {
        let m = Month::new(2026, 10).unwrap();
        assert_eq!(month_long(m), "oktober 2026");
        assert_eq!(month_short(m), "okt 2026");
        assert_eq!(year_to_date(m), "jan–okt 2026");
        assert_eq!(year_to_date(Month::new(2026, 1).unwrap()), "jan 2026");
    }

    #[test]
    fn fractions_show_the_exports_rounding() {
        // 12.35 % is 12.4 in the export; as a float 0.1235 could display as
        // 12.3 %, so the report writes the rounded value.
        let r = Ratio::new(247, 2000).unwrap();
        assert_eq!(r.format(), "12.4");
        assert!((fraction(r) - 0.124).abs() < 1e-12);
        assert_eq!(format!("{:.1}", fraction(r) * 100.0), "12.4");
    }

    #[test]
    fn wrapped_text_takes_lines() {
        assert_eq!(text_lines("", 10.0), 1);
        assert_eq!(text_lines("kort", 10.0), 1);
        assert_eq!(text_lines("een twee drie vier", 8.0), 3);
        assert_eq!(text_lines("regel een\nregel twee", 40.0), 2);
        // A path breaks after its slashes.
        assert_eq!(
            text_lines("aanleveringen/digital-industry-boost/DIB_2024.xlsx", 34.0),
            2
        );
        // One long word breaks within itself.
        assert_eq!(text_lines(&"x".repeat(25), 10.0), 3);
    }

    /// The creation time the report's `docProps/core.xml` carries for
    /// period `period`.
    fn created(period: Month) -> String {
        use std::io::Read;
        let mut workbook = Workbook::new();
        workbook.set_properties(&properties(period).unwrap());
        workbook.add_worksheet();
        let bytes = workbook.save_to_buffer().unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        zip.by_name("docProps/core.xml")
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        let element = &xml[xml.find("<dcterms:created").expect("a creation time")..];
        let value = &element[element.find('>').unwrap() + 1..];
        value[..value.find('<').unwrap()].to_owned()
    }

    #[test]
    fn creation_time_follows_the_period() {
        // The first day after the period: the same inputs give the same
        // bytes, whenever the report is made.
        assert_eq!(
            created(Month::new(2026, 10).unwrap()),
            "2026-11-01T00:00:00Z"
        );
        assert_eq!(
            created(Month::new(2026, 12).unwrap()),
            "2027-01-01T00:00:00Z"
        );
        // No day after 9999-12 in Excel's calendar: its first day.
        assert_eq!(
            created(Month::new(9999, 12).unwrap()),
            "9999-12-01T00:00:00Z"
        );
    }
}
