//! Inline buttons: what each one says, the `callback_data` it carries (at most 64 bytes), and
//! the keyboards of each kind of message.
//!
//! `callback_data` is `action:outbox_id[:YYYY-MM-DD]`: the outbox id says which of our
//! messages (so which client and invoices) the press is about; the poller checks that it
//! belongs to the chat's own client before acting on it.

use chrono::{Datelike, NaiveDate, Weekday};
use serde_json::{Value, json};

use crate::policy::HolidayCalendar;
use crate::render::dates::{date_day, weekday_name};

/// What a button asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Press {
    /// "Ya he pagado".
    Paid,
    /// "Pagaré el…": show the date picker.
    When,
    /// A day from the picker (or "Sí, el …" confirming an ambiguous date).
    Day(NaiveDate),
    /// "Otra fecha": ask for it in words.
    OtherDay,
    /// "Necesito un plan de pagos".
    Plan,
    /// "Hablar con una persona".
    Human,
    /// "Cambiar la fecha" under a confirmation.
    Change,
}

/// A press and the outbox message it came with (0: none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Callback {
    /// What was pressed.
    pub press: Press,
    /// Our message the button belongs to; 0 when it belongs to none.
    pub outbox_id: i64,
}

impl Callback {
    /// The `callback_data` for this press.
    pub fn data(&self) -> String {
        let id = self.outbox_id;
        match self.press {
            Press::Paid => format!("paid:{id}"),
            Press::When => format!("when:{id}"),
            Press::Day(d) => format!("day:{id}:{}", d.format("%Y-%m-%d")),
            Press::OtherDay => format!("other:{id}"),
            Press::Plan => format!("plan:{id}"),
            Press::Human => format!("human:{id}"),
            Press::Change => format!("change:{id}"),
        }
    }

    /// Reads `callback_data`; `None` for anything we did not write.
    pub fn parse(data: &str) -> Option<Callback> {
        let mut parts = data.splitn(3, ':');
        let action = parts.next()?;
        let outbox_id: i64 = parts.next()?.parse().ok()?;
        let press = match (action, parts.next()) {
            ("paid", None) => Press::Paid,
            ("when", None) => Press::When,
            ("day", Some(d)) => Press::Day(NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()?),
            ("other", None) => Press::OtherDay,
            ("plan", None) => Press::Plan,
            ("human", None) => Press::Human,
            ("change", None) => Press::Change,
            _ => return None,
        };
        Some(Callback { press, outbox_id })
    }
}

fn button(text: &str, press: Press, outbox_id: i64) -> Value {
    json!({ "text": text, "callback_data": Callback { press, outbox_id }.data() })
}

/// The four answers under a reminder.
pub fn reminder(outbox_id: i64) -> Value {
    json!({ "inline_keyboard": [
        [button("Ya he pagado", Press::Paid, outbox_id), button("Pagaré el…", Press::When, outbox_id)],
        [button("Necesito un plan de pagos", Press::Plan, outbox_id)],
        [button("Hablar con una persona", Press::Human, outbox_id)],
    ]})
}

/// Under a confirmed promise: a way to correct the date.
pub fn change_date(outbox_id: i64) -> Value {
    json!({ "inline_keyboard": [[button("Cambiar la fecha", Press::Change, outbox_id)]] })
}

/// The keyboard a message of `stage` goes out with: reminders get the four answers, a
/// promise's acknowledgement a "Cambiar la fecha", other messages none (a receipt thanks for
/// a payment: "Pagaré el…" under it would ask again).
pub fn for_stage(stage: &str, outbox_id: i64) -> Option<Value> {
    match stage {
        "ack_promise" => Some(change_date(outbox_id)),
        s if s.starts_with("ack_")
            || s == "plan_confirmation"
            || s == "receipt"
            || crate::domain::is_owner_facing(s) =>
        {
            None
        }
        _ => Some(reminder(outbox_id)),
    }
}

/// The labels of the buttons a message of `stage` goes out with, for `preview`.
pub fn labels(stage: &str) -> Vec<String> {
    for_stage(stage, 0)
        .and_then(|k| k["inline_keyboard"].as_array().cloned())
        .unwrap_or_default()
        .iter()
        .flat_map(|row| row.as_array().cloned().unwrap_or_default())
        .filter_map(|b| b["text"].as_str().map(str::to_owned))
        .collect()
}

/// The next `n` business days after `today` (no weekends, no holidays of the client's
/// calendar).
pub fn business_days(
    today: NaiveDate,
    n: usize,
    calendar: Option<&HolidayCalendar>,
) -> Vec<NaiveDate> {
    today
        .iter_days()
        .skip(1)
        .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
        .filter(|d| calendar.is_none_or(|c| c.is_holiday(*d).is_none()))
        .take(n)
        .collect()
}

/// The date picker: `first` (an ambiguous date to confirm) if any, the next business days,
/// and "Otra fecha".
pub fn date_picker(
    outbox_id: i64,
    today: NaiveDate,
    first: Option<NaiveDate>,
    days: &[NaiveDate],
) -> Value {
    let mut rows: Vec<Value> = Vec::new();
    if let Some(d) = first {
        let text = format!("Sí, el {}", date_day(d, today));
        rows.push(json!([button(&text, Press::Day(d), outbox_id)]));
    }
    let picks: Vec<Value> = days
        .iter()
        .filter(|d| Some(**d) != first)
        .map(|d| button(&short_day(*d), Press::Day(*d), outbox_id))
        .collect();
    for pair in picks.chunks(2) {
        rows.push(Value::Array(pair.to_vec()));
    }
    rows.push(json!([button("Otra fecha", Press::OtherDay, outbox_id)]));
    json!({ "inline_keyboard": rows })
}

/// Whether `markup` is a [`date_picker`] (it ends with «Otra fecha»).
pub fn is_date_picker(markup: &Value) -> bool {
    let rows = markup["inline_keyboard"].as_array();
    rows.into_iter()
        .flatten()
        .flat_map(|row| row.as_array().into_iter().flatten())
        .any(|b| {
            b["callback_data"]
                .as_str()
                .and_then(Callback::parse)
                .is_some_and(|c| c.press == Press::OtherDay)
        })
}

/// `vie 4 dic`-style label, but spelled out: `viernes 4/12`.
fn short_day(d: NaiveDate) -> String {
    format!("{} {}/{}", weekday_name(d.weekday()), d.day(), d.month())
}

/// The "Otra fecha" prompt's markup: the client's next message answers it.
pub fn force_reply() -> Value {
    json!({ "force_reply": true, "input_field_placeholder": "Por ejemplo: el viernes, o 15/12" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callback_data_round_trips_and_fits_in_64_bytes() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        for press in [
            Press::Paid,
            Press::When,
            Press::Day(d),
            Press::OtherDay,
            Press::Plan,
            Press::Human,
            Press::Change,
        ] {
            let c = Callback {
                press,
                outbox_id: i64::MAX,
            };
            assert!(c.data().len() <= 64, "{}", c.data());
            assert_eq!(Callback::parse(&c.data()), Some(c));
        }
        assert_eq!(Callback::parse("day:1:2026-13-01"), None);
        assert_eq!(Callback::parse("paid:x"), None);
        assert_eq!(Callback::parse("rm -rf:1"), None);
    }

    #[test]
    fn business_days_skip_weekends() {
        // Thursday 3 December 2026.
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let days = business_days(today, 3, None);
        let expected: Vec<NaiveDate> = [4, 7, 8]
            .iter()
            .map(|d| NaiveDate::from_ymd_opt(2026, 12, *d).unwrap())
            .collect();
        assert_eq!(days, expected);
    }

    #[test]
    fn reminders_get_four_answers_and_acks_a_correction() {
        let k = reminder(7);
        let texts: Vec<&str> = k["inline_keyboard"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|row| row.as_array().unwrap())
            .map(|b| b["text"].as_str().unwrap())
            .collect();
        assert_eq!(
            texts,
            [
                "Ya he pagado",
                "Pagaré el…",
                "Necesito un plan de pagos",
                "Hablar con una persona"
            ]
        );
        assert!(for_stage("ack_paid", 1).is_none());
        assert!(
            for_stage("receipt", 1).is_none(),
            "no 'Pagaré el…' under a thank-you"
        );
        assert_eq!(for_stage("ack_promise", 1), Some(change_date(1)));
        assert_eq!(for_stage("second", 3), Some(reminder(3)));
    }
}
