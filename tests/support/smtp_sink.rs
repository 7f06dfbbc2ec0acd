//! Postfix's `smtp-sink` on 127.0.0.1: a real SMTP server that offers PIPELINING (RFC 2920),
//! dumps every message it accepts into its own file (`-d`), and fails on command with its
//! options (`-A 0`: 550 after DATA; `-q CMD`: drop the connection after CMD without a reply;
//! `-Q CMD`: 421 and drop). `-f`/`-r` (reject a command) stop it offering PIPELINING.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::START_TIMEOUT;

/// A running `smtp-sink`, killed on drop with its temporary directory.
pub struct SmtpSink {
    child: Option<Child>,
    /// Its port on 127.0.0.1.
    pub port: u16,
    dir: tempfile::TempDir,
}

impl SmtpSink {
    /// Starts `smtp-sink` with extra options (`-A 0`, `-q .`...), dumping every accepted
    /// message into its directory.
    pub fn start(args: &[&str]) -> SmtpSink {
        let dir = tempfile::Builder::new()
            .prefix("sink")
            .tempdir_in("/tmp")
            .unwrap();
        let dumps = dir.path().join("dumps");
        std::fs::create_dir(&dumps).unwrap();
        let root = super::id("-u", None) == "0";
        if root {
            // smtp-sink refuses to run as root without -u, and then writes as that user.
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
            std::fs::set_permissions(&dumps, std::fs::Permissions::from_mode(0o777)).unwrap();
        }
        let port = super::unused_port();
        let log = std::fs::File::create(dir.path().join("smtp-sink.log")).unwrap();
        let mut cmd = Command::new("smtp-sink");
        if root {
            cmd.args(["-u", "nobody"]);
        }
        let mut child = cmd
            .arg("-d")
            .arg(dumps.join("m."))
            .args(args)
            .arg(format!("127.0.0.1:{port}"))
            .arg("64")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("cannot run smtp-sink: install postfix (see scripts/test.sh)");
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            let exited = child.try_wait().unwrap().is_some();
            if exited || started.elapsed() > START_TIMEOUT {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "smtp-sink did not start on {port}: {}",
                    std::fs::read_to_string(dir.path().join("smtp-sink.log")).unwrap_or_default()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        SmtpSink {
            child: Some(child),
            port,
            dir,
        }
    }

    /// Every message taken (its dump: smtp-sink's `X-Mail-Args`, `X-Rcpt-Args` and `Received`
    /// lines, then the message as received), in no particular order. smtp-sink opens a dump
    /// file when a transaction starts and leaves it empty when the transaction ends before
    /// the body: those are not messages.
    pub fn messages(&self) -> Vec<Vec<u8>> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(self.dir.path().join("dumps"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        names.sort();
        names
            .iter()
            .map(|p| std::fs::read(p).unwrap())
            .filter(|dump| !dump.is_empty())
            .collect()
    }

    /// The keywords of the server's EHLO reply (`PIPELINING`, `8BITMIME`...), asked on a
    /// connection of its own.
    pub fn ehlo_keywords(&self) -> Vec<String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        stream.write_all(b"EHLO test.example\r\n").unwrap();
        let mut keywords = Vec::new();
        loop {
            line.clear();
            reader.read_line(&mut line).unwrap();
            if let Some(word) = line.get(4..).and_then(|r| r.split_whitespace().next()) {
                keywords.push(word.to_ascii_uppercase());
            }
            if !line.starts_with("250-") {
                break;
            }
        }
        let _ = stream.write_all(b"QUIT\r\n");
        keywords
    }
}

/// The recipients smtp-sink recorded for one dumped message (`X-Rcpt-Args: <a@b>`).
pub fn sink_recipients(dump: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(dump)
        .lines()
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.strip_prefix("X-Rcpt-Args: <"))
        .map(|r| r.trim_end_matches('>').to_owned())
        .collect()
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
