//! Table-driven planner tests: each case is a small world and an instant.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal_macros::dec;

use super::*;

mod escalation;
use crate::config::{Config, EXAMPLE};
use crate::domain::{
    Channel, Client, ClientKind, ContactRole, InvoiceStatus, Payment, PaymentKind,
};
use crate::domain::{Contact, HoldKind, Invoice, Money};
use crate::domain::{NewOutboxMessage, OutboxMessage, OutboxStatus, Promise, PromiseStatus};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A world with one client.
struct World {
    file: ClientFile,
    config: Config,
}

impl World {
    fn clone_world(&self) -> World {
        World {
            file: self.file.clone(),
            config: self.config.clone(),
        }
    }

    fn new(id: &str, country: &str, tz: chrono_tz::Tz) -> World {
        let client = Client {
            id: id.into(),
            name: format!("Cliente {id}"),
            legal_name: None,
            tax_id: None,
            country: country.into(),
            region: None,
            time_zone: tz,
            kind: ClientKind::B2b,
            segment: None,
            language: "es".into(),
            tuteo: false,
            on_hold: false,
            awaiting_answer_until: None,
            notes: None,
        };
        let contact = Contact {
            id: 1,
            client_id: id.into(),
            name: Some("Ana".into()),
            email: Some(format!("{}@cliente.example", id.to_lowercase())),
            telegram_chat_id: None,
            role: ContactRole::Billing,
            preferred_channel: Channel::Email,
            opted_out: false,
        };
        World {
            file: ClientFile {
                client,
                contacts: vec![contact],
                invoices: vec![],
                payments: vec![],
                promises: vec![],
                messages: vec![],
                plans: vec![],
                history: None,
                in_favour: vec![],
            },
            config: Config::parse(EXAMPLE, "example").unwrap(),
        }
    }

    fn madrid() -> World {
        World::new("C1", "ES", chrono_tz::Europe::Madrid)
    }

    fn invoice(mut self, number: &str, due: &str, amount: &str) -> World {
        let amount: Money = amount.parse().unwrap();
        self.file.invoices.push(Invoice {
            number: number.into(),
            client_id: self.file.client.id.clone(),
            issue_date: day(due) - chrono::Days::new(30),
            due_date: day(due),
            currency: "EUR".into(),
            amount,
            paid: Money::ZERO,
            balance: amount,
            status: InvoiceStatus::Open,
            paid_claimed_on: None,
            returned: None,
            pdf_path: None,
            description: None,
        });
        self
    }

    fn pay(mut self, number: &str, on: &str, amount: &str) -> World {
        let amount: Money = amount.parse().unwrap();
        let inv = self
            .file
            .invoices
            .iter_mut()
            .find(|i| i.number == number)
            .unwrap();
        inv.paid = inv.paid + amount;
        inv.balance = inv.amount - inv.paid;
        if inv.balance.is_settled() {
            inv.status = InvoiceStatus::Paid;
        }
        self.file.payments.push(Payment {
            id: self.file.payments.len() as i64 + 1,
            invoice_number: number.into(),
            paid_on: day(on),
            amount,
            reference: None,
            kind: PaymentKind::Payment,
            recorded_at: at(&format!("{on}T12:00:00Z")),
        });
        self
    }

    fn status(mut self, number: &str, status: InvoiceStatus) -> World {
        self.file
            .invoices
            .iter_mut()
            .find(|i| i.number == number)
            .unwrap()
            .status = status;
        self
    }

    /// A message of `stage` for `cycle`, sent at `sent`.
    fn sent(mut self, stage: &str, cycle: &str, sent: &str) -> World {
        self.push_message(stage, cycle, sent, OutboxStatus::Sent);
        self
    }

    fn push_message(&mut self, stage: &str, cycle: &str, when: &str, status: OutboxStatus) {
        let id = self.file.client.id.clone();
        self.file.messages.push(OutboxMessage {
            id: self.file.messages.len() as i64 + 1,
            message: NewOutboxMessage {
                dedup_key: format!("{id}|{stage}|{cycle}"),
                client_id: id,
                stage: stage.into(),
                cycle: cycle.into(),
                channel: Channel::Email,
                recipients: vec![],
                cc: vec![],
                subject: None,
                body_text: String::new(),
                body_html: None,
                attachment: None,
                message_id: None,
                in_reply_to: None,
                references: None,
                send_at: at(when),
                invoices: vec![],
            },
            status,
            attempts: 1,
            retry_at: None,
            last_error: None,
            sent_at: (status == OutboxStatus::Sent).then(|| at(when)),
            telegram_message_id: None,
        });
    }

    fn promise(
        mut self,
        date: &str,
        made: &str,
        amount: Option<&str>,
        status: PromiseStatus,
    ) -> World {
        self.file.promises.push(Promise {
            id: self.file.promises.len() as i64 + 1,
            client_id: self.file.client.id.clone(),
            invoice_number: None,
            promised_date: day(date),
            amount: amount.map(|a| a.parse().unwrap()),
            source: "reply".into(),
            ambiguous: false,
            status,
            created_at: at(made),
            resolved_at: None,
        });
        self
    }

    fn plan(&self, now: &str) -> Plan {
        let snapshot = Snapshot {
            clients: vec![self.file.clone()],
        };
        let settings = Settings::from_config(&self.config, &snapshot).unwrap();
        let plan = plan(&snapshot, &settings, at(now));
        assert!(plan.errors.is_empty(), "{:?}", plan.errors);
        plan
    }
}

fn only(plan: &Plan) -> &PlannedMessage {
    assert_eq!(plan.messages.len(), 1, "{:#?}", plan);
    &plan.messages[0]
}

/// The kinds of the plan's holds, in order.
fn kinds(plan: &Plan) -> Vec<HoldKind> {
    plan.held.iter().map(|h| h.kind).collect()
}

fn held(plan: &Plan) -> String {
    plan.held
        .iter()
        .map(|h| h.reason.clone())
        .collect::<Vec<_>>()
        .join(" | ")
}

// 2026-11-24 is a Tuesday; 10:30 in Madrid is 09:30 UTC.
const TUESDAY_MORNING: &str = "2026-11-24T09:30:00Z";

#[test]
fn first_contact_follows_the_age_but_never_above_the_first_stage() {
    // Issue 13, point 1: an invoice found already late gets a first message no harsher than
    // `early` (the default first stage), whatever its age; never `formal` or `final`.
    let cases = [
        ("2026-11-27", Some("preventive")), // due in 3 days
        ("2026-11-26", Some("preventive")), // in 2 days: still the preventive window
        ("2026-11-28", None),               // in 4 days: too early
        ("2026-11-24", Some("due")),
        ("2026-11-21", Some("early")),
        ("2026-11-17", Some("early")),
        ("2026-11-09", Some("early")),
        ("2026-10-25", Some("early")),
        ("2026-09-25", Some("early")),
        // 118 days: past the hand-over age, but nothing was ever sent.
        ("2026-07-29", Some("early")),
        ("2026-03-01", Some("early")),
    ];
    for (due, want) in cases {
        let plan = World::madrid()
            .invoice("F1", due, "100")
            .plan(TUESDAY_MORNING);
        let got = plan.messages.first().map(|m| m.stage.as_str());
        assert_eq!(got, want, "due {due}: {plan:#?}");
        if let Some(m) = plan.messages.first() {
            assert!(m.due_now, "due {due}: {m:#?}");
            assert_eq!(m.send_at, at(TUESDAY_MORNING));
        }
    }
}

#[test]
fn preventive_is_per_invoice_and_overdue_is_one_message_per_client() {
    let plan = World::madrid()
        .invoice("F1", "2026-10-20", "100") // 35 days: formal
        .invoice("F2", "2026-11-10", "50") // 14 days: second
        .invoice("F3", "2026-11-26", "70") // preventive
        .invoice("F4", "2026-11-27", "80") // preventive
        .plan(TUESDAY_MORNING);
    let stages: Vec<(&str, &str)> = plan
        .messages
        .iter()
        .map(|m| (m.stage.as_str(), m.cycle.as_str()))
        .collect();
    // One message a day: the ladder first (at the first stage), then F4's preventive on
    // Thursday; F3's preventive would only arrive on its due date, so it is not sent.
    assert_eq!(stages, [("early", "F1"), ("preventive", "F4")]);
    let first = &plan.messages[0];
    assert_eq!(first.invoices, ["F1", "F2"]);
    assert_eq!(first.reached, ["F1", "F2"]);
    assert_eq!(first.dedup_key, "C1|early|F1");
    assert!(first.due_now);
    assert_eq!(plan.messages[1].send_at, at("2026-11-26T09:00:00Z"));
    assert!(!plan.messages[1].due_now);
    assert!(held(&plan).contains("F3"), "{}", held(&plan));
    assert_eq!(
        first.deadline,
        Some(day("2026-11-30")),
        "4 days until `second` is Saturday: moved to Monday"
    );
}

/// walk26: the reminder three days before a due date on Tuesday 15 December falls on a
/// Saturday: it goes on Friday 11, the contact day before, not on Monday 14 (the due-day
/// message, spaced after it, then went two days late). Not earlier than that Friday.
#[test]
fn a_reminder_before_the_due_date_that_falls_on_a_weekend_goes_the_day_before() {
    let world = World::madrid().invoice("F1", "2026-12-15", "100");
    let plan = world.plan("2026-12-10T09:30:00Z");
    assert!(plan.messages.is_empty(), "{plan:#?}");
    let plan = world.plan("2026-12-11T09:30:00Z");
    let m = only(&plan);
    assert_eq!(m.stage, "preventive");
    assert_eq!(
        m.send_at
            .with_timezone(&chrono_tz::Europe::Madrid)
            .date_naive(),
        day("2026-12-11")
    );
}

#[test]
fn time_zone_decides_the_day_at_the_boundary() {
    // 23:30 UTC on the 24th is already the 25th in Madrid, still the 24th in Mexico City.
    let now = "2026-11-24T23:30:00Z";
    let madrid = World::madrid().invoice("F1", "2026-11-25", "100").plan(now);
    assert_eq!(only(&madrid).stage, "due");
    let mut mx =
        World::new("M1", "MX", chrono_tz::America::Mexico_City).invoice("F1", "2026-11-25", "100");
    mx.file.invoices[0].currency = "MXN".into();
    // Still the 24th there: a preventive reminder, but its first slot is the due date itself,
    // when it would announce a date already reached: skipped (the `due` message follows).
    let plan = mx.plan(now);
    assert!(plan.messages.is_empty(), "{plan:#?}");
    assert!(
        held(&plan).contains("preventive for F1 skipped"),
        "{}",
        held(&plan)
    );
    assert!(kinds(&plan).contains(&HoldKind::SkippedBeforeDue));
    mx.file.invoices[0].due_date = day("2026-11-26");
    let plan = mx.plan(now);
    let m = only(&plan);
    assert_eq!(m.stage, "preventive");
    // 17:30 in Mexico City is after hours: next morning 10:00 local = 16:00 UTC.
    assert!(!m.due_now);
    assert_eq!(m.send_at, at("2026-11-25T16:00:00Z"));
    assert!(
        m.waiting
            .as_deref()
            .unwrap()
            .contains("outside contact hours"),
        "{m:#?}"
    );
}

#[test]
fn dst_change_in_madrid_moves_the_utc_instant_not_the_local_time() {
    // Spring forward on Sunday 2026-03-29. A Thursday 10:00 window is 09:00 UTC in winter...
    let winter = World::madrid()
        .invoice("F1", "2026-03-23", "100")
        .plan("2026-03-26T06:00:00Z");
    assert_eq!(only(&winter).send_at, at("2026-03-26T09:00:00Z"));
    // ...and 08:00 UTC the Thursday after the change.
    let summer = World::madrid()
        .invoice("F1", "2026-03-30", "100")
        .plan("2026-04-02T05:00:00Z");
    assert_eq!(only(&summer).stage, "early");
    assert_eq!(only(&summer).send_at, at("2026-04-02T08:00:00Z"));
    // Fall back on 2026-10-25: the Monday after, the window opens at 12:00 CET = 11:00 UTC.
    let autumn = World::madrid()
        .invoice("F1", "2026-10-23", "100")
        .plan("2026-10-26T07:00:00Z");
    assert_eq!(only(&autumn).send_at, at("2026-10-26T11:00:00Z"));
}

#[test]
fn a_holiday_on_the_due_date_waits_for_the_next_working_morning() {
    // 8 December 2026 (Tuesday) is Inmaculada Concepción.
    let plan = World::madrid()
        .invoice("F1", "2026-12-08", "100")
        .plan("2026-12-08T09:30:00Z");
    let m = only(&plan);
    assert_eq!(m.stage, "due");
    assert!(!m.due_now);
    assert_eq!(m.send_at, at("2026-12-09T09:00:00Z"));
    assert!(m.waiting.as_deref().unwrap().contains("holiday"), "{m:#?}");
}

#[test]
fn the_owners_own_closing_day_is_respected() {
    // The example config closes ES clients on 2026-05-15 (a Friday).
    let plan = World::madrid()
        .invoice("F1", "2026-05-15", "100")
        .plan("2026-05-15T08:30:00Z");
    assert_eq!(
        only(&plan).send_at,
        at("2026-05-18T10:00:00Z"),
        "Monday 12:00 CEST"
    );
}

#[test]
fn after_a_40_day_outage_only_the_latest_stage_goes_once() {
    let world = World::madrid()
        .invoice("F1", "2026-10-01", "100")
        .sent("due", "F1", "2026-10-01T09:00:00Z")
        .sent("early", "F1", "2026-10-05T09:00:00Z");
    // Down from 6 October to 17 November (42 days overdue): second and firm were missed.
    let plan = world.plan("2026-11-17T09:30:00Z");
    let m = only(&plan);
    assert_eq!(
        m.stage, "second",
        "one step after the last sent, no burst and no skipped step"
    );
    // Once queued and sent, the next tick plans nothing new.
    let mut after = world;
    after.push_message("second", "F1", "2026-11-17T09:30:00Z", OutboxStatus::Sent);
    let plan = after.plan("2026-11-17T10:00:00Z");
    assert!(plan.messages.is_empty(), "{plan:#?}");
    assert!(
        held(&plan)
            .contains("second sent on 2026-11-17; next: firm not before Wednesday 2026-11-25"),
        "{}",
        held(&plan)
    );
}

#[test]
fn nothing_new_while_a_message_of_the_cycle_is_still_queued() {
    let mut world = World::madrid().invoice("F1", "2026-11-17", "100");
    world.push_message("early", "F1", "2026-11-20T09:30:00Z", OutboxStatus::Failed);
    let plan = world.plan(TUESDAY_MORNING);
    assert!(plan.messages.is_empty());
    assert!(held(&plan).contains("still failed"), "{}", held(&plan));
    assert!(kinds(&plan).contains(&HoldKind::MessagePending));
}

#[test]
fn a_partial_payment_does_not_skip_a_stage() {
    let world = World::madrid()
        .invoice("F1", "2026-11-16", "1000")
        .sent("early", "F1", "2026-11-19T09:30:00Z")
        .pay("F1", "2026-11-20", "400");
    let plan = world.plan(TUESDAY_MORNING);
    let m = only(&plan);
    assert_eq!(m.stage, "second");
    assert_eq!(m.invoices, ["F1"]);
    // Paid in full: nothing at all.
    let plan = world.pay("F1", "2026-11-21", "600").plan(TUESDAY_MORNING);
    assert!(
        plan.messages.is_empty() && plan.held.is_empty(),
        "{plan:#?}"
    );
}

#[test]
fn a_promise_pauses_until_its_date_plus_grace_and_is_kept_by_paying() {
    let world = World::madrid()
        .invoice("F1", "2026-11-10", "500")
        .sent("early", "F1", "2026-11-13T09:30:00Z")
        .promise(
            "2026-11-27",
            "2026-11-20T10:00:00Z",
            None,
            PromiseStatus::Pending,
        );
    // Promise on Friday 27th + 2 business days = Tuesday 1 December.
    let plan = world.plan(TUESDAY_MORNING);
    assert!(plan.messages.is_empty());
    assert_eq!(held(&plan), "paused: promise until 2026-12-01");
    let plan = world.plan("2026-12-01T09:30:00Z");
    assert!(
        plan.messages.is_empty(),
        "still within grace on the last day"
    );
    let kept = world
        .pay("F1", "2026-11-27", "500")
        .plan("2026-11-27T12:00:00Z");
    assert_eq!(
        kept.effects,
        [Effect::PromiseKept {
            id: 1,
            client: "C1".into()
        }]
    );
    assert!(kept.messages.is_empty());
}

/// A promise made on a Friday evening in Mexico City (19:00, Saturday in UTC) to pay 200 that
/// very evening, and paid then: the payment is of the day the promise was made (the client's
/// date), so the promise is kept, never broken.
#[test]
fn a_promise_counts_payments_from_the_clients_date_it_was_made() {
    let world = World::new("C1", "MX", chrono_tz::America::Mexico_City)
        .invoice("F1", "2026-03-02", "500")
        .promise(
            "2026-03-20",
            "2026-03-21T01:00:00Z",
            Some("200"),
            PromiseStatus::Pending,
        )
        .pay("F1", "2026-03-20", "200");
    let plan = world.plan("2026-03-26T17:00:00Z");
    assert_eq!(
        plan.effects,
        [Effect::PromiseKept {
            id: 1,
            client: "C1".into()
        }]
    );
}

#[test]
fn a_promised_partial_amount_keeps_the_promise_but_the_rest_is_still_reminded() {
    let world = World::madrid()
        .invoice("F1", "2026-11-10", "500")
        .sent("early", "F1", "2026-11-13T09:30:00Z")
        .promise(
            "2026-11-27",
            "2026-11-20T10:00:00Z",
            Some("200"),
            PromiseStatus::Pending,
        )
        .pay("F1", "2026-11-26", "200");
    let plan = world.plan("2026-11-26T12:00:00Z");
    assert_eq!(
        plan.effects,
        [Effect::PromiseKept {
            id: 1,
            client: "C1".into()
        }]
    );
    assert_eq!(
        only(&plan).stage,
        "second",
        "the balance of 300 is still owed: the step after `early`"
    );
}

#[test]
fn a_broken_promise_resumes_one_stage_further_and_mentions_it() {
    let world = World::madrid()
        .invoice("F1", "2026-11-13", "500")
        .sent("early", "F1", "2026-11-16T09:30:00Z")
        .promise(
            "2026-11-27",
            "2026-11-17T10:00:00Z",
            None,
            PromiseStatus::Pending,
        );
    // Wednesday 2 December: grace ended on Tuesday 1st; 19 days overdue = firm by age.
    let plan = world.plan("2026-12-02T09:30:00Z");
    assert_eq!(
        plan.effects,
        [Effect::PromiseBroken {
            id: 1,
            client: "C1".into(),
            promised_date: day("2026-11-27")
        }]
    );
    let m = only(&plan);
    assert_eq!(m.stage, "second", "one step after `early`, never two");
    assert_eq!(m.broken_promise, Some(day("2026-11-27")));
    // Broken early in the ladder: the stage after the last one sent, and never a skipped one.
    let young = World::madrid()
        .invoice("F1", "2026-11-20", "500")
        .sent("due", "F1", "2026-11-20T09:30:00Z")
        .promise(
            "2026-11-23",
            "2026-11-20T12:00:00Z",
            None,
            PromiseStatus::Pending,
        );
    let plan = young.plan("2026-11-26T09:30:00Z");
    let m = only(&plan);
    assert_eq!(
        m.stage, "early",
        "due was the last sent: the ladder resumes at the next stage"
    );
    assert_eq!(m.broken_promise, Some(day("2026-11-23")));
}

#[test]
fn a_dispute_stops_reminders_until_resolved() {
    let world =
        World::madrid()
            .invoice("F1", "2026-11-09", "500")
            .invoice("F2", "2026-11-16", "90");
    let disputed = world.status("F1", InvoiceStatus::Disputed);
    let plan = disputed.plan(TUESDAY_MORNING);
    assert!(held(&plan).contains("disputed"));
    assert!(kinds(&plan).contains(&HoldKind::Disputed));
    let m = only(&plan);
    assert_eq!(
        m.invoices,
        ["F2"],
        "the other invoice is still reminded on its own age"
    );
    assert_eq!(m.stage, "early", "first contact");
    let resolved = disputed.status("F1", InvoiceStatus::Open);
    let plan = resolved.plan(TUESDAY_MORNING);
    assert_eq!(only(&plan).stage, "early");
    assert_eq!(only(&plan).invoices, ["F1", "F2"]);
}

#[test]
fn paid_claims_holds_opt_outs_and_minimum_amounts_hold() {
    let base = World::madrid().invoice("F1", "2026-11-09", "500");
    let mut claimed = base.file.clone();
    claimed.invoices[0].paid_claimed_on = Some(day("2026-11-20"));
    let mut w = World::madrid();
    w.file = claimed;
    assert!(held(&w.plan(TUESDAY_MORNING)).contains("says it was paid"));

    let mut on_hold = World::madrid().invoice("F1", "2026-11-09", "500");
    on_hold.file.client.on_hold = true;
    assert_eq!(
        held(&on_hold.plan(TUESDAY_MORNING)),
        "paused: client on manual hold"
    );

    let mut opted = World::madrid().invoice("F1", "2026-11-09", "500");
    opted.file.contacts[0].opted_out = true;
    assert_eq!(held(&opted.plan(TUESDAY_MORNING)), "opted out");

    let small = World::madrid()
        .invoice("F1", "2026-11-09", "19.99")
        .plan(TUESDAY_MORNING);
    assert!(small.messages.is_empty());
    assert!(held(&small).contains("minimum amount"));
    // A minimum set for the invoice's currency replaces the general one.
    let mut per_currency = World::madrid().invoice("F1", "2026-11-09", "19.99");
    per_currency
        .config
        .reminders
        .minimum_amounts
        .insert("EUR".into(), "10".parse().unwrap());
    assert_eq!(only(&per_currency.plan(TUESDAY_MORNING)).stage, "early");
}

#[test]
fn the_final_notice_goes_once_and_the_handover_follows_on_the_announced_date() {
    let world = World::madrid()
        .invoice("F1", "2026-09-01", "500")
        .sent("formal", "F1", "2026-10-01T09:30:00Z")
        .sent("final", "F1", "2026-11-02T11:00:00Z");
    // Announced: 30 days after the final notice = 2 December.
    let plan = world.plan("2026-12-01T09:30:00Z");
    assert!(plan.messages.is_empty());
    assert_eq!(
        held(&plan),
        "F1: final sent on 2026-11-02; next: handover not before Wednesday 2026-12-02"
    );
    let plan = world.plan("2026-12-02T20:00:00Z");
    let m = only(&plan);
    assert_eq!(m.stage, "handover");
    assert!(
        m.handover && m.due_now,
        "a task for the owner does not wait for contact hours"
    );
    let mut done = world;
    done.push_message("handover", "F1", "2026-12-02T20:00:00Z", OutboxStatus::Sent);
    let plan = done.plan("2027-01-15T09:30:00Z");
    assert!(plan.messages.is_empty());
    assert!(held(&plan).contains("handed over"));
    assert_eq!(kinds(&plan), [HoldKind::HandedOver]);
}

#[test]
fn already_planned_keys_are_never_planned_again() {
    let world = World::madrid().invoice("F1", "2026-11-26", "100").sent(
        "preventive",
        "F1",
        "2026-11-23T11:00:00Z",
    );
    let plan = world.plan(TUESDAY_MORNING);
    assert!(plan.messages.is_empty(), "{plan:#?}");
}

#[test]
fn minimum_gap_and_weekend_push_the_send_moment() {
    // Early sent on Monday 23rd for an older cycle... a new preventive reminder on Tuesday
    // must respect the 2-day gap: Wednesday 25th 10:00 local.
    let world = World::madrid().invoice("F1", "2026-11-27", "100").sent(
        "early",
        "OLD",
        "2026-11-23T11:00:00Z",
    );
    let m = world.plan(TUESDAY_MORNING);
    let m = only(&m);
    assert_eq!(m.send_at, at("2026-11-25T09:00:00Z"));
    assert!(
        m.waiting.as_deref().unwrap().contains("minimum gap"),
        "{m:#?}"
    );
    // Saturday: Monday at 12:00 (Monday mornings are avoided).
    let sat = World::madrid()
        .invoice("F1", "2026-11-25", "100")
        .plan("2026-11-28T10:00:00Z");
    assert_eq!(only(&sat).send_at, at("2026-11-30T11:00:00Z"));
}

#[test]
fn colombia_never_on_sunday_and_uses_its_own_hours() {
    let mut co =
        World::new("K1", "CO", chrono_tz::America::Bogota).invoice("F1", "2026-11-19", "100");
    co.file.invoices[0].currency = "COP".into();
    // Sunday 29 November 11:00 in Bogotá (16:00 UTC).
    let plan = co.plan("2026-11-29T16:00:00Z");
    let m = only(&plan);
    assert_eq!(m.stage, "early");
    assert!(!m.due_now);
    // Config: CO hours 09:00-12:00; avoiding Monday mornings would leave Monday without a
    // minute, so it is set aside for Monday: Monday 09:00 Bogotá = 14:00 UTC (it was Tuesday,
    // every week: a walk's Colombian client was never written to on a Monday).
    assert_eq!(m.send_at, at("2026-11-30T14:00:00Z"), "{m:#?}");
}

#[test]
fn telegram_preference_falls_back_to_email_when_no_chat_is_linked() {
    let mut w = World::madrid().invoice("F1", "2026-11-21", "100");
    w.file.contacts[0].preferred_channel = Channel::Telegram;
    assert_eq!(only(&w.plan(TUESDAY_MORNING)).channel, Channel::Email);
    w.file.contacts[0].telegram_chat_id = Some(4242);
    let plan = w.plan(TUESDAY_MORNING);
    assert_eq!(only(&plan).channel, Channel::Telegram);
    assert_eq!(only(&plan).recipients, ["4242"]);
    // With a real SMTP server nothing delivers Telegram yet: email.
    w.config = Config::parse(
        &format!("{EXAMPLE}\n[email.smtp]\nhost = \"smtp.example.com\"\n"),
        "c",
    )
    .unwrap();
    assert_eq!(only(&w.plan(TUESDAY_MORNING)).channel, Channel::Email);
}

/// A client three stages in (the formal notice next), with a finance contact beside billing.
fn at_formal_with_finance() -> World {
    let mut w = World::madrid()
        .invoice("F1", "2026-10-20", "100")
        .sent("early", "F1", "2026-10-23T09:30:00Z")
        .sent("second", "F1", "2026-10-27T09:30:00Z")
        .sent("firm", "F1", "2026-11-04T09:30:00Z");
    w.file.contacts.push(Contact {
        id: 2,
        client_id: "C1".into(),
        name: None,
        email: Some("finanzas@cliente.example".into()),
        telegram_chat_id: None,
        role: ContactRole::Finance,
        preferred_channel: Channel::Email,
        opted_out: false,
    });
    w
}

#[test]
fn later_stages_copy_the_finance_manager() {
    let w = at_formal_with_finance();
    let plan = w.plan(TUESDAY_MORNING);
    assert_eq!(only(&plan).stage, "formal");
    assert_eq!(only(&plan).recipients, ["c1@cliente.example"]);
    assert_eq!(only(&plan).cc, ["finanzas@cliente.example"]);
}

/// Walk 2, fault 05: the billing address bounced for good (set aside: no email left); the
/// finance contact takes over rather than the client never being reminded again.
#[test]
fn when_the_billing_address_bounced_the_other_contact_is_written_to() {
    let mut w = at_formal_with_finance();
    w.file.contacts[0].email = None;
    let plan = w.plan(TUESDAY_MORNING);
    assert_eq!(only(&plan).stage, "formal");
    assert_eq!(only(&plan).recipients, ["finanzas@cliente.example"]);
    assert!(only(&plan).cc.is_empty());
    // With no address left at all, the client waits for a person.
    w.file.contacts[1].email = None;
    let plan = w.plan(TUESDAY_MORNING);
    assert!(plan.messages.is_empty());
    assert!(
        held(&plan).contains("no contact reachable"),
        "{}",
        held(&plan)
    );
}

#[test]
fn a_regular_client_gets_the_gentler_ladder_and_a_late_payer_the_default() {
    let mut regular = World::madrid().invoice("F1", "2026-11-20", "100");
    for (n, due) in [
        ("P1", "2026-06-01"),
        ("P2", "2026-07-01"),
        ("P3", "2026-08-01"),
    ] {
        regular = regular.invoice(n, due, "10").pay(n, due, "10");
    }
    // 4 days overdue: `early` in the default ladder (+3), nothing yet in the regular one (+5).
    let plan = regular.plan(TUESDAY_MORNING);
    assert!(
        plan.messages.iter().all(|m| m.stage != "early"),
        "{plan:#?}"
    );
    assert_eq!(only(&plan).segment.as_deref(), Some("regular"));
    assert_eq!(only(&plan).stage, "due");
    // A broken promise counts against the history: no longer a regular client.
    let mut doubtful = regular.clone_world().promise(
        "2026-10-01",
        "2026-09-20T10:00:00Z",
        None,
        PromiseStatus::Broken,
    );
    doubtful.file.promises[0].resolved_at = Some(at("2026-10-06T10:00:00Z"));
    let plan = doubtful.plan(TUESDAY_MORNING);
    assert_eq!(only(&plan).segment, None);
    assert_eq!(only(&plan).stage, "early", "the default ladder again");
    let late = World::madrid()
        .invoice("F1", "2026-11-20", "100")
        .invoice("P1", "2026-06-01", "10")
        .pay("P1", "2026-07-15", "10");
    let plan = late.plan(TUESDAY_MORNING);
    assert_eq!(only(&plan).segment.as_deref(), Some("late"));
    assert_eq!(only(&plan).stage, "early");
    let _ = dec!(0);
}

// ---- Payment plans -------------------------------------------------------------------------

impl World {
    /// A plan agreed at `made` over `invoices` with `(due, amount)` instalments.
    fn plan_of(mut self, made: &str, invoices: &[&str], instalments: &[(&str, &str)]) -> World {
        use crate::domain::{Instalment, PaymentPlan as AgreedPlan, PlanStatus};
        self.file.plans.push(AgreedPlan {
            id: self.file.plans.len() as i64 + 1,
            client_id: self.file.client.id.clone(),
            currency: "EUR".into(),
            status: PlanStatus::Active,
            invoices: invoices.iter().map(|s| (*s).to_owned()).collect(),
            instalments: instalments
                .iter()
                .enumerate()
                .map(|(i, (due, amount))| Instalment {
                    number: i as u32 + 1,
                    due_date: day(due),
                    amount: amount.parse().unwrap(),
                })
                .collect(),
            created_at: at(made),
            resolved_at: None,
            note: None,
        });
        self
    }
}

/// F1 of 900 € due 1 October, `firm` sent, then a plan of three instalments of 300 €.
fn planned() -> World {
    World::madrid()
        .invoice("F1", "2026-10-01", "900")
        .sent("due", "F1", "2026-10-01T09:00:00Z")
        .sent("firm", "F1", "2026-10-16T09:00:00Z")
        .plan_of(
            "2026-10-20T10:00:00Z",
            &["F1"],
            &[
                ("2026-11-04", "300"),
                ("2026-11-18", "300"),
                ("2026-12-02", "300"),
            ],
        )
}

/// An instalment's notice and a reminder of another invoice due the same day: the notice goes
/// (a notice a day late is no notice; a second walk saw the third instalment's crowded out),
/// the reminder waits a day.
#[test]
fn an_instalment_notice_goes_before_a_reminder_of_another_invoice() {
    let w =
        planned()
            .invoice("F2", "2026-10-26", "200")
            .sent("early", "F2", "2026-10-29T09:00:00Z");
    let plan = w.plan("2026-11-02T11:00:00Z");
    let now: Vec<&str> = plan
        .messages
        .iter()
        .filter(|m| m.due_now)
        .map(|m| m.stage.as_str())
        .collect();
    assert_eq!(now, ["instalment"], "{plan:#?}");
    assert!(
        plan.messages
            .iter()
            .any(|m| m.stage == "second" && !m.due_now),
        "{plan:#?}"
    );
}

#[test]
fn a_plan_paid_on_time_replaces_the_ladder_with_instalment_reminders() {
    // 23 October: nothing; the ladder would have sent `formal` (22 days overdue → firm done).
    let plan = planned().plan("2026-10-27T09:30:00Z");
    assert!(plan.messages.is_empty(), "{plan:#?}");
    assert_eq!(held(&plan), "plan: instalment 1 due 2026-11-04");
    // Three days before the first instalment: a preventive instalment reminder.
    let plan = planned().plan("2026-11-02T11:00:00Z");
    let m = only(&plan);
    assert_eq!(
        (m.stage.as_str(), m.dedup_key.as_str()),
        ("instalment", "C1|instalment|plan-1-1")
    );
    assert_eq!(
        m.plan,
        Some(PlanRef {
            id: 1,
            instalment: 1,
            missed: false
        })
    );
    // Paid on time: the next reminder is for instalment 2, and the plan completes at the end.
    let paid = planned()
        .pay("F1", "2026-11-04", "300")
        .pay("F1", "2026-11-18", "300");
    assert_eq!(
        held(&paid.plan("2026-11-20T09:30:00Z")),
        "plan: instalment 3 due 2026-12-02"
    );
    let done = paid
        .pay("F1", "2026-12-01", "300")
        .plan("2026-12-01T12:00:00Z");
    assert_eq!(
        done.effects,
        [Effect::PlanCompleted {
            id: 1,
            client: "C1".into()
        }]
    );
    assert!(done.messages.is_empty());
}

#[test]
fn a_missed_instalment_gets_a_gentle_nudge_and_paying_within_grace_keeps_the_plan() {
    // Instalment 1 due Wednesday 4 November; grace 2 business days → Friday 6.
    let plan = planned().plan("2026-11-05T09:30:00Z");
    let m = only(&plan);
    assert_eq!(m.dedup_key, "C1|instalment_missed|plan-1-1");
    assert!(m.plan.unwrap().missed);
    let late_but_ok = planned()
        .pay("F1", "2026-11-06", "300")
        .plan("2026-11-09T11:00:00Z");
    assert!(late_but_ok.effects.is_empty(), "{late_but_ok:#?}");
    assert_eq!(held(&late_but_ok), "plan: instalment 2 due 2026-11-18");
}

#[test]
fn a_missed_instalment_beyond_grace_breaks_the_plan_and_the_ladder_resumes_where_it_stopped() {
    let plan = planned().plan("2026-11-09T11:00:00Z");
    assert_eq!(
        plan.effects,
        [Effect::PlanBroken {
            id: 1,
            client: "C1".into(),
            instalment: 1
        }]
    );
    // Issue 13, point 4: the ladder stopped at `firm`; it resumes with the next stage,
    // `formal`, but only after the ladder's gap (15 days) from the day the plan broke, not
    // two days after the gentle nudge.
    assert!(plan.messages.is_empty(), "{plan:#?}");
    assert!(
        held(&plan).contains("next: formal not before Tuesday 2026-11-24"),
        "{}",
        held(&plan)
    );
    assert!(kinds(&plan).contains(&HoldKind::NextStep));
    let mut broken = planned();
    broken.file.plans[0].status = crate::domain::PlanStatus::Broken;
    broken.file.plans[0].resolved_at = Some(at("2026-11-09T11:00:00Z"));
    let plan = broken.plan("2026-11-24T10:30:00Z");
    let m = only(&plan);
    assert_eq!(m.stage, "formal");
    assert!(m.why.contains("broken payment plan"), "{}", m.why);
    // Walk 2, fault 7: the message that resumes says which instalment broke the plan (the
    // first one unpaid when it broke; a payment made after it does not change that).
    assert_eq!(m.broken_plan, Some(day("2026-11-04")));
    let later = broken
        .clone_world()
        .pay("F1", "2026-11-12", "300")
        .plan("2026-11-24T10:30:00Z");
    assert_eq!(only(&later).broken_plan, Some(day("2026-11-04")));
    // ...and the following stage comes at the ladder's own pace (final: +30 days after
    // formal), not at once although the invoice is already 70 days old.
    broken.push_message("formal", "F1", "2026-11-09T11:00:00Z", OutboxStatus::Sent);
    let plan = broken.plan("2026-12-08T09:30:00Z");
    assert!(plan.messages.is_empty(), "{plan:#?}");
    let plan = broken.plan("2026-12-09T09:30:00Z");
    assert_eq!(only(&plan).stage, "final", "30 days after the break");
    assert_eq!(
        only(&plan).broken_plan,
        None,
        "said once, by the formal notice"
    );
}

/// F1 of 3,000 € due 2 March, and a plan agreed on Friday 20 March: 1,000 € on Wednesday 1
/// April, 2,000 € on Monday 4 May (1 May is Labour Day, 2–3 May a weekend); the first
/// instalment paid on time.
fn plan_over_the_may_bridge(world: World) -> World {
    world
        .invoice("F1", "2026-03-02", "3000")
        .plan_of(
            "2026-03-20T15:00:00Z",
            &["F1"],
            &[("2026-04-01", "1000"), ("2026-05-04", "2000")],
        )
        .pay("F1", "2026-04-01", "1000")
}

/// Walk 05: an instalment notice whose nominal day (`instalment-notice-days` before) is not a
/// contact day goes on the last contact day before it, never later.
#[test]
fn an_instalment_notice_moves_earlier_to_the_last_contact_day_never_later() {
    let notice = |plan: &Plan| -> Vec<(String, String)> {
        plan.messages
            .iter()
            .filter(|m| m.stage == "instalment")
            .map(|m| (m.dedup_key.clone(), m.send_at.to_rfc3339()))
            .collect()
    };
    // Madrid. Instalment 1 (Wednesday 1 April): nominal Sunday 29 March → Friday 27 March.
    let mut madrid = World::madrid().invoice("F1", "2026-03-02", "3000").plan_of(
        "2026-03-20T15:00:00Z",
        &["F1"],
        &[("2026-04-01", "1000"), ("2026-05-04", "2000")],
    );
    let plan = madrid.plan("2026-03-27T09:30:00Z");
    assert_eq!(
        notice(&plan),
        [(
            "C1|instalment|plan-1-1".to_owned(),
            "2026-03-27T09:30:00+00:00".to_owned()
        )],
        "{plan:#?}"
    );
    madrid = plan_over_the_may_bridge(World::madrid());
    // Instalment 2 (Monday 4 May): nominal Friday 1 May, a holiday → Thursday 30 April.
    let plan = madrid.plan("2026-04-29T09:30:00Z");
    assert!(notice(&plan).is_empty(), "not before its day: {plan:#?}");
    let plan = madrid.plan("2026-04-30T08:30:00Z");
    assert_eq!(
        notice(&plan),
        [(
            "C1|instalment|plan-1-2".to_owned(),
            "2026-04-30T08:30:00+00:00".to_owned()
        )],
        "{plan:#?}"
    );
    // Bogotá: 1 May is a holiday and Monday has no window (it opens at 12:00, the hours end
    // at 12:00): the notice goes on Thursday 30 April too, not never.
    let bogota = plan_over_the_may_bridge(World::new("C1", "CO", chrono_tz::America::Bogota));
    let plan = bogota.plan("2026-04-30T14:30:00Z");
    assert_eq!(
        notice(&plan),
        [(
            "C1|instalment|plan-1-2".to_owned(),
            "2026-04-30T14:30:00+00:00".to_owned()
        )],
        "{plan:#?}"
    );
}

/// A plan agreed too late for any contact day before the notice's day: the notice goes at
/// the first opportunity up to the instalment's day, and never after it.
#[test]
fn an_instalment_notice_without_a_contact_day_before_goes_first_and_never_after_the_instalment() {
    let late = World::madrid().invoice("F1", "2026-03-02", "3000").plan_of(
        "2026-05-01T09:00:00Z",
        &["F1"],
        &[("2026-05-04", "3000")],
    );
    // Monday 4 May, before the window (Monday mornings open at 12:00): on the day, at noon.
    let plan = late.plan("2026-05-04T07:00:00Z");
    let m = only(&plan);
    assert_eq!(m.dedup_key, "C1|instalment|plan-1-1");
    assert_eq!(m.send_at, at("2026-05-04T10:00:00Z"));
    // The window of the 4th closed (the daemon was down): the next free day is the 5th, after
    // the instalment: no notice, and the hold says why.
    let plan = late.plan("2026-05-04T16:00:00Z");
    assert!(plan.messages.is_empty(), "{plan:#?}");
    assert!(
        kinds(&plan).contains(&HoldKind::SkippedAfterInstalment),
        "{}",
        held(&plan)
    );
}

#[test]
fn partial_payments_are_allocated_to_instalments_in_order() {
    use crate::policy::planner::allocate;
    let w = planned()
        .pay("F1", "2026-11-03", "450")
        .pay("F1", "2026-11-17", "200");
    let madrid = chrono_tz::Europe::Madrid;
    let states = allocate(
        &w.file.plans[0],
        &w.file.payments,
        day("2026-11-19"),
        madrid,
    );
    let got: Vec<(String, &str)> = states
        .iter()
        .map(|s| (s.paid.to_string(), s.status))
        .collect();
    assert_eq!(
        got,
        [
            ("300.00".into(), "paid"),
            ("300.00".into(), "paid"),
            ("50.00".into(), "partial")
        ]
    );
    // The overpayment carried forward: instalment 2 is covered; the next reminder is for 3.
    assert_eq!(
        held(&w.plan("2026-11-19T09:30:00Z")),
        "plan: instalment 3 due 2026-12-02"
    );
    // A payment before the plan was agreed is not allocated to it.
    let early = planned().pay("F1", "2026-10-10", "100");
    let states = allocate(
        &early.file.plans[0],
        &early.file.payments,
        day("2026-10-21"),
        madrid,
    );
    assert!(states.iter().all(|s| s.paid.0.is_zero()));
}

/// A plan agreed on a Friday evening in Mexico City (19:00 local, already Saturday in UTC): its
/// first day is the client's Friday. A payment made that evening counts for it, and the
/// notice of an instalment whose nominal day is that weekend opens on the Friday, not a day
/// late.
#[test]
fn a_plans_first_day_is_the_clients_date_it_was_agreed() {
    use crate::policy::planner::{PlanCalendar, allocate, check_plan};
    let tz = chrono_tz::America::Mexico_City;
    let w = World::new("C1", "MX", tz)
        .invoice("F1", "2026-03-02", "2000")
        .plan_of(
            "2026-03-21T01:00:00Z",
            &["F1"],
            &[("2026-03-24", "1000"), ("2026-04-24", "1000")],
        );
    let paid = w.clone_world().pay("F1", "2026-03-20", "1000");
    let states = allocate(
        &paid.file.plans[0],
        &paid.file.payments,
        day("2026-03-21"),
        tz,
    );
    assert_eq!(states[0].status, "paid", "{states:?}");
    // Instalment 1 on Tuesday 24: nominal Saturday 21, not a contact day: the last contact day
    // before it from the plan's first day on is Friday 20, the day it was agreed.
    let holidays =
        crate::policy::HolidayCalendar::new(crate::policy::Country::Mexico, None, &[]).unwrap();
    let weekdays = |d: NaiveDate| chrono::Datelike::weekday(&d).num_days_from_monday() < 5;
    let calendar = PlanCalendar {
        holidays: &holidays,
        contact_day: &weekdays,
        time_zone: tz,
    };
    let plan = &w.file.plans[0];
    let check = check_plan(
        plan,
        &w.file.invoices,
        &[],
        day("2026-03-20"),
        3,
        3,
        &calendar,
    );
    assert_eq!(
        check,
        PlanCheck::Running {
            next: Some((1, day("2026-03-24"))),
            remind: Some((1, false)),
        }
    );
}

#[test]
fn a_withdrawn_preventive_reminder_is_planned_again_and_only_its_own() {
    // F10's reminder was withdrawn before sending (something changed after it was planned);
    // F1's went out. F10's is planned again under a new key; F1's, whose number starts F10's,
    // is not sent twice.
    let mut w = World::madrid()
        .invoice("F1", "2026-11-27", "100")
        .invoice("F10", "2026-11-27", "100")
        .sent("preventive", "F1", "2026-11-23T09:30:00Z");
    w.push_message(
        "preventive",
        "F10",
        "2026-11-23T09:30:00Z",
        OutboxStatus::Cancelled,
    );
    let plan = w.plan("2026-11-25T09:30:00Z");
    let keys: Vec<&str> = plan.messages.iter().map(|m| m.dedup_key.as_str()).collect();
    assert_eq!(keys, ["C1|preventive|F10|retry1"], "{}", held(&plan));
    assert!(!held(&plan).contains("F1 "), "{}", held(&plan));
}

/// The hand-over gives the whole client to a person: an invoice it listed beside the driver
/// is not reminded again once the driver is paid, nor is an invoice that falls due since; once
/// every handed-over invoice is closed, a new one starts its own cycle (a walk: F-904, listed
/// in the hand-over, began again from a gentle reminder up to a second final notice).
#[test]
fn after_a_handover_nothing_automatic_goes_while_a_handed_over_invoice_is_open() {
    let mut world = World::madrid()
        .invoice("F1", "2026-08-01", "500")
        .invoice("F2", "2026-09-01", "300")
        .sent("formal", "F1", "2026-10-01T09:30:00Z")
        .sent("final", "F1", "2026-11-02T11:00:00Z")
        .sent("handover", "F1", "2026-12-02T20:00:00Z")
        .invoice("F3", "2027-01-05", "200");
    let handover = world.file.messages.last_mut().unwrap();
    handover.message.invoices = vec![("F1".into(), true), ("F2".into(), false)];
    let paid_driver = world.status("F1", InvoiceStatus::Paid);
    let plan = paid_driver.plan("2027-02-15T09:30:00Z");
    assert!(plan.messages.is_empty(), "{plan:#?}");
    assert_eq!(kinds(&plan), [HoldKind::HandedOver]);
    assert!(
        held(&plan).contains("handed over to a person on 2026-12-02 (F2 still open)"),
        "{}",
        held(&plan)
    );
    // Every handed-over invoice closed: F3 is reminded on its own.
    let all_paid = paid_driver.status("F2", InvoiceStatus::Paid);
    let plan = all_paid.plan("2027-02-15T09:30:00Z");
    let m = only(&plan);
    assert_eq!(m.invoices, ["F3"]);
    assert_eq!(m.stage, "early");
}
