#!/usr/bin/env bash
# One parse for many destinations: the server's cost of serving T destinations (default 50), each filtered to one
# of T tables of one master, three ways, each a fresh Sluice server at -Xmx$FANOUT_XMX (default 1g):
#   single  one destination reading all T tables (filter fan\..*): the work of parsing the binlog once
#   route   T destinations, fan\.t01 .. fan\.tT, t02..tT with sluice.instance.route.from = t01: one binlog
#           connection and one decode shared by all (route 1:n)
#   dumps   the same T destinations without route.from: T binlog dumps, each decoding for itself
# Workload (deterministic, in schema fan of the bench's private MariaDB, its own datadir and marker): T tables like
# the shared bench's bench.t; N/T inserts per table in multi-row INSERTs of min(1000, N/T) rows, then N/2/T updates
# and N/10/T deletes per table, statements interleaved round-robin over the tables (one table per transaction).
# The consumer (FanoutConsumer, Sluice's client) opens one connection per destination, all on one clock, and
# requires every destination to get exactly its table's rows. Its GETs wait server-side up to FANOUT_GET_TIMEOUT_MS
# (500, Kafka's fetch.max.wait.ms) for a full batch, as a consumer of a destination with a fiftieth of the master's
# changes would (-1: GETs that return at once, the client pausing 1..50 ms after an empty one: 50 destinations then
# ask ten times as often, mostly for nothing; 100: a third of the GETs return a part of a batch). Destinations start
# at boot (lazy off: a routed destination joins the shared source when it starts), so the servers' stores fill before
# the consumer connects; compare server CPU-s and memory first, rates second.
#
#   bench/fanout.sh                               # N=1,000,000, the three cases, one run each
#   FANOUT_N=20000 FANOUT_CASES="single route" bench/fanout.sh
# Environment: FANOUT_N (1000000), FANOUT_TABLES (50), FANOUT_CASES ("single route dumps"), FANOUT_RUNS (1),
#   FANOUT_XMX (1g: replaces the bench's -Xms/-Xmx for the server), FANOUT_GET_TIMEOUT_MS (500), BENCH_WORK,
#   BENCH_SHARED, BENCH_PORT (MariaDB), SLUICE_PORT, SKIP_BUILD, KEEP_DB.
#   Results: $BENCH_WORK/fanout-results/<stamp>/summary.md (and runs.tsv).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${BENCH_SHARED:-$(dirname "$REPO")/shared/bench}"
[[ -f "$SHARED/run-all.sh" ]] || { echo "no shared bench at $SHARED (set BENCH_SHARED)" >&2; exit 1; }
WORK="${BENCH_WORK:-$(mktemp -d -t sluice-fanout.XXXXXX)}"
B="$WORK/bench"
if [[ ! -f "$B/run-all.sh" ]]; then
  mkdir -p "$WORK"; cp -r "$SHARED" "$WORK/"; chmod -R u+w "$B"
fi
export BENCH_STATE_DIR="$WORK/fanout-state"   # own MariaDB datadir and marker: the catch-up bench's load stays valid
mkdir -p "$BENCH_STATE_DIR"
# shellcheck disable=SC1091
source "$B/lib.sh"
N="${FANOUT_N:-1000000}" T="${FANOUT_TABLES:-50}" RUNS="${FANOUT_RUNS:-1}" XMX="${FANOUT_XMX:-1g}"
CASES="${FANOUT_CASES:-single route dumps}"
GET_TIMEOUT_MS="${FANOUT_GET_TIMEOUT_MS:-500}"
SLUICE_PORT="${SLUICE_PORT:-11111}"
R=$((N / T)); BATCH=$((R < 1000 ? R : 1000))
((R > 0)) || { echo "FANOUT_N must be at least FANOUT_TABLES" >&2; exit 2; }
echo "fanout work dir: $WORK (N=$N, $T tables of $R rows)" >&2

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  (cd "$REPO" && mvn -B -q -DskipTests package >&2)
fi
client_jar="$(ls "$REPO"/client/target/sluice-client-*.jar | grep -v -e '-tests.jar' | head -1)"
mkdir -p "$WORK/sluice-consumer"
javac -nowarn -d "$WORK/sluice-consumer" -cp "$client_jar:$REPO/client/target/lib/*" "$REPO"/bench/java/io/sluice/bench/*.java
consumer_cp="$WORK/sluice-consumer:$client_jar:$REPO/client/target/lib/*"
source "$REPO/bin/env.sh"
server_cp="$(sluice_classpath server)"

bench_build
"$B/mariadb.sh" start >/dev/null
eval "$("$B/mariadb.sh" env)"
MPID="$(cat "$BENCH_DATADIR/mariadbd.pid")"
stop_db() { [[ "${KEEP_DB:-0}" == 1 ]] || "$B/mariadb.sh" stop >/dev/null 2>&1 || true; }
trap stop_db EXIT
tname() { printf 't%02d' "$1"; }

# ---- workload (reused while the marker matches N, T and this datadir, and the range is still there) ----
MARK="$BENCH_STATE_DIR/fanout.env"
reuse=0
if [[ -f "$MARK" ]]; then
  # shellcheck disable=SC1090
  source "$MARK"
  if [[ "$F_N" == "$N" && "$F_T" == "$T" && "$F_DATADIR" == "$BENCH_DATADIR" ]] &&
     bench_sql -N -e "SHOW BINARY LOGS" | awk '{print $1}' | grep -qx "$F_START_FILE"; then reuse=1; fi
fi
if [[ $reuse == 0 ]]; then
  echo "loading fan-out workload: $T tables x $R rows ..." >&2
  GEN=("$JAVA" -cp "$(bench_cp workload)" bench.WorkloadGen)
  tmp="$(mktemp -d)"
  "${GEN[@]}" schema > "$tmp/schema.sql"
  "${GEN[@]}" inserts "$R" "$BATCH" > "$tmp/ins.sql"
  "${GEN[@]}" updates "$R" "$BATCH" > "$tmp/upd.sql"
  "${GEN[@]}" deletes "$R" "$BATCH" > "$tmp/del.sql"
  bench_sql -e "DROP DATABASE IF EXISTS fan; CREATE DATABASE fan CHARACTER SET utf8mb4"
  for ((i = 1; i <= T; i++)); do sed "s/^CREATE TABLE t (/CREATE TABLE $(tname "$i") (/" "$tmp/schema.sql"; done | bench_sql fan
  bench_sql -e "FLUSH BINARY LOGS"
  read -r F_START_FILE F_START_POS < <(bench_sql -N -e "SHOW MASTER STATUS" | awk '{print $1, $2}')
  # each generated statement (";\n"-terminated) once per table, statement by statement: the tables interleave
  interleave() {
    awk -v T="$T" 'BEGIN { RS = ";\n" } NF {
      for (i = 1; i <= T; i++) {
        s = $0; tn = sprintf("t%02d", i)
        sub(/^INSERT INTO t /, "INSERT INTO " tn " ", s); sub(/UPDATE t SET/, "UPDATE " tn " SET", s)
        sub(/DELETE FROM t WHERE/, "DELETE FROM " tn " WHERE", s)
        print s ";"
        if (s ~ /^SET SESSION/) break
      } }' "$1"
  }
  t0=$(date +%s.%N)
  { interleave "$tmp/ins.sql"; interleave "$tmp/upd.sql"; interleave "$tmp/del.sql"; } | bench_sql fan
  read -r F_END_FILE F_END_POS < <(bench_sql -N -e "SHOW MASTER STATUS" | awk '{print $1, $2}')
  rm -rf "$tmp"
  for ((i = 1; i <= T; i++)); do
    read -r c mx < <(bench_sql -N -e "SELECT COUNT(*), MAX(id) FROM fan.$(tname "$i")")
    [[ "$c" == $((R - R / 10)) && "$mx" == $((R - R / 10)) ]] || { echo "fan.$(tname "$i"): count=$c max=$mx" >&2; exit 1; }
  done
  cat > "$MARK" <<ENV
F_N=$N
F_T=$T
F_START_FILE=$F_START_FILE
F_START_POS=$F_START_POS
F_END_FILE=$F_END_FILE
F_END_POS=$F_END_POS
F_DATADIR=$BENCH_DATADIR
F_LOAD_S=$(echo "$(date +%s.%N) - $t0" | bc)
ENV
  # shellcheck disable=SC1090
  source "$MARK"
fi
echo "range $F_START_FILE:$F_START_POS .. $F_END_FILE:$F_END_POS" >&2

# ---- one server run ----
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$WORK/fanout-results/$STAMP"
mkdir -p "$OUT"
TSV="$OUT/runs.tsv"
printf 'case\trun\tok\tdestinations\trows\tseconds\trows_per_s\tdest_min_rows_per_s\tdest_median_rows_per_s\tserver_cpu_s\tserver_rss_mb\tmax_heap_after_gc_mb\tclient_cpu_s\tdb_cpu_s\n' > "$TSV"
TICK="$(getconf CLK_TCK)"
tv() { awk -F': ' -v k="$2" '$1 ~ k {print $2}' "$1" 2>/dev/null | head -1; }
kv() { tr ' ' '\n' <<<"$2" | awk -F= -v k="$1" '$1==k{print $2; f=1} END{if(!f) print "-"}'; }
descendants() { local p; for p in $(pgrep -P "$1" || true); do echo "$p"; descendants "$p"; done; }

run_case() { # case run
  local kase="$1" run="$2" base conf i names="" flags pid kids
  base="$OUT/$kase.$run"
  conf="$(mktemp -d -t sluice-fanout-conf.XXXXXX)"
  mkdir -p "$conf/conf" "$conf/logs" "$conf/data"
  local dests=()
  if [[ "$kase" == single ]]; then dests=(all); else for ((i = 1; i <= T; i++)); do dests+=("$(tname "$i")"); done; fi
  names="$(IFS=,; echo "${dests[*]}")"
  cat > "$conf/conf/canal.properties" <<PROPS
canal.port = $SLUICE_PORT
canal.metrics.pull.port = 0
canal.file.data.dir = $conf/data
canal.destinations = $names
canal.auto.scan = false
canal.instance.global.lazy = false
canal.instance.global.spring.xml = classpath:spring/memory-instance.xml
canal.instance.memory.batch.mode = MEMSIZE
canal.instance.detecting.enable = false
PROPS
  local k=0
  for d in "${dests[@]}"; do
    k=$((k + 1))
    mkdir -p "$conf/conf/$d"
    {
      echo "canal.instance.master.address = 127.0.0.1:$BENCH_PORT"
      echo "canal.instance.dbUsername = canal"
      echo "canal.instance.dbPassword = canal"
      echo "canal.instance.master.journal.name = $F_START_FILE"
      echo "canal.instance.master.position = $F_START_POS"
      echo "canal.instance.mysql.slaveId = $((3000 + k))"   # one replica id per binlog dump
      if [[ "$d" == all ]]; then echo 'canal.instance.filter.regex = fan\\..*'; else echo "canal.instance.filter.regex = fan\\\\.$d"; fi
      if [[ "$kase" == route && "$d" != t01 ]]; then echo "sluice.instance.route.from = t01"; fi
    } > "$conf/conf/$d/instance.properties"
  done
  flags="$(tr ' ' '\n' <<<"$BENCH_JVM_FLAGS" | grep -v -e '^-Xms' -e '^-Xmx' | tr '\n' ' ') -Xmx$XMX -Xlog:gc:file=$base.gc.log"
  local d0 d1
  d0="$(awk '{print $14 + $15}' "/proc/$MPID/stat")"
  # shellcheck disable=SC2086
  /usr/bin/time -v -o "$base.server.time" "$JAVA" $flags -Dsluice.conf="$conf/conf" -Dsluice.logs="$conf/logs" \
    -Dlogback.configurationFile="$REPO/conf/logback.xml" -cp "$server_cp" io.sluice.server.SluiceServer > "$base.server.log" 2>&1 &
  pid=$!
  for i in $(seq 1 480); do grep -q SLUICE_READY "$base.server.log" && break; kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  local res=""
  if grep -q SLUICE_READY "$base.server.log"; then
    local per_dest=$([[ "$kase" == single ]] && echo "$T" || echo 1)
    # shellcheck disable=SC2086
    /usr/bin/time -v -o "$base.client.time" "$JAVA" $BENCH_JVM_FLAGS -cp "$consumer_cp" io.sluice.bench.FanoutConsumer \
      --port "$SLUICE_PORT" --destinations "$names" --tables-per-destination "$per_dest" \
      --expect-insert "$R" --expect-update "$((R / 2))" --expect-delete "$((R / 10))" --label "$kase" --get-timeout-ms "$GET_TIMEOUT_MS" > "$base.client.log" 2>&1 || true
    res="$(grep '^RESULT ' "$base.client.log" | tail -1 || true)"
  else
    echo "  $kase: server did not come up; see $base.server.log" >&2
  fi
  d1="$(awk '{print $14 + $15}' "/proc/$MPID/stat")"
  kids="$(descendants "$pid")"
  kill -TERM $kids 2>/dev/null || true
  for i in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  kill -0 "$pid" 2>/dev/null && { kill -KILL $(descendants "$pid") 2>/dev/null || true; }
  wait "$pid" 2>/dev/null || true
  cp "$conf/logs/sluice.log" "$base.sluice.log" 2>/dev/null || true
  rm -rf "$conf"
  local scpu srss heap ccpu ok
  scpu="$(awk -F': ' '/User time/{u=$2} /System time/{s=$2} END{printf "%.2f", u + s}' "$base.server.time")"
  srss="$(awk -F': ' '/Maximum resident set size/{printf "%.0f", $2 / 1024}' "$base.server.time")"
  ccpu="$(awk -F': ' '/User time/{u=$2} /System time/{s=$2} END{printf "%.2f", u + s}' "$base.client.time" 2>/dev/null || echo -)"
  # live heap: the largest heap occupancy right after a collection ("Pause ... 300M->41M(1024M)")
  heap="$(grep -oE '[0-9]+M->[0-9]+M' "$base.gc.log" | sed 's/.*->//; s/M//' | sort -n | tail -1)"
  ok="$(kv ok "$res")"; [[ -z "$res" ]] && ok=false
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$kase" "$run" "$ok" "${#dests[@]}" "$(kv rows "$res")" \
    "$(kv seconds "$res")" "$(kv rows_per_s "$res")" "$(kv dest_min_rows_per_s "$res")" "$(kv dest_median_rows_per_s "$res")" \
    "$scpu" "$srss" "${heap:--}" "$ccpu" "$(awk -v t="$((d1 - d0))" -v k="$TICK" 'BEGIN{printf "%.2f", t / k}')" >> "$TSV"
  echo "  $kase run $run: ok=$ok rows/s=$(kv rows_per_s "$res") server_cpu_s=$scpu rss_mb=$srss heap_after_gc_mb=${heap:--}" >&2
}

for run in $(seq 1 "$RUNS"); do
  for kase in $CASES; do run_case "$kase" "$run"; done
done

{
  echo "# Fan-out bench, $(date -u +%Y-%m-%d)"
  echo
  echo "- N=$N over $T tables ($R inserts, $((R / 2)) updates, $((R / 10)) deletes per table; $((T * (R + R / 2 + R / 10))) row changes); range $F_START_FILE:$F_START_POS .. $F_END_FILE:$F_END_POS"
  echo "- server: \`-Xmx$XMX\`, MEMSIZE store per destination, memory meta, destinations started at boot; consumer: Sluice's client, one connection per destination, GETs waiting up to $GET_TIMEOUT_MS ms for a full batch"
  echo "- host load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| case | ok | destinations | rows | s | total rows/s | slowest dest rows/s | median dest rows/s | server CPU s | server RSS MB | max heap after GC MB | client CPU s | MariaDB CPU s |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  awk -F'\t' 'NR > 1 { printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14 }' "$TSV"
} > "$OUT/summary.md"
cat "$OUT/summary.md"
