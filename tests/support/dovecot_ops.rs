//! Dovecot beyond start and stop: delivering mail (over doveadm, or straight into the Maildir
//! while the server is down), stopping and restarting it on the same ports, counting messages,
//! and the `[email.imap]` section that points cobrador at it.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use super::{Dovecot, START_TIMEOUT};

impl Dovecot {
    /// Delivers a raw message into `mailbox` with `doveadm save` (works with the server down,
    /// like a local delivery agent).
    pub fn deliver(&self, mailbox: &str, raw: &[u8]) {
        use std::io::Write;
        let conf = self.dir.path().join("dovecot.conf");
        let mut child = Command::new("doveadm")
            .arg("-c")
            .arg(&conf)
            .args(["save", "-u", "cobros", "-m", mailbox])
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(raw).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "doveadm save: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Delivers a raw message straight into the INBOX Maildir, as a local delivery agent does
    /// while the IMAP server is down; Dovecot finds it when it next looks.
    pub fn deliver_to_maildir(&self, raw: &[u8]) {
        let maildir = self.dir.path().join("mail/cobros/Maildir");
        if !maildir.join("new").exists() {
            // Let Dovecot create it, owned by its mail user.
            self.doveadm(&["mailbox", "status", "-u", "cobros", "messages", "INBOX"]);
        }
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let name = format!(
            "{}.M{nanos}P{}.cobrador-test",
            nanos / 1_000_000_000,
            std::process::id()
        );
        let tmp = maildir.join("tmp").join(&name);
        std::fs::create_dir_all(maildir.join("tmp")).unwrap();
        std::fs::write(&tmp, raw).unwrap();
        // Owned like the rest of the mail (Dovecot runs mail processes as another user as root).
        let _ = Command::new("chown")
            .arg("--reference")
            .arg(&maildir)
            .arg(&tmp)
            .status();
        std::fs::rename(&tmp, maildir.join("new").join(&name)).unwrap();
    }

    /// Stops the server (its mail stays); [`Dovecot::restart`] brings it back on the same ports.
    pub fn stop(&mut self) {
        let conf = self.dir.path().join("dovecot.conf");
        let _ = Command::new("doveadm")
            .arg("-c")
            .arg(&conf)
            .arg("stop")
            .stderr(Stdio::null())
            .status();
        if let Some(mut child) = self.child.take() {
            let deadline = std::time::Instant::now() + Duration::from_secs(10);
            while child.try_wait().ok().flatten().is_none() && std::time::Instant::now() < deadline
            {
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        // The master is gone; its mail processes (an IMAP session in IDLE, say) must go too,
        // or the session would live on. They carry this instance's name in their title.
        let title = format!("dovecot-cobrador-test-{}/", self.port);
        let start = std::time::Instant::now();
        loop {
            let out = Command::new("ps")
                .args(["-eo", "pid=,args="])
                .output()
                .unwrap();
            let pids: Vec<String> = String::from_utf8_lossy(&out.stdout)
                .lines()
                .filter(|l| l.contains(&title))
                .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
                .collect();
            if pids.is_empty() {
                break;
            }
            if start.elapsed() > Duration::from_secs(5) {
                for pid in &pids {
                    let _ = Command::new("kill").args(["-9", pid]).status();
                }
            }
            assert!(
                start.elapsed() < START_TIMEOUT,
                "dovecot processes linger: {pids:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
            assert!(start.elapsed() < START_TIMEOUT, "dovecot did not stop");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Starts the stopped server again with the same configuration and mail.
    pub fn restart(&mut self) {
        let d = self.dir.path().display().to_string();
        let child = Command::new("dovecot")
            .args(["-F", "-c", &format!("{d}/dovecot.conf")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("cannot run dovecot");
        self.child = Some(child);
        let start = std::time::Instant::now();
        for p in [self.port, self.tls_port] {
            while std::net::TcpStream::connect(("127.0.0.1", p)).is_err() {
                assert!(start.elapsed() < START_TIMEOUT, "dovecot did not restart");
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }

    /// How many messages of `mailbox` match the doveadm search `query` (e.g. `SEEN`).
    pub fn count(&self, mailbox: &str, query: &str) -> usize {
        let mut args = vec!["search", "-u", "cobros", "mailbox", mailbox];
        args.extend(query.split_whitespace());
        self.doveadm(&args).lines().count()
    }
}

/// `[email.imap]` for this harness's Dovecot (implicit TLS, the test CA), password in a file.
pub fn imap_section(dovecot: &Dovecot, dir: &Path, ca: &Path, extra: &str) -> String {
    std::fs::write(dir.join("imap-password"), "secreto\n").unwrap();
    format!(
        "[email.imap]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"tls\"\n\
         username = \"cobros\"\npassword-file = \"{}\"\nca-file = \"{}\"\n{extra}\n",
        dovecot.tls_port,
        dir.join("imap-password").display(),
        ca.display()
    )
}
