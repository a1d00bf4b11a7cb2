//! An independent recomputation of the export's count cells from the true
//! monthly counts (contract section 5), and the row-by-row comparison with
//! what was published: `F` count values, `M` rows and primary `C` cells.

use super::model::{COUNT_INDICATORS, Export, Knowledge, MonthIx, Truth, Win};

/// The measures (indexes into [`MEASURES`]) an indicator adds up.
pub fn parts(indicator: &str) -> &'static [usize] {
    match indicator {
        "studenten_bol" => &[0],
        "studenten_bbl" => &[1],
        "werkenden" => &[2],
        "werkzoekenden" => &[3],
        "studenten" => &[0, 1],
        "deelnemers" => &[0, 1, 2, 3],
        "bedrijven" => &[4],
        "bedrijven_mkb" => &[5],
        _ => &[],
    }
}

/// Stocks (bedrijven, bedrijven_mkb) take the value of the latest month.
pub fn is_stock(measure: usize) -> bool {
    measure >= 4
}

/// The true value of a count indicator over the partnerships `set` in
/// window `w` (contract section 5).
pub fn value(k: &Knowledge, truth: &Truth, set: &[usize], w: Win, indicator: &str) -> i64 {
    let mut total = 0;
    for &p in set {
        for &m in parts(indicator) {
            if is_stock(m) {
                if let Some(month) = k.latest(p, w) {
                    total += truth.get(&(p, month)).map_or(0, |v| v[m]);
                }
            } else {
                total += k.months[p]
                    .iter()
                    .filter(|&&month| w.contains(month))
                    .map(|&month| truth.get(&(p, month)).map_or(0, |v| v[m]))
                    .sum::<i64>();
            }
        }
    }
    total
}

/// A primary cell: suppressed (`C`) with a true value of 1..t−1.
#[derive(Clone, Debug)]
pub struct Primary {
    pub period: MonthIx,
    pub venster: String,
    pub niveau: String,
    pub regio_code: String,
    pub indicator: String,
    pub value: i64,
}

impl std::fmt::Display for Primary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {} {} {} {} (true value {})",
            super::model::month_text(self.period),
            self.venster,
            self.niveau,
            self.regio_code,
            self.indicator,
            self.value
        )
    }
}

/// Compares an export with the recomputation. Returns the mismatches (as
/// readable lines) and the primary cells.
pub fn check(k: &Knowledge, truth: &Truth, export: &Export) -> (Vec<String>, Vec<Primary>) {
    let t = k.threshold;
    let p = export.period;
    let mut problems = Vec::new();
    let mut primaries = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for row in &export.rows {
        let Some(w) = Win::of(&row.venster, p) else {
            problems.push(format!("unknown venster {:?}", row.venster));
            continue;
        };
        let where_ = format!(
            "{} {} {} {} {}",
            super::model::month_text(p),
            row.venster,
            row.niveau,
            row.regio_code,
            row.indicator
        );
        let counted = COUNT_INDICATORS.contains(&row.indicator.as_str());
        if !counted && row.indicator != "mkb_aandeel_pct" {
            continue;
        }
        seen.insert((
            row.venster.clone(),
            row.niveau.clone(),
            row.regio_code.clone(),
            row.indicator.clone(),
        ));
        let set = k.members(&row.niveau, &row.regio_code);
        if set.is_empty() {
            problems.push(format!("{where_}: a region no partnership belongs to"));
            continue;
        }
        let missing = row.niveau == "pps" && k.latest(set[0], w).is_none();
        if missing {
            if row.status != "M" || !row.waarde.is_empty() {
                problems.push(format!(
                    "{where_}: partnership without data in the window, expected M with empty waarde, got {} {:?}",
                    row.status, row.waarde
                ));
            }
            continue;
        }
        if row.status == "M" {
            problems.push(format!(
                "{where_}: M, but the partnership has data in the window"
            ));
            continue;
        }
        if !counted {
            continue;
        }
        let truth_value = value(k, truth, &set, w, &row.indicator);
        match row.status.as_str() {
            "F" => match row.waarde.parse::<i64>() {
                Ok(v) if v == truth_value => {}
                _ => problems.push(format!(
                    "{where_}: published {:?}, recomputed {truth_value}",
                    row.waarde
                )),
            },
            "C" => {
                if !row.waarde.is_empty() {
                    problems.push(format!("{where_}: C with a waarde {:?}", row.waarde));
                }
                if (1..t).contains(&truth_value) {
                    primaries.push(Primary {
                        period: p,
                        venster: row.venster.clone(),
                        niveau: row.niveau.clone(),
                        regio_code: row.regio_code.clone(),
                        indicator: row.indicator.clone(),
                        value: truth_value,
                    });
                }
            }
            other => problems.push(format!("{where_}: unknown status {other:?}")),
        }
        if row.status != "C" && (1..t).contains(&truth_value) {
            problems.push(format!(
                "{where_}: true value {truth_value} is below the threshold {t} but status is {}",
                row.status
            ));
        }
    }
    // Every region some partnership belongs to has every count row.
    for venster in ["maand", "jtd", "cumulatief"] {
        for (niveau, code) in k.regions() {
            for indicator in COUNT_INDICATORS {
                let key = (
                    venster.to_owned(),
                    niveau.clone(),
                    code.clone(),
                    indicator.to_owned(),
                );
                if !seen.contains(&key) {
                    problems.push(format!(
                        "{} {venster} {niveau} {code} {indicator}: row missing from the export",
                        super::model::month_text(p)
                    ));
                }
            }
        }
    }
    (problems, primaries)
}
