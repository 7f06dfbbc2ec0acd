#!/usr/bin/env bash
# Scale benchmarks (issue 17): generated databases of 10k and 50k clients (and 200k with
# --long), timed side by side with a raw sqlite3 scan of the same rows. Writes the figures to
# $OUT (default BENCHMARKS.figures.md) as Markdown tables; BENCHMARKS.md explains them.
#
#   scripts/bench.sh [--long] [--no-build]     BENCH_DIR=/tmp/cobrador-bench by default
#
# Needs: sqlite3, GNU time (/usr/bin/time). Databases are kept in $BENCH_DIR and reused.
set -euo pipefail
cd "$(dirname "$0")/.."
read -r -a sizes <<< "${SIZES:-10000 50000}"
build=1
for a in "$@"; do
    case "$a" in
        --long) sizes+=(200000) ;;
        --no-build) build=0 ;;
        *) echo "usage: $0 [--long] [--no-build]" >&2; exit 2 ;;
    esac
done
[ "$build" = 1 ] && cargo build --release --quiet
BIN=${BIN:-$PWD/target/release/cobrador}
DIR=${BENCH_DIR:-/tmp/cobrador-bench}
OUT=${OUT:-$PWD/BENCHMARKS.figures.md}
NOW=2026-11-24T10:00:00Z
mkdir -p "$DIR"

# t LABEL CMD...: runs CMD (stdout to /dev/null), records "wall cpu(user+sys) maxrss_MB".
t() {
    local label=$1; shift
    /usr/bin/time -f "%e %U %S %M" -o "$DIR/time.txt" "$@" > /dev/null
    read -r wall user sys rss < "$DIR/time.txt"
    printf '| %s | %s | %.2f | %d |\n' "$label" "$wall" "$(echo "$user + $sys" | bc)" "$((rss / 1024))" >> "$OUT"
}

{
    echo "# Figures from scripts/bench.sh"
    echo
    echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GB RAM; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- binary: $(git rev-parse --short HEAD) release; sqlite3 $(sqlite3 --version | cut -d' ' -f1)"
    echo
} > "$OUT"

for n in "${sizes[@]}"; do
    db="$DIR/c$n.db"
    cfg="$DIR/c$n.toml"
    if [ ! -f "$db" ]; then
        "$BIN" bench gen --clients "$n" --out "$db" > "$DIR/gen$n.json"
    fi
    # Each run starts from the generated data (the tick below queues and sends).
    cp "$db" "$DIR/run.db"
    rm -rf "$DIR/outbox" "$DIR/run.db-wal" "$DIR/run.db-shm"
    sed -e "s|^database = .*|database = \"$DIR/run.db\"|" \
        -e "s|^outbox-dir = .*|outbox-dir = \"$DIR/outbox\"|" config.example.toml > "$cfg"
    c=("$BIN" --config "$cfg")
    {
        echo "## $n clients"
        echo
        echo "Generated: \`$(cat "$DIR/gen$n.json")\`; database $(du -m "$db" | cut -f1) MB."
        echo
        echo "| step | wall s | cpu s | max RSS MB |"
        echo "|---|---|---|---|"
    } >> "$OUT"
    # Warm the page cache the same way for everyone.
    cat "$DIR/run.db" > /dev/null
    scan="SELECT c.id, c.name, c.country, c.time_zone, i.number, i.due_date, i.amount, i.status,
                p.paid_on, p.amount
         FROM invoices i JOIN clients c ON c.id = i.client_id
         LEFT JOIN payments p ON p.invoice_number = i.number
         WHERE i.status IN ('open', 'disputed', 'on_hold')"
    t "sqlite3: open invoices joined to clients and payments (reference)" sqlite3 "$DIR/run.db" "$scan"
    t "plan --json (migrates the copy first: run twice)" "${c[@]}" plan --json --now "$NOW"
    # The same scan once the migrations have added their indexes (it uses them too).
    t "sqlite3: the same scan on the migrated schema" sqlite3 "$DIR/run.db" "$scan"
    t "plan --json" "${c[@]}" plan --json --now "$NOW"
    t "status" "${c[@]}" status
    t "client show C0000001" "${c[@]}" client show C0000001
    t "invoice show F00000001" "${c[@]}" invoice show F00000001
    t "invoice list --open --json \\| head -40" sh -c "\"\$@\" invoice list --open --json | head -40" sh "${c[@]}"
    # The first open invoice and its client: what `preview` and `reply record` are about.
    IFS='|' read -r open_inv open_client < <(sqlite3 "$DIR/run.db" \
        "SELECT number, client_id FROM invoices WHERE status = 'open' ORDER BY number LIMIT 1")
    t "preview --invoice $open_inv" "${c[@]}" preview --invoice "$open_inv" --now "$NOW"
    echo "| (render, one core: \`bench render\` $("${c[@]}" bench render --now "$NOW" --rounds 2)) | | | |" >> "$OUT"
    t "tick (queues and sends every due reminder, file channel)" "${c[@]}" tick --now "$NOW"
    queued=$(sqlite3 "$DIR/run.db" "SELECT count(*) FROM outbox WHERE status = 'sent' AND sent_at >= '2026-11-24'")
    echo "| (messages sent by that tick: $queued) | | | |" >> "$OUT"
    t "tick again (queues nothing new)" "${c[@]}" tick --now "$NOW"
    # After the ticks (it records a promise, which would change what they send).
    t "reply record $open_client (a reply naming $open_inv: matched, understood, applied)" \
        "${c[@]}" reply record "$open_client" --text "Hola, la $open_inv se la pago el viernes" \
        --now "$NOW"
    # A bank statement of 100 credits naming open invoices (on its own copy of the book).
    echo "| (\`bench/bank.sh 100\`: $(BIN="$BIN" DB="$db" bench/bank.sh 100 | tail -1)) | | | |" >> "$OUT"
    echo >> "$OUT"
done
echo "wrote $OUT"

# --- Import (issue 17, goal 2) ---------------------------------------------------------------
# Generated CSV files (`cobrador bench csv`: N invoice rows, N/5 clients, N/2 payments), each
# imported into a fresh database and then again (a no-op), beside sqlite3's own `.import` of
# the same file into a plain table. IMPORT_SIZES (default "100000 1000000"); IMPORT=0 skips it.
bench_import() {
    local rows=$1 files="$DIR/csv$1" db="$DIR/import.db" cfg="$DIR/import.toml" ref="$DIR/ref.db"
    [ -f "$files/payments.csv" ] ||
        "$BIN" bench csv --invoices "$rows" --payments $((rows / 2)) --dir "$files" > /dev/null
    rm -f "$db" "$db-wal" "$db-shm"
    sed -e "s|^database = .*|database = \"$db\"|" config.example.toml > "$cfg"
    local c=("$BIN" --config "$cfg")
    "${c[@]}" init > /dev/null
    {
        echo "## Import: $rows invoice rows"
        echo
        echo "Files: clients.csv $((rows / 5)) rows, invoices.csv $rows rows ($(du -m "$files/invoices.csv" | cut -f1) MB), payments.csv $((rows / 2)) rows."
        echo
        echo "| step | wall s | cpu s | max RSS MB |"
        echo "|---|---|---|---|"
    } >> "$OUT"
    cat "$files"/*.csv > /dev/null
    local kind
    for kind in clients invoices payments; do
        rm -f "$ref"
        t "sqlite3 .import $kind.csv into a plain table (reference)" sqlite3 "$ref" \
            -cmd ".mode csv" -cmd ".separator ;" ".import $files/$kind.csv t"
        t "import $kind" "${c[@]}" import "$kind" "$files/$kind.csv" --now "$NOW"
        t "import $kind again (changes nothing)" "${c[@]}" import "$kind" "$files/$kind.csv" --now "$NOW"
    done
    echo >> "$OUT"
}
if [ "${IMPORT:-1}" = 1 ]; then
    read -r -a import_sizes <<< "${IMPORT_SIZES:-100000 1000000}"
    for n in "${import_sizes[@]}"; do bench_import "$n"; done
    echo "wrote the import figures to $OUT"
fi
