//! `cobrador report --html FILE`: one page the owner can open, keep and forward.
//!
//! Why one self-contained file: the owner opens it from a mail attachment or a USB stick, often
//! offline, and a report must not call anywhere (no fonts, scripts or images from the network:
//! a request would tell a third party who the clients are). So the charts are inline SVG, the
//! style is an inline `<style>`, and the page has no `src` or `href` to anything outside it.
//!
//! Gathering is here (SQL over the store, with `now` as an argument); the page is written by
//! [`html`] from [`ReportData`] alone, with amounts in the business's locale (es-ES, es-MX, ...).

pub mod html;
pub mod svg;

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context as _, Result};
use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use rusqlite::{Connection, params};
use rust_decimal::Decimal;

use crate::config::Config;
use crate::domain::{Intent, Money};
use crate::store::ts;

/// Aging buckets' labels, in order.
pub const BUCKETS: [&str; 5] = [
    "Sin vencer",
    "1–30 días",
    "31–60 días",
    "61–90 días",
    "Más de 90 días",
];

/// How many weeks "collected per week" shows.
pub const WEEKS: u64 = 12;

/// Open balances of one currency by age.
#[derive(Debug, Clone, PartialEq)]
pub struct AgingRow {
    /// Currency code.
    pub currency: String,
    /// One amount per [`BUCKETS`] entry.
    pub buckets: [Decimal; 5],
    /// Everything owed.
    pub total: Decimal,
    /// Number of open invoices.
    pub invoices: usize,
}

/// Response rate and days to pay after the messages of one stage.
#[derive(Debug, Clone, PartialEq)]
pub struct StageRow {
    /// Stage name.
    pub stage: String,
    /// Template it renders.
    pub template: String,
    /// Messages sent.
    pub sent: usize,
    /// Messages answered (a reply to it, or from the client within 14 days).
    pub answered: usize,
    /// Invoices reminded at this stage that are now paid.
    pub paid: usize,
    /// Mean days from the message to the last payment of those invoices.
    pub days_to_pay: Option<Decimal>,
}

/// A client that needs a person, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttentionRow {
    /// Client name.
    pub client: String,
    /// Client id.
    pub id: String,
    /// Why (Spanish).
    pub reason: String,
}

/// Everything the page shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReportData {
    /// The business's name.
    pub business: String,
    /// The business's locale, for numbers.
    pub locale: String,
    /// When it was made (business time zone).
    pub generated: Option<chrono::NaiveDateTime>,
    /// Aging per currency.
    pub aging: Vec<AgingRow>,
    /// Collected per week (Monday), per currency, the last [`WEEKS`] weeks.
    pub weekly: Vec<(NaiveDate, BTreeMap<String, Decimal>)>,
    /// Promises by outcome: kept, broken, pending, cancelled.
    pub promises: BTreeMap<String, usize>,
    /// Replies by intent.
    pub intents: Vec<(Intent, usize)>,
    /// One row per stage sent.
    pub stages: Vec<StageRow>,
    /// Clients that need a person.
    pub attention: Vec<AttentionRow>,
}

/// Gathers the report at `now`.
pub fn gather(conn: &Connection, config: &Config, now: DateTime<Utc>) -> Result<ReportData> {
    let local = now.with_timezone(&config.business.time_zone);
    let today = local.date_naive();
    Ok(ReportData {
        business: config.business.name.clone(),
        locale: config.business.locale.clone(),
        generated: Some(local.naive_local()),
        aging: aging(conn, today)?,
        weekly: weekly(conn, today)?,
        promises: counts::<String>(
            conn,
            "SELECT status, count(*) FROM promises GROUP BY status",
        )?
        .into_iter()
        .collect(),
        intents: counts(
            conn,
            "SELECT intent, count(*) FROM responses GROUP BY intent ORDER BY count(*) DESC, intent",
        )?,
        stages: stages(conn, config)?,
        attention: attention(conn)?,
    })
}

/// Writes the report to `path` (atomically: a temporary file renamed into place).
pub fn write(conn: &Connection, config: &Config, now: DateTime<Utc>, path: &Path) -> Result<()> {
    let page = html::page(&gather(conn, config, now)?);
    let tmp = path.with_extension("html.tmp");
    std::fs::write(&tmp, page).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

fn aging(conn: &Connection, today: NaiveDate) -> Result<Vec<AgingRow>> {
    let mut rows: BTreeMap<String, AgingRow> = BTreeMap::new();
    // The open invoices' currency, due date, amount and paid sum as they come, from the covering
    // index `invoices_open_aging` alone: reading each invoice's row in due-date order fetched
    // them at random (380,422 open invoices of a 200k book: 1.43 s in `sqlite3` → 0.13 s).
    let mut stmt = conn.prepare(
        "SELECT currency, due_date, amount, paid FROM invoices INDEXED BY invoices_open_aging
         WHERE status IN ('open', 'disputed', 'on_hold')",
    )?;
    let mut open = stmt.query([])?;
    while let Some(r) = open.next()? {
        let (currency, due, amount, paid): (String, NaiveDate, Money, Money) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        let balance = amount - paid;
        if balance.is_settled() {
            continue;
        }
        let i = match (today - due).num_days() {
            d if d <= 0 => 0,
            1..=30 => 1,
            31..=60 => 2,
            61..=90 => 3,
            _ => 4,
        };
        let row = rows
            .entry(currency)
            .or_insert_with_key(|currency| AgingRow {
                currency: currency.clone(),
                buckets: [Decimal::ZERO; 5],
                total: Decimal::ZERO,
                invoices: 0,
            });
        row.buckets[i] += balance.0;
        row.total += balance.0;
        row.invoices += 1;
    }
    Ok(rows.into_values().collect())
}

fn weekly(
    conn: &Connection,
    today: NaiveDate,
) -> Result<Vec<(NaiveDate, BTreeMap<String, Decimal>)>> {
    let monday = today - Days::new(u64::from(today.weekday().num_days_from_monday()));
    let first = monday - Days::new(7 * (WEEKS - 1));
    let mut weeks: Vec<(NaiveDate, BTreeMap<String, Decimal>)> = (0..WEEKS)
        .map(|w| (first + Days::new(7 * w), BTreeMap::new()))
        .collect();
    // The payments in the table's order (`+p.paid_on`), not through the date index, which
    // fetched each row at random: a good part of a book's payments are recent (149,956 of
    // 788,989 in the generated 200k book's last 12 weeks: 1.19 s in `sqlite3` → 0.19 s; the
    // weeks' sums are the same in any order).
    let mut stmt = conn.prepare(
        "SELECT p.paid_on, i.currency, p.amount FROM payments p
         JOIN invoices i ON i.number = p.invoice_number
         WHERE p.kind = 'payment' AND +p.paid_on >= ?1 AND +p.paid_on <= ?2",
    )?;
    let rows = stmt.query_map(params![first, today], |r| {
        Ok((
            r.get::<_, NaiveDate>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    for row in rows {
        let (day, currency, amount) = row?;
        let amount: Decimal = amount
            .parse()
            .with_context(|| format!("payment amount {amount:?} is not a number"))?;
        let index = usize::try_from((day - first).num_days() / 7).unwrap_or(0);
        if let Some((_, sums)) = weeks.get_mut(index) {
            *sums.entry(currency).or_default() += amount;
        }
    }
    Ok(weeks)
}

fn counts<T: rusqlite::types::FromSql>(conn: &Connection, sql: &str) -> Result<Vec<(T, usize)>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, T>(0)?, r.get::<_, i64>(1)? as usize))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The template a stage renders, from the configured ladders (the stage name if unknown).
fn template_of(config: &Config, stage: &str) -> String {
    config
        .reminders
        .ladder
        .iter()
        .chain(
            config
                .reminders
                .segments
                .iter()
                .flat_map(|s| s.ladder.iter()),
        )
        .find(|s| s.name == stage)
        .map(|s| s.template_name().to_owned())
        .unwrap_or_else(|| stage.to_owned())
}

/// One row per message sent to a client: was it answered (a reply linked to it, or one from
/// its client within 14 days); per invoice it named, the days from the message to the
/// invoice's last payment if it is paid now. Each reply test is its own `EXISTS` so that each
/// uses its index (`schema_responses.sql`): with one `OR` of both, SQLite scanned every reply
/// for every message. The messages are read in the table's order (`+o.status`: not through
/// the status index, which fetched each of them at random and then sorted them by id; most
/// messages are sent): 5.5 s → 1.2 s on 508,513 messages in `sqlite3` alone.
const STAGES: &str = "SELECT o.id, o.stage,
        EXISTS (SELECT 1 FROM responses r WHERE r.outbox_id = o.id)
        OR EXISTS (SELECT 1 FROM responses r
                   WHERE r.client_id = o.client_id AND r.received_at >= o.sent_at
                     AND r.received_at < strftime('%Y-%m-%dT%H:%M:%SZ', o.sent_at, '+14 days')),
        (SELECT group_concat(
                  CAST(julianday((SELECT max(p.paid_on) FROM payments p
                                  WHERE p.invoice_number = oi.invoice_number))
                       - julianday(substr(o.sent_at, 1, 10)) AS INTEGER))
         FROM outbox_invoices oi JOIN invoices i ON i.number = oi.invoice_number
         WHERE oi.outbox_id = o.id AND i.status = 'paid')
    FROM outbox o
    WHERE +o.status = 'sent'
      AND o.stage NOT IN ('digest', 'owner_alert', 'handover', 'receipt')
      AND o.stage NOT LIKE 'ack_%'
    ORDER BY o.id";

fn stages(conn: &Connection, config: &Config) -> Result<Vec<StageRow>> {
    let mut stmt = conn.prepare(STAGES)?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(1)?,
            r.get::<_, bool>(2)?,
            r.get::<_, Option<String>>(3)?,
        ))
    })?;
    let mut by_stage: Vec<(StageRow, Vec<i64>)> = Vec::new();
    for row in rows {
        let (stage, answered, days) = row?;
        let index = match by_stage.iter().position(|(s, _)| s.stage == stage) {
            Some(i) => i,
            None => {
                by_stage.push((
                    StageRow {
                        template: template_of(config, &stage),
                        stage,
                        sent: 0,
                        answered: 0,
                        paid: 0,
                        days_to_pay: None,
                    },
                    Vec::new(),
                ));
                by_stage.len() - 1
            }
        };
        let (s, all_days) = &mut by_stage[index];
        s.sent += 1;
        s.answered += usize::from(answered);
        for d in days.iter().flat_map(|d| d.split(',')) {
            if let Ok(n) = d.trim().parse::<i64>() {
                s.paid += 1;
                all_days.push(n.max(0));
            }
        }
    }
    let order = |stage: &str| {
        config
            .reminders
            .ladder
            .iter()
            .position(|s| s.name == stage)
            .unwrap_or(usize::MAX)
    };
    let mut out: Vec<StageRow> = by_stage
        .into_iter()
        .map(|(mut s, days)| {
            if !days.is_empty() {
                let sum: i64 = days.iter().sum();
                s.days_to_pay =
                    Some((Decimal::from(sum) / Decimal::from(days.len() as i64)).round_dp(1));
            }
            s
        })
        .collect();
    out.sort_by_key(|s| order(&s.stage));
    Ok(out)
}

fn attention(conn: &Connection) -> Result<Vec<AttentionRow>> {
    let sql = "
        SELECT c.name, c.id, 'Factura ' || i.number || ' en disputa'
          FROM invoices i JOIN clients c ON c.id = i.client_id WHERE i.status = 'disputed'
        UNION ALL
        SELECT c.name, c.id, 'Dice que ya pagó la factura ' || i.number || ': compruebe el banco'
          FROM invoices i JOIN clients c ON c.id = i.client_id
         WHERE i.status = 'open' AND i.paid_claimed_on IS NOT NULL
        UNION ALL
        SELECT coalesce(c.name, r.sender, '?'), coalesce(c.id, ''), 'Respuesta por revisar'
          FROM responses r LEFT JOIN clients c ON c.id = r.client_id WHERE r.status = 'needs_review'
        UNION ALL
        SELECT DISTINCT c.name, c.id, 'Mensaje no entregado: revise su dirección'
          FROM outbox o JOIN clients c ON c.id = o.client_id
         WHERE o.status = 'dead' AND o.stage NOT IN ('digest', 'owner_alert', 'handover')
        UNION ALL
        SELECT DISTINCT c.name, c.id, 'Pasado a usted: decidir si se reclama por otra vía'
          FROM outbox o JOIN clients c ON c.id = o.client_id
          JOIN outbox_invoices oi ON oi.outbox_id = o.id
          JOIN invoices i ON i.number = oi.invoice_number
         WHERE o.stage = 'handover' AND o.status = 'sent' AND i.status = 'open'
        ORDER BY 1, 3";
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], |r| {
        Ok(AttentionRow {
            client: r.get(0)?,
            id: r.get(1)?,
            reason: r.get(2)?,
        })
    })?;
    let mut rows: Vec<AttentionRow> = rows.collect::<rusqlite::Result<_>>()?;
    // Asked not to be written to, and still owing: cobrador sends them nothing any more.
    rows.extend(
        crate::store::clients::opted_out_owing(conn, None)?
            .into_iter()
            .map(|o| AttentionRow {
                reason: format!(
                    "Pidió no recibir más mensajes y debe {} {}: gestionarlo personalmente",
                    if o.invoices.len() == 1 {
                        "la factura"
                    } else {
                        "las facturas"
                    },
                    o.invoices.join(", ")
                ),
                client: o.name,
                id: o.client_id,
            }),
    );
    rows.extend(
        crate::store::invoices::plan_requests(conn)?
            .into_iter()
            .map(|p| AttentionRow {
                reason: format!(
                    "Pide pagar la factura {} a plazos: proponga un calendario",
                    p.invoice
                ),
                client: p.client,
                id: p.client_id,
            }),
    );
    rows.sort_by(|a, b| (&a.client, &a.reason).cmp(&(&b.client, &b.reason)));
    Ok(rows)
}

/// Default file name of a report made at `now`: `informe-cobros-2026-11-28.html`.
pub fn default_name(now: DateTime<Utc>) -> String {
    format!("informe-cobros-{}.html", ts(now).get(..10).unwrap_or("hoy"))
}

#[cfg(test)]
mod tests {
    /// The per-stage table finds each message's replies through an index, never by reading
    /// every reply for every message (a scan that grew with messages × replies).
    #[test]
    fn the_stage_table_looks_replies_up_by_index() {
        let store = crate::store::Store::open_in_memory().unwrap();
        let mut stmt = store
            .conn()
            .prepare(&format!("EXPLAIN QUERY PLAN {}", super::STAGES))
            .unwrap();
        let plan: Vec<String> = stmt
            .query_map([], |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(plan.iter().all(|l| !l.starts_with("SCAN r")), "{plan:#?}");
        assert_eq!(plan[0], "SCAN o", "{plan:#?}");
        for index in ["responses_outbox", "responses_client_time"] {
            assert!(plan.iter().any(|l| l.contains(index)), "{index}: {plan:#?}");
        }
    }
}
