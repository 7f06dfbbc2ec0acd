//! Applying a received message — email, Telegram, or a reply typed in by the owner — in one
//! transaction: the response (channel, sender, time, class, intent, date, amount, excerpt,
//! a reference to the raw message), its effect, an audit event, and the acknowledgement and
//! owner alert it calls for.
//!
//! - A **reply** is matched ([`crate::engine::matcher`]), its visible words read by
//!   [`understand`], and acted on. A sender who is not a known contact of the matched client,
//!   a reply matched to no client, or one a person must answer (a question, a promise without
//!   a date) is stored as `needs_review` and the owner is told; nothing is lost.
//! - An **auto-reply** is recorded and nothing else happens: never read as a promise, never
//!   answered.
//! - A **bounce** ([`bounce`]) marks the failed recipient's email undeliverable when the failure
//!   is permanent (the planner then uses another contact or Telegram) and alerts the owner; a
//!   temporary failure (a full mailbox) is recorded only, until the same address has been
//!   bouncing for a week: then it is given up as if permanent. A final failure, permanent or
//!   not, makes the message it returns `dead`: never counted as sent, its stage tried again.
//!   A delay changes nothing.
//! - A message that could not be read at all (too large, not MIME) is stored as
//!   `needs_review` with a reference to the raw message.

mod bounce;
mod effects;
mod review;
mod split;

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::Serialize;

pub use review::{Reclassify, mark_handled, reclassify};

use crate::config::Config;
use crate::domain::{Actor, EventKind};
use crate::domain::{Channel, Money, ReplyChannel, ReplyKind, ResponseStatus};
use crate::engine::matcher::{self, Clues, Match};
use crate::mail::bounce::Bounce;
use crate::mail::classify::Kind;
use crate::mail::{self, trim};
use crate::render::Renderer;
use crate::store::{self, NewResponse, Store};
use crate::understand::{Intent, Reading, understand};

/// A message as it arrived, whatever the channel.
#[derive(Debug, Clone, Default)]
pub struct Incoming {
    /// `email` or `telegram`.
    pub channel: Option<Channel>,
    /// Message-ID (email) or `telegram:<chat>:<message>`: makes re-reading idempotent.
    pub external_id: Option<String>,
    /// When it arrived.
    pub received_at: DateTime<Utc>,
    /// Sender address, or the Telegram chat id.
    pub sender: Option<String>,
    /// Subject line.
    pub subject: Option<String>,
    /// Text as received (quotes and signature included).
    pub body: String,
    /// The visible words, when the caller already trimmed them; else computed from `body`.
    pub visible: Option<String>,
    /// In-Reply-To and References, bare or in angle brackets.
    pub references: Vec<String>,
    /// Marked automatic by its headers (kept for callers that do not classify): read as an
    /// auto-reply.
    pub automatic: bool,
    /// Reply, auto-reply or bounce.
    pub kind: Kind,
    /// For bounces: who failed, and whether for good.
    pub bounce: Option<Bounce>,
    /// Where the raw message is kept (`imap:INBOX;UIDVALIDITY=1;UID=7`, a file path).
    pub raw_ref: Option<String>,
    /// Typed in by the owner: the sender needs no vouching.
    pub trusted: bool,
    /// The client, when known without matching (the owner said whose answer it is).
    pub client: Option<String>,
    /// How it arrived when not through a channel: [`ReplyChannel::Manual`] for an answer given
    /// by phone or in person and typed in by the owner. Stored as the response's channel.
    pub via: Option<ReplyChannel>,
    /// Why the message could not be read at all (too large, not a message): stored for review.
    pub unreadable: Option<String>,
    /// Our message this answers, when the channel knows it (a pressed Telegram button); only
    /// taken when it was sent to `client`.
    pub outbox: Option<i64>,
    /// Someone else's message the client passed on (a Telegram forward): stored for a person
    /// to read, never read as the client's own promise, payment, dispute or «baja».
    pub forwarded: bool,
    /// A file came with the words (a photo or a PDF sent to the bot with a caption): the
    /// proof of a payment claimed, when files reach a person.
    pub with_file: bool,
    /// A person's message whose words are not an answer to read (a calendar invitation):
    /// kept for a person, nothing decided on it.
    pub for_a_person: bool,
    /// The names of the files an email came with: an owner's alert about a reply without
    /// words names them (mail29: a PDF receipt alone was «no ha sabido interpretar»).
    pub files: Vec<String>,
    /// The mailing list it came through (`List-Id`): from someone who is no client's contact
    /// and not in one of our threads, it is the list's mail, not a client's answer (mail29
    /// M22: a digest quoting «la factura F-22 ya está pagada» from another business was filed
    /// on the client whose invoice is F-22).
    pub list: Option<String>,
}

impl Incoming {
    /// The client's visible words.
    pub fn visible_text(&self) -> String {
        self.visible
            .clone()
            .unwrap_or_else(|| trim::visible_text(&self.body))
    }

    fn kind(&self) -> Kind {
        if self.kind == Kind::Reply && self.automatic {
            Kind::AutoReply
        } else {
            self.kind
        }
    }
}

/// What applying a message did.
#[derive(Debug, Clone, Serialize)]
pub struct Applied {
    /// The stored response.
    pub response_id: i64,
    /// `reply`, `auto_reply`, `bounce` or `unparsed`.
    pub kind: ReplyKind,
    /// Matched client.
    pub client: Option<String>,
    /// Understood intent.
    pub intent: Intent,
    /// `applied`, `needs_review` or (after the owner's reading) `reviewed`.
    pub status: ResponseStatus,
    /// Invoices concerned.
    pub invoices: Vec<String>,
    /// One line for the owner: what changed.
    pub effect: String,
    /// The acknowledgement queued, if any.
    pub ack: Option<i64>,
    /// The owner alert queued, if any.
    pub alert: Option<i64>,
}

/// A reply whose sender is already known (a linked Telegram chat): it is matched only within
/// that client, so a chat can act only on its own client's invoices.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// The client the sender speaks for.
    pub client_id: String,
    /// Our message the reply answers (a pressed button's message), if known.
    pub outbox_id: Option<i64>,
}

/// [`apply_in`] for a sender who speaks for one client only (see [`Scope`]).
pub fn apply_scoped_reply(
    tx: &Connection,
    config: &Config,
    renderer: &Renderer,
    inc: &Incoming,
    scope: &Scope,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<Applied>> {
    let inc = Incoming {
        client: Some(scope.client_id.clone()),
        outbox: scope.outbox_id,
        ..inc.clone()
    };
    apply_in(tx, config, renderer, &inc, now)
}

/// Whether lower-cased text names an invoice number as a whole word (F-1 is not F-10).
pub use crate::engine::matcher::mentions;

/// Records and acts on one message. Returns `None` if it was already recorded.
pub fn apply_reply(
    store: &mut Store,
    config: &Config,
    renderer: &Renderer,
    inc: &Incoming,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<Applied>> {
    store.transaction(|tx| apply_in(tx, config, renderer, inc, now))
}

/// [`apply_reply`] inside a transaction the caller holds (the inbox also moves its
/// read-up-to mark in it, so a crash can neither lose nor repeat a message).
pub fn apply_in(
    tx: &Connection,
    config: &Config,
    renderer: &Renderer,
    inc: &Incoming,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<Applied>> {
    if let Some(id) = &inc.external_id
        && store::responses::exists(tx, id)?
    {
        return Ok(None);
    }
    if let Some(reason) = &inc.unreadable {
        return record_unreadable(tx, inc, reason, now);
    }
    match inc.kind() {
        Kind::Reply => apply_text(tx, config, renderer, inc, now),
        // «La persona a la que escribe ya no labora en la empresa»: read for the owner.
        Kind::AutoReply if crate::understand::says_contact_left(&inc.visible_text()) => {
            apply_text(tx, config, renderer, inc, now)
        }
        Kind::AutoReply => apply_auto(tx, inc, now),
        Kind::Bounce => bounce::apply(tx, config, renderer, inc, now),
    }
}

fn clues<'a>(
    inc: &'a Incoming,
    extra_refs: &'a [String],
    senders: Vec<&'a str>,
    visible: Option<&'a str>,
) -> Clues<'a> {
    Clues {
        references: inc
            .references
            .iter()
            .chain(extra_refs)
            .map(String::as_str)
            .collect(),
        subject: inc.subject.as_deref().unwrap_or(""),
        text: &inc.body,
        visible,
        senders,
        received_at: inc.received_at,
        via_list: inc.list.is_some(),
    }
}

/// A forwarded message, or one saying the contact has left (an automatic reply saying so, or
/// a person: the owner must update the contacts): what it says is kept for the person who
/// reads it; nothing is decided on it. A file captioned only «comprobante» claims a payment.
fn for_the_owner_only(inc: &Incoming, visible: &str, reading: &mut Reading) {
    let contact_left = (reading.intent == Intent::AutoReply || inc.kind() == Kind::AutoReply)
        && crate::understand::says_contact_left(visible);
    if inc.forwarded || inc.for_a_person || contact_left {
        reading.intent = Intent::Other;
        reading.promised_date = None;
        reading.promised_range = None;
        reading.promised_amount = None;
        reading.also.clear();
    }
    // «Comprobante» as the caption of a photo or a PDF: the file is the payment's proof.
    if inc.with_file
        && reading.intent == Intent::Other
        && crate::understand::is_receipt_caption(visible)
    {
        reading.intent = Intent::Paid;
    }
}

fn apply_text(
    tx: &Connection,
    config: &Config,
    renderer: &Renderer,
    inc: &Incoming,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<Applied>> {
    let visible = inc.visible_text();
    let sender: Vec<&str> = inc.sender.as_deref().into_iter().collect();
    let found = matcher::find(tx, &clues(inc, &[], sender, Some(&visible)))?;
    let mut matched = whose(tx, inc, found)?;
    if let (None, Some(list)) = (&matched, &inc.list) {
        return record_list_mail(tx, inc, list, now);
    }
    let tz = matched
        .as_ref()
        .map(|m| m.client.time_zone)
        .unwrap_or(config.business.time_zone);
    let thread_subject = matched
        .as_ref()
        .and_then(|m| m.outbox.as_ref())
        .and_then(|o| o.message.subject.as_deref());
    let mut reading = read_words(inc, &visible, thread_subject, tz);
    for_the_owner_only(inc, &visible, &mut reading);
    let balance: Money = matched
        .as_ref()
        .map(|m| m.invoices.iter().map(|i| i.balance).sum())
        .unwrap_or_default();
    let mut promised_amount = reading
        .promised_amount
        .as_ref()
        .and_then(|a| effects::money_of(a, balance));
    if let Some(asked) = confirmed_promise(tx, matched.as_ref(), &reading, &visible, inc)? {
        promised_amount = confirm(&mut reading, &asked, &visible, matched.as_mut());
    }
    let numbers = numbers(matched.as_ref());
    let vouched = inc.trusted || matched.as_ref().is_some_and(|m| m.known_sender);
    let (status, effect) = status_of(
        matched.as_ref(),
        &reading,
        &visible,
        inc,
        vouched,
        numbers.is_empty(),
    );
    let back = returns_on(matched.as_ref(), status, &visible, inc);
    let response = new_response(inc, matched.as_ref(), &reading, Kind::Reply, status, effect);
    let response = NewResponse {
        promised_amount,
        excerpt: Some(visible),
        ..response
    };
    let Some(response_id) = record(tx, &response, &reading, now)? else {
        return Ok(None);
    };
    let mut applied = applied(response_id, &response, effect);
    // Before the owner's alert, which says how long the reminders wait.
    if vouched && matched.is_some() {
        wait_for_an_answer(tx, &applied, back, now)?;
    }
    match matched {
        Some(m) if vouched => effects::act(
            tx,
            config,
            renderer,
            &m,
            &reading,
            promised_amount,
            inc,
            response_id,
            &mut applied,
            now,
        )?,
        m => {
            applied.alert = effects::queue_alert(
                tx,
                config,
                renderer,
                m.as_ref(),
                review_kind(m.as_ref()),
                inc,
                response_id,
                now,
            )?
        }
    }
    Ok(Some(applied))
}

/// The client an answer is from: the one the owner named (or the one a pressed button's
/// message went to), else the one the matcher `found`.
fn whose(tx: &Connection, inc: &Incoming, found: Option<Match>) -> anyhow::Result<Option<Match>> {
    Ok(match &inc.client {
        Some(id) if inc.outbox.is_some() || found.as_ref().is_none_or(|m| m.client.id != *id) => {
            let mut m = matcher::for_client(tx, id, &[], inc.outbox, inc.received_at)?;
            m.outbox = m.outbox.filter(|o| o.message.client_id == *id);
            Some(m)
        }
        _ => found,
    })
}

/// The owner alert for words a person must read: from an address (or a chat) that is not the
/// matched client's, the owner is told who wrote them, not shown them as the client's.
fn review_kind(matched: Option<&Match>) -> &'static str {
    if matched.is_some() {
        "unknown_sender"
    } else {
        "needs_review"
    }
}

/// How long a client's reminders wait for a person to answer a reply of theirs.
pub const ANSWER_WAIT_DAYS: i64 = 5;

/// «Estoy fuera hasta el 7 de enero»: the day a client whose reply waits for a person says
/// they are back, in their time zone (read only for such a reply: the others hold nothing).
fn returns_on(
    matched: Option<&Match>,
    status: ResponseStatus,
    visible: &str,
    inc: &Incoming,
) -> Option<(chrono::NaiveDate, chrono_tz::Tz)> {
    let m = matched.filter(|_| status == ResponseStatus::NeedsReview)?;
    crate::understand::away_until(visible, inc.received_at, m.client.time_zone)
        .map(|d| (d, m.client.time_zone))
}

/// A reply that a person must answer («¿me reenvía la factura?», words cobrador could not
/// read) holds the client's automatic reminders for [`ANSWER_WAIT_DAYS`], or until the reply
/// is reclassified: no firmer reminder crosses the question while it waits for its answer.
/// Then they go on, answered or not (a question left unanswered must not stop the
/// collection for good). A client who says they are away until a day (`back`, in their time
/// zone) is waited for until the day after it, if that is later.
fn wait_for_an_answer(
    tx: &Connection,
    applied: &Applied,
    back: Option<(chrono::NaiveDate, chrono_tz::Tz)>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let Some(client) = &applied.client else {
        return Ok(());
    };
    if applied.status != ResponseStatus::NeedsReview {
        return Ok(());
    }
    hold_for_an_answer(tx, client, now)?;
    let returned = back.and_then(|(day, tz)| {
        use chrono::TimeZone as _;
        let next = day.succ_opt()?.and_time(chrono::NaiveTime::MIN);
        tz.from_local_datetime(&next)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
    });
    match returned {
        Some(until) if until > now + chrono::Duration::days(ANSWER_WAIT_DAYS) => {
            store::clients::set_awaiting_answer(tx, client, Some(until))
        }
        _ => Ok(()),
    }
}

/// Holds `client`'s automatic reminders [`ANSWER_WAIT_DAYS`] from `now` for a person's
/// answer (a whole reply, or words about some invoices among other answers).
pub(super) fn hold_for_an_answer(
    tx: &Connection,
    client: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let until = now + chrono::Duration::days(ANSWER_WAIT_DAYS);
    store::clients::set_awaiting_answer(tx, client, Some(until))
}

/// "Sí" to "¿Confirmamos el viernes 13 como fecha de pago? Basta con que responda «sí»": the
/// date asked about, promised again without doubt (as the Telegram bot reads a yes). Returns
/// the amount promised then. The yes is about the promise's invoice, not every invoice of the
/// message it answers (an acknowledgement of several answers names them all): `matched`
/// keeps only it.
fn confirm(
    reading: &mut Reading,
    asked: &crate::domain::agreement::Promise,
    visible: &str,
    matched: Option<&mut Match>,
) -> Option<Money> {
    if let (Some(m), Some(number)) = (matched, asked.invoice_number.as_deref())
        && m.invoices.iter().any(|i| i.number == number)
    {
        m.invoices.retain(|i| i.number == number);
    }
    reading.intent = Intent::Promise;
    reading.promised_date = Some(asked.promised_date);
    reading.ambiguous = false;
    reading.evidence.push(visible.trim().to_owned());
    asked.amount
}

/// The last client-facing message sent to `client` in the 14 days before `at`.
fn last_message_to(
    tx: &Connection,
    client: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Option<store::OutboxMessage>> {
    Ok(store::outbox::for_client(tx, client)?
        .into_iter()
        .filter(|o| o.status == store::OutboxStatus::Sent)
        .filter(|o| crate::policy::planner::is_client_facing(&o.message.stage))
        .filter(|o| {
            o.sent_at
                .is_some_and(|s| s <= at && at - s <= chrono::Duration::days(14))
        })
        .max_by_key(|o| (o.sent_at, o.id)))
}

/// The pending promise whose date our acknowledgement asked the client to confirm, when `visible`
/// is a plain yes answering that very acknowledgement (threaded to it) and the date is still to
/// come in the client's day. A yes to anything else, or too late, stays what it is (a person
/// reads it).
fn confirmed_promise(
    tx: &Connection,
    matched: Option<&Match>,
    reading: &Reading,
    visible: &str,
    inc: &Incoming,
) -> anyhow::Result<Option<crate::domain::agreement::Promise>> {
    let Some(m) = matched else {
        return Ok(None);
    };
    if reading.intent != Intent::Other || !crate::understand::is_short_yes(visible) {
        return Ok(None);
    }
    // An answer typed in by the owner («Sí, confirmado», said on the phone) is threaded to
    // nothing: it answers the last message the client got, when that was recent.
    let last_told = match (&m.outbox, inc.via) {
        (None, Some(crate::domain::ReplyChannel::Manual)) => {
            last_message_to(tx, &m.client.id, inc.received_at)?
        }
        _ => None,
    };
    // Our acknowledgement of a promise, or of a reply answered per invoice (one of whose
    // answers may be a promise asked to confirm).
    let Some(asking) = m
        .outbox
        .as_ref()
        .or(last_told.as_ref())
        .filter(|o| matches!(o.message.stage.as_str(), "ack_promise" | "ack_answers"))
    else {
        return Ok(None);
    };
    let Some(response_id) = asking
        .message
        .cycle
        .strip_prefix("response-")
        .and_then(|n| n.parse::<i64>().ok())
    else {
        return Ok(None);
    };
    let today = inc
        .received_at
        .with_timezone(&m.client.time_zone)
        .date_naive();
    let invoices = &asking.message.invoices;
    let asked = |p: &crate::domain::agreement::Promise| {
        p.client_id == m.client.id
            && p.ambiguous
            && p.status == store::promises::PromiseStatus::Pending
            && p.promised_date >= today
    };
    if asking.message.stage == "ack_answers" {
        // The one promise it asked to confirm; a yes to two questions is for a person.
        let about = |p: &crate::domain::agreement::Promise| {
            p.invoice_number
                .as_ref()
                .is_none_or(|n| invoices.iter().any(|(i, _)| i == n))
        };
        let mut asked_here = store::promises::all_of_response(tx, response_id)?
            .into_iter()
            .filter(|p| about(p) && asked(p));
        return Ok(match (asked_here.next(), asked_here.next()) {
            (Some(one), None) => Some(one),
            _ => None,
        });
    }
    Ok(store::promises::of_response(tx, response_id, invoices)?.filter(asked))
}

/// What a person's message says ([`mail::reading`]): its visible words, or the words put in its
/// subject when the body has none; `thread_subject` is the subject of our message it answers.
/// A subject of "BAJA <client>" (the List-Unsubscribe mailto link, usually without text) is
/// an opt-out.
pub fn read_words(
    inc: &Incoming,
    visible: &str,
    thread_subject: Option<&str>,
    tz: chrono_tz::Tz,
) -> Reading {
    let words = mail::reading::Words {
        visible,
        text: &inc.body,
        subject: inc.subject.as_deref(),
        thread_subject,
    };
    let mut reading = mail::reading::read(&words, inc.received_at, tz);
    if inc
        .subject
        .as_deref()
        .is_some_and(crate::channel::email::is_unsubscribe_subject)
    {
        reading.intent = Intent::Stop;
        reading
            .evidence
            .push(inc.subject.clone().unwrap_or_default());
    }
    reading
}

fn apply_auto(
    tx: &Connection,
    inc: &Incoming,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<Applied>> {
    let matched = matcher::find(
        tx,
        &clues(inc, &[], inc.sender.as_deref().into_iter().collect(), None),
    )?;
    let reading = machine_reading(inc, "auto_reply");
    let effect = "automatic reply: recorded, nothing else";
    let response = new_response(
        inc,
        matched.as_ref(),
        &reading,
        Kind::AutoReply,
        ResponseStatus::Applied,
        effect,
    );
    let Some(response_id) = record(tx, &response, &reading, now)? else {
        return Ok(None);
    };
    Ok(Some(applied(response_id, &response, effect)))
}

/// A mailing list's message that no client sent (see [`Incoming::list`]): kept, read by no
/// one's rules, no alert (the owner's collections mailbox is on a list; its digests are not
/// news about the invoices).
fn record_list_mail(
    tx: &Connection,
    inc: &Incoming,
    list: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<Applied>> {
    let reading = machine_reading(inc, "list");
    let effect =
        format!("a mailing list's message ({list}), not from a client: recorded, nothing else");
    let response = new_response(
        inc,
        None,
        &reading,
        Kind::AutoReply,
        ResponseStatus::Applied,
        &effect,
    );
    let Some(response_id) = record(tx, &response, &reading, now)? else {
        return Ok(None);
    };
    Ok(Some(applied(response_id, &response, &effect)))
}

fn record_unreadable(
    tx: &Connection,
    inc: &Incoming,
    reason: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<Applied>> {
    let reading = machine_reading(inc, "other");
    let mut response = new_response(
        inc,
        None,
        &reading,
        Kind::Reply,
        ResponseStatus::NeedsReview,
        reason,
    );
    response.kind = ReplyKind::Unparsed;
    let Some(response_id) = record(tx, &response, &reading, now)? else {
        return Ok(None);
    };
    Ok(Some(applied(response_id, &response, reason)))
}

/// A reading that decides nothing (machines' messages are never read as a client's words).
fn machine_reading(inc: &Incoming, _what: &str) -> Reading {
    let mut r = understand("", inc.received_at, chrono_tz::UTC);
    r.intent = Intent::AutoReply;
    r.evidence.clear();
    r
}

fn numbers(m: Option<&Match>) -> Vec<String> {
    m.map(|m| m.invoices.iter().map(|i| i.number.clone()).collect())
        .unwrap_or_default()
}

fn new_response(
    inc: &Incoming,
    m: Option<&Match>,
    reading: &Reading,
    kind: Kind,
    status: ResponseStatus,
    effect: &str,
) -> NewResponse {
    let intent = match kind {
        Kind::Reply => reading.intent,
        Kind::AutoReply => Intent::AutoReply,
        Kind::Bounce => Intent::Bounce,
    };
    NewResponse {
        client_id: m.map(|m| m.client.id.clone()),
        outbox_id: m.and_then(|m| m.outbox.as_ref().map(|o| o.id)),
        channel: inc
            .via
            .unwrap_or_else(|| inc.channel.unwrap_or(Channel::Email).into()),
        external_id: inc.external_id.clone(),
        received_at: inc.received_at,
        sender: inc.sender.clone(),
        subject: inc.subject.clone(),
        body: inc.body.clone(),
        intent,
        promised_date: if kind == Kind::Reply {
            reading.promised_date
        } else {
            None
        },
        promised_amount: None,
        ambiguous: reading.ambiguous,
        evidence: reading.evidence.clone(),
        status,
        invoices: numbers(m),
        kind: kind.into(),
        raw_ref: inc.raw_ref.clone(),
        excerpt: None,
        effect: Some(effect.into()),
    }
}

/// Inserts the response and its audit event; `None` if its external id was seen.
fn record(
    tx: &Connection,
    response: &NewResponse,
    reading: &Reading,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<i64>> {
    let Some(response_id) = store::responses::insert_if_new(tx, response, now)? else {
        return Ok(None);
    };
    store::events::append(
        tx,
        now,
        Actor::Inbox,
        EventKind::ReplyReceived,
        response.client_id.as_deref(),
        None,
        serde_json::json!({ "response": response_id, "kind": response.kind,
                            "intent": response.intent, "status": response.status,
                            "promised_date": response.promised_date,
                            "evidence": reading.evidence, "raw": response.raw_ref }),
    )?;
    Ok(Some(response_id))
}

fn applied(response_id: i64, r: &NewResponse, effect: &str) -> Applied {
    Applied {
        response_id,
        kind: r.kind,
        client: r.client_id.clone(),
        intent: r.intent,
        status: r.status,
        invoices: r.invoices.clone(),
        effect: effect.into(),
        ack: None,
        alert: None,
    }
}

/// The status of a reply read as `reading` and the effect's line for the owner, before its
/// effects: a person reads what is not vouched for, may be another client's, mixes answers it
/// does not name one by one, or asks for hours the law does not allow; else [`decide`].
fn status_of(
    matched: Option<&Match>,
    reading: &Reading,
    visible: &str,
    inc: &Incoming,
    vouched: bool,
    no_invoice: bool,
) -> (ResponseStatus, &'static str) {
    match matched {
        Some(_) if !vouched => (
            ResponseStatus::NeedsReview,
            "sender is not a contact of this client: nothing changes until a person confirms",
        ),
        Some(m) if m.unsure_whose => (
            ResponseStatus::NeedsReview,
            "it may be another client's (it names another client's invoice and none of this one's, or its sender is the contact of several clients): a person must read it",
        ),
        Some(m) if effects::for_a_person(m, reading, visible, inc.received_at) => (
            ResponseStatus::NeedsReview,
            "paid and promised (or instalments) for invoices it does not name one by one: a person must read it",
        ),
        Some(m)
            if reading.intent == Intent::Other
                && effects::unread(reading) == effects::Unread::Hours
                && effects::hours_to_keep(m, reading).is_none() =>
        {
            (
                ResponseStatus::NeedsReview,
                "hours asked outside the hours the law allows: a person must answer it",
            )
        }
        _ => decide(reading, matched.is_some(), no_invoice),
    }
}

/// `applied` or `needs_review`, and a line for the owner.
fn decide(reading: &Reading, matched: bool, no_invoice: bool) -> (ResponseStatus, &'static str) {
    if !matched {
        return (
            ResponseStatus::NeedsReview,
            "not matched to a client: a person must read it",
        );
    }
    match reading.intent {
        Intent::Promise | Intent::Paid if no_invoice => (
            ResponseStatus::Applied,
            "about no open invoice (paid since): nothing changes",
        ),
        Intent::Promise if reading.promised_date.is_some() => (
            ResponseStatus::Applied,
            "promise recorded: reminders paused until its date",
        ),
        Intent::Promise => (
            ResponseStatus::NeedsReview,
            "promise without a date: a person should agree one",
        ),
        Intent::Paid if !no_invoice => (
            ResponseStatus::Applied,
            "payment claimed: reminders stopped until the bank is checked",
        ),
        Intent::Dispute if !no_invoice => (
            ResponseStatus::Applied,
            "dispute: reminders stopped, owner alerted",
        ),
        Intent::Plan if !no_invoice => (
            ResponseStatus::Applied,
            "plan requested: reminders held, owner alerted",
        ),
        Intent::Stop => (ResponseStatus::Applied, "opted out of automatic reminders"),
        Intent::AutoReply => (ResponseStatus::Applied, "automatic reply: ignored"),
        Intent::Other if effects::unread(reading) == effects::Unread::ContactLeft => (
            ResponseStatus::NeedsReview,
            "the contact has left: the owner must update the client's contacts",
        ),
        Intent::Other if effects::unread(reading) == effects::Unread::Hours => (
            ResponseStatus::Applied,
            "hours asked: the client is written to within them from now on, owner told",
        ),
        Intent::Other if effects::unread(reading) == effects::Unread::Thanks => (
            ResponseStatus::Applied,
            "thanks only: nothing to do, reminders go on",
        ),
        _ => (ResponseStatus::NeedsReview, "a person must answer it"),
    }
}
