//! Small-count protection end to end (issue 10, contract sections 5, 7 and
//! 7a): the real binary runs P−1 and then P into one output folder. Checks
//! the `status` column and `M` rows, that the P−1 export is read and never
//! changed, that the classic subtractions do not reveal a suppressed cell,
//! and that the manifest and the run summary count what was hidden. (The
//! linear-programming attacker lives in its own tests.)

use std::collections::HashMap;

use pps_monitor::model::Indicator;

use crate::common::{COUNTS_HEADER, Scenario};

const REGISTER: &str = "\
pps_id,naam,consortium,gemeente_code,startdatum,einddatum,sector
A,Alpha,K1,GM0363,2024-01-01,,zorg
B,Beta,K1,GM0363,2024-01-01,,zorg
C,Gamma,,GM0479,2024-01-01,,ict
D,Delta,K2,GM0599,2024-01-01,,techniek
E,Epsilon,K2,GM0518,2024-01-01,,techniek
F,Zeta,,GM0014,2024-01-01,,zorg
G,Eta,K1,GM0153,2024-01-01,,ict
";

/// Small and large counts mixed; E sends nothing in March (M rows), F
/// only in January.
fn scenario() -> Scenario {
    let s = Scenario::new();
    s.file("input/register.csv", REGISTER);
    let mut lines = vec![COUNTS_HEADER.to_owned()];
    for (id, values) in [
        (
            "A",
            [
                [3, 12, 20, 1, 9, 4],
                [2, 10, 22, 0, 9, 4],
                [4, 11, 18, 2, 10, 3],
            ],
        ),
        (
            "B",
            [
                [15, 2, 1, 9, 30, 12],
                [14, 3, 0, 8, 31, 12],
                [16, 1, 2, 7, 31, 13],
            ],
        ),
        (
            "C",
            [[1, 0, 9, 9, 3, 1], [0, 0, 8, 10, 3, 1], [2, 1, 7, 11, 3, 2]],
        ),
        (
            "D",
            [
                [25, 20, 15, 10, 40, 30],
                [24, 21, 16, 11, 41, 30],
                [26, 22, 17, 12, 42, 31],
            ],
        ),
        ("E", [[6, 7, 8, 9, 12, 11], [5, 6, 7, 8, 12, 11], [0; 6]]),
        (
            "G",
            [[9, 9, 3, 9, 2, 2], [8, 8, 2, 8, 2, 2], [7, 7, 4, 7, 2, 1]],
        ),
    ] {
        for (m, v) in values.iter().enumerate() {
            if id == "E" && m == 2 {
                continue;
            }
            let v: Vec<String> = v.iter().map(ToString::to_string).collect();
            lines.push(format!("{id},2026-{:02},{}", m + 1, v.join(",")));
        }
    }
    lines.push("F,2026-01,30,30,30,30,30,30".to_owned());
    s.file("input/counts.csv", lines.join("\n") + "\n");
    s
}

type Row = HashMap<String, String>;

/// The count indicators (the cells the protection is about), by name.
fn counts() -> Vec<&'static str> {
    Indicator::ALL
        .into_iter()
        .filter(|i| i.is_count())
        .map(Indicator::name)
        .collect()
}

/// The export keyed by (venster, regio_code, indicator).
fn keyed(rows: &[Row]) -> HashMap<(String, String, String), &Row> {
    rows.iter()
        .map(|r| {
            (
                (
                    r["venster"].clone(),
                    r["regio_code"].clone(),
                    r["indicator"].clone(),
                ),
                r,
            )
        })
        .collect()
}

#[test]
fn previous_month_then_this_month_into_one_folder() {
    let s = scenario();
    let first = s.run(&["run", "--period", "2026-02"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let previous_bytes = s.read("output/2026-02/kpi_export_2026-02.csv");
    let second = s.run(&["run", "--period", "2026-03"]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    // The earlier export is read, never changed.
    assert_eq!(
        s.read("output/2026-02/kpi_export_2026-02.csv"),
        previous_bytes
    );

    let previous = s.export("2026-02");
    let now = s.export("2026-03");
    let before = keyed(&previous);
    let after = keyed(&now);
    let counts = counts();
    let mut suppressed = 0;
    for r in &now {
        let status = r["status"].as_str();
        assert!(matches!(status, "F" | "C" | "M"), "{r:?}");
        assert_eq!(r["onderdrukt"] == "true", status == "C", "{r:?}");
        if status != "F" {
            assert_eq!(r["waarde"], "", "{r:?}");
            assert_eq!(r["realisatie_pct"], "", "{r:?}");
            assert_eq!(r["groei_pct"], "", "{r:?}");
        }
        if status == "M" {
            assert_eq!(
                r["niveau"], "pps",
                "only a partnership can be missing: {r:?}"
            );
        }
        if matches!(r["indicator"].as_str(), "pps_actief" | "aanlevering_pct") {
            assert_ne!(status, "C", "{r:?}");
        }
        if status == "C" && counts.contains(&r["indicator"].as_str()) {
            suppressed += 1;
        }
        // A published small count is a broken promise.
        if status == "F" && counts.contains(&r["indicator"].as_str()) {
            let v: i64 = r["waarde"].parse().unwrap();
            assert!(!(1..5).contains(&v), "{r:?}");
        }
    }
    // E has no row in March: M in maand, its jtd is published or C.
    let e = |w: &str, i: &str| after[&(w.to_owned(), "E".to_owned(), i.to_owned())];
    for i in counts.iter().chain(&["mkb_aandeel_pct"]) {
        assert_eq!(e("maand", i)["status"], "M", "{i}");
        assert_ne!(e("jtd", i)["status"], "M", "{i}");
    }
    assert_eq!(e("maand", "pps_actief")["waarde"], "0");

    // The classic subtractions reveal no suppressed cell.
    let get = |map: &HashMap<(String, String, String), &Row>, w: &str, code: &str, i: &str| {
        map.get(&(w.to_owned(), code.to_owned(), i.to_owned()))
            .map(|r| r["status"].clone())
    };
    let codes: Vec<String> = now
        .iter()
        .map(|r| r["regio_code"].clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    for code in &codes {
        for w in ["maand", "jtd", "cumulatief"] {
            let st = |i: &str| get(&after, w, code, i).unwrap();
            // studenten = bol + bbl: one C among three is never alone.
            let c = ["studenten_bol", "studenten_bbl", "studenten"]
                .iter()
                .filter(|i| st(i) == "C")
                .count();
            assert_ne!(c, 1, "{w} {code}: studenten = bol + bbl");
        }
        for &i in &counts {
            // cum(P) − maand(P) = cum(P−1) for a partnership or region
            // with data in March.
            let maand = get(&after, "maand", code, i);
            let cum = get(&after, "cumulatief", code, i);
            let cum_before = get(&before, "cumulatief", code, i);
            if i != "bedrijven"
                && i != "bedrijven_mkb"
                && cum_before.as_deref() == Some("C")
                && maand.as_deref() == Some("F")
            {
                assert_ne!(cum.as_deref(), Some("F"), "{code} {i}: cum(P) − maand(P)");
            }
        }
    }

    // The manifest and the run summary say what was hidden, per level.
    let manifest = s.manifest("2026-03");
    let p = &manifest["protection"];
    assert_eq!(p["previous_export"], "read");
    assert_eq!(p["threshold"], 5);
    let primary = p["primary"].as_u64().unwrap();
    let secondary = p["secondary"].as_u64().unwrap();
    assert!(primary > 0 && secondary > 0, "{p}");
    assert_eq!(primary + secondary, suppressed);
    let levels = p["levels"].as_array().unwrap();
    let per_level: u64 = levels
        .iter()
        .map(|l| l["primary"].as_u64().unwrap() + l["secondary"].as_u64().unwrap())
        .sum();
    assert_eq!(per_level, suppressed);
    assert!(p["warnings"].as_array().unwrap().is_empty(), "{p}");
    let previous_primaries: u64 = p["previous_primaries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["primary"].as_u64().unwrap())
        .sum();
    assert!(previous_primaries > 0, "P-1 had small cells: {p}");
    assert!(
        second
            .stdout
            .contains(&format!("{primary} primary, {secondary} secondary")),
        "{}",
        second.stdout
    );
    assert!(
        second.stdout.contains("P-1 export read"),
        "{}",
        second.stdout
    );

    // Same inputs and earlier export: same bytes.
    let bytes = s.read("output/2026-03/kpi_export_2026-03.csv");
    let again = s.run(&["run", "--period", "2026-03"]);
    assert_eq!(again.code, 0);
    assert_eq!(s.read("output/2026-03/kpi_export_2026-03.csv"), bytes);
}

#[test]
fn an_unreadable_previous_export_is_a_warning() {
    let s = scenario();
    s.file(
        "output/2026-02/kpi_export_2026-02.csv",
        [0xff_u8, 0xfe, 0x00],
    );
    let run = s.run(&["run", "--period", "2026-03"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let p = &s.manifest("2026-03")["protection"];
    assert_eq!(p["previous_export"], "unreadable");
    assert_eq!(p["warnings"].as_array().unwrap().len(), 1, "{p}");
}
