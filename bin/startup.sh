#!/usr/bin/env bash
# Starts the Sluice server in the background and returns once it listens, or fails with the reason from its log.
#   SLUICE_CONF       configuration directory (canal.properties + <destination>/instance.properties), default conf/
#   SLUICE_LOGS       log directory (sluice.log, sluice.pid), default logs/
#   SLUICE_JAVA_OPTS  JVM options, default $SLUICE_DEFAULT_JAVA_OPTS of bin/env.sh
#   SLUICE_CDS        auto (default): class-data archive written at the first stop, used from the next start;
#                     off: none (SLUICE_CDS_DIR: where it lives, default $SLUICE_LOGS/cds)
#   SLUICE_START_TIMEOUT  seconds to wait for the listener, default 60
#   SLUICE_UMASK      umask of the server process, default 077: logs, positions, schema history and the admin token
#                     are created readable by the server's user only (they hold table layouts and credentials)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
umask "${SLUICE_UMASK:-077}"

if pid=$(sluice_running_pid); then
  echo "Sluice is already running (pid $pid, $SLUICE_PID_FILE)" >&2
  exit 1
fi
[ -f "$SLUICE_CONF/canal.properties" ] || { echo "no canal.properties in $SLUICE_CONF (set SLUICE_CONF)" >&2; exit 1; }

cp=$(sluice_classpath server)
mkdir -p "$SLUICE_LOGS"
rm -f "$SLUICE_READY_FILE"

JAVA_OPTS="${SLUICE_JAVA_OPTS:-$SLUICE_DEFAULT_JAVA_OPTS}"
CDS_OPTS=$(sluice_cds_opts "$cp" "$JAVA_OPTS") || CDS_OPTS="" # never a reason not to start
logback="$SLUICE_CONF/logback.xml"
[ -f "$logback" ] || logback="$SLUICE_HOME/conf/logback.xml"

set -f # the options are split on spaces but never globbed (-Xlog:cds*=off)
# shellcheck disable=SC2086
nohup "$JAVA" $JAVA_OPTS $CDS_OPTS \
  -Dsluice.conf="$SLUICE_CONF" -Dsluice.logs="$SLUICE_LOGS" -Dlogback.configurationFile="$logback" \
  -cp "$cp" io.sluice.server.SluiceServer >> "$SLUICE_LOGS/sluice.out" 2>&1 < /dev/null &
pid=$!
set +f
echo "$pid" > "$SLUICE_PID_FILE"

timeout="${SLUICE_START_TIMEOUT:-60}"
for ((i = 0; i < timeout * 10; i++)); do
  if [ -f "$SLUICE_READY_FILE" ]; then
    echo "Sluice started (pid $pid): $(cat "$SLUICE_READY_FILE"); logs in $SLUICE_LOGS"
    exit 0
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    rm -f "$SLUICE_PID_FILE"
    echo "Sluice failed to start:" >&2
    { grep -h -E 'ERROR|Exception' "$SLUICE_LOGS/sluice.log" "$SLUICE_LOGS/sluice.out" 2>/dev/null | tail -n 5; } >&2 || true
    exit 1
  fi
  sleep 0.1
done
echo "Sluice (pid $pid) did not report listening within ${timeout}s; see $SLUICE_LOGS/sluice.log" >&2
exit 1
