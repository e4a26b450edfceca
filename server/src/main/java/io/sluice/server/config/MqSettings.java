package io.sluice.server.config;

import java.util.Map;

/**
 * Server-wide MQ settings (canal.properties).
 *
 * @param flatMessage      {@code canal.mq.flatMessage}: JSON FlatMessage (true) or protobuf Packet (false)
 * @param canalBatchSize   {@code canal.mq.canalBatchSize}: the in-process GET's fetch size
 * @param canalGetTimeoutMs {@code canal.mq.canalGetTimeout}
 * @param databaseHash     {@code canal.mq.database.hash}
 * @param kafka            every {@code kafka.<x>} key as producer property {@code <x>}
 */
public record MqSettings(boolean flatMessage, int canalBatchSize, long canalGetTimeoutMs, boolean databaseHash,
                         Map<String, String> kafka) {

    public MqSettings {
        kafka = Map.copyOf(kafka);
    }
}
