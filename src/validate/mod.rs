//! Validation: typed rows → accepted data + findings.
//!
//! Takes what ingest read and the region reference; returns the rows that
//! break no rule (deduplicated, count rows after the reporting period set
//! aside as `later`), one [`Reject`] per broken rule, warnings, and the
//! row accounting of every sheet: the tally of each row's [`Fate`],
//! recorded where it is decided (see `accounting`). A bad row is a
//! finding, never an error; the errors are a missing register, a period
//! that cannot be determined, and [`Error::Internal`] when the accounting
//! finds a row without a fate (a bug, never bad input).
//!
//! The files: `findings` collects rejects, warnings and fates; `sheets`,
//! `register`, `targets` and `counts` hold the rules; `duplicates` the
//! duplicate check; `accounting` the fates and their tally.

mod accounting;
mod counts;
mod duplicates;
mod findings;
mod register;
pub mod rules;
mod sheets;
mod targets;
#[cfg(test)]
mod tests;

use crate::config::PeriodChoice;
use crate::error::Error;
use crate::ingest::{Ingested, Provenance};
use crate::model::{Accepted, CountRecord, Month, Partnership};
use crate::regions::Regions;
use findings::Checker;
use rules::Rule;

pub use accounting::{Fate, SheetCount};

/// One line of the rejects file.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Reject {
    /// The row (or, for `unreadable_file`, the file) it is about.
    pub at: Provenance,
    /// Index of the column in its table (for ordering); 0 for a file.
    pub column_index: usize,
    /// The column header as found (or the contract name when missing).
    pub column: String,
    /// The raw cell value.
    pub value: String,
    pub rule: Rule,
    pub message: String,
    /// The row's partnership and month where they could be read (for the
    /// report's submission status).
    pub pps_id: Option<String>,
    pub month: Option<Month>,
}

/// Something worth knowing that rejects nothing.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Warning {
    /// The row, sheet or file it is about.
    pub at: Provenance,
    pub column: String,
    pub message: String,
}

/// The outcome of validation.
#[derive(Debug)]
pub struct Validated {
    pub period: Month,
    pub accepted: Accepted,
    /// Sorted by provenance, column, rule.
    pub rejects: Vec<Reject>,
    /// Sorted by provenance.
    pub warnings: Vec<Warning>,
    /// `[file][sheet]`, parallel to `Ingested::files[..].sheets`.
    pub accounting: Vec<Vec<SheetCount>>,
}

impl Validated {
    /// The row accounting of all sheets together.
    pub fn total(&self) -> SheetCount {
        let mut total = SheetCount::default();
        for count in self.accounting.iter().flatten() {
            total += *count;
        }
        total
    }

    /// Rejected rows (and unreadable files), the figure behind exit code 3.
    pub fn rejected_rows(&self) -> usize {
        let mut places: Vec<&Provenance> = self.rejects.iter().map(|r| &r.at).collect();
        places.dedup();
        places.len()
    }

    /// Lines in the rejects file per rule, in rule order, rules without
    /// any left out.
    pub fn rejects_by_rule(&self) -> Vec<(Rule, usize)> {
        let mut lines = [0; Rule::ALL.len()];
        for r in &self.rejects {
            lines[r.rule as usize] += 1;
        }
        Rule::ALL
            .into_iter()
            .zip(lines)
            .filter(|&(_, n)| n > 0)
            .collect()
    }
}

/// Checks everything that was read. `period` decides which count rows are
/// `later`; `latest` becomes the latest month with an accepted row.
/// `current` is the current calendar month ("today"): count rows for a
/// month after it are `future_period`, so they never decide `latest`.
pub fn check(
    ingested: &Ingested,
    regions: &Regions,
    period: PeriodChoice,
    current: Month,
) -> Result<Validated, Error> {
    let mut ck = Checker::new(ingested);

    sheets::files_and_sheets(&mut ck);
    let (partnerships, register_rejects) = register::register(&mut ck, regions)?;
    let targets = targets::targets(&mut ck, &partnerships, &register_rejects);
    let kept_counts = counts::counts(&mut ck, &partnerships, &register_rejects, current);

    let period = match period {
        PeriodChoice::Month(m) => m,
        PeriodChoice::Latest => {
            kept_counts
                .iter()
                .map(|c| c.key.1)
                .max()
                .ok_or_else(|| Error::NoPeriod {
                    path: ingested.root.clone(),
                })?
        }
    };
    // Filtered and converted in place (the list can be long).
    let counts: Vec<CountRecord> = kept_counts
        .into_iter()
        .filter_map(|c| {
            if c.key.1 > period {
                ck.decide(&c.row, Fate::Later);
                None
            } else {
                ck.decide(&c.row, Fate::Accepted);
                Some(CountRecord {
                    pps_id: c.key.0,
                    month: c.key.1,
                    values: c.values,
                })
            }
        })
        .collect();

    let accounting = accounting::account(&ck)?;
    accounting::check_accepted(
        &accounting,
        partnerships.len() + targets.len() + counts.len(),
    )?;
    let Checker {
        mut rejects,
        mut warnings,
        ..
    } = ck;
    rejects.sort_by(|a, b| (&a.at, a.column_index, a.rule).cmp(&(&b.at, b.column_index, b.rule)));
    warnings.sort_by(|a, b| a.at.cmp(&b.at));
    let mut partnerships: Vec<Partnership> = partnerships.into_values().collect();
    partnerships.sort_by(|a, b| a.pps_id.cmp(&b.pps_id));
    Ok(Validated {
        period,
        accepted: Accepted {
            partnerships,
            counts,
            targets,
        },
        rejects,
        warnings,
        accounting,
    })
}
