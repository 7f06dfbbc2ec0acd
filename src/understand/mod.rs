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
//! today.
//!
//! **Periods.** When the client names a period instead of a day, the reading carries
//! `promised_range = [first, last]` and `promised_date = last`: the planner waits until the
//! promised date, so it waits for the whole period without knowing about ranges. A range never
//! starts before today (said on the 18th, "a mediados de mes" is 18–20). Periods are
//! `ambiguous`: the app may confirm a day. After "hasta" a period is promised on its first
//! day instead (see "Rescheduling and corrections").
//!
//! | Expression | Range (`promised_date` = its last day) |
//! |---|---|
//! | "a principios de diciembre", "a primeros del mes que viene", "los primeros días de" | days 1–10 (next month's when this month's have passed) |
//! | "a mediados de mes / de diciembre" | days 11–20 |
//! | "a finales de mes", "a fines de diciembre" | day 21 – last day |
//! | "los últimos días del mes" | the last five days |
//! | "la primera / segunda / tercera / cuarta semana de enero", "la última semana del mes" | days 1–7, 8–14, 15–21, 22–28; the last seven |
//! | "la primera quincena (de diciembre)", "la segunda quincena" | 1–15, 16 – last day |
//! | "la semana que viene / que entra", "la próxima semana", "la otra semana", "la próxima" (alone) | Monday–Friday of next week |
//! | "esta semana", "en la semana" | today – this Friday |
//! | "el fin de semana", "el finde" | the coming Saturday–Sunday |
//! | "el mes que viene", "el próximo mes", "el mes que entra" | the whole of next month |
//! | "el año que viene", "el próximo año" | the whole of next year |
//! | "en diciembre", "para enero" | that month (from today if it is this month) |
//! | "a principios / mediados / finales de año" | 1–10 January (the 5th, as "a principios de enero"); June–July; December |
//! | "Semana Santa" | Palm Sunday – Easter Sunday |
//! | "el puente" (Spain, said in November or early December), "el puente de diciembre" | 6–8 December, with the weekend when it joins them (6th on a Monday or Tuesday, 8th on a Thursday or Friday) |
//! | "el puente", "el puente festivo" (Mexico, Colombia: the time zone tells the country) | the next long weekend: a national holiday on a Monday (Saturday–Monday: Mexico's LFT art. 74, Colombia's Ley 51 de 1983) or on a Friday (Friday–Sunday: Christmas, New Year's Day); not dated elsewhere |
//! | "Fiestas Patrias" (Peru, Chile, Mexico) | 28–29 July; 18–19 September; 15–16 September |
//! | "con la paga / la nómina / el sueldo de enero" | the last day of that month (one day, vague) |
//! | "el verano" (Spain; not dated when said in September, nor elsewhere) | July–August ("después del verano": 1 September) |
//!
//! **Days.**
//!
//! | Expression | Resolves to | Ambiguous |
//! |---|---|---|
//! | "el viernes", "el vie.", "el lunez" (typo) | next Friday strictly after today (said on a Friday: a week later) | no |
//! | "hoy viernes", "hoy" | today | no |
//! | "este viernes" | this week's Friday; if today is Friday, today | only when it is today |
//! | "el próximo viernes", "el viernes que viene", "el lunes entrante" | see below | see below |
//! | "el viernes de la semana que viene / de la próxima semana / entrante", "el otro viernes" | Friday of the next Monday–Sunday week | no |
//! | "la semana que viene, el martes" | that day of next week | no |
//! | "el 15", "el día 15", "el quince", "el primero", "el 1º" | this month if not passed, else next month | yes when it rolled over or was clamped ("el 31" in November → Nov 30) |
//! | "15 de diciembre", "15/12", "15 dic", "diciembre 15", "abril 7", "junio 3 del 2027" | this year if not passed, else next year (numbers are day-first; a month name may come first; in a United States time zone "7/30" is read month first, because the day-first reading is impossible, and "8/1" stays day-first) | yes when it passed less than 90 days ago |
//! | "15/12/2026", "1º de diciembre de 2026", "2026-12-15" | that day; a past day is never promised | no |
//! | "mañana", "pasado mañana", "en diez días", "en tres semanas", "dentro de dos semanas", "en un mes" | today + 1, + 2, + 10, + 21, + 14 days, + 1 month (clamped) | no |
//! | "en 3 días hábiles" | three Monday–Friday days later, skipping the national holidays of the country (ES, MX, CO, CL, PE, AR, from `policy::holidays`; regional ones are not known from a time zone) | no |
//! | "en un par de días/semanas" | + 2 days / + 14 days | yes |
//! | "ahora", "ahorita", "al tiro", "ya mismo", "enseguida" | today, only next to a payment verb; never inside a plan request | no |
//! | "a fin de mes", "para fin de mes" | last day of this month (one day, no range) | no |
//! | "la quincena", "para la quincena" (Mexico: paydays on the 15th and the last day) | the next payday, today included | yes |
//! | "la próxima quincena", "la siguiente quincena" | the next payday after today (beside «esta quincena»: the one after) | yes |
//! | "la otra quincena" | the payday after the next one | yes |
//! | "después de la quincena" | the day after the next payday (16th, or the 1st of next month) | yes |
//! | "antes del 15", "antes del viernes" | the day before (never before today) | no |
//! | "antes de mediados de diciembre" (before a period) | the day before the period starts | no |
//! | "antes de fin de mes" | last day of the month | yes |
//! | "después del 15", "después del puente" | the day after | yes |
//! | "a partir del 15" | the 15th | yes |
//! | "Nochebuena", "Navidad", "Nochevieja", "Año Nuevo", "Reyes", "San Juan" | 24 Dec, 25 Dec, 31 Dec, 1 Jan, 6 Jan, 24 Jun (next occurrence) | no |
//! | "Thanksgiving", "Día de Acción de Gracias" (United States) | the fourth Thursday of November | no |
//! | "antes de Navidad" / "para Navidad" | 24 December / 25 December | no |
//! | "después de Reyes" | 7 January | yes |
//! | "el viernes o el lunes", "entre el 10 y el 15" | the later one | yes |
//! | "sobre las 5", "a las 10", "hasta las 17:00" | a time, never a day of the month | — |
//!
//! **"El próximo viernes" / "el viernes que viene".** Speakers in every country we serve (ES,
//! MX, CO, AR, CL, PE) mostly mean the coming Friday, and a minority in each (larger in Spain)
//! mean the Friday of next week when the coming one is in the current week. We read the coming
//! one everywhere and mark the reading `ambiguous` whenever it falls in the current
//! Monday–Sunday week (said on a Wednesday); said on a Saturday, both readings agree.
//!
//! **Rescheduling and corrections.** A day turned down ("el martes me es imposible", "no
//! llego al 15", "en vez del lunes", "mejor el miércoles que el viernes") is never promised;
//! the day the client moves the payment to ("lo dejamos para el 22", "que sea el jueves",
//! "mejor el viernes", "sino el lunes") is. "el viernes no, mejor el lunes" → Monday; "no le
//! voy a pagar el viernes, sino el lunes" → Monday. A day turned down and its successor left
//! elliptic: "este lunes no, el que viene" → next week's Monday, "esta quincena no puedo, le
//! pago la otra" → the payday after, "esta semana no, la que viene sí" → next week; "todavía
//! no, pero mañana sí" → tomorrow. A day said to be closed ("mañana es feriado y el miércoles
//! también") is a reason, never the promised day.
//!
//! A day after "bueno" replaces the day before it ("le pago el jueves, bueno, el viernes 27",
//! "mañana, bueno no, pasado mañana"), unless another action follows it ("bueno, el martes le
//! llamo"); "el 27, que es quincena" only describes the 27th.
//!
//! A refusal with "hasta" or "antes" is a promise from that day on: "hasta el lunes no
//! tengo", "no puedo hasta el 25", "no será antes del 10" → that day. A period after "hasta"
//! is promised on its FIRST day, one vague day without a range: "hasta diciembre no tengo
//! dinero" → 1 December, "hasta la semana que viene no puedo" / "te pago hasta la semana que
//! entra" (Mexico) → next Monday, "¿me da una prórroga hasta enero?" → 1 January. Someone who
//! has no money until December pays in December at the earliest; the last day of the period
//! would be a date they never named, and the first is when to ask again (the reading is
//! ambiguous, so the acknowledgement asks them to confirm it). "Hasta el lunes no puedo
//! mirarlo" is about something else and promises nothing.
//!
//! **Weekday and number that disagree.** "el lunes 1" when the 1st is a Tuesday: the number
//! is promised (it is what a calendar or an invoice shows; weekdays slip more often), and the
//! reading is ambiguous so the acknowledgement names the real weekday and asks.
//!
//! **Paid or promised: tense decides.** What has left is paid: "ya salió la transferencia",
//! "el pago va en camino", "está en trámite", "debería verse reflejado mañana", "tarda un día
//! en reflejarse" (with money words or a payment nearby; "el pedido va en camino" is not
//! money). What leaves on a day to come is a promise: "sale el jueves", "tu dinero va para
//! allá el lunes". When the client names the day they pay and the day the bank shows it, the
//! first is promised ("el viernes le hago el ingreso, se verá reflejado el lunes"). A result
//! to come is a promise: "el lunes tendrá la transferencia hecha", "para el 20 ya tiene su
//! pago" (a deadline; "hoy ya tiene su pago" is paid). A bare "done" opening a reply that
//! says nothing else ("Hecho ✅", "Ya está, perdón por el retraso") is paid.
//!
//! **Conditions.** An explicit day wins over the event it depends on ("el 10, que es cuando
//! cobramos" → the 10th); an event alone ("en cuanto nos paguen") is a promise without a
//! date. "Me pagan el 15" is the client's income, not a promise.
//!
//! **Requests for time.** A request for time that names the day the whole invoice will be
//! paid is a promise of that day (`also` lists `plan`): "necesito unos días más, el lunes 30
//! les pago", "denme chance, el viernes les deposito", "no me alcanza ahorita, pero el 5 sin
//! falta". The day must come with a payment verb or "sin falta", after "hasta" / "al"
//! ("denme chance al viernes"), right after the request ("¿me da chance de pagarle el
//! viernes?"), or in a question of approval ("necesito unos días más, ¿le parece el
//! lunes?"). Asked forms count: "¿me da hasta el viernes?", "¿me puede esperar hasta el
//! 15?", "¿les puedo pagar el viernes?" are promises of that day. Decision: the client
//! names the day they will pay, and what the owner wants then is what a promise does
//! (reminders pause until that day and resume if it passes unpaid); a plan would hold
//! reminders until a person acts, and the acknowledgement "Anotado: el viernes 20" is the
//! answer a business gives to "¿me da hasta el viernes?". A request without such a day
//! ("necesito unos días más", "denme chance, el lunes le marco") stays a plan for the owner,
//! with no promised day. A schedule whose first share has no day ("la mitad por ahora, la
//! otra mitad el próximo mes") names none either.
//!
//! **Plans.** Instalments, parts and schedules. A part now and the rest on one later day,
//! stated ("le doy $300 ahorita y el resto el 30", "hoy le yapeo 150 y el saldo el lunes"), is a
//! promise of that day for the rest (what blind testers expected; a plan would hold the
//! reminders until a person acts). A stated schedule of later days ("le pago 300 el viernes y
//! el resto el 15") promises its first dated payment; a request ("¿podría pagar 300 este mes
//! y el resto en febrero?", "les propongo...") names no promised day. Two shares of the
//! balance, one a fraction ("50% ahora y 50% en 30 días", "mitad ahora y mitad en enero", "un
//! tercio ya y el resto...") are a plan.
//!
//! **Disputes and opt-outs halt reminders**, so they need clear words: "no es correcto"
//! counts only in a sentence naming an amount, a price or the invoice's data, and never
//! after "si"; "está de baja" is sick leave, not "denme de baja"; "no hace falta que me
//! recuerde / enviar más avisos" is politeness, not an opt-out, so the promise next to it
//! decides. Payment held until the creditor acts ("no le voy a pagar hasta que me mande la
//! factura con el RFC correcto", "hasta que me cambien el producto", "cuando me llegue el
//! material") is a dispute.
//!
//! **A person asked for** ("quiero hablar con una persona", "que me llame alguien de
//! administración", "llámenme") is a `question`: it goes to the owner's review, as the
//! Telegram button «Hablar con una persona» does; an opt-out beside it ("no me escriban,
//! prefiero que me llamen") still wins. So does a wish to pay that asks how ("¿me pasa el
//! número de cuenta? Quiero pagarle por ACH").
//!
//! **Never a promise.** Auto-replies (by text: "Respuesta automática", "Out of office",
//! "Estaré ausente hasta el...", "Este buzón no se atiende"...; one such phrase is enough when
//! nothing else is said), our quoted reminder, signatures (also an undelimited last paragraph
//! that opens with a name or department and holds a phone, web or email line), questions
//! without a day, days next to actions that are not payments ("le llamo el lunes", "el
//! viernes le digo algo"), promises mocked ("en cuanto me toque la lotería", "el 30 de
//! febrero") and promises denied ("nunca dije que pagaría el viernes").
//!
//! Past expressions ("ayer", "el viernes pasado", "hace tres días") are never promises: with a
//! past verb they read as `paid`.
//!
//! # Text forms and cost
//!
//! Text is composed to NFC once (`strip.rs`), and one folding rule (`normalise::fold_char`)
//! serves every matcher: accents, "ñ", case, chat shorthand ("q", "t", "mñn", "mñna", "xq") and common
//! misspellings ("biernes", "lunez", "trasferencia", "ago" for "hago", "asta", Andalusian "er lune"). Only the first
//! [`MAX_READ_BYTES`] of the client's own words are read; every stage is a single pass over
//! the tokens (phrases are indexed by their first word, dates are parsed left to right), so a
//! 5 MB reply costs what 20 KB does.

mod amount;
mod calendar;
mod contact;
mod dates;
mod decide;
mod hours;
mod intent;
mod lexicon;
mod normalise;
mod proof;
mod strip;
mod yes;

#[cfg(test)]
mod case_table;
#[cfg(test)]
mod tests;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;

pub use amount::PromisedAmount;
pub use contact::asks_another_contact;
pub use hours::asked_hours;
pub(crate) use intent::pays_for;
pub use intent::{Intent, UnknownIntent};
pub use normalise::fold_str;
pub use proof::{gives_proof, is_receipt_caption};
pub use strip::{MAX_READ_BYTES, strip_quotes_and_signature};
pub use yes::{is_short_yes, is_thanks_only};

/// «La persona a la que escribe ya no labora en la empresa», «ya no trabajo ahí, escriban a
/// pagos@…», «Esta dirección de correo ya no está en uso»: the contact written to has left,
/// or the address is closed. Automatic or not, the owner must learn it (and where to write
/// now).
pub fn says_contact_left(text: &str) -> bool {
    const LEFT: [&str; 27] = [
        "ya no esta en uso",
        "ya no se usa",
        "ya no se utiliza",
        "ya no esta activa",
        "ya no esta activo",
        "ya no se revisa",
        "ya no es valida",
        "ya no esta operativa",
        "no longer in use",
        "no longer active",
        "no longer monitored",
        "ya no labora",
        "ya no trabaja",
        "ya no trabajo",
        "ya no forma parte",
        "ya no formo parte",
        "ya no pertenece",
        "ya no pertenezco",
        "dejo de laborar",
        "dejo de trabajar",
        "ya no se encuentra en la empresa",
        "ya no esta en la empresa",
        "ya no colabora",
        "ya no esta con nosotros",
        "no longer works",
        "no longer with",
        "has left the company",
    ];
    let folded = fold_str(text);
    // «Esta cuenta de correo ha sido dada de baja»: the mailbox, not the client, is gone (an
    // invoice «dada de baja» is something else).
    let mailbox = [
        "esta cuenta",
        "este correo",
        "esta direccion",
        "este buzon",
        "esta casilla",
    ];
    let closed = [
        "dada de baja",
        "dado de baja",
        "eliminada",
        "desactivada",
        "cerrada",
    ];
    LEFT.iter().any(|p| folded.contains(p))
        || (mailbox.iter().any(|m| folded.contains(m)) && closed.iter().any(|c| folded.contains(c)))
}

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
    /// first and last day, `[first, last]`; `promised_date` is then `last` (a month's start or
    /// middle: the 5th or the 15th, unless said after that day).
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

/// Whether `text` asks for no more messages at all («más», «baja», «dejen de…»), whatever
/// hours it names.
fn no_more(text: &str) -> bool {
    let folded = fold_str(&text.to_lowercase());
    folded.split(|c: char| !c.is_alphanumeric()).any(|w| {
        matches!(
            w,
            "mas" | "baja" | "dejen" | "dejes" | "dejad" | "ningun" | "ninguno"
        )
    })
}

/// Reads a reply received at `received_at` from a client in time zone `tz`.
pub fn understand(text: &str, received_at: DateTime<Utc>, tz: Tz) -> Reading {
    let today = received_at.with_timezone(&tz).date_naive();
    let cleaned = strip_quotes_and_signature(text);
    let folded = normalise::fold(&cleaned);
    let toks = normalise::tokenise(&folded);
    let region = calendar::Region::of_zone(tz.name());
    let mut reading = decide::read(&cleaned, &toks, today, region);
    // «No me escriba más a este correo, ya no trabajo en esa empresa; escríbale a pagos@…»:
    // the person written to asks for herself, not for the client, who is to be written to at
    // another address (the owner is told so; see `says_contact_left`).
    if reading.intent == Intent::Stop && says_contact_left(&cleaned) {
        reading.intent = Intent::Other;
        reading.confidence = Confidence::Low;
    }
    // «No me mandéis nada a partir de las 20:00», «a partir de las 12 sí, antes no me
    // escriban»: hours, not an opt-out (hours32: both stopped every reminder); «no me escriban
    // más» stays one.
    // «Escríbanme en horario de oficina, por favor» is a person's wish, not an out-of-office
    // reply (hours32: read as one and ignored); a sure auto-reply stays one.
    if reading.intent == Intent::AutoReply
        && reading.confidence != Confidence::High
        && asked_hours(&cleaned).is_some()
    {
        reading.intent = Intent::Other;
        reading.confidence = Confidence::Low;
        reading.evidence.clear();
    }
    if reading.intent == Intent::Stop && asked_hours(&cleaned).is_some() && !no_more(&cleaned) {
        reading.intent = Intent::Other;
        reading.confidence = Confidence::Low;
    }
    // «El viernes sin falta» said on 18 December is Christmas Day: a day the banks are shut
    // is asked to confirm, not taken as firm (walk28 P3).
    if reading.intent == Intent::Promise
        && reading.promised_range.is_none()
        && let Some(day) = reading.promised_date
        && let Some(country) = region.holiday_country()
        && crate::policy::holidays::is_national_holiday(country, day)
    {
        reading.ambiguous = true;
        reading.evidence.push(format!("{day}: a national holiday"));
    }
    reading
}

/// Whether `text` names a part of a payment («un pago a cuenta», «un abono», «un adelanto»,
/// «la mitad»): said of an invoice, it is not paid.
pub fn pays_a_part(text: &str) -> bool {
    let folded = normalise::fold(text);
    let toks = normalise::tokenise(&folded);
    lexicon::find_cues(&toks)
        .iter()
        .any(|c| c.cue == lexicon::Cue::Partial)
}

/// Whether `text` speaks of the rest of a debt («el saldo», «el resto», «lo que falta»).
pub fn names_the_rest(text: &str) -> bool {
    let folded = normalise::fold(text);
    let toks = normalise::tokenise(&folded);
    amount::find_amounts(&toks, &vec![false; toks.len()])
        .iter()
        .any(|a| a.amount == PromisedAmount::Remainder)
}

/// «La F-12 ya se abonó el día 7. El resto lo incluimos en el pago del 5 de noviembre»: whether
/// `text` speaks of «el resto» alone (or «lo restante», «lo que queda») after saying something
/// paid in full: that rest is the other invoices, not what is left of one (after a part paid,
/// «un abono a la F-12; el resto el viernes», it is; «el resto de la F-12» is too).
pub fn the_rest_after_paid(text: &str, received_at: DateTime<Utc>, tz: Tz) -> bool {
    let padded = format!(" {} ", fold_str(text));
    let at = [" el resto ", " lo restante ", " lo que queda "]
        .iter()
        .flat_map(|r| padded.match_indices(r))
        .filter(|(at, r)| !padded[at + r.len()..].starts_with("de "))
        .map(|(at, _)| at)
        .min();
    let Some(at) = at else {
        return false;
    };
    let before = &padded[..at];
    // A sum paid is a part («le transferí ayer 300 € de los 1.250 de la A-101, el resto a fin
    // de mes»): an invoice paid in full is told without one.
    let folded = normalise::fold(before);
    let toks = normalise::tokenise(&folded);
    let today = received_at.with_timezone(&tz).date_naive();
    let a_sum = decide::names_a_sum(&toks, today, calendar::Region::of_zone(tz.name()));
    !a_sum && understand(before, received_at, tz).intent == Intent::Paid && !pays_a_part(before)
}

/// «Estoy fuera hasta el 7 de enero, a la vuelta lo miro», «de vacaciones hasta el 8»,
/// «vuelvo el lunes 11»: the day a person who is away says they are back, if the words say so
/// (an absence, then «hasta» or a return verb right before a day to come, within 90 days).
pub fn away_until(text: &str, received_at: DateTime<Utc>, tz: Tz) -> Option<NaiveDate> {
    const AWAY: [&str; 10] = [
        "fuera",
        "vacaciones",
        "viaje",
        "ausente",
        "baja",
        "permiso",
        "regreso",
        "vuelvo",
        "reincorporo",
        "volvemos",
    ];
    const BEFORE_DAY: [&str; 8] = [
        "hasta",
        "regreso",
        "vuelvo",
        "volvemos",
        "reincorporo",
        "retorno",
        "regresamos",
        "el",
    ];
    let folded = normalise::fold(text);
    let toks = normalise::tokenise(&folded);
    if !toks.iter().any(|t| AWAY.contains(&t.text)) {
        return None;
    }
    let today = received_at.with_timezone(&tz).date_naive();
    let region = calendar::Region::of_zone(tz.name());
    dates::find_dates(&toks, today, region)
        .into_iter()
        .filter(|m| !m.past && !m.negated && !m.reference)
        .filter(|m| {
            let before = |b: usize| m.start.checked_sub(b).map_or("", |i| toks[i].text);
            before(1) == "hasta"
                || BEFORE_DAY.contains(&before(1)) && AWAY.contains(&before(2))
                || AWAY.contains(&before(1))
        })
        .filter_map(|m| m.date)
        .find(|d| *d > today && (*d - today).num_days() <= 90)
}

/// True when a subject line marks an automatic reply ("Respuesta automática: Factura F-12",
/// "Out of Office: ...", "Ausente: ..."), which some servers send without any header.
pub fn subject_looks_automatic(subject: &str) -> bool {
    let folded = fold_str(subject);
    let head = folded.trim_start();
    const PREFIXES: [&str; 8] = [
        "ausente:",
        "ausencia:",
        "fuera de la oficina",
        "absent:",
        "automatic reply",
        "auto:",
        "autoreply",
        "respuesta automatica",
    ];
    PREFIXES.iter().any(|p| head.starts_with(p)) || looks_like_auto_reply(subject)
}

/// True when the text reads as an automatic reply (out of office, automatic acknowledgement),
/// even though it may contain dates ("Estoy fuera de la oficina hasta el 30 de noviembre").
pub fn looks_like_auto_reply(text: &str) -> bool {
    let text = normalise::nfc(text);
    let folded = normalise::fold(&text);
    let toks = normalise::tokenise(&folded);
    decide::auto_reply_cue(&lexicon::find_cues(&toks), &toks).is_some()
}
