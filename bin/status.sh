#!/usr/bin/env bash
# Prints the running server's status as a table (from its /status endpoint on canal.metrics.pull.port).
#   bin/status.sh [host:port]      default: 127.0.0.1 and canal.metrics.pull.port of $SLUICE_CONF/canal.properties
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
target="${1:-}"
if [ -z "$target" ]; then
  port=$(sed -n 's/^[[:space:]]*canal\.metrics\.pull\.port[[:space:]]*=[[:space:]]*\([0-9]*\).*/\1/p' "$SLUICE_CONF/canal.properties" | tail -n 1)
  target="127.0.0.1:${port:-11112}"
fi
cp=$(sluice_classpath server)
exec "$JAVA" -Xmx64m -Dlogback.configurationFile="$SLUICE_HOME/conf/logback-cli.xml" \
  -cp "$cp" io.sluice.server.metrics.StatusCommand "http://$target/status"
