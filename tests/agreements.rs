//! Agreements against a real SQLite file: discounts taken in time or too late, plans agreed
//! with their written confirmation, promises typed in by the owner.

mod support;

use cobrador::domain::{InvoiceStatus, PaymentKind};
use cobrador::engine;
use cobrador::store::{self, Store};
use support::{World, pay, utc, world};

/// One Madrid client with one 2.000 € invoice due Monday 9 November 2026.
fn one_invoice_due_9_november() -> World {
    world()
        .clients("id;name;email\nC1;Uno;uno@cliente.example\n")
        .invoices(
            "numero;cliente;fecha;vencimiento;importe\nF1;C1;10/10/2026;09/11/2026;2.000,00\n",
        )
        .build()
}

/// Queues the `second` reminder (7 days overdue: Monday 16 November, 12:00 Madrid) with its
/// 2 % discount valid for 7 days.
fn offer(w: &mut World) {
    let (store, config, renderer) = (&mut w.store, &w.config, &w.renderer);
    // One step at a time: `early` first (Thursday 12 November), then `second`.
    let report = engine::queue_due(store, config, renderer, utc("2026-11-12 11:00")).unwrap();
    assert_eq!(report.queued.len(), 1, "{report:?}");
    assert_eq!(report.queued[0].1, "early");
    let early = store::outbox::all(store.conn()).unwrap().pop().unwrap();
    store::outbox::mark_sending(store.conn(), early.id).unwrap();
    store::outbox::mark_sent(store.conn(), early.id, utc("2026-11-12 11:00"), None).unwrap();
    let report = engine::queue_due(store, config, renderer, utc("2026-11-16 11:00")).unwrap();
    assert_eq!(report.queued.len(), 1, "{report:?}");
    assert_eq!(report.queued[0].1, "second");
    let offers = store::agreements::offers(store.conn(), Some("F1")).unwrap();
    assert_eq!(offers.len(), 1);
    assert_eq!(offers[0].amount.to_string(), "40.00");
    assert_eq!(offers[0].valid_until.to_string(), "2026-11-23");
    let msg = store::outbox::all(store.conn()).unwrap().pop().unwrap();
    store::outbox::mark_sending(store.conn(), msg.id).unwrap();
    store::outbox::mark_sent(store.conn(), msg.id, utc("2026-11-16 11:00"), None).unwrap();
    assert!(
        msg.message.body_text.contains("un descuento del 2 %"),
        "{}",
        msg.message.body_text
    );
    // Walk 07: the last day is accepted (`take_discount`), so the text says so («a más tardar»:
    // in Mexico «hasta el 23» can read as «not before the 23rd»).
    assert!(
        msg.message
            .body_text
            .contains("Si realiza el pago a más tardar el lunes 23 de noviembre, le aplicaremos"),
        "{}",
        msg.message.body_text
    );
    assert!(
        msg.message.body_text.contains("1.960,00 €"),
        "{}",
        msg.message.body_text
    );
}

#[test]
fn a_discount_taken_in_time_settles_the_invoice_and_is_recorded_as_a_discount() {
    let mut w = one_invoice_due_9_november();
    offer(&mut w);
    pay(&mut w.store, "F1", "2026-11-20", "1.960,00");
    let inv = store::invoices::require(w.store.conn(), "F1").unwrap();
    assert_eq!(inv.status, InvoiceStatus::Paid);
    let payments = store::invoices::payments(w.store.conn(), "F1").unwrap();
    let discount: Vec<_> = payments
        .iter()
        .filter(|p| p.kind == PaymentKind::Discount)
        .collect();
    assert_eq!(
        discount.len(),
        1,
        "the discount is recorded as such, not written off"
    );
    assert_eq!(discount[0].amount.to_string(), "40.00");
    assert_eq!(
        store::agreements::offers(w.store.conn(), Some("F1")).unwrap()[0].status,
        "taken"
    );
    let events = store::events::for_client(w.store.conn(), "C1", None).unwrap();
    assert!(events.iter().any(|e| e.kind == "discount.taken"));
}

/// Walk 07: paid on the offer's last day, the discount is taken, and the receipt says so.
#[test]
fn a_discount_taken_on_its_last_day_settles_the_invoice_and_the_receipt_names_it() {
    let mut w = one_invoice_due_9_november();
    offer(&mut w);
    pay(&mut w.store, "F1", "2026-11-23", "1.960,00");
    let inv = store::invoices::require(w.store.conn(), "F1").unwrap();
    assert_eq!(inv.status, InvoiceStatus::Paid);
    engine::queue_due(
        &mut w.store,
        &w.config,
        &w.renderer,
        utc("2026-11-24 10:00"),
    )
    .unwrap();
    let receipt = store::outbox::for_client(w.store.conn(), "C1")
        .unwrap()
        .into_iter()
        .find(|m| m.message.stage == "receipt")
        .expect("a receipt");
    assert!(
        receipt.message.body_text.contains(
            "- Factura F1: 2.000,00 €, pagada con un descuento del 2 % (40,00 € menos, 1.960,00 € en total)."
        ),
        "{}",
        receipt.message.body_text
    );
}

#[test]
fn a_discount_taken_too_late_leaves_the_remainder_owed_and_reminded() {
    let mut w = one_invoice_due_9_november();
    offer(&mut w);
    pay(&mut w.store, "F1", "2026-11-24", "1.960,00");
    let inv = store::invoices::require(w.store.conn(), "F1").unwrap();
    assert_eq!(inv.status, InvoiceStatus::Open);
    assert_eq!(inv.balance.to_string(), "40.00");
    assert_eq!(
        store::agreements::offers(w.store.conn(), Some("F1")).unwrap()[0].status,
        "expired"
    );
    // The remainder is still reminded at the next stage (firm, 15 days overdue).
    let plan = engine::plan_now(&w.store, &w.config, utc("2026-11-25 10:00")).unwrap();
    assert_eq!(plan.messages.len(), 1, "{plan:?}");
    assert_eq!(plan.messages[0].stage, "firm");
}

/// A plan over F1 (2,000) in two instalments a month apart from 1 December, agreed at `at`.
fn two_instalments_from_1_december(w: &mut World, at: chrono::DateTime<chrono::Utc>) -> i64 {
    let first = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let instalments =
        engine::agreements::even_instalments("2000".parse().unwrap(), 2, 30, first).unwrap();
    engine::agreements::agree_plan(
        &mut w.store,
        &w.config,
        &w.renderer,
        &["F1".into()],
        instalments,
        None,
        at,
    )
    .unwrap()
}

#[test]
fn an_agreed_plan_is_confirmed_in_writing_and_replaces_the_ladder() {
    let mut w = one_invoice_due_9_november();
    let id = two_instalments_from_1_december(&mut w, utc("2026-11-20 10:00"));
    let confirmation = store::outbox::all(w.store.conn()).unwrap().pop().unwrap();
    assert_eq!(confirmation.message.stage, "plan_confirmation");
    assert!(
        confirmation.message.body_text.contains("1.000,00 €"),
        "{}",
        confirmation.message.body_text
    );
    assert!(
        confirmation.message.body_text.contains("31/12/2026"),
        "{}",
        confirmation.message.body_text
    );
    let plan = engine::plan_now(&w.store, &w.config, utc("2026-11-24 10:00")).unwrap();
    assert!(plan.messages.is_empty(), "{plan:?}");
    assert!(
        plan.held
            .iter()
            .any(|h| h.reason == "plan: instalment 1 due 2026-12-01"),
        "{plan:?}"
    );
    // Three days before the first instalment, the instalment reminder is rendered and queued.
    let report = engine::queue_due(
        &mut w.store,
        &w.config,
        &w.renderer,
        utc("2026-11-30 11:00"),
    )
    .unwrap();
    assert_eq!(report.queued.len(), 1, "{report:?}");
    let reminder = store::outbox::all(w.store.conn()).unwrap().pop().unwrap();
    assert_eq!(
        reminder.message.dedup_key,
        format!("C1|instalment|plan-{id}-1")
    );
    assert!(
        reminder.message.body_text.contains("01/12/2026")
            || reminder.message.body_text.contains("1 de diciembre")
    );
    // A client paying by instalments is not offered a payment plan (walk28 S06d).
    let text = &reminder.message.body_text;
    assert!(!text.contains("«plan de pagos», si"), "{text}");
    assert!(text.contains("«hablar con una persona»"), "{text}");
    // A second plan over the same invoice is refused.
    let again = engine::agreements::agree_plan(
        &mut w.store,
        &w.config,
        &w.renderer,
        &["F1".into()],
        vec![],
        None,
        utc("2026-11-21 10:00"),
    );
    assert!(again.is_err());
}

#[test]
fn a_promise_typed_in_by_the_owner_pauses_the_reminders() {
    let mut w = one_invoice_due_9_november();
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    engine::agreements::promise(&mut w.store, "F1", date, None, utc("2026-11-16 08:00")).unwrap();
    let plan = engine::plan_now(&w.store, &w.config, utc("2026-11-16 11:00")).unwrap();
    assert!(plan.messages.is_empty());
    assert_eq!(plan.held[0].reason, "paused: promise until 2026-12-01");
}

/// A promise kept in part (a payment on the day, not all of it) is no «todavía no nos consta»:
/// the next reminder thanks for the part and asks for the rest (a walker read both «hemos
/// recibido…, gracias» and «todavía no nos consta… envíanos la referencia» in one message).
#[test]
fn a_promise_kept_in_part_is_thanked_not_called_unpaid() {
    let mut w = one_invoice_due_9_november();
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    engine::agreements::promise(&mut w.store, "F1", date, None, utc("2026-11-16 08:00")).unwrap();
    store::invoices::add_payment(
        w.store.conn(),
        &store::invoices::PaymentInput {
            invoice_number: "F1".into(),
            paid_on: date,
            amount: "500.00".parse().unwrap(),
            reference: None,
            kind: cobrador::domain::PaymentKind::Payment,
            source: cobrador::domain::Actor::Owner,
            import_key: None,
        },
        utc("2026-11-27 18:00"),
    )
    .unwrap();
    let (store, config, renderer) = (&mut w.store, &w.config, &w.renderer);
    let report = engine::queue_due(store, config, renderer, utc("2026-12-02 10:00")).unwrap();
    let id = report
        .queued
        .first()
        .expect("a reminder after the promise")
        .2;
    let m = store::outbox::get(store.conn(), id).unwrap().unwrap();
    let text = &m.message.body_text;
    assert!(
        text.contains(
            "27 de noviembre; hemos recibido una parte (gracias), pero todavía no el total"
        ),
        "{text}"
    );
    assert!(!text.contains("todavía no nos consta."), "{text}");
}

/// The stage that offers a prompt-payment discount does not offer it in the message that
/// follows a broken promise (a walker saw «le aplicaremos un descuento del 2 %» right after
/// «el pago que nos indicó… todavía no nos consta»): the discount rewards paying early.
#[test]
fn no_discount_is_offered_right_after_a_broken_promise() {
    let mut w = one_invoice_due_9_november();
    let (store, config, renderer) = (&mut w.store, &w.config, &w.renderer);
    let report = engine::queue_due(store, config, renderer, utc("2026-11-12 11:00")).unwrap();
    assert_eq!(report.queued[0].1, "early");
    let early = store::outbox::all(store.conn()).unwrap().pop().unwrap();
    store::outbox::mark_sending(store.conn(), early.id).unwrap();
    store::outbox::mark_sent(store.conn(), early.id, utc("2026-11-12 11:00"), None).unwrap();
    let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 18).unwrap();
    engine::agreements::promise(store, "F1", date, None, utc("2026-11-13 08:00")).unwrap();
    let report = engine::queue_due(store, config, renderer, utc("2026-11-24 11:00")).unwrap();
    let (_, stage, id) = report.queued.first().expect("a reminder after the promise");
    assert_eq!(stage, "second");
    let text = store::outbox::get(store.conn(), *id)
        .unwrap()
        .unwrap()
        .message
        .body_text;
    assert!(text.contains("18 de noviembre"), "{text}");
    assert!(!text.contains("descuento"), "{text}");
    assert!(
        store::agreements::offers(store.conn(), Some("F1"))
            .unwrap()
            .is_empty()
    );
}

/// A pass plans from the state at its start and writes in groups: a plan the owner cancelled
/// between two groups keeps its state when the pass then writes what it found (the plan
/// broken); `engine::apply_effect` then writes no event either.
#[test]
fn an_outcome_found_by_a_pass_does_not_overwrite_a_change_made_meanwhile() {
    use cobrador::store::agreements::{PlanStatus, settle_active_plan};
    let mut w = one_invoice_due_9_november();
    let now = utc("2026-11-20 10:00");
    let id = two_instalments_from_1_december(&mut w, now);
    let conn = w.store.conn();
    store::agreements::set_plan_status(conn, id, PlanStatus::Cancelled, now).unwrap();
    assert!(!settle_active_plan(conn, id, PlanStatus::Broken, now).unwrap());
    let status: String = conn
        .query_row("SELECT status FROM plans WHERE id = ?1", [id], |r| r.get(0))
        .unwrap();
    assert_eq!(status, "cancelled");
    // An active plan is settled.
    conn.execute("UPDATE plans SET status = 'active' WHERE id = ?1", [id])
        .unwrap();
    assert!(settle_active_plan(conn, id, PlanStatus::Broken, now).unwrap());
    let status: String = conn
        .query_row("SELECT status FROM plans WHERE id = ?1", [id], |r| r.get(0))
        .unwrap();
    assert_eq!(status, "broken");
}

/// A queued reminder that offered a discount and is withdrawn before it went out (something
/// was recorded for the client after it was planned) takes its offer with it: the message that
/// replaces it offers its own, if any, and a later payment is never settled by a discount the
/// client was never shown.
#[test]
fn a_withdrawn_reminder_takes_its_discount_offer_with_it() {
    let mut w = one_invoice_due_9_november();
    let (store, config, renderer) = (&mut w.store, &w.config, &w.renderer);
    let report = engine::queue_due(store, config, renderer, utc("2026-11-12 11:00")).unwrap();
    let early = report.queued[0].2;
    store::outbox::mark_sending(store.conn(), early).unwrap();
    store::outbox::mark_sent(store.conn(), early, utc("2026-11-12 11:00"), None).unwrap();
    let report = engine::queue_due(store, config, renderer, utc("2026-11-16 11:00")).unwrap();
    let second = report.queued[0].2;
    let offered = |store: &Store| store::agreements::offers(store.conn(), Some("F1")).unwrap();
    assert_eq!(offered(store)[0].status, "offered");
    assert_eq!(
        store::outbox::withdrawn_by(store.conn(), second).unwrap(),
        None
    );
    // Before it goes out, the client pays part.
    pay(store, "F1", "2026-11-16", "500,00");
    assert_eq!(
        store::outbox::withdrawn_by(store.conn(), second)
            .unwrap()
            .as_deref(),
        Some("payment.recorded")
    );
    assert!(store::outbox::cancel(store.conn(), second, "withdrawn").unwrap());
    assert_eq!(offered(store)[0].status, "expired");
    assert!(
        !store::outbox::cancel(store.conn(), second, "withdrawn").unwrap(),
        "only a waiting message is withdrawn"
    );
}

/// The first instalment (1 December) is not paid: past its grace the plan breaks, and the owner
/// is told at once (the plan was agreed with a person; the reminders now resume on their own),
/// once, naming the instalment missed.
#[test]
fn a_broken_plan_alerts_the_owner_once() {
    let mut w = one_invoice_due_9_november();
    let id = two_instalments_from_1_december(&mut w, utc("2026-11-20 10:00"));
    let alerts = |w: &World| -> Vec<store::OutboxMessage> {
        store::outbox::all(w.store.conn())
            .unwrap()
            .into_iter()
            .filter(|m| m.message.stage == "owner_alert")
            .collect()
    };
    // Within the grace (two business days after the 1st): nothing broken, no alert.
    engine::queue_due(
        &mut w.store,
        &w.config,
        &w.renderer,
        utc("2026-12-02 11:00"),
    )
    .unwrap();
    assert!(alerts(&w).is_empty(), "{:#?}", alerts(&w));
    let report = engine::queue_due(
        &mut w.store,
        &w.config,
        &w.renderer,
        utc("2026-12-07 11:00"),
    )
    .unwrap();
    let plans = store::agreements::plans(w.store.conn()).unwrap();
    assert_eq!(
        plans[0].status,
        store::agreements::PlanStatus::Broken,
        "{report:?}"
    );
    let sent = alerts(&w);
    assert_eq!(sent.len(), 1, "{sent:#?}");
    let alert = &sent[0];
    assert_eq!(
        alert.message.dedup_key,
        format!("C1|owner_alert|plan-{id}-1")
    );
    assert_eq!(alert.message.recipients, [w.config.owner_email()]);
    let text = &alert.message.body_text;
    assert!(text.starts_with("Plan de pagos incumplido: Uno"), "{text}");
    assert!(
        text.contains("Plazo 1 de 2: 1.000,00 €, con vencimiento el martes 1 de diciembre."),
        "{text}"
    );
    assert!(text.contains("cobrador invoice pay"), "{text}");
    assert_eq!(
        alert.message.subject.as_deref(),
        Some("Plan de pagos incumplido: Uno (F1)")
    );
    // The next passes do not tell it again.
    engine::queue_due(
        &mut w.store,
        &w.config,
        &w.renderer,
        utc("2026-12-08 11:00"),
    )
    .unwrap();
    assert_eq!(alerts(&w).len(), 1);
    // A plan found broken weeks after its instalment (no pass ran meanwhile, or the book was
    // imported so) is left to the digest: no alert of its own.
    let mut w = one_invoice_due_9_november();
    two_instalments_from_1_december(&mut w, utc("2026-11-20 10:00"));
    engine::queue_due(
        &mut w.store,
        &w.config,
        &w.renderer,
        utc("2026-12-21 11:00"),
    )
    .unwrap();
    let plans = store::agreements::plans(w.store.conn()).unwrap();
    assert_eq!(plans[0].status, store::agreements::PlanStatus::Broken);
    assert!(alerts(&w).is_empty(), "{:#?}", alerts(&w));
}

/// An instalment paid on its day during an outage, recorded after the first pass found the plan
/// broken: the plan runs again (the walker's client was told the plan was void for an
/// instalment not yet due, then chased with a formal notice while paying every instalment).
/// One paid late stays broken, and the instalment named is the one missed.
#[test]
fn a_plan_broken_for_an_instalment_paid_in_time_runs_again() {
    let mut w = one_invoice_due_9_november();
    let id = two_instalments_from_1_december(&mut w, utc("2026-11-20 10:00"));
    let status = |w: &World| store::agreements::plans(w.store.conn()).unwrap()[0].status;
    let pass = |w: &mut World, at: &str| {
        engine::queue_due(&mut w.store, &w.config, &w.renderer, utc(at)).unwrap()
    };
    pass(&mut w, "2026-12-07 11:00");
    assert_eq!(status(&w), store::agreements::PlanStatus::Broken);
    // Paid on Tuesday 1 December, recorded on the 7th in the afternoon.
    pay(&mut w.store, "F1", "2026-12-01", "1000");
    let report = pass(&mut w, "2026-12-07 15:00");
    assert_eq!(
        status(&w),
        store::agreements::PlanStatus::Active,
        "{report:?}"
    );
    let restored: Vec<_> = store::events::for_client(w.store.conn(), "C1", None)
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == "plan.restored")
        .collect();
    assert_eq!(restored.len(), 1);
    assert_eq!(restored[0].detail["plan"], id);
    // The ladder is held by the plan again: its next instalment, 31 December.
    let plan = engine::plan_now(&w.store, &w.config, utc("2026-12-10 10:00")).unwrap();
    assert!(plan.messages.is_empty(), "{plan:?}");
    assert!(
        plan.held
            .iter()
            .any(|h| h.reason.starts_with("plan: instalment 2 due 2026-12-31")),
        "{plan:?}"
    );
    // Instalment 2 is not paid: broken again, and told again (walk30: the second break reached
    // only the digest, which also told the first one, restored weeks before, as news).
    pass(&mut w, "2027-01-08 11:00");
    assert_eq!(status(&w), store::agreements::PlanStatus::Broken);
    let keys: Vec<String> = store::outbox::all(w.store.conn())
        .unwrap()
        .into_iter()
        .filter(|m| m.message.stage == "owner_alert")
        .map(|m| m.message.dedup_key)
        .collect();
    assert_eq!(
        keys,
        [
            format!("C1|owner_alert|plan-{id}-1"),
            format!("C1|owner_alert|plan-{id}-2")
        ]
    );
    let digest = engine::digest::gather(
        w.store.conn(),
        &w.config,
        &cobrador::config::DigestConfig {
            hour: chrono::NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
        },
        chrono::NaiveDate::from_ymd_opt(2027, 1, 9).unwrap(),
        utc("2027-01-09 08:00"),
    )
    .unwrap();
    let missed: Vec<String> = digest
        .plans_broken
        .iter()
        .map(|l| l.date.to_string())
        .collect();
    assert_eq!(missed, ["2026-12-31"]);

    // Paid on the 9th, after the grace: the plan stays broken, for instalment 1.
    let mut w = one_invoice_due_9_november();
    two_instalments_from_1_december(&mut w, utc("2026-11-20 10:00"));
    pass(&mut w, "2026-12-07 11:00");
    pay(&mut w.store, "F1", "2026-12-09", "1000");
    pass(&mut w, "2026-12-09 15:00");
    assert_eq!(status(&w), store::agreements::PlanStatus::Broken);
    let plan = engine::plan_now(&w.store, &w.config, utc("2026-12-10 10:00")).unwrap();
    assert!(
        !plan.held.iter().any(|h| h.reason.starts_with("plan:")),
        "{plan:?}"
    );
}

/// The written terms of a plan go at the next moment of the client's contact window, not behind
/// the reminders' gap and weekly cap (a walker's confirmation waited four days while thanks went
/// daily): two reminders this week, the plan agreed the next day, confirmed that morning.
#[test]
fn a_plan_confirmation_is_not_held_by_the_reminders_caps() {
    let mut w = one_invoice_due_9_november();
    offer(&mut w);
    // Tuesday 17 November, 11:00 in Madrid: inside the window, a day after the `second`.
    let at = utc("2026-11-17 10:00");
    two_instalments_from_1_december(&mut w, at);
    let confirmation = store::outbox::all(w.store.conn())
        .unwrap()
        .into_iter()
        .find(|m| m.message.stage == "plan_confirmation")
        .unwrap();
    assert_eq!(confirmation.message.send_at, at);
}
