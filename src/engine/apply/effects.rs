//! The effects of a reply once it is recorded: a promise, a payment claim, a dispute, a plan
//! request or an opt-out changes the invoices and the client; then the acknowledgement to the
//! client (threaded, in Spanish, repeating what was understood) and the owner's alert are
//! queued in the same transaction.

use crate::render::context::ClientSaid;
use chrono::{DateTime, Utc};
use rusqlite::Connection;

use super::{Applied, Incoming, split};
use crate::config::Config;
use crate::domain::{Actor, EventKind};
use crate::domain::{Channel, Invoice, InvoiceStatus, Money};
use crate::engine::matcher::{self, Match};
use crate::render::{self, Renderer};
use crate::store::{self, NewOutboxMessage};
use crate::understand::{Intent, PromisedAmount, Reading};

/// Applies `reading` for the matched client: state changes, acknowledgement and alert. A reply
/// that answers differently for different invoices, each named in words of its own, is acted
/// on per group of invoices ([`split::by_invoice`]).
#[allow(clippy::too_many_arguments)]
pub(super) fn act(
    tx: &Connection,
    config: &Config,
    renderer: &Renderer,
    m: &Match,
    reading: &Reading,
    promised_amount: Option<Money>,
    inc: &Incoming,
    response_id: i64,
    applied: &mut Applied,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    own_hours(tx, m, reading, response_id, now)?;
    // «Ya pagué, no me escriban más»: the opt-out beside another answer is honoured first (the
    // other answer is then recorded without an acknowledgement: `Match::silenced`).
    let mut answered = 0;
    let opted_out;
    let mut m = m;
    if reading.intent != Intent::Stop && reading.also.contains(&Intent::Stop) {
        let stop = Reading {
            intent: Intent::Stop,
            ..reading.clone()
        };
        let on = On {
            m,
            reading: &stop,
            promised_amount: None,
            part: 0,
            among: false,
            acks_before: 0,
            held: None,
            hold_client: false,
        };
        act_on(tx, config, renderer, &on, inc, response_id, applied, now)?;
        applied.effect = format!("{}; opted out too", applied.effect);
        answered = 1;
        // The contacts as they are now (opted out: no other acknowledgement).
        opted_out = Match {
            contacts: store::clients::for_client(tx, &m.client.id)?,
            ..m.clone()
        };
        m = &opted_out;
    }
    if for_a_person(m, reading, &inc.visible_text(), inc.received_at) {
        let unread = Reading {
            intent: Intent::Other,
            promised_date: None,
            promised_range: None,
            promised_amount: None,
            ..reading.clone()
        };
        let on = On {
            m,
            reading: &unread,
            promised_amount: None,
            part: answered,
            among: false,
            acks_before: answered,
            held: None,
            hold_client: false,
        };
        act_on(tx, config, renderer, &on, inc, response_id, applied, now)?;
        return Ok(());
    }
    let Some(parts) = split::by_invoice(
        m,
        reading,
        &inc.visible_text(),
        inc.received_at,
        m.client.time_zone,
    ) else {
        let on = On {
            m,
            reading,
            promised_amount,
            part: answered,
            among: false,
            acks_before: answered,
            held: None,
            hold_client: false,
        };
        act_on(tx, config, renderer, &on, inc, response_id, applied, now)?;
        return Ok(());
    };
    per_invoice(
        tx,
        config,
        renderer,
        m,
        parts,
        answered,
        inc,
        response_id,
        applied,
        now,
    )
}

/// «No me escriban antes de las 11» (walk30 S6: nine reminders at 10:10 after it): the hours
/// the client asks for are its own from now on (`client hours`, within the legal hours), with
/// an event; the owner is told in the reply's alert («hours_set») and can change them.
fn own_hours(
    tx: &Connection,
    m: &Match,
    reading: &Reading,
    response_id: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    if matches!(reading.intent, Intent::AutoReply | Intent::Bounce) {
        return Ok(());
    }
    let Some(hours) = hours_to_keep(m, reading) else {
        return Ok(());
    };
    let said: String = reading.cleaned_text.chars().take(300).collect();
    store::clients::set_own_hours(tx, &m.client.id, Some(hours), Some(&said), now)?;
    store::events::append(
        tx,
        now,
        Actor::Inbox,
        EventKind::ClientHoursSet,
        Some(&m.client.id),
        None,
        serde_json::json!({ "hours": hours, "response": response_id }),
    )?;
    Ok(())
}

/// The hours `reading` asks for, as the client said them, when the client's country lets
/// anyone write in some of them (`policy::within_legal_hours`; the planner keeps to the law
/// within them); `None` when it asks for none, or for none that can be kept (the reply is then
/// for a person: «le escribiremos a partir de las 19:00» to a client in Bogotá would be untrue).
pub(super) fn hours_to_keep(m: &Match, reading: &Reading) -> Option<crate::policy::TimeRange> {
    let asked = crate::understand::asked_hours(&reading.cleaned_text)?;
    let country = m.client.country.parse().ok()?;
    crate::policy::within_legal_hours(country, asked).map(|_| asked)
}

/// [`act`] on each group of invoices of a reply answered per invoice, the most important
/// answer first: its acknowledgement goes now, the others' on the next days (never two
/// messages to a client on one day). `answered`: the reply's answers already acted on.
#[allow(clippy::too_many_arguments)]
fn per_invoice(
    tx: &Connection,
    config: &Config,
    renderer: &Renderer,
    m: &Match,
    mut parts: Vec<split::Part>,
    answered: usize,
    inc: &Incoming,
    response_id: i64,
    applied: &mut Applied,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    parts.sort_by_key(|p| importance(p.reading.intent));
    let said: Vec<String> = parts
        .iter()
        .map(|p| {
            let numbers: Vec<&str> = p.invoices.iter().map(|i| i.number.as_str()).collect();
            format!("{} {}", numbers.join(", "), p.reading.intent)
        })
        .collect();
    // The whole reply's reading («plan requested …») is not what was done when no part of
    // it was read so.
    applied.effect = if parts.iter().any(|p| p.reading.intent == applied.intent) {
        format!("{}; per invoice: {}", applied.effect, said.join("; "))
    } else {
        format!("answered per invoice: {}", said.join("; "))
    };
    let mut acks = answered;
    // The answers' acknowledgements, held to go as one message (a person answering would
    // write one, not one a day).
    let held = std::cell::RefCell::new(Vec::new());
    let answered_all = answers_every_open_invoice(tx, m, &parts)?;
    for (index, part) in parts.into_iter().enumerate() {
        let m = Match {
            invoices: part.invoices,
            ..m.clone()
        };
        let balance: Money = m.invoices.iter().map(|i| i.balance).sum();
        let promised_amount = part
            .reading
            .promised_amount
            .as_ref()
            .and_then(|a| money_of(a, balance));
        let on = On {
            m: &m,
            reading: &part.reading,
            promised_amount,
            part: answered + index,
            among: true,
            acks_before: acks,
            held: Some(&held),
            hold_client: answered_all,
        };
        // The held acknowledgements go as one message: they count once.
        let before = held.borrow().len();
        if act_on(tx, config, renderer, &on, inc, response_id, applied, now)?
            && (before == 0 || held.borrow().len() == before)
        {
            acks += 1;
        }
    }
    // Words for a person alone get no acknowledgement (a person answers them).
    let mut held = held.into_inner();
    if held.iter().all(|h| h.kind == FOR_A_PERSON) {
        held.clear();
    }
    let send_at = later_day(now, m.client.time_zone, answered);
    let ack = match held.as_slice() {
        [] => None,
        [one] => {
            let said = one.said(send_at);
            queue_ack(
                tx,
                config,
                renderer,
                &one.m,
                one.kind,
                &said,
                inc,
                response_id,
                now,
            )?
        }
        several => queue_answers(
            tx,
            config,
            renderer,
            several,
            send_at,
            inc,
            response_id,
            now,
        )?,
    };
    applied.ack = applied.ack.or(ack);
    Ok(())
}

/// Words about `m`'s invoices that a person must answer, among other answers: the client's
/// reminders wait [`super::ANSWER_WAIT_DAYS`] for that answer, and the one acknowledgement
/// says who gives it ([`FOR_A_PERSON`]).
fn hold_for_a_person(
    tx: &Connection,
    on: &On<'_>,
    m: &Match,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let Some(held) = on.held else {
        return Ok(());
    };
    if on.hold_client {
        super::hold_for_an_answer(tx, &m.client.id, now)?;
    }
    held.borrow_mut().push(Held {
        m: m.clone(),
        kind: FOR_A_PERSON,
        reading: on.reading.clone(),
        amount: None,
        currency: m.invoices.first().map(|i| i.currency.clone()),
        part: on.part,
    });
    Ok(())
}

/// Whether `parts` speak of every invoice of the client that reminders may name (status
/// open): a reply that holds the client's reminders for words a person must answer then stops
/// none it did not speak of.
fn answers_every_open_invoice(
    tx: &Connection,
    m: &Match,
    parts: &[split::Part],
) -> anyhow::Result<bool> {
    let open = store::invoices::open_numbers(tx, &m.client.id)?;
    Ok(open.iter().all(|n| {
        parts
            .iter()
            .any(|p| p.invoices.iter().any(|i| &i.number == n))
    }))
}

/// The acknowledgements [`per_invoice`] holds to send as one ([`queue_answers`]).
const HELD_KINDS: [&str; 4] = ["ack_promise", "ack_paid", "ack_dispute", "ack_plan"];

/// The answer for words a person must answer: said in the one acknowledgement of a reply
/// answered per invoice (`_ack_question.txt`), and alone (`ack_question`) for a question that
/// is the whole reply, by email.
const FOR_A_PERSON: &str = "ack_question";

/// An answer's acknowledgement held by [`per_invoice`].
struct Held {
    m: Match,
    kind: &'static str,
    reading: Reading,
    amount: Option<Money>,
    currency: Option<String>,
    part: usize,
}

impl Held {
    fn said(&self, send_at: DateTime<Utc>) -> Said<'_> {
        Said {
            reading: &self.reading,
            amount: self.amount,
            currency: self.currency.as_deref(),
            send_at,
            part: self.part,
        }
    }
}

/// One acknowledgement (`ack_answers`) of the answers of a reply answered per invoice, the
/// most important first, each as its own acknowledgement says it (its `_ack_*.txt` part, and
/// for a promise the ways to pay), under the invoices it is about.
#[allow(clippy::too_many_arguments)]
fn queue_answers(
    tx: &Connection,
    config: &Config,
    renderer: &Renderer,
    held: &[Held],
    send_at: DateTime<Utc>,
    inc: &Incoming,
    response_id: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<i64>> {
    let medium = crate::engine::render_medium(inc.channel.unwrap_or(Channel::Email));
    // The ways to pay go once, after the last promise, for every invoice promised.
    let promised: Vec<&Held> = held.iter().filter(|h| h.kind == "ack_promise").collect();
    let mut answers = Vec::with_capacity(held.len());
    for one in held {
        let said = one.said(send_at);
        let mut answer = with_ack_context(tx, config, &one.m, one.kind, &said, inc, now, |ctx| {
            Ok(render::context::Answer {
                kind: one.kind.to_owned(),
                numbers: ctx.summary().numbers,
                invoice_count: ctx.invoices.len(),
                text: renderer.render_part(&format!("_{}.txt", one.kind), &ctx.to_value()?)?,
            })
        })?;
        if promised.last().is_some_and(|last| std::ptr::eq(*last, one)) {
            let all = Match {
                invoices: promised.iter().flat_map(|h| h.m.invoices.clone()).collect(),
                ..one.m.clone()
            };
            let ways = match medium {
                render::Medium::Telegram => "_payment.telegram",
                _ => "_payment.txt",
            };
            let ways = with_ack_context(tx, config, &all, one.kind, &said, inc, now, |ctx| {
                Ok(renderer.render_part(ways, &ctx.to_value()?)?)
            })?;
            answer.text = format!("{}\n\n{ways}", answer.text);
        }
        answers.push(answer);
    }
    let first = &held[0];
    // The subject lists them in the book's order (due date, number), not the answers'.
    let mut invoices: Vec<Invoice> = held.iter().flat_map(|h| h.m.invoices.clone()).collect();
    invoices.sort_by(|a, b| (a.due_date, &a.number).cmp(&(b.due_date, &b.number)));
    let all = Match {
        invoices,
        ..first.m.clone()
    };
    let said = first.said(send_at);
    let rendered = with_ack_context(tx, config, &all, "ack_answers", &said, inc, now, |ctx| {
        ctx.answers = answers;
        Ok(renderer.render_message("ack_answers", medium, ctx)?)
    })?;
    insert_ack(
        tx,
        config,
        &all,
        "ack_answers",
        rendered,
        &said,
        inc,
        response_id,
        now,
    )
}

/// Whether a reply about several invoices says some are paid and others promised (or to be
/// paid in instalments) without naming each in words of its own («la primera ya está pagada y
/// la segunda se la pago el viernes», «todo pagado menos una»), or that only some are paid
/// («unas ya están pagadas y otras no»): no one reading is true for all
/// of them, and which is which is for a person to read. (A dispute is read by a person anyway.)
/// And a reply that names only another client's invoices ([`Match::unsure_whose`]).
pub(super) fn for_a_person(
    m: &Match,
    reading: &Reading,
    visible: &str,
    received_at: DateTime<Utc>,
) -> bool {
    if m.unsure_whose {
        return true;
    }
    let said: Vec<Intent> = std::iter::once(reading.intent)
        .chain(reading.also.iter().copied())
        .collect();
    let mixes = said.contains(&Intent::Paid)
        && (said.contains(&Intent::Promise) || said.contains(&Intent::Plan));
    let some_of_them = split::speaks_of_some(visible);
    let mixes = mixes || (some_of_them && matches!(reading.intent, Intent::Paid | Intent::Promise));
    m.invoices.len() >= 2
        && !matches!(reading.intent, Intent::Dispute | Intent::Stop)
        && mixes
        && split::by_invoice(m, reading, visible, received_at, m.client.time_zone).is_none()
}

/// Which answer of a reply comes first: what a person must act on, then what changes the
/// client's reminders, then the rest.
fn importance(intent: Intent) -> u8 {
    match intent {
        Intent::Dispute => 0,
        Intent::Plan => 1,
        Intent::Promise => 2,
        Intent::Paid => 3,
        _ => 4,
    }
}

/// What [`act_on`] acts on: the client and invoices, what the reply says of them.
struct On<'a> {
    m: &'a Match,
    reading: &'a Reading,
    promised_amount: Option<Money>,
    /// Which of the reply's answers (0 when it gives one).
    part: usize,
    /// One of the answers of a reply answered per invoice (the rest of it is acted on too).
    among: bool,
    /// Acknowledgements already queued for the reply's other answers: this one's goes that
    /// many days later.
    acks_before: usize,
    /// Where an acknowledgement of [`HELD_KINDS`] is held instead of queued (the answers of a
    /// reply answered per invoice: [`queue_answers`] sends them as one).
    held: Option<&'a std::cell::RefCell<Vec<Held>>>,
    /// Words for a person hold the client's reminders (the reply answers about every invoice
    /// that would be reminded: a hold would otherwise stop one it did not speak of).
    hold_client: bool,
}

/// [`act`] for one reading about `on.m`'s invoices. The first acknowledgement and alert
/// queued are the ones `applied` names. Returns whether it queued an acknowledgement (or held
/// it in `on.held`).
#[allow(clippy::too_many_arguments)]
fn act_on(
    tx: &Connection,
    config: &Config,
    renderer: &Renderer,
    on: &On<'_>,
    inc: &Incoming,
    response_id: i64,
    applied: &mut Applied,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let (m, reading, promised_amount) = (on.m, on.reading, on.promised_amount);
    let narrowed = (reading.intent == Intent::Dispute)
        .then(|| disputed_only(m, reading, &inc.visible_text()))
        .flatten();
    let m = narrowed.as_ref().unwrap_or(m);
    let currency = m.invoices.first().map(|i| i.currency.clone());
    let today = inc
        .received_at
        .with_timezone(&m.client.time_zone)
        .date_naive();
    let (ack_kind, alert_kind) =
        change_state(tx, m, reading, today, promised_amount, response_id, now)?;
    let ack_kind = ack_kind.or(question_ack(reading, inc, on.among));
    // An acknowledgement names the invoices it is about ("del pago de las facturas F-1, F-2"):
    // with none left open it would read "de las facturas ."; the owner's alert (and, for a
    // reply a person must read, the bot's "se lo he pasado") say what there is to say.
    let mut ack_kind = ack_kind.filter(|k| *k == "ack_stop" || !m.invoices.is_empty());
    // Nothing automatic after a hand-over or an opt-out (the opt-out itself is confirmed).
    if ack_kind.is_some_and(|k| k != "ack_stop")
        && let Some(why) = m.silenced(tx, inc.sender.as_deref())?
    {
        applied.effect = format!("{}; no acknowledgement: {why}", applied.effect);
        ack_kind = None;
    }
    let mut acked = false;
    if let Some(kind) = ack_kind.filter(|k| HELD_KINDS.contains(k))
        && let Some(held) = on.held
    {
        held.borrow_mut().push(Held {
            m: m.clone(),
            kind,
            reading: reading.clone(),
            amount: promised_amount,
            currency: currency.clone(),
            part: on.part,
        });
        acked = true;
    } else if let Some(kind) = ack_kind {
        let said = Said {
            reading,
            amount: promised_amount,
            currency: currency.as_deref(),
            send_at: later_day(now, m.client.time_zone, on.acks_before),
            part: on.part,
        };
        let ack = queue_ack(tx, config, renderer, m, kind, &said, inc, response_id, now)?;
        acked = ack.is_some();
        applied.ack = applied.ack.or(ack);
    }
    // Words about some invoices that a person must answer, among other answers: the client's
    // reminders wait for that answer (as for a whole reply a person must answer: without it,
    // «la 301 está en revisión por los taladros» was reminded two days later), and the one
    // acknowledgement says who answers them (it said nothing of them).
    if on.among && alert_kind == Some("needs_review") {
        hold_for_a_person(tx, on, m, now)?;
    }
    let kept = hours_to_keep(m, reading).is_some();
    if let Some(kind) = owner_alert_kind(alert_kind, reading, on.among, kept) {
        // The first answer's alert is the reply's; the others' their own.
        let cycle = match on.part {
            0 => format!("response-{response_id}"),
            _ => format!("response-{response_id}-{kind}"),
        };
        // The owner reads what the client said: a file the client says went with it is named
        // whether or not it reached anyone.
        let mut said = client_said(on.reading, true);
        said.proof |= inc.with_file;
        let alert = alert_in(
            tx,
            config,
            renderer,
            Some(m),
            kind,
            inc,
            response_id,
            cycle,
            said,
            now,
        )?;
        applied.alert = applied.alert.or(alert);
    }
    Ok(acked)
}

/// The owner's alert for a reading whose state change called for `kind`: a question among
/// other answers is «question» (the rest of the reply was acted on: "nothing done with it",
/// the plain review alert's words, would not be true); a promise or a paid claim that also
/// asks something («Les pagamos a fin de mes, apenas nos indiquen los datos para la
/// transferencia») is «promise_question»: recorded and acknowledged, and what it asks is for
/// a person (nobody was told); one that also asks for hours is «hours_set» (set, see
/// `own_hours`), to be written another way «contact_request» (cobrador does not change a
/// client's channel by itself).
fn owner_alert_kind(
    kind: Option<&'static str>,
    reading: &Reading,
    among: bool,
    hours_kept: bool,
) -> Option<&'static str> {
    match kind {
        Some("needs_review") if among => Some("question"),
        Some(k) => Some(k),
        None if among || !matches!(reading.intent, Intent::Promise | Intent::Paid) => None,
        None if reading.also.contains(&Intent::Question) => Some("promise_question"),
        // A new contact: «Pedro ya no labora con nosotros, ahora llevo yo los pagos; te pago el
        // 29» (walk30: the promise was applied and nobody was told of Pedro).
        None if crate::understand::says_contact_left(&reading.cleaned_text) => {
            Some("contact_changed")
        }
        // «Le pago el viernes; y no me escriban antes de las 11»: both applied (`own_hours`).
        None if hours_kept => Some("hours_set"),
        // «Escríbanme solo por las mañanas… Pagaremos a final de mes»: the promise is applied;
        // the client's terms are for a person to set.
        None => crate::understand::asks_another_contact(&reading.cleaned_text)
            .then_some("contact_request"),
    }
}

/// `now`, or the start of the client's day `days` days later (the sender waits for the
/// client's contact hours then).
fn later_day(now: DateTime<Utc>, tz: chrono_tz::Tz, days: usize) -> DateTime<Utc> {
    use chrono::TimeZone;
    if days == 0 {
        return now;
    }
    let day = now.with_timezone(&tz).date_naive() + chrono::Days::new(days as u64);
    tz.from_local_datetime(&day.and_time(chrono::NaiveTime::MIN))
        .earliest()
        .map_or(now + chrono::Duration::days(days as i64), |t| {
            t.with_timezone(&Utc)
        })
}

/// What an acknowledgement repeats of the reply, and when it goes.
pub(super) struct Said<'a> {
    pub reading: &'a Reading,
    pub amount: Option<Money>,
    pub currency: Option<&'a str>,
    pub send_at: DateTime<Utc>,
    /// Which answer of the reply it acknowledges (0: the first; a reply answered per invoice
    /// may acknowledge two promises, each on its own day).
    pub part: usize,
}

/// A dispute concerns the invoices named where the client disputes: when the sentence that
/// carries the dispute, or else its paragraph («Pero la factura A-115 no la reconocemos: las
/// ventanas no se han terminado de instalar. Hasta que no esté terminado no vamos a pagar esa
/// factura.»), names some of the invoices the reply is about and not others («La A-101 … no hay
/// problema con ella»), only those are disputed, acknowledged and reported; `None` when it names
/// none of them, or all: then the dispute is about all, as before.
fn disputed_only(m: &Match, reading: &Reading, visible: &str) -> Option<Match> {
    let text = visible.to_lowercase();
    let cues: Vec<String> = reading
        .evidence
        .iter()
        .map(|e| e.to_lowercase())
        .filter(|e| !e.is_empty())
        .collect();
    let named_in = |units: Vec<&str>| -> Vec<Invoice> {
        let disputing: Vec<&str> = units
            .into_iter()
            .filter(|u| cues.iter().any(|c| u.contains(c.as_str())))
            .collect();
        m.invoices
            .iter()
            .filter(|i| {
                disputing
                    .iter()
                    .any(|u| crate::engine::matcher::mentions(u, &i.number))
            })
            .cloned()
            .collect()
    };
    let mut named = named_in(text.split(['.', '!', '?', ';', '\n']).collect());
    if named.is_empty() {
        named = named_in(text.split("\n\n").collect());
    }
    (!named.is_empty() && named.len() < m.invoices.len()).then(|| Match {
        invoices: named,
        ..m.clone()
    })
}

/// The state change an intent calls for (promise, claim, dispute, plan hold, opt-out), with
/// its audit events; returns the acknowledgement and the owner alert it calls for.
fn change_state(
    tx: &Connection,
    m: &Match,
    reading: &Reading,
    today: chrono::NaiveDate,
    promised_amount: Option<Money>,
    response_id: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<(Option<&'static str>, Option<&'static str>)> {
    let mut ack_kind = None;
    let mut alert_kind = None;
    match reading.intent {
        // «Le pago el viernes» answering a reminder paid since, or from a client who owes
        // nothing: no promise, no claim, no acknowledgement (the receipt thanks the client).
        Intent::Promise | Intent::Paid if m.invoices.is_empty() => {}
        Intent::Promise if reading.promised_date.is_some() => {
            let date = reading.promised_date.unwrap_or(today);
            for (invoice, amount) in promise_scope(tx, m, promised_amount)? {
                record_promise(
                    tx,
                    m,
                    reading,
                    date,
                    invoice.as_deref(),
                    amount,
                    response_id,
                    now,
                )?;
            }
            withdraw_own_paid_claims(tx, m, response_id, now)?;
            ack_kind = Some("ack_promise");
        }
        Intent::Paid => {
            // On hold too (held while a plan is prepared, or by the owner): the claim outlasts
            // the hold, or the reminders would resume after `unhold` as if nothing was said.
            each_invoice(
                tx,
                m,
                |s| matches!(s, InvoiceStatus::Open | InvoiceStatus::OnHold),
                EventKind::InvoicePaidClaimed,
                response_id,
                now,
                |n| store::invoices::set_paid_claim(tx, n, Some(today), now),
            )?;
            ack_kind = Some("ack_paid");
            alert_kind = Some("paid");
            // Checked against the bank credits already imported before a person is asked.
            if store::bank::confirm_claims(tx, &m.client.id, now)? {
                alert_kind = None;
            }
        }
        Intent::Dispute => {
            dispute(tx, m, response_id, now)?;
            ack_kind = Some("ack_dispute");
            alert_kind = Some("dispute");
        }
        Intent::Plan => {
            // Reminders wait while a person prepares the payment calendar.
            each_invoice(
                tx,
                m,
                |s| s == InvoiceStatus::Open,
                EventKind::InvoiceHeldForPlan,
                response_id,
                now,
                |n| store::invoices::set_status(tx, n, InvoiceStatus::OnHold, now),
            )?;
            ack_kind = Some("ack_plan");
            alert_kind = Some("plan");
        }
        Intent::Stop => {
            store::clients::set_opt_out(tx, &m.client.id, true)?;
            store::events::append(
                tx,
                now,
                Actor::Inbox,
                EventKind::ClientOptedOut,
                Some(&m.client.id),
                None,
                serde_json::json!({ "response": response_id }),
            )?;
            ack_kind = Some("ack_stop");
            alert_kind = Some("stop");
        }
        Intent::AutoReply | Intent::Bounce => {}
        Intent::Other if unread(reading) == Unread::Thanks => {}
        Intent::Other if unread(reading) == Unread::ContactLeft => {
            alert_kind = Some("contact_left");
        }
        Intent::Other
            if unread(reading) == Unread::Hours && hours_to_keep(m, reading).is_some() =>
        {
            ack_kind = Some("ack_hours");
            alert_kind = Some("hours_set");
        }
        Intent::Promise | Intent::Question | Intent::Other => alert_kind = Some("needs_review"),
    }
    Ok((ack_kind, alert_kind))
}

/// What the reply gave that its acknowledgement and alert must not ask for again: sums or
/// days proposed, the payment's proof (a file counts when `file_seen`).
fn client_said(reading: &Reading, file_seen: bool) -> ClientSaid {
    ClientSaid {
        proposal: reading.promised_date.is_some()
            || reading.promised_range.is_some()
            || reading.promised_amount.is_some(),
        proof: crate::understand::gives_proof(&reading.cleaned_text, file_seen),
    }
}

/// A question by email is told who will answer it (the Telegram bot says so in the chat;
/// among other answers, the one acknowledgement says it): it was met with silence, and the
/// reminders came back after the wait.
fn question_ack(reading: &Reading, inc: &Incoming, among: bool) -> Option<&'static str> {
    let by_email = inc.channel.unwrap_or(Channel::Email) == Channel::Email;
    (reading.intent == Intent::Question && by_email && !among).then_some(FOR_A_PERSON)
}

/// What a reply read as no other intent is (`Intent::Other`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Unread {
    /// «La persona a la que escribe ya no labora en la empresa»: the owner must update the
    /// contacts.
    ContactLeft,
    /// «Muchas gracias, recibido», «ok»: nothing for a person to answer.
    Thanks,
    /// «No me escriban antes de las 11»: the client's hours, set (`own_hours`).
    Hours,
    /// Words cobrador does not understand: a person reads them.
    Unknown,
}

/// [`Unread`] of `reading`'s words (a contact gone first: «Gracias. Ya no trabajo ahí»).
pub(super) fn unread(reading: &Reading) -> Unread {
    if crate::understand::says_contact_left(&reading.cleaned_text) {
        Unread::ContactLeft
    } else if crate::understand::asked_hours(&reading.cleaned_text).is_some() {
        Unread::Hours
    } else if crate::understand::is_thanks_only(&reading.cleaned_text) {
        Unread::Thanks
    } else {
        Unread::Unknown
    }
}

/// What a promise about the matched invoices covers: `(invoice, amount)` for each promise row.
///
/// One invoice: that invoice. Every open invoice of the client: the whole client (`None`, as
/// the promises table says "all the client's open invoices"). Some of them and not others
/// («Las facturas F-1 y F-2 se las pago el viernes», the client owing F-3 too): one promise per
/// invoice named, so that F-3 keeps being reminded; a whole-client promise paused it till the
/// promised day. Each such promise is kept when its invoice is settled, so an amount that
/// pays them all is not kept with them. A part of their total («le pago 500 € el viernes» of
/// 1.200 €) cannot be shared out among them: it stays one promise for the client, kept when
/// that much is paid.
fn promise_scope(
    tx: &Connection,
    m: &Match,
    amount: Option<Money>,
) -> anyhow::Result<Vec<(Option<String>, Option<Money>)>> {
    if let [one] = m.invoices.as_slice() {
        return Ok(vec![(Some(one.number.clone()), amount)]);
    }
    let open = store::invoices::list(tx, Some(&m.client.id))?;
    let others_open = open
        .iter()
        .filter(|i| !i.status.is_closed())
        .any(|i| !m.invoices.iter().any(|n| n.number == i.number));
    let total: Money = m.invoices.iter().map(|i| i.balance).sum();
    let part = amount.is_some_and(|a| a.0 < total.0);
    if m.invoices.is_empty() || !others_open || part {
        return Ok(vec![(None, amount)]);
    }
    Ok(m.invoices
        .iter()
        .map(|i| (Some(i.number.clone()), None))
        .collect())
}

/// «Perdón, me equivoqué: aún no he pagado, le pago el viernes» after «Ya está pagado»: the
/// later words count, so the claim on the invoices promised is withdrawn (it stopped their
/// reminders until a person checked the bank: a broken promise would then never be followed).
fn withdraw_own_paid_claims(
    tx: &Connection,
    m: &Match,
    response_id: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    for inv in m.invoices.iter().filter(|i| i.paid_claimed_on.is_some()) {
        store::invoices::set_paid_claim(tx, &inv.number, None, now)?;
        store::events::append(
            tx,
            now,
            Actor::Inbox,
            EventKind::InvoicePaidClaimResolved,
            Some(&m.client.id),
            Some(&inv.number),
            serde_json::json!({
                "response": response_id,
                "note": "the client promised to pay after saying it had paid",
            }),
        )?;
    }
    Ok(())
}

/// The matched invoices disputed, and what the client had promised of them taken back.
fn dispute(tx: &Connection, m: &Match, response_id: i64, now: DateTime<Utc>) -> anyhow::Result<()> {
    let open = |s| matches!(s, InvoiceStatus::Open | InvoiceStatus::OnHold);
    each_invoice(
        tx,
        m,
        open,
        EventKind::InvoiceDisputed,
        response_id,
        now,
        |n| store::invoices::set_status(tx, n, InvoiceStatus::Disputed, now),
    )?;
    withdraw_promises_disputed(tx, m, response_id, now)
}

/// «Le pago el viernes», then «No reconozco esta factura» (a later message, or the same one
/// edited): the later words count, so the promise to pay what is now disputed is taken back.
/// Left pending, it would be found broken once the dispute is settled, and the next reminder
/// would tell the client of a promise it withdrew.
fn withdraw_promises_disputed(
    tx: &Connection,
    m: &Match,
    response_id: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let numbers: Vec<String> = m.invoices.iter().map(|i| i.number.clone()).collect();
    // A promise about all the client's invoices goes when nothing it owes is left open.
    let whole = store::invoices::open_numbers(tx, &m.client.id)?.is_empty();
    for id in store::promises::cancel_pending_about(tx, &m.client.id, &numbers, whole, now)? {
        store::events::append(
            tx,
            now,
            Actor::Inbox,
            EventKind::PromiseWithdrawn,
            Some(&m.client.id),
            None,
            serde_json::json!({ "promise": id, "response": response_id }),
        )?;
    }
    Ok(())
}

/// Records the promise a reply made, with its audit event.
#[allow(clippy::too_many_arguments)]
fn record_promise(
    tx: &Connection,
    m: &Match,
    reading: &Reading,
    date: chrono::NaiveDate,
    invoice: Option<&str>,
    amount: Option<Money>,
    response_id: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let id = store::promises::add(
        tx,
        &m.client.id,
        invoice,
        date,
        amount,
        "reply",
        Some(response_id),
        reading.ambiguous,
        now,
    )?;
    store::events::append(
        tx,
        now,
        Actor::Inbox,
        EventKind::PromiseRecorded,
        Some(&m.client.id),
        invoice,
        serde_json::json!({ "promise": id, "date": date, "amount": amount, "ambiguous": reading.ambiguous }),
    )?;
    Ok(())
}

/// Changes every matched invoice whose status `applies`, with one audit event each.
fn each_invoice(
    tx: &Connection,
    m: &Match,
    applies: impl Fn(InvoiceStatus) -> bool,
    kind: EventKind,
    response_id: i64,
    now: DateTime<Utc>,
    change: impl Fn(&str) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    for inv in m.invoices.iter().filter(|i| applies(i.status)) {
        change(&inv.number)?;
        store::events::append(
            tx,
            now,
            Actor::Inbox,
            kind,
            Some(&m.client.id),
            Some(&inv.number),
            serde_json::json!({ "response": response_id }),
        )?;
    }
    Ok(())
}

pub(super) fn money_of(amount: &PromisedAmount, balance: Money) -> Option<Money> {
    match amount {
        PromisedAmount::Money { amount, .. } => Some(Money(*amount)),
        PromisedAmount::Fraction {
            numerator,
            denominator,
        } if *denominator > 0 => Some(Money(
            (balance.0 * rust_decimal::Decimal::from(*numerator)
                / rust_decimal::Decimal::from(*denominator))
            .round_dp(2),
        )),
        PromisedAmount::Fraction { .. } => None,
        // «Le transferí 300 € de los 1.250, el resto a fin de mes»: what is left is the balance
        // less a payment not yet recorded (or already recorded: we cannot tell which), so no
        // sum is stated; the promise is kept when the invoices are settled.
        PromisedAmount::Remainder => None,
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn queue_ack(
    tx: &Connection,
    config: &Config,
    renderer: &Renderer,
    m: &Match,
    kind: &str,
    said: &Said<'_>,
    inc: &Incoming,
    response_id: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<i64>> {
    if inc.sender.is_none() {
        return Ok(None);
    }
    let medium = crate::engine::render_medium(inc.channel.unwrap_or(Channel::Email));
    let rendered = with_ack_context(tx, config, m, kind, said, inc, now, |ctx| {
        Ok(renderer.render_message(kind, medium, ctx)?)
    })?;
    insert_ack(tx, config, m, kind, rendered, said, inc, response_id, now)
}

/// Calls `f` with the render context of acknowledgement `kind` about `m`'s invoices.
#[allow(clippy::too_many_arguments)]
fn with_ack_context<T>(
    tx: &Connection,
    config: &Config,
    m: &Match,
    kind: &str,
    said: &Said<'_>,
    inc: &Incoming,
    now: DateTime<Utc>,
    f: impl FnOnce(&mut render::context::RenderContext<'_>) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let (reading, amount, currency) = (said.reading, said.amount, said.currency);
    let channel = inc.channel.unwrap_or(Channel::Email);
    let today = now.with_timezone(&m.client.time_zone).date_naive();
    // The tone of the message being answered (a reply to the formal notice stays formal).
    let stage = config
        .reminders
        .ladder
        .iter()
        .find(|s| m.outbox.as_ref().is_some_and(|o| o.message.stage == s.name))
        .cloned()
        .unwrap_or_else(|| crate::config::message_stage(kind));
    let invoices: Vec<&Invoice> = m.invoices.iter().collect();
    let payments = crate::engine::interest::payments_stated(tx, config, &stage, &invoices)?;
    let mut ctx = crate::engine::context::build(
        config,
        &m.client,
        &m.contacts,
        &stage,
        &invoices,
        &payments,
        &[],
        today,
        channel,
    );
    let goes = crate::engine::context::first_moment(tx, config, &m.client, said.send_at);
    ctx.part_of_day = crate::engine::context::part_of_day(&m.client, goes);
    // An answer from someone who is not a contact (a colleague at the client's own domain,
    // the new person in charge) is greeted by the client's name, not the contact's (walk30:
    // «Hola, Pedro Canul» to Sofía, who had written that Pedro left).
    if let Some(sender) = inc.sender.as_deref()
        && !m.contacts.iter().any(|c| matcher::is_contact(c, sender))
    {
        ctx.contact.name = None;
    }
    ctx.promise = reading.promised_date.map(|date| render::context::Promise {
        date,
        amount: amount.map(|a| a.0),
        currency: currency.unwrap_or(&config.business.currency).to_owned(),
        ambiguous: reading.ambiguous,
        rest: matches!(
            reading.promised_amount,
            Some(crate::understand::PromisedAmount::Remainder)
        ),
    });
    // Hours asked beside another answer («le pago el viernes; y no me escriban antes de las
    // 11») are set all the same (`own_hours`): its first acknowledgement says so too.
    let hours_set = said.part == 0
        && kind != "ack_stop"
        && !matches!(reading.intent, Intent::AutoReply | Intent::Bounce)
        && hours_to_keep(m, reading).is_some();
    if kind == "ack_hours" || hours_set {
        ctx.own_hours = store::clients::own_hours(tx, &m.client.id)?
            .map(|own| crate::engine::hours_in_words(own.hours))
            .unwrap_or_default();
    }
    // A file sent to the bot reaches no one without an owner's chat (`reply.files`).
    ctx.said = client_said(reading, ctx.reply.files);
    // «Ya pagué» as the caption of a photo: the photo is the proof, not to be asked for.
    ctx.said.proof |= inc.with_file && ctx.reply.files;
    f(&mut ctx)
}

/// Queues acknowledgement `kind`, rendered, in reply to the client's message.
#[allow(clippy::too_many_arguments)]
fn insert_ack(
    tx: &Connection,
    config: &Config,
    m: &Match,
    kind: &str,
    rendered: render::Rendered,
    said: &Said<'_>,
    inc: &Incoming,
    response_id: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<i64>> {
    let channel = inc.channel.unwrap_or(Channel::Email);
    let Some(to) = inc.sender.clone() else {
        return Ok(None);
    };
    let key = match said.part {
        0 => format!("{}|{kind}|response-{response_id}", m.client.id),
        n => format!("{}|{kind}|response-{response_id}|{n}", m.client.id),
    };
    let message_id = (channel == Channel::Email)
        .then(|| crate::engine::message_id(&config.business.email, &key, now));
    let parent = inc
        .external_id
        .clone()
        .filter(|_| channel == Channel::Email);
    let msg = NewOutboxMessage {
        dedup_key: key,
        client_id: m.client.id.clone(),
        stage: kind.into(),
        cycle: format!("response-{response_id}"),
        channel,
        recipients: vec![to],
        cc: vec![],
        subject: rendered.subject,
        body_text: rendered.text,
        body_html: rendered.html,
        attachment: None,
        message_id,
        in_reply_to: parent.clone().map(|p| bracket(&p)),
        references: parent.map(|p| bracket(&p)),
        send_at: said.send_at,
        invoices: m
            .invoices
            .iter()
            .map(|i| (i.number.clone(), false))
            .collect(),
    };
    // The same words to the same person within a day (the client wrote «ya pagué» twice):
    // once. The reply is recorded all the same.
    if store::outbox::same_words_since(tx, &msg, now - chrono::Duration::days(1))? {
        return Ok(None);
    }
    store::outbox::insert_if_new(tx, &msg, now)
}

fn bracket(id: &str) -> String {
    format!(
        "<{}>",
        id.trim().trim_start_matches('<').trim_end_matches('>')
    )
}

/// The client's words as an owner's alert quotes them; a reply with no words but a file names
/// the file (a PDF receipt alone: «no ha sabido interpretar» said nothing of it, mail29).
fn words_for_the_owner(inc: &Incoming) -> String {
    let words = inc.visible_text();
    if !words.trim().is_empty() || inc.files.is_empty() {
        return words;
    }
    format!(
        "(sin texto; {}: {}. Está en el buzón de cobros; si es el justificante de un pago, regístrelo con `cobrador invoice pay`)",
        if inc.files.len() == 1 {
            "trae un archivo adjunto"
        } else {
            "trae archivos adjuntos"
        },
        inc.files.join(", ")
    )
}

#[allow(clippy::too_many_arguments)]
pub(super) fn queue_alert(
    tx: &Connection,
    config: &Config,
    renderer: &Renderer,
    m: Option<&Match>,
    kind: &str,
    inc: &Incoming,
    response_id: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<i64>> {
    let cycle = format!("response-{response_id}");
    let said = ClientSaid::default();
    alert_in(
        tx,
        config,
        renderer,
        m,
        kind,
        inc,
        response_id,
        cycle,
        said,
        now,
    )
}

/// How long after an alert about a client's reply another reply of theirs that a person must
/// read raises no alert of its own.
const REVIEW_ALERT_QUIET: chrono::Duration = chrono::Duration::minutes(15);

/// The most words a fragment of a chat has (see [`REVIEW_ALERT_QUIET`]).
const FRAGMENT_WORDS: usize = 8;

/// [`queue_alert`] once per `cycle` (a reply answered per invoice alerts once per answer).
#[allow(clippy::too_many_arguments)]
fn alert_in(
    tx: &Connection,
    config: &Config,
    renderer: &Renderer,
    m: Option<&Match>,
    kind: &str,
    inc: &Incoming,
    response_id: i64,
    cycle: String,
    said: ClientSaid,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<i64>> {
    // Alerts about unmatched replies are not about any client: keep them in the review queue
    // (`responses --review`), which `status` counts, rather than in the outbox.
    let Some(m) = m else {
        store::events::append(
            tx,
            now,
            Actor::Inbox,
            EventKind::ReplyNeedsReview,
            None,
            None,
            serde_json::json!({ "response": response_id }),
        )?;
        return Ok(None);
    };
    // A chat written in fragments («le escribo por la factura», «la F-101», «José»…): one
    // alert for a burst of short words; the replies are all in the review queue (`responses
    // --review`), and the client is told once that a person will read them. What is longer,
    // or not words (a voice note, a contact shared), is alerted on its own.
    let fragment = |words: &str| {
        !words.trim_start().starts_with('[') && words.split_whitespace().count() <= FRAGMENT_WORDS
    };
    if kind == "needs_review"
        && fragment(&inc.visible_text())
        && store::outbox::reply_alerted_since(
            tx,
            &m.client.id,
            inc.sender.as_deref(),
            now - REVIEW_ALERT_QUIET,
        )?
    {
        return Ok(None);
    }
    let invoices: Vec<&Invoice> = m.invoices.iter().collect();
    let alert = crate::engine::OwnerAlertFor {
        client: &m.client,
        contacts: &m.contacts,
        invoices: &invoices,
        kind,
        words: words_for_the_owner(inc),
        cycle,
        // A client's answer, or an email bounce: about a message by email or a client's words.
        telegram: false,
        said,
        sender: if kind == "unknown_sender" {
            match (inc.channel, inc.sender.as_deref()) {
                (Some(crate::domain::Channel::Telegram), Some(chat)) => {
                    format!("un chat de Telegram no vinculado a este cliente (id {chat})")
                }
                (_, Some(address)) => address.to_owned(),
                (_, None) => "un remitente sin dirección".to_owned(),
            }
        } else {
            String::new()
        },
    };
    crate::engine::queue_owner_alert(tx, config, renderer, &alert, now)
}
