//! The zip package of an xlsx or ods file, checked before a spreadsheet
//! reader opens it.
//!
//! Takes the file's bytes; refuses a package whose entries would
//! decompress to more than the configured limit, that has an absurd number
//! of entries, or whose large XML parts hold something no office suite
//! writes (a text or tag of megabytes, millions of shared strings). The
//! sizes come from the zip central directory through the same `zip` crate
//! the readers use, and that crate stops decompressing an entry at its
//! declared size, so the check bounds what the reader can inflate.

use std::io::{Cursor, Read};

use super::limits::{Limits, Refused, dutch_number};

/// More entries than any workbook has (a sheet, a drawing or an image
/// each): the central directory alone would cost memory.
const MAX_ENTRIES: usize = 10_000;
/// Parts larger than this are scanned before the reader sees them.
const SCAN_ABOVE: u64 = 16 << 20;
/// The longest stretch between two `<` in a scanned part: far beyond a
/// cell's 32,767 characters, far below what would exhaust memory when a
/// reader buffers one XML event.
const MAX_EVENT_BYTES: u64 = 4 << 20;

/// What a package looks like inside.
#[derive(Clone, Copy, Debug)]
pub struct Contents {
    /// Has `content.xml` and `mimetype`: OpenDocument.
    pub ods: bool,
    /// Has `xl/workbook.xml` or `[Content_Types].xml`: Office Open XML.
    pub xlsx: bool,
}

/// Checks the package; `Ok` means the readers may open it.
pub fn check(bytes: &[u8], limits: &Limits) -> Result<Contents, Refused> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        Refused(format!(
            "het bestand is geen geldig xlsx- of ods-bestand (technisch: {e})"
        ))
    })?;
    if archive.len() > MAX_ENTRIES {
        return Err(Refused(format!(
            "het bestand bestaat uit meer dan {} onderdelen",
            dutch_number(MAX_ENTRIES as u64)
        )));
    }
    let mut total: u64 = 0;
    let mut large = Vec::new();
    let (mut content, mut mimetype, mut xlsx) = (false, false, false);
    for i in 0..archive.len() {
        let Ok(entry) = archive.by_index_raw(i) else {
            continue;
        };
        match entry.name().as_deref() {
            Ok("content.xml") => content = true,
            Ok("mimetype") => mimetype = true,
            Ok("xl/workbook.xml" | "[Content_Types].xml") => xlsx = true,
            _ => {}
        }
        total = total.saturating_add(entry.size());
        if entry.size() > SCAN_ABOVE {
            large.push(i);
        }
    }
    if total > limits.max_package_bytes {
        return Err(Refused(format!(
            "het bestand is uitgepakt groter dan {} MB (de grens per xlsx- of ods-bestand)",
            dutch_number(limits.max_package_bytes / 1_000_000)
        )));
    }
    for i in large {
        let Ok(entry) = archive.by_index(i) else {
            continue;
        };
        let name = entry
            .name()
            .map(std::borrow::Cow::into_owned)
            .unwrap_or_default();
        scan_part(entry, &name, limits)?;
    }
    Ok(Contents {
        ods: content && mimetype,
        xlsx,
    })
}

/// Streams one large part: no stretch between two `<` longer than
/// [`MAX_EVENT_BYTES`]; shared strings no more than the cells limit.
fn scan_part(mut part: impl Read, name: &str, limits: &Limits) -> Result<(), Refused> {
    let shared_strings = name.ends_with("sharedStrings.xml");
    let mut buf = vec![0u8; 1 << 16];
    let mut since_lt: u64 = 0;
    let mut strings: u64 = 0;
    loop {
        let n = match part.read(&mut buf) {
            Ok(n) if n > 0 => n,
            // The end, or a broken entry: the reader will say so in its
            // own words.
            _ => return Ok(()),
        };
        for (i, &b) in buf[..n].iter().enumerate() {
            if b == b'<' {
                since_lt = 0;
                if shared_strings {
                    let next = |k: usize| buf[..n].get(i + k).copied();
                    if next(1) == Some(b's')
                        && next(2) == Some(b'i')
                        && matches!(next(3), Some(b'>' | b' ' | b'/'))
                    {
                        strings += 1;
                    }
                }
            } else {
                since_lt += 1;
                if since_lt > MAX_EVENT_BYTES {
                    return Err(Refused(format!(
                        "onderdeel '{name}' bevat een tekst of kenmerk van meer dan {} MB, dat maakt geen rekenblad",
                        MAX_EVENT_BYTES >> 20
                    )));
                }
            }
        }
        // A `<si>` split over two chunks is not counted: at most one per
        // 64 KB, which the limit can afford.
        if strings > limits.max_cells {
            return Err(Refused(format!(
                "het bestand bevat meer dan {} verschillende teksten (de grens is die van de cellen per blad)",
                dutch_number(limits.max_cells)
            )));
        }
    }
}
