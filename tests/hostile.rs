//! Hostile input (contract section 2, "Limits and hostile input"): every
//! file below is broken or built to hurt, and sits next to honest files.
//! Each test runs the real binary and asserts the exit code, the reject
//! line of the hostile file, and that the honest files' rows are all
//! published with every sheet's accounting intact. The heavy cases run
//! under a 2 GiB address-space limit when `prlimit` is there.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::common::{COUNTS_HEADER, Run, Scenario, repo};
use rust_xlsxwriter::{Formula, Workbook};

/// The register, and an honest count file with three accepted rows.
fn honest() -> Scenario {
    let s = Scenario::with_register();
    s.file(
        "input/goed.csv",
        format!("{COUNTS_HEADER}\nA,2026-01,1,2,3,4,10,5\nA,2026-02,1,2,3,4,10,5\nB,2026-02,5,0,0,0,3,1\n"),
    );
    s
}

/// `input/<name>`: an honest one-row counts workbook, for a test to break.
fn one_row_xlsx(s: &Scenario, name: &str) -> PathBuf {
    let mut workbook = Workbook::new();
    counts_sheet(workbook.add_worksheet(), &[("A", "2026-01", 1.0)]);
    let path = s.path().join("input").join(name);
    workbook.save(&path).unwrap();
    path
}

/// Runs the scenario under the memory limit and checks that `file` alone
/// was refused (`unreadable_file` saying `why`), with exit 3 and every
/// honest row published.
fn assert_refused(s: &Scenario, file: &str, why: &str) {
    let run = run_limited(s);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_intact(s, &run, "2026-02");
    assert_unreadable(s, file, why);
}

/// Runs `pps-monitor run`, under `prlimit --as=2GiB` when available, and
/// killed after 120 s when `timeout` is there (a hang fails the test).
fn run_limited(s: &Scenario) -> Run {
    let prlimit = Path::new("/usr/bin/prlimit");
    if !prlimit.exists() {
        return s.run(&["run"]);
    }
    let timeout = Path::new("/usr/bin/timeout");
    let mut command = if timeout.exists() {
        let mut c = std::process::Command::new(timeout);
        c.args(["--signal=KILL", "120"]).arg(prlimit);
        c
    } else {
        std::process::Command::new(prlimit)
    };
    let out = command
        .arg("--as=2147483648")
        .arg("--")
        .arg(env!("CARGO_BIN_EXE_pps-monitor"))
        .arg("run")
        .current_dir(s.path())
        .env("PPS_MONITOR_TODAY", "2026-11-27")
        .output()
        .unwrap();
    crate::common::to_run(&out)
}

/// The honest file is published in full, every sheet adds up, and no
/// panic reached the terminal.
fn assert_intact(s: &Scenario, run: &Run, period: &str) {
    assert!(
        !run.stderr.contains("panicked"),
        "a panic reached stderr: {}",
        run.stderr
    );
    let manifest = s.manifest(period);
    crate::common::assert_sheets_add_up(&manifest);
    assert_eq!(s.sheet_counts(period, "goed.csv")["accepted"], 3);
    assert_eq!(s.sheet_counts(period, "register.csv")["accepted"], 2);
    assert!(!s.export(period).is_empty());
    assert!(
        s.path()
            .join(format!("output/{period}/report_{period}.xlsx"))
            .is_file()
    );
}

/// The one rejects line of `file`.
fn only_reject(
    s: &Scenario,
    period: &str,
    file: &str,
) -> std::collections::HashMap<String, String> {
    let lines: Vec<_> = s
        .rejects(period)
        .into_iter()
        .filter(|r| r["bestand"] == file)
        .collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    lines.into_iter().next().unwrap()
}

fn assert_unreadable(s: &Scenario, file: &str, fragment: &str) {
    let line = only_reject(s, "2026-02", file);
    assert_eq!(line["regel"], "unreadable_file", "{line:?}");
    assert_eq!(line["rij"], "", "{line:?}");
    assert!(
        line["melding"].starts_with("Het bestand kan niet worden gelezen"),
        "{line:?}"
    );
    assert!(line["melding"].contains(fragment), "{fragment}: {line:?}");
    let manifest = s.manifest("2026-02");
    let input = manifest["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["path"] == file)
        .unwrap()
        .clone();
    assert_eq!(input["status"], "unreadable");
}

/// Rewrites the entries of a zip package (stored, uncompressed).
fn rewrite_zip(path: &Path, edit: impl Fn(&str, Vec<u8>) -> Vec<u8>, extra: &[(&str, Vec<u8>)]) {
    let bytes = std::fs::read(path).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        let mut content = Vec::new();
        entry.read_to_end(&mut content).unwrap();
        out.start_file(name.as_str(), options).unwrap();
        out.write_all(&edit(&name, content)).unwrap();
    }
    for (name, content) in extra {
        out.start_file(*name, options).unwrap();
        out.write_all(content).unwrap();
    }
    std::fs::write(path, out.finish().unwrap().into_inner()).unwrap();
}

fn counts_sheet(sheet: &mut rust_xlsxwriter::Worksheet, rows: &[(&str, &str, f64)]) {
    for (c, h) in COUNTS_HEADER.split(',').enumerate() {
        sheet.write_string(0, c as u16, h).unwrap();
    }
    for (r, (id, month, n)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, *id).unwrap();
        sheet.write_string(r, 1, *month).unwrap();
        for c in 2..8 {
            sheet.write_number(r, c, *n).unwrap();
        }
    }
}

fn office_xls() -> Vec<u8> {
    std::fs::read(repo().join("tests/fixtures/office/counts_title.xls")).unwrap()
}

#[test]
fn truncated_xls_is_one_unreadable_file() {
    let s = honest();
    let xls = office_xls();
    for cut in [512, 1024, 4096, xls.len() - 100] {
        s.file(
            &format!("input/kapot_{cut}.xls"),
            &xls[..cut.min(xls.len())],
        );
    }
    assert_refused(&s, "kapot_4096.xls", "beschadigd");
    assert_unreadable(&s, "kapot_512.xls", "");
}

#[test]
fn byte_flipped_xls_never_crashes() {
    let s = honest();
    let xls = office_xls();
    for at in (0..xls.len()).step_by(61) {
        let mut flipped = xls.clone();
        flipped[at] ^= 0xFF;
        if at + 1 < flipped.len() {
            flipped[at + 1] ^= 0x5A;
        }
        s.file(&format!("input/flip/{at:05}.xls"), flipped);
    }
    let run = run_limited(&s);
    assert!(matches!(run.code, 0 | 3), "{}", run.stderr);
    assert_intact(&s, &run, "2026-02");
}

#[test]
fn a_loop_in_the_xls_sector_chain_is_refused() {
    let s = honest();
    let mut xls = office_xls();
    // The first FAT sector's entries: make every sector point at itself.
    let first_fat = u32::from_le_bytes(xls[76..80].try_into().unwrap()) as usize;
    let start = (first_fat + 1) * 512;
    for (i, chunk) in xls[start..start + 512].chunks_exact_mut(4).enumerate() {
        chunk.copy_from_slice(&(i as u32).to_le_bytes());
    }
    s.file("input/lus.xls", xls);
    assert_refused(&s, "lus.xls", "beschadigd");
}

#[test]
fn a_stray_cell_in_xfd1048576_costs_one_cell() {
    let s = honest();
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Aanlevering").unwrap();
    counts_sheet(sheet, &[("A", "2025-12", 1.0)]);
    sheet.write_string(19_999, 16_383, "x").unwrap();
    let notes = workbook.add_worksheet();
    notes.set_name("Notities").unwrap();
    notes.write_string(1_048_575, 16_383, "x").unwrap();
    workbook.save(s.path().join("input/ver.xlsx")).unwrap();
    let run = run_limited(&s);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_intact(&s, &run, "2026-02");
    let lines: Vec<_> = s
        .rejects("2026-02")
        .into_iter()
        .filter(|r| r["bestand"] == "ver.xlsx")
        .map(|r| (r["regel"].clone(), r["rij"].clone(), r["kolom"].clone()))
        .collect();
    assert_eq!(
        lines,
        [
            ("missing_value".into(), "20000".into(), "pps_id".into()),
            ("missing_value".into(), "20000".into(), "periode".into()),
        ]
    );
    let counts = s.sheet_counts("2026-02", "ver.xlsx");
    assert_eq!(counts["read"], 2);
    assert_eq!(counts["accepted"], 1);
    assert_eq!(counts["blank"], 19_997);
}

#[test]
fn csv_headers_and_lines_of_delimiters() {
    let s = honest();
    // 65,536 empty header fields after the real ones: nothing to hold.
    s.file(
        "input/breed.csv",
        format!(
            "{};{}\nA;2025-11;1;2;3;4;10;5\n",
            COUNTS_HEADER.replace(',', ";"),
            ";".repeat(65_536)
        ),
    );
    // One 10 MB line of `;` below the header: a blank row.
    let mut long = format!("{}\n", COUNTS_HEADER.replace(',', ";")).into_bytes();
    long.extend(std::iter::repeat_n(b';', 10_000_000));
    long.extend(b"\nB;2026-01;1;0;0;0;3;1\n");
    s.file("input/lang.csv", long);
    // 20,000 filled columns: over the columns limit.
    s.file(
        "input/te_breed.csv",
        format!("pps_id;periode{}\n", ";x".repeat(20_000)),
    );
    let run = run_limited(&s);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_intact(&s, &run, "2026-02");
    assert_eq!(s.sheet_counts("2026-02", "breed.csv")["read"], 1);
    let long_line = s.sheet_counts("2026-02", "lang.csv");
    assert_eq!(
        (long_line["read"].as_u64(), long_line["blank"].as_u64()),
        (Some(1), Some(1))
    );
    assert_unreadable(&s, "te_breed.csv", "meer dan 16.384 kolommen");
}

#[test]
fn the_cells_limit_and_the_file_size_limit_are_configurable() {
    let s = honest();
    s.file(
        "config/pps-monitor.toml",
        "regions = \"regions.csv\"\nmax_cells_per_sheet = 1000\nmax_file_mb = 1\n",
    );
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    counts_sheet(sheet, &[("A", "2026-01", 1.0)]);
    for r in 2..60 {
        for c in 0..30 {
            sheet.write_number(r, c, 7.0).unwrap();
        }
    }
    workbook.save(s.path().join("input/veel.xlsx")).unwrap();
    let mut big = format!("{COUNTS_HEADER}\n").into_bytes();
    big.extend(std::iter::repeat_n(b'#', 1_200_000));
    s.file("input/groot.csv", big);
    assert_refused(&s, "veel.xlsx", "meer dan 1.000 gevulde cellen");
    assert_unreadable(&s, "groot.csv", "groter dan 1 MB");
}

#[test]
fn a_package_over_the_uncompressed_limit_is_refused() {
    let s = honest();
    s.file(
        "config/pps-monitor.toml",
        "regions = \"regions.csv\"\nmax_package_mb = 1\n",
    );
    let path = one_row_xlsx(&s, "bom.xlsx");
    rewrite_zip(
        &path,
        |_, b| b,
        &[("xl/media/vulling.bin", vec![0; 1_500_000])],
    );
    assert_refused(&s, "bom.xlsx", "uitgepakt groter dan 1 MB");
}

#[test]
fn encrypted_and_fake_spreadsheets_are_unreadable() {
    let s = honest();
    let mut ole = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    ole.extend([0u8; 600]);
    ole.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    s.file("input/geheim.xlsx", ole);
    s.file("input/nep.xlsx", "dit is geen spreadsheet");
    let run = s.run(&["run"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_intact(&s, &run, "2026-02");
    assert_unreadable(&s, "geheim.xlsx", "wachtwoord");
    assert_unreadable(&s, "nep.xlsx", "geen spreadsheet");
}

#[test]
fn long_texts_are_cut_and_never_stop_the_run() {
    let s = honest();
    let long = "x".repeat(40_000);
    s.file(
        "input/lang_tekst.csv",
        format!("{COUNTS_HEADER},{long}\n{long},2026-01,1,0,0,0,1,0,y\n"),
    );
    let run = s.run(&["run"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_intact(&s, &run, "2026-02");
    let line = only_reject(&s, "2026-02", "lang_tekst.csv");
    assert_eq!(line["regel"], "unknown_pps");
    assert_eq!(line["waarde"].chars().count(), 1000);
    assert!(line["waarde"].ends_with('…'));
    let manifest = s.read("output/2026-02/manifest.json");
    assert!(!manifest.contains(&"x".repeat(1001)));
}

#[test]
fn long_texts_in_an_xlsx_cell_header_and_sheet_name_are_cut() {
    let s = honest();
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet().set_name("LANGENAAM").unwrap();
    counts_sheet(sheet, &[("LANGEID", "2025-12", 1.0)]);
    sheet.write_string(0, 8, "LANGEKOP").unwrap();
    let path = s.path().join("input/lang.xlsx");
    workbook.save(&path).unwrap();
    let long = |c: &str| c.repeat(40_000);
    rewrite_zip(
        &path,
        |_, bytes| {
            let xml = String::from_utf8(bytes).unwrap();
            xml.replace("LANGENAAM", &long("n"))
                .replace("LANGEID", &long("i"))
                .replace("LANGEKOP", &long("k"))
                .into_bytes()
        },
        &[],
    );
    let run = run_limited(&s);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_intact(&s, &run, "2026-02");
    let line = only_reject(&s, "2026-02", "lang.xlsx");
    assert_eq!(line["regel"], "unknown_pps");
    assert_eq!(line["blad"].chars().count(), 1000);
    assert_eq!(line["waarde"].chars().count(), 1000);
    let manifest = s.read("output/2026-02/manifest.json");
    for c in ["n", "i", "k"] {
        assert!(!manifest.contains(&c.repeat(1001)), "{c}");
    }
}

#[test]
fn a_formula_without_a_stored_result_is_a_bad_value() {
    let s = honest();
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    counts_sheet(sheet, &[("A", "2026-01", 1.0), ("B", "2026-01", 1.0)]);
    sheet.write_formula(1, 4, "=1+1").unwrap();
    sheet
        .write_formula(2, 4, Formula::new("=3-2").set_result("1"))
        .unwrap();
    let path = s.path().join("input/formule.xlsx");
    workbook.save(&path).unwrap();
    edit_xml(&path, "xl/worksheets/sheet1.xml", |xml| {
        let at = xml.find("<f>1+1</f>").unwrap() + "<f>1+1</f>".len();
        let end = at + xml[at..].find("</v>").unwrap() + "</v>".len();
        format!("{}{}", &xml[..at], &xml[end..])
    });
    let run = s.run(&["run"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert_intact(&s, &run, "2026-02");
    let line = only_reject(&s, "2026-02", "formule.xlsx");
    assert_eq!(
        (
            line["regel"].as_str(),
            line["rij"].as_str(),
            line["kolom"].as_str()
        ),
        ("bad_value", "2", "werkenden")
    );
    assert_eq!(line["waarde"].trim_start_matches('\''), "=1+1");
    assert!(
        line["melding"].contains(
            "formule zonder berekende waarde: open het bestand in Excel of LibreOffice en sla het op"
        ),
        "{line:?}"
    );
    assert_eq!(s.sheet_counts("2026-02", "formule.xlsx")["accepted"], 1);
}

#[test]
fn hidden_and_very_hidden_sheets_are_not_read() {
    let s = honest();
    let mut workbook = Workbook::new();
    counts_sheet(
        workbook.add_worksheet().set_name("Nu").unwrap(),
        &[("A", "2025-12", 1.0)],
    );
    let old = workbook.add_worksheet().set_name("Oud").unwrap();
    counts_sheet(old, &[("A", "2025-12", 9.0)]);
    old.set_hidden(true);
    let secret = workbook.add_worksheet().set_name("Geheim").unwrap();
    counts_sheet(secret, &[("A", "2025-12", 8.0)]);
    secret.set_hidden(true);
    let path = s.path().join("input/verborgen.xlsx");
    workbook.save(&path).unwrap();
    edit_xml(&path, "xl/workbook.xml", |xml| {
        let at = xml.find("name=\"Geheim\"").unwrap();
        let state = at + xml[at..].find("state=\"hidden\"").unwrap();
        format!(
            "{}state=\"veryHidden\"{}",
            &xml[..state],
            &xml[state + 14..]
        )
    });
    let run = s.run(&["run"]);
    // Only the visible sheet's row is read: no conflict with the hidden ones.
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_intact(&s, &run, "2026-02");
    let manifest = s.manifest("2026-02");
    let input = manifest["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["path"] == "verborgen.xlsx")
        .unwrap()
        .clone();
    let tables: Vec<(&str, &str, u64)> = input["sheets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["sheet"].as_str().unwrap(),
                s["table"].as_str().unwrap(),
                s["read"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        tables,
        [
            ("Nu", "counts", 1),
            ("Oud", "ignored", 0),
            ("Geheim", "ignored", 0)
        ]
    );
    let text = s.read("output/2026-02/manifest.json");
    assert_eq!(text.matches("het blad is verborgen").count(), 2, "{text}");
}

#[test]
fn huge_counts_and_invisible_ids_are_bad_values() {
    let s = honest();
    s.file(
        "input/raar.csv",
        format!(
            "{COUNTS_HEADER}\nA,2026-03,1000001,0,0,0,1,0\nA\u{200b},2026-04,1,0,0,0,1,0\n\u{a0}A\u{a0},2026-05,1000000,0,0,0,1,0\n"
        ),
    );
    let run = s.run(&["run", "--period", "2026-05"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    let lines: Vec<_> = s
        .rejects("2026-05")
        .into_iter()
        .filter(|r| r["bestand"] == "raar.csv")
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(
        (
            lines[0]["regel"].as_str(),
            lines[0]["rij"].as_str(),
            lines[0]["kolom"].as_str()
        ),
        ("bad_value", "2", "studenten_bol")
    );
    assert!(
        lines[0]["melding"].contains("groter dan 1.000.000"),
        "{:?}",
        lines[0]
    );
    assert_eq!(
        (
            lines[1]["regel"].as_str(),
            lines[1]["rij"].as_str(),
            lines[1]["kolom"].as_str()
        ),
        ("bad_value", "3", "pps_id")
    );
    assert!(
        lines[1]["melding"].contains("onzichtbare tekens"),
        "{:?}",
        lines[1]
    );
    assert_eq!(s.sheet_counts("2026-05", "raar.csv")["accepted"], 1);
}

#[test]
fn a_far_future_month_is_rejected_and_never_the_latest() {
    let s = honest();
    s.file(
        "input/toekomst.csv",
        format!("{COUNTS_HEADER}\nA,okt 2062,1,0,0,0,1,0\nA,2026-12,1,0,0,0,1,0\nA,2026-11,1,0,0,0,10,5\n"),
    );
    let run = s.run(&["run"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stdout.contains("Period 2026-11"), "{}", run.stdout);
    let lines: Vec<_> = s
        .rejects("2026-11")
        .into_iter()
        .filter(|r| r["bestand"] == "toekomst.csv")
        .map(|r| (r["regel"].clone(), r["rij"].clone(), r["waarde"].clone()))
        .collect();
    assert_eq!(
        lines,
        [
            ("future_period".into(), "2".into(), "okt 2062".into()),
            ("future_period".into(), "3".into(), "2026-12".into()),
        ]
    );
}

#[test]
fn fifos_and_devices_are_listed_not_read() {
    let s = honest();
    let fifo = s.path().join("input/pijp.csv");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    std::os::unix::fs::symlink("/dev/zero", s.path().join("input/nul.csv")).unwrap();
    let run = run_limited(&s);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_intact(&s, &run, "2026-02");
    let manifest = s.manifest("2026-02");
    let status = |path: &str| {
        manifest["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["path"] == path)
            .map(|i| i["status"].as_str().unwrap().to_owned())
    };
    assert_eq!(status("nul.csv").as_deref(), Some("ignored"));
    if made.is_ok_and(|s| s.success()) {
        assert_eq!(status("pijp.csv").as_deref(), Some("ignored"));
    }
}

#[test]
fn an_ods_with_huge_repeat_counts_is_refused() {
    let s = honest();
    let path = office_ods(&s, "herhaald.ods");
    edit_xml(&path, "content.xml", |xml| {
        let row = "<table:table-row table:number-rows-repeated=\"1048000\"><table:table-cell table:number-columns-repeated=\"16384\" office:value-type=\"float\" office:value=\"1\"/></table:table-row>";
        xml.replacen("</table:table>", &format!("{row}</table:table>"), 1)
    });
    assert_refused(
        &s,
        "herhaald.ods",
        "rechthoek van meer dan 2.000.000 cellen",
    );
}

/// Rewrites the text of zip entry `entry` with `edit`.
fn edit_xml(path: &Path, entry: &str, edit: impl Fn(String) -> String) {
    rewrite_zip(
        path,
        |name, bytes| {
            if name != entry {
                return bytes;
            }
            edit(String::from_utf8(bytes).unwrap()).into_bytes()
        },
        &[],
    );
}

/// Replaces the first `from` in zip entry `entry` by `to`.
fn edit_entry(path: &Path, entry: &str, from: &str, to: &str) {
    edit_xml(path, entry, |xml| {
        assert!(xml.contains(from), "{entry}: no {from}");
        xml.replacen(from, to, 1)
    });
}

/// A copy of the office-made `counts.ods` in the scenario's input, as `name`.
fn office_ods(s: &Scenario, name: &str) -> std::path::PathBuf {
    let path = s.path().join("input").join(name);
    std::fs::copy(repo().join("tests/fixtures/office/counts.ods"), &path).unwrap();
    path
}

#[test]
fn a_huge_shared_strings_count_is_refused_before_the_reader_reserves_it() {
    // calamine reserves `uniqueCount` strings at once: 4294967295 of them
    // is 100 GB, an allocation failure that aborts the process.
    let s = honest();
    let path = one_row_xlsx(&s, "teksten.xlsx");
    edit_xml(&path, "xl/sharedStrings.xml", |xml| {
        let at = xml.find("uniqueCount=\"").unwrap() + "uniqueCount=\"".len();
        let end = at + xml[at..].find('"').unwrap();
        format!("{}4294967295{}", &xml[..at], &xml[end..])
    });
    assert_refused(
        &s,
        "teksten.xlsx",
        "onderdeel 'xl/sharedStrings.xml' meldt 4294967295 verschillende teksten",
    );
}

#[test]
fn an_ods_whose_table_never_ends_is_refused_not_a_hang() {
    // calamine's ods reader waits for `</table:table>` past the end of the
    // document: a broken end tag, or a document cut inside the table,
    // would loop forever.
    let s = honest();
    let broken = office_ods(&s, "kapot.ods");
    edit_entry(
        &broken,
        "content.xml",
        "</table:table>",
        "</table:tabl\u{1}",
    );
    let cut = office_ods(&s, "afgebroken.ods");
    edit_xml(&cut, "content.xml", |xml| {
        let at = xml.find("</table:table>").unwrap();
        xml[..at].to_owned()
    });
    assert_refused(
        &s,
        "kapot.ods",
        "de inhoud (content.xml) van het ods-bestand is geen geldige XML",
    );
    assert_unreadable(&s, "afgebroken.ods", "elementen nog open zijn");
}

#[test]
fn an_ods_asking_for_billions_of_spaces_is_refused() {
    // `<text:s text:c="n"/>` is written out as n spaces in the cell's text
    // before anything can cut it: 4 billion of them exhaust memory.
    let s = honest();
    let path = office_ods(&s, "spaties.ods");
    edit_entry(
        &path,
        "content.xml",
        "<text:p>pps_id",
        "<text:p><text:s text:c=\"4000000000\"/>pps_id",
    );
    assert_refused(
        &s,
        "spaties.ods",
        "vraagt op één plek om meer dan 32.767 spaties",
    );
}

#[test]
fn an_xlsx_sheet_cut_inside_its_data_is_refused_not_a_hang() {
    // calamine's xlsx cell reader, unlike its ods reader, stops at the end
    // of the document: this keeps it that way.
    let s = honest();
    let path = one_row_xlsx(&s, "afgebroken.xlsx");
    edit_xml(&path, "xl/worksheets/sheet1.xml", |xml| {
        let at = xml.find("</row>").unwrap();
        format!("{}</rox></sheetDat>", &xml[..at])
    });
    assert_refused(&s, "afgebroken.xlsx", "blad 'Sheet1'");
}

#[test]
fn an_ods_repeating_a_long_text_over_many_rows_is_refused() {
    // calamine copies a cell's text into every repeated row before anything
    // can cut it: 300,000 characters in a row repeated 65,536 times asked for
    // 20 GB and aborted the process (found by pps-fuzz). The rectangle itself
    // (65,536 x 8 cells) is within the cells limit.
    let s = honest();
    let path = office_ods(&s, "herhaald.ods");
    edit_xml(&path, "content.xml", |xml| {
        let row = "<table:table-row table:style-name=\"ro1\">";
        assert!(xml.contains(row) && xml.contains("<text:p>pps_id"));
        xml.replacen(
            row,
            "<table:table-row table:style-name=\"ro1\" table:number-rows-repeated=\"65536\">",
            1,
        )
        .replacen(
            "<text:p>pps_id",
            &format!("<text:p>{}pps_id", "x".repeat(300_000)),
            1,
        )
    });
    assert_refused(
        &s,
        "herhaald.ods",
        "herhaalt zijn teksten over meer dan 256 MB",
    );
}

#[test]
fn a_sheet_list_naming_one_part_many_times_is_refused() {
    use std::fmt::Write as _;
    // The reader parses a sheet's part once for every name in the sheet
    // list: a short list naming one large part a million times would read
    // for hours. Here 30 names of a 100 kB part against a 1 MB limit.
    let s = honest();
    s.file(
        "config/pps-monitor.toml",
        "regions = \"regions.csv\"\nmax_package_mb = 1\n",
    );
    let path = one_row_xlsx(&s, "herhaalde_bladen.xlsx");
    rewrite_zip(
        &path,
        |name, bytes| {
            let xml = String::from_utf8(bytes).unwrap();
            match name {
                "xl/worksheets/sheet1.xml" => xml
                    .replacen(
                        "<sheetData>",
                        &format!("<!--{}--><sheetData>", "x".repeat(100_000)),
                        1,
                    )
                    .into_bytes(),
                "xl/workbook.xml" => {
                    let one = "<sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/>";
                    assert!(xml.contains(one), "{xml}");
                    let many = (1..=30).fold(String::new(), |mut many, i| {
                        let _ = write!(
                            many,
                            "<sheet name=\"Blad{i}\" sheetId=\"{i}\" r:id=\"rId1\"/>"
                        );
                        many
                    });
                    xml.replacen(one, &many, 1).into_bytes()
                }
                _ => xml.into_bytes(),
            }
        },
        &[],
    );
    assert_refused(&s, "herhaalde_bladen.xlsx", "de bladen delen onderdelen");
}
