//! Municipal code changes (contract section 4): register rows with a code
//! that was merged away are mapped to the successor with a warning and
//! counted in its regions; a split code is `unknown_gemeente` with the
//! codes to choose from; the shipped change file fits the shipped
//! reference.

use std::collections::BTreeMap;

use pps_monitor::regions::{CodeChanges, Regions, Resolution};

use crate::common::{COUNTS_HEADER, Scenario, repo};

/// A register with Weesp (merged into Amsterdam in 2022), Haaren (split in
/// 2021) and Bedum (merged into Het Hogeland in 2019), plus counts.
fn merged_and_split() -> Scenario {
    let s = Scenario::new();
    s.file("config/gemeente_wijzigingen.csv", shipped_changes());
    s.file(
        "input/register.csv",
        "pps_id,naam,consortium,gemeente_code,startdatum,einddatum,sector
W,Weesp Zorg,,457,2025-01-01,,zorg
H,Haaren Techniek,,GM0788,2025-01-01,,techniek
B,Bedum Bouw,,GM0005,2025-01-01,,bouw
",
    );
    s.file(
        "input/counts.csv",
        format!(
            "{COUNTS_HEADER}\nW,2026-10,7,0,0,0,0,0\nH,2026-10,9,0,0,0,0,0\nB,2026-10,6,0,0,0,0,0\n"
        ),
    );
    s
}

fn shipped_changes() -> String {
    std::fs::read_to_string(repo().join("config/gemeente_wijzigingen.csv")).unwrap()
}

/// `(niveau, regio_code) → waarde` of one indicator in the `maand` window.
fn values(s: &Scenario, indicator: &str) -> BTreeMap<(String, String), String> {
    s.export("2026-10")
        .into_iter()
        .filter(|r| r["venster"] == "maand" && r["indicator"] == indicator)
        .map(|r| {
            (
                (r["niveau"].clone(), r["regio_code"].clone()),
                r["waarde"].clone(),
            )
        })
        .collect()
}

#[test]
fn a_merged_away_code_is_accepted_with_a_warning_and_counted_under_its_successor() {
    let s = merged_and_split();
    let run = s.run(&["run", "--period", "2026-10"]);
    assert_eq!(run.code, 3, "{}{}", run.stdout, run.stderr);

    // Only the split code is rejected.
    let rejects = s.rejects("2026-10");
    let register: Vec<_> = rejects
        .iter()
        .filter(|r| r["bestand"] == "register.csv")
        .map(|r| (r["rij"].as_str(), r["regel"].as_str()))
        .collect();
    assert_eq!(register, [("3", "unknown_gemeente")]);

    // The warnings name both codes.
    let manifest = s.manifest("2026-10");
    let warnings = manifest["warnings"].to_string();
    for part in [
        "GM0457",
        "GM0363 (Amsterdam)",
        "GM0005",
        "GM1966 (Het Hogeland)",
    ] {
        assert!(warnings.contains(part), "{part}: {warnings}");
    }

    // Weesp counts in Amsterdam's province (Noord-Holland) and
    // arbeidsmarktregio (Groot Amsterdam); Bedum in Groningen's.
    let studenten = values(&s, "studenten_bol");
    let at = |niveau: &str, code: &str| {
        studenten
            .get(&(niveau.to_owned(), code.to_owned()))
            .cloned()
    };
    assert_eq!(
        at("provincie", "PV27").as_deref(),
        Some("7"),
        "{studenten:?}"
    );
    assert_eq!(
        at("arbeidsmarktregio", "AM18").as_deref(),
        Some("7"),
        "{studenten:?}"
    );
    assert_eq!(
        at("provincie", "PV20").as_deref(),
        Some("6"),
        "{studenten:?}"
    );
    assert_eq!(at("nl", "NL").as_deref(), Some("13"), "{studenten:?}");
    // Haaren's partnership is not counted anywhere (North Brabant is absent).
    assert_eq!(at("provincie", "PV30"), None, "{studenten:?}");
}

#[test]
fn a_split_code_is_unknown_gemeente_with_the_successors_to_choose_from() {
    let s = merged_and_split();
    s.run(&["run", "--period", "2026-10"]);
    let rejects = s.rejects("2026-10");
    let haaren = rejects
        .iter()
        .find(|r| r["bestand"] == "register.csv")
        .unwrap_or_else(|| panic!("{rejects:?}"));
    assert_eq!(haaren["regel"], "unknown_gemeente");
    assert_eq!(haaren["waarde"], "GM0788");
    for part in [
        "GM0757 (Boxtel)",
        "GM0824 (Oisterwijk)",
        "GM0855 (Tilburg)",
        "GM0865 (Vught)",
        "Esch naar Boxtel",
    ] {
        assert!(
            haaren["melding"].contains(part),
            "{part}: {}",
            haaren["melding"]
        );
    }
    // The counts of the rejected partnership are unknown_pps.
    assert!(
        rejects
            .iter()
            .any(|r| r["regel"] == "unknown_pps" && r["waarde"] == "H"),
        "{rejects:?}"
    );
}

#[test]
fn a_chain_of_changes_is_followed_to_the_reference() {
    let s = Scenario::new();
    s.file(
        "config/gemeente_wijzigingen.csv",
        "oude_code,nieuwe_code,datum,toelichting
# two made-up steps: GM0001 into GM0002, GM0002 into Amsterdam
GM0002,GM0363,2023-01-01,B opgegaan in Amsterdam
GM0001,GM0002,2020-01-01,A opgegaan in B
",
    );
    one_partnership(&s, "A", "Alpha", "GM0001");
    let run = s.run(&["run", "--period", "2026-10"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let studenten = values(&s, "studenten_bol");
    assert_eq!(
        studenten
            .get(&("provincie".to_owned(), "PV27".to_owned()))
            .map(String::as_str),
        Some("5"),
        "{studenten:?}"
    );
    let warnings = s.manifest("2026-10")["warnings"].to_string();
    assert!(warnings.contains("GM0001 → GM0002"), "{warnings}");
    assert!(warnings.contains("GM0002 → GM0363"), "{warnings}");
    assert!(
        s.manifest("2026-10")["config"]["gemeente_wijzigingen"]
            .as_str()
            .is_some_and(|p| p.ends_with("gemeente_wijzigingen.csv")),
    );
}

#[test]
fn a_loop_in_the_change_file_is_a_fatal_configuration_error() {
    let s = Scenario::with_register();
    s.file(
        "config/gemeente_wijzigingen.csv",
        "oude_code,nieuwe_code,datum,toelichting\nGM0001,GM0002,2020-01-01,\nGM0002,GM0001,2021-01-01,\n",
    );
    let run = s.run(&["run", "--period", "2026-10"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("gemeente_wijzigingen.csv"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("line 3"), "{}", run.stderr);
    assert!(run.stderr.contains("loop"), "{}", run.stderr);
    assert!(!s.path().join("output/2026-10").exists());
}

#[test]
fn without_a_change_file_beside_the_reference_the_built_in_list_applies() {
    let s = Scenario::new();
    one_partnership(&s, "W", "Weesp Zorg", "GM0457");
    let run = s.run(&["run", "--period", "2026-10"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        s.manifest("2026-10")["config"]["gemeente_wijzigingen"],
        "built-in"
    );
}

/// The shipped file: every old code is gone from the reference, every
/// change ends in it, and the lines per year are those of the README.
#[test]
fn the_shipped_change_file_fits_the_shipped_reference() {
    let regions = Regions::read(&repo().join("config/regions.csv")).unwrap();
    let changes =
        CodeChanges::read(&repo().join("config/gemeente_wijzigingen.csv"), &regions).unwrap();
    let mut per_year: BTreeMap<String, usize> = BTreeMap::new();
    for c in changes.iter() {
        assert!(regions.get(&c.oude_code).is_none(), "{c:?}");
        assert!(!c.toelichting.is_empty(), "{c:?}");
        *per_year
            .entry(c.datum.format("%Y").to_string())
            .or_default() += 1;
    }
    let per_year: Vec<(&str, usize)> = per_year.iter().map(|(y, n)| (y.as_str(), *n)).collect();
    assert_eq!(
        per_year,
        [("2019", 35), ("2021", 7), ("2022", 11), ("2023", 3)]
    );

    let old: Vec<String> = changes.iter().map(|c| c.oude_code.clone()).collect();
    let regions = regions.with_changes(changes);
    let mut splits = Vec::new();
    for code in &old {
        match regions.resolve(code) {
            Resolution::Renamed(chain) => assert!(regions.get(&chain.to).is_some()),
            Resolution::Split { from, successors } => {
                assert!(successors.iter().all(|c| regions.get(&c.to).is_some()));
                splits.push(from);
            }
            other => panic!("{code}: {other:?}"),
        }
    }
    splits.sort();
    splits.dedup();
    // Winsum (2019, Het Hogeland and Westerkwartier) and Haaren (2021).
    assert_eq!(splits, ["GM0053", "GM0788"]);
}

/// A register of one partnership in municipality `gemeente`, with 5
/// studenten_bol in 2026-10.
fn one_partnership(s: &Scenario, id: &str, naam: &str, gemeente: &str) {
    s.file(
        "input/register.csv",
        format!(
            "pps_id,naam,consortium,gemeente_code,startdatum,einddatum,sector\n{id},{naam},,{gemeente},2025-01-01,,\n"
        ),
    );
    s.file(
        "input/counts.csv",
        format!("{COUNTS_HEADER}\n{id},2026-10,5,0,0,0,0,0\n"),
    );
}
