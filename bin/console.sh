#!/usr/bin/env bash
# Prints a destination's row changes, one line each: bin/console.sh [--host H] [--port P] [--destination D]
#   [--user U --password P] [--filter 'db\..*'] [--batch N] [--ack [--client-id N]]
# By default it peeks: a client id of its own (below 0) that holds nothing back in the server's store, acks nothing
# of the applications' and is unsubscribed at exit (Ctrl-C too). --ack consumes and acks as --client-id (default
# 1001, canal's id: an application running with that id is taken over).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cp=$(sluice_classpath client)
exec "$JAVA" -Xmx256m -Dlogback.configurationFile="$SLUICE_HOME/conf/logback-cli.xml" \
  -cp "$cp" io.sluice.client.console.ConsoleConsumer "$@"
