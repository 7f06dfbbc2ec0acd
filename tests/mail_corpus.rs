//! The fixture corpus (tests/fixtures/mail/*.eml, expectations in expected.json): bounces from
//! a dozen MTAs, auto-replies in several languages (challenge-response included), and replies
//! from Gmail, Outlook, Apple Mail, Thunderbird, Yahoo and phones, top- and bottom-posted, in
//! several charsets and HTML-only. Every message is classified and trimmed, its words read as
//! the inbox reads them (`mail::reading`, received at its Date, in Madrid), and every difference
//! is reported at once.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::Utc;
use cobrador::mail::{mime, reading};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Expect {
    kind: String,
    #[serde(default)]
    failed: Option<Vec<String>>,
    #[serde(default)]
    permanent: Option<bool>,
    /// For bounces: the message was not delivered (a final failure, not a delay).
    #[serde(default)]
    undelivered: Option<bool>,
    #[serde(default)]
    visible: Option<String>,
    #[serde(default)]
    intent: Option<String>,
    /// The promised day (`YYYY-MM-DD`), or `""` for none.
    #[serde(default)]
    promised_date: Option<String>,
}

#[test]
fn every_fixture_is_classified_and_trimmed_as_expected() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mail");
    let expected: BTreeMap<String, Expect> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".eml"))
        .collect();
    files.sort();
    assert!(files.len() >= 60, "only {} fixtures", files.len());
    let own = vec!["cobros@reformasprado.example".to_owned()];
    let mut failures = Vec::new();
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for name in &files {
        let Some(want) = expected.get(name) else {
            failures.push(format!("{name}: no entry in expected.json"));
            continue;
        };
        let raw = std::fs::read(dir.join(name)).unwrap();
        let Some(mail) = mime::parse_with(&raw, &own) else {
            failures.push(format!("{name}: not parsed"));
            continue;
        };
        let kind = mail.class.kind.as_str();
        *kinds.entry(kind.to_owned()).or_default() += 1;
        if kind != want.kind {
            failures.push(format!(
                "{name}: kind {kind}, want {} ({:?})",
                want.kind, mail.class.evidence
            ));
            continue;
        }
        if let Some(failed) = &want.failed {
            let got = mail
                .class
                .bounce
                .as_ref()
                .map(|b| b.failed_recipients.clone())
                .unwrap_or_default();
            if &got != failed {
                failures.push(format!(
                    "{name}: failed recipients {got:?}, want {failed:?}"
                ));
            }
        }
        if let Some(permanent) = want.permanent {
            let got = mail.class.bounce.as_ref().map(|b| b.permanent);
            if got != Some(permanent) {
                failures.push(format!("{name}: permanent {got:?}, want {permanent}"));
            }
        }
        if let Some(undelivered) = want.undelivered {
            let got = mail.class.bounce.as_ref().map(|b| b.undelivered);
            if got != Some(undelivered) {
                failures.push(format!("{name}: undelivered {got:?}, want {undelivered}"));
            }
        }
        if let Some(visible) = &want.visible
            && &mail.visible != visible
        {
            failures.push(format!(
                "{name}: visible text\n  got:  {:?}\n  want: {visible:?}",
                mail.visible
            ));
        }
        if want.intent.is_some() || want.promised_date.is_some() {
            let at = mail.date.unwrap_or_else(Utc::now);
            let words = reading::Words {
                visible: &mail.visible,
                text: &mail.text,
                subject: mail.subject.as_deref(),
                thread_subject: None,
            };
            let got = reading::read(&words, at, chrono_tz::Europe::Madrid);
            if let Some(intent) = want.intent.as_deref()
                && got.intent.as_str() != intent
            {
                failures.push(format!("{name}: intent {}, want {intent}", got.intent));
            }
            let date = got.promised_date.map(|d| d.to_string()).unwrap_or_default();
            if let Some(want) = want.promised_date.as_deref()
                && date != want
            {
                failures.push(format!("{name}: promised date {date:?}, want {want:?}"));
            }
        }
    }
    for name in expected.keys() {
        if !files.contains(name) {
            failures.push(format!("{name}: in expected.json but no such file"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixtures differ ({kinds:?}):\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
    for k in ["reply", "auto_reply", "bounce"] {
        assert!(kinds.get(k).copied().unwrap_or(0) >= 15, "{kinds:?}");
    }
}
