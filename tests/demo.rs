//! The demo runs the whole loop over 120 simulated days and shows every stage and pause.

#[test]
fn the_demo_shows_every_stage_and_every_pause_kind() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo-out");
    let report = cobrador::demo::run(&out, 120, |_| {}).unwrap();
    for stage in [
        "preventive",
        "due",
        "early",
        "second",
        "firm",
        "formal",
        "final",
        "handover",
    ] {
        assert!(
            report.sent_by_stage.contains_key(stage),
            "no {stage} in {:?}",
            report.sent_by_stage
        );
    }
    for ack in [
        "ack_promise",
        "ack_paid",
        "ack_dispute",
        "ack_stop",
        "owner_alert",
    ] {
        assert!(
            report.sent_by_stage.contains_key(ack),
            "no {ack} in {:?}",
            report.sent_by_stage
        );
    }
    for pause in [
        "promise",
        "dispute",
        "paid claim",
        "opt-out",
        "manual hold",
        "handed over to a person",
    ] {
        assert!(
            report.pauses.contains(pause),
            "no {pause} pause in {:?}",
            report.pauses
        );
    }
    // Two promises kept: one typed in an email, one picked with a Telegram button.
    assert_eq!(report.promises.get("promise kept"), Some(&2));
    let press = report
        .timeline
        .iter()
        .find(|l| l.contains("on Telegram → applied"))
        .expect("the timeline shows a date picked with a Telegram button");
    assert!(press.contains("pressed «Pagaré el…» then «"), "{press}");
    assert!(
        report.final_status["RUIZ-201"].starts_with("paid"),
        "{:?}",
        report.final_status
    );
    assert_eq!(report.promises.get("promise broken"), Some(&1));
    assert_eq!(report.promises.get("payment plan completed"), Some(&1));
    assert!(report.sent_by_stage.contains_key("plan_confirmation"));
    assert!(report.sent_by_stage.contains_key("instalment"));
    assert!(report.sent_by_stage.contains_key("instalment_missed"));
    assert!(
        report.final_status["GOM-1101"].starts_with("paid"),
        "{:?}",
        report.final_status
    );
    assert!(
        report.final_status["RIV-1201"].starts_with("paid"),
        "discount taken: {:?}",
        report.final_status
    );
    assert!(
        report.timeline.iter().any(|l| l.contains("discount")),
        "the timeline shows the discount"
    );
    // Every message is a file; the final notice and the hand-over happen once.
    let files = std::fs::read_dir(&out)
        .unwrap()
        .filter(|e| {
            let name = e
                .as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .into_owned();
            name.ends_with(".eml") || name.ends_with(".txt")
        })
        .count();
    assert_eq!(files, report.files);
    assert_eq!(report.sent_by_stage["final"], 1);
    assert_eq!(report.sent_by_stage["handover"], 1);
    assert!(report.final_status["SOL-101"].starts_with("paid"));
    assert!(report.final_status["VEGA-401"].starts_with("open"));
    // A Telegram message is plain text with Telegram HTML, an email a full RFC 5322 message.
    let telegram = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "txt"))
        .unwrap();
    assert!(
        std::fs::read_to_string(telegram)
            .unwrap()
            .contains("RUIZ-201")
    );
    // Running it again into the same directory starts clean.
    let again = cobrador::demo::run(&out, 5, |_| {}).unwrap();
    assert!(again.files < report.files);
}

#[test]
fn the_demo_refuses_a_directory_it_did_not_make() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("precious.txt"), "keep me").unwrap();
    let err = cobrador::demo::run(dir.path(), 3, |_| {})
        .unwrap_err()
        .to_string();
    assert!(err.contains("choose another --out"), "{err}");
    assert!(dir.path().join("precious.txt").exists());
}
