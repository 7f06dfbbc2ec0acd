//! Telegram delivery and robustness against the fake Bot API server: 429 and 403, a restart
//! in the middle of a conversation, a repeated update, the long-polling loop, and the command
//! line.

#[path = "support/telegram.rs"]
mod fake;
mod support;

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{Duration, Utc};
use cobrador::domain::Channel;
use cobrador::engine;
use cobrador::render::Renderer;
use cobrador::store::{self, OutboxStatus, Store};
use cobrador::telegram::{self, link};
use fake::{ANA, BRUNO, World, button_texts, data_of, day, now};
use serde_json::json;
use support::{cobrador_cmd, cobrador_ok, utc, wait_until};

#[tokio::test]
async fn a_429_is_waited_out_and_a_403_falls_back_to_email() {
    let mut w = World::new();
    w.link("C1", ANA).await;
    w.link("C2", BRUNO).await;
    let renderer = Renderer::new(None).unwrap();
    engine::queue_due(&mut w.store, &w.config, &renderer, now()).unwrap();

    // A short retry_after is waited out in place: each reminder delivered once.
    w.bot.fail(
        "sendMessage",
        429,
        "Too Many Requests: retry after 1",
        Some(1),
        1,
    );
    let f = w.flush(now()).await;
    assert_eq!((f.sent, f.retry, f.dead), (2, 0, 0), "{f:?}");
    let calls = w.bot.calls("sendMessage");
    let n = calls.len();
    let (refused, retried) = (&calls[n - 3], &calls[n - 2]);
    assert_eq!(refused["params"]["chat_id"], retried["params"]["chat_id"]);
    assert!(
        retried["at"].as_f64().unwrap() - refused["at"].as_f64().unwrap() >= 1.0,
        "retry_after honoured"
    );
    assert_eq!(w.bot.sent_to(ANA).len(), 2, "greeting + one reminder");

    // A long one leaves the message for a later pass.
    let ack_needed = w.bot.sent_to(ANA).last().cloned().unwrap();
    w.bot.press(
        ANA,
        ack_needed["message_id"].as_i64().unwrap(),
        &data_of(&ack_needed, "Ya he pagado"),
    );
    w.poll(now()).await;
    w.bot.fail(
        "sendMessage",
        429,
        "Too Many Requests: retry after 120",
        Some(120),
        1,
    );
    let f = w.flush(now()).await;
    // The 429 holds Ana's chat only: the owner's alert and its Telegram copy go in the same
    // pass.
    assert_eq!((f.retry, f.sent), (1, 2), "{f:?}");
    assert!(f.stopped.is_none(), "{f:?}");
    let ack = store::outbox::for_client(w.store.conn(), "C1")
        .unwrap()
        .into_iter()
        .find(|m| m.message.stage == "ack_paid")
        .unwrap();
    assert_eq!(ack.status, OutboxStatus::Failed);
    // Not before the server's 120 s (the first backoff alone is about a minute).
    assert!(
        ack.retry_at.unwrap() >= now() + chrono::Duration::seconds(120),
        "{:?}",
        ack.retry_at
    );
    let f = w.flush(ack.retry_at.unwrap()).await;
    assert_eq!(f.sent, 1, "the acknowledgement: {f:?}");

    // Bruno blocks the bot. Before we hear of it, his next reminder is due (Wednesday 9, after
    // the weekend and two holidays): it dies with 403 and the chat is marked unreachable at once.
    w.bot.control("blocked", json!({ "chat_id": BRUNO }));
    let blocked_day = utc("2026-12-09 08:30");
    let renderer = Renderer::new(None).unwrap();
    let q = engine::queue_due(&mut w.store, &w.config, &renderer, blocked_day).unwrap();
    assert_eq!(q.queued.len(), 1, "{q:?}");
    let before = w.bot.sent_to(BRUNO).len();
    let f = w.flush(blocked_day).await;
    assert_eq!((f.dead, f.sent), (1, 0), "{f:?}");
    assert_eq!(
        w.bot.sent_to(BRUNO).len(),
        before,
        "nothing reached the blocked chat"
    );
    assert_eq!(w.contact_of("C2").preferred_channel, Channel::Email);
    assert_eq!(w.events("telegram.unreachable").len(), 1);
    let rows = store::outbox::for_client(w.store.conn(), "C2").unwrap();
    let dead = rows
        .iter()
        .find(|m| m.status == OutboxStatus::Dead)
        .unwrap();
    assert_eq!(dead.message.channel, Channel::Telegram);
    assert!(
        dead.last_error.as_deref().unwrap().contains("blocked"),
        "the Bot API's words kept"
    );
    // The my_chat_member update that follows changes nothing more.
    let r = w.poll(blocked_day).await;
    assert_eq!(r.outcomes, ["blocked"]);
    // The contact moved to email: the dead message's stage is free at once (not after
    // limits.retry-stage-after-hours, as for other dead messages), and the next pass sends that
    // stage by email, the same morning (an outside tester's F7: a day later).
    let next_day = blocked_day + Duration::minutes(10);
    w.flush(next_day).await;
    let q = engine::queue_due(&mut w.store, &w.config, &renderer, next_day).unwrap();
    assert_eq!(q.queued.len(), 1, "{q:?}");
    let f = w.flush(next_day).await;
    assert_eq!(f.dead, 0, "{f:?}");
    let again = store::outbox::get(w.store.conn(), q.queued[0].2)
        .unwrap()
        .unwrap();
    assert_eq!(again.message.stage, dead.message.stage);
    assert_eq!(again.message.channel, Channel::Email);
    assert_eq!(again.message.recipients, ["admin@norte.example"]);
    assert_eq!(again.status, OutboxStatus::Sent);
    let told = store::outbox::for_client(w.store.conn(), "C2")
        .unwrap()
        .into_iter()
        .any(|m| m.message.stage == "owner_alert");
    assert!(told, "the owner hears of the dead message");
}

#[tokio::test]
async fn a_restart_mid_conversation_and_a_repeated_update() {
    let mut w = World::new();
    w.link("C1", ANA).await;
    let reminder = w.remind(ANA).await;
    let mid = reminder["message_id"].as_i64().unwrap();
    w.bot.press(ANA, mid, &data_of(&reminder, "Pagaré el"));
    assert_eq!(w.poll(now()).await.outcomes, ["picker"]);

    // The process restarts: a new connection to the same database file.
    let db: PathBuf = w.config.database.clone();
    let offset = store::telegram::next_offset(w.store.conn()).unwrap();
    w.store = Store::open(&db).unwrap();
    assert_eq!(
        store::telegram::next_offset(w.store.conn()).unwrap(),
        offset,
        "offset stored"
    );
    let edit = w.bot.state()["edits"]
        .as_array()
        .unwrap()
        .last()
        .cloned()
        .unwrap();
    let picker = json!({ "reply_markup": edit["reply_markup"] });
    let press = w.bot.press(ANA, mid, &data_of(&picker, "jueves 3/12"));
    let r = w.poll(now()).await;
    assert_eq!(
        (r.updates, r.outcomes.clone()),
        (1, vec!["applied".to_owned()]),
        "nothing lost, nothing re-applied"
    );
    assert_eq!(w.pending_promises()[0].promised_date, day(3));

    // The same update delivered again (say the offset never reached Telegram): not applied twice.
    w.bot.control("redeliver", json!({ "update_id": press }));
    let r = w.poll(now()).await;
    assert_eq!((r.updates, r.handled, r.repeated), (1, 0, 1));
    assert_eq!(w.responses().len(), 1);
    assert_eq!(store::promises::all(w.store.conn()).unwrap().len(), 1);
    let acks = store::outbox::for_client(w.store.conn(), "C1")
        .unwrap()
        .into_iter()
        .filter(|m| m.message.stage == "ack_promise")
        .count();
    assert_eq!(acks, 1);
}

#[tokio::test]
async fn the_poll_loop_applies_updates_and_stops_on_cancel() {
    let mut w = World::new();
    let l = link::create_link(&mut w.store, &w.config, "C1", None, Utc::now()).unwrap();
    let token = l.url.split("start=").nth(1).unwrap().to_owned();
    let changes = Arc::new(AtomicUsize::new(0));
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let seen = changes.clone();
    let shutdown = tokio_util::sync::CancellationToken::new();
    let task = tokio::spawn(telegram::poll_loop(
        Arc::new(w.config.clone()),
        Arc::new(Renderer::new(w.config.templates_dir.as_deref()).unwrap()),
        cobrador::daemon::Clock::real(),
        shutdown.clone(),
        tokio_util::sync::CancellationToken::new(),
        move || {
            seen.fetch_add(1, Ordering::SeqCst);
            let _ = tx.send(());
        },
    ));
    w.bot.text(ANA, &format!("/start {token}"), None);
    tokio::time::timeout(std::time::Duration::from_secs(60), rx.recv())
        .await
        .unwrap();
    assert_eq!(changes.load(Ordering::SeqCst), 1);
    assert_eq!(w.contact_of("C1").telegram_chat_id, Some(ANA));
    // The loop is now waiting in a long poll; cancelling ends it without waiting that out.
    shutdown.cancel();
    tokio::time::timeout(std::time::Duration::from_secs(10), task)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn the_command_line_links_polls_and_ticks() {
    let w = World::new();
    let dir = w.dir.path();
    let out = cobrador_ok(
        dir,
        &["telegram", "link", "C1", "--now", "2026-12-01T09:00:00Z"],
    );
    assert!(out.contains("https://t.me/CobrosPradoBot?start="), "{out}");
    assert!(
        out.contains('█') || out.contains('▀') || out.contains('▄'),
        "a QR code: {out}"
    );
    let url = out
        .lines()
        .find(|l| l.starts_with("https://t.me/"))
        .unwrap();
    let token = url.split("start=").nth(1).unwrap();
    w.bot.text(ANA, &format!("/start {token}"), None);
    let out = cobrador_ok(
        dir,
        &[
            "telegram",
            "poll",
            "--once",
            "--now",
            "2026-12-01T09:10:00Z",
        ],
    );
    assert!(out.contains("1 applied"), "{out}");
    let out = cobrador_ok(dir, &["tick", "--now", "2026-12-01T09:30:00Z"]);
    assert!(
        out.contains("2 queued, 2 sent"),
        "one by Telegram, one by email: {out}"
    );
    let reminder = w.bot.sent_to(ANA).pop().unwrap();
    assert_eq!(button_texts(&reminder).len(), 4);
    let out = cobrador_ok(dir, &["telegram", "me"]);
    assert!(out.contains("@CobrosPradoBot"), "{out}");
}

/// tg26: `telegram poll` without `--once` (long polling until Ctrl-C) sends what an answer
/// queued as soon as it is applied: the acknowledgement of a dispute reached the client only at
/// the next `tick`.
#[tokio::test]
async fn long_polling_from_the_command_line_sends_what_answers_queue() {
    let mut w = World::new();
    w.link("C1", ANA).await;
    w.remind(ANA).await;
    let before = w.bot.sent_to(ANA).len();
    let mut child = support::cobrador_cmd(w.dir.path())
        .args(["telegram", "poll", "--now", "2026-12-01T09:40:00Z"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    w.bot.text(ANA, "No reconozco esta factura", None);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let mut answered = false;
    while std::time::Instant::now() < deadline && !answered {
        std::thread::sleep(std::time::Duration::from_millis(200));
        answered = w.bot.sent_to(ANA).len() > before;
    }
    // Ctrl-C, as the help says.
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let status = child.wait().unwrap();
    assert!(answered, "no acknowledgement reached the chat");
    assert!(status.success(), "{status:?}");
    let said = w.bot.sent_to(ANA)[before..].to_vec();
    assert_eq!(said.len(), 1, "{said:?}");
}

/// The client's texts, in the order the chat got them, from the `before`-th on.
fn texts_to(w: &World, chat: i64, before: usize) -> Vec<String> {
    w.bot.sent_to(chat)[before..]
        .iter()
        .map(|m| m["plain"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// tg30 Z1: «le pago el viernes» and «¿me manda la factura en PDF?» read in one batch were
/// answered «Se lo he pasado a Lucía…» before «Anotado: el viernes»: the acknowledgement is
/// queued in the outbox with the first update, the answer to the second goes apart. The answer
/// now waits for it, whether a `tick`, a `telegram poll --once` or the long poll reads them.
#[tokio::test]
async fn answers_go_after_the_acknowledgements_queued_before_them() {
    let at = "2026-12-01T09:40:00Z";
    let tick: &[&str] = &["tick", "--now", at];
    let once: &[&str] = &["telegram", "poll", "--once", "--now", at];
    let long: &[&str] = &["telegram", "poll", "--now", at];
    for args in [tick, once, long] {
        let mut w = World::new();
        w.link("C1", ANA).await;
        w.remind(ANA).await;
        let before = w.bot.sent_to(ANA).len();
        w.bot.text(ANA, "le pago el viernes", None);
        w.bot.text(ANA, "¿me manda la factura en PDF?", None);
        if args == long {
            let mut child = support::cobrador_cmd(w.dir.path())
                .args(args)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap();
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
            while std::time::Instant::now() < deadline && texts_to(&w, ANA, before).len() < 2 {
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
            let _ = Command::new("kill")
                .args(["-INT", &child.id().to_string()])
                .status();
            child.wait().unwrap();
        } else {
            cobrador_ok(w.dir.path(), args);
        }
        let texts = texts_to(&w, ANA, before);
        assert_eq!(texts.len(), 2, "{args:?}: {texts:?}");
        assert!(
            texts[0].contains("Anotado") && texts[1].contains("pasado"),
            "{args:?}: {texts:?}"
        );
    }
}

/// tg27: `telegram me` (whose help says it checks the token) with a token the Bot API refuses
/// says what to do, as `check` does, not only «401 Unauthorized».
#[tokio::test]
async fn a_refused_token_is_named_with_its_fix() {
    let w = World::new();
    std::fs::write(w.dir.path().join("token"), "999:WRONG\n").unwrap();
    let out = support::cobrador_cmd(w.dir.path())
        .args(["telegram", "me"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("401") && err.contains("@BotFather"), "{err}");
}

/// A Telegram message of `stage` to Ana (C1), due now.
fn to_ana(stage: &str, cycle: &str, body_text: String) -> store::NewOutboxMessage {
    store::NewOutboxMessage {
        dedup_key: format!("C1|{stage}|{cycle}"),
        client_id: "C1".into(),
        stage: stage.into(),
        cycle: cycle.into(),
        channel: Channel::Telegram,
        recipients: vec![ANA.to_string()],
        cc: vec![],
        subject: None,
        body_text,
        body_html: None,
        attachment: None,
        message_id: None,
        in_reply_to: None,
        references: None,
        send_at: now(),
        invoices: vec![],
    }
}

#[tokio::test]
async fn messages_to_one_chat_are_a_second_apart() {
    let mut w = World::new();
    w.link("C1", ANA).await;
    let greeting_sent = w.bot.sent_to(ANA).len();
    for i in 0..3 {
        let msg = to_ana(
            "ack_paid",
            &format!("test-{i}"),
            format!("Mensaje <b>{i}</b>"),
        );
        store::outbox::insert_if_new(w.store.conn(), &msg, now()).unwrap();
    }
    let f = w.flush(now()).await;
    assert_eq!(f.sent, 3);
    let times: Vec<f64> = w
        .bot
        .calls("sendMessage")
        .iter()
        .filter(|c| c["params"]["chat_id"] == ANA)
        .skip(greeting_sent)
        .map(|c| c["at"].as_f64().unwrap())
        .collect();
    assert_eq!(times.len(), 3, "each once");
    for pair in times.windows(2) {
        assert!(
            pair[1] - pair[0] >= 0.99,
            "one message per second per chat: {times:?}"
        );
    }
}

/// A message longer than Telegram takes in one (4,096 characters) goes in parts cut at blank
/// lines, in order, the buttons under the last, whose id the row keeps: Telegram refused it
/// whole («message is too long»), the message died and the client was moved to email.
#[tokio::test]
async fn a_message_too_long_for_one_goes_in_parts_with_the_buttons_last() {
    let mut w = World::new();
    w.link("C1", ANA).await;
    let greeting_sent = w.bot.sent_to(ANA).len();
    let paragraph = |i: usize| {
        format!(
            "Factura <b>F-{i:03}</b>: {}",
            "vence pronto · ".repeat(40).trim_end()
        )
    };
    let body: Vec<String> = (0..15).map(paragraph).collect();
    let body = body.join("\n\n");
    assert!(body.chars().count() > 2 * 4096, "{}", body.len());
    let msg = to_ana("early", "long", body.clone());
    let id = store::outbox::insert_if_new(w.store.conn(), &msg, now())
        .unwrap()
        .unwrap();
    let f = w.flush(now()).await;
    assert_eq!((f.sent, f.dead, f.uncertain), (1, 0, 0), "{f:?}");
    let parts: Vec<serde_json::Value> =
        w.bot.sent_to(ANA).into_iter().skip(greeting_sent).collect();
    assert_eq!(parts.len(), 3, "{parts:?}");
    let texts: Vec<&str> = parts.iter().map(|p| p["text"].as_str().unwrap()).collect();
    assert!(texts.iter().all(|t| t.chars().count() <= 4096));
    // In order, whole paragraphs, nothing lost.
    assert_eq!(texts.join("\n\n"), body);
    assert!(
        parts[..2].iter().all(|p| p["reply_markup"].is_null()),
        "{parts:?}"
    );
    assert!(parts[2]["reply_markup"]["inline_keyboard"].is_array());
    let row = store::outbox::get(w.store.conn(), id).unwrap().unwrap();
    assert_eq!(row.telegram_message_id, parts[2]["message_id"].as_i64());
}

/// A world with Ana's chat linked, `cobrador run` on a clock starting at `clock` (logging to
/// the returned file), and the reminder with buttons it sent her.
async fn daemon_reminding_ana(
    clock: &str,
) -> (World, std::process::Child, PathBuf, serde_json::Value) {
    let mut w = World::with("[daemon]\nchange-poll-secs = 1\nplan-interval-secs = 2\n");
    w.link("C1", ANA).await;
    let log = w.dir.path().join("run.log");
    let child = cobrador_cmd(w.dir.path())
        .env("COBRADOR_LOG", "info")
        .args(["run", "--clock-start", clock])
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let reminder = || {
        w.bot
            .sent_to(ANA)
            .into_iter()
            .find(|m| button_texts(m).len() == 4)
    };
    wait_until("the reminder with buttons", || reminder().is_some());
    let reminder = reminder().unwrap();
    (w, child, log, reminder)
}

#[tokio::test]
async fn the_daemon_sends_with_buttons_reads_presses_and_confirms() {
    let (w, mut child, log, reminder) = daemon_reminding_ana("2026-12-01T09:30:00Z").await;
    let mid = reminder["message_id"].as_i64().unwrap();
    w.bot.press(ANA, mid, &data_of(&reminder, "Pagaré el"));
    wait_until("the date picker", || {
        !w.bot.state()["edits"].as_array().unwrap().is_empty()
    });
    let edit = w.bot.state()["edits"][0].clone();
    let picker = json!({ "reply_markup": edit["reply_markup"] });
    let (label, data) = fake::buttons(&picker)[0].clone();
    w.bot.press(ANA, mid, &data);
    wait_until("the confirmation", || {
        w.bot
            .sent_to(ANA)
            .iter()
            .any(|m| m["plain"].as_str().unwrap_or("").contains("Anotado"))
    });
    let promises = store::promises::all(w.store.conn()).unwrap();
    assert_eq!(promises.len(), 1);
    let day_of_month = label.split(' ').nth(1).unwrap().split('/').next().unwrap();
    assert_eq!(
        promises[0].promised_date.format("%-d").to_string(),
        day_of_month
    );

    // SIGTERM: the long poll is abandoned at once and the daemon exits cleanly.
    // SAFETY: kill(2) on our own child's pid.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "the daemon did not stop within 30 s:\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    assert!(
        status.success(),
        "{status:?}: {}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
}

/// A rehearsal months away from the real date: the fake Bot API stamps the client's message with
/// the real time, and the daemon reads "le pago el viernes" against its own clock.
#[tokio::test]
async fn the_daemon_reads_a_reply_against_its_clock_not_the_real_date() {
    let (tuesday, friday) = support::rehearsal_tuesday();
    let (w, mut child, log, reminder) = daemon_reminding_ana(&tuesday.to_rfc3339()).await;
    let mid = reminder["message_id"].as_i64().unwrap();
    w.bot
        .text(ANA, "Buenos días, le pago el viernes.", Some(mid));
    wait_until("the confirmation", || {
        w.bot
            .sent_to(ANA)
            .iter()
            .any(|m| m["plain"].as_str().unwrap_or("").contains("Anotado"))
    });
    let _ = child.kill();
    let _ = child.wait();
    let promises = store::promises::all(w.store.conn()).unwrap();
    assert_eq!(promises.len(), 1, "{promises:?}");
    assert_eq!(
        promises[0].promised_date,
        friday,
        "the Friday after the daemon's Tuesday: {}",
        std::fs::read_to_string(&log).unwrap_or_default()
    );
    let responses = w.responses();
    let reply = responses
        .iter()
        .find(|r| r.response.intent.to_string() == "promise")
        .unwrap();
    assert!(
        (reply.response.received_at - tuesday).num_hours().abs() < 1,
        "received on the daemon's clock: {}",
        reply.response.received_at
    );
}

#[tokio::test]
async fn the_bot_api_over_tls_is_verified_against_the_configured_ca() {
    let dir = tempfile::tempdir().unwrap();
    let certs = support::make_certs(dir.path());
    let bot = fake::FakeBotApi::start_tls(dir.path(), fake::TOKEN, &certs.cert, &certs.key);
    std::fs::write(dir.path().join("token"), fake::TOKEN).unwrap();
    let section = |ca: &str| {
        support::config(&format!(
            "[telegram]\nbot-username = \"CobrosPradoBot\"\ntoken-file = {:?}\n\
             api-url = \"{}\"\n{ca}",
            dir.path().join("token"),
            bot.url()
        ))
        .telegram
        .unwrap()
    };
    // Without the private CA, the server's certificate is refused (and nothing is sent).
    let untrusted = cobrador::channel::telegram::api::Bot::from_config(&section("")).unwrap();
    let err = untrusted.get_me().await.unwrap_err().to_string();
    assert!(err.contains("certificate"), "{err}");
    assert!(bot.calls("getMe").is_empty());
    // With `ca-file`, the exchange works over TLS.
    let trusted = cobrador::channel::telegram::api::Bot::from_config(&section(&format!(
        "ca-file = {:?}\n",
        certs.ca
    )))
    .unwrap();
    assert_eq!(
        trusted.get_me().await.unwrap().username.as_deref(),
        Some("CobrosPradoBot")
    );
    let sent = trusted
        .send_message(ANA, "Hola <b>Ana</b> &amp; co.", None)
        .await
        .unwrap();
    assert_eq!(sent.text.as_deref(), Some("Hola Ana & co."));
}
