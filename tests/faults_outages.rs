//! Outages (issue 14): the SMTP server down for two minutes, then answering 421 and 451,
//! stalling before DATA, closing the connection after DATA, and finally healthy. The real
//! binary runs `tick` and `outbox flush` on a simulated clock against real aiosmtpd servers on
//! one port. In the end every reminder was delivered exactly once (the one whose reply was lost
//! is `uncertain` and resolved as after a crash), every delivery happened inside its client's
//! contact window, and the backoff is visible in the logs.

mod support;

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Duration as Span, Utc};
use cobrador::config::Config;
use cobrador::policy::{ContactRules, Country, HolidayCalendar, is_allowed};
use cobrador::store::{OutboxStatus, Store, outbox};
use support::*;

const CLIENTS: usize = 12;

fn flush(dir: &Path, at: DateTime<Utc>) -> String {
    let out = run_cobrador(
        dir,
        &["outbox", "flush", "--now", &at.to_rfc3339()],
        &[("COBRADOR_LOG", "info")],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The earliest moment something is due again (a retry or a postponed first try).
fn next_due(db: &Path) -> Option<DateTime<Utc>> {
    let store = Store::open(db).unwrap();
    outbox::all(store.conn())
        .unwrap()
        .into_iter()
        .filter_map(|m| match m.status {
            OutboxStatus::Queued => Some(m.message.send_at),
            OutboxStatus::Failed => m.retry_at,
            _ => None,
        })
        .min()
}

#[test]
fn after_every_kind_of_outage_each_reminder_arrives_once_inside_its_window() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let port = unused_port();
    world_with_clients(dir, &plain_smtp(port, 2), CLIENTS);
    let db = dir.join("cobrador.db");
    let config = Config::parse(
        &std::fs::read_to_string(dir.join("cobrador.toml")).unwrap(),
        "t",
    )
    .unwrap();

    // Tuesday 24 November, 18:30 UTC: 19:30 in Madrid (half an hour of contact hours left, so
    // retries cross into Wednesday), 13:30 in Bogotá.
    let t0: DateTime<Utc> = "2026-11-24T18:30:00Z".parse().unwrap();
    let out = run_cobrador(
        dir,
        &["tick", "--now", &t0.to_rfc3339()],
        &[("COBRADOR_LOG", "info")],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("will retry"),
        "backoff in the logs: {stderr}"
    );
    assert!(stderr.contains("warning: sending stopped"), "{stderr}");

    // Down for two minutes (the first retry comes a minute later and fails too).
    let mut now = t0 + Span::minutes(1);
    flush(dir, now);
    now = t0 + Span::minutes(2);

    let phases: [&[&str]; 5] = [
        &["--unavailable-first", "2"],
        &["--tempfail-first", "2"],
        &["--stall-rcpt", "1"],
        &["--close-after-data", "1"],
        &[],
    ];
    let mut captures = Vec::new();
    let mut logs = String::new();
    for (i, args) in phases.iter().enumerate() {
        let mut server = Capture::start_on(&dir.join(format!("cap{i}")), port, args);
        // Two passes per faulty phase, as many as needed in the healthy one.
        let passes = if args.is_empty() { 60 } else { 2 };
        for _ in 0..passes {
            let Some(due) = next_due(&db) else { break };
            now = now.max(due);
            logs.push_str(&flush(dir, now));
        }
        server.stop();
        captures.push(server.dir.clone());
    }
    assert!(next_due(&db).is_none(), "everything went out in the end");

    // The uncertain one: resolved as after a crash, by what the server holds.
    let mut delivered: BTreeMap<String, usize> = BTreeMap::new();
    for c in &captures {
        for raw in captured(c) {
            *delivered.entry(message_id_of(&raw)).or_default() += 1;
        }
    }
    let store = Store::open(&db).unwrap();
    let rows = outbox::all(store.conn()).unwrap();
    let uncertain: Vec<_> = rows
        .iter()
        .filter(|r| r.status == OutboxStatus::Uncertain)
        .collect();
    assert_eq!(uncertain.len(), 1, "the lost reply after DATA: {rows:?}");
    let resolved = uncertain[0].id;
    let mid = uncertain[0].message.message_id.clone().unwrap();
    assert_eq!(delivered.get(&mid), Some(&1), "the server had it");
    cobrador_ok(
        dir,
        &["outbox", "resolve", &uncertain[0].id.to_string(), "--sent"],
    );

    let rows = outbox::all(store.conn()).unwrap();
    let clients: Vec<_> = rows
        .iter()
        .filter(|r| !r.message.stage.starts_with("owner"))
        .collect();
    assert_eq!(clients.len(), CLIENTS, "one reminder per client");
    for r in &clients {
        assert_eq!(r.status, OutboxStatus::Sent, "{r:?}");
        let mid = r.message.message_id.clone().unwrap();
        assert_eq!(delivered.get(&mid), Some(&1), "{mid} delivered once");
        let client = cobrador::store::clients::get(store.conn(), &r.message.client_id)
            .unwrap()
            .unwrap();
        let country: Country = client.country.parse().unwrap();
        let rules = ContactRules::resolve(country, &config.contact_config(country.code())).unwrap();
        let calendar = HolidayCalendar::new(country, None, &[]).unwrap();
        if r.id == resolved {
            // Its sent_at is when a person resolved it; it went out during phase 3.
            continue;
        }
        let at = r.sent_at.unwrap();
        assert!(
            is_allowed(at, client.time_zone, &rules, &calendar, &[]),
            "{} sent at {} local",
            r.message.client_id,
            at.with_timezone(&client.time_zone)
        );
    }
    assert!(
        delivered.values().all(|n| *n == 1),
        "nothing delivered twice: {delivered:?}"
    );
    assert!(logs.contains("will retry"), "{logs}");
    eprintln!(
        "outages: {} reminders, {} deliveries, 1 uncertain resolved, finished at {now}",
        clients.len(),
        delivered.len()
    );
}
