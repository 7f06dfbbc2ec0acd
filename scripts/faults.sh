#!/usr/bin/env bash
# The fault suite (issue 14): crashes, outages, concurrency, hostile input and fuzzing, against
# real servers (tests/support: aiosmtpd, Dovecot) and real SQLite files.
#
#   scripts/faults.sh          short form (a few minutes; the same tests also run in `cargo test`)
#   scripts/faults.sh --long   long form: 2,000 reminders and 20 SIGKILLs, 50 concurrency rounds,
#                              10 minutes of fuzzing per target, the ignored hostile cases, and
#                              the linear-time check of `understand` on a 5 MB reply
#
# Figures are printed as "faults: ..." lines; record them in BENCHMARKS.md ("Faults and
# fuzzing"). Knobs: COBRADOR_FUZZ_SECS, COBRADOR_CRASH_REMINDERS, COBRADOR_CRASH_KILLS,
# COBRADOR_CONCURRENCY_ROUNDS, COBRADOR_FUZZ_SEED, COBRADOR_CRASH_SEED.
set -euo pipefail
cd "$(dirname "$0")/.."

long=0
[ "${1:-}" = "--long" ] && long=1

if [ $long = 1 ]; then
  export COBRADOR_CRASH_REMINDERS=${COBRADOR_CRASH_REMINDERS:-2000}
  export COBRADOR_CRASH_KILLS=${COBRADOR_CRASH_KILLS:-20}
  export COBRADOR_CONCURRENCY_ROUNDS=${COBRADOR_CONCURRENCY_ROUNDS:-50}
  export COBRADOR_FUZZ_SECS=${COBRADOR_FUZZ_SECS:-600}
  ignored=(--include-ignored)
else
  export COBRADOR_FUZZ_SECS=${COBRADOR_FUZZ_SECS:-10}
  ignored=()
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
failed=()
run() { # name, cargo test arguments...
  local name=$1; shift
  local start=$SECONDS
  if cargo test --locked "$@" -- --nocapture "${ignored[@]}" >"$log" 2>&1; then
    echo "faults: $name ok ($((SECONDS - start)) s)"
  else
    echo "faults: $name FAILED ($((SECONDS - start)) s); last lines:"
    tail -n 30 "$log"
    failed+=("$name")
  fi
  grep -E '^(crash test|concurrency|outages|fuzz [a-z]+):' "$log" | sed 's/^/faults:   /' || true
}

cargo build --locked --quiet --all-targets
run "crash (SIGKILL mid-send, restart)" --test crash
run "outages (down, 421, 451, stall, close after DATA)" --test faults_outages
run "sending faults (windows, dead, uncertain, logs)" --test faults_send
run "concurrency (tick + import + pay)" --test faults_concurrency
run "data faults (locks, import, amounts)" --test faults_data
run "hostile input" --test faults_hostile
run "fuzzing (understand, mime, csv, config)" --test fuzz

if [ $long = 1 ]; then
  # Parsing time must grow linearly with a reply's length: 5x the text, well under 25x the
  # time (quadratic). Wall-clock, so here and not in `cargo test`.
  bin=target/debug/cobrador
  tmp=$(mktemp -d)
  python3 - "$tmp" <<'PY'
import sys
words = "el lunes o el martes, quizá el miércoles o el jueves; "
for mb in (1, 5):
    text = "Le pago el viernes. " + words * (mb * 1024 * 1024 // len(words.encode()))
    open(f"{sys.argv[1]}/reply{mb}.txt", "w").write(text)
PY
  (cd "$tmp" && "$OLDPWD/$bin" init >/dev/null 2>&1 || true)
  t() { local s; s=$(date +%s%N); (cd "$tmp" && "$OLDPWD/$bin" parse-reply --now 2026-11-18T15:00:00Z <"reply$1.txt" >/dev/null); echo $(( ($(date +%s%N) - s) / 1000000 )); }
  one=$(t 1); five=$(t 5)
  echo "faults:   understand: 1 MB reply ${one} ms, 5 MB reply ${five} ms"
  if [ "$five" -gt $(( one * 10 + 1000 )) ]; then
    echo "faults: understand is not linear in the reply's length (5x text, $((five / (one + 1)))x time)"
    failed+=("understand linear time")
  fi
  rm -rf "$tmp"
fi

if [ ${#failed[@]} -gt 0 ]; then
  echo "faults: FAILED: ${failed[*]}"
  exit 1
fi
echo "faults: all passed"
