//! Late-payment interest (Ley 3/2004) as the tick's notices state it, against a real SQLite
//! file: on what was owed each day, when the client paid part of the invoice meanwhile.

mod support;

use chrono::{Days, NaiveDate};
use cobrador::config::{Config, EXAMPLE};
use cobrador::engine;
use cobrador::store::{self, OutboxStatus};
use support::{World, pay, utc, world};

/// One Madrid company with one 2.000 € invoice due Monday 9 November 2026, and the rate of the
/// second half of 2026 configured (the built-in table has none yet).
fn one_invoice_with_the_rate() -> World {
    let text = format!(
        "{EXAMPLE}\n[[interest.rates]]\nhalf = \"2026-H2\"\nrate = \"10.15\"\nboe = \"BOE-A-2026-12345\"\n"
    );
    world()
        .config(Config::parse(&text, "test").unwrap())
        .clients("id;name;email\nC1;Uno;uno@cliente.example\n")
        .invoices(
            "numero;cliente;fecha;vencimiento;importe\nF1;C1;10/10/2026;09/11/2026;2.000,00\n",
        )
        .build()
}

/// Each day from `from` to `to`, queues what is due at 11:00 UTC and marks it sent: the
/// client reads every reminder. Returns (stage, text) of each, in order.
fn days_of_reminders(w: &mut World, from: &str, to: &str) -> Vec<(String, String)> {
    let mut sent = Vec::new();
    let (from, to): (NaiveDate, NaiveDate) = (from.parse().unwrap(), to.parse().unwrap());
    let mut day = from;
    while day <= to {
        let now = utc(&format!("{day} 11:00"));
        engine::queue_due(&mut w.store, &w.config, &w.renderer, now).unwrap();
        for m in store::outbox::all(w.store.conn()).unwrap() {
            if m.status == OutboxStatus::Queued {
                store::outbox::mark_sending(w.store.conn(), m.id).unwrap();
                store::outbox::mark_sent(w.store.conn(), m.id, now, None).unwrap();
                sent.push((m.message.stage.clone(), m.message.body_text.clone()));
            }
        }
        day = day + Days::new(1);
    }
    sent
}

/// Walk: 2.000 € due 9 November, 500 € paid on 20 November (recorded that day, weeks before
/// the formal notice: the tick's planning read does not carry that payment). The notice
/// states interest on 2.000 € from 10 to 20 November and on 1.500 € after, each period with
/// its principal; on the balance alone it would understate it.
#[test]
fn a_formal_notice_states_interest_on_what_was_owed_before_and_after_a_partial_payment() {
    let mut w = one_invoice_with_the_rate();
    let before = days_of_reminders(&mut w, "2026-11-10", "2026-11-19");
    assert!(!before.is_empty(), "reminders before the payment");
    pay(&mut w.store, "F1", "2026-11-20", "500");
    let after = days_of_reminders(&mut w, "2026-11-21", "2026-12-22");
    let (_, formal) = after
        .iter()
        .find(|(stage, _)| stage == "formal")
        .unwrap_or_else(|| panic!("a formal notice by 22 December: {after:#?}"));
    assert!(
        formal
            .contains("Factura F1, de 2.000,00 € (hemos recibido 500,00 €), pendiente 1.500,00 €:"),
        "{formal}"
    );
    // 2.000 × 10,15 % × 11 / 365 = 6,1178…
    assert!(
        formal.contains(
            "  - Intereses de demora del 10/11/2026 al 20/11/2026 sobre 2.000,00 € \
             (11 días al 10,15 % anual, BOE-A-2026-12345): 6,12 €"
        ),
        "{formal}"
    );
    // The tick of 16 December: 26 days on 1.500 € (10,8452…), and the sums.
    assert!(
        formal.contains(
            "  - Intereses de demora del 21/11/2026 al 16/12/2026 sobre 1.500,00 € \
             (26 días al 10,15 % anual, BOE-A-2026-12345): 10,85 €"
        ),
        "{formal}"
    );
    assert!(
        formal.contains("Intereses de demora                        16,97 €"),
        "{formal}"
    );
}

/// Ley 3/2004 is a Spanish business's to state: the same Spanish client of a Mexican firm is
/// sent no interest, no 40 € and no article of the Spanish statute (a walk of a Mexico City
/// studio with clients in Madrid: its formal notice claimed both).
#[test]
fn a_business_outside_spain_states_no_spanish_late_payment_law() {
    let text = format!(
        "{EXAMPLE}\n[[interest.rates]]\nhalf = \"2026-H2\"\nrate = \"10.15\"\nboe = \"BOE-A-2026-12345\"\n"
    )
    .replace("country = \"ES\"\ntime-zone = \"Europe/Madrid\"", "country = \"MX\"\ntime-zone = \"America/Mexico_City\"");
    assert!(
        text.contains("country = \"MX\""),
        "the example's business block changed"
    );
    let mut w = world()
        .config(Config::parse(&text, "test").unwrap())
        .clients("id;name;email;pais\nC1;Uno;uno@cliente.example;ES\n")
        .invoices(
            "numero;cliente;fecha;vencimiento;importe;moneda\nF1;C1;10/10/2026;09/11/2026;2.000,00;EUR\n",
        )
        .build();
    let sent = days_of_reminders(&mut w, "2026-11-10", "2026-12-22");
    let stages: Vec<&str> = sent.iter().map(|(s, _)| s.as_str()).collect();
    assert!(stages.contains(&"formal"), "{stages:?}");
    for (stage, text) in &sent {
        assert!(!text.contains("Ley 3/2004"), "{stage}: {text}");
        assert!(!text.contains("Intereses de demora"), "{stage}: {text}");
    }
    // The Spanish business, same client and invoice: stated.
    let mut spain = one_invoice_with_the_rate();
    let sent = days_of_reminders(&mut spain, "2026-11-10", "2026-12-22");
    assert!(sent.iter().any(|(_, t)| t.contains("Ley 3/2004")));
}
