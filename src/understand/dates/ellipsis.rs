//! A day turned down and its successor named by ellipsis: "este lunes no, el que viene",
//! "esta quincena no puedo, le pago la otra". The noun is left out, so the second
//! expression only makes sense against the first.

use super::{DateMention, Parser};
use crate::understand::calendar as cal;

impl Parser<'_, '_> {
    /// After a negated day, "el que viene", "el siguiente", "la otra", "el próximo" (with
    /// nothing after them that they could qualify) name the next one of the same kind: the
    /// same weekday a week later, the payday after, the week or the month after. The new
    /// day is preferred, as a correction is.
    pub(super) fn elliptic_repeats(&self, ms: &mut Vec<DateMention>) {
        let mut found = Vec::new();
        for (k, m) in ms.iter().enumerate() {
            if !m.negated {
                continue;
            }
            let limit = ms.get(k + 1).map_or(m.end + 8, |n| n.start.min(m.end + 8));
            let Some((start, end)) = (m.end..limit)
                .take_while(|&i| !matches!(self.w(i), "." | "\n" | "?" | "!" | ";"))
                .find_map(|i| self.ellipsis_at(i))
            else {
                continue;
            };
            if let Some(mut next) = self.following(m, start, end) {
                next.preferred = true;
                found.push((k + 1, next));
            }
        }
        for (at, m) in found.into_iter().rev() {
            ms.insert(at, m);
        }
    }

    /// "el que viene", "la que entra", "el siguiente", "la otra", "el próximo" at `i`, when
    /// no noun follows ("la otra factura" is something else): its token span.
    fn ellipsis_at(&self, i: usize) -> Option<(usize, usize)> {
        if !matches!(self.w(i), "el" | "la") {
            return None;
        }
        let end = match (self.w(i + 1), self.w(i + 2)) {
            ("que", "viene" | "entra") => i + 3,
            ("siguiente" | "otro" | "otra" | "proximo" | "proxima", _) => i + 2,
            _ => return None,
        };
        let after = self.w(end);
        let alone = after.is_empty()
            || matches!(after, "si" | "," | "." | ";" | "!" | "\n" | "sin" | "mejor")
            || !after.chars().next().is_some_and(char::is_alphanumeric);
        alone.then_some((i, end))
    }

    /// The day or period after `m`, of the same kind: a weekday a week later, the next
    /// payday ("quincena"), the next week or month.
    fn following(&self, m: &DateMention, start: usize, end: usize) -> Option<DateMention> {
        let named = |w: &str| (m.start..m.end).any(|i| self.w(i) == w);
        let weekday = (m.start..m.end).any(|i| cal::weekday_named(self.w(i), false).is_some());
        let date = m.date?;
        let mut next = if named("quincena") {
            DateMention::new(start, end, Some(cal::payday_after(date)))
        } else if let Some((first, last)) = m.range.filter(|_| named("semana")) {
            DateMention::span(
                start,
                end,
                cal::add_days(first, 7),
                cal::add_days(last, 7),
                self.today,
            )
        } else if let Some((first, _)) = m.range.filter(|_| named("mes")) {
            let month = cal::first_of_next_month(first);
            DateMention::span(start, end, month, cal::last_of_month(month), self.today)
        } else if weekday && m.range.is_none() {
            DateMention::new(start, end, Some(cal::add_days(date, 7)))
        } else {
            return None;
        };
        next.vague |= m.vague && m.range.is_none() && !weekday;
        Some(next)
    }
}
