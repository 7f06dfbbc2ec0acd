//! The real binary, run the one way every test runs it: in the test's directory, with
//! `--config DIR/cobrador.toml`, so that no configuration found elsewhere on the machine (the
//! working directory's, `/etc/cobrador/config.toml`) can leak into a test.
//!
//! - [`cobrador_cmd`]: the `Command`, for a test that spawns, pipes stdin or kills it.
//! - [`run_cobrador`]: runs it to the end and returns its `Output`, failure included.
//! - [`cobrador_ok`]: the same, failing the test (with stdout and stderr) unless it succeeds.
//! - [`run_with_stdin`], [`parse_reply`]: with standard input.
//! - [`generated_book_in`]: a generated book (`cobrador bench gen`) and its configuration.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The binary with `--config DIR/cobrador.toml`, run in `dir`; add the arguments.
pub fn cobrador_cmd(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cobrador"));
    cmd.current_dir(dir)
        .arg("--config")
        .arg(dir.join("cobrador.toml"));
    cmd
}

/// Runs the binary in `dir` (see [`cobrador_cmd`]) with `args` and extra environment.
pub fn run_cobrador(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    cobrador_cmd(dir)
        .args(args)
        .envs(env.iter().copied())
        .output()
        .expect("run cobrador")
}

/// Like [`run_cobrador`], and fails the test unless it succeeds; returns stdout.
pub fn cobrador_ok(dir: &Path, args: &[&str]) -> String {
    let out = run_cobrador(dir, args, &[]);
    assert!(
        out.status.success(),
        "cobrador {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs the binary in `dir` with `args`, `stdin` written to its standard input.
pub fn run_with_stdin(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = cobrador_cmd(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run cobrador");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

/// `cobrador parse-reply ARGS` reading `stdin`, in a fresh directory with the example
/// configuration; its JSON (the test fails unless it succeeds).
pub fn parse_reply(args: &[&str], stdin: &[u8]) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cobrador.toml"), cobrador::config::EXAMPLE).unwrap();
    let out = run_with_stdin(dir.path(), &[&["parse-reply"], args].concat(), stdin);
    assert!(
        out.status.success(),
        "parse-reply {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// stdout and stderr of a run, one after the other (what a person at the terminal reads).
pub fn all_output(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// `cobrador init` in `dir` (writing the example configuration to `dir/cobrador.toml` unless
/// one is there), then [`import_examples`].
pub fn init_with_examples(dir: &Path, files: &[&str]) {
    cobrador_ok(dir, &["init"]);
    import_examples(dir, files);
}

/// `cobrador import` of the named files of examples/: `clientes.csv`, `facturas.csv`,
/// `pagos.csv`.
pub fn import_examples(dir: &Path, files: &[&str]) {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    for file in files {
        let kind = match *file {
            "clientes.csv" => "clients",
            "facturas.csv" => "invoices",
            "pagos.csv" => "payments",
            other => panic!("init_with_examples: no example {other:?}"),
        };
        cobrador_ok(
            dir,
            &["import", kind, examples.join(file).to_str().unwrap()],
        );
    }
}

/// Waits until `done` (at most 60 s: the machine may be busy), checking every 100 ms.
pub fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A generated book of `clients` in `dir` (`cobrador bench gen`), with the example
/// configuration pointed at it and at a file outbox.
pub fn generated_book_in(dir: &Path, clients: usize) {
    let example =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config.example.toml"))
            .unwrap();
    let config: String = example
        .lines()
        .map(|l| match l {
            l if l.starts_with("database =") => "database = \"book.db\"".to_owned(),
            l if l.starts_with("outbox-dir =") => "outbox-dir = \"out\"".to_owned(),
            l => l.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(dir.join("cobrador.toml"), config).unwrap();
    let n = clients.to_string();
    let out = dir.join("book.db");
    let args = [
        "bench",
        "gen",
        "--clients",
        &n,
        "--now",
        "2026-11-24T09:00:00Z",
        "--out",
    ];
    let status = cobrador_cmd(dir)
        .args(args)
        .arg(&out)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
}
