//! The guard in front of calamine's `.xls` reader.
//!
//! An `.xls` is a compound file (CFB): sectors chained by a table, holding a
//! `Workbook` stream of BIFF records. calamine trusts those chains and
//! records: a chain that loops grows a buffer without end, a DIMENSIONS
//! record that claims 4 billion rows makes it reserve terabytes, and each
//! sheet becomes a dense rectangle. An allocation failure aborts the
//! process (no `catch_unwind` can stop it), so this guard checks, before
//! calamine sees the file: the header, that every chain calamine follows
//! stays inside the file and never loops, and every sheet's rectangle of
//! cells against the cells limit. It returns a copy of the file with the
//! DIMENSIONS records blanked (calamine then reserves nothing up front).

use super::limits::{Limits, Refused, dutch_number};

const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const DIFAT_SECTOR: u32 = 0xFFFF_FFFC;

fn u16_at(b: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(i..i + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], i: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(i..i + 4)?.try_into().ok()?))
}

fn broken(what: &str) -> Refused {
    Refused(format!(
        "het .xls-bestand is beschadigd of afgebroken (technisch: {what})"
    ))
}

/// Where each stretch of a stream lies in the file: `(file offset, length)`.
type Pieces = Vec<(usize, usize)>;

struct Compound<'a> {
    bytes: &'a [u8],
    sector: usize,
    fat: Vec<u32>,
}

impl Compound<'_> {
    /// Sectors that start inside the file.
    fn sectors(&self) -> usize {
        (self.bytes.len().saturating_sub(self.sector)).div_ceil(self.sector)
    }

    fn offset(&self, id: u32) -> usize {
        (id as usize + 1) * self.sector
    }

    /// Follows a chain of regular sectors from `start` until `len` bytes
    /// are covered or the chain ends; refuses loops and sectors outside
    /// the file or the table.
    fn chain(&self, start: u32, len: usize, what: &str) -> Result<Pieces, Refused> {
        let mut pieces = Vec::new();
        let mut seen = vec![false; self.sectors()];
        let mut id = start;
        let mut covered = 0usize;
        while id != END_OF_CHAIN && covered < len {
            let i = id as usize;
            if i >= seen.len() || seen[i] {
                return Err(broken(&format!("{what}: sector {id}")));
            }
            seen[i] = true;
            let offset = self.offset(id);
            // Counted as calamine counts: the bytes a sector really has
            // (the last one of a truncated file has fewer).
            let available = self.bytes.len().saturating_sub(offset).min(self.sector);
            let taken = available.min(len - covered);
            if taken == 0 {
                return Err(broken(&format!("{what}: sector {id}")));
            }
            pieces.push((offset, taken));
            covered += taken;
            if covered < len {
                id = *self
                    .fat
                    .get(i)
                    .ok_or_else(|| broken(&format!("{what}: sector {id}")))?;
            }
        }
        Ok(pieces)
    }
}

fn gather(bytes: &[u8], pieces: &Pieces) -> Vec<u8> {
    let mut out = Vec::with_capacity(pieces.iter().map(|p| p.1).sum());
    for &(offset, len) in pieces {
        out.extend_from_slice(&bytes[offset..offset + len]);
    }
    out
}

/// Checks the file and returns it with its DIMENSIONS records blanked.
pub fn guard(bytes: &[u8], limits: &Limits) -> Result<Vec<u8>, Refused> {
    if bytes.len() < 512 || !bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return Err(broken("geen compound file"));
    }
    let sector = match u16_at(bytes, 30) {
        Some(9) => 512,
        Some(12) => 4096,
        _ => return Err(broken("sectorgrootte")),
    };
    if bytes.len() < sector {
        return Err(broken("korter dan één sector"));
    }
    let mut compound = Compound {
        bytes,
        sector,
        fat: Vec::new(),
    };
    let n = compound.sectors();
    // The table's own sectors: 109 in the header, then a chain of DIFAT
    // sectors (calamine takes the last entry of each as the next one).
    let mut difat: Vec<u32> = (0..109).filter_map(|i| u32_at(bytes, 76 + i * 4)).collect();
    let mut id = u32_at(bytes, 68).unwrap_or(END_OF_CHAIN);
    let mut hops = 0;
    while id < DIFAT_SECTOR {
        hops += 1;
        if id as usize >= n || hops > n {
            return Err(broken("DIFAT"));
        }
        let offset = compound.offset(id);
        let end = (offset + sector).min(bytes.len());
        difat.extend((offset..end).step_by(4).filter_map(|o| u32_at(bytes, o)));
        id = difat.pop().unwrap_or(END_OF_CHAIN);
    }
    let mut fat = Vec::new();
    for id in difat.into_iter().filter(|id| *id < DIFAT_SECTOR) {
        if id as usize >= n {
            return Err(broken("FAT"));
        }
        let offset = compound.offset(id);
        let end = (offset + sector).min(bytes.len());
        fat.extend((offset..end).step_by(4).filter_map(|o| u32_at(bytes, o)));
        if fat.len() > n + sector {
            return Err(broken("FAT groter dan het bestand"));
        }
    }
    compound.fat = fat;

    let directory = gather(
        bytes,
        &compound.chain(u32_at(bytes, 48).unwrap_or(0), usize::MAX, "map")?,
    );
    let entries: Vec<&[u8]> = directory.chunks_exact(128).collect();
    let root = entries.first().ok_or_else(|| broken("lege map"))?;
    let mini_fat_sectors = u32_at(bytes, 64).unwrap_or(0) as usize;
    let (mini_fat, mini_stream) = if mini_fat_sectors > 0 {
        let root_start = u32_at(root, 116).unwrap_or(END_OF_CHAIN);
        let root_len = u32_at(root, 120).unwrap_or(0) as usize;
        let stream = compound.chain(root_start, root_len, "ministream")?;
        let table = gather(
            bytes,
            &compound.chain(
                u32_at(bytes, 60).unwrap_or(END_OF_CHAIN),
                mini_fat_sectors.saturating_mul(sector),
                "mini-FAT",
            )?,
        );
        let table: Vec<u32> = table.chunks_exact(4).filter_map(|c| u32_at(c, 0)).collect();
        (table, stream)
    } else {
        (Vec::new(), Vec::new())
    };

    // The stream calamine reads: `Workbook`, else `Book` (any case).
    let named = |name: &str| {
        entries.iter().find(|e| {
            let chars = (u16_at(e, 64).unwrap_or(0) as usize / 2).clamp(1, 32) - 1;
            let units: Vec<u16> = (0..chars).filter_map(|i| u16_at(e, i * 2)).collect();
            String::from_utf16_lossy(&units).eq_ignore_ascii_case(name)
        })
    };
    let entry = named("Workbook")
        .or_else(|| named("Book"))
        .ok_or_else(|| broken("geen Workbook-stroom"))?;
    let start = u32_at(entry, 116).unwrap_or(END_OF_CHAIN);
    let len = u32_at(entry, 120).unwrap_or(0) as usize;
    let pieces = if len < 4096 {
        mini_chain(&mini_fat, &mini_stream, start, len)?
    } else {
        compound.chain(start, len, "Workbook")?
    };
    let stream = gather(bytes, &pieces);
    let (blank, sheets) = scan_biff(&stream)
        .map_err(|()| broken("bladen buiten of over elkaar in de Workbook-stroom"))?;
    for (area, _) in &sheets {
        if *area > limits.max_cells {
            return Err(Refused(format!(
                "een blad van het .xls-bestand beslaat een rechthoek van meer dan {} cellen (.xls-bladen worden als volledige rechthoek gelezen; sla het bestand op als .xlsx)",
                dutch_number(limits.max_cells)
            )));
        }
    }
    let mut out = bytes.to_vec();
    let starts = piece_starts(&pieces);
    for (start, len) in blank {
        for at in start..start + len {
            if let Some(offset) = file_offset(&pieces, &starts, at) {
                out[offset] = 0;
            }
        }
    }
    Ok(out)
}

/// A chain of 64-byte mini sectors inside the mini stream.
fn mini_chain(table: &[u32], stream: &Pieces, start: u32, len: usize) -> Result<Pieces, Refused> {
    let mut pieces = Vec::new();
    let starts = piece_starts(stream);
    let mut seen = vec![false; table.len()];
    let mut id = start;
    let mut covered = 0;
    while id != END_OF_CHAIN && covered < len {
        let i = id as usize;
        if i >= table.len() || seen[i] {
            return Err(broken(&format!("mini-sector {id}")));
        }
        seen[i] = true;
        for at in i * 64..(i * 64 + 64).min(i * 64 + len - covered) {
            let offset = file_offset(stream, &starts, at).ok_or_else(|| broken("ministream"))?;
            match pieces.last_mut() {
                Some((o, l)) if *o + *l == offset => *l += 1,
                _ => pieces.push((offset, 1)),
            }
        }
        covered += 64;
        id = table[i];
    }
    Ok(pieces)
}

/// The stream offset at which each piece starts.
fn piece_starts(pieces: &Pieces) -> Vec<usize> {
    pieces
        .iter()
        .scan(0, |at, p| {
            let start = *at;
            *at += p.1;
            Some(start)
        })
        .collect()
}

/// The file offset of byte `at` of a stream (`starts` from
/// [`piece_starts`]).
fn file_offset(pieces: &Pieces, starts: &[usize], at: usize) -> Option<usize> {
    let piece = starts.partition_point(|s| *s <= at).checked_sub(1)?;
    let (offset, len) = *pieces.get(piece)?;
    let within = at - starts[piece];
    (within < len).then_some(offset + within)
}

/// BIFF records of the workbook stream, framed as calamine frames them.
fn records(stream: &[u8], from: usize) -> impl Iterator<Item = (usize, u16, &[u8])> {
    let mut pos = from;
    std::iter::from_fn(move || {
        let typ = u16_at(stream, pos)?;
        let len = u16_at(stream, pos + 2)? as usize;
        let data = stream.get(pos + 4..pos + 4 + len)?;
        let at = pos;
        pos += 4 + len;
        Some((at, typ, data))
    })
}

/// What the BIFF scan found: the DIMENSIONS records to blank (stream offset
/// of their data, length), and per sheet the area of the rectangle calamine
/// will allocate and its number of cells.
type Scan = (Vec<(usize, usize)>, Vec<(u64, u64)>);

/// `Err` when a sheet starts outside the stream, or the sheets overlap so
/// much that reading them would take far longer than reading the stream
/// once.
fn scan_biff(stream: &[u8]) -> Result<Scan, ()> {
    let positions: Vec<usize> = records(stream, 0)
        .filter(|(_, typ, data)| *typ == 0x0085 && data.len() >= 4)
        .filter_map(|(_, _, data)| u32_at(data, 0).map(|p| p as usize))
        .collect();
    let mut blank = Vec::new();
    let mut sheets = Vec::new();
    // calamine reads every sheet from its position to its EOF record; in
    // an honest file those stretches do not overlap. Sheets that all
    // point at one long stretch would make that work quadratic.
    let mut budget = stream.len().saturating_mul(2).saturating_add(1 << 20);
    for pos in positions {
        if pos > stream.len() {
            // calamine would slice the stream there (and panic).
            return Err(());
        }
        let (mut rows, mut cols) = ((u32::MAX, 0u32), (u32::MAX, 0u32));
        let mut cells = 0u64;
        let mut seen_bof = false;
        let mut depth = 0usize;
        let mut cover = |row: u32, first: u32, last: u32| {
            rows = (rows.0.min(row), rows.1.max(row));
            cols = (cols.0.min(first), cols.1.max(last));
        };
        for (at, typ, data) in records(stream, pos) {
            budget = budget.saturating_sub(4 + data.len());
            if budget == 0 {
                return Err(());
            }
            if depth > 0 {
                match typ {
                    0x0809 => depth += 1,
                    0x000A => depth -= 1,
                    _ => {}
                }
                continue;
            }
            let row = u32::from(u16_at(data, 0).unwrap_or(0));
            let col = u32::from(u16_at(data, 2).unwrap_or(0));
            match typ {
                0x0809 if seen_bof => depth += 1,
                0x0809 => seen_bof = true,
                0x000A => break,
                0x0200 => blank.push((at + 4, data.len())),
                0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 if data.len() >= 4 => {
                    cells += 1;
                    cover(row, col, col);
                }
                0x00BD if data.len() >= 6 => {
                    let n = ((data.len() - 6) / 6) as u32;
                    cells += u64::from(n);
                    cover(row, col, col + n.saturating_sub(1));
                }
                _ => {}
            }
        }
        let area = if cells == 0 {
            0
        } else {
            u64::from(rows.1 - rows.0 + 1) * u64::from(cols.1 - cols.0 + 1)
        };
        sheets.push((area, cells));
    }
    Ok((blank, sheets))
}
