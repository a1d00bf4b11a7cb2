//! The data package (contract section 6): `datapackage.json`, a
//! Frictionless Data Package v2 that describes `kpi_export_<P>.csv` and
//! `rejects_<P>.csv` for the ministry's loaders.
//!
//! Takes the period and the two written files (name and SHA-256); returns
//! the descriptor as JSON. Every list in it is read from the code's own
//! definitions (the export's and the rejects file's headers,
//! [`Window::ALL`], [`Level::ALL`], [`Indicator::ALL`], [`Rule::ALL`]), so
//! the description cannot drift from the files. The descriptor has no
//! creation time and its keys are sorted, so the same inputs give the same
//! bytes. Refuses nothing.
//!
//! Frictionless' validator (`frictionless validate`) does not check v2
//! `categories`; every code list is therefore also an `enum` constraint,
//! which it does check. The rejects file starts with a UTF-8 byte order
//! mark; its encoding is still `utf-8` (validators skip the mark).

use serde_json::{Value as Json, json};

use super::manifest::Output;
use super::{export, rejects};
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

fn window_label(window: Window) -> &'static str {
    match window {
        Window::Maand => "de verslagmaand",
        Window::Jtd => "januari van het jaar van de verslagmaand tot en met de verslagmaand",
        Window::Cumulatief => "alle maanden tot en met de verslagmaand",
    }
}

/// The field definition of one export column.
fn export_field(name: &str) -> Json {
    let windows: Vec<(&str, &str)> = Window::ALL
        .iter()
        .map(|w| (w.name(), window_label(*w)))
        .collect();
    let levels: Vec<(&str, &str)> = Level::ALL
        .iter()
        .map(|l| (l.name(), super::report::level_sheet_name(*l)))
        .collect();
    let indicators: Vec<(&str, &str)> = Indicator::ALL
        .iter()
        .map(|i| (i.name(), super::report::indicator_label(*i)))
        .collect();
    let field = |kind: &str, description: &str| json!({"name": name, "type": kind, "description": description});
    match name {
        "periode" => {
            let mut f = field(
                "yearmonth",
                "De verslagperiode (JJJJ-MM), gelijk op elke regel.",
            );
            f["constraints"] = json!({"required": true});
            f
        }
        "venster" => coded(
            field("string", "Het venster waarover de waarde gaat."),
            &windows,
            true,
        ),
        "niveau" => coded(
            field(
                "string",
                "Het regioniveau, van groot naar klein. regiogroep komt alleen voor als de configuratie \
                 regiogroepen definieert.",
            ),
            &levels,
            true,
        ),
        "regio_code" => {
            let mut f = field(
                "string",
                "De code van de regio: NL, LD.., PV.., AM.., de code van een regiogroep, de naam van \
                 een consortium, of de pps_id. Begint de code met =, +, -, @, een tab of een carriage \
                 return, dan staat er een ' voor.",
            );
            f["constraints"] = json!({"required": true});
            f
        }
        "regio_naam" => {
            let mut f = field(
                "string",
                "De naam van de regio (bij pps de naam van de PPS). Zelfde bescherming met ' als \
                 regio_code.",
            );
            f["constraints"] = json!({"required": true});
            f
        }
        "indicator" => coded(
            field(
                "string",
                "De indicator: aantallen (studenten_bol tot en met bedrijven_mkb, pps_actief) of \
                 percentages (mkb_aandeel_pct, aanlevering_pct).",
            ),
            &indicators,
            true,
        ),
        "waarde" => {
            let mut f = field(
                "number",
                "De waarde: een geheel getal voor aantallen (studenten_bol tot en met bedrijven_mkb, \
                 pps_actief), een percentage met één decimaal voor mkb_aandeel_pct en aanlevering_pct. \
                 Leeg betekent: status C (vertrouwelijk, onderdrukt), status M (de PPS heeft in dit \
                 venster geen geaccepteerde aanlevering), of bij status F een percentage zonder \
                 noemer (niet van toepassing: bedrijven is 0, of er werd niets verwacht).",
            );
            f["decimalChar"] = json!(".");
            f["constraints"] = json!({"minimum": 0});
            f
        }
        "doel" => {
            let mut f = field(
                "integer",
                "Het jaardoel (som van de streefwaarden van de PPS'en in de regio), alleen in venster \
                 jtd en voor aantallen; ook gepubliceerd als waarde onderdrukt is. Leeg: geen doel of \
                 niet van toepassing.",
            );
            f["constraints"] = json!({"minimum": 0});
            f
        }
        "realisatie_pct" => {
            let mut f = field(
                "number",
                "Waarde over de PPS'en met een doel gedeeld door doel, maal 100, één decimaal. Leeg: \
                 geen doel, niet van toepassing, of onderdrukt (status C, of omdat het een onderdrukte \
                 waarde zou verraden).",
            );
            f["decimalChar"] = json!(".");
            f["constraints"] = json!({"minimum": 0});
            f
        }
        "groei_pct" => {
            let mut f = field(
                "number",
                "Groei ten opzichte van hetzelfde venster twaalf maanden eerder, in procent, één \
                 decimaal (vensters maand en jtd). Leeg: de waarde een jaar eerder is 0, niet van \
                 toepassing, of onderdrukt (deze regel of de regel een jaar eerder is vertrouwelijk).",
            );
            f["decimalChar"] = json!(".");
            f["constraints"] = json!({"minimum": -100});
            f
        }
        "onderdrukt" => {
            let mut f = field(
                "boolean",
                "true precies als status C is: waarde, realisatie_pct en groei_pct zijn dan leeg.",
            );
            f["trueValues"] = json!(["true"]);
            f["falseValues"] = json!(["false"]);
            f["constraints"] = json!({"required": true});
            f
        }
        "status" => coded(
            field(
                "string",
                "Waarom waarde is wat hij is: F gepubliceerd, C vertrouwelijk (onderdrukt), M ontbreekt \
                 (SDMX-codes). De export zegt niet waarom een cel C is.",
            ),
            &STATUS,
            false,
        ),
        _ => field("string", ""),
    }
}

fn export_schema() -> Json {
    json!({
        "$schema": SCHEMA_PROFILE,
        "fields": export::HEADER.iter().map(|name| export_field(name)).collect::<Vec<_>>(),
        "fieldsMatch": "exact",
        "missingValues": [""],
        "primaryKey": ["venster", "niveau", "regio_code", "indicator"],
    })
}

/// The field definition of one rejects column.
fn rejects_field(name: &str) -> Json {
    let field = |kind: &str, description: &str, required: bool| {
        let mut f = json!({"name": name, "type": kind, "description": description});
        if required {
            f["constraints"] = json!({"required": true});
        }
        f
    };
    match name {
        "bestand" => field(
            "string",
            "Het bestand, relatief aan de invoermap, met / als scheidingsteken.",
            true,
        ),
        "blad" => field(
            "string",
            "Het werkblad. Leeg bij een CSV-bestand en bij een onleesbaar bestand.",
            false,
        ),
        "rij" => {
            let mut f = field(
                "integer",
                "Het rijnummer zoals een spreadsheet het toont (vanaf 1, titelrijen meegeteld). Leeg \
                 bij een onleesbaar bestand.",
                false,
            );
            f["constraints"] = json!({"minimum": 1});
            f
        }
        "kolom" => field(
            "string",
            "De kolomkop zoals aangetroffen (of de naam uit het contract als de kolom ontbreekt). Leeg \
             bij een onleesbaar bestand.",
            false,
        ),
        "waarde" => field(
            "string",
            "De oorspronkelijke celwaarde, ingekort tot 1000 tekens. Leeg als de cel leeg is of de \
             kolom ontbreekt.",
            false,
        ),
        "regel" => {
            let codes: Vec<(&str, &str)> = Rule::ALL.iter().map(|r| (r.code(), r.code())).collect();
            let mut f = coded(
                field("string", "De code van de overtreden regel.", true),
                &codes,
                false,
            );
            // The codes are their own labels: no label is clearer than the
            // code and the message beside it.
            f["categories"] = json!(codes.iter().map(|(c, _)| *c).collect::<Vec<_>>());
            f
        }
        "melding" => field(
            "string",
            "Wat er mis is en hoe het te herstellen, in het Nederlands.",
            true,
        ),
        _ => field("string", "", false),
    }
}

fn rejects_schema() -> Json {
    json!({
        "$schema": SCHEMA_PROFILE,
        "fields": rejects::HEADER.iter().map(|name| rejects_field(name)).collect::<Vec<_>>(),
        "fieldsMatch": "exact",
        "missingValues": [""],
    })
}

#[cfg(test)]
mod tests {
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
