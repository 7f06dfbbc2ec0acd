#!/usr/bin/env bash
# The idle daemon: `cobrador run` with an IMAP IDLE watcher (real Dovecot) and a Telegram long
# poll (the fake Bot API) and nothing to send, for SECS seconds (default 600). Prints its
# resident memory (now and peak) and the CPU seconds it used. Goal: under 20 MB, under 1 s.
#
#   bench/daemon-idle.sh [SECS=600]
#   PROFILE=debug bench/daemon-idle.sh 60     # skip the release build
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-600}
PROFILE=${PROFILE:-release}
FLAGS=()
[ "$PROFILE" = release ] && FLAGS=(--release)
BENCH_SECS=$SECS cargo test "${FLAGS[@]}" --quiet --test daemon idle_daemon_resources -- --ignored --nocapture 2>&1 |
  grep -E '^idle daemon'
