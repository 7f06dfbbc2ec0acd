//! `cobrador invoice list|show|pay|dispute|resolve|hold|unhold|cancel|write-off`.

use std::process::ExitCode;

use anyhow::Result;
use chrono::{NaiveDate, Utc};
use serde::Serialize;

use super::client::truncate;
use super::{Context, print_json};
use crate::domain::Actor;
use crate::domain::{Invoice, Money, Payment, PaymentKind, parse_date};
use crate::engine::decisions::{self, Decision};
use crate::store;

/// `invoice` with its options: the subcommand and `--now`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
    /// The instant the change happens (RFC 3339), for replaying a scenario; default: now.
    #[arg(long, global = true, value_parser = super::plan::parse_now)]
    pub now: Option<chrono::DateTime<chrono::Utc>>,
}

/// Invoice commands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Every invoice with its balance.
    List {
        /// JSON output.
        #[arg(long)]
        json: bool,
        /// Only open (unpaid, not closed) invoices.
        #[arg(long)]
        open: bool,
    },
    /// One invoice: payments, promise, messages, responses.
    Show {
        /// Invoice number.
        number: String,
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
    /// Record a payment (partial payments reduce the balance).
    Pay {
        /// Invoice number.
        number: String,
        /// Amount, e.g. 1.234,56 or 1234.56; negative (-1.234,56) for a payment the bank
        /// returned: the invoice is due again, and the next reminder says what happened.
        #[arg(allow_hyphen_values = true)]
        amount: String,
        /// Day received (dd/mm/yyyy or yyyy-mm-dd). Default: today.
        #[arg(long)]
        date: Option<String>,
        /// Bank reference.
        #[arg(long)]
        reference: Option<String>,
        /// Record it even if the same amount was recorded within a few days from the bank
        /// statement or the payments import (it is another payment, e.g. an equal instalment).
        #[arg(long)]
        again: bool,
    },
    /// The client contests it: automatic reminders stop until `resolve`.
    Dispute(Target),
    /// Close a dispute or a "ya pagué" claim: reminders may resume.
    Resolve(Target),
    /// Stop automatic reminders for this invoice.
    Hold(Target),
    /// Resume automatic reminders.
    Unhold(Target),
    /// Cancel it (e.g. a credit note was issued).
    Cancel(Target),
    /// Give it up as uncollectable.
    WriteOff(Target),
}

/// An invoice and an optional note.
#[derive(Debug, clap::Args)]
pub struct Target {
    /// Invoice number.
    pub number: String,
    /// Why, for the audit log.
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Serialize)]
struct MessageView {
    stage: String,
    channel: String,
    status: String,
    send_at: String,
    sent_at: Option<String>,
    reached: bool,
}

#[derive(Serialize)]
struct ResponseView {
    intent: crate::domain::Intent,
    promised_date: Option<NaiveDate>,
    channel: crate::domain::ReplyChannel,
    received_at: String,
    status: crate::domain::ResponseStatus,
    body: String,
}

#[derive(Serialize)]
struct InvoiceView {
    #[serde(flatten)]
    invoice: Invoice,
    promised_date: Option<NaiveDate>,
    payments: Vec<Payment>,
    messages: Vec<MessageView>,
    responses: Vec<ResponseView>,
    plans: Vec<store::agreements::PaymentPlan>,
    discounts: Vec<store::agreements::DiscountOffer>,
}

/// What `invoice pay` says it recorded: a negative amount as what it is (the bank returned a
/// payment, or money is refunded), and money left in the client's favour with how to settle it.
fn recorded_line(after: &Invoice, amount: Money, paid_on: NaiveDate) -> String {
    let cur = &after.currency;
    let what = if amount.0.is_sign_negative() {
        format!(
            "a payment returned (or refunded) of {} {cur}",
            Money(-amount.0).in_currency(cur)
        )
    } else {
        format!("{} {cur}", amount.in_currency(cur))
    };
    let mut line = format!(
        "Recorded {what} on {paid_on}: balance {} {cur}, status {}",
        after.balance.in_currency(cur),
        after.status
    );
    if after.balance.0.is_sign_negative() {
        let over = Money(-after.balance.0);
        line.push_str(&format!(
            "; {} {cur} are the client's (refund it: `cobrador invoice pay {} -{}`)",
            over.in_currency(cur),
            after.number,
            over.0
        ));
    }
    line
}

pub fn run(ctx: &Context, args: Args) -> Result<ExitCode> {
    let mut store = ctx.store()?;
    let now = args.now.unwrap_or_else(Utc::now);
    let cmd = args.command;
    match cmd {
        Command::List { json, open } => list(&store, json, open)?,
        Command::Show { number, json } => {
            let view = show(&store, &number)?;
            if json {
                return print_json(&view).map(|_| ExitCode::SUCCESS);
            }
            let i = &view.invoice;
            println!("Invoice {} — client {}", i.number, i.client_id);
            println!(
                "  issued {}  due {}  status {}",
                i.issue_date, i.due_date, i.status
            );
            println!(
                "  amount {} {}  paid {}  balance {}",
                i.amount.in_currency(&i.currency),
                i.currency,
                i.paid.in_currency(&i.currency),
                i.balance.in_currency(&i.currency)
            );
            if let Some(d) = view.promised_date {
                println!("  promised for {d}");
            }
            if let Some(d) = i.paid_claimed_on {
                println!(
                    "  client says it was paid ({d}): check the bank, then `invoice pay` or `invoice resolve`"
                );
            }
            for p in &view.payments {
                println!(
                    "  {} {} {}",
                    p.paid_on,
                    p.amount,
                    p.reference.as_deref().unwrap_or("")
                );
            }
            for p in &view.plans {
                println!("  payment plan {} ({}):", p.id, p.status.as_str());
                for i in &p.instalments {
                    println!(
                        "    {}. {}  {} {}",
                        i.number, i.due_date, i.amount, p.currency
                    );
                }
            }
            for d in &view.discounts {
                println!(
                    "  discount offered: {} {} until {} ({})",
                    d.amount, d.description, d.valid_until, d.status
                );
            }
            println!("Messages:");
            for m in &view.messages {
                println!(
                    "  {:<11} {:<8} {:<9} {}",
                    m.stage,
                    m.channel,
                    m.status,
                    m.sent_at.as_deref().unwrap_or(&m.send_at)
                );
            }
            println!("Responses:");
            for r in &view.responses {
                println!(
                    "  {} {:<9} {} {}",
                    r.received_at,
                    r.intent,
                    r.promised_date.map(|d| d.to_string()).unwrap_or_default(),
                    truncate(&r.body.replace('\n', " "), 60)
                );
            }
        }
        Command::Pay {
            number,
            amount,
            date,
            reference,
            again,
        } => {
            let amount: Money = amount.parse()?;
            if amount.0.abs() > ctx.config.limits.max_amount {
                anyhow::bail!(
                    "amount {} is larger than the largest accepted, {} (limits.max-amount)",
                    amount.0,
                    ctx.config.limits.max_amount
                );
            }
            let paid_on = match date {
                Some(d) => parse_date(&d)
                    .ok_or_else(|| anyhow::anyhow!("--date {d:?}: use dd/mm/yyyy or yyyy-mm-dd"))?,
                None => now.date_naive(),
            };
            let typed = store::invoices::PaymentInput {
                invoice_number: number.clone(),
                paid_on,
                amount,
                reference: reference.clone(),
                kind: PaymentKind::Payment,
                source: Actor::Cli,
                import_key: None,
            };
            let outcome = store.transaction(|tx| {
                if !again && let Some(note) = typed_repeat(tx, &typed, now)? {
                    return Ok(Err(note));
                }
                store::invoices::add_payment(tx, &typed, now)?;
                store::invoices::require(tx, &number).map(Ok)
            })?;
            let after = match outcome {
                Ok(after) => after,
                Err(note) => {
                    println!("{note}");
                    return Ok(ExitCode::SUCCESS);
                }
            };
            println!("{}", recorded_line(&after, amount, paid_on));
        }
        Command::Dispute(t) => change(&mut store, &t, Decision::Dispute, now)?,
        Command::Resolve(t) => change(&mut store, &t, Decision::Resolve, now)?,
        Command::Hold(t) => change(&mut store, &t, Decision::Hold, now)?,
        Command::Unhold(t) => change(&mut store, &t, Decision::Unhold, now)?,
        Command::Cancel(t) => change(&mut store, &t, Decision::Cancel, now)?,
        Command::WriteOff(t) => change(&mut store, &t, Decision::WriteOff, now)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// A payment typed in that repeats one recorded from the bank statement or the payments import
/// (`policy::payment_match`): linked to it and not added; the line for the owner. Several
/// candidates: not added either, the owner is told which.
fn typed_repeat(
    tx: &rusqlite::Connection,
    typed: &store::invoices::PaymentInput,
    now: chrono::DateTime<Utc>,
) -> Result<Option<String>> {
    use store::payment_matches::{Compared, compare, recorded};
    let invoice = store::invoices::require(tx, &typed.invoice_number)?;
    let recorded = recorded(tx, &invoice.number, Actor::Cli)?;
    let origin = crate::policy::payment_match::Origin::Typed;
    Ok(
        match compare(tx, &invoice, typed, origin, &recorded, now)? {
            Compared::New => None,
            Compared::Linked(note) | Compared::Doubt(note) => {
                Some(format!("{note} (if it is another payment, add --again)"))
            }
        },
    )
}

fn show(store: &store::Store, number: &str) -> Result<InvoiceView> {
    let conn = store.conn();
    let invoice = store::invoices::require(conn, number)?;
    let promised_date = store::promises::all(conn)?
        .into_iter()
        .filter(|p| {
            p.client_id == invoice.client_id
                && p.status == store::PromiseStatus::Pending
                && p.invoice_number.as_deref().is_none_or(|n| n == number)
        })
        .map(|p| p.promised_date)
        .next_back();
    let messages = store::outbox::for_invoice(conn, number)?
        .into_iter()
        .map(|m| MessageView {
            reached: m.message.invoices.iter().any(|(n, r)| n == number && *r),
            stage: m.message.stage,
            channel: m.message.channel.to_string(),
            status: m.status.as_str().into(),
            send_at: store::ts(m.message.send_at),
            sent_at: m.sent_at.map(store::ts),
        })
        .collect();
    let responses = store::responses::for_invoice(conn, number)?
        .into_iter()
        .map(|r| ResponseView {
            intent: r.response.intent,
            promised_date: r.response.promised_date,
            channel: r.response.channel,
            received_at: store::ts(r.response.received_at),
            status: r.response.status,
            body: r.response.body,
        })
        .collect();
    Ok(InvoiceView {
        plans: store::agreements::plans(conn)?
            .into_iter()
            .filter(|p| p.invoices.iter().any(|n| n == number))
            .collect(),
        discounts: store::agreements::offers(conn, Some(number))?,
        payments: store::invoices::payments(conn, number)?,
        invoice,
        promised_date,
        messages,
        responses,
    })
}

/// Applies a manual decision and says what changed.
fn change(
    store: &mut store::Store,
    t: &Target,
    decision: Decision,
    now: chrono::DateTime<Utc>,
) -> Result<()> {
    let (status, kind) = decisions::decide(
        store,
        &t.number,
        decision,
        t.note.as_deref(),
        Actor::Cli,
        now,
    )?;
    println!("{}: {} (now {status})", t.number, kind);
    Ok(())
}

/// `invoice list [--open] [--json]`, written as the invoices are read (by due date, with their
/// stored paid sums), so that `| head` answers at once and a million invoices are not held.
fn list(store: &crate::store::Store, json: bool, open: bool) -> Result<()> {
    let each = |f: &mut dyn FnMut(Invoice) -> Result<()>| match open {
        true => store::invoices::for_each_open(store.conn(), f),
        false => store::invoices::for_each(store.conn(), f),
    };
    if json {
        return super::stream_json(each);
    }
    super::stream_lines(|out| {
        writeln!(
            out,
            "{:<14} {:<10} {:<10} {:>12} {:>12} {:<4} status",
            "number", "client", "due", "amount", "balance", "cur"
        )?;
        each(&mut |i| {
            writeln!(
                out,
                "{:<14} {:<10} {:<10} {:>12} {:>12} {:<4} {}",
                truncate(&i.number, 14),
                truncate(&i.client_id, 10),
                i.due_date,
                i.amount,
                i.balance,
                i.currency,
                i.status
            )?;
            Ok(())
        })
    })
}
