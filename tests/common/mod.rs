//! Scenario folders: a temporary working folder with the region reference,
//! an optional configuration, input files written as CSV or xlsx, and a way
//! to run the binary in it.

#![allow(dead_code, reason = "each test module uses a different part")]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output};
use std::time::Duration;

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

pub const REGISTER_CSV: &str = "\
pps_id,naam,consortium,gemeente_code,startdatum,einddatum,sector
A,Alpha,Consortium X,GM0363,2025-01-01,,zorg
B,Beta,,GM0014,2025-06-01,2026-03-31,techniek
";

pub const COUNTS_HEADER: &str =
    "pps_id,periode,studenten_bol,studenten_bbl,werkenden,werkzoekenden,bedrijven,bedrijven_mkb";

/// A cell for xlsx fixtures.
#[derive(Clone, Debug)]
pub enum Cell {
    Blank,
    Text(&'static str),
    Number(f64),
    /// A real date cell (year, month, day).
    Date(u16, u8, u8),
}

pub use Cell::{Blank, Number as N, Text as T};

pub struct Scenario {
    dir: tempfile::TempDir,
}

/// The outcome of one run of the binary.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Scenario {
    /// A working folder with `config/regions.csv` and an `input/` folder.
    pub fn new() -> Scenario {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("config")).unwrap();
        std::fs::create_dir_all(dir.path().join("input")).unwrap();
        std::fs::copy(
            repo().join("config/regions.csv"),
            dir.path().join("config/regions.csv"),
        )
        .unwrap();
        Scenario { dir }
    }

    /// The standard two-partnership register as `input/register.csv`.
    pub fn with_register() -> Scenario {
        let s = Scenario::new();
        s.file("input/register.csv", REGISTER_CSV);
        s
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn file(&self, relative: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, content).unwrap();
        path
    }

    /// Writes an xlsx workbook with the given sheets.
    pub fn xlsx(&self, relative: &str, sheets: &[(&str, Vec<Vec<Cell>>)]) -> PathBuf {
        let path = self.path().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        write_xlsx(&path, sheets);
        path
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with_env(args, &[])
    }

    pub fn run_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let out = self.command(args, env).output().unwrap();
        to_run(&out)
    }

    pub fn command(&self, args: &[&str], env: &[(&str, &str)]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_pps-monitor"));
        cmd.args(args)
            .current_dir(self.path())
            .env("PPS_MONITOR_TODAY", "2026-11-27");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd
    }

    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path().join(relative))
            .unwrap_or_else(|e| panic!("{relative}: {e}"))
    }

    /// The rejects file of `period` as records keyed by column name.
    pub fn rejects(&self, period: &str) -> Vec<HashMap<String, String>> {
        records(&self.read(&format!("output/{period}/rejects_{period}.csv")))
    }

    /// The export of `period` as records keyed by column name.
    pub fn export(&self, period: &str) -> Vec<HashMap<String, String>> {
        records(&self.read(&format!("output/{period}/kpi_export_{period}.csv")))
    }

    pub fn manifest(&self, period: &str) -> serde_json::Value {
        serde_json::from_str(&self.read(&format!("output/{period}/manifest.json"))).unwrap()
    }

    /// The manifest's sheet entry for an input file (first sheet).
    pub fn sheet_counts(&self, period: &str, file: &str) -> serde_json::Value {
        let manifest = self.manifest(period);
        let input = manifest["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["path"] == file)
            .unwrap_or_else(|| panic!("{file} not in manifest"))
            .clone();
        input["sheets"][0].clone()
    }
}

pub fn to_run(out: &Output) -> Run {
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn records(text: &str) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_owned(), v.to_owned()))
                .collect()
        })
        .collect()
}

/// `(regel, rij, kolom)` of every rejects line, for compact assertions.
pub fn rule_lines(rejects: &[HashMap<String, String>]) -> Vec<(String, String, String)> {
    rejects
        .iter()
        .map(|r| (r["regel"].clone(), r["rij"].clone(), r["kolom"].clone()))
        .collect()
}

pub fn write_xlsx(path: &Path, sheets: &[(&str, Vec<Vec<Cell>>)]) {
    let mut workbook = Workbook::new();
    let date_format = Format::new().set_num_format("dd-mm-yyyy");
    for (name, rows) in sheets {
        let sheet = workbook.add_worksheet();
        sheet.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell {
                    Cell::Blank => {}
                    Cell::Text(t) => {
                        sheet.write_string(r, c, *t).unwrap();
                    }
                    Cell::Number(n) => {
                        sheet.write_number(r, c, *n).unwrap();
                    }
                    Cell::Date(y, m, d) => {
                        let date = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
                        sheet
                            .write_datetime_with_format(r, c, &date, &date_format)
                            .unwrap();
                    }
                }
            }
        }
    }
    workbook.save(path).unwrap();
}

/// Waits until `child` ends or `limit` has passed, whichever comes first,
/// without polling: a thread reads the child's stdout (which must be
/// piped) to its end, and the end comes when the child (and whatever it
/// started with that stdout) exits. `None`: still running after `limit`.
pub fn wait_at_most(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let mut stdout = child.stdout.take().expect("the child's stdout is piped");
    let (ended, end) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut stdout, &mut std::io::sink());
        let _ = ended.send(());
    });
    end.recv_timeout(limit)
        .ok()
        .map(|()| child.wait().expect("wait for the child"))
}

/// Checks, for every sheet in `manifest`'s inputs, that its rows read add
/// up: accepted + rejected + duplicates + later.
pub fn assert_sheets_add_up(manifest: &serde_json::Value) {
    for input in manifest["inputs"].as_array().unwrap() {
        for sheet in input["sheets"].as_array().unwrap() {
            let n = |k: &str| sheet[k].as_u64().unwrap();
            assert_eq!(
                n("read"),
                n("accepted") + n("rejected") + n("duplicates") + n("later"),
                "{input}"
            );
        }
    }
}

/// The names of the entries of folder `dir`, sorted.
pub fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// What killed runs left in `<root>/output`: hidden staging, retired and
/// trash folders (the lock file is not debris).
pub fn debris(root: &Path) -> Vec<String> {
    file_names(&root.join("output"))
        .into_iter()
        .filter(|n| n.starts_with('.') && n != ".pps-monitor.lock")
        .collect()
}
