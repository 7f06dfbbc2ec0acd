#!/bin/bash
# Side-by-side figures of issue 17 (BENCHMARKS.md, "Fifth step", "Sixth step"): two release binaries on the
# same generated books, each timed command under `chrt -f 50` (nothing else scheduled beside
# it; run as root), fresh copies with `sync` and a rest after each copy, earlier outbox
# directories moved aside (ext4 pays seconds of system time to create files right after
# deleting as many).
#
#   OLD=/path/old NEW=/path/new DB200=c200000.db DB100=c100000.db bench/side-by-side.sh
#   (W=dir: where the copies and outboxes go; a freshly made file system gives steady file ticks)
#
# The books come from `cobrador bench gen --clients 200000` and `--clients 100000` (see
# scripts/bench.sh); `--now` is the instant they were generated for. The old binary's config
# leaves out `limits.planning-threads` (older binaries refuse unknown keys).
set -u
: "${OLD:?OLD=path to the old binary}" "${NEW:?NEW=path to the new binary}"
: "${DB200:?DB200=a generated 200k book}" "${DB100:?DB100=a generated 100k book}"
W=${W:-$(mktemp -d /tmp/side-by-side.XXXX)}; N=${NOW:-2026-11-24T10:00:00Z}
mkdir -p "$W/trash"; cp "$DB200" "$W/b200.db"; cp "$DB100" "$W/b100.db"
HERE=$(cd "$(dirname "$0")/.." && pwd)
# Real-time FIFO scheduling for the one-thread-at-a-time commands; the ticks run under the
# normal scheduler (`RT=`): their planning threads never block, and under `chrt -f` they would
# keep both cores from the tick's own sender, which sends while they plan (daemon::pass).
RT="chrt -f 50"
t() { $RT /usr/bin/time -f '%e %U %S %M' -o $W/t.txt "$@" > /dev/null 2>$W/err.txt; local tw tu ts tm; read -r tw tu ts tm < $W/t.txt; printf '%-34s wall %5s cpu %5.2f (user %s sys %s) rss %4d MB\n' "$LABEL" "$tw" "$(echo "$tu + $ts" | bc)" "$tu" "$ts" $((tm/1024)); }
cfg() { sed -e "s|^database = .*|database = \"$W/$1.db\"|" -e "s|^outbox-dir = .*|outbox-dir = \"$W/out-$1\"|" $HERE/config.example.toml | { [ $1 = old ] && grep -v planning-threads || cat; } > $W/$1.toml; }
fresh() { rm -f $W/$1.db*; [ -d $W/out-$1 ] && mv $W/out-$1 $W/trash/$1-$RANDOM$RANDOM; cp $W/$2 $W/$1.db; cfg $1; BIN=$OLD; [ $1 = new ] && BIN=$NEW; $BIN --config $W/$1.toml status > /dev/null 2>&1; sync; sleep 2; }
bin() { [ $1 = new ] && echo $NEW || echo $OLD; }
echo "start $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
scan="SELECT c.id, c.name, c.country, c.time_zone, i.number, i.due_date, i.amount, i.status, p.paid_on, p.amount FROM invoices i JOIN clients c ON c.id = i.client_id LEFT JOIN payments p ON p.invoice_number = i.number WHERE i.status IN ('open', 'disputed', 'on_hold')"
fresh old b200.db; fresh new b200.db
for r in 1 2 3; do
  LABEL="sqlite3 scan 200k #$r"; t sqlite3 $W/new.db "$scan"
  for s in old new; do LABEL="$s plan --json 200k #$r"; t $(bin $s) --config $W/$s.toml plan --json --now $N; done
done
for s in old new; do LABEL="$s first tick 200k"; RT= t $(bin $s) --config $W/$s.toml tick --now $N; echo "   files $(ls $W/out-$s | wc -l)"; done
for r in 1 2 3; do for s in old new; do LABEL="$s quiet tick 200k #$r"; RT= t $(bin $s) --config $W/$s.toml tick --now $N; done; done
for s in old new; do LABEL="$s status 200k"; t $(bin $s) --config $W/$s.toml status; done
for r in 1 2 3; do for s in old new; do
  fresh $s b100.db
  LABEL="$s first tick 100k (file) #$r"; RT= t $(bin $s) --config $W/$s.toml tick --now $N; echo "   files $(ls $W/out-$s | wc -l)"
done; done
fresh old b100.db; fresh new b100.db
for r in 1 2 3; do for s in old new; do
  for k in 1 21; do LABEL="$s bench render rounds=$k #$r"; t $(bin $s) --config $W/$s.toml bench render --now $N --rounds $k; done
done; done
echo "end $(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)"
