//! `sample`: the small, realistic input shipped in `input/`.
//!
//! Takes a fixed seed and the region reference; writes a register, a targets
//! workbook and about seventy monthly submissions spread over consortium
//! folders, in the formats and spellings partnerships really send, with a
//! handful of deliberate mistakes. It also writes `input/README.md`, whose
//! table of mistakes is computed from the very rows written, so it cannot
//! drift from the files. Sheets meant to become `.ods` are written as `.xlsx`
//! to a staging folder; `scripts/make-sample.sh` converts them with
//! LibreOffice.
//!
//! The steps, one file each: [`partnerships`] (who, where, the register),
//! [`series`] (their monthly counts), [`layout`] (how each one lays out its
//! submissions), [`drafts`] (submissions as records), [`mistakes`] (the
//! deliberate mistakes, as a table), [`render`] (records to cells, noting
//! where each mistake landed), [`targets`] (the targets workbook) and
//! [`readme`] (`input/README.md`).

mod drafts;
mod layout;
mod mistakes;
mod partnerships;
mod readme;
mod render;
mod series;
mod targets;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::month::Month;
use crate::regions;
use crate::rng::Rng;
use crate::sheet::{self, Sheet};

use drafts::{Draft, plan};
use layout::Format;
use mistakes::inject;
use partnerships::{partnerships, register_sheet};
use readme::readme;
use render::{Tally, lock_file, notes_sheet, render};
use series::generate;
use targets::targets_sheet;

const SEED: u64 = 0x5053_2026_1031;
/// The last month any partnership reports on.
const LAST: Month = Month::new(2026, 10);
/// The month the programme's growth curve is anchored to.
const ANCHOR: Month = Month::new(2023, 9);

#[derive(Debug)]
pub struct Options {
    pub out: PathBuf,
    pub ods_staging: PathBuf,
    pub regions: PathBuf,
}

pub fn run(opts: &Options) -> Result<(), String> {
    let known: BTreeSet<String> = regions::read(&opts.regions)?
        .into_iter()
        .map(|m| m.code)
        .collect();
    let pps = partnerships();
    for p in &pps {
        if !known.contains(p.gemeente) {
            return Err(format!(
                "{}: {} is not in {}",
                p.id,
                p.gemeente,
                opts.regions.display()
            ));
        }
    }
    let mut rng = Rng::new(SEED);
    let data = generate(&pps, &mut rng);
    let mut drafts = plan(&pps, &data, &mut rng);
    let mut remarks = Vec::new();
    inject(&mut drafts, &pps, &data, &mut remarks);

    let mut findings = Vec::new();
    let mut tally = Tally::default();
    // Drafts sharing a path are the sheets of one workbook.
    let mut files: Vec<(&str, Vec<&Draft>)> = Vec::new();
    for draft in &drafts {
        match files.iter_mut().find(|(rel, _)| *rel == draft.rel) {
            Some((_, group)) => group.push(draft),
            None => files.push((&draft.rel, vec![draft])),
        }
    }
    for (rel, group) in &files {
        let mut sheets: Vec<Sheet> = group
            .iter()
            .map(|d| render(d, &mut findings, &mut tally))
            .collect();
        if group.iter().any(|d| d.layout.notes_sheet) {
            sheets.push(notes_sheet());
        }
        tally.files += 1;
        let target = opts.out.join(rel);
        match group[0].format {
            Format::Xlsx => {
                let bytes = sheet::xlsx_bytes(&sheets).map_err(|e| sheet::xlsx_msg(&target, &e))?;
                sheet::write_file(&target, &bytes)?;
            }
            Format::Ods => {
                let staged = opts.ods_staging.join(Path::new(rel).with_extension("xlsx"));
                let bytes = sheet::xlsx_bytes(&sheets).map_err(|e| sheet::xlsx_msg(&staged, &e))?;
                sheet::write_file(&staged, &bytes)?;
            }
            Format::Csv {
                delimiter,
                encoding,
            } => {
                sheet::write_file(&target, &sheet::csv_bytes(&sheets[0], delimiter, encoding))?;
            }
        }
    }

    let register = register_sheet(&pps);
    let path = opts.out.join("pps_register.xlsx");
    sheet::write_file(
        &path,
        &sheet::xlsx_bytes(&[register]).map_err(|e| sheet::xlsx_msg(&path, &e))?,
    )?;
    let (targets, target_rows, target_mistake) = targets_sheet(&pps, &data, &mut rng);
    let path = opts.out.join("streefwaarden.xlsx");
    sheet::write_file(
        &path,
        &sheet::xlsx_bytes(&[targets]).map_err(|e| sheet::xlsx_msg(&path, &e))?,
    )?;
    sheet::write_file(
        &opts
            .out
            .join("aanleveringen/digital-industry-boost/~$DIB_maandcijfers_2026.xlsx"),
        &lock_file(),
    )?;

    let readme = readme(
        &pps,
        &drafts,
        &findings,
        &target_mistake,
        &tally,
        target_rows,
        &remarks,
    );
    sheet::write_file(&opts.out.join("README.md"), readme.as_bytes())?;
    eprintln!(
        "sample: {} submission files ({} rows, {} blank), register, targets -> {}",
        tally.files,
        tally.read,
        tally.blank,
        opts.out.display()
    );
    Ok(())
}
