//! Tests for contact-rule parsing and resolution.

use super::*;

fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

fn range(s: &str) -> TimeRange {
    s.parse().unwrap()
}

#[test]
fn time_ranges_parse_or_explain() {
    assert_eq!(
        range("10:00-12:30"),
        TimeRange::new(t(10, 0), t(12, 30)).unwrap()
    );
    assert_eq!(
        range(" 09:00 – 18:00 "),
        TimeRange::new(t(9, 0), t(18, 0)).unwrap()
    );
    let cases = [
        (
            "9h-12h",
            "\"9h\" is not a time of day: write HH:MM, 00:00 to 23:59",
        ),
        (
            "10:00",
            "\"10:00\" is not a time range: write \"HH:MM-HH:MM\", e.g. \"10:00-12:30\"",
        ),
        (
            "25:00-26:00",
            "\"25:00\" is not a time of day: write HH:MM, 00:00 to 23:59",
        ),
        (
            "18:00-09:00",
            "\"18:00-09:00\": the start must be before the end (a range cannot cross midnight)",
        ),
    ];
    for (input, message) in cases {
        assert_eq!(input.parse::<TimeRange>().unwrap_err(), message, "{input}");
    }
}

#[test]
fn config_toml_shape() {
    let config: ContactRulesConfig = toml::from_str(
        r#"
        days = ["mon", "tue", "miércoles", "Thursday", "fri", "sat"]
        hours = "09:30-13:00"
        avoid-monday-morning = false
        avoid-friday-afternoon = true
        min-gap-days = 3
        daily-cap = 1
        weekly-cap = 2
        "#,
    )
    .unwrap();
    assert_eq!(config.days.as_ref().map(Vec::len), Some(6));
    assert_eq!(config.hours, Some(range("09:30-13:00")));
    assert_eq!(config.min_gap_days, Some(3));
}

#[test]
fn config_errors_name_the_field_and_fix() {
    let cases = [
        ("hours = \"9-12\"", "\"9\" is not a time of day"),
        (
            "days = [\"mon\", \"funday\"]",
            "\"funday\" is not a day: use mon",
        ),
        ("weekly_cap = 2", "unknown field `weekly_cap`"),
        ("daily-cap = \"1\"", "invalid type"),
    ];
    for (input, fragment) in cases {
        let err = toml::from_str::<ContactRulesConfig>(input).unwrap_err();
        assert!(err.to_string().contains(fragment), "{input}: {err}");
    }
}

#[test]
fn defaults_per_country() {
    // (country, Monday window, Tuesday window, Friday window, Saturday, gap, daily, weekly)
    let cases = [
        (
            Country::Spain,
            "12:00-12:30",
            "10:00-12:30",
            "10:00-12:00",
            None,
            2,
            1,
            2,
        ),
        (
            Country::Mexico,
            "12:00-12:30",
            "10:00-12:30",
            "10:00-12:00",
            None,
            1,
            1,
            3,
        ),
        (
            Country::Colombia,
            "12:00-12:30",
            "10:00-12:30",
            "10:00-12:00",
            None,
            1,
            1,
            3,
        ),
        (
            Country::Chile,
            "12:00-12:30",
            "10:00-12:30",
            "10:00-12:00",
            None,
            2,
            1,
            2,
        ),
        (
            Country::Peru,
            "12:00-12:30",
            "10:00-12:30",
            "10:00-12:00",
            None,
            1,
            1,
            2,
        ),
        (
            Country::Argentina,
            "12:00-12:30",
            "10:00-12:30",
            "10:00-12:00",
            None,
            1,
            1,
            2,
        ),
    ];
    for (country, mon, tue, fri, sat, gap, daily, weekly) in cases {
        let rules = ContactRules::defaults(country).unwrap();
        assert_eq!(rules.window(Weekday::Mon), Some(range(mon)), "{country}");
        assert_eq!(rules.window(Weekday::Tue), Some(range(tue)), "{country}");
        assert_eq!(rules.window(Weekday::Fri), Some(range(fri)), "{country}");
        assert_eq!(rules.window(Weekday::Sat), sat, "{country}");
        assert_eq!(rules.window(Weekday::Sun), None, "{country}");
        assert_eq!(
            (rules.min_gap_days(), rules.daily_cap(), rules.weekly_cap()),
            (gap, daily, weekly),
            "{country}"
        );
        assert!(rules.adjustments().is_empty(), "{country}");
    }
}

#[test]
fn owner_settings_are_clipped_to_the_law() {
    let config = ContactRulesConfig {
        days: Some(["mon", "sat", "sun"].map(|d| d.parse().unwrap()).to_vec()),
        hours: Some(range("07:00-21:00")),
        avoid_monday_morning: Some(false),
        daily_cap: Some(3),
        weekly_cap: Some(5),
        min_gap_days: Some(0),
        ..ContactRulesConfig::default()
    };
    // (country, Monday, Saturday, gap, daily, weekly, adjustments)
    let cases = [
        (Country::Spain, Some("09:00-20:00"), None, 0, 3, 5, 3),
        (
            Country::Colombia,
            Some("07:00-19:00"),
            Some("08:00-15:00"),
            0,
            1,
            5,
            4,
        ),
        (
            Country::Chile,
            Some("08:00-20:00"),
            Some("08:00-20:00"),
            2,
            3,
            2,
            5,
        ),
        (Country::Peru, Some("07:00-20:00"), None, 0, 3, 5, 3),
    ];
    for (country, mon, sat, gap, daily, weekly, notes) in cases {
        let rules = ContactRules::resolve(country, &config).unwrap();
        assert_eq!(rules.window(Weekday::Mon), mon.map(range), "{country}");
        assert_eq!(rules.window(Weekday::Sat), sat.map(range), "{country}");
        assert_eq!(rules.window(Weekday::Sun), None, "{country}");
        assert_eq!(
            (rules.min_gap_days(), rules.daily_cap(), rules.weekly_cap()),
            (gap, daily, weekly),
            "{country}"
        );
        assert_eq!(
            rules.adjustments().len(),
            notes,
            "{country}: {:?}",
            rules.adjustments()
        );
    }
}

#[test]
fn adjustments_say_what_changed_and_why() {
    let config: ContactRulesConfig =
        toml::from_str("days = [\"fri\", \"sat\"]\nhours = \"08:00-21:00\"\nweekly-cap = 4")
            .unwrap();
    let cases = [
        (
            Country::Peru,
            vec![
                "hours: 08:00-21:00 clipped to 08:00-20:00 on Fri, the legal window in PE",
                "days: Sat dropped, PE allows contact only on Mon, Tue, Wed, Thu, Fri",
            ],
        ),
        (
            Country::Chile,
            vec![
                "hours: 08:00-21:00 clipped to 08:00-20:00 on Fri, the legal window in CL",
                "hours: 08:00-21:00 clipped to 08:00-20:00 on Sat, the legal window in CL",
                "weekly-cap 4 lowered to 2 in CL (Ley 19.496 art. 37 (Ley 21.320): Mon-Sat 8-20 \
                 except holidays, at most 2 written contacts a week, at least 2 days apart)",
            ],
        ),
    ];
    for (country, expected) in cases {
        let rules = ContactRules::resolve(country, &config).unwrap();
        assert_eq!(rules.adjustments(), expected, "{country}");
    }
}

#[test]
fn overlay_prefers_the_more_specific_table() {
    let global = ContactRulesConfig {
        hours: Some(range("10:00-12:00")),
        weekly_cap: Some(2),
        ..ContactRulesConfig::default()
    };
    let chile = ContactRulesConfig {
        weekly_cap: Some(1),
        ..ContactRulesConfig::default()
    };
    let merged = global.overlay(&chile);
    assert_eq!(merged.hours, Some(range("10:00-12:00")));
    assert_eq!(merged.weekly_cap, Some(1));
}

#[test]
fn rules_that_allow_nothing_are_rejected() {
    let cases = [
        (
            ContactRulesConfig {
                days: Some(vec!["sun".parse().unwrap()]),
                ..ContactRulesConfig::default()
            },
            "no day has contact hours left",
        ),
        (
            ContactRulesConfig {
                hours: Some(range("20:00-23:00")),
                ..ContactRulesConfig::default()
            },
            "no day has contact hours left",
        ),
        // (Mondays only, 09:00-11:00: kept, see
        // `a_weekday_is_never_emptied_by_the_monday_and_friday_preferences`.)
        (
            ContactRulesConfig {
                weekly_cap: Some(0),
                ..ContactRulesConfig::default()
            },
            "weekly-cap must be at least 1",
        ),
        (
            ContactRulesConfig {
                daily_cap: Some(0),
                ..ContactRulesConfig::default()
            },
            "daily-cap must be at least 1",
        ),
        (
            ContactRulesConfig {
                min_gap_days: Some(60),
                ..ContactRulesConfig::default()
            },
            "min-gap-days 60 is too large",
        ),
    ];
    for (config, fragment) in cases {
        let err = ContactRules::resolve(Country::Spain, &config).unwrap_err();
        assert!(err.to_string().contains(fragment), "{err}");
        assert!(
            err.to_string().starts_with("invalid contact rules for ES"),
            "{err}"
        );
    }
}

/// Colombia's hours of the example (09:00-12:00) and the default "no Monday mornings" left
/// Monday with no minute: a walk's Colombian client was never written to on a Monday. The
/// preference is set aside for a day it would empty, and `check` says so.
#[test]
fn a_weekday_is_never_emptied_by_the_monday_and_friday_preferences() {
    let config = ContactRulesConfig {
        hours: Some(range("09:00-12:00")),
        ..ContactRulesConfig::default()
    };
    let rules = ContactRules::resolve(Country::Colombia, &config).unwrap();
    assert_eq!(rules.window(Weekday::Mon), Some(range("09:00-12:00")));
    assert_eq!(rules.window(Weekday::Fri), Some(range("09:00-12:00")));
    assert!(
        rules
            .adjustments()
            .iter()
            .any(|a| a.contains("avoid-monday-morning set aside in CO")),
        "{:?}",
        rules.adjustments()
    );
    let afternoon = ContactRulesConfig {
        hours: Some(range("14:00-17:00")),
        ..ContactRulesConfig::default()
    };
    let rules = ContactRules::resolve(Country::Colombia, &afternoon).unwrap();
    assert_eq!(rules.window(Weekday::Fri), Some(range("14:00-17:00")));
    assert_eq!(rules.window(Weekday::Mon), Some(range("14:00-17:00")));
}

/// A client's own hours narrow each day's window; where they miss the owner's, the legal
/// window's part inside them (no longer than the owner's window); outside the law, the owner's
/// window stays and the adjustment says so.
#[test]
fn a_clients_own_hours_narrow_the_window_inside_the_law() {
    let mx = ContactRules::defaults(Country::Mexico).unwrap();
    let tue = |r: &ContactRules| r.window(Weekday::Tue);
    assert_eq!(tue(&mx), Some(range("10:00-12:30")));
    // «No me escriban antes de las 11».
    let late = mx.for_client(range("11:00-23:59"));
    assert_eq!(tue(&late), Some(range("11:00-12:30")));
    // Monday's window opens at 12:00 (avoid-monday-morning): still inside.
    assert_eq!(late.window(Weekday::Mon), Some(range("12:00-12:30")));
    assert_eq!(late.window(Weekday::Sun), None, "no day is added");
    // «Mejor por la tarde»: the owner's two and a half hours, from 16:00.
    let afternoon = mx.for_client(range("16:00-20:00"));
    assert_eq!(tue(&afternoon), Some(range("16:00-18:30")));
    // Shorter than the owner's window: all of it.
    assert_eq!(
        tue(&mx.for_client(range("21:00-23:00"))),
        Some(range("21:00-22:00"))
    );
    // After the legal 22:00: the owner's window, said.
    let night = mx.for_client(range("22:30-23:30"));
    assert_eq!(tue(&night), Some(range("10:00-12:30")));
    assert!(
        night
            .adjustments()
            .iter()
            .any(|a| a.contains("outside the legal window"))
    );
    assert!(night.validate().is_ok() && afternoon.validate().is_ok());
}

/// A day whose legal window misses the client's hours is dropped, not written to in the
/// owner's window (the client was told it is written to within its hours): Colombia's
/// Saturday ends at 15:00, so «escríbanme después de las 4» leaves Saturday without contact.
#[test]
fn a_day_the_clients_hours_miss_is_dropped() {
    let config = ContactRulesConfig {
        days: Some(["mon", "tue", "sat"].map(|d| d.parse().unwrap()).to_vec()),
        ..ContactRulesConfig::default()
    };
    let co = ContactRules::resolve(Country::Colombia, &config).unwrap();
    assert!(co.window(Weekday::Sat).is_some());
    let late = co.for_client(range("16:00-23:59"));
    assert_eq!(late.window(Weekday::Sat), None);
    assert_eq!(late.window(Weekday::Tue), Some(range("16:00-18:30")));
    assert!(late.validate().is_ok());
}

/// A client's hours are kept within the hours the law allows on some day; none left, none.
#[test]
fn a_clients_own_hours_are_kept_within_the_law() {
    let keep =
        |country, asked: &str| within_legal_hours(country, range(asked)).map(|h| h.to_string());
    assert_eq!(
        keep(Country::Mexico, "20:00-23:30").as_deref(),
        Some("20:00-22:00")
    );
    assert_eq!(
        keep(Country::Mexico, "11:00-23:59").as_deref(),
        Some("11:00-22:00")
    );
    assert_eq!(keep(Country::Mexico, "03:00-05:00"), None);
}
