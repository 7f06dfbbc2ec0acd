//! Calendar arithmetic for resolving Spanish date expressions against the reply's own day.
//!
//! Every function takes `today` (the reply's date in the client's time zone) and never
//! returns a day before it unless the expression is explicitly about the past.

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};

use crate::policy::Country;
use crate::policy::holidays::is_national_holiday;

/// Last day of the month containing `d`.
pub(crate) fn last_of_month(d: NaiveDate) -> NaiveDate {
    let first = first_of_month(d);
    first
        .checked_add_months(Months::new(1))
        .and_then(|n| n.pred_opt())
        .unwrap_or(d)
}

/// First day of the month containing `d`.
pub(crate) fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// First day of the month after the one containing `d`.
pub(crate) fn first_of_next_month(d: NaiveDate) -> NaiveDate {
    first_of_month(d)
        .checked_add_months(Months::new(1))
        .unwrap_or(d)
}

/// `d` plus `n` days (saturating at the calendar's end).
pub(crate) fn add_days(d: NaiveDate, n: u64) -> NaiveDate {
    d.checked_add_days(Days::new(n)).unwrap_or(d)
}

/// `d` minus `n` days.
pub(crate) fn sub_days(d: NaiveDate, n: u64) -> NaiveDate {
    d.checked_sub_days(Days::new(n)).unwrap_or(d)
}

/// `d` plus `n` months, clamped to the end of a shorter month (Jan 31 + 1 = Feb 28).
pub(crate) fn add_months(d: NaiveDate, n: u32) -> NaiveDate {
    d.checked_add_months(Months::new(n)).unwrap_or(d)
}

/// `d` plus `n` working days: Monday to Friday, less the national holidays of the client's
/// country where cobrador has its calendar ("en 3 días hábiles" said on Tuesday 28 April in
/// Spain is Monday 4 May: 1 May is closed everywhere). Regional and local holidays are not
/// known from a time zone, so they still count as working days.
pub(crate) fn add_working_days(d: NaiveDate, n: u64, region: Region) -> NaiveDate {
    let mut out = d;
    let mut left = n;
    while left > 0 {
        out = add_days(out, 1);
        if is_working_day(out, region) {
            left -= 1;
        }
    }
    out
}

/// A weekday that is not a national holiday of `region`'s country.
pub(crate) fn is_working_day(d: NaiveDate, region: Region) -> bool {
    d.weekday().num_days_from_monday() < 5
        && !region
            .holiday_country()
            .is_some_and(|c| is_national_holiday(c, d))
}

/// Next `wd` strictly after `today` (said on a Friday, "el viernes" is a week later).
pub(crate) fn next_weekday(today: NaiveDate, wd: Weekday) -> NaiveDate {
    let from = today.weekday().num_days_from_monday();
    let to = wd.num_days_from_monday();
    let ahead = (to + 7 - from) % 7;
    add_days(today, u64::from(if ahead == 0 { 7 } else { ahead }))
}

/// `wd` in the current Monday-to-Sunday week (may be before today).
pub(crate) fn weekday_this_week(today: NaiveDate, wd: Weekday) -> NaiveDate {
    let monday = sub_days(today, u64::from(today.weekday().num_days_from_monday()));
    add_days(monday, u64::from(wd.num_days_from_monday()))
}

/// `wd` in the Monday-to-Sunday week after the current one.
pub(crate) fn weekday_next_week(today: NaiveDate, wd: Weekday) -> NaiveDate {
    add_days(weekday_this_week(today, wd), 7)
}

/// Day `day` of the month of `base`, clamped to the month's last day; the flag says
/// whether clamping happened ("el 31" in November).
pub(crate) fn day_in_month(base: NaiveDate, day: u32) -> (NaiveDate, bool) {
    let last = last_of_month(base);
    if day > last.day() {
        (last, true)
    } else {
        (base.with_day(day).unwrap_or(last), false)
    }
}

/// "el 15": this month if the day has not passed, else next month. Returns the date, whether
/// it rolled to next month, and whether the day had to be clamped.
pub(crate) fn day_of_month(today: NaiveDate, day: u32) -> (NaiveDate, bool, bool) {
    if day >= today.day() {
        let (d, clamped) = day_in_month(today, day);
        // «Se lo pago el 31» said on 30 November means no day of this month: not today.
        if d > today || d == today && !clamped {
            return (d, false, clamped);
        }
    }
    let (d, clamped) = day_in_month(first_of_next_month(today), day);
    (d, true, clamped)
}

/// The last day numbered `day` before `today` within a month back (this month's, or the
/// previous month's when this month's is still to come), if that month has it.
pub(crate) fn day_gone_by(today: NaiveDate, day: u32) -> Option<NaiveDate> {
    let this = today.with_day(day).filter(|d| *d < today);
    this.or_else(|| {
        let last_month = today.with_day(1)?.pred_opt()?;
        last_month.with_day(day)
    })
}

/// "15 de diciembre" / "15/12": this year if not passed, else next year. Returns the date
/// and how many days ago it fell this year when it rolled (None when it did not roll).
pub(crate) fn day_and_month(
    today: NaiveDate,
    day: u32,
    month: u32,
) -> Option<(NaiveDate, Option<i64>)> {
    let this = NaiveDate::from_ymd_opt(today.year(), month, day).or_else(|| {
        (month == 2 && day == 29)
            .then(|| NaiveDate::from_ymd_opt(today.year(), 2, 28))
            .flatten()
    })?;
    if this >= today {
        return Some((this, None));
    }
    let ago = (today - this).num_days();
    let next = NaiveDate::from_ymd_opt(today.year() + 1, month, day)
        .or_else(|| NaiveDate::from_ymd_opt(today.year() + 1, month, 28))?;
    Some((next, Some(ago)))
}

/// The next occurrence (today included) of the given month, as its first day.
pub(crate) fn month_start_not_before(
    today: NaiveDate,
    month: u32,
    last_day_counts: bool,
) -> NaiveDate {
    let this = NaiveDate::from_ymd_opt(today.year(), month, 1).unwrap_or(today);
    let end = last_of_month(this);
    let still = if last_day_counts {
        end >= today
    } else {
        this >= first_of_month(today)
    };
    if still {
        this
    } else {
        NaiveDate::from_ymd_opt(today.year() + 1, month, 1).unwrap_or(this)
    }
}

/// `d` moved to `year` (same month and day; the month's last day when it has fewer).
pub(crate) fn in_year(d: NaiveDate, year: i32) -> NaiveDate {
    let first = NaiveDate::from_ymd_opt(year, d.month(), 1).unwrap_or(d);
    day_in_month(first, d.day()).0
}

/// Mexican paydays: the 15th and the last day of each month (on a weekend too: outside readers
/// from Mexico and Colombia read «la quincena» as the 15th when it was a Sunday). Returns the
/// next payday, today included.
pub(crate) fn next_payday(today: NaiveDate) -> NaiveDate {
    if today.day() <= 15 {
        day_in_month(today, 15).0
    } else {
        last_of_month(today)
    }
}

/// The payday after the next one from `d` (`d` itself when a payday).
pub(crate) fn payday_after(d: NaiveDate) -> NaiveDate {
    next_payday(add_days(next_payday(d), 1))
}

/// Western Easter Sunday of `year` (anonymous Gregorian algorithm), for "Semana Santa".
pub(crate) fn easter(year: i32) -> Option<NaiveDate> {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

/// Number of the month named by a (folded) Spanish word or common abbreviation.
pub(crate) fn month_number(w: &str, allow_abbrev: bool) -> Option<u32> {
    let full = match w {
        "enero" => Some(1),
        "febrero" => Some(2),
        "marzo" => Some(3),
        "abril" => Some(4),
        "mayo" => Some(5),
        "junio" => Some(6),
        "julio" => Some(7),
        "agosto" => Some(8),
        "septiembre" | "setiembre" => Some(9),
        "octubre" => Some(10),
        "noviembre" => Some(11),
        "diciembre" => Some(12),
        _ => None,
    };
    if full.is_some() {
        return full;
    }
    if allow_abbrev {
        let abbrev = match w {
            "ene" => Some(1),
            "feb" => Some(2),
            "mar" => Some(3),
            "abr" => Some(4),
            "may" => Some(5),
            "jun" => Some(6),
            "jul" => Some(7),
            "ago" => Some(8),
            "sep" | "sept" | "set" => Some(9),
            "oct" => Some(10),
            "nov" => Some(11),
            "dic" => Some(12),
            _ => None,
        };
        if abbrev.is_some() {
            return abbrev;
        }
    }
    // Typos in long names only ("novienbre", "setiembr"): short names differ by one letter
    // from each other (junio/julio).
    if w.len() >= 6 {
        const LONG: [(&str, u32); 6] = [
            ("febrero", 2),
            ("septiembre", 9),
            ("octubre", 10),
            ("noviembre", 11),
            ("diciembre", 12),
            ("agosto", 8),
        ];
        return LONG
            .iter()
            .find(|(name, _)| crate::understand::normalise::within_one_edit(w, name))
            .map(|(_, n)| *n);
    }
    None
}

/// Weekday named by a (folded) Spanish word; `fuzzy` also accepts one typo in long names
/// ("biernes", "miercles") and three-letter abbreviations.
pub(crate) fn weekday_named(w: &str, fuzzy: bool) -> Option<Weekday> {
    let exact = match w {
        // Common misspellings count as the name itself ("lunez", "biernes", "juebes").
        "lunes" | "lunez" => Some(Weekday::Mon),
        "martes" | "martez" => Some(Weekday::Tue),
        "miercoles" | "mierkoles" | "miercolez" | "miercole" => Some(Weekday::Wed),
        "jueves" | "juebes" | "juevez" => Some(Weekday::Thu),
        "viernes" | "biernes" | "viernez" => Some(Weekday::Fri),
        "sabado" | "savado" => Some(Weekday::Sat),
        "domingo" => Some(Weekday::Sun),
        _ => None,
    };
    if exact.is_some() || !fuzzy {
        return exact;
    }
    let abbrev = match w {
        "lun" => Some(Weekday::Mon),
        "mar" => Some(Weekday::Tue),
        "mie" | "mier" | "mierc" | "mx" => Some(Weekday::Wed),
        "jue" | "juev" => Some(Weekday::Thu),
        "vie" | "vier" => Some(Weekday::Fri),
        "sab" => Some(Weekday::Sat),
        "dom" => Some(Weekday::Sun),
        // The final "s" dropped (Andalusia, Caribbean, Chile: "el lune", "el jueve").
        "lune" => Some(Weekday::Mon),
        "marte" => Some(Weekday::Tue),
        "jueve" => Some(Weekday::Thu),
        // Vowels dropped in a chat ("el vrns", "el jvs").
        "lns" => Some(Weekday::Mon),
        "mrts" => Some(Weekday::Tue),
        "mrcls" => Some(Weekday::Wed),
        "jvs" => Some(Weekday::Thu),
        "vrns" => Some(Weekday::Fri),
        "sbd" => Some(Weekday::Sat),
        "dmng" => Some(Weekday::Sun),
        // Spanglish (United States): "le pago el friday".
        "monday" => Some(Weekday::Mon),
        "tuesday" => Some(Weekday::Tue),
        "wednesday" => Some(Weekday::Wed),
        "thursday" => Some(Weekday::Thu),
        "friday" => Some(Weekday::Fri),
        "saturday" => Some(Weekday::Sat),
        "sunday" => Some(Weekday::Sun),
        _ => None,
    };
    if abbrev.is_some() {
        return abbrev;
    }
    if w.len() < 6 {
        return None;
    }
    const NAMES: [(&str, Weekday); 5] = [
        ("miercoles", Weekday::Wed),
        ("viernes", Weekday::Fri),
        ("sabado", Weekday::Sat),
        ("domingo", Weekday::Sun),
        ("martes", Weekday::Tue),
    ];
    NAMES
        .iter()
        .find(|(name, _)| crate::understand::normalise::within_one_edit(w, name))
        .map(|(_, d)| *d)
}

/// The client's country as far as dates depend on it (holidays, long weekends, how numeric
/// dates are written), from the time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Region {
    Spain,
    Mexico,
    Colombia,
    Chile,
    Peru,
    Argentina,
    UnitedStates,
    Other,
}

impl Region {
    /// The region of an IANA time zone name.
    pub(crate) fn of_zone(name: &str) -> Region {
        const US: [&str; 9] = [
            "America/New_York",
            "America/Chicago",
            "America/Denver",
            "America/Los_Angeles",
            "America/Phoenix",
            "America/Anchorage",
            "America/Detroit",
            "America/Boise",
            "Pacific/Honolulu",
        ];
        const MX: [&str; 11] = [
            "America/Mexico_City",
            "America/Monterrey",
            "America/Merida",
            "America/Cancun",
            "America/Chihuahua",
            "America/Hermosillo",
            "America/Mazatlan",
            "America/Tijuana",
            "America/Matamoros",
            "America/Ojinaga",
            "America/Bahia_Banderas",
        ];
        match name {
            "Europe/Madrid" | "Atlantic/Canary" | "Africa/Ceuta" => Region::Spain,
            "America/Bogota" => Region::Colombia,
            "America/Santiago" | "America/Punta_Arenas" | "Pacific/Easter" => Region::Chile,
            "America/Lima" => Region::Peru,
            "America/Buenos_Aires" => Region::Argentina,
            _ if name.starts_with("America/Argentina/") => Region::Argentina,
            _ if MX.contains(&name) => Region::Mexico,
            _ if US.contains(&name)
                || name.starts_with("US/")
                || name.starts_with("America/Indiana/")
                || name.starts_with("America/Kentucky/")
                || name.starts_with("America/North_Dakota/") =>
            {
                Region::UnitedStates
            }
            _ => Region::Other,
        }
    }

    /// The country whose national holidays cobrador has (`policy::holidays`), if any.
    pub(crate) fn holiday_country(self) -> Option<Country> {
        match self {
            Region::Spain => Some(Country::Spain),
            Region::Mexico => Some(Country::Mexico),
            Region::Colombia => Some(Country::Colombia),
            Region::Chile => Some(Country::Chile),
            Region::Peru => Some(Country::Peru),
            Region::Argentina => Some(Country::Argentina),
            Region::UnitedStates | Region::Other => None,
        }
    }
}

/// The `n`th (1-based) `wd` of a month.
fn nth_weekday_of(year: i32, month: u32, wd: Weekday, n: u32) -> Option<NaiveDate> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let offset = (7 + wd.num_days_from_monday() - first.weekday().num_days_from_monday()) % 7;
    first.checked_add_days(Days::new(u64::from(offset + 7 * (n - 1))))
}

/// The first Monday on or after `d` (Colombia's Ley Emiliani moves holidays there).
fn monday_from(d: NaiveDate) -> NaiveDate {
    let ahead = (7 - d.weekday().num_days_from_monday()) % 7;
    add_days(d, u64::from(ahead))
}

/// The holidays that always fall on a Monday, which make the long weekends ("puentes"):
/// Mexico's Ley Federal del Trabajo (art. 74: first Monday of February, third of March,
/// third of November); Colombia's Ley 51 de 1983 (holidays moved to the next Monday, and
/// those counted from Easter). Empty elsewhere.
pub(crate) fn monday_holidays(region: Region, year: i32) -> Vec<NaiveDate> {
    match region {
        Region::Mexico => [(2, 1), (3, 3), (11, 3)]
            .iter()
            .filter_map(|&(m, n)| nth_weekday_of(year, m, Weekday::Mon, n))
            .collect(),
        Region::Colombia => {
            let moved = [
                (1, 6),
                (3, 19),
                (6, 29),
                (8, 15),
                (10, 12),
                (11, 1),
                (11, 11),
            ];
            let mut out: Vec<NaiveDate> = moved
                .iter()
                .filter_map(|&(m, d)| NaiveDate::from_ymd_opt(year, m, d))
                .map(monday_from)
                .collect();
            if let Some(e) = easter(year) {
                // Ascension, Corpus Christi, Sacred Heart: Easter + 43, 64, 71 (Mondays).
                out.extend([43u64, 64, 71].iter().map(|&n| add_days(e, n)));
            }
            out.sort_unstable();
            out
        }
        _ => Vec::new(),
    }
}

/// The next long weekend ("el puente") that has not ended before `today`: a national holiday
/// on a Monday with the weekend before it, or on a Friday with the weekend after it (Christmas
/// and New Year's Day on a Friday make the December "puentes" in Mexico and Colombia), from
/// the holiday data where it covers the year, and the Monday holidays by rule beyond it.
pub(crate) fn next_bridge(region: Region, today: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    let by_rule = [today.year(), today.year() + 1]
        .iter()
        .flat_map(|&y| monday_holidays(region, y))
        .find(|&m| m >= today)
        .map(|m| (sub_days(m, 2), m));
    let by_data = region.holiday_country().and_then(|country| {
        (0..400u64)
            .map(|n| add_days(sub_days(today, 2), n))
            .filter(|&d| is_national_holiday(country, d))
            .find_map(|d| match d.weekday() {
                Weekday::Mon if d >= today => Some((sub_days(d, 2), d)),
                Weekday::Fri if add_days(d, 2) >= today => Some((d, add_days(d, 2))),
                _ => None,
            })
    });
    match (by_rule, by_data) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// United States Thanksgiving: the fourth Thursday of November.
pub(crate) fn thanksgiving(year: i32) -> Option<NaiveDate> {
    nth_weekday_of(year, 11, Weekday::Thu, 4)
}
