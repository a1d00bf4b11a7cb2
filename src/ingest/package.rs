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
//!
//! Some numbers in a package are believed by the reader before it reads
//! what they count: the `uniqueCount` of the shared strings (calamine
//! reserves that many strings at once, and an allocation that fails
//! aborts the process, which no panic guard can catch). Those are checked
//! here against what the part can hold.

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
    /// Worksheet parts (`xl/worksheets/…`) and the largest one's size: a
    /// workbook whose sheet list names one part many times makes the
    /// reader parse that part once per name.
    pub sheet_parts: usize,
    pub largest_sheet_part: u64,
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
    let mut shared_strings = Vec::new();
    let (mut content, mut mimetype, mut xlsx) = (false, false, false);
    let (mut sheet_parts, mut largest_sheet_part) = (0usize, 0u64);
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
        if entry
            .name()
            .is_ok_and(|n| n.to_ascii_lowercase().ends_with("sharedstrings.xml"))
        {
            shared_strings.push(i);
        }
        if entry
            .name()
            .is_ok_and(|n| n.to_ascii_lowercase().starts_with("xl/worksheets/"))
        {
            sheet_parts += 1;
            largest_sheet_part = largest_sheet_part.max(entry.size());
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
    for i in shared_strings {
        if let Ok(entry) = archive.by_index(i) {
            let (name, size) = (entry_name(&entry), entry.size());
            check_unique_count(entry, &name, size, limits)?;
        }
    }
    for i in large {
        if let Ok(entry) = archive.by_index(i) {
            let name = entry_name(&entry);
            scan_part(entry, &name, limits)?;
        }
    }
    Ok(Contents {
        ods: content && mimetype,
        xlsx,
        sheet_parts,
        largest_sheet_part,
    })
}

/// An entry's name as text for messages (empty when it is not readable).
fn entry_name<R: Read>(entry: &zip::read::ZipFile<'_, R>) -> String {
    entry
        .name()
        .map(std::borrow::Cow::into_owned)
        .unwrap_or_default()
}

/// The shortest shared string, `<si/>`.
const MIN_SHARED_STRING_BYTES: u64 = 5;

/// The `uniqueCount` of the first `<sst>` start tag (where calamine takes
/// it from) must be a plain number no larger than the part can hold and
/// than the cells limit; the reader reserves room for that many strings
/// before reading one.
fn check_unique_count(
    part: impl Read,
    name: &str,
    size: u64,
    limits: &Limits,
) -> Result<(), Refused> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(std::io::BufReader::new(part));
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.local_name().as_ref() == "sst" => {
                let can_hold = (size / MIN_SHARED_STRING_BYTES).min(limits.max_cells);
                // Every `uniqueCount`, also a repeated one, also one that is
                // not well-formed (`with_checks(false)`).
                for attribute in e.attributes().with_checks(false).flatten() {
                    if attribute.key.as_ref() != "uniqueCount" {
                        continue;
                    }
                    let raw = attribute.value;
                    if !matches!(raw.parse::<u64>(), Ok(n) if n <= can_hold) {
                        return Err(Refused(format!(
                            "onderdeel '{}' meldt {} verschillende teksten, meer dan het kan bevatten of dan de grens van {} (het bestand is beschadigd of gemaakt om het leesprogramma te laten vastlopen)",
                            crate::model::cut_text(name),
                            crate::model::cut_text(&super::workbook::printable(&raw)),
                            dutch_number(can_hold)
                        )));
                    }
                }
                return Ok(());
            }
            // The end, or broken XML: the reader says so in its own words.
            Ok(Event::Eof) | Err(_) => return Ok(()),
            Ok(_) => {}
        }
    }
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
