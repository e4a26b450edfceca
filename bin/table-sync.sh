#!/usr/bin/env bash
# Copies tables of a Sluice (or canal) destination into tables of PostgreSQL or MariaDB/MySQL over JDBC, in the
# foreground (Ctrl-C or SIGTERM stops it after the batch in hand; an unacked batch comes again on the next start).
#   bin/table-sync.sh <properties file>      keys: see conf/table-sync.properties and docs/table-sync.md
#   SLUICE_JAVA_OPTS  JVM options, default "-Xms64m -Xmx512m"
# Exit status 1: the sync stopped on a source change it does not follow (an ALTER TABLE; see the log line).
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
exec "$JAVA" $JAVA_OPTS -Dsluice.logs="$SLUICE_LOGS/table-sync" -Dlogback.configurationFile="$logback" \
  -cp "$cp" io.sluice.client.table.TableSync "$1"
