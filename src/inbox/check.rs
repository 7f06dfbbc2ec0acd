//! One pass over the configured IMAP mailbox: fetch what arrived since the last processed UID,
//! classify, match and apply each message, then flag it `\Seen` (and move it, if configured).
//!
//! Exactly once, across crashes: each message is applied in one SQLite transaction that also
//! moves the mailbox's read-up-to mark (UIDVALIDITY + last UID), so a restart neither skips nor
//! repeats a message; Message-IDs (unique in `responses`) make a re-scan after a UIDVALIDITY
//! change, or a second `inbox check`, record nothing twice. A message that fails anywhere is
//! recorded as `needs_review` and left unread on the server: nothing is dropped, and a poison
//! message cannot stall the mailbox.

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use serde::Serialize;

use crate::channel::imap::{Account, ImapSession, bounded};
use crate::config::{Config, Imap};
use crate::domain::Channel;
use crate::domain::ReplyKind;
use crate::engine::apply::{self, Applied, Incoming};
use crate::mail::mime::{self, ParsedMail};
use crate::render::Renderer;
use crate::store::{self, Store, inbox::MailboxState};

/// Messages fetched per IMAP round trip.
const BATCH: usize = 250;

/// What one pass did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct InboxReport {
    /// The mailbox read.
    pub mailbox: String,
    /// New messages seen on the server.
    pub fetched: usize,
    /// Recorded as replies, auto-replies or bounces and acted on.
    pub applied: usize,
    /// Recorded for a person to read.
    pub needs_review: usize,
    /// Already recorded before (same Message-ID): nothing done.
    pub duplicates: usize,
    /// Of the recorded: replies.
    pub replies: usize,
    /// Of the recorded: auto-replies.
    pub auto_replies: usize,
    /// Of the recorded: bounces.
    pub bounces: usize,
    /// The server changed UIDVALIDITY: the mailbox was re-read (Message-IDs kept it exact).
    pub uidvalidity_reset: bool,
    /// The last UID processed.
    pub last_uid: u32,
    /// What was recorded, in order.
    pub results: Vec<Applied>,
}

impl InboxReport {
    /// True when something was recorded (the planner should look again).
    pub fn changed(&self) -> bool {
        self.applied + self.needs_review > 0
    }
}

/// One pass over `[email.imap] mailbox` (connect, read, apply, log out).
pub async fn check_once(
    config: &Config,
    store: &mut Store,
    now: DateTime<Utc>,
) -> Result<InboxReport> {
    let imap = config
        .email
        .imap
        .as_ref()
        .context("email.imap is not configured: add an [email.imap] section to read replies")?;
    let account = Account::new(imap)?;
    let renderer = Renderer::new(config.templates_dir.as_deref())?;
    let mut session = account.connect().await?;
    let report = pass(&mut session, &account, config, &renderer, store, now).await;
    let _ = tokio::time::timeout(crate::channel::imap::IMAP_TIMEOUT, session.logout()).await;
    report
}

/// One pass over an open session (the watcher keeps its session between passes).
pub(crate) async fn pass(
    session: &mut ImapSession,
    account: &Account,
    config: &Config,
    renderer: &Renderer,
    store: &mut Store,
    now: DateTime<Utc>,
) -> Result<InboxReport> {
    let imap = config
        .email
        .imap
        .as_ref()
        .context("email.imap is not configured")?;
    let server = account.server();
    let name = imap.mailbox.clone();
    let mailbox = bounded(&server, async {
        session
            .select(&name)
            .await
            .with_context(|| format!("cannot open IMAP mailbox {name:?} (email.imap.mailbox)"))
    })
    .await?;
    let uidvalidity = mailbox.uid_validity.unwrap_or(0);
    let mut report = InboxReport {
        mailbox: name.clone(),
        ..InboxReport::default()
    };
    // Read before this pass moves it: a message dated after it came while nobody read.
    let last_read = store::inbox::last_read(store.conn(), &name)?;
    let state = store::inbox::mailbox_state(store.conn(), &name)?;
    let start = match state {
        Some(s) if s.uidvalidity == uidvalidity => s.last_uid,
        Some(_) => {
            report.uidvalidity_reset = true;
            0
        }
        None => 0,
    };
    report.last_uid = start;
    if mailbox.exists == 0 || mailbox.uid_next.is_some_and(|next| next <= start + 1) {
        // Nothing new: the pass is recorded all the same (see `last_read` above).
        let mark = MailboxState {
            uidvalidity,
            last_uid: start,
        };
        store::inbox::set_mailbox_state(store.conn(), &name, mark, now)?;
        return Ok(report);
    }
    let sizes = fetch_sizes(session, &server, start).await?;
    report.fetched = sizes.len();
    for chunk in sizes.chunks(BATCH) {
        let raws = fetch_bodies(session, &server, chunk, imap.max_message_bytes).await?;
        let mut done = Vec::new();
        for (uid, size, raw) in raws {
            let ctx = Ctx {
                config,
                renderer,
                mailbox: &name,
                uidvalidity,
                now,
                last_read,
            };
            if process(store, &ctx, uid, size, &raw, imap, &mut report)? {
                done.push(uid);
            }
        }
        finish_on_server(session, &server, imap, &done).await?;
    }
    Ok(report)
}

/// `(uid, size)` of every message after `start`, in UID order.
async fn fetch_sizes(
    session: &mut ImapSession,
    server: &str,
    start: u32,
) -> Result<Vec<(u32, u32)>> {
    let range = format!("{}:*", start + 1);
    let mut sizes: Vec<(u32, u32)> = bounded(server, async {
        let stream = session
            .uid_fetch(&range, "(UID RFC822.SIZE)")
            .await
            .context("IMAP UID FETCH of sizes failed")?;
        let fetched: Vec<_> = stream
            .try_collect()
            .await
            .context("IMAP UID FETCH failed")?;
        Ok(fetched
            .iter()
            .filter_map(|f| Some((f.uid?, f.size.unwrap_or(0))))
            .collect())
    })
    .await?;
    // `N:*` always includes the last message, even when its UID is below N.
    sizes.retain(|(uid, _)| *uid > start);
    sizes.sort_unstable();
    Ok(sizes)
}

/// The raw messages of `chunk` (headers only for those over the size limit), in UID order.
async fn fetch_bodies(
    session: &mut ImapSession,
    server: &str,
    chunk: &[(u32, u32)],
    max: u64,
) -> Result<Vec<(u32, u32, Vec<u8>)>> {
    let set = |want_large: bool| {
        chunk
            .iter()
            .filter(|(_, size)| (u64::from(*size) > max) == want_large)
            .map(|(uid, _)| uid.to_string())
            .collect::<Vec<_>>()
            .join(",")
    };
    let mut out = Vec::with_capacity(chunk.len());
    for (large, query) in [
        (false, "(UID BODY.PEEK[])"),
        (true, "(UID BODY.PEEK[HEADER])"),
    ] {
        let uids = set(large);
        if uids.is_empty() {
            continue;
        }
        let fetched: Vec<(u32, Vec<u8>)> = bounded(server, async {
            let stream = session
                .uid_fetch(&uids, query)
                .await
                .context("IMAP UID FETCH of messages failed")?;
            let fetched: Vec<_> = stream
                .try_collect()
                .await
                .context("IMAP UID FETCH failed")?;
            Ok(fetched
                .iter()
                .filter_map(|f| {
                    let body = if large { f.header() } else { f.body() };
                    Some((f.uid?, body.unwrap_or_default().to_vec()))
                })
                .collect())
        })
        .await?;
        for (uid, raw) in fetched {
            let size = chunk.iter().find(|(u, _)| *u == uid).map_or(0, |(_, s)| *s);
            out.push((uid, size, raw));
        }
    }
    out.sort_unstable_by_key(|(uid, _, _)| *uid);
    Ok(out)
}

struct Ctx<'a> {
    config: &'a Config,
    renderer: &'a Renderer,
    mailbox: &'a str,
    uidvalidity: u32,
    now: DateTime<Utc>,
    /// The previous pass over the mailbox (see `domain::clock::received_at_since`).
    last_read: Option<DateTime<Utc>>,
}

/// Applies one message and moves the mark, in one transaction. Returns whether the message
/// may be flagged `\Seen` (false when it was left for review).
fn process(
    store: &mut Store,
    ctx: &Ctx<'_>,
    uid: u32,
    size: u32,
    raw: &[u8],
    imap: &Imap,
    report: &mut InboxReport,
) -> Result<bool> {
    let raw_ref = format!(
        "imap:{};UIDVALIDITY={};UID={uid}",
        ctx.mailbox, ctx.uidvalidity
    );
    let mark = MailboxState {
        uidvalidity: ctx.uidvalidity,
        last_uid: uid,
    };
    let mut inc = incoming_since(ctx.config, raw, ctx.now, ctx.last_read);
    inc.raw_ref = Some(raw_ref);
    if u64::from(size) > imap.max_message_bytes {
        inc.unreadable = Some(format!(
            "message of {size} bytes is over email.imap.max-message-bytes ({}): not read",
            imap.max_message_bytes
        ));
    }
    let first = store.transaction(|tx| {
        let applied = apply::apply_in(tx, ctx.config, ctx.renderer, &inc, ctx.now)?;
        store::inbox::set_mailbox_state(tx, ctx.mailbox, mark, ctx.now)?;
        Ok(applied)
    });
    let applied = match first {
        Ok(a) => a,
        Err(e) => {
            // Whatever failed, the message is kept for a person, and the mark moves on.
            tracing::warn!(uid, error = %format!("{e:#}"), "Could not apply a message; left for review.");
            inc.unreadable = Some(format!("could not be applied: {e:#}"));
            store.transaction(|tx| {
                let applied = apply::apply_in(tx, ctx.config, ctx.renderer, &inc, ctx.now)?;
                store::inbox::set_mailbox_state(tx, ctx.mailbox, mark, ctx.now)?;
                Ok(applied)
            })?
        }
    };
    report.last_uid = uid;
    let Some(applied) = applied else {
        report.duplicates += 1;
        return Ok(true);
    };
    let seen = applied.status != crate::domain::ResponseStatus::NeedsReview;
    if seen {
        report.applied += 1;
    } else {
        report.needs_review += 1;
    }
    match applied.kind {
        ReplyKind::Reply => report.replies += 1,
        ReplyKind::AutoReply => report.auto_replies += 1,
        ReplyKind::Bounce => report.bounces += 1,
        ReplyKind::Unparsed => {}
    }
    report.results.push(applied);
    Ok(seen)
}

/// Our own addresses, never a bounce's failed recipient: the business's and the owner's.
pub fn own_addresses(config: &Config) -> Vec<String> {
    vec![
        config.business.email.to_ascii_lowercase(),
        config.owner_email().to_ascii_lowercase(),
    ]
}

/// Reads a raw message into the channel-agnostic [`Incoming`].
pub fn incoming(config: &Config, raw: &[u8], now: DateTime<Utc>) -> Incoming {
    incoming_since(config, raw, now, None)
}

/// [`incoming`] for a message found in a mailbox last read at `last_read`.
fn incoming_since(
    config: &Config,
    raw: &[u8],
    now: DateTime<Utc>,
    last_read: Option<DateTime<Utc>>,
) -> Incoming {
    let Some(mail) = mime::parse_with(raw, &own_addresses(config)) else {
        return Incoming {
            channel: Some(Channel::Email),
            external_id: Some(content_id(raw)),
            received_at: now,
            unreadable: Some("not an RFC 5322 message".into()),
            ..Incoming::default()
        };
    };
    let mut inc = incoming_read(&mail, raw, now, last_read);
    owners_forward(config, &mail, &mut inc);
    inc
}

/// The owner forwards a client's answer into cobrador's mailbox («---------- Forwarded message
/// ---------», «Inicio del mensaje reenviado:»): the client's words, from the client, as if
/// they had come here (mail27: "sender is not a contact of this client: nothing changes", and
/// the client who disputed was reminded). The owner vouches for them.
fn owners_forward(config: &Config, mail: &mime::ParsedMail, inc: &mut Incoming) {
    let from_owner = mail.from.as_deref().is_some_and(|f| {
        f.eq_ignore_ascii_case(config.owner_email())
            || f.eq_ignore_ascii_case(&config.business.email)
    });
    let forward = mail
        .subject
        .as_deref()
        .and_then(crate::mail::subject::first_prefix)
        == Some(crate::mail::subject::Prefix::Forward);
    if !from_owner || !forward || inc.kind != crate::mail::classify::Kind::Reply {
        return;
    }
    let Some(fwd) = crate::mail::forward::first(&mail.text) else {
        return;
    };
    let own = own_addresses(config);
    let Some(author) = fwd.from.filter(|a| !own.contains(&a.to_ascii_lowercase())) else {
        return;
    };
    let words = crate::mail::trim::visible_text(fwd.body);
    if words.trim().is_empty() {
        return;
    }
    inc.sender = Some(author);
    inc.subject = fwd.subject.or(inc.subject.take());
    inc.body = fwd.body.to_owned();
    inc.visible = Some(words);
    inc.trusted = true;
}

/// [`incoming`] from a message already parsed.
pub fn incoming_from(mail: &ParsedMail, raw: &[u8], now: DateTime<Utc>) -> Incoming {
    incoming_read(mail, raw, now, None)
}

fn incoming_read(
    mail: &ParsedMail,
    raw: &[u8],
    now: DateTime<Utc>,
    last_read: Option<DateTime<Utc>>,
) -> Incoming {
    // The Date header when it is recent (within 36 h before the clock's now) or came since the
    // mailbox's previous read (an outage), else the clock's now (a wrong sender clock, a
    // rehearsal's clock): see `domain::clock`.
    let received_at = crate::domain::received_at_since(mail.date, now, last_read);
    Incoming {
        channel: Some(Channel::Email),
        external_id: Some(
            mail.message_id
                .as_deref()
                .map(|id| format!("<{id}>"))
                .unwrap_or_else(|| content_id(raw)),
        ),
        received_at,
        sender: mail.from.clone(),
        subject: mail.subject.clone(),
        body: mail.text.clone(),
        visible: Some(mail.visible.clone()),
        references: mail.references.clone(),
        automatic: false,
        kind: mail.class.kind,
        bounce: mail.class.bounce.clone(),
        for_a_person: mail.class.for_a_person,
        files: mail.attachments.clone(),
        list: mail.list.clone(),
        ..Incoming::default()
    }
}

/// A stable id for a message without Message-ID (FNV-1a over its bytes).
fn content_id(raw: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in raw {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("fnv:{h:016x}:{}", raw.len())
}

/// Flags the processed messages `\Seen`, and moves them if `processed-mailbox` is set.
async fn finish_on_server(
    session: &mut ImapSession,
    server: &str,
    imap: &Imap,
    uids: &[u32],
) -> Result<()> {
    if uids.is_empty() {
        return Ok(());
    }
    let set = uids
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",");
    bounded(server, async {
        let stream = session
            .uid_store(&set, "+FLAGS.SILENT (\\Seen)")
            .await
            .context("IMAP cannot flag messages \\Seen")?;
        let _: Vec<_> = stream.try_collect().await.context("IMAP STORE failed")?;
        Ok(())
    })
    .await?;
    if let Some(folder) = &imap.processed_mailbox {
        bounded(server, async {
            // A folder that is not there yet (the server answers [TRYCREATE]) is made, once.
            if session.uid_mv(&set, folder).await.is_ok() {
                return Ok(());
            }
            let made = session.create(folder).await;
            session
                .uid_mv(&set, folder)
                .await
                .with_context(|| match made {
                    Ok(()) => {
                        format!("cannot move messages to {folder:?} (email.imap.processed-mailbox)")
                    }
                    Err(e) => format!(
                        "cannot move messages to {folder:?} (email.imap.processed-mailbox), nor \
                     create it ({e}): create the folder in the mailbox, or remove the setting"
                    ),
                })
        })
        .await?;
    }
    Ok(())
}
