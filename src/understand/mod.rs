//! Reading a client's reply: what they mean (intent), and for promises the day and the
//! amount, from Spanish as written in Spain and Latin America. Pure code: no I/O, no clock.
//!
//! # Pipeline
//!
//! 1. [`strip_quotes_and_signature`] (`strip.rs`) cuts our quoted reminder ("El ... escribió:",
//!    Outlook "De:/Enviado:/Para:/Asunto:", "-----Mensaje original-----", `>` lines,
//!    "Enviado desde mi iPhone") and the signature ("-- ", or "Saludos,"/"Atentamente" followed
//!    by a few short lines), so dates in our reminder or phone numbers never count.
//! 2. `normalise.rs` lower-cases, folds accents and "ñ", expands chat shorthand ("q", "xq",
//!    "pa") and splits clitics ("pagarle" → "pagar le"), keeping byte spans for evidence.
//! 3. `dates.rs` + `calendar.rs` find date expressions and resolve them against the reply's
//!    day in the client's time zone; `amount.rs` finds amounts.
//! 4. `lexicon.rs` matches fixed phrases (disputes, plans, opt-outs, questions, auto-reply
//!    text); `intent.rs` finds payment statements by verb form and tense.
//! 5. `decide.rs` weighs them and picks one intent, the promised day and amount, and says
//!    whether the reading is ambiguous (the app then asks "¿Confirmamos el viernes 27?").
//!
//! # Conventions for vague expressions
//!
//! "Today" is the reply's date in the client's time zone. A promised date is never before
//! today. Where a phrase names a period we promise its latest sensible day (conservative: we
//! do not remind before the client said), and mark the reading ambiguous.
//!
//! | Expression | Resolves to | Ambiguous |
//! |---|---|---|
//! | "el viernes", "el viernes que viene", "el lunes entrante" | next Friday strictly after today (said on a Friday: a week later) | no |
//! | "hoy viernes", "hoy" | today | no |
//! | "este viernes" | this week's Friday; if today is Friday, today | only when it is today |
//! | "el próximo viernes" | the next occurrence (said on Wednesday: this week's Friday) | yes, when that is in the current week |
//! | "el viernes de la semana que viene" / "de la próxima semana" | Friday of the next Monday–Sunday week | no |
//! | "la semana que viene", "la próxima semana", "la otra semana" | Friday of next week | yes |
//! | "esta semana", "en la semana" | Friday of this week (today if that has passed) | yes |
//! | "el fin de semana" | the coming Sunday | yes |
//! | "el 15", "el día 15", "el quince", "el primero", "el 1º" | this month if not passed, else next month | yes when it rolled over or was clamped ("el 31" in November → Nov 30) |
//! | "15 de diciembre", "15/12", "15-12", "15 dic" | this year if not passed, else next year | yes when it passed less than 90 days ago |
//! | "15/12/2026", "1º de diciembre de 2026", "2026-12-15" | that day; a past day is never promised | no |
//! | "mañana", "pasado mañana", "en diez días", "dentro de dos semanas", "en un mes" | today + 1, + 2, + 10, + 14 days, + 1 month (clamped) | no |
//! | "en 3 días hábiles" | three Monday–Friday days later | no |
//! | "en un par de días/semanas" | + 2 days / + 14 days | yes |
//! | "ahora", "ahorita", "al tiro", "ya mismo", "enseguida" | today, only next to a payment verb | no |
//! | "a fin de mes", "para fin de mes" | last day of this month (today if today is the last day) | no |
//! | "a finales de mes", "los últimos días del mes" | last day of this month | yes |
//! | "a principios de diciembre", "a principios de mes" | the 5th (of next month when this month's 5th has passed) | yes |
//! | "a mediados de diciembre", "a mediados de mes" | the 15th (next month's when passed) | yes |
//! | "el mes que viene", "el próximo mes" | last day of next month | yes |
//! | "en diciembre", "para enero" | last day of that month | yes |
//! | "la quincena", "para la quincena" (Mexico: paydays on the 15th and the last day) | the next payday, today included | yes |
//! | "la próxima quincena" | the payday after the next one | yes |
//! | "después de la quincena" | the day after the next payday (16th, or the 1st of next month) | yes |
//! | "antes del 15", "antes del viernes" | the day before (never before today) | no |
//! | "antes de fin de mes" | last day of the month (periods keep their day) | yes |
//! | "después del 15" | the 16th | yes |
//! | "a partir del 15" | the 15th | yes |
//! | "antes de Navidad" / "para Navidad" | 24 December / 25 December | no |
//! | "antes de fin de año", "a fin de año" | 31 December | no |
//! | "después de Reyes" | 7 January | yes |
//! | "el viernes o el lunes", "entre el 10 y el 15" | the later one | yes |
//! | "el viernes no, mejor el lunes" | the last positive statement (Monday) | no |
//! | "el viernes 27" when the 27th is not a Friday | the 27th (numbers beat weekday names) | yes |
//!
//! Numbers are always day-first ("5/12" is 5 December). Past expressions ("ayer", "el viernes
//! pasado", "hace tres días") are never promises: with a past verb they read as `paid`.

mod amount;
mod calendar;
mod dates;
mod decide;
mod intent;
mod lexicon;
mod normalise;
mod strip;

#[cfg(test)]
mod case_table;
#[cfg(test)]
mod tests;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;

pub use amount::PromisedAmount;
pub use intent::{Intent, UnknownIntent};
pub use normalise::fold_str;
pub use strip::strip_quotes_and_signature;

/// How sure the reading is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Clear words, one intent, a precise date when one was needed.
    High,
    /// Hedged, vague or mixed; worth a confirmation.
    Medium,
    /// Guessed from little (a bare date, a lone question mark); a person should look.
    Low,
}

/// What a reply means, with the words that decided it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reading {
    /// The client's intent.
    pub intent: Intent,
    /// For promises and plans: the day the client commits to (the first payment of a plan).
    #[serde(serialize_with = "serialize_date")]
    pub promised_date: Option<NaiveDate>,
    /// When the client names a period ("a mediados de mes", "la semana que viene"): its
    /// first and last day, `[first, last]`; `promised_date` is then `last`.
    #[serde(serialize_with = "serialize_range")]
    pub promised_range: Option<(NaiveDate, NaiveDate)>,
    /// For promises and plans: the amount or share the client offers, when stated.
    pub promised_amount: Option<PromisedAmount>,
    /// True when the app should confirm before acting (alternatives, vague periods,
    /// far or rolled-over days, hedges, mixed signals).
    pub ambiguous: bool,
    /// How sure the reading is.
    pub confidence: Confidence,
    /// The client's words that decided the reading, e.g. `["le pago", "el viernes"]`.
    pub evidence: Vec<String>,
    /// Other intents also present, in order of precedence ("ya pagué, no me escriban" is
    /// `paid` with `stop` here).
    pub also: Vec<Intent>,
    /// The text that was read: the reply without quoted history and signature.
    pub cleaned_text: String,
}

fn serialize_date<S: serde::Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&d.format("%Y-%m-%d").to_string()),
        None => s.serialize_none(),
    }
}

fn serialize_range<S: serde::Serializer>(
    r: &Option<(NaiveDate, NaiveDate)>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match r {
        Some((a, b)) => [a, b]
            .map(|d| d.format("%Y-%m-%d").to_string())
            .serialize(s),
        None => s.serialize_none(),
    }
}

/// Reads a reply received at `received_at` from a client in time zone `tz`.
pub fn understand(text: &str, received_at: DateTime<Utc>, tz: Tz) -> Reading {
    let today = received_at.with_timezone(&tz).date_naive();
    let cleaned = strip_quotes_and_signature(text);
    let folded = normalise::fold(&cleaned);
    let toks = normalise::tokenise(&folded);
    decide::read(&cleaned, &toks, today)
}

/// True when the text reads as an automatic reply (out of office, automatic acknowledgement),
/// even though it may contain dates ("Estoy fuera de la oficina hasta el 30 de noviembre").
pub fn looks_like_auto_reply(text: &str) -> bool {
    let text = normalise::nfc(text);
    let folded = normalise::fold(&text);
    let toks = normalise::tokenise(&folded);
    decide::auto_reply_cue(&lexicon::find_cues(&toks)).is_some()
}
