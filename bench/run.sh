#!/usr/bin/env bash
# Sluice side by side with canal 1.1.7 and the binlog decode ceiling, on the shared bench (../shared/bench beside
# the checkout, read-only: it is copied to a work dir and run there). One command:
#
#   bench/run.sh
#
# Environment (all optional):
#   BENCH_N=1000000   workload size (N inserts + N/2 updates + N/10 deletes, 1000 rows per transaction)
#   RUNS=3            rounds; every system once per round (round-robin), a fresh server process each time
#   SYSTEMS           default: canal-itemsize canal-memsize sluice-canal-client sluice-own-client
#                     sluice-canal-client-product sluice-own-client-product
#                     sluice-canal-client-512m sluice-own-client-512m client-ceiling canal-kafka sluice-kafka
#                     sluice-kafka-product sluice-kafka-protobuf binlog-connector-decode
#                     sluice-canal-client:  Sluice + the official canal client 1.1.8 as shipped (consume.sh)
#                     sluice-own-client:    Sluice + Sluice's client (consume-sluice.sh, same RESULT line)
#                     *-512m:               the Sluice server with -Xmx512m instead of the bench's -Xms2g -Xmx2g
#                     sluice-kafka:         Sluice in Kafka mode, FlatMessage, read by the shared consume-kafka.sh
#                     sluice-kafka-protobuf: Sluice in Kafka mode, canal's protobuf Packet{MESSAGES}, read by
#                                           consume-kafka-protobuf.sh (same counting, duplicates, RESULT line)
#                     (the MQ systems get a fresh Kafka broker per run, see ../shared/bench/README.md "MQ systems")
#                     *-product:            the Sluice server with the JVM options bin/startup.sh gives production
#                                           (bench/sluice-server.sh --product-flags: JIT thresholds, class-data
#                                           archive, written once before the runs) on top of the bench's heap;
#                                           sluice-kafka-product: the same for sluice-kafka
#                     *-file:               the Sluice server with file meta (meta.dat + ack journal, shipped
#                                           flush period) instead of memory meta: what persisting acks costs
#                     *-file-prev:          the same with the build in SLUICE_PREV_HOME (a checkout of the previous
#                                           build, packaged): the cost side by side with it in one run
#                     and every system of the shared run-all.sh (canal-*, client-ceiling, binlog-connector-*, ...)
#   BENCH_WORK        work dir to (re)use: the bench copy, its MariaDB datadir marker and the loaded workload are
#                     kept there, so a second run with the same BENCH_WORK and N skips the load. Default: mktemp -d
#   BENCH_SHARED      the shared bench (default: $(dirname repo)/shared/bench)
#   BENCH_JVM_FLAGS   JVM flags of every Java process (default: the shared bench's -Xms2g -Xmx2g G1)
#   BENCH_PORT        the bench MariaDB's port (default 3307); SLUICE_PORT the Sluice server's (default 11111)
#   SLUICE_BATCH_MODE store batch mode of the Sluice server (default MEMSIZE, as canal.properties ships)
#   SLUICE_JFR_DIR    record a JFR profile of every Sluice server run into this dir
#   SKIP_BUILD=1      do not rebuild Sluice (mvn -B -q -DskipTests package)
#   UPDATE_DOCS=1     copy the table into docs/performance.md (default: 1 when BENCH_N=1000000 and RUNS>=1)
#   KEEP_DB=1         leave the bench MariaDB running at the end (default: stopped; its datadir stays for BENCH_WORK)
#   FANOUT=1          then run bench/fanout.sh (50 destinations: shared parser / one destination / 50 dumps) with
#                     FANOUT_N=BENCH_N (default: 1 when UPDATE_DOCS is 1); its table goes into docs/performance.md too
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${BENCH_SHARED:-$(dirname "$REPO")/shared/bench}"
[[ -f "$SHARED/run-all.sh" ]] || { echo "no shared bench at $SHARED (set BENCH_SHARED)" >&2; exit 1; }
WORK="${BENCH_WORK:-$(mktemp -d -t sluice-bench.XXXXXX)}"
mkdir -p "$WORK"
B="$WORK/bench"
if [[ ! -f "$B/run-all.sh" ]]; then
  cp -r "$SHARED" "$WORK/"
  chmod -R u+w "$B"
fi
echo "bench work dir: $WORK" >&2

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  echo "building Sluice (mvn -B -q -DskipTests package)..." >&2
  (cd "$REPO" && mvn -B -q -DskipTests package >&2)
fi

# Sluice's bench consumer, compiled against the client's jar and libraries
client_jar="$(ls "$REPO"/client/target/sluice-client-*.jar | grep -v -e '-tests.jar' | head -1)"
client_cp="$client_jar:$REPO/client/target/lib/*"
mkdir -p "$WORK/sluice-consumer"
javac -nowarn -d "$WORK/sluice-consumer" -cp "$client_cp" "$REPO"/bench/java/io/sluice/bench/*.java
export SLUICE_CONSUMER_CP="$WORK/sluice-consumer:$client_cp"
# the protobuf MQ consumer, compiled against the server's libraries (kafka-clients, protobuf, Sluice's protocol)
server_cp="$(ls "$REPO"/server/target/sluice-server-*.jar | grep -v -e '-tests.jar' | head -1):$REPO/server/target/lib/*"
mkdir -p "$WORK/sluice-mq-consumer"
javac -nowarn -d "$WORK/sluice-mq-consumer" -cp "$server_cp" "$REPO"/bench/java-kafka/io/sluice/bench/*.java
cp "$REPO/bench/java-kafka/logback.xml" "$WORK/sluice-mq-consumer/"
export SLUICE_MQ_CONSUMER_CP="$WORK/sluice-mq-consumer:$server_cp"
export SLUICE_HOME="$REPO"

cp "$REPO/bench/sluice-server.sh" "$REPO/bench/consume-sluice.sh" "$REPO/bench/sluice-mq-server.sh" \
  "$REPO/bench/consume-kafka-protobuf.sh" "$REPO/bench/server-threads.sh" "$B/"
# run-all.sh takes one external server; the Sluice systems are added as cases of its own, and its consumer
# becomes overridable per system (BENCH_CONSUMER), so canal and Sluice run in the same rounds and the same table.
cp "$SHARED/run-all.sh" "$B/run-all.sh" # patched afresh each time, so a reused work dir follows this script
chmod u+w "$B/run-all.sh"
sed -i 's|"\$HERE/consume.sh" --port|"${BENCH_CONSUMER:-$HERE/consume.sh}" --port|' "$B/run-all.sh"
grep -q 'BENCH_CONSUMER' "$B/run-all.sh" || { echo "run-all.sh changed shape: cannot add the consumer switch" >&2; exit 1; }
# the MQ systems: the Kafka consumer becomes overridable too (BENCH_MQ_CONSUMER), and sluice-kafka* count as MQ
# systems (fresh broker per run, broker CPU and duplicates in mq.tsv), as canal-kafka and EXT_MQ_NAME do
sed -i -e 's|"\$HERE/consume-kafka.sh" --topic|"${BENCH_MQ_CONSUMER:-$HERE/consume-kafka.sh}" --topic|' \
  -e 's/"\$sys" == canal-kafka ||/"$sys" == canal-kafka || "$sys" == sluice-kafka* ||/' "$B/run-all.sh"
# every server's CPU by thread group (JIT, GC, parser, network, ...), read right before the server is stopped
sed -i 's|^  # stop the server: TERM every process under our /usr/bin/time|  "$HERE/server-threads.sh" "$tpid" > "$base.server.threads" 2>/dev/null \|\| true\n&|' "$B/run-all.sh"
# and its log dir is remembered where run.sh finds it
sed -i 's|^LOGDIR="$(mktemp -d -t cdcbench-logs.XXXXXX)"$|&; echo "$LOGDIR" > "$HERE/.state/last-logdir"|' "$B/run-all.sh"
[[ "$(grep -c 'server-threads.sh' "$B/run-all.sh")" == 2 && "$(grep -c 'last-logdir' "$B/run-all.sh")" == 1 ]] || { echo "run-all.sh changed shape: cannot add the thread CPU" >&2; exit 1; }
grep -q 'BENCH_MQ_CONSUMER' "$B/run-all.sh" && [[ "$(grep -c '== sluice-kafka\*' "$B/run-all.sh")" == 2 ]] ||
  { echo "run-all.sh changed shape: cannot add the Sluice MQ systems" >&2; exit 1; }
awk -v jfr="\${SLUICE_JFR_DIR:+--jfr \$SLUICE_JFR_DIR/\$sys.\$run.jfr}" '
  /^      \*\)$/ && !done {
    print "      sluice-canal-client) run_server \"$sys\" \"$run\" \"${SLUICE_PORT:-$CANAL_PORT}\" bench SLUICE_READY \"\" \"$HERE/sluice-server.sh\" --port \"${SLUICE_PORT:-$CANAL_PORT}\" " jfr " ;;"
    print "      sluice-own-client) BENCH_CONSUMER=\"$HERE/consume-sluice.sh\" run_server \"$sys\" \"$run\" \"${SLUICE_PORT:-$CANAL_PORT}\" bench SLUICE_READY \"\" \"$HERE/sluice-server.sh\" --port \"${SLUICE_PORT:-$CANAL_PORT}\" " jfr " ;;"
    print "      sluice-canal-client-512m) run_server \"$sys\" \"$run\" \"${SLUICE_PORT:-$CANAL_PORT}\" bench SLUICE_READY \"\" \"$HERE/sluice-server.sh\" --port \"${SLUICE_PORT:-$CANAL_PORT}\" --xmx 512m " jfr " ;;"
    print "      sluice-own-client-512m) BENCH_CONSUMER=\"$HERE/consume-sluice.sh\" run_server \"$sys\" \"$run\" \"${SLUICE_PORT:-$CANAL_PORT}\" bench SLUICE_READY \"\" \"$HERE/sluice-server.sh\" --port \"${SLUICE_PORT:-$CANAL_PORT}\" --xmx 512m " jfr " ;;"
    print "      sluice-canal-client-product) run_server \"$sys\" \"$run\" \"${SLUICE_PORT:-$CANAL_PORT}\" bench SLUICE_READY \"\" \"$HERE/sluice-server.sh\" --port \"${SLUICE_PORT:-$CANAL_PORT}\" --product-flags " jfr " ;;"
    print "      sluice-own-client-product) BENCH_CONSUMER=\"$HERE/consume-sluice.sh\" run_server \"$sys\" \"$run\" \"${SLUICE_PORT:-$CANAL_PORT}\" bench SLUICE_READY \"\" \"$HERE/sluice-server.sh\" --port \"${SLUICE_PORT:-$CANAL_PORT}\" --product-flags " jfr " ;;"
    print "      sluice-kafka) run_mq \"$sys\" \"$run\" \"^SLUICE_MQ_T0 \" \"$HERE/sluice-mq-server.sh\" --format flat " jfr " ;;"
    print "      sluice-kafka-product) run_mq \"$sys\" \"$run\" \"^SLUICE_MQ_T0 \" \"$HERE/sluice-mq-server.sh\" --format flat --product-flags " jfr " ;;"
    print "      sluice-kafka-protobuf) BENCH_MQ_CONSUMER=\"$HERE/consume-kafka-protobuf.sh\" run_mq \"$sys\" \"$run\" \"^SLUICE_MQ_T0 \" \"$HERE/sluice-mq-server.sh\" --format protobuf " jfr " ;;"
    print "      sluice-canal-client-file) run_server \"$sys\" \"$run\" \"${SLUICE_PORT:-$CANAL_PORT}\" bench SLUICE_READY \"\" \"$HERE/sluice-server.sh\" --port \"${SLUICE_PORT:-$CANAL_PORT}\" --meta file " jfr " ;;"
    print "      sluice-own-client-file) BENCH_CONSUMER=\"$HERE/consume-sluice.sh\" run_server \"$sys\" \"$run\" \"${SLUICE_PORT:-$CANAL_PORT}\" bench SLUICE_READY \"\" \"$HERE/sluice-server.sh\" --port \"${SLUICE_PORT:-$CANAL_PORT}\" --meta file " jfr " ;;"
    print "      sluice-canal-client-file-prev) run_server \"$sys\" \"$run\" \"${SLUICE_PORT:-$CANAL_PORT}\" bench SLUICE_READY \"\" \"$HERE/sluice-server.sh\" --port \"${SLUICE_PORT:-$CANAL_PORT}\" --meta file --home \"${SLUICE_PREV_HOME:?SLUICE_PREV_HOME}\" " jfr " ;;"
    print "      sluice-own-client-file-prev) BENCH_CONSUMER=\"$HERE/consume-sluice.sh\" run_server \"$sys\" \"$run\" \"${SLUICE_PORT:-$CANAL_PORT}\" bench SLUICE_READY \"\" \"$HERE/sluice-server.sh\" --port \"${SLUICE_PORT:-$CANAL_PORT}\" --meta file --home \"${SLUICE_PREV_HOME:?SLUICE_PREV_HOME}\" " jfr " ;;"
    done = 1
  }
  { print }' "$B/run-all.sh" > "$B/run-all.sh.new"
grep -q 'sluice-canal-client)' "$B/run-all.sh.new" || { echo "run-all.sh changed shape: cannot add the Sluice systems" >&2; exit 1; }
mv "$B/run-all.sh.new" "$B/run-all.sh"
chmod +x "$B/run-all.sh"

export SYSTEMS="${SYSTEMS:-canal-itemsize canal-memsize sluice-canal-client sluice-own-client sluice-canal-client-product sluice-own-client-product sluice-canal-client-512m sluice-own-client-512m client-ceiling canal-kafka sluice-kafka sluice-kafka-product sluice-kafka-protobuf binlog-connector-decode}"
[[ -n "${SLUICE_JFR_DIR:-}" ]] && mkdir -p "$SLUICE_JFR_DIR"
[[ -n "${SLUICE_JFR_DIR:-}" ]] && export SLUICE_JFR_DIR
export SLUICE_BATCH_MODE="${SLUICE_BATCH_MODE:-MEMSIZE}"
if [[ " $SYSTEMS " == *-product\ * ]]; then
  # the *-product systems run as a production server from its second start on: with the class-data archive that
  # bin/startup.sh writes at the first stop. Written here, by a start and stop outside the measured runs (a lazy
  # destination needs no master until a client subscribes).
  export BENCH_SLUICE_CDS_DIR="${BENCH_SLUICE_CDS_DIR:-$WORK/sluice-cds}"
  train_log="$(mktemp)"
  # the same JVM flags as the measured runs (the archive's name is a hash of them): the shared lib.sh's default
  START_FILE=none START_POS=4 BENCH_PORT="${BENCH_PORT:-3307}" \
    BENCH_JVM_FLAGS="$(cd "$B" && source ./lib.sh >/dev/null 2>&1; echo "$BENCH_JVM_FLAGS")" \
    "$B/sluice-server.sh" --product-flags --port "${SLUICE_PORT:-11111}" > "$train_log" 2>&1 &
  train_pid=$!
  for _ in $(seq 1 240); do grep -q SLUICE_READY "$train_log" && break; kill -0 "$train_pid" 2>/dev/null || break; sleep 0.25; done
  kill -TERM "$train_pid" 2>/dev/null || true
  wait "$train_pid" 2>/dev/null || true
  echo "class-data archive for the *-product systems: $(ls "$BENCH_SLUICE_CDS_DIR" 2>/dev/null | tr '\n' ' ')" >&2
  rm -f "$train_log"
fi
stop_db() { [[ "${KEEP_DB:-0}" == 1 ]] || "$B/mariadb.sh" stop >/dev/null 2>&1 || true; }
trap stop_db EXIT
(cd "$B" && ./run-all.sh)

summary="$(ls -d "$B"/results/*/ | sort | tail -1)summary.md"
# server CPU by thread group, medians per system over its runs (bench/server-threads.sh)
logdir="$(cat "$B/.state/last-logdir" 2>/dev/null || true)"
if [[ -d "$logdir" ]] && ls "$logdir"/*.server.threads >/dev/null 2>&1; then
  {
    echo
    echo "Server CPU s by thread (median of the system's runs; bench/server-threads.sh, read right before the server"
    echo "is stopped): jit = C1/C2 compiler threads, gc = GC and VM threads, main = JVM start, configuration and"
    echo "warm-up, parser = Sluice's binlog reader/decoder/encoder, net-io = Netty I/O, mq = publishing threads."
    echo
    echo "| system | jit | gc | parser | net-io | mq | main | other | total |"
    echo "|---|---|---|---|---|---|---|---|---|"
    for sys in $SYSTEMS; do
      ls "$logdir/$sys".*.server.threads >/dev/null 2>&1 || continue
      printf '| %s |' "$sys"
      for g in jit gc parser net-io mq main other total; do
        cat "$logdir/$sys".*.server.threads | awk -F'\t' -v g="$g" '$1 == g { print $2 }' | sort -n |
          awk '{ v[NR] = $1 } END { if (NR == 0) { printf " - |"; exit } m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf " %.2f |", m }'
      done
      echo
    done
  } >> "$summary"
fi
n="${BENCH_N:-1000000}"
update_docs="${UPDATE_DOCS:-$([[ $n == 1000000 ]] && echo 1 || echo 0)}"
fanout_summary=""
if [[ "${FANOUT:-$update_docs}" == 1 ]]; then
  stop_db   # fanout.sh runs its own MariaDB (own datadir) on the same port
  BENCH_WORK="$WORK" SKIP_BUILD=1 FANOUT_N="${FANOUT_N:-$n}" "$REPO/bench/fanout.sh" >&2
  fanout_summary="$(ls -d "$WORK"/fanout-results/*/ | sort | tail -1)summary.md"
fi
mkdir -p "$REPO/bench/results"
echo "table: $summary" >&2
if [[ "$update_docs" == 1 ]]; then
  # only the marked block of docs/performance.md is the run's; the explanations around it are written by hand
  block="$(mktemp)"
  {
    echo "Latest full run of \`bench/run.sh\` (see bench/README.md): catch-up of the same binlog range by canal 1.1.7,"
    echo "Sluice with the official canal client 1.1.8 and with Sluice's own client, canal and Sluice in Kafka mode"
    echo "(\`*-kafka*\`: broker, consumer and clock of the shared bench's MQ systems), and the binlog decode ceiling,"
    echo "round-robin in one run, a fresh server process each time. Sluice store batch mode: $SLUICE_BATCH_MODE."
    echo "Host load while it ran: $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15-min load average at the end)."
    echo
    sed 's/^# CDC catch-up bench, /Run of /' "$summary"
    if [[ -n "$fanout_summary" ]]; then
      echo
      sed 's/^# Fan-out bench, /### One parse for fifty destinations (bench\/fanout.sh), /' "$fanout_summary"
    fi
  } > "$block"
  awk -v block="$block" '
    /^<!-- BEGIN bench\/run.sh/ { print; while ((getline line < block) > 0) print line; skip = 1; next }
    /^<!-- END bench\/run.sh -->/ { skip = 0 }
    !skip { print }' "$REPO/docs/performance.md" > "$REPO/docs/performance.md.new"
  rm -f "$block"
  grep -q '^<!-- END bench/run.sh -->' "$REPO/docs/performance.md.new" \
    || { echo "docs/performance.md has no <!-- BEGIN/END bench/run.sh --> block; not updated" >&2; exit 1; }
  mv "$REPO/docs/performance.md.new" "$REPO/docs/performance.md"
  echo "docs/performance.md updated" >&2
fi
