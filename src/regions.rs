//! The CBS region reference (`config/regions.csv`): municipality →
//! arbeidsmarktregio, provincie, COROP, landsdeel, plus the configured
//! region groups.
//!
//! Takes the reference CSV; returns a lookup by normalised `GM` code.
//! Refuses a reference without the expected columns or with a malformed or
//! repeated municipality code (a fatal error: every region figure would be
//! wrong).
//!
//! Also the municipal code changes (`config/gemeente_wijzigingen.csv`,
//! contract section 4): dated lines `oude_code,nieuwe_code,datum,toelichting`.
//! [`Regions::resolve`] follows them from a code that is no longer in the
//! reference to the code(s) that replaced it: one successor is a merger
//! (the row is mapped forward, with a warning), several are a split (the
//! row is `unknown_gemeente`, with the codes to choose from). A change file
//! is checked against the reference when it is read: a loop, a chain that
//! does not end in the reference, or an old code that is still in the
//! reference is a fatal configuration error naming the line.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use chrono::{Datelike, NaiveDate};

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
    /// Code changes that lead to codes in `municipalities` (empty unless
    /// set with [`Regions::with_changes`]).
    changes: CodeChanges,
}

const BUILT_IN: &str = include_str!("../config/regions.csv");
const BUILT_IN_CHANGES: &str = include_str!("../config/gemeente_wijzigingen.csv");

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
        Ok(Regions {
            municipalities,
            changes: CodeChanges::default(),
        })
    }

    /// The CBS 2025 reference compiled into the binary (the file shipped
    /// as `config/regions.csv`).
    pub fn built_in() -> Regions {
        Regions::parse(BUILT_IN).expect("the built-in region reference is valid (tested)")
    }

    pub fn get(&self, code: &str) -> Option<&Municipality> {
        self.municipalities.get(code)
    }

    /// The reference with these code changes (read against it).
    #[must_use]
    pub fn with_changes(mut self, changes: CodeChanges) -> Regions {
        self.changes = changes;
        self
    }

    pub fn changes(&self) -> &CodeChanges {
        &self.changes
    }

    /// What `code` (normalised) means: in the reference, merged into one
    /// code of the reference (possibly over several changes), split over
    /// several, or unknown.
    pub fn resolve(&self, code: &str) -> Resolution<'_> {
        if self.municipalities.contains_key(code) {
            return Resolution::Known;
        }
        if !self.changes.by_old.contains_key(code) {
            return Resolution::Unknown;
        }
        let mut chains = self.changes.chains(code);
        if chains
            .iter()
            .any(|c| !self.municipalities.contains_key(&c.to))
        {
            // Cannot happen for changes read against this reference.
            return Resolution::Unknown;
        }
        match chains.len() {
            0 => Resolution::Unknown,
            1 => Resolution::Renamed(chains.remove(0)),
            _ => Resolution::Split {
                from: code.to_owned(),
                successors: chains,
            },
        }
    }

    /// The code a valid register code stands for now: itself, or its one
    /// successor; `None` for a split or unknown code.
    pub fn current_code<'a>(&'a self, code: &'a str) -> Option<&'a str> {
        match self.resolve(code) {
            Resolution::Known => Some(code),
            Resolution::Renamed(chain) => self.get(&chain.to).map(|m| m.code.as_str()),
            Resolution::Split { .. } | Resolution::Unknown => None,
        }
    }

    /// `GM0363 (Amsterdam)`, or just the code when it is not in the reference.
    fn label(&self, code: &str) -> String {
        match self.get(code) {
            Some(m) => format!("{code} ({})", m.naam),
            None => code.to_owned(),
        }
    }

    /// The warning for a register row whose code was merged away (Dutch;
    /// names the old and the new code).
    pub fn renamed_message(&self, chain: &Chain<'_>) -> String {
        format!(
            "Gemeentecode {} bestaat niet meer: {}. De PPS telt mee bij {}; gebruik voortaan {} in het register.",
            chain.from,
            chain.steps(),
            self.label(&chain.to),
            chain.to
        )
    }

    /// The `unknown_gemeente` message for a code that was split (Dutch;
    /// lists the successors to choose from, each with its explanation).
    pub fn split_message(&self, from: &str, successors: &[Chain<'_>]) -> String {
        let dates: BTreeSet<NaiveDate> = successors
            .iter()
            .filter_map(|c| c.via.first().map(|first| first.datum))
            .collect();
        let when = match (dates.len(), dates.first()) {
            (1, Some(d)) => format!(" per {}", dutch_date(*d)),
            _ => String::new(),
        };
        let choices: Vec<String> = successors
            .iter()
            .map(|c| format!("{}: {}", self.label(&c.to), c.explanation()))
            .collect();
        format!(
            "Gemeentecode {from} bestaat niet meer: de gemeente is{when} opgesplitst. Kies de code van de gemeente waarin de PPS nu ligt: {}.",
            choices.join("; ")
        )
    }
}

/// One line of the code-change file: `oude_code` went (wholly or in part)
/// to `nieuwe_code` on `datum`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct CodeChange {
    pub oude_code: String,
    pub nieuwe_code: String,
    pub datum: NaiveDate,
    pub toelichting: String,
    /// Line in the file (the header is line 1).
    pub line: u64,
}

/// Municipal code changes, checked against a region reference: no loops,
/// every chain ends in the reference, no old code is in it. Only
/// [`CodeChanges::parse`] builds a non-empty one, so these hold.
#[derive(Clone, Default, Debug)]
pub struct CodeChanges {
    /// By old code; the changes of one old code in file order.
    by_old: BTreeMap<String, Vec<CodeChange>>,
}

/// A path of changes from an old code to a code of the reference.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Chain<'a> {
    pub from: String,
    pub to: String,
    /// The changes in order, `from` first; never empty.
    pub via: Vec<&'a CodeChange>,
}

impl Chain<'_> {
    /// `per 24 maart 2022 GM0457 → GM0363 (Weesp opgegaan in Amsterdam)`,
    /// steps joined with `, daarna`.
    fn steps(&self) -> String {
        let steps: Vec<String> = self
            .via
            .iter()
            .map(|c| {
                let step = format!(
                    "per {} {} → {}",
                    dutch_date(c.datum),
                    c.oude_code,
                    c.nieuwe_code
                );
                if c.toelichting.is_empty() {
                    step
                } else {
                    format!("{step} ({})", c.toelichting)
                }
            })
            .collect();
        steps.join(", daarna ")
    }

    /// The explanations of the steps (`toelichting`), or the steps
    /// themselves when the file gives none.
    fn explanation(&self) -> String {
        let texts: Vec<&str> = self
            .via
            .iter()
            .map(|c| c.toelichting.as_str())
            .filter(|t| !t.is_empty())
            .collect();
        if texts.is_empty() {
            self.steps()
        } else {
            texts.join(", daarna ")
        }
    }
}

/// What a municipality code means against the reference and its changes.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Resolution<'a> {
    /// In the reference.
    Known,
    /// Merged away: one successor in the reference.
    Renamed(Chain<'a>),
    /// Split: several successors in the reference (sorted by code).
    Split {
        from: String,
        successors: Vec<Chain<'a>>,
    },
    /// Neither in the reference nor an old code.
    Unknown,
}

const CHANGE_COLUMNS: [&str; 4] = ["oude_code", "nieuwe_code", "datum", "toelichting"];

/// At most this many steps are taken from one code (a guard against a
/// file that branches and merges a lot: real files take one or a handful).
const MAX_STEPS: usize = 100_000;

impl CodeChanges {
    /// Reads the change file at `path`, checked against `regions`. A file
    /// that cannot be read or breaks a rule is a fatal configuration error.
    pub fn read(path: &Path, regions: &Regions) -> Result<CodeChanges, Error> {
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            action: "read the municipal code changes",
            source,
        })?;
        let text = String::from_utf8_lossy(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes))
            .into_owned();
        CodeChanges::parse(&text, regions).map_err(|message| Error::Config {
            path: path.to_path_buf(),
            message,
        })
    }

    /// The CBS changes 2019–2025 compiled into the binary (the file shipped
    /// as `config/gemeente_wijzigingen.csv`), checked against `regions`.
    pub fn built_in(regions: &Regions) -> Result<CodeChanges, String> {
        CodeChanges::parse(BUILT_IN_CHANGES, regions)
    }

    /// Parses the change file from its CSV text (lines starting with `#`
    /// are comments; `;` as delimiter too, as Dutch Excel saves it) and
    /// checks it against `regions`.
    pub fn parse(text: &str, regions: &Regions) -> Result<CodeChanges, String> {
        let header = text
            .lines()
            .find(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .unwrap_or_default();
        let delimiter = if header.contains(';') && !header.contains(',') {
            b';'
        } else {
            b','
        };
        let mut reader = csv::ReaderBuilder::new()
            .comment(Some(b'#'))
            .delimiter(delimiter)
            .from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| format!("cannot read the header row: {e}"))?
            .clone();
        let mut index = [0usize; 4];
        for (slot, name) in index.iter_mut().zip(CHANGE_COLUMNS) {
            *slot = headers
                .iter()
                .position(|h| h.trim() == name)
                .ok_or_else(|| {
                    format!(
                        "column `{name}` is missing (the header must be {})",
                        CHANGE_COLUMNS.join(",")
                    )
                })?;
        }
        let mut by_old: BTreeMap<String, Vec<CodeChange>> = BTreeMap::new();
        for record in reader.records() {
            let record = record.map_err(|e| format!("{e}"))?;
            let line = record.position().map_or(0, csv::Position::line);
            let field = |k: usize| record.get(index[k]).unwrap_or("").trim().to_owned();
            let code = |k: usize| {
                let raw = field(k);
                normalise_gemeente_code(&raw).ok_or_else(|| {
                    format!(
                        "line {line}: {} `{raw}` is not a municipality code (GM and 4 digits)",
                        CHANGE_COLUMNS[k]
                    )
                })
            };
            let (oude_code, nieuwe_code) = (code(0)?, code(1)?);
            let datum = NaiveDate::parse_from_str(&field(2), "%Y-%m-%d").map_err(|_| {
                format!("line {line}: datum `{}` is not a date YYYY-MM-DD", field(2))
            })?;
            if oude_code == nieuwe_code {
                return Err(format!(
                    "line {line}: {oude_code} changes into itself (a loop)"
                ));
            }
            if let Some(m) = regions.get(&oude_code) {
                return Err(format!(
                    "line {line}: {oude_code} ({}) is in the region reference, so it was not merged away; remove the line or use the region reference of the file's year",
                    m.naam
                ));
            }
            let changes = by_old.entry(oude_code.clone()).or_default();
            if changes.iter().any(|c| c.nieuwe_code == nieuwe_code) {
                return Err(format!(
                    "line {line}: {oude_code} → {nieuwe_code} is listed twice"
                ));
            }
            changes.push(CodeChange {
                oude_code,
                nieuwe_code,
                datum,
                toelichting: field(3),
                line,
            });
        }
        let changes = CodeChanges { by_old };
        changes.check(regions)?;
        Ok(changes)
    }

    /// No loops, and every chain ends in the reference: a depth-first walk
    /// over the codes (iterative, so a long chain cannot exhaust the stack).
    fn check(&self, regions: &Regions) -> Result<(), String> {
        #[derive(PartialEq)]
        enum Mark {
            Open,
            Done,
        }
        let mut marks: HashMap<&str, Mark> = HashMap::new();
        for start in self.by_old.keys() {
            if marks.contains_key(start.as_str()) {
                continue;
            }
            marks.insert(start, Mark::Open);
            // (code, index of the next change of that code to follow)
            let mut stack: Vec<(&str, usize)> = vec![(start, 0)];
            while let Some(top) = stack.last_mut() {
                let (code, next) = (top.0, top.1);
                let Some(change) = self.by_old.get(code).and_then(|c| c.get(next)) else {
                    marks.insert(code, Mark::Done);
                    stack.pop();
                    continue;
                };
                top.1 += 1;
                let to = change.nieuwe_code.as_str();
                match marks.get(to) {
                    Some(Mark::Done) => {}
                    Some(Mark::Open) => {
                        let from = stack.iter().position(|(c, _)| *c == to).unwrap_or(0);
                        let mut path: Vec<&str> = stack[from..].iter().map(|(c, _)| *c).collect();
                        path.push(to);
                        return Err(format!(
                            "line {}: the code changes loop: {}",
                            change.line,
                            path.join(" → ")
                        ));
                    }
                    None if self.by_old.contains_key(to) => {
                        marks.insert(to, Mark::Open);
                        stack.push((to, 0));
                    }
                    None => {
                        if regions.get(to).is_none() {
                            return Err(format!(
                                "line {}: {} → {to}, but {to} is not in the region reference and not changed further in this file; add the change that followed, or use the region reference that fits this file",
                                change.line, change.oude_code
                            ));
                        }
                        marks.insert(to, Mark::Done);
                    }
                }
            }
        }
        Ok(())
    }

    /// Every path from `code` to a code that is not changed further, one
    /// per end code (the first found), sorted by end code.
    fn chains(&self, code: &str) -> Vec<Chain<'_>> {
        let mut ends: BTreeMap<&str, Vec<&CodeChange>> = BTreeMap::new();
        let mut paths: Vec<Vec<&CodeChange>> = self
            .by_old
            .get(code)
            .map(|cs| cs.iter().rev().map(|c| vec![c]).collect())
            .unwrap_or_default();
        let mut followed = 0;
        while let Some(path) = paths.pop() {
            followed += 1;
            // A checked file has no loops; the guards only bound the work.
            if followed > MAX_STEPS || path.len() > self.len() {
                break;
            }
            let Some(last) = path.last() else { continue };
            match self.by_old.get(&last.nieuwe_code) {
                Some(next) => {
                    for c in next.iter().rev() {
                        let mut longer = path.clone();
                        longer.push(c);
                        paths.push(longer);
                    }
                }
                None => {
                    ends.entry(&last.nieuwe_code).or_insert(path);
                }
            }
        }
        ends.into_iter()
            .map(|(to, via)| Chain {
                from: code.to_owned(),
                to: to.to_owned(),
                via,
            })
            .collect()
    }

    /// Number of lines.
    pub fn len(&self) -> usize {
        self.by_old.values().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.by_old.is_empty()
    }

    /// Every line, by old code, then in file order.
    pub fn iter(&self) -> impl Iterator<Item = &CodeChange> {
        self.by_old.values().flatten()
    }
}

/// `24 maart 2022`.
fn dutch_date(d: NaiveDate) -> String {
    let month = crate::model::DUTCH_MONTHS
        .get(d.month0() as usize)
        .copied()
        .unwrap_or_default();
    format!("{} {month} {}", d.day(), d.year())
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

    /// A small reference: Amsterdam, Groningen, Boxtel, Vught.
    fn small() -> Regions {
        let header = COLUMNS.join(",");
        let rows = [
            "GM0363,Amsterdam,AM18,Groot Amsterdam,PV27,Noord-Holland,CR23,Groot-Amsterdam,LD03,West-Nederland",
            "GM0014,Groningen,AM01,Groningen,PV20,Groningen,CR02,Delfzijl,LD01,Noord-Nederland",
            "GM0757,Boxtel,AM28,Noordoost-Brabant,PV30,Noord-Brabant,CR35,Noordoost,LD04,Zuid-Nederland",
            "GM0865,Vught,AM28,Noordoost-Brabant,PV30,Noord-Brabant,CR35,Noordoost,LD04,Zuid-Nederland",
        ];
        Regions::parse(&format!("{header}\n{}\n", rows.join("\n"))).unwrap()
    }

    const CHANGES_HEADER: &str = "oude_code,nieuwe_code,datum,toelichting\n";

    fn changes(lines: &str) -> Result<Regions, String> {
        let regions = small();
        let changes = CodeChanges::parse(&format!("{CHANGES_HEADER}{lines}"), &regions)?;
        Ok(regions.with_changes(changes))
    }

    #[test]
    fn a_known_code_and_an_unknown_one() {
        let regions = changes("GM0457,GM0363,2022-03-24,Weesp opgegaan in Amsterdam\n").unwrap();
        assert_eq!(regions.resolve("GM0363"), Resolution::Known);
        assert_eq!(regions.resolve("GM9999"), Resolution::Unknown);
        assert_eq!(regions.current_code("GM0363"), Some("GM0363"));
        assert_eq!(regions.current_code("GM9999"), None);
    }

    #[test]
    fn a_merged_away_code_maps_forward_with_both_codes_named() {
        let regions = changes("GM0457,GM0363,2022-03-24,Weesp opgegaan in Amsterdam\n").unwrap();
        let Resolution::Renamed(chain) = regions.resolve("GM0457") else {
            panic!("{:?}", regions.resolve("GM0457"));
        };
        assert_eq!(
            (chain.from.as_str(), chain.to.as_str()),
            ("GM0457", "GM0363")
        );
        assert_eq!(chain.via.len(), 1);
        assert_eq!(regions.current_code("GM0457"), Some("GM0363"));
        let message = regions.renamed_message(&chain);
        for part in [
            "GM0457",
            "GM0363 (Amsterdam)",
            "24 maart 2022",
            "Weesp opgegaan",
        ] {
            assert!(message.contains(part), "{part}: {message}");
        }
    }

    #[test]
    fn a_chain_of_changes_ends_in_the_reference() {
        // Order in the file does not matter.
        let regions = changes(
            "GM0002,GM0363,2023-01-01,B opgegaan in Amsterdam\nGM0001,GM0002,2019-01-01,A opgegaan in B\n",
        )
        .unwrap();
        let Resolution::Renamed(chain) = regions.resolve("GM0001") else {
            panic!("{:?}", regions.resolve("GM0001"));
        };
        assert_eq!(chain.to, "GM0363");
        let steps: Vec<_> = chain.via.iter().map(|c| c.nieuwe_code.as_str()).collect();
        assert_eq!(steps, ["GM0002", "GM0363"]);
        let message = regions.renamed_message(&chain);
        assert!(message.contains("GM0001 → GM0002"), "{message}");
        assert!(
            message.contains("daarna per 1 januari 2023 GM0002 → GM0363"),
            "{message}"
        );
    }

    #[test]
    fn a_split_code_lists_its_successors() {
        let regions = changes(
            "GM0788,GM0865,2021-01-01,Helvoirt naar Vught\nGM0788,GM0757,2021-01-01,Esch naar Boxtel\n",
        )
        .unwrap();
        let Resolution::Split { from, successors } = regions.resolve("GM0788") else {
            panic!("{:?}", regions.resolve("GM0788"));
        };
        let codes: Vec<_> = successors.iter().map(|c| c.to.as_str()).collect();
        assert_eq!(codes, ["GM0757", "GM0865"]);
        assert_eq!(regions.current_code("GM0788"), None);
        let message = regions.split_message(&from, &successors);
        for part in [
            "GM0788",
            "GM0757 (Boxtel",
            "GM0865 (Vught",
            "Esch naar Boxtel",
        ] {
            assert!(message.contains(part), "{part}: {message}");
        }
    }

    #[test]
    fn a_merger_after_a_split_is_still_a_split_and_converging_paths_are_one() {
        // A split over two codes that later merge again is one successor.
        let regions = changes(
            "GM0001,GM0002,2019-01-01,\nGM0001,GM0003,2019-01-01,\nGM0002,GM0014,2021-01-01,\nGM0003,GM0014,2021-01-01,\n",
        )
        .unwrap();
        let Resolution::Renamed(chain) = regions.resolve("GM0001") else {
            panic!("{:?}", regions.resolve("GM0001"));
        };
        assert_eq!(chain.to, "GM0014");
        // A merger into a code that is split later is a split.
        let regions = changes(
            "GM0001,GM0002,2019-01-01,\nGM0002,GM0757,2021-01-01,\nGM0002,GM0865,2021-01-01,\n",
        )
        .unwrap();
        assert!(matches!(
            regions.resolve("GM0001"),
            Resolution::Split { .. }
        ));
    }

    #[test]
    fn loops_are_refused_with_their_line() {
        for (lines, line) in [
            ("GM0001,GM0001,2019-01-01,\n", "line 2"),
            (
                "GM0001,GM0002,2019-01-01,\nGM0002,GM0001,2020-01-01,\n",
                "line 3",
            ),
            (
                "GM0001,GM0363,2019-01-01,\nGM0002,GM0003,2019-01-01,\nGM0003,GM0004,2019-01-01,\nGM0004,GM0002,2019-01-01,\n",
                "line 5",
            ),
        ] {
            let err = changes(lines).unwrap_err();
            assert!(err.contains("loop"), "{lines}: {err}");
            assert!(err.starts_with(line), "{lines}: {err}");
        }
    }

    #[test]
    fn a_long_chain_is_checked_without_recursion() {
        let mut lines: Vec<String> = (1..5000)
            .map(|i| format!("GM{:04},GM{:04},2019-01-01,", i + 1000, i + 1001))
            .collect();
        lines.push("GM6000,GM0363,2019-01-01,\n".to_owned());
        let lines = lines.join("\n");
        let regions = changes(&lines).unwrap();
        let Resolution::Renamed(chain) = regions.resolve("GM1001") else {
            panic!("not renamed");
        };
        assert_eq!(chain.via.len(), 5000);
    }

    #[test]
    fn broken_change_files_are_refused_with_their_line() {
        for (lines, want) in [
            (
                "GM0457,GM0999,2022-03-24,\n",
                "line 2: GM0457 → GM0999, but GM0999 is not in the region reference",
            ),
            (
                "GM0363,GM0014,2022-03-24,\n",
                "line 2: GM0363 (Amsterdam) is in the region reference",
            ),
            (
                "GM0457,Amsterdam,2022-03-24,\n",
                "line 2: nieuwe_code `Amsterdam`",
            ),
            ("GM0457,GM0363,24-03-2022,\n", "line 2: datum `24-03-2022`"),
            (
                "# bron: CBS\nGM0457,GM0363,2022-03-24,\nGM0457,GM0363,2022-03-24,\n",
                "line 4: GM0457 → GM0363 is listed twice",
            ),
        ] {
            let err = changes(lines).unwrap_err();
            assert!(err.starts_with(want), "{lines}: {err}");
        }
        let err = CodeChanges::parse("oud,nieuw,datum\n", &small()).unwrap_err();
        assert!(err.contains("oude_code"), "{err}");
        // Dutch Excel's CSV: semicolons.
        let regions = small();
        let text = "oude_code;nieuwe_code;datum;toelichting\nGM0457;GM0363;2022-03-24;Weesp, opgegaan in Amsterdam\n";
        let changes = CodeChanges::parse(text, &regions).unwrap();
        assert_eq!(
            changes.iter().next().map(|c| c.toelichting.as_str()),
            Some("Weesp, opgegaan in Amsterdam")
        );
    }

    #[test]
    fn shipped_changes_fit_the_shipped_reference() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let regions = Regions::read(&root.join("config/regions.csv")).unwrap();
        let changes =
            CodeChanges::read(&root.join("config/gemeente_wijzigingen.csv"), &regions).unwrap();
        assert_eq!(changes.len(), 56);
        let built_in = CodeChanges::built_in(&regions).unwrap();
        assert_eq!(
            built_in.iter().collect::<Vec<_>>(),
            changes.iter().collect::<Vec<_>>()
        );
        let regions = regions.with_changes(changes);
        assert!(matches!(regions.resolve("GM0457"), Resolution::Renamed(_)));
        assert!(matches!(
            regions.resolve("GM0788"),
            Resolution::Split { .. }
        ));
        assert!(matches!(
            regions.resolve("GM0053"),
            Resolution::Split { .. }
        ));
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
