//! The command line and its exit codes (contract section 1).

use crate::common::{COUNTS_HEADER, Scenario};

fn clean() -> Scenario {
    let s = Scenario::with_register();
    s.file(
        "input/counts.csv",
        format!("{COUNTS_HEADER}\nA,2026-01,1,2,3,4,10,5\nA,2026-02,1,2,3,4,10,5\n"),
    );
    s
}

#[test]
fn usage_errors_exit_2() {
    let s = clean();
    for args in [
        &["run", "--period", "2026-13"][..],
        &["run", "--period", "okt"],
        &["run", "--bogus"],
        &["frobnicate"],
        &[],
    ] {
        let run = s.run(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
    }
    assert!(
        !s.path().join("output").exists(),
        "a usage error publishes nothing"
    );
    assert_eq!(s.run(&["--help"]).code, 0);
    assert_eq!(s.run(&["--version"]).code, 0);
}

#[test]
fn fatal_errors_exit_1_with_a_clear_message() {
    let s = clean();
    let run = s.run(&["run", "--input", "nowhere"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("nowhere") && run.stderr.contains("--input"),
        "{}",
        run.stderr
    );

    let run = s.run(&["run", "--config", "missing.toml"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("missing.toml"), "{}", run.stderr);

    s.file("bad.toml", "suppression_treshold = 3\n");
    let run = s.run(&["run", "--config", "bad.toml"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("suppression_treshold"),
        "{}",
        run.stderr
    );

    let no_register = Scenario::new();
    no_register.file(
        "input/counts.csv",
        format!("{COUNTS_HEADER}\nA,2026-01,1,2,3,4,10,5\n"),
    );
    let run = no_register.run(&["run"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("no register"), "{}", run.stderr);
    assert!(!no_register.path().join("output/2026-01").exists());
}

#[test]
fn period_forms() {
    let s = clean();
    assert_eq!(s.run(&["validate"]).code, 0);
    assert!(
        s.path().join("output/2026-02/manifest.json").exists(),
        "latest is 2026-02"
    );
    assert_eq!(s.run(&["validate", "--period", "previous"]).code, 0);
    assert!(
        s.path().join("output/2026-10/manifest.json").exists(),
        "previous of 2026-11-27"
    );
    assert_eq!(s.run(&["validate", "--period", "2026-01"]).code, 0);
    assert_eq!(s.sheet_counts("2026-01", "counts.csv")["later"], 1);
}

#[test]
fn flags_override_the_config_file() {
    let s = clean();
    s.file(
        "config/pps-monitor.toml",
        "period = \"2026-01\"\noutput = \"../elsewhere\"\nregions = \"regions.csv\"\n",
    );
    assert_eq!(s.run(&["validate"]).code, 0);
    assert!(s.path().join("elsewhere/2026-01/manifest.json").exists());
    assert_eq!(
        s.run(&["validate", "--period", "2026-02", "--output", "out"])
            .code,
        0
    );
    assert!(s.path().join("out/2026-02/manifest.json").exists());
    let manifest = s.read("out/2026-02/manifest.json");
    assert!(manifest.contains("\"period\": \"2026-02\""), "{manifest}");
}

#[test]
fn validate_writes_only_rejects_and_manifest() {
    let s = clean();
    assert_eq!(s.run(&["validate"]).code, 0);
    assert_eq!(
        crate::common::file_names(&s.path().join("output/2026-02")),
        ["manifest.json", "rejects_2026-02.csv"]
    );
}

#[test]
fn run_writes_all_four_outputs() {
    let s = clean();
    let run = s.run(&["run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let manifest = s.manifest("2026-02");
    let outputs: Vec<&str> = manifest["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        outputs,
        [
            "kpi_export_2026-02.csv",
            "report_2026-02.xlsx",
            "rejects_2026-02.csv",
            "terugkoppeling/consortium-x.xlsx",
            "terugkoppeling/zonder-consortium.xlsx",
            "datapackage.json"
        ]
    );
    for name in [
        "kpi_export_2026-02.csv",
        "report_2026-02.xlsx",
        "rejects_2026-02.csv",
        "manifest.json",
    ] {
        assert!(
            s.path().join("output/2026-02").join(name).is_file(),
            "{name}"
        );
    }
    assert_eq!(manifest["tool"]["name"], "pps-monitor");
    assert_eq!(manifest["period"], "2026-02");
    assert_eq!(manifest["config"]["suppression_threshold"], 5);
    let sha = manifest["inputs"][0]["sha256"].as_str().unwrap();
    assert_eq!(sha.len(), 64);
}
