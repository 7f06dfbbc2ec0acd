//! One pass of the loop, as a library: plan, record promise outcomes, render and queue what is
//! due, in one transaction. `tick`, `run` and `demo` call this; sending is the outbox sender's
//! job and reading replies the inbox's.

pub mod agreements;
pub mod apply;
pub mod context;
pub mod decisions;
pub mod digest;
pub mod fallback;
pub mod interest;
pub mod links;
pub mod matcher;
mod queue;
pub mod receipts;

pub use queue::{queue_due, queue_due_in_groups};

use std::borrow::Cow;
use std::collections::BTreeMap;

use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::channel::email::{domain_of, message_id_from, thread_headers};
use crate::config::{Config, Stage};
use crate::domain::{Actor, EventKind};
use crate::domain::{Channel, Invoice, Money};
use crate::policy::planner::{self, ClientFile, Effect, Plan, PlannedMessage, Settings};
use crate::render::{self, Renderer};
use crate::store::{self, NewOutboxMessage, PromiseStatus, Store};

/// What a queueing pass did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct QueueReport {
    /// Messages newly queued: (client, stage, outbox id).
    pub queued: Vec<(String, String, i64)>,
    /// Promise outcomes recorded.
    pub effects: Vec<Effect>,
    /// Problems with one client or message (the rest went on).
    pub errors: Vec<String>,
    /// The earliest planned message not due yet (what a quiet pass says comes next).
    pub next_planned: Option<PlannedMessage>,
    /// How many things the plan holds back (with a reason each; see `cobrador plan`).
    pub held: usize,
    /// Clients that another writer changed while this pass queued in groups (a payment, a
    /// dispute, a promise, the owner's edit): nothing was written for them; the next pass plans
    /// them from the new state (`queue::changes`).
    pub changed_meanwhile: Vec<String>,
    /// Whether someone else changed a client while this pass queued in groups (the client
    /// may have been written before the change: the next pass should plan it again soon).
    pub others_wrote: bool,
}

impl QueueReport {
    /// Names the clients left for the next pass because another writer changed them while
    /// this one was queueing; `None` when there were none.
    pub fn changed_meanwhile_note(&self) -> Option<String> {
        let first = self.changed_meanwhile.first()?;
        let more = match self.changed_meanwhile.len() {
            1 => String::new(),
            n => format!(" and {} more", n - 1),
        };
        Some(format!(
            "client {first}{more} changed while this pass was queueing (a payment, a dispute, \
             a promise, an edit): nothing was queued for them; the next pass plans them from \
             the new state"
        ))
    }
}

/// Plans at `now` without changing anything (the book read and planned in ranges, a thread
/// each: `limits.planning-threads`).
pub fn plan_now(store: &Store, config: &Config, now: DateTime<Utc>) -> Result<Plan> {
    let mut ranges = plan_by_range(store, config, now, |client, plan: &mut Plan| {
        plan.append(client);
    })?
    .into_iter();
    let mut plan = ranges.next().unwrap_or_default();
    for range in ranges {
        plan.append(range);
    }
    Ok(plan)
}

/// Plans at `now` without changing anything, client by client: each client's plan goes to
/// `add` with the state of its range of clients, on that range's thread (the ranges of
/// `limits.planning-threads`); the ranges' states come back in client order. So what `add`
/// makes of the plans (`plan --json` writes their rows) is made on every thread at once.
pub fn plan_by_range<S: Default + Send>(
    store: &Store,
    config: &Config,
    now: DateTime<Utc>,
    add: impl Fn(Plan, &mut S) + Sync,
) -> Result<Vec<S>> {
    let settings = settings_for(store.conn(), config)?;
    let plan_one = |file: &ClientFile, state: &mut S| {
        let mut plan = Plan::default();
        planner::plan_into(file, &settings, now, &mut plan);
        add(plan, state);
    };
    let mut first = S::default();
    let mut later = Vec::new();
    store::snapshot::in_ranges(
        store.conn(),
        store::snapshot::RangeRead::Plan,
        now,
        config.limits.planning_threads,
        |_, file| {
            plan_one(&file, &mut first);
            Ok(())
        },
        |_, file, state: &mut S, _: &mut Vec<()>| {
            plan_one(&file, state);
            Ok(())
        },
        |handed| {
            if let store::snapshot::Handed::Done(state) = handed {
                later.push(state);
            }
            Ok(())
        },
    )?;
    later.insert(0, first);
    Ok(later)
}

/// A client's own hours as the owner reads them: «a partir de las 11:00», «hasta las 14:00»,
/// «de 10:00 a 12:00».
pub(crate) fn hours_in_words(hours: crate::policy::TimeRange) -> String {
    let (start, end) = (hours.start().format("%H:%M"), hours.end().format("%H:%M"));
    if end.to_string() == "23:59" {
        format!("a partir de las {start}")
    } else if start.to_string() == "00:00" {
        format!("hasta las {end}")
    } else {
        format!("de {start} a {end}")
    }
}

/// The planner's settings for every client in the store (built from one client per country
/// and region, without loading them all).
pub fn settings_for(conn: &rusqlite::Connection, config: &Config) -> Result<Settings> {
    let settings = Settings::for_clients(config, &store::snapshot::one_per_region(conn)?)?;
    Ok(settings.with_client_hours(store::clients::all_own_hours(conn)?))
}

/// Plans every client, streamed from the store, and keeps the files of the clients the rest of
/// the pass needs: those with a message due now (with the payments their interest needs,
/// [`interest::complete_payments`]), and those with a message in trouble (the owner is alerted
/// about dead and uncertain messages with the client's details).
pub fn plan_keeping_files(
    store: &Store,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<(Plan, BTreeMap<String, ClientFile>)> {
    let settings = settings_for(store.conn(), config)?;
    let mut plan = Plan::default();
    let mut files = BTreeMap::new();
    store::snapshot::for_each_client_to_plan(store.conn(), now, |mut file| {
        let before = plan.messages.len();
        planner::plan_into(&file, &settings, now, &mut plan);
        let due = plan.messages[before..].iter().any(|m| m.due_now);
        if due {
            let today = now.with_timezone(&file.client.time_zone).date_naive();
            let due_now = plan.messages[before..].iter().filter(|m| m.due_now);
            interest::complete_payments(store.conn(), config, &mut file, due_now, today)?;
        }
        let trouble = file.messages.iter().any(|m| {
            matches!(
                m.status,
                store::OutboxStatus::Dead
                    | store::OutboxStatus::Uncertain
                    | store::OutboxStatus::Failed
            )
        });
        if due || trouble || receipts::may_need_receipt(&file, now) {
            files.insert(file.client.id.clone(), file);
        }
        Ok(())
    })?;
    Ok((plan, files))
}

/// Records a promise or plan outcome the planner found, with its audit event; nothing when the
/// promise or plan was settled meanwhile (the pass planned from the state at its start and
/// writes in groups: an owner's cancel between two groups stands).
fn apply_effect(tx: &rusqlite::Connection, effect: &Effect, now: DateTime<Utc>) -> Result<bool> {
    use crate::store::agreements::{PlanStatus, settle_active_plan};
    use crate::store::promises::settle_pending;
    let (settled, client, kind, detail) = match effect {
        Effect::PromiseKept { id, client } => (
            settle_pending(tx, *id, PromiseStatus::Kept, now)?,
            client,
            EventKind::PromiseKept,
            serde_json::json!({ "promise": id }),
        ),
        Effect::PromiseBroken {
            id,
            client,
            promised_date,
        } => (
            settle_pending(tx, *id, PromiseStatus::Broken, now)?,
            client,
            EventKind::PromiseBroken,
            serde_json::json!({ "promise": id, "promised_date": promised_date }),
        ),
        Effect::PlanCompleted { id, client } => (
            settle_active_plan(tx, *id, PlanStatus::Completed, now)?,
            client,
            EventKind::PlanCompleted,
            serde_json::json!({ "plan": id }),
        ),
        Effect::PlanBroken {
            id,
            client,
            instalment,
        } => (
            settle_active_plan(tx, *id, PlanStatus::Broken, now)?,
            client,
            EventKind::PlanBroken,
            serde_json::json!({ "plan": id, "instalment": instalment }),
        ),
        Effect::PlanRestored { id, client } => (
            crate::store::agreements::restore_broken_plan(tx, *id)?,
            client,
            EventKind::PlanRestored,
            serde_json::json!({ "plan": id }),
        ),
    };
    if settled {
        store::events::append(tx, now, Actor::Planner, kind, Some(client), None, detail)?;
    }
    Ok(settled)
}

/// How long after a missed instalment's day a broken plan is still news for an alert of its
/// own: one found broken later (the first pass over an imported book, or after an outage) is
/// left to the digest, or a pass that finds hundreds at once sends as many alerts.
const PLAN_NEWS_DAYS: u64 = 14;

/// Tells the owner that a payment plan broke (an instalment unpaid past its grace): the plan
/// was agreed with a person, and the reminders now resume on their own; the digest lists it
/// too, but only on its day. Returns whether an alert was queued.
fn alert_broken_plan(
    tx: &rusqlite::Connection,
    config: &Config,
    renderer: &Renderer,
    id: i64,
    instalment: u32,
    now: DateTime<Utc>,
) -> Result<bool> {
    let Some(plan) = store::agreements::plan(tx, id)? else {
        return Ok(false);
    };
    let Some(client) = store::clients::get(tx, &plan.client_id)? else {
        return Ok(false);
    };
    let missed = plan.instalments.iter().find(|i| i.number == instalment);
    let today = now.with_timezone(&client.time_zone).date_naive();
    if missed.is_some_and(|i| i.due_date + chrono::Days::new(PLAN_NEWS_DAYS) < today) {
        return Ok(false);
    }
    let contacts = store::clients::for_client(tx, &client.id)?;
    let mut named = Vec::with_capacity(plan.invoices.len());
    for number in &plan.invoices {
        named.extend(store::invoices::get(tx, number)?);
    }
    let invoices: Vec<&Invoice> = named.iter().collect();
    let locale = context::locale_for(&client, config);
    let words = missed.map_or_else(String::new, |i| {
        format!(
            "Plazo {} de {}: {}, con vencimiento el {}.",
            i.number,
            plan.instalments.len(),
            render::money::format_money(i.amount.0, &plan.currency, locale)
                .unwrap_or_else(|_| format!("{} {}", i.amount.0, plan.currency)),
            render::dates::date_day(i.due_date, today)
        )
    });
    let alert = OwnerAlertFor {
        client: &client,
        contacts: &contacts,
        invoices: &invoices,
        kind: "plan_broken",
        words,
        // Each instalment's break its own alert: a plan restored (the instalment was paid in
        // time after all) that breaks at the next is news again (walk30: the owner heard of
        // the second break only in the digest).
        cycle: format!("plan-{id}-{instalment}"),
        telegram: false,
        sender: String::new(),
        said: Default::default(),
    };
    Ok(queue_owner_alert(tx, config, renderer, &alert, now)?.is_some())
}

fn find_stage<'c>(config: &'c Config, m: &PlannedMessage) -> Option<Cow<'c, Stage>> {
    if m.plan.is_some() {
        return Some(Cow::Owned(planner::instalment_stage()));
    }
    config
        .ladder_for(m.segment.as_deref())
        .iter()
        .chain(config.reminders.ladder.iter())
        .find(|s| s.name == m.stage)
        .map(Cow::Borrowed)
}

/// A discount a queued message offers, to record once the message has its outbox id.
#[derive(Debug, Clone)]
pub struct OfferedDiscount {
    /// Per invoice: number and the share of the discount.
    pub invoices: Vec<(String, Money)>,
    /// The wording, e.g. "un descuento del 2 %".
    pub description: String,
    /// Last day to pay.
    pub valid_until: chrono::NaiveDate,
}

/// A planned message rendered into an outbox row, with the discount it offers.
#[derive(Debug, Clone)]
pub struct RenderedPlan {
    /// The row to queue.
    pub message: NewOutboxMessage,
    /// The discount offered, if the stage offers one.
    pub discount: Option<OfferedDiscount>,
}

/// The discount a stage offers on these invoices (all in one currency), if any. A
/// prompt-payment discount rewards paying early: it is not offered to a client whose word (a
/// promise, a plan) was just broken, nor in a hand-over.
fn discount_for(
    stage: &Stage,
    m: &PlannedMessage,
    invoices: &[&Invoice],
    today: chrono::NaiveDate,
    calendar: &crate::policy::HolidayCalendar,
) -> Option<(OfferedDiscount, render::context::Discount)> {
    if m.handover || m.broken_promise.is_some() || m.broken_plan.is_some() {
        return None;
    }
    let offer = stage.discount.as_ref()?;
    let currency = invoices.first()?.currency.clone();
    if invoices.iter().any(|i| i.currency != currency) {
        return None;
    }
    let total: rust_decimal::Decimal = invoices.iter().map(|i| i.balance.0).sum();
    if total <= rust_decimal::Decimal::ZERO {
        return None;
    }
    let (amount, description) = match (offer.percent, offer.amount) {
        (Some(p), _) => (
            (total * p / rust_decimal::Decimal::from(100)).round_dp(2),
            format!("un descuento del {} %", p.normalize()),
        ),
        (None, Some(a)) => (a.min(total), "un descuento por pronto pago".to_owned()),
        (None, None) => return None,
    };
    // Like every deadline, the last day of the offer is a business day of the client's.
    let valid_until = planner::on_business_day(
        today + chrono::Days::new(u64::from(offer.valid_days)),
        calendar,
    );
    // Each invoice carries its share, so a payment of one invoice's discounted balance settles it.
    let shares: Vec<(String, Money)> = invoices
        .iter()
        .map(|i| {
            (
                i.number.clone(),
                Money((amount * i.balance.0 / total).round_dp(2)),
            )
        })
        .collect();
    Some((
        OfferedDiscount {
            invoices: shares,
            description: description.clone(),
            valid_until,
        },
        render::context::Discount {
            description,
            currency,
            amount,
            discounted_total: total - amount,
            valid_until: Some(valid_until),
            taken_on: None,
            only_of: None,
            only_of_count: 0,
        },
    ))
}

/// An offer on `reached` of the `listed` invoices a message lists names them when it is not
/// about all («4.704,00 € en total» after a list of 6.000,00 € read as the whole debt).
fn only_of(
    mut d: render::context::Discount,
    reached: &[&Invoice],
    listed: usize,
) -> render::context::Discount {
    if reached.len() < listed {
        let numbers: Vec<&str> = reached.iter().map(|i| i.number.as_str()).collect();
        d.only_of = Some(match numbers.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} y {last}", rest.join(", ")),
            _ => numbers.concat(),
        });
        d.only_of_count = numbers.len();
    }
    d
}

/// The plan block of the template context.
pub(crate) fn plan_context(
    file: &ClientFile,
    r: &planner::PlanRef,
    today: chrono::NaiveDate,
) -> Option<render::context::PlanTerms> {
    let plan = file.plans.iter().find(|p| p.id == r.id)?;
    let states = planner::allocate(plan, &file.payments, today, file.client.time_zone);
    let to_ctx = |s: &planner::InstalmentState| render::context::Instalment {
        number: s.number,
        due_date: s.due_date,
        amount: s.amount.0,
        paid: s.paid.0,
        status: s.status.to_owned(),
    };
    let instalments: Vec<_> = states.iter().map(to_ctx).collect();
    Some(render::context::PlanTerms {
        currency: plan.currency.clone(),
        next: states.iter().find(|s| s.number == r.instalment).map(to_ctx),
        remaining: states.iter().map(|s| s.amount.0 - s.paid.0).sum(),
        instalments,
        missed: r.missed,
    })
}

/// The planned message's invoices, refused when an amount is beyond `limits.max-amount`: rows
/// written before amounts were bounded at import. The client's message is not rendered (the
/// error is reported) rather than overflow while computing totals and interest.
fn bounded_invoices<'a>(
    config: &Config,
    file: &'a ClientFile,
    m: &PlannedMessage,
) -> Result<Vec<&'a Invoice>> {
    let invoices: Vec<&Invoice> = m
        .invoices
        .iter()
        .filter_map(|n| file.invoices.iter().find(|i| &i.number == n))
        .collect();
    if let Some(i) = invoices
        .iter()
        .find(|i| i.amount.0.abs() > config.limits.max_amount)
    {
        anyhow::bail!(
            "invoice {}: amount {} is larger than limits.max-amount ({}): correct it and import again",
            i.number,
            i.amount.0,
            config.limits.max_amount
        );
    }
    Ok(invoices)
}

/// What the client was told and promised before: the broken promise or plan to mention, the
/// deadline, the earlier reminders to cite.
fn with_history<'a>(
    ctx: &mut render::context::RenderContext<'a>,
    config: &Config,
    file: &'a ClientFile,
    m: &PlannedMessage,
) {
    ctx.broken_promise = m.broken_promise;
    ctx.broken_promise_approx = m.broken_promise.is_some_and(|d| approximate(file, d));
    ctx.broken_promise_part_paid = m
        .broken_promise
        .is_some_and(|d| part_paid_since_promise(file, &m.invoices, d));
    ctx.broken_plan = m.broken_plan;
    ctx.deadline = m.deadline;
    // A courtesy note before the due date is no reminder of a debt: «pese a nuestros
    // recordatorios del…» cites only what was sent once an invoice was due.
    let before_due = |stage: &str| {
        config
            .ladder_for(m.segment.as_deref())
            .iter()
            .chain(config.reminders.ladder.iter())
            .any(|s| s.name == stage && s.offset_days < 0)
    };
    ctx.history = context::history(file, &m.cycle, &m.invoices, before_due);
}

/// Whether a payment on `numbers` came in after the (earliest) promise made for `day`: the
/// promise was kept in part.
fn part_paid_since_promise(file: &ClientFile, numbers: &[String], day: chrono::NaiveDate) -> bool {
    let tz = file.client.time_zone;
    let Some(made) = file
        .promises
        .iter()
        .filter(|p| p.promised_date == day)
        .map(|p| p.created_at.with_timezone(&tz).date_naive())
        .min()
    else {
        return false;
    };
    file.payments
        .iter()
        .any(|p| numbers.contains(&p.invoice_number) && p.paid_on >= made)
}

/// Whether the promises made for `day` all named a period never confirmed («a finales de
/// marzo»): the message then says «hacia el miércoles 31», not «el».
fn approximate(file: &ClientFile, day: chrono::NaiveDate) -> bool {
    let mut said = file.promises.iter().filter(|p| p.promised_date == day);
    said.clone().next().is_some() && said.all(|p| p.ambiguous)
}

/// Renders a planned message into an outbox row (subject, bodies, threading headers).
pub fn render_planned(
    config: &Config,
    renderer: &Renderer,
    file: &ClientFile,
    m: &PlannedMessage,
    now: DateTime<Utc>,
) -> Result<RenderedPlan> {
    let stage =
        find_stage(config, m).with_context(|| format!("stage {} is not in the ladder", m.stage))?;
    let stage: &Stage = &stage;
    let today = now.with_timezone(&file.client.time_zone).date_naive();
    let invoices = bounded_invoices(config, file, m)?;
    let mut ctx = context::build(
        config,
        &file.client,
        &file.contacts,
        stage,
        &invoices,
        &file.payments,
        &m.reached,
        today,
        m.channel,
    );
    with_history(&mut ctx, config, file, m);
    // A planned message goes at its moment, inside the client's window.
    ctx.part_of_day = context::part_of_day(&file.client, m.send_at.max(now));
    ctx.in_favour = context::credit_lines(&file.in_favour);
    let calendar = calendar_cached(config, &file.client)?;
    match &m.plan {
        Some(r) => ctx.plan = plan_context(file, r, today),
        None if !m.handover => ctx.due = context::due_day(&invoices, today, &calendar),
        None => {}
    }
    let reached_invoices: Vec<&Invoice> = invoices
        .iter()
        .copied()
        .filter(|i| m.reached.contains(&i.number))
        .collect();
    let discount = discount_for(stage, m, &reached_invoices, today, &calendar);
    ctx.discount = discount
        .as_ref()
        .map(|(_, d)| only_of(d.clone(), &reached_invoices, invoices.len()));
    let is_final = config
        .ladder_for(m.segment.as_deref())
        .iter()
        .skip_while(|s| s.name != m.stage)
        .nth(1)
        .is_some_and(|next| next.handover);
    if is_final {
        ctx.handover_date = m.deadline;
    }
    let (recipients, channel) = if m.handover {
        ctx.owner_alert = Some(render::context::OwnerAlert {
            kind: "handover".into(),
            client_words: String::new(),
            invoice_numbers: m.invoices.clone(),
            telegram: false,
            reminders_wait_until: None,
            sender: String::new(),
            ..Default::default()
        });
        (vec![config.owner_email().to_owned()], Channel::Email)
    } else {
        (m.recipients.clone(), m.channel)
    };
    let rendered = renderer
        .render_message(&m.template, render_medium(channel), &ctx)
        .with_context(|| format!("cannot render template {}", m.template))?;
    let (message_id, in_reply_to, references) = threading(config, file, m, channel, now);
    let message = NewOutboxMessage {
        dedup_key: m.dedup_key.clone(),
        client_id: m.client.clone(),
        stage: m.stage.clone(),
        cycle: m.cycle.clone(),
        channel,
        recipients,
        cc: m.cc.clone(),
        subject: rendered.subject,
        body_text: rendered.text,
        body_html: rendered.html,
        attachment: invoices
            .iter()
            .filter(|_| !m.handover)
            .find_map(|i| i.pdf_path.clone())
            .filter(|_| invoices.len() == 1),
        message_id,
        in_reply_to,
        references,
        send_at: m.send_at.max(now),
        invoices: m
            .invoices
            .iter()
            .map(|n| (n.clone(), m.reached.contains(n)))
            .collect(),
    };
    Ok(RenderedPlan {
        message,
        discount: discount.map(|(o, _)| o),
    })
}

/// The holiday calendar of `client`'s country (and region, and the owner's extra days), built
/// once per thread and key: building one copies the embedded calendar, a map of a decade of
/// named days, which cost as much as rendering a reminder when it was done per message.
fn calendar_cached(
    config: &Config,
    client: &crate::domain::Client,
) -> Result<std::rc::Rc<crate::policy::HolidayCalendar>> {
    type Key = (String, Option<String>, Vec<chrono::NaiveDate>);
    type Cache = Vec<(Key, std::rc::Rc<crate::policy::HolidayCalendar>)>;
    thread_local! {
        static CALENDARS: std::cell::RefCell<Cache> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let extra = config
        .countries
        .get(&client.country)
        .map_or(&[][..], |c| c.extra_holidays.as_slice());
    let same = |(country, region, days): &Key| {
        *country == client.country && *region == client.region && days.as_slice() == extra
    };
    if let Some(found) =
        CALENDARS.with_borrow(|cache| cache.iter().find(|(k, _)| same(k)).map(|(_, c)| c.clone()))
    {
        return Ok(found);
    }
    let calendar = std::rc::Rc::new(crate::config::calendar_for(config, client)?);
    CALENDARS.with_borrow_mut(|cache| {
        if cache.len() >= 64 {
            cache.clear();
        }
        let key = (
            client.country.clone(),
            client.region.clone(),
            extra.to_vec(),
        );
        cache.push((key, calendar.clone()));
    });
    Ok(calendar)
}

/// Message-ID and threading headers of an email: follow-ups thread to the client's earlier
/// reminders, so the client sees one conversation; owner tasks start their own thread.
fn threading(
    config: &Config,
    file: &ClientFile,
    m: &PlannedMessage,
    channel: Channel,
    now: DateTime<Utc>,
) -> (Option<String>, Option<String>, Option<String>) {
    if channel != Channel::Email {
        return (None, None, None);
    }
    // Owner tasks start their own thread; a client's messages thread to its earlier ones
    // (the owner-facing ones left out), read in place.
    let (in_reply_to, references) = if m.handover {
        thread_headers(&[])
    } else {
        thread_headers(
            file.messages
                .iter()
                .filter(|p| !crate::domain::is_owner_facing(&p.message.stage)),
        )
    };
    (
        Some(message_id(&config.business.email, &m.dedup_key, now)),
        in_reply_to,
        references,
    )
}

/// The medium the renderer writes for a domain channel.
pub fn render_medium(channel: Channel) -> render::Medium {
    match channel {
        Channel::Email => render::Medium::Email,
        Channel::Telegram => render::Medium::Telegram,
    }
}

/// A Message-ID unique to this outbox key and instant, on the business's own domain.
pub fn message_id(business_email: &str, dedup_key: &str, now: DateTime<Utc>) -> String {
    // The seed `{dedup_key}|{timestamp}` is hashed as it is written, not built as a string.
    message_id_from(
        domain_of(business_email),
        format_args!("{dedup_key}|{}", now.timestamp()),
    )
}

/// What an owner alert is about.
pub struct OwnerAlertFor<'a> {
    /// The client concerned.
    pub client: &'a crate::domain::Client,
    /// Its contacts.
    pub contacts: &'a [crate::domain::Contact],
    /// The invoices concerned.
    pub invoices: &'a [&'a Invoice],
    /// `dispute`, `paid`, `plan`, `stop`, `needs_review`, `question`, `contact_left`,
    /// `contact_changed` (a contact left, and the rest of the reply applied), `dead`,
    /// `uncertain`, `bounced`, `address`, `plan_broken`, `unknown_sender`.
    pub kind: &'a str,
    /// The client's words (or the server's answer, for `dead`).
    pub words: String,
    /// What makes the alert unique: `response-7`, `outbox-12`.
    pub cycle: String,
    /// What the client's reply gave (`paid`: its proof; `plan`: a proposal); default for
    /// alerts that are not about a reply.
    pub said: render::context::ClientSaid,
    /// The message it is about went by Telegram (`dead`, `uncertain`).
    pub telegram: bool,
    /// Who sent the words, when not a contact of the client (`unknown_sender`); else empty.
    pub sender: String,
}

/// Queues an alert to the owner (once per `cycle`); returns its outbox id if new.
pub fn queue_owner_alert(
    tx: &rusqlite::Connection,
    config: &Config,
    renderer: &Renderer,
    alert: &OwnerAlertFor<'_>,
    now: DateTime<Utc>,
) -> Result<Option<i64>> {
    let key = format!("{}|owner_alert|{}", alert.client.id, alert.cycle);
    if store::outbox::key_exists(tx, &key)? {
        return Ok(None);
    }
    let today = now.with_timezone(&config.business.time_zone).date_naive();
    let stage = crate::config::message_stage("owner_alert");
    let numbers: Vec<String> = alert.invoices.iter().map(|i| i.number.clone()).collect();
    // Every invoice an alert lists is one it is about: none is "también pendiente" beside it.
    let mut ctx = context::build(
        config,
        alert.client,
        alert.contacts,
        &stage,
        alert.invoices,
        &[],
        &numbers,
        today,
        Channel::Email,
    );
    ctx.owner_alert = Some(render::context::OwnerAlert {
        kind: alert.kind.into(),
        client_words: alert.words.clone(),
        invoice_numbers: numbers.clone(),
        telegram: alert.telegram,
        reminders_wait_until: store::clients::awaiting_answer_until(tx, &alert.client.id)?
            .filter(|until| *until > now)
            .map(|until| until.with_timezone(&alert.client.time_zone).date_naive()),
        sender: alert.sender.clone(),
        hours: store::clients::own_hours(tx, &alert.client.id)?
            .map(|h| hours_in_words(h.hours))
            .unwrap_or_default(),
        client_id: alert.client.id.clone(),
    });
    ctx.said = alert.said;
    let rendered = renderer.render_message("owner_alert", render::Medium::Email, &ctx)?;
    let msg = NewOutboxMessage {
        message_id: Some(message_id(&config.business.email, &key, now)),
        dedup_key: key,
        client_id: alert.client.id.clone(),
        stage: "owner_alert".into(),
        cycle: alert.cycle.clone(),
        channel: Channel::Email,
        recipients: vec![config.owner_email().to_owned()],
        cc: vec![],
        subject: rendered.subject,
        body_text: rendered.text,
        body_html: rendered.html,
        attachment: None,
        in_reply_to: None,
        references: None,
        send_at: now,
        invoices: numbers.iter().map(|n| (n.clone(), false)).collect(),
    };
    // The same alert within a day (the client wrote the same words twice): once.
    let a_day_ago = now - chrono::Duration::days(1);
    if store::outbox::same_words_since(tx, &msg, a_day_ago)? {
        return Ok(None);
    }
    let id = store::outbox::insert_if_new(tx, &msg, now)?;
    let owner_chat = config.telegram.as_ref().and_then(|t| t.owner_chat_id);
    if let Some(chat) = store::telegram::owner_chat(tx, owner_chat)? {
        // A copy in the owner's own Telegram chat (`telegram.owner-chat-id`), the client's
        // words cut to fit one Telegram message (the email copy and `responses show` have
        // them whole).
        let mut tg = renderer.render_message("owner_alert", render::Medium::Telegram, &ctx)?;
        if !render::fits_telegram(&tg.text)
            && let Some(a) = ctx.owner_alert.as_mut()
        {
            let cut: String = a.client_words.chars().take(1_500).collect();
            a.client_words = format!("{}…", cut.trim_end());
            tg = renderer.render_message("owner_alert", render::Medium::Telegram, &ctx)?;
        }
        let copy = NewOutboxMessage {
            dedup_key: format!("{}|owner_alert_telegram|{}", alert.client.id, alert.cycle),
            channel: Channel::Telegram,
            recipients: vec![chat.to_string()],
            subject: None,
            body_text: tg.text,
            body_html: None,
            message_id: None,
            ..msg
        };
        // Its copy likewise (one still waiting gives way, as its email did).
        if !store::outbox::same_words_since(tx, &copy, a_day_ago)? {
            store::outbox::insert_if_new(tx, &copy, now)?;
        }
    }
    Ok(id)
}
