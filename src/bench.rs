//! Generated data for the scale benchmarks (`cobrador bench gen`, hidden).
//!
//! The benchmarks in `scripts/bench.sh` and the bulk-versus-reference planner test need a
//! database that looks like a collection agency's: many clients in several countries, invoices
//! spread over two years with partial payments, about 30 % overdue, some disputes, promises,
//! payment plans, clients on hold, opted-out contacts and a message history. Everything is
//! drawn from a seeded generator, so the same `--seed` gives the same database, and written with
//! prepared statements in one transaction, so a million invoices take seconds.

use anyhow::{Context, Result};
use chrono::{DateTime, Days, NaiveDate, Utc};
use rusqlite::{Connection, Statement, params};

use crate::store::ts;

mod files;

pub use self::files::{CsvOptions, CsvReport, write_csv};

/// What to generate.
#[derive(Debug, Clone)]
pub struct GenOptions {
    /// Number of clients (invoices are about five per client).
    pub clients: usize,
    /// The day the data is "as of": due dates and payments are spread around it.
    pub now: DateTime<Utc>,
    /// Seed of the generator.
    pub seed: u64,
    /// Size of each historical message body, in bytes (the outbox carries full bodies).
    pub body_bytes: usize,
}

/// What was generated.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct GenReport {
    /// Clients.
    pub clients: usize,
    /// Contacts.
    pub contacts: usize,
    /// Invoices.
    pub invoices: usize,
    /// Of which overdue and unpaid (or partly paid) on `now`.
    pub overdue: usize,
    /// Payments.
    pub payments: usize,
    /// Promises.
    pub promises: usize,
    /// Payment plans.
    pub plans: usize,
    /// Outbox messages (history).
    pub messages: usize,
}

/// (code, weight %, currency, time zones, regions).
const COUNTRIES: &[(&str, u32, &str, &str, &[&str])] = &[
    (
        "ES",
        40,
        "EUR",
        "Europe/Madrid",
        &["MD", "CT", "AN", "VC", "GA", "PV"],
    ),
    ("MX", 25, "MXN", "America/Mexico_City", &[]),
    ("CO", 15, "COP", "America/Bogota", &[]),
    ("CL", 8, "CLP", "America/Santiago", &[]),
    ("PE", 7, "PEN", "America/Lima", &[]),
    ("AR", 5, "ARS", "America/Argentina/Buenos_Aires", &[]),
];

const STAGES_SENT: &[&str] = &["due", "early", "second", "firm", "formal"];

struct Statements<'c> {
    conn: &'c Connection,
    client: Statement<'c>,
    contact: Statement<'c>,
    invoice: Statement<'c>,
    payment: Statement<'c>,
    promise: Statement<'c>,
    plan: Statement<'c>,
    plan_invoice: Statement<'c>,
    instalment: Statement<'c>,
    outbox: Statement<'c>,
    body: Statement<'c>,
    outbox_invoice: Statement<'c>,
}

impl<'c> Statements<'c> {
    fn new(tx: &'c Connection) -> Result<Statements<'c>> {
        Ok(Statements {
            conn: tx,
            client: tx.prepare(
                "INSERT INTO clients (id, name, legal_name, tax_id, country, region, time_zone,
                    kind, on_hold, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
            )?,
            contact: tx.prepare(
                "INSERT INTO contacts (client_id, name, email, role, opted_out, position)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?,
            invoice: tx.prepare(
                "INSERT INTO invoices (number, client_id, issue_date, due_date, currency, amount,
                    status, description, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
            )?,
            payment: tx.prepare(
                "INSERT INTO payments (invoice_number, paid_on, amount, reference, source, created_at)
                 VALUES (?1, ?2, ?3, ?4, 'bench', ?5)",
            )?,
            promise: tx.prepare(
                "INSERT INTO promises (client_id, invoice_number, promised_date, source, status,
                    created_at, resolved_at)
                 VALUES (?1, ?2, ?3, 'reply', ?4, ?5, ?6)",
            )?,
            plan: tx.prepare(
                "INSERT INTO plans (client_id, currency, status, created_at) VALUES (?1, ?2, 'active', ?3)",
            )?,
            plan_invoice: tx
                .prepare("INSERT INTO plan_invoices (plan_id, invoice_number) VALUES (?1, ?2)")?,
            instalment: tx.prepare(
                "INSERT INTO instalments (plan_id, number, due_date, amount) VALUES (?1, ?2, ?3, ?4)",
            )?,
            outbox: tx.prepare(
                "INSERT INTO outbox (dedup_key, client_id, stage, cycle, channel, recipients,
                    subject, body_text, message_id, status, attempts, send_at, sent_at, created_at)
                 VALUES (?1, ?2, ?3, ?4, 'email', ?5, ?6, ?7, ?8, 'sent', 1, ?9, ?9, ?9)",
            )?,
            body: tx.prepare("INSERT INTO outbox_bodies (outbox_id, text) VALUES (?1, ?2)")?,
            outbox_invoice: tx.prepare(
                "INSERT INTO outbox_invoices (outbox_id, invoice_number, reached) VALUES (?1, ?2, 1)",
            )?,
        })
    }
}

/// One generated invoice, as far as the rest of the client's generation needs it.
struct Inv {
    number: String,
    due: NaiveDate,
    amount_cents: i64,
    overdue: bool,
}

fn cents(c: i64) -> String {
    format!("{}.{:02}", c / 100, c % 100)
}

/// Fills an empty database (already migrated) with `opts.clients` clients.
pub fn generate(conn: &mut Connection, opts: &GenOptions) -> Result<GenReport> {
    conn.pragma_update(None, "synchronous", "OFF")?;
    let tx = conn.transaction()?;
    let mut report = GenReport::default();
    {
        let mut st = Statements::new(&tx)?;
        let mut rng = fastrand::Rng::with_seed(opts.seed);
        let body = "Le escribimos en relación con las facturas pendientes. ".repeat(
            opts.body_bytes
                .div_ceil("Le escribimos en relación con las facturas pendientes. ".len()),
        );
        let mut invoice_no = 0usize;
        for i in 0..opts.clients {
            gen_client(
                &mut st,
                &mut rng,
                opts,
                i,
                &mut invoice_no,
                &body,
                &mut report,
            )
            .with_context(|| format!("generating client {i}"))?;
        }
    }
    tx.commit()?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    Ok(report)
}

fn pick_country(
    rng: &mut fastrand::Rng,
) -> &'static (
    &'static str,
    u32,
    &'static str,
    &'static str,
    &'static [&'static str],
) {
    let mut r = rng.u32(0..100);
    for c in COUNTRIES {
        if r < c.1 {
            return c;
        }
        r -= c.1;
    }
    &COUNTRIES[0]
}

fn gen_client(
    st: &mut Statements<'_>,
    rng: &mut fastrand::Rng,
    opts: &GenOptions,
    i: usize,
    invoice_no: &mut usize,
    body: &str,
    report: &mut GenReport,
) -> Result<()> {
    let today = opts.now.date_naive();
    let created = ts(opts.now - chrono::Duration::days(800));
    let id = format!("C{i:07}");
    let (code, _, currency, tz, regions) = *pick_country(rng);
    let region = (!regions.is_empty()).then(|| regions[rng.usize(..regions.len())]);
    let name = format!("Cliente {i} S.L.");
    let kind = if rng.u32(0..100) < 80 { "b2b" } else { "b2c" };
    let on_hold = rng.u32(0..1000) < 10;
    st.client.execute(params![
        id,
        name,
        name,
        format!("B{:08}", i),
        code,
        region,
        tz,
        kind,
        on_hold,
        created
    ])?;
    report.clients += 1;
    let opted_out = rng.u32(0..1000) < 5;
    st.contact.execute(params![
        id,
        "Administración",
        format!("pagos{i}@cliente{i}.example"),
        "billing",
        opted_out,
        0
    ])?;
    report.contacts += 1;
    if rng.u32(0..100) < 20 {
        st.contact.execute(params![
            id,
            "Dirección financiera",
            format!("finanzas{i}@cliente{i}.example"),
            "finance",
            false,
            1
        ])?;
        report.contacts += 1;
    }
    let count = rng.usize(1..=9);
    let mut overdue: Vec<Inv> = Vec::new();
    for _ in 0..count {
        *invoice_no += 1;
        let inv = gen_invoice(st, rng, &id, currency, today, *invoice_no, opts, report)?;
        if inv.overdue {
            overdue.push(inv);
        }
    }
    if overdue.is_empty() {
        return Ok(());
    }
    overdue.sort_by(|a, b| a.due.cmp(&b.due).then(a.number.cmp(&b.number)));
    gen_agreements(st, rng, &id, currency, today, &overdue, opts, report)?;
    gen_history(st, rng, &id, today, &overdue, body, report)
}

/// When a generated payment made on `day` was recorded: the next morning (a business that
/// imports its bank statement every day), never after the book's instant `now`. Receipts go
/// by it (`engine::receipts`): a book whose payments were all recorded at once would be one
/// just after a first import, not a business in its stride.
fn recorded_after(day: NaiveDate, now: DateTime<Utc>) -> String {
    let morning = day
        .succ_opt()
        .and_then(|d| d.and_hms_opt(8, 0, 0))
        .map_or(now, |t| t.and_utc());
    ts(morning.min(now))
}

#[allow(clippy::too_many_arguments)]
fn gen_invoice(
    st: &mut Statements<'_>,
    rng: &mut fastrand::Rng,
    client: &str,
    currency: &str,
    today: NaiveDate,
    n: usize,
    opts: &GenOptions,
    report: &mut GenReport,
) -> Result<Inv> {
    let number = format!("F{n:08}");
    let amount_cents = i64::from(rng.u32(5_000..2_000_000));
    let roll = rng.u32(0..100);
    // 30 % overdue (mostly recent), 8 % open and not yet due, the rest paid over two years.
    let (due, paid) = if roll < 30 {
        let days = if rng.bool() {
            rng.u64(1..45)
        } else {
            rng.u64(1..200)
        };
        (today - Days::new(days), false)
    } else if roll < 38 {
        (today + Days::new(rng.u64(0..40)), false)
    } else {
        (today - Days::new(rng.u64(1..730)), true)
    };
    let issue = due - Days::new([15, 30, 30, 60][rng.usize(..4)]);
    let is_overdue = !paid && due < today;
    let status = if paid {
        "paid"
    } else if is_overdue && rng.u32(0..100) < 5 {
        "disputed"
    } else {
        "open"
    };
    st.invoice.execute(params![
        number,
        client,
        issue,
        due,
        currency,
        cents(amount_cents),
        status,
        format!("Servicios {}", issue.format("%m/%Y")),
        ts(opts.now - chrono::Duration::days(1))
    ])?;
    report.invoices += 1;
    let recorded = |day: NaiveDate| recorded_after(day, opts.now);
    if paid {
        // Paid on time or late (a third late), in one or two payments.
        let late = rng.u32(0..3) == 0;
        let mut day = if late {
            due + Days::new(rng.u64(1..60))
        } else {
            due - Days::new(rng.u64(0..10))
        };
        if day > today {
            day = today;
        }
        let first = if rng.u32(0..100) < 15 {
            amount_cents / 2
        } else {
            amount_cents
        };
        st.payment.execute(params![
            number,
            day,
            cents(first),
            format!("TR{n}"),
            recorded(day)
        ])?;
        report.payments += 1;
        if first < amount_cents {
            let second = (day + Days::new(rng.u64(1..20))).min(today);
            st.payment.execute(params![
                number,
                second,
                cents(amount_cents - first),
                format!("TR{n}b"),
                recorded(second)
            ])?;
            report.payments += 1;
        }
    } else if rng.u32(0..100) < 20 {
        let part = amount_cents * i64::from(rng.u32(20..70)) / 100;
        st.payment.execute(params![
            number,
            due.min(today),
            cents(part),
            format!("TR{n}p"),
            recorded(due.min(today))
        ])?;
        report.payments += 1;
    }
    if is_overdue && status == "open" {
        report.overdue += 1;
    }
    Ok(Inv {
        number,
        due,
        amount_cents,
        overdue: is_overdue && status == "open",
    })
}

/// Promises (pending, broken, kept) and a few payment plans, on overdue clients.
#[allow(clippy::too_many_arguments)]
fn gen_agreements(
    st: &mut Statements<'_>,
    rng: &mut fastrand::Rng,
    client: &str,
    currency: &str,
    today: NaiveDate,
    overdue: &[Inv],
    opts: &GenOptions,
    report: &mut GenReport,
) -> Result<()> {
    let roll = rng.u32(0..100);
    let made = opts.now - chrono::Duration::days(i64::from(rng.u32(3..20)));
    if roll < 8 {
        // A pending promise: some fall due today or already passed (kept or broken this tick).
        let day = today + Days::new(rng.u64(0..10)) - Days::new(rng.u64(0..5));
        st.promise.execute(params![
            client,
            overdue[0].number,
            day,
            "pending",
            ts(made),
            Option::<String>::None
        ])?;
        report.promises += 1;
    } else if roll < 12 {
        st.promise.execute(params![
            client,
            overdue[0].number,
            today - Days::new(rng.u64(10..100)),
            "broken",
            ts(made - chrono::Duration::days(100)),
            Some(ts(made))
        ])?;
        report.promises += 1;
    } else if roll < 16 {
        let plan_created = ts(made);
        st.plan.execute(params![client, currency, plan_created])?;
        let plan_id = st.conn.last_insert_rowid();
        let total: i64 = overdue.iter().map(|i| i.amount_cents).sum();
        for inv in overdue {
            st.plan_invoice.execute(params![plan_id, inv.number])?;
        }
        for k in 0..3i64 {
            let due = today + Days::new(7 + 30 * k as u64) - Days::new(14);
            let amount = if k < 2 {
                total / 3
            } else {
                total - 2 * (total / 3)
            };
            st.instalment
                .execute(params![plan_id, k + 1, due, cents(amount)])?;
        }
        report.plans += 1;
    }
    Ok(())
}

/// The cycle's messages already delivered: one per ladder stage the oldest overdue invoice has
/// passed, for most overdue clients.
fn gen_history(
    st: &mut Statements<'_>,
    rng: &mut fastrand::Rng,
    client: &str,
    today: NaiveDate,
    overdue: &[Inv],
    body: &str,
    report: &mut GenReport,
) -> Result<()> {
    if rng.u32(0..100) >= 70 {
        return Ok(());
    }
    let driver = &overdue[0];
    let days = (today - driver.due).num_days();
    let offsets = [0i64, 3, 7, 15, 30];
    for (stage, offset) in STAGES_SENT.iter().zip(offsets) {
        if offset + 2 > days {
            break;
        }
        let sent = driver.due + Days::new((offset + 1) as u64);
        let at = sent
            .and_hms_opt(10, 0, 0)
            .map(|d| d.and_utc())
            .context("valid time")?;
        let key = format!("{client}|{stage}|{}", driver.number);
        st.outbox.execute(params![
            key,
            client,
            stage,
            driver.number,
            format!("[\"pagos@{client}.example\"]"),
            format!("Factura {} pendiente", driver.number),
            "",
            format!("<{key}@bench.example>"),
            ts(at)
        ])?;
        let id = st.conn.last_insert_rowid();
        st.body.execute(params![id, body])?;
        for inv in overdue.iter().filter(|i| i.due <= sent) {
            st.outbox_invoice.execute(params![id, inv.number])?;
        }
        report.messages += 1;
    }
    Ok(())
}
