#!/usr/bin/env bash
# Lists a destination's client ids (acked position, lag in entries/bytes/seconds, last request) or drops one, through
# the running server's status port (canal.metrics.pull.port).
#   bin/clients.sh <destination> list [host:port]
#   bin/clients.sh <destination> drop <client id> [host:port]
#   default host:port: 127.0.0.1 and canal.metrics.pull.port of $SLUICE_CONF/canal.properties
# Dropping unsubscribes the id as if it had asked: what only it held in the store is freed and its position is
# forgotten (if it comes back, it starts at the oldest entry the store still holds).
# Credentials as bin/status.sh (docs/security.md): SLUICE_ADMIN_TOKEN / SLUICE_ADMIN_PASSWORD or their *_FILE
# variants; on this host the server's generated token in $SLUICE_LOGS/sluice.admin.token is used.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
usage() { echo "usage: $0 <destination> list | drop <client id> [host:port]" >&2; exit 2; }
[ $# -ge 2 ] || usage
destination="$1"
command="$2"
id=""
case "$command" in
  list) target="${3:-}" ;;
  drop) [ $# -ge 3 ] || usage; id="$3"; target="${4:-}" ;;
  *) usage ;;
esac
if [ -z "$target" ]; then
  port=$(sed -n 's/^[[:space:]]*canal\.metrics\.pull\.port[[:space:]]*=[[:space:]]*\([0-9]*\).*/\1/p' "$SLUICE_CONF/canal.properties" | tail -n 1)
  target="127.0.0.1:${port:-11112}"
fi
sluice_admin_env "$target"
cp=$(sluice_classpath server)
exec "$JAVA" -Xmx64m -Dlogback.configurationFile="$SLUICE_HOME/conf/logback-cli.xml" \
  -cp "$cp" io.sluice.server.clients.ClientsCommand "http://$target" "$destination" "$command" ${id:+"$id"}
