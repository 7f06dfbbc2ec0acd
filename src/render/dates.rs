//! Spanish dates, day counts and small numbers in words.
//!
//! Month and weekday names are the same in Spain and Latin America; only the order
//! day/month/year is used, which is also common to all the supported locales.

use chrono::{Datelike, NaiveDate, Weekday};

pub(crate) const MONTHS: [&str; 12] = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];

/// Spanish weekday name, lower case (`viernes`).
pub fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "lunes",
        Weekday::Tue => "martes",
        Weekday::Wed => "miércoles",
        Weekday::Thu => "jueves",
        Weekday::Fri => "viernes",
        Weekday::Sat => "sábado",
        Weekday::Sun => "domingo",
    }
}

/// Spanish month name, lower case (`noviembre`).
pub fn month_name(date: NaiveDate) -> &'static str {
    MONTHS[date.month0() as usize]
}

/// `viernes, 27 de noviembre de 2026`.
pub fn date_long(date: NaiveDate) -> String {
    let mut s = String::with_capacity(40);
    push_date_long(&mut s, date);
    s
}

/// Appends [`date_long`].
pub(crate) fn push_date_long(s: &mut String, date: NaiveDate) {
    s.push_str(weekday_name(date.weekday()));
    s.push_str(", ");
    push_date_text(s, date);
}

/// `27 de noviembre de 2026`: for running text and letter dates.
pub fn date_text(date: NaiveDate) -> String {
    let mut s = String::with_capacity(28);
    push_date_text(&mut s, date);
    s
}

/// Appends `27 de noviembre de 2026` (written by hand: `format!` costs more than the date).
pub(crate) fn push_date_text(s: &mut String, date: NaiveDate) {
    push_int(s, i64::from(date.day()));
    s.push_str(" de ");
    s.push_str(month_name(date));
    s.push_str(" de ");
    push_int(s, i64::from(date.year()));
}

/// Appends `n` in decimal, as `{n}` writes it.
pub(crate) fn push_int(s: &mut String, n: i64) {
    if n < 0 {
        s.push('-');
    }
    push_uint(s, n.unsigned_abs());
}

/// Appends `n` in decimal, as `{n}` writes it.
fn push_uint(s: &mut String, n: u64) {
    let mut buf = [0u8; 40];
    let digits = super::money::digits_of(u128::from(n), &mut buf);
    // ASCII digits: one copy, not a `push` per character.
    s.push_str(std::str::from_utf8(digits).unwrap_or_default());
}

/// `27/11/2026`.
pub fn date_short(date: NaiveDate) -> String {
    let mut s = String::with_capacity(10);
    push_date_short(&mut s, date);
    s
}

/// Appends [`date_short`].
pub(crate) fn push_date_short(s: &mut String, date: NaiveDate) {
    // Written by hand: chrono's `format` interprets its pattern on every call. Years outside
    // 0..=9999, which `%Y` writes with a sign, keep chrono's form.
    if let Ok(year) = u32::try_from(date.year())
        && year <= 9999
    {
        let mut b = *b"00/00/0000";
        put_digits(&mut b[0..2], date.day());
        put_digits(&mut b[3..5], date.month());
        put_digits(&mut b[6..10], year);
        // ASCII digits and slashes: always UTF-8.
        s.push_str(std::str::from_utf8(&b).unwrap_or_default());
    } else {
        use std::fmt::Write as _;
        // Writing into a `String` cannot fail.
        let _ = write!(s, "{}", date.format("%d/%m/%Y"));
    }
}

/// The last `out.len()` decimal digits of `n`, zero-padded, into `out` (`{:0width$}` for
/// `n < 10^width`).
pub(crate) fn put_digits(out: &mut [u8], n: u32) {
    let mut rest = n;
    for d in out.iter_mut().rev() {
        // A single digit: the cast cannot truncate.
        *d = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
}

/// Parses `YYYY-MM-DD` (surrounding whitespace allowed) as chrono's `%Y-%m-%d` does, with a
/// fast path for the exact ten-character form every context date has.
pub fn parse_iso(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    if b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10))
    {
        return i32::try_from(y)
            .ok()
            .and_then(|y| NaiveDate::from_ymd_opt(y, m, d));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// A date written as the context writes it, exactly `YYYY-MM-DD`, checked like
/// `NaiveDate::from_ymd_opt` (a real day of the proleptic Gregorian calendar).
///
/// `date_short` and `date_text` write the same digits in another order: from the text they
/// need no `NaiveDate` (parsing one back and asking it for its day, month and year took most
/// of those helpers).
#[derive(Debug, Clone, Copy)]
pub(crate) struct IsoText<'a> {
    text: &'a str,
    month: u32,
}

/// `s` as an [`IsoText`]; `None` for anything else (other forms go through [`parse_iso`]).
pub(crate) fn iso_text(s: &str) -> Option<IsoText<'_>> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days)
        .contains(&day)
        .then_some(IsoText { text: s, month })
}

impl IsoText<'_> {
    /// [`push_date_short`]: the day, month and year digits as they are.
    pub(crate) fn push_short(self, s: &mut String) {
        s.push_str(&self.text[8..10]);
        s.push('/');
        s.push_str(&self.text[5..7]);
        s.push('/');
        s.push_str(&self.text[0..4]);
    }

    /// [`push_date_text`]: day and year without their leading zeros.
    pub(crate) fn push_text(self, s: &mut String) {
        let day = &self.text[8..10];
        s.push_str(day.strip_prefix('0').unwrap_or(day));
        s.push_str(" de ");
        s.push_str(MONTHS[self.month as usize - 1]);
        s.push_str(" de ");
        let year = self.text[0..4].trim_start_matches('0');
        s.push_str(if year.is_empty() { "0" } else { year });
    }
}

/// `viernes 27 de noviembre`, adding ` de 2027` when the year differs from `today`'s.
///
/// The form used in running text: "el viernes 27 de noviembre".
pub fn date_day(date: NaiveDate, today: NaiveDate) -> String {
    let mut s = String::with_capacity(40);
    push_date_day(&mut s, date, today);
    s
}

/// Appends [`date_day`] (written by hand, like [`push_date_text`]).
pub(crate) fn push_date_day(s: &mut String, date: NaiveDate, today: NaiveDate) {
    s.push_str(weekday_name(date.weekday()));
    s.push(' ');
    push_int(s, i64::from(date.day()));
    s.push_str(" de ");
    s.push_str(month_name(date));
    if date.year() != today.year() {
        s.push_str(" de ");
        push_int(s, i64::from(date.year()));
    }
}

/// Earlier days in running text, grouped by month, the month said once per group:
/// `del 3 y el 10 de noviembre`, `del 28 de septiembre, del 1 y el 5 de octubre y del 4 de
/// noviembre`; ` de 2025` added to a group whose year differs from `today`'s. Empty for no dates.
///
/// `del` opens each month and `el` carries the other days of the same month, so the ear hears
/// where one month ends: repeating `del` for every day («del 1, del 5 de octubre, del 4 y del
/// 12 de noviembre») leaves a day with no month and reads as a typo.
pub fn date_list(dates: &[NaiveDate], today: NaiveDate) -> String {
    let mut sorted = dates.to_vec();
    sorted.sort();
    sorted.dedup();
    let groups: Vec<String> = sorted
        .chunk_by(|a, b| (a.year(), a.month()) == (b.year(), b.month()))
        .map(|month| {
            let days: Vec<String> = month
                .iter()
                .enumerate()
                .map(|(i, d)| format!("{} {}", if i == 0 { "del" } else { "el" }, d.day()))
                .collect();
            let d = month[0];
            let mut group = format!("{} de {}", join_with_y(&days), month_name(d));
            if d.year() != today.year() {
                group.push_str(&format!(" de {}", d.year()));
            }
            group
        })
        .collect();
    join_with_y(&groups)
}

/// `a`, `a y b`, `a, b y c`: a Spanish enumeration, empty for no items.
fn join_with_y(items: &[String]) -> String {
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} y {last}", rest.join(", ")),
    }
}

/// A count in words up to twenty (`tres`), in digits above (`45`).
///
/// Style guides write small numbers in letters; long ones read better as digits.
pub fn number_words(n: u64) -> String {
    usize::try_from(n)
        .ok()
        .and_then(|i| NUMBER_WORDS.get(i))
        .map_or_else(|| n.to_string(), |w| (*w).to_owned())
}

/// The numbers up to twenty in words.
const NUMBER_WORDS: [&str; 21] = [
    "cero",
    "uno",
    "dos",
    "tres",
    "cuatro",
    "cinco",
    "seis",
    "siete",
    "ocho",
    "nueve",
    "diez",
    "once",
    "doce",
    "trece",
    "catorce",
    "quince",
    "dieciséis",
    "diecisiete",
    "dieciocho",
    "diecinueve",
    "veinte",
];

/// `n` days in words: `un día`, `tres días`, `45 días`.
pub fn days_words(n: u64) -> String {
    let mut s = String::with_capacity(24);
    push_days_words(&mut s, n);
    s
}

/// Appends [`days_words`].
fn push_days_words(s: &mut String, n: u64) {
    match n {
        1 => s.push_str("un día"),
        _ => {
            match usize::try_from(n).ok().and_then(|i| NUMBER_WORDS.get(i)) {
                Some(w) => s.push_str(w),
                None => push_uint(s, n),
            }
            s.push_str(" días");
        }
    }
}

/// `prefix` then [`days_words`] of `n`.
fn with_days(prefix: &str, n: u64) -> String {
    let mut s = String::with_capacity(prefix.len() + 24);
    s.push_str(prefix);
    push_days_words(&mut s, n);
    s
}

/// How far a date is, from the due date's point of view, for `days_overdue` (negative = not
/// yet due): `vence en tres días`, `vence mañana`, `vence hoy`, `venció ayer`,
/// `vencida hace tres días`, `vencida hace 45 días`.
pub fn overdue_words(days_overdue: i64) -> String {
    let mut s = String::with_capacity(32);
    push_overdue_words(&mut s, days_overdue);
    s
}

/// Appends [`overdue_words`].
pub(crate) fn push_overdue_words(s: &mut String, days_overdue: i64) {
    match days_overdue {
        i64::MIN..=-2 => {
            s.push_str("vence en ");
            push_days_words(s, days_overdue.unsigned_abs());
        }
        -1 => s.push_str("vence mañana"),
        0 => s.push_str("vence hoy"),
        1 => s.push_str("venció ayer"),
        _ => {
            s.push_str("vencida hace ");
            push_days_words(s, days_overdue.unsigned_abs());
        }
    }
}

/// A past distance in days: `hoy`, `ayer`, `hace tres días`, `hace 45 días`.
pub fn ago_words(days: i64) -> String {
    match days {
        i64::MIN..=0 => "hoy".to_owned(),
        1 => "ayer".to_owned(),
        _ => with_days("hace ", days.unsigned_abs()),
    }
}

#[cfg(test)]
mod tests {
    /// The forms written from a date's text are those written from the date, for every day
    /// of common, leap and extreme years; a text that is not a real day is not taken (and
    /// `parse_iso` refuses it too, or reads another form).
    #[test]
    fn forms_from_the_text_are_the_dates() {
        let mut checked = 0;
        for year in [0, 4, 100, 1900, 2000, 2023, 2024, 2026, 9999] {
            let mut d = NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
            while d.year() == year {
                let text = format!("{}", d.format("%Y-%m-%d"));
                let iso = super::iso_text(&text).unwrap();
                let mut short = String::new();
                iso.push_short(&mut short);
                assert_eq!(short, super::date_short(d), "{text}");
                let mut long = String::new();
                iso.push_text(&mut long);
                assert_eq!(long, super::date_text(d), "{text}");
                checked += 1;
                d = d.succ_opt().unwrap();
            }
        }
        assert!(checked > 3000);
        for text in [
            "2026-02-29",
            "2024-02-30",
            "1900-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-01-00",
            "2026-04-31",
            "2026-01-32",
            "20a6-01-01",
            "2026/01/01",
            "2026-1-01",
            "+2026-01-01",
        ] {
            assert!(super::iso_text(text).is_none(), "{text}");
        }
        for text in ["2026-02-29", "2024-02-30", "2026-13-01", "2026-04-31"] {
            assert!(parse_iso(text).is_none(), "{text}");
        }
        // Other forms are still `parse_iso`'s to read.
        assert!(super::iso_text(" 2026-01-01").is_none());
        assert!(parse_iso(" 2026-01-01").is_some());
    }

    /// The hand-written forms are exactly what `format!` wrote before, on ordinary and
    /// extreme dates and counts.
    #[test]
    fn hand_written_forms_match_format() {
        let dates = [
            NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
            NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(9, 12, 31).unwrap(),
            NaiveDate::from_ymd_opt(-44, 3, 15).unwrap(),
            NaiveDate::MIN,
            NaiveDate::MAX,
        ];
        for d in dates {
            let text = format!("{} de {} de {}", d.day(), month_name(d), d.year());
            assert_eq!(super::date_text(d), text);
            let long = format!("{}, {text}", weekday_name(d.weekday()));
            assert_eq!(super::date_long(d), long);
            for today in dates {
                let base = format!(
                    "{} {} de {}",
                    weekday_name(d.weekday()),
                    d.day(),
                    month_name(d)
                );
                let day = if d.year() == today.year() {
                    base
                } else {
                    format!("{base} de {}", d.year())
                };
                assert_eq!(super::date_day(d, today), day);
            }
        }
        let words = |n: u64| match n {
            1 => "un día".to_owned(),
            _ => format!("{} días", super::number_words(n)),
        };
        for n in [0, 1, 2, 3, 19, 20, 21, 45, 1000, i64::MAX as u64, u64::MAX] {
            assert_eq!(super::days_words(n), words(n), "{n}");
        }
        for n in [i64::MIN, -45, -3, -2, 2, 3, 21, i64::MAX] {
            let (due, ago) = (super::overdue_words(n), super::ago_words(n));
            if n < 0 {
                assert_eq!(due, format!("vence en {}", words(n.unsigned_abs())));
                assert_eq!(ago, "hoy");
            } else {
                assert_eq!(due, format!("vencida hace {}", words(n.unsigned_abs())));
                assert_eq!(ago, format!("hace {}", words(n.unsigned_abs())));
            }
        }
    }

    #[test]
    fn date_lists_say_the_month_once_per_run() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let today = d("2026-11-20");
        let cases: [(&[&str], &str); 8] = [
            (&[], ""),
            (&["2026-11-03"], "del 3 de noviembre"),
            (&["2026-11-10", "2026-11-03"], "del 3 y el 10 de noviembre"),
            (
                &[
                    "2026-10-02",
                    "2026-10-05",
                    "2026-10-09",
                    "2026-10-13",
                    "2026-10-21",
                ],
                "del 2, el 5, el 9, el 13 y el 21 de octubre",
            ),
            (
                &["2026-10-28", "2026-11-03", "2026-11-10"],
                "del 28 de octubre y del 3 y el 10 de noviembre",
            ),
            // Walk 2, fault 13: a middle month with two days left «del 1» without its month.
            (
                &[
                    "2026-09-28",
                    "2026-10-01",
                    "2026-10-05",
                    "2026-11-04",
                    "2026-11-12",
                ],
                "del 28 de septiembre, del 1 y el 5 de octubre y del 4 y el 12 de noviembre",
            ),
            (
                &["2025-12-30", "2026-01-05"],
                "del 30 de diciembre de 2025 y del 5 de enero",
            ),
            (
                &["2025-12-22", "2025-12-30", "2026-01-05", "2026-01-05"],
                "del 22 y el 30 de diciembre de 2025 y del 5 de enero",
            ),
        ];
        for (dates, want) in cases {
            let dates: Vec<NaiveDate> = dates.iter().map(|s| d(s)).collect();
            assert_eq!(super::date_list(&dates, today), want);
        }
    }

    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn iso_dates_parse_like_chrono() {
        for s in [
            "2026-11-27",
            " 2026-02-29",
            "2028-02-29",
            "0999-01-01",
            "2026-13-01",
            "2026-1-5",
            "+2026-11-27",
            "20261127",
            "2026-11-27x",
            "abcd-ef-gh",
            "",
        ] {
            assert_eq!(
                parse_iso(s),
                NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok(),
                "{s:?}"
            );
        }
        for d in [
            ymd(2026, 1, 5),
            ymd(999, 12, 31),
            ymd(-1, 1, 1),
            ymd(10000, 1, 1),
        ] {
            assert_eq!(date_short(d), d.format("%d/%m/%Y").to_string());
        }
    }

    #[test]
    fn long_short_and_day_forms() {
        let d = ymd(2026, 11, 27);
        assert_eq!(date_long(d), "viernes, 27 de noviembre de 2026");
        assert_eq!(date_short(d), "27/11/2026");
        assert_eq!(date_text(d), "27 de noviembre de 2026");
        assert_eq!(date_short(ymd(2026, 1, 5)), "05/01/2026");
        assert_eq!(date_day(d, ymd(2026, 11, 20)), "viernes 27 de noviembre");
        assert_eq!(
            date_day(ymd(2027, 1, 4), ymd(2026, 12, 28)),
            "lunes 4 de enero de 2027"
        );
        assert_eq!(
            date_long(ymd(2026, 9, 16)),
            "miércoles, 16 de septiembre de 2026"
        );
        assert_eq!(date_long(ymd(2026, 8, 1)), "sábado, 1 de agosto de 2026");
    }

    #[test]
    fn overdue_in_words() {
        let cases = [
            (-3, "vence en tres días"),
            (-1, "vence mañana"),
            (0, "vence hoy"),
            (1, "venció ayer"),
            (3, "vencida hace tres días"),
            (20, "vencida hace veinte días"),
            (45, "vencida hace 45 días"),
        ];
        for (n, want) in cases {
            assert_eq!(overdue_words(n), want, "{n}");
        }
    }

    #[test]
    fn ago_and_numbers() {
        assert_eq!(ago_words(0), "hoy");
        assert_eq!(ago_words(1), "ayer");
        assert_eq!(ago_words(3), "hace tres días");
        assert_eq!(ago_words(90), "hace 90 días");
        assert_eq!(number_words(16), "dieciséis");
        assert_eq!(number_words(21), "21");
        assert_eq!(days_words(1), "un día");
    }
}
