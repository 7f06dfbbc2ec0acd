//! `cobrador check` tells the truth: errors (exit 1) for what stops cobrador from working,
//! warnings (exit 0) for what would make it send something wrong.

mod support;

use std::path::Path;
use std::process::{Command, Output};

use support::{
    cobrador_cmd, cobrador_ok, config_text, import_examples, init_with_examples, run_cobrador,
};

fn check(dir: &Path, env: &[(&str, &str)]) -> Output {
    cobrador_cmd(dir)
        .env_remove("COBRADOR_SMTP_PASSWORD")
        .envs(env.iter().copied())
        .arg("check")
        .output()
        .unwrap()
}

fn init(dir: &Path) {
    cobrador_ok(dir, &["init"]);
}

#[test]
fn the_example_business_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let out = check(dir.path(), &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains(
            "warning: business: name, email, tax-id, iban, payment-methods still the example's"
        ),
        "{stdout}"
    );
    // A business that kept only the example's IBAN is told which field (it read «still the
    // example's (Reformas Prado)» under its own name).
    let config = dir.path().join("cobrador.toml");
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("Reformas Prado S.L.", "Reformas Tester S.L.")
        .replace("name = \"Reformas Prado\"", "name = \"Reformas Tester\"");
    std::fs::write(&config, text).unwrap();
    let out = check(dir.path(), &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("business: name"), "{stdout}");
    assert!(stdout.contains("iban"), "{stdout}");
}

#[test]
fn an_unset_password_variable_is_an_error_that_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let smtp = "[email.smtp]\nhost = \"127.0.0.1\"\nusername = \"cobros\"\npassword-env = \"COBRADOR_SMTP_PASSWORD\"\n";
    std::fs::write(dir.path().join("cobrador.toml"), config_text(smtp)).unwrap();
    init(dir.path());
    let out = check(dir.path(), &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("COBRADOR_SMTP_PASSWORD is not set"),
        "{stderr}"
    );
    let out = check(dir.path(), &[("COBRADOR_SMTP_PASSWORD", "s3cret")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn stale_payment_data_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cobrador.toml"), config_text("")).unwrap();
    init_with_examples(dir.path(), &["clientes.csv", "facturas.csv"]);
    let out = check(dir.path(), &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        stdout.contains("payments: none was ever recorded or imported"),
        "{stdout}"
    );
    import_examples(dir.path(), &["pagos.csv"]);
    let stdout = String::from_utf8_lossy(&check(dir.path(), &[]).stdout).into_owned();
    assert!(!stdout.contains("payments:"), "fresh payments: {stdout}");
}

#[test]
fn the_database_and_backups_are_private_and_a_closed_pipe_is_quiet() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cobrador.toml"), config_text("")).unwrap();
    init(dir.path());
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir.path().join("cobrador.db")), 0o600);
    cobrador_ok(dir.path(), &["backup", "copia.db"]);
    assert_eq!(mode(&dir.path().join("copia.db")), 0o600);
    // `cobrador demo | head -c 1`: the reader goes away after one byte while the demo keeps
    // printing its timeline; cobrador ends quietly (SIGPIPE), without a panic.
    let out = Command::new("sh")
        .current_dir(dir.path())
        .arg("-c")
        .arg(format!(
            "{} demo --days 2 --out demo-out | head -c 1 >/dev/null",
            env!("CARGO_BIN_EXE_cobrador")
        ))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
        "{stderr}"
    );
}

/// Walk 2, fault 11: a block left open in one file hid the unknown variable and the missing
/// payment section of two others until it was fixed; one run names all three.
#[test]
fn every_broken_template_is_reported_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let config = format!("templates-dir = \"plantillas\"\n{}", config_text(""));
    std::fs::write(dir.path().join("cobrador.toml"), config).unwrap();
    init(dir.path());
    cobrador_ok(dir.path(), &["templates", "export", "plantillas"]);
    let edit = |file: &str, from: &str, to: &str| {
        let path = dir.path().join("plantillas").join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file}: {from}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    };
    edit(
        "firm.email.txt.hbs",
        "{{> _invoices.txt}}",
        "{{#if client.b2b}}Como empresa:\n{{> _invoices.txt}}",
    );
    edit(
        "early.email.txt.hbs",
        "{{> _greeting.txt}}",
        "{{> _greeting.txt}}\nEstimado {{client.nmae}}:",
    );
    edit("second.email.txt.hbs", "{{> _payment.txt}}", "");
    edit("due.email.subject.hbs", "{{", "{{#each ");
    let out = check(dir.path(), &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    for want in [
        "firm.email.txt.hbs:9: invalid template: el bloque «{{#if client.b2b}}» no se cierra",
        "due.email.subject.hbs:1: invalid template:",
        "early.email.txt.hbs:2: unknown variable `client.nmae`",
        "second.email.txt.hbs:1: missing how to pay",
    ] {
        assert!(stderr.contains(want), "{want}\n{stderr}");
    }
    // The broken files are checked as their defaults: nothing else is blamed on them.
    assert!(!stderr.contains("templates/es/"), "{stderr}");
}

/// A template override exported before a case existed (here the alert kind `contact_changed`):
/// `check` fails and names it, and `tick` warns about it at start (an owner who never runs
/// `check` after upgrading still sees it in the logs); an export of the current version is quiet.
#[test]
fn an_override_from_an_older_export_is_named_by_check_and_by_tick() {
    let dir = tempfile::tempdir().unwrap();
    let config = format!("templates-dir = \"plantillas\"\n{}", config_text(""));
    std::fs::write(dir.path().join("cobrador.toml"), config).unwrap();
    init(dir.path());
    cobrador_ok(dir.path(), &["templates", "export", "plantillas"]);
    let tick = |dir: &Path| {
        let out = run_cobrador(dir, &["tick", "--now", "2026-11-23T09:00:00Z"], &[]);
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    assert!(!tick(dir.path()).contains("tells apart"));
    assert!(check(dir.path(), &[]).status.success());

    let path = dir.path().join("plantillas/_owner_alert_title.txt.hbs");
    let text = std::fs::read_to_string(&path).unwrap();
    let case = "{{#if (eq owner_alert.kind \"contact_changed\")}}El contacto ya no está en la empresa{{else}}";
    assert!(text.contains(case));
    let older = text.replacen(case, "", 1).replacen("{{/if}}", "", 1);
    std::fs::write(&path, older).unwrap();
    let named = "tells apart (eq owner_alert.kind \"contact_changed\")";
    let out = check(dir.path(), &[]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(named),
        "{out:?}"
    );
    let warned = tick(dir.path());
    assert!(
        warned.contains(named) && warned.contains("_owner_alert_title.txt.hbs"),
        "{warned}"
    );
}
