//! The CBS region reference (`config/regions.csv`): municipality →
//! arbeidsmarktregio, provincie, COROP, landsdeel, plus the configured
//! region groups.
//!
//! Takes the reference CSV; returns a lookup by normalised `GM` code.
//! Refuses a reference without the expected columns or with a malformed or
//! repeated municipality code (a fatal error: every region figure would be
//! wrong).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::error::Error;

/// The regions one municipality belongs to.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Municipality {
    pub code: String,
    pub naam: String,
    pub arbeidsmarktregio: (String, String),
    pub provincie: (String, String),
    pub corop: (String, String),
    pub landsdeel: (String, String),
}

/// A named group of municipalities that is not a CBS region (e.g. a
/// metropolitan region), exported as level `regiogroep`.
#[derive(Clone, PartialEq, Eq, Debug, serde::Serialize)]
pub struct RegionGroup {
    pub code: String,
    pub naam: String,
    /// Normalised `GM` codes.
    pub gemeenten: BTreeSet<String>,
}

/// The region reference, keyed by normalised `GM` code.
#[derive(Clone, Default, Debug)]
pub struct Regions {
    pub municipalities: BTreeMap<String, Municipality>,
}

const BUILT_IN: &str = include_str!("../config/regions.csv");

const COLUMNS: [&str; 10] = [
    "gemeente_code",
    "gemeente_naam",
    "arbeidsmarktregio_code",
    "arbeidsmarktregio_naam",
    "provincie_code",
    "provincie_naam",
    "corop_code",
    "corop_naam",
    "landsdeel_code",
    "landsdeel_naam",
];

impl Regions {
    /// Reads the reference CSV at `path`.
    pub fn read(path: &Path) -> Result<Regions, Error> {
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            action: "read the region reference",
            source,
        })?;
        let text = String::from_utf8_lossy(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes))
            .into_owned();
        Regions::parse(&text).map_err(|message| Error::Regions {
            path: path.to_path_buf(),
            message,
        })
    }

    /// Parses the reference from its CSV text.
    pub fn parse(text: &str) -> Result<Regions, String> {
        let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| format!("cannot read the header row: {e}"))?
            .clone();
        let mut index = [0usize; 10];
        for (slot, name) in index.iter_mut().zip(COLUMNS) {
            *slot = headers
                .iter()
                .position(|h| h.trim() == name)
                .ok_or_else(|| format!("column `{name}` is missing"))?;
        }
        let mut municipalities = BTreeMap::new();
        for (i, record) in reader.records().enumerate() {
            let line = i + 2;
            let record = record.map_err(|e| format!("line {line}: {e}"))?;
            let field = |k: usize| record.get(index[k]).unwrap_or("").trim().to_owned();
            let code = normalise_gemeente_code(&field(0))
                .ok_or_else(|| format!("line {line}: `{}` is not a municipality code", field(0)))?;
            let m = Municipality {
                code: code.clone(),
                naam: field(1),
                arbeidsmarktregio: (field(2), field(3)),
                provincie: (field(4), field(5)),
                corop: (field(6), field(7)),
                landsdeel: (field(8), field(9)),
            };
            if [&m.arbeidsmarktregio, &m.provincie, &m.landsdeel]
                .iter()
                .any(|(c, n)| c.is_empty() || n.is_empty())
            {
                return Err(format!("line {line}: a region code or name is empty"));
            }
            if municipalities.insert(code.clone(), m).is_some() {
                return Err(format!("line {line}: municipality {code} appears twice"));
            }
        }
        if municipalities.is_empty() {
            return Err("the reference lists no municipalities".to_owned());
        }
        Ok(Regions { municipalities })
    }

    /// The CBS 2025 reference compiled into the binary (the file shipped
    /// as `config/regions.csv`).
    pub fn built_in() -> Regions {
        Regions::parse(BUILT_IN).expect("the built-in region reference is valid (tested)")
    }

    pub fn get(&self, code: &str) -> Option<&Municipality> {
        self.municipalities.get(code)
    }
}

/// `GM0363`, `gm0363`, `0363`, `363`, `363.0` → `GM0363`; anything else
/// (letters, five digits, empty) → `None`.
pub fn normalise_gemeente_code(text: &str) -> Option<String> {
    let t = text.trim();
    let digits = match t.get(..2) {
        Some(p) if p.eq_ignore_ascii_case("gm") => t[2..].trim_start(),
        _ => t.strip_suffix(".0").unwrap_or(t),
    };
    if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u32 = digits.parse().ok()?;
    Some(format!("GM{n:04}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gemeente_codes() {
        for (input, want) in [
            ("GM0363", Some("GM0363")),
            ("gm0363", Some("GM0363")),
            ("0363", Some("GM0363")),
            ("363", Some("GM0363")),
            (" 363 ", Some("GM0363")),
            ("363.0", Some("GM0363")),
            ("GM 363", Some("GM0363")),
            ("GM12345", None),
            ("abc", None),
            ("", None),
            ("GM", None),
            ("-363", None),
        ] {
            assert_eq!(normalise_gemeente_code(input).as_deref(), want, "{input:?}");
        }
    }

    #[test]
    fn shipped_reference_is_complete() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/regions.csv");
        let regions = Regions::read(&path).unwrap();
        assert_eq!(regions.municipalities.len(), 342);
        let amsterdam = regions.get("GM0363").unwrap();
        assert_eq!(amsterdam.provincie.0, "PV27");
        assert!(amsterdam.landsdeel.0.starts_with("LD"));
        assert!(amsterdam.arbeidsmarktregio.0.starts_with("AM"));
    }

    #[test]
    fn built_in_reference_equals_the_shipped_file() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/regions.csv");
        assert_eq!(
            Regions::built_in().municipalities,
            Regions::read(&path).unwrap().municipalities
        );
    }

    #[test]
    fn refuses_a_broken_reference() {
        assert!(Regions::parse("gemeente_code,gemeente_naam\nGM0001,X\n").is_err());
        let header = COLUMNS.join(",");
        let row = "GM0014,Groningen,AM01,Groningen,PV20,Groningen,CR03,Overig,LD01,Noord";
        assert!(Regions::parse(&format!("{header}\n{row}\n{row}\n")).is_err());
        assert!(Regions::parse(&format!("{header}\n{row}\n")).is_ok());
    }
}
