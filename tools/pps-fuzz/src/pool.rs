//! The parent: a pool of worker processes, a watchdog, and the tally.
//!
//! The parent never runs a case itself. It hands each worker a few case
//! indices at a time (`case <index>` lines; see [`crate::worker`] for the
//! protocol) and keeps, per worker, the indices sent but not yet `done`:
//! the first of them is the case running now. When a worker's stdout
//! closes, the parent collects its exit status (a signal: abort, kill,
//! segfault) and the tail of its stderr, files the running case as a crash,
//! starts a new worker, and sends the rest of the lost batch to it. When a
//! case uses more CPU time than the timeout (read from `/proc/<pid>/stat`),
//! or six times that in wall time, the parent kills the worker (`SIGKILL`)
//! and files the case as a timeout.
//!
//! Crashes are grouped into sites: a panic by its `file:line:col`, an
//! allocation failure by the first frames of its call stack outside std
//! (printed by the worker's allocator), other deaths by signal and the last
//! stderr line with digits blanked, timeouts by seed kind and first
//! mutation. For every site the first case and the smallest case are
//! written to `<out>/crashes/<site>/`.

use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::corpus::Corpus;
use crate::mutate::{self, Case};
use crate::worker::interesting_frames;

/// How the parent starts workers.
#[derive(Debug, Clone)]
pub struct Spawn {
    /// Arguments placed before `worker` (seed, corpus, base, memory).
    pub args: Vec<String>,
}

enum Msg {
    Line(usize, u64, String),
    Closed(usize, u64),
}

/// One live worker process.
struct Proc {
    child: Child,
    stdin: ChildStdin,
    generation: u64,
    stderr: Arc<Mutex<Vec<u8>>>,
    stderr_thread: Option<JoinHandle<()>>,
}

const STDERR_KEEP: usize = 64 * 1024;

impl Proc {
    fn start(
        spawn: &Spawn,
        slot: usize,
        generation: u64,
        tx: &Sender<Msg>,
    ) -> Result<Proc, String> {
        let exe = std::env::current_exe().map_err(|e| format!("cannot find myself: {e}"))?;
        let mut child = Command::new(exe)
            .args(&spawn.args)
            .arg("worker")
            .env("RAYON_NUM_THREADS", "1")
            .env("POLARS_MAX_THREADS", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start a worker: {e}"))?;
        let stdin = child.stdin.take().ok_or("no worker stdin")?;
        let stdout = child.stdout.take().ok_or("no worker stdout")?;
        let mut stderr_pipe = child.stderr.take().ok_or("no worker stderr")?;
        let tx = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                match line {
                    Ok(line) => {
                        if tx.send(Msg::Line(slot, generation, line)).is_err() {
                            return;
                        }
                    }
                    Err(_) => break,
                }
            }
            let _ = tx.send(Msg::Closed(slot, generation));
        });
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let tail = Arc::clone(&stderr);
        let stderr_thread = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = stderr_pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if let Ok(mut t) = tail.lock() {
                    t.extend_from_slice(&buf[..n]);
                    if t.len() > STDERR_KEEP * 2 {
                        let cut = t.len() - STDERR_KEEP;
                        t.drain(..cut);
                    }
                }
            }
        });
        Ok(Proc {
            child,
            stdin,
            generation,
            stderr,
            stderr_thread: Some(stderr_thread),
        })
    }

    fn send(&mut self, line: &str) -> bool {
        self.stdin
            .write_all(line.as_bytes())
            .and_then(|()| self.stdin.write_all(b"\n"))
            .and_then(|()| self.stdin.flush())
            .is_ok()
    }

    /// Waits for the dead worker; returns how it died and its stderr tail.
    fn reap(&mut self) -> (String, String) {
        let status = self.child.wait();
        if let Some(t) = self.stderr_thread.take() {
            let _ = t.join();
        }
        let tail = self
            .stderr
            .lock()
            .map(|t| String::from_utf8_lossy(&t).into_owned())
            .unwrap_or_default();
        let how = match status {
            Ok(s) => match (s.signal(), s.code()) {
                (Some(sig), _) => format!("signal {sig} ({})", signal_name(sig)),
                (None, Some(code)) => format!("exit {code}"),
                (None, None) => "unknown".to_owned(),
            },
            Err(e) => format!("wait failed: {e}"),
        };
        (how, tail)
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
    }
}

/// A case may use `timeout` of CPU time, or this many times as much wall
/// time: on a busy machine a worker waits for a core, and that waiting is
/// not the case's fault.
const WALL_FACTOR: u32 = 6;

/// User + system CPU time of a process, from `/proc/<pid>/stat`.
fn cpu_time(pid: u32) -> Duration {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return Duration::ZERO;
    };
    // Fields after the command name (which may hold spaces) start after ')'.
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return Duration::ZERO;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 (1-based) of the whole line,
    // 12 and 13 (1-based) after the name.
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i).and_then(|v| v.parse::<u64>().ok()))
        .sum();
    // SAFETY: sysconf only reads a configuration value.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    Duration::from_millis(ticks * 1000 / hz)
}

fn signal_name(sig: i32) -> &'static str {
    match sig {
        libc::SIGABRT => "SIGABRT",
        libc::SIGKILL => "SIGKILL",
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGBUS => "SIGBUS",
        libc::SIGILL => "SIGILL",
        libc::SIGFPE => "SIGFPE",
        libc::SIGTRAP => "SIGTRAP",
        _ => "other",
    }
}

/// The signature of a worker's death, from its status and stderr tail.
pub fn death_signature(how: &str, tail: &str) -> (String, String) {
    if let Some(at) = tail.rfind("pps-fuzz: allocation of ") {
        let text = &tail[at..];
        let first = text.lines().next().unwrap_or_default().to_owned();
        let frames = interesting_frames(text, 2);
        let where_ = if frames.is_empty() {
            "(no frames)".to_owned()
        } else {
            frames.join(" < ")
        };
        return (format!("oom: {where_}"), first);
    }
    let last = tail
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
        .to_owned();
    let blank: String = last
        .chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .take(160)
        .collect();
    if tail.contains("has overflowed its stack") {
        return ("stack overflow".to_owned(), last);
    }
    (format!("{how}: {blank}"), last)
}

/// What happened at one crash site.
#[derive(Debug, Default)]
struct Site {
    kind: &'static str,
    count: u64,
    first: u64,
    smallest: (usize, u64),
    message: String,
    frames: String,
}

/// Everything counted during a run.
#[derive(Debug, Default)]
pub struct Tally {
    pub executions: u64,
    pub outcomes: BTreeMap<String, u64>,
    pub caught_panics: u64,
    pub escaped_panics: u64,
    pub aborts: u64,
    pub ooms: u64,
    pub timeouts: u64,
    pub restarts: u64,
    pub total_micros: u128,
    pub slowest: (u128, u64),
    pub over_second: u64,
    pub peak_kb: (u64, u64),
    sites: BTreeMap<String, Site>,
    traces: BTreeMap<String, String>,
}

impl Tally {
    /// Distinct sites that crash the harness (escaped panics, deaths,
    /// timeouts), and those that only panic inside the library and are
    /// caught there.
    pub fn site_counts(&self) -> (usize, usize) {
        let crash = self
            .sites
            .values()
            .filter(|s| s.kind != "caught panic")
            .count();
        (crash, self.sites.len() - crash)
    }
}

/// Options of a fuzzing run.
#[derive(Debug, Clone)]
pub struct Run {
    pub seed: u64,
    pub start: u64,
    pub executions: u64,
    pub workers: usize,
    pub batch: usize,
    pub timeout: Duration,
    pub out: PathBuf,
    pub progress: Duration,
    /// Stop handing out cases after this long (the summary then covers
    /// the cases run so far).
    pub max_time: Option<Duration>,
}

struct Slot {
    proc: Proc,
    pending: VecDeque<u64>,
    since: Instant,
    /// The worker's CPU time when its current case started.
    cpu_at_start: Duration,
    timed_out: bool,
    hooks: Vec<(String, String)>,
}

/// Runs cases `start .. start + executions` and returns the tally.
pub fn fuzz(run: &Run, spawn: &Spawn, corpus: &Corpus) -> Result<Tally, String> {
    let crashes = run.out.join("crashes");
    std::fs::create_dir_all(&crashes).map_err(|e| format!("{}: {e}", crashes.display()))?;
    let (tx, rx) = channel();
    let mut generation = 0u64;
    let mut slots = Vec::new();
    for slot in 0..run.workers.max(1) {
        generation += 1;
        slots.push(Slot {
            proc: Proc::start(spawn, slot, generation, &tx)?,
            pending: VecDeque::new(),
            since: Instant::now(),
            cpu_at_start: Duration::ZERO,
            timed_out: false,
            hooks: Vec::new(),
        });
    }
    let end = run.start + run.executions;
    let mut next = run.start;
    let mut retry: VecDeque<u64> = VecDeque::new();
    let mut tally = Tally::default();
    let started = Instant::now();
    let mut last_progress = Instant::now();
    let mut end = end;
    let mut wanted = run.executions;
    while tally.executions < wanted {
        if run.max_time.is_some_and(|m| started.elapsed() >= m) && next < end {
            // Out of time: finish what the workers hold, hand out no more.
            wanted -= end - next + retry.len() as u64;
            end = next;
            retry.clear();
            eprintln!("pps-fuzz: time is up; finishing the cases handed out");
            continue;
        }
        for s in &mut slots {
            let mut lines = String::new();
            let was_idle = s.pending.is_empty();
            while s.pending.len() < run.batch {
                let index = if let Some(i) = retry.pop_front() {
                    i
                } else if next < end {
                    next += 1;
                    next - 1
                } else {
                    break;
                };
                s.pending.push_back(index);
                let _ = writeln!(lines, "case {index}");
            }
            if !lines.is_empty() {
                if was_idle {
                    s.since = Instant::now();
                    s.cpu_at_start = cpu_time(s.proc.child.id());
                }
                let _ = s.proc.send(lines.trim_end());
            }
        }
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(Msg::Line(slot, g, line)) if slots[slot].proc.generation == g => {
                on_line(&mut slots[slot], &line, &mut tally, corpus, run, &crashes);
            }
            Ok(Msg::Closed(slot, g)) if slots[slot].proc.generation == g => {
                let s = &mut slots[slot];
                let (how, tail) = s.proc.reap();
                if let Some(index) = s.pending.pop_front() {
                    let case = mutate::generate(corpus, run.seed, index);
                    let (signature, message, kind) = if s.timed_out {
                        tally.timeouts += 1;
                        let step = case.steps.first().map_or("", |s| step_kind(s));
                        (
                            format!("timeout: {} via {step}", kind_of_seed(&case)),
                            format!(
                                "more than {:?} of CPU time (or {:?} wall)",
                                run.timeout,
                                run.timeout * WALL_FACTOR
                            ),
                            "timeout",
                        )
                    } else {
                        let (signature, message) = death_signature(&how, &tail);
                        if signature.starts_with("oom") {
                            tally.ooms += 1;
                        } else {
                            tally.aborts += 1;
                        }
                        (signature, message, "death")
                    };
                    let frames = tail
                        .rfind("pps-fuzz: allocation of ")
                        .map(|at| interesting_frames(&tail[at..], 12).join(" | "))
                        .unwrap_or_default();
                    tally.executions += 1;
                    *tally.outcomes.entry(kind.to_owned()).or_default() += 1;
                    record(
                        &mut tally, &crashes, &signature, kind, &message, &frames, index, &case,
                    );
                    eprintln!(
                        "pps-fuzz: case {index}: {signature} ({how}): {}",
                        case.describe()
                    );
                } else if tally.executions < wanted {
                    eprintln!("pps-fuzz: an idle worker ended ({how}): {}", tail.trim());
                }
                retry.extend(s.pending.drain(..));
                tally.restarts += 1;
                generation += 1;
                s.proc = Proc::start(spawn, slot, generation, &tx)?;
                s.timed_out = false;
                s.hooks.clear();
                s.since = Instant::now();
                s.cpu_at_start = Duration::ZERO;
                if tally.restarts > 1000 + run.executions / 10 {
                    return Err("workers keep dying; giving up".to_owned());
                }
            }
            Ok(_) | Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return Err("all workers gone".to_owned()),
        }
        for s in &mut slots {
            if s.pending.is_empty() || s.timed_out {
                continue;
            }
            let cpu = cpu_time(s.proc.child.id()).saturating_sub(s.cpu_at_start);
            if cpu > run.timeout || s.since.elapsed() > run.timeout * WALL_FACTOR {
                s.timed_out = true;
                s.proc.kill();
            }
        }
        if last_progress.elapsed() >= run.progress {
            last_progress = Instant::now();
            eprintln!("{}", progress_line(&tally, started.elapsed()));
        }
    }
    for s in &mut slots {
        let _ = s.proc.send("quit");
    }
    for s in &mut slots {
        let _ = s.proc.reap();
    }
    let elapsed = started.elapsed();
    let summary = summary(&tally, run, elapsed);
    let _ = std::fs::write(run.out.join("summary.txt"), &summary);
    print!("{summary}");
    Ok(tally)
}

fn on_line(
    s: &mut Slot,
    line: &str,
    tally: &mut Tally,
    corpus: &Corpus,
    run: &Run,
    crashes: &Path,
) {
    let mut parts = line.splitn(3, '\t');
    match parts.next() {
        Some("hook") => {
            let site = parts.next().unwrap_or_default().to_owned();
            let message = parts.next().unwrap_or_default().to_owned();
            s.hooks.push((site, message));
        }
        Some("trace") => {
            let site = parts.next().unwrap_or_default().to_owned();
            let frames = parts.next().unwrap_or_default().to_owned();
            tally.traces.entry(site).or_insert(frames);
        }
        Some("done") => {
            let Some(index) = s.pending.pop_front() else {
                return;
            };
            s.since = Instant::now();
            s.cpu_at_start = cpu_time(s.proc.child.id());
            let rest: Vec<&str> = line.split('\t').collect();
            let outcome = rest.get(1).copied().unwrap_or("?");
            let micros: u128 = rest.get(2).and_then(|v| v.parse().ok()).unwrap_or(0);
            let peak: u64 = rest.get(3).and_then(|v| v.parse().ok()).unwrap_or(0);
            tally.executions += 1;
            *tally.outcomes.entry(outcome.to_owned()).or_default() += 1;
            tally.total_micros += micros;
            if micros > tally.slowest.0 {
                tally.slowest = (micros, index);
            }
            if micros > 1_000_000 {
                tally.over_second += 1;
            }
            if peak > tally.peak_kb.0 {
                tally.peak_kb = (peak, index);
            }
            let hooks = std::mem::take(&mut s.hooks);
            if hooks.is_empty() && outcome != "panic" {
                return;
            }
            let case = mutate::generate(corpus, run.seed, index);
            let escaped = if outcome == "panic" {
                hooks.len().checked_sub(1)
            } else {
                None
            };
            for (i, (site, message)) in hooks.iter().enumerate() {
                let frames = tally.traces.get(site).cloned().unwrap_or_default();
                if Some(i) == escaped {
                    tally.escaped_panics += 1;
                    record(
                        tally,
                        crashes,
                        &format!("panic: {site}"),
                        "panic",
                        message,
                        &frames,
                        index,
                        &case,
                    );
                } else {
                    tally.caught_panics += 1;
                    record(
                        tally,
                        crashes,
                        &format!("caught panic: {site}"),
                        "caught panic",
                        message,
                        &frames,
                        index,
                        &case,
                    );
                }
            }
            if outcome == "panic" && hooks.is_empty() {
                tally.escaped_panics += 1;
                record(
                    tally,
                    crashes,
                    "panic: (no hook)",
                    "panic",
                    "",
                    "",
                    index,
                    &case,
                );
            }
        }
        _ => eprintln!("pps-fuzz: unexpected worker line {line:?}"),
    }
}

fn kind_of_seed(case: &Case) -> &str {
    case.seed.rsplit_once('.').map_or("?", |(_, e)| e)
}

/// The kind of a mutation step, for naming timeouts: the last
/// `:`-separated part before its parameters (`zip:<entry>:dimension=…` →
/// `dimension`, `truncate@12` → `truncate`).
fn step_kind(step: &str) -> &str {
    let head = step.split(['@', '×', '=']).next().unwrap_or(step);
    head.rsplit(':').next().unwrap_or(head)
}

/// A folder name for a site: readable and unique.
pub fn slug(signature: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in signature.bytes() {
        hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    let readable: String = signature
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect::<String>()
        .split('_')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    let cut: String = readable.chars().take(70).collect();
    format!("{cut}-{:08x}", hash as u32)
}

#[expect(
    clippy::too_many_arguments,
    reason = "one call site per kind, all fields needed"
)]
fn record(
    tally: &mut Tally,
    crashes: &Path,
    signature: &str,
    kind: &'static str,
    message: &str,
    frames: &str,
    index: u64,
    case: &Case,
) {
    let dir = crashes.join(slug(signature));
    let site = tally
        .sites
        .entry(signature.to_owned())
        .or_insert_with(|| Site {
            kind,
            count: 0,
            first: index,
            smallest: (usize::MAX, index),
            message: message.to_owned(),
            frames: frames.to_owned(),
        });
    site.count += 1;
    let fresh = site.count == 1;
    let smaller = case.bytes.len() < site.smallest.0;
    if smaller {
        site.smallest = (case.bytes.len(), index);
    }
    if fresh || smaller {
        let _ = std::fs::create_dir_all(&dir);
        let ext = case.name.rsplit_once('.').map_or("bin", |(_, e)| e);
        if fresh {
            let _ = std::fs::write(dir.join(format!("first.{ext}")), &case.bytes);
            eprintln!("pps-fuzz: new site [{kind}] {signature}: {message}");
        }
        let _ = std::fs::write(dir.join(format!("smallest.{ext}")), &case.bytes);
        let info = format!(
            "signature: {signature}\nkind: {kind}\nmessage: {}\nframes: {}\nfirst case: {} \nsmallest case: {} ({} bytes, file name {})\nsmallest case steps: {}\n",
            site.message,
            site.frames,
            site.first,
            index,
            case.bytes.len(),
            case.name,
            case.describe()
        );
        let _ = std::fs::write(dir.join("info.txt"), info);
    }
}

fn progress_line(t: &Tally, elapsed: Duration) -> String {
    let (crash, caught) = t.site_counts();
    format!(
        "pps-fuzz: {} executions in {:.0} s ({:.0}/s); panics caught in the library {}, escaped {}; deaths {} (oom {}), timeouts {}; sites {crash} crashing, {caught} caught",
        t.executions,
        elapsed.as_secs_f64(),
        t.executions as f64 / elapsed.as_secs_f64().max(1e-9),
        t.caught_panics,
        t.escaped_panics,
        t.aborts + t.ooms,
        t.ooms,
        t.timeouts,
    )
}

fn summary(t: &Tally, run: &Run, elapsed: Duration) -> String {
    let mut s = String::new();
    let (crash, caught) = t.site_counts();
    let _ = writeln!(s, "pps-fuzz summary");
    let _ = writeln!(
        s,
        "seed {}, cases {}..{} requested, {} worker(s), timeout {:?}",
        run.seed,
        run.start,
        run.start + run.executions,
        run.workers,
        run.timeout
    );
    let _ = writeln!(s, "executions: {}", t.executions);
    let _ = writeln!(s, "wall time: {:.1} s", elapsed.as_secs_f64());
    let _ = writeln!(
        s,
        "executions per second: {:.1}",
        t.executions as f64 / elapsed.as_secs_f64().max(1e-9)
    );
    let _ = writeln!(
        s,
        "mean case time: {:.2} ms; slowest: {:.1} ms (case {}); cases over 1 s: {}",
        t.total_micros as f64 / 1000.0 / t.executions.max(1) as f64,
        t.slowest.0 as f64 / 1000.0,
        t.slowest.1,
        t.over_second
    );
    let _ = writeln!(
        s,
        "peak RSS of one case (worker high-water mark): {:.1} MB (case {})",
        t.peak_kb.0 as f64 / 1024.0,
        t.peak_kb.1
    );
    let _ = writeln!(s, "outcomes:");
    for (k, v) in &t.outcomes {
        let _ = writeln!(s, "  {k}: {v}");
    }
    let _ = writeln!(s, "panics caught inside the library: {}", t.caught_panics);
    let _ = writeln!(s, "panics that reached the harness: {}", t.escaped_panics);
    let _ = writeln!(
        s,
        "worker deaths: {} (allocation failures {})",
        t.aborts + t.ooms,
        t.ooms
    );
    let _ = writeln!(s, "timeouts: {}", t.timeouts);
    let _ = writeln!(s, "worker restarts: {}", t.restarts);
    let _ = writeln!(
        s,
        "distinct crash sites: {crash}; distinct caught-panic sites: {caught}"
    );
    for (sig, site) in &t.sites {
        let _ = writeln!(
            s,
            "  [{}] {sig} ×{} (first case {}, smallest case {} of {} bytes): {}",
            site.kind, site.count, site.first, site.smallest.1, site.smallest.0, site.message
        );
    }
    s
}

/// Runs single files in a worker, one at a time; used by `replay` and
/// `minimize`.
pub struct Single {
    spawn: Spawn,
    proc: Option<Proc>,
    rx: Receiver<Msg>,
    tx: Sender<Msg>,
    generation: u64,
    timeout: Duration,
}

impl std::fmt::Debug for Single {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Single")
            .field("generation", &self.generation)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// How one file fared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// `ok:<outcome>`, `panic: <site>`, `oom: …`, `timeout`, ….
    pub signature: String,
    pub message: String,
    pub micros: u128,
    pub peak_kb: u64,
}

impl Single {
    pub fn new(spawn: Spawn, timeout: Duration) -> Single {
        let (tx, rx) = channel();
        Single {
            spawn,
            proc: None,
            rx,
            tx,
            generation: 0,
            timeout,
        }
    }

    pub fn run(&mut self, path: &Path) -> Result<Verdict, String> {
        if self.proc.is_none() {
            self.generation += 1;
            self.proc = Some(Proc::start(&self.spawn, 0, self.generation, &self.tx)?);
        }
        let generation = self.generation;
        let proc = self.proc.as_mut().ok_or("no worker")?;
        proc.send(&format!("file {}", path.display()));
        let started = Instant::now();
        let mut hooks: Vec<(String, String)> = Vec::new();
        loop {
            let left = self.timeout.saturating_sub(started.elapsed());
            match self.rx.recv_timeout(left) {
                Ok(Msg::Line(_, g, line)) if g == generation => {
                    let parts: Vec<&str> = line.split('\t').collect();
                    match parts.first().copied() {
                        Some("hook") => hooks.push((
                            parts.get(1).copied().unwrap_or_default().to_owned(),
                            parts.get(2).copied().unwrap_or_default().to_owned(),
                        )),
                        Some("done") => {
                            let outcome = parts.get(1).copied().unwrap_or("?");
                            let (signature, message) = if outcome == "panic" {
                                let (site, msg) = hooks.last().cloned().unwrap_or_default();
                                (format!("panic: {site}"), msg)
                            } else if let Some((site, msg)) = hooks.last() {
                                (format!("caught panic: {site}"), msg.clone())
                            } else {
                                (format!("ok:{outcome}"), String::new())
                            };
                            return Ok(Verdict {
                                signature,
                                message,
                                micros: parts.get(2).and_then(|v| v.parse().ok()).unwrap_or(0),
                                peak_kb: parts.get(3).and_then(|v| v.parse().ok()).unwrap_or(0),
                            });
                        }
                        _ => {}
                    }
                }
                Ok(Msg::Closed(_, g)) if g == generation => {
                    let mut proc = self.proc.take().ok_or("no worker")?;
                    let (how, tail) = proc.reap();
                    let (signature, message) = death_signature(&how, &tail);
                    return Ok(Verdict {
                        signature,
                        message,
                        micros: started.elapsed().as_micros(),
                        peak_kb: 0,
                    });
                }
                Ok(_) => {}
                Err(_) => {
                    let mut proc = self.proc.take().ok_or("no worker")?;
                    proc.kill();
                    let _ = proc.reap();
                    return Ok(Verdict {
                        signature: "timeout".to_owned(),
                        message: format!("no answer within {:?}", self.timeout),
                        micros: started.elapsed().as_micros(),
                        peak_kb: 0,
                    });
                }
            }
        }
    }

    pub fn close(&mut self) {
        if let Some(mut p) = self.proc.take() {
            p.send("quit");
            let _ = p.reap();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_allocation_failure_is_named_by_its_first_frames_outside_std() {
        let tail = "pps-fuzz: allocation of 103079215080 bytes failed\n   0: allocation_failed\n             at ./tools/pps-fuzz/src/worker.rs:72:21\n   1: reserve\n             at /rustc/abc/library/alloc/src/raw_vec/mod.rs:527:33\n   2: read_shared_strings\n             at /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/calamine-0.38.0/src/xlsx/mod.rs:364:42\n   3: new\n             at /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/calamine-0.38.0/src/xlsx/mod.rs:2815:14\n   4: read_xlsx\n             at ./src/ingest/workbook.rs:87:33\n";
        let (signature, message) = death_signature("signal 6 (SIGABRT)", tail);
        assert_eq!(
            signature,
            "oom: calamine-0.38.0/src/xlsx/mod.rs:364:42 < calamine-0.38.0/src/xlsx/mod.rs:2815:14"
        );
        assert!(message.contains("103079215080"));
    }

    #[test]
    fn other_deaths_are_named_by_signal_and_last_line_without_numbers() {
        let (a, _) = death_signature("signal 11 (SIGSEGV)", "noise\nboom at 0x1234\n");
        let (b, _) = death_signature("signal 11 (SIGSEGV)", "boom at 0x9999\n");
        assert_eq!(a, b);
        assert_eq!(a, "signal 11 (SIGSEGV): boom at #x####");
        let (c, _) = death_signature(
            "signal 6 (SIGABRT)",
            "thread 'main' has overflowed its stack\n",
        );
        assert_eq!(c, "stack overflow");
    }

    #[test]
    fn site_folders_are_readable_and_distinct() {
        let a = slug("panic: calamine-0.38.0/src/xls.rs:987:28");
        let b = slug("panic: calamine-0.38.0/src/xls.rs:987:29");
        assert!(
            a.starts_with("panic_calamine_0_38_0_src_xls_rs_987_28-"),
            "{a}"
        );
        assert_ne!(a, b);
        assert_eq!(
            step_kind("zip:xl/worksheets/sheet1.xml:dimension=A1"),
            "dimension"
        );
        assert_eq!(step_kind("truncate@12"), "truncate");
    }

    #[test]
    fn cpu_time_of_this_process_is_read() {
        let spin = Instant::now();
        let mut x = 0u64;
        while spin.elapsed() < Duration::from_millis(50) {
            x = x.wrapping_add(std::hint::black_box(1));
        }
        assert!(x > 0);
        assert!(cpu_time(std::process::id()) > Duration::ZERO);
    }
}
