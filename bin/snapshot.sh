#!/usr/bin/env bash
# Asks the running server to re-read a table (an incremental snapshot) while it keeps streaming.
#   bin/snapshot.sh <destination> <schema.table> [host:port]
#   default host:port: 127.0.0.1 and canal.metrics.pull.port of $SLUICE_CONF/canal.properties
# Credentials (docs/security.md): SLUICE_ADMIN_TOKEN or SLUICE_ADMIN_PASSWORD (canal.user's password), or their
# *_FILE variants; on this host the server's generated token in $SLUICE_LOGS/sluice.admin.token is used.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
if [ $# -lt 2 ]; then
  echo "usage: $0 <destination> <schema.table> [host:port]" >&2
  exit 2
fi
target="${3:-}"
if [ -z "$target" ]; then
  port=$(sed -n 's/^[[:space:]]*canal\.metrics\.pull\.port[[:space:]]*=[[:space:]]*\([0-9]*\).*/\1/p' "$SLUICE_CONF/canal.properties" | tail -n 1)
  target="127.0.0.1:${port:-11112}"
fi
sluice_admin_env "$target"
cp=$(sluice_classpath server)
exec "$JAVA" -Xmx64m -Dlogback.configurationFile="$SLUICE_HOME/conf/logback-cli.xml" \
  -cp "$cp" io.sluice.server.snapshot.SnapshotCommand "$1" "$2" "$target"
