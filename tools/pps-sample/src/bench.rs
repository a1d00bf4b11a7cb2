//! `bench`: a large synthetic input for benchmarks (not committed).
//!
//! Takes a partnership count, a month count and the region reference; writes
//! a register workbook, a targets workbook and one counts workbook per
//! partnership (header in row 1, months ending at 2026-10), in parallel.
//! Every row is valid, so a run over it measures the happy path.

use std::path::PathBuf;
use std::time::Instant;

use pps_monitor::schema::{CountColumn, Measure, RegisterColumn, TableColumn, TargetColumn};
use rayon::prelude::*;

use crate::month::{Month, PeriodText};
use crate::regions;
use crate::rng::Rng;
use crate::sheet::{self, Cell, DateFmt, Sheet};

const SEED: u64 = 0xBE4C_2026;
const LAST: Month = Month::new(2026, 10);
const SECTORS: [&str; 5] = [
    "Zorg en welzijn",
    "Techniek en maakindustrie",
    "Energie en installatietechniek",
    "ICT en digitalisering",
    "Logistiek",
];

#[derive(Debug)]
pub struct Options {
    pub partnerships: usize,
    pub months: u32,
    pub out: PathBuf,
    pub regions: PathBuf,
}

/// The header row of a table, as declared.
fn header<C: TableColumn>() -> Vec<Cell> {
    C::all().iter().map(|c| Cell::text(c.spec().name)).collect()
}

fn id(i: usize) -> String {
    format!("B-{i:05}")
}

pub fn run(opts: &Options) -> Result<(), String> {
    if opts.partnerships == 0 || opts.months == 0 {
        return Err("--partnerships and --months must be at least 1".into());
    }
    let started = Instant::now();
    let munis = regions::read(&opts.regions)?;
    let first = LAST.plus(1 - opts.months as i32);
    let date = |m: Month| Cell::Date {
        y: m.year as u16,
        m: m.month as u8,
        d: 1,
        fmt: DateFmt::DayMonthYear,
    };

    let register = || -> Result<(), String> {
        let mut rng = Rng::new(SEED);
        let mut s = Sheet::new("Register");
        s.push_bold(header::<RegisterColumn>());
        for i in 0..opts.partnerships {
            let muni = &munis[rng.below(munis.len())];
            let cells = RegisterColumn::ALL.map(|c| match c {
                RegisterColumn::PpsId => Cell::text(id(i)),
                RegisterColumn::Naam => Cell::text(format!("Benchpartnerschap {} {i}", muni.name)),
                RegisterColumn::Consortium if i % 5 == 4 => Cell::Empty,
                RegisterColumn::Consortium => Cell::text(format!("Consortium {:03}", i / 25)),
                RegisterColumn::GemeenteCode => Cell::text(&muni.code),
                RegisterColumn::Startdatum => date(first),
                RegisterColumn::Einddatum => Cell::Empty,
                RegisterColumn::Sector => Cell::text(SECTORS[i % SECTORS.len()]),
            });
            s.push(cells.to_vec());
        }
        let path = opts.out.join("pps_register.xlsx");
        sheet::write_file(
            &path,
            &sheet::xlsx_bytes(&[s]).map_err(|e| sheet::xlsx_msg(&path, &e))?,
        )
    };

    let targets = || -> Result<(), String> {
        let mut rng = Rng::new(SEED + 1);
        let mut s = Sheet::new("Streefwaarden");
        s.push_bold(header::<TargetColumn>());
        for i in 0..opts.partnerships {
            for year in first.year.max(LAST.year - 2)..=LAST.year {
                for (ind, base) in [
                    ("studenten_bol", 150.0),
                    ("werkenden", 90.0),
                    ("deelnemers", 300.0),
                    ("bedrijven", 60.0),
                ] {
                    let value = (base * rng.range(0.5, 1.5)).round() as i64;
                    let cells = TargetColumn::ALL.map(|c| match c {
                        TargetColumn::PpsId => Cell::text(id(i)),
                        TargetColumn::Jaar => Cell::Int(i64::from(year)),
                        TargetColumn::Indicator => Cell::text(ind),
                        TargetColumn::Streefwaarde => Cell::Int(value),
                    });
                    s.push(cells.to_vec());
                }
            }
        }
        let path = opts.out.join("streefwaarden.xlsx");
        sheet::write_file(
            &path,
            &sheet::xlsx_bytes(&[s]).map_err(|e| sheet::xlsx_msg(&path, &e))?,
        )
    };

    let counts = || -> Result<(), String> {
        (0..opts.partnerships).into_par_iter().try_for_each(|i| {
            let mut rng = Rng::stream(SEED, i as u64);
            let size = rng.range(0.1, 1.0);
            let mut s = Sheet::new("Blad1");
            s.push_bold(header::<CountColumn>());
            let mut companies = 5.0 + 40.0 * size;
            for m in first.through(LAST) {
                companies += rng.range(-0.5, 1.5);
                let total = companies.round().max(1.0) as i64;
                let sme = (total as f64 * rng.range(0.7, 0.9)).round() as i64;
                // Drawn in column order, one number per cell.
                let cells = CountColumn::ALL.map(|c| match c {
                    CountColumn::PpsId => Cell::text(id(i)),
                    CountColumn::Periode if i % 2 == 0 => Cell::Text(m.spell(PeriodText::Iso)),
                    CountColumn::Periode => date(m),
                    CountColumn::Measure(measure) => Cell::Int(match measure {
                        Measure::StudentenBol => rng.count(25.0 * size),
                        Measure::StudentenBbl => rng.count(6.0 * size),
                        Measure::Werkenden => rng.count(12.0 * size),
                        Measure::Werkzoekenden => rng.count(4.0 * size),
                        Measure::Bedrijven => total,
                        Measure::BedrijvenMkb => sme,
                    }),
                });
                s.push(cells.to_vec());
            }
            let path = opts
                .out
                .join("aanleveringen")
                .join(format!("{}.xlsx", id(i)));
            sheet::write_file(
                &path,
                &sheet::xlsx_bytes(&[s]).map_err(|e| sheet::xlsx_msg(&path, &e))?,
            )
        })
    };

    let ((r, t), c) = rayon::join(|| rayon::join(register, targets), counts);
    r?;
    t?;
    c?;
    eprintln!(
        "bench: {} partnerships x {} months ({first}..{LAST}) -> {} in {:.2} s",
        opts.partnerships,
        opts.months,
        opts.out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
