//! Benchmark, not a test (ignored; run by bench/inbox.sh): N replies delivered into a real
//! Dovecot, then (1) a bare IMAP FETCH of all of them, and (2) `inbox::check_once` ingesting them
//! end to end (fetch, parse, classify, trim, match, understand, apply with acknowledgement, mark
//! \Seen). Prints both rates and their ratio; machines are noisy, only the ratio means much.

mod support;

use std::time::Instant;

use cobrador::config::{Config, EXAMPLE};
use cobrador::engine;
use cobrador::inbox;
use cobrador::store;
use futures_util::TryStreamExt;
use support::*;

const TEXTS: [&str; 5] = [
    "Buenas tardes, le pago el viernes sin falta.\n\nUn saludo,\nAna",
    "Ya está pagado, les envío el justificante.\n\nEnviado desde mi iPhone",
    "¿Me pueden reenviar la factura en PDF?\n\nGracias",
    "Le hago la transferencia el día 30.\n\nSaludos cordiales\nAna López\nTel. 600 000 000",
    "Perdone el retraso: pagaremos la mitad el 1 de diciembre y el resto el 15.",
];

fn reply(i: usize, ours: &str, from: &str) -> Vec<u8> {
    let quote: String = "> Le recordamos que la factura F-1, de 500,00 EUR, venció el 2 de \
                         noviembre.\n> Si ya la ha pagado, ignore este mensaje.\n>\n"
        .repeat(6);
    format!(
        "From: <{from}>\nTo: cobros@reformasprado.example\n\
         Subject: Re: Recordatorio: factura F-1\nDate: Tue, 24 Nov 2026 18:05:00 +0100\n\
         Message-ID: <bench{i}@cliente.example>\nIn-Reply-To: {ours}\nReferences: {ours}\n\
         MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\
         Content-Transfer-Encoding: 8bit\n\n{}\n\nEl lun, 23 nov 2026 a las 11:00, Reformas \
         Prado <cobros@reformasprado.example> escribió:\n{quote}",
        TEXTS[i % TEXTS.len()]
    )
    .replace('\n', "\r\n")
    .into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run bench/inbox.sh"]
async fn inbox_throughput() {
    let n: usize = std::env::var("BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let tmp = tempfile::tempdir().unwrap();
    let certs = make_certs(tmp.path());
    let dovecot = Dovecot::start(&certs);
    // Plaintext on loopback: the comparison is about cobrador's work, not TLS.
    std::fs::write(tmp.path().join("imap-password"), "secreto\n").unwrap();
    let text = format!(
        "{EXAMPLE}\n[email.imap]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"plaintext\"\n\
         username = \"cobros\"\npassword-file = \"{}\"\n",
        dovecot.port,
        tmp.path().join("imap-password").display()
    );
    let config = Config::parse(&text, "bench.toml").unwrap();
    let at = utc("2026-11-24 10:00");
    let World {
        dir: _tmp,
        mut store,
        config,
        renderer,
    } = world()
        .in_dir(tmp)
        .config(config)
        .clients("id;name;email\nC1;Uno;uno@cliente.example\n")
        .invoices("numero;cliente;fecha;vencimiento;importe\nF-1;C1;01/10/2026;02/11/2026;500\n")
        .imported_at(at)
        .build();
    engine::queue_due(&mut store, &config, &renderer, at).unwrap();
    let mut ours = store::outbox::for_client(store.conn(), "C1")
        .unwrap()
        .into_iter()
        .find_map(|m| m.message.message_id)
        .unwrap();
    let mut from = "uno@cliente.example".to_owned();
    // BENCH_DB=book.db: the replies go to a copy of that book (`cobrador bench gen`), answering
    // one of its sent reminders from its client's address, so that what grows with the book
    // shows.
    if let Ok(book) = std::env::var("BENCH_DB") {
        let copy = _tmp.path().join("book.db");
        std::fs::copy(&book, &copy).unwrap();
        store = store::Store::open(&copy).unwrap();
        (ours, from) = store
            .conn()
            .query_row(
                "SELECT o.message_id, c.email FROM outbox o
                   JOIN contacts c ON c.client_id = o.client_id AND c.email IS NOT NULL
                  WHERE o.status = 'sent' AND o.message_id IS NOT NULL
                  ORDER BY o.id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
    }
    let answered_before = store::responses::list(store.conn(), false).unwrap().len();
    for i in 0..n {
        dovecot.deliver_to_maildir(&reply(i, &ours, &from));
    }
    let account =
        cobrador::channel::imap::Account::new(config.email.imap.as_ref().unwrap()).unwrap();
    // Warm-up: Dovecot indexes the new Maildir files on first look.
    let mut s = account.connect().await.unwrap();
    let mb = s.select("INBOX").await.unwrap();
    assert_eq!(mb.exists as usize, n);
    s.logout().await.unwrap();

    // 1. Bare FETCH of every message, over one connection.
    let t = Instant::now();
    let mut s = account.connect().await.unwrap();
    s.examine("INBOX").await.unwrap();
    let mut bytes = 0usize;
    {
        let stream = s.uid_fetch("1:*", "(UID BODY.PEEK[])").await.unwrap();
        let all: Vec<_> = stream.try_collect().await.unwrap();
        assert_eq!(all.len(), n);
        for f in &all {
            bytes += f.body().map_or(0, <[u8]>::len);
        }
    }
    s.logout().await.unwrap();
    let fetch = t.elapsed();

    // 2. cobrador: fetch, classify, match, understand, apply, \Seen.
    let t = Instant::now();
    let now = utc("2026-11-25 09:00");
    let report = inbox::check_once(&config, &mut store, now).await.unwrap();
    let ingest = t.elapsed();
    assert_eq!(
        report.applied + report.needs_review,
        n,
        "{:?}",
        report.fetched
    );
    let responses = store::responses::list(store.conn(), false).unwrap().len();
    assert_eq!(responses - answered_before, n);

    let rate = |d: std::time::Duration| n as f64 / d.as_secs_f64();
    println!("replies: {n} ({} KB in all)", bytes / 1024);
    println!(
        "bare IMAP UID FETCH BODY.PEEK[]      {:>8.0} ms {:>9.0} msg/s",
        fetch.as_secs_f64() * 1000.0,
        rate(fetch)
    );
    println!(
        "cobrador inbox check (end to end)    {:>8.0} ms {:>9.0} replies/s  ({} applied, {} for review)",
        ingest.as_secs_f64() * 1000.0,
        rate(ingest),
        report.applied,
        report.needs_review
    );
    println!(
        "ratio cobrador / bare fetch: {:.3}",
        rate(ingest) / rate(fetch)
    );
}
