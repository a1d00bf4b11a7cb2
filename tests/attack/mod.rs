//! An attacker on the ministry export, independent of the suppression code:
//! it checks the guarantee of contract section 7a with linear programming.
//!
//! # Knowledge model (contract 7a, "The guarantee")
//!
//! The attacker knows exactly what 7a grants:
//!
//! - this export (`<output>/<P>/kpi_export_<P>.csv`), and the export of P−1
//!   when it exists in the output folder;
//! - the register (which partnership belongs to which landsdeel, provincie,
//!   arbeidsmarktregio, region group and consortium; from the register, the
//!   region reference and the configured region groups) and the targets;
//! - for every partnership, which months have an accepted count row;
//! - the threshold `t`;
//! - the row rules: every count is at least 0, `bedrijven_mkb` ≤ `bedrijven`;
//! - the definitions of section 5: flows of a window are the sum of its
//!   months, `studenten` = `studenten_bol` + `studenten_bbl`, `deelnemers` =
//!   `studenten` + `werkenden` + `werkzoekenden`, a stock's window value is
//!   its value in the partnership's latest accepted month within the window,
//!   a region's value is the sum over its partnerships.
//!
//! # The linear program
//!
//! Variables are the partnerships' monthly counts (per partnership, accepted
//! month and measure, all ≥ 0; months without an accepted row have none).
//! Flows of two accepted months of a partnership that lie in exactly the same
//! windows share one variable (their sum): no constraint tells them apart,
//! so this is an exact reduction. Every published figure of both exports
//! becomes a constraint:
//!
//! - a count cell with status `F` and a value: an equality;
//! - `mkb_aandeel_pct` with a value `x`: 100·mkb / bedrijven lies in
//!   [x − 0.05, x + 0.05] (two linear inequalities) and bedrijven ≥ 1; `F`
//!   and empty: bedrijven = 0;
//! - `realisatie_pct` `x` with `doel` `d`: the value over the region's
//!   partnerships with a target for P's year lies in
//!   [d·(x − 0.05)/100, d·(x + 0.05)/100];
//! - `groei_pct` `x`: with `u` the value a year earlier (same partnerships,
//!   window shifted twelve months; stocks at the latest month within it),
//!   100·v − (100 + x ± 0.05)·u brackets 0, and u ≥ 1.
//!
//! For every primary cell (status `C`, true value 1..t−1, in either export)
//! it maximises the cell; the guarantee holds for it iff the maximum is at
//! least `t` (tolerance 1e−6) or unbounded. To save solves, a cell is also
//! shown safe by any consistent point that gives it at least `t`: first the
//! sum of the open cells is maximised (variables capped at 100 000, which
//! only restricts where points are looked for) while that settles new cells,
//! and every single-cell optimum settles the others it lifts to `t`. The
//! reported bound of a violation is always its own maximum.
//!
//! An exact presolve runs once: an equality with a single variable fixes
//! it, and it is substituted everywhere (repeated until none is left).
//!
//! # What it leaves out, on purpose
//!
//! - Integrality: the bound is the LP relaxation's, as 7a defines it.
//!   Rounding it down never takes a bound ≥ t below t (t is whole), but an
//!   attacker who solves the integer program can, in rare cases, get a lower
//!   bound than the LP's; that is outside 7a and not checked here.
//! - `pps_actief` and `aanlevering_pct`: they follow from the accepted months,
//!   which the attacker already knows.
//! - The upper limit of 1 000 000 per count: it never brings a bound below t.
//! - Exports older than P−1, and the P−12 export (7a puts them outside the
//!   guarantee); `groei_pct` of the exports it reads is used.
//! - Knowledge of the tool's own rules for choosing secondary cells (an
//!   attacker who reasons "this cell was suppressed, so …"): 7a does not
//!   grant it.
//!
//! The test also recomputes every count cell from the true monthly counts
//! (which only the test knows) and compares row by row: `F` values equal,
//! every cell with a true value 1..t−1 is `C`, partnership rows without
//! data in the window are `M`.

mod generate;
mod lp;
mod model;
mod truth;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use pps_monitor::config::PeriodChoice;
use pps_monitor::model::Month;
use pps_monitor::regions::Regions;

use lp::{Bound, Model};
use model::{Export, Knowledge, MEASURES, MonthIx, Truth, Win, month, month_text};
use truth::Primary;

use crate::common::{Scenario, repo};

/// What one attack found.
#[derive(Debug, Default)]
pub struct Findings {
    /// Differences between the export and the recomputation.
    pub problems: Vec<String>,
    /// Every primary cell of both exports.
    pub primaries: Vec<Primary>,
    /// Primary cells whose bound is below the threshold.
    pub violations: Vec<(Primary, Bound)>,
}

/// Attacks the exports of `period` and `period − 1` in `output`.
pub fn attack(k: &Knowledge, truth: &Truth, output: &Path, period: MonthIx) -> Findings {
    let mut findings = Findings::default();
    let exports: Vec<Export> = [period - 1, period]
        .into_iter()
        .filter_map(|p| Export::read(output, p))
        .collect();
    assert!(
        exports.iter().any(|e| e.period == period),
        "no export for {}",
        month_text(period)
    );
    for e in &exports {
        let (problems, primaries) = truth::check(k, truth, e);
        findings.problems.extend(problems);
        findings.primaries.extend(primaries);
    }
    let started = std::time::Instant::now();
    let model = Model::new(k, &exports.iter().collect::<Vec<_>>());
    let t = k.threshold as f64;
    let objectives: Vec<lp::Expr> = findings
        .primaries
        .iter()
        .map(|primary| {
            let w = Win::of(&primary.venster, primary.period).expect("a known venster");
            model.expr(
                &k.members(&primary.niveau, &primary.regio_code),
                w,
                &primary.indicator,
            )
        })
        .collect();
    // A cell is safe as soon as some point consistent with everything
    // published gives it a value of at least t. First look for such points
    // cheaply: maximise the sum of the cells not yet shown safe (variables
    // capped, so the LP always has a point), while that shows new ones safe.
    let mut open: Vec<usize> = (0..objectives.len()).collect();
    let mut lps = 0;
    let certify = |open: &mut Vec<usize>, point: &[f64]| {
        open.retain(|&i| lp::at(&objectives[i], point) < t - 1e-6);
    };
    while !open.is_empty() {
        let before = open.len();
        let joint = lp::sum(open.iter().map(|&i| &objectives[i]));
        lps += 1;
        match model.solve(&joint, 1e5) {
            (_, Some(point)) => certify(&mut open, &point),
            _ => break,
        }
        if open.len() == before {
            break;
        }
    }
    // Then each remaining cell on its own: its bound decides.
    while let Some(i) = open.first().copied() {
        open.remove(0);
        lps += 1;
        let (bound, point) = model.solve(&objectives[i], f64::INFINITY);
        if let Some(point) = point {
            certify(&mut open, &point);
        }
        let safe = match bound {
            Bound::Max(v) => v >= t - 1e-6,
            Bound::Unbounded => true,
            Bound::Infeasible | Bound::Failed => false,
        };
        if !safe {
            findings
                .violations
                .push((findings.primaries[i].clone(), bound));
        }
    }
    // Shown with --nocapture: the size of the attack.
    eprintln!(
        "attack {}: {} exports, {}, {} primary cells, {lps} LPs, {} violations, {:.2} s",
        month_text(period),
        exports.len(),
        model.size(),
        findings.primaries.len(),
        findings.violations.len(),
        started.elapsed().as_secs_f64()
    );
    findings
}

/// The violations as readable lines, for failure messages.
fn listing(findings: &Findings, limit: usize) -> String {
    let mut lines: Vec<String> = findings
        .violations
        .iter()
        .take(limit)
        .map(|(p, b)| format!("  {p}: upper bound {b}"))
        .collect();
    if findings.violations.len() > limit {
        lines.push(format!(
            "  … and {} more",
            findings.violations.len() - limit
        ));
    }
    lines.join("\n")
}

/// The sample's accepted data, read with the project's own ingest and
/// validation (not its aggregation or suppression): the truth for the
/// sample, and the attacker's knowledge of it.
fn sample_knowledge(s: &Scenario, period: MonthIx) -> (Knowledge, Truth) {
    let regions_path = s.path().join("config/regions.csv");
    let regions = Regions::read(&regions_path).unwrap();
    let limits = pps_monitor::ingest::Limits::default();
    let ingested =
        pps_monitor::ingest::read(&s.path().join("input"), None, &limits, &|_| {}).unwrap();
    let p = Month::new(period.div_euclid(12), period.rem_euclid(12) as u32 + 1).unwrap();
    // No sample row lies after 2026-10, so "today" only has to be later.
    let today = Month::new(9999, 12).unwrap();
    let validated =
        pps_monitor::validate::check(&ingested, &regions, PeriodChoice::Month(p), today).unwrap();
    let accepted = &validated.accepted;
    let register: Vec<_> = accepted
        .partnerships
        .iter()
        .map(|p| (p.pps_id.clone(), p.gemeente.clone(), p.consortium.clone()))
        .collect();
    let targets: Vec<_> = accepted
        .targets
        .iter()
        .map(|t| {
            (
                t.pps_id.clone(),
                t.year,
                t.indicator.name().to_owned(),
                t.value,
            )
        })
        .collect();
    let mut months: BTreeMap<String, BTreeSet<MonthIx>> = BTreeMap::new();
    let mut values = Vec::new();
    for c in &accepted.counts {
        let m = month(c.month.year(), c.month.month());
        months.entry(c.pps_id.clone()).or_default().insert(m);
        values.push((c.pps_id.clone(), m, c.values));
    }
    let text = std::fs::read_to_string(&regions_path).unwrap();
    let k = Knowledge::new(5, &register, &text, &[], &targets, &months);
    let mut truth = Truth::new();
    for (id, m, v) in values {
        let p = k.index(&id).unwrap();
        truth.insert((p, m), v);
    }
    assert_eq!(MEASURES.len(), 6);
    (k, truth)
}

fn assert_sample(periods: &[&str]) {
    // The shipped sample with its configuration, as the golden tests run it.
    let s = crate::golden::sample();
    for p in periods {
        let run = s.run(&["run", "--period", p]);
        assert!(run.code == 0 || run.code == 3, "{p}: {}", run.stderr);
    }
    let last = periods[periods.len() - 1];
    // The suppression's own account: a witness for every primary cell of
    // both exports (a warning names each one it could not protect; the LP
    // below may still find such a cell safe by chance, so this is checked
    // on its own).
    let protection = &s.manifest(last)["protection"];
    assert_eq!(
        protection["warnings"],
        serde_json::json!([]),
        "primary cells without a witness, runs {periods:?}"
    );
    let period = model::parse_month(last).unwrap();
    let (k, truth) = sample_knowledge(&s, period);
    let findings = attack(&k, &truth, &s.path().join("output"), period);
    assert!(
        !findings.primaries.is_empty(),
        "the sample has small counts"
    );
    assert!(
        findings.violations.is_empty() && findings.problems.is_empty(),
        "GUARANTEE BROKEN (contract 7a) on the sample, runs {periods:?}: {} of {} primary cells \
         have an LP upper bound below t = {}:\n{}\n\
         The export differs from the recomputation in {} places:\n{}",
        findings.violations.len(),
        findings.primaries.len(),
        k.threshold,
        listing(&findings, 40),
        findings.problems.len(),
        findings
            .problems
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn sample_october_alone_keeps_every_primary_cell_at_least_t() {
    assert_sample(&["2026-10"]);
}

#[test]
fn sample_september_then_october_keeps_every_primary_cell_at_least_t() {
    assert_sample(&["2026-09", "2026-10"]);
}

/// The attacker itself must find leaks where there are some: one
/// partnership alone in its consortium, region and everything, with a small
/// count, is exposed by plain subtraction (deelnemers − the other three
/// published flows). Guards against an attacker that never finds anything.
#[test]
fn the_attacker_finds_a_subtraction_leak() {
    let k = Knowledge::new(
        5,
        &[("A".to_owned(), "GM0363".to_owned(), None)],
        &std::fs::read_to_string(repo().join("config/regions.csv")).unwrap(),
        &[],
        &[],
        &BTreeMap::from([("A".to_owned(), BTreeSet::from([month(2026, 10)]))]),
    );
    let truth = Truth::from([((0, month(2026, 10)), [2, 10, 10, 10, 10, 10])]);
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("2026-10");
    std::fs::create_dir_all(&folder).unwrap();
    let mut csv = String::from(
        "periode,venster,niveau,regio_code,regio_naam,indicator,waarde,doel,realisatie_pct,groei_pct,onderdrukt,status\n",
    );
    for venster in ["maand", "jtd", "cumulatief"] {
        for (niveau, code) in [
            ("nl", "NL"),
            ("landsdeel", "LD03"),
            ("provincie", "PV27"),
            ("arbeidsmarktregio", "AM18"),
            ("pps", "A"),
        ] {
            for (indicator, value) in [
                ("studenten_bol", ""),
                ("studenten_bbl", "10"),
                ("werkenden", "10"),
                ("werkzoekenden", "10"),
                ("studenten", ""),
                ("deelnemers", "32"),
                ("bedrijven", "10"),
                ("bedrijven_mkb", "10"),
            ] {
                let status = if value.is_empty() { "C" } else { "F" };
                let _ = writeln!(
                    csv,
                    "2026-10,{venster},{niveau},{code},x,{indicator},{value},,,,{},{status}",
                    status == "C"
                );
            }
        }
    }
    std::fs::write(folder.join("kpi_export_2026-10.csv"), csv).unwrap();
    let findings = attack(&k, &truth, dir.path(), month(2026, 10));
    assert!(findings.problems.is_empty(), "{:?}", findings.problems);
    assert_eq!(findings.primaries.len(), 15);
    assert_eq!(findings.violations.len(), 15, "{}", listing(&findings, 20));
    for (_, bound) in &findings.violations {
        assert!(
            matches!(bound, Bound::Max(v) if (v - 2.0).abs() < 1e-6),
            "{bound}"
        );
    }
}

/// How many generated cases run (each runs the binary twice); the
/// environment variable `PPS_ATTACK_CASES` asks for more (a longer hunt
/// after a change to the protection).
const CASES: u64 = 12;

fn cases() -> u64 {
    std::env::var("PPS_ATTACK_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(CASES)
}

/// Generated cases: the guarantee and the recomputation, on every one.
#[test]
fn generated_cases_keep_every_primary_cell_at_least_t() {
    let mut problems = Vec::new();
    let mut violations = Vec::new();
    let mut primaries = 0;
    let cases = cases();
    for seed in 1..=cases {
        let case = generate::case(seed);
        let findings = attack(
            &case.knowledge,
            &case.truth,
            &case.scenario.path().join("output"),
            case.period,
        );
        primaries += findings.primaries.len();
        // The suppression's own account (see `assert_sample`).
        let warnings = &case.scenario.manifest(&month_text(case.period))["protection"]["warnings"];
        if warnings != &serde_json::json!([]) {
            problems.push(format!(
                "{}: cells without a witness: {warnings}",
                case.description
            ));
        }
        problems.extend(
            findings
                .problems
                .iter()
                .take(5)
                .map(|p| format!("{}: {p}", case.description)),
        );
        if !findings.violations.is_empty() {
            violations.push(format!(
                "{} ({} of {} primary cells):\n{}",
                case.description,
                findings.violations.len(),
                findings.primaries.len(),
                listing(&findings, 8)
            ));
        }
    }
    assert!(primaries > 0, "the generated cases have small counts");
    assert!(
        violations.is_empty() && problems.is_empty(),
        "GUARANTEE BROKEN (contract 7a) on {} of {cases} generated cases, runs P−1 then P \
         into one output folder: primary cells with an LP upper bound below t:\n{}\n\
         The export differs from the recomputation (first lines per case):\n{}",
        violations.len(),
        violations.join("\n"),
        problems.join("\n")
    );
}
