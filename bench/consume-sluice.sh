#!/usr/bin/env bash
# The bench consumer on Sluice's own client (io.sluice.bench.SluiceBenchConsumer): takes consume.sh's options,
# prints the same RESULT line. Lives in the bench copy beside consume.sh (run.sh puts it there).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/lib.sh"
bench_load_marker
: "${SLUICE_CONSUMER_CP:?set by run.sh}"
# shellcheck disable=SC2086
exec "$JAVA" $BENCH_JVM_FLAGS -cp "$SLUICE_CONSUMER_CP" io.sluice.bench.SluiceBenchConsumer \
  --expected "$EXPECTED_ROWS" --expect-insert "$EXPECT_INSERT" --expect-update "$EXPECT_UPDATE" \
  --expect-delete "$EXPECT_DELETE" "$@"
