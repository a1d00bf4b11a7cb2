//! `pps-sample`: data for pps-monitor that is made rather than collected.
//!
//! - `sample`: the committed sample input (`input/`), deterministic;
//! - `bench`: large generated input for benchmarks;
//! - `fixtures`: the sources LibreOffice turns into `tests/fixtures/office/`;
//! - `read-cells`: the benchmark baseline, calamine reading every cell;
//! - `dump`: what calamine sees in a workbook, cell by cell;
//! - `normalize-zip`: fixed timestamps in LibreOffice's zip output.

mod bench;
mod dump;
mod fixtures;
mod month;
mod normalize;
mod read_cells;
mod regions;
mod rng;
mod sample;
mod sheet;
mod workbooks;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "pps-sample",
    version,
    about = "Sample, benchmark and fixture data for pps-monitor"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write the committed sample input (deterministic: same bytes every run).
    Sample {
        /// Folder to write into (normally `input`).
        #[arg(long)]
        out: PathBuf,
        /// Where to put the workbooks that are to become `.ods` (as `.xlsx`,
        /// same relative paths); scripts/make-sample.sh converts them.
        #[arg(long, default_value = "target/pps-sample/ods-staging")]
        ods_staging: PathBuf,
        /// The region reference; every municipality code used must be in it.
        #[arg(long, default_value = "config/regions.csv")]
        regions: PathBuf,
    },
    /// Write a large, valid input for benchmarks.
    Bench {
        #[arg(long, default_value_t = 2000)]
        partnerships: usize,
        /// Months per partnership, ending at 2026-10.
        #[arg(long, default_value_t = 60)]
        months: u32,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value = "config/regions.csv")]
        regions: PathBuf,
    },
    /// Write the sources of the office-made test fixtures and the two broken
    /// files; scripts/make-fixtures.sh converts the sources with LibreOffice.
    Fixtures {
        /// Folder for the finished fixtures (normally tests/fixtures/office).
        #[arg(long)]
        out: PathBuf,
        /// Folder for the `.xlsx` sources LibreOffice converts.
        #[arg(long)]
        staging: PathBuf,
    },
    /// Read every cell of every workbook below DIR with calamine (the
    /// benchmark baseline) and print counts and elapsed seconds.
    ReadCells { dir: PathBuf },
    /// Print sheets and non-empty cells (with types) of a workbook or of
    /// every workbook below a folder.
    Dump { path: PathBuf },
    /// Rewrite zip-based office files (.ods, .xlsx) in place with fixed entry
    /// timestamps, so LibreOffice conversions give the same bytes every run.
    NormalizeZip {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Sample {
            out,
            ods_staging,
            regions,
        } => sample::run(&sample::Options {
            out,
            ods_staging,
            regions,
        }),
        Command::Bench {
            partnerships,
            months,
            out,
            regions,
        } => bench::run(&bench::Options {
            partnerships,
            months,
            out,
            regions,
        }),
        Command::Fixtures { out, staging } => fixtures::run(&out, &staging),
        Command::ReadCells { dir } => read_cells::run(&dir),
        Command::Dump { path } => dump::run(&path),
        Command::NormalizeZip { files } => normalize::run(&files),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pps-sample: {e}");
            ExitCode::FAILURE
        }
    }
}
