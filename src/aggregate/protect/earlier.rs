//! The earlier exports that small-count protection must take into account
//! (contract section 7a): `<output>/<P−1>/kpi_export_<P−1>.csv`, whose
//! published values are public, and `<output>/<P−12>/kpi_export_<P−12>.csv`,
//! whose suppressed cells hide this export's `groei_pct`.
//!
//! Reads them (never writes them); files from v1 have no `status` column,
//! which is fine: only `onderdrukt` and `groei_pct` are used. A missing file
//! is no constraint; an unreadable one is no constraint too, with a warning
//! for the manifest.

use std::collections::HashMap;
use std::path::Path;

use crate::model::{Indicator, Level, Month, Window};
use crate::publish::guard;

/// What an earlier export says about one row.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) struct FileCell {
    /// `onderdrukt` is `true`.
    pub suppressed: bool,
    /// `groei_pct` is not empty (it reveals the year-earlier value).
    pub growth_published: bool,
}

/// One earlier export, read.
#[derive(Clone, Default, Debug)]
pub struct ExportCells {
    /// By `regio_code` as written in the file (formula guard included):
    /// the region's rows. Keyed by the code alone, so that a lookup needs
    /// no allocation and a row none beyond its region's first.
    cells: HashMap<String, Vec<(Window, Level, Indicator, FileCell)>>,
}

impl ExportCells {
    pub(super) fn get(
        &self,
        window: Window,
        level: Level,
        code: &str,
        indicator: Indicator,
    ) -> Option<FileCell> {
        self.cells
            .get(guard(code).as_ref())?
            .iter()
            .find(|&&(w, l, i, _)| w == window && l == level && i == indicator)
            .map(|&(_, _, _, cell)| cell)
    }

    /// Parses an export's text; `None` when it lacks the columns needed.
    pub fn parse(text: &str) -> Result<ExportCells, String> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let header = reader.headers().map_err(|e| e.to_string())?.clone();
        let column = |name: &str| {
            header
                .iter()
                .position(|h| h.trim() == name)
                .ok_or_else(|| format!("column `{name}` is missing"))
        };
        let venster = column("venster")?;
        let niveau = column("niveau")?;
        let code = column("regio_code")?;
        let indicator = column("indicator")?;
        let onderdrukt = column("onderdrukt")?;
        let groei = column("groei_pct")?;
        let mut cells: HashMap<String, Vec<_>> = HashMap::new();
        let mut record = csv::StringRecord::new();
        while reader.read_record(&mut record).map_err(|e| e.to_string())? {
            let field = |i: usize| record.get(i).unwrap_or("");
            let window = Window::ALL.into_iter().find(|w| w.name() == field(venster));
            let level = Level::ALL.into_iter().find(|l| l.name() == field(niveau));
            let ind = Indicator::ALL
                .into_iter()
                .find(|i| i.name() == field(indicator));
            let (Some(window), Some(level), Some(ind)) = (window, level, ind) else {
                continue;
            };
            let cell = FileCell {
                suppressed: field(onderdrukt).trim() == "true",
                growth_published: !field(groei).trim().is_empty(),
            };
            let rows = match cells.get_mut(field(code)) {
                Some(rows) => rows,
                None => cells.entry(field(code).to_owned()).or_default(),
            };
            // A repeated row: the last one counts (as before).
            rows.retain(|&(w, l, i, _)| (w, l, i) != (window, level, ind));
            rows.push((window, level, ind, cell));
        }
        Ok(ExportCells { cells })
    }
}

/// The earlier exports found in the output folder.
#[derive(Clone, Default, Debug)]
pub struct Earlier {
    /// The export of P−1.
    pub previous: Option<ExportCells>,
    /// The export of P−12.
    pub year_before: Option<ExportCells>,
    /// The export of P−1 exists but could not be read.
    pub previous_unreadable: bool,
    /// Earlier exports that exist but could not be read.
    pub warnings: Vec<String>,
}

impl Earlier {
    /// No earlier exports: protection within this export only.
    pub fn none() -> Earlier {
        Earlier::default()
    }

    /// Reads the exports of P−1 and P−12 from `output`, when they exist.
    pub fn read(output: &Path, period: Month) -> Earlier {
        let mut warnings = Vec::new();
        let one = |month: Month, warnings: &mut Vec<String>| {
            let path = output
                .join(month.to_string())
                .join(format!("kpi_export_{month}.csv"));
            let text = match std::fs::read(&path) {
                Ok(bytes) => bytes,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
                Err(e) => {
                    warnings.push(unreadable(&path, &e.to_string()));
                    return None;
                }
            };
            let parsed = String::from_utf8(text)
                .map_err(|e| e.to_string())
                .and_then(|t| ExportCells::parse(&t));
            match parsed {
                Ok(cells) => Some(cells),
                Err(e) => {
                    warnings.push(unreadable(&path, &e));
                    None
                }
            }
        };
        let previous = one(period.offset(-1), &mut warnings);
        let year_before = one(period.offset(-12), &mut warnings);
        let previous_unreadable = previous.is_none()
            && warnings
                .first()
                .is_some_and(|w| w.contains(&format!("kpi_export_{}", period.offset(-1))));
        Earlier {
            previous,
            year_before,
            previous_unreadable,
            warnings,
        }
    }
}

fn unreadable(path: &Path, why: &str) -> String {
    crate::model::cut_text(&format!(
        "eerdere export {} niet te lezen ({why}): de bescherming van kleine aantallen houdt er geen rekening mee",
        path.display()
    ))
    .into_owned()
}
