//! Late-payment interest as a message states it: which stages and invoices state it, the
//! figures for one invoice, and the payments those figures need.
//!
//! Interest accrues on what was owed each day (`policy::interest`): a partly paid invoice needs
//! its payments with their dates, not only today's balance. Where they come from:
//!
//! - A whole read of a client (`preview`, `store::snapshot::load_client`) has them all.
//! - The tick's planning read does not, on purpose: it takes the payments of the last days
//!   (receipts) and those of invoices under a plan or a promise, and reading every payment of
//!   every open invoice there would cost every tick at 100,000 clients (BENCHMARKS.md), for
//!   the few messages that state interest. So the pass (and `plan_keeping_files`, for `bench
//!   render`) calls [`complete_payments`] for a client with a message due: when the message
//!   states interest ([`stage_states_interest`]: `firm`, `formal` and `final`, from
//!   [`INTEREST_FROM_OFFSET`] days, not the hand-over) and lists a partly paid invoice whose
//!   payments the file does not all hold (their sum is not the invoice's stored paid sum), it
//!   reads those invoices' payments in one query by the `payments_invoice` index. Other
//!   clients, and quiet ticks, read nothing more.
//! - An acknowledgement answering such a notice is built from invoices read by number: it
//!   reads their payments with [`payments_stated`].
//!
//! Should the payments still not account for the paid sum (a caller that did not complete
//! them), the unexplained part is taken as paid on the due date: the figure is then the lower
//! bound, interest on the balance, never more than is owed; a warning names the invoice.

use anyhow::Result;
use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::config::{Config, Stage};
use crate::domain::{Client, ClientKind, Invoice, Payment};
use crate::policy::interest::{PublishedRate, Repayment, late_interest_after_payments};
use crate::policy::planner::{ClientFile, PlannedMessage};
use crate::render::context as rc;
use crate::store;

/// The stage from which Ley 3/2004 interest and the 40 EUR are stated (Spain, B2B, EUR).
pub const INTEREST_FROM_OFFSET: i32 = 15;

/// Whether a message of `stage` states interest and fixed costs: from `firm` on, and only
/// when the business itself is in Spain (a Mexican firm's Spanish client owes what their
/// contract says, not the Spanish statute by default).
pub fn stage_states_interest(config: &Config, stage: &Stage) -> bool {
    stage.offset_days >= INTEREST_FROM_OFFSET && !stage.handover && config.business.country == "ES"
}

/// Whether the law gives interest on `inv` of `client` at `today`, in a message that states it
/// (a Spanish business's: see [`stage_states_interest`]): a Spanish client's invoice in euros,
/// overdue.
pub fn accrues_interest(inv: &Invoice, client: &Client, today: NaiveDate) -> bool {
    client.kind == ClientKind::B2b
        && client.country == "ES"
        && inv.currency == "EUR"
        && inv.days_overdue(today) > 0
}

/// Interest up to `today` on what `inv` owed each day, lowered by its `payments` (all those of
/// the client, or more: the invoice's are picked). When a half-year's rate is not published (or
/// not verified), no interest figure is stated at all: a wrong figure in a formal letter is
/// worse than none. The 40 EUR of art. 8 do not depend on the rate and are always stated.
pub fn interest_for(
    inv: &Invoice,
    payments: &[Payment],
    today: NaiveDate,
    rates: &[PublishedRate],
) -> rc::Interest {
    let paid: Vec<Repayment> = payments
        .iter()
        .filter(|p| p.invoice_number == inv.number)
        .map(|p| Repayment {
            paid_on: p.paid_on,
            amount: p.amount.0,
        })
        .collect();
    let unexplained = inv.paid.0 - paid.iter().map(|p| p.amount).sum::<Decimal>();
    if !unexplained.is_zero() {
        tracing::warn!(
            invoice = %inv.number,
            %unexplained,
            "Payments of a partly paid invoice not read: its interest is stated on the balance (a lower bound)."
        );
    }
    let amount = inv.amount.0 - unexplained.max(Decimal::ZERO);
    match late_interest_after_payments(rates, amount, &paid, inv.due_date, today) {
        Ok(b) if b.all_verified() => rc::Interest {
            total: b.interest,
            principal_changed: b.periods.iter().any(|p| p.principal != inv.balance.0),
            periods: b
                .periods
                .iter()
                .map(|p| rc::InterestPeriod {
                    from: p.from,
                    to: p.to,
                    days: p.days,
                    principal: p.principal,
                    rate: p.rate,
                    boe_id: p.boe_id.unwrap_or_default().to_owned(),
                    amount: p.amount,
                })
                .collect(),
            fixed_costs: b.fixed_costs,
        },
        _ => rc::Interest {
            total: Decimal::ZERO,
            periods: Vec::new(),
            principal_changed: false,
            fixed_costs: crate::policy::interest::FIXED_COSTS_EUR,
        },
    }
}

/// The payments a message of `stage` about `invoices` needs to state interest: every payment
/// of each partly paid one, in one query (by the `payments_invoice` index); none when the stage
/// states no interest. For a message built outside the pass, from invoices read by number.
pub fn payments_stated(
    conn: &rusqlite::Connection,
    config: &Config,
    stage: &Stage,
    invoices: &[&Invoice],
) -> Result<Vec<Payment>> {
    if !stage_states_interest(config, stage) {
        return Ok(Vec::new());
    }
    let partly_paid: Vec<&str> = invoices
        .iter()
        .filter(|i| !i.paid.0.is_zero())
        .map(|i| i.number.as_str())
        .collect();
    store::invoices::payments_of(conn, &partly_paid)
}

/// Reads into `file` every payment of the partly paid invoices whose interest one of
/// `messages` (due now) states, when the file does not hold them all: see the module docs.
pub fn complete_payments<'m>(
    conn: &rusqlite::Connection,
    config: &Config,
    file: &mut ClientFile,
    messages: impl IntoIterator<Item = &'m PlannedMessage>,
    today: NaiveDate,
) -> Result<()> {
    let mut missing: Vec<&str> = Vec::new();
    for m in messages {
        if !super::find_stage(config, m).is_some_and(|s| stage_states_interest(config, &s)) {
            continue;
        }
        for inv in file
            .invoices
            .iter()
            .filter(|i| m.invoices.contains(&i.number))
        {
            let known: Decimal = file
                .payments
                .iter()
                .filter(|p| p.invoice_number == inv.number)
                .map(|p| p.amount.0)
                .sum();
            if !inv.paid.0.is_zero()
                && known != inv.paid.0
                && accrues_interest(inv, &file.client, today)
                && !missing.contains(&inv.number.as_str())
            {
                missing.push(&inv.number);
            }
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    let read = store::invoices::payments_of(conn, &missing)?;
    let missing: Vec<String> = missing.into_iter().map(str::to_owned).collect();
    file.payments
        .retain(|p| !missing.contains(&p.invoice_number));
    file.payments.extend(read);
    file.payments
        .sort_by(|a, b| a.paid_on.cmp(&b.paid_on).then(a.id.cmp(&b.id)));
    Ok(())
}
