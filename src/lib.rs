//! pps-monitor: the monthly monitor of public-private partnerships (PPS) in
//! Dutch vocational education.
//!
//! ```text
//!  input/ ──ingest──▶ typed rows ──validate──▶ accepted + rejects ──aggregate──▶ indicators ──publish──▶ output/<P>/
//!  (xlsx, xls,        with provenance           (findings are data)   (polars lazy plans)          kpi_export, report,
//!   ods, csv)                                                                                      rejects, datapackage,
//!                                                                                                  terugkoppeling/, manifest
//! ```
//!
//! [`run`] calls the four stages in this order and nothing else: each
//! stage's threads live inside it (ingest reads files side by side, publish
//! writes the report beside the other files), and `memory` frees what a
//! stage leaves behind while the next one works.

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

/// Runs `run` or `validate`: ingest → validate → aggregate → publish.
/// `progress` receives a line per stage; `started` is the run's start
/// time as text, for the lock file.
pub fn run(job: &Job, started: &str, progress: &(dyn Fn(&str) + Sync)) -> Result<Outcome, Error> {
    memory::share_arenas();
    // Held from before the first input is read until the run has published.
    let lock = publish::lock(&job.output, started, &job.faults)?;
    for note in &lock.recovered {
        progress(note);
    }
    let laps = Laps::start(progress);

    let mut ingested = ingest::read(&job.input, Some(&job.output), &job.limits, progress)?;
    laps.done("ingest", "");

    let validated = validate::check(&ingested, &job.regions, job.period, job.current_month)?;
    let period = validated.period;
    laps.done(
        "validation",
        &format!(
            ": period {period}, {} count rows accepted, {} rows or files rejected",
            validated.accepted.counts.len(),
            validated.rejected_rows()
        ),
    );
    let aggregated = match job.command {
        Command::Run => {
            // Validation was the last reader of the typed rows: the
            // aggregation reuses their memory. (`validate` only writes two
            // small files before it exits: freeing them would cost it time.)
            memory::discard(ingested.take_rows());
            Some(aggregate::run(job, &validated.accepted, period)?)
        }
        Command::Validate => None,
    };
    if let Some(a) = &aggregated {
        laps.done(
            "aggregation",
            &format!(
                ": {} indicator rows; small-count protection took {} ms",
                a.rows.len(),
                a.protection_time.as_millis()
            ),
        );
    }

    let published = publish::publish(&publish::Results {
        job,
        period,
        ingested: &ingested,
        validated: &validated,
        aggregated: aggregated.as_ref(),
    })?;
    laps.done("publishing", "");

    let mut outcome = outcome(
        period,
        published.folder,
        &ingested,
        &validated,
        published.outputs,
    );
    outcome.protection = aggregated.as_ref().map(|a| a.protection.clone());
    memory::discard((ingested, validated, aggregated));
    drop(lock);
    Ok(outcome)
}

/// The progress line at the end of each stage: the time since the run
/// started and the peak memory so far.
struct Laps<'a> {
    clock: std::time::Instant,
    progress: &'a (dyn Fn(&str) + Sync),
}

impl<'a> Laps<'a> {
    fn start(progress: &'a (dyn Fn(&str) + Sync)) -> Laps<'a> {
        Laps {
            clock: std::time::Instant::now(),
            progress,
        }
    }

    fn done(&self, stage: &str, detail: &str) {
        let peak = memory::peak_mb()
            .map(|mb| format!(", peak memory {mb} MB"))
            .unwrap_or_default();
        (self.progress)(&format!(
            "{stage} done at {:.3} s{peak}{detail}",
            self.clock.elapsed().as_secs_f64()
        ));
    }
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
    Outcome {
        period,
        folder,
        files: ingested.files.len(),
        files_unreadable: ingested.files_with(FileStatus::Unreadable),
        files_ignored: ingested.files_with(FileStatus::Ignored),
        sheets_ignored: ingested.sheets_ignored(),
        rows_read: total.read,
        rows_accepted: total.accepted,
        rows_rejected: validated.rejected_rows(),
        rows_duplicate: total.duplicates,
        rows_later: total.later,
        rejects_by_rule: validated.rejects_by_rule(),
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
