#!/usr/bin/env bash
# The idle daemon: `cobrador run` with an IMAP IDLE watcher (real Dovecot) and a Telegram long
# poll (the fake Bot API) and nothing to send, for SECS seconds (default 600). Prints its
# resident memory (now and peak) and the CPU seconds it used. Goal: under 20 MB, under 1 s.
#
#   bench/daemon-idle.sh [SECS=600]
#   PROFILE=debug bench/daemon-idle.sh 60     # skip the release build
#
# Where the memory is: while it sleeps, `/proc/PID/smaps` of the `cobrador run` child (the
# binary's code and data, `[heap]`, the worker threads' 64 MB-reserved arenas, 2 MB stacks);
# `gdb -p PID -batch -ex 'call (void)malloc_stats()'` prints each arena's bytes in use to the
# daemon's log. The breakdown: BENCHMARKS.md, "The idle daemon".
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-600}
PROFILE=${PROFILE:-release}
FLAGS=()
[ "$PROFILE" = release ] && FLAGS=(--release)
BENCH_SECS=$SECS cargo test "${FLAGS[@]}" --quiet --test daemon idle_daemon_resources -- --ignored --nocapture 2>&1 |
  grep -E '^idle daemon'
