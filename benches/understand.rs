//! Throughput of `understand` over the case tables, on one thread, and the time for one huge
//! reply (5 MB).
//!
//! Run with `cargo bench --bench understand`. Prints replies per second and milliseconds.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use cobrador::understand::understand;

/// The case tables (tests/fixtures/understand/*.txt): replies as clients write them.
const TABLES: &[&str] = &[
    include_str!("../tests/fixtures/understand/spain.txt"),
    include_str!("../tests/fixtures/understand/latam.txt"),
    include_str!("../tests/fixtures/understand/promise_indirect.txt"),
    include_str!("../tests/fixtures/understand/reschedule.txt"),
    include_str!("../tests/fixtures/understand/periods.txt"),
    include_str!("../tests/fixtures/understand/conditions.txt"),
    include_str!("../tests/fixtures/understand/plan_requests.txt"),
    include_str!("../tests/fixtures/understand/paid.txt"),
    include_str!("../tests/fixtures/understand/disputes.txt"),
    include_str!("../tests/fixtures/understand/auto_replies.txt"),
    include_str!("../tests/fixtures/understand/date_forms.txt"),
    include_str!("../tests/fixtures/understand/text_forms.txt"),
    include_str!("../tests/fixtures/understand/negatives.txt"),
    include_str!("../tests/fixtures/understand/writers.txt"),
];

/// The reply text of every row (the last ` | ` field, with `\n` unescaped).
fn corpus() -> Vec<String> {
    TABLES
        .iter()
        .flat_map(|t| t.lines())
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.splitn(4, " | ").nth(3))
        .map(|t| t.replace("\\n", "\n"))
        .collect()
}

/// CPU seconds this thread has used (Linux: /proc/thread-self/stat, in 1/100 s), so the
/// figure holds on a busy machine where wall time would count other processes' turns.
fn thread_cpu_secs() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 / 100.0)
}

fn main() {
    // `cargo test --all-targets` also runs bench targets: measure only under `cargo bench`.
    if !std::env::args().any(|a| a == "--bench") {
        println!("understand benchmark: run it with `cargo bench --bench understand`");
        return;
    }
    let now: DateTime<Utc> = DateTime::from_timestamp(1_795_000_000, 0).unwrap_or_default();
    let tz = chrono_tz::Europe::Madrid;
    let corpus = corpus();
    // Warm up the lexicon and the caches.
    for t in &corpus {
        black_box(understand(t, now, tz));
    }
    let mut n: u64 = 0;
    let cpu_start = thread_cpu_secs();
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(3) {
        for t in &corpus {
            black_box(understand(black_box(t), now, tz));
            n += 1;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let cpu = cpu_start.zip(thread_cpu_secs()).map(|(a, b)| b - a);
    let bytes: usize = corpus.iter().map(String::len).sum();
    println!(
        "understand: {n} replies in {secs:.2} s = {:.0} replies/s (one thread; case tables, {} replies, mean {} bytes)",
        n as f64 / secs,
        corpus.len(),
        bytes / corpus.len().max(1)
    );
    if let Some(cpu) = cpu.filter(|c| *c > 0.0) {
        println!(
            "understand: {:.0} replies per CPU second ({cpu:.2} s of CPU for {secs:.2} s of wall time)",
            n as f64 / cpu
        );
    }
    // One 5 MB reply full of weekday names (the old quadratic case) and one 5 MB line.
    let weekdays = format!(
        "Le pago el viernes.\n{}",
        "el lunes o el martes o el miércoles o el jueves, ".repeat(110_000)
    );
    let one_line = "ñ".repeat(2_700_000);
    for (name, text) in [("weekdays", &weekdays), ("one line", &one_line)] {
        let cpu_start = thread_cpu_secs();
        let start = Instant::now();
        let r = black_box(understand(black_box(text), now, tz));
        let wall = start.elapsed().as_secs_f64() * 1e3;
        let cpu = cpu_start
            .zip(thread_cpu_secs())
            .map_or(String::new(), |(a, b)| {
                format!(", {:.0} ms of CPU", (b - a) * 1e3)
            });
        println!(
            "understand: a {:.1} MB reply ({name}) in {wall:.1} ms{cpu} -> {}",
            text.len() as f64 / 1e6,
            r.intent
        );
    }
}
