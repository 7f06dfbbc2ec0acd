//! Periods and feasts: "la semana que viene", "el mes que viene", "a principios de
//! diciembre", "a fin de mes", "la quincena", "Navidad", "Semana Santa".

use chrono::{Datelike, NaiveDate};

use super::{DateMention, Parser};
use crate::understand::calendar as cal;

impl Parser<'_, '_> {
    /// A fixed yearly day (Christmas, Epiphany, New Year), next occurrence.
    pub(super) fn fixed_day(
        &self,
        k: usize,
        end: usize,
        month: u32,
        day: u32,
    ) -> Option<DateMention> {
        let (date, _) = cal::day_and_month(self.today, day, month)?;
        Some(DateMention::new(k, end, Some(date)))
    }

    /// "Semana Santa": Good Friday's week; we promise its Sunday, vague.
    pub(super) fn holy_week(&self, k: usize) -> Option<DateMention> {
        let mut e = cal::easter(self.today.year())?;
        if e < self.today {
            e = cal::easter(self.today.year() + 1)?;
        }
        let mut m = DateMention::new(k, k + 2, Some(e));
        m.vague = true;
        Some(m)
    }

    /// "la semana que viene", "la próxima semana", "esta semana", "la semana pasada",
    /// optionally followed by a weekday ("la semana que viene, el martes").
    pub(super) fn week(&self, k: usize, fillers: &[&str]) -> Option<DateMention> {
        let today = self.today;
        let mut end = k + 1;
        let mut next = fillers
            .iter()
            .any(|f| matches!(*f, "proxima" | "otra" | "siguiente"));
        // "en la semana" (Latin America): during this week.
        let this =
            fillers.contains(&"esta") || (fillers.contains(&"en") && fillers.contains(&"la"));
        if k > 0 && matches!(self.w(k - 1), "otra" | "siguiente") {
            next = true;
        }
        if let Some(e) = self
            .seq(end, &["que", "viene"])
            .or_else(|| self.seq(end, &["proxima"]))
            .or_else(|| self.seq(end, &["entrante"]))
            .or_else(|| self.seq(end, &["siguiente"]))
        {
            end = e;
            next = true;
        } else if matches!(self.w(end), "pasada" | "anterior") {
            let mut m = DateMention::new(k, end + 1, Some(cal::sub_days(today, 7)));
            m.past = true;
            return Some(m);
        }
        if !next && !this {
            return None;
        }
        // A weekday right after names the day: "la semana que viene, el martes".
        let mut j = end;
        if self.w(j) == "," {
            j += 1;
        }
        if self.w(j) == "el" {
            j += 1;
        }
        if let Some(wd) = cal::weekday_named(self.w(j), true) {
            let d = if next {
                cal::weekday_next_week(today, wd)
            } else {
                cal::weekday_this_week(today, wd).max(today)
            };
            return Some(DateMention::new(k, j + 1, Some(d)));
        }
        let friday = chrono::Weekday::Fri;
        let d = if next {
            cal::weekday_next_week(today, friday)
        } else {
            cal::weekday_this_week(today, friday).max(today)
        };
        let mut m = DateMention::new(k, end, Some(d));
        m.vague = true;
        Some(m)
    }

    /// "el mes que viene", "el próximo mes", "este mes", "el mes pasado".
    pub(super) fn month_word(&self, k: usize, fillers: &[&str]) -> Option<DateMention> {
        let mut end = k + 1;
        let mut next = fillers
            .iter()
            .any(|f| matches!(*f, "proximo" | "otro" | "siguiente"));
        if let Some(e) = self
            .seq(end, &["que", "viene"])
            .or_else(|| self.seq(end, &["proximo"]))
            .or_else(|| self.seq(end, &["entrante"]))
        {
            end = e;
            next = true;
        } else if matches!(self.w(end), "pasado" | "anterior") {
            let mut m = DateMention::new(k, end + 1, Some(cal::sub_days(self.today, 30)));
            m.past = true;
            return Some(m);
        }
        let this = fillers.contains(&"este");
        if !next && !this {
            return None;
        }
        let base = if next {
            cal::first_of_next_month(self.today)
        } else {
            self.today
        };
        let mut m = DateMention::new(k, end, Some(cal::last_of_month(base)));
        m.vague = true;
        Some(m)
    }

    /// "a principios de diciembre", "a mediados de mes", "a fin de mes", "a finales del mes
    /// que viene", "a fin de año": `day` is 5, 15 or 31 (the last day).
    pub(super) fn period(&self, i: usize, day: u32) -> Option<DateMention> {
        let today = self.today;
        let j = match self.w(i) {
            "de" | "del" => i + 1,
            _ => return None,
        };
        let mut j = j;
        if matches!(self.w(j), "este" | "el") {
            j += 1;
        }
        let pick = |month_first: NaiveDate| -> NaiveDate {
            if day == 31 {
                cal::last_of_month(month_first)
            } else {
                cal::day_in_month(month_first, day).0
            }
        };
        let (date, end, precise) = if self.w(j) == "mes" {
            let next_month = [
                &["que", "viene"][..],
                &["proximo"],
                &["siguiente"],
                &["entrante"],
            ];
            if let Some(e) = next_month.iter().find_map(|s| self.seq(j + 1, s)) {
                (pick(cal::first_of_next_month(today)), e, false)
            } else {
                // This month's, unless that day has passed: then next month's.
                let d = pick(cal::first_of_month(today));
                let d = if d >= today {
                    d
                } else {
                    pick(cal::first_of_next_month(today))
                };
                (d, j + 1, day == 31)
            }
        } else if matches!(self.w(j), "proximo" | "siguiente") && self.w(j + 1) == "mes" {
            (pick(cal::first_of_next_month(today)), j + 2, false)
        } else if self.w(j) == "ano" {
            // Of the year: beginning = Jan 5, middle = Jun 30, end = Dec 31.
            let (d, mo) = match day {
                5 => (5, 1),
                15 => (30, 6),
                _ => (31, 12),
            };
            let (d, _) = cal::day_and_month(today, d, mo)?;
            (d, j + 1, day == 31)
        } else if let Some(month) = cal::month_number(self.w(j), false) {
            let first = cal::month_start_not_before(today, month, false);
            let mut d = pick(first);
            if d < today {
                d = pick(cal::add_months(first, 12));
            }
            let (year, after) = self.year_after(j + 1);
            if let Some(y) = year.and_then(|y| i32::try_from(y).ok()) {
                let first = NaiveDate::from_ymd_opt(y, month, 1)?;
                d = pick(first);
            }
            (d, after, day == 31)
        } else {
            return None;
        };
        let mut m = DateMention::new(i - 1, end, Some(date));
        m.vague = !precise;
        m.period = true;
        m.past = date < today;
        Some(m)
    }

    /// Mexican "quincena" (paydays on the 15th and the last day): "para la quincena", "la
    /// próxima quincena", "la primera quincena de diciembre".
    pub(super) fn quincena(&self, k: usize, fillers: &[&str]) -> Option<DateMention> {
        let today = self.today;
        let prev = if k > 0 { self.w(k - 1) } else { "" };
        let mut end = k + 1;
        if self.w(end) == "que" && self.w(end + 1) == "viene" {
            end += 2;
        }
        let ordinal = match prev {
            "primera" => Some(15),
            "segunda" => Some(31),
            _ => None,
        };
        let date = if let (Some(day), Some(month)) = (
            ordinal,
            cal::month_number(self.w(end + 1), false).filter(|_| self.w(end) == "de"),
        ) {
            end += 2;
            let first = cal::month_start_not_before(today, month, true);
            let d = if day == 31 {
                cal::last_of_month(first)
            } else {
                cal::day_in_month(first, 15).0
            };
            d.max(today)
        } else if fillers.contains(&"proxima") || self.w(k + 1) == "que" {
            cal::next_payday(cal::add_days(cal::next_payday(today), 1))
        } else {
            cal::next_payday(today)
        };
        let mut m = DateMention::new(k, end, Some(date));
        m.vague = true;
        Some(m)
    }
}
