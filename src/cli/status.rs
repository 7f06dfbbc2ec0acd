//! `cobrador status`: aging buckets per currency, promises due, review queue, outbox health.

use std::collections::BTreeMap;
use std::process::ExitCode;

use anyhow::Result;
use chrono::Utc;
use serde::Serialize;

use super::{Context, print_json};
#[cfg(test)]
use crate::domain::Invoice;
use crate::domain::Money;
use crate::store;
use crate::store::clients::OPTED_OUT_LISTED as LISTED;

/// Options of `status`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// JSON output.
    #[arg(long)]
    pub json: bool,
    /// The instant the aging is computed at (RFC 3339). Default: now.
    #[arg(long, value_parser = super::plan::parse_now)]
    pub now: Option<chrono::DateTime<Utc>>,
}

/// Balances by age, in one currency.
#[derive(Debug, Default, Serialize, PartialEq)]
pub struct Aging {
    /// Not yet due.
    pub current: Money,
    /// 0-30 days overdue (the due day counts as 0).
    pub d0_30: Money,
    /// 31-60 days.
    pub d31_60: Money,
    /// 61-90 days.
    pub d61_90: Money,
    /// More than 90 days.
    pub d90_plus: Money,
    /// Everything owed.
    pub total: Money,
}

impl Aging {
    /// Adds `owed`, `days` overdue (negative: not yet due), to its bucket and the total.
    fn add(&mut self, days: i64, owed: Money) {
        let bucket = match days {
            d if d < 0 => &mut self.current,
            0..=30 => &mut self.d0_30,
            31..=60 => &mut self.d31_60,
            61..=90 => &mut self.d61_90,
            _ => &mut self.d90_plus,
        };
        *bucket = *bucket + owed;
        self.total = self.total + owed;
    }
}

/// Buckets open balances per currency as of `today`. Disputed and held invoices are still owed.
/// (The reference for [`aging_of_groups`], which `status` uses.)
#[cfg(test)]
pub fn aging(invoices: &[Invoice], today: chrono::NaiveDate) -> BTreeMap<String, Aging> {
    let mut out: BTreeMap<String, Aging> = BTreeMap::new();
    for inv in invoices
        .iter()
        .filter(|i| !i.status.is_closed() && !i.balance.is_settled())
    {
        let a = out.entry(inv.currency.clone()).or_default();
        a.add(inv.days_overdue(today), inv.balance);
    }
    out
}

/// [`aging`] from the open invoices summed per currency and due date in SQL
/// ([`store::invoices::open_by_due_date`]): the same buckets, exactly.
pub fn aging_of_groups(
    groups: &[store::invoices::OpenGroup],
    today: chrono::NaiveDate,
) -> BTreeMap<String, Aging> {
    let mut out: BTreeMap<String, Aging> = BTreeMap::new();
    for g in groups {
        if let Some(owed) = g.owed {
            let a = out.entry(g.currency.clone()).or_default();
            a.add((today - g.due_date).num_days(), owed);
        }
    }
    out
}

/// The pending promises, the soonest first (mail29: ten of sixteen listed in the order they
/// were made, the one due in two days left out, and nothing said of the rest).
fn print_promises(promises: &[crate::domain::Promise]) {
    println!("Promises pending: {}", promises.len());
    let mut soonest: Vec<&crate::domain::Promise> = promises.iter().collect();
    soonest.sort_by(|a, b| (a.promised_date, &a.client_id).cmp(&(b.promised_date, &b.client_id)));
    for p in soonest.iter().take(LISTED) {
        println!(
            "  {} {} {}",
            p.promised_date,
            p.client_id,
            p.invoice_number.as_deref().unwrap_or("(all open invoices)")
        );
    }
    if promises.len() > LISTED {
        println!(
            "  … and {} more, due later (`cobrador agreement list` lists them all)",
            promises.len() - LISTED
        );
    }
}

/// Money clients have in their favour (invoices paid beyond their amount), with the command
/// that records its refund: the reminders mention it until then (walk28 S07c).
fn print_in_favour(list: &[store::invoices::InFavour]) {
    println!("Money in clients' favour: {}", list.len());
    for c in list.iter().take(LISTED) {
        println!(
            "  {} {} {} {} (refunded: `cobrador invoice pay {} -{}`)",
            c.client,
            c.invoice,
            c.over.in_currency(&c.currency),
            c.currency,
            c.invoice,
            c.over.0
        );
    }
    if list.len() > LISTED {
        println!(
            "  … and {} more (`cobrador status --json` lists them all)",
            list.len() - LISTED
        );
    }
}

pub fn run(ctx: &Context, args: &Args) -> Result<ExitCode> {
    let store = ctx.store()?;
    let conn = store.conn();
    let today = args
        .now
        .unwrap_or_else(Utc::now)
        .with_timezone(&ctx.config.business.time_zone)
        .date_naive();
    // Only the open invoices count (aging, disputes): summed per currency and due date in SQL
    // from their stored paid sums, over an index that holds every column needed.
    let groups = store::invoices::open_by_due_date(conn)?;
    let aging = aging_of_groups(&groups, today);
    let promises = store::promises::pending(conn)?;
    let review = store::responses::list(conn, true)?.len();
    let outbox = store::outbox::counts(conn)?;
    let uncertain = store::outbox::with_status(conn, store::OutboxStatus::Uncertain)?;
    let disputed: usize = groups.iter().map(|g| g.disputed).sum();
    let plan_requests = store::invoices::plan_requests(conn)?;
    let opted_out = store::clients::opted_out_owing(conn, None)?;
    let telegram_problem = store::telegram::problem(conn)?;
    let in_favour = store::invoices::in_favour(conn)?;
    if args.json {
        print_json(&serde_json::json!({
            "today": today, "aging": aging, "promises_pending": promises,
            "disputed_invoices": disputed, "plan_requests": plan_requests, "review_queue": review,
            "outbox": outbox.into_iter().collect::<BTreeMap<_, _>>(),
            "outbox_uncertain": uncertain.iter().map(|m| m.id).collect::<Vec<_>>(),
            "opted_out_owing": opted_out, "in_favour": in_favour,
            "telegram_problem": telegram_problem
                .as_ref()
                .map(|(at, words)| serde_json::json!({ "since": at, "problem": words })),
        }))?;
        return Ok(ExitCode::SUCCESS);
    }
    println!("Status on {today}");
    println!(
        "{:<4} {:>12} {:>12} {:>12} {:>12} {:>12} {:>12}",
        "cur", "not due", "0-30", "31-60", "61-90", "90+", "total"
    );
    for (cur, a) in &aging {
        println!(
            "{:<4} {:>12} {:>12} {:>12} {:>12} {:>12} {:>12}",
            cur,
            a.current.in_currency(cur),
            a.d0_30.in_currency(cur),
            a.d31_60.in_currency(cur),
            a.d61_90.in_currency(cur),
            a.d90_plus.in_currency(cur),
            a.total.in_currency(cur)
        );
    }
    if aging.is_empty() {
        println!("(nothing owed)");
    }
    print_promises(&promises);
    println!("Disputed invoices: {disputed}");
    print_in_favour(&in_favour);
    // Held until the owner answers: the reminders wait for a calendar or an unhold.
    println!("Plan requests waiting for you: {}", plan_requests.len());
    for p in &plan_requests {
        println!(
            "  {} {} {} since {} (`cobrador agreement plan --invoice {} ...` or `cobrador invoice unhold {}`)",
            p.client_id,
            p.client,
            p.invoice,
            p.since
                .with_timezone(&ctx.config.business.time_zone)
                .date_naive(),
            p.invoice,
            p.invoice
        );
    }
    // Nothing is sent to them any more: what they owe is for a person to chase.
    println!(
        "Opted out, still owing (cobrador writes to them no more): {}",
        opted_out.len()
    );
    for o in opted_out.iter().take(LISTED) {
        println!("  {} {} {}", o.client_id, o.name, o.invoices.join(", "));
    }
    if opted_out.len() > LISTED {
        println!(
            "  … and {} more (`cobrador status --json` lists them all)",
            opted_out.len() - LISTED
        );
    }
    println!("Replies to review: {review}");
    let health: Vec<String> = outbox.iter().map(|(s, n)| format!("{s} {n}")).collect();
    println!(
        "Outbox: {}",
        if health.is_empty() {
            "empty".into()
        } else {
            health.join(", ")
        }
    );
    if let Some((at, words)) = &telegram_problem {
        println!("Telegram: a problem since {}: {words}", ctx.local(*at));
    }
    if !uncertain.is_empty() {
        println!(
            "Interrupted while sending (may or may not have gone out; check the Sent folder for \
             email, the client's chat for Telegram, then `cobrador outbox resolve ID --sent|--requeue`):"
        );
        for m in &uncertain {
            println!(
                "  {} {} {} {}",
                m.id,
                m.message.client_id,
                m.message.stage,
                m.message.recipients.join(", ")
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::InvoiceStatus;
    use chrono::NaiveDate;

    fn inv(number: &str, due: &str, balance: &str, cur: &str, status: InvoiceStatus) -> Invoice {
        let d = NaiveDate::parse_from_str(due, "%Y-%m-%d").unwrap();
        let b: Money = balance.parse().unwrap();
        Invoice {
            number: number.into(),
            client_id: "C".into(),
            issue_date: d,
            due_date: d,
            currency: cur.into(),
            amount: b,
            paid: Money::ZERO,
            balance: b,
            status,
            paid_claimed_on: None,
            returned: None,
            pdf_path: None,
            description: None,
        }
    }

    #[test]
    fn buckets_by_age_and_currency() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let list = vec![
            inv("A", "2026-11-30", "10", "EUR", InvoiceStatus::Open),
            inv("B", "2026-11-23", "1", "EUR", InvoiceStatus::Open),
            inv("C", "2026-10-24", "2", "EUR", InvoiceStatus::Open), // 30 days
            inv("D", "2026-10-23", "4", "EUR", InvoiceStatus::Disputed), // 31
            inv("E", "2026-08-01", "8", "EUR", InvoiceStatus::Open),
            inv("F", "2026-08-01", "100", "EUR", InvoiceStatus::Paid),
            inv("G", "2026-11-01", "500", "MXN", InvoiceStatus::Open),
        ];
        let a = aging(&list, today);
        let eur = &a["EUR"];
        assert_eq!(eur.current.to_string(), "10.00");
        assert_eq!(eur.d0_30.to_string(), "3.00");
        assert_eq!(eur.d31_60.to_string(), "4.00");
        assert_eq!(eur.d90_plus.to_string(), "8.00");
        assert_eq!(eur.total.to_string(), "25.00");
        assert_eq!(a["MXN"].d0_30.to_string(), "500.00");
    }
}
