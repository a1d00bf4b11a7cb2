//! `pps-monitor template` around the workbook (whose content
//! `tests/report.rs` checks): where its pps_id list comes from, what it
//! says when there is none, and that errors are errors: a broken
//! configuration or an unwritable place is exit 1 with the path in the
//! message, and the file is written whole or not at all.

use crate::common::Scenario;

const OUT: &str = "sjabloon.xlsx";

/// The files in the scenario's root folder, by name.
fn names(s: &Scenario) -> Vec<String> {
    crate::common::file_names(s.path())
}

#[test]
fn template_says_where_its_list_comes_from() {
    let s = Scenario::with_register();
    let run = s.run(&["template", "--output", OUT]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("(2 partnership id(s) offered in a list)"),
        "{}",
        run.stdout
    );

    let bare = Scenario::new();
    std::fs::remove_dir(bare.path().join("input")).unwrap();
    let run = bare.run(&["template", "--output", OUT]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("no register found under") && run.stdout.contains("input"),
        "{}",
        run.stdout
    );
    assert!(bare.path().join(OUT).is_file());
}

#[test]
fn template_with_a_broken_configuration_is_an_error() {
    let s = Scenario::with_register();
    s.file(
        "config/pps-monitor.toml",
        "suppression_threshold = \"five\"\n",
    );
    let run = s.run(&["template", "--output", OUT]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("pps-monitor.toml") && run.stderr.contains("suppression_threshold"),
        "{}",
        run.stderr
    );
    assert!(!names(&s).iter().any(|n| n.starts_with("sjabloon")));
}

#[test]
fn template_into_an_unwritable_place_is_an_error_that_names_it() {
    let s = Scenario::with_register();
    s.file("bestand", "a file, not a folder");
    let run = s.run(&["template", "--output", "bestand/sjabloon.xlsx"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("bestand"), "{}", run.stderr);
    assert!(
        run.stderr.contains("no template was written") && !run.stderr.contains("published"),
        "{}",
        run.stderr
    );
    assert_eq!(names(&s), ["bestand", "config", "input"]);
}

#[test]
fn template_replaces_an_earlier_file_whole() {
    let s = Scenario::with_register();
    s.file(OUT, "an earlier template");
    let run = s.run(&["template", "--output", OUT]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let bytes = std::fs::read(s.path().join(OUT)).unwrap();
    assert!(bytes.starts_with(b"PK"), "not an xlsx package");
    // Nothing left beside it (the partial file is renamed over it).
    assert_eq!(names(&s), ["config", "input", OUT]);
}
