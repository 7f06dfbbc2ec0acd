//! Agreements typed in by the owner: payment plans (with their written confirmation to the
//! client) and promises.

use anyhow::{Context as _, Result, bail};
use chrono::{DateTime, Days, NaiveDate, Utc};
use rust_decimal::Decimal;

use crate::config::Config;
use crate::domain::{Actor, EventKind};
use crate::domain::{Channel, Invoice, InvoiceStatus, Money};
use crate::policy::planner::{PlanRef, PlannedMessage, Settings, owner_initiated_moment};
use crate::render::Renderer;
use crate::store::agreements::Instalment;
use crate::store::{self, Store};

/// `count` instalments every `every_days` days from `first`, splitting `total` evenly; the last
/// one takes the cents left over so the instalments add up exactly.
pub fn even_instalments(
    total: Money,
    count: u32,
    every_days: u32,
    first: NaiveDate,
) -> Result<Vec<Instalment>> {
    if count == 0 {
        bail!("--count must be at least 1");
    }
    if every_days == 0 {
        bail!("--every must be at least 1 day");
    }
    let share = (total.0 / Decimal::from(count))
        .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::ToZero);
    let mut out = Vec::new();
    for n in 1..=count {
        let amount = if n == count {
            total.0 - share * Decimal::from(count - 1)
        } else {
            share
        };
        let due_date = first + Days::new(u64::from(every_days) * u64::from(n - 1));
        out.push(Instalment {
            number: n,
            due_date,
            amount: Money(amount),
        });
    }
    Ok(out)
}

/// Records a plan for `numbers` (one client, one currency), takes them off hold, and queues the
/// written confirmation to the client. Returns the plan id.
pub fn agree_plan(
    store: &mut Store,
    config: &Config,
    renderer: &Renderer,
    numbers: &[String],
    instalments: Vec<Instalment>,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<i64> {
    // The client's file as it was before the plan (the first invoice's client: the
    // transaction checks that they all are the same).
    let before = match numbers.first() {
        Some(n) => store::invoices::get(store.conn(), n)?,
        None => None,
    };
    let before = match before {
        Some(inv) => store::snapshot::load_client(store.conn(), &inv.client_id)?,
        None => None,
    };
    store.transaction(|tx| {
        let invoices: Vec<Invoice> =
            numbers.iter().map(|n| store::invoices::require(tx, n)).collect::<Result<_>>()?;
        let first = invoices.first().context("a plan needs at least one --invoice")?;
        let client_id = first.client_id.clone();
        let currency = first.currency.clone();
        for inv in &invoices {
            if inv.client_id != client_id {
                bail!("invoices {} and {} belong to different clients: one plan per client", first.number, inv.number);
            }
            if inv.currency != currency {
                bail!("invoices {} and {} are in different currencies: one plan per currency", first.number, inv.number);
            }
            if inv.status.is_closed() || inv.balance.is_settled() {
                bail!("invoice {} is {}: nothing to plan", inv.number, inv.status);
            }
        }
        let balance: Money = invoices.iter().map(|i| i.balance).sum();
        let planned: Money = instalments.iter().map(|i| i.amount).sum();
        if planned.0 < balance.0 {
            bail!("the instalments add up to {planned} but {balance} {currency} is owed: add an instalment or raise one");
        }
        if instalments.windows(2).any(|w| w[1].due_date <= w[0].due_date) {
            bail!("instalment dates must be in increasing order");
        }
        let id = store::agreements::add_plan(tx, &client_id, &currency, numbers, &instalments, note, now)?;
        for inv in invoices.iter().filter(|i| i.status == InvoiceStatus::OnHold) {
            store::invoices::set_status(tx, &inv.number, InvoiceStatus::Open, now)?;
        }
        store::events::append(
            tx,
            now,
            Actor::Cli,
            EventKind::PlanAgreed,
            Some(&client_id),
            None,
            serde_json::json!({ "plan": id, "invoices": numbers, "instalments": instalments, "note": note }),
        )?;
        // The written confirmation (required in Mexico, good practice everywhere).
        let mut file = before
            .clone()
            .filter(|f| f.client.id == client_id)
            .context("the client is missing")?;
        file.plans = store::agreements::plans(tx)?.into_iter().filter(|p| p.client_id == client_id).collect();
        let to = file.contacts.iter().find(|c| !c.opted_out && c.email.is_some());
        if let Some(contact) = to {
            // Not a reply to the client: it waits for the client's contact window (a plan
            // typed in on Saturday night goes on Monday), one message per client per day.
            let settings = Settings::for_clients(config, [&file.client])?
                .with_client_hours(store::clients::all_own_hours(tx)?);
            let send_at = owner_initiated_moment(&file, &settings, now)
                .map_err(|e| anyhow::anyhow!("client {client_id}: {e}"))?;
            let key = format!("{client_id}|plan_confirmation|plan-{id}");
            let planned = PlannedMessage {
                client: client_id.clone(),
                stage: "plan_confirmation".into(),
                template: "plan_confirmation".into(),
                cycle: format!("plan-{id}"),
                dedup_key: key,
                channel: Channel::Email,
                recipients: contact.email.clone().into_iter().collect(),
                cc: Vec::new(),
                invoices: numbers.to_vec(),
                reached: numbers.to_vec(),
                send_at,
                due_now: send_at <= now,
                why: "payment plan agreed".into(),
                waiting: None,
                handover: false,
                broken_promise: None,
                broken_plan: None,
                deadline: None,
                segment: None,
                plan: Some(PlanRef { id, instalment: 1, missed: false }),
            };
            let rendered = super::render_planned(config, renderer, &file, &planned, now)?;
            store::outbox::insert_if_new(tx, &rendered.message, now)?;
        }
        Ok(id)
    })
}

/// Refuses a promised `date` before the client's `today` (`what` names where it was given).
///
/// "A promised date is never in the past": one already gone is broken the moment it is
/// recorded, and its acknowledgement would tell the client «Anotado: pago el sábado 31 de
/// octubre» months later.
pub fn refuse_past_promise(what: &str, date: NaiveDate, today: NaiveDate) -> Result<()> {
    if date < today {
        bail!(
            "{what} {date} is already past (today is {today} where the client is): a promised \
             date is never in the past; give the day the client now promises to pay"
        );
    }
    Ok(())
}

/// Records a promise the owner heard (by phone, in person) for one invoice.
pub fn promise(
    store: &mut Store,
    number: &str,
    date: NaiveDate,
    amount: Option<Money>,
    now: DateTime<Utc>,
) -> Result<i64> {
    store.transaction(|tx| {
        let inv = store::invoices::require(tx, number)?;
        if inv.status.is_closed() {
            bail!("invoice {number} is {}: nothing to promise", inv.status);
        }
        let client = store::clients::get(tx, &inv.client_id)?
            .with_context(|| format!("no client {}", inv.client_id))?;
        refuse_past_promise(
            "date",
            date,
            now.with_timezone(&client.time_zone).date_naive(),
        )?;
        let id = store::promises::add(
            tx,
            &inv.client_id,
            Some(number),
            date,
            amount,
            "owner",
            None,
            false,
            now,
        )?;
        store::events::append(
            tx,
            now,
            Actor::Cli,
            EventKind::PromiseRecorded,
            Some(&inv.client_id),
            Some(number),
            serde_json::json!({ "promise": id, "date": date, "amount": amount, "source": "owner" }),
        )?;
        Ok(id)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn even_instalments_add_up_exactly() {
        let first = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let list = even_instalments("1000".parse().unwrap(), 3, 30, first).unwrap();
        let amounts: Vec<String> = list.iter().map(|i| i.amount.to_string()).collect();
        assert_eq!(amounts, ["333.33", "333.33", "333.34"]);
        assert_eq!(
            list[2].due_date,
            NaiveDate::from_ymd_opt(2027, 1, 30).unwrap()
        );
        assert!(even_instalments("10".parse().unwrap(), 0, 30, first).is_err());
    }
}
