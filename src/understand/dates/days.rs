//! Days named by weekday or number: "el viernes", "el próximo viernes", "el viernes 27",
//! "el 15", "el día cinco", "15/12", "15 de diciembre de 2026", "2026-12-15".

use chrono::{Datelike, NaiveDate};

use super::{DateMention, Parser};
use crate::understand::calendar as cal;
use crate::understand::normalise::number_words;

impl Parser<'_, '_> {
    pub(super) fn weekend_sunday(&self) -> NaiveDate {
        if self.today.weekday() == chrono::Weekday::Sun {
            self.today
        } else {
            cal::next_weekday(self.today, chrono::Weekday::Sun)
        }
    }

    /// "el viernes", "este viernes", "el próximo viernes", "el viernes que viene",
    /// "el viernes de la semana que viene", "el viernes 27 (de noviembre)", "el viernes pasado".
    pub(super) fn weekday(&self, k: usize, fillers: &[&str]) -> Option<DateMention> {
        let fuzzy = fillers
            .last()
            .is_some_and(|f| matches!(*f, "el" | "este" | "proximo" | "del" | "al"));
        let wd = cal::weekday_named(self.w(k), fuzzy)?;
        if let Some(m) = self.nth_weekday(k, wd) {
            return Some(m);
        }
        let today = self.today;
        let mut end = k + 1;
        let mut m = DateMention::new(k, end, None);
        let this_week = fillers.contains(&"este");
        // "el otro viernes" (Mexico, Colombia): the Friday of next week.
        let other = fillers.contains(&"otro");
        let said_next = fillers.contains(&"proximo") || fillers.contains(&"proxima");
        let mut date = cal::next_weekday(today, wd);
        if this_week {
            // "este viernes" on a Friday is today; otherwise the coming one.
            let d = cal::weekday_this_week(today, wd);
            date = if d >= today { d } else { date };
            m.vague = d == today;
        } else if said_next && cal::weekday_this_week(today, wd) > today {
            // "el próximo viernes" said on a Wednesday: this week's Friday, though some mean
            // the following one.
            m.vague = true;
        }
        if let Some(e) = self.said_next(end, "proximo") {
            end = e;
            // Said on a Wednesday, "el viernes que viene" is this Friday for most, the next
            // week's for some: keep the nearer day and ask.
            m.vague = cal::weekday_this_week(today, wd) > today;
        } else if matches!(self.w(end), "pasado" | "anterior") {
            end += 1;
            m.past = true;
            date = cal::sub_days(cal::next_weekday(today, wd), 7);
            if date >= today {
                date = cal::sub_days(date, 7);
            }
        }
        if other {
            date = cal::weekday_next_week(today, wd);
        }
        // "el pasado viernes": the last one before today.
        if k > 0 && matches!(self.w(k - 1), "pasado" | "pasada") {
            m.past = true;
            date = cal::sub_days(cal::next_weekday(today, wd), 7);
            if date >= today {
                date = cal::sub_days(date, 7);
            }
        }
        let next_week = [
            &["de", "la", "semana", "que", "viene"][..],
            &["de", "la", "proxima", "semana"],
            &["de", "la", "semana", "proxima"],
            &["de", "la", "siguiente", "semana"],
            &["de", "la", "otra", "semana"],
            &["de", "la", "semana", "entrante"],
            &["de", "la", "semana", "que", "entra"],
        ];
        if let Some(e) = next_week.iter().find_map(|s| self.seq(end, s)) {
            end = e;
            date = cal::weekday_next_week(today, wd);
            m.vague = false;
        } else if let Some(e) = self.seq(end, &["de", "esta", "semana"]) {
            end = e;
            date = cal::weekday_this_week(today, wd).max(today);
        }
        // "el viernes 27 (de noviembre)", "el viernes, día 27": the number wins when the two
        // disagree.
        let mut num_at = end;
        while matches!(self.w(num_at), "," | "dia") && num_at < end + 2 {
            num_at += 1;
        }
        if self.num(num_at).is_some() {
            end = num_at;
        }
        if let Some(n) = self.num(end)
            && (1..=31).contains(&n)
            && !self.is_time_or_money(end + 1)
            && let Some(dm) = self.numeric(end, &["el"])
        {
            let mut dm = dm;
            dm.start = k;
            let told_in_the_past = (0..self.t.len()).any(|i| self.preterite(i));
            return Some(agreeing_with(dm, wd, today, told_in_the_past));
        }
        m.end = end;
        m.date = Some(date);
        Some(m)
    }
}

/// A day number said with a weekday, resolved to the day they agree on. "la transferimos el
/// viernes 9" said on Wednesday 14 October: the 9th to come is a Monday, the one gone by was
/// that Friday. When only the day gone by agrees with the weekday, it is the one meant (a past
/// day: what was done then) if it is within the last week or the reply tells something done
/// (a preterite: «le pagué el martes 17»); otherwise the number wins, and a disagreement makes
/// it vague: «el martes 17 le pago» said on 3 December is Thursday the 17th to come, not the
/// Tuesday of a fortnight ago.
fn agreeing_with(
    mut dm: DateMention,
    wd: chrono::Weekday,
    today: NaiveDate,
    told_in_the_past: bool,
) -> DateMention {
    if let Some(d) = dm.date.filter(|d| d.weekday() != wd && *d > today)
        && let Some(gone) = cal::day_gone_by(today, d.day())
        && gone.weekday() == wd
        && (told_in_the_past || (today - gone).num_days() <= 7)
    {
        dm.date = Some(gone);
        dm.past = true;
        dm.shifted = false;
        return dm;
    }
    dm.vague |= dm.date.is_some_and(|d| d.weekday() != wd);
    dm
}

impl Parser<'_, '_> {
    /// Month before day, as in Latin America: "abril 7", "junio 3 del 2027", "dic. 15".
    pub(super) fn month_day(&self, k: usize) -> Option<DateMention> {
        let w = self.w(k);
        // "mar" is Tuesday as often as March.
        let month = cal::month_number(w, w != "mar")?;
        let mut j = k + 1;
        if self.w(j) == "." {
            j += 1;
        }
        let n = self.num(j).filter(|n| (1..=31).contains(n))?;
        if self.t[j].text.len() > 2 || self.is_time_or_money(j + 1) {
            return None;
        }
        let (mut year, mut after) = self.year_after(j + 1);
        if year.is_none()
            && self.w(j + 1) == ","
            && let Some(y) = self.num(j + 2).filter(|_| self.t[j + 2].text.len() == 4)
        {
            (year, after) = (Some(y), j + 3);
        }
        self.full_date(k, after, n, u64::from(month), year)
    }

    /// "el primer lunes de diciembre", "el último viernes del mes": that weekday's n-th (or
    /// last) occurrence in the month named after it.
    fn nth_weekday(&self, k: usize, wd: chrono::Weekday) -> Option<DateMention> {
        let n: u32 = match if k > 0 { self.w(k - 1) } else { "" } {
            "primer" | "primero" => 1,
            "segundo" => 2,
            "tercer" | "tercero" => 3,
            "cuarto" => 4,
            "ultimo" => 0,
            _ => return None,
        };
        if !matches!(self.w(k + 1), "de" | "del") {
            return None;
        }
        let (first, end, roll) = self.month_ref(k + 2)?;
        let pick = |first: NaiveDate| -> Option<NaiveDate> {
            if n == 0 {
                let last = cal::last_of_month(first);
                let back =
                    (last.weekday().num_days_from_monday() + 7 - wd.num_days_from_monday()) % 7;
                return Some(cal::sub_days(last, u64::from(back)));
            }
            let ahead =
                (wd.num_days_from_monday() + 7 - first.weekday().num_days_from_monday()) % 7;
            let d = cal::add_days(first, u64::from(ahead + 7 * (n - 1)));
            (d.month() == first.month()).then_some(d)
        };
        let mut d = pick(first)?;
        if d < self.today
            && let Some(r) = roll
        {
            d = pick(cal::add_months(first, r))?;
        }
        let mut m = DateMention::new(k - 1, end, Some(d));
        m.past = d < self.today;
        Some(m)
    }

    /// True when token `i` turns the number before it into a time or an amount.
    pub(super) fn is_time_or_money(&self, i: usize) -> bool {
        let t = self.t.get(i);
        let w = self.w(i);
        let glued_sym = t.is_some_and(|t| t.glued) && matches!(w, ":" | "%" | "€" | "$" | "h");
        // "el 22 por ciento", "3 por 2" are not days; "el 22 por la tarde", "el 23 por
        // transferencia", "el 23 por Bizum" are.
        let not_a_rate = w == "por"
            && !matches!(self.w(i + 1), "ciento" | "cien")
            && !self.t.get(i + 1).is_some_and(|x| x.is_num());
        glued_sym
            || (!not_a_rate
                && matches!(
                    w,
                    "%" | "€"
                        | "$"
                        | "euros"
                        | "euro"
                        | "eur"
                        | "pesos"
                        | "dolares"
                        | "usd"
                        | "mil"
                        | "hs"
                        | "hrs"
                        | "horas"
                        | "h"
                        | "am"
                        | "pm"
                        | "soles"
                        | "lucas"
                        | "dias"
                        | "semanas"
                        | "meses"
                        | "por"
                        | "mxn"
                        | "cop"
                        | "clp"
                        | "ars"
                        | "cuotas"
                        | "pagos"
                        | "partes"
                        | "veces"
                        | "millones"
                ))
    }

    /// Numeric dates: "15/12", "15-12-2026", "2026-12-15", "15 de diciembre (de 2026)",
    /// "15 dic", and "el 15", "el día 5", "el 1º" (a day of month needs "el" or "día").
    pub(super) fn numeric(&self, k: usize, fillers: &[&str]) -> Option<DateMention> {
        let n = self.num(k)?;
        let t = &self.t;
        // Separated numeric dates, all parts glued: 15/12, 15-12-26, 15.12.2026, 2026-12-15.
        let sep = self.w(k + 1);
        if matches!(sep, "/" | "-" | ".")
            && t.get(k + 1).is_some_and(|x| x.glued)
            && t.get(k + 2).is_some_and(|x| x.glued && x.is_num())
        {
            let b = self.num(k + 2)?;
            let has_third = self.w(k + 3) == sep
                && t.get(k + 3).is_some_and(|x| x.glued)
                && t.get(k + 4).is_some_and(|x| x.glued && x.is_num());
            if t[k].text.len() == 4 && has_third {
                let d = self.num(k + 4)?;
                return self.full_date(k, k + 5, d, b, Some(n));
            }
            // "7/30", "7/30/2027" in the United States: month first when the day-first
            // reading is impossible; "8/1" stays day first.
            let (n, b) = if self.month_first && sep == "/" && (1..=12).contains(&n) && b > 12 {
                (b, n)
            } else {
                (n, b)
            };
            if has_third {
                let y = self.num(k + 4)?;
                let y = if y < 100 { y + 2000 } else { y };
                return self.full_date(k, k + 5, n, b, Some(y));
            }
            // "1.234" is money, not the 1st of month 234: dots need a year, or "el"/"día"
            // before a day and month ("el 10.12 lo tienes", as Spain writes it).
            let dotted_day = sep == "."
                && (1..=12).contains(&b)
                && t[k + 2].text.len() <= 2
                && fillers
                    .iter()
                    .any(|f| matches!(*f, "el" | "dia" | "para" | "hasta"));
            if (sep == "." && !dotted_day) || self.is_time_or_money(k + 3) {
                return None;
            }
            // "8/1" in the United States may be either: to be confirmed.
            let either = self.month_first && sep == "/" && n != b && n <= 12 && b <= 12;
            return self.full_date(k, k + 3, n, b, None).map(|mut m| {
                m.vague |= either;
                m
            });
        }
        if !(1..=31).contains(&n) {
            return None;
        }
        // "hasta las 5", "a la 1": a time.
        if fillers.last().is_some_and(|f| matches!(*f, "las" | "la")) {
            return None;
        }
        let mut end = k + 1;
        // Ordinal marks: 1º, 1ro, 1er, 1ero, 2do.
        if t.get(end).is_some_and(|x| x.glued)
            && matches!(
                self.w(end),
                "º" | "ro" | "er" | "ero" | "do" | "to" | "vo" | "no" | "mo"
            )
        {
            end += 1;
        }
        if self.is_time_or_money(end) {
            return None;
        }
        // "15 de diciembre", "15 diciembre", "15 dic.", "15 de diciembre del 2026".
        let (mw, after_month) = if self.w(end) == "de" {
            (self.w(end + 1), end + 2)
        } else {
            (self.w(end), end + 1)
        };
        if let Some(month) = cal::month_number(mw, true) {
            let (year, after) = self.year_after(after_month);
            return self.full_date(k, after, n, u64::from(month), year);
        }
        let day_context = fillers
            .iter()
            .any(|f| matches!(*f, "el" | "dia" | "del" | "al" | "hasta" | "para"))
            && !self.is_time_or_money(end);
        if !day_context {
            return None;
        }
        self.day_number(k, u32::try_from(n).ok()?, end, fillers)
    }

    /// "de 2026", "del 2026", "de 26".
    pub(super) fn year_after(&self, i: usize) -> (Option<u64>, usize) {
        if matches!(self.w(i), "de" | "del")
            && let Some(y) = self.num(i + 1)
            && (self.t[i + 1].text.len() == 4 || self.t[i + 1].text.len() == 2)
        {
            let y = if y < 100 { y + 2000 } else { y };
            return (Some(y), i + 2);
        }
        (None, i)
    }

    /// "el quince", "el día cinco", "el veinte de diciembre", "después del dieciocho".
    pub(super) fn number_word_day(&self, k: usize, fillers: &[&str]) -> Option<DateMention> {
        let (n, used) = number_words(self.t, k)?;
        if !(1..=31).contains(&n) {
            return None;
        }
        let end = k + used;
        let (mw, after_month) = if self.w(end) == "de" {
            (self.w(end + 1), end + 2)
        } else {
            (self.w(end), end + 1)
        };
        if let Some(month) = cal::month_number(mw, false) {
            let (year, after) = self.year_after(after_month);
            return self.full_date(k, after, n, u64::from(month), year);
        }
        if self.is_time_or_money(end) || matches!(self.w(end), "dia" | "semana" | "mes") {
            return None;
        }
        // «el quince», «el día cinco», «después del dieciocho».
        if !fillers.iter().any(|f| matches!(*f, "el" | "dia" | "del")) {
            return None;
        }
        self.day_number(k, u32::try_from(n).ok()?, end, fillers)
    }

    /// A day of month without a month ("el 15"), or with "de MES" after "primero".
    pub(super) fn day_number(
        &self,
        k: usize,
        day: u32,
        end: usize,
        fillers: &[&str],
    ) -> Option<DateMention> {
        let (mw, after_month) = if self.w(end) == "de" {
            (self.w(end + 1), end + 2)
        } else {
            ("", end)
        };
        if let Some(month) = cal::month_number(mw, true) {
            let (year, after) = self.year_after(after_month);
            return self.full_date(k, after, u64::from(day), u64::from(month), year);
        }
        // "el primero" without "día" may be "the first one" (instalment): needs "el".
        if self.w(k) == "primero" && !fillers.iter().any(|f| matches!(*f, "el" | "dia")) {
            return None;
        }
        // "del mes que viene" / "del próximo mes" after a bare day.
        let next_month = [
            &["del", "mes", "que", "viene"][..],
            &["del", "proximo", "mes"],
            &["del", "mes", "proximo"],
            &["del", "siguiente", "mes"],
            &["del", "otro", "mes"],
        ];
        if let Some(e) = next_month.iter().find_map(|s| self.seq(end, s)) {
            let (d, clamped) = cal::day_in_month(cal::first_of_next_month(self.today), day);
            let mut m = DateMention::new(k, e, Some(d));
            m.shifted = clamped;
            return Some(m);
        }
        // "el 20 de este mes", "el 20 del mes": this month's, as a bare day would be.
        let this_month = [
            &["de", "este", "mes"][..],
            &["de", "este", "mismo", "mes"],
            &["del", "mes"],
            &["del", "presente", "mes"],
            &["de", "este"],
        ];
        let end = this_month
            .iter()
            .find_map(|s| self.seq(end, s))
            .unwrap_or(end);
        let (d, rolled, clamped) = cal::day_of_month(self.today, day);
        let mut m = DateMention::new(k, end, Some(d));
        m.shifted = rolled || clamped;
        // «el próximo día 1» is next month's, whatever the verb.
        let next = fillers
            .iter()
            .any(|f| matches!(*f, "proximo" | "siguiente" | "otro"));
        m.month_rolled = rolled && !clamped && !next;
        Some(m)
    }

    /// Day, month and optional year; resolves to the next occurrence when no year is given.
    pub(super) fn full_date(
        &self,
        k: usize,
        end: usize,
        d: u64,
        mo: u64,
        y: Option<u64>,
    ) -> Option<DateMention> {
        let d = u32::try_from(d).ok().filter(|d| (1..=31).contains(d))?;
        let mo = u32::try_from(mo).ok().filter(|m| (1..=12).contains(m))?;
        match y {
            Some(y) => {
                let y = i32::try_from(y)
                    .ok()
                    .filter(|y| (1990..=2200).contains(y))?;
                let date = NaiveDate::from_ymd_opt(y, mo, d)?;
                let mut m = DateMention::new(k, end, Some(date));
                m.past = date < self.today;
                Some(m)
            }
            // "el 30 de febrero": no such day in any year (29 February is clamped to the 28th);
            // "el 31 de noviembre" is one day off a real one.
            None if d > 29 && NaiveDate::from_ymd_opt(2024, mo, d).is_none() => {
                let mut m = DateMention::new(k, end, None);
                m.impossible = mo == 2;
                m.slip = mo != 2;
                Some(m)
            }
            None => {
                let (date, rolled) = cal::day_and_month(self.today, d, mo)?;
                let mut m = DateMention::new(k, end, Some(date));
                m.rolled_days_ago = rolled;
                Some(m)
            }
        }
    }
}
