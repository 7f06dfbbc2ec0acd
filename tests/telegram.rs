//! Telegram end to end against a fake Bot API server (tests/support/fake_bot_api.py) that
//! speaks the documented JSON: linking, reminders with buttons, every button, answers in
//! words, corrections, 429, 403, restarts and repeated updates. A real SQLite file each.

#[path = "support/telegram.rs"]
mod fake;
mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use cobrador::config::Config;
use cobrador::domain::{Channel, InvoiceStatus};
use cobrador::engine;
use cobrador::import::{self, Defaults, Kind};
use cobrador::render::Renderer;
use cobrador::sender::{self, FlushOptions};
use cobrador::store::{self, OutboxStatus, PromiseStatus, Store};
use cobrador::telegram::{self, link};
use fake::{FakeBotApi, button_texts, buttons};
use serde_json::json;

const TOKEN: &str = "123456:TEST-fake-token";
const ANA: i64 = 5001;
const BRUNO: i64 = 5002;
const STRANGER: i64 = 5003;
/// The owner's own chat (`telegram.owner-chat-id`).
const OWNER: i64 = 9000;

/// Tuesday 1 December 2026, 10:30 in Madrid (within the default contact hours).
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 9, 30, 0).unwrap()
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
}

struct World {
    dir: tempfile::TempDir,
    bot: FakeBotApi,
    config: Config,
    store: Store,
}

impl World {
    fn new() -> World {
        let dir = tempfile::tempdir().unwrap();
        let bot = FakeBotApi::start(dir.path(), TOKEN);
        std::fs::write(dir.path().join("token"), format!("{TOKEN}\n")).unwrap();
        let text = format!(
            "database = {:?}\n{}",
            dir.path().join("cobrador.db"),
            support::config_text(&format!(
                "[email]\noutbox-dir = {:?}\n\n[telegram]\nbot-username = \"CobrosPradoBot\"\n\
                 token-file = {:?}\napi-url = \"{}\"\nowner-chat-id = {OWNER}\n",
                dir.path().join("outbox"),
                dir.path().join("token"),
                bot.url()
            ))
        );
        let path = dir.path().join("cobrador.toml");
        std::fs::write(&path, text).unwrap();
        let config = Config::load(&path).unwrap();
        let mut store = Store::open(&config.database).unwrap();
        let defaults = Defaults {
            country: "ES".into(),
            currency: "EUR".into(),
        };
        let clients = "codigo;nombre;pais;comunidad;tipo;trato;email;contacto\n\
            C1;Café La Latina;ES;MD;b2b;usted;pagos@lalatina.example;Ana Ruiz\n\
            C2;Bodegas Norte;ES;MD;b2b;usted;admin@norte.example;Bruno Gil\n";
        let invoices = "numero;cliente;fecha;vencimiento;importe;moneda\n\
            F-1;C1;20/10/2026;25/11/2026;860,00;EUR\n\
            F-2;C2;20/10/2026;25/11/2026;1.200,00;EUR\n";
        let t = now() - Duration::days(1);
        import::import_bytes(
            &mut store,
            Kind::Clients,
            "c.csv",
            clients.as_bytes(),
            &defaults,
            false,
            t,
        )
        .unwrap();
        import::import_bytes(
            &mut store,
            Kind::Invoices,
            "i.csv",
            invoices.as_bytes(),
            &defaults,
            false,
            t,
        )
        .unwrap();
        World {
            dir,
            bot,
            config,
            store,
        }
    }

    async fn poll(&mut self, at: DateTime<Utc>) -> telegram::PollReport {
        telegram::poll_once(&self.config, &mut self.store, at)
            .await
            .unwrap()
    }

    async fn flush(&mut self, at: DateTime<Utc>) -> sender::FlushReport {
        sender::flush_configured(&self.config, &mut self.store, at, &FlushOptions::default())
            .await
            .unwrap()
    }

    /// Links `chat` to `client` through a deep link, as the client would.
    async fn link(&mut self, client: &str, chat: i64) {
        let l = link::create_link(&mut self.store, &self.config, client, None, now()).unwrap();
        let token = l.url.split("start=").nth(1).unwrap().to_owned();
        self.bot.text(chat, &format!("/start {token}"), None);
        let r = self.poll(now()).await;
        assert_eq!(r.outcomes, ["linked"], "{r:?}");
    }

    /// Plans and sends what is due; returns the reminder sent to `chat`.
    async fn remind(&mut self, chat: i64) -> serde_json::Value {
        let renderer = Renderer::new(None).unwrap();
        let q = engine::queue_due(&mut self.store, &self.config, &renderer, now()).unwrap();
        assert!(q.errors.is_empty(), "{:?}", q.errors);
        let f = self.flush(now()).await;
        assert!(f.sent >= 1, "{f:?}");
        self.bot.sent_to(chat).last().cloned().unwrap()
    }

    fn contact_of(&self, client: &str) -> cobrador::domain::Contact {
        store::clients::for_client(self.store.conn(), client)
            .unwrap()
            .remove(0)
    }

    fn invoice(&self, number: &str) -> cobrador::domain::Invoice {
        store::invoices::get(self.store.conn(), number)
            .unwrap()
            .unwrap()
    }

    fn pending_promises(&self) -> Vec<store::Promise> {
        store::promises::all(self.store.conn())
            .unwrap()
            .into_iter()
            .filter(|p| p.status == PromiseStatus::Pending)
            .collect()
    }

    fn events(&self, kind: &str) -> Vec<store::Event> {
        ["C1", "C2"]
            .iter()
            .flat_map(|c| store::events::for_client(self.store.conn(), c, None).unwrap())
            .filter(|e| e.kind == kind)
            .collect()
    }

    fn responses(&self) -> Vec<store::StoredResponse> {
        store::responses::list(self.store.conn(), false).unwrap()
    }
}

fn data_of(msg: &serde_json::Value, text: &str) -> String {
    buttons(msg)
        .into_iter()
        .find(|(t, _)| t.starts_with(text))
        .unwrap_or_else(|| panic!("no button {text:?} in {msg}"))
        .1
}

#[tokio::test]
async fn linking_with_a_valid_a_reused_and_an_expired_token() {
    let mut w = World::new();
    let l = link::create_link(
        &mut w.store,
        &w.config,
        "C1",
        Some("pagos@lalatina.example"),
        now(),
    )
    .unwrap();
    assert!(
        l.url.starts_with("https://t.me/CobrosPradoBot?start="),
        "{}",
        l.url
    );
    let token = l.url.split("start=").nth(1).unwrap().to_owned();
    assert!(token.len() >= 32, "at least 128 bits");
    assert!(
        l.invitation
            .contains("¿Prefiere recibir los avisos por Telegram?")
    );

    w.bot.text(ANA, &format!("/start {token}"), None);
    let r = w.poll(now()).await;
    assert_eq!(r.outcomes, ["linked"]);
    let c = w.contact_of("C1");
    assert_eq!(c.telegram_chat_id, Some(ANA));
    assert_eq!(c.preferred_channel, Channel::Telegram);
    let greeting = w.bot.sent_to(ANA).pop().unwrap();
    assert!(
        greeting["plain"]
            .as_str()
            .unwrap()
            .contains("Hola, Café La Latina"),
        "{greeting}"
    );
    assert_eq!(greeting["parse_mode"], "HTML");

    // The same link again, from another chat: refused, nothing linked.
    w.bot.text(BRUNO, &format!("/start {token}"), None);
    assert_eq!(w.poll(now()).await.outcomes, ["link_refused"]);
    assert!(
        w.bot.sent_to(BRUNO)[0]["plain"]
            .as_str()
            .unwrap()
            .contains("ya se ha usado")
    );
    assert_eq!(w.contact_of("C1").telegram_chat_id, Some(ANA));
    assert_eq!(w.contact_of("C2").telegram_chat_id, None);

    // A link issued 73 hours ago has expired (telegram.link-valid-hours = 72).
    let old = link::create_link(
        &mut w.store,
        &w.config,
        "C2",
        None,
        now() - Duration::hours(73),
    )
    .unwrap();
    let old_token = old.url.split("start=").nth(1).unwrap().to_owned();
    w.bot.text(BRUNO, &format!("/start {old_token}"), None);
    assert_eq!(w.poll(now()).await.outcomes, ["link_refused"]);
    assert!(
        w.bot.sent_to(BRUNO)[1]["plain"]
            .as_str()
            .unwrap()
            .contains("ha caducado")
    );
    assert_eq!(w.contact_of("C2").telegram_chat_id, None);

    // An unlinked chat gets a polite explanation and nothing else.
    w.bot.text(STRANGER, "Hola, ¿cuánto debo?", None);
    assert_eq!(w.poll(now()).await.outcomes, ["not_linked"]);
    let told = w.bot.sent_to(STRANGER);
    assert_eq!(told.len(), 1);
    assert!(
        told[0]["plain"]
            .as_str()
            .unwrap()
            .contains("enlace personal")
    );
    assert!(
        !told[0]["plain"].as_str().unwrap().contains("F-"),
        "no invoice shown"
    );
    assert!(w.responses().is_empty());

    // /facturas lists the chat's own invoices only; /stop unlinks.
    w.bot.text(ANA, "/facturas", None);
    w.poll(now()).await;
    let list = w.bot.sent_to(ANA).pop().unwrap();
    let plain = list["plain"].as_str().unwrap();
    assert!(plain.contains("F-1") && plain.contains("860,00"), "{plain}");
    assert!(!plain.contains("F-2"), "{plain}");
    w.bot.text(ANA, "/stop", None);
    assert_eq!(w.poll(now()).await.outcomes, ["unlinked"]);
    let c = w.contact_of("C1");
    assert_eq!(
        (c.telegram_chat_id, c.preferred_channel),
        (None, Channel::Email)
    );
    assert_eq!(w.events("telegram.linked").len(), 1);
    assert_eq!(w.events("telegram.unlinked").len(), 1);
}

#[tokio::test]
async fn a_reminder_with_buttons_and_each_button_pressed() {
    let mut w = World::new();
    w.link("C1", ANA).await;
    let reminder = w.remind(ANA).await;
    assert_eq!(
        button_texts(&reminder),
        [
            "Ya he pagado",
            "Pagaré el…",
            "Necesito un plan de pagos",
            "Hablar con una persona"
        ]
    );
    assert!(reminder["plain"].as_str().unwrap().contains("F-1"));
    let mid = reminder["message_id"].as_i64().unwrap();
    let row = store::outbox::for_client(w.store.conn(), "C1")
        .unwrap()
        .pop()
        .unwrap();
    assert_eq!(row.message.channel, Channel::Telegram);
    assert_eq!(
        (row.status, row.telegram_message_id),
        (OutboxStatus::Sent, Some(mid))
    );

    // "Pagaré el…" shows the next business days in place, and "Otra fecha".
    w.bot.press(ANA, mid, &data_of(&reminder, "Pagaré el"));
    assert_eq!(w.poll(now()).await.outcomes, ["picker"]);
    let edit = w.bot.state()["edits"]
        .as_array()
        .unwrap()
        .last()
        .cloned()
        .unwrap();
    let picker = json!({ "reply_markup": edit["reply_markup"] });
    // Monday 7 is Madrid's holiday for the Constitution (moved from Sunday), 8 a national one.
    assert_eq!(
        button_texts(&picker),
        [
            "miércoles 2/12",
            "jueves 3/12",
            "viernes 4/12",
            "miércoles 9/12",
            "Otra fecha"
        ]
    );
    assert_eq!(w.bot.state()["answers"].as_array().unwrap().len(), 1);

    // A day: the promise goes through understand + apply, and is confirmed with a correction button.
    w.bot.press(ANA, mid, &data_of(&picker, "viernes 4/12"));
    assert_eq!(w.poll(now()).await.outcomes, ["applied"]);
    let promises = w.pending_promises();
    assert_eq!(promises.len(), 1);
    assert_eq!(promises[0].promised_date, day(4));
    assert!(!promises[0].ambiguous);
    let r = &w.responses()[0].response;
    assert_eq!(
        (r.channel.as_str(), r.intent.as_str()),
        ("telegram", "promise")
    );
    w.flush(now()).await;
    let ack = w.bot.sent_to(ANA).pop().unwrap();
    assert!(
        ack["plain"]
            .as_str()
            .unwrap()
            .contains("Anotado: el viernes 4 de diciembre"),
        "{ack}"
    );
    assert_eq!(button_texts(&ack), ["Cambiar la fecha"]);

    // A correction: "Cambiar la fecha", then another day. The first promise is replaced.
    let ack_id = ack["message_id"].as_i64().unwrap();
    w.bot.press(ANA, ack_id, &data_of(&ack, "Cambiar la fecha"));
    assert_eq!(w.poll(now()).await.outcomes, ["picker"]);
    w.bot.press(
        ANA,
        ack_id,
        &format!(
            "day:{}:2026-12-09",
            data_of(&ack, "Cambiar").split(':').nth(1).unwrap()
        ),
    );
    assert_eq!(w.poll(now()).await.outcomes, ["applied"]);
    let promises = w.pending_promises();
    assert_eq!(
        promises.len(),
        1,
        "the correction replaces the first promise"
    );
    assert_eq!(promises[0].promised_date, day(9));
    w.flush(now()).await;
    assert!(
        w.bot.sent_to(ANA).pop().unwrap()["plain"]
            .as_str()
            .unwrap()
            .contains("miércoles 9 de diciembre")
    );

    // "Otra fecha": a ForceReply question.
    w.bot.press(ANA, mid, &format!("other:{}", row.id));
    assert_eq!(w.poll(now()).await.outcomes, ["asked_date"]);
    let q = w.bot.sent_to(ANA).pop().unwrap();
    assert_eq!(q["reply_markup"]["force_reply"], true);
    assert!(q["plain"].as_str().unwrap().contains("¿Qué día pagará?"));

    // "Hablar con una persona": the owner is alerted, the client told so.
    w.bot.press(ANA, mid, &data_of(&reminder, "Hablar"));
    assert_eq!(w.poll(now()).await.outcomes, ["applied"]);
    assert!(
        w.bot.sent_to(ANA).pop().unwrap()["plain"]
            .as_str()
            .unwrap()
            .contains("Se lo he pasado a Lucía Martín")
    );
    let alerts: Vec<_> = store::outbox::for_client(w.store.conn(), "C1")
        .unwrap()
        .into_iter()
        .filter(|m| m.message.stage == "owner_alert")
        .collect();
    let channels: Vec<Channel> = alerts.iter().map(|a| a.message.channel).collect();
    assert_eq!(
        channels,
        [Channel::Email, Channel::Telegram],
        "by email, and in the owner's chat"
    );
    w.flush(now()).await;
    let owner = w.bot.sent_to(OWNER);
    assert_eq!(owner.len(), 1);
    let text = owner[0]["plain"].as_str().unwrap();
    assert!(
        text.contains("Café La Latina") && text.contains("hablar con una persona"),
        "{text}"
    );
    assert!(button_texts(&owner[0]).is_empty());

    // "Ya he pagado": the payment is claimed; "Necesito un plan de pagos": reminders held.
    w.bot.press(ANA, mid, &data_of(&reminder, "Ya he pagado"));
    assert_eq!(w.poll(now()).await.outcomes, ["applied"]);
    assert!(w.invoice("F-1").paid_claimed_on.is_some());
    w.bot
        .press(ANA, mid, &data_of(&reminder, "Necesito un plan"));
    assert_eq!(w.poll(now()).await.outcomes, ["applied"]);
    assert_eq!(w.invoice("F-1").status, InvoiceStatus::OnHold);
    let intents: Vec<String> = w
        .responses()
        .into_iter()
        .rev()
        .map(|r| r.response.intent)
        .collect();
    assert_eq!(intents, ["promise", "promise", "other", "paid", "plan"]);
    // Every press was answered (answerCallbackQuery), as the Bot API expects.
    let presses = w.bot.calls("answerCallbackQuery").len();
    assert_eq!(presses, 8);
}

#[tokio::test]
async fn answers_in_words_and_dates_asked_back() {
    let mut w = World::new();
    w.link("C1", ANA).await;
    let reminder = w.remind(ANA).await;
    let mid = reminder["message_id"].as_i64().unwrap();

    // Ambiguous ("el próximo viernes" on a Tuesday: this week's or next?) and past dates are
    // asked back, never guessed.
    w.bot.text(ANA, "Le pago el próximo viernes", Some(mid));
    assert_eq!(w.poll(now()).await.outcomes, ["asked_back"]);
    let ask = w.bot.sent_to(ANA).pop().unwrap();
    assert_eq!(
        button_texts(&ask)[0],
        "Sí, el viernes 4 de diciembre",
        "{ask}"
    );
    assert!(w.pending_promises().is_empty());
    w.bot.text(ANA, "Pagaré el 20/11/2026", Some(mid));
    assert_eq!(w.poll(now()).await.outcomes, ["asked_back"]);
    let ask = w.bot.sent_to(ANA).pop().unwrap();
    assert!(
        ask["plain"].as_str().unwrap().contains("¿Qué día pagará?"),
        "{ask}"
    );
    assert!(w.pending_promises().is_empty());
    assert_eq!(w.events("telegram.asked_back").len(), 2);

    // A clear date in words, replying to the reminder.
    w.bot
        .text(ANA, "Buenos días, le pago el viernes sin falta", Some(mid));
    assert_eq!(w.poll(now()).await.outcomes, ["applied"]);
    let p = w.pending_promises();
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].promised_date, day(4));
    let r = &w.responses()[0];
    let row = store::outbox::for_client(w.store.conn(), "C1").unwrap()[0].id;
    assert_eq!(
        r.response.outbox_id,
        Some(row),
        "matched to the reminder replied to"
    );
    w.flush(now()).await;
    let ack = w.bot.sent_to(ANA).pop().unwrap();
    assert!(
        ack["plain"]
            .as_str()
            .unwrap()
            .contains("Anotado: el viernes 4 de diciembre")
    );

    // A correction in words.
    w.bot.text(ANA, "Perdone, mejor el lunes 7", None);
    assert_eq!(w.poll(now()).await.outcomes, ["applied"]);
    let p = w.pending_promises();
    assert_eq!((p.len(), p[0].promised_date), (1, day(7)));
}

#[tokio::test]
async fn a_strangers_chat_cannot_act_on_another_clients_invoice() {
    let mut w = World::new();
    w.link("C1", ANA).await;
    w.link("C2", BRUNO).await;
    let reminder = w.remind(ANA).await;
    let paid = data_of(&reminder, "Ya he pagado");
    let mid = reminder["message_id"].as_i64().unwrap();

    // Bruno (linked to C2) presses a button carrying C1's message.
    w.bot.press(BRUNO, mid, &paid);
    assert_eq!(w.poll(now()).await.outcomes, ["refused"]);
    // ... names C1's invoice in words.
    w.bot.text(BRUNO, "Ya pagué la F-1", None);
    assert_eq!(w.poll(now()).await.outcomes, ["refused"]);
    // An unlinked chat presses it.
    w.bot.press(STRANGER, mid, &paid);
    assert_eq!(w.poll(now()).await.outcomes, ["not_linked"]);

    assert!(
        w.invoice("F-1").paid_claimed_on.is_none(),
        "C1's invoice untouched"
    );
    assert!(w.responses().is_empty(), "nothing applied");
    assert_eq!(
        w.events("telegram.refused").len(),
        2,
        "both refusals logged"
    );
    assert!(
        w.bot.sent_to(BRUNO).last().unwrap()["plain"]
            .as_str()
            .unwrap()
            .contains("Bodegas Norte")
    );
}

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
    assert_eq!(f.retry, 1, "{f:?}");
    let ack = store::outbox::for_client(w.store.conn(), "C1")
        .unwrap()
        .into_iter()
        .find(|m| m.message.stage == "ack_paid")
        .unwrap();
    assert_eq!(ack.status, OutboxStatus::Failed);
    let f = w.flush(ack.retry_at.unwrap()).await;
    assert_eq!(
        f.sent, 2,
        "the acknowledgement, and the owner's copy of the alert: {f:?}"
    );

    // Bruno blocks the bot. Before we hear of it, his next reminder is due (Thursday): it dies
    // with 403, the chat is marked unreachable, and the reminder goes by email instead.
    w.bot.control("blocked", json!({ "chat_id": BRUNO }));
    let thursday = now() + Duration::days(2);
    let renderer = Renderer::new(None).unwrap();
    let q = engine::queue_due(&mut w.store, &w.config, &renderer, thursday).unwrap();
    assert_eq!(q.queued.len(), 1, "{q:?}");
    let before = w.bot.sent_to(BRUNO).len();
    let f = w.flush(thursday).await;
    assert_eq!((f.dead, f.sent), (1, 1), "{f:?}");
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
    let twin = rows
        .iter()
        .find(|m| m.message.dedup_key == format!("{}|email", dead.message.dedup_key))
        .expect("the same reminder by email");
    assert_eq!(twin.message.channel, Channel::Email);
    assert_eq!(twin.message.recipients, ["admin@norte.example"]);
    assert_eq!(twin.status, OutboxStatus::Sent);
    // The my_chat_member update that follows changes nothing more, and later reminders plan
    // by email.
    let r = w.poll(thursday).await;
    assert_eq!(r.outcomes, ["blocked"]);
    let f = w.flush(thursday).await;
    assert_eq!((f.sent, f.dead), (0, 0), "the fallback is queued once");
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
        w.config.database.clone(),
        shutdown.clone(),
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

fn cobrador(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_cobrador"))
        .current_dir(dir)
        .arg("--config")
        .arg(dir.join("cobrador.toml"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cobrador {args:?}: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test]
async fn the_command_line_links_polls_and_ticks() {
    let w = World::new();
    let dir = w.dir.path();
    let out = cobrador(
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
    let out = cobrador(
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
    let out = cobrador(dir, &["tick", "--now", "2026-12-01T09:30:00Z"]);
    assert!(
        out.contains("2 queued, 2 sent"),
        "one by Telegram, one by email: {out}"
    );
    let reminder = w.bot.sent_to(ANA).pop().unwrap();
    assert_eq!(button_texts(&reminder).len(), 4);
    let out = cobrador(dir, &["telegram", "me"]);
    assert!(out.contains("@CobrosPradoBot"), "{out}");
}
