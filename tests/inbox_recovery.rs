//! The inbox under failure, against a real Dovecot: the watcher picks up what arrived while
//! Dovecot restarted under its IDLE; SIGKILL in the middle of ingesting 1,000 replies loses and
//! repeats nothing; `tick` reads replies before it plans.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use cobrador::engine;
use cobrador::inbox;
use cobrador::render::Renderer;
use cobrador::store::{self, Store};
use support::inbox_world::*;
use support::{cobrador_cmd, run_cobrador};
use tokio_util::sync::CancellationToken;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_watcher_picks_up_what_arrived_while_dovecot_restarted_mid_idle() {
    let _ = tracing_subscriber::fmt().with_test_writer().try_init();
    let mut w = world("");
    let ours = w.ours();
    let db = w.config.database.clone();
    let token = CancellationToken::new();
    let changes = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&changes);
    let watcher = tokio::spawn(inbox::watch(
        Arc::new(w.config.clone()),
        Arc::new(Renderer::new(w.config.templates_dir.as_deref()).unwrap()),
        cobrador::daemon::Clock::real(),
        token.clone(),
        CancellationToken::new(),
        move || {
            counter.fetch_add(1, Ordering::SeqCst);
        },
    ));
    // First reply while the watcher is connected: IDLE wakes it up.
    w.dovecot.deliver(
        "INBOX",
        &mail(
            "Uno <uno@cliente.example>",
            "Re: Recordatorio",
            "idle1@cliente.example",
            Some(&ours),
            "Le pago el viernes.",
        ),
    );
    wait_for_responses(&db, 1).await;
    while changes.load(Ordering::SeqCst) == 0 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // After its pass the watcher is back in IDLE; Dovecot goes away under it, a reply arrives
    // meanwhile (local delivery), and Dovecot comes back.
    tokio::time::sleep(Duration::from_millis(500)).await;
    w.dovecot.stop();
    w.dovecot.deliver_to_maildir(&mail(
        "Uno <uno@cliente.example>",
        "Re: Recordatorio",
        "idle2@cliente.example",
        Some(&ours),
        "Ya está pagado.",
    ));
    w.dovecot.restart();
    wait_for_responses(&db, 2).await;
    // on_change follows the pass (after \Seen), a moment after the commit.
    let deadline = tokio::time::Instant::now() + BOUND;
    while changes.load(Ordering::SeqCst) < 2 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "on_change not called"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    token.cancel();
    let result = tokio::time::timeout(Duration::from_secs(60), watcher)
        .await
        .expect("the watcher returns promptly when cancelled")
        .unwrap();
    assert!(result.is_ok(), "{result:?}");
    let ids: Vec<String> = w
        .responses()
        .into_iter()
        .filter_map(|r| r.response.external_id)
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&"<idle2@cliente.example>".to_owned()));
    drop(w.tmp);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_ingestion_of_1000_replies_and_restart_records_each_once() {
    let w = world("");
    let ours = w.ours();
    let account =
        cobrador::channel::imap::Account::new(w.config.email.imap.as_ref().unwrap()).unwrap();
    let mut session = account.connect().await.unwrap();
    const N: usize = 1000;
    for i in 0..N {
        let raw = mail(
            "Uno <uno@cliente.example>",
            "Re: Recordatorio",
            &format!("kill{i}@cliente.example"),
            Some(&ours),
            "Le pago el viernes sin falta.",
        );
        session.append("INBOX", None, None, &raw).await.unwrap();
    }
    session.logout().await.unwrap();
    let db = w.config.database.clone();
    let run = || {
        cobrador_cmd(w.tmp.path())
            .arg("--db")
            .arg(&db)
            .args(["inbox", "check", "--now", "2026-11-25T09:00:00Z"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    let mut child = run();
    // SIGKILL once some replies are recorded, well before all of them are.
    let watch = Store::open(&db).unwrap();
    let mut killed = false;
    let deadline = std::time::Instant::now() + BOUND;
    while std::time::Instant::now() < deadline {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        let n: i64 = watch
            .conn()
            .query_row("SELECT count(*) FROM responses", [], |r| r.get(0))
            .unwrap_or(0);
        if n >= 20 {
            child.kill().unwrap();
            killed = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let _ = child.wait();
    assert!(killed, "the first run was to be killed mid-ingestion");
    let before: i64 = watch
        .conn()
        .query_row("SELECT count(*) FROM responses", [], |r| r.get(0))
        .unwrap();
    assert!((before as usize) < N, "killed with {before} recorded");
    // Restart: the rest is read, nothing twice.
    let status = run().wait().unwrap();
    assert!(status.success());
    let count = |sql: &str| -> i64 { watch.conn().query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(count("SELECT count(*) FROM responses"), N as i64);
    assert_eq!(
        count("SELECT count(DISTINCT external_id) FROM responses"),
        N as i64
    );
    assert_eq!(count("SELECT count(*) FROM promises"), N as i64);
    assert_eq!(
        count("SELECT count(*) FROM events WHERE kind = 'reply.received'"),
        N as i64
    );
    assert_eq!(
        count("SELECT count(*) FROM outbox WHERE stage = 'ack_promise'"),
        N as i64
    );
    for i in [0, 1, N / 2, N - 1] {
        let id = format!("<kill{i}@cliente.example>");
        let n: i64 = watch
            .conn()
            .query_row(
                "SELECT count(*) FROM responses WHERE external_id = ?1",
                [&id],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1, "{id}");
    }
    let state = store::inbox::mailbox_state(watch.conn(), "INBOX")
        .unwrap()
        .unwrap();
    assert_eq!(state.last_uid as usize, N);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tick_reads_replies_before_planning() {
    let w = world("");
    let ours = w.ours();
    // The client answers our first reminder with a promise; tick reads it before planning.
    w.dovecot.deliver(
        "INBOX",
        &mail(
            "Uno <uno@cliente.example>",
            "Re: Recordatorio",
            "tick1@cliente.example",
            Some(&ours),
            "Le pago el lunes 7 de diciembre.",
        ),
    );
    drop(w.store);
    let db = w.config.database.to_str().unwrap();
    let out = run_cobrador(
        w.tmp.path(),
        &["--db", db, "tick", "--now", "2026-12-01T10:00:00Z"],
        &[],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("read imap: 1 messages, 1 applied"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let store = Store::open(&w.config.database).unwrap();
    assert_eq!(store::promises::all(store.conn()).unwrap().len(), 1);
    // The promise paused C1: nothing new was queued for it but the acknowledgement.
    let stages: Vec<String> = store::outbox::for_client(store.conn(), "C1")
        .unwrap()
        .into_iter()
        .map(|m| m.message.stage)
        .collect();
    assert_eq!(stages.len(), 2, "{stages:?}");
    assert!(stages.contains(&"ack_promise".to_owned()), "{stages:?}");
    let plan = engine::plan_now(&store, &w.config, utc("2026-11-30 10:00")).unwrap();
    assert!(
        plan.held
            .iter()
            .any(|h| h.client == "C1" && h.reason.contains("paused: promise")),
        "{plan:?}"
    );
}
