//! Row accounting: what became of the rows of each sheet.

use std::collections::HashMap;

use super::findings::Checker;

/// Row accounting of one sheet.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug, serde::Serialize)]
pub struct SheetCount {
    pub read: usize,
    pub accepted: usize,
    pub rejected: usize,
    pub duplicates: usize,
    pub later: usize,
    pub blank: usize,
}

/// Per-sheet accounting from the collected outcomes.
pub(super) fn account(ck: &Checker<'_>) -> Vec<Vec<SheetCount>> {
    let mut rejected: HashMap<(usize, usize), usize> = HashMap::new();
    for place in &ck.rejected {
        if let (Some(s), Some(_)) = (place.sheet, place.row) {
            *rejected.entry((place.file, s)).or_default() += 1;
        }
    }
    ck.ingested
        .files
        .iter()
        .enumerate()
        .map(|(f, file)| {
            file.sheets
                .iter()
                .enumerate()
                .map(|(s, sheet)| {
                    let get =
                        |m: &HashMap<(usize, usize), usize>| m.get(&(f, s)).copied().unwrap_or(0);
                    let read = sheet.read();
                    let (rejected, duplicates, later) =
                        (get(&rejected), get(&ck.duplicates), get(&ck.later));
                    SheetCount {
                        read,
                        accepted: read - rejected - duplicates - later,
                        rejected,
                        duplicates,
                        later,
                        blank: sheet.blank as usize,
                    }
                })
                .collect()
        })
        .collect()
}
