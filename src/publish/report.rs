//! The xlsx report for people (`report_<P>.xlsx`).
//!
//! Placeholder: a summary sheet only; the full report is being written.

use std::path::Path;

use rust_xlsxwriter::Workbook;

use crate::aggregate::Aggregated;
use crate::config::Job;
use crate::ingest::Ingested;
use crate::model::Month;
use crate::validate::Validated;

/// Everything the report shows.
#[derive(Debug, Clone, Copy)]
pub struct ReportInput<'a> {
    pub job: &'a Job,
    pub period: Month,
    pub ingested: &'a Ingested,
    pub validated: &'a Validated,
    pub aggregated: &'a Aggregated,
}

pub fn write(input: &ReportInput<'_>, path: &Path) -> Result<(), String> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Samenvatting").map_err(|e| e.to_string())?;
    sheet
        .write_string(0, 0, format!("pps-monitor rapportage {}", input.period))
        .map_err(|e| e.to_string())?;
    workbook.save(path).map_err(|e| e.to_string())
}
