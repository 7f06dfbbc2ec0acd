//! `cobrador agreement plan ... | promise INVOICE DATE [AMOUNT] | list | cancel-plan ID`.

use std::process::ExitCode;

use anyhow::{Context as _, Result, bail};
use chrono::Utc;

use super::{Context, print_json};
use crate::domain::{Actor, EventKind};
use crate::domain::{Money, parse_date};
use crate::engine::agreements;
use crate::render::Renderer;
use crate::store::{self, agreements::Instalment};

/// `agreement` with its options: the subcommand and `--now`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
    /// The instant the change happens (RFC 3339), for replaying a scenario; default: now.
    #[arg(long, global = true, value_parser = super::plan::parse_now)]
    pub now: Option<chrono::DateTime<chrono::Utc>>,
}

/// Agreement commands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Record an agreed payment plan and send the client its written confirmation.
    ///
    /// Either explicit instalments (`--instalment 01/12/2026=500 --instalment 15/12/2026=500`)
    /// or `--count N --every DAYS --from DATE` to split the balance evenly.
    Plan {
        /// Invoice(s) the plan covers (repeat for several, same client).
        #[arg(long = "invoice", required = true)]
        invoices: Vec<String>,
        /// One instalment as DATE=AMOUNT (repeatable).
        #[arg(long = "instalment")]
        instalments: Vec<String>,
        /// Number of equal instalments.
        #[arg(long, conflicts_with = "instalments")]
        count: Option<u32>,
        /// Days between instalments.
        #[arg(long, default_value_t = 30)]
        every: u32,
        /// Date of the first instalment.
        #[arg(long)]
        from: Option<String>,
        /// A note for the audit log.
        #[arg(long)]
        note: Option<String>,
    },
    /// Record a promise to pay heard by phone or in person.
    Promise {
        /// Invoice number.
        invoice: String,
        /// Promised date (dd/mm/yyyy or yyyy-mm-dd).
        date: String,
        /// Promised amount (default: the balance).
        amount: Option<String>,
    },
    /// Plans and promises.
    List {
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
    /// Cancel an active plan: its invoices return to the ladder.
    CancelPlan {
        /// Plan id.
        id: i64,
    },
}

/// Moves instalments that fall on a weekend or a holiday of the client's calendar to the next
/// business day, saying so on stderr: a client cannot be asked to pay on a bank holiday.
fn on_business_days(
    store: &store::Store,
    config: &crate::config::Config,
    invoices: &[String],
    list: Vec<Instalment>,
) -> Result<Vec<Instalment>> {
    let Some(first) = invoices.first() else {
        return Ok(list);
    };
    let inv = store::invoices::require(store.conn(), first)?;
    let client = store::clients::get(store.conn(), &inv.client_id)?
        .with_context(|| format!("invoice {first}: its client {} is missing", inv.client_id))?;
    let calendar = crate::config::calendar_for(config, &client)?;
    Ok(list
        .into_iter()
        .map(|mut i| {
            let moved = crate::policy::planner::on_business_day(i.due_date, &calendar);
            if moved != i.due_date {
                eprintln!(
                    "warning: instalment {} on {} is not a business day for client {} ({}): moved to {}",
                    i.number,
                    i.due_date,
                    client.id,
                    calendar
                        .is_holiday(i.due_date)
                        .map_or_else(|| "weekend".to_owned(), |h| h.to_owned()),
                    moved
                );
                i.due_date = moved;
            }
            i
        })
        .collect())
}

fn date(text: &str, what: &str) -> Result<chrono::NaiveDate> {
    parse_date(text).with_context(|| format!("{what} {text:?}: use dd/mm/yyyy or yyyy-mm-dd"))
}

pub fn run(ctx: &Context, args: Args) -> Result<ExitCode> {
    let mut store = ctx.store()?;
    let now = args.now.unwrap_or_else(Utc::now);
    let cmd = args.command;
    match cmd {
        Command::Plan {
            invoices,
            instalments,
            count,
            every,
            from,
            note,
        } => {
            let list: Vec<Instalment> = if let Some(count) = count {
                let from = date(
                    from.as_deref()
                        .context("--count needs --from DATE (the first instalment)")?,
                    "--from",
                )?;
                let balance: Money = invoices
                    .iter()
                    .map(|n| store::invoices::require(store.conn(), n).map(|i| i.balance))
                    .collect::<Result<Vec<_>>>()?
                    .into_iter()
                    .sum();
                agreements::even_instalments(balance, count, every, from)?
            } else {
                if instalments.is_empty() {
                    bail!(
                        "give --instalment DATE=AMOUNT (repeatable) or --count N --every DAYS --from DATE"
                    );
                }
                instalments
                    .iter()
                    .enumerate()
                    .map(|(i, spec)| {
                        let (d, a) = spec.split_once('=').with_context(|| {
                            format!(
                                "--instalment {spec:?}: write DATE=AMOUNT, e.g. 01/12/2026=500,00"
                            )
                        })?;
                        Ok(Instalment {
                            number: i as u32 + 1,
                            due_date: date(d, "--instalment date")?,
                            amount: a.parse()?,
                        })
                    })
                    .collect::<Result<_>>()?
            };
            let list = on_business_days(&store, &ctx.config, &invoices, list)?;
            let renderer = Renderer::new(ctx.config.templates_dir.as_deref())?;
            let id = agreements::agree_plan(
                &mut store,
                &ctx.config,
                &renderer,
                &invoices,
                list.clone(),
                note.as_deref(),
                now,
            )?;
            println!("Plan {id} agreed for {}:", invoices.join(", "));
            for i in &list {
                println!("  {}. {}  {}", i.number, i.due_date, i.amount);
            }
            println!("The written confirmation is queued; `cobrador tick` sends it.");
        }
        Command::Promise {
            invoice,
            date: d,
            amount,
        } => {
            let d = date(&d, "date")?;
            let amount = amount.map(|a| a.parse::<Money>()).transpose()?;
            let id = agreements::promise(&mut store, &invoice, d, amount, now)?;
            println!(
                "Promise {id} recorded: {invoice} on {d}; reminders for it pause until then plus the grace period."
            );
        }
        Command::List { json } => {
            let plans = store::agreements::plans(store.conn())?;
            let promises = store::promises::all(store.conn())?;
            if json {
                print_json(&serde_json::json!({ "plans": plans, "promises": promises }))?;
                return Ok(ExitCode::SUCCESS);
            }
            for p in &plans {
                println!(
                    "plan {} {} {} [{}] {}",
                    p.id,
                    p.client_id,
                    p.status.as_str(),
                    p.invoices.join(","),
                    p.currency
                );
                for i in &p.instalments {
                    println!("    {}. {} {}", i.number, i.due_date, i.amount);
                }
            }
            for p in &promises {
                println!(
                    "promise {} {} {} {} {} ({})",
                    p.id,
                    p.client_id,
                    p.invoice_number.as_deref().unwrap_or("(all)"),
                    p.promised_date,
                    p.amount.map(|a| a.to_string()).unwrap_or_default(),
                    p.status.as_str()
                );
            }
        }
        Command::CancelPlan { id } => {
            store.transaction(|tx| {
                let plan = store::agreements::plans(tx)?
                    .into_iter()
                    .find(|p| p.id == id)
                    .with_context(|| format!("no plan {id}: see `cobrador agreement list`"))?;
                if plan.status != store::agreements::PlanStatus::Active {
                    bail!("plan {id} is {}, not active", plan.status.as_str());
                }
                store::agreements::set_plan_status(
                    tx,
                    id,
                    store::agreements::PlanStatus::Cancelled,
                    now,
                )?;
                store::events::append(
                    tx,
                    now,
                    Actor::Cli,
                    EventKind::PlanCancelled,
                    Some(&plan.client_id),
                    None,
                    serde_json::json!({ "plan": id }),
                )?;
                Ok(())
            })?;
            println!("Plan {id} cancelled: its invoices return to the ladder.");
        }
    }
    Ok(ExitCode::SUCCESS)
}
