#!/usr/bin/env bash
# The MQ consumer for Sluice's protobuf MQ format (canal.mq.flatMessage = false): io.sluice.bench.KafkaProtobufConsumer,
# consume-kafka.sh's options and RESULT line for records that are canal Packet{MESSAGES}. Lives in the bench copy
# beside consume-kafka.sh (run.sh puts it there and compiles the consumer into $SLUICE_MQ_CONSUMER_CP).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/lib.sh"
bench_load_marker
: "${SLUICE_MQ_CONSUMER_CP:?set by run.sh}"
# shellcheck disable=SC2086
exec "$JAVA" $BENCH_JVM_FLAGS -cp "$SLUICE_MQ_CONSUMER_CP" io.sluice.bench.KafkaProtobufConsumer --bootstrap "$BENCH_KAFKA" \
  --expected "$EXPECTED_ROWS" --expect-insert "$EXPECT_INSERT" --expect-update "$EXPECT_UPDATE" \
  --expect-delete "$EXPECT_DELETE" "$@"
