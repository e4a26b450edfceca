#!/usr/bin/env bash
# Prints a destination's row changes, one line each: bin/console.sh [--host H] [--port P] [--destination D]
#   [--user U --password P] [--filter 'db\..*'] [--batch N] [--client-id N]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cp=$(sluice_classpath client)
exec "$JAVA" -Xmx256m -Dlogback.configurationFile="$SLUICE_HOME/conf/logback-cli.xml" \
  -cp "$cp" io.sluice.client.console.ConsoleConsumer "$@"
