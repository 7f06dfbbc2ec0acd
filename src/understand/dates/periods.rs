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

    /// "Semana Santa": Palm Sunday to Easter Sunday.
    pub(super) fn holy_week(&self, k: usize) -> Option<DateMention> {
        let mut e = cal::easter(self.today.year())?;
        if e < self.today {
            e = cal::easter(self.today.year() + 1)?;
        }
        Some(DateMention::span(
            k,
            k + 2,
            cal::sub_days(e, 7),
            e,
            self.today,
        ))
    }

    /// "el fin de semana", "el finde": the coming Saturday and Sunday (today when it is one).
    pub(super) fn weekend(&self, k: usize, end: usize) -> DateMention {
        let sunday = self.weekend_sunday();
        DateMention::span(k, end, cal::sub_days(sunday, 1), sunday, self.today)
    }

    /// "el puente": the next long weekend of the client's country. Spain: 6–8 December
    /// ([`Self::december_bridge`]); Mexico and Colombia: the next holiday on a Monday or a
    /// Friday with its weekend ([`cal::next_bridge`]: "después del puente festivo"); elsewhere, and for bridges named
    /// by month ("el puente de mayo"), too local to date.
    pub(super) fn bridge(&self, k: usize) -> Option<DateMention> {
        match self.region {
            cal::Region::Spain => self.december_bridge(k),
            cal::Region::Mexico | cal::Region::Colombia => {
                if self.w(k + 1) == "de" && cal::month_number(self.w(k + 2), false).is_some() {
                    return None;
                }
                let end = if self.w(k + 1) == "festivo" {
                    k + 2
                } else {
                    k + 1
                };
                let (first, last) = cal::next_bridge(self.region, self.today)?;
                Some(DateMention::span(k, end, first, last, self.today))
            }
            _ => None,
        }
    }

    /// "Fiestas Patrias": Peru 28–29 July, Chile 18–19 September, Mexico 15–16 September.
    pub(super) fn national_days(&self, k: usize, end: usize) -> Option<DateMention> {
        let (month, first_day, last_day) = match self.region {
            cal::Region::Peru => (7, 28, 29),
            cal::Region::Chile => (9, 18, 19),
            cal::Region::Mexico => (9, 15, 16),
            _ => return None,
        };
        let (last, _) = cal::day_and_month(self.today, last_day, month)?;
        let first = cal::sub_days(last, u64::from(last_day - first_day));
        Some(DateMention::span(k, end, first, last, self.today))
    }

    /// "con la paga / la nómina / el sueldo de enero": a month's pay comes at its end, so the
    /// day is that month's last (vague; the next such month, this one included).
    pub(super) fn payroll_of(&self, k: usize) -> Option<DateMention> {
        let month = cal::month_number(self.w(k + 2), false)?;
        let first = cal::month_start_not_before(self.today, month, true);
        let mut m = DateMention::new(k, k + 3, Some(cal::last_of_month(first)));
        m.vague = true;
        Some(m)
    }

    /// "el verano" in Spain: July and August, when businesses close ("después del verano"
    /// is September); elsewhere seasons differ (or do not exist), so it is not dated.
    pub(super) fn summer(&self, k: usize) -> Option<DateMention> {
        // Said in September, the summer just ended is meant, not next year's.
        if self.region != cal::Region::Spain || self.today.month() == 9 {
            return None;
        }
        let (last, _) = cal::day_and_month(self.today, 31, 8)?;
        let first = cal::sub_days(last, 61);
        Some(DateMention::span(k, k + 1, first, last, self.today))
    }

    /// "Thanksgiving", "el Día de Acción de Gracias" (United States): the fourth Thursday of
    /// November, this year's unless it has passed.
    pub(super) fn thanksgiving(&self, k: usize, end: usize) -> Option<DateMention> {
        if self.region != cal::Region::UnitedStates {
            return None;
        }
        let this = cal::thanksgiving(self.today.year())?;
        let day = if this >= self.today {
            this
        } else {
            cal::thanksgiving(self.today.year() + 1)?
        };
        Some(DateMention::new(k, end, Some(day)))
    }

    /// "el puente (de diciembre)": Spain's long weekend of 6–8 December, with the weekend
    /// joined to it when the 6th is a Monday or Tuesday, or the 8th a Thursday or Friday.
    fn december_bridge(&self, k: usize) -> Option<DateMention> {
        let (end, december) = if let Some(e) = self
            .seq(k + 1, &["de", "diciembre"])
            .or_else(|| self.seq(k + 1, &["de", "la", "constitucion"]))
            .or_else(|| self.seq(k + 1, &["de", "la", "inmaculada"]))
        {
            (e, true)
        } else if self.w(k + 1) == "de" && cal::month_number(self.w(k + 2), false).is_some() {
            return None;
        } else {
            let md = (self.today.month(), self.today.day());
            (k + 1, ((11, 1)..=(12, 8)).contains(&md))
        };
        if !december {
            return None;
        }
        let (eighth, _) = cal::day_and_month(self.today, 8, 12)?;
        let sixth = cal::sub_days(eighth, 2);
        let first = match sixth.weekday() {
            chrono::Weekday::Mon => cal::sub_days(sixth, 2),
            chrono::Weekday::Tue => cal::sub_days(sixth, 3),
            _ => sixth,
        };
        let last = match eighth.weekday() {
            chrono::Weekday::Thu => cal::add_days(eighth, 3),
            chrono::Weekday::Fri => cal::add_days(eighth, 2),
            _ => eighth,
        };
        Some(DateMention::span(k, end, first, last, self.today))
    }

    /// "la semana que viene", "la próxima semana", "esta semana", "la semana pasada",
    /// optionally followed by a weekday ("la semana que viene, el martes"). A week is its
    /// working days, Monday to Friday.
    pub(super) fn week(&self, k: usize, fillers: &[&str]) -> Option<DateMention> {
        let today = self.today;
        let prev = if k > 0 { self.w(k - 1) } else { "" };
        if let Some(n) = ordinal(prev) {
            return self.ordinal_week(k, n);
        }
        if let Some(m) = self.week_of(k) {
            return Some(m);
        }
        let mut end = k + 1;
        let mut next = fillers
            .iter()
            .any(|f| matches!(*f, "proxima" | "otra" | "siguiente"));
        // "en la semana" (Latin America): during this week.
        let this = fillers.contains(&"esta")
            || (fillers.contains(&"en") && fillers.contains(&"la"))
            || self.during(k);
        if matches!(prev, "otra" | "siguiente") {
            next = true;
        }
        if let Some(e) = self
            .said_next(end, "proxima")
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
        // "ando apretado esta semana, el lunes te pago": a weekday already gone this week is
        // not this week's; it is read on its own (next Monday).
        if let Some(wd) = cal::weekday_named(self.w(j), true)
            && (next || cal::weekday_this_week(today, wd) >= today)
        {
            let d = if next {
                cal::weekday_next_week(today, wd)
            } else {
                cal::weekday_this_week(today, wd)
            };
            return Some(DateMention::new(k, j + 1, Some(d)));
        }
        Some(self.next_or_this_week(k, end, next))
    }

    /// "durante la semana", "a lo largo del mes", "en el transcurso de la semana": the words
    /// before the article of the noun at `k` say "within this one".
    fn during(&self, k: usize) -> bool {
        (k.saturating_sub(4)..k).any(|i| matches!(self.w(i), "durante" | "largo" | "transcurso"))
    }

    /// The working days of next week, or what is left of this one.
    pub(super) fn next_or_this_week(&self, k: usize, end: usize, next: bool) -> DateMention {
        let (mon, fri) = (chrono::Weekday::Mon, chrono::Weekday::Fri);
        if next {
            let first = cal::weekday_next_week(self.today, mon);
            let last = cal::weekday_next_week(self.today, fri);
            DateMention::span(k, end, first, last, self.today)
        } else {
            let last = cal::weekday_this_week(self.today, fri).max(self.today);
            DateMention::span(k, end, self.today, last, self.today)
        }
    }

    /// "la segunda semana de enero", "la última semana del mes": days 8–14, the last seven.
    fn ordinal_week(&self, k: usize, n: u32) -> Option<DateMention> {
        let part = move |first: NaiveDate| -> (NaiveDate, NaiveDate) {
            let last = cal::last_of_month(first);
            if n == 0 {
                return (cal::sub_days(last, 6), last);
            }
            let a = cal::day_in_month(first, 1 + 7 * (n - 1)).0;
            let b = cal::day_in_month(first, 7 * n).0;
            (a, b)
        };
        self.in_month(k, k + 1, part)
    }

    /// "que viene", "próximo/próxima", "entrante", "que entra" after a period or weekday
    /// word at `end`: the index after them.
    pub(super) fn said_next(&self, end: usize, proximo: &'static str) -> Option<usize> {
        self.seq(end, &["que", "viene"])
            .or_else(|| self.seq(end, &[proximo]))
            .or_else(|| self.seq(end, &["entrante"]))
            .or_else(|| self.seq(end, &["que", "entra"]))
    }

    /// "el mes que viene", "el próximo mes", "este mes", "el mes pasado".
    pub(super) fn month_word(&self, k: usize, fillers: &[&str]) -> Option<DateMention> {
        let mut end = k + 1;
        let mut next = fillers
            .iter()
            .any(|f| matches!(*f, "proximo" | "otro" | "siguiente"));
        if let Some(e) = self.said_next(end, "proximo") {
            end = e;
            next = true;
        } else if matches!(self.w(end), "pasado" | "anterior") {
            let mut m = DateMention::new(k, end + 1, Some(cal::sub_days(self.today, 30)));
            m.past = true;
            return Some(m);
        }
        let this = fillers.contains(&"este") || self.during(k);
        if !next && !this {
            return None;
        }
        let first = if next {
            cal::first_of_next_month(self.today)
        } else {
            self.today
        };
        Some(DateMention::span(
            k,
            end,
            first,
            cal::last_of_month(first),
            self.today,
        ))
    }

    /// "el año que viene", "el próximo año", "el año entrante": the whole of next year
    /// (after "hasta", its first day); "el año pasado" is the past.
    pub(super) fn next_year(&self, k: usize, fillers: &[&str]) -> Option<DateMention> {
        let mut end = k + 1;
        let named_next = fillers
            .iter()
            .any(|f| matches!(*f, "proximo" | "siguiente"));
        if let Some(e) = self.said_next(end, "proximo") {
            end = e;
        } else if matches!(self.w(end), "pasado" | "anterior") {
            // "el año pasado pagamos a tiempo": the past.
            let mut m = DateMention::new(k, end + 1, Some(cal::sub_days(self.today, 365)));
            m.past = true;
            return Some(m);
        } else if !named_next {
            return None;
        }
        let first = NaiveDate::from_ymd_opt(self.today.year() + 1, 1, 1)?;
        let last = NaiveDate::from_ymd_opt(self.today.year() + 1, 12, 31)?;
        Some(DateMention::span(k, end, first, last, self.today))
    }

    /// The month named at `j` (after "de"/"del"): "mes" (this one), "mes que viene",
    /// "próximo mes", "diciembre", "diciembre de 2027". Returns its first day, the index after
    /// it, and how many months to move on when the part named has already passed (none
    /// when the reference is explicit).
    pub(super) fn month_ref(&self, j: usize) -> Option<(NaiveDate, usize, Option<u32>)> {
        let today = self.today;
        let mut j = j;
        if matches!(self.w(j), "este" | "el" | "esta") {
            j += 1;
        }
        if self.w(j) == "mes" {
            // "a fin de mes de noviembre": the month named after.
            if self.w(j + 1) == "de" && cal::month_number(self.w(j + 2), false).is_some() {
                return self.month_ref(j + 2);
            }
            let next_month = [
                &["que", "viene"][..],
                &["proximo"],
                &["siguiente"],
                &["entrante"],
                &["que", "entra"],
            ];
            if let Some(e) = next_month.iter().find_map(|s| self.seq(j + 1, s)) {
                return Some((cal::first_of_next_month(today), e, None));
            }
            return Some((cal::first_of_month(today), j + 1, Some(1)));
        }
        if matches!(self.w(j), "proximo" | "siguiente") && self.w(j + 1) == "mes" {
            return Some((cal::first_of_next_month(today), j + 2, None));
        }
        let month = cal::month_number(self.w(j), false)?;
        let (year, after) = self.year_after(j + 1);
        if let Some(y) = year.and_then(|y| i32::try_from(y).ok()) {
            return Some((NaiveDate::from_ymd_opt(y, month, 1)?, after, None));
        }
        Some((
            cal::month_start_not_before(today, month, true),
            after,
            Some(12),
        ))
    }

    /// A part of the month named at `j` (or of this month when none is named), as a span.
    fn in_month(
        &self,
        start: usize,
        j: usize,
        part: impl Fn(NaiveDate) -> (NaiveDate, NaiveDate),
    ) -> Option<DateMention> {
        let named = matches!(self.w(j), "de" | "del")
            .then(|| self.month_ref(j + 1))
            .flatten();
        let (first, end, roll) = named.unwrap_or((cal::first_of_month(self.today), j, Some(1)));
        let (mut a, mut b) = part(first);
        if b < self.today
            && let Some(r) = roll
        {
            (a, b) = part(cal::add_months(first, r));
        }
        Some(DateMention::span(start, end, a, b, self.today))
    }

    /// "a principios de diciembre", "a mediados de mes", "a finales del mes que viene",
    /// "a fin de mes", "a fin de año": `i` is the "de" after the head word.
    pub(super) fn period(&self, i: usize, part: Part) -> Option<DateMention> {
        if !matches!(self.w(i), "de" | "del") {
            return None;
        }
        let mut j = i + 1;
        if matches!(self.w(j), "este" | "el") {
            j += 1;
        }
        if self.w(j) == "ano" {
            return self.part_of_year(i, j, part);
        }
        if let Some(m) = self.part_of_week(i, j, part) {
            return Some(m);
        }
        let mut m = self.in_month(i - 1, i, month_part(part))?;
        if part == Part::End {
            // "a fin de mes" names one day, the last.
            m.range = None;
            m.vague = false;
        }
        // "a principios de diciembre", "a mediados de mes": the 5th, the 15th (as readers
        // take them; the promise's grace days then cover the rest of the period), or the
        // working day after when it is a weekend or a holiday; said once that day has gone
        // by, the period's last day.
        let typical = match part {
            Part::Start => Some(5),
            Part::Middle => Some(15),
            _ => None,
        };
        if let Some(day) = typical {
            self.typical_day(&mut m, day);
        }
        Some(m)
    }

    /// Spain's «a primeros de mes», «los primeros días de enero», and the bare «a primeros»
    /// («te lo pago a primeros»): as «a primeros de mes», the next month's once this one's
    /// have gone. `k` is «primeros».
    pub(super) fn primeros(&self, k: usize) -> Option<DateMention> {
        if self.w(k + 1) == "dias" {
            return self.period(k + 2, Part::Start);
        }
        if let Some(m) = self.period(k + 1, Part::Start) {
            return Some(m);
        }
        if k == 0 || self.w(k - 1) != "a" {
            return None;
        }
        let mut m = self.in_month(k, k + 1, month_part(Part::Start))?;
        self.typical_day(&mut m, 5);
        Some(m)
    }

    /// The day of a period readers take as meant (the 5th of «a principios de…», the 15th of
    /// «a mediados de…»), or the working day after it; the period's last day once it has gone.
    fn typical_day(&self, m: &mut DateMention, day: u32) {
        if let Some((from, to)) = m.range {
            let typical = cal::day_in_month(to, day).0;
            let working = cal::add_working_days(cal::sub_days(typical, 1), 1, self.region);
            m.date = Some(if typical < from { to } else { working.min(to) });
        }
    }

    /// "a principios / mediados / finales de la semana que viene" (or "de esta semana"):
    /// Monday–Tuesday, Tuesday–Thursday, Thursday–Friday.
    fn part_of_week(&self, i: usize, j: usize, part: Part) -> Option<DateMention> {
        let mut k = j;
        if self.w(k) == "la" {
            k += 1;
        }
        let explicit = self.w(k) == "esta" || self.w(k) != "semana";
        let (next, end) = if let Some(e) = self
            .seq(k, &["semana", "que", "viene"])
            .or_else(|| self.seq(k, &["proxima", "semana"]))
            .or_else(|| self.seq(k, &["semana", "proxima"]))
            .or_else(|| self.seq(k, &["semana", "entrante"]))
            .or_else(|| self.seq(k, &["siguiente", "semana"]))
        {
            (true, e)
        } else if let Some(e) = self.seq(k, &["esta", "semana"]) {
            (false, e)
        } else if j > 0 && self.w(j - 1) == "de" && self.w(j) == "semana" {
            // "a mediados de semana": this week, or next week's when it has passed.
            (false, j + 1)
        } else {
            return None;
        };
        use chrono::Weekday::{Mon, Thu, Tue};
        let (a, b) = match part {
            Part::Start => (Mon, Tue),
            Part::Middle => (Tue, Thu),
            Part::Late | Part::LastDays | Part::End => (Thu, b_day(part)),
        };
        // "a primeros de semana" said on a Wednesday: next week's.
        let next =
            next || (!explicit && cal::weekday_this_week(self.today, b_day(part)) < self.today);
        let day = |wd| {
            if next {
                cal::weekday_next_week(self.today, wd)
            } else {
                cal::weekday_this_week(self.today, wd)
            }
        };
        let mut m = DateMention::span(i - 1, end, day(a), day(b).max(self.today), self.today);
        m.past = false;
        Some(m)
    }

    /// "la semana del 7 de diciembre": Monday to Friday of the week holding that day.
    pub(super) fn week_of(&self, k: usize) -> Option<DateMention> {
        if !matches!(self.w(k + 1), "del" | "de") {
            return None;
        }
        let inner = self
            .numeric(k + 2, &["el"])
            .or_else(|| self.weekday(k + 2, &["el"]))?;
        let d = inner.date?;
        let first = cal::weekday_this_week(d, chrono::Weekday::Mon);
        let last = cal::weekday_this_week(d, chrono::Weekday::Fri);
        Some(DateMention::span(k, inner.end, first, last, self.today))
    }

    /// "a principios de año" (1–10 January, as «a principios de enero»), "a mediados de año"
    /// (June–July), "a finales de año" (December), "a fin de año" (31 December).
    fn part_of_year(&self, i: usize, j: usize, part: Part) -> Option<DateMention> {
        let y = self.today.year();
        let ymd = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d);
        let (mut a, mut b) = match part {
            Part::Start => (ymd(y, 1, 1)?, ymd(y, 1, 10)?),
            Part::Middle => (ymd(y, 6, 1)?, ymd(y, 7, 31)?),
            Part::Late | Part::LastDays => (ymd(y, 12, 1)?, ymd(y, 12, 31)?),
            Part::End => (ymd(y, 12, 31)?, ymd(y, 12, 31)?),
        };
        if b < self.today {
            a = cal::add_months(a, 12);
            b = cal::add_months(b, 12);
        }
        let mut m = DateMention::span(i - 1, j + 1, a, b, self.today);
        match part {
            Part::End => {
                m.range = None;
                m.vague = false;
            }
            Part::Start => self.typical_day(&mut m, 5),
            _ => {}
        }
        Some(m)
    }

    /// Mexican "quincena" (paydays on the 15th and the last day): "para la quincena", "la
    /// próxima quincena"; with an ordinal, a half of the month: "la primera quincena de
    /// diciembre" (1–15), "en la segunda quincena" (16–end).
    pub(super) fn quincena(&self, k: usize, fillers: &[&str]) -> Option<DateMention> {
        let today = self.today;
        let prev = if k > 0 { self.w(k - 1) } else { "" };
        if let Some(n) = ordinal(prev).filter(|n| *n == 1 || *n == 2) {
            let half = move |first: NaiveDate| -> (NaiveDate, NaiveDate) {
                if n == 1 {
                    (first, cal::day_in_month(first, 15).0)
                } else {
                    (cal::day_in_month(first, 16).0, cal::last_of_month(first))
                }
            };
            return self.in_month(k, k + 1, half);
        }
        let mut end = k + 1;
        if self.w(end) == "que" && self.w(end + 1) == "viene" {
            end += 2;
        }
        // "la próxima / siguiente quincena", "la quincena que viene": the next payday after
        // today (the pay the client waits for: said on the 10th, the 15th); beside «esta
        // quincena» («esta quincena no puedo, le pago la próxima quincena»), and "la otra
        // quincena", the payday after that one.
        let next = fillers
            .iter()
            .any(|f| matches!(*f, "proxima" | "siguiente"))
            || self.w(k + 1) == "que";
        let other = fillers.contains(&"otra")
            || next && (0..k).any(|i| self.w(i) == "esta" && self.w(i + 1) == "quincena");
        let date = if other {
            cal::payday_after(cal::next_payday(today))
        } else if next {
            cal::next_payday(cal::add_days(today, 1))
        } else {
            cal::next_payday(today)
        };
        let mut m = DateMention::new(k, end, Some(date));
        m.vague = true;
        Some(m)
    }
}

/// Which part of a month a period names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Part {
    /// "a principios de", "a primeros de": days 1–10.
    Start,
    /// "a mediados de": days 11–20.
    Middle,
    /// "a finales de": day 21 to the end.
    Late,
    /// "los últimos días de": the last five days.
    LastDays,
    /// "a fin de": the last day, exactly.
    End,
}

/// The last working day a part of a week names.
fn b_day(part: Part) -> chrono::Weekday {
    match part {
        Part::Start => chrono::Weekday::Tue,
        Part::Middle => chrono::Weekday::Thu,
        Part::Late | Part::LastDays | Part::End => chrono::Weekday::Fri,
    }
}

/// "primera" → 1 ... "quinta" → 5; "última" → 0.
pub(super) fn ordinal(w: &str) -> Option<u32> {
    Some(match w {
        "primera" | "primer" | "1a" | "1ra" => 1,
        "segunda" | "2a" | "2da" => 2,
        "tercera" | "3a" | "3ra" => 3,
        "cuarta" | "4a" | "4ta" => 4,
        "quinta" => 5,
        "ultima" => 0,
        _ => return None,
    })
}

/// The days of a month's part: its first ten, its middle, its last days...
fn month_part(part: Part) -> impl Fn(NaiveDate) -> (NaiveDate, NaiveDate) {
    move |first: NaiveDate| {
        let last = cal::last_of_month(first);
        let day = |d: u32| cal::day_in_month(first, d).0;
        match part {
            Part::Start => (first, day(10)),
            Part::Middle => (day(11), day(20)),
            Part::Late => (day(21), last),
            Part::LastDays => (cal::sub_days(last, 4), last),
            Part::End => (last, last),
        }
    }
}
