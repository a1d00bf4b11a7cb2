//! Publishing: the outputs of one period, written to a staging folder next
//! to `<output>/<P>/` and swapped into place only when complete.
//!
//! A run holds `<output>/.pps-monitor.lock` (an OS file lock, released when
//! the process ends, so a killed run never blocks the next one) from before
//! it reads the first input until it has published. A failed run removes its
//! staging folder and leaves the previous `<output>/<P>/` untouched.

pub mod datapackage;
pub mod export;
pub mod feedback;
pub mod manifest;
pub mod rejects;
pub mod report;
pub mod template;

use std::fs::{self, File, TryLockError};
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::ingest::hex;
use crate::model::Month;
use manifest::Output;

/// A text field that a spreadsheet would read as a formula gets a leading
/// `'` (contract sections 7 and 8). Numeric fields are never guarded:
/// `-3.1` is a growth figure.
pub fn guard(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

const LOCK_FILE: &str = ".pps-monitor.lock";
const STAGING_PREFIX: &str = ".staging-";
const RETIRED_PREFIX: &str = ".retired-";

/// The output folder's lock, held for the whole run.
#[derive(Debug)]
pub struct Lock {
    _file: File,
}

/// Creates the output folder if needed and takes its lock; a second run
/// gets [`Error::Locked`]. Leftovers of killed runs are removed.
pub fn lock(output: &Path, started: &str) -> Result<Lock, Error> {
    fs::create_dir_all(output).map_err(|source| Error::Io {
        path: output.to_path_buf(),
        action: "create the output folder",
        source,
    })?;
    let path = output.join(LOCK_FILE);
    let mut file = File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|source| Error::Io {
            path: path.clone(),
            action: "create the lock file",
            source,
        })?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            return Err(Error::Locked {
                path,
                holder: holder.trim().to_owned(),
            });
        }
        Err(TryLockError::Error(source)) => {
            return Err(Error::Io {
                path,
                action: "lock",
                source,
            });
        }
    }
    let note = format!("by process {} at {started}\n", std::process::id());
    let io = |source| Error::Io {
        path: path.clone(),
        action: "write the lock file",
        source,
    };
    file.set_len(0).map_err(io)?;
    file.write_all(note.as_bytes()).map_err(io)?;
    remove_leftovers(output);
    Ok(Lock { _file: file })
}

/// Staging and retired folders of runs that were killed half-way.
fn remove_leftovers(output: &Path) {
    let Ok(entries) = fs::read_dir(output) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(STAGING_PREFIX) || name.starts_with(RETIRED_PREFIX) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// The folder a run writes into before it is published.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    outputs: Vec<Output>,
    committed: bool,
}

impl Staging {
    pub fn new(output: &Path, period: Month) -> Result<Staging, Error> {
        let dir = output.join(format!("{STAGING_PREFIX}{period}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir(&dir).map_err(|source| Error::Io {
            path: dir.clone(),
            action: "create the staging folder",
            source,
        })?;
        Ok(Staging {
            dir,
            target: output.join(period.to_string()),
            outputs: Vec::new(),
            committed: false,
        })
    }

    /// Writes one output file through a buffered writer and records it.
    pub fn write<E: std::fmt::Display>(
        &mut self,
        name: &str,
        fill: impl FnOnce(&mut BufWriter<File>) -> Result<(), E>,
    ) -> Result<(), Error> {
        let output = self.file(name, fill)?;
        self.record(output);
        Ok(())
    }

    /// Writes one output file through a buffered writer and returns its
    /// checksum without recording it: takes `&self`, so several files can
    /// be written side by side and recorded after, in a fixed order.
    pub fn file<E: std::fmt::Display>(
        &self,
        name: &str,
        fill: impl FnOnce(&mut BufWriter<File>) -> Result<(), E>,
    ) -> Result<Output, Error> {
        self.file_at_path(name, |path| {
            let mut w = BufWriter::new(File::create(path).map_err(|e| e.to_string())?);
            fill(&mut w).map_err(|e| e.to_string())?;
            w.flush().map_err(|e| e.to_string())
        })
    }

    /// Lets `fill` create the file at the given path (for writers that want
    /// a path, such as the xlsx writer), makes it durable and returns its
    /// checksum without recording it.
    pub fn file_at_path(
        &self,
        name: &str,
        fill: impl FnOnce(&Path) -> Result<(), String>,
    ) -> Result<Output, Error> {
        let path = self.dir.join(name);
        let fail = |message: String| Error::Output {
            path: self.target.join(name),
            message,
        };
        fill(&path).map_err(fail)?;
        let bytes = fs::read(&path).map_err(|e| fail(e.to_string()))?;
        File::open(&path)
            .and_then(|f| f.sync_all())
            .map_err(|e| fail(e.to_string()))?;
        Ok(Output {
            path: name.to_owned(),
            sha256: hex(&Sha256::digest(&bytes)),
        })
    }

    /// Adds a written file to the outputs (the manifest lists them in this
    /// order).
    pub fn record(&mut self, output: Output) {
        self.outputs.push(output);
    }

    /// The files written so far, with checksums.
    pub fn outputs(&self) -> &[Output] {
        &self.outputs
    }

    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Moves the staging folder into place. An existing `<P>` folder is
    /// renamed aside first and removed after; if the second rename fails
    /// it is put back.
    pub fn commit(mut self) -> Result<PathBuf, Error> {
        let fail = |action: &'static str| {
            let target = self.target.clone();
            move |source| Error::Io {
                path: target,
                action,
                source,
            }
        };
        let parent = self.target.parent().unwrap_or(Path::new(".")).to_path_buf();
        if self.target.exists() {
            let retired = parent.join(format!(
                "{RETIRED_PREFIX}{}-{}",
                self.target
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy(),
                std::process::id()
            ));
            fs::rename(&self.target, &retired)
                .map_err(fail("move aside the previous outputs in"))?;
            if let Err(e) = fs::rename(&self.dir, &self.target) {
                let _ = fs::rename(&retired, &self.target);
                return Err(fail("publish the new outputs to")(e));
            }
            let _ = fs::remove_dir_all(&retired);
        } else {
            fs::rename(&self.dir, &self.target).map_err(fail("publish the new outputs to"))?;
        }
        if let Ok(dir) = File::open(&parent) {
            let _ = dir.sync_all();
        }
        self.committed = true;
        Ok(self.target.clone())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}
