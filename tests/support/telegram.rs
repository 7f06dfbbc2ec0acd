//! The fake Bot API server (`fake_bot_api.py` beside this file), its test controls, and a
//! [`World`]: a database with two clients, a configuration pointing at the fake server.
//! Used by tests/telegram.rs and tests/telegram_delivery.rs (with `mod support;` declared).

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use cobrador::channel::Registry;
use cobrador::config::Config;
use cobrador::engine;
use cobrador::import::{self, Defaults, Kind};
use cobrador::render::Renderer;
use cobrador::sender::{self, FlushOptions};
use cobrador::store::{self, PromiseStatus, Store};
use cobrador::telegram::{self, link};
use serde_json::{Value, json};

/// A running fake Bot API server on 127.0.0.1; killed on drop.
pub struct FakeBotApi {
    child: Child,
    /// Its port.
    pub port: u16,
    /// The port of the test controls (the same one unless the API is served over TLS).
    pub control_port: u16,
    tls: bool,
    token: String,
}

impl FakeBotApi {
    /// Starts the server accepting `token`.
    pub fn start(dir: &Path, token: &str) -> FakeBotApi {
        FakeBotApi::start_with(dir, token, &[])
    }

    /// Starts the server over TLS with this certificate and key.
    pub fn start_tls(dir: &Path, token: &str, cert: &Path, key: &Path) -> FakeBotApi {
        let (cert, key) = (cert.to_str().unwrap(), key.to_str().unwrap());
        FakeBotApi::start_with(dir, token, &["--tls-cert", cert, "--tls-key", key])
    }

    fn start_with(dir: &Path, token: &str, args: &[&str]) -> FakeBotApi {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/fake_bot_api.py");
        let stderr = std::fs::File::create(dir.join("fake_bot_api.stderr")).unwrap();
        let mut child = Command::new("/usr/bin/python3")
            .arg(&script)
            .args([
                "--port",
                "0",
                "--token",
                token,
                "--username",
                "CobrosPradoBot",
            ])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("cannot run /usr/bin/python3");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx
            .recv_timeout(StdDuration::from_secs(60))
            .unwrap_or_default();
        let ports: Vec<u16> = line
            .trim()
            .strip_prefix("READY ")
            .map(|p| p.split(' ').filter_map(|n| n.parse().ok()).collect())
            .unwrap_or_default();
        let &[port, control_port] = ports.as_slice() else {
            let _ = child.kill();
            panic!(
                "fake_bot_api.py did not start: {}",
                std::fs::read_to_string(dir.join("fake_bot_api.stderr")).unwrap_or_default()
            );
        };
        FakeBotApi {
            child,
            port,
            control_port,
            tls: args.contains(&"--tls-cert"),
            token: token.to_owned(),
        }
    }

    /// `api-url` for the configuration.
    pub fn url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://127.0.0.1:{}", self.port)
    }

    /// One control request.
    pub fn control(&self, cmd: &str, body: Value) -> Value {
        let body = body.to_string();
        let mut s = TcpStream::connect(("127.0.0.1", self.control_port)).unwrap();
        write!(
            s,
            "POST /control/{cmd} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut raw = String::new();
        s.read_to_string(&mut raw).unwrap();
        let (_, json) = raw.split_once("\r\n\r\n").unwrap();
        serde_json::from_str(json).unwrap()
    }

    /// A Bot API call with this bot's token, as another program would make it (a
    /// `setWebhook`, say); the server's JSON answer.
    pub fn api(&self, method: &str, params: Value) -> Value {
        assert!(!self.tls, "plain HTTP only");
        let body = params.to_string();
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            s,
            "POST /bot{}/{method} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.token,
            body.len()
        )
        .unwrap();
        // The server keeps Bot API connections open: read up to the answer's length.
        let mut reader = BufReader::new(s);
        let mut length = 0;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap();
            }
            if line == "\r\n" {
                break;
            }
        }
        let mut json = vec![0; length];
        reader.read_exact(&mut json).unwrap();
        serde_json::from_slice(&json).unwrap()
    }

    /// The client types `text` in `chat` (optionally replying to our message).
    pub fn text(&self, chat: i64, text: &str, reply_to: Option<i64>) -> i64 {
        self.control(
            "text",
            json!({ "chat_id": chat, "text": text, "reply_to_message_id": reply_to }),
        )["update_id"]
            .as_i64()
            .unwrap()
    }

    /// Like [`FakeBotApi::text`], returning the client's message id (to edit it).
    pub fn text_message(&self, chat: i64, text: &str, reply_to: Option<i64>) -> i64 {
        self.control(
            "text",
            json!({ "chat_id": chat, "text": text, "reply_to_message_id": reply_to }),
        )["message_id"]
            .as_i64()
            .unwrap()
    }

    /// The client edits its message `message_id` to say `text`; the update's id, `None` when
    /// the bot's `allowed_updates` leaves edits out (Telegram then creates no update).
    pub fn edit(&self, chat: i64, message_id: i64, text: &str) -> Option<i64> {
        let r = self.control(
            "edit",
            json!({ "chat_id": chat, "message_id": message_id, "text": text }),
        );
        assert!(r.get("error").is_none(), "{r}");
        r["update_id"].as_i64()
    }

    /// An update of any shape (its `update_id` assigned by the server); returns the id.
    pub fn raw(&self, update: Value) -> i64 {
        self.control("raw", json!({ "update": update }))["update_id"]
            .as_i64()
            .unwrap()
    }

    /// The client sends a photo (`kind` "photo") or a PDF ("document"), with an optional
    /// caption; returns the client's message id.
    pub fn attach(&self, chat: i64, kind: &str, caption: Option<&str>) -> i64 {
        self.control(
            "attach",
            json!({ "chat_id": chat, "kind": kind, "caption": caption }),
        )["message_id"]
            .as_i64()
            .unwrap()
    }

    /// The client sends an album of `n` photos (one `media_group_id`), `caption` on the first.
    pub fn album(&self, chat: i64, n: usize, caption: Option<&str>) -> Vec<i64> {
        (0..n)
            .map(|i| {
                self.control(
                    "attach",
                    json!({ "chat_id": chat, "kind": "photo", "media_group_id": "13579",
                            "caption": if i == 0 { caption } else { None } }),
                )["message_id"]
                    .as_i64()
                    .unwrap()
            })
            .collect()
    }

    /// What was forwarded, in order.
    pub fn forwards(&self) -> Vec<Value> {
        self.state()["forwards"].as_array().unwrap().clone()
    }

    /// The client presses a button with `data` under our message `message_id`.
    pub fn press(&self, chat: i64, message_id: i64, data: &str) -> i64 {
        self.control(
            "press",
            json!({ "chat_id": chat, "message_id": message_id, "data": data }),
        )["update_id"]
            .as_i64()
            .unwrap()
    }

    /// The next `times` calls of `method` fail with `code`.
    pub fn fail(
        &self,
        method: &str,
        code: i64,
        description: &str,
        retry_after: Option<i64>,
        times: i64,
    ) {
        self.control(
            "fail",
            json!({ "method": method, "code": code, "description": description,
                    "retry_after": retry_after, "times": times }),
        );
    }

    /// The next message to `chat` is refused with `code` and `description` (and, for a group
    /// that became a supergroup, `migrate_to_chat_id`).
    pub fn refuse_in(&self, chat: i64, code: i64, description: &str, migrate_to: Option<i64>) {
        self.control(
            "fail",
            json!({ "method": "sendMessage", "code": code, "description": description,
                    "times": 1, "chat_id": chat, "migrate_to_chat_id": migrate_to }),
        );
    }

    /// The next message to `chat` is refused with 429, Telegram asking to wait `secs` seconds.
    pub fn too_many_in(&self, chat: i64, secs: i64) {
        self.control(
            "fail",
            json!({ "method": "sendMessage", "code": 429, "retry_after": secs, "times": 1,
                    "description": format!("Too Many Requests: retry after {secs}"),
                    "chat_id": chat }),
        );
    }

    /// The next `times` calls of `method` are answered `seconds` late.
    pub fn slow(&self, method: &str, seconds: f64, times: i64) {
        self.control(
            "slow",
            json!({ "method": method, "seconds": seconds, "times": times }),
        );
    }

    /// Everything the server saw and sent.
    pub fn state(&self) -> Value {
        self.control("state", json!({}))
    }

    /// Messages the bot sent, in order.
    pub fn sent(&self) -> Vec<Value> {
        self.state()["sent"].as_array().unwrap().clone()
    }

    /// Messages the bot sent to one chat.
    pub fn sent_to(&self, chat: i64) -> Vec<Value> {
        self.sent()
            .into_iter()
            .filter(|m| m["chat_id"] == chat)
            .collect()
    }

    /// How many messages the bot sent to `chat` say `words`.
    pub fn count_to(&self, chat: i64, words: &str) -> usize {
        self.sent_to(chat)
            .iter()
            .filter(|m| m["plain"].as_str().unwrap_or("").contains(words))
            .count()
    }

    /// Bot API calls of one method, in order.
    pub fn calls(&self, method: &str) -> Vec<Value> {
        self.state()["calls"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["method"] == method)
            .cloned()
            .collect()
    }
}

impl Drop for FakeBotApi {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The texts of the inline buttons of a sent message, row by row flattened.
pub fn button_texts(msg: &Value) -> Vec<String> {
    buttons(msg).into_iter().map(|(t, _)| t).collect()
}

/// `(text, callback_data)` of every inline button of a sent message.
pub fn buttons(msg: &Value) -> Vec<(String, String)> {
    msg["reply_markup"]["inline_keyboard"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .flat_map(|r| r.as_array().cloned().unwrap_or_default())
                .map(|b| {
                    (
                        b["text"].as_str().unwrap_or_default().to_owned(),
                        b["callback_data"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

pub const TOKEN: &str = "123456:TEST-fake-token";
pub const ANA: i64 = 5001;
pub const BRUNO: i64 = 5002;
pub const STRANGER: i64 = 5003;
/// The owner's own chat (`telegram.owner-chat-id`).
pub const OWNER: i64 = 9000;

/// Tuesday 1 December 2026, 10:30 in Madrid (within the default contact hours).
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 9, 30, 0).unwrap()
}

pub fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
}

pub struct World {
    pub dir: tempfile::TempDir,
    pub bot: FakeBotApi,
    pub config: Config,
    pub store: Store,
}

impl World {
    pub fn new() -> World {
        World::with("")
    }

    /// A world whose configuration also has `extra` (TOML tables, e.g. `[daemon]`).
    pub fn with(extra: &str) -> World {
        let dir = tempfile::tempdir().unwrap();
        // The clients' messages are dated three days before the tests' `now()`, whatever day
        // the tests run: more than the 36 hours within which a message's own date is believed
        // (`domain::received_at`), so that every reply is read at the clock's now, as the
        // tests expect. (With the real time, the tests changed their outcome in the 36 hours
        // before `now()`.)
        let clock = (now() - Duration::days(3)).timestamp().to_string();
        let bot = FakeBotApi::start_with(dir.path(), TOKEN, &["--clock", &clock]);
        std::fs::write(dir.path().join("token"), format!("{TOKEN}\n")).unwrap();
        let text = format!(
            "database = {:?}\n{}",
            dir.path().join("cobrador.db"),
            crate::support::config_text(&format!(
                "[email]\noutbox-dir = {:?}\n\n[telegram]\nbot-username = \"CobrosPradoBot\"\n\
                 token-file = {:?}\napi-url = \"{}\"\nowner-chat-id = {OWNER}\n\n{extra}",
                dir.path().join("outbox"),
                dir.path().join("token"),
                bot.url()
            ))
        );
        let path = dir.path().join("cobrador.toml");
        std::fs::write(&path, text).unwrap();
        let config = Config::load(&path).unwrap();
        let mut store = Store::open(&config.database).unwrap();
        let defaults = Defaults::from_config(&config);
        let clients = "codigo;nombre;pais;comunidad;tipo;trato;email;contacto\n\
            C1;Café La Latina;ES;MD;b2b;usted;pagos@lalatina.example;Ana Ruiz\n\
            C2;Bodegas Norte;ES;MD;b2b;usted;admin@norte.example;Bruno Gil\n";
        let invoices = "numero;cliente;fecha;vencimiento;importe;moneda\n\
            F-1;C1;20/10/2026;25/11/2026;860,00;EUR\n\
            F-2;C2;20/10/2026;25/11/2026;1.200,00;EUR\n";
        let t = now() - Duration::days(1);
        import::import_bytes(
            &mut store,
            Kind::Clients,
            "c.csv",
            clients.as_bytes(),
            &defaults,
            false,
            t,
        )
        .unwrap();
        import::import_bytes(
            &mut store,
            Kind::Invoices,
            "i.csv",
            invoices.as_bytes(),
            &defaults,
            false,
            t,
        )
        .unwrap();
        World {
            dir,
            bot,
            config,
            store,
        }
    }

    pub async fn poll(&mut self, at: DateTime<Utc>) -> telegram::PollReport {
        telegram::poll_once(&self.config, &mut self.store, at)
            .await
            .unwrap()
    }

    pub async fn flush(&mut self, at: DateTime<Utc>) -> sender::FlushReport {
        let channels = Registry::from_config(&self.config).unwrap();
        let opts = FlushOptions::for_config(&self.config);
        let flushed = sender::flush_all(&mut self.store, &channels, &self.config, at, &opts)
            .await
            .unwrap();
        // As `tick` and `telegram poll --once` do: the answers that waited for what was sent.
        telegram::deliver_after_sends(&self.config, &mut self.store, at)
            .await
            .unwrap();
        flushed
    }

    /// Links `chat` to `client` through a deep link, as the client would.
    pub async fn link(&mut self, client: &str, chat: i64) {
        let l = link::create_link(&mut self.store, &self.config, client, None, now()).unwrap();
        let token = l.url.split("start=").nth(1).unwrap().to_owned();
        self.bot.text(chat, &format!("/start {token}"), None);
        let r = self.poll(now()).await;
        assert_eq!(r.outcomes, ["linked"], "{r:?}");
    }

    /// Links `chat` to `client` and sends it its reminder: the reminder and its message id.
    pub async fn reminded(&mut self, client: &str, chat: i64) -> (serde_json::Value, i64) {
        self.link(client, chat).await;
        let reminder = self.remind(chat).await;
        let mid = reminder["message_id"].as_i64().unwrap();
        (reminder, mid)
    }

    /// Plans and sends what is due; returns the reminder sent to `chat`.
    pub async fn remind(&mut self, chat: i64) -> serde_json::Value {
        let renderer = Renderer::new(None).unwrap();
        let q = engine::queue_due(&mut self.store, &self.config, &renderer, now()).unwrap();
        assert!(q.errors.is_empty(), "{:?}", q.errors);
        let f = self.flush(now()).await;
        assert!(f.sent >= 1, "{f:?}");
        self.bot.sent_to(chat).last().cloned().unwrap()
    }

    pub fn contact_of(&self, client: &str) -> cobrador::domain::Contact {
        store::clients::for_client(self.store.conn(), client)
            .unwrap()
            .remove(0)
    }

    pub fn invoice(&self, number: &str) -> cobrador::domain::Invoice {
        store::invoices::get(self.store.conn(), number)
            .unwrap()
            .unwrap()
    }

    pub fn pending_promises(&self) -> Vec<store::Promise> {
        store::promises::all(self.store.conn())
            .unwrap()
            .into_iter()
            .filter(|p| p.status == PromiseStatus::Pending)
            .collect()
    }

    pub fn events(&self, kind: &str) -> Vec<store::Event> {
        ["C1", "C2"]
            .iter()
            .flat_map(|c| store::events::for_client(self.store.conn(), c, None).unwrap())
            .filter(|e| e.kind == kind)
            .collect()
    }

    pub fn responses(&self) -> Vec<store::StoredResponse> {
        store::responses::list(self.store.conn(), false).unwrap()
    }
}

/// Waits (without blocking the test's runtime: the poller may run on it) until `done`, at most
/// a minute.
pub async fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let started = std::time::Instant::now();
    while !done() {
        assert!(
            started.elapsed() < StdDuration::from_secs(60),
            "timed out waiting for {what}"
        );
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
}

/// Seconds since the Unix epoch, as the fake server stamps its calls (`at`).
pub fn epoch_secs() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

pub fn data_of(msg: &serde_json::Value, text: &str) -> String {
    buttons(msg)
        .into_iter()
        .find(|(t, _)| t.starts_with(text))
        .unwrap_or_else(|| panic!("no button {text:?} in {msg}"))
        .1
}
