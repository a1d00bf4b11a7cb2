//! The submission template (`pps-monitor template`, contract section 3).
//!
//! Takes the register's valid pps_ids (may be empty); writes an `.xlsx`
//! with two sheets:
//!
//! - `counts`: the header row of the counts table (the contract's Dutch
//!   column names, in contract order) in row 1, frozen; data validation
//!   on the count columns (whole numbers ≥ 0), a drop-down of the known
//!   pps_ids, an input message on every column saying what goes in it
//!   (the period's accepted spellings among them); text format on the
//!   key columns so that `2026-10` stays as typed. Columns, their kinds,
//!   labels, help texts and examples all come from
//!   [`crate::schema::COUNTS`].
//! - `Toelichting`: instructions in Dutch and the list of known pps_ids.
//!   It is written so that ingest never takes it for a table: no row holds
//!   more than one column name (a filled-in template gives one "Blad
//!   genegeerd" warning for it, nothing more).
//!
//! [`register_ids`] finds the pps_ids for the drop-down list (the register
//! the job's input folder holds, validated like a run), [`save`] writes the
//! file atomically. A filled-in template is the same workbook with rows
//! added; [`workbook`] hands out the unsaved workbook so tests can do
//! exactly that.

use std::path::Path;

use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DataValidationRule, DocProperties,
    ExcelDateTime, Format, FormatAlign, FormatBorder, Formula, Workbook, Worksheet, XlsxError,
    utility::row_col_to_cell_absolute,
};

use crate::config::{Job, PeriodChoice};
use crate::error::Error;
use crate::schema::{COUNTS, CountColumn, Kind, Measure, TableColumn};
use crate::{ingest, validate};

/// The sheet partnerships fill in.
pub const COUNTS_SHEET: &str = "counts";
/// The instruction sheet.
pub const INSTRUCTIONS_SHEET: &str = "Toelichting";

/// Validation covers this many data rows below the header: far more than
/// a partnership sends in a lifetime, small enough to keep the file light.
const ROWS: u32 = 5000;

/// Row (0-based) of the instruction sheet where the column list starts,
/// one column per row (from [`COUNTS`]), below its section title.
const COLUMNS_ROW: u32 = 10;

/// Row of the example row's section, below the column list.
const EXAMPLE_ROW: u32 = COLUMNS_ROW + 1 + COUNTS.columns.len() as u32 + 1;

/// Row (0-based) of the instruction sheet where the list of known
/// pps_ids starts, below everything else.
const ID_LIST_ROW: u32 = EXAMPLE_ROW + 10;

/// Width of the instruction column, in characters.
const INSTRUCTION_WIDTH: usize = 110;

/// The valid pps_ids of the register in the job's input folder, in
/// pps_id order, read and validated as a run would (a rejected register
/// row is not offered). `Ok(None)`: there is no input folder, or no
/// register in it; the template then asks partnerships to type their id.
/// Anything else that stops the reading (an input folder that cannot be
/// listed, say) is the error.
pub fn register_ids(job: &Job) -> Result<Option<Vec<String>>, Error> {
    let ingested = match ingest::read(&job.input, Some(&job.output), &job.limits, &|_| {}) {
        Err(Error::MissingInput { .. }) => return Ok(None),
        read => read?,
    };
    // The register's rules do not depend on the period.
    let period = PeriodChoice::Month(job.current_month);
    match validate::check(&ingested, &job.regions, period, job.current_month) {
        Ok(validated) => Ok(Some(
            validated
                .accepted
                .partnerships
                .into_iter()
                .map(|p| p.pps_id)
                .collect(),
        )),
        Err(Error::NoRegister { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Writes the template, with `pps_ids` as the drop-down list (none: no
/// list), to `path`: the previous file stays until the new one is
/// complete (see [`super::write_atomically`]).
pub fn save(path: &Path, pps_ids: &[String]) -> Result<(), Error> {
    super::write_atomically(path, |partial| {
        workbook(pps_ids)
            .and_then(|mut w| w.save(partial))
            .map_err(|e| format!("cannot write the template: {e}"))
    })
}

/// The template as an unsaved workbook: `counts` first (and active), then
/// `Toelichting`.
pub fn workbook(pps_ids: &[String]) -> Result<Workbook, XlsxError> {
    let mut workbook = Workbook::new();
    // A fixed creation time: the template only changes when the tool or
    // the register does.
    workbook.set_properties(
        &DocProperties::new()
            .set_title("Aanleveringssjabloon PPS-monitor")
            .set_author("pps-monitor")
            .set_creation_datetime(&ExcelDateTime::from_ymd(2026, 1, 1)?),
    );
    workbook.push_worksheet(counts(pps_ids)?);
    workbook.push_worksheet(instructions(pps_ids)?);
    Ok(workbook)
}

fn counts(pps_ids: &[String]) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(COUNTS_SHEET)?;
    let header = Format::new()
        .set_bold()
        .set_font_color(Color::White)
        .set_background_color(0x1F_4E_79)
        .set_border(FormatBorder::Thin)
        .set_border_color(Color::White)
        .set_align(FormatAlign::Center);
    let text = Format::new().set_num_format("@");
    let whole = Format::new().set_num_format("0");
    for (c, column) in COUNTS.columns.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(0, c, column.name, &header)?;
        let (width, format) = if column.kind == Kind::Count {
            (15, &whole)
        } else {
            (16, &text)
        };
        ws.set_column_width(c, width)?;
        ws.set_column_format(c, format)?;
    }
    // The keys stay in view while scrolling through the numbers.
    let keys = CountColumn::ALL
        .iter()
        .take_while(|c| !matches!(c, CountColumn::Measure(_)))
        .count();
    ws.set_freeze_panes(1, keys as u16)?;
    ws.set_repeat_rows(0, 0)?;
    ws.set_landscape()
        .set_paper_size(9)
        .set_print_fit_to_pages(1, 0);
    ws.set_tab_color(0x1F_4E_79);
    ws.set_active(true);

    for (c, column) in COUNTS.columns.iter().enumerate() {
        let rule = validation(column.kind, pps_ids)?
            .set_input_title(column.label)?
            .set_input_message(column.help)?;
        let c = c as u16;
        ws.add_data_validation(1, c, ROWS, c, &rule)?;
    }
    Ok(ws)
}

/// The input check of a column of `kind`: whole numbers ≥ 0 for counts,
/// the known pps_ids as a drop-down, anything else (the period's
/// spellings are too many for a rule; ingest checks them).
fn validation(kind: Kind, pps_ids: &[String]) -> Result<DataValidation, XlsxError> {
    Ok(match kind {
        // The register's ids as a drop-down when known. The list lives on
        // the instruction sheet (a list typed into the rule is limited to
        // 255 characters). Only a warning on other values: a partnership
        // added to the register after this template was made must still
        // be able to type its id.
        Kind::PpsId if !pps_ids.is_empty() => {
            let first = row_col_to_cell_absolute(ID_LIST_ROW + 1, 0);
            let last = row_col_to_cell_absolute(ID_LIST_ROW + pps_ids.len() as u32, 0);
            DataValidation::new()
                .allow_list_formula(Formula::new(format!(
                    "={INSTRUCTIONS_SHEET}!{first}:{last}"
                )))
                .set_error_style(DataValidationErrorStyle::Warning)
                .set_error_title("Onbekende pps_id")?
                .set_error_message(
                    "Deze pps_id staat niet in het register waarmee dit sjabloon is gemaakt. \
                     Controleer de schrijfwijze; een nieuwe PPS meldt u bij het programmabureau.",
                )?
        }
        Kind::Count => DataValidation::new()
            .allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0))
            .set_error_title("Geen geldig aantal")?
            .set_error_message("Vul een geheel getal in van 0 of meer, zonder decimalen.")?,
        _ => DataValidation::new().allow_any_value(),
    })
}

fn instructions(pps_ids: &[String]) -> Result<Worksheet, XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(INSTRUCTIONS_SHEET)?;
    ws.set_column_width(0, 18)?;
    ws.set_column_width(1, INSTRUCTION_WIDTH as f64)?;
    ws.set_landscape()
        .set_paper_size(9)
        .set_print_fit_to_pages(1, 0);
    let title = Format::new()
        .set_bold()
        .set_font_size(15)
        .set_font_color(0x1F_4E_79);
    let section = Format::new().set_bold().set_font_color(0x1F_4E_79);
    let name = Format::new().set_bold().set_align(FormatAlign::Top);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let top = Format::new().set_align(FormatAlign::Top);

    ws.write_string_with_format(0, 0, "Aanleveringssjabloon PPS-monitor", &title)?;
    ws.write_string(
        1,
        0,
        "Maandcijfers van uw publiek-private samenwerking (PPS) voor de monitor Opschaling PPS.",
    )?;

    ws.write_string_with_format(3, 0, "Zo vult u het in", &section)?;
    let steps = [
        "Vul op het blad 'counts' één regel per maand in, vanaf rij 2. Het blad heet 'counts' (Engels) omdat het gegevenscontract die naam voorschrijft; laat die naam staan, net als de kopregel (rij 1).",
        "Meerdere maanden (of meerdere PPS'en) mogen onder elkaar in hetzelfde bestand.",
        "Aantallen zijn hele getallen van 0 of meer. Vul 0 in als er niets te melden is: een lege cel telt als 0, maar geeft een waarschuwing.",
        "Een maand opnieuw aanleveren? Zet de juiste waarden in de regel en lever het bestand opnieuw aan. Twee verschillende regels voor dezelfde PPS en maand worden allebei afgekeurd.",
        "Sla op als .xlsx (of .ods of .csv) en lever het bestand aan bij het programmabureau.",
    ];
    for (i, step) in steps.iter().enumerate() {
        let row = 4 + i as u32;
        ws.write_string_with_format(row, 0, format!("{}.", i + 1), &top)?;
        wrapped(&mut ws, row, step, &wrap)?;
    }

    // One column name per row, never two in a row: a row with both pps_id
    // and periode would make ingest read this sheet as a counts table.
    ws.write_string_with_format(COLUMNS_ROW, 0, "Kolommen", &section)?;
    for (i, column) in COUNTS.columns.iter().enumerate() {
        let row = COLUMNS_ROW + 1 + i as u32;
        ws.write_string_with_format(row, 0, column.name, &name)?;
        wrapped(&mut ws, row, column.help, &wrap)?;
    }
    ws.write_string_with_format(EXAMPLE_ROW, 0, "Voorbeeldregel", &section)?;
    ws.write_string(EXAMPLE_ROW + 1, 0, example_row())?;
    let english: Vec<&str> = COUNTS
        .columns
        .iter()
        .filter_map(|c| c.aliases.first().copied())
        .take(3)
        .collect();
    ws.write_string(
        EXAMPLE_ROW + 3,
        0,
        format!(
            "Engelse kolomnamen ({}, …) worden ook herkend; extra kolommen worden genegeerd.",
            english.join(", ")
        ),
    )?;

    ws.write_string_with_format(ID_LIST_ROW, 0, "Bekende pps_id's", &section)?;
    if pps_ids.is_empty() {
        ws.write_string(
            ID_LIST_ROW + 1,
            0,
            "Geen register gevonden bij het maken van dit sjabloon: vul uw pps_id in zoals het programmabureau die heeft opgegeven.",
        )?;
    } else {
        ws.write_string(
            ID_LIST_ROW,
            1,
            "(uit het register bij het maken van dit sjabloon; het blad 'counts' biedt ze als keuzelijst)",
        )?;
        for (i, id) in pps_ids.iter().enumerate() {
            ws.write_string(ID_LIST_ROW + 1 + i as u32, 0, id)?;
        }
    }
    Ok(ws)
}

/// `PPS-001  |  2026-10  |  12  |  …   (pps_id, periode, dan de zes
/// aantallen in de volgorde van de kopregel)`: the declared examples.
fn example_row() -> String {
    let values: Vec<&str> = COUNTS.columns.iter().map(|c| c.example).collect();
    let keys: Vec<&str> = CountColumn::ALL
        .iter()
        .filter(|c| !matches!(c, CountColumn::Measure(_)))
        .map(|c| c.spec().name)
        .collect();
    format!(
        "{}   ({}, dan de {} aantallen in de volgorde van de kopregel)",
        values.join("  |  "),
        keys.join(", "),
        dutch_number(Measure::COUNT)
    )
}

/// `6` → `zes`, for the small numbers a sentence spells out.
fn dutch_number(n: usize) -> String {
    const WORDS: [&str; 13] = [
        "nul", "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien",
        "elf", "twaalf",
    ];
    WORDS
        .get(n)
        .map_or_else(|| n.to_string(), |w| (*w).to_owned())
}

/// Writes wrapped text in column B and makes the row tall enough: office
/// suites do not all grow rows for wrapped text by themselves.
fn wrapped(ws: &mut Worksheet, row: u32, text: &str, format: &Format) -> Result<(), XlsxError> {
    ws.write_string_with_format(row, 1, text, format)?;
    let lines = text.chars().count().div_ceil(INSTRUCTION_WIDTH);
    if lines > 1 {
        ws.set_row_height(row, 15.0 * lines as f64 + 1.0)?;
    }
    Ok(())
}
