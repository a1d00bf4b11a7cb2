//! Crash safety (contract section 6): a run killed with `kill -9` at every
//! step of publishing, and at 30 random instants, leaves `<output>/<P>/` as
//! the complete previous or the complete new set (every file as the
//! manifest lists it, byte for byte one of the two), and the next run, of
//! the same period or another, finishes the job and leaves no debris.
//!
//! The runs stop at a step through the test-only fault hooks
//! (`PPS_MONITOR_FAULTS`, `src/publish/fault.rs`): the run announces on
//! stdout that it holds, the test reads that line and kills it; the
//! random kills come a drawn delay after the start, or not at all when the
//! run ends first. No polling, no sleeping: the test blocks on the child's
//! stdout, with a bound.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::common::{COUNTS_HEADER, REGISTER_CSV, Run, Scenario, wait_at_most};

/// The line a held run prints (`publish::fault::HOLDING`).
const HOLDING: &str = "pps-monitor fault hook: holding at";
pub const PERIOD: &str = "2026-02";
/// Another period, neither P−1 nor P−12 of [`PERIOD`] (so it does not
/// change what [`PERIOD`]'s export publishes).
const OTHER: &str = "2025-12";

/// Every file below a folder, by relative path.
pub type Snapshot = BTreeMap<String, Vec<u8>>;

pub fn snapshot(dir: &Path) -> Snapshot {
    fn walk(root: &Path, dir: &Path, out: &mut Snapshot) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let name = path.strip_prefix(root).unwrap().to_string_lossy();
                out.insert(name.replace('\\', "/"), std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = Snapshot::new();
    walk(dir, dir, &mut out);
    out
}

/// A set is complete when the manifest lists every other file, each with
/// its SHA-256.
pub fn assert_complete(set: &Snapshot, what: &str) {
    let manifest: serde_json::Value = serde_json::from_slice(
        set.get("manifest.json")
            .unwrap_or_else(|| panic!("{what}: no manifest.json in {:?}", set.keys())),
    )
    .unwrap_or_else(|e| panic!("{what}: manifest.json is not JSON: {e}"));
    let listed: BTreeMap<&str, &str> = manifest["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["path"].as_str().unwrap(), o["sha256"].as_str().unwrap()))
        .collect();
    let files: Vec<&str> = set
        .keys()
        .map(String::as_str)
        .filter(|n| *n != "manifest.json")
        .collect();
    assert_eq!(
        files,
        listed.keys().copied().collect::<Vec<_>>(),
        "{what}: files and manifest differ"
    );
    for (name, sha) in listed {
        let hex = Sha256::digest(&set[name])
            .iter()
            .fold(String::new(), |mut hex, b| {
                let _ = write!(hex, "{b:02x}");
                hex
            });
        assert_eq!(hex, sha, "{what}: {name} does not match the manifest");
    }
}

/// A working folder with two input folders, `a` (the previous set) and
/// `b` (the new one), and the complete sets they publish.
struct Sets {
    s: Scenario,
    old: Snapshot,
    new: Snapshot,
}

/// What `<output>/<P>/` may be right after a kill.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum After {
    Old,
    New,
    /// Missing (a first publication, or the fallback between its renames).
    Missing,
}

impl Sets {
    fn new() -> Sets {
        let s = Scenario::new();
        for input in ["a", "b"] {
            s.file(&format!("{input}/register.csv"), REGISTER_CSV);
        }
        s.file(
            "a/counts.csv",
            format!("{COUNTS_HEADER}\nA,2026-01,1,2,3,4,10,5\nA,2026-02,1,x,3,4,10,5\n"),
        );
        s.file(
            "b/counts.csv",
            format!(
                "{COUNTS_HEADER}\nA,2026-01,1,2,3,4,10,5\nA,2026-02,6,7,3,4,10,5\nB,2026-02,7,0,0,0,3,3\n"
            ),
        );
        let mut sets = Sets {
            s,
            old: Snapshot::new(),
            new: Snapshot::new(),
        };
        sets.publish("b");
        sets.new = sets.folder().unwrap();
        sets.publish("a");
        sets.old = sets.folder().unwrap();
        assert_complete(&sets.old, "previous set");
        assert_complete(&sets.new, "new set");
        assert_ne!(sets.old, sets.new);
        sets
    }

    fn args<'a>(input: &'a str, period: &'a str) -> [&'a str; 5] {
        ["run", "--input", input, "--period", period]
    }

    /// A clean run of [`PERIOD`] from input `a` or `b`.
    fn publish(&self, input: &str) {
        let run = self.s.run(&Sets::args(input, PERIOD));
        assert!(matches!(run.code, 0 | 3), "{}", run.stderr);
    }

    fn output(&self) -> std::path::PathBuf {
        self.s.path().join("output")
    }

    fn folder(&self) -> Option<Snapshot> {
        let dir = self.output().join(PERIOD);
        dir.exists().then(|| snapshot(&dir))
    }

    /// The leftovers of killed runs in the output folder.
    fn debris(&self) -> Vec<String> {
        crate::common::debris(self.s.path())
    }

    /// `<P>` is the complete previous or new set; `Missing` only when
    /// allowed, and then (fallback) a retired copy of the previous set
    /// must be there.
    fn which(&self, what: &str) -> After {
        let Some(set) = self.folder() else {
            return After::Missing;
        };
        assert_complete(&set, what);
        if set == self.old {
            After::Old
        } else if set == self.new {
            After::New
        } else {
            panic!("{what}: {PERIOD} is complete but neither the previous nor the new set")
        }
    }

    /// The retired copies of [`PERIOD`] (the fallback's previous set).
    fn retired(&self) -> Vec<Snapshot> {
        self.debris()
            .iter()
            .filter(|n| n.starts_with(&format!(".retired-{PERIOD}-")))
            .map(|n| snapshot(&self.output().join(n)))
            .collect()
    }

    /// After a kill: `<P>` is as expected; then a run of another period
    /// (which restores a retired set) and one of the same period publish,
    /// leaving no debris.
    fn check_recovery(&self, what: &str, expected: After) {
        assert_eq!(self.which(what), expected, "{what}: right after the kill");
        let retired = self.retired();
        if expected == After::Missing && !retired.is_empty() {
            assert_eq!(
                retired,
                std::slice::from_ref(&self.old),
                "{what}: the retired set"
            );
        }
        let other = self.s.run(&Sets::args("b", OTHER));
        assert!(matches!(other.code, 0 | 3), "{what}: {}", other.stderr);
        assert_eq!(
            other.stderr.contains("the previous outputs are restored"),
            expected == After::Missing && !retired.is_empty(),
            "{what}: {}",
            other.stderr
        );
        let restored = if expected == After::Missing && !retired.is_empty() {
            After::Old
        } else {
            expected
        };
        assert_eq!(
            self.which(&format!("{what}, after a run of {OTHER}")),
            restored,
            "{what}: after a run of another period"
        );
        assert!(self.debris().is_empty(), "{what}: {:?}", self.debris());
        self.publish("b");
        assert_eq!(self.which(&format!("{what}, after a rerun")), After::New);
        assert!(self.debris().is_empty(), "{what}: {:?}", self.debris());
    }

    /// Starts a run of [`PERIOD`] from `input` that holds at `point`, kills
    /// it with SIGKILL once it says it holds, and returns after it is gone.
    fn kill_at(&self, input: &str, faults: &str) {
        let mut child = spawn(&self.s, &Sets::args(input, PERIOD), faults);
        let held = wait_for_hold(&mut child);
        let _ = child.kill();
        child.wait().unwrap();
        assert!(held.is_ok(), "{faults}: {}", held.unwrap_err().stderr);
    }
}

/// Starts the binary with the fault hooks; stdout piped (the hold line),
/// stderr kept in a file for failure messages.
pub fn spawn(s: &Scenario, args: &[&str], faults: &str) -> Child {
    let stderr = std::fs::File::create(s.path().join("stderr.txt")).unwrap();
    s.command(args, &[("PPS_MONITOR_FAULTS", faults)])
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap()
}

/// Blocks until the child says it holds (`Ok`), or ends without holding
/// (`Err` with its output); panics after two minutes.
pub fn wait_for_hold(child: &mut Child) -> Result<(), Run> {
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = Vec::new();
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if line.starts_with(HOLDING) {
                let _ = tx.send(Ok(()));
                return;
            }
            lines.push(line);
        }
        let _ = tx.send(Err(lines.join("\n")));
    });
    match rx.recv_timeout(Duration::from_secs(120)) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(stdout)) => {
            let status = child.wait().unwrap();
            Err(Run {
                code: status.code().unwrap_or(-1),
                stdout,
                stderr: String::new(),
            })
        }
        Err(_) => {
            let _ = child.kill();
            panic!("the run neither held nor ended within two minutes");
        }
    }
}

#[test]
fn a_kill_at_each_step_of_an_exchange_leaves_one_complete_set() {
    let sets = Sets::new();
    for (point, expected) in [
        ("recovered", After::Old),
        ("writing", After::Old),
        ("staged", After::Old),
        ("swapped", After::New),
        ("trashed", After::New),
        ("published", After::New),
    ] {
        sets.publish("a");
        assert_eq!(sets.which("reset"), After::Old);
        sets.kill_at("b", &format!("hold:{point}"));
        sets.check_recovery(&format!("exchange, killed at {point}"), expected);
    }
}

#[test]
fn a_kill_at_each_step_of_the_fallback_leaves_one_complete_set_or_a_restorable_one() {
    let sets = Sets::new();
    for (point, expected) in [
        ("staged", After::Old),
        ("retired", After::Missing),
        ("swapped", After::New),
        ("trashed", After::New),
        ("published", After::New),
    ] {
        sets.publish("a");
        sets.kill_at("b", &format!("no-exchange,hold:{point}"));
        if point == "retired" {
            assert_eq!(
                sets.retired(),
                std::slice::from_ref(&sets.old),
                "the previous set is kept aside"
            );
        }
        sets.check_recovery(&format!("fallback, killed at {point}"), expected);
    }
}

#[test]
fn a_kill_during_recovery_is_recovered_by_the_next_run() {
    let sets = Sets::new();
    // A fallback swap interrupted between its renames, then a recovery
    // killed after restoring the folder, before removing the rest.
    sets.kill_at("b", "no-exchange,hold:retired");
    assert_eq!(sets.which("between the renames"), After::Missing);
    let mut child = spawn(&sets.s, &Sets::args("b", OTHER), "hold:recovered");
    wait_for_hold(&mut child).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(sets.which("killed during recovery"), After::Old);
    sets.check_recovery("killed during recovery", After::Old);
}

#[test]
fn a_kill_during_a_first_publication_leaves_nothing_or_the_new_set() {
    let sets = Sets::new();
    for (faults, expected) in [
        ("hold:writing", After::Missing),
        ("hold:staged", After::Missing),
        ("hold:swapped", After::New),
        ("no-exchange,hold:staged", After::Missing),
        ("no-exchange,hold:published", After::New),
    ] {
        std::fs::remove_dir_all(sets.output().join(PERIOD)).unwrap();
        sets.kill_at("b", faults);
        let what = format!("first publication, {faults}");
        assert_eq!(sets.which(&what), expected, "{what}");
        let other = sets.s.run(&Sets::args("b", OTHER));
        assert!(matches!(other.code, 0 | 3), "{}", other.stderr);
        assert_eq!(sets.which(&what), expected, "{what}: after another period");
        assert!(sets.debris().is_empty(), "{what}: {:?}", sets.debris());
        sets.publish("b");
        assert_eq!(sets.which(&what), After::New);
    }
}

/// A small deterministic generator (xorshift64*), so that a failing
/// instant can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `[lo, hi)`.
    fn between(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (self.next() >> 11) as f64 / (1u64 << 53) as f64 * (hi - lo)
    }
}

/// 30 kills at random instants of runs that alternate the two inputs, each
/// followed by the check that `<P>` is one complete set (in the fallback
/// mode: or missing with the previous set retired beside it, restored by
/// the next run). The instants are drawn between 30 % and 120 % of a clean
/// run's time, so that most land in the run and some after it.
fn random_kills(faults: &str, seed: u64) {
    let sets = Sets::new();
    let started = Instant::now();
    sets.publish("b");
    let clean = started.elapsed();
    let mut rng = Rng(seed);
    let mut outcomes = BTreeMap::new();
    for i in 0..30 {
        let input = if i % 2 == 0 { "a" } else { "b" };
        let delay = clean.mul_f64(rng.between(0.3, 1.2));
        let mut child = spawn(&sets.s, &Sets::args(input, PERIOD), faults);
        // The kill comes `delay` after the start (the instant under test),
        // or not at all when the run ends before.
        let status = wait_at_most(&mut child, delay).unwrap_or_else(|| {
            let _ = child.kill();
            child.wait().unwrap()
        });
        let what = format!("seed {seed}, kill {i} after {delay:?} ({status})");
        let now = sets.which(&what);
        if now == After::Missing {
            assert!(
                faults.contains("no-exchange"),
                "{what}: missing with an exchange"
            );
            let retired = sets.retired();
            assert_eq!(retired.len(), 1, "{what}: {:?}", sets.debris());
            assert_complete(&retired[0], &what);
            assert!(
                retired[0] == sets.old || retired[0] == sets.new,
                "{what}: the retired set is neither"
            );
        }
        let debris = if sets.debris().is_empty() {
            "clean"
        } else {
            "debris"
        };
        *outcomes.entry(format!("{now:?}, {debris}")).or_insert(0) += 1;
    }
    eprintln!("random kills ({faults:?}, seed {seed}): {outcomes:?}");
    sets.publish("b");
    assert_eq!(sets.which("after the random kills"), After::New);
    assert!(sets.debris().is_empty(), "{:?}", sets.debris());
}

#[test]
fn thirty_random_kills_with_the_exchange() {
    random_kills("", 0x5EED_0001);
}

#[test]
fn thirty_random_kills_with_the_fallback() {
    random_kills("no-exchange", 0x5EED_0002);
}
