//! The input tables as data: one declaration per table (contract section 2).
//!
//! Each input table is a [`TableSpec`]: its columns in contract order, each
//! one [`ColumnSpec`] that holds everything the code knows about that column
//! (Dutch name, English aliases, whether the header must be there, what an
//! empty cell means, the kind of value, whether its header announces the
//! table, a label, help text and an example). Ingest (header matching and
//! parsing), validation (`missing_column`, `missing_value`, `bad_value`,
//! the empty-count warning), the submission template, the aggregation's
//! measure columns and the sample generator all read these declarations;
//! no other place names an input column by its position, except
//! small-count protection (`aggregate/protect/`), which still numbers the
//! measures and count indicators itself. Rows are keyed by
//! the column enums [`RegisterColumn`], [`TargetColumn`] and
//! [`CountColumn`]; the numbers of a count row by [`Measure`].
//!
//! "Required" is two properties here, as the contract uses it in two ways:
//! [`Presence`] says whether a sheet without the column is rejected
//! (`missing_column`), [`Empty`] what an empty cell in it means.
//!
//! Adding a count column is one entry in the `Measure` declaration below
//! plus its indicator; the README's "Adding a column" lists what the
//! compiler and the tests point at, and what they do not.
//!
//! Nothing here does I/O; these are constants.

use crate::model::{Indicator, Table};
use Aggregation::{Flow, Stock};

/// What a column holds: decides how ingest parses a cell and which
/// `bad_value` message names it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    /// A partnership's code: trimmed text without invisible characters.
    PpsId,
    /// Free text.
    Text,
    /// A CBS municipality code (`GM0363`, `0363`, `363`).
    Gemeente,
    /// A day: a date cell, `2024-09-01`, `1-9-2024`.
    Date,
    /// A year of four digits.
    Year,
    /// An indicator name (targets).
    Indicator,
    /// A month: `2026-10`, `okt 2026`, a date cell, ….
    Period,
    /// A whole number of at least 0 (at most 1 000 000).
    Count,
}

impl Kind {
    /// The Frictionless Table Schema field type of the value once read.
    pub fn field_type(self) -> &'static str {
        match self {
            Kind::PpsId | Kind::Text | Kind::Gemeente | Kind::Indicator => "string",
            Kind::Date => "date",
            Kind::Year => "year",
            Kind::Period => "yearmonth",
            Kind::Count => "integer",
        }
    }
}

/// Whether a sheet must have the column's header.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Presence {
    /// A sheet without it is rejected: one `missing_column` line per row.
    Required,
    /// A sheet without it reads every cell of the column as empty.
    Optional,
}

/// What an empty cell means.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Empty {
    /// The row is rejected (`missing_value`).
    Rejected,
    /// No value: the field is simply not filled in.
    NoValue,
    /// Counts as 0, with a warning (contract: "an empty count cell is 0").
    Zero,
}

/// Flows are summed over the months of a window; stocks take the value of
/// the partnership's latest month in it (contract section 5).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Aggregation {
    Flow,
    Stock,
}

/// Everything the code knows about one column of an input table.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct ColumnSpec {
    /// The contract's Dutch name (normalised form: lower case, `_`).
    pub name: &'static str,
    /// Other names the header may have (the contract's English alias).
    pub aliases: &'static [&'static str],
    pub presence: Presence,
    pub empty: Empty,
    pub kind: Kind,
    /// The table is recognised by the headers of these columns together.
    pub announces: bool,
    /// Row-level rules quote this cell in the rejects file (`unknown_pps`,
    /// `unknown_gemeente`, `before_start`, `mkb_exceeds_total`, …), so its
    /// raw text is kept even when it reads fine.
    pub quoted: bool,
    /// A short Dutch label: the template's input title.
    pub label: &'static str,
    /// What goes in the column, in Dutch, for the person filling it in:
    /// the template's input message (at most 255 characters) and the
    /// field description of the table schema.
    pub help: &'static str,
    /// A typical value, as a person types it.
    pub example: &'static str,
}

impl ColumnSpec {
    /// A required column (header and value) of `kind`.
    const fn new(name: &'static str, aliases: &'static [&'static str], kind: Kind) -> ColumnSpec {
        ColumnSpec {
            name,
            aliases,
            presence: Presence::Required,
            empty: Empty::Rejected,
            kind,
            announces: false,
            quoted: false,
            label: "",
            help: "",
            example: "",
        }
    }

    /// Neither the header nor a value is needed.
    const fn optional(self) -> ColumnSpec {
        ColumnSpec {
            presence: Presence::Optional,
            empty: Empty::NoValue,
            ..self
        }
    }

    /// The header is needed; an empty cell is 0 with a warning.
    const fn empty_is_zero(self) -> ColumnSpec {
        ColumnSpec {
            empty: Empty::Zero,
            ..self
        }
    }

    const fn announces(self) -> ColumnSpec {
        ColumnSpec {
            announces: true,
            ..self
        }
    }

    const fn quoted(self) -> ColumnSpec {
        ColumnSpec {
            quoted: true,
            ..self
        }
    }

    const fn help(
        self,
        label: &'static str,
        help: &'static str,
        example: &'static str,
    ) -> ColumnSpec {
        ColumnSpec {
            label,
            help,
            example,
            ..self
        }
    }

    /// Whether `normalised` (a header as [`crate::ingest::header::normalise`]
    /// makes it) names this column.
    pub fn is_named(&self, normalised: &str) -> bool {
        self.name == normalised || self.aliases.contains(&normalised)
    }
}

/// One input table: its columns, in contract order.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct TableSpec {
    pub table: Table,
    pub columns: &'static [ColumnSpec],
}

impl TableSpec {
    /// The position of the column that `normalised` names, if any.
    pub fn position(&self, normalised: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.is_named(normalised))
    }

    /// The position of the table's `pps_id` column: every table has one
    /// (the key that ties its rows to the register).
    pub fn pps_id(&self) -> usize {
        self.columns
            .iter()
            .position(|c| c.kind == Kind::PpsId)
            .unwrap_or_default()
    }

    /// The columns whose headers, together, announce this table.
    pub fn announced_by(&self) -> impl Iterator<Item = &'static ColumnSpec> {
        self.columns.iter().filter(|c| c.announces)
    }
}

/// A column of one input table, named by its enum rather than by its
/// position (which only the declaration knows).
pub trait TableColumn: Copy + std::fmt::Debug + 'static {
    /// The table the column belongs to.
    const TABLE: Table;

    /// Every column of the table, in contract order.
    fn all() -> &'static [Self];

    /// The column's place in [`TableSpec::columns`] (and in a sheet's
    /// header map, and in the order of rejects).
    fn position(self) -> usize;

    fn spec(self) -> &'static ColumnSpec {
        &spec(Self::TABLE).columns[self.position()]
    }
}

/// Declares a column enum, its `ALL` list and its declarations, from one
/// list of `Variant => declaration` entries, so that the enum and the
/// declarations cannot disagree on order or number.
macro_rules! columns {
    (
        $(#[$meta:meta])*
        enum $name:ident in $specs:ident: $spec:ty {
            $($(#[$vmeta:meta])* $variant:ident => $declaration:expr,)+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        const $specs: [$spec; [$(stringify!($variant)),+].len()] = [$($declaration,)+];

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: [$name; $specs.len()] = [$($name::$variant,)+];
            /// How many there are.
            pub const COUNT: usize = $specs.len();
        }
    };
}

columns! {
    /// A column of the register (one row per partnership).
    enum RegisterColumn in REGISTER_COLUMNS: ColumnSpec {
        PpsId => ColumnSpec::new("pps_id", &["partnership_id"], Kind::PpsId).announces().quoted()
            .help("PPS", "De unieke code van de PPS, zoals de PPS die in elke aanlevering gebruikt.", "PPS-001"),
        Naam => ColumnSpec::new("naam", &["name"], Kind::Text)
            .help("Naam", "De naam van de PPS, zoals die in het rapport staat.", "Zorgtechniek Noord"),
        Consortium => ColumnSpec::new("consortium", &["consortium"], Kind::Text).optional()
            .help("Consortium", "Het consortium waar de PPS bij hoort; leeg als de PPS bij geen consortium hoort.", "Health Noord"),
        GemeenteCode => ColumnSpec::new("gemeente_code", &["municipality_code"], Kind::Gemeente).announces().quoted()
            .help("Gemeente", "De CBS-code van de gemeente van de PPS: GM0363, 0363 of 363.", "GM0014"),
        Startdatum => ColumnSpec::new("startdatum", &["start_date"], Kind::Date)
            .help("Startdatum", "De datum waarop de PPS begon; aanleveringen over eerdere maanden worden afgekeurd.", "1-9-2024"),
        Einddatum => ColumnSpec::new("einddatum", &["end_date"], Kind::Date).optional()
            .help("Einddatum", "De datum waarop de PPS stopte; leeg als de PPS doorloopt.", ""),
        Sector => ColumnSpec::new("sector", &["sector"], Kind::Text).optional()
            .help("Sector", "De sector van de PPS (vrije tekst).", "Zorg"),
    }
}

columns! {
    /// A column of the targets table (yearly targets per partnership).
    enum TargetColumn in TARGET_COLUMNS: ColumnSpec {
        PpsId => ColumnSpec::new("pps_id", &["partnership_id"], Kind::PpsId).announces().quoted()
            .help("PPS", "De code van de PPS zoals in het register.", "PPS-001"),
        Jaar => ColumnSpec::new("jaar", &["year"], Kind::Year).announces()
            .help("Jaar", "Het jaar waarvoor het doel geldt, vier cijfers.", "2026"),
        Indicator => ColumnSpec::new("indicator", &["indicator"], Kind::Indicator).announces()
            .help("Indicator", "De indicator van het doel, bijvoorbeeld studenten_bol of deelnemers.", "deelnemers"),
        Streefwaarde => ColumnSpec::new("streefwaarde", &["target"], Kind::Count)
            .help("Streefwaarde", "Het doel voor dat jaar: een geheel getal van 0 of meer.", "120"),
    }
}

/// What a count column adds to its [`ColumnSpec`]: how it aggregates and
/// the export indicator that carries it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct MeasureSpec {
    pub column: ColumnSpec,
    pub aggregation: Aggregation,
    pub indicator: Indicator,
}

impl MeasureSpec {
    /// The raw cell is quoted by a row-level rule (see [`ColumnSpec::quoted`]).
    const fn quoted(self) -> MeasureSpec {
        MeasureSpec {
            column: self.column.quoted(),
            ..self
        }
    }
}

/// A count column: a whole number ≥ 0, required header, empty cell 0.
const fn measure(
    name: &'static str,
    alias: &'static [&'static str],
    aggregation: Aggregation,
    indicator: Indicator,
    (label, help, example): (&'static str, &'static str, &'static str),
) -> MeasureSpec {
    MeasureSpec {
        column: ColumnSpec::new(name, alias, Kind::Count)
            .empty_is_zero()
            .help(label, help, example),
        aggregation,
        indicator,
    }
}

columns! {
    /// The numbers of a monthly submission: the count columns after the
    /// two keys. Adding a count column is one entry here (and its
    /// indicator in [`Indicator`]).
    enum Measure in MEASURES: MeasureSpec {
        StudentenBol => measure("studenten_bol", &["students_bol"], Flow, Indicator::StudentenBol, ("Studenten bol",
            "Aantal mbo-studenten (bol) dat deze maand in uw programma is gestart. Geheel getal, 0 of meer.", "12")),
        StudentenBbl => measure("studenten_bbl", &["students_bbl"], Flow, Indicator::StudentenBbl, ("Studenten bbl",
            "Aantal mbo-studenten (bbl) dat deze maand is gestart. Geheel getal, 0 of meer.", "3")),
        Werkenden => measure("werkenden", &["workers"], Flow, Indicator::Werkenden, ("Werkenden",
            "Aantal werkenden dat deze maand met bij- of omscholing is gestart. Geheel getal, 0 of meer.", "5")),
        Werkzoekenden => measure("werkzoekenden", &["jobseekers"], Flow, Indicator::Werkzoekenden, ("Werkzoekenden",
            "Aantal werkzoekenden dat deze maand is gestart. Geheel getal, 0 of meer.", "0")),
        Bedrijven => measure("bedrijven", &["companies"], Stock, Indicator::Bedrijven, ("Bedrijven",
            "Aantal bedrijven dat aan het eind van de maand meedoet (de stand, niet de nieuwe). Geheel getal, 0 of meer.", "8")),
        BedrijvenMkb => measure("bedrijven_mkb", &["companies_sme"], Stock, Indicator::BedrijvenMkb, ("Bedrijven mkb",
            "Daarvan mkb-bedrijven: niet meer dan het aantal bedrijven. Geheel getal, 0 of meer.", "6"))
            // mkb_exceeds_total quotes it.
            .quoted(),
    }
}

impl Measure {
    pub fn spec(self) -> &'static MeasureSpec {
        &MEASURES[self as usize]
    }

    /// The column name, also the name of the export indicator.
    pub fn name(self) -> &'static str {
        self.spec().column.name
    }

    pub const fn indicator(self) -> Indicator {
        MEASURES[self as usize].indicator
    }

    /// Flows are summed over months; stocks take the latest month.
    pub const fn is_stock(self) -> bool {
        matches!(MEASURES[self as usize].aggregation, Aggregation::Stock)
    }
}

/// The key columns of a count row, before the measures.
const COUNT_KEYS: [ColumnSpec; 2] = [
    ColumnSpec::new("pps_id", &["partnership_id"], Kind::PpsId)
        .announces()
        .quoted()
        .help(
            "Uw PPS",
            "De code van uw PPS zoals in het register (kies uit de lijst).",
            "PPS-001",
        ),
    ColumnSpec::new("periode", &["period"], Kind::Period)
        .announces()
        .quoted()
        .help(
            "Periode",
            "De maand waarover u rapporteert, bij voorkeur als JJJJ-MM (bijv. 2026-10). Ook goed: okt 2026, oktober 2026, 10-2026, 10/2026, 2026M10 of een datum in die maand.",
            "2026-10",
        ),
];

/// A column of the counts table (monthly submissions): the two keys, then
/// the measures.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum CountColumn {
    PpsId,
    Periode,
    Measure(Measure),
}

impl CountColumn {
    /// Every column, in contract order.
    pub const ALL: [CountColumn; COUNT_KEYS.len() + Measure::COUNT] = {
        let mut all = [CountColumn::PpsId; COUNT_KEYS.len() + Measure::COUNT];
        all[1] = CountColumn::Periode;
        let mut m = 0;
        while m < Measure::COUNT {
            all[COUNT_KEYS.len() + m] = CountColumn::Measure(Measure::ALL[m]);
            m += 1;
        }
        all
    };
}

/// The count columns' declarations, keys and measures in one list.
const COUNT_COLUMNS: [ColumnSpec; CountColumn::ALL.len()] = {
    let mut all = [COUNT_KEYS[0]; CountColumn::ALL.len()];
    all[1] = COUNT_KEYS[1];
    let mut m = 0;
    while m < Measure::COUNT {
        all[COUNT_KEYS.len() + m] = MEASURES[m].column;
        m += 1;
    }
    all
};

impl TableColumn for RegisterColumn {
    const TABLE: Table = Table::Register;

    fn all() -> &'static [RegisterColumn] {
        &RegisterColumn::ALL
    }

    fn position(self) -> usize {
        self as usize
    }
}

impl TableColumn for TargetColumn {
    const TABLE: Table = Table::Targets;

    fn all() -> &'static [TargetColumn] {
        &TargetColumn::ALL
    }

    fn position(self) -> usize {
        self as usize
    }
}

impl TableColumn for CountColumn {
    const TABLE: Table = Table::Counts;

    fn all() -> &'static [CountColumn] {
        &CountColumn::ALL
    }

    fn position(self) -> usize {
        match self {
            CountColumn::PpsId => 0,
            CountColumn::Periode => 1,
            CountColumn::Measure(m) => COUNT_KEYS.len() + m as usize,
        }
    }
}

/// The register.
pub const REGISTER: TableSpec = TableSpec {
    table: Table::Register,
    columns: &REGISTER_COLUMNS,
};

/// The yearly targets.
pub const TARGETS: TableSpec = TableSpec {
    table: Table::Targets,
    columns: &TARGET_COLUMNS,
};

/// The monthly submissions.
pub const COUNTS: TableSpec = TableSpec {
    table: Table::Counts,
    columns: &COUNT_COLUMNS,
};

/// The tables in the order a header row is tried against them: the
/// register first, its key columns are the most specific.
pub const TABLES: [&TableSpec; 3] = [&REGISTER, &TARGETS, &COUNTS];

/// The declaration of `table`.
pub fn spec(table: Table) -> &'static TableSpec {
    match table {
        Table::Register => &REGISTER,
        Table::Targets => &TARGETS,
        Table::Counts => &COUNTS,
    }
}

/// Ingest keeps a bit per column of a row (formula cells, unreadable
/// cells) in a `u32`.
pub const MAX_COLUMNS: usize = 32;
const _: () = assert!(
    REGISTER_COLUMNS.len() <= MAX_COLUMNS
        && TARGET_COLUMNS.len() <= MAX_COLUMNS
        && COUNT_COLUMNS.len() <= MAX_COLUMNS
);

/// The table's declaration as a Frictionless Table Schema (v2): every
/// column with its type once read, whether a value is required, and its
/// Dutch description; the English aliases and the empty-is-0 rule as
/// extra properties. The template and the README describe the same
/// columns from the same declaration.
pub fn table_schema(table: &TableSpec) -> serde_json::Value {
    let fields: Vec<serde_json::Value> = table
        .columns
        .iter()
        .map(|c| {
            serde_json::json!({
                "name": c.name,
                "type": c.kind.field_type(),
                "title": c.label,
                "description": c.help,
                "example": c.example,
                "constraints": {
                    "required": c.empty == Empty::Rejected,
                },
                "aliases": c.aliases,
                "headerRequired": c.presence == Presence::Required,
                "emptyMeans": match c.empty {
                    Empty::Rejected => "missing_value",
                    Empty::NoValue => "no value",
                    Empty::Zero => "0",
                },
            })
        })
        .collect();
    serde_json::json!({
        "$schema": "https://datapackage.org/profiles/2.0/tableschema.json",
        "name": table.table.name(),
        "fields": fields,
        "missingValues": [""],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::header::normalise;

    #[test]
    fn enums_and_declarations_agree_on_order() {
        fn check<C: TableColumn>() {
            let table = spec(C::TABLE);
            assert_eq!(C::all().len(), table.columns.len(), "{:?}", C::TABLE);
            for (i, c) in C::all().iter().enumerate() {
                assert_eq!(c.position(), i, "{c:?}");
                assert_eq!(c.spec(), &table.columns[i], "{c:?}");
            }
        }
        check::<RegisterColumn>();
        check::<TargetColumn>();
        check::<CountColumn>();
        for m in Measure::ALL {
            assert_eq!(m.spec().column, *CountColumn::Measure(m).spec(), "{m:?}");
        }
    }

    #[test]
    fn names_and_aliases_are_normalised_and_unambiguous() {
        for table in TABLES {
            let mut seen: Vec<&str> = Vec::new();
            for c in table.columns {
                let mut names: Vec<&str> = std::iter::once(c.name)
                    .chain(c.aliases.iter().copied())
                    .collect();
                names.dedup();
                for name in names {
                    assert_eq!(normalise(name), name, "{name} is matched as normalised");
                    assert!(!seen.contains(&name), "{name} names two columns");
                    seen.push(name);
                }
                assert!(!c.label.is_empty() && !c.help.is_empty(), "{}", c.name);
                // The template's input message holds at most 255 characters.
                assert!(c.help.chars().count() <= 255, "{}", c.name);
                if c.presence == Presence::Optional {
                    assert_ne!(
                        c.empty,
                        Empty::Rejected,
                        "{}: optional header, required value",
                        c.name
                    );
                }
            }
            assert!(table.announced_by().count() >= 2, "{:?}", table.table);
            let ids: Vec<_> = table
                .columns
                .iter()
                .filter(|c| c.kind == Kind::PpsId)
                .collect();
            assert_eq!(ids.len(), 1, "{:?}: one pps_id column", table.table);
            assert_eq!(table.columns[table.pps_id()].name, "pps_id");
            assert!(
                table
                    .announced_by()
                    .all(|c| c.presence == Presence::Required),
                "{:?}",
                table.table
            );
        }
    }

    #[test]
    fn every_measure_is_a_count_indicator_of_the_same_name() {
        for m in Measure::ALL {
            let spec = m.spec();
            assert_eq!(spec.column.kind, Kind::Count, "{m:?}");
            assert_eq!(spec.column.empty, Empty::Zero, "{m:?}");
            assert_eq!(spec.indicator.name(), m.name(), "{m:?}");
            assert!(spec.indicator.is_count(), "{m:?}");
            assert!(spec.indicator.can_have_target(), "{m:?}");
        }
        // Every count indicator is a measure or derived from measures (the
        // two sums of section 5): a new indicator without a measure, or a
        // measure without an indicator, fails here.
        let derived = [Indicator::Studenten, Indicator::Deelnemers];
        for i in Indicator::ALL.into_iter().filter(|i| i.is_count()) {
            let measured = Measure::ALL.iter().filter(|m| m.indicator() == i).count();
            assert_eq!(
                measured,
                usize::from(!derived.contains(&i)),
                "{i:?}: one measure per count indicator that is not derived"
            );
        }
    }

    /// The README's table of input columns is this declaration, written
    /// out: `name`* (alias), the announcing columns, per table.
    #[test]
    fn the_readme_lists_the_declared_columns() {
        let readme = include_str!("../README.md");
        for table in TABLES {
            let code = |c: &ColumnSpec| format!("`{}`", c.name);
            let announced: Vec<String> = table.announced_by().map(code).collect();
            let (last, first) = announced.split_last().unwrap();
            let columns: Vec<String> = table
                .columns
                .iter()
                .map(|c| {
                    let star = if c.presence == Presence::Optional {
                        "*"
                    } else {
                        ""
                    };
                    match c.aliases.iter().find(|a| **a != c.name) {
                        Some(alias) => format!("{}{star} ({alias})", code(c)),
                        None => format!("{}{star}", code(c)),
                    }
                })
                .collect();
            let line = format!(
                "| {} | {} and {last} | {} |",
                table.table.name(),
                first.join(", "),
                columns.join(", ")
            );
            assert!(readme.contains(&line), "README.md lacks the line\n{line}");
        }
    }

    #[test]
    fn the_table_schema_describes_every_column() {
        for table in TABLES {
            let schema = table_schema(table);
            let fields = schema["fields"].as_array().unwrap();
            assert_eq!(fields.len(), table.columns.len());
            for (f, c) in fields.iter().zip(table.columns) {
                assert_eq!(f["name"], c.name);
                assert_eq!(f["description"], c.help);
            }
        }
        let counts = table_schema(&COUNTS);
        assert_eq!(counts["fields"][1]["type"], "yearmonth");
        assert_eq!(counts["fields"][2]["emptyMeans"], "0");
        assert_eq!(counts["fields"][2]["constraints"]["required"], false);
        let register = table_schema(&REGISTER);
        assert_eq!(register["fields"][5]["headerRequired"], false);
    }
}
