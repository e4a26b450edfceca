#!/usr/bin/env bash
# Prints the running server's status as a table (from its /status endpoint on canal.metrics.pull.port).
#   bin/status.sh [host:port]      default: 127.0.0.1 and canal.metrics.pull.port of $SLUICE_CONF/canal.properties
# Credentials (docs/security.md): SLUICE_ADMIN_TOKEN or SLUICE_ADMIN_PASSWORD (canal.user's password), or their
# *_FILE variants; on this host the server's generated token in $SLUICE_LOGS/sluice.admin.token is used.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
target="${1:-}"
if [ -z "$target" ]; then
  port=$(sed -n 's/^[[:space:]]*canal\.metrics\.pull\.port[[:space:]]*=[[:space:]]*\([0-9]*\).*/\1/p' "$SLUICE_CONF/canal.properties" | tail -n 1)
  target="127.0.0.1:${port:-11112}"
fi
sluice_admin_env "$target"
cp=$(sluice_classpath server)
exec "$JAVA" -Xmx64m -Dlogback.configurationFile="$SLUICE_HOME/conf/logback-cli.xml" \
  -cp "$cp" io.sluice.server.metrics.StatusCommand "http://$target/status"
