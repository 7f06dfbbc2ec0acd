//! Building the [`RenderContext`] a template sees from the database, the configuration and a
//! planned message.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::config::{Config, Stage};
use crate::domain::{Channel, Client, ClientKind, Contact, ContactRole, Invoice};
use crate::policy::interest::late_interest;
use crate::render::context as rc;
use crate::render::{RenderContext, compute_totals};

/// The stage from which Ley 3/2004 interest and the 40 EUR are stated (Spain, B2B, EUR).
const INTEREST_FROM_OFFSET: i32 = 15;

/// The business block, from the configuration.
pub fn business(config: &Config) -> rc::Business {
    let b = &config.business;
    rc::Business {
        name: b.name.clone(),
        legal_name: b.legal_name.clone(),
        tax_id: b.tax_id.clone(),
        address: b.address.clone(),
        email: b.email.clone(),
        phone: b.phone.clone(),
        contact_person: b.contact_person.clone(),
        iban: b.iban.clone(),
        payment_methods: b.payment_methods.clone(),
        payment_link: b.payment_link.clone(),
    }
}

/// The locale for a client: its country's Spanish.
pub fn locale_for(client: &Client, config: &Config) -> String {
    match client.country.as_str() {
        "ES" => "es-ES",
        "MX" => "es-MX",
        "CO" => "es-CO",
        "CL" => "es-CL",
        "PE" => "es-PE",
        "AR" => "es-AR",
        _ => config.business.locale.as_str(),
    }
    .to_owned()
}

/// One invoice line; interest is computed when `with_interest` and the law applies.
pub fn invoice_line(
    inv: &Invoice,
    client: &Client,
    today: NaiveDate,
    reached: bool,
    with_interest: bool,
) -> rc::InvoiceLine {
    let days = inv.days_overdue(today);
    let interest = (with_interest
        && client.kind == ClientKind::B2b
        && client.country == "ES"
        && inv.currency == "EUR"
        && days > 0)
        .then(|| interest_for(inv, today))
        .flatten();
    rc::InvoiceLine {
        number: inv.number.clone(),
        issue_date: inv.issue_date,
        due_date: inv.due_date,
        currency: inv.currency.clone(),
        amount: inv.amount.0,
        paid: inv.paid.0,
        balance: inv.balance.0,
        days_overdue: days,
        reached_stage: reached,
        interest,
    }
}

/// Interest on the balance up to `today`. When a half-year's rate is not published (or not
/// verified), no interest figure is stated at all: a wrong figure in a formal letter is worse
/// than none. The 40 EUR of art. 8 do not depend on the rate and are always stated.
fn interest_for(inv: &Invoice, today: NaiveDate) -> Option<rc::Interest> {
    match late_interest(inv.balance.0, inv.due_date, today) {
        Ok(b) if b.all_verified() => Some(rc::Interest {
            total: b.interest,
            periods: b
                .periods
                .iter()
                .map(|p| rc::InterestPeriod {
                    from: p.from,
                    to: p.to,
                    days: p.days,
                    rate: p.rate,
                    boe_id: p.boe_id.unwrap_or_default().to_owned(),
                    amount: p.amount,
                })
                .collect(),
            fixed_costs: b.fixed_costs,
        }),
        _ => Some(rc::Interest {
            total: Decimal::ZERO,
            periods: Vec::new(),
            fixed_costs: crate::policy::interest::FIXED_COSTS_EUR,
        }),
    }
}

/// Whether a stage states interest and fixed costs.
pub fn stage_states_interest(stage: &Stage) -> bool {
    stage.offset_days >= INTEREST_FROM_OFFSET && !stage.handover
}

/// The context for a message to `client` (or to the owner, for hand-overs and alerts).
#[allow(clippy::too_many_arguments)]
pub fn build(
    config: &Config,
    client: &Client,
    contacts: &[Contact],
    stage: &Stage,
    invoices: &[&Invoice],
    reached: &[String],
    today: NaiveDate,
    channel: Channel,
) -> RenderContext {
    let with_interest = stage_states_interest(stage);
    let lines: Vec<rc::InvoiceLine> = invoices
        .iter()
        .map(|i| invoice_line(i, client, today, reached.contains(&i.number), with_interest))
        .collect();
    let totals = compute_totals(&lines);
    let contact_name = contacts
        .iter()
        .find(|c| c.role == ContactRole::Billing && !c.opted_out)
        .or(contacts.first())
        .and_then(|c| c.name.clone());
    RenderContext {
        business: business(config),
        client: rc::Client {
            name: client.name.clone(),
            legal_name: client.legal_name.clone(),
            tax_id: client.tax_id.clone(),
            b2b: client.kind == ClientKind::B2b,
            country: client.country.clone(),
            address: None,
        },
        contact: rc::Contact { name: contact_name },
        tuteo: client.tuteo,
        locale: locale_for(client, config),
        today,
        stage: rc::Stage {
            name: stage.name.clone(),
            tone: stage.tone.clone(),
            day_offset: i64::from(stage.offset_days),
        },
        invoices: lines,
        totals,
        deadline: None,
        handover_date: None,
        broken_promise: None,
        promise: None,
        plan: None,
        discount: None,
        reply: rc::Reply {
            email: Some(config.business.email.clone()),
            telegram: channel == Channel::Telegram,
        },
        owner_alert: None,
        history: rc::History::default(),
        due: None,
    }
}
