//! The ministry export (contract section 7): `kpi_export_<P>.csv`.
//!
//! Takes the aggregated rows (already in export order, values
//! unsuppressed) and writes them as UTF-8 CSV (RFC 4180, comma, `.` as
//! decimal mark), applying small-count protection (`status` F, C, M: a C or
//! M row keeps only its target) and guarding text fields
//! against formula injection. Refuses nothing: every row is written.

use std::borrow::Cow;
use std::io::{self, Write};

use super::guard;
use crate::model::{KpiRow, Month, Ratio, Value};

/// The header row, in contract order.
pub const HEADER: [&str; 12] = [
    "periode",
    "venster",
    "niveau",
    "regio_code",
    "regio_naam",
    "indicator",
    "waarde",
    "doel",
    "realisatie_pct",
    "groei_pct",
    "onderdrukt",
    "status",
];

/// Writes `rows` for `period` to `out`. Records end in `\r\n`, as RFC 4180
/// prescribes: the contract names RFC 4180 and the file is read by the
/// ministry's loaders, not by us.
pub fn write(rows: &[KpiRow], period: Month, out: &mut impl Write) -> io::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    w.write_record(HEADER)?;
    let periode = period.to_string();
    for row in rows {
        w.write_record(record(row, &periode).iter().map(|f| f.as_bytes()))?;
    }
    w.flush()
}

fn pct(ratio: Option<Ratio>) -> Cow<'static, str> {
    ratio.map_or(Cow::Borrowed(""), |r| Cow::Owned(r.format()))
}

/// The eleven fields of one row (borrowed where they can be: this runs for
/// every row of a large export).
fn record<'a>(row: &'a KpiRow, periode: &'a str) -> [Cow<'a, str>; 12] {
    let none = || Cow::Borrowed("");
    let waarde = match row.value {
        Value::Count(n) => Cow::Owned(n.to_string()),
        Value::Pct(ratio) => pct(ratio),
    };
    let (waarde, realisatie, groei) = if row.published() {
        let realisatie = if row.realisation_hidden {
            none()
        } else {
            pct(row.realisation)
        };
        let groei = if row.growth_hidden {
            none()
        } else {
            pct(row.growth)
        };
        (waarde, realisatie, groei)
    } else {
        // C and M: only the target (`doel`) stays.
        (none(), none(), none())
    };
    [
        guard(periode),
        guard(row.window.name()),
        guard(row.level.name()),
        guard(&row.regio_code),
        guard(&row.regio_naam),
        guard(row.indicator.name()),
        waarde,
        row.target.map_or_else(none, |t| Cow::Owned(t.to_string())),
        realisatie,
        groei,
        Cow::Borrowed(if row.suppressed() { "true" } else { "false" }),
        Cow::Borrowed(row.status.code()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CellStatus, Indicator, Level, Window};

    fn row(indicator: Indicator, value: Value) -> KpiRow {
        KpiRow {
            window: Window::Jtd,
            level: Level::Provincie,
            regio_code: "PV27".into(),
            regio_naam: "Noord-Holland".into(),
            indicator,
            value,
            target: None,
            realisation: None,
            growth: None,
            status: CellStatus::Published,
            realisation_hidden: false,
            growth_hidden: false,
        }
    }

    fn written(rows: &[KpiRow]) -> String {
        let mut out = Vec::new();
        write(rows, Month::new(2026, 3).unwrap(), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    const HEAD: &str = "periode,venster,niveau,regio_code,regio_naam,indicator,waarde,doel,realisatie_pct,groei_pct,onderdrukt,status\r\n";

    #[test]
    fn header_only_for_no_rows() {
        assert_eq!(written(&[]), HEAD);
    }

    #[test]
    fn counts_targets_and_percentages() {
        let mut full = row(Indicator::StudentenBol, Value::Count(1234));
        full.target = Some(1000);
        full.realisation = Ratio::new(1234, 1000);
        full.growth = Ratio::new(-1, 16); // -6.25 -> -6.3
        let mut pct = row(Indicator::MkbAandeelPct, Value::Pct(Ratio::new(2, 3)));
        pct.window = Window::Cumulatief;
        let empty = row(Indicator::AanleveringPct, Value::Pct(None));
        let whole = row(Indicator::AanleveringPct, Value::Pct(Ratio::new(4, 4)));
        let tiny_drop = row(Indicator::PpsActief, Value::Count(0));
        let mut tiny_drop = tiny_drop;
        tiny_drop.growth = Ratio::new(-1, 3000); // -0.03 -> 0.0, never -0.0
        assert_eq!(
            written(&[full, pct, empty, whole, tiny_drop]),
            format!(
                "{HEAD}\
                 2026-03,jtd,provincie,PV27,Noord-Holland,studenten_bol,1234,1000,123.4,-6.3,false,F\r\n\
                 2026-03,cumulatief,provincie,PV27,Noord-Holland,mkb_aandeel_pct,66.7,,,,false,F\r\n\
                 2026-03,jtd,provincie,PV27,Noord-Holland,aanlevering_pct,,,,,false,F\r\n\
                 2026-03,jtd,provincie,PV27,Noord-Holland,aanlevering_pct,100.0,,,,false,F\r\n\
                 2026-03,jtd,provincie,PV27,Noord-Holland,pps_actief,0,,,0.0,false,F\r\n"
            )
        );
    }

    #[test]
    fn suppressed_rows_keep_only_the_target() {
        let mut small = row(Indicator::Werkenden, Value::Count(3));
        small.target = Some(5);
        small.realisation = Ratio::new(3, 5);
        small.growth = Ratio::new(2, 1);
        small.status = CellStatus::Primary;
        let mut hidden_growth = row(Indicator::Werkzoekenden, Value::Count(40));
        hidden_growth.growth = Ratio::new(38, 2);
        hidden_growth.growth_hidden = true;
        hidden_growth.realisation = Ratio::new(40, 80);
        hidden_growth.target = Some(80);
        let mut share = row(Indicator::MkbAandeelPct, Value::Pct(Ratio::new(2, 4)));
        share.status = CellStatus::Secondary;
        let mut missing = row(Indicator::Bedrijven, Value::Count(0));
        missing.level = Level::Pps;
        missing.status = CellStatus::Missing;
        missing.target = Some(7);
        missing.realisation = Ratio::new(0, 7);
        missing.growth = Ratio::new(-2, 2);
        let mut hidden_realisation = row(Indicator::Studenten, Value::Count(30));
        hidden_realisation.target = Some(60);
        hidden_realisation.realisation = Ratio::new(3, 60);
        hidden_realisation.realisation_hidden = true;
        hidden_realisation.growth = Ratio::new(1, 2);
        assert_eq!(
            written(&[small, hidden_growth, share, missing, hidden_realisation]),
            format!(
                "{HEAD}\
                 2026-03,jtd,provincie,PV27,Noord-Holland,werkenden,,5,,,true,C\r\n\
                 2026-03,jtd,provincie,PV27,Noord-Holland,werkzoekenden,40,80,50.0,,false,F\r\n\
                 2026-03,jtd,provincie,PV27,Noord-Holland,mkb_aandeel_pct,,,,,true,C\r\n\
                 2026-03,jtd,pps,PV27,Noord-Holland,bedrijven,,7,,,false,M\r\n\
                 2026-03,jtd,provincie,PV27,Noord-Holland,studenten,30,60,,50.0,false,F\r\n"
            )
        );
    }

    #[test]
    fn text_fields_are_guarded_and_quoted() {
        let mut evil = row(Indicator::PpsActief, Value::Count(1));
        evil.level = Level::Consortium;
        evil.regio_code = "=HYPERLINK(\"x\")".into();
        evil.regio_naam = "=HYPERLINK(\"x\")".into();
        let mut others = Vec::new();
        for (code, naam) in [
            ("+31", "@home"),
            ("-min", "\tTab"),
            ("\rCR", "Komma, en zo"),
            ("a=b", "Gewoon"),
        ] {
            let mut r = row(Indicator::PpsActief, Value::Count(2));
            r.level = Level::Pps;
            r.regio_code = code.into();
            r.regio_naam = naam.into();
            others.push(r);
        }
        let mut rows = vec![evil];
        rows.extend(others);
        assert_eq!(
            written(&rows),
            format!(
                "{HEAD}\
                 2026-03,jtd,consortium,\"'=HYPERLINK(\"\"x\"\")\",\"'=HYPERLINK(\"\"x\"\")\",pps_actief,1,,,,false,F\r\n\
                 2026-03,jtd,pps,'+31,'@home,pps_actief,2,,,,false,F\r\n\
                 2026-03,jtd,pps,'-min,'\tTab,pps_actief,2,,,,false,F\r\n\
                 2026-03,jtd,pps,\"'\rCR\",\"Komma, en zo\",pps_actief,2,,,,false,F\r\n\
                 2026-03,jtd,pps,a=b,Gewoon,pps_actief,2,,,,false,F\r\n"
            )
        );
    }

    #[test]
    fn percentages_round_half_away_from_zero() {
        let cases = [
            (Ratio::new(1, 8), "12.5"),
            (Ratio::new(1, 16), "6.3"),
            (Ratio::new(-1, 16), "-6.3"),
            (Ratio::new(2, 3), "66.7"),
            (Ratio::new(1, 2000), "0.1"),
            (Ratio::new(-1, 2001), "0.0"),
            (Ratio::new(0, 7), "0.0"),
            (Ratio::new(3, 1), "300.0"),
            (Ratio::new(5, 0), ""),
        ];
        for (ratio, want) in cases {
            let mut r = row(Indicator::Bedrijven, Value::Count(10));
            r.growth = ratio;
            let text = written(&[r]);
            let fields: Vec<&str> = text.lines().nth(1).unwrap().split(',').collect();
            assert_eq!(fields[9], want, "{ratio:?}");
        }
    }
}
