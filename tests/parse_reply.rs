//! `parse-reply` on the real binary: the stable JSON fields for periods, ambiguity, auto-replies
//! known only by their subject, decomposed Unicode, and a message's received time.

mod support;

use support::parse_reply;

const WEDNESDAY: [&str; 4] = ["--now", "2026-11-18T15:00:00Z", "--tz", "Europe/Madrid"];

#[test]
fn a_period_prints_its_range_and_promises_its_last_day() {
    // A month's start: the 5th, or the working day after (5 December 2026 is a Saturday).
    let v = parse_reply(
        &WEDNESDAY,
        "A primeros del mes que viene le pago".as_bytes(),
    );
    assert_eq!(v["intent"], "promise");
    assert_eq!(v["promised_date"], "2026-12-07");
    assert_eq!(
        v["promised_range"],
        serde_json::json!(["2026-12-01", "2026-12-10"])
    );
    assert_eq!(v["ambiguous"], true);
    let v = parse_reply(&WEDNESDAY, "A finales de mes le pago".as_bytes());
    assert_eq!(v["promised_date"], "2026-11-30");
    assert_eq!(
        v["promised_range"],
        serde_json::json!(["2026-11-21", "2026-11-30"])
    );
    let v = parse_reply(&WEDNESDAY, "Le pago el lunes sin falta".as_bytes());
    assert_eq!(v["promised_date"], "2026-11-23");
    assert!(v["promised_range"].is_null());
    assert_eq!(v["ambiguous"], false);
}

#[test]
fn an_auto_reply_known_by_its_subject_never_promises() {
    let eml = std::fs::read("tests/fixtures/understand/auto_subject.eml").unwrap();
    let v = parse_reply(
        &["--tz", "Europe/Madrid"],
        b"Gracias. Volver\xc3\xa9 el lunes 23 de noviembre.",
    );
    assert_ne!(
        v["intent"], "promise",
        "the text alone says nothing of paying"
    );
    let v = parse_reply(&["--eml", "--tz", "Europe/Madrid"], &eml);
    assert_eq!(v["intent"], "auto_reply");
    assert!(v["promised_date"].is_null());
}

#[test]
fn decomposed_unicode_reads_like_composed() {
    // "Mañana le pagaré" in NFD: "n" + U+0303, "e" + U+0301.
    let nfd = "Man\u{303}ana le pagare\u{301}";
    let v = parse_reply(&WEDNESDAY, nfd.as_bytes());
    assert_eq!(v["intent"], "promise");
    assert_eq!(v["promised_date"], "2026-11-19");
}

/// With `--eml` and `--now`, the message's Date is its received time when it lies within 36
/// hours before `--now`, as in the inbox: "mañana" written late in the evening in the client's
/// zone is the next day from then, not from `--now`.
#[test]
fn the_date_header_is_the_received_time_as_in_the_inbox() {
    let read = |name: &str, now: &str, tz: &str| {
        let eml = std::fs::read(format!("tests/fixtures/mail/{name}")).unwrap();
        let v = parse_reply(&["--eml", "--now", now, "--tz", tz], &eml);
        (v["promised_date"].clone(), v["received_at"].clone())
    };
    // Written at 23:50 on Monday 9 March in Madrid, read on Tuesday morning.
    let madrid = "reply-manana-written-before-midnight.eml";
    let (date, received) = read(madrid, "2026-03-10T09:30:00+01:00", "Europe/Madrid");
    assert_eq!(date, "2026-03-10");
    assert_eq!(received, "2026-03-09T22:50:00Z");
    // Dated 01:30 UTC on the 11th: 19:30 on the 10th in Mexico City.
    let mexico = "reply-mexico-utc-date-manana.eml";
    let (date, _) = read(mexico, "2026-03-11T15:00:00Z", "America/Mexico_City");
    assert_eq!(date, "2026-03-11");
    // Read more than 36 hours later (an outage), or dated after --now (a wrong clock): --now.
    let (date, received) = read(madrid, "2026-03-12T09:30:00+01:00", "Europe/Madrid");
    assert_eq!(
        (date, received),
        ("2026-03-13".into(), "2026-03-12T08:30:00Z".into())
    );
    let (_, received) = read(madrid, "2026-03-09T20:00:00Z", "Europe/Madrid");
    assert_eq!(received, "2026-03-09T20:00:00Z");
}

/// Hours a client asks to be written to within are printed (`asked_hours`), the reply's intent
/// unchanged; a day's hour for paying is none.
#[test]
fn hours_asked_for_are_printed() {
    let v = parse_reply(
        &WEDNESDAY,
        "Porfa, no me escriban antes de las 11".as_bytes(),
    );
    assert_eq!(v["asked_hours"], "11:00-23:59");
    assert_eq!(v["intent"], "other");
    let v = parse_reply(&WEDNESDAY, "Le pago antes de las 11 del viernes".as_bytes());
    assert!(v["asked_hours"].is_null(), "{v}");
    // Hours, not an opt-out (hours32: both stopped every reminder); «más» is one.
    for text in [
        "No me mandéis nada a partir de las 20:00",
        "A partir de las 12 sí, antes no me escriban",
    ] {
        let v = parse_reply(&WEDNESDAY, text.as_bytes());
        assert_eq!(v["intent"], "other", "{text}: {v}");
        assert!(v["asked_hours"].is_string(), "{text}: {v}");
    }
    let v = parse_reply(&WEDNESDAY, "No me escriban más, por favor".as_bytes());
    assert_eq!(v["intent"], "stop", "{v}");
}
