//! Fatal errors: the run cannot go on and nothing new is published.
//!
//! Each variant carries where it happened (a path, a key, a line). Bad input
//! rows are not errors: they are findings (see `validate`). The exit codes of
//! the contract live here too.

use std::path::PathBuf;

/// Exit codes of contract section 1.
pub mod exit {
    /// Success, nothing rejected.
    pub const OK: i32 = 0;
    /// Fatal error: nothing new was published.
    pub const FATAL: i32 = 1;
    /// Usage error (bad flags).
    pub const USAGE: i32 = 2;
    /// All outputs written, but some rows or files were rejected.
    pub const REJECTS: i32 = 3;
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        path: PathBuf,
        action: &'static str,
        source: std::io::Error,
    },

    #[error("configuration {}: {message}", path.display())]
    Config { path: PathBuf, message: String },

    #[error("region reference {}: {message}", path.display())]
    Regions { path: PathBuf, message: String },

    #[error("input folder {} does not exist or is not a folder; pass --input DIR or set `input` in the configuration", path.display())]
    MissingInput { path: PathBuf },

    #[error("no register found under {}: at least one sheet needs the columns pps_id and gemeente_code (see `pps-monitor template` and the README)", path.display())]
    NoRegister { path: PathBuf },

    #[error("no accepted submission rows under {}, so period `latest` has no month; pass --period YYYY-MM", path.display())]
    NoPeriod { path: PathBuf },

    #[error("another pps-monitor run holds the lock {} (started {holder}); wait for it to finish, or check for a hung process", path.display())]
    Locked { path: PathBuf, holder: String },

    #[error("cannot write {}: {message}", path.display())]
    Output { path: PathBuf, message: String },

    #[error("aggregation failed: {0}")]
    Aggregate(String),

    /// A check of the tool's own bookkeeping failed: a bug, never bad input.
    #[error("internal error (a bug in pps-monitor; please report it with the input files): {0}")]
    Internal(String),

    #[error("usage: {0}")]
    Usage(String),
}

impl Error {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) => exit::USAGE,
            _ => exit::FATAL,
        }
    }
}
