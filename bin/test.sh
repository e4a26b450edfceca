#!/usr/bin/env bash
# The test command: installs what the tests need where it is missing (MariaDB, Redis, RabbitMQ from Debian
# packages; needs root or sudo for that, once), then runs the whole suite. Extra arguments go to Maven,
# e.g. bin/test.sh -pl server -Dtest=ConfigLoaderTest.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && ! bash bin/install-deps.sh --check >/dev/null 2>&1; then
  sudo bash bin/install-deps.sh
else
  bash bin/install-deps.sh
fi

exec mvn -B verify "$@"
