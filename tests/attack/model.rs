//! What the attacker and the recomputation work on: months as integers,
//! windows, the attacker's knowledge (register, targets, accepted months,
//! threshold), the true monthly counts (known to the test only), and the
//! published exports as read from the output folder.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The six measures of a monthly submission, in contract order.
pub const MEASURES: [&str; 6] = [
    "studenten_bol",
    "studenten_bbl",
    "werkenden",
    "werkzoekenden",
    "bedrijven",
    "bedrijven_mkb",
];

/// The count indicators of the export (the cells small-count protection is
/// about), in export order.
pub const COUNT_INDICATORS: [&str; 8] = [
    "studenten_bol",
    "studenten_bbl",
    "werkenden",
    "werkzoekenden",
    "studenten",
    "deelnemers",
    "bedrijven",
    "bedrijven_mkb",
];

/// A month as `year * 12 + (month - 1)`.
pub type MonthIx = i32;

pub fn month(year: i32, month: u32) -> MonthIx {
    year * 12 + month as i32 - 1
}

pub fn month_text(m: MonthIx) -> String {
    format!("{:04}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1)
}

pub fn parse_month(text: &str) -> Option<MonthIx> {
    let (y, m) = text.split_once('-')?;
    let (y, m) = (y.parse::<i32>().ok()?, m.parse::<u32>().ok()?);
    (1..=12).contains(&m).then(|| month(y, m))
}

/// A window: the months `lo..=hi` (`lo` `None`: from the beginning).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Win {
    pub lo: Option<MonthIx>,
    pub hi: MonthIx,
}

impl Win {
    /// Window `venster` of reporting period `p`.
    pub fn of(venster: &str, p: MonthIx) -> Option<Win> {
        match venster {
            "maand" => Some(Win { lo: Some(p), hi: p }),
            "jtd" => Some(Win {
                lo: Some(p.div_euclid(12) * 12),
                hi: p,
            }),
            "cumulatief" => Some(Win { lo: None, hi: p }),
            _ => None,
        }
    }

    /// The same window twelve months earlier ("a year earlier").
    pub fn year_earlier(self) -> Win {
        Win {
            lo: self.lo.map(|m| m - 12),
            hi: self.hi - 12,
        }
    }

    pub fn contains(self, m: MonthIx) -> bool {
        m <= self.hi && self.lo.is_none_or(|lo| m >= lo)
    }
}

/// One partnership as the attacker knows it from the register (and the
/// region reference and configured region groups): the (niveau, regio_code)
/// of every export row it counts in.
#[derive(Clone, Debug)]
pub struct Partnership {
    pub id: String,
    pub memberships: BTreeSet<(String, String)>,
}

/// Everything contract 7a lets the attacker know besides the exports.
#[derive(Clone, Debug, Default)]
pub struct Knowledge {
    pub threshold: i64,
    /// Sorted by id.
    pub partnerships: Vec<Partnership>,
    /// (partnership index, year, indicator) → target.
    pub targets: BTreeMap<(usize, i32, String), i64>,
    /// Per partnership (index), the months with an accepted count row.
    pub months: Vec<BTreeSet<MonthIx>>,
}

impl Knowledge {
    /// Builds the knowledge from register rows `(pps_id, gemeente, consortium)`,
    /// the region reference text, the region groups `(code, gemeenten)`,
    /// targets `(pps_id, year, indicator, value)` and the accepted months.
    pub fn new(
        threshold: i64,
        register: &[(String, String, Option<String>)],
        regions_csv: &str,
        groups: &[(String, Vec<String>)],
        targets: &[(String, i32, String, i64)],
        accepted: &BTreeMap<String, BTreeSet<MonthIx>>,
    ) -> Knowledge {
        let reference = region_reference(regions_csv);
        let mut register = register.to_vec();
        register.sort();
        let mut partnerships = Vec::new();
        let mut months = Vec::new();
        for (id, gemeente, consortium) in &register {
            let mut memberships = BTreeSet::new();
            memberships.insert(("nl".to_owned(), "NL".to_owned()));
            if let Some(codes) = reference.get(gemeente) {
                for (niveau, code) in codes {
                    memberships.insert((niveau.clone(), code.clone()));
                }
            }
            for (code, gemeenten) in groups {
                if gemeenten.contains(gemeente) {
                    memberships.insert(("regiogroep".to_owned(), code.clone()));
                }
            }
            if let Some(c) = consortium {
                memberships.insert(("consortium".to_owned(), c.clone()));
            }
            memberships.insert(("pps".to_owned(), id.clone()));
            partnerships.push(Partnership {
                id: id.clone(),
                memberships,
            });
            months.push(accepted.get(id).cloned().unwrap_or_default());
        }
        let mut k = Knowledge {
            threshold,
            partnerships,
            targets: BTreeMap::new(),
            months,
        };
        for (id, year, indicator, value) in targets {
            if let Some(i) = k.index(id) {
                k.targets.insert((i, *year, indicator.clone()), *value);
            }
        }
        k
    }

    pub fn index(&self, id: &str) -> Option<usize> {
        self.partnerships
            .binary_search_by(|p| p.id.as_str().cmp(id))
            .ok()
    }

    /// The partnerships counted in export rows of (niveau, regio_code).
    pub fn members(&self, niveau: &str, code: &str) -> Vec<usize> {
        let key = (niveau.to_owned(), code.to_owned());
        (0..self.partnerships.len())
            .filter(|&i| self.partnerships[i].memberships.contains(&key))
            .collect()
    }

    /// Every (niveau, regio_code) some partnership counts in.
    pub fn regions(&self) -> BTreeSet<(String, String)> {
        self.partnerships
            .iter()
            .flat_map(|p| p.memberships.iter().cloned())
            .collect()
    }

    /// The partnership's latest accepted month within `w`.
    pub fn latest(&self, pps: usize, w: Win) -> Option<MonthIx> {
        self.months[pps]
            .range(..=w.hi)
            .next_back()
            .copied()
            .filter(|&m| w.contains(m))
    }
}

/// gemeente → its (niveau, code) for landsdeel, provincie and arbeidsmarktregio.
fn region_reference(text: &str) -> BTreeMap<String, Vec<(String, String)>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().expect("region reference header").clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("region reference without {name}"))
    };
    let (gm, am, pv, ld) = (
        col("gemeente_code"),
        col("arbeidsmarktregio_code"),
        col("provincie_code"),
        col("landsdeel_code"),
    );
    let mut out = BTreeMap::new();
    for r in reader.records() {
        let r = r.expect("region reference row");
        out.insert(
            r[gm].to_owned(),
            vec![
                ("landsdeel".to_owned(), r[ld].to_owned()),
                ("provincie".to_owned(), r[pv].to_owned()),
                ("arbeidsmarktregio".to_owned(), r[am].to_owned()),
            ],
        );
    }
    out
}

/// The true monthly counts, known to the test only: (partnership index,
/// month) → the six measures.
pub type Truth = BTreeMap<(usize, MonthIx), [i64; 6]>;

/// One row of a published export.
#[derive(Clone, Debug)]
pub struct Row {
    pub venster: String,
    pub niveau: String,
    pub regio_code: String,
    pub indicator: String,
    pub waarde: String,
    pub doel: String,
    pub realisatie_pct: String,
    pub groei_pct: String,
    /// `F`, `C` or `M`; for files without a `status` column (v1) derived
    /// from `onderdrukt` (and an empty `waarde`).
    pub status: String,
}

impl Row {
    /// A published value: status `F` and a non-empty `waarde`.
    pub fn published(&self) -> Option<f64> {
        if self.status == "F" {
            self.waarde.parse().ok()
        } else {
            None
        }
    }
}

/// A published export: its period and rows.
#[derive(Clone, Debug)]
pub struct Export {
    pub period: MonthIx,
    pub rows: Vec<Row>,
}

impl Export {
    /// Reads `<output>/<P>/kpi_export_<P>.csv`, if it exists.
    pub fn read(output: &Path, period: MonthIx) -> Option<Export> {
        let p = month_text(period);
        let text =
            std::fs::read_to_string(output.join(&p).join(format!("kpi_export_{p}.csv"))).ok()?;
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let headers = reader.headers().expect("export header").clone();
        let col = |name: &str| headers.iter().position(|h| h == name);
        let get = |r: &csv::StringRecord, name: &str| {
            col(name).and_then(|i| r.get(i)).unwrap_or("").to_owned()
        };
        let mut rows = Vec::new();
        for r in reader.records() {
            let r = r.expect("export row");
            let waarde = get(&r, "waarde");
            let status = if col("status").is_some() {
                get(&r, "status")
            } else if get(&r, "onderdrukt") == "true" {
                "C".to_owned()
            } else if waarde.is_empty() {
                "M".to_owned()
            } else {
                "F".to_owned()
            };
            rows.push(Row {
                venster: get(&r, "venster"),
                niveau: get(&r, "niveau"),
                regio_code: unguard(&get(&r, "regio_code")),
                indicator: get(&r, "indicator"),
                waarde,
                doel: get(&r, "doel"),
                realisatie_pct: get(&r, "realisatie_pct"),
                groei_pct: get(&r, "groei_pct"),
                status,
            });
        }
        Some(Export { period, rows })
    }
}

/// Undoes the formula-injection guard (a leading `'` before `=`, `+`, `-`,
/// `@`, tab or carriage return).
fn unguard(text: &str) -> String {
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest.to_owned(),
        _ => text.to_owned(),
    }
}
