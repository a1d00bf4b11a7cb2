//! pps-fuzz: a mutation fuzzer for pps-monitor's ingest and validation.
//!
//! ```text
//! pps-fuzz [--executions N] [--seed S] [--workers W] …   fuzz cases start..start+N
//! pps-fuzz case --index I --write FILE                   write case I of seed S
//! pps-fuzz replay FILE…                                  run files, print how each ends
//! pps-fuzz minimize FILE --write SMALL                   shrink a crashing file
//! ```
//!
//! Seeds are the spreadsheets below `--corpus` (default `input/` and
//! `tests/fixtures/office/`); [`mutate`] describes the mutations. Case `i`
//! of seed `S` is always the same bytes, so a case is named by `(S, i)`.
//! Cases run in-process in worker children ([`worker`]: memory-limited with
//! `setrlimit(RLIMIT_AS)`), supervised by the parent ([`pool`]: watchdog,
//! restarts, crash sites, figures). Run from the repository root.

mod corpus;
mod minimize;
mod mutate;
mod pool;
mod rng;
mod worker;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};

#[global_allocator]
static ALLOCATOR: worker::NamingAllocator = worker::NamingAllocator;

#[derive(Debug, Parser)]
#[command(
    name = "pps-fuzz",
    about = "Mutation fuzzer for pps-monitor's ingest and validation"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Sub>,
    /// Seed of the run: case i of seed S is always the same file.
    #[arg(long, default_value_t = 1, global = true)]
    seed: u64,
    /// Folders whose spreadsheets are the seeds (repeatable).
    #[arg(long, global = true)]
    corpus: Vec<PathBuf>,
    /// Files ingested once and validated with every case: the register and
    /// the targets (repeatable).
    #[arg(long, global = true)]
    base: Vec<PathBuf>,
    /// Address-space limit of each worker, in MiB.
    #[arg(long, default_value_t = 2048, global = true)]
    memory_mib: u64,
    /// Seconds a case may run before its worker is killed.
    #[arg(long, default_value_t = 10.0, global = true)]
    timeout: f64,
    /// Number of cases to run.
    #[arg(long, default_value_t = 10_000)]
    executions: u64,
    /// First case index (to continue an earlier run).
    #[arg(long, default_value_t = 0)]
    start: u64,
    /// Worker processes.
    #[arg(long, default_value_t = 1)]
    workers: usize,
    /// Cases sent to a worker at a time.
    #[arg(long, default_value_t = 16)]
    batch: usize,
    /// Where crashing cases and the summary go.
    #[arg(long, default_value = "target/pps-fuzz")]
    out: PathBuf,
    /// Stop handing out cases after this many seconds.
    #[arg(long)]
    max_seconds: Option<u64>,
    /// Seconds between progress lines.
    #[arg(long, default_value_t = 30)]
    progress: u64,
}

#[derive(Debug, Subcommand)]
enum Sub {
    /// Internal: run cases sent on stdin (started by the parent).
    #[command(hide = true)]
    Worker,
    /// Write case INDEX of the seed to a file and print its mutations.
    Case {
        #[arg(long)]
        index: u64,
        #[arg(long)]
        write: PathBuf,
    },
    /// Run files through ingest and validation, each in a worker; print
    /// how each ended.
    Replay { files: Vec<PathBuf> },
    /// Shrink a crashing file while it crashes the same way.
    Minimize {
        file: PathBuf,
        #[arg(long)]
        write: PathBuf,
        /// Maximum number of attempts.
        #[arg(long, default_value_t = 600)]
        budget: usize,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("pps-fuzz: {message}");
            ExitCode::from(1)
        }
    }
}

fn run(mut cli: Cli) -> Result<ExitCode, String> {
    if cli.corpus.is_empty() {
        cli.corpus = vec![
            PathBuf::from("input"),
            PathBuf::from("tests/fixtures/office"),
        ];
    }
    if cli.base.is_empty() {
        cli.base = vec![
            PathBuf::from("input/pps_register.xlsx"),
            PathBuf::from("input/streefwaarden.xlsx"),
        ];
    }
    let timeout = Duration::from_secs_f64(cli.timeout.max(0.1));
    let spawn = pool::Spawn {
        args: worker_args(&cli),
    };
    match cli.command {
        Some(Sub::Worker) => {
            worker::main(&worker::Settings {
                seed: cli.seed,
                corpus: cli.corpus,
                base: cli.base,
                memory_mib: cli.memory_mib,
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Sub::Case { index, write }) => {
            let corpus = corpus::Corpus::load(&cli.corpus)?;
            let case = mutate::generate(&corpus, cli.seed, index);
            std::fs::write(&write, &case.bytes).map_err(|e| format!("{}: {e}", write.display()))?;
            println!(
                "{} ({} bytes, read as {})",
                case.describe(),
                case.bytes.len(),
                case.name
            );
            Ok(ExitCode::SUCCESS)
        }
        Some(Sub::Replay { files }) => {
            let mut single = pool::Single::new(spawn, timeout);
            let mut bad = false;
            for file in &files {
                let v = single.run(file)?;
                bad |= !v.signature.starts_with("ok:") && !v.signature.starts_with("caught");
                println!(
                    "{}\t{}\t{:.1} ms\t{:.1} MB\t{}",
                    file.display(),
                    v.signature,
                    v.micros as f64 / 1000.0,
                    v.peak_kb as f64 / 1024.0,
                    v.message
                );
            }
            single.close();
            Ok(if bad {
                ExitCode::from(3)
            } else {
                ExitCode::SUCCESS
            })
        }
        Some(Sub::Minimize {
            file,
            write,
            budget,
        }) => {
            let mut single = pool::Single::new(spawn, timeout);
            let first = single.run(&file)?;
            if first.signature.starts_with("ok:") {
                single.close();
                return Err(format!(
                    "{} does not crash ({})",
                    file.display(),
                    first.signature
                ));
            }
            let bytes = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            let name = file.file_name().map_or_else(
                || "case.xlsx".to_owned(),
                |n| n.to_string_lossy().into_owned(),
            );
            let scratch = std::env::temp_dir().join(format!("pps-fuzz-min-{}", std::process::id()));
            std::fs::create_dir_all(&scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
            let (small, attempts) = minimize::minimize(
                &mut single,
                &scratch,
                &name,
                &bytes,
                &first.signature,
                budget,
            )?;
            single.close();
            let _ = std::fs::remove_dir_all(&scratch);
            std::fs::write(&write, &small).map_err(|e| format!("{}: {e}", write.display()))?;
            println!(
                "{}: {} -> {} bytes in {attempts} attempts; {}",
                first.signature,
                bytes.len(),
                small.len(),
                write.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        None => {
            let corpus = corpus::Corpus::load(&cli.corpus)?;
            let kinds: Vec<String> = corpus::Kind::ALL
                .iter()
                .map(|k| format!("{} {}", corpus.of_kind(*k).len(), k.name()))
                .collect();
            eprintln!(
                "pps-fuzz: {} seeds ({}), seed {}, cases {}..{}, {} worker(s) of {} MiB, timeout {:?}",
                corpus.seeds.len(),
                kinds.join(", "),
                cli.seed,
                cli.start,
                cli.start + cli.executions,
                cli.workers,
                cli.memory_mib,
                timeout
            );
            let run = pool::Run {
                seed: cli.seed,
                start: cli.start,
                executions: cli.executions,
                workers: cli.workers,
                batch: cli.batch.max(1),
                timeout,
                out: cli.out,
                progress: Duration::from_secs(cli.progress.max(1)),
                max_time: cli.max_seconds.map(Duration::from_secs),
            };
            let tally = pool::fuzz(&run, &spawn, &corpus)?;
            let (crash, _) = tally.site_counts();
            Ok(if crash == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(3)
            })
        }
    }
}

/// The options a worker needs, as arguments placed before `worker`.
fn worker_args(cli: &Cli) -> Vec<String> {
    let mut args = vec![
        "--seed".to_owned(),
        cli.seed.to_string(),
        "--memory-mib".to_owned(),
        cli.memory_mib.to_string(),
    ];
    for c in &cli.corpus {
        args.push("--corpus".to_owned());
        args.push(c.display().to_string());
    }
    for b in &cli.base {
        args.push("--base".to_owned());
        args.push(b.display().to_string());
    }
    args
}
