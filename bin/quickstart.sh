#!/usr/bin/env bash
# Sluice in one command: builds if needed, starts a private MariaDB with a ROW binlog (installing MariaDB with
# apt where it is missing and we are root), starts Sluice on its embedded default (positions in local files, no
# ZooKeeper), writes a few demo rows and shows them arriving in the console consumer.
# Ctrl-C stops everything and removes the temporary files.
#   QUICKSTART_SECONDS=N   stop by itself after N seconds (default: run until Ctrl-C)
#   QUICKSTART_KEEP=1      keep the temporary directory (logs, data) after stopping
set -euo pipefail
SLUICE_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$SLUICE_HOME"

say() { printf '\033[1m== %s\033[0m\n' "$*"; }

# --- build ---------------------------------------------------------------------------------------------
if [ ! -d lib ] && { [ ! -d server/target/lib ] || [ ! -d client/target/lib ]; }; then
  say "building Sluice (mvn -DskipTests package, first time only)"
  mvn -B -q -DskipTests package
fi

# --- MariaDB -------------------------------------------------------------------------------------------
if ! command -v mariadbd >/dev/null 2>&1 && [ ! -x /usr/sbin/mariadbd ]; then
  say "installing MariaDB"
  bash "$SLUICE_HOME/bin/install-deps.sh"
fi
MARIADBD=$(command -v mariadbd || echo /usr/sbin/mariadbd)

free_port() { # first free TCP port on 127.0.0.1 from $1
  local p=$1
  while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
  echo "$p"
}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/sluice-quickstart.XXXXXX")
DB_PORT=$(free_port 13306)
SOCK="$WORK/mysqld.sock"
DB_PID=""
CONSOLE_PID=""
SLUICE_STARTED=0

cleanup() {
  trap - INT TERM EXIT
  echo
  say "stopping"
  [ -n "$CONSOLE_PID" ] && kill "$CONSOLE_PID" 2>/dev/null && wait "$CONSOLE_PID" 2>/dev/null || true
  if [ "$SLUICE_STARTED" = 1 ]; then
    SLUICE_CONF="$WORK/conf" SLUICE_LOGS="$WORK/logs" bash "$SLUICE_HOME/bin/stop.sh" || true
  fi
  if [ -n "$DB_PID" ] && kill -0 "$DB_PID" 2>/dev/null; then
    kill -TERM "$DB_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$DB_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$DB_PID" 2>/dev/null || true
  fi
  if [ "${QUICKSTART_KEEP:-0}" = 1 ]; then
    echo "kept $WORK (logs in $WORK/logs)"
  else
    rm -rf "$WORK"
  fi
  echo "everything stopped"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "starting a private MariaDB on 127.0.0.1:$DB_PORT (data in $WORK/db)"
mariadb-install-db --no-defaults --datadir="$WORK/db" --auth-root-authentication-method=normal \
  --skip-test-db --user="$(id -un)" > "$WORK/install-db.log" 2>&1
"$MARIADBD" --no-defaults --datadir="$WORK/db" --socket="$SOCK" --port="$DB_PORT" --bind-address=127.0.0.1 \
  --log-bin=mysql-bin --binlog-format=ROW --binlog-row-image=FULL --server-id=1 --user="$(id -un)" \
  --log-error="$WORK/mariadb.err" --innodb-buffer-pool-size=64M --skip-name-resolve \
  --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci > /dev/null 2>&1 &
DB_PID=$!
sql() { mariadb --no-defaults --default-character-set=utf8mb4 --socket="$SOCK" -uroot "$@"; }
for _ in $(seq 1 100); do sql -e "SELECT 1" > /dev/null 2>&1 && break; sleep 0.2; done
sql -e "CREATE USER 'canal'@'%' IDENTIFIED BY 'canal';
        GRANT SELECT, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'canal'@'%';
        CREATE DATABASE demo;
        CREATE TABLE demo.orders (id INT PRIMARY KEY, customer VARCHAR(40), status ENUM('new','paid','shipped'),
                                  amount DECIMAL(10,2), created DATETIME(3));"

say "starting Sluice (embedded default: file meta, no ZooKeeper)"
CLIENT_PORT=$(free_port 11111)
METRICS_PORT=$(free_port $((CLIENT_PORT + 1)))
mkdir -p "$WORK/conf/example" "$WORK/logs"
sed -e "s/^canal.port = .*/canal.port = $CLIENT_PORT/" \
    -e "s/^canal.metrics.pull.port = .*/canal.metrics.pull.port = $METRICS_PORT/" \
    "$SLUICE_HOME/conf/canal.properties" > "$WORK/conf/canal.properties"
cp "$SLUICE_HOME/conf/logback.xml" "$WORK/conf/"
sed -e "s/^canal.instance.master.address = .*/canal.instance.master.address = 127.0.0.1:$DB_PORT/" \
    -e 's/^canal.instance.filter.regex = .*/canal.instance.filter.regex = demo\\\\..*/' \
    "$SLUICE_HOME/conf/example/instance.properties" > "$WORK/conf/example/instance.properties"
SLUICE_CONF="$WORK/conf" SLUICE_LOGS="$WORK/logs" SLUICE_JAVA_OPTS="-Xmx512m" bash "$SLUICE_HOME/bin/startup.sh"
SLUICE_STARTED=1

say "console consumer (one line per row change: op, db.table, [key], changed columns)"
# the demo's only consumer: it consumes and acks (--ack, as client 1001) so that the store keeps flowing however much
# you write; against a destination that applications use, run console.sh without --ack (a peek)
bash "$SLUICE_HOME/bin/console.sh" --port "$CLIENT_PORT" --destination example --ack &
CONSOLE_PID=$!
sleep 2

say "writing demo rows"
sql demo -e "INSERT INTO orders VALUES (1, 'Ann', 'new', 19.90, NOW(3)), (2, 'Bob', 'new', 5.00, NOW(3));"
sleep 0.5
sql demo -e "UPDATE orders SET status = 'paid' WHERE id = 1;"
sleep 0.5
sql demo -e "ALTER TABLE orders ADD COLUMN note VARCHAR(100);
             INSERT INTO orders VALUES (3, 'Chloé 😀', 'paid', 120.00, NOW(3), 'gift');
             DELETE FROM orders WHERE id = 2;"
sleep 1
echo
echo "Try it yourself:  mariadb --no-defaults -S $SOCK -uroot demo"
echo "Status:           SLUICE_CONF=$WORK/conf SLUICE_LOGS=$WORK/logs $SLUICE_HOME/bin/status.sh   (metrics: curl -s http://127.0.0.1:$METRICS_PORT/metrics)"
echo "Ctrl-C stops everything."
if [ -n "${QUICKSTART_SECONDS:-}" ]; then
  sleep "$QUICKSTART_SECONDS"
else
  wait "$CONSOLE_PID"
fi
