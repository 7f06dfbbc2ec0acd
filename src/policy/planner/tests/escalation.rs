//! Issue 13, "honest, gradual escalation": one table test per point seen (points 6, 10 and 11
//! are about wording and are tested where the wording is made: `engine::context` and
//! `render::tests`; the planner's side of 6 and 7 is here).

use super::*;
use crate::policy::planner::overdue;

impl World {
    /// Like `sent`, naming the invoices the message covered.
    fn sent_about(mut self, stage: &str, cycle: &str, when: &str, invoices: &[&str]) -> World {
        self.push_message(stage, cycle, when, OutboxStatus::Sent);
        if let Some(m) = self.file.messages.last_mut() {
            m.message.invoices = invoices.iter().map(|n| ((*n).to_owned(), true)).collect();
        }
        self
    }
}

/// Walks one client day by day from `from` for `days`, "sending" every message due at 10:30
/// Madrid, and returns the stages sent with their days.
fn walk(mut w: World, from: &str, days: u64) -> Vec<(String, NaiveDate)> {
    let start = at(from);
    let mut sent = Vec::new();
    for d in 0..days {
        let now = start + chrono::Duration::days(d as i64);
        let plan = w.plan(&now.to_rfc3339());
        for m in plan.messages.iter().filter(|m| m.due_now) {
            w.push_message(&m.stage, &m.cycle, &now.to_rfc3339(), OutboxStatus::Sent);
            if let Some(last) = w.file.messages.last_mut() {
                last.message.dedup_key = m.dedup_key.clone();
                last.message.invoices = m.invoices.iter().map(|n| (n.clone(), true)).collect();
            }
            sent.push((m.stage.clone(), now.date_naive()));
        }
    }
    sent
}

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

fn rank(stage: &str) -> usize {
    LADDER.iter().position(|s| *s == stage).unwrap()
}

#[test]
fn p1_first_contact_on_an_old_invoice_is_gentle_whatever_its_age() {
    for (age, want) in [
        (0, "due"),
        (2, "due"),
        (5, "early"),
        (45, "early"),
        (100, "early"),
        (200, "early"),
    ] {
        let due = day("2026-11-24") - chrono::Days::new(age);
        let plan = World::madrid()
            .invoice("F1", &due.to_string(), "100")
            .plan(TUESDAY_MORNING);
        assert_eq!(only(&plan).stage, want, "{age} days overdue");
    }
    // The first stage is configurable.
    let mut w = World::madrid().invoice("F1", "2026-08-01", "100");
    w.config.reminders.first_stage = Some("second".into());
    assert_eq!(only(&w.plan(TUESDAY_MORNING)).stage, "second");
    // ...but never a hand-over.
    w.config.reminders.first_stage = Some("handover".into());
    assert_eq!(only(&w.plan(TUESDAY_MORNING)).stage, "early");
}

#[test]
fn p2_after_an_outage_the_next_step_only_never_a_skip() {
    let cases: [(&[&str], &str); 5] = [
        (&[], "early"),
        (&["due"], "early"),
        (&["due", "early"], "second"),
        (&["due", "early", "second"], "firm"),
        (&["due", "early", "second", "firm"], "formal"),
    ];
    for (history, want) in cases {
        let mut w = World::madrid().invoice("F1", "2026-08-01", "100");
        for (i, stage) in history.iter().enumerate() {
            let when = format!("2026-08-{:02}T09:30:00Z", 1 + i * 5);
            w = w.sent(stage, "F1", &when);
        }
        // Down since August; 115 days overdue on Tuesday 24 November.
        let plan = w.plan(TUESDAY_MORNING);
        assert_eq!(only(&plan).stage, want, "after {history:?}");
    }
}

#[test]
fn p3_never_two_client_messages_on_one_local_day() {
    let w = World::madrid()
        .invoice("F1", "2026-11-10", "100")
        .sent("early", "F1", "2026-11-13T09:30:00Z")
        .invoice("F2", "2026-11-27", "50");
    let plan = w.plan(TUESDAY_MORNING);
    assert_eq!(plan.messages.len(), 2, "{plan:#?}");
    let days: Vec<NaiveDate> = plan
        .messages
        .iter()
        .map(|m| {
            m.send_at
                .with_timezone(&chrono_tz::Europe::Madrid)
                .date_naive()
        })
        .collect();
    assert_ne!(days[0], days[1], "{plan:#?}");
    assert_eq!(plan.messages.iter().filter(|m| m.due_now).count(), 1);
    assert_eq!(plan.messages[0].stage, "second", "the ladder goes first");
    // Walking a month day by day: one message a day at most, whatever its kind.
    let sent = walk(
        World::madrid()
            .invoice("F1", "2026-10-20", "100")
            .invoice("F2", "2026-11-03", "70")
            .invoice("F3", "2026-11-27", "50")
            .invoice("F4", "2026-12-04", "40"),
        "2026-11-20T09:30:00Z",
        60,
    );
    let mut days: Vec<NaiveDate> = sent.iter().map(|(_, d)| *d).collect();
    let n = days.len();
    days.dedup();
    assert_eq!(days.len(), n, "{sent:?}");
}

#[test]
fn p4_a_missed_instalment_nudge_is_not_followed_days_later_by_a_harsh_step() {
    // Firm sent in October; plan; instalment 1 missed on 4 November, nudge on the 5th, plan
    // broken on the 9th: `formal` waits the ladder's gap (15 days) after the break.
    let mut w = World::madrid()
        .invoice("F1", "2026-10-01", "900")
        .sent("due", "F1", "2026-10-01T09:00:00Z")
        .sent("firm", "F1", "2026-10-16T09:00:00Z")
        .plan_of(
            "2026-10-20T10:00:00Z",
            &["F1"],
            &[("2026-11-04", "300"), ("2026-11-18", "600")],
        )
        .sent_about(
            "instalment_missed",
            "plan-1",
            "2026-11-05T10:00:00Z",
            &["F1"],
        );
    w.file.plans[0].status = crate::domain::PlanStatus::Broken;
    w.file.plans[0].resolved_at = Some(at("2026-11-09T11:00:00Z"));
    for (now, want) in [
        ("2026-11-09T11:00:00Z", None),
        ("2026-11-11T11:00:00Z", None),
        ("2026-11-23T11:00:00Z", None),
        ("2026-11-24T11:00:00Z", Some("formal")),
    ] {
        let plan = w.plan(now);
        assert_eq!(
            plan.messages.first().map(|m| m.stage.as_str()),
            want,
            "{now}: {plan:#?}"
        );
    }
}

#[test]
fn p5_final_and_handover_are_about_invoices_reminded_and_old_enough_and_list_the_rest() {
    let w = World::madrid()
        .invoice("F1", "2026-07-01", "500")
        .invoice("F2", "2026-11-05", "90") // 19 days overdue on the 24th, never reminded
        .invoice("F3", "2026-08-01", "80") // old, but never in a message
        .sent_about("formal", "F1", "2026-09-01T09:30:00Z", &["F1"])
        .sent_about("final", "F1", "2026-10-21T09:30:00Z", &["F1"]);
    let plan = w.plan("2026-11-24T09:30:00Z");
    let m = only(&plan);
    assert_eq!(m.stage, "handover");
    // About F1 only; F3 and F2 are listed as also pending: the person who takes over sees
    // the whole debt (left out, they were never reminded again).
    assert_eq!(m.reached, ["F1"], "{m:#?}");
    assert_eq!(m.invoices, ["F1", "F3", "F2"], "{m:#?}");
    // The final notice likewise.
    let w = World::madrid()
        .invoice("F1", "2026-07-01", "500")
        .invoice("F2", "2026-11-05", "90")
        .invoice("F4", "2026-08-20", "60")
        .sent_about("formal", "F1", "2026-10-01T09:30:00Z", &["F1", "F4"]);
    let plan = w.plan("2026-11-24T09:30:00Z");
    let m = only(&plan);
    assert_eq!(m.stage, "final");
    assert_eq!(m.reached, ["F1", "F4"]);
    assert_eq!(m.invoices, ["F1", "F4", "F2"]);
}

#[test]
fn p6_a_due_date_on_a_holiday_is_reminded_the_next_business_day() {
    // 8 December 2026 (Inmaculada Concepción, a Tuesday): the `due` message goes on the 9th
    // (its wording says why: see render::tests and engine::context).
    let plan = World::madrid()
        .invoice("F1", "2026-12-08", "100")
        .plan("2026-12-08T09:30:00Z");
    let m = only(&plan);
    assert_eq!(m.stage, "due");
    assert_eq!(m.send_at, at("2026-12-09T09:00:00Z"));
}

#[test]
fn p7_deadlines_are_business_days_in_the_clients_calendar() {
    let ladder = crate::policy::ladder::default_ladder();
    let formal = ladder.iter().position(|s| s.name == "formal").unwrap();
    let second = ladder.iter().position(|s| s.name == "second").unwrap();
    let madrid =
        crate::policy::HolidayCalendar::new(crate::policy::Country::Spain, Some("MD"), &[])
            .unwrap();
    let cases = [
        // formal on 25 Nov + 30 days = Friday 25 Dec (Navidad) → Monday 28.
        (formal, "2026-11-25", "2026-12-28"),
        // formal on 23 Feb 2027 + 30 = Thursday 25 Mar 2027 (Jueves Santo in Madrid), then
        // Viernes Santo and the weekend → Monday 29.
        (formal, "2027-02-23", "2027-03-29"),
        // second on Tuesday + 8 = Wednesday: unchanged.
        (second, "2026-11-24", "2026-12-02"),
    ];
    for (index, sent, want) in cases {
        assert_eq!(
            overdue::deadline(&ladder, index, day(sent), &madrid),
            Some(day(want)),
            "{sent}"
        );
    }
    // And the planned message carries it.
    let plan = World::madrid()
        .invoice("F1", "2026-10-20", "100")
        .sent("early", "F1", "2026-10-23T09:30:00Z")
        .sent("second", "F1", "2026-10-27T09:30:00Z")
        .sent("firm", "F1", "2026-11-04T09:30:00Z")
        .plan("2026-11-25T09:30:00Z");
    assert_eq!(only(&plan).stage, "formal");
    assert_eq!(only(&plan).deadline, Some(day("2026-12-28")));
}

#[test]
fn p8_messages_the_owner_asks_for_respect_the_contact_window() {
    let w = World::madrid().invoice("F1", "2026-11-10", "100");
    let snapshot = Snapshot {
        clients: vec![w.file.clone()],
    };
    let settings = Settings::from_config(&w.config, &snapshot).unwrap();
    // A plan typed in on Saturday night: Monday at 12:00 (Monday mornings avoided).
    let at_ = owner_initiated_moment(&w.file, &settings, at("2026-11-28T22:30:00Z")).unwrap();
    assert_eq!(at_, at("2026-11-30T11:00:00Z"));
    // Replies to the client's own message go at once, but not at night in its zone.
    let tz = chrono_tz::America::Mexico_City;
    let cases = [
        ("2026-11-24T17:00:00Z", "2026-11-24T17:00:00Z"), // 11:00 in Mexico City
        ("2026-11-25T04:30:00Z", "2026-11-25T15:00:00Z"), // 22:30 → 09:00 next morning
        ("2026-11-25T12:00:00Z", "2026-11-25T15:00:00Z"), // 06:00 → 09:00
    ];
    for (now, want) in cases {
        assert_eq!(reply_moment(at(now), tz), at(want), "{now}");
    }
}

#[test]
fn p9_the_stage_announced_is_the_stage_sent() {
    // Friday 27 November 15:00 Madrid (Friday afternoon avoided): `firm` is announced for
    // Monday; on Monday the invoice is past `formal`'s age, and `firm` is still what goes.
    let w = World::madrid()
        .invoice("F1", "2026-10-29", "100")
        .sent("early", "F1", "2026-11-02T11:00:00Z")
        .sent("second", "F1", "2026-11-09T11:00:00Z");
    let friday = w.plan("2026-11-27T14:00:00Z");
    let announced = only(&friday);
    assert!(!announced.due_now);
    let monday = w.plan(&announced.send_at.to_rfc3339());
    let sent = only(&monday);
    assert!(sent.due_now);
    assert_eq!(
        (sent.stage.as_str(), sent.dedup_key.as_str()),
        (announced.stage.as_str(), announced.dedup_key.as_str())
    );
    assert_eq!(sent.stage, "firm");
}

#[test]
fn stages_rise_one_at_a_time_over_half_a_year() {
    for due in ["2026-05-01", "2026-09-15", "2026-11-01", "2026-11-20"] {
        let sent = walk(
            World::madrid().invoice("F1", due, "100"),
            "2026-11-20T09:30:00Z",
            200,
        );
        let ranks: Vec<usize> = sent.iter().map(|(s, _)| rank(s)).collect();
        assert!(!ranks.is_empty());
        assert!(ranks[0] <= rank("early"), "{due}: {sent:?}");
        for pair in ranks.windows(2) {
            assert_eq!(pair[1], pair[0] + 1, "{due}: {sent:?}");
        }
        assert_eq!(
            sent.last().map(|(s, _)| s.as_str()),
            Some("handover"),
            "{due}: {sent:?}"
        );
    }
}

#[test]
fn a_dead_message_is_not_history_and_its_stage_is_retried_preferably_by_another_channel() {
    let mut w = World::madrid().invoice("F1", "2026-11-01", "100").sent(
        "early",
        "F1",
        "2026-11-05T09:30:00Z",
    );
    w.push_message("second", "F1", "2026-11-10T09:30:00Z", OutboxStatus::Dead);
    // Email only: the dead `second` is not counted as sent (never `firm`); once released by
    // the sender, the same stage is tried again by email, under a new key.
    let plan = w.plan(TUESDAY_MORNING);
    let m = only(&plan);
    assert_eq!((m.stage.as_str(), m.channel), ("second", Channel::Email));
    assert_eq!(m.dedup_key, "C1|second|F1|retry1");
    // With a linked Telegram chat: `second` again, by Telegram, under a new key; never `firm`.
    w.file.contacts[0].telegram_chat_id = Some(77);
    let plan = w.plan(TUESDAY_MORNING);
    let m = only(&plan);
    assert_eq!((m.stage.as_str(), m.channel), ("second", Channel::Telegram));
    assert_eq!(m.dedup_key, "C1|second|F1|retry1");
}

#[test]
fn p8_an_older_invoice_back_in_the_ladder_does_not_step_the_client_back() {
    // F1 was disputed after its first reminder; F2 went on alone up to a formal demand. The
    // dispute resolved, F1 is chased again: the next message is the formal demand's next step
    // (final, on the day the formal notice announced), about both, not a gentle 'second'.
    let w = World::madrid()
        .invoice("F1", "2026-03-02", "1000")
        .invoice("F2", "2026-03-05", "500")
        .sent_about("early", "F1", "2026-03-05T09:30:00Z", &["F1"])
        .sent_about("early", "F2", "2026-03-10T09:30:00Z", &["F2"])
        .sent_about("second", "F2", "2026-03-17T09:30:00Z", &["F2"])
        .sent_about("firm", "F2", "2026-03-25T09:30:00Z", &["F2"])
        .sent_about("formal", "F2", "2026-04-09T09:30:00Z", &["F2"]);
    let plan = w.plan("2026-04-21T09:30:00Z");
    assert!(plan.messages.is_empty(), "{plan:#?}");
    let plan = w.plan("2026-05-12T09:30:00Z");
    let m = only(&plan);
    assert_eq!(
        (m.stage.as_str(), m.cycle.as_str()),
        ("final", "F2"),
        "{m:#?}"
    );
    assert_eq!(m.invoices, ["F1", "F2"], "{m:#?}");
    assert_eq!(m.reached, ["F1", "F2"], "{m:#?}");
}

#[test]
fn p9_an_older_invoice_imported_late_joins_the_cycle_as_also_pending() {
    // F2's cycle reached a firm reminder; F0, older, is imported now and was never reminded:
    // the client is not stepped back to a first reminder, and F0 is not demanded formally
    // at once: the formal notice lists it as also pending.
    let w = World::madrid()
        .invoice("F0", "2026-01-15", "300")
        .invoice("F2", "2026-03-05", "500")
        .sent_about("early", "F2", "2026-03-10T09:30:00Z", &["F2"])
        .sent_about("second", "F2", "2026-03-17T09:30:00Z", &["F2"])
        .sent_about("firm", "F2", "2026-03-25T09:30:00Z", &["F2"]);
    let m = only(&w.plan("2026-04-09T09:30:00Z")).clone();
    assert_eq!(
        (m.stage.as_str(), m.cycle.as_str()),
        ("formal", "F2"),
        "{m:#?}"
    );
    assert_eq!(m.invoices, ["F0", "F2"], "{m:#?}");
    assert_eq!(m.reached, ["F2"], "{m:#?}");
}

#[test]
fn p10_an_invoice_listed_in_earlier_messages_goes_on_from_them_when_the_driver_leaves() {
    // F1 drove the cycle; F2, younger, was listed beside it in the second reminder. F1 is
    // disputed: F2 goes on from the second reminder (a firm one when old enough), not back to
    // a due-day message and an early reminder (an outside walk over months).
    let w = World::madrid()
        .invoice("F1", "2026-03-02", "1000")
        .invoice("F2", "2026-03-05", "500")
        .sent_about("early", "F1", "2026-03-05T09:30:00Z", &["F1"])
        .sent_about("second", "F1", "2026-03-09T09:30:00Z", &["F1", "F2"])
        .status("F1", InvoiceStatus::Disputed);
    for day in ["2026-03-10", "2026-03-12", "2026-03-19"] {
        let plan = w.plan(&format!("{day}T09:30:00Z"));
        assert!(plan.messages.is_empty(), "{day}: {plan:#?}");
    }
    let m = only(&w.plan("2026-03-20T09:30:00Z")).clone();
    assert_eq!(
        (m.stage.as_str(), m.cycle.as_str()),
        ("firm", "F2"),
        "{m:#?}"
    );
    assert_eq!(m.invoices, ["F2"], "{m:#?}");
    // F1 paid instead: what the escalation was about is settled, F2 starts its own cycle.
    let w = World::madrid()
        .invoice("F1", "2026-03-02", "1000")
        .invoice("F2", "2026-03-05", "500")
        .sent_about("early", "F1", "2026-03-05T09:30:00Z", &["F1"])
        .sent_about("second", "F1", "2026-03-09T09:30:00Z", &["F1", "F2"])
        .pay("F1", "2026-03-10", "1000");
    let m = only(&w.plan("2026-03-12T09:30:00Z")).clone();
    assert_eq!(
        (m.stage.as_str(), m.cycle.as_str()),
        ("early", "F2"),
        "{m:#?}"
    );
}

#[test]
fn p11_after_a_final_notice_the_invoice_it_listed_as_also_pending_gets_its_own() {
    // The final notice was about F1 and listed F2 as also pending. F1 is disputed: F2 is not
    // stepped back to an early reminder, nor handed over on the day announced for F1 (the
    // final notice announced no hand-over of F2): its next message is a final notice of its
    // own, when old enough.
    let w = World::madrid()
        .invoice("F1", "2026-01-05", "1000")
        .invoice("F2", "2026-02-10", "500")
        .sent_about("early", "F1", "2026-01-08T09:30:00Z", &["F1"])
        .sent_about("second", "F1", "2026-01-12T09:30:00Z", &["F1"])
        .sent_about("firm", "F1", "2026-01-20T09:30:00Z", &["F1"])
        .sent_about("formal", "F1", "2026-02-04T09:30:00Z", &["F1"])
        .sent_about("final", "F1", "2026-03-06T09:30:00Z", &["F1", "F2"]);
    let mut w = w.status("F1", InvoiceStatus::Disputed);
    if let Some(m) = w.file.messages.last_mut() {
        m.message.invoices = vec![("F1".into(), true), ("F2".into(), false)];
    }
    for day in ["2026-03-09", "2026-03-16", "2026-04-06", "2026-04-08"] {
        let plan = w.plan(&format!("{day}T09:30:00Z"));
        assert!(plan.messages.is_empty(), "{day}: {plan:#?}");
    }
    let m = only(&w.plan("2026-04-13T09:30:00Z")).clone();
    assert_eq!(
        (m.stage.as_str(), m.cycle.as_str()),
        ("final", "F2"),
        "{m:#?}"
    );
}

#[test]
fn p12_no_cheerful_preventive_reminder_while_overdue_invoices_are_chased() {
    // F1 is overdue and had its second reminder; F2 falls due in three days. A «recordatorio
    // amable… para organizar sus próximos pagos» about F2 went five days after a firm reminder
    // (an outside walk over months): it is skipped, F2 listed beside F1 once due.
    let w = World::madrid()
        .invoice("F1", "2026-03-02", "1000")
        .invoice("F2", "2026-03-23", "500")
        .sent_about("early", "F1", "2026-03-05T09:30:00Z", &["F1"])
        .sent_about("second", "F1", "2026-03-09T09:30:00Z", &["F1"]);
    let plan = w.plan("2026-03-20T09:30:00Z");
    assert!(
        plan.messages.iter().all(|m| m.stage != "preventive"),
        "{plan:#?}"
    );
    assert!(
        kinds(&plan).contains(&HoldKind::SkippedWhileChased),
        "{plan:#?}"
    );
    // Nor while F1 is paused by a promise (C09 of a second walk: firm, then a promise).
    let mut w = World::madrid()
        .invoice("F1", "2026-03-02", "1000")
        .invoice("F2", "2026-03-23", "500")
        .sent_about("early", "F1", "2026-03-05T09:30:00Z", &["F1"])
        .promise(
            "2026-03-31",
            "2026-03-16T10:00:00Z",
            None,
            PromiseStatus::Pending,
        );
    w.file.promises[0].invoice_number = Some("F1".into());
    let plan = w.plan("2026-03-20T09:30:00Z");
    assert!(
        plan.messages.iter().all(|m| m.stage != "preventive"),
        "{plan:#?}"
    );
    // A client who owes nothing overdue still gets it.
    let w = World::madrid().invoice("F2", "2026-03-23", "500");
    let plan = w.plan("2026-03-20T09:30:00Z");
    assert_eq!(only(&plan).stage, "preventive");
}
