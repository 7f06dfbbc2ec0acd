//! `cobrador report --html FILE` end to end: the real binary writes the page from a real
//! database, and headless Chromium (Debian's `chromium`, installed by scripts/test.sh) loads it,
//! renders a screenshot into target/report.png and logs every network request it makes.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::{cobrador_ok, init_with_examples};

const CHROMIUM: &str = "/usr/bin/chromium";

/// The target directory (screenshots are kept there for a person to look at).
fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Runs headless Chromium on `page` with `mode` (`--screenshot=...` or `--dump-dom`), logging
/// the network to a file; returns (stdout, every URL the page asked for).
fn chromium(page: &Path, work: &Path, mode: &str) -> (String, Vec<String>) {
    assert!(
        Path::new(CHROMIUM).exists(),
        "{CHROMIUM} is missing: run scripts/test.sh as root, or apt-get install chromium"
    );
    let netlog = work.join(format!("netlog-{}.json", rand_suffix(mode)));
    let profile = work.join(format!("profile-{}", rand_suffix(mode)));
    let out = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            "--window-size=1000,2600",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--log-net-log={}", netlog.display()))
        .arg(mode)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("run chromium");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&netlog).unwrap())
        .unwrap_or_else(|e| {
            // Chromium may leave the final `]}` out when it exits fast; close it ourselves.
            let text = std::fs::read_to_string(&netlog).unwrap();
            let trimmed = text.trim_end().trim_end_matches(',');
            serde_json::from_str(&format!("{trimmed}]}}"))
                .unwrap_or_else(|_| panic!("unreadable net log {}: {e}", netlog.display()))
        });
    // Chromium's own background traffic (update checks, network time) belongs to no page; a
    // request the page makes carries the page's network partition, `file://`.
    let urls = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["params"]["network_isolation_key"]
                .as_str()
                .is_some_and(|k| k.starts_with("file://"))
        })
        .filter_map(|e| e["params"]["url"].as_str())
        .map(str::to_owned)
        .collect();
    (String::from_utf8_lossy(&out.stdout).into_owned(), urls)
}

fn rand_suffix(mode: &str) -> String {
    mode.chars()
        .filter(char::is_ascii_alphanumeric)
        .take(12)
        .collect()
}

fn external(urls: &[String]) -> Vec<&String> {
    urls.iter()
        .filter(|u| !u.starts_with("file:") && !u.starts_with("data:"))
        .collect()
}

#[test]
fn the_report_is_one_page_that_chromium_renders_without_any_request() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    init_with_examples(dir, &["clientes.csv", "facturas.csv", "pagos.csv"]);
    cobrador_ok(dir, &["tick", "--now", "2026-11-24T09:30:00Z"]);
    cobrador_ok(dir, &["invoice", "dispute", "F2026-118"]);
    cobrador_ok(
        dir,
        &[
            "agreement",
            "promise",
            "F2026-131",
            "2026-11-30",
            "--now",
            "2026-11-24T16:00:00Z",
        ],
    );
    let page = dir.join("informe.html");
    let out = cobrador_ok(
        dir,
        &[
            "report",
            "--html",
            page.to_str().unwrap(),
            "--now",
            "2026-11-25T17:00:00Z",
        ],
    );
    assert!(out.contains("informe.html"), "{out}");
    let html = std::fs::read_to_string(&page).unwrap();

    // Self-contained: nothing that could reach outside the file.
    for needle in [
        "http://", "https://", "src=", "href=", "url(", "@import", "<script", "<link",
    ] {
        assert!(!html.contains(needle), "the page contains {needle:?}");
    }
    // Spanish labels, es-ES amounts (the example business), every section.
    for want in [
        "<html lang=\"es\">",
        "Informe de cobros",
        "Clientes que necesitan a una persona",
        "Factura F2026-118 en disputa",
        "Saldos pendientes por antigüedad",
        "8.450,00 €",
        "3.200,50 €",
        "18.500,00 MXN",
        "Cobrado por semana",
        "860,00 €",
        "Promesas de pago",
        "Respuestas por intención",
        "Primer recordatorio",
        "Tasa de respuesta",
        "<svg",
    ] {
        assert!(html.contains(want), "missing {want:?}");
    }

    // Chromium parses it (the DOM has the charts) and asks for nothing but the file itself.
    let (dom, urls) = chromium(&page, dir, "--dump-dom");
    assert!(dom.contains("Saldos pendientes por antigüedad"), "{dom}");
    assert!(dom.matches("<svg").count() >= 4, "{dom}");
    assert!(external(&urls).is_empty(), "requests: {urls:?}");

    let shot = target_dir().join("report.png");
    let _ = std::fs::remove_file(&shot);
    let (_, urls) = chromium(&page, dir, &format!("--screenshot={}", shot.display()));
    assert!(external(&urls).is_empty(), "requests: {urls:?}");
    let png = std::fs::read(&shot).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert!(
        png.len() > 20_000,
        "a blank screenshot? {} bytes",
        png.len()
    );

    // The request log does see a page that loads something (so the check above can fail).
    let leaky = dir.join("leaky.html");
    std::fs::write(
        &leaky,
        "<!DOCTYPE html><html><body><img src=\"http://127.0.0.1:9/pixel.png\"></body></html>",
    )
    .unwrap();
    let (_, urls) = chromium(&leaky, dir, "--dump-dom");
    assert!(
        external(&urls).iter().any(|u| u.contains("127.0.0.1:9")),
        "the net log missed a request: {urls:?}"
    );
}
