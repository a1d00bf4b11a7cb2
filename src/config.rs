//! Configuration: the TOML file and the command-line flags, resolved once
//! into a [`Job`] that the stages use. Stages never see TOML, flags or
//! environment variables.
//!
//! Layering: built-in defaults < configuration file < flags. Paths written
//! in the configuration file are relative to the file's own folder; paths
//! given as flags are relative to the current folder. Unknown keys are
//! refused with their name, so a typo never silently falls back to a
//! default.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::ingest::Limits;
use crate::model::Month;
use crate::regions::{CodeChanges, RegionGroup, Regions, normalise_gemeente_code};

/// Where the configuration is looked for when `--config` is not given.
pub const DEFAULT_CONFIG: &str = "config/pps-monitor.toml";
pub const DEFAULT_INPUT: &str = "input";
pub const DEFAULT_OUTPUT: &str = "output";
pub const DEFAULT_REGIONS: &str = "config/regions.csv";
/// The municipal code changes, looked for beside the region reference.
pub const DEFAULT_CHANGES: &str = "gemeente_wijzigingen.csv";
pub const DEFAULT_THRESHOLD: i64 = 5;

/// The configuration file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    input: Option<PathBuf>,
    output: Option<PathBuf>,
    period: Option<String>,
    regions: Option<PathBuf>,
    gemeente_wijzigingen: Option<PathBuf>,
    suppression_threshold: Option<i64>,
    max_file_mb: Option<u64>,
    max_package_mb: Option<u64>,
    max_cells_per_sheet: Option<u64>,
    max_columns: Option<u32>,
    #[serde(default)]
    region_group: Vec<RawGroup>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    code: String,
    naam: String,
    gemeenten: Vec<CodeValue>,
}

/// A municipality code written as a string (`"GM0363"`) or a number (`363`).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum CodeValue {
    Text(String),
    Number(i64),
}

/// What the command line says; `None` means "not given".
#[derive(Debug, Default, Clone)]
pub struct Flags {
    pub config: Option<PathBuf>,
    pub input: Option<PathBuf>,
    pub output: Option<PathBuf>,
    pub period: Option<String>,
}

/// Which reporting month to use.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PeriodChoice {
    Month(Month),
    /// The latest month with at least one accepted submission row; known
    /// only after validation.
    Latest,
}

/// What `run` and `validate` do.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Command {
    Run,
    Validate,
}

/// Where the municipal code changes (`gemeente_wijzigingen`) came from.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ChangesSource {
    File(PathBuf),
    /// The copy compiled into the binary (CBS changes 2019–2025).
    BuiltIn,
    /// No file, and the built-in list does not fit the reference in use.
    None,
}

/// A fully resolved job: every path absolute, the period parsed, the region
/// reference loaded.
#[derive(Debug)]
pub struct Job {
    pub command: Command,
    pub config_file: Option<PathBuf>,
    pub input: PathBuf,
    pub output: PathBuf,
    /// As requested (`latest`, `previous`, `2026-10`), for the manifest.
    pub period_requested: String,
    pub period: PeriodChoice,
    /// `None`: the built-in copy of the CBS 2025 reference.
    pub regions_file: Option<PathBuf>,
    /// The reference, with the code changes it was read with.
    pub regions: Regions,
    /// Where the municipal code changes came from.
    pub changes_source: ChangesSource,
    pub groups: Vec<RegionGroup>,
    pub threshold: i64,
    /// What one input file may cost.
    pub limits: Limits,
    /// The current calendar month ("today": the system date or
    /// `PPS_MONITOR_TODAY`), for rule `future_period`.
    pub current_month: Month,
    /// Test-only fault hooks; empty (and compiled out) in a normal build.
    pub faults: crate::publish::fault::Faults,
}

/// The effective configuration as recorded in the manifest.
#[derive(Debug, Serialize)]
pub struct Effective<'a> {
    pub config_file: Option<&'a Path>,
    pub input: &'a Path,
    pub output: &'a Path,
    pub period: &'a str,
    /// The reference file, or `built-in` for the compiled-in copy.
    pub regions: String,
    /// The code-change file, `built-in`, or `none`.
    pub gemeente_wijzigingen: String,
    pub suppression_threshold: i64,
    pub limits: &'a Limits,
    pub region_groups: &'a [RegionGroup],
}

impl Job {
    /// Resolves flags and the configuration file into a job. `today` is the
    /// one clock of the program (for `--period previous`); `cwd` anchors
    /// relative flag paths.
    pub fn resolve(
        command: Command,
        flags: &Flags,
        cwd: &Path,
        today: NaiveDate,
    ) -> Result<Job, Error> {
        let (raw, config_file) = load_raw(flags, cwd)?;
        let config_dir = config_file
            .as_deref()
            .and_then(Path::parent)
            .map_or_else(|| cwd.to_path_buf(), Path::to_path_buf);
        let config_path_for_errors = config_file
            .clone()
            .unwrap_or_else(|| cwd.join(DEFAULT_CONFIG));
        let config_error = |message: String| Error::Config {
            path: config_path_for_errors.clone(),
            message,
        };

        let pick = |flag: &Option<PathBuf>, file: &Option<PathBuf>, default: &str| -> PathBuf {
            match (flag, file) {
                (Some(p), _) => absolute(cwd, p),
                (None, Some(p)) => absolute(&config_dir, p),
                (None, None) => cwd.join(default),
            }
        };
        let input = pick(&flags.input, &raw.input, DEFAULT_INPUT);
        let output = pick(&flags.output, &raw.output, DEFAULT_OUTPUT);
        // Unset: `config/regions.csv` in the current folder if there is one,
        // else the copy compiled into the binary (the same CBS 2025 file),
        // so the tool also works when started from another folder.
        let regions_file = match &raw.regions {
            Some(p) => Some(absolute(&config_dir, p)),
            None => Some(cwd.join(DEFAULT_REGIONS)).filter(|p| p.is_file()),
        };

        let (period_requested, period) = match (&flags.period, &raw.period) {
            (Some(p), _) => {
                let choice = parse_period(p, today).ok_or_else(|| {
                    Error::Usage(format!(
                        "--period `{p}` is not YYYY-MM, `latest` or `previous`"
                    ))
                })?;
                (p.trim().to_owned(), choice)
            }
            (None, Some(p)) => {
                let choice = parse_period(p, today).ok_or_else(|| {
                    config_error(format!(
                        "period = `{p}` is not YYYY-MM, `latest` or `previous`"
                    ))
                })?;
                (p.trim().to_owned(), choice)
            }
            (None, None) => ("latest".to_owned(), PeriodChoice::Latest),
        };

        let threshold = raw.suppression_threshold.unwrap_or(DEFAULT_THRESHOLD);
        if threshold < 0 {
            return Err(config_error(format!(
                "suppression_threshold = {threshold}: use 0 (off) or a positive number"
            )));
        }

        let limits = resolve_limits(&raw).map_err(config_error)?;
        let current_month = Month::new(today.year(), today.month()).ok_or_else(|| {
            Error::Usage(format!(
                "today ({today}) lies outside the years 1000 to 9999"
            ))
        })?;

        let regions = match &regions_file {
            Some(path) => Regions::read(path)?,
            None => Regions::built_in(),
        };
        // Set: that file (it must exist). Unset: `gemeente_wijzigingen.csv`
        // beside the reference if there is one, else the built-in list when
        // it fits the reference (it always fits the built-in one).
        let changes_file = match &raw.gemeente_wijzigingen {
            Some(p) => Some(absolute(&config_dir, p)),
            None => regions_file
                .as_deref()
                .and_then(Path::parent)
                .map(|dir| dir.join(DEFAULT_CHANGES))
                .filter(|p| p.is_file()),
        };
        let (changes, changes_source) = match changes_file {
            Some(path) => (
                CodeChanges::read(&path, &regions)?,
                ChangesSource::File(path),
            ),
            None => match CodeChanges::built_in(&regions) {
                Ok(changes) => (changes, ChangesSource::BuiltIn),
                Err(_) => (CodeChanges::default(), ChangesSource::None),
            },
        };
        let regions = regions.with_changes(changes);
        let groups = resolve_groups(raw.region_group, &regions).map_err(config_error)?;

        Ok(Job {
            command,
            config_file,
            input,
            output,
            period_requested,
            period,
            regions_file,
            regions,
            changes_source,
            groups,
            threshold,
            limits,
            current_month,
            faults: crate::publish::fault::Faults::default(),
        })
    }

    pub fn effective(&self) -> Effective<'_> {
        Effective {
            config_file: self.config_file.as_deref(),
            input: &self.input,
            output: &self.output,
            period: &self.period_requested,
            regions: self
                .regions_file
                .as_ref()
                .map_or_else(|| "built-in".to_owned(), |p| p.display().to_string()),
            gemeente_wijzigingen: match &self.changes_source {
                ChangesSource::File(p) => p.display().to_string(),
                ChangesSource::BuiltIn => "built-in".to_owned(),
                ChangesSource::None => "none".to_owned(),
            },
            suppression_threshold: self.threshold,
            limits: &self.limits,
            region_groups: &self.groups,
        }
    }
}

/// Reads the configuration file: the one named by `--config` (must exist),
/// else the default one if present, else nothing (built-in defaults).
fn load_raw(flags: &Flags, cwd: &Path) -> Result<(RawConfig, Option<PathBuf>), Error> {
    let (path, must_exist) = match &flags.config {
        Some(p) => (absolute(cwd, p), true),
        None => (cwd.join(DEFAULT_CONFIG), false),
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !must_exist => {
            return Ok((RawConfig::default(), None));
        }
        Err(source) => {
            return Err(Error::Io {
                path,
                action: "read the configuration",
                source,
            });
        }
    };
    let raw: RawConfig = toml::from_str(&text).map_err(|e| Error::Config {
        path: path.clone(),
        message: e.to_string().trim_end().to_owned(),
    })?;
    Ok((raw, Some(path)))
}

/// The input limits: each key must be at least 1 when given.
fn resolve_limits(raw: &RawConfig) -> Result<Limits, String> {
    let defaults = Limits::default();
    let positive = |key: &str, value: Option<u64>| match value {
        Some(0) => Err(format!("{key} = 0: use a positive number")),
        other => Ok(other),
    };
    let mb = |n: u64| n.saturating_mul(1_000_000);
    Ok(Limits {
        max_file_bytes: positive("max_file_mb", raw.max_file_mb)?
            .map_or(defaults.max_file_bytes, mb),
        max_package_bytes: positive("max_package_mb", raw.max_package_mb)?
            .map_or(defaults.max_package_bytes, mb),
        max_cells: positive("max_cells_per_sheet", raw.max_cells_per_sheet)?
            .unwrap_or(defaults.max_cells),
        max_columns: positive("max_columns", raw.max_columns.map(u64::from))?
            .map_or(defaults.max_columns, |n| n as u32),
    })
}

fn resolve_groups(raw: Vec<RawGroup>, regions: &Regions) -> Result<Vec<RegionGroup>, String> {
    let mut groups: Vec<RegionGroup> = Vec::with_capacity(raw.len());
    for g in raw {
        let code = g.code.trim().to_owned();
        let naam = g.naam.trim().to_owned();
        if code.is_empty() || naam.is_empty() {
            return Err("a [[region_group]] needs a non-empty `code` and `naam`".to_owned());
        }
        if groups.iter().any(|other| other.code == code) {
            return Err(format!("region group code `{code}` is used twice"));
        }
        let mut gemeenten = BTreeSet::new();
        for value in g.gemeenten {
            let text = match value {
                CodeValue::Text(t) => t,
                CodeValue::Number(n) => n.to_string(),
            };
            let gm = normalise_gemeente_code(&text)
                .filter(|gm| regions.get(gm).is_some())
                .ok_or_else(|| {
                    format!("region group `{code}`: `{text}` is not a municipality code in the region reference")
                })?;
            gemeenten.insert(gm);
        }
        if gemeenten.is_empty() {
            return Err(format!("region group `{code}` lists no gemeenten"));
        }
        groups.push(RegionGroup {
            code,
            naam,
            gemeenten,
        });
    }
    Ok(groups)
}

/// `YYYY-MM`, `latest`, `previous` (the calendar month before `today`).
pub fn parse_period(text: &str, today: NaiveDate) -> Option<PeriodChoice> {
    let t = text.trim();
    match t.to_ascii_lowercase().as_str() {
        "latest" => Some(PeriodChoice::Latest),
        "previous" => {
            let this = Month::new(today.year(), today.month())?;
            Some(PeriodChoice::Month(this.offset(-1)))
        }
        _ => Month::parse_iso(t).map(PeriodChoice::Month),
    }
}

fn absolute(base: &Path, p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        base.join(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The job of `run` without flags in `root`, on 2026-11-27.
    fn resolve_default(root: &Path) -> Job {
        Job::resolve(Command::Run, &Flags::default(), root, day(2026, 11, 27)).unwrap()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// A scratch folder with a region reference copied in.
    fn scratch(config: Option<&str>) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("config")).unwrap();
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("config/regions.csv"),
            dir.path().join("config/regions.csv"),
        )
        .unwrap();
        if let Some(text) = config {
            std::fs::write(dir.path().join(DEFAULT_CONFIG), text).unwrap();
        }
        dir
    }

    #[test]
    fn periods() {
        let today = day(2026, 1, 1);
        assert_eq!(parse_period("latest", today), Some(PeriodChoice::Latest));
        assert_eq!(
            parse_period("previous", today),
            Some(PeriodChoice::Month(Month::new(2025, 12).unwrap()))
        );
        assert_eq!(
            parse_period(" 2026-10 ", today),
            Some(PeriodChoice::Month(Month::new(2026, 10).unwrap()))
        );
        assert_eq!(parse_period("oktober", today), None);
        assert_eq!(parse_period("2026-13", today), None);
    }

    #[test]
    fn defaults_apply_without_a_config_file() {
        let dir = scratch(None);
        let job = resolve_default(dir.path());
        assert_eq!(job.config_file, None);
        assert_eq!(job.input, dir.path().join("input"));
        assert_eq!(job.output, dir.path().join("output"));
        assert_eq!(job.period, PeriodChoice::Latest);
        assert_eq!(job.threshold, 5);
        assert_eq!(job.limits, Limits::default());
        assert_eq!(job.current_month, Month::new(2026, 11).unwrap());
        assert!(job.groups.is_empty());
        assert_eq!(
            job.regions_file,
            Some(dir.path().join("config/regions.csv"))
        );
    }

    #[test]
    fn the_built_in_reference_serves_when_no_file_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let job = resolve_default(dir.path());
        assert_eq!(job.regions_file, None);
        assert_eq!(job.regions.municipalities.len(), 342);
        assert_eq!(job.effective().regions, "built-in");
        std::fs::write(dir.path().join("my.toml"), "regions = \"nope.csv\"\n").unwrap();
        let flags = Flags {
            config: Some("my.toml".into()),
            ..Flags::default()
        };
        let err = Job::resolve(Command::Run, &flags, dir.path(), day(2026, 11, 27)).unwrap_err();
        assert!(err.to_string().contains("nope.csv"), "{err}");
    }

    #[test]
    fn flags_override_the_file_which_overrides_defaults() {
        let dir = scratch(Some(
            "input = \"../data\"\noutput = \"/tmp/out\"\nperiod = \"2025-06\"\nsuppression_threshold = 0\n",
        ));
        let today = day(2026, 11, 27);
        let job = Job::resolve(Command::Run, &Flags::default(), dir.path(), today).unwrap();
        assert_eq!(job.input, dir.path().join("config").join("../data"));
        assert_eq!(job.output, PathBuf::from("/tmp/out"));
        assert_eq!(
            job.period,
            PeriodChoice::Month(Month::new(2025, 6).unwrap())
        );
        assert_eq!(job.threshold, 0);

        let flags = Flags {
            input: Some("elsewhere".into()),
            period: Some("previous".into()),
            ..Flags::default()
        };
        let job = Job::resolve(Command::Run, &flags, dir.path(), today).unwrap();
        assert_eq!(job.input, dir.path().join("elsewhere"));
        assert_eq!(job.output, PathBuf::from("/tmp/out"));
        assert_eq!(
            job.period,
            PeriodChoice::Month(Month::new(2026, 10).unwrap())
        );
        assert_eq!(job.period_requested, "previous");
    }

    #[test]
    fn unknown_keys_are_refused_by_name() {
        let dir = scratch(Some("suppresion_threshold = 3\n"));
        let err =
            Job::resolve(Command::Run, &Flags::default(), dir.path(), day(2026, 1, 1)).unwrap_err();
        assert!(matches!(err, Error::Config { .. }));
        assert!(err.to_string().contains("suppresion_threshold"), "{err}");
    }

    #[test]
    fn bad_values_are_refused() {
        for text in [
            "suppression_threshold = -1\n",
            "period = \"okt 2026\"\n",
            "[[region_group]]\ncode = \"MRA\"\nnaam = \"MRA\"\ngemeenten = [\"GM9999\"]\n",
            "[[region_group]]\ncode = \"MRA\"\nnaam = \"MRA\"\ngemeenten = []\n",
            "max_cells_per_sheet = 0\n",
            "max_file_mb = -1\n",
        ] {
            let dir = scratch(Some(text));
            let err = Job::resolve(Command::Run, &Flags::default(), dir.path(), day(2026, 1, 1));
            assert!(matches!(err, Err(Error::Config { .. })), "{text}: {err:?}");
        }
        let dir = scratch(None);
        let flags = Flags {
            period: Some("2026-13".into()),
            ..Flags::default()
        };
        let err = Job::resolve(Command::Run, &flags, dir.path(), day(2026, 1, 1)).unwrap_err();
        assert_eq!(err.exit_code(), crate::error::exit::USAGE);
        let flags = Flags {
            config: Some("missing.toml".into()),
            ..Flags::default()
        };
        let err = Job::resolve(Command::Run, &flags, dir.path(), day(2026, 1, 1)).unwrap_err();
        assert_eq!(err.exit_code(), crate::error::exit::FATAL);
    }

    #[test]
    fn input_limits_are_configurable() {
        let dir = scratch(Some(
            "max_file_mb = 5\nmax_package_mb = 20\nmax_cells_per_sheet = 1000\nmax_columns = 50\n",
        ));
        let job =
            Job::resolve(Command::Run, &Flags::default(), dir.path(), day(2026, 1, 1)).unwrap();
        assert_eq!(
            job.limits,
            Limits {
                max_file_bytes: 5_000_000,
                max_package_bytes: 20_000_000,
                max_cells: 1000,
                max_columns: 50,
            }
        );
    }

    #[test]
    fn region_groups_accept_codes_in_any_spelling() {
        let dir = scratch(Some(
            "[[region_group]]\ncode = \"MRA\"\nnaam = \"Metropoolregio Amsterdam\"\ngemeenten = [\"GM0363\", 479, \"0394\"]\n",
        ));
        let job =
            Job::resolve(Command::Run, &Flags::default(), dir.path(), day(2026, 1, 1)).unwrap();
        assert_eq!(job.groups.len(), 1);
        let codes: Vec<_> = job.groups[0].gemeenten.iter().cloned().collect();
        assert_eq!(codes, ["GM0363", "GM0394", "GM0479"]);
    }

    #[test]
    fn code_changes_beside_the_reference_else_built_in() {
        let today = day(2026, 1, 1);
        // Only the reference: the built-in changes fit it.
        let dir = scratch(None);
        let job = Job::resolve(Command::Run, &Flags::default(), dir.path(), today).unwrap();
        assert_eq!(job.changes_source, ChangesSource::BuiltIn);
        assert_eq!(job.effective().gemeente_wijzigingen, "built-in");
        assert_eq!(job.regions.current_code("GM0457"), Some("GM0363"));
        // A file beside the reference wins.
        let beside = dir.path().join("config").join(DEFAULT_CHANGES);
        std::fs::write(&beside, "oude_code,nieuwe_code,datum,toelichting\n").unwrap();
        let job = Job::resolve(Command::Run, &Flags::default(), dir.path(), today).unwrap();
        assert_eq!(job.changes_source, ChangesSource::File(beside.clone()));
        assert_eq!(job.regions.current_code("GM0457"), None);
        // A broken one is a configuration error naming the file and line.
        std::fs::write(
            &beside,
            "oude_code,nieuwe_code,datum,toelichting\nGM0457,GM0999,2022-03-24,x\n",
        )
        .unwrap();
        let err = Job::resolve(Command::Run, &Flags::default(), dir.path(), today).unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{err}");
        assert!(err.to_string().contains("line 2"), "{err}");
        // A configured file must exist.
        let dir = scratch(Some("gemeente_wijzigingen = \"missing.csv\"\n"));
        let err = Job::resolve(Command::Run, &Flags::default(), dir.path(), today).unwrap_err();
        assert!(err.to_string().contains("missing.csv"), "{err}");
        assert_eq!(err.exit_code(), crate::error::exit::FATAL);
    }

    #[test]
    fn shipped_config_parses() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let job = Job::resolve(Command::Run, &Flags::default(), root, day(2026, 11, 27)).unwrap();
        assert_eq!(
            job.config_file.as_deref(),
            Some(root.join(DEFAULT_CONFIG).as_path())
        );
        assert_eq!(job.threshold, 5);
        assert_eq!(job.limits, Limits::default());
        assert!(
            job.groups.is_empty(),
            "the shipped config defines no region groups"
        );
    }
}
