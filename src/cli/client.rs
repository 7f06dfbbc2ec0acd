//! `cobrador client list|show`.

use std::process::ExitCode;

use anyhow::{Context as _, Result};
use serde::Serialize;

use super::{Context, print_json};
use crate::domain::{Actor, EventKind};
use crate::domain::{Client, Contact, Invoice, InvoiceStatus};
use crate::policy::planner;
use crate::store;

/// `client` with its options: the subcommand and `--now`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
    /// The instant the change happens (RFC 3339), for replaying a scenario; default: now.
    #[arg(long, global = true, value_parser = super::plan::parse_now)]
    pub now: Option<chrono::DateTime<chrono::Utc>>,
}

/// Client commands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Every client with its open balance.
    List {
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
    /// One client: contacts, invoices, promises, recent events.
    Show {
        /// Client id.
        id: String,
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
    /// Stop every automatic reminder to this client until `unhold`.
    Hold {
        /// Client id.
        id: String,
        /// Why, for the audit log.
        #[arg(long)]
        note: Option<String>,
    },
    /// Resume automatic reminders to this client.
    Unhold {
        /// Client id.
        id: String,
        /// Why, for the audit log.
        #[arg(long)]
        note: Option<String>,
    },
    /// The hours this client asked to be written to within, in its own time zone
    /// (`11:00-14:00`), inside the country's legal hours; `--clear` goes back to the
    /// `[contact]` hours; without either, shows them.
    Hours {
        /// Client id.
        id: String,
        /// Local hours, `HH:MM-HH:MM` (end exclusive).
        hours: Option<String>,
        /// Back to the configuration's `[contact]` hours.
        #[arg(long, conflicts_with = "hours")]
        clear: bool,
        /// Why, for the audit log.
        #[arg(long)]
        note: Option<String>,
    },
}

/// `client hours`: shows, sets or clears a client's own hours, with an event.
fn hours(
    store: &mut store::Store,
    id: &str,
    (text, clear, note): (Option<String>, bool, Option<String>),
    now: chrono::DateTime<chrono::Utc>,
) -> Result<ExitCode> {
    let client = store::clients::get(store.conn(), id)?
        .with_context(|| format!("no client {id:?}: see `cobrador client list`"))?;
    if text.is_none() && !clear {
        match store::clients::own_hours(store.conn(), id)? {
            Some(own) => println!(
                "{id}: written to {} ({}){}",
                own.hours,
                client.time_zone.name(),
                own.said
                    .map(|s| format!(", as the client asked: «{s}»"))
                    .unwrap_or_default()
            ),
            None => println!("{id}: the [contact] hours of {}", client.country),
        }
        return Ok(ExitCode::SUCCESS);
    }
    let asked: Option<crate::policy::TimeRange> = text
        .as_deref()
        .map(str::parse)
        .transpose()
        .map_err(|e: String| anyhow::anyhow!("{e}"))?;
    // Hours the law does not allow would be kept as the [contact] hours, silently.
    let asked = match asked {
        Some(hours) => {
            let country: crate::policy::Country = client
                .country
                .parse()
                .map_err(|e| anyhow::anyhow!("client {id}: {e}"))?;
            let kept =
                crate::policy::lawful_own_hours(country, hours).map_err(anyhow::Error::msg)?;
            Some(kept)
        }
        None => None,
    };
    // Nothing to clear: nothing changes, and no event says it did.
    if asked.is_none() && store::clients::own_hours(store.conn(), id)?.is_none() {
        println!(
            "{id}: has no hours of its own; the [contact] hours of {} apply",
            client.country
        );
        return Ok(ExitCode::SUCCESS);
    }
    store.transaction(|tx| {
        store::clients::set_own_hours(tx, id, asked, None, now)?;
        store::events::append(
            tx,
            now,
            Actor::Cli,
            EventKind::ClientHoursSet,
            Some(id),
            None,
            serde_json::json!({ "hours": asked, "note": note }),
        )
    })?;
    match asked {
        Some(h) => println!(
            "{id}: written to {h} ({}) from now on, inside the legal hours of {}",
            client.time_zone.name(),
            client.country
        ),
        None => println!("{id}: back to the [contact] hours of {}", client.country),
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct ClientView {
    #[serde(flatten)]
    client: Client,
    contacts: Vec<Contact>,
    /// Ids of the contacts whose email address bounced for good: no longer written to.
    undeliverable_contacts: Vec<i64>,
    invoices: Vec<Invoice>,
    balances: Vec<(String, String)>,
    promises: Vec<store::Promise>,
    plans: Vec<store::agreements::PaymentPlan>,
    events: Vec<store::Event>,
    /// The hours the client asked to be written to within (`client hours`), if any.
    own_hours: Option<store::clients::OwnHours>,
}

fn balances(invoices: &[Invoice]) -> Vec<(String, String)> {
    let mut per: std::collections::BTreeMap<String, crate::domain::Money> = Default::default();
    for inv in invoices.iter().filter(|i| !i.status.is_closed()) {
        let e = per.entry(inv.currency.clone()).or_default();
        *e = *e + inv.balance;
    }
    per.into_iter().map(|(c, m)| (c, m.to_string())).collect()
}

/// `client list`: every client with its open invoices and balances, written as the clients
/// and their open invoices are read in id order (one pass over each; on a 200,000-client book
/// it filtered every invoice for every client and did not finish in ten minutes).
fn list(conn: &rusqlite::Connection, json: bool) -> Result<()> {
    let clients = store::clients::list(conn)?;
    let row = |mine: &[Invoice]| {
        let open = mine
            .iter()
            .filter(|i| i.status == InvoiceStatus::Open)
            .count();
        (open, balances(mine))
    };
    // Each client with its open invoices (none for most), in id order.
    let each = |emit: &mut dyn FnMut(&Client, &[Invoice]) -> Result<()>| -> Result<()> {
        let mut rest = clients.iter().peekable();
        store::invoices::for_each_client_open(conn, |mine| {
            let id = mine[0].client_id.as_str();
            while let Some(c) = rest.next_if(|c| c.id.as_str() < id) {
                emit(c, &[])?;
            }
            if let Some(c) = rest.next_if(|c| c.id == id) {
                emit(c, &mine)?;
            }
            Ok(())
        })?;
        rest.try_for_each(|c| emit(c, &[]))
    };
    if json {
        return super::stream_json(|out| {
            each(&mut |c, mine| {
                let (open, balances) = row(mine);
                out(serde_json::json!({
                    "id": c.id, "name": c.name, "country": c.country, "kind": c.kind,
                    "open_invoices": open, "balances": balances,
                }))
            })
        });
    }
    super::stream_lines(|out| {
        writeln!(
            out,
            "{:<10} {:<32} {:<3} {:<4} {:>6}  balance",
            "id", "name", "cty", "kind", "open"
        )?;
        each(&mut |c, mine| {
            let (open, balances) = row(mine);
            let bal = balances
                .into_iter()
                .map(|(cur, m)| format!("{m} {cur}"))
                .collect::<Vec<_>>()
                .join(", ");
            writeln!(
                out,
                "{:<10} {:<32} {:<3} {:<4} {:>6}  {}",
                c.id,
                truncate(&c.name, 32),
                c.country,
                c.kind.as_str(),
                open,
                if bal.is_empty() { "-".into() } else { bal }
            )?;
            Ok(())
        })
    })
}

pub fn run(ctx: &Context, args: Args) -> Result<ExitCode> {
    let mut store = ctx.store()?;
    let now = args.now.unwrap_or_else(chrono::Utc::now);
    let cmd = args.command;
    if let Command::Hours {
        id,
        hours: text,
        clear,
        note,
    } = cmd
    {
        return hours(&mut store, &id, (text, clear, note), now);
    }
    if let Command::Hold { id, note } | Command::Unhold { id, note } = &cmd {
        let hold = matches!(cmd, Command::Hold { .. });
        store.transaction(|tx| {
            let client = store::clients::get(tx, id)?
                .with_context(|| format!("no client {id:?}: see `cobrador client list`"))?;
            if client.on_hold == hold {
                anyhow::bail!(
                    "client {id} is already {}",
                    if hold { "on hold" } else { "not on hold" }
                );
            }
            store::clients::set_hold(tx, id, hold, now)?;
            let kind = if hold {
                EventKind::ClientHeld
            } else {
                EventKind::ClientUnheld
            };
            store::events::append(
                tx,
                now,
                Actor::Cli,
                kind,
                Some(id),
                None,
                serde_json::json!({ "note": note }),
            )
        })?;
        println!(
            "{id}: {}",
            if hold {
                "on hold, no automatic reminders"
            } else {
                "reminders resume"
            }
        );
        return Ok(ExitCode::SUCCESS);
    }
    let conn = store.conn();
    match cmd {
        Command::List { json } => list(conn, json)?,
        Command::Hold { .. } | Command::Unhold { .. } | Command::Hours { .. } => {
            unreachable!("handled above")
        }
        Command::Show { id, json } => {
            let client = store::clients::get(conn, &id)?
                .with_context(|| format!("no client {id:?}: see `cobrador client list`"))?;
            let invoices = store::invoices::list(conn, Some(&id))?;
            let contacts = store::clients::for_client(conn, &id)?;
            let undeliverable = store::inbox::undeliverable_contacts(conn)?;
            let view = ClientView {
                undeliverable_contacts: contacts
                    .iter()
                    .map(|k| k.id)
                    .filter(|k| undeliverable.contains(k))
                    .collect(),
                contacts,
                balances: balances(&invoices),
                promises: store::promises::all(conn)?
                    .into_iter()
                    .filter(|p| p.client_id == id)
                    .collect(),
                plans: store::agreements::plans(conn)?
                    .into_iter()
                    .filter(|p| p.client_id == id)
                    .collect(),
                events: store::events::for_client(conn, &id, None)?,
                own_hours: store::clients::own_hours(conn, &id)?,
                invoices,
                client,
            };
            if json {
                return print_json(&view).map(|_| ExitCode::SUCCESS);
            }
            let c = &view.client;
            println!("{} — {}", c.id, c.name);
            if let Some(l) = &c.legal_name {
                println!("  legal name: {l}");
            }
            println!(
                "  {} {} · {} · {} · {}{}",
                c.country,
                c.region.as_deref().unwrap_or(""),
                c.time_zone.name(),
                c.kind.as_str(),
                if c.tuteo { "tú" } else { "usted" },
                if c.on_hold { " · ON HOLD" } else { "" }
            );
            if let Some(own) = &view.own_hours {
                println!(
                    "  written to {} only{} (`client hours {} --clear` to undo)",
                    own.hours,
                    own.said
                        .as_deref()
                        .map(|s| format!(", as the client asked: «{s}»"))
                        .unwrap_or_default(),
                    c.id
                );
            }
            println!("Contacts:");
            for k in &view.contacts {
                println!(
                    "  {:<8} {:<28} {}{}{}{}",
                    k.role.as_str(),
                    k.email.as_deref().unwrap_or("-"),
                    k.name.as_deref().unwrap_or(""),
                    k.telegram_chat_id
                        .map(|t| format!(" telegram:{t}"))
                        .unwrap_or_default(),
                    if k.opted_out { " (opted out)" } else { "" },
                    if view.undeliverable_contacts.contains(&k.id) {
                        " (address bounced: not written to; correct it with import clients)"
                    } else {
                        ""
                    }
                );
            }
            println!("Invoices:");
            for i in &view.invoices {
                println!(
                    "  {:<14} due {}  {:>12} {}  balance {:>12}  {}",
                    i.number,
                    i.due_date,
                    i.amount.in_currency(&i.currency),
                    i.currency,
                    i.balance.in_currency(&i.currency),
                    i.status
                );
            }
            for p in &view.promises {
                println!(
                    "Promise: {} {} ({}, {})",
                    p.promised_date,
                    p.amount.map(|a| a.to_string()).unwrap_or_default(),
                    p.source,
                    p.status.as_str()
                );
            }
            let payments = if view.plans.is_empty() {
                Vec::new()
            } else {
                store::snapshot::load_client(conn, &id)?
                    .map(|f| f.payments)
                    .unwrap_or_default()
            };
            let today = now.with_timezone(&view.client.time_zone).date_naive();
            for p in &view.plans {
                println!(
                    "Payment plan {} ({}) for {}:",
                    p.id,
                    p.status.as_str(),
                    p.invoices.join(", ")
                );
                let states = planner::allocate(p, &payments, today, view.client.time_zone);
                for i in &states {
                    println!(
                        "  {}. {}  {:>12} {}  paid {:>12}  {}",
                        i.number,
                        i.due_date,
                        i.amount.in_currency(&p.currency),
                        p.currency,
                        i.paid.in_currency(&p.currency),
                        i.status
                    );
                }
            }
            println!("Events: {}", view.events.len());
            for e in view.events.iter().rev().take(10) {
                println!(
                    "  {}  {:<22} {:<12} {}",
                    ctx.local(e.at),
                    e.kind,
                    e.invoice_number.as_deref().unwrap_or(""),
                    event_gist(&e.detail, e.invoice_number.is_none())
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The few details of an event an owner reads in a list: the stage and invoices of a reminder,
/// a reply's reading, a payment's amount, a promise's date.
fn event_gist(detail: &serde_json::Value, with_invoices: bool) -> String {
    let text = |key: &str| detail.get(key).and_then(|v| v.as_str());
    let mut parts: Vec<String> = Vec::new();
    if let Some(stage) = text("stage") {
        parts.push(stage.to_owned());
    }
    if let Some(intent) = text("intent") {
        parts.push(intent.to_owned());
    }
    if let Some(day) = text("promised_date").or(text("date")) {
        parts.push(day.to_owned());
    }
    if let Some(amount) = text("amount") {
        parts.push(amount.to_owned());
    }
    if let Some(list) = detail.get("invoices").and_then(|v| v.as_array()) {
        let numbers: Vec<&str> = list.iter().filter_map(|v| v.as_str()).collect();
        if with_invoices && !numbers.is_empty() {
            parts.push(numbers.join(","));
        }
    }
    parts.join(" ")
}

/// Cuts `s` to `n` characters (not bytes: names have accents).
pub(crate) fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        s.chars().take(n - 1).chain(std::iter::once('…')).collect()
    }
}
