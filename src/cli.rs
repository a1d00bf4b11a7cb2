//! The command line: the only place that knows clap and the environment.
//!
//! Parses flags, resolves the [`Job`], calls the library and turns the
//! result into a printed summary and an exit code (contract section 1).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use pps_monitor::config::{Command, Flags, Job};
use pps_monitor::error::{Error, exit};
use pps_monitor::{Outcome, publish};

/// Monthly monitor of public-private partnerships (PPS) in Dutch vocational
/// education: reads the partnerships' spreadsheets, validates every row,
/// computes the indicators per region and publishes the report, the
/// ministry export, the rejects file and a manifest.
#[derive(Debug, Parser)]
#[command(name = "pps-monitor", version, about, long_about = None, after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Sub,
}

#[derive(Debug, Subcommand)]
enum Sub {
    /// Do the whole job: read, validate, aggregate, publish all outputs.
    #[command(after_help = EXIT_CODES)]
    Run(JobArgs),
    /// Read and validate everything; write only the rejects file and the manifest.
    #[command(after_help = EXIT_CODES)]
    Validate(JobArgs),
    /// Write an empty submission workbook that partnerships can fill in.
    Template(TemplateArgs),
}

#[derive(Debug, Args)]
struct JobArgs {
    /// Configuration file [default: config/pps-monitor.toml, if present]
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Folder with the submitted spreadsheets [default: input]
    #[arg(long, value_name = "DIR")]
    input: Option<PathBuf>,
    /// Folder for the outputs; they go to DIR/<period>/ [default: output]
    #[arg(long, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Reporting month: YYYY-MM, `latest` or `previous` [default: latest]
    #[arg(long, value_name = "P")]
    period: Option<String>,
}

#[derive(Debug, Args)]
struct TemplateArgs {
    /// Where to write the workbook
    #[arg(
        long,
        value_name = "FILE",
        default_value = "output/aanleveringssjabloon.xlsx"
    )]
    output: PathBuf,
}

/// The exit codes of the data contract, shown under `--help`.
const EXIT_CODES: &str = "\
Exit codes:
  0  success, nothing rejected
  3  the run completed and wrote all outputs, but some input rows (or whole
     unreadable files) were rejected: see <output>/<P>/rejects_<P>.csv
  1  fatal error (unreadable or invalid configuration, missing input folder,
     no register found, failure to write outputs, another run holds the
     lock): nothing new was published, earlier outputs are untouched
  2  usage error (unknown flag or subcommand, malformed --period)";

/// Partnerships without an accepted submission named in the summary.
const NAMED: usize = 10;

/// Environment variable that fixes "today" (YYYY-MM-DD), for tests and
/// for re-running a missed cron job with `--period previous`.
const TODAY_VAR: &str = "PPS_MONITOR_TODAY";
/// Test-only fault hooks (see `publish::fault`); read only in builds with
/// the feature `fault-injection`, which only `cargo test` turns on.
#[cfg(feature = "fault-injection")]
const FAULTS_VAR: &str = "PPS_MONITOR_FAULTS";

/// Parses the command line and runs; returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            };
        }
    };
    // What a fatal error leaves behind, in the operator's words.
    let (result, untouched) = match cli.command {
        Sub::Run(args) => (
            job(Command::Run, args),
            "nothing was published; earlier outputs are untouched",
        ),
        Sub::Validate(args) => (
            job(Command::Validate, args),
            "nothing was published; earlier outputs are untouched",
        ),
        Sub::Template(args) => (
            template(&args),
            "no template was written; an earlier one is untouched",
        ),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("pps-monitor: error: {e}");
            if e.exit_code() == exit::FATAL {
                eprintln!("pps-monitor: {untouched}");
            }
            e.exit_code()
        }
    }
}

fn today() -> Result<chrono::NaiveDate, Error> {
    match std::env::var(TODAY_VAR) {
        Ok(text) => chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map_err(|_| Error::Usage(format!("{TODAY_VAR}=`{text}` is not a date YYYY-MM-DD"))),
        Err(_) => Ok(chrono::Local::now().date_naive()),
    }
}

fn cwd() -> Result<PathBuf, Error> {
    std::env::current_dir().map_err(|source| Error::Io {
        path: PathBuf::from("."),
        action: "determine the current folder",
        source,
    })
}

fn job(command: Command, args: JobArgs) -> Result<i32, Error> {
    let flags = Flags {
        config: args.config,
        input: args.input,
        output: args.output,
        period: args.period,
    };
    let job = Job::resolve(command, &flags, &cwd()?, today()?)?;
    #[cfg(feature = "fault-injection")]
    let job = Job {
        faults: match std::env::var_os(FAULTS_VAR) {
            Some(spec) => publish::fault::Faults::parse(&spec.to_string_lossy())
                .map_err(|e| Error::Usage(format!("{FAULTS_VAR}: {e}")))?,
            None => publish::fault::Faults::default(),
        },
        ..job
    };
    let started = chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string();
    let progress = |line: &str| eprintln!("pps-monitor: {line}");
    let outcome = pps_monitor::run(&job, &started, &progress)?;
    print_summary(&outcome);
    Ok(outcome.exit_code())
}

fn print_summary(o: &Outcome) {
    if o.accepted_in_period == 0 {
        let latest = o.latest_with_data.map_or_else(
            || "there is no accepted submission for any month up to it".to_owned(),
            |m| format!("the latest month with data is {m}"),
        );
        eprintln!(
            "pps-monitor: warning: no accepted submission for {} at all: its month figures are 0 \
             and every partnership counts as missing; {latest}. Is --period right?",
            o.period
        );
    }
    println!("Period {}: published to {}", o.period, o.folder.display());
    println!(
        "  files: {} ({} unreadable, {} not read); sheets ignored: {}",
        o.files, o.files_unreadable, o.files_ignored, o.sheets_ignored
    );
    println!(
        "  rows: {} read, {} accepted, {} rejected, {} duplicate, {} after the period",
        o.rows_read, o.rows_accepted, o.rows_rejected, o.rows_duplicate, o.rows_later
    );
    for (rule, n) in &o.rejects_by_rule {
        println!("    {n:>6}  {rule}");
    }
    println!("  warnings: {} (see manifest.json)", o.warnings);
    println!(
        "  partnerships without an accepted submission for {}: {} of {}",
        o.period,
        o.missing_in_period.len(),
        o.expected_in_period
    );
    for (id, naam) in o.missing_in_period.iter().take(NAMED) {
        println!("    {id}  {naam}");
    }
    if o.missing_in_period.len() > NAMED {
        println!(
            "    ... and {} more (report sheet Aanleverstatus)",
            o.missing_in_period.len() - NAMED
        );
    }
    if let Some(p) = &o.protection {
        print_protection(p);
    }
    println!("  outputs: {}", o.outputs.join(", "));
    if o.rows_rejected > 0 {
        println!(
            "Some input was rejected: see {}/rejects_{}.csv (exit code 3).",
            o.folder.display(),
            o.period
        );
    }
}

/// Small-count protection: primary and secondary cells per level.
fn print_protection(p: &pps_monitor::aggregate::Protection) {
    if p.threshold == 0 {
        println!("  small-count protection: off (threshold 0)");
        return;
    }
    let share = p
        .secondary_share()
        .map(|r| format!("{}%", r.format()))
        .unwrap_or_default();
    println!(
        "  suppressed (threshold {}): {} primary, {} secondary ({share} of {} count cells); P-1 export {}",
        p.threshold, p.primary, p.secondary, p.count_cells, p.previous_export
    );
    let per_level: Vec<String> = p
        .levels
        .iter()
        .filter(|l| l.primary + l.secondary > 0)
        .map(|l| format!("{} {}+{}", l.level, l.primary, l.secondary))
        .collect();
    if !per_level.is_empty() {
        println!(
            "    per level (primary+secondary): {}",
            per_level.join(", ")
        );
    }
    let previous: usize = p.previous_primaries.iter().map(|l| l.primary).sum();
    if previous > 0 {
        println!("    P-1 primary cells protected too: {previous}");
    }
    if !p.warnings.is_empty() {
        println!(
            "    protection warnings: {} (see manifest.json)",
            p.warnings.len()
        );
    }
}

/// `template`: the submission workbook, with the register's `pps_id`s as a
/// drop-down list when the default configuration finds a register.
fn template(args: &TemplateArgs) -> Result<i32, Error> {
    let cwd = cwd()?;
    let path = cwd.join(&args.output);
    let job = Job::resolve(Command::Validate, &Flags::default(), &cwd, today()?)?;
    let ids = publish::template::register_ids(&job)?;
    publish::template::save(&path, ids.as_deref().unwrap_or_default())?;
    match ids {
        Some(ids) => println!(
            "Template written to {} ({} partnership id(s) offered in a list).",
            path.display(),
            ids.len()
        ),
        None => println!(
            "Template written to {} (no register found under {}: no list of partnership ids).",
            path.display(),
            job.input.display()
        ),
    }
    Ok(exit::OK)
}
