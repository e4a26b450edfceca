#!/usr/bin/env bash
# Keeps OpenSearch / Elasticsearch indexes in step with tables of a Sluice (or canal) destination, in the
# foreground (Ctrl-C or SIGTERM stops it after the batch in hand; an unacked batch comes again on the next start).
#   bin/search-sync.sh <properties file>     keys: see conf/search-sync.properties and docs/search-sync.md
#   SLUICE_JAVA_OPTS  JVM options, default "-Xms64m -Xmx512m"
# Exit status 1: the sync stopped on a document the cluster refuses (see the ERROR line: index, id, reason).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

if [ $# -ne 1 ] || [ ! -f "$1" ]; then
  echo "usage: $0 <properties file>" >&2
  exit 2
fi

cp=$(sluice_classpath client)
JAVA_OPTS="${SLUICE_JAVA_OPTS:--Xms64m -Xmx512m}"
logback="$SLUICE_CONF/logback.xml"
[ -f "$logback" ] || logback="$SLUICE_HOME/conf/logback.xml"

# shellcheck disable=SC2086
exec "$JAVA" $JAVA_OPTS -Dsluice.logs="$SLUICE_LOGS/search-sync" -Dlogback.configurationFile="$logback" \
  -cp "$cp" io.sluice.client.search.SearchSync "$1"
