//! The planner's bulk loader (each table read once, in client order) against the per-client
//! reference loader, on generated data (`cobrador bench gen`): the same plans, message for
//! message, hold for hold, effect for effect; and a queueing pass through the bulk path that
//! queues exactly the due messages of the reference plan.

mod support;

use chrono::{DateTime, Duration, Utc};
use cobrador::config::Config;
use cobrador::domain::{ClientFile, Invoice};
use cobrador::engine;
use cobrador::policy::planner::{self, Plan, Settings};
use cobrador::store::{OutboxStatus, Store, snapshot};
use support::World;

fn as_of() -> DateTime<Utc> {
    support::generated_as_of()
}

fn generated(clients: usize) -> World {
    support::generated_book(clients)
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
    for now in instants() {
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

/// Instants near midnight UTC too, where a client's own date is the day before (the Americas)
/// or after (Spain) the UTC one: the segment's 12 months and the receipts' days move with it.
fn instants() -> Vec<DateTime<Utc>> {
    [0, 4 * 24 + 3, 7 * 24, 60 * 24, 14, -8, 24 + 14, 60 * 24 - 8]
        .into_iter()
        .map(|h| as_of() + Duration::hours(h))
        .collect()
}

/// Runs `sql` (with `?1` a day) and returns the first column of each row.
fn numbers(store: &Store, sql: &str, day: chrono::NaiveDate) -> Vec<String> {
    let mut stmt = store.conn().prepare(sql).unwrap();
    stmt.query_map([day], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// The cases a planning read must not lose, added to generated data: paid history exactly at
/// the 12-month edges of every instant (and payments on the days either side of each UTC date),
/// pending promises on paid invoices and on a whole client whose paid invoices were paid in
/// the promise's time, a plan covering a paid invoice, a paid invoice without payments, an old
/// cancelled invoice, a dead message about a paid invoice.
fn add_edge_cases(store: &Store) {
    let conn = store.conn();
    let ts = "2026-11-01T00:00:00Z";
    // Paid invoices of clients that have something open (so their segment matters), one for
    // each edge day, whose own payments are older than the day it gets.
    let pick_paid = "SELECT i.number FROM invoices i WHERE i.status = 'paid' AND i.last_paid_on < ?1
        AND EXISTS (SELECT 1 FROM invoices o WHERE o.client_id = i.client_id AND o.status = 'open')
        AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.invoice_number = i.number AND p.source = 'edge')
        ORDER BY substr(i.number, -3), i.number LIMIT 3";
    let mut added = 0;
    for now in instants() {
        let d = now.date_naive();
        for back in [-1i64, 0, 1, 364, 365, 366, 367] {
            let day = d - chrono::Duration::days(back);
            for number in numbers(store, pick_paid, day - chrono::Duration::days(2)) {
                conn.execute(
                    "INSERT INTO payments (invoice_number, paid_on, amount, source, created_at)
                     VALUES (?1, ?2, '0.01', 'edge', ?3)",
                    rusqlite::params![number, day, ts],
                )
                .unwrap();
                added += 1;
            }
        }
    }
    assert!(added > 60, "{added}");
    // Reminded invoices paid by a payment recorded lately but made weeks before (a bank
    // statement imported late), at the edges of the receipts' days for every instant: made 59
    // to 62 days before, recorded 13 to 16 days before (hours either side of 14 days).
    let pick_reminded = "SELECT i.number FROM invoices i WHERE i.status = 'open'
        AND EXISTS (SELECT 1 FROM outbox_invoices oi JOIN outbox o ON o.id = oi.outbox_id
                    WHERE oi.invoice_number = i.number AND o.status = 'sent')
        AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.invoice_number = i.number AND p.source = 'late')
        AND ?1 IS NOT NULL ORDER BY substr(i.number, -2), i.number LIMIT 2";
    let mut late = 0;
    for now in instants() {
        let d = now.date_naive();
        for (paid_back, recorded_back_hours) in [
            (59, 13 * 24),
            (60, 14 * 24 - 1),
            (61, 14 * 24 + 1),
            (62, 16 * 24),
            (20, 14 * 24 - 1),
            (20, 14 * 24 + 1),
            (20, 15 * 24 + 12),
        ] {
            let paid_on = d - chrono::Duration::days(paid_back);
            let recorded = now - chrono::Duration::hours(recorded_back_hours);
            for number in numbers(store, pick_reminded, d) {
                conn.execute(
                    "UPDATE invoices SET status = 'paid' WHERE number = ?1",
                    [&number],
                )
                .unwrap();
                conn.execute(
                    "INSERT INTO payments (invoice_number, paid_on, amount, source, created_at)
                     VALUES (?1, ?2, '0.01', 'late', ?3)",
                    rusqlite::params![number, paid_on, cobrador::store::ts(recorded)],
                )
                .unwrap();
                late += 1;
            }
        }
    }
    assert!(late > 60, "{late}");
    let first = |sql: &str| -> String {
        conn.query_row(sql, [], |r| r.get(0))
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    };
    // A pending promise on a paid invoice (kept at once).
    let paid = first(
        "SELECT number FROM invoices WHERE status = 'paid' ORDER BY number LIMIT 1 OFFSET 40",
    );
    conn.execute(
        "INSERT INTO promises (client_id, invoice_number, promised_date, source, status, created_at)
         SELECT client_id, number, '2026-11-27', 'reply', 'pending', '2026-11-20T10:00:00Z'
         FROM invoices WHERE number = ?1",
        [&paid],
    )
    .unwrap();
    // A pending promise on a whole client with open invoices, its amount met only by payments
    // of invoices now paid, made weeks ago (older than the receipts' days).
    let client = first(
        "SELECT i.client_id FROM invoices i WHERE i.status = 'paid'
           AND i.last_paid_on BETWEEN '2026-10-10' AND '2026-10-30'
           AND EXISTS (SELECT 1 FROM invoices o WHERE o.client_id = i.client_id AND o.status = 'open')
           AND NOT EXISTS (SELECT 1 FROM promises p WHERE p.client_id = i.client_id)
         ORDER BY i.client_id LIMIT 1",
    );
    conn.execute(
        "INSERT INTO promises (client_id, promised_date, amount, source, status, created_at)
         VALUES (?1, '2026-11-30', '1.00', 'owner', 'pending', '2026-10-01T10:00:00Z')",
        [&client],
    )
    .unwrap();
    // A running plan over one open and one paid invoice, its first instalment met by the paid
    // one's payments (made after the plan, weeks ago).
    let (client, open, paid): (String, String, String) = conn
        .query_row(
            "SELECT i.client_id, o.number, i.number FROM invoices i JOIN invoices o
               ON o.client_id = i.client_id AND o.status = 'open'
             WHERE i.status = 'paid' AND i.last_paid_on BETWEEN '2026-09-01' AND '2026-10-20'
               AND NOT EXISTS (SELECT 1 FROM plans p WHERE p.client_id = i.client_id)
             ORDER BY i.client_id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    conn.execute(
        "INSERT INTO plans (client_id, currency, status, created_at)
         SELECT client_id, currency, 'active', '2026-08-15T10:00:00Z' FROM invoices WHERE number = ?1",
        [&open],
    )
    .unwrap();
    let plan = conn.last_insert_rowid();
    for n in [&open, &paid] {
        conn.execute(
            "INSERT INTO plan_invoices (plan_id, invoice_number) VALUES (?1, ?2)",
            rusqlite::params![plan, n],
        )
        .unwrap();
    }
    for (n, due, amount) in [(1, "2026-10-25", "1.00"), (2, "2026-12-01", "100000.00")] {
        conn.execute(
            "INSERT INTO instalments (plan_id, number, due_date, amount) VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![plan, n, due, amount],
        )
        .unwrap();
    }
    assert!(!client.is_empty());
    // A paid invoice without any payment (marked by hand), and an old cancelled one, each for
    // a client that has something open.
    conn.execute_batch(
        "UPDATE invoices SET status = 'paid' WHERE number = (SELECT i.number FROM invoices i
            WHERE i.status = 'open' AND i.last_paid_on IS NULL ORDER BY i.number LIMIT 1 OFFSET 7);
         UPDATE invoices SET status = 'cancelled', issue_date = '2024-01-10' WHERE number =
            (SELECT i.number FROM invoices i WHERE i.status = 'paid' ORDER BY i.number LIMIT 1 OFFSET 90);",
    )
    .unwrap();
    // A dead message about an invoice since paid: the owner's alert lists it.
    conn.execute_batch(
        "UPDATE outbox SET status = 'dead', last_error = '550 no such user'
         WHERE id = (SELECT min(id) FROM outbox);
         INSERT INTO outbox_invoices (outbox_id, invoice_number, reached)
         SELECT o.id, i.number, 0 FROM outbox o JOIN invoices i ON i.client_id = o.client_id
         WHERE o.id = (SELECT min(id) FROM outbox) AND i.status = 'paid'
           AND i.last_paid_on < '2026-09-01' LIMIT 1;",
    )
    .unwrap();
}

/// What a planning read at `now` must hold of a client's whole file (the specification of
/// `for_each_client_to_plan`, written independently of it): the invoices not closed, and the
/// closed ones with a recent payment (made in the last 61 days and recorded in the last 15, by
/// UTC dates), in a plan, under a pending promise (on it or on the whole client) or in a dead or
/// uncertain message; the recent payments and all those of the invoices in a plan, a pending
/// promise or a dead or uncertain message. Without `receipts` (`for_each_client_to_plan_only`,
/// for `plan`), nothing for the recent payments' sake.
fn planning_view(
    store: &Store,
    whole: &ClientFile,
    now: DateTime<Utc>,
    receipts: bool,
) -> (String, String) {
    let paid_since = now.date_naive() - chrono::Days::new(snapshot::RECEIPT_PAID_DAYS + 1);
    let recorded_since = now.date_naive() - chrono::Days::new(snapshot::RECEIPT_DAYS + 1);
    let recent_payment = |p: &cobrador::domain::Payment| {
        receipts && p.paid_on >= paid_since && p.recorded_at.date_naive() >= recorded_since
    };
    let troubled = numbers(
        store,
        "SELECT oi.invoice_number FROM outbox o JOIN outbox_invoices oi ON oi.outbox_id = o.id
         WHERE o.status IN ('dead', 'uncertain') AND ?1 IS NOT NULL",
        paid_since,
    );
    let pending = whole
        .promises
        .iter()
        .filter(|p| p.status == cobrador::domain::PromiseStatus::Pending);
    let everything = pending.clone().any(|p| p.invoice_number.is_none());
    let held_whole = |number: &str| {
        everything
            || whole
                .plans
                .iter()
                .any(|p| p.invoices.iter().any(|n| n == number))
            || pending
                .clone()
                .any(|p| p.invoice_number.as_deref() == Some(number))
            || troubled.iter().any(|n| n == number)
    };
    let recent = |number: &str| {
        whole
            .payments
            .iter()
            .any(|p| p.invoice_number == number && recent_payment(p))
    };
    let invoices: Vec<&Invoice> = whole
        .invoices
        .iter()
        .filter(|i| !i.status.is_closed() || recent(&i.number) || held_whole(&i.number))
        .collect();
    let payments: Vec<_> = whole
        .payments
        .iter()
        .filter(|p| recent_payment(p) || held_whole(&p.invoice_number))
        .collect();
    (format!("{invoices:?}"), format!("{payments:?}"))
}

#[test]
fn the_planning_read_gives_the_planner_what_the_whole_read_does() {
    assert_eq!(snapshot::RECEIPT_DAYS, engine::receipts::RECENT_DAYS);
    assert_eq!(snapshot::RECEIPT_PAID_DAYS, engine::receipts::OLDEST_DAYS);
    let World {
        dir: _dir,
        store,
        config,
        ..
    } = generated(600);
    add_edge_cases(&store);
    let whole = snapshot::load_reference(store.conn()).unwrap();
    let late_share = config.reminders.late_payer_share;
    let mut segments_seen = std::collections::BTreeSet::new();
    let mut receipts_seen = 0;
    for now in instants() {
        let reference = reference_plan(&store, &config, now);
        let planned = engine::plan_now(&store, &config, now).unwrap();
        assert_eq!(planned.messages, reference.messages, "at {now}");
        assert_eq!(planned.held, reference.held, "at {now}");
        assert_eq!(planned.effects, reference.effects, "at {now}");
        assert_eq!(planned.errors, reference.errors, "at {now}");
        let (mut files, mut plan_files) = (Vec::new(), Vec::new());
        snapshot::for_each_client_to_plan(store.conn(), now, |f| {
            files.push(f);
            Ok(())
        })
        .unwrap();
        snapshot::for_each_client_to_plan_only(store.conn(), now, |f| {
            plan_files.push(f);
            Ok(())
        })
        .unwrap();
        assert_eq!(plan_files.len(), whole.clients.len());
        for (narrow, full) in plan_files.iter().zip(&whole.clients) {
            assert_eq!(
                planning_view(&store, full, now, false),
                (
                    format!("{:?}", narrow.invoices),
                    format!("{:?}", narrow.payments)
                ),
                "{}",
                full.client.id
            );
            // Past messages with what the planner reads of them (the rest is the tick's).
            let planner_part = |m: &cobrador::store::OutboxMessage| {
                (
                    m.id,
                    m.message.dedup_key.clone(),
                    m.message.stage.clone(),
                    m.message.cycle.clone(),
                    m.message.channel,
                    m.message.send_at,
                    m.message.invoices.clone(),
                    m.status,
                    m.sent_at,
                )
            };
            // (The reference's messages carry the status as the planner sees it too.)
            assert_eq!(
                narrow.messages.iter().map(planner_part).collect::<Vec<_>>(),
                full.messages.iter().map(planner_part).collect::<Vec<_>>(),
                "{}",
                full.client.id
            );
        }
        assert_eq!(files.len(), whole.clients.len());
        for (plan_only, tick) in plan_files.iter().zip(&files) {
            assert_eq!(plan_only.history, tick.history, "{}", tick.client.id);
            assert_eq!(plan_only.contacts, tick.contacts, "{}", tick.client.id);
        }
        for (narrow, full) in files.iter().zip(&whole.clients) {
            let (invoices, payments) = planning_view(&store, full, now, true);
            assert_eq!(
                format!("{:?}", narrow.invoices),
                invoices,
                "{}",
                full.client.id
            );
            assert_eq!(
                format!("{:?}", narrow.payments),
                payments,
                "{}",
                full.client.id
            );
            // What receipts ask of a file is all in the planning read's.
            assert_eq!(
                engine::receipts::may_need_receipt(narrow, now),
                engine::receipts::may_need_receipt(full, now),
                "{} at {now}",
                full.client.id
            );
            if engine::receipts::may_need_receipt(full, now) {
                receipts_seen += 1;
            }
            let history = narrow.history.as_ref().unwrap();
            // The segment, for each date a client may have at `now`.
            for back in [-1i64, 0, 1] {
                let today = now.date_naive() - chrono::Duration::days(back);
                let expected =
                    planner::derive_segment(&full.invoices, &full.payments, 0, today, late_share);
                let got =
                    planner::derive_segment_from(history, &narrow.invoices, 0, today, late_share);
                assert_eq!(got, Ok(expected.clone()), "{} on {today}", full.client.id);
                segments_seen.insert(expected);
            }
        }
    }
    // The data exercises every segment, and receipts.
    assert!(segments_seen.len() >= 4, "{segments_seen:?}");
    assert!(receipts_seen > 10, "{receipts_seen}");
}

/// The tick's streamed read (`for_each_client_to_queue`) is the tick read with past messages
/// narrow, and `messages_whole` gives back, client by client, the tick read's messages whole:
/// the pass plans on the one and renders from the other.
#[test]
fn the_queueing_read_is_the_tick_read_with_messages_read_whole_on_demand() {
    let World {
        dir: _dir, store, ..
    } = generated(600);
    add_edge_cases(&store);
    for now in instants() {
        let (mut tick, mut queue) = (Vec::new(), Vec::new());
        snapshot::for_each_client_to_plan(store.conn(), now, |f| {
            tick.push(f);
            Ok(())
        })
        .unwrap();
        snapshot::for_each_client_to_queue(store.conn(), now, |f| {
            queue.push(f);
            Ok(())
        })
        .unwrap();
        assert_eq!(queue.len(), tick.len());
        let mut with_messages = 0;
        for (mut narrow, full) in queue.into_iter().zip(tick) {
            let id = full.client.id.clone();
            assert_eq!(narrow.messages.len(), full.messages.len(), "{id}");
            let whole = snapshot::messages_whole(store.conn(), &id).unwrap();
            assert_eq!(whole, full.messages, "{id}");
            with_messages += usize::from(!whole.is_empty());
            narrow.messages = whole;
            assert_eq!(format!("{narrow:?}"), format!("{full:?}"), "{id}");
        }
        assert!(with_messages > 100, "{with_messages} clients with messages");
    }
}

/// `limits.planning-threads`: the book read and planned in ranges of clients, a thread each,
/// gives `plan` the same plan as one thread, at every instant.
#[test]
fn plan_is_the_same_read_in_one_range_or_in_several() {
    let World {
        dir: _dir,
        store,
        mut config,
        ..
    } = generated(600);
    add_edge_cases(&store);
    for now in instants() {
        config.limits.planning_threads = 1;
        let one = engine::plan_now(&store, &config, now).unwrap();
        assert!(!one.messages.is_empty() && !one.held.is_empty());
        for threads in [2, 3, 7] {
            config.limits.planning_threads = threads;
            assert_eq!(
                engine::plan_now(&store, &config, now).unwrap(),
                one,
                "{threads}"
            );
        }
    }
}

/// The ranges are real: each client comes once, in id order, the first range on the caller's
/// thread and the others on theirs; the other ranges' items and states come after the first
/// range, in order; an error of the caller's ends the read and is the error returned.
#[test]
fn a_read_in_ranges_hands_every_client_over_once_in_order() {
    let World {
        dir: _dir, store, ..
    } = generated(600);
    let now = as_of();
    let caller = std::thread::current().id();
    let ids = std::cell::RefCell::new(Vec::new());
    let mut ranges = Vec::new();
    snapshot::in_ranges(
        store.conn(),
        snapshot::RangeRead::Plan,
        now,
        3,
        |_, f| {
            assert_eq!(std::thread::current().id(), caller);
            ids.borrow_mut().push(f.client.id);
            Ok(())
        },
        |_, f, n: &mut usize, items: &mut Vec<String>| {
            assert_ne!(std::thread::current().id(), caller);
            *n += 1;
            items.push(f.client.id);
            Ok(())
        },
        |handed| {
            match handed {
                snapshot::Handed::Item(id) => ids.borrow_mut().push(id),
                snapshot::Handed::Done(n) => ranges.push((n, ids.borrow().len())),
            }
            Ok(())
        },
    )
    .unwrap();
    let expected: Vec<String> = cobrador::store::clients::list(store.conn())
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(ids.into_inner(), expected);
    // Three ranges of 200 clients for `plan` (the tick's pass gives the caller's range 4/5 of
    // another's): the two others' counts, each after its items.
    assert_eq!(ranges, vec![(200, 400), (200, 600)]);
    let mut seen = 0;
    let err = snapshot::in_ranges(
        store.conn(),
        snapshot::RangeRead::Plan,
        now,
        2,
        |_, _| {
            seen += 1;
            anyhow::ensure!(seen < 100, "stop at the 100th client");
            Ok(())
        },
        |_, _, _: &mut (), _: &mut Vec<()>| Ok(()),
        |_| panic!("nothing is handed over after the caller's error"),
    )
    .unwrap_err();
    assert_eq!(format!("{err:#}"), "stop at the 100th client");
    let err = snapshot::in_ranges(
        store.conn(),
        snapshot::RangeRead::Plan,
        now,
        2,
        |_, _| Ok(()),
        |_, f, _: &mut (), _: &mut Vec<()>| {
            anyhow::ensure!(f.client.id != expected[450], "stop at {}", f.client.id);
            Ok(())
        },
        |_| Ok(()),
    )
    .unwrap_err();
    assert_eq!(format!("{err:#}"), format!("stop at {}", expected[450]));
}

/// A tick's queueing pass read and planned in ranges writes what one thread writes: the same
/// outbox rows with the same ids, the same events, promise outcomes and report, pass after
/// pass (owner alerts about a dead message, due reminders, receipts, outcomes weeks later).
#[test]
fn a_pass_in_ranges_writes_what_a_pass_on_one_thread_writes() {
    let mut worlds: Vec<World> = [1, 3]
        .into_iter()
        .map(|threads| {
            let mut w = generated(600);
            add_edge_cases(&w.store);
            w.config.limits.planning_threads = threads;
            w
        })
        .collect();
    let dump = |store: &Store| -> Vec<String> {
        let conn = store.conn();
        let mut out = Vec::new();
        for sql in [
            "SELECT id, dedup_key, client_id, stage, cycle, channel, recipients, subject,
                    body_text, send_at, status FROM outbox ORDER BY id",
            "SELECT * FROM outbox_invoices ORDER BY outbox_id, invoice_number",
            "SELECT * FROM events ORDER BY id",
            "SELECT * FROM promises ORDER BY id",
        ] {
            let mut stmt = conn.prepare(sql).unwrap();
            let columns = stmt.column_count();
            let rows = stmt
                .query_map([], |r| {
                    let row: Vec<String> = (0..columns)
                        .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                        .collect();
                    Ok(row.join("|"))
                })
                .unwrap();
            out.extend(rows.map(Result::unwrap));
        }
        out
    };
    let mut queued = 0;
    for hours in [2, 26, 7 * 24 + 2, 30 * 24 + 2, 61 * 24 + 2] {
        let now = as_of() + Duration::hours(hours);
        let reports: Vec<String> = worlds
            .iter_mut()
            .map(|w| {
                let report = engine::queue_due(&mut w.store, &w.config, &w.renderer, now).unwrap();
                format!("{report:?}")
            })
            .collect();
        assert_eq!(reports[0], reports[1], "at {now}");
        let (one, ranges) = (dump(&worlds[0].store), dump(&worlds[1].store));
        assert_eq!(one.len(), ranges.len(), "at {now}");
        for (a, b) in one.iter().zip(&ranges) {
            assert_eq!(a, b, "at {now}");
        }
        queued = one.len();
    }
    assert!(queued > 1000, "{queued} rows");
}

/// The pass commits in groups (so that what is queued can be sent while the rest is planned),
/// each group whole: at every commit another connection sees each queued reminder with its
/// audit event, never fewer reminders than at the commit before, and the last has them all.
#[test]
fn the_pass_commits_whole_groups_that_another_connection_sees() {
    let World {
        dir: _dir,
        mut store,
        config,
        renderer,
    } = generated(6000);
    let now = as_of() + Duration::hours(2);
    let watcher = std::sync::Mutex::new(
        rusqlite::Connection::open(store.file_path().expect("a database file")).unwrap(),
    );
    let count = |c: &rusqlite::Connection, sql: &str| -> i64 {
        c.query_row(sql, [], |r| r.get(0)).unwrap()
    };
    let rows = "SELECT count(*) FROM outbox WHERE stage NOT IN ('owner_alert', 'receipt', 'digest') \
                AND created_at >= '2026-11-24'";
    let events = "SELECT count(*) FROM events \
                  WHERE kind IN ('reminder.queued', 'handover.queued') AND at >= '2026-11-24'";
    let before = {
        let c = watcher.lock().unwrap();
        (count(&c, rows), count(&c, events))
    };
    let seen = std::sync::Mutex::new(Vec::new());
    let report = engine::queue_due_in_groups(&mut store, &config, &renderer, now, &|| {
        let c = watcher.lock().unwrap();
        seen.lock()
            .unwrap()
            .push((count(&c, rows) - before.0, count(&c, events) - before.1));
    })
    .unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let seen = seen.into_inner().unwrap();
    let reminders = report
        .queued
        .iter()
        .filter(|(_, stage, _)| !["owner_alert", "receipt", "digest"].contains(&stage.as_str()))
        .count() as i64;
    assert!(
        reminders > 1024,
        "enough for two full groups and a last one: {reminders}"
    );
    assert!(seen.len() >= 3, "{seen:?}");
    for (rows, events) in &seen {
        assert_eq!(rows, events, "a group committed whole: {seen:?}");
    }
    assert!(
        seen.windows(2).all(|w| w[0].0 <= w[1].0) && seen[1].0 > 0,
        "{seen:?}"
    );
    assert_eq!(seen.last().unwrap().0, reminders, "{seen:?}");
}

/// One client's file read by itself (`preview`, `agreement plan`) is that client's file in the
/// whole read, for every client of a generated book (and none for an id between two clients').
#[test]
fn one_clients_file_is_its_file_in_the_whole_read() {
    let World {
        dir: _dir, store, ..
    } = generated(300);
    let whole = snapshot::load(store.conn()).unwrap();
    assert!(whole.clients.len() >= 300);
    for file in &whole.clients {
        let one = snapshot::load_client(store.conn(), &file.client.id)
            .unwrap()
            .expect("the client is there");
        assert_eq!(format!("{one:?}"), format!("{file:?}"));
        let between = format!("{}0", file.client.id);
        if !whole.clients.iter().any(|f| f.client.id == between) {
            assert!(
                snapshot::load_client(store.conn(), &between)
                    .unwrap()
                    .is_none()
            );
        }
    }
}

/// `client list --json`, written as clients and their open invoices are read, lists what
/// filtering every invoice for each client listed: each client once, in id order, with its
/// open invoices counted and its unsettled balances summed per currency.
#[test]
fn client_list_streams_what_filtering_every_invoice_gave() {
    let World { dir, store, .. } = generated(300);
    // A client with an invoice in a second currency, and one with none at all.
    store
        .conn()
        .execute_batch(
            "UPDATE invoices SET currency = 'USD'
             WHERE number = (SELECT min(number) FROM invoices WHERE status = 'open' AND client_id IN
                 (SELECT client_id FROM invoices WHERE status = 'open'
                  GROUP BY client_id HAVING count(*) >= 2));
             INSERT INTO clients (id, name, country, time_zone, kind, created_at, updated_at)
             VALUES ('ZZZ-sin-facturas', 'Sin facturas', 'ES', 'Europe/Madrid', 'b2b', 'x', 'x');",
        )
        .unwrap();
    let invoices = cobrador::store::invoices::list(store.conn(), None).unwrap();
    let expected: Vec<serde_json::Value> = cobrador::store::clients::list(store.conn())
        .unwrap()
        .iter()
        .map(|c| {
            let mine: Vec<&Invoice> = invoices.iter().filter(|i| i.client_id == c.id).collect();
            let mut per = std::collections::BTreeMap::new();
            for i in mine.iter().filter(|i| !i.status.is_closed()) {
                let e = per.entry(i.currency.clone()).or_insert(cobrador::domain::Money::ZERO);
                *e = *e + i.balance;
            }
            let balances: Vec<(String, String)> =
                per.into_iter().map(|(k, v)| (k, v.to_string())).collect();
            serde_json::json!({
                "id": c.id, "name": c.name, "country": c.country, "kind": c.kind,
                "open_invoices": mine.iter().filter(|i| i.status == cobrador::domain::InvoiceStatus::Open).count(),
                "balances": balances,
            })
        })
        .collect();
    assert!(expected.len() > 300);
    assert!(
        expected
            .iter()
            .any(|v| v["balances"].as_array().unwrap().len() == 2)
    );
    std::fs::write(dir.path().join("cobrador.toml"), support::config_text("")).unwrap();
    let listed = support::cobrador_ok(dir.path(), &["--db", "c.db", "client", "list", "--json"]);
    let listed: Vec<serde_json::Value> = serde_json::from_str(&listed).unwrap();
    assert_eq!(listed, expected);
    let text = support::cobrador_ok(dir.path(), &["--db", "c.db", "client", "list"]);
    assert_eq!(
        text.lines().count(),
        expected.len() + 1,
        "a header and a line each"
    );
}

/// `outbox list --json`, written as the rows are read, is byte for byte the pretty JSON of
/// every message (what it printed when it held them all); `--status` keeps one state.
#[test]
fn outbox_list_streams_the_same_json_it_printed_whole() {
    let World { dir, store, .. } = generated(300);
    std::fs::write(dir.path().join("cobrador.toml"), support::config_text("")).unwrap();
    // A message sent later than it was due, and one failed and waiting for a retry.
    store
        .conn()
        .execute_batch(
            "UPDATE outbox SET sent_at = '2026-11-20T08:15:00Z'
              WHERE id = (SELECT min(id) FROM outbox WHERE status = 'sent');
             UPDATE outbox SET status = 'failed', sent_at = NULL, retry_at = '2026-11-30T09:45:00Z',
                               last_error = '451 4.3.0 try again later'
              WHERE id = (SELECT max(id) FROM outbox WHERE status = 'sent');",
        )
        .unwrap();
    let all = cobrador::store::outbox::all(store.conn()).unwrap();
    assert!(all.len() > 300, "{}", all.len());
    let listed = support::cobrador_ok(dir.path(), &["--db", "c.db", "outbox", "list", "--json"]);
    assert_eq!(
        listed,
        format!("{}\n", serde_json::to_string_pretty(&all).unwrap())
    );
    // The table, read without bodies or invoices, has the line each whole message gave.
    let line = |m: &cobrador::store::OutboxMessage| {
        format!(
            "{:>6}  {:<9}  {:<8}  {:<10}  {:<12}  {}  {}{}\n",
            m.id,
            m.status.as_str(),
            m.message.channel,
            m.message.client_id,
            m.message.stage,
            // On the business's clock (the example's Madrid), as the owner reads it.
            m.sent_at
                .or(m.retry_at)
                .unwrap_or(m.message.send_at)
                .with_timezone(&chrono_tz::Europe::Madrid)
                .format("%Y-%m-%d %H:%M %Z"),
            m.message.recipients.join(", "),
            m.last_error
                .as_deref()
                .map(|e| format!("  ({e})"))
                .unwrap_or_default()
        )
    };
    let listed = support::cobrador_ok(dir.path(), &["--db", "c.db", "outbox", "list"]);
    assert_eq!(listed, all.iter().map(line).collect::<String>());
    let sent = cobrador::store::outbox::with_status(store.conn(), OutboxStatus::Sent).unwrap();
    let listed = support::cobrador_ok(
        dir.path(),
        &["--db", "c.db", "outbox", "list", "--status", "sent"],
    );
    assert_eq!(listed, sent.iter().map(line).collect::<String>());
    let none = support::cobrador_ok(
        dir.path(),
        &[
            "--db",
            "c.db",
            "outbox",
            "list",
            "--status",
            "uncertain",
            "--json",
        ],
    );
    assert_eq!(none, "[]\n");
}

/// `invoice list --json`, written as the rows are read with their stored paid sums, is byte for
/// byte the pretty JSON of every invoice with balances summed from its payments (what it
/// printed when it held them all); `--open` keeps the unsettled ones, and the table has a line
/// for each.
#[test]
fn invoice_list_streams_the_same_json_it_printed_whole() {
    let World { dir, store, .. } = generated(300);
    std::fs::write(dir.path().join("cobrador.toml"), support::config_text("")).unwrap();
    let all = cobrador::store::invoices::list(store.conn(), None).unwrap();
    assert!(
        all.iter()
            .any(|i| i.paid != cobrador::domain::Money::ZERO && !i.status.is_closed())
    );
    let listed = support::cobrador_ok(dir.path(), &["--db", "c.db", "invoice", "list", "--json"]);
    assert_eq!(
        listed,
        format!("{}\n", serde_json::to_string_pretty(&all).unwrap())
    );
    let open: Vec<&Invoice> = all.iter().filter(|i| !i.status.is_closed()).collect();
    let listed = support::cobrador_ok(
        dir.path(),
        &["--db", "c.db", "invoice", "list", "--open", "--json"],
    );
    assert_eq!(
        listed,
        format!("{}\n", serde_json::to_string_pretty(&open).unwrap())
    );
    let table = support::cobrador_ok(dir.path(), &["--db", "c.db", "invoice", "list"]);
    assert_eq!(table.lines().count(), all.len() + 1);
}

/// The invoices whose payment a client claimed ("ya pagué"), looked up by their index, are
/// those reading every invoice and filtering found (open, claimed, not settled), for everyone
/// and for each client; and the lookup goes by the index, not through the book.
#[test]
fn claimed_invoices_are_found_by_index_as_reading_every_invoice_found_them() {
    use cobrador::domain::InvoiceStatus;
    use cobrador::store::invoices;
    let World { store, .. } = generated(300);
    // Claims on every seventh invoice, whatever its state (paid, partly paid, disputed...).
    store
        .conn()
        .execute(
            "UPDATE invoices SET paid_claimed_on = '2026-11-20' WHERE rowid % 7 = 0",
            [],
        )
        .unwrap();
    let old = |client: Option<&str>| -> Vec<String> {
        invoices::list(store.conn(), client)
            .unwrap()
            .into_iter()
            .filter(|i| {
                i.status == InvoiceStatus::Open
                    && i.paid_claimed_on.is_some()
                    && !i.balance.is_settled()
            })
            .map(|i| format!("{} {} {}", i.number, i.balance.0, i.paid.0))
            .collect()
    };
    let new = |client: Option<&str>| -> Vec<String> {
        invoices::claimed_open(store.conn(), client)
            .unwrap()
            .into_iter()
            .map(|i| format!("{} {} {}", i.number, i.balance.0, i.paid.0))
            .collect()
    };
    let everyone = old(None);
    assert!(everyone.len() > 20, "{}", everyone.len());
    assert_eq!(new(None), everyone);
    let clients: Vec<String> = store
        .conn()
        .prepare("SELECT id FROM clients")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for c in &clients {
        assert_eq!(new(Some(c)), old(Some(c)), "{c}");
    }
    let plan: Vec<String> = store
        .conn()
        .prepare(
            "EXPLAIN QUERY PLAN SELECT number FROM invoices INDEXED BY invoices_claimed
              WHERE status = 'open' AND paid_claimed_on IS NOT NULL AND client_id = 'C1'",
        )
        .unwrap()
        .query_map([], |r| r.get::<_, String>(3))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(
        plan.iter().any(|p| p.contains("invoices_claimed")),
        "{plan:?}"
    );
}
