#!/usr/bin/env bash
# A bank statement on a generated book: N credits (Norma 43), each naming an open EUR invoice
# of the book in its concept and paying its balance, imported with --dry-run (the book is not
# changed), timed with GNU time. Not part of the test suite.
#
#   BIN=target/release/cobrador DB=/path/c100000.db bench/bank.sh [N=100]
#
# DB is a book from `cobrador bench gen`; it is copied, never changed. Needs sqlite3, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100}
: "${BIN:?BIN=path to a cobrador binary}" "${DB:?DB=a generated book (cobrador bench gen)}"
W=$(mktemp -d /tmp/cobrador-bank.XXXX)
trap 'rm -rf "$W"' EXIT
cp "$DB" "$W/b.db"
"$BIN" --db "$W/b.db" status > /dev/null   # migrations, outside the timing
python3 - "$W/b.db" "$N" "$W/s.n43" <<'PY'
import sqlite3, sys
db, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rows = sqlite3.connect(db).execute(
    """SELECT number, amount, paid FROM invoices
       WHERE status = 'open' AND currency = 'EUR' AND CAST(amount AS REAL) > CAST(paid AS REAL)
       ORDER BY rowid LIMIT ?""", (n,)).fetchall()
def rec(t):
    assert len(t) == 80, (len(t), t)
    return t
lines = [rec(f"{'1100810216000123456726110126113020000000100000097830TALLERES EJEMPLO SL':<80}")]
total = 0
for k, (number, amount, paid) in enumerate(rows):
    cents = round(float(amount) * 100) - round(float(paid) * 100)
    total += cents
    lines.append(rec(f"22    0216261120261120020992{cents:014}{k:010}{'':28}"))
    lines.append(rec(f"2301{'TRANSFERENCIA FACTURA ' + number:<76}"))
lines.append(rec(f"3300810216000123456700000{0:014}{len(rows):05}{total:014}200000001000000978    "))
lines.append(rec(f"88{'9' * 18}{len(lines):06}{'':54}"))
open(out, "wb").write(("\r\n".join(lines) + "\r\n").encode("latin-1"))
PY
sync
/usr/bin/time -f '%e s wall, %U user, %S sys, %M KB' -o "$W/time" \
  "$BIN" --db "$W/b.db" import bank "$W/s.n43" --dry-run | head -1
echo "import bank --dry-run, $N credits: $(cat "$W/time")"
