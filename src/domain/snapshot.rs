//! The database as the planner sees it: one file per client with everything that decides
//! what to send. Loaded by `store::snapshot`, read by `policy::planner`.

use super::agreement::{PaymentPlan, Promise};
use super::outbox::OutboxMessage;
use super::{Client, Contact, Invoice, Payment};

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
}

/// The database as the planner sees it.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// One entry per client.
    pub clients: Vec<ClientFile>,
}
