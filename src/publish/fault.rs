//! Test-only fault hooks for publishing: stop a run at a chosen step so
//! that a test can `kill -9` it exactly there, force the fallback of the
//! folder swap, or give one output a full disk.
//!
//! The hooks exist only with the cargo feature `fault-injection`, which
//! `cargo test` turns on (through the self dev-dependency in `Cargo.toml`)
//! and no other build does. Without it [`Faults`] holds nothing, every
//! method is an empty inline function, and nothing reads the environment:
//! the variable `PPS_MONITOR_FAULTS` is read in `src/cli.rs` under the same
//! feature. A production binary therefore cannot be made to hang, skip the
//! atomic swap or fail on purpose.
//!
//! With the feature, `PPS_MONITOR_FAULTS` is a comma-separated list of
//! `hold:<point>` (announce on stdout, then wait to be killed; points are
//! the names of [`Point`] in lower case), `no-exchange` (publish with the
//! two-rename fallback) and `full:<prefix>` (write the outputs whose names
//! start with `<prefix>` to `/dev/full`: every write fails with "no space
//! left on device") and `panic:<prefix>` (the writer of those outputs
//! panics, as rust_xlsxwriter does on a full disk).

/// A step of publishing (see `publish::Staging::commit` and
/// `publish::lock`) where a test can stop the run.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Point {
    /// Recovery of an earlier run: an interrupted swap is rolled back, the
    /// leftovers are not yet removed.
    Recovered,
    /// Some outputs are written to the staging folder, the manifest is not.
    Writing,
    /// The staging folder is complete and durable; nothing swapped yet.
    Staged,
    /// Fallback only: the previous set is renamed aside and the new one is
    /// not in place yet (`<P>` is missing until the next run rolls back).
    Retired,
    /// The new set is in place; the previous one is still there under the
    /// staging (exchange) or retired (fallback) name.
    Swapped,
    /// The previous set is renamed to trash, not yet deleted.
    Trashed,
    /// Everything is published and cleaned up; the lock is still held.
    Published,
}

impl Point {
    pub const ALL: [Point; 7] = [
        Point::Recovered,
        Point::Writing,
        Point::Staged,
        Point::Retired,
        Point::Swapped,
        Point::Trashed,
        Point::Published,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Point::Recovered => "recovered",
            Point::Writing => "writing",
            Point::Staged => "staged",
            Point::Retired => "retired",
            Point::Swapped => "swapped",
            Point::Trashed => "trashed",
            Point::Published => "published",
        }
    }
}

/// The fault hooks of one run; empty (and inert) unless the feature
/// `fault-injection` is on and the test asked for some.
#[derive(Clone, Debug, Default)]
pub struct Faults {
    #[cfg(feature = "fault-injection")]
    hold: Vec<Point>,
    #[cfg(feature = "fault-injection")]
    no_exchange: bool,
    #[cfg(feature = "fault-injection")]
    full: Vec<String>,
    #[cfg(feature = "fault-injection")]
    panic: Vec<String>,
}

/// What a held run prints on stdout before it waits to be killed.
#[cfg(feature = "fault-injection")]
pub const HOLDING: &str = "pps-monitor fault hook: holding at";

#[cfg(feature = "fault-injection")]
impl Faults {
    /// Parses the value of `PPS_MONITOR_FAULTS`.
    pub fn parse(spec: &str) -> Result<Faults, String> {
        let mut faults = Faults::default();
        for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            if item == "no-exchange" {
                faults.no_exchange = true;
            } else if let Some(name) = item.strip_prefix("hold:") {
                let point = Point::ALL
                    .into_iter()
                    .find(|p| p.name() == name)
                    .ok_or_else(|| format!("unknown hold point `{name}`"))?;
                faults.hold.push(point);
            } else if let Some(prefix) = item.strip_prefix("full:") {
                faults.full.push(prefix.to_owned());
            } else if let Some(prefix) = item.strip_prefix("panic:") {
                faults.panic.push(prefix.to_owned());
            } else {
                return Err(format!("unknown fault hook `{item}`"));
            }
        }
        Ok(faults)
    }

    /// Publishing has reached `point`: if a test asked to hold here, say so
    /// on stdout and wait, forever, to be killed.
    pub fn reached(&self, point: Point) {
        use std::io::Write;
        if self.hold.contains(&point) {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{HOLDING} {} ({})", point.name(), std::process::id());
            let _ = out.flush();
            drop(out);
            loop {
                std::thread::park();
            }
        }
    }

    /// Whether the atomic exchange may be tried (else the fallback).
    pub fn exchange(&self) -> bool {
        !self.no_exchange
    }

    /// Whether the output `name` is to be written to a full disk.
    pub fn full_disk(&self, name: &str) -> bool {
        self.full
            .iter()
            .any(|prefix| name.starts_with(prefix.as_str()))
    }

    /// Called by the writer of the output `name`: panics if asked to.
    pub fn writing(&self, name: &str) {
        assert!(
            !self.panic.iter().any(|p| name.starts_with(p.as_str())),
            "fault hook: the writer of {name} panics"
        );
    }
}

#[cfg(not(feature = "fault-injection"))]
impl Faults {
    #[inline]
    pub fn reached(&self, _point: Point) {}

    #[inline]
    pub fn exchange(&self) -> bool {
        true
    }

    #[inline]
    pub fn writing(&self, _name: &str) {}
}
