//! `cobrador preview` shows the planner's message: for a client with two billing addresses and a
//! finance contact, the preview of the `formal` stage (the first that copies finance) names the
//! same recipients, copies and deadline as the message the planner plans and the tick sends,
//! both when the preview is hypothetical (the client on hold) and when it is the planned one.
//! The real binary, a real SQLite file, the file channel.

mod support;

use std::collections::BTreeSet;
use std::path::Path;

use support::{cobrador_ok, config_text, run_cobrador};

const CLIENTS: &str = "codigo;nombre;pais;tipo;email;contacto;email_finanzas\n\
                       K1;Talleres Norte;ES;b2b;\"pagos@norte.example; ana@norte.example\";Ana;\
                       finanzas@norte.example\n";

/// Due on Monday 3 August 2026: old enough for every stage, reached one step at a time.
const INVOICES: &str = "numero;cliente;fecha;vencimiento;importe\n\
                        F-1;K1;03/07/2026;03/08/2026;1.500,00\n";

/// What a preview says about its message on stderr: (note, recipients, cc, deadline).
fn preview(dir: &Path, now: &str, stage: Option<&str>) -> (String, String, String, String) {
    let mut args = vec!["preview", "--invoice", "F-1", "--now", now];
    args.extend(stage.iter().flat_map(|s| ["--stage", *s]));
    let out = run_cobrador(dir, &args, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "preview {args:?}: {stderr}");
    let line = stderr
        .lines()
        .find_map(|l| l.strip_prefix("To: "))
        .unwrap_or_else(|| panic!("no To: line in {stderr}"));
    let mut parts = line.split("; ");
    let to = parts.next().unwrap_or_default().to_owned();
    let cc = parts.next().unwrap_or_default().trim_start_matches("cc: ");
    let deadline = parts
        .next()
        .unwrap_or_default()
        .trim_start_matches("deadline: ");
    (stderr.clone(), to, cc.to_owned(), deadline.to_owned())
}

/// The addresses of header `name` in a message or a preview's header block.
fn addresses(text: &str, name: &str) -> BTreeSet<String> {
    let prefix = format!("{name}: ");
    text.lines()
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.strip_prefix(&prefix))
        .flat_map(|v| v.split(','))
        .filter_map(|a| {
            let a = a.trim();
            let a = a.rsplit_once('<').map_or(a, |(_, rest)| rest);
            let a = a.trim_end_matches('>').trim();
            (!a.is_empty()).then(|| a.to_owned())
        })
        .collect()
}

/// The planned (not held) message of K1 at `now`, from `plan --json`.
fn planned(dir: &Path, now: &str) -> Option<serde_json::Value> {
    let json = cobrador_ok(dir, &["plan", "--now", now, "--json"]);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    rows.into_iter()
        .find(|r| r["client"] == "K1" && r["held"] == false && r["due_now"] == true)
}

fn joined(v: &serde_json::Value) -> String {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect::<Vec<_>>()
        .join(", ")
}

#[test]
fn preview_and_the_sent_message_agree_on_recipients_copies_and_deadline() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("cobrador.toml"), config_text("")).unwrap();
    std::fs::write(dir.join("clientes.csv"), CLIENTS).unwrap();
    std::fs::write(dir.join("facturas.csv"), INVOICES).unwrap();
    cobrador_ok(dir, &["init"]);
    cobrador_ok(dir, &["import", "clients", "clientes.csv"]);
    cobrador_ok(dir, &["import", "invoices", "facturas.csv"]);

    // One tick a day at 10:00 UTC until the planner's next step is `formal`.
    let start = chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
    let mut formal = None;
    for d in 0..60 {
        let now = format!("{}T10:00:00Z", start + chrono::Days::new(d));
        if let Some(m) = planned(dir, &now)
            && m["stage"] == "formal"
        {
            formal = Some((now, m));
            break;
        }
        cobrador_ok(dir, &["tick", "--now", &now]);
    }
    let (now, plan) = formal.expect("the ladder reached formal within 60 days");
    assert_eq!(
        joined(&plan["recipients"]),
        "pagos@norte.example, ana@norte.example"
    );
    assert_eq!(joined(&plan["cc"]), "finanzas@norte.example");
    let deadline = plan["deadline"].as_str().expect("formal states a deadline");

    // On hold, the planner sends nothing: the preview is hypothetical, and says why, but it
    // addresses and dates the message as the planner would.
    cobrador_ok(dir, &["client", "hold", "K1"]);
    let (note, to, cc, shown_deadline) = preview(dir, &now, Some("formal"));
    assert!(note.starts_with("Hypothetical:"), "{note}");
    assert!(note.contains("paused: client on manual hold"), "{note}");
    assert_eq!(to, joined(&plan["recipients"]), "{note}");
    assert_eq!(cc, joined(&plan["cc"]), "{note}");
    assert_eq!(shown_deadline, deadline, "{note}");
    cobrador_ok(dir, &["client", "unhold", "K1"]);

    // Unheld, the preview is the planned message itself; and the tick sends what it showed.
    let (note, to, cc, shown_deadline) = preview(dir, &now, None);
    assert!(note.starts_with("Planned:"), "{note}");
    assert!(note.contains("stage formal"), "{note}");
    assert_eq!(
        (to.as_str(), cc.as_str()),
        (
            joined(&plan["recipients"]).as_str(),
            joined(&plan["cc"]).as_str()
        )
    );
    assert_eq!(shown_deadline, deadline);
    let shown = cobrador_ok(dir, &["preview", "--invoice", "F-1", "--now", &now]);
    cobrador_ok(dir, &["tick", "--now", &now]);
    let sent = std::fs::read_dir(dir.join("outbox"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .find(|t| t.contains("finanzas@norte.example"))
        .expect("the formal notice, copied to finance, in the outbox")
        .replace("\r\n", "\n");
    for header in ["To", "Cc"] {
        assert_eq!(
            addresses(&shown, header),
            addresses(&sent, header),
            "{header}: preview\n{shown}\nsent\n{sent}"
        );
    }
    assert_eq!(addresses(&sent, "Cc").len(), 1, "{sent}");
    assert_eq!(addresses(&sent, "To").len(), 2, "{sent}");
}
