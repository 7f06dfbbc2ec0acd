//! Hostile input, each refused or handled with a clear message and bounded memory (issue 14):
//! a 50 MB email, MIME nested two thousand deep, an unknown charset, a CSV with a 10 MB field,
//! a 29-digit amount, templates that include each other, a 5 MB reply. The real binary runs
//! under an address-space limit (`ulimit -v`), so "bounded memory" is enforced, not hoped for,
//! and a crash (signal) is told apart from a clean refusal.

mod support;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use support::mail_fixture;

/// Address space for one command: generous for a debug binary, far below what unbounded
/// copies of a 50 MB input would take.
const MEMORY_LIMIT_KB: u64 = 1024 * 1024;

/// Runs `cobrador --config cobrador.toml ARGS` in `dir` with `stdin`, under
/// [`MEMORY_LIMIT_KB`] (the one runner that is not `support::cobrador_cmd`: the limit is set by
/// the shell that then becomes the binary).
fn run_limited(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut line = format!(
        "ulimit -v {MEMORY_LIMIT_KB} && exec '{}' --config cobrador.toml",
        env!("CARGO_BIN_EXE_cobrador")
    );
    for a in args {
        line.push_str(&format!(" '{a}'"));
    }
    let mut child = Command::new("/bin/sh")
        .arg("-c")
        .arg(line)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

/// Exited by itself (0 or a clean error), not killed by a signal (abort, stack overflow, OOM).
fn clean(out: &Output, what: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.code().is_some(),
        "{what}: killed by a signal ({:?}):\n{stderr}",
        out.status
    );
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
    assert!(!stderr.contains("memory allocation"), "{what}: {stderr}");
}

fn workdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cobrador.toml"), support::config_text("")).unwrap();
    let out = run_limited(dir.path(), &["init"], b"");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

fn reply_json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_50_mb_email_is_read_within_bounded_memory() {
    let dir = workdir();
    // A "ya está pagado" with a scanned PDF, its attachment grown to 50 MB.
    let fixture = mail_fixture("reply-paid-scanned-pdf.eml");
    let end = fixture.len() - b"--B1--\r\n".len();
    assert_eq!(&fixture[end..], b"--B1--\r\n");
    let line = b"JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFIvRmlsdGVyIC9GbGF0ZURlY29k\r\n";
    let mut raw = fixture[..end].to_vec();
    while raw.len() < 50 * 1024 * 1024 {
        raw.extend_from_slice(line);
    }
    raw.extend_from_slice(&fixture[end..]);
    let out = run_limited(dir.path(), &["parse-reply", "--eml"], &raw);
    clean(&out, "50 MB email");
    let v = reply_json(&out);
    assert_eq!(v["intent"], "paid", "{v}");
}

#[test]
fn mime_nested_two_thousand_deep_does_not_overflow_the_stack() {
    let dir = workdir();
    let depth = 2000;
    let mut raw = b"From: x@cliente.example\r\nSubject: anidado\r\nMIME-Version: 1.0\r\n".to_vec();
    for i in 0..depth {
        raw.extend_from_slice(
            format!("Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n")
                .as_bytes(),
        );
    }
    raw.extend_from_slice(b"Content-Type: text/plain\r\n\r\nLe pago el viernes.\r\n");
    for i in (0..depth).rev() {
        raw.extend_from_slice(format!("--b{i}--\r\n").as_bytes());
    }
    let out = run_limited(dir.path(), &["parse-reply", "--eml"], &raw);
    clean(&out, "nested MIME");
}

#[test]
fn an_unknown_charset_is_read_not_fatal() {
    let dir = workdir();
    let raw = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-corpus/mime/unknown_charset.eml"),
    )
    .unwrap();
    let out = run_limited(dir.path(), &["parse-reply", "--eml"], &raw);
    clean(&out, "unknown charset");
    reply_json(&out);
}

#[test]
fn a_csv_with_a_10_mb_field_is_refused_naming_the_line() {
    let dir = workdir();
    let mut csv = b"id;name;notes\nC1;Uno;corta\nC2;Dos;".to_vec();
    csv.extend(std::iter::repeat_n(b'x', 10 * 1024 * 1024));
    csv.extend_from_slice(b"\nC3;Tres;\n");
    std::fs::write(dir.path().join("big.csv"), &csv).unwrap();
    let out = run_limited(dir.path(), &["import", "clients", "big.csv"], b"");
    clean(&out, "10 MB field");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("big.csv:3: the value in column 3 (notes) is 10485760 bytes long"),
        "{stderr}"
    );
}

#[test]
fn a_29_digit_amount_is_refused_at_import() {
    let dir = workdir();
    std::fs::write(dir.path().join("c.csv"), "id;name\nC1;Uno\n").unwrap();
    assert!(
        run_limited(dir.path(), &["import", "clients", "c.csv"], b"")
            .status
            .success()
    );
    std::fs::write(
        dir.path().join("f.csv"),
        "numero;cliente;fecha;vencimiento;importe\nF1;C1;01/10/2026;01/11/2026;12345678901234567890123456789\n",
    )
    .unwrap();
    let out = run_limited(dir.path(), &["import", "invoices", "f.csv"], b"");
    clean(&out, "29-digit amount");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("f.csv:2: amount") && stderr.contains("limits.max-amount"),
        "{stderr}"
    );
}

#[test]
fn templates_that_include_each_other_are_refused_at_load() {
    let dir = workdir();
    let tpl = dir.path().join("tpl");
    std::fs::create_dir(&tpl).unwrap();
    std::fs::write(tpl.join("_reply.txt.hbs"), "Hola {{> _payment.txt}}\n").unwrap();
    std::fs::write(tpl.join("_payment.txt.hbs"), "Pago {{> _reply.txt}}\n").unwrap();
    std::fs::write(
        dir.path().join("cobrador.toml"),
        format!("templates-dir = \"tpl\"\n{}", support::config_text("")),
    )
    .unwrap();
    let out = run_limited(dir.path(), &["check"], b"");
    clean(&out, "template loop");
    assert!(!out.status.success());
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(all.contains("include each other in a loop"), "{all}");
}

/// Weekday words repeated over 5 MB: parsing must stay linear in the length (it is quadratic
/// in `understand` today, ~40 s; the understand engineer's fix makes this pass). Ignored until
/// then; scripts/faults.sh runs it with `--include-ignored`.
#[test]
#[ignore = "quadratic in understand until the understand fix lands; run by scripts/faults.sh"]
fn a_5_mb_reply_is_understood_within_bounded_memory() {
    let dir = workdir();
    let mut text = String::from("Le pago el viernes. ");
    while text.len() < 5 * 1024 * 1024 {
        text.push_str("el lunes o el martes, quizá el miércoles o el jueves; ");
    }
    let out = run_limited(
        dir.path(),
        &["parse-reply", "--now", "2026-11-18T15:00:00Z"],
        text.as_bytes(),
    );
    clean(&out, "5 MB reply");
    reply_json(&out);
}
