//! Cell values as people really type them: Dutch numbers, a dozen period
//! spellings, dates day-first, municipality codes with or without `GM`.
//!
//! Takes one cell; returns a [`Parsed`] value. Never fails and never
//! panics: what cannot be read is [`Parsed::Bad`], and validation turns that
//! into a `bad_value` finding.

use calamine::Data;
use chrono::NaiveDate;

use crate::ingest::header::normalise;
use crate::model::{DUTCH_MONTHS, DUTCH_MONTHS_SHORT, Indicator, Measure, Month};
use crate::regions::normalise_gemeente_code;

/// The outcome of reading one cell as a typed value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Parsed<T> {
    Value(T),
    /// The cell is empty (or only blanks).
    Empty,
    /// The cell holds something that is not a value of the type.
    Bad,
    /// A number below 0 where only 0 or more is allowed.
    Negative,
    /// A cell that holds something, but not a value we may use.
    Refused(Refusal),
}

/// Why a non-empty cell is not used (each is a `bad_value` with its own
/// message).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// A formula without a stored (cached) result.
    UncachedFormula,
    /// A count above [`MAX_COUNT`].
    TooLarge,
    /// An id with invisible (Unicode format) characters.
    Invisible,
}

/// The largest count accepted: no partnership has more in a month, and it
/// keeps every sum far from overflow.
pub const MAX_COUNT: i64 = 1_000_000;

impl<T> Parsed<T> {
    pub fn value(&self) -> Option<&T> {
        match self {
            Parsed::Value(v) => Some(v),
            _ => None,
        }
    }
}

/// The cell as a user would read it, for the rejects file: text as typed,
/// integral numbers without `.0`, dates as `YYYY-MM-DD`, errors as `#N/A`.
pub fn raw(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Float(f) => format_number(*f),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        Data::DateTime(dt) => {
            let (y, m, d, hh, mm, ss, _) = dt.to_ymd_hms_milli();
            if dt.is_datetime() && (hh, mm, ss) == (0, 0, 0) {
                format!("{y:04}-{m:02}-{d:02}")
            } else if dt.is_datetime() {
                format!("{y:04}-{m:02}-{d:02} {hh:02}:{mm:02}:{ss:02}")
            } else {
                format_number(dt.as_f64())
            }
        }
        Data::Error(e) => e.to_string(),
    }
}

fn format_number(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// Whether a cell counts as blank (empty, or text of only blanks).
pub fn is_blank(cell: &Data) -> bool {
    match cell {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// Free text (ids, names): trimmed; numbers as typed (`101`, not `101.0`).
pub fn text(cell: &Data) -> Parsed<String> {
    match cell {
        Data::Error(_) => Parsed::Bad,
        c if is_blank(c) => Parsed::Empty,
        Data::String(s) => Parsed::Value(s.trim().to_owned()),
        // An ISO date or duration cell of only blanks (a hostile ods) is
        // empty too, never an empty value.
        other => match raw(other).trim() {
            "" => Parsed::Empty,
            t => Parsed::Value(t.to_owned()),
        },
    }
}

/// A count: a whole number ≥ 0. Number cells must be integral; text may use
/// Dutch notation (`1.234` is 1234, `12,0` is 12).
pub fn count(cell: &Data) -> Parsed<i64> {
    match cell {
        Data::Int(i) => sign_checked(*i),
        Data::Float(f) => {
            if f.is_finite() && f.fract() == 0.0 && f.abs() < 9e15 {
                sign_checked(*f as i64)
            } else {
                Parsed::Bad
            }
        }
        Data::String(s) => {
            let t = s.trim();
            if t.is_empty() {
                Parsed::Empty
            } else {
                dutch_integer(t).map_or(Parsed::Bad, sign_checked)
            }
        }
        Data::Empty => Parsed::Empty,
        _ => Parsed::Bad,
    }
}

fn sign_checked(n: i64) -> Parsed<i64> {
    if n < 0 {
        Parsed::Negative
    } else if n > MAX_COUNT {
        Parsed::Refused(Refusal::TooLarge)
    } else {
        Parsed::Value(n)
    }
}

/// Unicode format characters (general category Cf): zero-width spaces and
/// joiners, bidi controls, the byte order mark, invisible operators, tags.
fn is_format_char(c: char) -> bool {
    matches!(
        u32::from(c),
        0x00AD
            | 0x0600..=0x0605
            | 0x061C
            | 0x06DD
            | 0x070F
            | 0x0890..=0x0891
            | 0x08E2
            | 0x180E
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x2064
            | 0x2066..=0x206F
            | 0xFEFF
            | 0xFFF9..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0001
            | 0xE0020..=0xE007F
    )
}

/// A partnership id: text as [`text`] reads it (blanks, non-breaking
/// spaces included, trimmed); a non-breaking space inside counts as a
/// space. An id with an invisible character is refused: it would look
/// like another id and never match it.
pub fn pps_id(cell: &Data) -> Parsed<String> {
    match text(cell) {
        Parsed::Value(id) => {
            if !id.is_ascii() && id.chars().any(is_format_char) {
                Parsed::Refused(Refusal::Invisible)
            } else if !id.is_ascii() && id.contains(['\u{a0}', '\u{202f}', '\u{2007}']) {
                Parsed::Value(id.replace(['\u{a0}', '\u{202f}', '\u{2007}'], " "))
            } else {
                Parsed::Value(id)
            }
        }
        other => other,
    }
}

/// `12`, `-12`, `1.234`, `1.234.567`, `12,0`, `12,00` → the integer;
/// `12,5`, `1.23`, `12.0`, `1 234`, `abc` → `None`. The minus sign may be
/// the typographic `−`.
fn dutch_integer(t: &str) -> Option<i64> {
    let (negative, body) = match t.strip_prefix('-').or_else(|| t.strip_prefix('\u{2212}')) {
        Some(rest) => (true, rest.trim_start()),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (int_part, fraction) = match body.split_once(',') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    if let Some(f) = fraction
        && (f.is_empty() || !f.bytes().all(|b| b == b'0'))
    {
        return None;
    }
    let mut groups = int_part.split('.');
    let first = groups.next()?;
    let grouped = int_part.contains('.');
    if first.is_empty()
        || !first.bytes().all(|b| b.is_ascii_digit())
        || (grouped && first.len() > 3)
    {
        return None;
    }
    let mut digits = first.to_owned();
    for g in groups {
        if g.len() != 3 || !g.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.push_str(g);
    }
    let n: i64 = digits.parse().ok()?;
    Some(if negative { -n } else { n })
}

/// A year: four digits (`2026`, `2026,0`, number cell 2026).
pub fn year(cell: &Data) -> Parsed<i32> {
    match count(cell) {
        Parsed::Value(y) if (1000..=9999).contains(&y) => Parsed::Value(y as i32),
        Parsed::Value(_) | Parsed::Bad | Parsed::Refused(_) => Parsed::Bad,
        Parsed::Empty => Parsed::Empty,
        Parsed::Negative => Parsed::Negative,
    }
}

/// A municipality code, normalised to `GM` + 4 digits.
pub fn gemeente(cell: &Data) -> Parsed<String> {
    match cell {
        Data::String(_) | Data::Float(_) | Data::Int(_) => {
            if is_blank(cell) {
                Parsed::Empty
            } else {
                normalise_gemeente_code(&raw(cell)).map_or(Parsed::Bad, Parsed::Value)
            }
        }
        Data::Empty => Parsed::Empty,
        _ => Parsed::Bad,
    }
}

/// A target indicator name (case, blanks and accents ignored; English
/// aliases of the count columns accepted). Unknown names are `Bad`.
pub fn indicator(cell: &Data) -> Parsed<Indicator> {
    match text(cell) {
        Parsed::Value(t) => {
            let name = normalise(&t);
            // A count column's indicator answers to the column's aliases;
            // the two derived indicators have English names of their own.
            let name = match Measure::ALL
                .iter()
                .find(|m| m.spec().column.is_named(&name))
            {
                Some(m) => m.name(),
                None => match name.as_str() {
                    "students" => "studenten",
                    "participants" => "deelnemers",
                    other => other,
                },
            };
            Indicator::target_from_name(name).map_or(Parsed::Bad, Parsed::Value)
        }
        Parsed::Empty => Parsed::Empty,
        Parsed::Refused(r) => Parsed::Refused(r),
        _ => Parsed::Bad,
    }
}

/// A date: an Excel date cell, `2024-09-01`, `1-9-2024`, `01-09-2024`,
/// `1/9/2024` (day first); a time of day after the date is ignored.
pub fn date(cell: &Data) -> Parsed<NaiveDate> {
    match cell {
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d))
                .map_or(Parsed::Bad, Parsed::Value)
        }
        Data::DateTimeIso(s) => date_text(s).map_or(Parsed::Bad, Parsed::Value),
        Data::String(s) => {
            let t = s.trim();
            if t.is_empty() {
                Parsed::Empty
            } else {
                date_text(t).map_or(Parsed::Bad, Parsed::Value)
            }
        }
        Data::Empty => Parsed::Empty,
        _ => Parsed::Bad,
    }
}

/// A reporting month: a date (cell or text) on any day of the month,
/// `2026-10`, `10-2026`, `10/2026`, `2026M10`, `okt 2026`, `oktober 2026`.
pub fn month(cell: &Data) -> Parsed<Month> {
    let from_date = |d: NaiveDate| {
        use chrono::Datelike;
        Month::new(d.year(), d.month())
    };
    match cell {
        Data::DateTime(_) | Data::DateTimeIso(_) => match date(cell) {
            Parsed::Value(d) => from_date(d).map_or(Parsed::Bad, Parsed::Value),
            _ => Parsed::Bad,
        },
        Data::String(s) => {
            let t = s.trim();
            if t.is_empty() {
                Parsed::Empty
            } else if let Some(d) = date_text(t) {
                from_date(d).map_or(Parsed::Bad, Parsed::Value)
            } else {
                month_text(t).map_or(Parsed::Bad, Parsed::Value)
            }
        }
        Data::Empty => Parsed::Empty,
        _ => Parsed::Bad,
    }
}

/// Splits `t` on `sep` into exactly `N` all-digit parts with the given
/// length ranges (without allocating: this runs for every period cell).
fn digit_parts<const N: usize>(
    t: &str,
    sep: char,
    lengths: [(usize, usize); N],
) -> Option<[u32; N]> {
    let mut out = [0; N];
    let mut parts = t.split(sep);
    for (slot, (lo, hi)) in out.iter_mut().zip(lengths) {
        let p = parts.next()?;
        if p.len() < lo || p.len() > hi || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *slot = p.parse().ok()?;
    }
    parts.next().is_none().then_some(out)
}

fn ymd(y: u32, m: u32, d: u32) -> Option<NaiveDate> {
    if y < 1000 {
        return None;
    }
    NaiveDate::from_ymd_opt(y as i32, m, d)
}

/// `2024-09-01` (optionally followed by a time), `1-9-2024`, `01/09/2024`.
fn date_text(t: &str) -> Option<NaiveDate> {
    let t = t.trim();
    // ISO date, maybe with a time: `2024-09-01T00:00:00`, `2024-09-01 00:00`.
    let date_part = t.split(['T', ' ']).next().unwrap_or(t);
    if date_part.len() != t.len() {
        let time = &t[date_part.len() + 1..];
        if !time
            .bytes()
            .all(|b| b.is_ascii_digit() || b":.Z+-".contains(&b))
        {
            return None;
        }
    }
    if let Some(p) = digit_parts(date_part, '-', [(4, 4), (1, 2), (1, 2)]) {
        return ymd(p[0], p[1], p[2]);
    }
    if date_part.len() != t.len() {
        return None;
    }
    for sep in ['-', '/'] {
        if let Some(p) = digit_parts(t, sep, [(1, 2), (1, 2), (4, 4)]) {
            return ymd(p[2], p[1], p[0]);
        }
    }
    None
}

/// Month names besides the Dutch ones of [`DUTCH_MONTHS`] and
/// [`DUTCH_MONTHS_SHORT`]: variant abbreviations, and English names from an
/// English-language Excel.
const OTHER_MONTH_NAMES: [(&str, u32); 10] = [
    ("mar", 3),
    ("sept", 9),
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("october", 10),
    ("oct", 10),
];

/// 1..=12 for a month name (lower case), if it is one.
fn month_number(name: &str) -> Option<u32> {
    let dutch = |names: &[&str; 12]| names.iter().position(|n| *n == name);
    dutch(&DUTCH_MONTHS)
        .or_else(|| dutch(&DUTCH_MONTHS_SHORT))
        .map(|i| i as u32 + 1)
        .or_else(|| {
            OTHER_MONTH_NAMES
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, m)| *m)
        })
}

/// Month spellings without a day.
fn month_text(t: &str) -> Option<Month> {
    if let Some([y, m]) = digit_parts(t, '-', [(4, 4), (1, 2)]) {
        return Month::new(y as i32, m);
    }
    for sep in ['-', '/'] {
        if let Some([m, y]) = digit_parts(t, sep, [(1, 2), (4, 4)]) {
            return Month::new(y as i32, m);
        }
    }
    for sep in ['M', 'm'] {
        if let Some([y, m]) = digit_parts(t, sep, [(4, 4), (1, 2)]) {
            return Month::new(y as i32, m);
        }
    }
    let lower = t.to_lowercase();
    let t = lower.as_str();
    // `okt 2026`, `oktober 2026`, `okt. 2026`, `okt-2026`
    let name_end = t.find(|c: char| !c.is_alphabetic())?;
    let (name, rest) = t.split_at(name_end);
    let rest = rest.strip_prefix('.').unwrap_or(rest);
    let year_text = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '-');
    if year_text.len() == rest.len() && !rest.is_empty() {
        return None; // no separator between name and year
    }
    let number = month_number(name)?;
    let [year] = digit_parts(year_text, ' ', [(4, 4)])?;
    Month::new(year as i32, number)
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{CellErrorType, ExcelDateTime, ExcelDateTimeType};

    fn s(text: &str) -> Data {
        Data::String(text.to_owned())
    }

    fn excel_date(serial: f64) -> Data {
        Data::DateTime(ExcelDateTime::new(
            serial,
            ExcelDateTimeType::DateTime,
            false,
        ))
    }

    fn m(y: i32, mo: u32) -> Parsed<Month> {
        Parsed::Value(Month::new(y, mo).unwrap())
    }

    #[test]
    fn counts() {
        use Parsed::{Bad, Empty, Negative, Value};
        let cases = [
            (Data::Float(12.0), Value(12)),
            (Data::Int(7), Value(7)),
            (Data::Float(12.5), Bad),
            (Data::Float(-3.0), Negative),
            (Data::Int(-1), Negative),
            (s("12"), Value(12)),
            (s(" 12 "), Value(12)),
            (s("\u{a0}12\u{a0}"), Value(12)),
            (s("1.234"), Value(1234)),
            (s("1.234.567"), Parsed::Refused(Refusal::TooLarge)),
            (s("12,0"), Value(12)),
            (s("1.234,00"), Value(1234)),
            (s("0"), Value(0)),
            (s("-0"), Value(0)),
            (s("+5"), Value(5)),
            (s("12,5"), Bad),
            (s("12,"), Bad),
            (s("12.0"), Bad),
            (s("1.23"), Bad),
            (s("1234.567"), Bad),
            (s("1 234"), Bad),
            (s("abc"), Bad),
            (s("#N/A"), Bad),
            (s("-3"), Negative),
            (s("\u{2212}3"), Negative),
            (s("-1.234"), Negative),
            (s("-12,5"), Bad),
            (s("99999999999999999999"), Bad),
            (s("1.000.000"), Value(1_000_000)),
            (s("1.000.001"), Parsed::Refused(Refusal::TooLarge)),
            (Data::Float(1_000_001.0), Parsed::Refused(Refusal::TooLarge)),
            (Data::Int(2_000_000), Parsed::Refused(Refusal::TooLarge)),
            (s(""), Empty),
            (s("   "), Empty),
            (Data::Empty, Empty),
            (Data::Error(CellErrorType::NA), Bad),
            (Data::Bool(true), Bad),
            (excel_date(45000.0), Bad),
        ];
        for (cell, want) in cases {
            assert_eq!(count(&cell), want, "{cell:?}");
        }
    }

    #[test]
    fn periods() {
        let cases = [
            (s("2026-10"), m(2026, 10)),
            (s("2026-1"), m(2026, 1)),
            (s("2026-10-01"), m(2026, 10)),
            (s("2026-10-31"), m(2026, 10)),
            (s("2026-10-01 00:00:00"), m(2026, 10)),
            (s("2026-10-01T00:00:00"), m(2026, 10)),
            (s("10-2026"), m(2026, 10)),
            (s("1-2026"), m(2026, 1)),
            (s("10/2026"), m(2026, 10)),
            (s("2026M10"), m(2026, 10)),
            (s("2026m03"), m(2026, 3)),
            (s("okt 2026"), m(2026, 10)),
            (s("OKT 2026"), m(2026, 10)),
            (s("Oktober 2026"), m(2026, 10)),
            (s("okt. 2026"), m(2026, 10)),
            (s("okt-2026"), m(2026, 10)),
            (s("mrt 2025"), m(2025, 3)),
            (s("maart 2025"), m(2025, 3)),
            (s("mei 2025"), m(2025, 5)),
            (s("sept 2025"), m(2025, 9)),
            (s("October 2025"), m(2025, 10)),
            (s("15-10-2026"), m(2026, 10)),
            (s("1/10/2026"), m(2026, 10)),
            (s(" 2026-10 "), m(2026, 10)),
            (excel_date(46296.0), m(2026, 10)), // 2026-10-01
            (excel_date(46326.0), m(2026, 10)), // 2026-10-31
            (Data::DateTimeIso("2026-10-15".to_owned()), m(2026, 10)),
            (s("2026-13"), Parsed::Bad),
            (s("13-2026"), Parsed::Bad),
            (s("2026-02-30"), Parsed::Bad),
            (s("okt 26"), Parsed::Bad),
            (s("oktob 2026"), Parsed::Bad),
            (s("okt2026"), Parsed::Bad),
            (s("202610"), Parsed::Bad),
            (s("q4 2026"), Parsed::Bad),
            (Data::Float(46296.0), Parsed::Bad),
            (Data::Error(CellErrorType::Value), Parsed::Bad),
            (s(""), Parsed::Empty),
            (Data::Empty, Parsed::Empty),
        ];
        for (cell, want) in cases {
            assert_eq!(month(&cell), want, "{cell:?}");
        }
    }

    #[test]
    fn dates() {
        let d = |y, mo, da| Parsed::Value(NaiveDate::from_ymd_opt(y, mo, da).unwrap());
        let cases = [
            (s("2024-09-01"), d(2024, 9, 1)),
            (s("1-9-2024"), d(2024, 9, 1)),
            (s("01-09-2024"), d(2024, 9, 1)),
            (s("1/9/2024"), d(2024, 9, 1)),
            (s("2024-09-01 00:00:00"), d(2024, 9, 1)),
            (excel_date(45536.0), d(2024, 9, 1)),
            (excel_date(45536.75), d(2024, 9, 1)),
            (
                Data::DateTimeIso("2024-09-01T00:00:00".to_owned()),
                d(2024, 9, 1),
            ),
            (s("31-2-2024"), Parsed::Bad),
            (s("2024-09"), Parsed::Bad),
            (s("sept 2024"), Parsed::Bad),
            (s("2024-09-01 uur"), Parsed::Bad),
            (Data::Float(45536.0), Parsed::Bad),
            (s(" "), Parsed::Empty),
        ];
        for (cell, want) in cases {
            assert_eq!(date(&cell), want, "{cell:?}");
        }
    }

    #[test]
    fn gemeenten_years_indicators_and_text() {
        assert_eq!(gemeente(&s("gm0363")), Parsed::Value("GM0363".to_owned()));
        assert_eq!(
            gemeente(&Data::Float(363.0)),
            Parsed::Value("GM0363".to_owned())
        );
        assert_eq!(gemeente(&Data::Int(14)), Parsed::Value("GM0014".to_owned()));
        assert_eq!(gemeente(&s("Amsterdam")), Parsed::Bad);
        assert_eq!(gemeente(&Data::Float(363.5)), Parsed::Bad);
        assert_eq!(gemeente(&Data::Empty), Parsed::Empty);

        assert_eq!(year(&Data::Float(2026.0)), Parsed::Value(2026));
        assert_eq!(year(&s("2026")), Parsed::Value(2026));
        assert_eq!(year(&s("26")), Parsed::Bad);
        assert_eq!(year(&s("2026,5")), Parsed::Bad);

        assert_eq!(
            indicator(&s(" Studenten BOL ")),
            Parsed::Value(Indicator::StudentenBol)
        );
        assert_eq!(
            indicator(&s("companies_sme")),
            Parsed::Value(Indicator::BedrijvenMkb)
        );
        assert_eq!(
            indicator(&s("deelnemers")),
            Parsed::Value(Indicator::Deelnemers)
        );
        assert_eq!(indicator(&s("stagiairs")), Parsed::Bad);
        assert_eq!(indicator(&s("mkb_aandeel_pct")), Parsed::Bad);
        assert_eq!(indicator(&Data::Empty), Parsed::Empty);

        assert_eq!(text(&s("  HN-01 ")), Parsed::Value("HN-01".to_owned()));
        assert_eq!(text(&Data::Float(101.0)), Parsed::Value("101".to_owned()));
        assert_eq!(text(&Data::Error(CellErrorType::NA)), Parsed::Bad);
        assert_eq!(text(&s("   ")), Parsed::Empty);
    }

    #[test]
    fn ids_refuse_invisible_characters_and_trim_non_breaking_spaces() {
        assert_eq!(
            pps_id(&s("\u{a0}HN-01\u{a0}")),
            Parsed::Value("HN-01".to_owned())
        );
        assert_eq!(pps_id(&s("HN\u{a0}01")), Parsed::Value("HN 01".to_owned()));
        for bad in [
            "HN\u{200b}01",
            "\u{feff}HN-01",
            "HN-01\u{202e}",
            "\u{2066}HN",
        ] {
            assert_eq!(
                pps_id(&s(bad)),
                Parsed::Refused(Refusal::Invisible),
                "{bad:?}"
            );
        }
        assert_eq!(pps_id(&s("\u{a0}")), Parsed::Empty);
    }

    #[test]
    fn raw_values_read_like_the_sheet() {
        assert_eq!(raw(&Data::Float(12.0)), "12");
        assert_eq!(raw(&Data::Float(12.5)), "12.5");
        assert_eq!(raw(&s(" 12,5 ")), " 12,5 ");
        assert_eq!(raw(&Data::Error(CellErrorType::NA)), "#N/A");
        assert_eq!(raw(&excel_date(46296.0)), "2026-10-01");
        assert_eq!(raw(&Data::Bool(false)), "FALSE");
    }
}
