#!/usr/bin/env bash
# Stops the Sluice server: SIGTERM (positions are flushed, sockets closed), then waits for a clean exit;
# SIGKILL only after SLUICE_STOP_TIMEOUT seconds (default 60).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

if ! pid=$(sluice_running_pid); then
  echo "Sluice is not running (no live pid in $SLUICE_PID_FILE)"
  rm -f "$SLUICE_PID_FILE" "$SLUICE_READY_FILE"
  exit 0
fi

kill -TERM "$pid"
timeout="${SLUICE_STOP_TIMEOUT:-60}"
for ((i = 0; i < timeout * 10; i++)); do
  if ! kill -0 "$pid" 2>/dev/null; then
    rm -f "$SLUICE_PID_FILE" "$SLUICE_READY_FILE"
    echo "Sluice stopped (pid $pid)"
    exit 0
  fi
  sleep 0.1
done
echo "Sluice (pid $pid) did not stop within ${timeout}s; killing it" >&2
kill -KILL "$pid" 2>/dev/null || true
rm -f "$SLUICE_PID_FILE" "$SLUICE_READY_FILE"
exit 1
