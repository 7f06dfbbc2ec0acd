//! `cobrador tick` end to end with the real binary, a real SQLite file and the file channel.

mod support;

use std::path::Path;

use support::{cobrador_ok, init_with_examples, run_cobrador};

/// The example business (clients, invoices, payments) in a temp dir.
fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    init_with_examples(dir.path(), &["clientes.csv", "facturas.csv", "pagos.csv"]);
    dir
}

fn eml_count(dir: &Path) -> usize {
    std::fs::read_dir(dir.join("outbox"))
        .map(|d| d.count())
        .unwrap_or(0)
}

#[test]
fn a_second_tick_at_the_same_moment_sends_nothing() {
    let dir = setup();
    let now = "2026-11-24T09:30:00Z";
    let first = cobrador_ok(dir.path(), &["tick", "--now", now]);
    assert!(first.contains("2 queued, 2 sent"), "{first}");
    assert_eq!(eml_count(dir.path()), 2);
    for _ in 0..3 {
        let again = cobrador_ok(dir.path(), &["tick", "--now", now]);
        assert!(again.contains("0 queued, 0 sent"), "{again}");
    }
    assert_eq!(eml_count(dir.path()), 2, "no file written twice");
    // The Mexican client waits for its own morning, then gets exactly one message.
    let later = cobrador_ok(dir.path(), &["tick", "--now", "2026-11-24T16:30:00Z"]);
    assert!(later.contains("C004 early"), "{later}");
    assert_eq!(eml_count(dir.path()), 3);
    let shown = cobrador_ok(dir.path(), &["invoice", "show", "F2026-101", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(v["number"], "F2026-101");
    assert_eq!(v["status"], "open");
    assert_eq!(v["balance"], "8450.00");
    // Found 54 days late: the first message is the first overdue stage, not `formal`.
    assert_eq!(v["messages"][0]["stage"], "early");
    assert_eq!(v["messages"][0]["status"], "sent");
    assert_eq!(v["messages"][0]["channel"], "email");
}

#[test]
fn plan_json_lists_what_would_be_sent_and_changes_nothing() {
    let dir = setup();
    let out = cobrador_ok(
        dir.path(),
        &["plan", "--now", "2026-11-24T09:30:00Z", "--json"],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let list = v.as_array().unwrap();
    let planned: Vec<_> = list.iter().filter(|m| m["held"] == false).collect();
    assert_eq!(planned.len(), 3, "{out}");
    let formal = planned.iter().find(|m| m["client"] == "C001").unwrap();
    assert_eq!(formal["stage"], "early");
    assert_eq!(formal["channel"], "email");
    assert_eq!(
        formal["invoices"],
        serde_json::json!(["F2026-101", "F2026-118"])
    );
    assert_eq!(formal["send_at"], "2026-11-24T09:30:00Z");
    assert_eq!(eml_count(dir.path()), 0, "plan sends nothing");
    let text = cobrador_ok(dir.path(), &["plan", "--now", "2026-11-24T09:30:00Z"]);
    assert!(
        text.contains("waiting for Tuesday 2026-11-24 10:00 (America/Mexico_City)"),
        "{text}"
    );
}

#[test]
fn a_client_on_hold_gets_nothing_until_unheld() {
    let dir = setup();
    cobrador_ok(
        dir.path(),
        &["client", "hold", "C001", "--note", "hablé con Marta"],
    );
    let plan = cobrador_ok(dir.path(), &["plan", "--now", "2026-11-24T09:30:00Z"]);
    assert!(plan.contains("paused: client on manual hold"), "{plan}");
    assert!(!plan.contains("C001       early"), "{plan}");
    // What the text lists under "Not sent" is in the JSON too, with its reason.
    let json = cobrador_ok(
        dir.path(),
        &["plan", "--now", "2026-11-24T09:30:00Z", "--json"],
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let held: Vec<_> = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["held"] == true && m["client"] == "C001")
        .collect();
    assert_eq!(held.len(), 1, "{json}");
    assert_eq!(held[0]["reason"], "paused: client on manual hold");
    assert!(held[0]["stage"].is_null() && held[0]["send_at"].is_null());
    cobrador_ok(dir.path(), &["client", "unhold", "C001"]);
    let plan = cobrador_ok(dir.path(), &["plan", "--now", "2026-11-24T09:30:00Z"]);
    assert!(plan.contains("C001       early"), "{plan}");
    let shown = cobrador_ok(dir.path(), &["client", "show", "C001", "--json"]);
    assert!(
        shown.contains("client.held") && shown.contains("hablé con Marta"),
        "{shown}"
    );
}

#[test]
fn a_plan_agreed_on_saturday_night_waits_for_the_contact_window_and_business_days() {
    let dir = setup();
    // Saturday 28 November, 22:30 in Madrid; the first instalment asked for Tuesday 8 December,
    // a national holiday.
    let out = run_cobrador(
        dir.path(),
        &[
            "agreement",
            "plan",
            "--invoice",
            "F2026-101",
            "--count",
            "2",
            "--every",
            "30",
            "--from",
            "08/12/2026",
            "--now",
            "2026-11-28T21:30:00Z",
        ],
        &[],
    );
    assert!(out.status.success(), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("instalment 1 on 2026-12-08 is not a business day")
            && stderr.contains("moved to 2026-12-09"),
        "{stderr}"
    );
    let list = cobrador_ok(dir.path(), &["agreement", "list", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&list).unwrap();
    assert_eq!(v["plans"][0]["instalments"][0]["due_date"], "2026-12-09");
    // The written confirmation is not a reply to the client: not on Saturday night...
    let night = cobrador_ok(dir.path(), &["tick", "--now", "2026-11-28T21:31:00Z"]);
    assert!(night.contains("0 sent"), "{night}");
    assert_eq!(eml_count(dir.path()), 0);
    // ...but on Monday at 12:00 (Monday mornings avoided).
    let monday = cobrador_ok(dir.path(), &["tick", "--now", "2026-11-30T11:00:00Z"]);
    assert!(monday.contains("sent"), "{monday}");
    let shown = cobrador_ok(dir.path(), &["invoice", "show", "F2026-101", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&shown).unwrap();
    let confirmation = v["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["stage"] == "plan_confirmation")
        .cloned()
        .unwrap_or_default();
    assert_eq!(confirmation["status"], "sent", "{shown}");
    assert_eq!(confirmation["sent_at"], "2026-11-30T11:00:00Z", "{shown}");
    // `--now` on a state change: the payment's audit event carries the replayed instant.
    cobrador_ok(
        dir.path(),
        &[
            "invoice",
            "pay",
            "F2026-118",
            "100",
            "--now",
            "2026-12-01T10:00:00Z",
        ],
    );
    let client = cobrador_ok(dir.path(), &["client", "show", "C001", "--json"]);
    assert!(client.contains("2026-12-01T10:00:00"), "{client}");
}

/// A book large enough for the tick to queue on a thread of its own and send beside it (the
/// sender reads each group back as the queueing commits it): every message
/// written says what its outbox row says, body for body.
#[test]
fn a_tick_that_sends_while_it_queues_sends_each_row_its_own_body() {
    let dir = tempfile::tempdir().unwrap();
    support::generated_book_in(dir.path(), 6000);
    cobrador_ok(dir.path(), &["tick", "--now", "2026-11-24T10:00:00Z"]);
    let conn = rusqlite::Connection::open(dir.path().join("book.db")).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT id FROM outbox
             WHERE status = 'sent' AND channel = 'email' AND created_at >= '2026-11-24T10'",
        )
        .unwrap();
    let rows: Vec<(i64, Option<String>, String, Option<String>)> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|id| {
            let m = cobrador::store::outbox::get(&conn, id.unwrap())
                .unwrap()
                .unwrap();
            for (number, _) in &m.message.invoices {
                assert!(
                    m.message.body_text.contains(number.as_str()),
                    "{}: {number}",
                    m.id
                );
            }
            (
                m.id,
                m.message.subject,
                m.message.body_text,
                m.message.body_html,
            )
        })
        .collect();
    assert!(rows.len() > 1024, "more than two groups: {}", rows.len());
    // Most are stored packed against their stage's first body (schema_outbox_packed.sql).
    let packed: i64 = conn
        .query_row(
            "SELECT count(*) FROM outbox_bodies WHERE packed IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        packed * 2 > rows.len() as i64,
        "{packed} of {} packed",
        rows.len()
    );
    let files: std::collections::HashMap<i64, std::path::PathBuf> =
        std::fs::read_dir(dir.path().join("out"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                (name.split('-').next().unwrap().parse().unwrap(), p)
            })
            .collect();
    let newline = |s: &str| s.replace("\r\n", "\n").trim_end().to_owned();
    for (id, subject, text, html) in rows {
        let raw = std::fs::read(&files[&id]).unwrap();
        let parsed = mail_parser::MessageParser::default().parse(&raw).unwrap();
        assert_eq!(parsed.subject(), subject.as_deref(), "message {id}");
        assert_eq!(
            newline(&parsed.body_text(0).unwrap()),
            newline(&text),
            "message {id}"
        );
        match html {
            Some(html) => assert_eq!(
                parsed.body_html(0).map(|h| newline(&h)),
                Some(newline(&html)),
                "message {id}"
            ),
            // (mail-parser makes an HTML body out of the text when there is none)
            None => assert!(
                !String::from_utf8_lossy(&raw).contains("text/html"),
                "message {id}"
            ),
        }
    }
}

/// What the owner reads is on the business's clock (Madrid), not UTC: the tick's line, the plan's
/// header, a client's events with the stage and invoices of each reminder.
#[test]
fn the_owner_reads_times_on_the_business_clock() {
    let dir = setup();
    // 09:30 UTC on Tuesday 24 November is 10:30 in Madrid (CET).
    let tick = cobrador_ok(dir.path(), &["tick", "--now", "2026-11-24T09:30:00Z"]);
    assert!(tick.contains("tick at 2026-11-24 10:30 CET"), "{tick}");
    let plan = cobrador_ok(dir.path(), &["plan", "--now", "2026-11-24T09:30:00Z"]);
    assert!(plan.starts_with("Plan at 2026-11-24 10:30 CET"), "{plan}");
    let shown = cobrador_ok(dir.path(), &["client", "show", "C001"]);
    let queued = shown
        .lines()
        .find(|l| l.contains("reminder.queued"))
        .unwrap_or_else(|| panic!("{shown}"));
    assert!(queued.contains("2026-11-24 10:30 CET"), "{queued}");
    assert!(queued.contains("early F2026-101,F2026-118"), "{queued}");
    assert!(!shown.contains("UTC"), "{shown}");
}

/// A client who asked not to be written to and still owes is the owner's to chase: `status`,
/// the report and a later import of a new invoice of theirs say so (an outside walker's client
/// reached 90 days with nobody prompted: only `plan` named it).
#[test]
fn a_client_who_opted_out_and_still_owes_is_shown_to_the_owner() {
    let dir = setup();
    let said = cobrador_ok(
        dir.path(),
        &[
            "reply",
            "record",
            "C003",
            "--text",
            "No me escriban más, por favor.",
            "--now",
            "2026-11-24T09:30:00Z",
        ],
    );
    assert!(said.contains("stop"), "{said}");
    let status = cobrador_ok(dir.path(), &["status", "--now", "2026-11-24T10:00:00Z"]);
    assert!(
        status.contains("Opted out, still owing (cobrador writes to them no more): 1")
            && status.contains("  C003 Laura Pérez F2026-131"),
        "{status}"
    );
    let json = cobrador_ok(dir.path(), &["status", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["opted_out_owing"][0]["client_id"], "C003");
    let page = dir.path().join("informe.html");
    cobrador_ok(dir.path(), &["report", "--html", page.to_str().unwrap()]);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains("Pidió no recibir más mensajes y debe la factura F2026-131"),
        "{html}"
    );
    let csv = dir.path().join("nuevas.csv");
    std::fs::write(
        &csv,
        "numero;cliente;fecha;vencimiento;importe\n\
         F2026-190;C003;20/11/2026;20/12/2026;300,00\n\
         F2026-191;C001;20/11/2026;20/12/2026;500,00\n",
    )
    .unwrap();
    let out = cobrador_ok(
        dir.path(),
        &[
            "import",
            "invoices",
            csv.to_str().unwrap(),
            "--now",
            "2026-11-25T09:00:00Z",
        ],
    );
    assert!(
        out.contains("note: C003 (Laura Pérez) asked not to be written to: cobrador will not remind F2026-190; chase it in person"),
        "{out}"
    );
    assert!(
        !out.contains("F2026-131") && !out.contains("C001 ("),
        "{out}"
    );
}

/// A tick that runs before the clients' contact hours (a daily cron at 09:00 Madrid, the hours
/// opening at 10:00) sends nothing, and says so: the tick prints the next reminder and when,
/// and the digest names it with the cron advice (walk28 P1: fourteen days of silence, every
/// digest «Todo en orden»).
#[test]
fn a_tick_before_contact_hours_says_when_the_next_reminder_goes() {
    let dir = setup();
    let config = std::fs::read_to_string(dir.path().join("cobrador.toml")).unwrap();
    let with_digest = config.replacen(
        "# [digest]\n# hour = \"08:00\"",
        "[digest]\nhour = \"08:00\"",
        1,
    );
    assert_ne!(
        config, with_digest,
        "the example config has a digest section"
    );
    std::fs::write(dir.path().join("cobrador.toml"), with_digest).unwrap();
    // Tuesday 24 November, 09:00 in Madrid.
    let out = cobrador_ok(dir.path(), &["tick", "--now", "2026-11-24T08:00:00Z"]);
    assert!(out.contains("queued: _owner digest"), "{out}");
    assert!(
        out.contains("nothing to send now; next:") && out.contains("10:00"),
        "{out}"
    );
    let digest = std::fs::read_dir(dir.path().join("outbox"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("digest"))
        .expect("the digest was written");
    let raw = std::fs::read(&digest).unwrap();
    let text = mail_parser::MessageParser::default()
        .parse(&raw)
        .unwrap()
        .body_text(0)
        .unwrap()
        .replace('\n', " ");
    assert!(text.contains("Próximo recordatorio:"), "{text}");
    assert!(text.contains("hoy a partir de las 10:00"), "{text}");
    assert!(
        text.contains("hágalo también dentro de ese horario"),
        "{text}"
    );
}

/// `status` lists the pending promises the soonest first and says how many more there are
/// (mail29: ten of sixteen, in the order they were made, the one due in two days left out).
#[test]
fn status_lists_the_soonest_promises_and_counts_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    support::generated_book_in(dir.path(), 2000);
    let out = cobrador_ok(dir.path(), &["status", "--now", "2026-11-24T10:00:00Z"]);
    let head = out
        .lines()
        .find_map(|l| l.strip_prefix("Promises pending: "))
        .expect("a promises line");
    let pending: usize = head.trim().parse().unwrap();
    let listed: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("Promises pending"))
        .skip(1)
        .take_while(|l| l.starts_with("  ") && !l.starts_with("  …"))
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert!(pending > listed.len() && !listed.is_empty(), "{out}");
    let mut sorted = listed.clone();
    sorted.sort();
    assert_eq!(listed, sorted, "the soonest first");
    assert!(
        out.contains(&format!("… and {} more", pending - listed.len())),
        "{out}"
    );
}

/// walk30 S6: a client who asked not to be written to before 11 kept getting reminders at
/// 10:10. `client hours` narrows its contact window (in its own time zone, inside the legal
/// hours): the Mexican client's reminder, due at 10:00 its time, waits for 12:00.
#[test]
fn a_client_written_to_only_within_its_own_hours() {
    let dir = setup();
    let set = cobrador_ok(dir.path(), &["client", "hours", "C004", "12:00-14:00"]);
    assert!(set.contains("12:00-14:00"), "{set}");
    let shown = cobrador_ok(dir.path(), &["client", "show", "C004"]);
    assert!(shown.contains("written to 12:00-14:00 only"), "{shown}");
    let plan = cobrador_ok(
        dir.path(),
        &["plan", "--now", "2026-11-24T09:30:00Z", "--json"],
    );
    let v: serde_json::Value = serde_json::from_str(&plan).unwrap();
    let c004 = v
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["client"] == "C004" && m["held"] == false)
        .unwrap();
    // 12:00 in Mexico City.
    assert_eq!(c004["send_at"], "2026-11-24T18:00:00Z", "{c004}");
    let early = cobrador_ok(dir.path(), &["tick", "--now", "2026-11-24T16:30:00Z"]);
    assert!(
        early.contains("0 queued") && early.contains("waiting for Tuesday 2026-11-24 12:00"),
        "{early}"
    );
    // The wait names the client's own hours, for the owner who wonders why.
    assert!(
        early.contains("outside contact hours (those the client asked for: client hours)"),
        "{early}"
    );
    let noon = cobrador_ok(dir.path(), &["tick", "--now", "2026-11-24T18:05:00Z"]);
    assert!(noon.contains("C004 early"), "{noon}");
    // Back to the [contact] hours, with an event each time.
    let cleared = cobrador_ok(dir.path(), &["client", "hours", "C004", "--clear"]);
    assert!(cleared.contains("back to the [contact] hours"), "{cleared}");
    let shown = cobrador_ok(dir.path(), &["client", "show", "C004", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert!(v["own_hours"].is_null(), "{v}");
    let set_events = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "client.hours_set")
        .count();
    assert_eq!(set_events, 2, "{v}");
    // Clearing again changes nothing, and no event says it did.
    let again = cobrador_ok(dir.path(), &["client", "hours", "C004", "--clear"]);
    assert!(again.contains("has no hours of its own"), "{again}");
    let shown = cobrador_ok(dir.path(), &["client", "show", "C004", "--json"]);
    assert_eq!(shown.matches("client.hours_set").count(), 2, "{shown}");
    // Hours the law does not allow are refused, naming the legal ones; the part of a range
    // inside them is kept.
    let bad = run_cobrador(dir.path(), &["client", "hours", "C004", "03:00-05:00"], &[]);
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("(07:00-22:00)"),
        "{bad:?}"
    );
    let late = cobrador_ok(dir.path(), &["client", "hours", "C004", "20:00-23:30"]);
    assert!(late.contains("written to 20:00-22:00"), "{late}");
    // A range that is not one is refused with the form to write.
    let bad = run_cobrador(dir.path(), &["client", "hours", "C004", "11-14"], &[]);
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("HH:MM"),
        "{bad:?}"
    );
}

/// walk30 S6, from the client's own words: «Porfa, no me escriban antes de las 11» is no
/// opt-out and no riddle for a person: the client's hours from now on (the acknowledgement and
/// the Mexican client's next reminder go at 11:00 its time, not 10:00), the owner told how to
/// change them.
#[test]
fn a_client_who_asks_not_to_be_written_to_before_eleven_is_not() {
    let dir = setup();
    let out = cobrador_ok(
        dir.path(),
        &[
            "reply",
            "record",
            "C004",
            "--text",
            "Porfa, no me escriban antes de las 11",
            "--now",
            "2026-11-24T08:00:00Z",
        ],
    );
    assert!(out.contains("hours asked"), "{out}");
    let shown = cobrador_ok(dir.path(), &["client", "show", "C004"]);
    assert!(
        shown.contains("written to 11:00-23:59 only, as the client asked: «Porfa, no me escriban"),
        "{shown}"
    );
    let plan = cobrador_ok(
        dir.path(),
        &["plan", "--now", "2026-11-24T09:30:00Z", "--json"],
    );
    let v: serde_json::Value = serde_json::from_str(&plan).unwrap();
    let c004 = v
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["client"] == "C004" && m["held"] == false)
        .unwrap();
    // 11:00 in Mexico City; on Thursday, two days after the acknowledgement («De acuerdo: le
    // escribiremos a partir de las 11:00», itself at 11:00 today).
    assert_eq!(c004["send_at"], "2026-11-26T17:00:00Z", "{c004}");
    let acks = cobrador_ok(dir.path(), &["outbox", "list", "--json"]);
    let acks: serde_json::Value = serde_json::from_str(&acks).unwrap();
    let ack = acks
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["stage"] == "ack_hours")
        .expect("acknowledged");
    assert_eq!(
        ack["subject"], "De acuerdo: le escribiremos a partir de las 11:00",
        "{ack}"
    );
    // The owner's alert says what was done and how to undo it.
    cobrador_ok(
        dir.path(),
        &["outbox", "flush", "--now", "2026-11-24T08:00:00Z"],
    );
    let alert = std::fs::read_dir(dir.path().join("outbox"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .find(|t| t.contains("Pide que se le escriba a otras horas"))
        .expect("an owner alert");
    let alert = alert.replace("=\r\n", "").replace("=\n", "");
    assert!(
        alert.contains("Pide que se le escriba a otras horas: "),
        "{alert}"
    );
    assert!(alert.contains("a partir de las 11:00"), "{alert}");
    assert!(alert.contains("client hours C004 --clear"), "{alert}");
    // The acknowledgement itself waits for 11:00 in Mexico City.
    let early = cobrador_ok(dir.path(), &["tick", "--now", "2026-11-24T16:30:00Z"]);
    assert!(early.contains("0 sent"), "{early}");
    let eleven = cobrador_ok(dir.path(), &["tick", "--now", "2026-11-24T17:05:00Z"]);
    assert!(eleven.contains("1 sent"), "{eleven}");
}
