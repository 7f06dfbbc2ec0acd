//! The database as the planner sees it: one file per client with everything that decides
//! what to send. Loaded by `store::snapshot`, read by `policy::planner`.

use super::agreement::{PaymentPlan, Promise};
use super::outbox::OutboxMessage;
use super::{Client, Contact, Invoice, Money, Payment};
use chrono::NaiveDate;

/// Everything the planner knows about one client.
#[derive(Debug, Clone)]
pub struct ClientFile {
    /// The client.
    pub client: Client,
    /// Its contacts, billing first.
    pub contacts: Vec<Contact>,
    /// All its invoices, with balances.
    pub invoices: Vec<Invoice>,
    /// All payments on its invoices.
    pub payments: Vec<Payment>,
    /// All its promises.
    pub promises: Vec<Promise>,
    /// All its outbox messages.
    pub messages: Vec<OutboxMessage>,
    /// All its payment plans.
    pub plans: Vec<PaymentPlan>,
    /// `None` when `invoices` and `payments` are all of them. A planning read leaves out the
    /// closed invoices and old payments the planner does not look at, and gives instead what the
    /// segment needs from them (`store::snapshot::for_each_client_to_plan`).
    pub history: Option<PaidHistory>,
    /// Money the client has in its favour: each invoice paid beyond its amount. From the
    /// invoices when the file has them all; a planning read's file leaves the paid invoices
    /// out, and the tick reads it for the clients it writes to (`store::invoices::in_favour_of`).
    pub in_favour: Vec<Credit>,
}

/// What an invoice received beyond its amount: the client's money, until refunded or applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credit {
    /// The invoice paid beyond its amount.
    pub invoice: String,
    /// By how much.
    pub over: Money,
    /// Its currency.
    pub currency: String,
}

impl Credit {
    /// The credits of these invoices (those paid beyond their amount), in their order.
    pub fn of<'a>(invoices: impl IntoIterator<Item = &'a Invoice>) -> Vec<Credit> {
        invoices
            .into_iter()
            .filter(|i| i.paid.0 > i.amount.0)
            .map(|i| Credit {
                invoice: i.number.clone(),
                over: Money(i.paid.0 - i.amount.0),
                currency: i.currency.clone(),
            })
            .collect()
    }
}

/// The closed invoices' part of a client's payment history, summed in SQL: what
/// `policy::planner::derive_segment` needs from the paid invoices a planning read leaves out.
///
/// The segment counts the invoices paid in the 12 months up to the client's own date, which
/// depends on its time zone: a summary is built for every local date in `dates` (the UTC day
/// of the planning instant, and one day either side). Paid invoices whose last payment falls
/// in `core` count for all of them; those near the window's edges are listed one by one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaidHistory {
    /// The client dates (inclusive) this summary is exact for.
    pub dates: (NaiveDate, NaiveDate),
    /// Earliest issue date among the client's closed invoices (paid, cancelled, written off).
    pub first_closed_issue: Option<NaiveDate>,
    /// Whether any of its invoices is paid.
    pub any_paid: bool,
    /// The days (inclusive) of last payment counted in `core_paid` and `core_late`.
    pub core: (NaiveDate, NaiveDate),
    /// Paid invoices whose last payment falls in `core`.
    pub core_paid: u32,
    /// Of those, how many were last paid after their due date.
    pub core_late: u32,
    /// Paid invoices whose last payment falls near the edges, outside `core`: (due date, day of
    /// the last payment).
    pub edge: Vec<(NaiveDate, NaiveDate)>,
}

/// The database as the planner sees it.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// One entry per client.
    pub clients: Vec<ClientFile>,
}
