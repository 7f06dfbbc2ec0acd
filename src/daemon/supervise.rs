//! Supervised tasks: a watcher that fails (an error or a panic) is logged and restarted after a
//! growing, jittered delay; it never takes the daemon or the other watchers down.

use std::future::Future;
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// The first restart delay; doubled after each failure that came quickly, capped at [`MAX`].
const FIRST: Duration = Duration::from_secs(1);
/// The longest restart delay.
const MAX: Duration = Duration::from_secs(300);
/// A task that ran this long before failing starts again from [`FIRST`].
const HEALTHY: Duration = Duration::from_secs(600);

/// The delay before restart number `failures` (1-based): exponential, capped, ±20 % jitter.
pub fn restart_delay(failures: u32) -> Duration {
    let base = FIRST
        .saturating_mul(2u32.saturating_pow(failures.saturating_sub(1).min(20)))
        .min(MAX);
    let spread = base.as_millis() as u64 / 5;
    let jitter = fastrand::u64(0..=spread * 2);
    (base + Duration::from_millis(jitter)).saturating_sub(Duration::from_millis(spread))
}

/// Runs `make()` until `shutdown` is cancelled, restarting it after every error or panic.
pub fn spawn<F, Fut>(name: &'static str, shutdown: CancellationToken, make: F) -> JoinHandle<()>
where
    F: Fn() -> Fut + Send + 'static,
    Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
{
    tokio::spawn(async move {
        let mut failures = 0u32;
        while !shutdown.is_cancelled() {
            let started = tokio::time::Instant::now();
            let outcome = tokio::spawn(make()).await;
            if shutdown.is_cancelled() {
                break;
            }
            if started.elapsed() > HEALTHY {
                failures = 0;
            }
            failures += 1;
            let delay = restart_delay(failures);
            match outcome {
                Ok(Ok(())) => {
                    tracing::warn!(task = name, "stopped by itself; restarting in {delay:?}")
                }
                Ok(Err(e)) => {
                    tracing::error!(task = name, error = %format!("{e:#}"), "failed; restarting in {delay:?}");
                }
                Err(e) => {
                    tracing::error!(task = name, error = %e, "panicked; restarting in {delay:?}")
                }
            }
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = tokio::time::sleep(delay) => {}
            }
        }
        tracing::debug!(task = name, "stopped");
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[test]
    fn restart_delays_grow_and_are_capped() {
        for n in 1..30 {
            let d = restart_delay(n);
            let base = FIRST.saturating_mul(1 << (n - 1).min(20)).min(MAX);
            assert!(d >= base * 4 / 5 && d <= base * 6 / 5, "{n}: {d:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_failing_or_panicking_task_is_restarted_until_shutdown() {
        let runs = Arc::new(AtomicU32::new(0));
        let shutdown = CancellationToken::new();
        let counter = runs.clone();
        let handle = spawn("test", shutdown.clone(), move || {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            async move {
                if n.is_multiple_of(2) {
                    anyhow::bail!("failure {n}");
                }
                panic!("panic {n}");
            }
        });
        tokio::time::sleep(Duration::from_secs(60)).await;
        assert!(
            runs.load(Ordering::SeqCst) >= 4,
            "restarted after errors and panics"
        );
        shutdown.cancel();
        handle.await.unwrap();
        let after = runs.load(Ordering::SeqCst);
        tokio::time::sleep(Duration::from_secs(600)).await;
        assert_eq!(
            runs.load(Ordering::SeqCst),
            after,
            "nothing runs after shutdown"
        );
    }
}
