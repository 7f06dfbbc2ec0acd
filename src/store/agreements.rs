//! Agreements: payment plans (instalments over one or more invoices) and prompt-payment
//! discount offers.

use std::str::FromStr;

use anyhow::{Result, bail};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::{parse_day, parse_ts, ts};
use crate::domain::Money;

pub use crate::domain::agreement::{DiscountOffer, Instalment, PaymentPlan, PlanStatus};

/// Records a plan; the invoices must belong to the client and not be in another active plan.
pub fn add_plan(
    conn: &Connection,
    client_id: &str,
    currency: &str,
    invoices: &[String],
    instalments: &[Instalment],
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<i64> {
    for number in invoices {
        let busy: Option<i64> = conn
            .query_row(
                "SELECT p.id FROM plans p JOIN plan_invoices pi ON pi.plan_id = p.id
                 WHERE pi.invoice_number = ?1 AND p.status = 'active'",
                [number],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = busy {
            bail!("invoice {number} is already in active plan {id}: cancel it first");
        }
    }
    conn.execute(
        "INSERT INTO plans (client_id, currency, note, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![client_id, currency, note, ts(now)],
    )?;
    let id = conn.last_insert_rowid();
    for number in invoices {
        conn.execute(
            "INSERT INTO plan_invoices (plan_id, invoice_number) VALUES (?1, ?2)",
            params![id, number],
        )?;
    }
    for i in instalments {
        conn.execute(
            "INSERT INTO instalments (plan_id, number, due_date, amount) VALUES (?1, ?2, ?3, ?4)",
            params![id, i.number, i.due_date, i.amount],
        )?;
    }
    Ok(id)
}

/// Every plan, oldest first.
pub fn plans(conn: &Connection) -> Result<Vec<PaymentPlan>> {
    plans_where(conn, "1", None)
}

/// The plan with this id.
pub fn plan(conn: &Connection, id: i64) -> Result<Option<PaymentPlan>> {
    Ok(plans_where(conn, "id = ?1", Some(id))?.pop())
}

/// The plans `filter` (an SQL condition on `plans`, with `?1` the id given) keeps, by id.
fn plans_where(conn: &Connection, filter: &str, id: Option<i64>) -> Result<Vec<PaymentPlan>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT id, client_id, currency, status, created_at, resolved_at, note FROM plans
         WHERE {filter} ORDER BY id"
    ))?;
    let args: Vec<i64> = id.into_iter().collect();
    let mut plans: Vec<PaymentPlan> = stmt
        .query_map(rusqlite::params_from_iter(args), |r| {
            let status: String = r.get(3)?;
            let resolved: Option<String> = r.get(5)?;
            Ok(PaymentPlan {
                id: r.get(0)?,
                client_id: r.get(1)?,
                currency: r.get(2)?,
                status: PlanStatus::from_str(&status)
                    .map_err(|e| super::clients::conversion(3, e))?,
                invoices: Vec::new(),
                instalments: Vec::new(),
                created_at: parse_ts(&r.get::<_, String>(4)?)?,
                resolved_at: resolved.as_deref().map(parse_ts).transpose()?,
                note: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut inv = conn.prepare(
        "SELECT invoice_number FROM plan_invoices WHERE plan_id = ?1 ORDER BY invoice_number",
    )?;
    let mut ins = conn.prepare(
        "SELECT number, due_date, amount FROM instalments WHERE plan_id = ?1 ORDER BY number",
    )?;
    for p in &mut plans {
        p.invoices = inv
            .query_map([p.id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        p.instalments = ins
            .query_map([p.id], |r| {
                Ok(Instalment {
                    number: r.get(0)?,
                    due_date: parse_day(&r.get::<_, String>(1)?)?,
                    amount: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
    }
    Ok(plans)
}

/// Sets a plan's state.
pub fn set_plan_status(
    conn: &Connection,
    id: i64,
    status: PlanStatus,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.execute(
        "UPDATE plans SET status = ?2, resolved_at = ?3 WHERE id = ?1",
        params![id, status.as_str(), ts(now)],
    )?;
    Ok(())
}

/// Settles an active plan (completed or broken, as the planner found it); `false` when it is
/// no longer active (the owner cancelled it meanwhile: a pass plans from the state at its start
/// and writes in groups, and the owner's change stands).
pub fn settle_active_plan(
    conn: &Connection,
    id: i64,
    status: PlanStatus,
    now: DateTime<Utc>,
) -> Result<bool> {
    let changed = conn.execute(
        "UPDATE plans SET status = ?2, resolved_at = ?3 WHERE id = ?1 AND status = 'active'",
        params![id, status.as_str(), ts(now)],
    )?;
    Ok(changed > 0)
}

/// A broken plan runs again (see `Effect::PlanRestored`); false when it is not broken (any more).
pub fn restore_broken_plan(conn: &Connection, id: i64) -> Result<bool> {
    let changed = conn.execute(
        "UPDATE plans SET status = 'active', resolved_at = NULL WHERE id = ?1 AND status = 'broken'",
        params![id],
    )?;
    Ok(changed > 0)
}

/// Records an offer made by a queued message; a second call for the same message is a no-op.
pub fn offer_discount(
    conn: &Connection,
    invoice_number: &str,
    outbox_id: i64,
    amount: Money,
    description: &str,
    valid_until: NaiveDate,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO discount_offers (invoice_number, outbox_id, amount, description, valid_until, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (invoice_number, outbox_id) DO NOTHING",
        params![invoice_number, outbox_id, amount, description, valid_until, ts(now)],
    )?;
    Ok(())
}

/// Offers for one invoice (all invoices when `None`), newest first.
pub fn offers(conn: &Connection, invoice_number: Option<&str>) -> Result<Vec<DiscountOffer>> {
    let mut stmt = conn.prepare(
        "SELECT id, invoice_number, amount, description, valid_until, status FROM discount_offers
         WHERE ?1 IS NULL OR invoice_number = ?1 ORDER BY id DESC",
    )?;
    let rows = stmt.query_map([invoice_number], |r| {
        Ok(DiscountOffer {
            id: r.get(0)?,
            invoice_number: r.get(1)?,
            amount: r.get(2)?,
            description: r.get(3)?,
            valid_until: parse_day(&r.get::<_, String>(4)?)?,
            status: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Marks an offer taken or expired.
pub fn set_offer_status(conn: &Connection, id: i64, status: &str) -> Result<()> {
    conn.execute(
        "UPDATE discount_offers SET status = ?2 WHERE id = ?1",
        params![id, status],
    )?;
    Ok(())
}
