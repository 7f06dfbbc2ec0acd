//! Reading replies over IMAP from a real Dovecot: `inbox::check_once` (and `cobrador inbox
//! check`) fetches, classifies, matches and applies each message exactly once; the watcher
//! survives a Dovecot restart in the middle of IDLE.

mod support;

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use cobrador::config::{Config, EXAMPLE};
use cobrador::engine;
use cobrador::import::{Defaults, Kind, import_bytes};
use cobrador::inbox;
use cobrador::render::Renderer;
use cobrador::store::{self, Store};
use support::*;
use tokio_util::sync::CancellationToken;

/// Bound on one pass (generous: the machine is shared).
const BOUND: Duration = Duration::from_secs(180);

struct World {
    tmp: tempfile::TempDir,
    dovecot: Dovecot,
    config: Config,
    store: Store,
}

fn at(d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap()
}

fn config_for(tmp: &Path, dovecot: &Dovecot, ca: &Path, extra: &str) -> String {
    format!("{EXAMPLE}\n{}", imap_section(dovecot, tmp, ca, extra))
}

/// Dovecot, a database with two clients (C1 uno@cliente.example with F-1, C2
/// dos@cliente.example with F-2), and our first reminder to C1 queued.
fn world(extra: &str) -> World {
    let tmp = tempfile::tempdir().unwrap();
    let certs = make_certs(tmp.path());
    let dovecot = Dovecot::start(&certs);
    let text = config_for(tmp.path(), &dovecot, &certs.ca, extra);
    std::fs::write(tmp.path().join("cobrador.toml"), &text).unwrap();
    let mut config = Config::parse(&text, "cobrador.toml").unwrap();
    config.database = tmp.path().join("c.db");
    let mut store = Store::open(&config.database).unwrap();
    let d = Defaults {
        country: "ES".into(),
        currency: "EUR".into(),
        max_amount: rust_decimal::Decimal::from(1_000_000_000_000i64),
    };
    let clients = "id;name;email\nC1;Uno;uno@cliente.example\nC2;Dos;dos@cliente.example\n";
    import_bytes(
        &mut store,
        Kind::Clients,
        "c.csv",
        clients.as_bytes(),
        &d,
        false,
        at(1, 9),
    )
    .unwrap();
    let inv = "numero;cliente;fecha;vencimiento;importe\n\
               F-1;C1;01/10/2026;02/11/2026;500\nF-2;C2;01/10/2026;02/11/2026;700\n";
    import_bytes(
        &mut store,
        Kind::Invoices,
        "i.csv",
        inv.as_bytes(),
        &d,
        false,
        at(1, 9),
    )
    .unwrap();
    let renderer = Renderer::new(None).unwrap();
    engine::queue_due(&mut store, &config, &renderer, at(24, 10)).unwrap();
    World {
        tmp,
        dovecot,
        config,
        store,
    }
}

impl World {
    /// The Message-ID of our reminder to C1.
    fn ours(&self) -> String {
        store::outbox::for_client(self.store.conn(), "C1")
            .unwrap()
            .into_iter()
            .find_map(|m| m.message.message_id)
            .unwrap()
    }

    async fn check(&mut self, now: DateTime<Utc>) -> inbox::InboxReport {
        tokio::time::timeout(BOUND, inbox::check_once(&self.config, &mut self.store, now))
            .await
            .expect("inbox check hung")
            .unwrap()
    }

    fn responses(&self) -> Vec<store::StoredResponse> {
        store::responses::list(self.store.conn(), false).unwrap()
    }

    fn outbox_len(&self) -> usize {
        store::outbox::all(self.store.conn()).unwrap().len()
    }
}

/// A plain-text reply.
fn mail(from: &str, subject: &str, id: &str, in_reply_to: Option<&str>, body: &str) -> Vec<u8> {
    let thread = in_reply_to
        .map(|r| format!("In-Reply-To: {r}\r\nReferences: {r}\r\n"))
        .unwrap_or_default();
    format!(
        "From: {from}\r\nTo: cobros@reformasprado.example\r\nSubject: {subject}\r\n\
         Date: Tue, 24 Nov 2026 18:05:00 +0100\r\nMessage-ID: <{id}>\r\n{thread}\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Transfer-Encoding: 8bit\r\n\r\n{}\r\n",
        body.replace('\n', "\r\n")
    )
    .into_bytes()
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/mail")
            .join(name),
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_threaded_reply_records_a_promise_and_pauses_the_client() {
    let mut w = world("");
    let ours = w.ours();
    let reply = mail(
        "Uno <uno@cliente.example>",
        "Re: Recordatorio",
        "r1@cliente.example",
        Some(&ours),
        "Buenas tardes, le pago el viernes sin falta.\n\nUn saludo,\nAna\n\n\
         El lun, 23 nov 2026 a las 11:00, Reformas Prado <cobros@reformasprado.example> escribió:\n\
         > Le recordamos que la factura F-1 vence el 15 de diciembre.\n",
    );
    w.dovecot.deliver("INBOX", &reply);
    let report = w.check(at(25, 9)).await;
    assert_eq!((report.fetched, report.applied), (1, 1), "{report:?}");
    let r = &w.responses()[0].response;
    assert_eq!(
        (r.kind.as_str(), r.intent.as_str(), r.status.as_str()),
        ("reply", "promise", "applied")
    );
    assert_eq!(r.promised_date.unwrap().to_string(), "2026-11-27");
    assert_eq!(r.client_id.as_deref(), Some("C1"));
    assert!(
        r.raw_ref
            .as_deref()
            .unwrap()
            .starts_with("imap:INBOX;UIDVALIDITY=")
    );
    assert_eq!(
        r.excerpt.as_deref(),
        Some("Buenas tardes, le pago el viernes sin falta.")
    );
    // The acknowledgement is threaded and repeats the date.
    let ack = store::outbox::for_client(w.store.conn(), "C1")
        .unwrap()
        .into_iter()
        .find(|m| m.message.stage == "ack_promise")
        .expect("an acknowledgement");
    assert_eq!(
        ack.message.in_reply_to.as_deref(),
        Some("<r1@cliente.example>")
    );
    assert!(
        ack.message.body_text.contains("27 de noviembre"),
        "{}",
        ack.message.body_text
    );
    let plan = engine::plan_now(&w.store, &w.config, at(25, 10)).unwrap();
    assert!(
        plan.held
            .iter()
            .any(|h| h.client == "C1" && h.reason.contains("paused: promise")),
        "{plan:?}"
    );
    assert_eq!(w.dovecot.count("INBOX", "SEEN"), 1, "flagged \\Seen");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outlook_reply_without_in_reply_to_is_matched_by_the_invoice_number() {
    let mut w = world("");
    // From a colleague at the client's own domain who is not a contact: only the invoice
    // number in the subject ties it to C1 (C2 shares the domain).
    let reply = mail(
        "Contabilidad <conta@cliente.example>",
        "RE: Recordatorio: factura F-1",
        "AM6PR01MB1234@cliente.example",
        None,
        "Ya está pagada, hicimos la transferencia ayer.\n\nSaludos\n\n\
         ________________________________\nDe: Reformas Prado <cobros@reformasprado.example>\n\
         Enviado: lunes, 23 de noviembre de 2026 11:00\nPara: Uno <uno@cliente.example>\n\
         Asunto: Recordatorio\n\nLe recordamos que la factura vence el 15 de diciembre.\n",
    );
    w.dovecot.deliver("INBOX", &reply);
    let report = w.check(at(25, 9)).await;
    assert_eq!(report.applied, 1, "{report:?}");
    let r = &w.responses()[0].response;
    assert_eq!(r.client_id.as_deref(), Some("C1"));
    assert_eq!((r.intent.as_str(), r.status.as_str()), ("paid", "applied"));
    assert_eq!(r.invoices, ["F-1"]);
    let inv = store::invoices::get(w.store.conn(), "F-1")
        .unwrap()
        .unwrap();
    assert!(inv.paid_claimed_on.is_some());
    let other = store::invoices::get(w.store.conn(), "F-2")
        .unwrap()
        .unwrap();
    assert!(other.paid_claimed_on.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_out_of_office_is_recorded_and_nothing_else_happens() {
    let mut w = world("");
    let ours = w.ours();
    let raw = String::from_utf8(fixture("auto-exchange-es.eml"))
        .unwrap()
        .replace("marta.gil@ebrologistica.example", "uno@cliente.example")
        .replace(
            "<3f9a1c0e5b7d2a4e8c6f1b0d9e7a5c3b.cobrador@reformasprado.example>",
            &ours,
        );
    w.dovecot.deliver("INBOX", raw.as_bytes());
    let before = w.outbox_len();
    let report = w.check(at(25, 9)).await;
    assert_eq!((report.applied, report.auto_replies), (1, 1), "{report:?}");
    let r = &w.responses()[0].response;
    assert_eq!(
        (r.kind.as_str(), r.intent.as_str()),
        ("auto_reply", "auto_reply")
    );
    assert_eq!(r.client_id.as_deref(), Some("C1"));
    assert!(r.promised_date.is_none(), "the date in it is not a promise");
    assert!(store::promises::all(w.store.conn()).unwrap().is_empty());
    assert_eq!(w.outbox_len(), before, "no acknowledgement, no alert");
    let plan = engine::plan_now(&w.store, &w.config, at(30, 10)).unwrap();
    assert!(
        !plan
            .held
            .iter()
            .any(|h| h.client == "C1" && h.reason.contains("paused")),
        "{plan:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_text_bounce_marks_the_contact_undeliverable() {
    let mut w = world("");
    // qmail's notice: no multipart/report, no DSN fields.
    let raw = String::from_utf8(fixture("bounce-qmail.eml"))
        .unwrap()
        .replace("pedro@mueblesgarcia.example", "uno@cliente.example");
    w.dovecot.deliver("INBOX", raw.as_bytes());
    let report = w.check(at(25, 9)).await;
    assert_eq!((report.applied, report.bounces), (1, 1), "{report:?}");
    let r = &w.responses()[0].response;
    assert_eq!(
        (r.kind.as_str(), r.client_id.as_deref()),
        ("bounce", Some("C1"))
    );
    assert_eq!(
        store::inbox::undeliverable_contacts(w.store.conn())
            .unwrap()
            .len(),
        1
    );
    // The owner is told, and the planner no longer has an address to write to.
    let alert = store::outbox::for_client(w.store.conn(), "C1")
        .unwrap()
        .into_iter()
        .find(|m| m.message.stage == "owner_alert")
        .expect("an owner alert");
    assert!(
        alert.message.body_text.contains("uno@cliente.example"),
        "{}",
        alert.message.body_text
    );
    let snapshot = store::snapshot::load(w.store.conn()).unwrap();
    let c1 = snapshot
        .clients
        .iter()
        .find(|f| f.client.id == "C1")
        .unwrap();
    assert!(
        c1.contacts.iter().all(|c| c.email.is_none()),
        "{:?}",
        c1.contacts
    );
    let plan = engine::plan_now(&w.store, &w.config, at(30, 10)).unwrap();
    assert!(
        !plan.messages.iter().any(|m| m.client == "C1"),
        "nothing planned to a bounced address: {plan:?}"
    );
}

/// A fixture sent by C1's contact instead of its original sender (its first line is From:).
fn from_c1(name: &str) -> Vec<u8> {
    let raw = fixture(name);
    let end = raw.iter().position(|b| *b == b'\n').unwrap() + 1;
    assert!(raw.starts_with(b"From: "), "{name}");
    [
        b"From: Uno <uno@cliente.example>\r\n".as_slice(),
        &raw[end..],
    ]
    .concat()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn iso_8859_1_and_html_only_replies_are_read() {
    let mut w = world("");
    w.dovecot.deliver("INBOX", &from_c1("reply-iso-8859-1.eml"));
    w.dovecot
        .deliver("INBOX", &from_c1("reply-gmail-html-only.eml"));
    let report = w.check(at(25, 9)).await;
    assert_eq!(report.applied, 2, "{report:?}");
    let mut rs = w.responses();
    rs.sort_by_key(|r| r.id);
    let latin = &rs[0].response;
    assert_eq!(latin.intent, "promise");
    assert!(
        latin
            .excerpt
            .as_deref()
            .unwrap()
            .contains("Le pagaré el próximo lunes"),
        "{latin:?}"
    );
    let html = &rs[1].response;
    assert_eq!(html.intent, "promise");
    assert_eq!(
        html.excerpt.as_deref(),
        Some("Hola Lucía,\n\nTe hago la transferencia el lunes 30.")
    );
    assert_eq!(html.promised_date.unwrap().to_string(), "2026-11-30");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn baja_opts_the_client_out() {
    let mut w = world("");
    let ours = w.ours();
    let reply = mail(
        "Uno <uno@cliente.example>",
        "Re: Recordatorio",
        "baja@cliente.example",
        Some(&ours),
        "Por favor, denme de baja, no quiero recibir más correos.",
    );
    w.dovecot.deliver("INBOX", &reply);
    let report = w.check(at(25, 9)).await;
    assert_eq!(report.applied, 1, "{report:?}");
    assert_eq!(w.responses()[0].response.intent, "stop");
    let contacts = store::clients::for_client(w.store.conn(), "C1").unwrap();
    assert!(contacts.iter().all(|c| c.opted_out));
    let plan = engine::plan_now(&w.store, &w.config, at(30, 10)).unwrap();
    assert!(
        plan.held
            .iter()
            .any(|h| h.client == "C1" && h.reason == "opted out"),
        "{plan:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ingesting_twice_records_nothing_twice_and_oversized_mail_waits_for_review() {
    let mut w = world("max-message-bytes = 20000\nprocessed-mailbox = \"Procesados\"");
    w.dovecot
        .doveadm(&["mailbox", "create", "-u", "cobros", "Procesados"]);
    let ours = w.ours();
    for i in 0..3 {
        w.dovecot.deliver(
            "INBOX",
            &mail(
                "Uno <uno@cliente.example>",
                "Re: Recordatorio",
                &format!("twice{i}@cliente.example"),
                Some(&ours),
                "Le pago el viernes.",
            ),
        );
    }
    let big = mail(
        "Uno <uno@cliente.example>",
        "Re: Recordatorio",
        "big@cliente.example",
        Some(&ours),
        &"Le pago el viernes. ".repeat(2000),
    );
    w.dovecot.deliver("INBOX", &big);
    let first = w.check(at(25, 9)).await;
    assert_eq!(
        (first.fetched, first.applied, first.needs_review),
        (4, 3, 1),
        "{first:?}"
    );
    let second = w.check(at(25, 10)).await;
    assert_eq!((second.fetched, second.applied), (0, 0), "{second:?}");
    // Processed messages moved; the oversized one stays, unread, for a person.
    assert_eq!(w.dovecot.count("Procesados", "ALL"), 3);
    assert_eq!(w.dovecot.count("INBOX", "ALL"), 1);
    assert_eq!(w.dovecot.count("INBOX", "UNSEEN"), 1);
    let review = store::responses::list(w.store.conn(), true).unwrap();
    assert_eq!(review.len(), 1);
    assert_eq!(review[0].response.kind, "unparsed");
    assert!(
        review[0]
            .response
            .effect
            .as_deref()
            .unwrap()
            .contains("max-message-bytes")
    );
    // The server forgets our UIDs (UIDVALIDITY changes) and everything is re-read: Message-IDs
    // keep it exact.
    w.store
        .conn()
        .execute("UPDATE mailbox_state SET uidvalidity = uidvalidity + 1", [])
        .unwrap();
    w.dovecot.doveadm(&[
        "move",
        "-u",
        "cobros",
        "INBOX",
        "mailbox",
        "Procesados",
        "ALL",
    ]);
    let rescan = w.check(at(25, 11)).await;
    assert!(rescan.uidvalidity_reset, "{rescan:?}");
    assert_eq!((rescan.applied, rescan.needs_review), (0, 0), "{rescan:?}");
    assert_eq!(rescan.duplicates, rescan.fetched, "{rescan:?}");
    assert_eq!(w.responses().len(), 4);
    assert_eq!(store::promises::all(w.store.conn()).unwrap().len(), 3);
}

/// Waits (bounded) until `n` responses are stored.
async fn wait_for_responses(db: &Path, n: usize) {
    let store = Store::open(db).unwrap();
    let deadline = tokio::time::Instant::now() + BOUND;
    loop {
        let got = store::responses::list(store.conn(), false).unwrap().len();
        if got >= n {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "only {got} of {n} responses recorded"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

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
        db.clone(),
        token.clone(),
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
    assert!(changes.load(Ordering::SeqCst) >= 2);
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
    let config_path = w.tmp.path().join("cobrador.toml");
    let db = w.config.database.clone();
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_cobrador"))
            .arg("--config")
            .arg(&config_path)
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
