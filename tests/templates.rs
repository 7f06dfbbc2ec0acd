//! Templates an owner edits: `templates export`, `preview --templates DIR`, and syntax errors
//! reported at the line that is wrong, with a Spanish hint (the real binary, a real database).

use std::path::Path;
use std::process::{Command, Output};

fn cobrador(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cobrador"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run cobrador")
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = cobrador(dir, args);
    assert!(
        out.status.success(),
        "cobrador {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn an_owner_exports_edits_previews_and_is_told_where_a_mistake_is() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    ok(dir, &["init"]);
    for (kind, file) in [("clients", "clientes.csv"), ("invoices", "facturas.csv")] {
        ok(
            dir,
            &["import", kind, examples.join(file).to_str().unwrap()],
        );
    }

    let out = ok(dir, &["templates", "export", "plantillas"]);
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
    let again = cobrador(dir, &["templates", "export", "plantillas"]);
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
    let with = ok(dir, &[&args[..], &["--templates", "plantillas"]].concat());
    assert!(with.contains("Le escribe Lucía personalmente"), "{with}");
    assert!(
        with.contains("Construcciones Ebro") || with.contains("Marta"),
        "{with}"
    );
    let without = ok(dir, &args);
    assert!(!without.contains("Le escribe Lucía"), "{without}");

    // An unclosed {{#if}} on line 3: reported at line 3 of that file, in words, not a dump.
    let mut lines: Vec<&str> = edited.lines().collect();
    lines.insert(2, "{{#if client.tuteo}}Hola de nuevo.");
    std::fs::write(&body, lines.join("\n")).unwrap();
    let broken = cobrador(dir, &[&args[..], &["--templates", "plantillas"]].concat());
    assert!(!broken.status.success());
    let err = String::from_utf8_lossy(&broken.stderr);
    assert!(
        err.contains("early.email.txt.hbs:3: invalid template: el bloque «{{#if client.tuteo}}» no se cierra: añada «{{/if}}»"),
        "{err}"
    );
    assert!(!err.contains("expected escape"), "{err}");
}
