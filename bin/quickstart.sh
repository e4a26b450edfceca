#!/usr/bin/env bash
# Builds Sluice if needed. The full quickstart (private MariaDB, server on its embedded default, demo rows shown
# by the console consumer) arrives with the operations work; for now this builds and says so.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d server/target/lib ]; then
  mvn -B -q -DskipTests package
fi
echo "Sluice is built (server/target). The runnable server is not there yet: bin/startup.sh comes with the operations issue."
