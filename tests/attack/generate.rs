//! Generated scenarios: many partnerships in few regions, many small counts,
//! consortia that cut across regions, a configured region group, missing
//! months, stocks, targets, and two runs (P−1, then P) into one output
//! folder. Seeded, so every case is reproducible from its number.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::model::{Knowledge, MonthIx, Truth, month, month_text};
use crate::common::{Scenario, repo};

/// A small deterministic generator (xorshift64*).
#[derive(Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    /// A small count: 0 often, 1..4 most often, sometimes 5..8.
    pub fn count(&mut self) -> i64 {
        match self.next() % 20 {
            0..=5 => 0,
            6..=15 => self.range(1, 4),
            _ => self.range(5, 8),
        }
    }
}

/// Municipalities in a few arbeidsmarktregio's of three provinces (CBS 2025):
/// the generator picks from these so that partnerships crowd few regions.
const POOL: [&[&str]; 3] = [
    // Utrecht: AM Midden-Utrecht (Utrecht, Zeist), Amersfoort (Amersfoort).
    &["GM0344", "GM0355", "GM0307"],
    // Noord-Holland: Groot-Amsterdam (Amsterdam, Amstelveen), Zaanstreek (Zaanstad).
    &["GM0363", "GM0362", "GM0479"],
    // Gelderland: Midden-Gelderland (Arnhem), Rijk van Nijmegen (Nijmegen).
    &["GM0202", "GM0268"],
];

/// One generated case, written into a scenario and run twice.
pub struct Case {
    pub scenario: Scenario,
    pub knowledge: Knowledge,
    pub truth: Truth,
    pub period: MonthIx,
    pub description: String,
}

/// Generates case `seed`, writes it and runs P−1 then P (2026-09 then
/// 2026-10, or 2025-12 then 2026-01).
pub fn case(seed: u64) -> Case {
    let mut rng = Rng::new(seed);
    // Every third case runs December then January: the previous export is
    // of another year, whose `jtd` ends in December.
    let period = if seed.is_multiple_of(3) {
        month(2026, 1)
    } else {
        month(2026, 10)
    };
    let first = month(2025, 7);
    let threshold = if rng.chance(25) { 3 } else { 5 };

    let provinces = rng.range(2, 3) as usize;
    let mut gemeenten: Vec<&str> = Vec::new();
    for group in POOL.iter().take(provinces) {
        gemeenten.extend(group.iter().take(rng.range(1, group.len() as i64) as usize));
    }
    let consortia = ["Kring Noord", "Kring Zuid", "-Kring Formule"];
    let n = rng.range(4, 15) as usize;

    let mut register = Vec::new();
    let mut register_csv =
        String::from("pps_id,naam,consortium,gemeente_code,startdatum,einddatum\n");
    let mut counts_csv = String::from(crate::common::COUNTS_HEADER);
    counts_csv.push('\n');
    let mut targets_csv = String::from("pps_id,jaar,indicator,streefwaarde\n");
    let mut targets = Vec::new();
    let mut truth_by_id: BTreeMap<String, BTreeMap<MonthIx, [i64; 6]>> = BTreeMap::new();
    for i in 0..n {
        let id = format!("P{i:02}");
        let gemeente = gemeenten[rng.range(0, gemeenten.len() as i64 - 1) as usize];
        let consortium = (!rng.chance(30)).then(|| consortia[rng.range(0, 2) as usize]);
        let start = month(2025, 1) + rng.range(0, 17) as i32;
        let end = rng
            .chance(20)
            .then(|| month(2026, 3) + rng.range(0, 6) as i32);
        let _ = writeln!(
            register_csv,
            "{id},Naam {i},{},{gemeente},{}-01,{}",
            consortium.unwrap_or(""),
            month_text(start),
            end.map(|e| format!("{}-28", month_text(e)))
                .unwrap_or_default()
        );
        register.push((
            id.clone(),
            gemeente.to_owned(),
            consortium.map(str::to_owned),
        ));
        let presence = rng.range(45, 95) as u64;
        let months = truth_by_id.entry(id.clone()).or_default();
        for m in first.max(start)..=end.unwrap_or(period).min(period) {
            if !rng.chance(presence) {
                continue;
            }
            let bedrijven = rng.count();
            let v = [
                rng.count(),
                rng.count(),
                rng.count(),
                rng.count(),
                bedrijven,
                rng.range(0, bedrijven),
            ];
            let _ = writeln!(
                counts_csv,
                "{id},{},{},{},{},{},{},{}",
                month_text(m),
                v[0],
                v[1],
                v[2],
                v[3],
                v[4],
                v[5]
            );
            months.insert(m, v);
        }
        for year in [2025, 2026] {
            if rng.chance(40) {
                for indicator in super::model::COUNT_INDICATORS {
                    if rng.chance(30) {
                        let value = rng.range(1, 60);
                        let _ = writeln!(targets_csv, "{id},{year},{indicator},{value}");
                        targets.push((id.clone(), year, indicator.to_owned(), value));
                    }
                }
            }
        }
    }

    // A region group of every other pool municipality: it cuts across the
    // arbeidsmarktregio's and provinces.
    let group: Vec<String> = gemeenten
        .iter()
        .step_by(2)
        .map(|g| (*g).to_owned())
        .collect();
    let config = format!(
        "regions = \"regions.csv\"\nsuppression_threshold = {threshold}\n\n[[region_group]]\ncode = \"RG01\"\nnaam = \"Regiogroep\"\ngemeenten = [{}]\n",
        group
            .iter()
            .map(|g| format!("\"{g}\""))
            .collect::<Vec<_>>()
            .join(", ")
    );

    let scenario = Scenario::new();
    scenario.file("config/pps-monitor.toml", &config);
    scenario.file("input/register.csv", &register_csv);
    scenario.file("input/counts.csv", &counts_csv);
    scenario.file("input/targets.csv", &targets_csv);
    for p in [period - 1, period] {
        let run = scenario.run(&["run", "--period", &month_text(p)]);
        assert_eq!(
            run.code,
            0,
            "case {seed}, period {}: {}",
            month_text(p),
            run.stderr
        );
    }

    let accepted: BTreeMap<String, BTreeSet<MonthIx>> = truth_by_id
        .iter()
        .map(|(id, months)| (id.clone(), months.keys().copied().collect()))
        .collect();
    let regions = std::fs::read_to_string(repo().join("config/regions.csv")).unwrap();
    let knowledge = Knowledge::new(
        threshold,
        &register,
        &regions,
        &[("RG01".to_owned(), group)],
        &targets,
        &accepted,
    );
    let mut truth = Truth::new();
    for (id, months) in &truth_by_id {
        let p = knowledge.index(id).unwrap();
        for (&m, &v) in months {
            truth.insert((p, m), v);
        }
    }
    Case {
        scenario,
        knowledge,
        truth,
        period,
        description: format!(
            "case {seed} ({}): {n} partnerships in {gemeenten:?}, t = {threshold}",
            month_text(period)
        ),
    }
}
