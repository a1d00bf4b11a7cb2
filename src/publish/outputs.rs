//! The publish stage: every output file of one run, written into a staging
//! folder and put in place as `<output>/<P>/` in one step.
//!
//! Takes what the stages before produced ([`Results`]); returns where it
//! was published and what ([`Published`]). Each kind of output file is one
//! [`Output`]: it writes its file (the feedback workbooks: its folder of
//! files) into the [`Staging`] folder and returns each file with its
//! checksum. `run` writes the export, the report, the rejects file, the
//! feedback workbooks and the data package; `validate` only the rejects
//! file; both end with the manifest, which lists the others. Any write
//! error is [`Error::Output`] or [`Error::Io`] with the file's path, and
//! nothing is published (the staging folder is removed).

use std::io::Write as _;
use std::path::PathBuf;

use super::{Staging, datapackage, export, fault::Point, feedback, manifest, rejects, report};
use crate::aggregate::Aggregated;
use crate::config::Job;
use crate::error::Error;
use crate::ingest::Ingested;
use crate::model::Month;
use crate::validate::Validated;

/// What the outputs are made of: the job and the results of the stages
/// before publishing (no aggregation for `validate`).
#[derive(Clone, Copy, Debug)]
pub struct Results<'a> {
    pub job: &'a Job,
    pub period: Month,
    pub ingested: &'a Ingested,
    pub validated: &'a Validated,
    pub aggregated: Option<&'a Aggregated>,
}

/// A published run.
#[derive(Debug)]
pub struct Published {
    /// `<output>/<P>/`.
    pub folder: PathBuf,
    /// The files written, for the operator: sorted, the feedback
    /// workbooks as one entry (`terugkoppeling/ (12 xlsx)`).
    pub outputs: Vec<String>,
}

/// Where an [`Output`] writes, and what it may describe.
#[derive(Clone, Copy, Debug)]
pub struct Writing<'a> {
    pub results: &'a Results<'a>,
    pub staging: &'a Staging,
    /// The files written before this one (the data package and the
    /// manifest describe them).
    pub before: &'a [manifest::Output],
}

/// One kind of output file.
pub trait Output: Sync {
    /// Writes the file(s) into the staging folder and returns each with
    /// its checksum, in manifest order.
    fn write(&self, at: Writing<'_>) -> Result<Vec<manifest::Output>, Error>;
}

/// `kpi_export_<P>.csv`, for the ministry.
#[derive(Debug)]
pub struct Export<'a>(pub &'a Aggregated);

/// `report_<P>.xlsx`, for the programme office.
#[derive(Debug)]
pub struct Report<'a>(pub &'a Aggregated);

/// `rejects_<P>.csv`, for the partnerships.
#[derive(Debug)]
pub struct Rejects;

/// `terugkoppeling/<consortium>.xlsx`, one workbook per consortium.
#[derive(Debug)]
pub struct Feedback<'a>(pub &'a Aggregated);

/// `datapackage.json`: describes the export and the rejects file.
#[derive(Debug)]
pub struct DataPackage;

/// `manifest.json`: inputs, accounting, warnings and every file before it.
#[derive(Debug)]
pub struct Manifest;

/// The file name of a CSV output of period `period`.
fn csv_name(stem: &str, period: Month) -> String {
    format!("{stem}_{period}.csv")
}

impl Output for Export<'_> {
    fn write(&self, at: Writing<'_>) -> Result<Vec<manifest::Output>, Error> {
        let period = at.results.period;
        let file = at.staging.file(&csv_name("kpi_export", period), |w| {
            export::write(&self.0.rows, period, w)
        })?;
        Ok(vec![file])
    }
}

impl Output for Report<'_> {
    fn write(&self, at: Writing<'_>) -> Result<Vec<manifest::Output>, Error> {
        let input = report::ReportInput {
            results: at.results,
            aggregated: self.0,
        };
        let name = format!("report_{}.xlsx", at.results.period);
        let file = at
            .staging
            .file_at_path(&name, |path| report::write(&input, path))?;
        Ok(vec![file])
    }
}

impl Output for Rejects {
    fn write(&self, at: Writing<'_>) -> Result<Vec<manifest::Output>, Error> {
        let file = at
            .staging
            .file(&csv_name("rejects", at.results.period), |w| {
                rejects::write(&at.results.validated.rejects, w)
            })?;
        Ok(vec![file])
    }
}

impl Output for Feedback<'_> {
    fn write(&self, at: Writing<'_>) -> Result<Vec<manifest::Output>, Error> {
        feedback::Feedback::plan(at.results.period, at.results.validated, &self.0.rows)
            .write_all(at.staging)
    }
}

impl Output for DataPackage {
    fn write(&self, at: Writing<'_>) -> Result<Vec<manifest::Output>, Error> {
        let written = |stem: &str| {
            let name = csv_name(stem, at.results.period);
            at.before
                .iter()
                .find(|o| o.path == name)
                .ok_or_else(|| Error::Output {
                    path: at.staging.target().join(datapackage::FILE),
                    message: format!("the data package describes {name}, which was not written"),
                })
        };
        let descriptor = datapackage::build(
            at.results.period,
            written("kpi_export")?,
            written("rejects")?,
        );
        let file = at
            .staging
            .file(datapackage::FILE, |w| datapackage::write(&descriptor, w))?;
        Ok(vec![file])
    }
}

impl Output for Manifest {
    fn write(&self, at: Writing<'_>) -> Result<Vec<manifest::Output>, Error> {
        let manifest = manifest::build(
            at.results.job,
            at.results.period,
            at.results.ingested,
            at.results.validated,
            at.before.to_vec(),
            at.results.aggregated.map(|a| &a.protection),
        );
        let file = at.staging.file("manifest.json", |w| {
            serde_json::to_writer_pretty(&mut *w, &manifest)?;
            w.write_all(b"\n").map_err(serde_json::Error::io)
        })?;
        Ok(vec![file])
    }
}

/// Writes every output of the run into a staging folder and publishes it
/// as `<output>/<P>/` (see the module documentation of `publish` for the
/// steps and what a crash at each leaves).
pub fn publish(results: &Results<'_>) -> Result<Published, Error> {
    let job = results.job;
    let staging = Staging::new(&job.output, results.period, &job.faults)?;
    let mut written = Vec::new();
    if let Some(aggregated) = results.aggregated {
        // The report is most of the writing and its last step (the zip)
        // runs on one thread: it starts at once, on this thread, and the
        // export, the rejects file and the feedback workbooks are written
        // meanwhile.
        let write = |output: &dyn Output| {
            output.write(Writing {
                results,
                staging: &staging,
                before: &[],
            })
        };
        let (report, others) = rayon::join(
            || write(&Report(aggregated)),
            || -> Result<_, Error> {
                Ok((
                    write(&Export(aggregated))?,
                    write(&Rejects)?,
                    write(&Feedback(aggregated))?,
                ))
            },
        );
        let (export, rejects, feedback) = others?;
        written.extend(export);
        written.extend(report?);
        written.extend(rejects);
        written.extend(feedback);
        let package = DataPackage.write(Writing {
            results,
            staging: &staging,
            before: &written,
        })?;
        written.extend(package);
    } else {
        written.extend(Rejects.write(Writing {
            results,
            staging: &staging,
            before: &[],
        })?);
    }
    job.faults.reached(Point::Writing);
    let manifest = Manifest.write(Writing {
        results,
        staging: &staging,
        before: &written,
    })?;
    written.extend(manifest);

    let folder = staging.commit()?;
    Ok(Published {
        folder,
        outputs: summary(&written),
    })
}

/// The file names for the operator, sorted, the feedback workbooks as one
/// entry.
fn summary(written: &[manifest::Output]) -> Vec<String> {
    let folder = format!("{}/", feedback::FOLDER);
    let mut names: Vec<String> = written
        .iter()
        .map(|o| o.path.clone())
        .filter(|p| !p.starts_with(&folder))
        .collect();
    let books = written.len() - names.len();
    if books > 0 {
        names.push(format!("{folder} ({books} xlsx)"));
    }
    names.sort();
    names
}
