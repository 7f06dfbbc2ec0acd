#!/usr/bin/env bash
# Throughput of reading replies: N replies delivered into a real Dovecot, ingested end to end by
# `inbox::check_once` (fetch, classify, trim, match, understand, apply with acknowledgement,
# \Seen), compared with a bare IMAP UID FETCH of the same messages in the same run (machines
# are noisy; the ratio is what means something). Not part of the test suite.
#
#   bench/inbox.sh [REPLIES=10000]
#   PROFILE=debug bench/inbox.sh     # skip the release build
#
# Needs: dovecot-imapd and openssl (see scripts/test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
PROFILE=${PROFILE:-release}
command -v dovecot >/dev/null || { echo "bench/inbox.sh: dovecot not found (see scripts/test.sh)" >&2; exit 1; }
FLAGS=()
[ "$PROFILE" = release ] && FLAGS=(--release)
BENCH_N=$N cargo test "${FLAGS[@]}" --quiet --test inbox_bench -- --ignored --nocapture 2>&1 |
  grep -E '^(replies|bare|cobrador|ratio)'
