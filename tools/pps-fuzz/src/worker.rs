//! The worker: a child process that runs cases in-process, one at a time.
//!
//! Started by the parent as `pps-fuzz worker …` with the run's seed and
//! corpus. It first limits its own address space (`setrlimit(RLIMIT_AS)`),
//! so that a case asking for terabytes fails here instead of taking the
//! machine, then reads commands from stdin, one per line:
//!
//! - `case <index>`: build case `index` (the same bytes the parent would
//!   build) and run it;
//! - `file <path>`: run the file at `path` (its name decides the reader).
//!
//! and answers on stdout, one tab-separated line per event, flushed at once:
//!
//! - `hook <site> <message>`: a panic started somewhere during the case
//!   (reported by the panic hook, so also panics that ingest catches itself);
//! - `trace <site> <frames>`: the first time a site is seen, the frames
//!   of its backtrace (` | `-separated);
//! - `done <outcome> <micros> <peak-kb> <rows> <rejects>`: the case ended.
//!   `outcome` is `read`, `ignored` or `unreadable` (the file's status),
//!   `too-big` (over the file size limit, which `ingest::read` checks
//!   before reading),
//!   `error` (ingest or validation returned an error), `panic` (a panic
//!   reached the harness: the last `hook` before it names its site) or
//!   `gen-panic` (building the case panicked: a harness bug). `peak-kb` is
//!   the peak resident memory of this case (the kernel's high-water mark,
//!   reset before each case through `/proc/self/clear_refs`).
//!
//! A case that aborts, runs out of memory or overflows its stack kills the
//! worker: the parent sees stdout close, reads the exit signal and the last
//! lines of stderr (where the allocator below names the failed allocation's
//! size and call stack), and blames the first command without a `done`.
//!
//! Each case runs the library as the job does, in this order: ingest of the
//! single mutated file from memory (`pps_monitor::ingest::read_one` with
//! the default limits), then
//! `pps_monitor::validate::check` on the fixed register and targets files
//! (ingested once at start-up) plus the case's file, for one fixed period.

use std::alloc::{GlobalAlloc, Layout, System};
use std::backtrace::Backtrace;
use std::cell::Cell;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::{BufRead, Write};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use pps_monitor::config::PeriodChoice;
use pps_monitor::ingest::{self, FileStatus, Ingested, Limits, Rows};
use pps_monitor::model::Month;
use pps_monitor::regions::Regions;
use pps_monitor::validate;

use crate::corpus::Corpus;
use crate::mutate;

/// The system allocator, plus a note on stderr when an allocation fails:
/// Rust's own message ("memory allocation of N bytes failed") names no
/// place, and the abort that follows leaves no backtrace.
#[derive(Debug)]
pub struct NamingAllocator;

thread_local! {
    static IN_FAILURE: Cell<bool> = const { Cell::new(false) };
}

fn allocation_failed(size: usize) {
    // Printing the backtrace allocates too; a failure inside it must not
    // recurse. Small allocations usually still succeed after a huge one
    // failed, since the address-space limit was hit by the huge one.
    let first = IN_FAILURE.with(|f| !f.replace(true));
    if first {
        let trace = Backtrace::force_capture();
        eprintln!("pps-fuzz: allocation of {size} bytes failed\n{trace}");
        IN_FAILURE.with(|f| f.set(false));
    }
}

// SAFETY: every method forwards to `System` with the same arguments; the
// only addition is a report when `System` returns null.
unsafe impl GlobalAlloc for NamingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged; the caller upholds `alloc`'s contract.
        let p = unsafe { System.alloc(layout) };
        if p.is_null() {
            allocation_failed(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged.
        let p = unsafe { System.alloc_zeroed(layout) };
        if p.is_null() {
            allocation_failed(layout.size());
        }
        p
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded unchanged.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if p.is_null() {
            allocation_failed(new_size);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged.
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// Panics seen by the hook during the current case: (site, message).
static PANICS: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());
/// Sites whose backtrace was already sent, with the frames to send.
static TRACES: Mutex<Option<Traces>> = Mutex::new(None);

/// Sites already traced, and (site, frames) lines not yet sent.
type Traces = (HashSet<String>, Vec<(String, String)>);

/// `file:line:col` of a panic, with the registry prefix cut off
/// (`calamine-0.38.0/src/xls.rs:123:45`).
pub fn short_site(file: &str, line: u32, column: u32) -> String {
    let file = file
        .rsplit_once("/registry/src/")
        .map_or(file, |(_, rest)| {
            rest.split_once('/').map_or(rest, |(_, r)| r)
        });
    format!("{file}:{line}:{column}")
}

/// The source locations of a printed backtrace outside std and this
/// harness, innermost first (`calamine-0.38.0/src/xlsx/mod.rs:364:42`).
pub fn interesting_frames(trace: &str, keep: usize) -> Vec<String> {
    trace
        .lines()
        .filter_map(|l| l.trim().strip_prefix("at "))
        .filter(|at| !at.starts_with("/rustc/") && !at.contains("tools/pps-fuzz/"))
        .map(|at| {
            let at = at.trim_start_matches("./");
            at.rsplit_once("/registry/src/")
                .map_or(at, |(_, rest)| {
                    rest.split_once('/').map_or(rest, |(_, r)| r)
                })
                .to_owned()
        })
        .take(keep)
        .collect()
}

fn install_hook() {
    panic::set_hook(Box::new(|info| {
        let site = info.location().map_or_else(
            || "unknown".to_owned(),
            |l| short_site(l.file(), l.line(), l.column()),
        );
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(non-text panic payload)".to_owned());
        if let Ok(mut traces) = TRACES.lock() {
            let (seen, pending) = traces.get_or_insert_with(Default::default);
            if seen.insert(site.clone()) {
                let trace = Backtrace::force_capture().to_string();
                pending.push((site.clone(), interesting_frames(&trace, 8).join(" | ")));
            }
        }
        if let Ok(mut panics) = PANICS.lock() {
            panics.push((site, message));
        }
    }));
}

/// Limits this process's address space to `mib` MiB.
fn limit_memory(mib: u64) -> Result<(), String> {
    let bytes = mib.saturating_mul(1 << 20);
    let limit = libc::rlimit {
        rlim_cur: bytes,
        rlim_max: bytes,
    };
    // SAFETY: setrlimit reads the struct we pass and nothing else.
    let rc = unsafe { libc::setrlimit(libc::RLIMIT_AS, &raw const limit) };
    if rc == 0 {
        Ok(())
    } else {
        Err(format!(
            "setrlimit(RLIMIT_AS) failed: {}",
            std::io::Error::last_os_error()
        ))
    }
}

/// Resets the kernel's peak-RSS mark of this process (Linux ≥ 4.0).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Peak resident set size in kB since the last reset.
pub fn peak_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// What the worker needs to run cases.
#[derive(Debug)]
pub struct Settings {
    pub seed: u64,
    pub corpus: Vec<PathBuf>,
    pub base: Vec<PathBuf>,
    pub memory_mib: u64,
}

/// The library side of a case: the fixed files and where cases go.
struct Runner {
    base: Ingested,
    base_files: usize,
    regions: Regions,
    limits: Limits,
}

/// How a case ended, short of killing the worker.
struct Ran {
    outcome: &'static str,
    rows: usize,
    rejects: usize,
}

impl Runner {
    fn new(base: &[PathBuf]) -> Result<Runner, String> {
        let limits = Limits::default();
        let mut files = Vec::new();
        for path in base {
            let bytes =
                std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let name = path.file_name().ok_or("a base file has no name")?;
            files.push(ingest::read_one(&name.to_string_lossy(), &bytes, &limits));
        }
        let base = Ingested {
            root: PathBuf::from("."),
            files,
        };
        let base_files = base.files.len();
        Ok(Runner {
            base,
            base_files,
            regions: Regions::built_in(),
            limits,
        })
    }

    /// Ingests one file given as bytes, in memory.
    fn ingest(&self, name: &str, bytes: &[u8]) -> Result<Vec<ingest::InputFile>, String> {
        // `ingest::read` refuses a file over the size limit before reading
        // it; `read_one` leaves that to its caller.
        if bytes.len() as u64 > self.limits.max_file_bytes {
            return Err("over the file size limit".to_owned());
        }
        Ok(vec![ingest::read_one(name, bytes, &self.limits)])
    }

    fn run(&mut self, name: &str, bytes: &[u8]) -> Ran {
        let Ok(files) = self.ingest(name, bytes) else {
            return Ran {
                outcome: "too-big",
                rows: 0,
                rejects: 0,
            };
        };
        let outcome = match files.first().map(|f| f.status) {
            Some(FileStatus::Read) => "read",
            Some(FileStatus::Ignored) | None => "ignored",
            Some(FileStatus::Unreadable) => "unreadable",
        };
        let rows = files
            .iter()
            .flat_map(|f| &f.sheets)
            .map(|s| match &s.rows {
                Rows::Register(r) => r.len(),
                Rows::Targets(r) => r.len(),
                Rows::Counts(r) => r.len(),
                Rows::None => 0,
            })
            .sum();
        self.base.files.truncate(self.base_files);
        self.base.files.extend(files);
        let period = PeriodChoice::Month(Month::new(2026, 3).expect("a valid month"));
        let current = Month::new(2026, 11).expect("a valid month");
        let checked = validate::check(&self.base, &self.regions, period, current);
        self.base.files.truncate(self.base_files);
        match checked {
            Ok(v) => Ran {
                outcome,
                rows,
                rejects: v.rejects.len(),
            },
            // The accounting found a row without exactly one fate: a bug in
            // validation, reported as a crash site (the run would stop with
            // exit 1 on this input).
            Err(pps_monitor::Error::Internal(message)) => {
                panic!("internal accounting error: {message}")
            }
            Err(_) => Ran {
                outcome: "error",
                rows,
                rejects: 0,
            },
        }
    }
}

fn clean(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c == '\t' || c == '\n' || c == '\r' {
                ' '
            } else {
                c
            }
        })
        .take(500)
        .collect()
}

/// The worker's main loop. Returns when stdin closes.
pub fn main(settings: &Settings) -> Result<(), String> {
    // Run on the only thread of a rayon pool: the library's parallel
    // iterators then run inline. Otherwise every case hands work to a pool
    // thread and waits for it, which costs a context switch (milliseconds
    // on a busy machine) several times per case.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .map_err(|e| format!("cannot build the thread pool: {e}"))?;
    pool.install(|| serve(settings))
}

fn serve(settings: &Settings) -> Result<(), String> {
    let corpus = Corpus::load(&settings.corpus)?;
    let mut runner = Runner::new(&settings.base)?;
    install_hook();
    limit_memory(settings.memory_mib)?;
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for line in stdin.lock().lines() {
        let line = line.map_err(|e| format!("stdin: {e}"))?;
        let (command, argument) = line.split_once(' ').unwrap_or((line.as_str(), ""));
        if let Ok(mut p) = PANICS.lock() {
            p.clear();
        }
        reset_peak();
        let started = Instant::now();
        let ran = match command {
            "case" => {
                let index: u64 = argument
                    .parse()
                    .map_err(|_| format!("bad case index {argument:?}"))?;
                let seed = settings.seed;
                match panic::catch_unwind(|| mutate::generate(&corpus, seed, index)) {
                    Ok(case) => panic::catch_unwind(AssertUnwindSafe(|| {
                        runner.run(&case.name, &case.bytes)
                    })),
                    Err(_) => Ok(Ran {
                        outcome: "gen-panic",
                        rows: 0,
                        rejects: 0,
                    }),
                }
            }
            "file" => {
                let path = Path::new(argument);
                let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
                let name = path.file_name().map_or_else(
                    || "case.xlsx".to_owned(),
                    |n| n.to_string_lossy().into_owned(),
                );
                panic::catch_unwind(AssertUnwindSafe(|| runner.run(&name, &bytes)))
            }
            "quit" => break,
            other => return Err(format!("unknown command {other:?}")),
        };
        let micros = started.elapsed().as_micros();
        let peak = peak_kb();
        let mut text = String::new();
        if let Ok(panics) = PANICS.lock() {
            for (site, message) in panics.iter() {
                let _ = writeln!(text, "hook\t{site}\t{}", clean(message));
            }
        }
        if let Ok(mut traces) = TRACES.lock()
            && let Some((_, pending)) = traces.as_mut()
        {
            for (site, frames) in pending.drain(..) {
                let _ = writeln!(text, "trace\t{site}\t{}", clean(&frames));
            }
        }
        let (outcome, rows, rejects) = match &ran {
            Ok(r) => (r.outcome, r.rows, r.rejects),
            Err(_) => ("panic", 0, 0),
        };
        // The case's file may hold the only reference to a panic payload.
        drop(ran);
        let _ = writeln!(text, "done\t{outcome}\t{micros}\t{peak}\t{rows}\t{rejects}");
        out.write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .map_err(|e| format!("stdout: {e}"))?;
    }
    Ok(())
}
