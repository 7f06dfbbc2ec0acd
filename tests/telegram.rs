//! Telegram conversations against a fake Bot API server (tests/support/fake_bot_api.py) that
//! speaks the documented JSON: linking, reminders with buttons, every button, answers in words,
//! corrections, and a stranger's chat. A real SQLite file each. Delivery (429, 403), restarts
//! and the poll loop: tests/telegram_delivery.rs.

#[path = "support/telegram.rs"]
mod fake;
mod support;

use chrono::Duration;
use cobrador::domain::{Channel, InvoiceStatus};
use cobrador::store::{self, OutboxStatus};
use cobrador::telegram::{self, link};
use fake::{ANA, BRUNO, OWNER, STRANGER, World, button_texts, data_of, day, now};
use serde_json::json;

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

    // A link is valid for telegram.link-valid-hours = 72, to the end of the day its
    // invitation names (Madrid): «válido hasta el 4 de diciembre» holds all the 4th (an outside
    // tester's link expired at 10:00 that day).
    let fresh = link::create_link(&mut w.store, &w.config, "C2", None, now()).unwrap();
    assert_eq!(
        fresh.expires_at,
        "2026-12-04T23:00:00Z"
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap()
    );
    assert!(
        fresh.invitation.contains("válido hasta el 4 de diciembre"),
        "{}",
        fresh.invitation
    );
    // One issued four days ago has expired.
    let old = link::create_link(
        &mut w.store,
        &w.config,
        "C2",
        None,
        now() - Duration::hours(97),
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
    // Its words wait for a person, tied to no client, deciding nothing.
    let kept = w.responses();
    assert_eq!(kept.len(), 1);
    assert_eq!(
        (
            kept[0].response.client_id.as_deref(),
            kept[0].response.status.as_str()
        ),
        (None, "needs_review")
    );

    // The owner's own chat is not a client's: it is told what it is for.
    w.bot.text(OWNER, "/start", None);
    assert_eq!(w.poll(now()).await.outcomes, ["owner"]);

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
        .map(|r| r.response.intent.to_string())
        .collect();
    // «Hablar con una persona» is recorded as a question: a person asked for goes to the
    // owner's review, as any question does.
    assert_eq!(intents, ["promise", "promise", "question", "paid", "plan"]);
    // Every press was answered (answerCallbackQuery), as the Bot API expects.
    let presses = w.bot.calls("answerCallbackQuery").len();
    assert_eq!(presses, 8);
}

/// After a week without updates Telegram numbers them from a random id, often below the
/// stored offset: the offset follows the new ids, and every answer is read, once.
#[tokio::test]
async fn update_ids_that_start_again_lower_are_followed() {
    let mut w = World::new();
    w.link("C1", ANA).await;
    w.remind(ANA).await;
    w.bot.text(ANA, "hola", None);
    w.poll(now()).await;
    // A week without updates: everything was confirmed, the queue is empty.
    assert_eq!(w.poll(now()).await.updates, 0);
    w.bot.control("restart_ids", json!({ "next": 10 }));
    w.bot.text(ANA, "Le pago el viernes", None);
    assert_eq!(w.poll(now()).await.outcomes, ["applied"]);
    assert_eq!(w.pending_promises()[0].promised_date, day(4));
    // The next answer is read too, and the first is not applied again.
    w.bot.text(ANA, "Perdón, mejor el lunes 7", None);
    let second = w.poll(now()).await;
    assert_eq!((second.handled, second.repeated), (1, 0), "{second:?}");
    let p = w.pending_promises();
    assert_eq!((p.len(), p[0].promised_date), (1, day(7)), "{p:?}");
    assert_eq!(w.poll(now()).await.updates, 0, "everything confirmed");
}

/// "Ya te pagué" when nothing is open any more (recorded paid meanwhile): no acknowledgement
/// naming no invoice ("del pago de las facturas ."), an owner's alert without an empty "()".
/// The receipt of a payment carries no reminder buttons.
#[tokio::test]
async fn a_payment_claimed_with_nothing_open_and_the_receipts_buttons() {
    let mut w = World::new();
    w.link("C1", ANA).await;
    w.remind(ANA).await;
    w.store
        .conn()
        .execute(
            "UPDATE invoices SET status = 'paid' WHERE number = 'F-1'",
            [],
        )
        .unwrap();
    let before = w.bot.sent_to(ANA).len();
    w.bot.text(ANA, "ya te pagué, mira el banco", None);
    w.poll(now()).await;
    w.flush(now()).await;
    for m in &w.bot.sent_to(ANA)[before..] {
        let plain = m["plain"].as_str().unwrap_or_default();
        assert!(!plain.contains("facturas ."), "{plain}");
    }
    for m in w.bot.sent_to(OWNER) {
        assert!(
            !m["plain"].as_str().unwrap_or_default().contains("()"),
            "{m}"
        );
    }
    assert!(cobrador::channel::telegram::buttons::for_stage("receipt", 1).is_none());
    // tg25: a promise with everything paid records nothing and is answered truly.
    let before = w.bot.sent_to(ANA).len();
    w.bot.text(ANA, "le pago el viernes", None);
    w.poll(now()).await;
    w.flush(now()).await;
    let said: Vec<String> = w.bot.sent_to(ANA)[before..]
        .iter()
        .map(|m| m["plain"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(
        said.iter()
            .any(|t| t.contains("No nos consta ninguna factura suya pendiente de pago")),
        "{said:?}"
    );
    assert!(!said.iter().any(|t| t.contains("Anotado")), "{said:?}");
    assert!(
        cobrador::store::promises::all(w.store.conn())
            .unwrap()
            .is_empty()
    );
}

/// A double tap on a button (two callback queries, two ids, the same message and data) is one
/// answer: one acknowledgement, one owner alert, one response.
#[tokio::test]
async fn a_double_tap_is_one_answer() {
    let mut w = World::new();
    w.link("C1", ANA).await;
    let reminder = w.remind(ANA).await;
    let mid = reminder["message_id"].as_i64().unwrap();
    let plan = data_of(&reminder, "Necesito un plan de pagos");
    w.bot.press(ANA, mid, &plan);
    w.bot.press(ANA, mid, &plan);
    let report = w.poll(now()).await;
    assert_eq!(report.outcomes, ["applied", "duplicate"], "{report:?}");
    assert_eq!(w.responses().len(), 1);
    w.flush(now()).await;
    let acks = w
        .bot
        .sent_to(ANA)
        .iter()
        .filter(|m| m["plain"].as_str().unwrap_or_default().contains("plan"))
        .count();
    assert_eq!(acks, 1, "{:?}", w.bot.sent_to(ANA));
    assert_eq!(
        w.bot.state()["answers"].as_array().unwrap().len(),
        2,
        "both taps answered"
    );
}

/// A client who blocks the bot goes to email; one who unblocks it ("Restart bot", or writing to
/// it again) gets reminders by Telegram again, as the bot then tells them.
#[tokio::test]
async fn a_chat_unblocked_is_used_again() {
    let mut w = World::new();
    w.link("C1", ANA).await;
    w.bot.control("blocked", json!({ "chat_id": ANA }));
    assert_eq!(w.poll(now()).await.outcomes, ["blocked"]);
    assert_eq!(w.contact_of("C1").preferred_channel, Channel::Email);
    w.bot.control("unblocked", json!({ "chat_id": ANA }));
    assert_eq!(w.poll(now()).await.outcomes, ["unblocked"]);
    assert_eq!(w.contact_of("C1").preferred_channel, Channel::Telegram);
    assert!(
        store::telegram::unreachable_since(w.store.conn(), ANA)
            .unwrap()
            .is_none()
    );
    assert_eq!(w.events("telegram.reachable").len(), 1);
    // Unblocking a chat that was never blocked changes nothing.
    w.bot.control("unblocked", json!({ "chat_id": ANA }));
    assert_eq!(w.poll(now()).await.outcomes, ["ignored"]);
    // Blocked again; the client then writes without tapping «Reiniciar» (Telegram delivers
    // nothing from a chat that blocks the bot): unblocked too (tg30 D1b: reminders stayed on
    // email).
    w.bot.control("blocked", json!({ "chat_id": ANA }));
    assert_eq!(w.poll(now()).await.outcomes, ["blocked"]);
    assert_eq!(w.contact_of("C1").preferred_channel, Channel::Email);
    w.bot.text(ANA, "hola", None);
    w.poll(now()).await;
    assert_eq!(w.contact_of("C1").preferred_channel, Channel::Telegram);
    assert_eq!(w.events("telegram.reachable").len(), 2);
}

/// The server carried out the sendMessage but its answer was lost: the reminder may have
/// reached the chat, so it is `uncertain` (never resent blindly, resolved by a person), not
/// `dead`: a dead message would have sent the stage again by email and moved the client off
/// a healthy chat.
#[tokio::test]
async fn a_reminder_whose_answer_was_lost_is_uncertain() {
    let mut w = World::new();
    w.link("C1", ANA).await;
    w.bot.fail("sendMessage", 0, "", None, 1);
    let renderer = cobrador::render::Renderer::new(None).unwrap();
    cobrador::engine::queue_due(&mut w.store, &w.config, &renderer, now()).unwrap();
    let f = w.flush(now()).await;
    assert_eq!((f.dead, f.uncertain), (0, 1), "{f:?}");
    assert_eq!(
        w.bot.sent_to(ANA).len(),
        2,
        "the greeting and the reminder went out"
    );
    let row = store::outbox::for_client(w.store.conn(), "C1")
        .unwrap()
        .into_iter()
        .find(|m| m.message.channel == Channel::Telegram && m.status == OutboxStatus::Uncertain)
        .expect("an uncertain reminder");
    assert_eq!(w.contact_of("C1").preferred_channel, Channel::Telegram);
    cobrador::sender::resolve_by_person(&mut w.store, row.id, true, now()).unwrap();
    let row = store::outbox::get(w.store.conn(), row.id).unwrap().unwrap();
    assert_eq!(row.status, OutboxStatus::Sent);
}

/// A client's long message quoted in the owner's alert: the Telegram copy is cut to fit one
/// message (it was refused, "message is too long", and lost).
#[tokio::test]
async fn a_long_message_fits_the_owners_alert() {
    let mut w = World::new();
    w.link("C1", ANA).await;
    w.remind(ANA).await;
    let long = "No entiendo nada de esto 😀 ".repeat(200);
    w.bot.text(ANA, &long, None);
    w.poll(now()).await;
    let f = w.flush(now()).await;
    assert_eq!(f.dead, 0, "{f:?}");
    let alert = w
        .bot
        .sent_to(OWNER)
        .into_iter()
        .find(|m| {
            m["plain"]
                .as_str()
                .unwrap_or_default()
                .contains("No entiendo")
        })
        .expect("the owner's alert by Telegram");
    assert!(alert["plain"].as_str().unwrap().contains('…'), "{alert}");
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
    // A typed "sí" confirms the date asked about, through the same reading.
    w.bot.text(ANA, "Sí", None);
    assert_eq!(w.poll(now()).await.outcomes, ["applied"]);
    let p = w.pending_promises();
    assert_eq!((p.len(), p[0].promised_date), (1, day(4)));
    // Its «Anotado» goes first (the next answers wait for it).
    w.flush(now()).await;
    // Another "sí" now means nothing in particular: a person reads it.
    w.bot.text(ANA, "sí", None);
    w.poll(now()).await;
    let told = w.bot.sent_to(ANA).pop().unwrap();
    assert!(
        told["plain"].as_str().unwrap().contains("Se lo he pasado"),
        "{told}"
    );
    w.bot.text(ANA, "Pagaré el 20/11/2026", Some(mid));
    assert_eq!(w.poll(now()).await.outcomes, ["asked_back"]);
    let ask = w.bot.sent_to(ANA).pop().unwrap();
    assert!(
        ask["plain"].as_str().unwrap().contains("¿Qué día pagará?"),
        "{ask}"
    );
    assert_eq!(
        w.pending_promises()[0].promised_date,
        day(4),
        "a past date changes nothing"
    );
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
    // Acknowledged once: the «sí» above was told the same «Anotado» minutes ago.
    let acks = w
        .bot
        .sent_to(ANA)
        .iter()
        .filter(|a| {
            a["plain"]
                .as_str()
                .unwrap()
                .contains("Anotado: el viernes 4 de diciembre")
        })
        .count();
    assert_eq!(acks, 1);

    // A correction in words.
    w.bot.text(ANA, "Perdone, mejor el lunes 7", None);
    assert_eq!(w.poll(now()).await.outcomes, ["applied"]);
    let p = w.pending_promises();
    assert_eq!((p.len(), p[0].promised_date), (1, day(7)));
    w.flush(now()).await;

    // «baja», as our Telegram messages offer, stops messages by Telegram (not by email).
    w.bot.text(ANA, "baja", None);
    assert_eq!(w.poll(now()).await.outcomes, ["unlinked"]);
    let c = w.contact_of("C1");
    assert_eq!(
        (c.telegram_chat_id, c.preferred_channel, c.opted_out),
        (None, Channel::Email, false)
    );
    let bye = w.bot.sent_to(ANA).pop().unwrap();
    assert!(
        bye["plain"]
            .as_str()
            .unwrap()
            .contains("llegarán por correo electrónico"),
        "{bye}"
    );
}

/// A day asked back holds the reminders until the client answers (at least past that day);
/// «sí, el viernes» confirms it as «sí» does; a day typed after «Otra fecha» is the answer,
/// not asked back again (an outside tester's Bot API: nothing was recorded nor held, and the
/// next reminder went on the day the client had offered).
#[tokio::test]
async fn a_day_asked_back_holds_the_reminders_and_a_typed_answer_settles_it() {
    let mut w = World::new();
    w.link("C1", ANA).await;
    let reminder = w.remind(ANA).await;
    let mid = reminder["message_id"].as_i64().unwrap();
    w.bot.text(ANA, "Le pago el próximo viernes", Some(mid));
    assert_eq!(w.poll(now()).await.outcomes, ["asked_back"]);
    let until = store::clients::awaiting_answer_until(w.store.conn(), "C1")
        .unwrap()
        .expect("held while asked");
    assert!(
        until
            >= "2026-12-05T23:00:00Z"
                .parse::<chrono::DateTime<chrono::Utc>>()
                .unwrap(),
        "past Friday 4 December, Madrid: {until}"
    );
    // `plan` says what it waits for: the client's answer, not only a person's (tg30: the owner
    // looked for a reply to review and found none).
    let plan = cobrador::engine::plan_now(&w.store, &w.config, now()).unwrap();
    assert!(
        plan.held
            .iter()
            .any(|h| h.reason.contains("the day the client was asked to confirm")),
        "{:?}",
        plan.held
    );
    w.bot.text(ANA, "sí, el viernes", None);
    assert_eq!(w.poll(now()).await.outcomes, ["applied"]);
    assert_eq!(w.pending_promises()[0].promised_date, day(4));

    let row = store::outbox::for_client(w.store.conn(), "C1").unwrap()[0].id;
    w.bot.press(ANA, mid, &format!("other:{row}"));
    assert_eq!(w.poll(now()).await.outcomes, ["asked_date"]);
    w.bot.text(ANA, "el 15", None);
    assert_eq!(w.poll(now()).await.outcomes, ["applied"]);
    let p = w.pending_promises();
    assert_eq!((p.len(), p[0].promised_date), (1, day(15)), "{p:?}");
}

/// A day asked back because it is a holiday says so (tg30: «te pago el lunes», a holiday in
/// Argentina, was asked back without a word why).
#[tokio::test]
async fn a_holiday_asked_back_says_it_is_one() {
    let mut w = World::new();
    w.link("C1", ANA).await;
    w.remind(ANA).await;
    let before = w.bot.sent_to(ANA).len();
    // Tuesday 8 December: the Immaculate Conception, a national holiday in Spain.
    w.bot.text(ANA, "Le pago el martes", None);
    assert_eq!(w.poll(now()).await.outcomes, ["asked_back"]);
    let sent = w.bot.sent_to(ANA)[before..].to_vec();
    let text = sent[0]["plain"].as_str().unwrap();
    assert!(
        text.contains("martes 8 de diciembre")
            && text.contains("Ese día es festivo (Inmaculada Concepción)."),
        "{text}"
    );
}

/// A day typed after the date buttons were offered («Pagaré el…», «Cambiar la fecha»), or after
/// a promise without a day was asked back («le pago» … «el viernes»), answers our question: it
/// is recorded, not asked back once more (an outside tester's Bot API: «¿Quiere decir el viernes
/// 4?», nothing recorded, and the next reminder went out when the client did not tap again).
#[tokio::test]
async fn a_day_typed_after_the_date_buttons_is_the_answer() {
    let mut w = World::new();
    w.link("C1", ANA).await;
    let reminder = w.remind(ANA).await;
    let mid = reminder["message_id"].as_i64().unwrap();
    let row = store::outbox::for_client(w.store.conn(), "C1").unwrap()[0].id;
    w.bot.press(ANA, mid, &format!("when:{row}"));
    assert_eq!(w.poll(now()).await.outcomes, ["picker"]);
    w.bot.text(ANA, "el viernes", None);
    assert_eq!(w.poll(now()).await.outcomes, ["applied"]);
    let p = w.pending_promises();
    assert_eq!((p.len(), p[0].promised_date), (1, day(4)), "{p:?}");

    w.bot.press(ANA, mid, &format!("change:{row}"));
    assert_eq!(w.poll(now()).await.outcomes, ["picker"]);
    w.bot.text(ANA, "el lunes", None);
    assert_eq!(w.poll(now()).await.outcomes, ["applied"]);
    let p = w.pending_promises();
    assert_eq!((p.len(), p[0].promised_date), (1, day(7)), "{p:?}");

    w.bot.text(ANA, "le pago", None);
    assert_eq!(w.poll(now()).await.outcomes, ["asked_back"]);
    w.bot.text(ANA, "el viernes 11", None);
    assert_eq!(w.poll(now()).await.outcomes, ["applied"]);
    let p = w.pending_promises();
    assert_eq!((p.len(), p[0].promised_date), (1, day(11)), "{p:?}");
    // The day we asked for is noted, not asked to confirm once more.
    let before = w.bot.sent_to(ANA).len();
    w.flush(now()).await;
    let acks = w.bot.sent_to(ANA)[before..].to_vec();
    assert_eq!(acks.len(), 1, "{acks:?}");
    let ack = acks[0]["plain"].as_str().unwrap();
    assert!(ack.contains("Anotado"), "{ack}");
    assert!(!ack.contains("Confirmamos"), "{ack}");
}

/// «le pago» and «el viernes» read in one batch: the day is recorded and noted, and the
/// question the first asked is not sent after all (tg28 T15: «¿Qué día pagará?» went before
/// «Anotado», asking for the day the client had already given).
#[tokio::test]
async fn a_day_in_the_same_batch_as_the_promise_withdraws_the_question() {
    let mut w = World::new();
    w.link("C1", ANA).await;
    w.remind(ANA).await;
    let before = w.bot.sent_to(ANA).len();
    w.bot.text(ANA, "le pago", None);
    w.bot.text(ANA, "el viernes", None);
    assert_eq!(w.poll(now()).await.outcomes, ["asked_back", "applied"]);
    let p = w.pending_promises();
    assert_eq!((p.len(), p[0].promised_date), (1, day(4)), "{p:?}");
    w.flush(now()).await;
    let sent = w.bot.sent_to(ANA)[before..].to_vec();
    let texts: Vec<&str> = sent.iter().map(|m| m["plain"].as_str().unwrap()).collect();
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert!(texts[0].contains("Anotado"), "{texts:?}");
    assert!(!texts[0].contains("Qué día"), "{texts:?}");
}

/// A client who corrects the day in the next message («le pago el viernes» … «no, el
/// miércoles», read in one batch) promised Wednesday: one «Anotado» for Wednesday, none for
/// Friday (tg30: «¿Quiere decir el miércoles?» then «Anotado: el viernes», the promise kept on
/// Friday and later quoted back to the client). The day first and the verb after («el
/// viernes» … «te pago») is a promise for that day, not asked twice.
#[tokio::test]
async fn a_day_corrected_or_confirmed_in_the_next_message_is_the_promise() {
    let mut w = World::new();
    w.link("C1", ANA).await;
    w.remind(ANA).await;
    let before = w.bot.sent_to(ANA).len();
    w.bot.text(ANA, "le pago el viernes", None);
    w.bot.text(ANA, "no, el miércoles", None);
    w.poll(now()).await;
    let p = w.pending_promises();
    assert_eq!((p.len(), p[0].promised_date), (1, day(2)), "{p:?}");
    w.flush(now()).await;
    let sent = w.bot.sent_to(ANA)[before..].to_vec();
    let texts: Vec<&str> = sent.iter().map(|m| m["plain"].as_str().unwrap()).collect();
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert!(
        texts[0].contains("Anotado") && texts[0].contains("miércoles 2"),
        "{texts:?}"
    );

    let mut w = World::new();
    w.link("C1", ANA).await;
    w.remind(ANA).await;
    w.bot.text(ANA, "el viernes", None);
    w.poll(now()).await;
    w.bot.text(ANA, "te pago", None);
    w.poll(now()).await;
    let p = w.pending_promises();
    assert_eq!((p.len(), p[0].promised_date), (1, day(4)), "{p:?}");
}

/// «baja» unlinks the chat (what our messages offer); words that ask for no messages at all
/// opt the client out as they do by email, and the owner is told; «no quiero darme de baja»
/// is the opposite (an outside tester's Bot API: all three unlinked the chat, and the promise
/// beside the last was lost).
#[tokio::test]
async fn stop_words_in_the_chat_opt_out_unless_they_name_this_chat_only() {
    let mut w = World::new();
    w.link("C1", ANA).await;
    w.remind(ANA).await;
    w.bot.text(
        ANA,
        "No quiero darme de baja, solo necesito unos días: le pago el viernes",
        None,
    );
    assert_eq!(w.poll(now()).await.outcomes, ["applied"]);
    assert_eq!(w.pending_promises()[0].promised_date, day(4));
    assert!(
        w.contact_of("C1").telegram_chat_id.is_some(),
        "still linked"
    );

    w.bot
        .text(ANA, "No me escriban más, ni por aquí ni por correo", None);
    assert_eq!(w.poll(now()).await.outcomes, ["applied"]);
    let c = w.contact_of("C1");
    assert!(c.opted_out, "{c:?}");
    let responses = w.responses();
    assert!(
        responses
            .iter()
            .any(|r| r.response.intent == cobrador::domain::Intent::Stop),
        "{responses:?}"
    );
    let alerts = store::outbox::for_client(w.store.conn(), "C1")
        .unwrap()
        .into_iter()
        .filter(|m| m.message.stage == "owner_alert")
        .count();
    assert!(alerts >= 1, "the owner is told");
    // The client is told what is true: no more reminders at all, not «por Telegram».
    w.flush(now()).await;
    let told: Vec<String> = w
        .bot
        .sent_to(ANA)
        .iter()
        .filter_map(|m| m["plain"].as_str().map(str::to_owned))
        .collect();
    assert!(
        told.iter()
            .any(|t| t.starts_with("Hecho: no le enviaremos más recordatorios.")),
        "{told:?}"
    );
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

/// tg25, tg26: an album (photos sharing a `media_group_id`) is answered once and told to the
/// owner once; every photo of it is forwarded. With a caption, the caption is read once.
#[tokio::test]
async fn an_album_is_answered_once_and_every_photo_forwarded() {
    let mut w = World::new();
    w.link("C1", ANA).await;
    let before = w.bot.sent_to(ANA).len();
    w.bot.album(ANA, 3, None);
    w.poll(now()).await;
    w.flush(now()).await;
    assert_eq!(w.bot.forwards().len(), 3);
    let said = w.bot.sent_to(ANA)[before..].to_vec();
    assert_eq!(said.len(), 1, "{said:?}");
    let to_review = w
        .responses()
        .iter()
        .filter(|r| r.response.body.contains("una imagen sin texto"))
        .count();
    assert_eq!(to_review, 1);
    assert_eq!(w.bot.count_to(OWNER, "ha enviado una imagen"), 1);
    // A second album, with a caption on its first photo: one payment claim, one answer.
    let mut w = World::new();
    w.link("C1", ANA).await;
    w.remind(ANA).await;
    let before = w.bot.sent_to(ANA).len();
    w.bot.album(ANA, 3, Some("Justificante, ya pagado"));
    w.poll(now()).await;
    w.flush(now()).await;
    assert_eq!(w.bot.forwards().len(), 3);
    let said = w.bot.sent_to(ANA)[before..].to_vec();
    assert_eq!(said.len(), 1, "{said:?}");
    assert_eq!(w.responses().len(), 1);
}

/// tg27: a client who writes in fragments («Hola», «le escribo por la factura», «la F-101»,
/// «José»…) gets one «se lo he pasado» and the owner one alert, not one per fragment; every
/// fragment is kept, and greetings alone ask nothing of anyone.
#[tokio::test]
async fn a_chat_written_in_fragments_is_answered_and_alerted_once() {
    let mut w = World::new();
    w.link("C1", ANA).await;
    w.remind(ANA).await;
    let before = w.bot.sent_to(ANA).len();
    let owner_before = w.bot.sent_to(OWNER).len();
    let fragments = [
        "Hola",
        "buenos días",
        "le escribo por la factura",
        "la del mes pasado",
        "perdón",
        "un saludo",
        "José",
    ];
    for text in fragments {
        w.bot.text(ANA, text, None);
    }
    w.poll(now()).await;
    w.flush(now()).await;
    let said = w.bot.sent_to(ANA)[before..].to_vec();
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(
        said[0]["plain"]
            .as_str()
            .unwrap()
            .contains("Se lo he pasado"),
        "{said:?}"
    );
    let alerts = w.bot.sent_to(OWNER)[owner_before..].to_vec();
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(w.responses().len(), fragments.len());
}

/// A photo or a PDF from a client (a payment receipt, usually): the file is forwarded into the
/// owner's chat after a line saying whose it is, with an event; without words the client is
/// told who will look at it; a caption is read as any message (here, a payment claimed).
#[tokio::test]
async fn a_receipt_reaches_the_owner_and_its_caption_is_read() {
    let mut w = World::new();
    w.link("C1", ANA).await;
    let photo = w.bot.attach(ANA, "photo", None);
    assert_eq!(w.poll(now()).await.outcomes, ["attachment"]);
    let told = w.bot.sent_to(ANA).pop().unwrap();
    assert_eq!(
        told["plain"],
        "Gracias, hemos recibido la imagen. Se la pasamos a Lucía Martín para que la revise."
    );
    let line = w.bot.sent_to(OWNER).pop().unwrap();
    assert_eq!(
        line["plain"],
        "Café La Latina ha enviado una imagen por Telegram; se la reenvío:"
    );
    let forwards = w.bot.forwards();
    assert_eq!(forwards.len(), 1);
    assert_eq!(
        (&forwards[0]["chat_id"], &forwards[0]["from_chat_id"]),
        (&json!(OWNER), &json!(ANA))
    );
    assert_eq!(forwards[0]["message_id"], json!(photo));
    assert!(forwards[0]["message"]["photo"].is_array());
    let events = w.events("telegram.attachment");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].client_id.as_deref(), Some("C1"));
    assert!(
        w.invoice("F-1").paid_claimed_on.is_none(),
        "a photo alone claims nothing"
    );
    // It waits for a person in the review queue, and holds the reminders meanwhile (an
    // outside tester: the next reminder went as if nothing had come).
    let review: Vec<_> = w
        .responses()
        .into_iter()
        .filter(|r| r.response.body.contains("una imagen sin texto"))
        .collect();
    assert_eq!(review.len(), 1, "{review:?}");
    assert_eq!(
        review[0].response.status,
        cobrador::domain::ResponseStatus::NeedsReview
    );
    assert!(
        store::clients::awaiting_answer_until(w.store.conn(), "C1")
            .unwrap()
            .is_some()
    );

    // The owner's alert goes (the next answers to the owner's chat wait for it).
    w.flush(now()).await;
    let answers_before = w.bot.sent_to(ANA).len();
    let pdf = w.bot.attach(
        ANA,
        "document",
        Some("Ya hice la transferencia, le adjunto el justificante"),
    );
    assert_eq!(w.poll(now()).await.outcomes, ["applied"]);
    assert!(
        w.invoice("F-1").paid_claimed_on.is_some(),
        "the caption is read"
    );
    let forwards = w.bot.forwards();
    assert_eq!(forwards.len(), 2);
    assert_eq!(forwards[1]["message_id"], json!(pdf));
    assert_eq!(
        forwards[1]["message"]["caption"],
        "Ya hice la transferencia, le adjunto el justificante"
    );
    let line = w.bot.sent_to(OWNER).pop().unwrap();
    assert_eq!(
        line["plain"],
        "Café La Latina ha enviado el archivo «justificante.pdf» por Telegram; se lo reenvío:"
    );
    // Answered as words are (the acknowledgement goes through the outbox), not as a file.
    let answers: Vec<_> = w.bot.sent_to(ANA).split_off(answers_before);
    assert!(
        answers
            .iter()
            .all(|a| !a["plain"].as_str().unwrap().contains("hemos recibido")),
        "{answers:?}"
    );
}

/// tg27: «ya pagué» as the caption of a photo of the transfer: the claim is thanked, and
/// neither the client nor the owner is told the receipt was asked for (it came with it).
#[tokio::test]
async fn a_photo_captioned_ya_pague_is_not_asked_for_its_receipt() {
    let mut w = World::new();
    w.link("C1", ANA).await;
    w.remind(ANA).await;
    let before = w.bot.sent_to(ANA).len();
    let owner_before = w.bot.sent_to(OWNER).len();
    w.bot.attach(ANA, "photo", Some("ya pagué"));
    assert_eq!(w.poll(now()).await.outcomes, ["applied"]);
    w.flush(now()).await;
    assert!(w.invoice("F-1").paid_claimed_on.is_some());
    let answers = w.bot.sent_to(ANA)[before..].to_vec();
    assert!(!answers.is_empty());
    assert!(
        answers
            .iter()
            .all(|a| !a["plain"].as_str().unwrap().contains("justificante")),
        "{answers:?}"
    );
    let alerts = w.bot.sent_to(OWNER)[owner_before..].to_vec();
    assert!(
        alerts
            .iter()
            .all(|a| !a["plain"].as_str().unwrap().contains("Se le ha pedido")),
        "{alerts:?}"
    );
    // A PDF captioned only «Comprobante» claims the payment too.
    let mut w = World::new();
    w.link("C1", ANA).await;
    w.remind(ANA).await;
    w.bot.attach(ANA, "document", Some("Comprobante"));
    assert_eq!(w.poll(now()).await.outcomes, ["applied"]);
    assert!(w.invoice("F-1").paid_claimed_on.is_some());
    // A photo without words, then «ya pagué»: the photo is the proof, not asked for again
    // (tg30 C5: «hemos recibido la imagen», then «¿nos podría enviar… el justificante?»).
    let mut w = World::new();
    w.link("C1", ANA).await;
    w.remind(ANA).await;
    let before = w.bot.sent_to(ANA).len();
    w.bot.attach(ANA, "photo", None);
    w.poll(now()).await;
    w.bot.text(ANA, "ya pagué", None);
    w.poll(now() + chrono::Duration::minutes(1)).await;
    w.flush(now() + chrono::Duration::minutes(1)).await;
    assert!(w.invoice("F-1").paid_claimed_on.is_some());
    let answers = w.bot.sent_to(ANA)[before..].to_vec();
    assert!(
        answers
            .iter()
            .all(|a| !a["plain"].as_str().unwrap().contains("justificante")),
        "{answers:?}"
    );
}

/// «ya pagué» written twice a minute apart: both recorded, but one acknowledgement and one
/// owner alert (an outside tester's Bot API got the same eight lines twice, and the owner two
/// identical alerts); different words are answered as usual.
#[tokio::test]
async fn the_same_words_twice_are_answered_once() {
    let mut w = World::new();
    w.link("C1", ANA).await;
    w.remind(ANA).await;
    let before = w.bot.sent_to(ANA).len();
    let owner_before = w.bot.sent_to(OWNER).len();
    w.bot.text(ANA, "ya pagué", None);
    assert_eq!(w.poll(now()).await.outcomes, ["applied"]);
    w.flush(now()).await;
    let later = now() + chrono::Duration::minutes(1);
    w.bot.text(ANA, "ya pagué", None);
    assert_eq!(w.poll(later).await.outcomes, ["applied"]);
    w.flush(later).await;
    assert_eq!(w.responses().len(), 2, "both are recorded");
    let answers = w.bot.sent_to(ANA)[before..].to_vec();
    assert_eq!(answers.len(), 1, "{answers:?}");
    let alerts = w.bot.sent_to(OWNER)[owner_before..].to_vec();
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    w.bot.text(ANA, "No, perdone: le pago el viernes", None);
    w.poll(later).await;
    w.flush(later).await;
    assert_eq!(w.bot.sent_to(ANA).len(), before + 2);
    // Both read before anything is sent: one answer and one alert in the owner's chat too.
    let mut w = World::new();
    w.link("C1", ANA).await;
    w.remind(ANA).await;
    let before = w.bot.sent_to(ANA).len();
    let owner_before = w.bot.sent_to(OWNER).len();
    w.bot.text(ANA, "ya pagué", None);
    w.poll(now()).await;
    w.bot.text(ANA, "ya pagué", None);
    w.poll(later).await;
    w.flush(later).await;
    assert_eq!(w.bot.sent_to(ANA).len(), before + 1);
    let alerts = w.bot.sent_to(OWNER)[owner_before..].to_vec();
    assert_eq!(alerts.len(), 1, "{alerts:?}");
}

/// A file Telegram refuses to forward (a chat with protected content, a message deleted
/// meanwhile): the client is not told it was passed on, but asked to send it by email; the owner,
/// who saw the line announcing it, is told it did not come; the next file goes through again.
#[tokio::test]
async fn a_receipt_that_cannot_be_forwarded_is_asked_for_by_email() {
    let mut w = World::new();
    w.link("C1", ANA).await;
    w.bot.fail(
        "forwardMessage",
        400,
        "Bad Request: message can't be forwarded",
        None,
        1,
    );
    w.bot.attach(ANA, "document", None);
    let report = w.poll(now()).await;
    assert_eq!(report.outcomes, ["attachment"]);
    assert!(
        report
            .warnings
            .iter()
            .any(|e| e.contains("can't be forwarded")),
        "{:?}",
        report.warnings
    );
    assert!(w.bot.forwards().is_empty());
    assert_eq!(
        w.bot.sent_to(ANA).pop().unwrap()["plain"],
        "No he podido pasar el archivo a Lucía Martín: si es un justificante de pago, envíelo por \
         correo a cobros@reformasprado.example, por favor."
    );
    let owner: Vec<String> = w
        .bot
        .sent_to(OWNER)
        .iter()
        .map(|m| m["plain"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        owner,
        [
            "Café La Latina ha enviado el archivo «justificante.pdf» por Telegram; se lo reenvío:",
            "No he podido reenviarlo; le he pedido que lo envíe por correo."
        ]
    );

    // The owner's alert goes (the next answers to the owner's chat wait for it).
    w.flush(now()).await;
    w.bot.attach(ANA, "photo", None);
    assert_eq!(w.poll(now()).await.outcomes, ["attachment"]);
    assert_eq!(w.bot.forwards().len(), 1);
    assert_eq!(
        w.bot.sent_to(ANA).pop().unwrap()["plain"],
        "Gracias, hemos recibido la imagen. Se la pasamos a Lucía Martín para que la revise."
    );

    // A file that did not reach the owner is no proof of the «ya pagué» typed after it: the
    // client, just asked to send it by email, is not thanked for it (tg30 I1).
    let mut w = World::new();
    w.link("C1", ANA).await;
    w.remind(ANA).await;
    w.bot.fail(
        "forwardMessage",
        403,
        "Forbidden: bot was blocked by the user",
        None,
        1,
    );
    w.bot.attach(ANA, "document", None);
    w.poll(now()).await;
    assert_eq!(w.events("telegram.attachment_not_passed").len(), 1);
    let before = w.bot.sent_to(ANA).len();
    let later = now() + Duration::minutes(1);
    w.bot.text(ANA, "ya pagué", None);
    w.poll(later).await;
    w.flush(later).await;
    let answers: Vec<String> = w.bot.sent_to(ANA)[before..]
        .iter()
        .map(|m| m["plain"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        answers.iter().any(|a| a.contains("justificante")),
        "{answers:?}"
    );
}

/// An update the bot cannot read (not in the documented shape) is passed over, and the updates
/// after it in the same answer are applied; it does not come back on the next poll.
#[tokio::test]
async fn an_unreadable_update_does_not_stop_the_bot() {
    let mut w = World::new();
    w.link("C1", ANA).await;
    w.bot
        .raw(json!({"message": {"message_id": 99, "date": 1, "text": "sin chat"}}));
    w.bot.text(ANA, "Ya pagué la F-1", None);
    let report = w.poll(now()).await;
    assert_eq!(report.outcomes, ["ignored", "applied"]);
    assert!(w.invoice("F-1").paid_claimed_on.is_some());
    assert!(
        w.poll(now()).await.outcomes.is_empty(),
        "confirmed, not read again"
    );
}

/// A client with 120 open invoices: the reminder goes as one message the Bot API accepts (at
/// most 4,096 characters) listing the oldest and how many more, and `/facturas` too.
#[tokio::test]
async fn a_client_with_many_invoices_gets_messages_that_fit() {
    let mut w = World::new();
    let mut csv = String::from("numero;cliente;fecha;vencimiento;importe;moneda\n");
    for i in 0..120 {
        csv.push_str(&format!(
            "FACTURA-2026-{i:04};C1;01/09/2026;{:02}/10/2026;1.234,56;EUR\n",
            1 + i % 28
        ));
    }
    let defaults = cobrador::import::Defaults::from_config(&w.config);
    cobrador::import::import_bytes(
        &mut w.store,
        cobrador::import::Kind::Invoices,
        "more.csv",
        csv.as_bytes(),
        &defaults,
        false,
        now() - Duration::days(1),
    )
    .unwrap();
    w.link("C1", ANA).await;
    let reminder = w.remind(ANA).await;
    let plain = reminder["plain"].as_str().unwrap();
    let listed = plain.matches("FACTURA-2026-").count();
    assert!(listed > 10, "{plain}");
    let more = 121 - listed - usize::from(plain.contains("F-1:"));
    assert!(
        plain.contains(&format!("… y otras {more} facturas pendientes.")),
        "{listed} listed: {plain}"
    );
    assert!(plain.contains("FACTURA-2026-0000"), "the oldest first");

    w.bot.text(ANA, "/facturas", None);
    w.poll(now()).await;
    let list = w.bot.sent_to(ANA).pop().unwrap();
    let plain = list["plain"].as_str().unwrap();
    let listed = plain.matches("• ").count();
    assert!(listed > 10, "{plain}");
    assert!(
        plain.ends_with(&format!("… y otras {} facturas pendientes.", 121 - listed)),
        "{plain}"
    );
}

/// Without an owner's chat no one could see a photo sent to the bot: the client is asked to
/// send it by email (in the client's usted or tú), and nothing is forwarded.
#[tokio::test]
async fn without_an_owners_chat_a_receipt_is_asked_for_by_email() {
    let mut w = World::new();
    w.config.telegram.as_mut().unwrap().owner_chat_id = None;
    w.link("C1", ANA).await;
    w.bot.attach(ANA, "photo", None);
    assert_eq!(w.poll(now()).await.outcomes, ["attachment"]);
    let told = w.bot.sent_to(ANA).pop().unwrap();
    assert_eq!(
        told["plain"],
        "Gracias. Por aquí solo puedo leer mensajes de texto: si es un justificante de pago, \
         envíelo por correo a cobros@reformasprado.example, por favor."
    );
    assert!(w.bot.forwards().is_empty());
    assert!(w.bot.sent_to(OWNER).is_empty());
    let events = w.events("telegram.attachment");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].detail["passed_to_owner"], json!(false));

    // With words under it (second blind test, fault 02): the words are read as any answer,
    // and the file is asked for by email all the same; the acknowledgement of the payment
    // does not offer "una foto o un PDF" here, where no one would see it.
    w.bot.attach(
        ANA,
        "document",
        Some("Ya está pagado, adjunto el justificante"),
    );
    assert_eq!(w.poll(now()).await.outcomes, ["applied"]);
    let told = w.bot.sent_to(ANA).pop().unwrap();
    assert_eq!(
        told["plain"],
        "El archivo no lo puedo pasar por aquí: si es un justificante de pago, envíelo por \
         correo a cobros@reformasprado.example, por favor."
    );
    assert!(w.bot.forwards().is_empty());
    w.flush(now()).await;
    let ack = w.bot.sent_to(ANA).pop().unwrap();
    let ack = ack["plain"].as_str().unwrap();
    assert!(ack.contains("Gracias por avisarnos del pago"), "{ack}");
    assert!(
        ack.contains("el justificante, por correo a cobros@reformasprado.example")
            && !ack.contains("PDF"),
        "{ack}"
    );
    assert_eq!(w.events("telegram.attachment").len(), 2);
}

/// A webhook left on the bot token (another program, an earlier setup): Telegram refuses
/// getUpdates (409) while it is set. `telegram me` and `check` ask getWebhookInfo and say so,
/// with the fix; `telegram delete-webhook` removes it, keeping the updates waiting, which are
/// then read.
#[tokio::test]
async fn a_webhook_left_on_the_bot_is_reported_with_its_fix() {
    let mut w = World::new();
    let dir = w.dir.path().to_owned();
    let hook = "https://old-server.example/hook";
    let set = w.bot.api("setWebhook", json!({ "url": hook }));
    assert_eq!(set["result"], true, "{set}");
    w.bot.text(STRANGER, "Hola", None);

    let me = support::run_cobrador(&dir, &["telegram", "me"], &[]);
    let out = String::from_utf8_lossy(&me.stdout);
    assert!(!me.status.success(), "{out}");
    assert!(out.contains("@CobrosPradoBot"), "{out}");
    assert!(
        out.contains(&format!("a webhook is set on this bot ({hook})"))
            && out.contains("cobrador telegram delete-webhook")
            && out.contains("/bot<TOKEN>/deleteWebhook"),
        "{out}"
    );
    let check = support::run_cobrador(&dir, &["check"], &[]);
    let out = String::from_utf8_lossy(&check.stdout);
    assert!(
        out.contains(&format!(
            "warning: telegram: a webhook is set on this bot ({hook})"
        )) && out.contains("cobrador telegram delete-webhook"),
        "{out}"
    );
    let polled = telegram::poll_once(&w.config, &mut w.store, now())
        .await
        .unwrap_err();
    assert!(
        format!("{polled:#}").contains("cobrador telegram delete-webhook"),
        "{polled:#}"
    );

    // The owner is told in `status` and the digest, until a read goes through (an outside
    // tester's F6: reminders went on while the clients' answers sat unread, the owner told
    // nothing).
    let status = support::cobrador_ok(&dir, &["status"]);
    assert!(
        status.contains("Telegram: a problem since")
            && status.contains("El bot tiene un webhook activo"),
        "{status}"
    );
    let digest = cobrador::engine::digest::gather(
        w.store.conn(),
        &w.config,
        &cobrador::config::DigestConfig {
            hour: chrono::NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
        },
        now().date_naive(),
        now(),
    )
    .unwrap();
    let text = cobrador::engine::digest::text::compose(&digest, "es-ES").body;
    assert!(
        text.contains("- Telegram, desde el") && text.contains("delete-webhook"),
        "{text}"
    );

    let out = support::cobrador_ok(&dir, &["telegram", "delete-webhook"]);
    assert!(out.contains(&format!("webhook {hook} deleted")), "{out}");
    let info = w.bot.api("getWebhookInfo", json!({}));
    assert_eq!(info["result"]["url"], "", "{info}");
    let out = support::cobrador_ok(&dir, &["telegram", "me"]);
    assert!(out.contains("webhook: none"), "{out}");
    let out = support::cobrador_ok(&dir, &["check"]);
    assert!(!out.contains("webhook is set"), "{out}");
    // The stranger's "Hola", waiting all along, is read now.
    assert_eq!(w.poll(now()).await.outcomes, ["not_linked"]);
    let status = support::cobrador_ok(&dir, &["status"]);
    assert!(!status.contains("Telegram: a problem"), "{status}");

    // Dropping the updates waiting without a webhook set does change something, and says so
    // (second blind test, fault 11).
    w.bot.text(STRANGER, "¿Hola?", None);
    let out = support::cobrador_ok(
        &dir,
        &["telegram", "delete-webhook", "--drop-pending-updates"],
    );
    assert!(
        out.contains("no webhook was set; the updates waiting (")
            && out.contains(") were dropped, unread"),
        "{out}"
    );
    assert!(w.poll(now()).await.outcomes.is_empty());
}

/// `cobrador check`, which the service runs before every start, asks the Bot API which bot the
/// token is (second blind test, fault 05): a token it refuses (revoked) and the token of
/// another bot than `bot-username` are errors, each with its fix.
#[tokio::test]
async fn check_asks_the_bot_api_which_bot_the_token_is() {
    let w = World::new();
    let dir = w.dir.path().to_owned();
    let out = support::cobrador_ok(&dir, &["check"]);
    assert!(out.contains("telegram: bot @CobrosPradoBot"), "{out}");
    let config = std::fs::read_to_string(dir.join("cobrador.toml")).unwrap();
    let other = config.replace(
        "bot-username = \"CobrosPradoBot\"",
        "bot-username = \"OtraEmpresaBot\"",
    );
    assert_ne!(other, config);
    std::fs::write(dir.join("cobrador.toml"), other).unwrap();
    let check = support::run_cobrador(&dir, &["check"], &[]);
    let err = String::from_utf8_lossy(&check.stderr);
    assert!(!check.status.success(), "{err}");
    assert!(
        err.contains("the token is the one of @CobrosPradoBot, not of @OtraEmpresaBot")
            && err.contains("bot-username = \"CobrosPradoBot\""),
        "{err}"
    );
    std::fs::write(dir.join("cobrador.toml"), &config).unwrap();
    std::fs::write(dir.join("token"), "999:revoked\n").unwrap();
    let check = support::run_cobrador(&dir, &["check"], &[]);
    let err = String::from_utf8_lossy(&check.stderr);
    assert!(!check.status.success(), "{err}");
    assert!(
        err.contains("refuses the token (Unauthorized)")
            && err.contains("@BotFather")
            && err.contains("(telegram.token-file)"),
        "{err}"
    );
}

/// The bot's immediate answers keep Telegram's pace in a chat (a second apart), and a 429 on
/// one of them is waited out and the answer sent once; a wait too long for the poller is not
/// waited in place (the answer is reported lost, not the loop held up).
#[tokio::test]
async fn immediate_answers_are_paced_and_a_short_429_is_waited_out() {
    let mut w = World::new();
    w.link("C1", ANA).await;
    w.bot.text(ANA, "/facturas", None);
    w.bot.text(ANA, "/ayuda", None);
    assert_eq!(w.poll(now()).await.outcomes, ["listed", "help"]);
    let at = |calls: &[serde_json::Value]| -> Vec<f64> {
        calls
            .iter()
            .filter(|c| c["params"]["chat_id"] == ANA)
            .map(|c| c["at"].as_f64().unwrap())
            .collect()
    };
    let times = at(&w.bot.calls("sendMessage"));
    assert_eq!(times.len(), 3, "greeting, list, help: {times:?}");
    assert!(times[2] - times[1] >= 0.99, "a second apart: {times:?}");

    w.bot.fail(
        "sendMessage",
        429,
        "Too Many Requests: retry after 2",
        Some(2),
        1,
    );
    w.bot.text(ANA, "/facturas", None);
    let r = w.poll(now()).await;
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    let sent = w.bot.sent_to(ANA);
    assert_eq!(sent.len(), 4, "the answer delivered, once");
    assert!(sent[3]["plain"].as_str().unwrap().contains("F-1"));
    let times = at(&w.bot.calls("sendMessage"));
    let (refused, retried) = (times[times.len() - 2], times[times.len() - 1]);
    assert!(retried - refused >= 2.0, "retry_after honoured: {times:?}");

    // A wait of ten minutes is not made in the poller: the answer is kept until it is over,
    // and another chat's answer is not held up meanwhile.
    w.bot.too_many_in(ANA, 600);
    w.bot.text(ANA, "/facturas", None);
    w.bot.text(BRUNO, "Hola", None);
    let started = std::time::Instant::now();
    let r = w.poll(now()).await;
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    assert_eq!(r.outcomes, ["listed", "not_linked"]);
    assert!(r.warnings.is_empty(), "kept, not lost: {:?}", r.warnings);
    assert_eq!(w.bot.sent_to(BRUNO).len(), 1, "another chat is not held");
    assert_eq!(w.bot.sent_to(ANA).len(), 4);
    // Five minutes on, still held (and not asked again); once the ten are over, delivered.
    let calls = w.bot.calls("sendMessage").len();
    w.poll(now() + Duration::minutes(5)).await;
    assert_eq!(w.bot.calls("sendMessage").len(), calls);
    let r = w.poll(now() + Duration::minutes(10)).await;
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    let sent = w.bot.sent_to(ANA);
    assert_eq!(sent.len(), 5, "the answer delivered, once");
    assert!(sent[4]["plain"].as_str().unwrap().contains("F-1"));

    // An answer that cannot go within the hour is dropped, with a warning: the client has
    // stopped waiting for it.
    w.bot.too_many_in(ANA, 7200);
    w.bot.text(ANA, "/facturas", None);
    assert!(
        w.poll(now() + Duration::minutes(20))
            .await
            .warnings
            .is_empty()
    );
    let r = w.poll(now() + Duration::minutes(90)).await;
    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
    assert!(r.warnings[0].contains("dropped"), "{:?}", r.warnings);
    assert_eq!(w.bot.sent_to(ANA).len(), 5);
}

/// A client who edits «le pago el viernes» into «le pago el lunes» is read again: the edit is
/// a new statement of the client, and the later one counts. Each edit is applied once, even if
/// Telegram delivers it twice; an edit in a chat that is not linked gets no answer.
#[tokio::test]
async fn an_edited_answer_is_read_again() {
    let mut w = World::new();
    w.link("C1", ANA).await;
    let reminder = w.remind(ANA).await;
    let said = w
        .bot
        .text_message(ANA, "Le pago el viernes", reminder["message_id"].as_i64());
    assert_eq!(w.poll(now()).await.outcomes, ["applied"]);
    assert_eq!(w.pending_promises()[0].promised_date, day(4));

    let edit = w.bot.edit(ANA, said, "Le pago el lunes 7");
    assert!(edit.is_some(), "getUpdates' allowed_updates asks for edits");
    assert_eq!(w.poll(now()).await.outcomes, ["applied"]);
    let p = w.pending_promises();
    assert_eq!((p.len(), p[0].promised_date), (1, day(7)), "{p:?}");
    let r = &w.responses()[0].response;
    assert_eq!(
        (r.channel.as_str(), r.intent.as_str()),
        ("telegram", "promise")
    );

    // The same edit twice (two updates): applied once. A later edit counts again.
    let edited_at = (now() - Duration::days(2)).timestamp();
    let edited = |at: i64, text: &str| {
        json!({ "edited_message": {
            "message_id": said, "date": edited_at - 60, "edit_date": at,
            "chat": { "id": ANA, "type": "private" },
            "from": { "id": ANA, "is_bot": false, "first_name": "Ana" },
            "text": text,
        }})
    };
    w.bot.raw(edited(edited_at, "Le pago el miércoles 9"));
    w.bot.raw(edited(edited_at, "Le pago el miércoles 9"));
    assert_eq!(w.poll(now()).await.outcomes, ["applied", "duplicate"]);
    let p = w.pending_promises();
    assert_eq!((p.len(), p[0].promised_date), (1, day(9)), "{p:?}");
    w.bot.raw(edited(edited_at + 1, "Le pago el jueves 10"));
    assert_eq!(w.poll(now()).await.outcomes, ["applied"]);
    assert_eq!(w.pending_promises()[0].promised_date, day(10));

    let hello = w.bot.text_message(STRANGER, "Hola", None);
    assert_eq!(w.poll(now()).await.outcomes, ["not_linked"]);
    w.bot.edit(STRANGER, hello, "Hola, ¿cuánto debo?").unwrap();
    assert_eq!(w.poll(now()).await.outcomes, ["ignored"]);
    assert_eq!(w.bot.sent_to(STRANGER).len(), 1, "nothing said again");
}

/// A deep link opened again in the chat it linked (a second tap, the QR code scanned again)
/// is a friendly confirmation, not an error; from another chat it is still refused as used,
/// and so it is in its own chat once that chat was unlinked.
#[tokio::test]
async fn a_used_link_opened_again_in_its_own_chat_is_confirmed() {
    let mut w = World::new();
    let l = link::create_link(&mut w.store, &w.config, "C1", None, now()).unwrap();
    let token = l.url.split("start=").nth(1).unwrap().to_owned();
    w.bot.text(ANA, &format!("/start {token}"), None);
    assert_eq!(w.poll(now()).await.outcomes, ["linked"]);

    w.bot.text(ANA, &format!("/start {token}"), None);
    assert_eq!(w.poll(now()).await.outcomes, ["already_linked"]);
    let told = w.bot.sent_to(ANA).pop().unwrap();
    let plain = told["plain"].as_str().unwrap();
    assert!(
        plain.starts_with("Hola, Café La Latina. Este chat ya está vinculado")
            && plain.contains("le seguiremos enviando"),
        "{plain}"
    );
    assert!(!plain.contains("ya se ha usado"), "{plain}");
    assert_eq!(w.contact_of("C1").telegram_chat_id, Some(ANA));
    assert!(w.events("telegram.link_refused").is_empty());

    w.bot.text(BRUNO, &format!("/start {token}"), None);
    assert_eq!(w.poll(now()).await.outcomes, ["link_refused"]);
    assert!(
        w.bot.sent_to(BRUNO)[0]["plain"]
            .as_str()
            .unwrap()
            .contains("ya se ha usado")
    );

    w.bot.text(ANA, "/stop", None);
    assert_eq!(w.poll(now()).await.outcomes, ["unlinked"]);
    w.bot.text(ANA, &format!("/start {token}"), None);
    assert_eq!(w.poll(now()).await.outcomes, ["link_refused"]);
    assert_eq!(w.contact_of("C1").telegram_chat_id, None);
}

/// Service messages (a message pinned, members joining or leaving, a new title or photo, an
/// auto-delete timer) are Telegram's notes, not the client's words: no answer. A sticker or a
/// voice note from the client still gets the answer that only text can be read.
#[tokio::test]
async fn service_messages_get_no_answer_and_stickers_still_do() {
    let mut w = World::new();
    w.link("C1", ANA).await;
    let before = w.bot.sent_to(ANA).len();
    let message = |extra: serde_json::Value| {
        let mut m = json!({
            "message_id": 4242, "date": (now() - Duration::days(3)).timestamp(),
            "chat": { "id": ANA, "type": "private" },
            "from": { "id": ANA, "is_bot": false, "first_name": "Ana" },
        });
        m.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        json!({ "message": m })
    };
    let user = json!({ "id": 77, "is_bot": false, "first_name": "Eva" });
    for service in [
        json!({ "pinned_message": { "message_id": 3, "date": 1,
                "chat": { "id": ANA, "type": "private" }, "text": "Le pago el viernes" } }),
        json!({ "new_chat_members": [user.clone()] }),
        json!({ "left_chat_member": user }),
        json!({ "new_chat_title": "Pagos" }),
        json!({ "new_chat_photo": [{ "file_id": "p", "file_unique_id": "q", "width": 1, "height": 1 }] }),
        json!({ "delete_chat_photo": true }),
        json!({ "message_auto_delete_timer_changed": { "message_auto_delete_time": 86400 } }),
    ] {
        w.bot.raw(message(service));
    }
    let r = w.poll(now()).await;
    assert_eq!(r.outcomes, ["ignored"; 7]);
    assert_eq!(w.bot.sent_to(ANA).len(), before, "nothing answered");
    assert!(w.responses().is_empty());
    // The same from a chat that is not linked: not even the explanation.
    w.bot.raw(json!({ "message": {
        "message_id": 5, "date": 1, "chat": { "id": STRANGER, "type": "private" },
        "pinned_message": { "message_id": 4, "date": 1,
                            "chat": { "id": STRANGER, "type": "private" } } } }));
    assert_eq!(w.poll(now()).await.outcomes, ["ignored"]);
    assert!(w.bot.sent_to(STRANGER).is_empty());

    w.bot.raw(message(json!({ "sticker": {
        "file_id": "s", "file_unique_id": "t", "type": "regular", "width": 512, "height": 512,
        "is_animated": false, "is_video": false } })));
    w.bot.raw(message(
        json!({ "voice": { "file_id": "v", "file_unique_id": "w", "duration": 4 } }),
    ));
    assert_eq!(w.poll(now()).await.outcomes, ["not_text", "not_text"]);
    let told = w.bot.sent_to(ANA);
    assert_eq!(told.len(), before + 2);
    assert!(
        told[before]["plain"]
            .as_str()
            .unwrap()
            .starts_with("Solo puedo leer mensajes de texto.")
    );
}

/// The poller's answers go each chat in its own turn (second blind test, faults 01 and 03): a
/// client who types many messages waits a second per answer, nobody else waits for them; a
/// button's answer is not a chat message and comes at once; an answer Telegram asks to hold
/// longer than anyone waits in place is kept, and sent when the wait is over.
#[tokio::test]
async fn each_chat_is_answered_in_its_own_turn() {
    let mut w = World::new();
    w.link("C1", ANA).await;
    w.link("C2", BRUNO).await;
    let reminder = w.remind(BRUNO).await;
    w.bot.too_many_in(ANA, 8);
    let shutdown = tokio_util::sync::CancellationToken::new();
    let poller = tokio::spawn(telegram::poll_loop(
        std::sync::Arc::new(w.config.clone()),
        std::sync::Arc::new(cobrador::render::Renderer::new(None).unwrap()),
        cobrador::daemon::Clock::starting_at(now()),
        shutdown.clone(),
        tokio_util::sync::CancellationToken::new(),
        || {},
    ));
    let to_ana = |w: &World| -> Vec<serde_json::Value> {
        w.bot
            .calls("sendMessage")
            .into_iter()
            .filter(|c| c["params"]["chat_id"] == ANA)
            .collect()
    };
    let before = to_ana(&w).len();
    for _ in 0..6 {
        w.bot.text(ANA, "/facturas", None);
    }
    fake::eventually("the first answer to Ana, refused", || {
        to_ana(&w).len() > before
    })
    .await;
    let refused_at = to_ana(&w)[before]["at"].as_f64().unwrap();
    let pressed_at = fake::epoch_secs();
    let mid = reminder["message_id"].as_i64().unwrap();
    w.bot.press(BRUNO, mid, &data_of(&reminder, "Ya he pagado"));
    fake::eventually("Bruno's press answered and his buttons removed", || {
        !w.bot.state()["answers"].as_array().unwrap().is_empty()
            && w.bot.state()["edits"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["chat_id"] == BRUNO)
    })
    .await;
    let answered = w.bot.calls("answerCallbackQuery")[0]["at"]
        .as_f64()
        .unwrap();
    let edited = w
        .bot
        .calls("editMessageReplyMarkup")
        .into_iter()
        .find(|c| c["params"]["chat_id"] == BRUNO)
        .unwrap()["at"]
        .as_f64()
        .unwrap();
    assert!(answered - pressed_at < 2.0, "the spinner stops at once");
    assert!(
        edited - pressed_at < 3.0,
        "Bruno does not wait for Ana's answers"
    );
    fake::eventually("Ana's six answers", || {
        w.bot.count_to(ANA, "Facturas pendientes") == 6
    })
    .await;
    let delivered: Vec<f64> = to_ana(&w)[before + 1..]
        .iter()
        .map(|c| c["at"].as_f64().unwrap())
        .collect();
    assert!(
        delivered[0] - refused_at >= 8.0,
        "kept until Telegram's wait was over: {refused_at} {delivered:?}"
    );
    for pair in delivered.windows(2) {
        assert!(pair[1] - pair[0] >= 0.99, "a second apart: {delivered:?}");
    }
    shutdown.cancel();
    tokio::time::timeout(std::time::Duration::from_secs(30), poller)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let left: i64 = w
        .store
        .conn()
        .query_row("SELECT count(*) FROM telegram_answers", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 0);
}

/// An answer is kept until Telegram has it (second blind test, fault 12): `cobrador run`
/// killed while answers wait for their chat's second sends them once it runs again, each once.
#[tokio::test]
async fn answers_waiting_when_cobrador_dies_go_after_its_restart() {
    let mut w = World::new();
    w.link("C1", ANA).await;
    let dir = w.dir.path().to_owned();
    // 07:00 in Madrid: outside contact hours, so only the bot's answers go.
    let run = |at: &str| {
        support::cobrador_cmd(&dir)
            .args(["run", "--clock-start", at])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    let lists = |w: &World| -> Vec<f64> {
        w.bot
            .calls("sendMessage")
            .into_iter()
            .filter(|c| {
                c["params"]["chat_id"] == ANA
                    && c["params"]["text"]
                        .as_str()
                        .unwrap_or("")
                        .contains("Facturas pendientes")
            })
            .map(|c| c["at"].as_f64().unwrap())
            .collect()
    };
    let mut daemon = run("2026-12-01T06:00:00Z");
    for _ in 0..6 {
        w.bot.text(ANA, "/facturas", None);
    }
    support::wait_until("two answers", || lists(&w).len() >= 2);
    // Half-way to the third answer's second: the four left are applied and waiting.
    let second = lists(&w)[1];
    std::thread::sleep(std::time::Duration::from_secs_f64(
        (second + 0.5 - fake::epoch_secs()).max(0.0),
    ));
    daemon.kill().unwrap();
    daemon.wait().unwrap();
    let applied: i64 = w
        .store
        .conn()
        .query_row(
            "SELECT count(*) FROM telegram_updates WHERE outcome = 'listed'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(applied, 6, "every update was applied before the kill");
    assert!(lists(&w).len() < 6);
    let mut daemon = run("2026-12-01T06:00:10Z");
    support::wait_until("the six answers", || lists(&w).len() >= 6);
    std::thread::sleep(std::time::Duration::from_secs(2));
    daemon.kill().unwrap();
    daemon.wait().unwrap();
    assert_eq!(lists(&w).len(), 6, "each once");
}

/// `cobrador run` reads the answers waiting at Telegram before its first pass (second blind
/// test, fault 17): clients who disputed while it was stopped get no reminder, even when
/// Telegram is slow to hand their answers over.
#[tokio::test]
async fn the_daemon_reads_waiting_answers_before_its_first_pass() {
    let mut w = World::new();
    w.link("C1", ANA).await;
    w.link("C2", BRUNO).await;
    for chat in [ANA, BRUNO] {
        w.bot
            .text(chat, "No reconozco esta factura, no la voy a pagar", None);
    }
    w.bot.slow("getUpdates", 3.0, 1);
    let mut daemon = support::cobrador_cmd(w.dir.path())
        .args(["run", "--clock-start", &now().to_rfc3339()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    support::wait_until("both disputes acknowledged", || {
        [ANA, BRUNO]
            .iter()
            .all(|chat| w.bot.count_to(*chat, "Hemos detenido los recordatorios") > 0)
    });
    daemon.kill().unwrap();
    daemon.wait().unwrap();
    for chat in [ANA, BRUNO] {
        assert!(
            w.bot
                .sent_to(chat)
                .iter()
                .all(|m| button_texts(m).is_empty()),
            "no reminder after the dispute: {:?}",
            w.bot.sent_to(chat)
        );
    }
    assert_eq!(w.invoice("F-1").status, InvoiceStatus::Disputed);
}

/// The buttons left under a reminder whose invoice has been paid since (second blind test,
/// fault 07): a press says so, takes them away, and records nothing; asking for a person
/// still works.
#[tokio::test]
async fn a_button_under_a_paid_invoice_records_nothing() {
    use cobrador::channel::telegram::buttons::{Callback, Press};
    let mut w = World::new();
    let (reminder, mid) = w.reminded("C1", ANA).await;
    w.store
        .conn()
        .execute(
            "UPDATE invoices SET status = 'paid' WHERE number = 'F-1'",
            [],
        )
        .unwrap();
    let outbox_id = Callback::parse(&data_of(&reminder, "Ya he pagado"))
        .unwrap()
        .outbox_id;
    let friday = Callback {
        press: Press::Day(day(4)),
        outbox_id,
    };
    w.bot.press(ANA, mid, &data_of(&reminder, "Pagaré el"));
    w.bot.press(ANA, mid, &friday.data());
    w.bot.press(ANA, mid, &data_of(&reminder, "Ya he pagado"));
    let r = w.poll(now()).await;
    assert_eq!(r.outcomes, ["settled", "settled", "settled"]);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    let answers = w.bot.state()["answers"].as_array().unwrap().clone();
    assert_eq!(answers.len(), 3);
    for a in &answers {
        assert_eq!(
            a["text"],
            "Esta factura ya está pagada: no hace falta hacer nada."
        );
    }
    let edits = w.bot.state()["edits"].as_array().unwrap().clone();
    assert_eq!(edits.len(), 1, "{edits:?}");
    assert_eq!(
        (edits[0]["message_id"].as_i64(), &edits[0]["reply_markup"]),
        (Some(mid), &serde_json::Value::Null)
    );
    assert!(w.pending_promises().is_empty());
    assert!(w.responses().is_empty());

    w.bot
        .press(ANA, mid, &data_of(&reminder, "Hablar con una persona"));
    assert_eq!(w.poll(now()).await.outcomes, ["applied"]);
    assert_eq!(w.responses().len(), 1);
}

/// The owner's alerts about `C1`'s messages, by email.
fn owner_alerts(w: &World, client: &str) -> Vec<String> {
    store::outbox::for_client(w.store.conn(), client)
        .unwrap()
        .into_iter()
        .filter(|m| m.message.stage == "owner_alert" && m.message.channel == Channel::Email)
        .map(|m| m.message.body_text)
        .collect()
}

/// A message the client forwards is someone else's (second blind test, fault 08): it goes to
/// a person, marked as forwarded, and decides nothing: no dispute, no reminder stopped.
#[tokio::test]
async fn a_forwarded_message_is_not_the_clients_own_word() {
    let mut w = World::new();
    w.link("C1", ANA).await;
    w.remind(ANA).await;
    w.bot.control(
        "text",
        json!({ "chat_id": ANA, "text": "No reconozco esta factura, no pienso pagarla",
                "forward_from": 7007 }),
    );
    assert_eq!(w.poll(now()).await.outcomes, ["applied"]);
    assert_eq!(w.invoice("F-1").status, InvoiceStatus::Open);
    let responses = w.responses();
    assert_eq!(responses.len(), 1);
    let r = &responses[0].response;
    assert_eq!(
        (r.intent.as_str(), r.status.as_str()),
        ("other", "needs_review")
    );
    assert!(
        w.bot.sent_to(ANA).pop().unwrap()["plain"]
            .as_str()
            .unwrap()
            .contains("Se lo he pasado a Lucía Martín")
    );
    let alerts = owner_alerts(&w, "C1");
    assert_eq!(alerts.len(), 1);
    assert!(
        alerts[0]
            .contains("«[Mensaje reenviado: no lo escribió el cliente] No reconozco esta factura")
            && !alerts[0].contains("Disputa"),
        "{}",
        alerts[0]
    );
}

/// An edit that reads as the version before it changes nothing (second blind test, fault
/// 15): a typo fixed twice is one claim, one acknowledgement, one alert to the owner.
#[tokio::test]
async fn an_edit_that_changes_nothing_says_nothing_again() {
    let mut w = World::new();
    w.link("C1", ANA).await;
    w.remind(ANA).await;
    let said = w.bot.text_message(ANA, "ya esta pagado, lo hice ayr", None);
    assert_eq!(w.poll(now()).await.outcomes, ["applied"]);
    w.bot
        .edit(ANA, said, "ya está pagado, lo hice ayer")
        .unwrap();
    assert_eq!(w.poll(now()).await.outcomes, ["unchanged"]);
    w.bot
        .edit(ANA, said, "ya está pagado, lo hice ayer por la tarde")
        .unwrap();
    assert_eq!(w.poll(now()).await.outcomes, ["unchanged"]);
    w.flush(now()).await;
    assert_eq!(w.bot.count_to(ANA, "Gracias por avisarnos del pago"), 1);
    assert_eq!(owner_alerts(&w, "C1").len(), 1);
    assert_eq!(w.responses().len(), 1);
    // An edit that does change the reading is read again.
    w.bot.edit(ANA, said, "Perdón, le pago el viernes").unwrap();
    assert_eq!(w.poll(now()).await.outcomes, ["applied"]);
    assert_eq!(w.pending_promises()[0].promised_date, day(4));
}

/// The owner's alert when Telegram refuses a reminder for good speaks of Telegram, not of a
/// mail server (second blind test, fault 13).
#[tokio::test]
async fn a_reminder_a_chat_refuses_is_told_to_the_owner_in_telegrams_words() {
    let mut w = World::new();
    w.link("C2", BRUNO).await;
    // Blocked, and the update saying so not read yet: the reminder meets the 403.
    w.bot.control("blocked", json!({ "chat_id": BRUNO }));
    let renderer = cobrador::render::Renderer::new(None).unwrap();
    cobrador::engine::queue_due(&mut w.store, &w.config, &renderer, now()).unwrap();
    let f = w.flush(now()).await;
    assert_eq!(f.dead, 1, "{f:?}");
    cobrador::engine::queue_due(&mut w.store, &w.config, &renderer, now()).unwrap();
    let alerts = owner_alerts(&w, "C2");
    assert_eq!(alerts.len(), 1);
    let alert = &alerts[0];
    assert!(
        alert.contains("Respuesta de Telegram:")
            && alert.contains("bloqueado el bot")
            && alert.contains("bot was blocked by the user")
            && !alert.contains("servidor de correo")
            && !alert.contains("import clients"),
        "{alert}"
    );
}

/// The poller's answers and the outbox's messages keep one pace per chat (second blind test,
/// fault 04): an answer, then an acknowledgement sent from the outbox, a second apart.
#[tokio::test]
async fn answers_and_reminders_share_the_chats_pace() {
    let mut w = World::new();
    w.link("C1", ANA).await;
    w.remind(ANA).await;
    w.bot.raw(json!({ "message": {
        "message_id": 900, "date": (now() - Duration::days(3)).timestamp(),
        "chat": { "id": ANA, "type": "private" },
        "from": { "id": ANA, "is_bot": false, "first_name": "Ana" },
        "voice": { "file_id": "v", "file_unique_id": "w", "duration": 3 },
    }}));
    w.bot.text(ANA, "ya está pagado", None);
    assert_eq!(w.poll(now()).await.outcomes, ["not_text", "applied"]);
    w.flush(now()).await;
    let times: Vec<f64> = w
        .bot
        .calls("sendMessage")
        .iter()
        .filter(|c| c["params"]["chat_id"] == ANA)
        .map(|c| c["at"].as_f64().unwrap())
        .collect();
    let n = times.len();
    assert!(n >= 3, "{times:?}");
    assert!(
        times[n - 1] - times[n - 2] >= 0.99,
        "the acknowledgement a second after the answer: {times:?}"
    );
}

/// A double tap on «Pagaré el…» or «Otra fecha» asks once (second blind test, fault 16): the
/// same picker is not an error, and the «¿Qué día pagará?» prompt is not sent twice; once the
/// client has answered, «Otra fecha» asks again.
#[tokio::test]
async fn a_double_tap_on_the_date_buttons_asks_once() {
    let mut w = World::new();
    let (reminder, mid) = w.reminded("C1", ANA).await;
    let when = data_of(&reminder, "Pagaré el");
    w.bot.press(ANA, mid, &when);
    w.bot.press(ANA, mid, &when);
    let r = w.poll(now()).await;
    assert_eq!(r.outcomes, ["picker", "picker"]);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    let picker = json!({ "reply_markup": w.bot.state()["edits"][0]["reply_markup"] });
    let other = data_of(&picker, "Otra fecha");
    w.bot.press(ANA, mid, &other);
    w.bot.press(ANA, mid, &other);
    assert_eq!(w.poll(now()).await.outcomes, ["asked_date", "duplicate"]);
    assert_eq!(w.bot.count_to(ANA, "¿Qué día pagará?"), 1);
    assert_eq!(w.bot.state()["answers"].as_array().unwrap().len(), 4);
    w.bot.text(ANA, "Le pago el viernes", None);
    assert_eq!(w.poll(now()).await.outcomes, ["applied"]);
    // Its «Anotado» goes first (the next answers wait for it).
    w.flush(now()).await;
    w.bot.press(ANA, mid, &other);
    assert_eq!(w.poll(now()).await.outcomes, ["asked_date"]);
    assert_eq!(w.bot.count_to(ANA, "¿Qué día pagará?"), 2);
}

/// A client's name too long for a message (second blind test, fault 14): the bot cuts it, and
/// the greeting still goes.
#[tokio::test]
async fn a_very_long_client_name_is_cut_in_the_chat() {
    let mut w = World::new();
    let long = "Comunidad de Propietarios ".repeat(170);
    w.store
        .conn()
        .execute("UPDATE clients SET name = ?1 WHERE id = 'C1'", [&long])
        .unwrap();
    w.link("C1", ANA).await;
    let greeting = w.bot.sent_to(ANA).pop().expect("the greeting delivered");
    let plain = greeting["plain"].as_str().unwrap();
    assert!(
        plain.starts_with("Hola, Comunidad de Propietarios Comunidad")
            && plain.contains("…. Este chat está vinculado")
            && plain.chars().count() < 1_000,
        "{plain}"
    );
}

/// The link of another client opened in a chat already linked (second blind test, fault 10):
/// refused, said why; the chat stays with its client, and the link still works elsewhere.
#[tokio::test]
async fn another_clients_link_does_not_move_a_linked_chat() {
    let mut w = World::new();
    w.link("C2", BRUNO).await;
    let l = link::create_link(&mut w.store, &w.config, "C1", None, now()).unwrap();
    let token = l.url.split("start=").nth(1).unwrap().to_owned();
    w.bot.text(BRUNO, &format!("/start {token}"), None);
    assert_eq!(w.poll(now()).await.outcomes, ["link_refused"]);
    let told = w.bot.sent_to(BRUNO).pop().unwrap();
    let told = told["plain"].as_str().unwrap();
    assert!(
        told.contains("Este chat ya está vinculado a Bodegas Norte") && told.contains("/stop"),
        "{told}"
    );
    assert_eq!(w.contact_of("C2").telegram_chat_id, Some(BRUNO));
    assert_eq!(w.contact_of("C1").telegram_chat_id, None);
    w.bot.text(ANA, &format!("/start {token}"), None);
    assert_eq!(w.poll(now()).await.outcomes, ["linked"]);
    assert_eq!(w.contact_of("C1").telegram_chat_id, Some(ANA));
    assert_eq!(w.contact_of("C2").telegram_chat_id, Some(BRUNO));
}

/// What the bot cannot act on still reaches a person (second blind test, fault 06): words from
/// a chat that is not linked (a link expired, a chat just unlinked) wait in the review queue;
/// a client's voice note or shared contact is recorded for the owner, who is alerted.
#[tokio::test]
async fn what_the_bot_cannot_act_on_waits_for_a_person() {
    let mut w = World::new();
    w.link("C1", ANA).await;
    w.link("C2", BRUNO).await;
    w.bot.text(ANA, "/stop", None);
    w.bot
        .text(ANA, "Perdón, quería decir que le pago el viernes", None);
    w.bot.text(
        STRANGER,
        "Hola, soy Ana Ruiz (el enlace me dice que ha caducado). Pago el viernes.",
        None,
    );
    assert_eq!(
        w.poll(now()).await.outcomes,
        ["unlinked", "not_linked", "not_linked"]
    );
    let bodies = |w: &World| -> Vec<String> {
        w.responses()
            .into_iter()
            .filter(|r| r.response.status.as_str() == "needs_review")
            .map(|r| r.response.body)
            .collect()
    };
    let kept = bodies(&w);
    assert_eq!(kept.len(), 2, "{kept:?}");
    assert!(
        kept.iter()
            .any(|b| b.contains("quería decir que le pago el viernes"))
    );
    assert!(w.pending_promises().is_empty(), "nothing decided on them");

    let message = |id: i64, what: serde_json::Value| {
        let mut m = json!({
            "message_id": id, "date": (now() - Duration::days(3)).timestamp(),
            "chat": { "id": BRUNO, "type": "private" },
            "from": { "id": BRUNO, "is_bot": false, "first_name": "Bruno" },
        });
        m.as_object_mut()
            .unwrap()
            .extend(what.as_object().unwrap().clone());
        json!({ "message": m })
    };
    w.bot.raw(message(
        700,
        json!({ "voice": { "file_id": "v", "file_unique_id": "w", "duration": 12 } }),
    ));
    assert_eq!(w.poll(now()).await.outcomes, ["not_text"]);
    w.bot.raw(message(
        701,
        json!({ "contact": { "phone_number": "+34600999888", "first_name": "Pedro" } }),
    ));
    assert_eq!(w.poll(now()).await.outcomes, ["not_text"]);
    let kept = bodies(&w);
    assert!(
        kept.contains(&"[una nota de voz, por Telegram]".to_owned())
            && kept.contains(&"[un contacto: Pedro, por Telegram]".to_owned()),
        "{kept:?}"
    );
    let told = w.bot.sent_to(BRUNO);
    assert_eq!(
        told[told.len() - 2]["plain"],
        "Solo puedo leer mensajes de texto: he avisado a Lucía Martín de que ha enviado una nota \
         de voz. Conteste con palabras o con los botones de los avisos."
    );
    assert_eq!(owner_alerts(&w, "C2").len(), 2);
}

/// The owner's group chat becomes a supergroup (second blind test, fault 09): Telegram gives it
/// a new id and the old one answers nothing; the owner's messages follow it, and the owner is
/// told there to change `owner-chat-id`.
#[tokio::test]
async fn the_owners_group_is_followed_when_it_becomes_a_supergroup() {
    const GROUP: i64 = -5001;
    const SUPERGROUP: i64 = -1_001_234_567_890;
    let mut w = World::new();
    w.config.telegram.as_mut().unwrap().owner_chat_id = Some(GROUP);
    w.link("C1", ANA).await;
    let service = |chat: i64, key: &str, value: i64| {
        json!({ "message": {
            "message_id": 40, "date": (now() - Duration::days(3)).timestamp(),
            "chat": { "id": chat, "type": if chat == GROUP { "group" } else { "supergroup" },
                      "title": "Oficina Prado" },
            "from": { "id": 9999, "is_bot": false, "first_name": "Lucía" },
            key: value,
        }})
    };
    w.bot.raw(service(GROUP, "migrate_to_chat_id", SUPERGROUP));
    w.bot
        .raw(service(SUPERGROUP, "migrate_from_chat_id", GROUP));
    assert_eq!(w.poll(now()).await.outcomes, ["migrated", "ignored"]);
    let told = w.bot.sent_to(SUPERGROUP);
    assert_eq!(told.len(), 1, "told once");
    assert!(
        told[0]["plain"]
            .as_str()
            .unwrap()
            .contains("owner-chat-id = -1001234567890"),
        "{told:?}"
    );
    // A receipt and an alert go to the supergroup.
    w.bot.attach(ANA, "photo", None);
    w.bot.text(ANA, "No reconozco esta factura", None);
    w.poll(now()).await;
    assert_eq!(w.bot.forwards()[0]["chat_id"], SUPERGROUP);
    let copy = store::outbox::for_client(w.store.conn(), "C1")
        .unwrap()
        .into_iter()
        .find(|m| m.message.stage == "owner_alert" && m.message.channel == Channel::Telegram)
        .unwrap();
    assert_eq!(copy.message.recipients, [SUPERGROUP.to_string()]);
    assert!(w.bot.sent_to(GROUP).is_empty());
}

/// A sendMessage carried out and answered 200 with a proxy's page (or `ok: true` without the
/// message): Telegram may have it, so the reminder is `uncertain`, never `dead` (a dead stage
/// is planned again, and the client got the same reminder twice: an outside tester's F1).
#[tokio::test]
async fn a_reminder_answered_with_a_proxy_page_is_uncertain() {
    let mut w = World::new();
    w.link("C1", ANA).await;
    w.bot.fail("sendMessage", 200, "", None, 1);
    let renderer = cobrador::render::Renderer::new(None).unwrap();
    cobrador::engine::queue_due(&mut w.store, &w.config, &renderer, now()).unwrap();
    let f = w.flush(now()).await;
    assert_eq!((f.dead, f.uncertain), (0, 1), "{f:?}");
    assert_eq!(w.bot.sent_to(ANA).len(), 2, "the greeting and the reminder");
    // Nothing is planned again for that stage while a person has not resolved it.
    let later = now() + Duration::days(3);
    let q = cobrador::engine::queue_due(&mut w.store, &w.config, &renderer, later).unwrap();
    w.flush(later).await;
    assert!(q.queued.is_empty(), "{q:?}");
    assert_eq!(w.bot.sent_to(ANA).len(), 2, "not sent twice");
}

/// «Bad Request: chat not found» (a deleted account, a chat that was never this bot's): the
/// chat is unreachable as with a block, and the contact falls back to email (the stage was
/// retried by Telegram for ever and the client got nothing: F3).
#[tokio::test]
async fn a_chat_not_found_is_unreachable_and_the_contact_goes_back_to_email() {
    let mut w = World::new();
    w.link("C1", ANA).await;
    w.bot
        .refuse_in(ANA, 400, "Bad Request: chat not found", None);
    let renderer = cobrador::render::Renderer::new(None).unwrap();
    cobrador::engine::queue_due(&mut w.store, &w.config, &renderer, now()).unwrap();
    let f = w.flush(now()).await;
    assert_eq!(f.dead, 1, "{f:?}");
    assert_eq!(w.contact_of("C1").preferred_channel, Channel::Email);
    assert_eq!(w.events("telegram.unreachable").len(), 1);
}

/// The owner's group became a supergroup and we learn it from a refused send (no service
/// message read): the alert goes to the new chat at once, the owner is told there once, and the
/// next alerts go straight there (F4: every alert died on the old id).
#[tokio::test]
async fn the_owners_group_is_followed_when_a_send_says_it_moved() {
    const GROUP: i64 = -4001;
    const SUPERGROUP: i64 = -1_004_001;
    let mut w = World::new();
    w.config.telegram.as_mut().unwrap().owner_chat_id = Some(GROUP);
    w.link("C1", ANA).await;
    w.bot.refuse_in(
        GROUP,
        400,
        "Bad Request: group chat was upgraded to a supergroup chat",
        Some(SUPERGROUP),
    );
    w.bot.text(ANA, "No reconozco esta factura", None);
    w.poll(now()).await;
    let f = w.flush(now()).await;
    assert_eq!(f.dead, 0, "{f:?}");
    let told = w.bot.sent_to(SUPERGROUP);
    assert_eq!(told.len(), 2, "the alert and the note: {told:?}");
    assert!(
        told.iter().any(|m| m["plain"]
            .as_str()
            .unwrap()
            .contains("owner-chat-id = -1004001")),
        "{told:?}"
    );
    let migrated: i64 = w
        .store
        .conn()
        .query_row(
            "SELECT count(*) FROM events WHERE kind = 'telegram.chat_migrated'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(migrated, 1);
    // The next alert is addressed to the supergroup.
    w.link("C2", BRUNO).await;
    w.bot.text(BRUNO, "No reconozco esta factura", None);
    w.poll(now()).await;
    let copy = store::outbox::for_client(w.store.conn(), "C2")
        .unwrap()
        .into_iter()
        .find(|m| m.message.stage == "owner_alert" && m.message.channel == Channel::Telegram)
        .unwrap();
    assert_eq!(copy.message.recipients, [SUPERGROUP.to_string()]);
    w.flush(now()).await;
    assert_eq!(w.bot.sent_to(SUPERGROUP).len(), 3, "no second note");
}

/// A long 429 for one chat holds that chat only: the other clients' reminders of the same pass
/// go out (they waited for the next pass: an outside tester's F5, against the README).
#[tokio::test]
async fn a_long_429_for_one_chat_holds_only_that_chat() {
    let mut w = World::new();
    w.link("C1", ANA).await;
    w.link("C2", BRUNO).await;
    w.bot.too_many_in(ANA, 120);
    let renderer = cobrador::render::Renderer::new(None).unwrap();
    let q = cobrador::engine::queue_due(&mut w.store, &w.config, &renderer, now()).unwrap();
    assert_eq!(q.queued.len(), 2, "{q:?}");
    assert_eq!(q.queued[0].0, "C1", "Ana's first: {q:?}");
    let f = w.flush(now()).await;
    assert_eq!((f.sent, f.retry), (1, 1), "{f:?}");
    assert!(f.stopped.is_none(), "{f:?}");
    assert_eq!(
        w.bot.sent_to(BRUNO).len(),
        2,
        "the greeting and the reminder"
    );
}

/// walk30 S6 by Telegram: «Porfa, no me escriban antes de las 11» sets the client's hours,
/// is acknowledged (at 11:00, the client's first minute), and the owner is told how to change
/// them.
#[tokio::test]
async fn hours_asked_in_the_chat_are_the_clients_own() {
    let mut w = World::new();
    w.link("C1", ANA).await;
    let before = w.bot.sent_to(ANA).len();
    w.bot
        .text(ANA, "Porfa, no me escriban antes de las 11", None);
    assert_eq!(w.poll(now()).await.outcomes, ["applied"]);
    let own = store::clients::own_hours(w.store.conn(), "C1")
        .unwrap()
        .unwrap();
    assert_eq!(own.hours.to_string(), "11:00-23:59");
    // 10:30 in Madrid: the acknowledgement waits for 11:00.
    w.flush(now()).await;
    assert_eq!(w.bot.sent_to(ANA).len(), before);
    w.flush(now() + chrono::Duration::minutes(30)).await;
    let said: Vec<String> = w.bot.sent_to(ANA)[before..]
        .iter()
        .map(|m| m["plain"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(
        said[0].starts_with(
            "De acuerdo: desde ahora le escribiremos solo a partir de las 11:00, dentro"
        ),
        "{said:?}"
    );
    let alerts = owner_alerts(&w, "C1");
    assert!(
        alerts.iter().any(|a| a.contains("client hours C1 --clear")),
        "{alerts:?}"
    );
}
