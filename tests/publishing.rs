//! Safe publishing (contract section 6): deterministic bytes, a lock
//! against concurrent runs, and a killed run that leaves the previous
//! outputs intact.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::common::{COUNTS_HEADER, Scenario, to_run};

fn sample() -> Scenario {
    let s = Scenario::with_register();
    s.file(
        "input/counts.csv",
        format!("{COUNTS_HEADER}\nA,2026-01,1,2,3,4,10,5\nA,2026-02,1,x,3,4,10,5\nB,2026-02,7,0,0,0,3,3\n"),
    );
    s
}

/// Waits (bounded) until the hook's marker file appears.
fn wait_for(marker: &Path) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while !marker.exists() {
        assert!(
            Instant::now() < deadline,
            "the run never reached the publish step"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn same_inputs_give_the_same_bytes() {
    let s = sample();
    assert_eq!(s.run(&["run"]).code, 3);
    let export = s.read("output/2026-02/kpi_export_2026-02.csv");
    let rejects = s.read("output/2026-02/rejects_2026-02.csv");
    // Touch the input folder's metadata: a copy with new timestamps.
    let again = Scenario::with_register();
    again.file("input/counts.csv", s.read("input/counts.csv"));
    assert_eq!(again.run(&["run"]).code, 3);
    assert_eq!(again.read("output/2026-02/kpi_export_2026-02.csv"), export);
    assert_eq!(again.read("output/2026-02/rejects_2026-02.csv"), rejects);
    assert_eq!(s.run(&["run"]).code, 3);
    assert_eq!(s.read("output/2026-02/kpi_export_2026-02.csv"), export);
    let report_a = std::fs::read(s.path().join("output/2026-02/report_2026-02.xlsx")).unwrap();
    let report_b = std::fs::read(again.path().join("output/2026-02/report_2026-02.xlsx")).unwrap();
    assert_eq!(report_a, report_b, "the xlsx report is deterministic too");
}

#[test]
fn a_killed_run_leaves_the_previous_outputs_intact() {
    let s = sample();
    assert_eq!(s.run(&["run"]).code, 3);
    let before = s.read("output/2026-02/kpi_export_2026-02.csv");
    // New input that would change the export.
    s.file(
        "input/more.csv",
        format!("{COUNTS_HEADER}\nB,2026-01,9,0,0,0,3,3\n"),
    );
    let marker = s.path().join("held");
    let mut child = s
        .command(
            &["run"],
            &[("PPS_MONITOR_HOLD_BEFORE_PUBLISH", marker.to_str().unwrap())],
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for(&marker);
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        s.read("output/2026-02/kpi_export_2026-02.csv"),
        before,
        "previous outputs untouched"
    );
    let names: Vec<String> = std::fs::read_dir(s.path().join("output/2026-02"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    // Export, report, rejects, data package, feedback folder, manifest.
    assert_eq!(names.len(), 6, "{names:?}");
    // The next run is not blocked by the killed one and cleans up after it.
    assert_eq!(s.run(&["run"]).code, 3);
    assert_ne!(s.read("output/2026-02/kpi_export_2026-02.csv"), before);
    let leftovers: Vec<String> = std::fs::read_dir(s.path().join("output"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".staging") || n.starts_with(".retired"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_second_concurrent_run_fails_with_exit_1() {
    let s = sample();
    let marker = s.path().join("held");
    let mut first = s
        .command(
            &["run"],
            &[("PPS_MONITOR_HOLD_BEFORE_PUBLISH", marker.to_str().unwrap())],
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for(&marker);
    let second = to_run(&s.command(&["run"], &[]).output().unwrap());
    first.kill().unwrap();
    first.wait().unwrap();
    assert_eq!(second.code, 1, "{}", second.stderr);
    assert!(
        second.stderr.contains("another pps-monitor run"),
        "{}",
        second.stderr
    );
    assert!(
        !s.path().join("output/2026-02").exists(),
        "nothing was published"
    );
    assert_eq!(
        s.run(&["run"]).code,
        3,
        "the lock is free once the first run is gone"
    );
}

#[test]
fn an_unwritable_output_folder_is_fatal() {
    let s = sample();
    s.file("output", "a file where the output folder should be");
    let run = s.run(&["run"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("output"), "{}", run.stderr);
}
