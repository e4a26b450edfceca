#!/usr/bin/env bash
# Installs what Sluice's tests and quickstart need from Debian packages when it is missing:
# MariaDB (server + client), Redis and RabbitMQ (MQ-mode tests start a private node), PostgreSQL (table sync target),
# Chromium and its chromedriver (the console's browser tests). Tests start their own private instances on free ports;
# nothing here starts a system service.
set -euo pipefail

missing=()
command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || missing+=(mariadb-server)
command -v mariadb >/dev/null 2>&1 || missing+=(mariadb-client)
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || missing+=(redis-server)
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing+=(rabbitmq-server)
# the table sync tests start a private PostgreSQL with initdb + postgres of the Debian package
compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || missing+=(postgresql)

# the getting-started walk (dist) runs in its own network namespace: ip and unshare
command -v ip >/dev/null 2>&1 || [ -x /usr/sbin/ip ] || [ -x /sbin/ip ] || missing+=(iproute2)
command -v unshare >/dev/null 2>&1 || missing+=(util-linux)

# the bench smoke measures processes with GNU time and bc
[ -x /usr/bin/time ] || missing+=(time)
command -v bc >/dev/null 2>&1 || missing+=(bc)

# the console's browser tests (ConsoleBrowserIT) drive Debian's Chromium through its chromedriver
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: everything present"
  exit 0
fi

# --check: only say what is missing (exit 1), install nothing
if [ "${1:-}" = "--check" ]; then
  echo "install-deps: missing ${missing[*]}"
  exit 1
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing ${missing[*]}; run as root or: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
