//! The vocabulary of collections: clients, contacts, invoices, payments, money, promises and
//! plans, outbox messages, and the snapshot the planner reads.
//!
//! Plain data with no I/O. The store loads and saves these; the planner and the renderer read them.

pub mod agreement;
mod client;
mod invoice;
pub mod links;
mod money;
pub mod outbox;
mod snapshot;

/// The reserved client row that owner-facing messages (the morning digest) belong to: outbox
/// rows need a client, and this one is never listed, planned or reminded.
pub const OWNER_CLIENT: &str = "_owner";

pub use agreement::{DiscountOffer, Instalment, PaymentPlan, PlanStatus, Promise, PromiseStatus};
pub use client::{Channel, Client, ClientKind, Contact, ContactRole};
pub use invoice::{Invoice, InvoiceStatus, Payment, PaymentKind};
pub use money::{Money, ParseAmountError, parse_amount, parse_date};
pub use outbox::{NewOutboxMessage, OutboxMessage, OutboxStatus, is_owner_facing};
pub use snapshot::{ClientFile, PaidHistory, Snapshot};
