//! The vocabulary of collections: clients, contacts, invoices, payments, money, stages.
//!
//! Plain data with no I/O. The store loads and saves these; the planner and the renderer read them.

mod client;
mod invoice;
mod money;

pub use client::{Channel, Client, ClientKind, Contact, ContactRole};
pub use invoice::{Invoice, InvoiceStatus, Payment, PaymentKind};
pub use money::{Money, ParseAmountError, parse_amount, parse_date};
