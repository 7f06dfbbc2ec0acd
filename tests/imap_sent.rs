//! The Sent mailbox on a real Dovecot: `save-sent` keeps a copy of every message sent by SMTP,
//! and an uncertain send (interrupted by a crash) whose Message-ID is found there is marked sent.

mod support;

use std::time::Duration;

use cobrador::channel::imap_sent::SentMailbox;
use cobrador::config::Config;
use cobrador::sender::{self, FlushOptions};
use cobrador::store::{OutboxStatus, Store, outbox};
use support::*;

const BOUND: Duration = Duration::from_secs(120);

fn imap_section(port: u16, security: &str, dir: &std::path::Path, ca: &std::path::Path) -> String {
    std::fs::write(dir.join("imap-password"), "secreto\n").unwrap();
    format!(
        "[email.imap]\nhost = \"127.0.0.1\"\nport = {port}\nsecurity = \"{security}\"\n\
         username = \"cobros\"\npassword-file = \"{}\"\nsent-mailbox = \"Sent\"\n\
         save-sent = true\nca-file = \"{}\"\n",
        dir.join("imap-password").display(),
        ca.display()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn save_sent_keeps_copies_and_uncertain_sends_found_there_are_resolved() {
    let tmp = tempfile::tempdir().unwrap();
    let certs = make_certs(tmp.path());
    let dovecot = Dovecot::start(&certs);
    let smtp = Capture::start(&tmp.path().join("cap"), &[]);
    let config: Config = config(&format!(
        "{}\n{}",
        plain_smtp(smtp.port, 30),
        imap_section(dovecot.tls_port, "tls", tmp.path(), &certs.ca)
    ));
    let mut store = Store::open(&tmp.path().join("c.db")).unwrap();
    let ids = queue_many(&store, 3);
    let now = t0();

    // 1. Sent by SMTP, and a copy of each in Sent.
    let report = tokio::time::timeout(
        BOUND,
        sender::flush_configured(&config, &mut store, now, &FlushOptions::default()),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(report.sent, 3, "{report:?}");
    let listed = dovecot.doveadm(&["search", "-u", "cobros", "mailbox", "Sent", "ALL"]);
    assert_eq!(listed.lines().count(), 3, "{listed}");
    let mids: Vec<String> = ids
        .iter()
        .map(|id| {
            outbox::get(store.conn(), *id)
                .unwrap()
                .unwrap()
                .message
                .message_id
                .unwrap()
        })
        .collect();

    // 2. Two sends interrupted by a crash: one had reached the server (its copy is in Sent),
    //    the other had not.
    let mut more = Vec::new();
    for key in ["C1|late-a|1", "C1|late-b|1"] {
        let id = outbox::insert_if_new(
            store.conn(),
            &reminder("C1", key, &["ana@cliente.example"]),
            now,
        )
        .unwrap()
        .unwrap();
        outbox::mark_sending(store.conn(), id).unwrap();
        more.push(id);
    }
    let delivered = outbox::get(store.conn(), more[0]).unwrap().unwrap();
    let raw = format!(
        "From: cobros@reformasprado.example\r\nTo: ana@cliente.example\r\n\
         Message-ID: {}\r\nSubject: copia\r\n\r\nHola\r\n",
        delivered.message.message_id.as_deref().unwrap()
    );
    let imap = config.email.imap.as_ref().unwrap();
    let sent = SentMailbox::new(imap).unwrap();
    sent.append(raw.as_bytes()).await.unwrap();

    let report = tokio::time::timeout(
        BOUND,
        sender::flush_configured(&config, &mut store, now, &FlushOptions::default()),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(report.recovered_uncertain, 2, "{report:?}");
    assert_eq!(report.resolved_from_sent, 1, "{report:?}");
    assert!(report.warnings.is_empty(), "{report:?}");
    let a = outbox::get(store.conn(), more[0]).unwrap().unwrap();
    let b = outbox::get(store.conn(), more[1]).unwrap().unwrap();
    assert_eq!(a.status, OutboxStatus::Sent);
    assert_eq!(b.status, OutboxStatus::Uncertain, "never resent blindly");
    assert_eq!(smtp.messages().len(), 3, "nothing resent");

    // 3. The same lookup over STARTTLS on the plain port.
    let starttls = config_with(&format!(
        "{}\n{}",
        plain_smtp(smtp.port, 30),
        imap_section(dovecot.port, "starttls", tmp.path(), &certs.ca)
    ));
    let sent = SentMailbox::new(starttls.email.imap.as_ref().unwrap()).unwrap();
    let mut want = mids.clone();
    want.push(b.message.message_id.clone().unwrap());
    let found = tokio::time::timeout(BOUND, sent.find(&want))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found, mids, "the three copies, not the one never sent");
}

fn config_with(extra: &str) -> Config {
    config(extra)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_imap_password_is_a_warning_not_a_failed_flush() {
    let tmp = tempfile::tempdir().unwrap();
    let certs = make_certs(tmp.path());
    let dovecot = Dovecot::start(&certs);
    let mut section = imap_section(dovecot.tls_port, "tls", tmp.path(), &certs.ca);
    section = section.replace("save-sent = true\n", "");
    std::fs::write(tmp.path().join("imap-password"), "mal\n").unwrap();
    let config = config(&format!(
        "[email]\noutbox-dir = \"{}\"\n{section}",
        tmp.path().join("out").display()
    ));
    let mut store = Store::open(&tmp.path().join("c.db")).unwrap();
    let ids = queue_many(&store, 1);
    outbox::mark_sending(store.conn(), ids[0]).unwrap();
    let report = tokio::time::timeout(
        BOUND,
        sender::flush_configured(&config, &mut store, t0(), &FlushOptions::default()),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(report.recovered_uncertain, 1);
    assert_eq!(report.warnings.len(), 1, "{report:?}");
    assert!(
        report.warnings[0].contains("email.imap.username"),
        "{report:?}"
    );
}
