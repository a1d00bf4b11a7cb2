//! Deduplication: among rows that break no other rule, the same key with
//! the same values is kept once (the other copies are counted as
//! duplicates); the same key with different values rejects every copy
//! (`duplicate_conflict`).

use super::accounting::Fate;
use super::findings::{Checker, RowRef};
use super::rules::{self, Rule};
use crate::model::Month;

/// A row that broke no rule, waiting for the duplicate check.
pub(super) struct Candidate<'a, K, V> {
    pub(super) key: K,
    pub(super) values: V,
    pub(super) row: RowRef<'a>,
}

impl<'a> Checker<'a> {
    /// Keeps one copy of identical keys (the rest are duplicates) and
    /// rejects every copy of a key whose values differ.
    pub(super) fn deduplicate<K: Ord, V: PartialEq>(
        &mut self,
        mut candidates: Vec<Candidate<'a, K, V>>,
        describe: impl Fn(&K) -> String,
        key_context: impl Fn(&K) -> (Option<String>, Option<Month>),
    ) -> Vec<Candidate<'a, K, V>> {
        // A stable sort keeps the copies of one key in file order, so the
        // first copy read is the one kept.
        candidates.sort_by(|a, b| a.key.cmp(&b.key));
        // Decide per group which copy stays, then compact in place: no
        // second list of 100,000s of rows.
        let mut keep = vec![false; candidates.len()];
        let mut start = 0;
        while start < candidates.len() {
            let key = &candidates[start].key;
            let end = start
                + candidates[start..]
                    .iter()
                    .take_while(|c| c.key == *key)
                    .count();
            let copies = &candidates[start..end];
            if copies.iter().all(|c| c.values == copies[0].values) {
                keep[start] = true;
                for extra in &copies[1..] {
                    self.decide(&extra.row, Fate::Duplicate);
                }
            } else {
                let (pps_id, month) = key_context(key);
                for c in copies {
                    let others: Vec<String> = copies
                        .iter()
                        .filter(|o| o.row != c.row)
                        .take(3)
                        .map(|o| o.row.at().to_string())
                        .collect();
                    let (column, raw) = c.row.raw_pps_id();
                    self.reject(
                        &c.row,
                        column,
                        raw,
                        Rule::DuplicateConflict,
                        rules::duplicate_conflict(&describe(key), &others.join(", ")),
                        pps_id.as_ref(),
                        month,
                    );
                }
            }
            start = end;
        }
        let mut decisions = keep.into_iter();
        candidates.retain(|_| decisions.next().unwrap_or(false));
        candidates
    }
}
