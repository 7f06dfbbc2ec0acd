//! The owner's second reading of a stored message (`cobrador responses --reclassify`): a
//! different class, intent, date or client; the effect follows as if it had been read so,
//! in one transaction, and the response is marked `reviewed`.

use anyhow::{Context, bail};
use chrono::{DateTime, NaiveDate, Utc};

use super::{Applied, Incoming, effects};
use crate::config::Config;
use crate::domain::ResponseStatus;
use crate::domain::{Actor, EventKind};
use crate::engine::matcher;
use crate::mail::bounce::Bounce;
use crate::mail::classify::Kind;
use crate::render::Renderer;
use crate::store::{self, NewResponse, Store, responses::Review};
use crate::understand::{Intent, understand};

/// What the owner decided about a message.
#[derive(Debug, Clone, Default)]
pub struct Reclassify {
    /// Its class.
    pub kind: Kind,
    /// For replies: the intent.
    pub intent: Option<Intent>,
    /// For promises: the date.
    pub promised_date: Option<NaiveDate>,
    /// The client, when the message was not matched (or matched wrongly).
    pub client: Option<String>,
    /// For bounces: the address that failed.
    pub address: Option<String>,
}

/// Re-reads response `id` as the owner says and applies the effect.
/// The owner has dealt with a reply waiting for review (wrote to the client, changed a contact)
/// and its reading stands: it is no longer «por revisar» (walk28 S10c: a reply about a contact
/// who left stayed in every digest for seven months after the owner had re-imported the
/// contacts). Nothing is applied again. Returns the reply as it now stands.
pub fn mark_handled(
    store: &mut Store,
    id: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<store::responses::StoredResponse> {
    store.transaction(|tx| {
        let stored = store::responses::get(tx, id)?
            .with_context(|| format!("no reply #{id} (see `cobrador responses --review`)"))?;
        let x = &stored.response;
        if x.status != ResponseStatus::NeedsReview {
            bail!(
                "reply #{id} is not waiting for review (it is {}); to read it otherwise, use --reclassify",
                x.status
            );
        }
        let effect = match &x.effect {
            Some(e) if !e.is_empty() => format!("{e}; dealt with by the owner"),
            _ => "dealt with by the owner".to_owned(),
        };
        store::responses::set_review(
            tx,
            id,
            &Review {
                kind: x.kind,
                intent: x.intent,
                promised_date: x.promised_date,
                client_id: x.client_id.as_deref(),
                status: ResponseStatus::Reviewed,
                effect: &effect,
                invoices: None,
            },
        )?;
        store::events::append(
            tx,
            now,
            Actor::Owner,
            EventKind::ReplyReclassified,
            x.client_id.as_deref(),
            None,
            serde_json::json!({ "response": id, "kind": x.kind, "intent": x.intent, "handled": true }),
        )?;
        // A person has dealt with it: the reminders no longer wait for their answer.
        if let Some(client) = &x.client_id {
            store::clients::set_awaiting_answer(tx, client, None)?;
        }
        store::responses::get(tx, id)?.context("the reply just reviewed")
    })
}

pub fn reclassify(
    store: &mut Store,
    config: &Config,
    renderer: &Renderer,
    id: i64,
    r: &Reclassify,
    now: DateTime<Utc>,
) -> anyhow::Result<Applied> {
    store.transaction(|tx| {
        let stored = store::responses::get(tx, id)?
            .with_context(|| format!("no reply #{id} (see `cobrador responses --review`)"))?;
        let x = stored.response;
        let inc = Incoming {
            channel: x.channel.channel(),
            external_id: x.external_id.clone(),
            received_at: x.received_at,
            sender: x.sender.clone(),
            subject: x.subject.clone(),
            body: x.body.clone(),
            visible: x.excerpt.clone(),
            trusted: true,
            raw_ref: x.raw_ref.clone(),
            kind: r.kind,
            ..Incoming::default()
        };
        let client = r.client.clone().or(x.client_id.clone());
        let mut applied = Applied {
            response_id: id,
            kind: r.kind.into(),
            client: client.clone(),
            intent: Intent::Other,
            status: ResponseStatus::Reviewed,
            invoices: x.invoices.clone(),
            effect: String::new(),
            ack: None,
            alert: None,
        };
        let mut promised_date = None;
        match r.kind {
            Kind::AutoReply => {
                applied.intent = Intent::AutoReply;
                applied.effect = "owner: automatic reply, nothing else".into();
            }
            Kind::Bounce => {
                let marked = mark_bounced(tx, &x, r, client, id, now)?;
                applied.intent = Intent::Bounce;
                applied.effect = format!("owner: {} marked undeliverable", marked.join(", "));
            }
            Kind::Reply => {
                let reread = Reread {
                    config,
                    renderer,
                    x: &x,
                    inc: &inc,
                    id,
                    now,
                };
                promised_date = reread_reply(tx, &reread, r, client, &mut applied)?;
            }
        }
        record_review(tx, id, r.kind, &applied, promised_date, now)?;
        // A person has read it: the reminders no longer wait for their answer.
        if let Some(client) = &applied.client {
            store::clients::set_awaiting_answer(tx, client, None)?;
        }
        Ok(applied)
    })
}

/// The stored message and what the owner's reading of it needs.
struct Reread<'a> {
    config: &'a Config,
    renderer: &'a Renderer,
    x: &'a NewResponse,
    inc: &'a Incoming,
    id: i64,
    now: DateTime<Utc>,
}

/// `--as bounce`: marks the named (or sending) address of the client undeliverable; returns
/// the addresses marked.
fn mark_bounced(
    tx: &rusqlite::Connection,
    x: &NewResponse,
    r: &Reclassify,
    client: Option<String>,
    id: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<String>> {
    let address = r
        .address
        .clone()
        .or(x.sender.clone())
        .context("--address: which address bounced?")?;
    let client = client.context("--client: whose address bounced?")?;
    let m = matcher::for_client(tx, &client, &x.invoices, x.outbox_id, now)?;
    let bounce = Bounce {
        failed_recipients: vec![address.to_ascii_lowercase()],
        permanent: true,
        undelivered: true,
        refused_message: false,
        diagnostic: Some("confirmado por el responsable".into()),
        original_message_ids: vec![],
    };
    let marked = super::bounce::mark_undeliverable(tx, &bounce, &m, id, now)?;
    if marked.is_empty() {
        bail!("{address} is not an email address of client {client}");
    }
    Ok(marked)
}

/// `--as reply --intent ...`: the message read with the owner's intent (and date), acted on
/// as if it had been read so; returns the promised date it records, if any.
fn reread_reply(
    tx: &rusqlite::Connection,
    rr: &Reread<'_>,
    r: &Reclassify,
    client: Option<String>,
    applied: &mut Applied,
) -> anyhow::Result<Option<NaiveDate>> {
    let intent = r
        .intent
        .context("--intent: promise, paid, dispute, plan, stop, question or other")?;
    let client = client.context("--client: which client sent it?")?;
    let m = matcher::for_client(
        tx,
        &client,
        &rr.x.invoices,
        rr.x.outbox_id,
        rr.inc.received_at,
    )?;
    let mut reading = understand(
        &rr.inc.visible_text(),
        rr.inc.received_at,
        m.client.time_zone,
    );
    reading.intent = intent;
    if r.promised_date.is_some() {
        reading.promised_date = r.promised_date;
        reading.ambiguous = false;
    }
    if intent == Intent::Promise && reading.promised_date.is_none() {
        bail!("--date: a promise needs the date it was made for (YYYY-MM-DD)");
    }
    if let (Intent::Promise, Some(date)) = (intent, r.promised_date) {
        let today = rr.now.with_timezone(&m.client.time_zone).date_naive();
        crate::engine::agreements::refuse_past_promise("--date", date, today)?;
    }
    applied.intent = intent;
    applied.invoices = m.invoices.iter().map(|i| i.number.clone()).collect();
    applied.effect = format!("owner: read as {intent}");
    if rr.x.intent == Intent::Paid && intent != Intent::Paid {
        withdraw_paid_claims(tx, &m, rr.x, rr.id, rr.now)?;
    }
    effects::act(
        tx,
        rr.config,
        rr.renderer,
        &m,
        &reading,
        None,
        rr.inc,
        rr.id,
        applied,
        rr.now,
    )?;
    Ok(reading.promised_date.filter(|_| intent == Intent::Promise))
}

/// A reply first read as «ya pagué» and read otherwise by the owner: the claims it set on its
/// invoices are withdrawn, so the reminders no longer wait for a bank check no one needs.
fn withdraw_paid_claims(
    tx: &rusqlite::Connection,
    m: &matcher::Match,
    x: &NewResponse,
    id: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let claimed = m
        .invoices
        .iter()
        .filter(|i| i.paid_claimed_on.is_some())
        .filter(|i| x.invoices.is_empty() || x.invoices.contains(&i.number));
    for inv in claimed {
        store::invoices::set_paid_claim(tx, &inv.number, None, now)?;
        store::invoices::refresh_status(tx, &inv.number, now)?;
        store::events::append(
            tx,
            now,
            Actor::Owner,
            EventKind::InvoicePaidClaimResolved,
            Some(&inv.client_id),
            Some(&inv.number),
            serde_json::json!({ "response": id, "note": "the reply was read otherwise" }),
        )?;
    }
    Ok(())
}

/// Stores the owner's reading on the response, with its audit event.
fn record_review(
    tx: &rusqlite::Connection,
    id: i64,
    kind: Kind,
    applied: &Applied,
    promised_date: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    store::responses::set_review(
        tx,
        id,
        &Review {
            kind: kind.into(),
            intent: applied.intent,
            promised_date,
            client_id: applied.client.as_deref(),
            status: ResponseStatus::Reviewed,
            effect: &applied.effect,
            invoices: Some(&applied.invoices),
        },
    )?;
    store::events::append(
        tx,
        now,
        Actor::Owner,
        EventKind::ReplyReclassified,
        applied.client.as_deref(),
        None,
        serde_json::json!({ "response": id, "kind": applied.kind, "intent": applied.intent,
                            "promised_date": promised_date }),
    )
}
