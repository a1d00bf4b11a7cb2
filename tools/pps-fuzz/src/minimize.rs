//! Shrinks a crashing file while it keeps crashing the same way.
//!
//! Every attempt runs in a worker ([`crate::pool::Single`]), so attempts
//! that abort cost a restart, not the minimiser. For a zip package the
//! entries are first dropped one at a time, then each remaining entry's
//! content is shrunk by removing ever smaller chunks (delta debugging on
//! one entry, re-zipped stored); when re-zipping loses the crash (it
//! depended on a broken header), and for every other file, the raw bytes
//! are shrunk the same way. Attempts are capped by a budget.

use std::io::{Cursor, Read, Write};
use std::path::Path;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use crate::pool::Single;

/// Shrinks `original` (named `name`, which keeps the reader); returns the
/// smallest bytes with the same signature and the number of attempts.
pub fn minimize(
    single: &mut Single,
    scratch: &Path,
    name: &str,
    original: &[u8],
    signature: &str,
    budget: usize,
) -> Result<(Vec<u8>, usize), String> {
    let path = scratch.join(name);
    let mut attempts = 0usize;
    let mut same = |bytes: &[u8], attempts: &mut usize| -> Result<bool, String> {
        *attempts += 1;
        std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(single.run(&path)?.signature == signature)
    };
    let mut best = original.to_vec();
    if let Some(mut entries) = unzip(original)
        && let Some(zipped) = zip_stored(&entries)
        && same(&zipped, &mut attempts)?
    {
        best = zipped;
        let mut i = 0;
        while i < entries.len() && attempts < budget {
            let mut fewer = entries.clone();
            fewer.remove(i);
            match zip_stored(&fewer) {
                Some(z) if same(&z, &mut attempts)? => {
                    entries = fewer;
                    best = z;
                }
                _ => i += 1,
            }
        }
        let mut order: Vec<usize> = (0..entries.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(entries[i].1.len()));
        for i in order {
            let content = entries[i].1.clone();
            let shrunk = ddmin(&content, budget, &mut attempts, |candidate, attempts| {
                let mut trial = entries.clone();
                trial[i].1 = candidate.to_vec();
                match zip_stored(&trial) {
                    Some(z) => same(&z, attempts),
                    None => Ok(false),
                }
            })?;
            entries[i].1 = shrunk;
            if let Some(z) = zip_stored(&entries) {
                best = z;
            }
        }
        let _ = std::fs::remove_file(&path);
        return Ok((best, attempts));
    }
    best = ddmin(&best, budget, &mut attempts, |candidate, attempts| {
        same(candidate, attempts)
    })?;
    let _ = std::fs::remove_file(&path);
    Ok((best, attempts))
}

/// Removes chunks of halving size while `keeps` holds.
fn ddmin(
    data: &[u8],
    budget: usize,
    attempts: &mut usize,
    mut keeps: impl FnMut(&[u8], &mut usize) -> Result<bool, String>,
) -> Result<Vec<u8>, String> {
    let mut best = data.to_vec();
    let mut chunk = best.len().div_ceil(2);
    while chunk >= 1 && *attempts < budget {
        let mut at = 0;
        while at < best.len() && *attempts < budget {
            let end = (at + chunk).min(best.len());
            let mut candidate = best[..at].to_vec();
            candidate.extend_from_slice(&best[end..]);
            if keeps(&candidate, attempts)? {
                best = candidate;
            } else {
                at += chunk;
            }
        }
        if chunk == 1 {
            break;
        }
        chunk /= 2;
    }
    Ok(best)
}

fn unzip(bytes: &[u8]) -> Option<Vec<(String, Vec<u8>)>> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut entries = Vec::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).ok()?;
        let name = file.name().ok()?.into_owned();
        let mut data = Vec::new();
        file.by_ref().take(64 << 20).read_to_end(&mut data).ok()?;
        entries.push((name, data));
    }
    Some(entries)
}

fn zip_stored(entries: &[(String, Vec<u8>)]) -> Option<Vec<u8>> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    for (name, data) in entries {
        writer.start_file(name.as_str(), options).ok()?;
        writer.write_all(data).ok()?;
    }
    writer.finish().ok().map(Cursor::into_inner)
}
