//! pps-monitor: the monthly monitor of public-private partnerships (PPS) in
//! Dutch vocational education.
//!
//! ```text
//!  input/ ──ingest──▶ typed rows ──validate──▶ accepted + rejects ──aggregate──▶ indicators ──publish──▶ output/<P>/
//!  (xlsx, xls,        with provenance           (findings are data)   (polars lazy plans)          kpi_export, report,
//!   ods, csv)                                                                                      rejects, datapackage,
//!                                                                                                  terugkoppeling/, manifest
//! ```

pub mod aggregate;
pub mod config;
pub mod error;
pub mod ingest;
mod memory;
pub mod model;
pub mod publish;
pub mod regions;
pub mod schema;
pub mod validate;

pub use error::Error;

use std::io::Write;
use std::path::PathBuf;

use config::{Command, Job};
use model::Month;
use validate::rules::Rule;

/// What a completed run tells the operator.
#[derive(Debug)]
pub struct Outcome {
    pub period: Month,
    /// `<output>/<P>/`, where everything was published.
    pub folder: PathBuf,
    pub files: usize,
    pub files_unreadable: usize,
    pub files_ignored: usize,
    pub sheets_ignored: usize,
    pub rows_read: usize,
    pub rows_accepted: usize,
    /// Rows (and unreadable files) with at least one broken rule.
    pub rows_rejected: usize,
    pub rows_duplicate: usize,
    pub rows_later: usize,
    /// Lines in the rejects file per rule, in rule order.
    pub rejects_by_rule: Vec<(Rule, usize)>,
    pub warnings: usize,
    pub outputs: Vec<String>,
    /// Partnerships that had to report on the period.
    pub expected_in_period: usize,
    /// Those without an accepted count row for it: (pps_id, naam), by pps_id.
    pub missing_in_period: Vec<(String, String)>,
    /// Accepted count rows for the period itself (0: no data for it at all).
    pub accepted_in_period: usize,
    /// The latest month with an accepted count row, up to the period.
    pub latest_with_data: Option<Month>,
    /// What small-count protection hid (`run` only).
    pub protection: Option<aggregate::Protection>,
}

impl Outcome {
    /// 0 when nothing was rejected, 3 otherwise.
    pub fn exit_code(&self) -> i32 {
        if self.rows_rejected == 0 {
            error::exit::OK
        } else {
            error::exit::REJECTS
        }
    }
}

/// Runs all parallel work of a run on polars' thread pool: ingest, polars
/// and the report writer then allocate on the same threads, so memory that
/// one stage frees is reused by the next instead of each stage growing its
/// own per-thread malloc arenas (about 35 MB less peak on 2,000 workbooks).
fn on_shared_pool<R: Send>(work: impl FnOnce() -> R + Send) -> R {
    polars_core::runtime::THREAD_POOL.install(work)
}

/// Runs `run` or `validate`: ingest → validate → aggregate → publish.
/// `progress` receives a line per stage; `started` is the run's start
/// time as text, for the lock file.
pub fn run(job: &Job, started: &str, progress: &(dyn Fn(&str) + Sync)) -> Result<Outcome, Error> {
    on_shared_pool(|| run_stages(job, started, progress))
}

fn run_stages(
    job: &Job,
    started: &str,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<Outcome, Error> {
    let lock = publish::lock(&job.output, started, &job.faults)?;
    for note in &lock.recovered {
        progress(note);
    }
    let clock = std::time::Instant::now();
    let lap = |stage: &str| {
        let peak = memory::peak_mb()
            .map(|mb| format!(", peak memory {mb} MB"))
            .unwrap_or_default();
        format!(
            "{stage} done at {:.3} s{peak}",
            clock.elapsed().as_secs_f64()
        )
    };

    let mut ingested = ingest::read(&job.input, Some(&job.output), &job.limits, progress)?;
    progress(&lap("ingest"));
    let validated = validate::check(&ingested, &job.regions, job.period, job.current_month)?;
    let period = validated.period;
    progress(&format!(
        "{}: period {period}, {} count rows accepted, {} rows or files rejected",
        lap("validation"),
        validated.accepted.counts.len(),
        validated.rejected_rows()
    ));
    let aggregated = if job.command == Command::Run {
        // The exports of P-1 and P-12 in the output folder: what they
        // published is public (contract section 7a).
        let earlier = aggregate::Earlier::read(&job.output, period);
        // The typed rows are no longer needed: they are freed, and what
        // ingest and validation freed is given back to the system, while
        // the polars plans run (the report writer, which needs the most,
        // comes after).
        let (aggregated, ()) = rayon::join(
            || {
                aggregate::aggregate_with(
                    &validated.accepted,
                    &job.regions,
                    &job.groups,
                    period,
                    job.threshold,
                    &earlier,
                )
            },
            || {
                ingested.release_rows();
                memory::release_free_memory();
            },
        );
        Some(aggregated?)
    } else {
        None
    };

    let mut staging = publish::Staging::new(&job.output, period, &job.faults)?;
    let protection = aggregated.as_ref().map(|a| a.protection.clone());
    let write_rejects = |staging: &publish::Staging| {
        staging.file(&format!("rejects_{period}.csv"), |w| {
            publish::rejects::write(&ingested, &validated.rejects, w)
        })
    };
    if let Some(aggregated) = aggregated {
        progress(&format!(
            "{}: {} indicator rows; small-count protection took {} ms",
            lap("aggregation"),
            aggregated.rows.len(),
            aggregated.protection_time.as_millis()
        ));
        let input = publish::report::ReportInput {
            job,
            period,
            ingested: &ingested,
            validated: &validated,
            aggregated: &aggregated,
        };
        // The report is most of the writing and its last step (the zip) runs
        // on one thread: it starts at once, on this thread, and the export,
        // the rejects and the consortia's feedback workbooks are written
        // meanwhile.
        let (report, (export, rejects, feedback)) = rayon::join(
            || {
                staging.file_at_path(&format!("report_{period}.xlsx"), |path| {
                    publish::report::write(&input, path)
                })
            },
            || {
                let export = staging.file(&format!("kpi_export_{period}.csv"), |w| {
                    publish::export::write(&aggregated.rows, period, w)
                });
                let rejects = write_rejects(&staging);
                let feedback = publish::feedback::Feedback::plan(
                    period,
                    &ingested,
                    &validated,
                    &aggregated.rows,
                )
                .write_all(&staging);
                (export, rejects, feedback)
            },
        );
        let (export, rejects) = (export?, rejects?);
        staging.record(export.clone());
        staging.record(report?);
        staging.record(rejects.clone());
        for output in feedback? {
            staging.record(output);
        }
        // The data package describes the export and the rejects file (with
        // their checksums).
        staging.record(staging.file(publish::datapackage::FILE, |w| {
            publish::datapackage::write(&publish::datapackage::build(period, &export, &rejects), w)
        })?);
        discard(aggregated);
    } else {
        staging.record(write_rejects(&staging)?);
    }
    job.faults.reached(publish::fault::Point::Writing);
    let outputs = staging.outputs().to_vec();
    let manifest = publish::manifest::build(
        job,
        period,
        &ingested,
        &validated,
        outputs,
        protection.as_ref(),
    );
    staging.write("manifest.json", |w| {
        serde_json::to_writer_pretty(&mut *w, &manifest)?;
        w.write_all(b"\n").map_err(serde_json::Error::io)
    })?;
    // The feedback workbooks (one per consortium) are one entry.
    let feedback_folder = format!("{}/", publish::feedback::FOLDER);
    let mut names: Vec<String> = staging
        .outputs()
        .iter()
        .map(|o| o.path.clone())
        .filter(|p| !p.starts_with(&feedback_folder))
        .collect();
    let books = staging.outputs().len() - names.len();
    if books > 0 {
        names.push(format!("{feedback_folder} ({books} xlsx)"));
    }
    names.sort();

    let folder = staging.commit()?;
    progress(&lap("publishing"));
    let mut outcome = outcome(period, folder, &ingested, &validated, names);
    outcome.protection = protection;
    discard((ingested, validated));
    drop(lock);
    Ok(outcome)
}

/// Frees what the run built on a thread of its own: hundreds of thousands
/// of small allocations (about 10 ms on the benchmark) that the caller need
/// not wait for; the command line exits without waiting. Frees in place
/// when no thread can be started.
fn discard<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new()
        .name("pps-discard".to_owned())
        .spawn(move || drop(value));
}

fn outcome(
    period: Month,
    folder: PathBuf,
    ingested: &ingest::Ingested,
    validated: &validate::Validated,
    outputs: Vec<String>,
) -> Outcome {
    use ingest::FileStatus;
    let total = validated.total();
    let status = publish::report::Status::new(validated, period);
    let counts = &validated.accepted.counts;
    let rejects_by_rule = Rule::ALL
        .into_iter()
        .map(|rule| {
            (
                rule,
                validated.rejects.iter().filter(|r| r.rule == rule).count(),
            )
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    Outcome {
        period,
        folder,
        files: ingested.files.len(),
        files_unreadable: ingested
            .files
            .iter()
            .filter(|f| f.status == FileStatus::Unreadable)
            .count(),
        files_ignored: ingested
            .files
            .iter()
            .filter(|f| f.status == FileStatus::Ignored)
            .count(),
        sheets_ignored: ingested
            .files
            .iter()
            .flat_map(|f| &f.sheets)
            .filter(|s| s.header.is_none() && !s.empty)
            .count(),
        rows_read: total.read,
        rows_accepted: total.accepted,
        rows_rejected: validated.rejected_rows(),
        rows_duplicate: total.duplicates,
        rows_later: total.later,
        rejects_by_rule,
        warnings: validated.warnings.len(),
        outputs,
        expected_in_period: status.expected_in_period(),
        missing_in_period: status
            .not_received_in_period()
            .into_iter()
            .map(|(id, naam, _)| (id.to_owned(), naam.to_owned()))
            .collect(),
        accepted_in_period: counts.iter().filter(|c| c.month == period).count(),
        latest_with_data: counts
            .iter()
            .map(|c| c.month)
            .filter(|m| *m <= period)
            .max(),
        protection: None,
    }
}
