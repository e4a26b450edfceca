#!/usr/bin/env bash
# Memory that does not grow with a transaction: one transaction of ROWS rows (INSERT ... SELECT from MariaDB's
# sequence engine: a single statement, a single transaction) streamed by a fresh Sluice server at -Xmx$BIGTX_XMX
# (default 512m) to Sluice's client (SluiceBenchConsumer, exact count), once per size. Sluice hands a large
# transaction to the store in pieces of canal.instance.transaction.size entries and the store holds at most its
# MEMSIZE budget, so the server's live heap should be the same for 100,000 and for 1,000,000 rows. The live heap is
# measured as the heap occupancy right after a full GC, forced every second while the rows stream (jcmd GC.run; this
# slows the run, so rows/s here is not a throughput figure): the table shows its maximum (overall, first and second
# half of the run), the peak RSS and the server CPU per size. Rows are ~240
# bytes in the binlog (a 200-character column), so 100,000 rows (~24 MB) already exceed the store's 16 MiB budget.
#
#   bench/bigtx.sh                                    # BIGTX_ROWS="100000 1000000"
#   BIGTX_ROWS="20000 200000" bench/bigtx.sh          # smaller
# Environment: BIGTX_ROWS, BIGTX_XMX (512m), BENCH_WORK, BENCH_SHARED, BENCH_PORT (MariaDB), SLUICE_PORT,
#   SKIP_BUILD, KEEP_DB. Results: $BENCH_WORK/bigtx-results/<stamp>/summary.md.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${BENCH_SHARED:-$(dirname "$REPO")/shared/bench}"
[[ -f "$SHARED/run-all.sh" ]] || { echo "no shared bench at $SHARED (set BENCH_SHARED)" >&2; exit 1; }
WORK="${BENCH_WORK:-$(mktemp -d -t sluice-bigtx.XXXXXX)}"
B="$WORK/bench"
if [[ ! -f "$B/run-all.sh" ]]; then
  mkdir -p "$WORK"; cp -r "$SHARED" "$WORK/"; chmod -R u+w "$B"
fi
export BENCH_STATE_DIR="$WORK/bigtx-state"
mkdir -p "$BENCH_STATE_DIR"
# shellcheck disable=SC1091
source "$B/lib.sh"
SIZES="${BIGTX_ROWS:-100000 1000000}" XMX="${BIGTX_XMX:-512m}" SLUICE_PORT="${SLUICE_PORT:-11111}"
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  (cd "$REPO" && mvn -B -q -DskipTests package >&2)
fi
client_jar="$(ls "$REPO"/client/target/sluice-client-*.jar | grep -v -e '-tests.jar' | head -1)"
mkdir -p "$WORK/sluice-consumer"
javac -nowarn -d "$WORK/sluice-consumer" -cp "$client_jar:$REPO/client/target/lib/*" "$REPO"/bench/java/io/sluice/bench/*.java
consumer_cp="$WORK/sluice-consumer:$client_jar:$REPO/client/target/lib/*"
source "$REPO/bin/env.sh"
server_cp="$(sluice_classpath server)"

"$B/mariadb.sh" start >/dev/null
eval "$("$B/mariadb.sh" env)"
stop_db() { [[ "${KEEP_DB:-0}" == 1 ]] || "$B/mariadb.sh" stop >/dev/null 2>&1 || true; }
trap stop_db EXIT
descendants() { local p; for p in $(pgrep -P "$1" || true); do echo "$p"; descendants "$p"; done; }
kv() { tr ' ' '\n' <<<"$2" | awk -F= -v k="$1" '$1==k{print $2; f=1} END{if(!f) print "-"}'; }

STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$WORK/bigtx-results/$STAMP"
mkdir -p "$OUT"
TSV="$OUT/runs.tsv"
printf 'rows\tok\tseconds\trows_per_s\tbinlog_mb\tserver_cpu_s\tserver_rss_mb\tmax_live_mb\tmax_live_first_half_mb\tmax_live_second_half_mb\tfull_gcs\n' > "$TSV"

for rows in $SIZES; do
  # ---- the transaction (reused while its marker matches this datadir) ----
  MARK="$BENCH_STATE_DIR/bigtx-$rows.env"
  unset X_START_FILE X_DATADIR X_SHAPE
  # shellcheck disable=SC1090
  [[ -f "$MARK" ]] && source "$MARK"
  if [[ "${X_DATADIR:-}" != "$BENCH_DATADIR" || "${X_SHAPE:-}" != 2 ]] || ! bench_sql -N -e "SHOW BINARY LOGS" | awk '{print $1}' | grep -qx "$X_START_FILE"; then
    echo "loading one transaction of $rows rows ..." >&2
    bench_sql -e "CREATE DATABASE IF NOT EXISTS big; DROP TABLE IF EXISTS big.t$rows;
      CREATE TABLE big.t$rows (id BIGINT NOT NULL PRIMARY KEY, c_int INT NOT NULL, c_name VARCHAR(64) NOT NULL,
        c_amount DECIMAL(12,2) NOT NULL, c_double DOUBLE NOT NULL, c_desc VARCHAR(255) NOT NULL); FLUSH BINARY LOGS"
    read -r X_START_FILE X_START_POS < <(bench_sql -N -e "SHOW MASTER STATUS" | awk '{print $1, $2}')
    bench_sql big -e "INSERT INTO big.t$rows SELECT seq, seq % 100000, CONCAT('name-', seq), seq / 100, seq / 7,
      REPEAT(CHAR(65 + seq % 26), 200) FROM seq_1_to_$rows"
    read -r X_END_FILE X_END_POS < <(bench_sql -N -e "SHOW MASTER STATUS" | awk '{print $1, $2}')
    printf 'X_SHAPE=2\nX_START_FILE=%s\nX_START_POS=%s\nX_END_FILE=%s\nX_END_POS=%s\nX_DATADIR=%s\n' "$X_START_FILE" "$X_START_POS" \
      "$X_END_FILE" "$X_END_POS" "$BENCH_DATADIR" > "$MARK"
  fi
  # shellcheck disable=SC1090
  source "$MARK"
  binlog_mb="$(awk -v a="$X_START_POS" -v b="$X_END_POS" -v f="$X_START_FILE" -v g="$X_END_FILE" 'BEGIN{ if (f == g) printf "%.1f", (b - a) / 1e6; else print "-" }')"

  # ---- the server ----
  base="$OUT/$rows"
  conf="$(mktemp -d -t sluice-bigtx-conf.XXXXXX)"
  mkdir -p "$conf/conf/bench" "$conf/logs" "$conf/data"
  cat > "$conf/conf/canal.properties" <<PROPS
canal.port = $SLUICE_PORT
canal.metrics.pull.port = 0
canal.file.data.dir = $conf/data
canal.destinations = bench
canal.auto.scan = false
canal.instance.global.lazy = true
canal.instance.global.spring.xml = classpath:spring/memory-instance.xml
canal.instance.memory.batch.mode = MEMSIZE
canal.instance.detecting.enable = false
PROPS
  cat > "$conf/conf/bench/instance.properties" <<PROPS
canal.instance.master.address = 127.0.0.1:$BENCH_PORT
canal.instance.dbUsername = canal
canal.instance.dbPassword = canal
canal.instance.master.journal.name = $X_START_FILE
canal.instance.master.position = $X_START_POS
canal.instance.filter.regex = big\\\\.t$rows
PROPS
  flags="$(tr ' ' '\n' <<<"$BENCH_JVM_FLAGS" | grep -v -e '^-Xms' -e '^-Xmx' | tr '\n' ' ') -Xmx$XMX -Xlog:gc:file=$base.gc.log"
  # shellcheck disable=SC2086
  /usr/bin/time -v -o "$base.server.time" "$JAVA" $flags -Dsluice.conf="$conf/conf" -Dsluice.logs="$conf/logs" \
    -Dlogback.configurationFile="$REPO/conf/logback.xml" -cp "$server_cp" io.sluice.server.SluiceServer > "$base.server.log" 2>&1 &
  pid=$!
  for i in $(seq 1 480); do grep -q SLUICE_READY "$base.server.log" && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  # the live set: a full GC every second while the rows stream (jcmd GC.run), its "Pause Full" lines in the GC log
  jpid="$(pgrep -P "$pid" java | head -1 || true)"
  ( while [[ -n "$jpid" ]] && kill -0 "$jpid" 2>/dev/null; do sleep 1; jcmd "$jpid" GC.run >/dev/null 2>&1 || true; done ) &
  sampler=$!
  # shellcheck disable=SC2086
  "$JAVA" $BENCH_JVM_FLAGS -cp "$consumer_cp" io.sluice.bench.SluiceBenchConsumer --port "$SLUICE_PORT" \
    --destination bench --filter "big\\.t$rows" --schema big --table "t$rows" --expected "$rows" --expect-insert "$rows" \
    --expect-update 0 --expect-delete 0 --label "bigtx-$rows" > "$base.client.log" 2>&1 || true
  res="$(grep '^RESULT ' "$base.client.log" | tail -1 || true)"
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  kids="$(descendants "$pid")"
  kill -TERM $kids 2>/dev/null || true
  for i in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  kill -0 "$pid" 2>/dev/null && { kill -KILL $(descendants "$pid") 2>/dev/null || true; }
  wait "$pid" 2>/dev/null || true
  cp "$conf/logs/sluice.log" "$base.sluice.log" 2>/dev/null || true
  rm -rf "$conf"
  scpu="$(awk -F': ' '/User time/{u=$2} /System time/{s=$2} END{printf "%.2f", u + s}' "$base.server.time")"
  srss="$(awk -F': ' '/Maximum resident set size/{printf "%.0f", $2 / 1024}' "$base.server.time")"
  # heap occupancy after each full GC (the live set), in order: the largest overall and in each half of the run
  grep 'Pause Full' "$base.gc.log" | grep -oE '[0-9]+M->[0-9]+M' | sed 's/.*->//; s/M//' > "$base.after-gc" || true
  gcs="$(wc -l < "$base.after-gc")"
  maxall="$(sort -n "$base.after-gc" | tail -1)"
  h1="$(head -n $((gcs / 2)) "$base.after-gc" | sort -n | tail -1)"
  h2="$(tail -n $((gcs - gcs / 2)) "$base.after-gc" | sort -n | tail -1)"
  ok="$(kv ok "$res")"; [[ -z "$res" ]] && ok=false
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$rows" "$ok" "$(kv seconds "$res")" "$(kv rows_per_s "$res")" \
    "$binlog_mb" "$scpu" "$srss" "${maxall:--}" "${h1:--}" "${h2:--}" "$gcs" >> "$TSV"
  echo "  $rows rows: ok=$ok rows/s=$(kv rows_per_s "$res") server_cpu_s=$scpu rss_mb=$srss max_live_mb=${maxall:--} full_gcs=$gcs" >&2
done

{
  echo "# One large transaction, $(date -u +%Y-%m-%d)"
  echo
  echo "- one INSERT ... SELECT of ROWS rows (one transaction), Sluice at \`-Xmx$XMX\` (MEMSIZE store), Sluice's client; host load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| rows | ok | s | rows/s | binlog MB | server CPU s | server RSS MB | live heap MB (max after full GC) | … first half of the run | … second half | full GCs |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  awk -F'\t' 'NR > 1 { printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 }' "$TSV"
} > "$OUT/summary.md"
cat "$OUT/summary.md"
