#!/usr/bin/env bash
# Starts Sluice in Kafka (MQ) mode for the bench's MQ systems: destination "bench" on 127.0.0.1:$BENCH_PORT
# (canal/canal), filter bench\..*, from $START_FILE:$START_POS, memory meta, lazy start (the binlog dump begins when
# the in-process publisher subscribes), publishing to $BENCH_KAFKA, topic $BENCH_MQ_TOPIC, partition 0, with the
# MQ and producer keys of Sluice's shipped conf/canal.properties (canal.mq.canalBatchSize = 50, canalGetTimeout =
# 100, kafka.acks = all, batch.size = 16384, linger.ms = 1, max.request.size = 1048576, compression none).
# SLUICE_MQ_EXTRA: more canal.properties lines (e.g. canal's shipped "kafka.retries = 0").
#
# The clock (run-all.sh's t0 file): the time of the publisher's "publishing destination bench" log line, which it
# writes right before it subscribes (= before the instance connects to MariaDB), read from the log's own timestamp
# and written atomically to $BENCH_MQ_T0_FILE; then "SLUICE_MQ_T0 ms=..." is printed. As for canal-kafka, JVM start
# is before the clock; unlike canal-kafka, the Kafka producer is created on the clock (Sluice makes it at the
# first publish).
# Run by run-all.sh (patched by run.sh) with START_FILE START_POS BENCH_PORT BENCH_JVM_FLAGS BENCH_KAFKA
# BENCH_MQ_TOPIC BENCH_MQ_T0_FILE exported.
#   sluice-mq-server.sh [--format flat|protobuf] [--xmx 512m] [--jfr <file.jfr>] [--product-flags]
# --product-flags (or BENCH_SLUICE_PRODUCT_FLAGS=1): as in sluice-server.sh, the JVM options bin/startup.sh gives
# production on top of BENCH_JVM_FLAGS, and its class-data archive in $BENCH_SLUICE_CDS_DIR (default
# /tmp/sluice-bench-cds-mq; the first such run writes it as the server stops; SLUICE_CDS=off: without it).
set -euo pipefail
: "${SLUICE_HOME:?SLUICE_HOME (the Sluice checkout) must be set}" "${START_FILE:?}" "${START_POS:?}" "${BENCH_PORT:?}"
: "${BENCH_KAFKA:?}" "${BENCH_MQ_TOPIC:?}" "${BENCH_MQ_T0_FILE:?}"
source "$SLUICE_HOME/bench/sluice-bench-lib.sh"
format=flat xmx="" jfr="" product="${BENCH_SLUICE_PRODUCT_FLAGS:-0}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --format) format="$2"; shift 2 ;;
    --xmx) xmx="$2"; shift 2 ;;
    --jfr) jfr="$2"; shift 2 ;;
    --product-flags) product=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
case "$format" in flat) flat=true ;; protobuf) flat=false ;; *) echo "--format flat|protobuf" >&2; exit 2 ;; esac
source "$SLUICE_HOME/bin/env.sh"
cp="$(sluice_classpath server)"
run="$(mktemp -d -t sluice-bench-mq.XXXXXX)"
mkdir -p "$run/conf/bench" "$run/logs" "$run/data"
cat > "$run/conf/canal.properties" <<PROPS
canal.port = ${SLUICE_PORT:-11111}
canal.metrics.pull.port = 0
canal.file.data.dir = $run/data
canal.destinations = bench
canal.auto.scan = false
canal.serverMode = kafka
canal.instance.global.lazy = true
canal.instance.global.spring.xml = classpath:spring/memory-instance.xml
canal.instance.memory.batch.mode = ${SLUICE_BATCH_MODE:-MEMSIZE}
canal.instance.detecting.enable = false
canal.mq.flatMessage = $flat
canal.mq.canalBatchSize = 50
canal.mq.canalGetTimeout = 100
canal.mq.database.hash = true
kafka.bootstrap.servers = $BENCH_KAFKA
kafka.acks = all
kafka.compression.type = none
kafka.batch.size = 16384
kafka.linger.ms = 1
kafka.max.request.size = 1048576
${SLUICE_MQ_EXTRA:-}
PROPS
{
  sluice_bench_instance_properties
  echo "canal.mq.topic = $BENCH_MQ_TOPIC"
  echo "canal.mq.partition = 0"
} > "$run/conf/bench/instance.properties"
# the log's timestamps carry the offset, so the clock start is read back exactly
cat > "$run/logback.xml" <<'XML'
<configuration scan="false">
  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
    <file>${sluice.logs}/sluice.log</file>
    <encoder><pattern>%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36} - %msg%n</pattern></encoder>
  </appender>
  <logger name="com.github.shyiko.mysql.binlog" level="WARN"/>
  <logger name="org.apache.kafka" level="WARN"/>
  <root level="INFO"><appender-ref ref="FILE"/></root>
</configuration>
XML
flags="$(sluice_bench_server_flags "$xmx" "$product" "${BENCH_SLUICE_CDS_DIR:-/tmp/sluice-bench-cds-mq}" "$cp" "$run/logs")"
[[ -n "$jfr" ]] && flags="$flags -XX:StartFlightRecording=filename=$jfr,settings=profile,dumponexit=true"
set -f # split on spaces, never globbed (-Xlog:cds*=off)
# shellcheck disable=SC2086
"$JAVA" $flags -Dsluice.conf="$run/conf" -Dsluice.logs="$run/logs" \
  -Dlogback.configurationFile="$run/logback.xml" -cp "$cp" io.sluice.server.SluiceServer &
pid=$!
set +f
watch_t0() {
  local line ts i
  for i in $(seq 1 2400); do
    line="$(grep -m1 'publishing destination bench ' "$run/logs/sluice.log" 2>/dev/null || true)"
    if [[ -n "$line" ]]; then
      ts="$(date -d "${line%% *}" +%s%3N)"
      echo "$ts" > "$BENCH_MQ_T0_FILE.tmp" && mv "$BENCH_MQ_T0_FILE.tmp" "$BENCH_MQ_T0_FILE"
      echo "SLUICE_MQ_T0 ms=$ts format=$format"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.05
  done
}
watch_t0 &
wpid=$!
stop() {
  kill -TERM "$pid" 2>/dev/null || true
  kill "$wpid" 2>/dev/null || true
}
trap stop TERM INT
wait "$pid" || true
wait "$pid" 2>/dev/null || true
kill "$wpid" 2>/dev/null || true
# the server's log tells why when a run is not ok; keep its tail in the run's server log
tail -n 20 "$run/logs/sluice.log" | grep -E ' (WARN|ERROR) ' || true
rm -rf "$run"
