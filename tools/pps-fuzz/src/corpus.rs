//! The seeds: every spreadsheet below the corpus folders (by default the
//! sample input and the office-made fixtures), read once into memory.
//!
//! Excel lock files (`~$…`) and hidden files are skipped, as ingest skips
//! them; so are files that are not `.xlsx`, `.xlsm`, `.xls`, `.ods` or
//! `.csv`. Seeds are kept in path order so that a case index names the same
//! seed on every machine.

use std::path::{Path, PathBuf};

/// The format family of a seed, which decides the structured mutations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Xlsx,
    Xls,
    Ods,
    Csv,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Xlsx, Kind::Xls, Kind::Ods, Kind::Csv];

    fn of(name: &str) -> Option<Kind> {
        let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "xlsx" | "xlsm" => Some(Kind::Xlsx),
            "xls" => Some(Kind::Xls),
            "ods" => Some(Kind::Ods),
            "csv" => Some(Kind::Csv),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Xlsx => "xlsx",
            Kind::Xls => "xls",
            Kind::Ods => "ods",
            Kind::Csv => "csv",
        }
    }
}

#[derive(Debug)]
pub struct Seed {
    /// Path as given on the command line, for reports.
    pub path: String,
    /// The file name, which the mutated case keeps (its extension decides
    /// how ingest reads it).
    pub name: String,
    pub kind: Kind,
    pub bytes: Vec<u8>,
}

#[derive(Debug)]
pub struct Corpus {
    pub seeds: Vec<Seed>,
}

impl Corpus {
    pub fn load(dirs: &[PathBuf]) -> Result<Corpus, String> {
        let mut paths = Vec::new();
        for dir in dirs {
            collect(dir, &mut paths)?;
        }
        paths.sort();
        let mut seeds = Vec::new();
        for path in paths {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if name.starts_with("~$") || name.starts_with('.') {
                continue;
            }
            let Some(kind) = Kind::of(&name) else {
                continue;
            };
            let bytes = std::fs::read(&path)
                .map_err(|e| format!("cannot read seed {}: {e}", path.display()))?;
            seeds.push(Seed {
                path: path.display().to_string(),
                name,
                kind,
                bytes,
            });
        }
        if seeds.is_empty() {
            return Err("no seed spreadsheets found in the corpus folders".to_owned());
        }
        Ok(Corpus { seeds })
    }

    /// The seeds of one kind, in path order.
    pub fn of_kind(&self, kind: Kind) -> Vec<&Seed> {
        self.seeds.iter().filter(|s| s.kind == kind).collect()
    }
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
        let path = entry.path();
        let kind = entry
            .file_type()
            .map_err(|e| format!("cannot stat {}: {e}", path.display()))?;
        if kind.is_dir() {
            collect(&path, out)?;
        } else if kind.is_file() {
            out.push(path);
        }
    }
    Ok(())
}
