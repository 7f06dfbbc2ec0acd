//! The queueing pass streams: each client is planned, and its due messages rendered and queued,
//! as the planning read hands its file over, inside one write transaction. On generated data
//! with owner alerts owed (messages that died or are uncertain), the pass queues what the
//! reference plan (whole snapshot, computed before the pass) has due, in its order, and in the
//! order the pass always queued: the alerts first, the reminders in plan order, then the email
//! records and receipts; the new alerts do not reach the planner's view of their clients.

mod support;

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use cobrador::bench::{GenOptions, generate};
use cobrador::engine;
use cobrador::policy::planner::{self, Settings};
use cobrador::store::{OutboxStatus, Store, outbox, snapshot};
use support::{World, utc, world};

fn as_of() -> DateTime<Utc> {
    utc("2026-11-24 09:00")
}

/// Ids of sent client reminders, one per client, spread through the client order.
fn sent_reminders(store: &Store, every: usize) -> Vec<i64> {
    let mut stmt = store
        .conn()
        .prepare(
            "SELECT min(id) FROM outbox WHERE status = 'sent' AND stage NOT LIKE 'owner%'
             GROUP BY client_id ORDER BY client_id",
        )
        .unwrap();
    let ids: Vec<i64> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    ids.into_iter().step_by(every).collect()
}

#[test]
fn the_streamed_pass_queues_the_reference_plan_in_order_after_the_alerts() {
    let World {
        dir: _dir,
        mut store,
        config,
        renderer,
    } = world().file_outbox().build();
    generate(
        store.conn_mut(),
        &GenOptions {
            clients: 400,
            now: as_of(),
            seed: 11,
            body_bytes: 200,
        },
    )
    .unwrap();
    // Failures the owner has not been told about, across the client order.
    let failed = sent_reminders(&store, 37);
    assert!(failed.len() >= 4, "{failed:?}");
    for (n, id) in failed.iter().enumerate() {
        let status = if n % 2 == 0 { "dead" } else { "uncertain" };
        store
            .conn()
            .execute(
                "UPDATE outbox SET status = ?1, last_error = '550 5.1.1 unknown (test)'
                 WHERE id = ?2",
                rusqlite::params![status, id],
            )
            .unwrap();
    }
    let now = as_of() + Duration::hours(2);
    let whole = snapshot::load_reference(store.conn()).unwrap();
    let settings = Settings::from_config(&config, &whole).unwrap();
    let reference = planner::plan(&whole, &settings, now);
    let due: Vec<(String, String)> = reference
        .messages
        .iter()
        .filter(|m| m.due_now)
        .map(|m| (m.client.clone(), m.stage.clone()))
        .collect();
    assert!(due.len() > 20, "{}", due.len());
    let before: i64 = store
        .conn()
        .query_row("SELECT max(id) FROM outbox", [], |r| r.get(0))
        .unwrap();

    let report = engine::queue_due(&mut store, &config, &renderer, now).unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.effects, reference.effects);
    assert_eq!(report.held, reference.held.len());
    let next = reference
        .messages
        .iter()
        .filter(|m| !m.due_now)
        .min_by_key(|m| m.send_at);
    assert_eq!(report.next_planned.as_ref(), next);

    // The reminders, in plan order, ids rising; records and receipts after them.
    let reminders: Vec<(String, String)> = report.queued[..due.len()]
        .iter()
        .map(|(c, s, _)| (c.clone(), s.clone()))
        .collect();
    assert_eq!(reminders, due);
    let ids: Vec<i64> = report.queued.iter().map(|(_, _, id)| *id).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");

    // One alert per failure, each before every reminder of the pass, about its invoices; and
    // one per payment plan the pass found broken, about the plan.
    let (alerts, plan_alerts): (Vec<_>, Vec<_>) = outbox::all(store.conn())
        .unwrap()
        .into_iter()
        .filter(|m| m.id > before && m.message.stage == "owner_alert")
        .partition(|m| m.message.cycle.starts_with("outbox-"));
    assert_eq!(alerts.len(), failed.len());
    let broken: BTreeSet<String> = report
        .effects
        .iter()
        .filter_map(|e| match e {
            planner::Effect::PlanBroken { id, instalment, .. } => {
                Some(format!("plan-{id}-{instalment}"))
            }
            _ => None,
        })
        .collect();
    let told: BTreeSet<String> = plan_alerts
        .iter()
        .map(|a| a.message.cycle.clone())
        .collect();
    // At most ten a pass (more are the digest's).
    assert!(told.is_subset(&broken), "{told:?} {broken:?}");
    assert_eq!(told.len(), broken.len().min(10), "{broken:?}");
    let first_reminder = ids[0];
    let cycles: BTreeSet<String> = alerts.iter().map(|a| a.message.cycle.clone()).collect();
    for id in &failed {
        assert!(
            cycles.contains(&format!("outbox-{id}")),
            "no alert for {id}"
        );
        let dead = outbox::get(store.conn(), *id).unwrap().unwrap();
        let alert = alerts
            .iter()
            .find(|a| a.message.cycle == format!("outbox-{id}"))
            .unwrap();
        assert!(alert.id < first_reminder);
        assert_eq!(alert.message.client_id, dead.message.client_id);
        let mut numbers: Vec<&String> = dead.message.invoices.iter().map(|(n, _)| n).collect();
        numbers.sort();
        let mut told: Vec<&String> = alert.message.invoices.iter().map(|(n, _)| n).collect();
        told.sort();
        assert_eq!(told, numbers);
        assert!(matches!(
            dead.status,
            OutboxStatus::Dead | OutboxStatus::Uncertain
        ));
    }

    // Again at the same instant: nothing new, no second alert.
    let again = engine::queue_due(&mut store, &config, &renderer, now).unwrap();
    assert!(again.queued.is_empty(), "{:?}", again.queued);
    let alerts_after = outbox::all(store.conn())
        .unwrap()
        .into_iter()
        .filter(|m| m.message.stage == "owner_alert" && m.id > before)
        .count();
    assert_eq!(alerts_after, failed.len() + told.len());
}
