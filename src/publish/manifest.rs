//! `manifest.json`, for auditors: tool version, period, the effective
//! configuration, every input file with its SHA-256 and per-sheet row
//! accounting, warnings, what small-count protection hid (primary and
//! secondary cells per level), and every output file with its SHA-256.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::aggregate::Protection;
use crate::config::{Effective, Job};
use crate::ingest::{FileStatus, Ingested};
use crate::model::Month;
use crate::validate::{SheetCount, Validated};

#[derive(Serialize, Debug)]
pub struct Manifest<'a> {
    tool: Tool,
    command: crate::config::Command,
    period: String,
    config: Effective<'a>,
    summary: Summary,
    inputs: Vec<Input<'a>>,
    warnings: Vec<WarningEntry<'a>>,
    /// Small-count protection: primary and secondary cells per level, the
    /// P−1 primaries protected too, and any cell it could not protect.
    #[serde(skip_serializing_if = "Option::is_none")]
    protection: Option<&'a Protection>,
    outputs: Vec<Output>,
}

#[derive(Serialize, Debug)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize, Debug)]
struct Summary {
    files: usize,
    files_unreadable: usize,
    files_ignored: usize,
    rows: SheetCount,
    rejects_by_rule: BTreeMap<&'static str, usize>,
    warnings: usize,
}

#[derive(Serialize, Debug)]
struct Input<'a> {
    path: &'a str,
    sha256: &'a str,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
    sheets: Vec<SheetEntry<'a>>,
}

#[derive(Serialize, Debug)]
struct SheetEntry<'a> {
    sheet: &'a str,
    table: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    header_row: Option<u32>,
    #[serde(flatten)]
    count: SheetCount,
}

#[derive(Serialize, Debug)]
struct WarningEntry<'a> {
    file: &'a str,
    sheet: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    row: Option<u32>,
    column: &'a str,
    message: &'a str,
}

/// An output file and its checksum.
#[derive(Serialize, Clone, Debug)]
pub struct Output {
    pub path: String,
    pub sha256: String,
}

pub fn build<'a>(
    job: &'a Job,
    period: Month,
    ingested: &'a Ingested,
    validated: &'a Validated,
    outputs: Vec<Output>,
    protection: Option<&'a Protection>,
) -> Manifest<'a> {
    let mut inputs = Vec::with_capacity(ingested.files.len());
    let mut total = SheetCount::default();
    for (file, counts) in ingested.files.iter().zip(&validated.accounting) {
        let sheets = file
            .sheets
            .iter()
            .zip(counts)
            .map(|(sheet, count)| {
                total += *count;
                SheetEntry {
                    sheet: &sheet.name,
                    table: sheet.table().map_or("ignored", |t| t.name()),
                    header_row: sheet.header.as_ref().map(|_| sheet.header_row),
                    count: *count,
                }
            })
            .collect();
        inputs.push(Input {
            path: &file.path,
            sha256: &file.sha256,
            status: file.status.name(),
            message: file.message.as_deref(),
            sheets,
        });
    }
    let warnings = validated
        .warnings
        .iter()
        .map(|w| WarningEntry {
            file: w.at.path(),
            sheet: w.at.sheet_name(),
            row: w.at.row_number(),
            column: &w.column,
            message: &w.message,
        })
        .collect();
    Manifest {
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        command: job.command,
        period: period.to_string(),
        config: job.effective(),
        summary: Summary {
            files: ingested.files.len(),
            files_unreadable: ingested.files_with(FileStatus::Unreadable),
            files_ignored: ingested.files_with(FileStatus::Ignored),
            rows: total,
            rejects_by_rule: validated
                .rejects_by_rule()
                .into_iter()
                .map(|(rule, n)| (rule.code(), n))
                .collect(),
            warnings: validated.warnings.len(),
        },
        inputs,
        warnings,
        protection,
        outputs,
    }
}
