#!/usr/bin/env bash
# Issue 17, goal 6: a first tick's due reminders on a generated book, through the file channel
# and through Postfix's smtp-sink, beside Postfix's own smtp-source sending as many messages of
# the same average size into the same sink, in the same run (machines are noisy; only the
# ratio means something). Not part of the test suite.
#
#   BIN=target/release/cobrador DB=/path/c100000.db bench/tick.sh [POOL=4]
#
# DB is a book from `cobrador bench gen --clients 100000` (19,895 reminders due at NOW,
# default 2026-11-24T10:00:00Z); it is copied, never changed. Run it on a quiet machine: the
# ticks run under the normal scheduler, not `chrt -f` (a real-time FIFO thread that does not
# block keeps its core, and the tick's planning threads would starve its own sender, which
# sends while they plan). `CHRT="chrt -f 50"` runs them so anyway. Needs postfix (smtp-sink,
# smtp-source) and sqlite3; see scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
POOL=${1:-4}
NOW=${NOW:-2026-11-24T10:00:00Z}
: "${BIN:?BIN=path to a cobrador binary}" "${DB:?DB=a generated book (cobrador bench gen)}"
die() { echo "bench/tick.sh: $*" >&2; exit 1; }
command -v smtp-sink >/dev/null || die "smtp-sink not found: install postfix (see scripts/test.sh)"
command -v sqlite3 >/dev/null || die "sqlite3 not found: apt-get install sqlite3"
read -r -a CHRT <<< "${CHRT:-}"

W=$(mktemp -d /tmp/cobrador-tick.XXXX)
SINK_PID=
cleanup() {
  [ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null; wait 2>/dev/null || true
  rm -rf "$W" "${OUTROOT:-$W}/out-file" "${OUTROOT:-$W}/out-smtp"
}
trap cleanup EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
USEROPT=(); [ "$(id -u)" = 0 ] && USEROPT=(-u nobody)   # smtp-sink refuses root without -u
smtp-sink "${USEROPT[@]}" -m 1000 "127.0.0.1:$PORT" 1024 >"$W/sink.log" 2>&1 &
SINK_PID=$!
for _ in $(seq 1 200); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.05; done

# Where the file channel's outbox goes: OUTROOT (default the work directory). ext4 creates
# files slowly for minutes after as many were deleted on the same file system (its inode
# allocator skips recently freed inodes: `recently_deleted` was half the tick's cpu in one
# profile), so give a fresh file system for steady figures, e.g. as root:
#   truncate -s 3G /tmp/o.img && mkfs.ext4 -q -F /tmp/o.img && mount -o loop /tmp/o.img /mnt/o
#   OUTROOT=/mnt/o BIN=... DB=... bench/tick.sh
OUTROOT=${OUTROOT:-$W}
# A fresh copy of the book and a config for it; `smtp` appends an [email.smtp] section.
fresh() {
  rm -f "$W"/c.db*; cp "$DB" "$W/c.db"
  sed -e "s|^database = .*|database = \"$W/c.db\"|" -e "s|^outbox-dir = .*|outbox-dir = \"$OUTROOT/out-$1\"|" \
    config.example.toml > "$W/c.toml"
  [ "$1" = smtp ] && printf '[email.smtp]\nhost = "127.0.0.1"\nport = %s\nsecurity = "plaintext"\npool-size = %s\n' \
    "$PORT" "$POOL" >> "$W/c.toml"
  "$BIN" --config "$W/c.toml" status > /dev/null   # migrations, outside the timing
  sync; sleep 2
}
ms() { date +%s%N | cut -c1-13; }
# Runs a tick; prints its wall milliseconds.
tick() {
  local t0 t1
  t0=$(ms)
  "${CHRT[@]}" /usr/bin/time -f '%e s wall, %U user, %S sys, %M KB' -o "$W/time" \
    "$BIN" --config "$W/c.toml" tick --now "$NOW" > /dev/null
  t1=$(ms)
  echo $((t1 - t0))
}
sent() { sqlite3 "$W/c.db" "SELECT count(*) FROM outbox WHERE status = 'sent' AND created_at >= '${NOW:0:10}'"; }

fresh file
FILE_MS=$(tick); FILE_TIME=$(cat "$W/time")
FILES=$(find "$OUTROOT/out-file" -type f | wc -l)
SIZE=$(( $(du -sb --apparent-size "$OUTROOT/out-file" | cut -f1) / (FILES > 0 ? FILES : 1) ))

# smtp-sink's own cpu (user + system clock ticks, in seconds), read around each sender: the
# two share the machine's cores, so what the sink needs bounds the tick's wall time too.
sink_cpu() { awk '{ printf "%.2f", ($14 + $15) / 100 }' "/proc/$SINK_PID/stat"; }
fresh smtp
SINK0=$(sink_cpu)
SMTP_MS=$(tick); SMTP_TIME=$(cat "$W/time")
SINK1=$(sink_cpu)
SENT=$(sent)
[ "$SENT" -gt 0 ] || die "the tick sent nothing through smtp-sink"

t0=$(ms)
"${CHRT[@]}" smtp-source -d -s "$POOL" -m "$SENT" -l "$SIZE" -M client.example.test \
  -f bench@example.test -t sink@example.test "127.0.0.1:$PORT"
t1=$(ms)
SRC_MS=$((t1 - t0))
SINK2=$(sink_cpu)

rate() { echo $(( $1 * 1000 / ($2 > 0 ? $2 : 1) )); }
echo "book: $DB at $NOW; $FILES files of $SIZE bytes on average; $POOL SMTP sessions"
printf "%-46s %7d ms %7d msg/s  (%s)\n" "tick, file channel ($FILES messages)" "$FILE_MS" "$(rate "$FILES" "$FILE_MS")" "$FILE_TIME"
printf "%-46s %7d ms %7d msg/s  (%s)\n" "tick, smtp-sink ($SENT messages)" "$SMTP_MS" "$(rate "$SENT" "$SMTP_MS")" "$SMTP_TIME"
printf "%-46s %7d ms %7d msg/s\n" "smtp-source -d, same count and size" "$SRC_MS" "$(rate "$SENT" "$SRC_MS")"
python3 -c "print('ratio tick through smtp-sink / smtp-source: %.3f' % ($SRC_MS / max($SMTP_MS, 1)))"
python3 -c "print('smtp-sink cpu: %.2f s during the tick, %.2f s during smtp-source' % ($SINK1 - $SINK0, $SINK2 - $SINK1))"
