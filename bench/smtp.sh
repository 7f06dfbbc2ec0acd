#!/usr/bin/env bash
# Throughput of `cobrador outbox flush` against Postfix's smtp-sink, compared with Postfix's own
# load generator smtp-source against the same sink, in the same run (machines are noisy; only
# the ratio means something). Not part of the test suite.
#
#   bench/smtp.sh [MESSAGES=2000] [POOL=4]
#   PROFILE=debug bench/smtp.sh      # skip the release build
#   BIN=/path/to/cobrador bench/smtp.sh 20000 4   # another binary, no build
#
# Needs: postfix (smtp-sink, smtp-source) and python3 (to seed the database); see scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-2000}
POOL=${2:-4}
PROFILE=${PROFILE:-release}

die() { echo "bench/smtp.sh: $*" >&2; exit 1; }
command -v smtp-sink >/dev/null || die "smtp-sink not found: install postfix (see scripts/test.sh)"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

if [ -z "${BIN:-}" ]; then   # BIN=path/to/cobrador: compare another binary (no build)
  case "$PROFILE" in release) cargo build --release --quiet ;; debug) cargo build --quiet ;; *) cargo build --profile "$PROFILE" --quiet ;; esac
  TARGET=${CARGO_TARGET_DIR:-target}
  BIN=$TARGET/$PROFILE/cobrador
fi
[ -x "$BIN" ] || die "no binary at $BIN"

W=$(mktemp -d /tmp/cobrador-bench.XXXX)
SINK_PID=
cleanup() { [ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$W"; }
trap cleanup EXIT

PORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
USEROPT=(); [ "$(id -u)" = 0 ] && USEROPT=(-u nobody)   # smtp-sink refuses root without -u
smtp-sink "${USEROPT[@]}" -m 1000 "127.0.0.1:$PORT" 1024 >"$W/sink.log" 2>&1 &
SINK_PID=$!
for _ in $(seq 1 200); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.05; done

cat >"$W/cobrador.toml" <<TOML
database = "c.db"
[business]
name = "Reformas Prado"
legal-name = "Reformas Prado S.L."
tax-id = "B86543210"
email = "cobros@reformasprado.example"
contact-person = "Lucía Martín"
country = "ES"
time-zone = "Europe/Madrid"
[email.smtp]
host = "127.0.0.1"
port = $PORT
security = "plaintext"
pool-size = $POOL
TOML
"$BIN" --config "$W/cobrador.toml" init >/dev/null
$PY - "$W/c.db" "$N" <<'PYEOF'
import sqlite3, sys
db, n = sys.argv[1], int(sys.argv[2])
c = sqlite3.connect(db)
c.execute("INSERT INTO clients (id, name, country, time_zone, kind, created_at, updated_at) "
          "VALUES ('C1', 'Cliente', 'ES', 'Europe/Madrid', 'b2b', 'x', 'x')")
body = ("Hola:\n\nLe recordamos que la factura Nº F-1 está pendiente de pago.\n" * 12)
c.executemany(
    "INSERT INTO outbox (dedup_key, client_id, stage, cycle, channel, recipients, subject, body_text, "
    "message_id, send_at, created_at) VALUES (?, 'C1', 'early', '1', 'email', "
    "'[\"ana@cliente.example\"]', 'Factura pendiente', ?, ?, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
    [("C1|b%d|1" % i, body, "<b%d.cobrador@reformasprado.example>" % i) for i in range(n)])
c.commit()
PYEOF

ms() { date +%s%N | cut -c1-13; }
t0=$(ms)
${PERF_PREFIX:-} "$BIN" --config "$W/cobrador.toml" outbox flush --now 2026-01-07T10:00:00Z
t1=$(ms)
COB_MS=$((t1 - t0))
SENT=$(sqlite3 "$W/c.db" "SELECT count(*) FROM outbox WHERE status = 'sent'" 2>/dev/null ||
       $PY -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT count(*) FROM outbox WHERE status='sent'\").fetchone()[0])" "$W/c.db")
[ "$SENT" = "$N" ] || die "cobrador sent $SENT of $N"
SIZE=1500   # about the size of one cobrador reminder on the wire

t0=$(ms)
smtp-source -d -s "$POOL" -m "$N" -l "$SIZE" -M client.example.test -f bench@example.test \
  -t sink@example.test "127.0.0.1:$PORT"
t1=$(ms)
SRC_MS=$((t1 - t0))

COB_RATE=$((N * 1000 / (COB_MS > 0 ? COB_MS : 1)))
SRC_RATE=$((N * 1000 / (SRC_MS > 0 ? SRC_MS : 1)))
echo "messages: $N, parallel sessions: $POOL, profile: $PROFILE"
printf "%-42s %8d ms %8d msg/s\n" "cobrador outbox flush (durable, group commits)" "$COB_MS" "$COB_RATE"
printf "%-42s %8d ms %8d msg/s\n" "smtp-source -d (reused connections)" "$SRC_MS" "$SRC_RATE"
$PY -c "print('ratio cobrador / smtp-source: %.3f' % ($COB_RATE / max($SRC_RATE, 1)))"
