//! Supported countries and their compliance profiles (legal contact windows and limits).
//!
//! The windows come from the profile table in `shared/reference/compliance.md`
//! and are treated as hard outer limits: the owner's preferences are clipped
//! to them, never widened. Frequency limits are split into `legal_*` (set by a
//! statute: the owner can only tighten them) and `default_*` (our polite
//! defaults where the law is silent: the owner may change them).

use std::fmt;
use std::str::FromStr;

use chrono::Weekday;
use serde::{Deserialize, Serialize};

use crate::policy::PolicyError;
use crate::policy::rules::TimeRange;

/// A country cobrador has a compliance profile and holiday data for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Country {
    /// Spain (ES).
    Spain,
    /// Mexico (MX).
    Mexico,
    /// Colombia (CO).
    Colombia,
    /// Chile (CL).
    Chile,
    /// Peru (PE).
    Peru,
    /// Argentina (AR).
    Argentina,
}

impl Country {
    /// Every supported country, in a stable order.
    pub const ALL: [Country; 6] = [
        Country::Spain,
        Country::Mexico,
        Country::Colombia,
        Country::Chile,
        Country::Peru,
        Country::Argentina,
    ];

    /// The ISO 3166-1 alpha-2 code, e.g. `"ES"`.
    pub fn code(self) -> &'static str {
        match self {
            Country::Spain => "ES",
            Country::Mexico => "MX",
            Country::Colombia => "CO",
            Country::Chile => "CL",
            Country::Peru => "PE",
            Country::Argentina => "AR",
        }
    }

    /// Position in [`Country::ALL`], for tables indexed by country.
    pub(crate) const fn index(self) -> usize {
        self as usize
    }

    /// The compliance profile for this country.
    pub fn profile(self) -> &'static CountryProfile {
        match self {
            Country::Spain => &SPAIN,
            Country::Mexico => &MEXICO,
            Country::Colombia => &COLOMBIA,
            Country::Chile => &CHILE,
            Country::Peru => &PERU,
            Country::Argentina => &ARGENTINA,
        }
    }

    fn valid_codes() -> String {
        Country::ALL.map(Country::code).join(", ")
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Country {
    type Err = PolicyError;

    /// Parses an ISO code, case-insensitively (`"es"`, `"ES"`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim();
        Country::ALL
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| PolicyError::UnknownCountry {
                given: s.to_owned(),
                valid: Country::valid_codes(),
            })
    }
}

impl TryFrom<String> for Country {
    type Error = PolicyError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<Country> for String {
    fn from(value: Country) -> Self {
        value.code().to_owned()
    }
}

/// What the law (or, where it is silent, our conservative default) allows in one country.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryProfile {
    /// The country this profile is for.
    pub country: Country,
    /// Legal contact window per weekday, Monday first; `None` = never on that day.
    pub legal_hours: [Option<TimeRange>; 7],
    /// Statutory maximum contacts per local day, if a law sets one.
    pub legal_daily_cap: Option<u32>,
    /// Statutory maximum contacts per 7 days, if a law sets one.
    pub legal_weekly_cap: Option<u32>,
    /// Statutory minimum days between contacts, if a law sets one.
    pub legal_min_gap_days: Option<u32>,
    /// Default maximum contacts per local day.
    pub default_daily_cap: u32,
    /// Default maximum contacts in any 7 consecutive local days.
    pub default_weekly_cap: u32,
    /// Default minimum calendar days between two contacts.
    pub default_min_gap_days: u32,
    /// Where the limits come from, for messages to the owner.
    pub source: &'static str,
}

impl CountryProfile {
    /// The legal window on `day`, if contact is allowed at all that day.
    pub fn legal_window(&self, day: Weekday) -> Option<TimeRange> {
        self.legal_hours[day.num_days_from_monday() as usize]
    }
}

/// A compile-time window; an invalid literal fails the build, not the daemon.
const fn hours(start_h: u32, start_m: u32, end_h: u32, end_m: u32) -> Option<TimeRange> {
    Some(TimeRange::from_hm(start_h, start_m, end_h, end_m))
}

/// Monday to Friday with the same window, weekends closed.
const fn weekdays(window: Option<TimeRange>) -> [Option<TimeRange>; 7] {
    [window, window, window, window, window, None, None]
}

static SPAIN: CountryProfile = CountryProfile {
    country: Country::Spain,
    legal_hours: weekdays(hours(9, 0, 20, 0)),
    legal_daily_cap: None,
    legal_weekly_cap: None,
    legal_min_gap_days: None,
    default_daily_cap: 1,
    default_weekly_cap: 2,
    default_min_gap_days: 2,
    source: "no statute sets collection hours in Spain; conservative default \
             (LCD arts. 8 and 29 forbid harassment)",
};

static MEXICO: CountryProfile = CountryProfile {
    country: Country::Mexico,
    legal_hours: weekdays(hours(7, 0, 22, 0)),
    legal_daily_cap: None,
    legal_weekly_cap: None,
    legal_min_gap_days: None,
    default_daily_cap: 1,
    default_weekly_cap: 3,
    default_min_gap_days: 1,
    source: "CONDUSEF rules for collection agencies: 7:00-22:00 debtor's time; \
             Monday-Friday is our default",
};

static COLOMBIA: CountryProfile = CountryProfile {
    country: Country::Colombia,
    legal_hours: [
        hours(7, 0, 19, 0),
        hours(7, 0, 19, 0),
        hours(7, 0, 19, 0),
        hours(7, 0, 19, 0),
        hours(7, 0, 19, 0),
        hours(8, 0, 15, 0),
        None,
    ],
    legal_daily_cap: Some(1),
    legal_weekly_cap: None,
    legal_min_gap_days: None,
    default_daily_cap: 1,
    default_weekly_cap: 3,
    default_min_gap_days: 1,
    source: "Ley 2300 de 2023 art. 3: Mon-Fri 7-19, Sat 8-15, never Sundays or holidays, \
             at most once a day",
};

static CHILE: CountryProfile = CountryProfile {
    country: Country::Chile,
    legal_hours: [
        hours(8, 0, 20, 0),
        hours(8, 0, 20, 0),
        hours(8, 0, 20, 0),
        hours(8, 0, 20, 0),
        hours(8, 0, 20, 0),
        hours(8, 0, 20, 0),
        None,
    ],
    legal_daily_cap: None,
    legal_weekly_cap: Some(2),
    legal_min_gap_days: Some(2),
    default_daily_cap: 1,
    default_weekly_cap: 2,
    default_min_gap_days: 2,
    source: "Ley 19.496 art. 37 (Ley 21.320): Mon-Sat 8-20 except holidays, at most 2 written \
             contacts a week, at least 2 days apart",
};

static PERU: CountryProfile = CountryProfile {
    country: Country::Peru,
    legal_hours: weekdays(hours(7, 0, 20, 0)),
    legal_daily_cap: None,
    legal_weekly_cap: None,
    legal_min_gap_days: None,
    default_daily_cap: 1,
    default_weekly_cap: 2,
    default_min_gap_days: 1,
    source: "Ley 29571 arts. 61-62: no contact 20:00-07:00, Saturdays, Sundays or holidays",
};

static ARGENTINA: CountryProfile = CountryProfile {
    country: Country::Argentina,
    legal_hours: weekdays(hours(9, 0, 20, 0)),
    legal_daily_cap: None,
    legal_weekly_cap: None,
    legal_min_gap_days: None,
    default_daily_cap: 1,
    default_weekly_cap: 2,
    default_min_gap_days: 1,
    source: "no national rule in Argentina; conservative default (Ley 24.240 art. 8 bis, \
             trato digno)",
};

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveTime;

    #[test]
    fn country_codes_round_trip() {
        for (index, country) in Country::ALL.into_iter().enumerate() {
            assert_eq!(country.index(), index);
            assert_eq!(country.code().parse::<Country>(), Ok(country));
            assert_eq!(country.profile().country, country);
        }
        assert_eq!("es".parse::<Country>(), Ok(Country::Spain));
    }

    #[test]
    fn unknown_country_names_the_valid_ones() {
        let err = "FR".parse::<Country>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown country \"FR\": use one of ES, MX, CO, CL, PE, AR"
        );
    }

    #[test]
    fn legal_windows_match_the_compliance_table() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        let cases = [
            (Country::Spain, Weekday::Mon, Some((t(9, 0), t(20, 0)))),
            (Country::Spain, Weekday::Sat, None),
            (Country::Mexico, Weekday::Fri, Some((t(7, 0), t(22, 0)))),
            (Country::Colombia, Weekday::Sat, Some((t(8, 0), t(15, 0)))),
            (Country::Colombia, Weekday::Sun, None),
            (Country::Chile, Weekday::Sat, Some((t(8, 0), t(20, 0)))),
            (Country::Chile, Weekday::Sun, None),
            (Country::Peru, Weekday::Sat, None),
            (Country::Peru, Weekday::Wed, Some((t(7, 0), t(20, 0)))),
            (Country::Argentina, Weekday::Tue, Some((t(9, 0), t(20, 0)))),
        ];
        for (country, day, expected) in cases {
            let got = country
                .profile()
                .legal_window(day)
                .map(|w| (w.start(), w.end()));
            assert_eq!(got, expected, "{country} {day}");
        }
    }

    #[test]
    fn country_deserializes_from_code() {
        #[derive(Debug, Deserialize)]
        struct Row {
            country: Country,
        }
        let row: Row = toml::from_str("country = \"CL\"").unwrap();
        assert_eq!(row.country, Country::Chile);
        let err = toml::from_str::<Row>("country = \"BR\"").unwrap_err();
        assert!(err.to_string().contains("use one of ES, MX"), "{err}");
    }
}
