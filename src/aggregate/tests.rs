//! Hand-computed cases (expected values written out, see the comments at
//! `fixture`) and a property test: region totals add up to the national
//! total.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;

use super::*;
use crate::model::{CountRecord, Level, Measure, Partnership, TargetRecord};

const REFERENCE: &str = "\
gemeente_code,gemeente_naam,arbeidsmarktregio_code,arbeidsmarktregio_naam,provincie_code,provincie_naam,corop_code,corop_naam,landsdeel_code,landsdeel_naam
GM0001,Aa,AM01,Arbeid Noord,PV20,Groningen,CR01,C1,LD01,Noord-Nederland
GM0002,Bb,AM02,Arbeid Fries,PV21,Friesland,CR02,C2,LD01,Noord-Nederland
GM0003,Cc,AM03,Arbeid West,PV27,Noord-Holland,CR03,C3,LD03,West-Nederland
GM0004,Dd,AM03,Arbeid West,PV27,Noord-Holland,CR03,C3,LD03,West-Nederland
GM0005,Ee,AM05,Arbeid Zuid,PV30,Noord-Brabant,CR05,C5,LD04,Zuid-Nederland
";

pub(super) fn reference() -> Regions {
    Regions::parse(REFERENCE).unwrap()
}

pub(super) fn m(year: i32, month: u32) -> Month {
    Month::new(year, month).unwrap()
}

const P: (i32, u32) = (2026, 3);

pub(super) fn partnership(
    id: &str,
    gemeente: &str,
    consortium: Option<&str>,
    start: Month,
    end: Option<Month>,
) -> Partnership {
    Partnership {
        pps_id: id.to_owned(),
        naam: format!("Naam {id}"),
        consortium: consortium.map(str::to_owned),
        gemeente: gemeente.to_owned(),
        start,
        end,
        sector: None,
    }
}

pub(super) fn count(id: &str, month: Month, values: [i64; Measure::COUNT]) -> CountRecord {
    CountRecord {
        pps_id: id.to_owned(),
        month,
        values,
    }
}

fn target(id: &str, year: i32, indicator: Indicator, value: i64) -> TargetRecord {
    TargetRecord {
        pps_id: id.to_owned(),
        year,
        indicator,
        value,
    }
}

/// Period 2026-03.
/// - A: GM0001 (LD01, PV20, AM01), consortium Alpha, since 2024-01; no row
///   in 2026-02; its 2026-01 stock (25) is higher than its latest (22), so
///   "latest" and "largest" differ.
/// - B: GM0002 (LD01, PV21, AM02), consortium Alpha, starts mid-year 2026-02;
///   no row in 2026-03.
/// - C: GM0003 (LD03, PV27, AM03), no consortium, 2024-06 until 2026-01.
/// - D: GM0004 (LD03, PV27, AM03), consortium Beta, starts after P (2026-06).
///
/// Rows (bol, bbl, werk, zoek, bedr, mkb):
/// - A 2025-01: 1 0 0 0 10 4; 2025-03: 2 1 3 0 12 5; 2026-01: 4 2 1 1 25 8;
///   2026-03: 3 1 0 2 22 9
/// - B 2026-02: 5 0 2 0 6 6
/// - C 2025-03: 0 0 1 1 3 1; 2026-01: 2 2 0 0 4 2
///
/// Targets 2026: A `studenten_bol` 20, `deelnemers` 40; B `studenten_bol`
/// 10; C `werkenden` 5; D `bedrijven` 0. Target 2025: A `studenten_bol` 99
/// (ignored).
fn fixture() -> Accepted {
    Accepted {
        partnerships: vec![
            partnership("A", "GM0001", Some("Alpha"), m(2024, 1), None),
            partnership("B", "GM0002", Some("Alpha"), m(2026, 2), None),
            partnership("C", "GM0003", None, m(2024, 6), Some(m(2026, 1))),
            partnership("D", "GM0004", Some("Beta"), m(2026, 6), None),
        ],
        counts: vec![
            count("A", m(2025, 1), [1, 0, 0, 0, 10, 4]),
            count("A", m(2025, 3), [2, 1, 3, 0, 12, 5]),
            count("A", m(2026, 1), [4, 2, 1, 1, 25, 8]),
            count("A", m(2026, 3), [3, 1, 0, 2, 22, 9]),
            count("B", m(2026, 2), [5, 0, 2, 0, 6, 6]),
            count("C", m(2025, 3), [0, 0, 1, 1, 3, 1]),
            count("C", m(2026, 1), [2, 2, 0, 0, 4, 2]),
        ],
        targets: vec![
            target("A", 2026, Indicator::StudentenBol, 20),
            target("A", 2026, Indicator::Deelnemers, 40),
            target("A", 2025, Indicator::StudentenBol, 99),
            target("B", 2026, Indicator::StudentenBol, 10),
            target("C", 2026, Indicator::Werkenden, 5),
            target("D", 2026, Indicator::Bedrijven, 0),
        ],
    }
}

fn run(accepted: &Accepted, groups: &[RegionGroup], threshold: i64) -> Aggregated {
    aggregate(accepted, &reference(), groups, m(P.0, P.1), threshold).unwrap()
}

fn find<'a>(
    rows: &'a [KpiRow],
    window: Window,
    level: Level,
    code: &str,
    indicator: Indicator,
) -> &'a KpiRow {
    rows.iter()
        .find(|r| {
            r.window == window
                && r.level == level
                && &*r.regio_code == code
                && r.indicator == indicator
        })
        .unwrap_or_else(|| panic!("no row {window:?} {level:?} {code} {indicator:?}"))
}

/// The values of all eleven indicators of one region and window, as text:
/// counts as integers, percentages formatted, empty as "".
fn values(rows: &[KpiRow], window: Window, level: Level, code: &str) -> Vec<String> {
    Indicator::ALL
        .iter()
        .map(|&i| match find(rows, window, level, code, i).value {
            Value::Count(n) => n.to_string(),
            Value::Pct(r) => r.map(Ratio::format).unwrap_or_default(),
        })
        .collect()
}

fn growths(rows: &[KpiRow], window: Window, level: Level, code: &str) -> Vec<String> {
    Indicator::ALL
        .iter()
        .map(|&i| {
            find(rows, window, level, code, i)
                .growth
                .map(Ratio::format)
                .unwrap_or_default()
        })
        .collect()
}

fn texts(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

// Indicator order: bol, bbl, werk, zoek, studenten, deelnemers, bedr, mkb,
// mkb_aandeel, pps_actief, aanlevering.

#[test]
fn window_maand_national() {
    let out = run(&fixture(), &[], 0);
    // Only A reported in 2026-03; expected A and B (C ended, D not started).
    assert_eq!(
        values(&out.rows, Window::Maand, Level::Nl, "NL"),
        texts(&["3", "1", "0", "2", "4", "6", "22", "9", "40.9", "1", "50.0"])
    );
}

#[test]
fn window_jtd_national_with_carried_stocks() {
    let out = run(&fixture(), &[], 0);
    // Stocks: A 2026-03 (22, 9), B 2026-02 (6, 6), C 2026-01 (4, 2).
    // Expected: A 3, B 2 (from its start), C 1 (to its end), D 0; received 4.
    assert_eq!(
        values(&out.rows, Window::Jtd, Level::Nl, "NL"),
        texts(&[
            "14", "5", "3", "3", "19", "25", "32", "17", "53.1", "3", "66.7"
        ])
    );
}

#[test]
fn window_cumulatief_national() {
    let out = run(&fixture(), &[], 0);
    // Expected: A 27 (2024-01..2026-03), B 2, C 20 (2024-06..2026-01); received 7.
    assert_eq!(
        values(&out.rows, Window::Cumulatief, Level::Nl, "NL"),
        texts(&[
            "17", "6", "7", "4", "23", "34", "32", "17", "53.1", "3", "14.3"
        ])
    );
}

#[test]
fn partnership_level_values() {
    let out = run(&fixture(), &[], 0);
    // B in maand: no row, so zero stock and inactive, but expected.
    assert_eq!(
        values(&out.rows, Window::Maand, Level::Pps, "B"),
        texts(&["0", "0", "0", "0", "0", "0", "0", "0", "", "0", "0.0"])
    );
    // C ended 2026-01: nothing expected in 2026-03.
    assert_eq!(
        values(&out.rows, Window::Maand, Level::Pps, "C"),
        texts(&["0", "0", "0", "0", "0", "0", "0", "0", "", "0", ""])
    );
    // D starts after P: present, all zero, nothing expected.
    assert_eq!(
        values(&out.rows, Window::Cumulatief, Level::Pps, "D"),
        texts(&["0", "0", "0", "0", "0", "0", "0", "0", "", "0", ""])
    );
    assert_eq!(
        values(&out.rows, Window::Jtd, Level::Pps, "B"),
        texts(&["5", "0", "2", "0", "5", "7", "6", "6", "100.0", "1", "50.0"])
    );
    let b = find(
        &out.rows,
        Window::Jtd,
        Level::Pps,
        "B",
        Indicator::PpsActief,
    );
    assert_eq!(&*b.regio_naam, "Naam B");
}

#[test]
fn regional_levels() {
    let out = run(&fixture(), &[], 0);
    // LD01 = A + B, LD03 = C + D.
    assert_eq!(
        values(&out.rows, Window::Jtd, Level::Landsdeel, "LD01"),
        texts(&[
            "12", "3", "3", "3", "15", "21", "28", "15", "53.6", "2", "60.0"
        ])
    );
    assert_eq!(
        values(&out.rows, Window::Jtd, Level::Landsdeel, "LD03"),
        texts(&["2", "2", "0", "0", "4", "4", "4", "2", "50.0", "1", "100.0"])
    );
    let ld = find(
        &out.rows,
        Window::Jtd,
        Level::Landsdeel,
        "LD03",
        Indicator::Bedrijven,
    );
    assert_eq!(&*ld.regio_naam, "West-Nederland");
    assert_eq!(
        find(
            &out.rows,
            Window::Cumulatief,
            Level::Provincie,
            "PV27",
            Indicator::StudentenBol
        )
        .value,
        Value::Count(2)
    );
    assert_eq!(
        find(
            &out.rows,
            Window::Cumulatief,
            Level::Arbeidsmarktregio,
            "AM01",
            Indicator::Werkenden
        )
        .value,
        Value::Count(4)
    );
    // Regions without partnerships (LD04, PV30, AM05) do not appear.
    let codes: BTreeSet<&str> = out.rows.iter().map(|r| &*r.regio_code).collect();
    let want: BTreeSet<&str> = [
        "NL", "LD01", "LD03", "PV20", "PV21", "PV27", "AM01", "AM02", "AM03", "Alpha", "Beta", "A",
        "B", "C", "D",
    ]
    .into();
    assert_eq!(codes, want);
    assert_eq!(out.rows.len(), want.len() * 3 * 11);
}

#[test]
fn consortium_level_skips_partnerships_without_one() {
    let out = run(&fixture(), &[], 0);
    // Alpha = A + B; C has none; Beta = D.
    assert_eq!(
        values(&out.rows, Window::Cumulatief, Level::Consortium, "Alpha"),
        texts(&[
            "15", "4", "6", "3", "19", "28", "28", "15", "53.6", "2", "17.2"
        ])
    );
    let beta = find(
        &out.rows,
        Window::Cumulatief,
        Level::Consortium,
        "Beta",
        Indicator::PpsActief,
    );
    assert_eq!((beta.value, &*beta.regio_naam), (Value::Count(0), "Beta"));
    let in_consortia: i64 = out
        .rows
        .iter()
        .filter(|r| r.window == Window::Cumulatief && r.level == Level::Consortium)
        .filter(|r| r.indicator == Indicator::StudentenBol)
        .map(|r| match r.value {
            Value::Count(n) => n,
            Value::Pct(_) => unreachable!(),
        })
        .sum();
    assert_eq!(in_consortia, 15); // 17 nationally, C's 2 in no consortium
}

#[test]
fn region_groups() {
    let groups = [
        RegionGroup {
            code: "RG02".to_owned(),
            naam: "Leeg".to_owned(),
            gemeenten: ["GM0005".to_owned()].into(),
        },
        RegionGroup {
            code: "RG01".to_owned(),
            naam: "Metropool".to_owned(),
            gemeenten: ["GM0001".to_owned(), "GM0003".to_owned()].into(),
        },
    ];
    let out = run(&fixture(), &groups, 0);
    // RG01 = A + C; RG02 has no partnership and does not appear.
    assert_eq!(
        values(&out.rows, Window::Jtd, Level::Regiogroep, "RG01"),
        texts(&[
            "9", "5", "1", "3", "14", "18", "26", "11", "42.3", "2", "75.0"
        ])
    );
    let g = find(
        &out.rows,
        Window::Maand,
        Level::Regiogroep,
        "RG01",
        Indicator::StudentenBol,
    );
    assert_eq!(&*g.regio_naam, "Metropool");
    assert!(!out.rows.iter().any(|r| &*r.regio_code == "RG02"));
    // Without groups the level is absent.
    let plain = run(&fixture(), &[], 0);
    assert!(!plain.rows.iter().any(|r| r.level == Level::Regiogroep));
}

#[test]
fn targets_for_some_partnerships() {
    let out = run(&fixture(), &[], 0);
    let nl = |ind| find(&out.rows, Window::Jtd, Level::Nl, "NL", ind);
    // studenten_bol: A 20 + B 10; value over A and B = 7 + 5.
    assert_eq!(nl(Indicator::StudentenBol).target, Some(30));
    assert_eq!(
        nl(Indicator::StudentenBol)
            .realisation
            .map(Ratio::format)
            .as_deref(),
        Some("40.0")
    );
    // deelnemers: A only, 40; A's jtd deelnemers 14 (C's and B's left out).
    assert_eq!(nl(Indicator::Deelnemers).target, Some(40));
    assert_eq!(
        nl(Indicator::Deelnemers)
            .realisation
            .map(Ratio::format)
            .as_deref(),
        Some("35.0")
    );
    // werkenden: C only, 5; C's jtd werkenden 0.
    assert_eq!(nl(Indicator::Werkenden).target, Some(5));
    assert_eq!(
        nl(Indicator::Werkenden)
            .realisation
            .map(Ratio::format)
            .as_deref(),
        Some("0.0")
    );
    // bedrijven: target 0 is published, realisation is empty.
    assert_eq!(nl(Indicator::Bedrijven).target, Some(0));
    assert_eq!(nl(Indicator::Bedrijven).realisation, None);
    // Nobody has a studenten_bbl target.
    assert_eq!(nl(Indicator::StudentenBbl).target, None);
    assert_eq!(nl(Indicator::StudentenBbl).realisation, None);
    // Region level: LD03 (C, D) has no studenten_bol target; Alpha has both.
    let ld03 = find(
        &out.rows,
        Window::Jtd,
        Level::Landsdeel,
        "LD03",
        Indicator::StudentenBol,
    );
    assert_eq!((ld03.target, ld03.realisation), (None, None));
    let alpha = find(
        &out.rows,
        Window::Jtd,
        Level::Consortium,
        "Alpha",
        Indicator::StudentenBol,
    );
    assert_eq!(alpha.target, Some(30));
    // Only jtd carries targets, and never the non-count indicators.
    for r in &out.rows {
        if r.window != Window::Jtd || !r.indicator.can_have_target() {
            assert_eq!((r.target, r.realisation), (None, None), "{r:?}");
        }
    }
}

#[test]
fn growth_maand_and_jtd() {
    let out = run(&fixture(), &[], 0);
    // maand 2025-03: A 2 1 3 0 12 5, C 0 0 1 1 3 1; active 2.
    assert_eq!(
        growths(&out.rows, Window::Maand, Level::Nl, "NL"),
        texts(&[
            "50.0", "0.0", "-100.0", "100.0", "33.3", "-25.0", "46.7", "50.0", "", "-50.0", ""
        ])
    );
    // jtd 2025-01..03: A 3 1 3 0, stock 12 5 (2025-03); C 0 0 1 1, 3 1; active 2.
    assert_eq!(
        growths(&out.rows, Window::Jtd, Level::Nl, "NL"),
        texts(&[
            "366.7", "400.0", "-25.0", "200.0", "375.0", "177.8", "113.3", "183.3", "", "50.0", ""
        ])
    );
    // No year-earlier value: B did not exist, so empty.
    assert_eq!(
        growths(&out.rows, Window::Jtd, Level::Pps, "B"),
        texts(&["", "", "", "", "", "", "", "", "", "", ""])
    );
    // Cumulatief has no growth.
    assert!(
        out.rows
            .iter()
            .filter(|r| r.window == Window::Cumulatief)
            .all(|r| r.growth.is_none())
    );
}

#[test]
fn suppression_of_values_and_growth() {
    let out = run(&fixture(), &[], 5);
    let nl = |w, ind| find(&out.rows, w, Level::Nl, "NL", ind);
    // maand: bol 3, bbl 1, zoek 2, studenten 4 are 1..4: primary.
    for ind in [
        Indicator::StudentenBol,
        Indicator::StudentenBbl,
        Indicator::Werkzoekenden,
        Indicator::Studenten,
    ] {
        assert_eq!(
            nl(Window::Maand, ind).status,
            CellStatus::Primary,
            "{ind:?}"
        );
    }
    // 0 and values ≥ 5 are published: A's small flows can trade places
    // within March, and A's January makes up for March in jtd and
    // cumulatief.
    for ind in [
        Indicator::Werkenden,
        Indicator::Deelnemers,
        Indicator::Bedrijven,
    ] {
        assert!(!nl(Window::Maand, ind).suppressed(), "{ind:?}");
    }
    // jtd bbl is exactly 5: not primary, but secondary: A's maand bbl (1)
    // can only be 5 in an alternative data set that changes the jtd bbl
    // (A's other months hold only 3 bbl to move).
    assert_eq!(
        nl(Window::Jtd, Indicator::StudentenBbl).status,
        CellStatus::Secondary
    );
    // pps_actief (1) and aanlevering_pct are never suppressed.
    assert!(!nl(Window::Maand, Indicator::PpsActief).suppressed());
    assert!(!nl(Window::Maand, Indicator::AanleveringPct).suppressed());
    // Values stay unsuppressed in the row; the flag tells the export.
    assert_eq!(
        nl(Window::Maand, Indicator::StudentenBol).value,
        Value::Count(3)
    );
    // werkenden maand: 0 now, 4 a year earlier: value shown, growth hidden.
    let werk = nl(Window::Maand, Indicator::Werkenden);
    assert!(!werk.suppressed() && werk.growth_hidden);
    assert_eq!(werk.growth.map(Ratio::format).as_deref(), Some("-100.0"));
    // deelnemers maand: earlier 8: growth shown.
    assert!(!nl(Window::Maand, Indicator::Deelnemers).growth_hidden);
    // pps_actief's earlier value 2 does not hide its growth.
    assert!(!nl(Window::Maand, Indicator::PpsActief).growth_hidden);
    // werkenden jtd: 3 with a target: suppressed (the export hides realisatie).
    let werk_jtd = nl(Window::Jtd, Indicator::Werkenden);
    assert!(werk_jtd.suppressed());
    assert_eq!(werk_jtd.target, Some(5));
}

#[test]
fn suppression_of_mkb_share_via_its_parts() {
    // Threshold 10: A in maand has bedrijven 22 and bedrijven_mkb 9.
    let out = run(&fixture(), &[], 10);
    let a = |ind| find(&out.rows, Window::Maand, Level::Pps, "A", ind);
    assert_eq!(a(Indicator::BedrijvenMkb).status, CellStatus::Primary);
    assert_eq!(a(Indicator::MkbAandeelPct).status, CellStatus::Secondary);
    // A's bedrijven (22) is not small, but secondary: its maand value is
    // its jtd value (the same latest month), and LD01's jtd bedrijven (A +
    // B) minus A's would give B's 6; A is the only partnership whose
    // bedrijven can make up for a change of B's.
    assert_eq!(a(Indicator::Bedrijven).status, CellStatus::Secondary);
    // C cumulatief: 4 and 2, both parts small.
    let out5 = run(&fixture(), &[], 5);
    let c = find(
        &out5.rows,
        Window::Cumulatief,
        Level::Pps,
        "C",
        Indicator::MkbAandeelPct,
    );
    assert!(c.suppressed());
    // A at threshold 5: 22 and 9, share published.
    let a5 = find(
        &out5.rows,
        Window::Maand,
        Level::Pps,
        "A",
        Indicator::MkbAandeelPct,
    );
    assert!(!a5.suppressed());
    // B has no row in maand: its share is missing (M), not suppressed.
    let b5 = find(
        &out5.rows,
        Window::Maand,
        Level::Pps,
        "B",
        Indicator::MkbAandeelPct,
    );
    assert_eq!(b5.status, CellStatus::Missing);
}

#[test]
fn threshold_zero_switches_suppression_off() {
    let out = run(&fixture(), &[], 0);
    assert!(out.rows.iter().all(|r| !r.suppressed() && !r.growth_hidden));
    // Threshold 1: nothing is ≥ 1 and < 1.
    let one = run(&fixture(), &[], 1);
    assert!(one.rows.iter().all(|r| !r.suppressed() && !r.growth_hidden));
}

#[test]
fn sort_order() {
    let mut accepted = fixture();
    for (i, name) in ["alpha", "Ábc", "=evil", "Zeta"].into_iter().enumerate() {
        accepted.partnerships.push(partnership(
            &format!("X{i}"),
            "GM0005",
            Some(name),
            m(2025, 1),
            None,
        ));
    }
    let out = run(&accepted, &[], 0);
    let consortia: Vec<&str> = out
        .rows
        .iter()
        .filter(|r| r.window == Window::Maand && r.level == Level::Consortium)
        .filter(|r| r.indicator == Indicator::StudentenBol)
        .map(|r| &*r.regio_code)
        .collect();
    // Plain byte order: '=' < 'A'..'Z' < 'a'..'z' < non-ASCII.
    assert_eq!(
        consortia,
        ["=evil", "Alpha", "Beta", "Zeta", "alpha", "Ábc"]
    );
    // Whole-output order: window, level, code, indicator.
    let key = |r: &KpiRow| (r.window, r.level, r.regio_code.clone(), r.indicator);
    assert!(out.rows.windows(2).all(|w| key(&w[0]) < key(&w[1])));
    assert_eq!(out.rows[0].level, Level::Nl);
    assert_eq!(out.rows[0].indicator, Indicator::StudentenBol);
    assert_eq!(out.rows[10].indicator, Indicator::AanleveringPct);
    assert_eq!(
        out.rows.last().map(|r| (r.window, r.level)),
        Some((Window::Cumulatief, Level::Pps))
    );
}

#[test]
fn no_partnerships_still_gives_nl() {
    let out = run(&Accepted::default(), &[], 5);
    assert_eq!(out.rows.len(), 3 * 11);
    assert!(
        out.rows
            .iter()
            .all(|r| r.level == Level::Nl && &*r.regio_naam == "Nederland")
    );
    assert_eq!(
        values(&out.rows, Window::Jtd, Level::Nl, "NL"),
        texts(&["0", "0", "0", "0", "0", "0", "0", "0", "", "0", ""])
    );
    assert_eq!(out.trends.len(), 24 * 11);
}

#[test]
fn trends() {
    let out = run(&fixture(), &[], 5);
    let levels: BTreeSet<Level> = out.trends.iter().map(|t| t.level).collect();
    assert_eq!(
        levels,
        [Level::Nl, Level::Landsdeel, Level::Consortium].into()
    );
    // NL, LD01, LD03, Alpha, Beta: 5 regions × 11 indicators × 24 months.
    assert_eq!(out.trends.len(), 5 * 11 * 24);
    let series = |code: &str, ind| -> Vec<(String, Value)> {
        out.trends
            .iter()
            .filter(|t| &*t.regio_code == code && t.indicator == ind)
            .map(|t| (t.month.to_string(), t.value))
            .collect()
    };
    let bol = series("NL", Indicator::StudentenBol);
    assert_eq!(bol.len(), 24);
    assert_eq!(bol[0].0, "2024-04");
    assert_eq!(bol[23], ("2026-03".to_owned(), Value::Count(3)));
    assert_eq!(bol[22], ("2026-02".to_owned(), Value::Count(5)));
    assert_eq!(bol[21], ("2026-01".to_owned(), Value::Count(6)));
    assert_eq!(bol[9], ("2025-01".to_owned(), Value::Count(1)));
    assert_eq!(bol[10], ("2025-02".to_owned(), Value::Count(0)));
    // Stocks in a month window: only that month's rows (2026-02: B only).
    let bedr = series("LD01", Indicator::Bedrijven);
    assert_eq!(bedr[22].1, Value::Count(6));
    assert_eq!(series("NL", Indicator::Bedrijven)[21].1, Value::Count(29));
    let aanlevering = series("NL", Indicator::AanleveringPct);
    // 2026-01: A and C expected and received (B not started): 100.0.
    assert_eq!(aanlevering[21].1, Value::Pct(Ratio::new(2, 2)));
    // 2025-02: A and C expected, none received.
    assert_eq!(aanlevering[10].1, Value::Pct(Ratio::new(0, 2)));
    // 2024-04: A only (C from 2024-06).
    assert_eq!(aanlevering[0].1, Value::Pct(Ratio::new(0, 1)));
    let alpha = series("Alpha", Indicator::PpsActief);
    assert_eq!(alpha[22].1, Value::Count(1));
    // The maand trend value for P equals the export's maand value.
    for t in out.trends.iter().filter(|t| t.month == m(P.0, P.1)) {
        let r = find(
            &out.rows,
            Window::Maand,
            t.level,
            &t.regio_code,
            t.indicator,
        );
        assert_eq!(r.value, t.value);
    }
}

#[test]
fn unknown_partnership_is_an_error() {
    let mut accepted = fixture();
    accepted.counts.push(count("Z", m(2026, 1), [0; 6]));
    let err = aggregate(&accepted, &reference(), &[], m(P.0, P.1), 5).unwrap_err();
    assert!(err.to_string().contains("`Z`"), "{err}");
}

// Property: with suppression off, the additive indicators over the
// landsdelen, the provincies, the arbeidsmarktregio's and the partnerships
// each add up to the national value, in every window.

fn accepted_strategy() -> impl Strategy<Value = Accepted> {
    let gemeenten = ["GM0001", "GM0002", "GM0003", "GM0004", "GM0005"];
    let one = (
        0..gemeenten.len(),
        0..40i32,                       // start: months after 2023-01
        proptest::option::of(0..40i32), // length, if it ends
        proptest::collection::vec((0..40i32, proptest::array::uniform6(0..30i64)), 0..30),
        proptest::option::of(0..3usize),
    );
    proptest::collection::vec(one, 0..12).prop_map(move |list| {
        let base = m(2023, 1);
        let mut accepted = Accepted::default();
        for (i, (g, start, length, rows, consortium)) in list.into_iter().enumerate() {
            let id = format!("P{i:02}");
            let start = base.offset(start);
            let end = length.map(|l| start.offset(l));
            accepted.partnerships.push(partnership(
                &id,
                gemeenten[g],
                consortium.map(|c| ["K1", "K2", "K3"][c]),
                start,
                end,
            ));
            let mut seen = BTreeMap::new();
            for (offset, mut values) in rows {
                let month = start.offset(offset);
                if month > m(P.0, P.1) || end.is_some_and(|e| month > e) {
                    continue;
                }
                let (total, mkb) = (Measure::Bedrijven as usize, Measure::BedrijvenMkb as usize);
                values[mkb] = values[mkb].min(values[total]);
                seen.entry(month).or_insert(values);
            }
            for (month, values) in seen {
                accepted.counts.push(count(&id, month, values));
            }
        }
        accepted
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn regions_add_up_to_the_national_total(accepted in accepted_strategy()) {
        let out = run(&accepted, &[], 0);
        // Every count, and the number of active partnerships.
        let additive: Vec<Indicator> = Indicator::ALL
            .into_iter()
            .filter(|i| i.is_count() || *i == Indicator::PpsActief)
            .collect();
        let count = |r: &KpiRow| match r.value {
            Value::Count(n) => n,
            Value::Pct(_) => unreachable!(),
        };
        for window in Window::ALL {
            for &ind in &additive {
                let nl = count(find(&out.rows, window, Level::Nl, "NL", ind));
                for level in [Level::Landsdeel, Level::Provincie, Level::Arbeidsmarktregio, Level::Pps] {
                    let sum: i64 = out
                        .rows
                        .iter()
                        .filter(|r| r.window == window && r.level == level && r.indicator == ind)
                        .map(count)
                        .sum();
                    prop_assert_eq!(sum, nl, "{:?} {:?} {:?}", window, level, ind);
                }
            }
        }
        // One row per region, window and indicator.
        let regions: BTreeSet<(Level, &str)> =
            out.rows.iter().map(|r| (r.level, &*r.regio_code)).collect();
        prop_assert_eq!(out.rows.len(), regions.len() * 3 * 11);
        let pps = out.rows.iter().filter(|r| r.level == Level::Pps).count();
        prop_assert_eq!(pps, accepted.partnerships.len() * 3 * 11);
    }
}
