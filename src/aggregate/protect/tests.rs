//! Unit tests of small-count protection: primary marking, `M` rows, the
//! classic traps, P−1 then P, and a self-check of every witness: apply its
//! change to the data, recompute every cell, and see that every published
//! cell of both exports is unchanged and the primary cell reaches `t`.
//! (The independent check, by linear programming, lives in `tests/`.)

use proptest::prelude::*;

use super::*;
use crate::aggregate::aggregate_with;
use crate::aggregate::frames::Inputs;
use crate::model::{CountRecord, Partnership};

const T: i64 = 5;

// Five municipalities: two landsdelen with one province each, LD03 with
// two municipalities in one labour-market region, LD04 with one (the
// aggregation tests' reference).
use crate::aggregate::tests::{count, m, partnership, reference};

/// A partnership since 2020, without an end.
fn pps(id: &str, gemeente: &str, consortium: Option<&str>) -> Partnership {
    partnership(id, gemeente, consortium, m(2020, 1), None)
}

const P: (i32, u32) = (2026, 3);

fn period() -> Month {
    m(P.0, P.1)
}

/// Runs the decision for `period` and checks every witness; returns the
/// decision, the regions, and the membership pairs.
fn decided(accepted: &Accepted, period: Month, earlier: &Earlier) -> (Decided, Vec<Region>) {
    let regions = reference();
    let inputs = Inputs::build(accepted, &regions, &[], period).unwrap();
    let pairs = pairs_of(&inputs);
    let data = Data::new(accepted, period);
    let m = Membership::new(&inputs.regions, &pairs, accepted.partnerships.len());
    let (d, values) = decide(&data, &m, T, earlier);
    check_witnesses(&data, &m, &d, &values);
    (d, inputs.regions.clone())
}

fn pairs_of(inputs: &Inputs) -> Vec<(u32, u32)> {
    let col = |name: &str| -> Vec<u32> {
        inputs
            .membership
            .column(name)
            .unwrap()
            .u32()
            .unwrap()
            .into_no_null_iter()
            .collect()
    };
    col(crate::aggregate::frames::name::PPS)
        .into_iter()
        .zip(col(crate::aggregate::frames::name::REGION))
        .collect()
}

/// The LP-free self-check: every primary cell (of both exports) has a
/// witness, and each witness holds ([`check_each_witness`]).
fn check_witnesses(data: &Data, m: &Membership<'_>, d: &Decided, values: &[i64]) {
    assert!(d.unprotected.is_empty(), "unprotected: {:?}", d.unprotected);
    let primaries = d
        .status
        .iter()
        .filter(|s| **s == CellStatus::Primary)
        .count();
    assert_eq!(
        d.witnesses.len(),
        primaries + d.previous_primaries.len(),
        "one witness per primary cell"
    );
    check_each_witness(data, m, d, values);
}

/// Each witness is an alternative data set that keeps every published
/// number of both exports (and the year-earlier values behind published
/// growth figures) and raises its cell to at least `t`.
fn check_each_witness(data: &Data, m: &Membership<'_>, d: &Decided, values: &[i64]) {
    let n = m.regions.len();
    for w in &d.witnesses {
        let mut rows = data.rows.clone();
        for mv in std::iter::once(&w.plus)
            .chain(w.minus.as_ref())
            .chain(w.undo.iter().flatten())
        {
            let r = &mut rows[mv.pps];
            let at = r.binary_search_by_key(&mv.month, |&(mo, _)| mo).unwrap();
            for (x, dx) in r[at].1.iter_mut().zip(mv.delta) {
                *x += dx;
            }
            let v = r[at].1;
            assert!(v.iter().all(|&x| x >= 0), "{w:?}: negative count");
            assert!(v[MKB] <= v[BED], "{w:?}: mkb above bedrijven");
        }
        let changed = Data::from_rows(data.period, rows);
        let after = all_values(&changed, m);
        let (s, r, i) = w.cell;
        assert!(after[(s * n + r) * COUNTS + i] >= T, "{w:?}: not raised");
        for w2 in 0..3 {
            for r in 0..n {
                for i in 0..COUNTS {
                    let idx = main_index(n, w2, r, i);
                    let here = |s: usize| (s * n + r) * COUNTS + i;
                    if d.status[idx] == CellStatus::Published {
                        assert_eq!(values[here(w2)], after[here(w2)], "{w:?} changes {idx}");
                        if w2 < 2 && !d.growth_hidden[idx] {
                            assert_eq!(values[here(w2 + 3)], after[here(w2 + 3)], "{w:?}: growth");
                        }
                    }
                    if d.previous_published[idx] {
                        let s = KINDS + w2;
                        assert_eq!(values[here(s)], after[here(s)], "{w:?}: P-1 cell");
                    }
                    if d.previous_growth[idx] {
                        let s = KINDS + w2 + 3;
                        assert_eq!(values[here(s)], after[here(s)], "{w:?}: P-1 growth");
                    }
                }
            }
        }
    }
}

fn status_of(d: &Decided, regions: &[Region], w: Window, code: &str, i: Indicator) -> CellStatus {
    let n = regions.len();
    let r = regions.iter().position(|r| &*r.code == code).unwrap();
    d.status[main_index(n, w as usize, r, i as usize)]
}

fn accepted(partnerships: Vec<Partnership>, counts: Vec<CountRecord>) -> Accepted {
    Accepted {
        partnerships,
        counts,
        targets: Vec::new(),
    }
}

/// Two partnerships in each of five municipalities, big numbers.
fn background() -> (Vec<Partnership>, Vec<CountRecord>) {
    let mut ps = Vec::new();
    let mut cs = Vec::new();
    for g in 1..=5 {
        for k in 0..2 {
            let id = format!("BG{g}{k}");
            ps.push(pps(&id, &format!("GM000{g}"), None));
            for month in 1..=P.1 {
                cs.push(count(&id, m(P.0, month), [20, 30, 10, 12, 40, 25]));
            }
            cs.push(count(&id, m(P.0 - 1, 3), [20, 30, 10, 12, 40, 25]));
        }
    }
    (ps, cs)
}

/// The background plus S (small counts in P) and J (data in January
/// only: maand is missing, jtd and cumulatief are not).
fn small_and_january() -> Accepted {
    let (mut ps, mut cs) = background();
    ps.push(pps("S", "GM0001", None));
    cs.push(count("S", period(), [3, 0, 0, 7, 10, 2]));
    ps.push(pps("J", "GM0002", None));
    cs.push(count("J", m(P.0, 1), [8, 8, 8, 8, 8, 8]));
    accepted(ps, cs)
}

#[test]
fn primary_cells_and_missing_rows() {
    let (d, regions) = decided(&small_and_january(), period(), &Earlier::none());
    let at = |w, code, i| status_of(&d, &regions, w, code, i);
    for (w, i) in [
        (Window::Maand, Indicator::StudentenBol),
        (Window::Maand, Indicator::Studenten),
        (Window::Cumulatief, Indicator::BedrijvenMkb),
    ] {
        assert_eq!(at(w, "S", i), CellStatus::Primary, "{w:?} {i:?}");
    }
    // 0 is not small, 7 and 10 are not either (they may be secondary).
    for i in [Indicator::StudentenBbl, Indicator::Werkzoekenden] {
        assert_ne!(at(Window::Maand, "S", i), CellStatus::Primary, "{i:?}");
    }
    for i in &Indicator::ALL[..COUNTS] {
        assert_eq!(at(Window::Maand, "J", *i), CellStatus::Missing, "{i:?}");
        assert_ne!(at(Window::Jtd, "J", *i), CellStatus::Missing, "{i:?}");
    }
    // Only pps rows can be missing.
    assert!(!d.status.iter().enumerate().any(|(idx, s)| {
        *s == CellStatus::Missing && regions[(idx / COUNTS) % regions.len()].level != Level::Pps
    }));
}

#[test]
fn rows_get_status_and_derived_figures() {
    let acc = small_and_january();
    let out = aggregate_with(&acc, &reference(), &[], period(), T, &Earlier::none()).unwrap();
    let row = |w: Window, code: &str, i: Indicator| {
        out.rows
            .iter()
            .find(|r| r.window == w && &*r.regio_code == code && r.indicator == i)
            .unwrap()
    };
    assert_eq!(
        row(Window::Maand, "S", Indicator::BedrijvenMkb).status,
        CellStatus::Primary
    );
    assert!(row(Window::Maand, "S", Indicator::MkbAandeelPct).suppressed());
    assert_eq!(
        row(Window::Maand, "J", Indicator::MkbAandeelPct).status,
        CellStatus::Missing
    );
    assert_eq!(
        row(Window::Maand, "J", Indicator::PpsActief).status,
        CellStatus::Published
    );
    assert_eq!(
        row(Window::Maand, "J", Indicator::AanleveringPct).status,
        CellStatus::Published
    );
    assert!(out.rows.iter().all(|r| r.indicator.is_count()
        || r.indicator == Indicator::MkbAandeelPct
        || r.published()));
    let p = &out.protection;
    assert_eq!(
        p.primary,
        out.rows
            .iter()
            .filter(|r| r.status == CellStatus::Primary)
            .count()
    );
    assert!(p.secondary > 0);
    assert_eq!(p.previous_export, "absent");
    // Threshold 0: protection off, but missing stays missing.
    let off = aggregate_with(&acc, &reference(), &[], period(), 0, &Earlier::none()).unwrap();
    assert!(off.rows.iter().all(|r| !r.suppressed()));
    assert!(off.rows.iter().any(|r| r.status == CellStatus::Missing));
    assert_eq!((off.protection.primary, off.protection.secondary), (0, 0));
}

#[test]
fn two_small_cells_whose_sum_is_published() {
    // AM03 holds A (3) and B (1) only, besides the background: the region
    // total minus the background's published cells would give 4 = 3 + 1.
    let (mut ps, mut cs) = background();
    ps.push(pps("A", "GM0003", None));
    ps.push(pps("B", "GM0004", None));
    cs.push(count("A", period(), [3, 9, 9, 9, 9, 9]));
    cs.push(count("B", period(), [1, 9, 9, 9, 9, 9]));
    let acc = accepted(ps, cs);
    let (d, regions) = decided(&acc, period(), &Earlier::none());
    let a = regions.iter().position(|r| &*r.code == "A").unwrap();
    let b = acc
        .partnerships
        .iter()
        .position(|p| p.pps_id == "B")
        .unwrap();
    // B (1) cannot give 2 back to protect A's 3: somebody else must.
    for w in d.witnesses.iter().filter(|w| w.cell.1 == a) {
        assert_ne!(w.minus.map(|mv| mv.pps), Some(b));
    }
    let at = |code| status_of(&d, &regions, Window::Maand, code, Indicator::StudentenBol);
    assert_eq!(
        (at("A"), at("B")),
        (CellStatus::Primary, CellStatus::Primary)
    );
}

#[test]
fn a_secondary_of_zero_protects_nothing() {
    let (mut ps, mut cs) = background();
    ps.push(pps("A", "GM0003", Some("K")));
    ps.push(pps("Z", "GM0003", Some("K")));
    cs.push(count("A", period(), [2, 9, 9, 9, 9, 9]));
    cs.push(count("Z", period(), [0, 9, 9, 9, 9, 9]));
    let acc = accepted(ps, cs);
    let (d, _) = decided(&acc, period(), &Earlier::none());
    let z = acc
        .partnerships
        .iter()
        .position(|p| p.pps_id == "Z")
        .unwrap();
    for w in &d.witnesses {
        if w.plus.delta[0] != 0 {
            assert_ne!(w.minus.map(|mv| mv.pps), Some(z), "Z has no bol to give");
        }
    }
}

#[test]
fn stocks_whose_windows_coincide() {
    // S reports only in P: its bedrijven are the same in maand, jtd and
    // cumulatief; all three are primary and protected.
    let (mut ps, mut cs) = background();
    ps.push(pps("S", "GM0005", None));
    cs.push(count("S", period(), [10, 10, 10, 10, 3, 1]));
    let (d, regions) = decided(&accepted(ps, cs), period(), &Earlier::none());
    for w in Window::ALL {
        assert_eq!(
            status_of(&d, &regions, w, "S", Indicator::Bedrijven),
            CellStatus::Primary
        );
    }
}

#[test]
fn studenten_is_bol_plus_bbl() {
    let (mut ps, mut cs) = background();
    ps.push(pps("S", "GM0001", None));
    cs.push(count("S", period(), [3, 20, 10, 10, 10, 10]));
    let (d, regions) = decided(&accepted(ps, cs), period(), &Earlier::none());
    let at = |i| status_of(&d, &regions, Window::Maand, "S", i);
    assert_eq!(at(Indicator::StudentenBol), CellStatus::Primary);
    // studenten − studenten_bbl would give bol: one of them is hidden.
    assert!(
        at(Indicator::Studenten).is_suppressed() || at(Indicator::StudentenBbl).is_suppressed()
    );
}

#[test]
fn a_landsdeel_total_minus_the_others() {
    // LD04 (only GM0005) holds 2 werkenden in P; nl minus the other
    // landsdelen would give it.
    let (mut ps, mut cs) = background();
    cs.retain(|c| !c.pps_id.starts_with("BG5"));
    ps.retain(|p| !p.pps_id.starts_with("BG5"));
    ps.push(pps("S", "GM0005", None));
    ps.push(pps("T", "GM0005", None));
    cs.push(count("S", period(), [10, 10, 2, 10, 10, 10]));
    cs.push(count("T", m(P.0, 1), [10, 10, 0, 10, 10, 10]));
    let (d, regions) = decided(&accepted(ps, cs), period(), &Earlier::none());
    let at = |code| status_of(&d, &regions, Window::Maand, code, Indicator::Werkenden);
    assert_eq!(at("LD04"), CellStatus::Primary);
    assert_eq!(
        at("NL"),
        CellStatus::Published,
        "nl only where nothing else can protect"
    );
    let others = ["LD01", "LD03"]
        .iter()
        .filter(|c| at(c).is_suppressed())
        .count();
    assert!(others >= 1);
}

/// The export of `period`, as text, from the pipeline.
fn export_text(acc: &Accepted, period: Month, earlier: &Earlier) -> String {
    let out = aggregate_with(acc, &reference(), &[], period, T, earlier).unwrap();
    let mut bytes = Vec::new();
    crate::publish::export::write(&out.rows, period, &mut bytes).unwrap();
    String::from_utf8(bytes).unwrap()
}

#[test]
fn previous_month_then_this_month() {
    // S has 2 students in P−1 and 6 in P: cum(P) − maand(P) = cum(P−1)
    // would give the P−1 value if cum(P) and maand(P) were both published.
    let (mut ps, mut cs) = background();
    ps.push(pps("S", "GM0001", None));
    ps.push(pps("U", "GM0001", None));
    let prev = period().offset(-1);
    cs.push(count("S", prev, [2, 10, 10, 10, 10, 10]));
    cs.push(count("S", period(), [6, 10, 10, 10, 10, 10]));
    cs.push(count("U", prev, [12, 10, 10, 10, 10, 10]));
    cs.push(count("U", period(), [1, 10, 10, 10, 10, 10]));
    let acc = accepted(ps, cs);
    let before = Accepted {
        counts: acc
            .counts
            .iter()
            .filter(|c| c.month <= prev)
            .cloned()
            .collect(),
        ..acc.clone()
    };
    let text = export_text(&before, prev, &Earlier::none());
    let previous = ExportCells::parse(&text).unwrap();
    let earlier = Earlier {
        previous: Some(previous),
        ..Earlier::none()
    };
    let (d, regions) = decided(&acc, period(), &earlier);
    assert!(
        !d.previous_primaries.is_empty(),
        "S's bol in P−1 is a primary"
    );
    // S's cumulatief bol in P (8) and its maand (6) are not both published.
    let at = |w| status_of(&d, &regions, w, "S", Indicator::StudentenBol);
    assert!(at(Window::Cumulatief).is_suppressed() || at(Window::Maand).is_suppressed());
    // Same inputs and earlier export: same bytes.
    assert_eq!(
        export_text(&acc, period(), &earlier),
        export_text(&acc, period(), &earlier)
    );
}

#[test]
fn v1_exports_without_status_are_read() {
    let text = "periode,venster,niveau,regio_code,regio_naam,indicator,waarde,doel,realisatie_pct,groei_pct,onderdrukt\r\n\
                2026-02,maand,pps,'=X,Naam,studenten_bol,,,,,true\r\n\
                2026-02,jtd,nl,NL,Nederland,werkenden,40,,,12.5,false\r\n";
    let cells = ExportCells::parse(text).unwrap();
    let c = cells
        .get(Window::Maand, Level::Pps, "=X", Indicator::StudentenBol)
        .unwrap();
    assert!(c.suppressed);
    let c = cells
        .get(Window::Jtd, Level::Nl, "NL", Indicator::Werkenden)
        .unwrap();
    assert!(!c.suppressed && c.growth_published);
    assert!(ExportCells::parse("a,b\n1,2\n").is_err());
}

#[test]
fn unreadable_earlier_export_is_a_warning() {
    let dir = std::env::temp_dir().join(format!("pps-protect-{}", std::process::id()));
    let prev = period().offset(-1);
    let folder = dir.join(prev.to_string());
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join(format!("kpi_export_{prev}.csv")),
        [0xff, 0xfe, 0x00],
    )
    .unwrap();
    let e = Earlier::read(&dir, period());
    assert!(e.previous.is_none() && e.previous_unreadable);
    assert_eq!(e.warnings.len(), 1);
    let none = Earlier::read(&dir.join("nothing"), period());
    assert!(none.warnings.is_empty() && !none.previous_unreadable);
    let _ = std::fs::remove_dir_all(&dir);
}

prop_compose! {
    fn small_case()(
        rows in prop::collection::vec((0usize..8, 0u32..4, prop::array::uniform6(0i64..7)), 1..40),
        homes in prop::collection::vec(1usize..=5, 8),
    ) -> Accepted {
        let ps: Vec<Partnership> = homes
            .iter()
            .enumerate()
            .map(|(k, g)| pps(&format!("P{k}"), &format!("GM000{g}"), (k % 3 == 0).then_some("K")))
            .collect();
        let mut cs: Vec<CountRecord> = Vec::new();
        for (k, back, mut v) in rows {
            v[MKB] = v[MKB].min(v[BED]);
            let month = period().offset(-(back as i32));
            if !cs.iter().any(|c| c.pps_id == format!("P{k}") && c.month == month) {
                cs.push(count(&format!("P{k}"), month, v));
            }
        }
        accepted(ps, cs)
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Many small counts in few regions: every primary cell has a witness
    /// that holds (the self-check), or is reported as unprotected.
    #[test]
    fn witnesses_hold_on_generated_cases(acc in small_case()) {
        let regions = reference();
        let inputs = Inputs::build(&acc, &regions, &[], period()).unwrap();
        let pairs = pairs_of(&inputs);
        let data = Data::new(&acc, period());
        let m = Membership::new(&inputs.regions, &pairs, acc.partnerships.len());
        let (d, values) = decide(&data, &m, T, &Earlier::none());
        let primaries = d.status.iter().filter(|s| **s == CellStatus::Primary).count();
        prop_assert_eq!(d.witnesses.len() + d.unprotected.len(), primaries);
        check_each_witness(&data, &m, &d, &values);
    }
}

/// The tables protection numbers measures and indicators by are read from
/// the declaration: each measure feeds its own indicator and the sums that
/// hold it, flows and stocks are the schema's, and primaries are protected
/// parts before sums.
#[test]
fn the_layout_follows_the_declaration() {
    use Indicator as I;
    let ids = |list: &[I]| list.iter().map(|&i| i as usize).collect::<Vec<_>>();
    assert_eq!(
        COUNTS,
        Indicator::ALL.iter().filter(|i| i.is_count()).count()
    );
    assert_eq!(
        indicators_of(Measure::StudentenBol as usize),
        ids(&[I::StudentenBol, I::Studenten, I::Deelnemers])
    );
    assert_eq!(
        indicators_of(Measure::Werkzoekenden as usize),
        ids(&[I::Werkzoekenden, I::Deelnemers])
    );
    assert_eq!(indicators_of(MKB), ids(&[I::BedrijvenMkb]));
    assert_eq!(
        measures_of(I::Deelnemers as usize),
        [
            Measure::StudentenBol,
            Measure::StudentenBbl,
            Measure::Werkenden,
            Measure::Werkzoekenden
        ]
        .map(|k| k as usize)
    );
    assert_eq!(measures_of(I::Bedrijven as usize), [BED]);
    for k in Measure::ALL {
        assert_eq!(STOCK[k as usize], k.is_stock(), "{k:?}");
        assert!(indicators_of(k as usize).contains(&(k.indicator() as usize)));
    }
    let mut order: Vec<I> = Indicator::ALL[..COUNTS].to_vec();
    order.sort_by_key(|&i| PARTS_FIRST[i as usize]);
    let sums = order.iter().position(|i| !i.parts().is_empty());
    assert_eq!(sums, Some(COUNTS - 2), "{order:?}");
    assert_eq!(order[COUNTS - 2..], [I::Studenten, I::Deelnemers]);
}
