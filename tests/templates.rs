//! Templates an owner edits: `templates export`, `preview --templates DIR`, and syntax errors
//! reported at the line that is wrong, with a Spanish hint (the real binary, a real database).

mod support;

use std::path::Path;

use support::{cobrador_ok, init_with_examples, run_cobrador};

#[test]
fn an_owner_exports_edits_previews_and_is_told_where_a_mistake_is() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    init_with_examples(dir, &["clientes.csv", "facturas.csv"]);

    let out = cobrador_ok(dir, &["templates", "export", "plantillas"]);
    assert!(out.contains("templates-dir = \"plantillas\""), "{out}");
    let tpl = dir.join("plantillas");
    let body = tpl.join("early.email.txt.hbs");
    let default = std::fs::read_to_string(&body).unwrap();
    let shipped = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/es/early.email.txt.hbs"),
    )
    .unwrap();
    assert_eq!(default, shipped, "the export is the default, byte for byte");
    assert!(tpl.join("LEEME.txt").exists());
    assert!(tpl.join("_signature.txt.hbs").exists());

    // A second export does not overwrite the owner's edits.
    let again = run_cobrador(dir, &["templates", "export", "plantillas"], &[]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));

    // An edit shows in the preview from that directory, and only there.
    let edited = default.replacen(
        "Según nuestros registros",
        "Le escribe Lucía personalmente: según nuestros registros",
        1,
    );
    assert_ne!(edited, default);
    std::fs::write(&body, &edited).unwrap();
    let args = ["preview", "--client", "C001", "--stage", "early"];
    let with = cobrador_ok(dir, &[&args[..], &["--templates", "plantillas"]].concat());
    assert!(with.contains("Le escribe Lucía personalmente"), "{with}");
    assert!(
        with.contains("Construcciones Ebro") || with.contains("Marta"),
        "{with}"
    );
    let without = cobrador_ok(dir, &args);
    assert!(!without.contains("Le escribe Lucía"), "{without}");
    // walk27: the text edited and not its HTML twin (what Gmail and Outlook show): the email
    // goes as plain text, so that the client reads the owner's words; untouched, it has both.
    assert!(without.contains("HTML alternative"), "{without}");
    assert!(!with.contains("HTML alternative"), "{with}");
    assert!(with.contains("Content-Type: text/plain"), "{with}");

    // An unclosed {{#if}} on line 3: reported at line 3 of that file, in words, not a dump.
    let mut lines: Vec<&str> = edited.lines().collect();
    lines.insert(2, "{{#if client.tuteo}}Hola de nuevo.");
    std::fs::write(&body, lines.join("\n")).unwrap();
    let broken = run_cobrador(
        dir,
        &[&args[..], &["--templates", "plantillas"]].concat(),
        &[],
    );
    assert!(!broken.status.success());
    let err = String::from_utf8_lossy(&broken.stderr);
    assert!(
        err.contains("early.email.txt.hbs:3: invalid template: el bloque «{{#if client.tuteo}}» no se cierra: añada «{{/if}}»"),
        "{err}"
    );
    assert!(!err.contains("expected escape"), "{err}");
}
