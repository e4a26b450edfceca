#!/usr/bin/env bash
# What a server costs once and what it costs per pass: one Sluice server JVM with NPASS destinations over the same
# loaded bench range (b1..bN: same master, start position and filter as the bench's "bench"), read one after the
# other by Sluice's client (consume-sluice.sh). Prints the CPU at SLUICE_READY, then per pass the consumer's rows/s
# and first row, that pass's parser thread CPU and the process total, then the whole run by thread group
# (server-threads.sh). NPASS=1 is one bench run with a thread breakdown; later passes run on compiled code, so
# pass N shows the per-row cost without the JVM's start and compilation. With a large BENCH_N it also shows
# whether rows/s holds from the first to the last gigabyte of binlog.
#
#   BENCH_WORK=<the work dir of a bench/run.sh run> bench/passes.sh [NPASS]      (default 3)
# Environment: BENCH_WORK (required: its bench/ copy holds the loaded workload), BENCH_PORT (its MariaDB, 3307),
#   SLUICE_PORT (11111), SERVER_FLAGS (extra JVM flags for the server), SLUICE_HOME (default: this checkout,
#   packaged). The bench MariaDB is started if it is not running, and left running.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
: "${BENCH_WORK:?BENCH_WORK: the work dir of a bench/run.sh run (its workload is loaded)}"
B="$BENCH_WORK/bench"
npass="${1:-3}"
port="${SLUICE_PORT:-11111}"
H="${SLUICE_HOME:-$REPO}"
export BENCH_PORT="${BENCH_PORT:-3307}"
cd "$B"
source ./lib.sh
bench_load_marker
./mariadb.sh start >/dev/null
source "$H/bin/env.sh"
source "$REPO/bench/sluice-bench-lib.sh"
cp="$(sluice_classpath server)"
client_cp="$(ls "$H"/client/target/sluice-client-*.jar | grep -v -e '-tests.jar' | head -1):$H/client/target/lib/*"
mkdir -p "$BENCH_WORK/sluice-consumer"
javac -nowarn -d "$BENCH_WORK/sluice-consumer" -cp "$client_cp" "$REPO"/bench/java/io/sluice/bench/*.java
export SLUICE_CONSUMER_CP="$BENCH_WORK/sluice-consumer:$client_cp"
cp "$REPO/bench/consume-sluice.sh" "$REPO/bench/server-threads.sh" "$B/"

run="$(mktemp -d -t sluice-passes.XXXXXX)"
mkdir -p "$run/conf" "$run/logs" "$run/data"
dests="$(seq -s, -f 'b%g' 1 "$npass")"
cat > "$run/conf/canal.properties" <<PROPS
canal.port = $port
canal.metrics.pull.port = 0
canal.file.data.dir = $run/data
canal.destinations = $dests
canal.auto.scan = false
canal.instance.global.lazy = true
canal.instance.global.spring.xml = classpath:spring/memory-instance.xml
canal.instance.detecting.enable = false
PROPS
for d in ${dests//,/ }; do
  mkdir -p "$run/conf/$d"
  sluice_bench_instance_properties > "$run/conf/$d/instance.properties"
done
tck="$(getconf CLK_TCK)"
# shellcheck disable=SC2086
"$JAVA" $BENCH_JVM_FLAGS ${SERVER_FLAGS:-} -Dsluice.conf="$run/conf" -Dsluice.logs="$run/logs" \
  -Dlogback.configurationFile="$H/conf/logback.xml" -cp "$cp" io.sluice.server.SluiceServer > "$run/out" 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$run"' EXIT
t0="$(date +%s%N)"
until grep -q SLUICE_READY "$run/out"; do
  kill -0 "$pid" 2>/dev/null || { cat "$run/out" >&2; exit 1; }
  sleep 0.02
done
cpu_of() { awk -v t="$tck" '{ sub(/^.*\) /, ""); split($0, a, " "); printf "%.2f", (a[12] + a[13]) / t }' "$1"; }
echo "READY after $(( ($(date +%s%N) - t0) / 1000000 )) ms, process CPU $(cpu_of /proc/$pid/stat) s"
for d in ${dests//,/ }; do
  before="$(ls /proc/$pid/task)"
  res="$(./consume-sluice.sh --port "$port" --destination "$d" --batch 1000 2>&1 | grep '^RESULT' || true)"
  parser="-"
  for t in $(ls /proc/$pid/task); do
    grep -qx "$t" <<<"$before" && continue
    [[ "$(cat /proc/$pid/task/$t/comm 2>/dev/null)" == sluice-parser* ]] && parser="$(cpu_of /proc/$pid/task/$t/stat)"
  done
  fields="$(grep -oE '(^| )(ok|rows|seconds|rows_per_s|first_row_s)=[^ ]*' <<<"$res" | tr -d ' ' | tr '\n' ' ')"
  echo "PASS $d ${fields:-no RESULT line from the consumer }parser_cpu_s=$parser process_cpu_s=$(cpu_of /proc/$pid/stat)"
done
echo "THREADS (CPU s by group, whole run)"
./server-threads.sh "$pid" | sed 's/^/  /'
