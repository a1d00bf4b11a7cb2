//! Publishing: the outputs of one period, written to a staging folder next
//! to `<output>/<P>/` and swapped into place only when complete.
//!
//! [`publish`] is the stage: one [`Output`] per kind of file (export,
//! report, rejects, feedback workbooks, data package, manifest), written
//! into a [`Staging`] folder and committed. This file holds what makes it
//! safe: the lock, the staging folder and its swap, and recovery.
//!
//! A run holds `<output>/.pps-monitor.lock` (an OS file lock, released when
//! the process ends, so a killed run never blocks the next one) from before
//! it reads the first input until it has published. A failed run removes its
//! staging folder and leaves the previous `<output>/<P>/` untouched.
//!
//! Crash safety (contract section 6) rests on one rule: a folder is only
//! ever *named* `<P>` by an atomic rename of a complete set, so whatever is
//! called `<P>` is complete. The names in `<output>/` say what the rest is:
//!
//! | name | holds | the next run (any period) |
//! | --- | --- | --- |
//! | `<P>` | a complete set | keeps it |
//! | `.staging-<P>-<pid>` | a set being written, or, after an exchange, the previous set | removes it |
//! | `.retired-<P>-<pid>` | the complete previous set, moved aside by the fallback | renames it back to `<P>` if `<P>` is missing, else removes it |
//! | `.trash-<P>-<pid>` | a previous set being deleted | removes it |
//!
//! Publishing, step by step ([`Staging::commit`]): every output is written
//! and `fsync`ed in the staging folder, then the folder itself; then, if
//! `<P>` exists, the two folders are exchanged in one step
//! (`renameat2(RENAME_EXCHANGE)` on Linux, `renamex_np(RENAME_SWAP)` on
//! macOS), so `<P>` is never missing; the previous set, now under the
//! staging name, is renamed to trash and deleted. Where the file system or
//! OS cannot exchange, the fallback renames `<P>` to `.retired-…` and the
//! staging folder to `<P>`: a crash between those two renames leaves `<P>`
//! missing until the next run, which, before anything else, renames the
//! retired set back. A first publication is one rename. A set is never
//! deleted while it could be the only complete one: the retired set is
//! renamed to trash only once `<P>` exists again.

pub mod datapackage;
pub mod export;
pub mod fault;
pub mod feedback;
pub mod manifest;
mod outputs;
pub mod rejects;
pub mod report;
pub mod template;

pub use outputs::{
    DataPackage, Export, Feedback, Manifest, Output, Published, Rejects, Report, Results, publish,
};

use std::fs::{self, File, TryLockError};
use std::io::{self, BufWriter, Read, Write};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::ingest::hex;
use crate::model::Month;
use fault::{Faults, Point};

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
const TRASH_PREFIX: &str = ".trash-";

/// The output folder's lock, held for the whole run.
#[derive(Debug)]
pub struct Lock {
    _file: File,
    /// What the recovery of interrupted runs did, one line each, for the
    /// operator.
    pub recovered: Vec<String>,
}

/// Creates the output folder if needed and takes its lock; a second run
/// gets [`Error::Locked`]. Then recovers from runs that were killed: an
/// interrupted swap is rolled back and their leftovers are removed.
pub fn lock(output: &Path, started: &str, faults: &Faults) -> Result<Lock, Error> {
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
    let recovered = recover(output, faults)?;
    Ok(Lock {
        _file: file,
        recovered,
    })
}

/// Rolls back a swap that a killed run left half done (its period folder
/// missing, the previous set retired beside it), then removes what killed
/// runs left behind. Runs under the lock, before anything is read, for
/// whatever period the run is for. Each step is one rename or the deletion
/// of something that is never the only complete set, so a crash here is
/// recovered by the next run in the same way.
fn recover(output: &Path, faults: &Faults) -> Result<Vec<String>, Error> {
    let mut names: Vec<String> = match fs::read_dir(output) {
        Ok(entries) => entries
            .flatten()
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| {
                n.starts_with(STAGING_PREFIX)
                    || n.starts_with(RETIRED_PREFIX)
                    || n.starts_with(TRASH_PREFIX)
            })
            .collect(),
        Err(source) => {
            return Err(Error::Io {
                path: output.to_path_buf(),
                action: "list the output folder",
                source,
            });
        }
    };
    names.sort();
    let mut notes = Vec::new();
    for name in &names {
        let Some(period) = retired_period(name) else {
            continue;
        };
        let target = output.join(period);
        if exists(&target)? {
            continue;
        }
        let retired = output.join(name);
        fs::rename(&retired, &target).map_err(|source| Error::Io {
            path: target.clone(),
            action: "restore the previous outputs (interrupted publication) in",
            source,
        })?;
        sync_dir(output).map_err(|source| Error::Io {
            path: output.to_path_buf(),
            action: "make durable the restored outputs in",
            source,
        })?;
        notes.push(format!(
            "a killed run left {} missing: the previous outputs are restored",
            target.display()
        ));
    }
    faults.reached(Point::Recovered);
    // Staging folders and trash first, so that a retired set's trash name
    // is free.
    for name in names.iter().filter(|n| !n.starts_with(RETIRED_PREFIX)) {
        let _ = fs::remove_dir_all(output.join(name));
    }
    for name in names.iter().filter(|n| n.starts_with(RETIRED_PREFIX)) {
        // Only once its period folder exists (restored above, or
        // published) is this copy no longer the only complete set.
        let restored = retired_period(name).map(|period| exists(&output.join(period)));
        if !matches!(restored, Some(Ok(true))) {
            continue;
        }
        let trash = output.join(format!("{TRASH_PREFIX}{}", &name[RETIRED_PREFIX.len()..]));
        if fs::rename(output.join(name), &trash).is_ok() {
            let _ = fs::remove_dir_all(&trash);
        }
    }
    if !names.is_empty() {
        let _ = sync_dir(output);
    }
    Ok(notes)
}

/// The period folder a retired set belongs to: `.retired-2026-10-1234`
/// belongs to `2026-10`.
fn retired_period(name: &str) -> Option<&str> {
    let rest = name.strip_prefix(RETIRED_PREFIX)?;
    let (period, pid) = rest.rsplit_once('-')?;
    let plain = |s: &str| !s.is_empty() && !s.contains(['/', '\\']) && s != "." && s != "..";
    (plain(period) && pid.bytes().all(|b| b.is_ascii_digit())).then_some(period)
}

fn exists(path: &Path) -> Result<bool, Error> {
    match fs::symlink_metadata(path) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(source) => Err(Error::Io {
            path: path.to_path_buf(),
            action: "look at",
            source,
        }),
    }
}

/// Makes a folder's entries durable (new files, renames in it). Folders
/// cannot be opened as files on Windows; there it does nothing.
fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Exchanges two folders in one atomic step. `Ok(false)`: this file
/// system or OS cannot (the caller falls back to two renames).
#[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(e)
            if e == Errno::INVAL
                || e == Errno::NOSYS
                || e == Errno::OPNOTSUPP
                || e == Errno::NOTSUP =>
        {
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
fn exchange(_a: &Path, _b: &Path) -> io::Result<bool> {
    Ok(false)
}

/// The text of a caught panic.
fn panic_text(payload: &(dyn std::any::Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("no message")
}

/// Lets `fill` create the file at `path`, then makes it durable and
/// returns its SHA-256 (hex). A writer that panics (rust_xlsxwriter does on
/// a full disk) is an error like any other: the panic stops here.
fn write_durably(
    path: &Path,
    fill: impl FnOnce(&Path) -> Result<(), String>,
) -> Result<String, String> {
    match panic::catch_unwind(AssertUnwindSafe(|| fill(path))) {
        Ok(written) => written?,
        Err(payload) => {
            return Err(format!(
                "the writer stopped: {}",
                panic_text(payload.as_ref())
            ));
        }
    }
    let bytes = fs::read(path).map_err(|e| e.to_string())?;
    File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| e.to_string())?;
    Ok(hex(&Sha256::digest(&bytes)))
}

/// Writes one file outside a period folder (the submission template) so
/// that `path` is either the previous file or the complete new one:
/// `fill` writes `<path>.partial` beside it, which is made durable and
/// renamed over `path`. Creates the folder if needed; on any error the
/// partial file is removed and `path` is untouched.
pub fn write_atomically(
    path: &Path,
    fill: impl FnOnce(&Path) -> Result<(), String>,
) -> Result<(), Error> {
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(folder).map_err(|source| Error::Io {
        path: folder.to_path_buf(),
        action: "create the folder",
        source,
    })?;
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let written = write_durably(&partial, fill)
        .and_then(|_| fs::rename(&partial, path).map_err(|e| e.to_string()));
    if let Err(message) = written {
        let _ = fs::remove_file(&partial);
        return Err(Error::Output {
            path: path.to_path_buf(),
            message,
        });
    }
    let _ = sync_dir(folder);
    Ok(())
}

/// The folder a run writes into before it is published.
#[derive(Debug)]
pub struct Staging {
    output: PathBuf,
    dir: PathBuf,
    target: PathBuf,
    /// `<P>-<pid>`, the tail of this run's staging, retired and trash names.
    tag: String,
    committed: bool,
    faults: Faults,
}

impl Staging {
    pub fn new(output: &Path, period: Month, faults: &Faults) -> Result<Staging, Error> {
        let tag = format!("{period}-{}", std::process::id());
        let dir = output.join(format!("{STAGING_PREFIX}{tag}"));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir(&dir).map_err(|source| Error::Io {
            path: dir.clone(),
            action: "create the staging folder",
            source,
        })?;
        Ok(Staging {
            output: output.to_path_buf(),
            dir,
            target: output.join(period.to_string()),
            tag,
            committed: false,
            faults: faults.clone(),
        })
    }

    /// Writes one output file through a buffered writer and returns its
    /// checksum: takes `&self`, so several files can be written side by
    /// side.
    pub fn file<E: std::fmt::Display>(
        &self,
        name: &str,
        fill: impl FnOnce(&mut BufWriter<File>) -> Result<(), E>,
    ) -> Result<manifest::Output, Error> {
        self.file_at_path(name, |path| {
            let mut w = BufWriter::new(File::create(path).map_err(|e| e.to_string())?);
            fill(&mut w).map_err(|e| e.to_string())?;
            w.flush().map_err(|e| e.to_string())
        })
    }

    /// Lets `fill` create the file at the given path (for writers that want
    /// a path, such as the xlsx writer), makes it durable and returns its
    /// checksum.
    pub fn file_at_path(
        &self,
        name: &str,
        fill: impl FnOnce(&Path) -> Result<(), String>,
    ) -> Result<manifest::Output, Error> {
        let path = self.dir.join(name);
        let fail = |message: String| Error::Output {
            path: self.target.join(name),
            message,
        };
        // Test-only: the output becomes a link to `/dev/full`, so that
        // every write to it fails with "no space left on device".
        #[cfg(all(feature = "fault-injection", unix))]
        if self.faults.full_disk(name) {
            std::os::unix::fs::symlink("/dev/full", &path).map_err(|e| fail(e.to_string()))?;
        }
        let sha256 = write_durably(&path, |path| {
            self.faults.writing(name);
            fill(path)
        })
        .map_err(fail)?;
        Ok(manifest::Output {
            path: name.to_owned(),
            sha256,
        })
    }

    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Puts the complete staging folder in place as `<P>` (see the module
    /// documentation for each step and what a crash there leaves). Errors
    /// before the swap leave the previous `<P>` as it was; once the new
    /// set is in place, removing the previous one is best effort (the next
    /// run removes what is left).
    pub fn commit(mut self) -> Result<PathBuf, Error> {
        let io = |path: &Path, action: &'static str| {
            let path = path.to_path_buf();
            move |source| Error::Io {
                path,
                action,
                source,
            }
        };
        sync_dir(&self.dir).map_err(io(&self.dir, "make durable the staging folder"))?;
        self.faults.reached(Point::Staged);
        if !exists(&self.target)? {
            fs::rename(&self.dir, &self.target)
                .map_err(io(&self.target, "publish the new outputs to"))?;
            self.committed = true;
            let _ = sync_dir(&self.output);
            self.faults.reached(Point::Swapped);
            self.faults.reached(Point::Published);
            return Ok(self.target.clone());
        }
        let exchanged = self.faults.exchange()
            && exchange(&self.dir, &self.target)
                .map_err(io(&self.target, "publish the new outputs to"))?;
        let previous = if exchanged {
            // The previous set is now under the staging name.
            self.dir.clone()
        } else {
            let retired = self.output.join(format!("{RETIRED_PREFIX}{}", self.tag));
            fs::rename(&self.target, &retired)
                .map_err(io(&self.target, "move aside the previous outputs in"))?;
            self.faults.reached(Point::Retired);
            if let Err(e) = fs::rename(&self.dir, &self.target) {
                // If this fails too, the next run renames it back.
                let _ = fs::rename(&retired, &self.target);
                return Err(io(&self.target, "publish the new outputs to")(e));
            }
            retired
        };
        self.committed = true;
        let _ = sync_dir(&self.output);
        self.faults.reached(Point::Swapped);
        let trash = self.output.join(format!("{TRASH_PREFIX}{}", self.tag));
        if fs::rename(&previous, &trash).is_ok() {
            self.faults.reached(Point::Trashed);
            let _ = fs::remove_dir_all(&trash);
            let _ = sync_dir(&self.output);
        }
        self.faults.reached(Point::Published);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(path: &Path, content: &str) {
        fs::create_dir_all(path).unwrap();
        fs::write(path.join("f.txt"), content).unwrap();
    }

    fn content(path: &Path) -> String {
        fs::read_to_string(path.join("f.txt")).unwrap()
    }

    #[test]
    fn retired_names_give_their_period() {
        assert_eq!(retired_period(".retired-2026-10-1234"), Some("2026-10"));
        assert_eq!(retired_period(".retired-2026-10-"), Some("2026-10"));
        assert_eq!(retired_period(".retired-2026-10-12x"), None);
        assert_eq!(retired_period(".retired--12"), None);
        assert_eq!(retired_period(".retired-..-12"), None);
        assert_eq!(retired_period(".staging-2026-10-12"), None);
    }

    #[test]
    fn recovery_restores_a_missing_folder_and_removes_only_debris() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        // 2026-01: interrupted between the fallback's two renames.
        folder(&out.join(".retired-2026-01-7"), "old 01");
        folder(&out.join(".staging-2026-01-7"), "new 01, maybe half");
        // 2026-02: swapped, the previous set not yet removed.
        folder(&out.join("2026-02"), "new 02");
        folder(&out.join(".retired-2026-02-8"), "old 02");
        folder(&out.join(".trash-2026-02-8"), "old 02, half deleted");
        // Not ours: left alone.
        folder(&out.join(".retired-notes"), "someone's notes");
        let notes = recover(out, &Faults::default()).unwrap();
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert_eq!(content(&out.join("2026-01")), "old 01");
        assert_eq!(content(&out.join("2026-02")), "new 02");
        let mut left: Vec<String> = fs::read_dir(out)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(left, [".retired-notes", "2026-01", "2026-02"]);
        // A second recovery has nothing to do.
        assert!(recover(out, &Faults::default()).unwrap().is_empty());
    }

    #[test]
    fn an_atomic_write_leaves_the_previous_file_whole_when_the_writer_fails() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sjabloon.xlsx");
        fs::write(&path, "previous").unwrap();
        let names = || -> Vec<String> {
            let mut names: Vec<String> = fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect();
            names.sort();
            names
        };
        let half = |partial: &Path| -> Result<(), String> {
            fs::write(partial, "half").map_err(|e| e.to_string())?;
            Err("disk full".to_owned())
        };
        let err = write_atomically(&path, half).unwrap_err().to_string();
        assert!(
            err.contains("sjabloon.xlsx") && err.contains("disk full"),
            "{err}"
        );
        let err = write_atomically(&path, |partial| {
            fs::write(partial, "half").unwrap();
            panic!("the writer's own panic");
        })
        .unwrap_err()
        .to_string();
        assert!(err.contains("the writer's own panic"), "{err}");
        assert_eq!(fs::read_to_string(&path).unwrap(), "previous");
        assert_eq!(names(), ["sjabloon.xlsx"], "no partial file left");

        write_atomically(&dir.path().join("nieuw/sjabloon.xlsx"), |partial| {
            fs::write(partial, "new").map_err(|e| e.to_string())
        })
        .unwrap();
        assert_eq!(
            fs::read_to_string(dir.path().join("nieuw/sjabloon.xlsx")).unwrap(),
            "new"
        );
        assert_eq!(names(), ["nieuw", "sjabloon.xlsx"]);
    }

    #[test]
    fn the_exchange_swaps_two_folders_or_says_it_cannot() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        folder(&a, "A");
        folder(&b, "B");
        if exchange(&a, &b).unwrap() {
            assert_eq!((content(&a), content(&b)), ("B".into(), "A".into()));
        } else {
            eprintln!(
                "SKIPPED: this file system cannot exchange folders (the fallback is tested in tests/crash.rs)"
            );
            assert_eq!((content(&a), content(&b)), ("A".into(), "B".into()));
        }
    }
}
