//! The rule codes of contract section 2 and the plain-Dutch messages that
//! tell a partnership how to fix each one.

use std::fmt;

use crate::ingest::value::Refusal;
use crate::schema::{Kind, Measure};

/// A broken rule: one line in the rejects file.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Rule {
    UnreadableFile,
    MissingColumn,
    MissingValue,
    BadValue,
    Negative,
    UnknownGemeente,
    DuplicatePps,
    UnknownIndicator,
    UnknownPps,
    BeforeStart,
    AfterEnd,
    FuturePeriod,
    MkbExceedsTotal,
    DuplicateConflict,
}

impl Rule {
    pub const ALL: [Rule; 14] = [
        Rule::UnreadableFile,
        Rule::MissingColumn,
        Rule::MissingValue,
        Rule::BadValue,
        Rule::Negative,
        Rule::UnknownGemeente,
        Rule::DuplicatePps,
        Rule::UnknownIndicator,
        Rule::UnknownPps,
        Rule::BeforeStart,
        Rule::AfterEnd,
        Rule::FuturePeriod,
        Rule::MkbExceedsTotal,
        Rule::DuplicateConflict,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Rule::UnreadableFile => "unreadable_file",
            Rule::MissingColumn => "missing_column",
            Rule::MissingValue => "missing_value",
            Rule::BadValue => "bad_value",
            Rule::Negative => "negative",
            Rule::UnknownGemeente => "unknown_gemeente",
            Rule::DuplicatePps => "duplicate_pps",
            Rule::UnknownIndicator => "unknown_indicator",
            Rule::UnknownPps => "unknown_pps",
            Rule::BeforeStart => "before_start",
            Rule::AfterEnd => "after_end",
            Rule::FuturePeriod => "future_period",
            Rule::MkbExceedsTotal => "mkb_exceeds_total",
            Rule::DuplicateConflict => "duplicate_conflict",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The message for a cell that cannot be read as its type (the column's
/// declared [`Kind`]).
pub fn bad_value(kind: Kind, column: &str, raw: &str) -> String {
    let problem = match kind {
        Kind::Count => {
            "is geen geheel aantal. Vul een geheel getal van 0 of meer in, zonder decimalen of tekst (bijvoorbeeld 12 of 1.234)."
        }
        Kind::Period => {
            "is geen herkenbare maand. Schrijf de maand als 2026-10, 10-2026, okt 2026 of als datum (bijvoorbeeld 1-10-2026)."
        }
        Kind::Date => {
            "is geen geldige datum. Schrijf de datum als 2024-09-01 of 1-9-2024 (dag eerst), of gebruik een datumcel."
        }
        Kind::Gemeente => {
            "is geen gemeentecode. Gebruik de CBS-code van de gemeente, bijvoorbeeld GM0363 (of 0363) voor Amsterdam."
        }
        Kind::Year => "is geen jaartal. Vul een jaar in van vier cijfers, bijvoorbeeld 2026.",
        Kind::Text | Kind::PpsId | Kind::Indicator => {
            "is geen tekst (foutwaarde). Vul de juiste waarde in."
        }
    };
    in_column(raw, column, problem)
}

/// The message for an empty required cell.
pub fn missing_value(column: &str) -> String {
    format!("Kolom '{column}' is leeg, maar verplicht. Vul de waarde in.")
}

/// The message for a sheet that lacks a required column.
pub fn missing_column(column: &str, sheet_header_row: u32) -> String {
    format!(
        "Kolom '{column}' ontbreekt in de kopregel (rij {sheet_header_row}), daarom is geen enkele rij van dit blad verwerkt. Voeg de kolom toe of gebruik het sjabloon ('pps-monitor template')."
    )
}

pub fn negative(column: &str, raw: &str) -> String {
    in_column(
        raw,
        column,
        "is negatief. Aantallen zijn 0 of meer; corrigeer de waarde.",
    )
}

pub fn unknown_gemeente(code: &str) -> String {
    format!(
        "Gemeentecode {code} komt niet voor in de CBS-gemeente-indeling die pps-monitor gebruikt. Controleer de code (gemeenten die zijn opgegaan in een fusie hebben een nieuwe code)."
    )
}

pub fn duplicate_pps(pps_id: &str, others: &str) -> String {
    format!(
        "pps_id '{pps_id}' staat meer dan eens in het register (ook {others}); daarom zijn alle kopieën afgekeurd. Houd één regel per PPS over."
    )
}

pub fn unknown_indicator(raw: &str) -> String {
    format!(
        "Indicator {} bestaat niet. Kies een van: studenten_bol, studenten_bbl, studenten, werkenden, werkzoekenden, deelnemers, bedrijven, bedrijven_mkb.",
        shown(raw)
    )
}

pub fn unknown_pps(pps_id: &str) -> String {
    format!(
        "pps_id '{pps_id}' staat niet in het register. Controleer de schrijfwijze, of vraag het programmabureau de PPS in het register op te nemen."
    )
}

pub fn rejected_pps(pps_id: &str, place: &str) -> String {
    format!(
        "pps_id '{pps_id}' staat wel in het register, maar die registerregel is afgekeurd ({place}). Zodra de registerregel is hersteld, wordt deze rij verwerkt."
    )
}

pub fn before_start(pps_id: &str, month: &str, start: &str) -> String {
    format!(
        "Periode {month} ligt vóór de startmaand van '{pps_id}' ({start}). Controleer de periode, of de startdatum in het register."
    )
}

pub fn after_end(pps_id: &str, month: &str, end: &str) -> String {
    format!(
        "Periode {month} ligt na de eindmaand van '{pps_id}' ({end}). Controleer de periode, of de einddatum in het register."
    )
}

pub fn future_period(month: &str, current: &str) -> String {
    format!(
        "Periode {month} ligt na de huidige maand ({current}). Een maand in de toekomst kan nog niet zijn aangeleverd; controleer de periode (vaak is het jaar verkeerd getypt)."
    )
}

/// The message for a non-empty cell whose content may not be used.
pub fn refused(refusal: Refusal, column: &str, raw: &str) -> String {
    let problem = match refusal {
        Refusal::UncachedFormula => {
            "is een formule zonder berekende waarde: open het bestand in Excel of LibreOffice en sla het op (dan wordt de uitkomst bewaard)."
        }
        Refusal::TooLarge => {
            "is groter dan 1.000.000; zo veel kan het niet zijn. Controleer het getal."
        }
        Refusal::Invisible => {
            "bevat onzichtbare tekens (zoals een zero-width space of een schrijfrichtingsteken), waardoor het op een andere pps_id lijkt zonder het te zijn. Typ de waarde opnieuw in."
        }
    };
    in_column(raw, column, problem)
}

/// The warning for a hidden or very hidden sheet.
pub fn hidden_sheet() -> String {
    "Blad genegeerd: het blad is verborgen (of zeer verborgen) en wordt niet gelezen. Maak het blad zichtbaar als de gegevens erop moeten meetellen.".to_owned()
}

pub fn mkb_exceeds_total(mkb: i64, total: i64) -> String {
    format!(
        "{} ({mkb}) is groter dan {} ({total}). Mkb-bedrijven zijn een deel van alle bedrijven; corrigeer een van beide.",
        Measure::BedrijvenMkb.name(),
        Measure::Bedrijven.name()
    )
}

pub fn duplicate_conflict(key: &str, others: &str) -> String {
    format!(
        "{key} is meer dan eens aangeleverd met verschillende waarden (ook {others}); daarom zijn alle kopieën afgekeurd. Lever één regel met de juiste waarden aan."
    )
}

pub fn unreadable_file(reason: &str) -> String {
    format!(
        "Het bestand kan niet worden gelezen: {reason}. Sla het op als .xlsx of .csv (zonder wachtwoord) en lever het opnieuw aan."
    )
}

/// A message about one cell: the value as [`shown`], its column, then what
/// is wrong with it and how to fix it.
fn in_column(raw: &str, column: &str, problem: &str) -> String {
    format!("{} in kolom '{column}' {problem}", shown(raw))
}

/// A raw value quoted for a message; an empty one is named as such.
fn shown(raw: &str) -> String {
    if raw.trim().is_empty() {
        "De lege waarde".to_owned()
    } else {
        format!("'{}'", raw.trim())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use crate::model::Indicator;

    /// `Validated::rejects_by_rule` counts by `rule as usize`.
    #[test]
    fn all_rules_are_listed_in_declaration_order() {
        for (i, rule) in super::Rule::ALL.into_iter().enumerate() {
            assert_eq!(rule as usize, i, "{rule}");
        }
    }

    /// The message's list is written out in the contract's order; this
    /// keeps it complete when an indicator is added.
    #[test]
    fn unknown_indicator_lists_every_indicator_that_can_have_a_target() {
        let message = super::unknown_indicator("x");
        let list = message
            .split_once("Kies een van: ")
            .map(|(_, list)| list.trim_end_matches('.'))
            .unwrap_or_default();
        let listed: BTreeSet<&str> = list.split(", ").collect();
        let targetable: BTreeSet<&str> = Indicator::ALL
            .into_iter()
            .filter(|i| i.can_have_target())
            .map(Indicator::name)
            .collect();
        assert_eq!(listed, targetable);
    }
}
