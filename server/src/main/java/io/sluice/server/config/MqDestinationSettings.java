package io.sluice.server.config;

/**
 * A destination's MQ routing (instance.properties, CANAL-PROTOCOL.md §4.2–4.3). Empty strings when unset.
 *
 * @param partitionsNum null when unset
 */
public record MqDestinationSettings(String topic, String dynamicTopic, int partition, Integer partitionsNum,
                                    String partitionHash, String dynamicTopicPartitionNum) {
}
