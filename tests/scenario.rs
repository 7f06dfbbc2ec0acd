//! A new user's first half-year, walked day by day with the library against a real SQLite file
//! and the file channel: clients imported with invoices from a few days to over half a year
//! overdue, ticked four times a day for seven months. Every message that went out is read.
//!
//! Checked (issue 13): each client's stages rise one step at a time within a cycle and start
//! gently; never two client messages on one local day; no message claims earlier reminders
//! that did not happen, and those it cites are the real ones, with their dates; "hoy vence"
//! only on the due day; and, over the walk, every stage of the ladder is used.

use std::collections::BTreeMap;

mod support;

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use cobrador::domain::PaymentKind;
use cobrador::engine;
use cobrador::render::{dates, words};
use cobrador::sender::{FlushOptions, flush_configured};
use cobrador::store::{self, OutboxMessage, OutboxStatus, Store};
use support::{World, utc, world};

const START: (i32, u32, u32) = (2026, 11, 16);
const DAYS: u64 = 215;
/// UTC hours of each day's ticks: Madrid mornings and Mexico/Colombia mornings.
const TICKS: [u32; 4] = [9, 11, 15, 17];

const LADDER: [&str; 8] = [
    "preventive",
    "due",
    "early",
    "second",
    "firm",
    "formal",
    "final",
    "handover",
];

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(START.0, START.1, START.2).unwrap()
}

/// `days` before (negative: after) the start, as dd/mm/yyyy.
fn ago(days: i64) -> String {
    (start() - chrono::Duration::days(days))
        .format("%d/%m/%Y")
        .to_string()
}

const CLIENTS: &str = "codigo;nombre;pais;comunidad;tipo;email
S1;Uno Madrid;ES;MD;b2b;uno@s.example
S2;Dos Sevilla;ES;AN;b2b;dos@s.example
S3;Tres Barcelona;ES;CT;b2c;tres@s.example
S4;Cuatro Madrid;ES;MD;b2b;cuatro@s.example
S5;Cinco México;MX;;b2b;cinco@s.example
S6;Seis Bogotá;CO;;b2b;seis@s.example
S7;Siete Madrid;ES;MD;b2b;siete@s.example
S8;Ocho Madrid;ES;MD;b2b;ocho@s.example
";

/// (number, client, days overdue at the start, amount, currency)
const INVOICES: [(&str, &str, i64, &str, &str); 18] = [
    ("A-1", "S1", 5, "300,00", "EUR"),
    ("A-2", "S1", 20, "450,00", "EUR"),
    ("B-1", "S2", 45, "1.200,00", "EUR"),
    ("B-2", "S2", 12, "80,00", "EUR"),
    ("B-3", "S2", -10, "95,00", "EUR"),
    ("C-1", "S3", 100, "600,00", "EUR"),
    ("C-2", "S3", 70, "150,00", "EUR"),
    ("C-3", "S3", 3, "60,00", "EUR"),
    ("D-1", "S4", 200, "2.000,00", "EUR"),
    ("D-2", "S4", 190, "500,00", "EUR"),
    ("E-1", "S5", 30, "9.000,00", "MXN"),
    ("E-2", "S5", 8, "4.000,00", "MXN"),
    ("E-3", "S5", -2, "3.000,00", "MXN"),
    ("F-1", "S6", 130, "1.500.000,00", "COP"),
    ("F-2", "S6", 60, "700.000,00", "COP"),
    ("G-1", "S7", -5, "200,00", "EUR"),
    ("G-2", "S7", -22, "210,00", "EUR"), // due Tuesday 8 December 2026, a holiday
    ("H-1", "S8", 15, "400,00", "EUR"),
];

/// The clients of [`CLIENTS`] with the invoices of [`INVOICES`] (and S8's H-2, not due
/// yet), imported on the start day at 07:00 UTC; messages go to the file channel.
fn half_a_year_of_debts() -> World {
    let mut csv = String::from("numero;cliente;fecha;vencimiento;importe;moneda\n");
    for (n, c, age, amount, cur) in INVOICES {
        csv.push_str(&format!(
            "{n};{c};{};{};{amount};{cur}\n",
            ago(age + 30),
            ago(age)
        ));
    }
    csv.push_str(&format!("H-2;S8;{};{};90,00;EUR\n", ago(5), ago(-25)));
    world()
        .clients(CLIENTS)
        .invoices(&csv)
        .imported_at(utc(&format!("{} 07:00", start())))
        .file_outbox()
        .build()
}

fn pay(store: &mut Store, number: &str, amount: &str, now: DateTime<Utc>) {
    store
        .transaction(|tx| {
            store::invoices::add_payment(
                tx,
                &store::invoices::PaymentInput {
                    invoice_number: number.into(),
                    paid_on: now.date_naive(),
                    amount: amount.parse()?,
                    reference: None,
                    kind: PaymentKind::Payment,
                    source: cobrador::domain::Actor::Cli,
                    import_key: None,
                },
                now,
            )
        })
        .unwrap();
}

fn walk() -> (tempfile::TempDir, Store, Vec<OutboxMessage>) {
    let World {
        dir,
        mut store,
        config,
        renderer,
    } = half_a_year_of_debts();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    for d in 0..DAYS {
        let day = start() + Days::new(d);
        for h in TICKS {
            let now = Utc.from_utc_datetime(&day.and_hms_opt(h, 0, 0).unwrap());
            if d == 40 && h == TICKS[0] {
                // S8 pays its oldest invoice: the next one starts a new cycle.
                pay(&mut store, "H-1", "400,00", now);
            }
            let report = engine::queue_due(&mut store, &config, &renderer, now).unwrap();
            assert!(report.errors.is_empty(), "{now}: {:?}", report.errors);
            let flushed = rt
                .block_on(flush_configured(
                    &config,
                    &mut store,
                    now,
                    &FlushOptions::default(),
                ))
                .unwrap();
            assert_eq!(flushed.dead, 0, "{now}");
        }
    }
    let all = store::outbox::all(store.conn()).unwrap();
    (dir, store, all)
}

fn client_facing(m: &OutboxMessage) -> bool {
    m.message.stage != "handover" && m.message.stage != "owner_alert"
}

fn rank(stage: &str) -> Option<usize> {
    LADDER.iter().position(|s| *s == stage)
}

#[test]
fn half_a_year_of_imported_debts_escalates_gently_and_honestly() {
    let (_dir, store, all) = walk();
    let clients: BTreeMap<String, chrono_tz::Tz> = store::clients::list(store.conn())
        .unwrap()
        .into_iter()
        .map(|c| (c.id, c.time_zone))
        .collect();
    let mut sent: Vec<&OutboxMessage> = all
        .iter()
        .filter(|m| m.status == OutboxStatus::Sent)
        .collect();
    sent.sort_by_key(|m| (m.sent_at, m.id));
    assert!(sent.len() > 40, "only {} messages in the walk", sent.len());
    for m in &sent {
        eprintln!(
            "{} {:<18} {:<10} {:?}",
            m.sent_at.unwrap().format("%Y-%m-%d %H:%M"),
            m.message.stage,
            m.message.client_id,
            m.message
                .invoices
                .iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>()
        );
    }
    let local = |m: &OutboxMessage| {
        m.sent_at
            .unwrap()
            .with_timezone(&clients[&m.message.client_id])
            .date_naive()
    };

    // 1. Never two client messages on one local day.
    let mut per_day: BTreeMap<(String, NaiveDate), Vec<&str>> = BTreeMap::new();
    for m in sent.iter().filter(|m| client_facing(m)) {
        per_day
            .entry((m.message.client_id.clone(), local(m)))
            .or_default()
            .push(&m.message.stage);
    }
    for ((client, day), stages) in &per_day {
        assert_eq!(stages.len(), 1, "{client} on {day}: {stages:?}");
    }

    // 2. Within a cycle, stages rise one at a time from a gentle start.
    let mut cycles: BTreeMap<(String, String), Vec<(&str, NaiveDate)>> = BTreeMap::new();
    for m in sent.iter().filter(|m| rank(&m.message.stage).is_some()) {
        if m.message.stage == "preventive" {
            continue; // per invoice, before the ladder proper
        }
        cycles
            .entry((m.message.client_id.clone(), m.message.cycle.clone()))
            .or_default()
            .push((&m.message.stage, local(m)));
    }
    for ((client, cycle), steps) in &cycles {
        let ranks: Vec<usize> = steps.iter().filter_map(|(s, _)| rank(s)).collect();
        assert!(
            ranks[0] <= rank("early").unwrap(),
            "{client} {cycle}: {steps:?}"
        );
        for pair in ranks.windows(2) {
            assert_eq!(pair[1], pair[0] + 1, "{client} {cycle}: {steps:?}");
        }
    }

    // 3. Every body read: claims of earlier reminders only when true, with the real dates.
    for m in sent.iter().filter(|m| client_facing(m)) {
        let earlier: Vec<NaiveDate> = sent
            .iter()
            .filter(|p| {
                p.message.client_id == m.message.client_id
                    && p.message.cycle == m.message.cycle
                    && client_facing(p)
                    && !p.message.stage.starts_with("ack_")
                    && p.message.stage != "preventive"
                    && (p.sent_at, p.id) < (m.sent_at, m.id)
            })
            .map(|p| local(p))
            .collect();
        let mut text = m.message.body_text.clone();
        text.push('\n');
        text.push_str(m.message.subject.as_deref().unwrap_or_default());
        if let Some(html) = &m.message.body_html {
            text.push('\n');
            text.push_str(&words::strip_html(html));
        }
        let who = format!("{} {} {}", m.message.client_id, m.message.stage, local(m));
        let tokens = words::tokens(&text);
        if earlier.is_empty() {
            if let Some(claim) = words::first_match(&tokens, words::EARLIER_REMINDERS) {
                panic!("{who} claims {claim:?} with no earlier reminder:\n{text}");
            }
        } else if text.contains("pese a nuestros recordatorios") {
            let cited = format!(
                "pese a nuestros recordatorios {}",
                dates::date_list(&earlier, local(m))
            );
            assert!(text.contains(&cited), "{who}: expected «{cited}»:\n{text}");
        }
        let lower = text.to_lowercase();
        if lower.contains("hoy vence") || lower.contains("hoy, ") && lower.contains(", vence") {
            let due_today = m.message.invoices.iter().any(|(n, _)| {
                store::invoices::require(store.conn(), n).unwrap().due_date == local(m)
            });
            assert!(due_today, "{who} says it falls due today:\n{text}");
        }
    }

    // 4. The walk used every stage.
    for stage in LADDER {
        assert!(
            sent.iter().any(|m| m.message.stage == stage),
            "no {stage} in the walk"
        );
    }
}
