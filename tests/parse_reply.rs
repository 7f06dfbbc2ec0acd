//! `parse-reply` on the real binary: the stable JSON fields for periods, ambiguity, auto-replies
//! known only by their subject, and decomposed Unicode.

mod support;

use support::parse_reply;

const WEDNESDAY: [&str; 4] = ["--now", "2026-11-18T15:00:00Z", "--tz", "Europe/Madrid"];

#[test]
fn a_period_prints_its_range_and_promises_its_last_day() {
    let v = parse_reply(
        &WEDNESDAY,
        "A primeros del mes que viene le pago".as_bytes(),
    );
    assert_eq!(v["intent"], "promise");
    assert_eq!(v["promised_date"], "2026-12-10");
    assert_eq!(
        v["promised_range"],
        serde_json::json!(["2026-12-01", "2026-12-10"])
    );
    assert_eq!(v["ambiguous"], true);
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
