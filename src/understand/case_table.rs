//! The case tables: replies as clients write them, one per line, under
//! `tests/fixtures/understand/` (format in each file's header). Each file holds one kind of
//! reply; this runner checks every row and the tables' coverage (countries, kinds, negatives).

use std::collections::BTreeSet;
use std::str::FromStr;

use chrono::NaiveDate;

use crate::understand::MAX_READ_BYTES;
use crate::understand::tests::{at, day, tz_of};
use crate::understand::{Intent, understand};

macro_rules! table {
    ($name:literal) => {
        (
            $name,
            include_str!(concat!("../../tests/fixtures/understand/", $name)),
        )
    };
}

/// Every table: (file name, contents). The first two mix every kind; the others hold one.
const TABLES: &[(&str, &str)] = &[
    table!("spain.txt"),
    table!("latam.txt"),
    table!("promise_indirect.txt"),
    table!("reschedule.txt"),
    table!("periods.txt"),
    table!("conditions.txt"),
    table!("plan_requests.txt"),
    table!("delays.txt"),
    table!("paid.txt"),
    table!("disputes.txt"),
    table!("auto_replies.txt"),
    table!("date_forms.txt"),
    table!("text_forms.txt"),
    table!("negatives.txt"),
    table!("writers.txt"),
    table!("regions.txt"),
    table!("outside_reader.txt"),
    table!("outside_reader2.txt"),
    table!("outside_reader3.txt"),
    table!("outside_reader4.txt"),
    table!("outside_reader5.txt"),
    table!("outside_reader6.txt"),
    table!("outside_reader7.txt"),
    table!("outside_reader8.txt"),
    table!("outside_reader9.txt"),
    table!("outside_reader10.txt"),
    table!("outside_reader11.txt"),
    table!("outside_reader12.txt"),
    table!("outside_reader13.txt"),
    table!("outside_reader14.txt"),
];

/// One row of a table.
struct Row {
    /// "file:line", for failure reports.
    place: String,
    country: String,
    received_at: String,
    intent: Intent,
    date: Option<NaiveDate>,
    range: Option<(NaiveDate, NaiveDate)>,
    text: String,
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

fn parse_row(place: String, line: &str) -> Row {
    let mut parts = line.splitn(4, " | ");
    let mut next = || {
        parts
            .next()
            .unwrap_or_else(|| panic!("{place}: expected COUNTRY | intent | date | text"))
            .trim()
    };
    let (who, intent, date) = (next(), next(), next());
    let text = unescape(next());
    let (country, received_at) = who.split_once('@').unwrap_or((who, ""));
    let intent = Intent::from_str(intent).unwrap_or_else(|e| panic!("{place}: {e}"));
    let (date, range) = match date.split_once(' ') {
        Some((d, r)) => (d, Some(r.trim())),
        None => (date, None),
    };
    let date = (date != "-").then(|| day(date));
    let range = range.map(|r| {
        let r = r.trim_start_matches('[').trim_end_matches(']');
        let (a, b) = r
            .split_once("..")
            .unwrap_or_else(|| panic!("{place}: range is [first..last]"));
        (day(a), day(b))
    });
    Row {
        place,
        country: country.to_owned(),
        received_at: received_at.to_owned(),
        intent,
        date,
        range,
        text,
    }
}

fn rows(name: &str, contents: &str) -> Vec<Row> {
    contents
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(n, l)| parse_row(format!("{name}:{}", n + 1), l))
        .collect()
}

fn all_rows() -> Vec<(&'static str, Vec<Row>)> {
    TABLES.iter().map(|(n, c)| (*n, rows(n, c))).collect()
}

#[test]
fn every_case_reads_as_expected() {
    let mut failures = Vec::new();
    let (mut total, mut intent_ok, mut date_ok) = (0, 0, 0);
    for (_, table) in all_rows() {
        for row in table {
            let r = understand(&row.text, at(&row.received_at), tz_of(&row.country));
            total += 1;
            intent_ok += usize::from(r.intent == row.intent);
            date_ok += usize::from(r.promised_date == row.date);
            let range_ok = row.range.is_none() || r.promised_range == row.range;
            if r.intent != row.intent || r.promised_date != row.date || !range_ok {
                failures.push(format!(
                    "{}: {:?}: want {} {:?} {:?}, got {} {:?} {:?} {:?}",
                    row.place,
                    row.text,
                    row.intent,
                    row.date,
                    row.range,
                    r.intent,
                    r.promised_date,
                    r.promised_range,
                    r.evidence
                ));
            }
        }
    }
    eprintln!("case tables: {total} replies, intent {intent_ok}/{total}, date {date_ok}/{total}");
    assert!(
        failures.is_empty(),
        "{} of {total} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn tables_cover_countries_kinds_and_negatives() {
    let tables = all_rows();
    let total: usize = tables.iter().map(|(_, t)| t.len()).sum();
    assert!(total >= 800, "only {total} cases");
    for (name, t) in &tables {
        assert!(t.len() >= 15, "{name} has only {} cases", t.len());
    }
    let countries: BTreeSet<&str> = tables
        .iter()
        .flat_map(|(_, t)| t.iter().map(|r| r.country.as_str()))
        .collect();
    assert!(countries.len() >= 6, "countries: {countries:?}");
    let negatives = tables
        .iter()
        .flat_map(|(_, t)| t.iter())
        .filter(|r| r.intent != Intent::Promise && r.intent != Intent::Plan && r.date.is_none())
        .count();
    assert!(negatives >= 100, "only {negatives} negative cases");
}

#[test]
fn a_huge_reply_is_read_up_to_the_cap() {
    // 5 MB of weekday names after a promise: only the first MAX_READ_BYTES are read, the
    // promise is still found, and the weekdays beyond the cap cannot change it.
    let filler = "el lunes o el martes o el miércoles o el jueves, ".repeat(110_000);
    let text = format!("Le pago el viernes.\n{filler}");
    assert!(text.len() > 5_000_000);
    let r = understand(&text, at(""), tz_of("ES"));
    assert!(r.cleaned_text.len() <= MAX_READ_BYTES);
    assert!(text.starts_with(&r.cleaned_text[..100]));
    assert_eq!(r.intent, Intent::Promise);
    assert_eq!(r.promised_date, Some(day("2026-11-20")));
    // A reply made of one 5 MB line is cut at a character boundary.
    let line = "ñ".repeat(3_000_000);
    let r = understand(&line, at(""), tz_of("ES"));
    assert!(r.cleaned_text.len() <= MAX_READ_BYTES);
    assert_eq!(r.intent, Intent::Other);
}
