//! Invoices and the payments that reduce their balance.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::Money;

/// Where an invoice stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceStatus {
    /// Unpaid or partly paid: reminders may apply.
    Open,
    /// Fully paid.
    Paid,
    /// The client contests it: no automatic reminders until a person resolves it.
    Disputed,
    /// Held by the owner: no automatic reminders.
    OnHold,
    /// Cancelled (e.g. by a credit note).
    Cancelled,
    /// Given up as uncollectable.
    WrittenOff,
}

impl InvoiceStatus {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceStatus::Open => "open",
            InvoiceStatus::Paid => "paid",
            InvoiceStatus::Disputed => "disputed",
            InvoiceStatus::OnHold => "on_hold",
            InvoiceStatus::Cancelled => "cancelled",
            InvoiceStatus::WrittenOff => "written_off",
        }
    }

    /// Whether nothing more is owed or chased.
    pub fn is_closed(self) -> bool {
        matches!(
            self,
            InvoiceStatus::Paid | InvoiceStatus::Cancelled | InvoiceStatus::WrittenOff
        )
    }
}

impl fmt::Display for InvoiceStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for InvoiceStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "open" | "pendiente" | "abierta" => InvoiceStatus::Open,
            "paid" | "pagada" | "cobrada" => InvoiceStatus::Paid,
            "disputed" => InvoiceStatus::Disputed,
            "on_hold" => InvoiceStatus::OnHold,
            "cancelled" | "anulada" => InvoiceStatus::Cancelled,
            "written_off" => InvoiceStatus::WrittenOff,
            other => {
                return Err(format!(
                    "unknown invoice status {other:?}: use open, paid, disputed, on_hold, cancelled or written_off"
                ));
            }
        })
    }
}

/// An invoice with its balance already computed from its payments.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Invoice {
    /// The invoice number, unique.
    pub number: String,
    /// Owing client.
    pub client_id: String,
    /// Date of issue.
    pub issue_date: NaiveDate,
    /// Date payment is due.
    pub due_date: NaiveDate,
    /// ISO 4217 currency code.
    pub currency: String,
    /// Invoice total.
    pub amount: Money,
    /// Sum of payments and discounts applied.
    pub paid: Money,
    /// What is still owed: `amount - paid`.
    pub balance: Money,
    /// Current status.
    pub status: InvoiceStatus,
    /// When the client said "ya pagué" and a person has not yet checked it.
    pub paid_claimed_on: Option<NaiveDate>,
    /// Optional PDF to attach.
    pub pdf_path: Option<String>,
    /// Free text describing what was sold.
    pub description: Option<String>,
    /// A payment the bank returned that no later payment made good (a negative payment row):
    /// the invoice is due again, and the client's messages say why.
    pub returned: Option<Returned>,
}

/// A payment the bank sent back: the day cobrador was told of it and how much.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Returned {
    /// Day of the return (the negative payment row's day).
    pub on: NaiveDate,
    /// Amount returned (positive).
    pub amount: Money,
}

impl Invoice {
    /// Days between the due date and `today` (negative before the due date).
    pub fn days_overdue(&self, today: NaiveDate) -> i64 {
        (today - self.due_date).num_days()
    }
}

/// Whether a payment row is money received or a granted prompt-payment discount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PaymentKind {
    /// Money received.
    Payment,
    /// A prompt-payment discount, recorded as such (never a silent write-off).
    Discount,
}

impl PaymentKind {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentKind::Payment => "payment",
            PaymentKind::Discount => "discount",
        }
    }
}

/// A payment (possibly partial) against one invoice.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Payment {
    /// Row id.
    pub id: i64,
    /// The invoice paid.
    pub invoice_number: String,
    /// The day the money arrived.
    pub paid_on: NaiveDate,
    /// Amount.
    pub amount: Money,
    /// Bank reference, if any.
    pub reference: Option<String>,
    /// Payment or discount.
    pub kind: PaymentKind,
    /// When cobrador learned of it (the row's `created_at`: the import, the bank statement,
    /// `invoice pay`), which may be long after `paid_on`: what receipts go by.
    pub recorded_at: DateTime<Utc>,
}
