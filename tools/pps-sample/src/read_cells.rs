//! `read-cells`: the benchmark baseline. Opens every workbook below a folder
//! with calamine and reads every cell of every sheet, in parallel across
//! files, and reports how long that took. Whatever `pps-monitor` does on top
//! of this is its own cost.

use std::path::Path;
use std::time::Instant;

use calamine::{Data, Reader, open_workbook_auto};
use rayon::prelude::*;

use crate::workbooks;

#[derive(Debug, Default, Clone, Copy)]
struct Totals {
    sheets: usize,
    cells: usize,
    filled: usize,
    unreadable: usize,
}

impl std::ops::Add for Totals {
    type Output = Totals;
    fn add(self, o: Totals) -> Totals {
        Totals {
            sheets: self.sheets + o.sheets,
            cells: self.cells + o.cells,
            filled: self.filled + o.filled,
            unreadable: self.unreadable + o.unreadable,
        }
    }
}

fn read_all(path: &Path) -> Totals {
    let mut t = Totals::default();
    let Ok(mut wb) = open_workbook_auto(path) else {
        t.unreadable = 1;
        return t;
    };
    for name in wb.sheet_names() {
        let Ok(range) = wb.worksheet_range(&name) else {
            t.unreadable = 1;
            continue;
        };
        t.sheets += 1;
        for cell in range.cells() {
            t.cells += 1;
            if !matches!(cell.2, Data::Empty) {
                t.filled += 1;
            }
        }
    }
    t
}

pub fn run(dir: &Path) -> Result<(), String> {
    let started = Instant::now();
    let mut files = workbooks::find(dir)?;
    // The largest first, a few files at a time: the same schedule as
    // pps-monitor's ingest, so that neither is left with one thread reading
    // a large file or a long stretch of files alone at the end.
    files.sort_by_cached_key(|f| std::cmp::Reverse(f.metadata().map_or(0, |m| m.len())));
    let t = files
        .par_iter()
        .with_max_len(4)
        .map(|f| read_all(f))
        .reduce(Totals::default, |a, b| a + b);
    println!(
        "files: {}, sheets: {}, cells: {} ({} non-empty), unreadable: {}, threads: {}, elapsed: {:.3} s",
        files.len(),
        t.sheets,
        t.cells,
        t.filled,
        t.unreadable,
        rayon::current_num_threads(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
