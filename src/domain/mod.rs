//! The vocabulary of collections: clients, contacts, invoices, payments, money, promises and
//! plans, outbox messages, the audit log's actors and event kinds, and the snapshot the planner
//! reads. Every word the database stores for a closed set is an enum here, spelt once.
//!
//! Plain data with no I/O. The store loads and saves these; the planner and the renderer read them.

pub mod agreement;
mod client;
pub mod clock;
mod event;
mod hold;
mod invoice;
pub mod links;
mod money;
pub mod outbox;
mod reply;
mod snapshot;
mod vocabulary;

/// Declares a closed set of stored words as an enum (see `vocabulary.rs`); for other layers'
/// own vocabularies too.
pub(crate) use vocabulary::vocabulary;

/// The reserved client row that owner-facing messages (the morning digest) belong to: outbox
/// rows need a client, and this one is never listed, planned or reminded.
pub const OWNER_CLIENT: &str = "_owner";

pub use agreement::{DiscountOffer, Instalment, PaymentPlan, PlanStatus, Promise, PromiseStatus};
pub use client::{Channel, Client, ClientKind, Contact, ContactRole, same_organisation};
pub use clock::{Clock, received_at, received_at_since};
pub use event::{Actor, EventKind};
pub use hold::HoldKind;
pub use invoice::{Invoice, InvoiceStatus, Payment, PaymentKind, Returned};
pub use money::{CURRENCIES, Money, ParseAmountError, parse_amount, parse_date};
pub use outbox::{
    HANDOVER_STAGE, NewOutboxMessage, OutboxMessage, OutboxStatus, is_owner_facing,
    is_reserved_kind,
};
pub use reply::{Intent, ReplyChannel, ReplyKind, ResponseStatus, UnknownIntent};
pub use snapshot::{ClientFile, Credit, PaidHistory, Snapshot};
pub use vocabulary::UnknownWord;
pub use vocabulary::edit_distance;
