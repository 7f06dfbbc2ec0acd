//! Agreements with a client: promises to pay, payment plans and prompt-payment discounts.
//! The planner reads them; the store keeps them (`store::promises`, `store::agreements`).

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::Money;

/// Where a promise stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PromiseStatus {
    /// The date (plus grace) has not passed yet.
    Pending,
    /// Paid by the date plus grace.
    Kept,
    /// Not paid by the date plus grace.
    Broken,
    /// Replaced by a newer promise or withdrawn.
    Cancelled,
}

impl PromiseStatus {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            PromiseStatus::Pending => "pending",
            PromiseStatus::Kept => "kept",
            PromiseStatus::Broken => "broken",
            PromiseStatus::Cancelled => "cancelled",
        }
    }
}

impl FromStr for PromiseStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "pending" => PromiseStatus::Pending,
            "kept" => PromiseStatus::Kept,
            "broken" => PromiseStatus::Broken,
            "cancelled" => PromiseStatus::Cancelled,
            other => return Err(format!("unknown promise status {other:?}")),
        })
    }
}

/// A promise to pay.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Promise {
    /// Row id.
    pub id: i64,
    /// Client who promised.
    pub client_id: String,
    /// The invoice, or `None` for all the client's open invoices.
    pub invoice_number: Option<String>,
    /// Promised day.
    pub promised_date: NaiveDate,
    /// Promised amount, if stated.
    pub amount: Option<Money>,
    /// `reply` or `owner`.
    pub source: String,
    /// Whether the date was read with doubt (the acknowledgement asked to confirm).
    pub ambiguous: bool,
    /// State.
    pub status: PromiseStatus,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it was found kept or broken (or cancelled).
    pub resolved_at: Option<DateTime<Utc>>,
}

/// Where a plan stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PlanStatus {
    /// Running: its invoices get instalment reminders instead of the ladder.
    Active,
    /// Its invoices are paid.
    Completed,
    /// An instalment was missed beyond the grace period: the ladder resumed.
    Broken,
    /// Withdrawn by the owner.
    Cancelled,
}

impl PlanStatus {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            PlanStatus::Active => "active",
            PlanStatus::Completed => "completed",
            PlanStatus::Broken => "broken",
            PlanStatus::Cancelled => "cancelled",
        }
    }
}

impl FromStr for PlanStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "active" => PlanStatus::Active,
            "completed" => PlanStatus::Completed,
            "broken" => PlanStatus::Broken,
            "cancelled" => PlanStatus::Cancelled,
            other => return Err(format!("unknown plan status {other:?}")),
        })
    }
}

/// One agreed instalment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Instalment {
    /// 1-based position.
    pub number: u32,
    /// Due date.
    pub due_date: NaiveDate,
    /// Amount.
    pub amount: Money,
}

/// An agreed payment plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PaymentPlan {
    /// Row id.
    pub id: i64,
    /// Client.
    pub client_id: String,
    /// Currency of the instalments.
    pub currency: String,
    /// State.
    pub status: PlanStatus,
    /// The invoices it covers.
    pub invoices: Vec<String>,
    /// The instalments, in order.
    pub instalments: Vec<Instalment>,
    /// When it was agreed.
    pub created_at: DateTime<Utc>,
    /// When it completed, broke or was cancelled.
    pub resolved_at: Option<DateTime<Utc>>,
    /// The owner's note.
    pub note: Option<String>,
}

/// A discount offered for paying an invoice by a date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiscountOffer {
    /// Row id.
    pub id: i64,
    /// The invoice.
    pub invoice_number: String,
    /// Amount taken off the balance if paid in time.
    pub amount: Money,
    /// The wording used, e.g. "un descuento del 2 %".
    pub description: String,
    /// Last day to pay.
    pub valid_until: NaiveDate,
    /// `offered`, `taken` or `expired`.
    pub status: String,
}
