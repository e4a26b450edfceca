#!/usr/bin/env bash
# Calls any admin endpoint of a running server (what the web console calls; docs/console.md lists them):
#   bin/admin.sh [host:port] GET /cluster
#   bin/admin.sh [host:port] GET '/destination?name=example'
#   bin/admin.sh [host:port] POST /cluster/move '{"destination":"example","to":"10.0.0.2:11111"}'
#   bin/admin.sh [host:port] POST /config/check '{"destination":"example","text":"..."}'
#   default host:port: 127.0.0.1 and canal.metrics.pull.port of $SLUICE_CONF/canal.properties
# Prints the JSON answer; exit 0 for a 2xx answer, 1 otherwise.
# Credentials as bin/status.sh (docs/security.md): SLUICE_ADMIN_TOKEN / SLUICE_ADMIN_PASSWORD or their *_FILE
# variants; on this host the server's generated token in $SLUICE_LOGS/sluice.admin.token is used.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
usage() { echo "usage: $0 [host:port] GET /path | POST /path '<json>'" >&2; exit 2; }
target=""
case "${1:-}" in
  GET|POST) ;;
  "") usage ;;
  *) target="$1"; shift ;;
esac
[ $# -ge 2 ] || usage
if [ -z "$target" ]; then
  port=$(sed -n 's/^[[:space:]]*canal\.metrics\.pull\.port[[:space:]]*=[[:space:]]*\([0-9]*\).*/\1/p' "$SLUICE_CONF/canal.properties" | tail -n 1)
  target="127.0.0.1:${port:-11112}"
fi
sluice_admin_env "$target"
cp=$(sluice_classpath server)
exec "$JAVA" -Xmx64m -Dlogback.configurationFile="$SLUICE_HOME/conf/logback-cli.xml" \
  -cp "$cp" io.sluice.server.console.AdminCommand "http://$target" "$@"
