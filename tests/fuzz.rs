//! Fuzzing on the stable toolchain: a mutation-based driver over committed seed corpora.
//!
//! cargo-fuzz needs nightly, which a new machine does not have; this driver needs nothing but
//! `fastrand`. For each target it replays every file in `tests/fuzz-corpus/<target>/` (real
//! replies, real `.eml` messages, the example CSV files and configurations, and every input
//! that ever failed), then mutates them (bit flips, random bytes, deleted, duplicated and
//! spliced ranges, target-specific tokens such as `boundary=`, `;`, `viernes`) for a set time
//! and feeds each mutant to the target under `catch_unwind`. A panic is a failure: the input
//! is written to `target/fuzz-failures/<target>/` and the test fails; committing it to the
//! corpus makes it a regression test for ever.
//!
//! - `COBRADOR_FUZZ_SECS` (default 2): seconds per target; scripts/faults.sh --long uses 600.
//! - `COBRADOR_FUZZ_SEED`: reproduce a run (the seed is printed).
//! - `COBRADOR_FUZZ_ONLY=mime`: one target.
//!
//! Executions, failures and the slowest input per target are printed (`-- --nocapture`) and
//! recorded in BENCHMARKS.md ("Faults and fuzzing").

mod support;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cobrador::bank;
use cobrador::config::Config;
use cobrador::import::{Kind, import_bytes};
use cobrador::mail::mime;
use cobrador::store::Store;
use cobrador::understand::understand;

/// Mutants are kept below this size: the point is odd shapes, not volume (the hostile-input
/// suite does volume).
const MAX_INPUT: usize = 64 * 1024;

/// Feeds one input to the code under test; only a panic matters.
type Run = Box<dyn FnMut(&[u8])>;

struct Target {
    name: &'static str,
    tokens: &'static [&'static [u8]],
    run: Run,
}

fn targets() -> Vec<Target> {
    let now = support::utc("2026-11-18 15:00");
    let mut store = Store::open_in_memory().unwrap();
    let defaults = support::import_defaults();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    for (kind, file) in [
        (Kind::Clients, "clientes.csv"),
        (Kind::Invoices, "facturas.csv"),
        (Kind::Payments, "pagos.csv"),
    ] {
        let bytes = std::fs::read(examples.join(file)).unwrap();
        import_bytes(&mut store, kind, file, &bytes, &defaults, false, now).unwrap();
    }
    let mut bank_store = Store::open_in_memory().unwrap();
    for (kind, file) in [
        (Kind::Clients, "clientes.csv"),
        (Kind::Invoices, "facturas.csv"),
    ] {
        let bytes = std::fs::read(examples.join(file)).unwrap();
        import_bytes(&mut bank_store, kind, file, &bytes, &defaults, false, now).unwrap();
    }
    vec![
        Target {
            name: "understand",
            tokens: &[
                b"el ",
                b"viernes",
                b"lunes",
                b"pago",
                b"pagado",
                b"15/12",
                b"de diciembre",
                b"semana que viene",
                b"fin de mes",
                b"ma\xc3\xb1ana",
                b"no reconozco",
                b"> ",
                b"\n-- \n",
                b"1.234,56 \xe2\x82\xac",
                b"plan de pagos",
                b"baja",
                b" ",
            ],
            run: Box::new(move |input| {
                let text = String::from_utf8_lossy(input);
                let _ = understand(&text, now, chrono_tz::Europe::Madrid);
            }),
        },
        Target {
            name: "mime",
            tokens: &[
                b"\r\n",
                b"\r\n\r\n",
                b"--",
                b"--B1",
                b"boundary=\"B1\"",
                b"Content-Type: multipart/mixed; boundary=\"B1\"\r\n",
                b"Content-Type: message/rfc822\r\n",
                b"Content-Transfer-Encoding: base64\r\n",
                b"Content-Transfer-Encoding: quoted-printable\r\n",
                b"=?utf-8?b?",
                b"?=",
                b"charset=",
                b"=C3=A1",
                b"=\r\n",
                b"In-Reply-To: <",
                b">",
                b"Date: ",
            ],
            run: Box::new(|input| {
                if let Some(mail) = mime::parse(input) {
                    let _ = (mail.text.len(), mail.references.len(), mail.subject);
                }
            }),
        },
        Target {
            name: "csv",
            tokens: &[
                b";",
                b",",
                b"\t",
                b"\"",
                b"\r\n",
                b"\n",
                b"1.234,56",
                b"12345678901234567890123456789",
                b"importe",
                b"numero;cliente;fecha;vencimiento;importe\n",
                b"id;name;email\n",
                b"C001",
                b"F2026-101",
                b"01/10/2026",
                b"\xef\xbb\xbf",
                b"@",
                b"<",
                b"\r",
            ],
            run: Box::new(move |input| {
                let kind = match input.first().map(|b| b % 3) {
                    Some(0) => Kind::Clients,
                    Some(1) => Kind::Invoices,
                    _ => Kind::Payments,
                };
                let _ = import_bytes(&mut store, kind, "fuzz.csv", input, &defaults, true, now);
            }),
        },
        Target {
            name: "bank",
            tokens: &[
                b"\r\n",
                b"22    0216261103261103020992",
                b"2301",
                b"33",
                b"88",
                b"00000000121000",
                b"<Ntry>",
                b"</Ntry>",
                b"<Amt Ccy=\"EUR\">",
                b"CRDT",
                b"&amp;",
                b"&#241;",
                b"<![CDATA[",
                b"F2026-101",
            ],
            run: Box::new(move |input| {
                let _ = bank::import_bytes(&mut bank_store, "fuzz.n43", input, true, now);
            }),
        },
        Target {
            name: "config",
            tokens: &[
                b"[",
                b"]",
                b"[[",
                b"]]",
                b" = ",
                b"\"",
                b"\n",
                b"[email.smtp]\n",
                b"port = ",
                b"99999999999999999999",
                b"-1",
                b"hours = \"25:00-09:00\"\n",
                b"[limits]\n",
                b"time-zone = \"Mars/Olympus\"\n",
                b"offset-days = ",
                b"[[reminders.ladder]]\n",
            ],
            run: Box::new(|input| {
                let text = String::from_utf8_lossy(input);
                if let Ok(config) = Config::parse(&text, "fuzz.toml") {
                    let _ = config.validate();
                }
            }),
        },
    ]
}

fn corpus(name: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz-corpus")
        .join(name);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

fn mutate(rng: &mut fastrand::Rng, seeds: &[Vec<u8>], tokens: &[&[u8]]) -> Vec<u8> {
    let mut data = seeds[rng.usize(..seeds.len())].clone();
    for _ in 0..rng.usize(1..=8) {
        let len = data.len();
        let at = rng.usize(..=len);
        match rng.u8(..8) {
            0 if len > 0 => {
                let i = rng.usize(..len);
                data[i] ^= 1 << rng.u8(..8);
            }
            1 if len > 0 => {
                let i = rng.usize(..len);
                data[i] = rng.u8(..);
            }
            2 => {
                let n = rng.usize(1..=16);
                let bytes: Vec<u8> = (0..n).map(|_| rng.u8(..)).collect();
                data.splice(at..at, bytes);
            }
            3 if len > 0 => {
                let end = (at + rng.usize(1..=64)).min(len);
                data.drain(at.min(end)..end);
            }
            4 if len > 0 => {
                // Duplicate a range many times: repetition is where quadratic code hides.
                let start = rng.usize(..len);
                let end = (start + rng.usize(1..=32)).min(len);
                let piece = data[start..end].to_vec();
                for _ in 0..rng.usize(1..=64) {
                    data.splice(at..at, piece.iter().copied());
                }
            }
            5 => {
                let other = &seeds[rng.usize(..seeds.len())];
                if !other.is_empty() {
                    let s = rng.usize(..other.len());
                    let e = (s + rng.usize(1..=256)).min(other.len());
                    data.splice(at..at, other[s..e].iter().copied());
                }
            }
            _ => {
                let token = tokens[rng.usize(..tokens.len())];
                data.splice(at..at, token.iter().copied());
            }
        }
        data.truncate(MAX_INPUT);
    }
    data
}

fn run_target(t: &mut Target, secs: u64, seed: u64) -> (u64, Vec<PathBuf>, Duration) {
    let seeds = corpus(t.name);
    let mut rng = fastrand::Rng::with_seed(seed);
    let out = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/fuzz-failures")
        .join(t.name);
    let mut failures = Vec::new();
    let mut slowest = Duration::ZERO;
    let mut execs = 0u64;
    let deadline = Instant::now() + Duration::from_secs(secs);
    // Every seed first (they include past failures: regression tests), then mutants.
    let mut replay = seeds.clone().into_iter();
    loop {
        let input = match replay.next() {
            Some(seed) => seed,
            None if Instant::now() < deadline => mutate(&mut rng, &seeds, t.tokens),
            None => break,
        };
        let start = Instant::now();
        let result = catch_unwind(AssertUnwindSafe(|| (t.run)(&input)));
        slowest = slowest.max(start.elapsed());
        execs += 1;
        if result.is_err() {
            std::fs::create_dir_all(&out).unwrap();
            let path = out.join(format!("{:016x}.bin", fastrand::u64(..)));
            std::fs::write(&path, &input).unwrap();
            failures.push(path);
            if failures.len() >= 20 {
                break;
            }
        }
    }
    (execs, failures, slowest)
}

#[test]
fn fuzz_targets_never_panic() {
    let secs: u64 = std::env::var("COBRADOR_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2);
    let seed: u64 = std::env::var("COBRADOR_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| fastrand::u64(..));
    let only = std::env::var("COBRADOR_FUZZ_ONLY").ok();
    eprintln!("fuzz seed {seed} (COBRADOR_FUZZ_SEED={seed} to reproduce), {secs} s per target");
    let quiet = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut report = Vec::new();
    for mut t in targets() {
        if only.as_deref().is_some_and(|o| o != t.name) {
            continue;
        }
        let (execs, failures, slowest) = run_target(&mut t, secs, seed);
        report.push((t.name, execs, failures, slowest));
    }
    std::panic::set_hook(quiet);
    let mut failed = Vec::new();
    for (name, execs, failures, slowest) in &report {
        eprintln!(
            "fuzz {name}: {execs} executions in {secs} s, {} failures, slowest input {:.1} ms",
            failures.len(),
            slowest.as_secs_f64() * 1000.0
        );
        failed.extend(failures.iter().map(|p| format!("{name}: {}", p.display())));
    }
    assert!(
        failed.is_empty(),
        "inputs that panicked (copy each into tests/fuzz-corpus/<target>/ once fixed):\n{}",
        failed.join("\n")
    );
}
