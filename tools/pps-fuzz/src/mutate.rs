//! Mutation strategies: how case `i` is made from a seed.
//!
//! A case starts from one seed (chosen by kind first, so that the single
//! `.xls` seed is picked as often as the many `.xlsx` ones: xlsx 35 %,
//! xls 25 %, ods 20 %, csv 20 %) and applies a stack of one to three steps.
//! Structured steps come first, while the file is still well-formed; once a
//! step has broken the structure, only byte-level steps follow (so the
//! harness's own zip reader never reads a hostile file).
//!
//! - **Byte level** (every kind): truncation at a random point, bit and
//!   byte flips, insertion of random or repeated bytes, deletion of a range,
//!   overwriting a 16- or 32-bit little-endian field with an "interesting"
//!   value (0, 0x7FFF, 0xFFFFFFFE, …), copying a chunk elsewhere.
//! - **Zip packages** (xlsx, ods): unzip, change one entry, re-zip (stored
//!   or deflated). Entry XML: `<dimension ref>` set to huge or inverted
//!   ranges, one cell's `r=` set to a huge or malformed reference, a row's
//!   `r=` made huge, a stray cell in a far corner (`XFD1048576`), a row of
//!   16,384 cells, ods `table:number-columns-repeated` /
//!   `number-rows-repeated` set to huge, negative or non-numeric values
//!   (also on a cell carrying a value), 40,000-character texts, formulas
//!   without a cached value, huge shared-string counts, broken entities,
//!   deep nesting, hidden sheet states, relationship targets pointing
//!   elsewhere, and byte-level mutation of the XML itself. Package level:
//!   an entry removed, duplicated (two entries with one name), renamed,
//!   the entries reordered, and header fields patched after zipping (sizes,
//!   compression method, name and extra lengths, offsets, the end record's
//!   counts) — the "wrong sizes" a hostile zip claims.
//! - **CFB (`.xls`)**: header fields (sector shift, FAT / mini-FAT / DIFAT
//!   sector counts and starts, directory start, mini-stream cutoff), DIFAT
//!   entries, directory entries (start sector, stream size, siblings,
//!   type), FAT chain entries (loops, end-of-chain, free), BIFF records
//!   found by type (length field or a field inside: DIMENSIONS, ROW, SST,
//!   NUMBER, …) and truncation at a sector boundary (`head -c 4096`).
//! - **CSV text**: delimiter floods (up to 200,000 delimiters in a line),
//!   long lines (up to 12 MB), many repeated rows, unbalanced quotes,
//!   invalid UTF-8, byte order marks and UTF-16, bare CR line ends,
//!   hostile values (`=HYPERLINK(…)`, `1e308`, `okt 2062`), very wide
//!   headers.
//!
//! A case is cut at 24 MiB ([`MAX_CASE_BYTES`]). Occasionally (4 %) the case also gets another spreadsheet extension, so
//! a zip is read as `.xls` or a CFB file as `.csv`.

use std::fmt::Write as _;
use std::io::{Cursor, Read, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use crate::corpus::{Corpus, Kind};
use crate::rng::Rng;

/// One generated case.
#[derive(Debug)]
pub struct Case {
    /// File name handed to ingest (its extension decides the reader).
    pub name: String,
    pub bytes: Vec<u8>,
    /// The seed's path.
    pub seed: String,
    /// The mutation steps, in order, for reports.
    pub steps: Vec<String>,
}

impl Case {
    pub fn describe(&self) -> String {
        format!("{} <- {}", self.steps.join(" + "), self.seed)
    }
}

/// Cases are cut to this size: larger files are refused by ingest's file
/// size limit before any reader sees them (100 MB by default), so bigger
/// cases would only cost time.
pub const MAX_CASE_BYTES: usize = 24 << 20;

const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

const U32S: [u32; 22] = [
    0,
    1,
    2,
    0x7F,
    0x80,
    0xFF,
    0x100,
    0x1FF,
    0x200,
    0x1000,
    0x7FFF,
    0x8000,
    0xFFFF,
    0x1_0000,
    0x10_0000,
    0x7FFF_FFFF,
    0x8000_0000,
    0xFFFF_FFFA,
    0xFFFF_FFFC,
    0xFFFF_FFFD,
    0xFFFF_FFFE,
    0xFFFF_FFFF,
];

const U16S: [u16; 14] = [
    0, 1, 0x7F, 0x80, 0xFF, 0x100, 0x2000, 0x2020, 0x3FFF, 0x4000, 0x7FFF, 0x8000, 0xFFFE, 0xFFFF,
];

/// Builds case `index` of the run seeded with `seed`.
pub fn generate(corpus: &Corpus, seed: u64, index: u64) -> Case {
    let mut rng = Rng::for_case(seed, index);
    let roll = rng.below(100);
    let wanted = match roll {
        0..35 => Kind::Xlsx,
        35..60 => Kind::Xls,
        60..80 => Kind::Ods,
        _ => Kind::Csv,
    };
    let mut pool = corpus.of_kind(wanted);
    if pool.is_empty() {
        pool = corpus.seeds.iter().collect();
    }
    let source = *rng.pick(&pool);
    let mut bytes = source.bytes.clone();
    let mut name = source.name.clone();
    let mut steps = Vec::new();
    let count = match rng.below(100) {
        0..55 => 1,
        55..85 => 2,
        _ => 3,
    };
    let mut intact = true;
    for _ in 0..count {
        let (step, breaks) = mutate(&mut rng, &mut bytes, source.kind, intact);
        intact &= !breaks;
        steps.push(step);
        if bytes.len() > MAX_CASE_BYTES {
            bytes.truncate(MAX_CASE_BYTES);
            steps.push(format!("cap@{MAX_CASE_BYTES}"));
            intact = false;
        }
    }
    if rng.chance(4) {
        let ext = *rng.pick(&["xlsx", "xlsm", "xls", "ods", "csv"]);
        let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
        name = format!("{stem}.{ext}");
        steps.push(format!("rename-ext:{ext}"));
    }
    Case {
        name,
        bytes,
        seed: source.path.clone(),
        steps,
    }
}

/// One step; returns its description and whether it may have broken the
/// file's structure (after which only byte-level steps follow).
fn mutate(rng: &mut Rng, bytes: &mut Vec<u8>, kind: Kind, intact: bool) -> (String, bool) {
    let roll = rng.below(100);
    if intact
        && bytes.starts_with(b"PK\x03\x04")
        && roll < 60
        && let Some(done) = zip_step(rng, bytes)
    {
        return done;
    }
    if bytes.starts_with(&CFB_MAGIC) && roll < 55 {
        return (cfb_step(rng, bytes), true);
    }
    if kind == Kind::Csv && roll < 55 {
        return (csv_step(rng, bytes), true);
    }
    (byte_step(rng, bytes), true)
}

// ---------------------------------------------------------------- bytes

fn byte_step(rng: &mut Rng, bytes: &mut Vec<u8>) -> String {
    let len = bytes.len();
    match rng.below(100) {
        0..22 => {
            let at = rng.below(len);
            bytes.truncate(at);
            format!("truncate@{at}")
        }
        22..42 => {
            let n = rng.size(16);
            for _ in 0..n {
                if bytes.is_empty() {
                    break;
                }
                let at = rng.below(bytes.len());
                if rng.chance(50) {
                    bytes[at] ^= 1 << rng.below(8);
                } else {
                    bytes[at] = rng.next() as u8;
                }
            }
            format!("flip×{n}")
        }
        42..55 => {
            let at = rng.below(len + 1);
            let n = rng.size(4096);
            let insert: Vec<u8> = if rng.chance(50) {
                vec![rng.next() as u8; n]
            } else {
                (0..n).map(|_| rng.next() as u8).collect()
            };
            bytes.splice(at..at, insert);
            format!("insert@{at}×{n}")
        }
        55..68 => {
            let at = rng.below(len);
            let n = rng.size((len / 4).max(1)).min(len - at.min(len));
            bytes.drain(at..at + n);
            format!("delete@{at}×{n}")
        }
        68..80 if len >= 2 => {
            let at = rng.below(len - 1);
            let v = *rng.pick(&U16S);
            bytes[at..at + 2].copy_from_slice(&v.to_le_bytes());
            format!("u16@{at}={v:#x}")
        }
        80..92 if len >= 4 => {
            let at = rng.below(len - 3);
            let v = *rng.pick(&U32S);
            bytes[at..at + 4].copy_from_slice(&v.to_le_bytes());
            format!("u32@{at}={v:#x}")
        }
        _ if len >= 2 => {
            let from = rng.below(len);
            let n = rng.size(len - from);
            let chunk = bytes[from..from + n].to_vec();
            let to = rng.below(len);
            bytes.splice(to..to, chunk);
            format!("copy@{from}×{n}->{to}")
        }
        _ => {
            bytes.push(rng.next() as u8);
            "append-byte".to_owned()
        }
    }
}

// ---------------------------------------------------------------- zip

/// A package read back as entries, or `None` when the zip crate cannot
/// (the seed itself is broken, as `truncated.xlsx` is).
fn unzip(bytes: &[u8]) -> Option<Vec<(String, Vec<u8>)>> {
    const ENTRY_LIMIT: u64 = 32 << 20;
    let mut archive = ZipArchive::new(Cursor::new(bytes)).ok()?;
    if archive.len() > 500 {
        return None;
    }
    let mut entries = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).ok()?;
        let name = file.name().ok()?.into_owned();
        let mut data = Vec::new();
        file.by_ref()
            .take(ENTRY_LIMIT)
            .read_to_end(&mut data)
            .ok()?;
        entries.push((name, data));
    }
    Some(entries)
}

fn rezip(rng: &mut Rng, entries: &[(String, Vec<u8>)]) -> Option<Vec<u8>> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in entries {
        let options = if rng.chance(30) {
            SimpleFileOptions::default().compression_method(CompressionMethod::Stored)
        } else {
            SimpleFileOptions::default()
                .compression_method(CompressionMethod::Deflated)
                .compression_level(Some(1))
        };
        writer.start_file(name.as_str(), options).ok()?;
        writer.write_all(data).ok()?;
    }
    writer.finish().ok().map(Cursor::into_inner)
}

fn zip_step(rng: &mut Rng, bytes: &mut Vec<u8>) -> Option<(String, bool)> {
    let mut entries = unzip(bytes)?;
    if entries.is_empty() {
        return None;
    }
    let roll = rng.below(100);
    let mut alias = None;
    let (desc, breaks) = match roll {
        0..62 => {
            let sheets: Vec<usize> = (0..entries.len())
                .filter(|&i| {
                    let n = &entries[i].0;
                    n.contains("worksheets/") || n == "content.xml" || n.contains("sharedStrings")
                })
                .collect();
            let i = if !sheets.is_empty() && rng.chance(75) {
                *rng.pick(&sheets)
            } else {
                rng.below(entries.len())
            };
            let (name, data) = &mut entries[i];
            let (what, breaks) = xml_step(rng, data);
            (format!("zip:{name}:{what}"), breaks)
        }
        62..70 => {
            let i = rng.below(entries.len());
            let (name, _) = entries.remove(i);
            (format!("zip:remove:{name}"), false)
        }
        70..78 => {
            // Two entries with one name: the writer refuses that, so the
            // copy gets a stand-in name of the same length, swapped back
            // in the finished bytes.
            let i = rng.below(entries.len());
            let (name, mut data) = entries[i].clone();
            let mut stand_in = name.clone().into_bytes();
            if let Some(last) = stand_in.last_mut() {
                *last = if *last == b'#' { b'$' } else { b'#' };
            }
            let stand_in = String::from_utf8_lossy(&stand_in).into_owned();
            if rng.chance(50) {
                byte_step(rng, &mut data);
            }
            let at = rng.below(entries.len() + 1);
            entries.insert(at, (stand_in.clone(), data));
            alias = Some((stand_in, name.clone()));
            (format!("zip:duplicate:{name}"), false)
        }
        78..84 => {
            let i = rng.below(entries.len());
            let old = entries[i].0.clone();
            let new = rng
                .pick(&[
                    "",
                    "/",
                    "../../evil.xml",
                    "xl/worksheets/sheet1.xml",
                    "content.xml",
                    "xl/workbook.xml",
                ])
                .to_string();
            if entries.iter().any(|(n, _)| *n == new) {
                entries[i].0.push('~');
            } else {
                entries[i].0 = new;
            }
            (format!("zip:rename:{old}->{}", entries[i].0), false)
        }
        84..88 => {
            entries.reverse();
            ("zip:reverse".to_owned(), false)
        }
        _ => ("zip:patch".to_owned(), true),
    };
    let mut out = rezip(rng, &entries)?;
    if let Some((stand_in, name)) = alias {
        replace_all(&mut out, stand_in.as_bytes(), name.as_bytes());
    }
    let desc = if desc == "zip:patch" {
        format!("zip:patch:{}", patch_headers(rng, &mut out))
    } else {
        desc
    };
    *bytes = out;
    Some((desc, breaks))
}

/// Overwrites a field of a local header, a central directory record or
/// the end record with an interesting value.
/// A header field: offset from the signature, width in bytes, name.
type Field = (usize, u8, &'static str);

fn patch_headers(rng: &mut Rng, bytes: &mut [u8]) -> String {
    const LOCAL: &[Field] = &[
        (8, 2, "method"),
        (14, 4, "crc"),
        (18, 4, "csize"),
        (22, 4, "usize"),
        (26, 2, "namelen"),
        (28, 2, "extralen"),
    ];
    const CENTRAL: &[Field] = &[
        (10, 2, "method"),
        (20, 4, "csize"),
        (24, 4, "usize"),
        (28, 2, "namelen"),
        (30, 2, "extralen"),
        (32, 2, "commentlen"),
        (42, 4, "offset"),
    ];
    const END: &[Field] = &[
        (8, 2, "entries-here"),
        (10, 2, "entries"),
        (12, 4, "cdsize"),
        (16, 4, "cdoffset"),
        (20, 2, "commentlen"),
    ];
    let mut spots: Vec<(usize, &'static [Field])> = Vec::new();
    for i in 0..bytes.len().saturating_sub(4) {
        match &bytes[i..i + 4] {
            b"PK\x03\x04" => spots.push((i, LOCAL)),
            b"PK\x01\x02" => spots.push((i, CENTRAL)),
            b"PK\x05\x06" => spots.push((i, END)),
            _ => {}
        }
    }
    if spots.is_empty() {
        return "none".to_owned();
    }
    let (at, fields) = *rng.pick(&spots);
    let (offset, width, what) = *rng.pick(fields);
    let pos = at + offset;
    if pos + usize::from(width) > bytes.len() {
        return "short".to_owned();
    }
    if width == 2 {
        let v = if what == "method" {
            *rng.pick(&[1u16, 6, 9, 12, 14, 93, 95, 99, 0xFFFF])
        } else {
            *rng.pick(&U16S)
        };
        bytes[pos..pos + 2].copy_from_slice(&v.to_le_bytes());
        format!("{what}@{at}={v:#x}")
    } else {
        let old = u32::from_le_bytes([bytes[pos], bytes[pos + 1], bytes[pos + 2], bytes[pos + 3]]);
        let v = if rng.chance(30) {
            old.wrapping_mul(1 + rng.below(1000) as u32)
        } else {
            *rng.pick(&U32S)
        };
        bytes[pos..pos + 4].copy_from_slice(&v.to_le_bytes());
        format!("{what}@{at}={v:#x}")
    }
}

const HUGE_REFS: [&str; 12] = [
    "A1:XFD1048576",
    "XFD1048576",
    "A1:XFD4294967295",
    "A1:ZZZZZZ99999999999",
    "B2:A1",
    "A0:A0",
    "",
    "A1:",
    ":",
    "XFE1",
    "A1:A1048577",
    "AAAAAAAAAAAAAAAAAAAA1",
];

const REPEATS: [&str; 14] = [
    "2",
    "1000",
    "16384",
    "16385",
    "65536",
    "1048576",
    "1048577",
    "2147483647",
    "4294967295",
    "4294967296",
    "99999999999999999999",
    "-1",
    "0",
    "x",
];

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn find_all(hay: &[u8], needle: &[u8], limit: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(p) = hay.get(from..).and_then(|h| find(h, needle)) {
        out.push(from + p);
        from += p + 1;
        if out.len() >= limit {
            break;
        }
    }
    out
}

fn replace_all(hay: &mut Vec<u8>, needle: &[u8], with: &[u8]) {
    for at in find_all(hay, needle, usize::MAX).into_iter().rev() {
        hay.splice(at..at + needle.len(), with.iter().copied());
    }
}

/// Replaces the value of the attribute whose `name="` starts at `at`.
fn set_attr_value(data: &mut Vec<u8>, at: usize, name_len: usize, value: &str) {
    let start = at + name_len;
    let end = data[start..]
        .iter()
        .position(|&b| b == b'"')
        .map_or(data.len(), |p| start + p);
    data.splice(start..end, value.bytes());
}

fn huge_ref(rng: &mut Rng) -> String {
    if rng.chance(60) {
        (*rng.pick(&HUGE_REFS)).to_owned()
    } else {
        let letters = 1 + rng.below(4);
        let col: String = (0..letters)
            .map(|_| char::from(b'A' + rng.below(26) as u8))
            .collect();
        let row = match rng.below(4) {
            0 => rng.below(100) as u64,
            1 => 1_048_576,
            2 => u64::from(u32::MAX) + rng.below(3) as u64,
            _ => rng.next() % 10_000_000,
        };
        format!("{col}{row}")
    }
}

/// Mutates one package entry (mostly XML); returns its description and
/// whether the entry may now be malformed.
fn xml_step(rng: &mut Rng, data: &mut Vec<u8>) -> (String, bool) {
    let ods = find(data, b"<office:").is_some() || find(data, b"<table:").is_some();
    match rng.below(100) {
        0..12 => {
            let value = huge_ref(rng);
            if let Some(at) = find(data, b"<dimension ref=\"") {
                set_attr_value(data, at, 16, &value);
            } else if let Some(at) = find(data, b"<sheetData") {
                let tag = format!("<dimension ref=\"{value}\"/>");
                data.splice(at..at, tag.bytes());
            }
            (format!("dimension={value}"), false)
        }
        12..24 => {
            let spots = find_all(data, b" r=\"", 10_000);
            let value = huge_ref(rng);
            if spots.is_empty() {
                return ods_repeat(rng, data);
            }
            let at = *rng.pick(&spots);
            set_attr_value(data, at, 4, &value);
            (format!("r={value}"), false)
        }
        24..30 => {
            let spots = find_all(data, b"<row r=\"", 10_000);
            if spots.is_empty() {
                return ods_repeat(rng, data);
            }
            let at = *rng.pick(&spots);
            let value = rng.pick(&["1048576", "1048577", "4294967295", "0", "-5", "99999999999"]);
            set_attr_value(data, at, 8, value);
            (format!("row-r={value}"), false)
        }
        30..44 if ods => ods_repeat(rng, data),
        30..44 => {
            let Some(at) = find(data, b"</sheetData>") else {
                return ods_repeat(rng, data);
            };
            let (row, cells) = if rng.chance(70) {
                let r = *rng.pick(&[20_000u32, 1_048_576, 65_536, 1_000_000]);
                let col = rng.pick(&["XFD", "AAA", "ZZ", "XFC"]);
                (
                    r,
                    format!("<c r=\"{col}{r}\" t=\"inlineStr\"><is><t>x</t></is></c>"),
                )
            } else {
                let r = 5000;
                let n = rng.size(16_384);
                let mut s = String::new();
                for c in 0..n {
                    let _ = write!(s, "<c r=\"{}{r}\"><v>{c}</v></c>", column_name(c));
                }
                (r, s)
            };
            let text = format!("<row r=\"{row}\">{cells}</row>");
            let desc = format!("far-cells:row{row}:{}B", text.len());
            data.splice(at..at, text.bytes());
            (desc, false)
        }
        44..52 => {
            let n = *rng.pick(&[1001usize, 32_768, 40_000, 300_000]);
            let needle: &[u8] = if ods { b"<text:p>" } else { b"<t>" };
            let spots = find_all(data, needle, 10_000);
            let long = "x".repeat(n);
            if spots.is_empty() {
                let spots = find_all(data, b"<v>", 10_000);
                if spots.is_empty() {
                    return (byte_step(rng, data), true);
                }
                let at = *rng.pick(&spots) + 3;
                data.splice(at..at, "9".repeat(n).into_bytes());
                return (format!("long-number×{n}"), false);
            }
            let at = *rng.pick(&spots) + needle.len();
            data.splice(at..at, long.into_bytes());
            (format!("long-text×{n}"), false)
        }
        52..60 => {
            let spots = find_all(data, b"<v>", 10_000);
            if spots.is_empty() {
                if let Some(at) = find(data, b"office:value=\"") {
                    data.splice(at..at, b"table:formula=\"of:=1+1\" ".iter().copied());
                    return ("ods-formula".to_owned(), false);
                }
                return (byte_step(rng, data), true);
            }
            let at = *rng.pick(&spots);
            let end = find(&data[at..], b"</v>").map_or(at + 3, |p| at + p + 4);
            data.splice(at..end, b"<f>SUM(A1:A2)</f>".iter().copied());
            ("formula-without-value".to_owned(), false)
        }
        60..66 => {
            let spots = find_all(data, b"ount=\"", 100);
            if spots.is_empty() {
                return (byte_step(rng, data), true);
            }
            let at = *rng.pick(&spots);
            let value = rng.pick(&["4294967295", "2147483648", "99999999999999", "-1"]);
            set_attr_value(data, at, 6, value);
            (format!("count={value}"), false)
        }
        66..71 => {
            let spots = find_all(data, b">", 100_000);
            if spots.is_empty() {
                return (byte_step(rng, data), true);
            }
            let at = *rng.pick(&spots) + 1;
            let entity = rng.pick(&["&#0;", "&#xFFFFFF;", "&nope;", "&#x110000;", "&amp", "]]>"]);
            data.splice(at..at, entity.bytes());
            (format!("entity:{entity}"), true)
        }
        71..74 => {
            let depth = rng.size(100_000);
            let spots = find_all(data, b">", 100_000);
            let at = spots.get(rng.below(spots.len())).map_or(0, |p| p + 1);
            data.splice(at..at, "<x>".repeat(depth).into_bytes());
            (format!("nesting×{depth}"), true)
        }
        74..79 => {
            let spots = find_all(data, b"<sheet ", 100);
            if spots.is_empty() {
                let spots = find_all(data, b"Target=\"", 100);
                if spots.is_empty() {
                    return (byte_step(rng, data), true);
                }
                let at = *rng.pick(&spots);
                let value = rng.pick(&[
                    "",
                    "/",
                    "worksheets/sheet99.xml",
                    "../../../../x",
                    "/xl/workbook.xml",
                    "sharedStrings.xml",
                ]);
                set_attr_value(data, at, 8, value);
                return (format!("target={value}"), false);
            }
            let at = *rng.pick(&spots) + 7;
            let state = rng.pick(&["state=\"hidden\" ", "state=\"veryHidden\" ", "state=\"x\" "]);
            data.splice(at..at, state.bytes());
            (format!("sheet-{state}"), false)
        }
        _ => (format!("xml-{}", byte_step(rng, data)), true),
    }
}

/// Sets a huge (or broken) ods repeat count on a cell, a row or a column,
/// or adds a repeated cell that carries a value.
fn ods_repeat(rng: &mut Rng, data: &mut Vec<u8>) -> (String, bool) {
    let value = *rng.pick(&REPEATS);
    let target: &[(&[u8], &str)] = &[
        (b"<table:table-cell", "table:number-columns-repeated"),
        (b"<table:table-row", "table:number-rows-repeated"),
        (b"<table:table-column", "table:number-columns-repeated"),
    ];
    if rng.chance(30)
        && let Some(at) = find(data, b"</table:table-row>")
    {
        let kind = rng.pick(&[
            "office:value-type=\"float\" office:value=\"1\"",
            "office:value-type=\"string\"",
        ]);
        let cell = format!(
            "<table:table-cell {kind} table:number-columns-repeated=\"{value}\"><text:p>1</text:p></table:table-cell>"
        );
        data.splice(at..at, cell.into_bytes());
        return (format!("ods-valued-cell-repeat={value}"), false);
    }
    let (tag, attr) = *rng.pick(target);
    let spots = find_all(data, tag, 10_000);
    if spots.is_empty() {
        return (format!("xml-{}", byte_step(rng, data)), true);
    }
    let at = *rng.pick(&spots);
    let tag_end = data[at..]
        .iter()
        .position(|&b| b == b'>')
        .map_or(data.len(), |p| at + p);
    let pattern = format!("{attr}=\"");
    if let Some(p) = find(&data[at..tag_end], pattern.as_bytes()) {
        set_attr_value(data, at + p, pattern.len(), value);
    } else {
        let insert = format!(" {attr}=\"{value}\"");
        let after_name = at + tag.len();
        data.splice(after_name..after_name, insert.into_bytes());
    }
    (
        format!(
            "ods-repeat:{}:{attr}={value}",
            String::from_utf8_lossy(&tag[1..])
        ),
        false,
    )
}

fn column_name(mut c: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8_lossy(&s).into_owned()
}

// ---------------------------------------------------------------- cfb

fn read_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at + 4)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn write_u32(bytes: &mut [u8], at: usize, v: u32) -> bool {
    match bytes.get_mut(at..at + 4) {
        Some(b) => {
            b.copy_from_slice(&v.to_le_bytes());
            true
        }
        None => false,
    }
}

fn write_u16(bytes: &mut [u8], at: usize, v: u16) -> bool {
    match bytes.get_mut(at..at + 2) {
        Some(b) => {
            b.copy_from_slice(&v.to_le_bytes());
            true
        }
        None => false,
    }
}

/// BIFF record types worth aiming at.
const BIFF: [u16; 26] = [
    0x0809, 0x000A, 0x0085, 0x00FC, 0x003C, 0x0200, 0x0208, 0x0203, 0x00FD, 0x027E, 0x00BD, 0x0204,
    0x0006, 0x0207, 0x0201, 0x00BE, 0x00E0, 0x041E, 0x0031, 0x0042, 0x002F, 0x00FF, 0x00D7, 0x020B,
    0x0205, 0x00E5,
];

fn cfb_step(rng: &mut Rng, bytes: &mut Vec<u8>) -> String {
    let shift = bytes.get(30).copied().unwrap_or(9);
    let sector = if shift == 12 { 4096 } else { 512 };
    let interesting = |rng: &mut Rng, sectors: usize| -> u32 {
        if rng.chance(35) {
            rng.below(sectors.max(1) * 2) as u32
        } else {
            *rng.pick(&U32S)
        }
    };
    let sectors = bytes.len() / sector;
    match rng.below(100) {
        0..20 => {
            let fields: [(usize, u8, &str); 13] = [
                (24, 2, "minor"),
                (26, 2, "major"),
                (28, 2, "byte-order"),
                (30, 2, "sector-shift"),
                (32, 2, "mini-shift"),
                (40, 4, "dir-sectors"),
                (44, 4, "fat-sectors"),
                (48, 4, "first-dir"),
                (56, 4, "mini-cutoff"),
                (60, 4, "first-minifat"),
                (64, 4, "minifat-sectors"),
                (68, 4, "first-difat"),
                (72, 4, "difat-sectors"),
            ];
            let (at, width, what) = *rng.pick(&fields);
            if width == 2 {
                let v = if what == "sector-shift" || what == "mini-shift" {
                    *rng.pick(&[0u16, 1, 6, 7, 8, 9, 12, 16, 31, 32, 63, 0xFFFF])
                } else {
                    *rng.pick(&U16S)
                };
                write_u16(bytes, at, v);
                format!("cfb:{what}={v:#x}")
            } else {
                let v = interesting(rng, sectors);
                write_u32(bytes, at, v);
                format!("cfb:{what}={v:#x}")
            }
        }
        20..32 => {
            let fat = read_u32(bytes, 44).unwrap_or(1).min(109) as usize;
            let k = rng.below(fat.max(1) + 1);
            let v = interesting(rng, sectors);
            write_u32(bytes, 76 + 4 * k, v);
            format!("cfb:difat[{k}]={v:#x}")
        }
        32..50 => {
            let dir = read_u32(bytes, 48).unwrap_or(0) as usize;
            let base = (dir + 1) * sector;
            let count = (sector / 128).max(1);
            let e = rng.below(count);
            let at = base + e * 128;
            let fields: [(usize, u8, &str); 8] = [
                (64, 2, "namelen"),
                (66, 1, "type"),
                (68, 4, "left"),
                (72, 4, "right"),
                (76, 4, "child"),
                (116, 4, "start"),
                (120, 4, "size"),
                (124, 4, "size-high"),
            ];
            let (offset, width, what) = *rng.pick(&fields);
            let v = interesting(rng, sectors);
            let ok = match width {
                1 => bytes.get_mut(at + offset).map(|b| *b = v as u8).is_some(),
                2 => write_u16(bytes, at + offset, v as u16),
                _ => write_u32(bytes, at + offset, v),
            };
            format!(
                "cfb:dir[{e}].{what}={v:#x}{}",
                if ok { "" } else { "(past end)" }
            )
        }
        50..62 => {
            let fat = read_u32(bytes, 76).unwrap_or(0) as usize;
            let base = (fat + 1) * sector;
            let k = rng.below(sector / 4);
            let v = if rng.chance(30) {
                k as u32
            } else {
                interesting(rng, sectors)
            };
            let ok = write_u32(bytes, base + 4 * k, v);
            format!("cfb:fat[{k}]={v:#x}{}", if ok { "" } else { "(past end)" })
        }
        62..84 => {
            let mut spots = Vec::new();
            let mut i = 512;
            while i + 4 <= bytes.len() && spots.len() < 50_000 {
                let typ = u16::from_le_bytes([bytes[i], bytes[i + 1]]);
                let len = usize::from(u16::from_le_bytes([bytes[i + 2], bytes[i + 3]]));
                if BIFF.contains(&typ) && len <= 8224 && i + 4 + len <= bytes.len() {
                    spots.push((i, len));
                }
                i += 1;
            }
            if spots.is_empty() {
                return byte_step(rng, bytes);
            }
            let (at, len) = *rng.pick(&spots);
            let typ = u16::from_le_bytes([bytes[at], bytes[at + 1]]);
            if rng.chance(35) || len < 2 {
                let v = *rng.pick(&U16S);
                write_u16(bytes, at + 2, v);
                format!("biff:{typ:#06x}@{at}.len={v:#x}")
            } else {
                let field = rng.below(len - 1);
                if rng.chance(50) && len >= 4 && field + 4 <= len {
                    let v = *rng.pick(&U32S);
                    write_u32(bytes, at + 4 + field, v);
                    format!("biff:{typ:#06x}@{at}+{field}={v:#x}")
                } else {
                    let v = *rng.pick(&U16S);
                    write_u16(bytes, at + 4 + field, v);
                    format!("biff:{typ:#06x}@{at}+{field}={v:#x}")
                }
            }
        }
        _ => {
            let at = if rng.chance(30) {
                4096.min(bytes.len())
            } else {
                rng.below(sectors + 1) * sector
            };
            bytes.truncate(at);
            format!("cfb:truncate@{at}")
        }
    }
}

// ---------------------------------------------------------------- csv

fn line_starts(bytes: &[u8]) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(
        bytes
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .map(|(i, _)| i + 1),
    );
    starts
}

fn csv_step(rng: &mut Rng, bytes: &mut Vec<u8>) -> String {
    let lines = line_starts(bytes);
    let line = *rng.pick(&lines);
    let line_end = bytes[line..]
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map_or(bytes.len(), |p| line + p);
    match rng.below(100) {
        0..22 => {
            let delim = *rng.pick(b";,\t");
            let n = if rng.chance(60) {
                *rng.pick(&[1000usize, 16_383, 16_384, 16_385, 65_535, 65_536, 70_000])
            } else {
                rng.size(200_000)
            };
            let at = if rng.chance(50) {
                lines.first().map_or(0, |_| first_line_end(bytes))
            } else {
                line_end
            };
            bytes.splice(at..at, std::iter::repeat_n(delim, n));
            format!("csv:delimiters×{n}@{at}")
        }
        22..36 => {
            let n = if rng.chance(3) {
                10_000_000 + rng.below(2_000_000)
            } else {
                rng.size(1 << 20)
            };
            let fill = *rng.pick(b";a\",9 ");
            let mut insert = vec![fill; n];
            insert.push(b'\n');
            bytes.splice(line..line, insert);
            format!("csv:long-line×{n}")
        }
        36..46 => {
            let row = bytes[line..line_end].to_vec();
            let n = rng.size(100_000).min(MAX_CASE_BYTES / (row.len() + 1));
            let mut insert = Vec::with_capacity((row.len() + 1) * n);
            for _ in 0..n {
                insert.extend_from_slice(&row);
                insert.push(b'\n');
            }
            bytes.splice(line..line, insert);
            format!("csv:repeat-row×{n}")
        }
        46..56 => {
            let n = rng.size(8);
            for _ in 0..n {
                let at = rng.below(bytes.len() + 1);
                let options: [&[u8]; 4] = [b"\"", b"\"\n\"", b"\"\"\"", b"\r"];
                let text = *rng.pick(&options);
                bytes.splice(at..at, text.iter().copied());
            }
            format!("csv:quotes×{n}")
        }
        56..68 => {
            let at = rng.below(bytes.len() + 1);
            let options: [&[u8]; 8] = [
                b"\xEF\xBB\xBF",
                b"\xFF\xFE",
                b"\xFE\xFF",
                b"\x00",
                b"\xC3",
                b"\x80\x80",
                b"\xF4\x90\x80\x80",
                b"\xE2\x80\x8B",
            ];
            let text = *rng.pick(&options);
            bytes.splice(at..at, text.iter().copied());
            format!("csv:bytes@{at}")
        }
        68..74 => {
            let text = String::from_utf8_lossy(bytes).into_owned();
            let mut out = vec![0xFF, 0xFE];
            out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
            *bytes = out;
            "csv:utf16".to_owned()
        }
        74..80 => {
            let options: [&[u8]; 4] = [b"\r", b"", b"\r\r\n", b"\n\n\n"];
            let to = *rng.pick(&options);
            replace_all(bytes, b"\n", to);
            format!("csv:newlines->{to:?}")
        }
        80..92 => {
            let value = rng.pick(&[
                "=HYPERLINK(\"http://x\")",
                "1e308",
                "-1e308",
                "NaN",
                "99999999999999999999",
                "1.234.567.890.123",
                "okt 2062",
                "9999-99",
                "0000-00",
                "2026M13",
                "-0",
                "\u{661}\u{662}",
                "1,000000000000000000001",
                "31-02-2024",
            ]);
            // Replace one field of the chosen line.
            let fields: Vec<usize> = (line..line_end)
                .filter(|&i| matches!(bytes[i], b';' | b',' | b'\t'))
                .collect();
            let start = fields
                .get(rng.below(fields.len() + 1))
                .map_or(line, |p| p + 1);
            let end = bytes[start..line_end]
                .iter()
                .position(|&b| matches!(b, b';' | b',' | b'\t'))
                .map_or(line_end, |p| start + p);
            bytes.splice(start..end, value.bytes());
            format!("csv:value={value}")
        }
        _ => {
            let n = *rng.pick(&[100usize, 16_384, 16_385, 70_000]);
            let name = rng.pick(&["pps_id;", "periode;", "x;", ";"]);
            let header = name.repeat(n);
            let end = first_line_end(bytes);
            bytes.splice(0..end, header.into_bytes());
            format!("csv:wide-header×{n}")
        }
    }
}

fn first_line_end(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .unwrap_or(bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn corpus() -> Corpus {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
        Corpus::load(&[root.join("input"), root.join("tests/fixtures/office")])
            .expect("the sample input is there")
    }

    #[test]
    fn a_case_is_named_by_seed_and_index() {
        let corpus = corpus();
        for index in [0, 1, 17, 874, 34_780] {
            let a = generate(&corpus, 1, index);
            let b = generate(&corpus, 1, index);
            assert_eq!(a.bytes, b.bytes);
            assert_eq!(a.describe(), b.describe());
        }
        assert_ne!(generate(&corpus, 1, 5).bytes, generate(&corpus, 2, 5).bytes);
    }

    #[test]
    fn cases_differ_from_their_seed_and_cover_every_kind() {
        let corpus = corpus();
        let mut changed = 0;
        let mut kinds = std::collections::BTreeSet::new();
        for index in 0..200 {
            let case = generate(&corpus, 7, index);
            let seed = corpus.seeds.iter().find(|s| s.path == case.seed).unwrap();
            kinds.insert(seed.kind.name());
            if case.bytes != seed.bytes {
                changed += 1;
            }
            assert!(case.bytes.len() <= MAX_CASE_BYTES);
        }
        assert!(changed >= 190, "only {changed} of 200 cases were mutated");
        assert_eq!(kinds.len(), 4, "{kinds:?}");
    }

    #[test]
    fn structured_zip_steps_leave_a_readable_package() {
        let corpus = corpus();
        let seed = corpus
            .seeds
            .iter()
            .find(|s| s.kind == Kind::Xlsx && unzip(&s.bytes).is_some())
            .unwrap();
        let mut readable = 0;
        for index in 0..100 {
            let mut rng = Rng::for_case(3, index);
            let mut bytes = seed.bytes.clone();
            if let Some((step, false)) = zip_step(&mut rng, &mut bytes) {
                assert!(unzip(&bytes).is_some(), "{step} broke the zip");
                readable += 1;
            }
        }
        assert!(readable > 50, "{readable}");
    }

    #[test]
    fn a_huge_unique_count_is_among_the_mutations() {
        let mut data =
            br#"<sst xmlns="x" count="3" uniqueCount="3"><si><t>a</t></si></sst>"#.to_vec();
        let mut rng = Rng::for_case(1, 0);
        let at = find(&data, b"uniqueCount=\"").unwrap();
        set_attr_value(&mut data, at, 13, "4294967295");
        assert!(find(&data, b"uniqueCount=\"4294967295\"").is_some());
        assert!(rng.below(10) < 10);
    }
}
