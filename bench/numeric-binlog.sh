#!/usr/bin/env bash
# Writes a binlog file whose rows are mostly numbers and dates (DOUBLE, FLOAT, DECIMAL, DATETIME, INT):
# the value-rendering workload for io.sluice.server.parser.ParserCpuBenchmark (bench/README.md, "Parser CPU per row").
# A private MariaDB (own datadir, socket only, no TCP) is started and stopped; nothing else is touched.
#   bench/numeric-binlog.sh OUT_FILE [ROWS]        (default 200,000 inserts + ROWS/4 updates, 1,000 rows per transaction)
set -euo pipefail
out=${1:?usage: numeric-binlog.sh OUT_FILE [ROWS]}
rows=${2:-200000}
dir=$(mktemp -d /tmp/sluice-numeric-XXXXXX)
trap 'if [ -f "$dir/pid" ]; then kill "$(cat "$dir/pid")" 2>/dev/null || true; sleep 1; fi; rm -rf "$dir"' EXIT
mariadb-install-db --no-defaults --datadir="$dir/data" --auth-root-authentication-method=socket --skip-test-db \
    --user="$(id -un)" >/dev/null
mariadbd --no-defaults --datadir="$dir/data" --socket="$dir/sock" --skip-networking --pid-file="$dir/pid" \
    --log-error="$dir/error.log" --log-bin=mysql-bin --binlog-format=ROW --binlog-row-image=FULL --server-id=1 \
    --innodb-buffer-pool-size=64M --user="$(id -un)" &
for _ in $(seq 1 100); do [ -S "$dir/sock" ] && break; sleep 0.2; done
sql() { mariadb --no-defaults -S "$dir/sock" -u root "$@"; }
for _ in $(seq 1 50); do sql -e 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.2; done
sql -e 'FLUSH BINARY LOGS'
first=$(sql -N -e 'SHOW MASTER STATUS' | cut -f1)
sql <<SQL
CREATE DATABASE num;
USE num;
CREATE TABLE m (
  id INT PRIMARY KEY,
  d1 DOUBLE, d2 DOUBLE, d3 DOUBLE, d4 DOUBLE,
  f1 FLOAT, f2 FLOAT,
  p1 DECIMAL(12,2), p2 DECIMAL(20,6),
  t1 DATETIME, t2 DATETIME(3),
  n1 BIGINT, n2 INT
);
SET @seed = 1;
DELIMITER //
CREATE PROCEDURE fill(total INT)
BEGIN
  DECLARE i INT DEFAULT 0;
  WHILE i < total DO
    START TRANSACTION;
    INSERT INTO m SELECT seq,
      RAND(seq) * 1000,                         -- d1: 17-digit fractions
      ROUND(RAND(seq + 1) * 100000, 2),         -- d2: prices
      FLOOR(RAND(seq + 2) * 1000000),           -- d3: integral doubles
      (RAND(seq + 3) - 0.5) * POW(10, FLOOR(RAND(seq + 4) * 40) - 20), -- d4: any magnitude
      RAND(seq + 5) * 100,                      -- f1
      ROUND(RAND(seq + 6) * 1000, 1),           -- f2
      ROUND(RAND(seq + 7) * 1000000, 2),
      ROUND(RAND(seq + 8) * 100000000, 6),
      TIMESTAMPADD(SECOND, seq * 37, '2020-01-01 00:00:00'),
      TIMESTAMPADD(MICROSECOND, seq * 37123000, '2021-06-01 12:00:00.000'),
      seq * 7919, seq % 1000
    FROM seq_1_to_1000000 WHERE seq > i AND seq <= i + 1000;
    COMMIT;
    SET i = i + 1000;
  END WHILE;
END//
DELIMITER ;
CALL fill($rows);
UPDATE m SET d1 = d1 + 1, f1 = f1 * 2, p1 = p1 + 1, t2 = TIMESTAMPADD(SECOND, 1, t2) WHERE id % 4 = 0 AND id <= $rows;
SQL
sql -e 'FLUSH BINARY LOGS'
cp "$dir/data/$first" "$out"
echo "wrote $out ($(stat -c %s "$out") bytes) from $first"
