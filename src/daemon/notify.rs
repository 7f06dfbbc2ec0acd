//! systemd's notify protocol: READY once the loop runs, STATUS with counts after each pass,
//! WATCHDOG at half of `WatchdogSec`, STOPPING on shutdown. All calls are no-ops outside systemd
//! (no `NOTIFY_SOCKET`), and a failure to notify is logged, never fatal.

use std::time::Duration;

use sd_notify::NotifyState;

/// Tells systemd something; logs (never fails) when it cannot.
fn send(states: &[NotifyState<'_>]) {
    if let Err(e) = sd_notify::notify(states) {
        tracing::warn!(error = %e, "cannot notify systemd");
    }
}

/// Start-up done: the unit becomes active.
pub fn ready(status: &str) {
    send(&[NotifyState::Ready, NotifyState::Status(status)]);
}

/// One line for `systemctl status`.
pub fn status(status: &str) {
    send(&[NotifyState::Status(status)]);
}

/// Still alive.
pub fn watchdog() {
    send(&[NotifyState::Watchdog]);
}

/// Shutting down.
pub fn stopping() {
    send(&[NotifyState::Stopping]);
}

/// Reloading the configuration (SIGHUP), then ready again.
pub fn reloading() {
    match NotifyState::monotonic_usec_now() {
        Ok(now) => send(&[NotifyState::Reloading, now]),
        Err(_) => send(&[NotifyState::Reloading]),
    }
}

/// How often to ping the watchdog: half of `WatchdogSec`, if systemd asked for one.
pub fn watchdog_interval() -> Option<Duration> {
    sd_notify::watchdog_enabled().map(|d| d / 2)
}
