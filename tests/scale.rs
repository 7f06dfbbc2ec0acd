//! The planner's bulk loader (each table read once, in client order) against the per-client
//! reference loader, on generated data (`cobrador bench gen`): the same plans, message for
//! message, hold for hold, effect for effect; and a queueing pass through the bulk path that
//! queues exactly the due messages of the reference plan.

mod support;

use chrono::{DateTime, Duration, Utc};
use cobrador::bench::{GenOptions, generate};
use cobrador::config::Config;
use cobrador::engine;
use cobrador::policy::planner::{self, Plan, Settings};
use cobrador::store::{Store, snapshot};
use support::{World, utc, world};

fn as_of() -> DateTime<Utc> {
    utc("2026-11-24 09:00")
}

/// `clients` generated clients (`cobrador bench gen`, seed 7) and the file channel.
fn generated(clients: usize) -> World {
    let mut w = world().file_outbox().build();
    let report = generate(
        w.store.conn_mut(),
        &GenOptions {
            clients,
            now: as_of(),
            seed: 7,
            body_bytes: 300,
        },
    )
    .unwrap();
    // The data has what the planner must handle, not just the easy case.
    assert!(report.overdue > clients / 2, "{report:?}");
    assert!(
        report.promises > 0 && report.plans > 0 && report.messages > 0,
        "{report:?}"
    );
    w
}

fn reference_plan(store: &Store, config: &Config, now: DateTime<Utc>) -> Plan {
    let snapshot = snapshot::load_reference(store.conn()).unwrap();
    let settings = Settings::from_config(config, &snapshot).unwrap();
    planner::plan(&snapshot, &settings, now)
}

#[test]
fn bulk_and_reference_loaders_give_the_same_plans() {
    let World {
        dir: _dir,
        store,
        config,
        ..
    } = generated(600);
    // Several instants: a weekday morning, a weekend, a week and two months later (promises
    // and instalments fall due, stages move on).
    for offset in [0, 4 * 24 + 3, 7 * 24, 60 * 24] {
        let now = as_of() + Duration::hours(offset);
        let reference = reference_plan(&store, &config, now);
        let bulk = engine::plan_now(&store, &config, now).unwrap();
        assert!(!reference.messages.is_empty() && !reference.held.is_empty());
        assert_eq!(bulk.messages.len(), reference.messages.len(), "at {now}");
        for (b, r) in bulk.messages.iter().zip(&reference.messages) {
            assert_eq!(b, r, "at {now}");
        }
        assert_eq!(bulk.held, reference.held, "at {now}");
        assert_eq!(bulk.effects, reference.effects, "at {now}");
        assert_eq!(bulk.errors, reference.errors, "at {now}");
        // The whole snapshot too, bodies of past messages aside (the bulk loader skips them).
        let mut whole = snapshot::load(store.conn()).unwrap();
        let mut old = snapshot::load_reference(store.conn()).unwrap();
        for f in whole.clients.iter_mut().chain(old.clients.iter_mut()) {
            for m in &mut f.messages {
                m.message.body_text.clear();
                m.message.body_html = None;
            }
        }
        assert_eq!(format!("{:?}", whole.clients), format!("{:?}", old.clients));
    }
}

#[test]
fn a_pass_through_the_bulk_path_queues_the_reference_plans_due_messages() {
    let World {
        dir: _dir,
        mut store,
        config,
        renderer,
    } = generated(500);
    let now = as_of() + Duration::hours(2);
    let reference = reference_plan(&store, &config, now);
    let mut due: Vec<(String, String)> = reference
        .messages
        .iter()
        .filter(|m| m.due_now)
        .map(|m| (m.client.clone(), m.stage.clone()))
        .collect();
    assert!(!due.is_empty());
    let report = engine::queue_due(&mut store, &config, &renderer, now).unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let mut queued: Vec<(String, String)> = report
        .queued
        .iter()
        .filter(|(_, stage, _)| stage != "owner_alert")
        .map(|(c, s, _)| (c.clone(), s.clone()))
        .collect();
    due.sort();
    queued.sort();
    assert_eq!(queued, due);
    // A second pass at the same instant queues nothing new.
    let again = engine::queue_due(&mut store, &config, &renderer, now).unwrap();
    assert!(again.queued.is_empty(), "{:?}", again.queued);
}
