//! The fake Bot API server (`fake_bot_api.py` beside this file) and its test controls.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};

/// A running fake Bot API server on 127.0.0.1; killed on drop.
pub struct FakeBotApi {
    child: Child,
    /// Its port.
    pub port: u16,
}

impl FakeBotApi {
    /// Starts the server accepting `token`.
    pub fn start(dir: &Path, token: &str) -> FakeBotApi {
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
        let line = rx.recv_timeout(Duration::from_secs(60)).unwrap_or_default();
        let Some(port) = line
            .trim()
            .strip_prefix("READY ")
            .and_then(|p| p.parse().ok())
        else {
            let _ = child.kill();
            panic!(
                "fake_bot_api.py did not start: {}",
                std::fs::read_to_string(dir.join("fake_bot_api.stderr")).unwrap_or_default()
            );
        };
        FakeBotApi { child, port }
    }

    /// `api-url` for the configuration.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// One control request.
    pub fn control(&self, cmd: &str, body: Value) -> Value {
        let body = body.to_string();
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
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

    /// The client types `text` in `chat` (optionally replying to our message).
    pub fn text(&self, chat: i64, text: &str, reply_to: Option<i64>) -> i64 {
        self.control(
            "text",
            json!({ "chat_id": chat, "text": text, "reply_to_message_id": reply_to }),
        )["update_id"]
            .as_i64()
            .unwrap()
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
