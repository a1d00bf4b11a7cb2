//! The partnerships of the sample: who they are, where, since when, how
//! large, and how their register row is typed.

use pps_monitor::schema::{RegisterColumn, TableColumn};

use crate::month::Month;
use crate::sheet::{Cell, DateFmt, Sheet};

use super::LAST;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Consortium {
    HealthNoord,
    DigitalIndustryBoost,
    GreenTechCampus,
    MraCirculair,
}

impl Consortium {
    pub(super) fn name(self) -> &'static str {
        match self {
            Consortium::HealthNoord => "Health Noord",
            Consortium::DigitalIndustryBoost => "Digital Industry Boost",
            Consortium::GreenTechCampus => "Green Tech Campus MRA",
            Consortium::MraCirculair => "MRA Circulair en Digitaal",
        }
    }
}

pub(super) fn slug(c: Option<Consortium>) -> &'static str {
    match c {
        Some(Consortium::HealthNoord) => "health-noord",
        Some(Consortium::DigitalIndustryBoost) => "digital-industry-boost",
        Some(Consortium::GreenTechCampus) => "green-tech-campus-mra",
        Some(Consortium::MraCirculair) => "mra-circulair-en-digitaal",
        None => "zonder-consortium",
    }
}

/// How the municipality code was typed into the register.
#[derive(Debug, Clone, Copy)]
pub(super) enum CodeCell {
    /// `GM0363`
    Gm,
    /// the number 363
    Number,
    /// the text `0772`
    Padded,
}

#[derive(Debug)]
pub(super) struct Pps {
    pub(super) id: &'static str,
    pub(super) naam: &'static str,
    pub(super) consortium: Option<Consortium>,
    pub(super) gemeente: &'static str,
    pub(super) code_cell: CodeCell,
    pub(super) start: (u16, u8, u8),
    pub(super) end: Option<(u16, u8, u8)>,
    pub(super) sector: &'static str,
    /// Relative size: 1.0 is the largest partnership.
    pub(super) size: f64,
    /// The last month it has sent.
    pub(super) last: Month,
}

impl Pps {
    pub(super) fn start_month(&self) -> Month {
        Month::new(i32::from(self.start.0), u32::from(self.start.1))
    }
}

#[rustfmt::skip]
pub(super) fn partnerships() -> Vec<Pps> {
    use CodeCell::{Gm, Number, Padded};
    use Consortium::{DigitalIndustryBoost as Dib, GreenTechCampus as Gtc, HealthNoord as Hn, MraCirculair as Mcd};
    let p = |id, naam, consortium, gemeente, code_cell, start, sector, size| Pps {
        id, naam, consortium, gemeente, code_cell, start, end: None, sector, size, last: LAST,
    };
    let zorg = "Zorg en welzijn";
    let techniek = "Techniek en maakindustrie";
    let energie = "Energie en installatietechniek";
    let bouw = "Bouw en circulaire economie";
    let ict = "ICT en digitalisering";
    vec![
        p("HN-01", "Zorgtechnologie Fryslân", Some(Hn), "GM0080", Gm, (2023, 1, 1), zorg, 0.80),
        p("HN-02", "Slimme Zorg Groningen", Some(Hn), "GM0014", Number, (2023, 2, 1), zorg, 1.00),
        p("HN-03", "Zorginnovatiecentrum Drenthe", Some(Hn), "GM0106", Gm, (2023, 3, 1), zorg, 0.60),
        p("HN-04", "Technologie in de Thuiszorg Emmen", Some(Hn), "GM0114", Gm, (2023, 9, 1), zorg, 0.50),
        p("HN-05", "Zorgcampus Heerenveen", Some(Hn), "GM0074", Gm, (2023, 9, 1), zorg, 0.45),
        p("HN-06", "Digitale Zorg Ommelanden", Some(Hn), "GM1966", Gm, (2024, 1, 1), zorg, 0.15),
        p("HN-07", "Domoticalab Hoogeveen", Some(Hn), "GM0118", Gm, (2024, 2, 1), zorg, 0.35),
        p("HN-08", "Zorg en Techniek Oldambt", Some(Hn), "GM1895", Gm, (2024, 4, 1), zorg, 0.12),
        p("HN-09", "Langer Thuis Súdwest-Fryslân", Some(Hn), "GM1900", Gm, (2025, 6, 1), zorg, 0.30),
        p("DIB-01", "Smart Maintenance Brabant", Some(Dib), "GM0772", Padded, (2023, 1, 1), techniek, 0.90),
        p("DIB-02", "Digitale Maakindustrie Helmond", Some(Dib), "GM0794", Gm, (2023, 4, 1), techniek, 0.60),
        p("DIB-03", "Smart Factory 's-Hertogenbosch", Some(Dib), "GM0796", Gm, (2023, 9, 1), techniek, 0.50),
        p("DIB-04", "Datagedreven Produceren Tilburg", Some(Dib), "GM0855", Gm, (2024, 3, 1), techniek, 0.40),
        p("GTC-01", "Green Tech Lab Zaanstad", Some(Gtc), "GM0479", Gm, (2023, 5, 1), energie, 0.55),
        p("GTC-02", "Duurzame Installatietechniek Haarlemmermeer", Some(Gtc), "GM0394", Gm, (2023, 9, 1), energie, 0.45),
        p("GTC-03", "Energietransitie Almere", Some(Gtc), "GM0034", Gm, (2024, 1, 15), energie, 0.35),
        p("MCD-01", "Circulair Bouwen Amsterdam", Some(Mcd), "GM0363", Number, (2023, 2, 1), bouw, 0.85),
        p("MCD-02", "Digitale Vaardigheden mkb Haarlem", Some(Mcd), "GM0392", Gm, (2023, 9, 1), ict, 0.40),
        p("MCD-03", "Circulaire Maakindustrie Purmerend", Some(Mcd), "GM0439", Gm, (2024, 9, 1), bouw, 0.25),
        p("PPS-ROT", "Haven en Logistiek Rotterdam", None, "GM0599", Number, (2023, 1, 1), "Logistiek", 0.95),
        p("PPS-UTR", "Zorg-ICT Utrecht", None, "GM0344", Gm, (2023, 10, 1), ict, 0.50),
        Pps { end: Some((2025, 6, 30)), last: Month::new(2025, 6),
              ..p("PPS-ZWO", "Techniekpact Zwolle", None, "GM0193", Gm, (2023, 6, 1), techniek, 0.30) },
        // Late with its October 2026 submission.
        Pps { last: Month::new(2026, 9),
              ..p("PPS-MAA", "Grensoverschrijdend Leren Maastricht", None, "GM0935", Gm, (2024, 5, 1), zorg, 0.15) },
    ]
}

pub(super) fn register_sheet(pps: &[Pps]) -> Sheet {
    let mut s = Sheet::new("Register");
    s.push_title(
        0,
        RegisterColumn::ALL.len() as u16,
        "Register publiek-private samenwerkingen (PPS), Opschaling PPS mbo",
    );
    s.push(Vec::new());
    s.push_bold(
        RegisterColumn::ALL
            .map(|c| Cell::text(c.spec().name))
            .to_vec(),
    );
    let date = |(y, m, d): (u16, u8, u8)| Cell::Date {
        y,
        m,
        d,
        fmt: DateFmt::DayMonthYear,
    };
    for p in pps {
        let digits = &p.gemeente[2..];
        let cells = RegisterColumn::ALL.map(|c| match c {
            RegisterColumn::PpsId => Cell::text(p.id),
            RegisterColumn::Naam => Cell::text(p.naam),
            RegisterColumn::Consortium => {
                p.consortium.map_or(Cell::Empty, |c| Cell::text(c.name()))
            }
            RegisterColumn::GemeenteCode => match p.code_cell {
                CodeCell::Gm => Cell::text(p.gemeente),
                CodeCell::Number => Cell::Int(digits.parse().expect("digits")),
                CodeCell::Padded => Cell::text(digits),
            },
            RegisterColumn::Startdatum => date(p.start),
            RegisterColumn::Einddatum => p.end.map_or(Cell::Empty, date),
            RegisterColumn::Sector => Cell::text(p.sector),
        });
        s.push(cells.to_vec());
    }
    s
}
