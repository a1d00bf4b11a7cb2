//! The data package (contract section 6): `datapackage.json`, a
//! Frictionless Data Package v2 that describes `kpi_export_<P>.csv` and
//! `rejects_<P>.csv` for the ministry's loaders.
//!
//! Takes the period and the two written files (name and SHA-256); returns
//! the descriptor as JSON. Each file's columns are declared here once, in
//! file order ([`EXPORT_FIELDS`], [`REJECTS_FIELDS`]: type, description,
//! what a value may be), and held to the files' headers by a test; every
//! code list is read from the code's own definitions ([`Window::ALL`],
//! [`Level::ALL`], [`Indicator::ALL`], [`Rule::ALL`]), so the description
//! cannot drift from the files. The descriptor has no
//! creation time and its keys are sorted, so the same inputs give the same
//! bytes. Refuses nothing.
//!
//! Frictionless' validator (`frictionless validate`) does not check v2
//! `categories`; every code list is therefore also an `enum` constraint,
//! which it does check. The rejects file starts with a UTF-8 byte order
//! mark; its encoding is still `utf-8` (validators skip the mark).

use serde_json::{Value as Json, json};

use super::manifest::Output;
use crate::model::{Indicator, Level, Month, Window};
use crate::validate::rules::Rule;

const PACKAGE_PROFILE: &str = "https://datapackage.org/profiles/2.0/datapackage.json";
const RESOURCE_PROFILE: &str = "https://datapackage.org/profiles/2.0/dataresource.json";
const DIALECT_PROFILE: &str = "https://datapackage.org/profiles/2.0/tabledialect.json";
const SCHEMA_PROFILE: &str = "https://datapackage.org/profiles/2.0/tableschema.json";

/// The export's `status` codes and their meaning (contract section 7).
pub const STATUS: [(&str, &str); 3] = [
    ("F", "gepubliceerd"),
    (
        "C",
        "vertrouwelijk: onderdrukt (een klein aantal, of een cel die een klein aantal beschermt)",
    ),
    (
        "M",
        "ontbreekt: de PPS heeft in dit venster geen geaccepteerde aanlevering",
    ),
];

/// The file name.
pub const FILE: &str = "datapackage.json";

/// The descriptor for period `period`, describing the written export and
/// rejects files.
pub fn build(period: Month, export: &Output, rejects: &Output) -> Json {
    json!({
        "$schema": PACKAGE_PROFILE,
        "name": format!("pps-monitor-{period}"),
        "title": format!("PPS-monitor: indicatoren en afgekeurde regels, periode {period}"),
        "description": format!(
            "Maandelijkse monitor van publiek-private samenwerkingen (PPS) in het beroepsonderwijs, \
             verslagperiode {period}. kpi_export is de export voor het ministerie (één regel per venster, \
             niveau, regio en indicator); rejects zijn de afgekeurde invoerregels met een melding in het \
             Nederlands. Tekstvelden die met =, +, -, @, een tab of een carriage return beginnen, krijgen \
             een ' ervoor (bescherming tegen formules in spreadsheets)."
        ),
        "keywords": ["pps", "beroepsonderwijs", "mbo", "monitor"],
        "sources": [{
            "title": format!("pps-monitor {}", env!("CARGO_PKG_VERSION")),
        }],
        "resources": [
            resource(
                "kpi_export",
                export,
                &format!("Indicatoren voor periode {period}"),
                "UTF-8 zonder byte order mark, RFC 4180, komma, regels eindigen op CRLF, punt als \
                 decimaalteken, geen scheidingsteken voor duizendtallen. Eén regel per (venster, niveau, \
                 regio_code, indicator). Kleine aantallen zijn onderdrukt (status C).",
                &export_schema(),
            ),
            resource(
                "rejects",
                rejects,
                &format!("Afgekeurde regels, periode {period}"),
                "UTF-8 met byte order mark (zodat Excel accenten goed toont), RFC 4180, komma, regels \
                 eindigen op CRLF. Eén regel per overtreden regel; een onleesbaar bestand is één regel \
                 zonder blad en rij.",
                &rejects_schema(),
            ),
        ],
    })
}

/// Writes `descriptor` as pretty JSON with a final newline.
pub fn write(descriptor: &Json, out: &mut impl std::io::Write) -> Result<(), String> {
    serde_json::to_writer_pretty(&mut *out, descriptor).map_err(|e| e.to_string())?;
    out.write_all(b"\n").map_err(|e| e.to_string())
}

fn resource(name: &str, file: &Output, title: &str, description: &str, schema: &Json) -> Json {
    json!({
        "$schema": RESOURCE_PROFILE,
        "name": name,
        "path": file.path,
        "type": "table",
        "title": title,
        "description": description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "hash": format!("sha256:{}", file.sha256),
        "dialect": {
            "$schema": DIALECT_PROFILE,
            "header": true,
            "delimiter": ",",
            "lineTerminator": "\r\n",
            "quoteChar": "\"",
            "doubleQuote": true,
        },
        "schema": schema,
    })
}

/// A code list as v2 `categories` (with labels) plus an `enum` constraint.
fn coded(field: Json, codes: &[(&str, &str)], ordered: bool) -> Json {
    let mut field = field;
    let values: Vec<&str> = codes.iter().map(|(c, _)| *c).collect();
    field["categories"] = codes
        .iter()
        .map(|(value, label)| json!({"value": value, "label": label}))
        .collect();
    field["categoriesOrdered"] = json!(ordered);
    field["constraints"] = json!({"required": true, "enum": values});
    field
}

/// One column of an output file, as the data package describes it: one
/// declaration per column, in file order (a test holds them to the
/// files' headers).
struct Field {
    name: &'static str,
    /// The Frictionless field type.
    kind: &'static str,
    description: &'static str,
    constraint: Constraint,
}

/// What a field's values may be, beyond its type.
enum Constraint {
    /// Anything of the type, also empty.
    Free,
    /// Never empty.
    Required,
    /// Empty, or at least this (a `number` is written with `.`).
    AtLeast(i64),
    /// `true` or `false`, never empty.
    Boolean,
    /// One of a code list, never empty: `categories` (with the list's
    /// labels when `labelled`, else the bare codes) and an `enum`.
    Codes {
        list: fn() -> Vec<(&'static str, &'static str)>,
        ordered: bool,
        labelled: bool,
    },
}

impl Field {
    fn json(&self) -> Json {
        let field = json!({"name": self.name, "type": self.kind, "description": self.description});
        match self.constraint {
            Constraint::Free => field,
            Constraint::Required => {
                let mut f = field;
                f["constraints"] = json!({"required": true});
                f
            }
            Constraint::AtLeast(minimum) => {
                let mut f = field;
                if self.kind == "number" {
                    f["decimalChar"] = json!(".");
                }
                f["constraints"] = json!({ "minimum": minimum });
                f
            }
            Constraint::Boolean => {
                let mut f = field;
                f["trueValues"] = json!(["true"]);
                f["falseValues"] = json!(["false"]);
                f["constraints"] = json!({"required": true});
                f
            }
            Constraint::Codes {
                list,
                ordered,
                labelled,
            } => {
                let codes = list();
                let mut f = coded(field, &codes, ordered);
                if !labelled {
                    // The codes are their own labels: no label is clearer
                    // than the code and the message beside it.
                    f["categories"] = json!(codes.iter().map(|(c, _)| *c).collect::<Vec<_>>());
                }
                f
            }
        }
    }
}

fn window_label(window: Window) -> &'static str {
    match window {
        Window::Maand => "de verslagmaand",
        Window::Jtd => "januari van het jaar van de verslagmaand tot en met de verslagmaand",
        Window::Cumulatief => "alle maanden tot en met de verslagmaand",
    }
}

fn windows() -> Vec<(&'static str, &'static str)> {
    Window::ALL
        .iter()
        .map(|w| (w.name(), window_label(*w)))
        .collect()
}

fn levels() -> Vec<(&'static str, &'static str)> {
    Level::ALL
        .iter()
        .map(|l| (l.name(), super::report::level_sheet_name(*l)))
        .collect()
}

fn indicators() -> Vec<(&'static str, &'static str)> {
    Indicator::ALL
        .iter()
        .map(|i| (i.name(), super::report::indicator_label(*i)))
        .collect()
}

fn statuses() -> Vec<(&'static str, &'static str)> {
    STATUS.to_vec()
}

fn rule_codes() -> Vec<(&'static str, &'static str)> {
    Rule::ALL.iter().map(|r| (r.code(), r.code())).collect()
}

/// The columns of `kpi_export_<P>.csv`.
const EXPORT_FIELDS: [Field; 12] = [
    Field {
        name: "periode",
        kind: "yearmonth",
        description: "De verslagperiode (JJJJ-MM), gelijk op elke regel.",
        constraint: Constraint::Required,
    },
    Field {
        name: "venster",
        kind: "string",
        description: "Het venster waarover de waarde gaat.",
        constraint: Constraint::Codes {
            list: windows,
            ordered: true,
            labelled: true,
        },
    },
    Field {
        name: "niveau",
        kind: "string",
        description: "Het regioniveau, van groot naar klein. regiogroep komt alleen voor als de configuratie \
                 regiogroepen definieert.",
        constraint: Constraint::Codes {
            list: levels,
            ordered: true,
            labelled: true,
        },
    },
    Field {
        name: "regio_code",
        kind: "string",
        description: "De code van de regio: NL, LD.., PV.., AM.., de code van een regiogroep, de naam van \
                 een consortium, of de pps_id. Begint de code met =, +, -, @, een tab of een carriage \
                 return, dan staat er een ' voor.",
        constraint: Constraint::Required,
    },
    Field {
        name: "regio_naam",
        kind: "string",
        description: "De naam van de regio (bij pps de naam van de PPS). Zelfde bescherming met ' als \
                 regio_code.",
        constraint: Constraint::Required,
    },
    Field {
        name: "indicator",
        kind: "string",
        description: "De indicator: aantallen (studenten_bol tot en met bedrijven_mkb, pps_actief) of \
                 percentages (mkb_aandeel_pct, aanlevering_pct).",
        constraint: Constraint::Codes {
            list: indicators,
            ordered: true,
            labelled: true,
        },
    },
    Field {
        name: "waarde",
        kind: "number",
        description: "De waarde: een geheel getal voor aantallen (studenten_bol tot en met bedrijven_mkb, \
                 pps_actief), een percentage met één decimaal voor mkb_aandeel_pct en aanlevering_pct. \
                 Leeg betekent: status C (vertrouwelijk, onderdrukt), status M (de PPS heeft in dit \
                 venster geen geaccepteerde aanlevering), of bij status F een percentage zonder \
                 noemer (niet van toepassing: bedrijven is 0, of er werd niets verwacht).",
        constraint: Constraint::AtLeast(0),
    },
    Field {
        name: "doel",
        kind: "integer",
        description: "Het jaardoel (som van de streefwaarden van de PPS'en in de regio), alleen in venster \
                 jtd en voor aantallen; ook gepubliceerd als waarde onderdrukt is. Leeg: geen doel of \
                 niet van toepassing.",
        constraint: Constraint::AtLeast(0),
    },
    Field {
        name: "realisatie_pct",
        kind: "number",
        description: "Waarde over de PPS'en met een doel gedeeld door doel, maal 100, één decimaal. Leeg: \
                 geen doel, niet van toepassing, of onderdrukt (status C, of omdat het een onderdrukte \
                 waarde zou verraden).",
        constraint: Constraint::AtLeast(0),
    },
    Field {
        name: "groei_pct",
        kind: "number",
        description: "Groei ten opzichte van hetzelfde venster twaalf maanden eerder, in procent, één \
                 decimaal (vensters maand en jtd). Leeg: de waarde een jaar eerder is 0, niet van \
                 toepassing, of onderdrukt (deze regel of de regel een jaar eerder is vertrouwelijk).",
        constraint: Constraint::AtLeast(-100),
    },
    Field {
        name: "onderdrukt",
        kind: "boolean",
        description: "true precies als status C is: waarde, realisatie_pct en groei_pct zijn dan leeg.",
        constraint: Constraint::Boolean,
    },
    Field {
        name: "status",
        kind: "string",
        description: "Waarom waarde is wat hij is: F gepubliceerd, C vertrouwelijk (onderdrukt), M ontbreekt \
                 (SDMX-codes). De export zegt niet waarom een cel C is.",
        constraint: Constraint::Codes {
            list: statuses,
            ordered: false,
            labelled: true,
        },
    },
];

/// The columns of `rejects_<P>.csv`.
const REJECTS_FIELDS: [Field; 7] = [
    Field {
        name: "bestand",
        kind: "string",
        description: "Het bestand, relatief aan de invoermap, met / als scheidingsteken.",
        constraint: Constraint::Required,
    },
    Field {
        name: "blad",
        kind: "string",
        description: "Het werkblad. Leeg bij een CSV-bestand en bij een onleesbaar bestand.",
        constraint: Constraint::Free,
    },
    Field {
        name: "rij",
        kind: "integer",
        description: "Het rijnummer zoals een spreadsheet het toont (vanaf 1, titelrijen meegeteld). Leeg \
                 bij een onleesbaar bestand.",
        constraint: Constraint::AtLeast(1),
    },
    Field {
        name: "kolom",
        kind: "string",
        description: "De kolomkop zoals aangetroffen (of de naam uit het contract als de kolom ontbreekt). Leeg \
             bij een onleesbaar bestand.",
        constraint: Constraint::Free,
    },
    Field {
        name: "waarde",
        kind: "string",
        description: "De oorspronkelijke celwaarde, ingekort tot 1000 tekens. Leeg als de cel leeg is of de \
             kolom ontbreekt.",
        constraint: Constraint::Free,
    },
    Field {
        name: "regel",
        kind: "string",
        description: "De code van de overtreden regel.",
        constraint: Constraint::Codes {
            list: rule_codes,
            ordered: false,
            labelled: false,
        },
    },
    Field {
        name: "melding",
        kind: "string",
        description: "Wat er mis is en hoe het te herstellen, in het Nederlands.",
        constraint: Constraint::Required,
    },
];

fn export_schema() -> Json {
    json!({
        "$schema": SCHEMA_PROFILE,
        "fields": EXPORT_FIELDS.iter().map(Field::json).collect::<Vec<_>>(),
        "fieldsMatch": "exact",
        "missingValues": [""],
        "primaryKey": ["venster", "niveau", "regio_code", "indicator"],
    })
}

fn rejects_schema() -> Json {
    json!({
        "$schema": SCHEMA_PROFILE,
        "fields": REJECTS_FIELDS.iter().map(Field::json).collect::<Vec<_>>(),
        "fieldsMatch": "exact",
        "missingValues": [""],
    })
}

#[cfg(test)]
mod tests {
    use super::super::{export, rejects};
    use super::*;

    fn descriptor() -> Json {
        let output = |path: &str| Output {
            path: path.to_owned(),
            sha256: "ab".repeat(32),
        };
        build(
            Month::new(2026, 10).unwrap(),
            &output("kpi_export_2026-10.csv"),
            &output("rejects_2026-10.csv"),
        )
    }

    #[test]
    fn every_column_is_described_with_a_type() {
        let d = descriptor();
        for (r, header) in [(0, &export::HEADER[..]), (1, &rejects::HEADER[..])] {
            let fields = d["resources"][r]["schema"]["fields"].as_array().unwrap();
            let names: Vec<&str> = fields.iter().map(|f| f["name"].as_str().unwrap()).collect();
            assert_eq!(names, header);
            for f in fields {
                assert!(
                    f["description"].as_str().is_some_and(|t| t.len() > 20),
                    "{f}"
                );
                assert!(f["type"].is_string(), "{f}");
            }
        }
    }

    #[test]
    fn code_lists_follow_the_model() {
        let d = descriptor();
        let field = |name: &str| {
            d["resources"][0]["schema"]["fields"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["name"] == name)
                .unwrap()
                .clone()
        };
        let levels: Vec<&str> = Level::ALL.iter().map(|l| l.name()).collect();
        assert_eq!(field("niveau")["constraints"]["enum"], json!(levels));
        assert!(levels.contains(&"regiogroep"));
        let indicators: Vec<&str> = Indicator::ALL.iter().map(|i| i.name()).collect();
        assert_eq!(field("indicator")["constraints"]["enum"], json!(indicators));
        assert_eq!(
            field("status")["constraints"]["enum"],
            json!(["F", "C", "M"])
        );
        assert_eq!(field("venster")["categories"][1]["value"], "jtd");
        assert_eq!(field("onderdrukt")["trueValues"], json!(["true"]));
    }
}
