//! Table-driven tests for `next_send_moment` and `is_allowed`.

use chrono::{NaiveDateTime, TimeZone};
use chrono_tz::America::{Bogota, Buenos_Aires, Lima, Mexico_City, Santiago};
use chrono_tz::Europe::Madrid;

use super::*;
use crate::policy::profiles::Country;
use crate::policy::rules::ContactRulesConfig;

/// A local wall-clock time that exists exactly once, as UTC.
fn local(tz: Tz, text: &str) -> DateTime<Utc> {
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
    tz.from_local_datetime(&naive)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn rules(country: Country, toml_text: &str) -> ContactRules {
    let config: ContactRulesConfig = toml::from_str(toml_text).unwrap();
    ContactRules::resolve(country, &config).unwrap()
}

fn national(country: Country) -> HolidayCalendar {
    HolidayCalendar::new(country, None, &[]).unwrap()
}

#[test]
fn country_windows() {
    let sat = "days = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\", \"sat\", \"sun\"]";
    let wide = format!("{sat}\nhours = \"06:00-23:00\"\navoid-monday-morning = false");
    // (country, tz, config, local time, allowed)
    let cases: &[(Country, Tz, &str, &str, bool)] = &[
        (Country::Spain, Madrid, "", "2026-11-24 10:00", true),
        (Country::Spain, Madrid, "", "2026-11-24 09:59", false),
        (Country::Spain, Madrid, "", "2026-11-24 12:29", true),
        (Country::Spain, Madrid, "", "2026-11-24 12:30", false),
        (Country::Spain, Madrid, "", "2026-11-23 11:00", false), // Monday morning
        (Country::Spain, Madrid, "", "2026-11-23 12:00", true),
        (Country::Spain, Madrid, "", "2026-11-27 11:59", true),
        (Country::Spain, Madrid, "", "2026-11-27 12:00", false), // Friday afternoon
        (Country::Spain, Madrid, &wide, "2026-11-24 08:59", false),
        (Country::Spain, Madrid, &wide, "2026-11-24 19:59", true),
        (Country::Spain, Madrid, &wide, "2026-11-24 20:00", false),
        (Country::Spain, Madrid, &wide, "2026-11-28 10:00", false), // Saturday
        (Country::Spain, Madrid, "", "2026-12-08 10:00", false),    // Inmaculada
        (
            Country::Mexico,
            Mexico_City,
            &wide,
            "2026-11-24 07:00",
            true,
        ),
        (
            Country::Mexico,
            Mexico_City,
            &wide,
            "2026-11-24 06:59",
            false,
        ),
        (
            Country::Mexico,
            Mexico_City,
            &wide,
            "2026-11-24 21:59",
            true,
        ),
        (
            Country::Mexico,
            Mexico_City,
            &wide,
            "2026-11-24 22:00",
            false,
        ),
        (
            Country::Mexico,
            Mexico_City,
            &wide,
            "2026-11-16 10:00",
            false,
        ), // Revolución
        (Country::Colombia, Bogota, &wide, "2026-11-24 18:59", true),
        (Country::Colombia, Bogota, &wide, "2026-11-24 19:00", false),
        (Country::Colombia, Bogota, &wide, "2026-11-28 07:59", false),
        (Country::Colombia, Bogota, &wide, "2026-11-28 08:00", true),
        (Country::Colombia, Bogota, &wide, "2026-11-28 14:59", true),
        (Country::Colombia, Bogota, &wide, "2026-11-28 15:00", false),
        (Country::Colombia, Bogota, &wide, "2026-11-29 10:00", false), // Sunday, never
        (Country::Colombia, Bogota, "", "2026-11-28 10:00", false),    // Saturday not chosen
        (Country::Chile, Santiago, sat, "2026-11-28 10:00", true),
        (Country::Chile, Santiago, &wide, "2026-11-28 19:59", true),
        (Country::Chile, Santiago, &wide, "2026-11-28 20:00", false),
        (Country::Chile, Santiago, &wide, "2026-11-29 10:00", false), // Sunday
        (Country::Peru, Lima, sat, "2026-11-28 10:00", false),        // Saturday, never
        (Country::Peru, Lima, &wide, "2026-11-24 07:00", true),
        (Country::Peru, Lima, &wide, "2026-11-24 20:00", false),
        (
            Country::Argentina,
            Buenos_Aires,
            &wide,
            "2026-11-24 09:00",
            true,
        ),
        (
            Country::Argentina,
            Buenos_Aires,
            &wide,
            "2026-11-24 08:59",
            false,
        ),
        (
            Country::Argentina,
            Buenos_Aires,
            &wide,
            "2026-11-23 10:00",
            false,
        ), // Soberanía
    ];
    for (country, tz, config, at, expected) in cases {
        let rules = rules(*country, config);
        let allowed = is_allowed(local(*tz, at), *tz, &rules, &national(*country), &[]);
        assert_eq!(allowed, *expected, "{country} {at} with {config:?}");
    }
}

struct Case {
    name: &'static str,
    country: Country,
    tz: Tz,
    config: &'static str,
    region: Option<&'static str>,
    extra: &'static [&'static str],
    earliest: DateTime<Utc>,
    contacts: Vec<DateTime<Utc>>,
    expected: DateTime<Utc>,
    reason: Option<&'static str>,
}

impl Default for Case {
    fn default() -> Case {
        Case {
            name: "",
            country: Country::Spain,
            tz: Madrid,
            config: "",
            region: None,
            extra: &[],
            earliest: DateTime::UNIX_EPOCH,
            contacts: Vec::new(),
            expected: DateTime::UNIX_EPOCH,
            reason: None,
        }
    }
}

/// Contact hours, weekends, national, regional and owner-added holidays (Madrid).
#[test]
fn next_send_moments_in_the_window_weekends_and_holidays() {
    let m = |text| local(Madrid, text);
    check_next_send_moments(vec![
        Case {
            name: "inside the window: send at once",
            earliest: m("2026-11-24 10:15"),
            expected: m("2026-11-24 10:15"),
            ..Case::default()
        },
        Case {
            name: "before the window opens",
            earliest: m("2026-11-24 08:00"),
            expected: m("2026-11-24 10:00"),
            reason: Some("outside contact hours"),
            ..Case::default()
        },
        Case {
            name: "Friday afternoon waits for Monday midday",
            earliest: m("2026-11-27 15:00"),
            expected: m("2026-11-30 12:00"),
            reason: Some("outside contact hours"),
            ..Case::default()
        },
        Case {
            name: "weekend",
            earliest: m("2026-11-28 10:00"),
            expected: m("2026-11-30 12:00"),
            reason: Some("weekend"),
            ..Case::default()
        },
        Case {
            name: "holiday on the due date",
            earliest: m("2026-12-08 09:00"),
            expected: m("2026-12-09 10:00"),
            reason: Some("holiday Inmaculada Concepción on 2026-12-08"),
            ..Case::default()
        },
        Case {
            name: "Monday 7 December is a working day nationally",
            earliest: m("2026-12-07 09:00"),
            expected: m("2026-12-07 12:00"),
            reason: Some("outside contact hours"),
            ..Case::default()
        },
        Case {
            name: "ES regional holiday (Madrid moves Constitución to Monday)",
            region: Some("MD"),
            earliest: m("2026-12-07 09:00"),
            expected: m("2026-12-09 10:00"),
            reason: Some("holiday Lunes siguiente a Día de la Constitución Española on 2026-12-07"),
            ..Case::default()
        },
        Case {
            name: "owner-added holiday",
            extra: &["2026-11-24"],
            earliest: m("2026-11-24 09:00"),
            expected: m("2026-11-25 10:00"),
            reason: Some("holiday festivo del negocio on 2026-11-24"),
            ..Case::default()
        },
    ]);
}

/// The day and hour are the client's, whatever the UTC instant.
#[test]
fn next_send_moments_in_the_clients_time_zone() {
    let m = |text| local(Madrid, text);
    let mx = |text| local(Mexico_City, text);
    check_next_send_moments(vec![
        Case {
            name: "UTC Thursday evening is already Friday in Madrid",
            earliest: utc("2026-11-26T23:30:00Z"),
            expected: utc("2026-11-27T09:00:00Z"),
            reason: Some("outside contact hours"),
            ..Case::default()
        },
        Case {
            name: "UTC Friday night is already Saturday in Madrid",
            earliest: utc("2026-11-27T23:10:00Z"),
            expected: m("2026-11-30 12:00"),
            reason: Some("weekend"),
            ..Case::default()
        },
        Case {
            name: "UTC Tuesday is still Monday evening in Mexico City",
            country: Country::Mexico,
            tz: Mexico_City,
            earliest: utc("2026-11-24T03:00:00Z"),
            expected: utc("2026-11-24T16:00:00Z"),
            reason: Some("outside contact hours"),
            ..Case::default()
        },
        Case {
            name: "a contact late Monday local time does not block Tuesday in Mexico City",
            country: Country::Mexico,
            tz: Mexico_City,
            earliest: mx("2026-11-24 10:00"),
            contacts: vec![utc("2026-11-24T05:00:00Z")],
            expected: mx("2026-11-24 10:00"),
            ..Case::default()
        },
    ]);
}

/// The minimum gap, the daily cap and the rolling weekly cap.
#[test]
fn next_send_moments_after_gaps_and_caps() {
    let m = |text| local(Madrid, text);
    let mx = |text| local(Mexico_City, text);
    check_next_send_moments(vec![
        Case {
            name: "minimum gap of 2 days",
            earliest: m("2026-11-24 10:00"),
            contacts: vec![m("2026-11-23 12:10")],
            expected: m("2026-11-25 10:00"),
            reason: Some("minimum gap of 2 days since last contact on 2026-11-23"),
            ..Case::default()
        },
        Case {
            name: "daily cap",
            config: "min-gap-days = 0",
            earliest: m("2026-11-24 10:00"),
            contacts: vec![m("2026-11-24 08:00")],
            expected: m("2026-11-25 10:00"),
            reason: Some("daily cap of 1 reached"),
            ..Case::default()
        },
        Case {
            name: "weekly cap of 2 in a rolling week",
            earliest: m("2026-11-27 10:00"),
            contacts: vec![m("2026-11-23 12:00"), m("2026-11-25 10:00")],
            expected: m("2026-11-30 12:00"),
            reason: Some("weekly cap of 2 reached"),
            ..Case::default()
        },
        Case {
            name: "rolling week is stricter than a calendar week",
            country: Country::Mexico,
            tz: Mexico_City,
            earliest: mx("2026-11-30 12:00"),
            contacts: vec![
                mx("2026-11-25 10:00"),
                mx("2026-11-26 10:00"),
                mx("2026-11-27 10:00"),
            ],
            expected: mx("2026-12-02 10:00"),
            reason: Some("weekly cap of 3 reached"),
            ..Case::default()
        },
    ]);
}

/// Each country's contact days, and the clock changes.
#[test]
fn next_send_moments_by_country_and_across_dst() {
    let m = |text| local(Madrid, text);
    check_next_send_moments(vec![
        Case {
            name: "Colombia: Saturday until 15:00, then Monday (Sunday never)",
            country: Country::Colombia,
            tz: Bogota,
            config: "days = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\", \"sat\", \"sun\"]\n\
                     hours = \"08:00-19:00\"\navoid-monday-morning = false",
            earliest: local(Bogota, "2026-11-28 15:00"),
            expected: local(Bogota, "2026-11-30 08:00"),
            reason: Some("outside contact hours"),
            ..Case::default()
        },
        Case {
            name: "Chile: Saturday is a contact day when chosen",
            country: Country::Chile,
            tz: Santiago,
            config: "days = [\"fri\", \"sat\"]",
            earliest: local(Santiago, "2026-11-27 13:00"),
            expected: local(Santiago, "2026-11-28 10:00"),
            reason: Some("outside contact hours"),
            ..Case::default()
        },
        Case {
            name: "Peru: Saturday never, even when chosen",
            country: Country::Peru,
            tz: Lima,
            config: "days = [\"sat\", \"mon\"]",
            earliest: local(Lima, "2026-11-28 10:00"),
            expected: local(Lima, "2026-11-30 12:00"),
            reason: Some("weekend"),
            ..Case::default()
        },
        Case {
            name: "a weekday that is not a contact day",
            config: "days = [\"mon\", \"thu\"]",
            earliest: m("2026-11-24 10:00"),
            expected: m("2026-11-26 10:00"),
            reason: Some("Tuesday is not a contact day"),
            ..Case::default()
        },
        Case {
            name: "DST spring forward: Monday 12:00 CEST is 10:00 UTC",
            earliest: m("2026-03-28 10:00"),
            expected: utc("2026-03-30T10:00:00Z"),
            reason: Some("weekend"),
            ..Case::default()
        },
        Case {
            name: "before spring forward: Monday 12:00 CET is 11:00 UTC",
            earliest: m("2026-03-21 10:00"),
            expected: utc("2026-03-23T11:00:00Z"),
            reason: Some("weekend"),
            ..Case::default()
        },
        Case {
            name: "DST fall back: Monday 12:00 CET is 11:00 UTC",
            earliest: m("2026-10-24 10:00"),
            expected: utc("2026-10-26T11:00:00Z"),
            reason: Some("weekend"),
            ..Case::default()
        },
    ]);
}

/// Each case's next moment, its reason, and that the moment found is allowed.
fn check_next_send_moments(cases: Vec<Case>) {
    for case in cases {
        let rules = rules(case.country, case.config);
        let extra: Vec<NaiveDate> = case.extra.iter().map(|d| date(d)).collect();
        let holidays = HolidayCalendar::new(case.country, case.region, &extra).unwrap();
        let got = next_send_moment(case.earliest, case.tz, &rules, &holidays, &case.contacts)
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        assert_eq!(got.at, case.expected, "{}: {got}", case.name);
        assert_eq!(
            got.reason.as_ref().map(ToString::to_string).as_deref(),
            case.reason,
            "{}",
            case.name
        );
        assert!(
            is_allowed(got.at, case.tz, &rules, &holidays, &case.contacts),
            "{}: the moment found must be allowed",
            case.name
        );
    }
}

#[test]
fn renders_a_human_explanation() {
    let rules = ContactRules::defaults(Country::Spain).unwrap();
    let holidays = national(Country::Spain);
    let earliest = local(Madrid, "2026-12-08 09:00");
    let moment = next_send_moment(earliest, Madrid, &rules, &holidays, &[]).unwrap();
    assert_eq!(
        moment.to_string(),
        "waiting for Wednesday 2026-12-09 10:00 (Europe/Madrid): \
         holiday Inmaculada Concepción on 2026-12-08"
    );
    let now = local(Madrid, "2026-12-09 11:00");
    let moment = next_send_moment(now, Madrid, &rules, &holidays, &[]).unwrap();
    assert_eq!(
        moment.to_string(),
        "send at Wednesday 2026-12-09 11:00 (Europe/Madrid)"
    );
}

/// Rules with one Sunday window that straddles the DST change (not legal in
/// Spain: built directly to test the time arithmetic only).
fn sunday_night_rules(window: &str) -> ContactRules {
    let mut windows = [None; 7];
    windows[6] = Some(window.parse().unwrap());
    ContactRules {
        country: Country::Spain,
        windows,
        min_gap_days: 0,
        daily_cap: 5,
        weekly_cap: 5,
        adjustments: Vec::new(),
    }
}

#[test]
fn windows_across_dst_changes_in_madrid() {
    let holidays = national(Country::Spain);
    // (window, earliest, expected moment, instants inside, instants outside)
    let cases = [
        // 2026-03-29: 02:00 CET jumps to 03:00 CEST (01:00 UTC); 02:30 does not exist.
        (
            "02:30-04:00",
            "2026-03-28T23:00:00Z",
            "2026-03-29T01:00:00Z",
            ["2026-03-29T01:00:00Z", "2026-03-29T01:59:00Z"],
            ["2026-03-29T00:59:00Z", "2026-03-29T02:00:00Z"],
        ),
        // 2026-10-25: 03:00 CEST falls back to 02:00 CET (01:00 UTC); 02:30 happens twice.
        (
            "02:30-03:30",
            "2026-10-24T23:00:00Z",
            "2026-10-25T00:30:00Z",
            ["2026-10-25T00:30:00Z", "2026-10-25T02:29:00Z"],
            ["2026-10-25T00:29:00Z", "2026-10-25T02:30:00Z"],
        ),
    ];
    for (window, earliest, expected, inside, outside) in cases {
        let rules = sunday_night_rules(window);
        let got = next_send_moment(utc(earliest), Madrid, &rules, &holidays, &[]).unwrap();
        assert_eq!(got.at, utc(expected), "{window}: {got}");
        for at in inside {
            assert!(
                is_allowed(utc(at), Madrid, &rules, &holidays, &[]),
                "{window} {at}"
            );
        }
        for at in outside {
            assert!(
                !is_allowed(utc(at), Madrid, &rules, &holidays, &[]),
                "{window} {at}"
            );
        }
    }
}

#[test]
fn local_instants_never_use_fixed_offsets() {
    let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
    let cases = [
        ("2026-03-29", t(1, 30), Edge::Open, "2026-03-29T00:30:00Z"),
        ("2026-03-29", t(2, 30), Edge::Open, "2026-03-29T01:00:00Z"),
        ("2026-03-29", t(2, 30), Edge::Close, "2026-03-29T01:00:00Z"),
        ("2026-03-29", t(3, 30), Edge::Open, "2026-03-29T01:30:00Z"),
        ("2026-10-25", t(2, 30), Edge::Open, "2026-10-25T00:30:00Z"),
        ("2026-10-25", t(2, 30), Edge::Close, "2026-10-25T01:30:00Z"),
        ("2026-10-25", t(10, 0), Edge::Open, "2026-10-25T09:00:00Z"),
        ("2026-10-24", t(10, 0), Edge::Open, "2026-10-24T08:00:00Z"),
    ];
    for (day, time, edge, expected) in cases {
        let got = local_instant(date(day), time, Madrid, edge);
        assert_eq!(got, Some(utc(expected)), "{day} {time}");
    }
}

#[test]
fn no_allowed_day_is_an_error_not_a_hang() {
    let mut rules = ContactRules::defaults(Country::Spain).unwrap();
    rules.windows = [None; 7];
    assert!(rules.validate().is_err());
    let earliest = local(Madrid, "2026-11-24 10:00");
    let err =
        next_send_moment(earliest, Madrid, &rules, &national(Country::Spain), &[]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no allowed send moment for ES within 400 days of 2026-11-24: check contact.days, \
         contact.hours and the extra holidays"
    );
}

#[test]
fn is_allowed_agrees_with_next_send_moment() {
    let holidays = HolidayCalendar::new(Country::Spain, Some("MD"), &[]).unwrap();
    let contacts = [
        local(Madrid, "2026-11-24 11:00"),
        local(Madrid, "2026-12-01 10:30"),
    ];
    for config in [
        "",
        "min-gap-days = 0\ndaily-cap = 2",
        "hours = \"09:00-20:00\"",
    ] {
        let rules = rules(Country::Spain, config);
        let mut at = utc("2026-11-20T00:00:00Z");
        while at < utc("2026-12-12T00:00:00Z") {
            let moment = next_send_moment(at, Madrid, &rules, &holidays, &contacts).unwrap();
            let allowed = is_allowed(at, Madrid, &rules, &holidays, &contacts);
            assert_eq!(allowed, moment.at == at, "{config:?} {at}: {moment}");
            assert_eq!(
                allowed,
                moment.reason.is_none(),
                "{config:?} {at}: {moment}"
            );
            assert!(moment.at >= at);
            assert!(is_allowed(moment.at, Madrid, &rules, &holidays, &contacts));
            at += TimeDelta::minutes(17);
        }
    }
}
