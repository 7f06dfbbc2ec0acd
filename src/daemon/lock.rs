//! One process at a time sends from a database: an advisory lock on `<database>.lock`.
//!
//! Two concurrent flushes would each find the other's `sending` rows and mark them uncertain, so
//! `run`, `tick` and `outbox flush` take this lock first. The kernel releases it when the process
//! dies (even by SIGKILL), so a stale lock file never blocks a restart. The file holds the pid and
//! command of the holder, for the error message.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// Held while this process may send from the database; released on drop.
#[derive(Debug)]
pub struct InstanceLock {
    _file: File,
    path: PathBuf,
}

impl InstanceLock {
    /// The lock file of a database.
    pub fn path_for(database: &Path) -> PathBuf {
        let mut name = database.as_os_str().to_owned();
        name.push(".lock");
        PathBuf::from(name)
    }

    /// Takes the lock, waiting up to `wait` for another process to finish; `what` names this
    /// command in the lock file and in errors.
    pub fn acquire(database: &Path, what: &str, wait: Duration) -> Result<InstanceLock> {
        let path = Self::path_for(database);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_context(|| format!("cannot open the lock file {}", path.display()))?;
        // Elapsed real time (monotonic), not a date: a wait is as long in a rehearsal.
        let started = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) if started.elapsed() < wait => {
                    std::thread::sleep(Duration::from_millis(200));
                }
                Err(TryLockError::WouldBlock) => {
                    let mut holder = String::new();
                    let _ = file.read_to_string(&mut holder);
                    let holder = holder.trim();
                    let holder = if holder.is_empty() {
                        "another cobrador process".to_owned()
                    } else {
                        format!("another cobrador process ({holder})")
                    };
                    bail!(
                        "{holder} is using the database {}; {}",
                        database.display(),
                        if what == "run" {
                            "only one `cobrador run` may run per database: stop the other one first (systemctl stop cobrador)"
                        } else {
                            "the daemon already sends and reads replies, so there is no need to run this command while it runs; otherwise wait and try again"
                        }
                    );
                }
                Err(TryLockError::Error(e)) => {
                    return Err(e).with_context(|| format!("cannot lock {}", path.display()));
                }
            }
        }
        file.set_len(0)?;
        file.rewind()?;
        write!(file, "pid {}, `cobrador {what}`", std::process::id())?;
        file.flush()?;
        Ok(InstanceLock { _file: file, path })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_with_the_first_ones_pid() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("c.db");
        let first = InstanceLock::acquire(&db, "run", Duration::ZERO).unwrap();
        let err = InstanceLock::acquire(&db, "tick", Duration::from_millis(300)).unwrap_err();
        let msg = format!("{err:#}");
        assert!(
            msg.contains(&format!("pid {}", std::process::id())),
            "{msg}"
        );
        assert!(msg.contains("`cobrador run`"), "{msg}");
        drop(first);
        InstanceLock::acquire(&db, "tick", Duration::ZERO).unwrap();
    }
}
