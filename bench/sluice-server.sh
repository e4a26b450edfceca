#!/usr/bin/env bash
# Starts Sluice in the foreground for the bench: destination "bench" on 127.0.0.1:$BENCH_PORT (canal/canal), filter
# bench\..*, from $START_FILE:$START_POS, memory meta (every run starts clean), lazy start (the dump begins at the first
# subscribe, as the bench's canal runs). Everything else is the shipped conf/canal.properties default.
# Run by run-all.sh (patched by run.sh) with START_FILE START_POS BENCH_PORT BENCH_JVM_FLAGS exported.
#   sluice-server.sh [--port 11111] [--xmx 512m] [--jfr <file.jfr>] [--meta memory|file] [--home <sluice checkout>]
#                    [--product-flags]
# --meta file: canal's file-instance.xml (meta.dat, shipped flush period), to see what persisting acks costs;
# --home: run another build (e.g. the previous one) than $SLUICE_HOME.
# --product-flags (or BENCH_SLUICE_PRODUCT_FLAGS=1): add what bin/startup.sh gives a production server on top of
# BENCH_JVM_FLAGS (its JVM defaults except the heap, which stays the bench's, and its class-data archive, kept in
# $BENCH_SLUICE_CDS_DIR, default /tmp/sluice-bench-cds: the first such run writes it as the server stops, later
# runs use it). Off by default: the bench runs every system with the same BENCH_JVM_FLAGS.
set -euo pipefail
: "${SLUICE_HOME:?SLUICE_HOME (the Sluice checkout) must be set}" "${START_FILE:?}" "${START_POS:?}" "${BENCH_PORT:?}"
source "$SLUICE_HOME/bench/sluice-bench-lib.sh" # this checkout's, also when --home runs another build
port=11111 xmx="" jfr="" meta=memory product="${BENCH_SLUICE_PRODUCT_FLAGS:-0}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --xmx) xmx="$2"; shift 2 ;;
    --jfr) jfr="$2"; shift 2 ;;
    --meta) meta="$2"; shift 2 ;;
    --home) SLUICE_HOME="$2"; shift 2 ;;
    --product-flags) product=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
source "$SLUICE_HOME/bin/env.sh"
cp="$(sluice_classpath server)"
run="$(mktemp -d -t sluice-bench-server.XXXXXX)"
trap 'rm -rf "$run"' EXIT
mkdir -p "$run/conf/bench" "$run/logs" "$run/data"
cat > "$run/conf/canal.properties" <<PROPS
canal.port = $port
canal.metrics.pull.port = 0
canal.file.data.dir = $run/data
canal.destinations = bench
canal.auto.scan = false
canal.instance.global.lazy = true
canal.instance.global.spring.xml = classpath:spring/$meta-instance.xml
canal.instance.memory.batch.mode = ${SLUICE_BATCH_MODE:-MEMSIZE}
canal.instance.detecting.enable = false
PROPS
sluice_bench_instance_properties > "$run/conf/bench/instance.properties"
flags="$(sluice_bench_server_flags "$xmx" "$product" "${BENCH_SLUICE_CDS_DIR:-/tmp/sluice-bench-cds}" "$cp" "$run/logs")"
[[ -n "$jfr" ]] && flags="$flags -XX:StartFlightRecording=filename=$jfr,settings=profile,dumponexit=true"
# not exec: the trap removes the temp conf after the server stops (run-all.sh TERMs every process under us)
set -f # split on spaces, never globbed (-Xlog:cds*=off)
# shellcheck disable=SC2086
"$JAVA" $flags -Dsluice.conf="$run/conf" -Dsluice.logs="$run/logs" \
  -Dlogback.configurationFile="$SLUICE_HOME/conf/logback.xml" -cp "$cp" io.sluice.server.SluiceServer &
pid=$!
set +f
trap 'kill -TERM $pid 2>/dev/null || true' TERM INT
wait "$pid" || true
wait "$pid" 2>/dev/null || true
