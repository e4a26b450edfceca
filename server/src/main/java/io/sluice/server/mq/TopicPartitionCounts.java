package io.sluice.server.mq;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code canal.mq.dynamicTopicPartitionNum}: {@code topic-or-regex:N} items giving the partition count that
 * hashing spreads a topic over; topics matching no item use {@code canal.mq.partitionsNum}.
 */
final class TopicPartitionCounts {

    private record Item(TableNamePattern topic, int partitions) {
    }

    private final List<Item> items;
    private final int fallback;

    private TopicPartitionCounts(List<Item> items, int fallback) {
        this.items = items;
        this.fallback = fallback;
    }

    static TopicPartitionCounts parse(String list, int fallback) {
        List<Item> items = new ArrayList<>();
        for (String item : RoutingList.items(list)) {
            int colon = item.lastIndexOf(':');
            if (colon <= 0) {
                throw new MqSettingsException("canal.mq.dynamicTopicPartitionNum", list,
                        "item '" + item + "' is not topic:partitions");
            }
            String count = item.substring(colon + 1).trim();
            int n;
            try {
                n = Integer.parseInt(count);
            } catch (NumberFormatException e) {
                n = 0;
            }
            if (n < 1) {
                throw new MqSettingsException("canal.mq.dynamicTopicPartitionNum", list,
                        "item '" + item + "' needs a partition count of at least 1");
            }
            items.add(new Item(TableNamePattern.parse(item.substring(0, colon).trim(),
                    "canal.mq.dynamicTopicPartitionNum", list), n));
        }
        return new TopicPartitionCounts(List.copyOf(items), fallback);
    }

    int partitionsOf(String topic) {
        for (Item item : items) {
            if (item.topic().matches(topic)) {
                return item.partitions();
            }
        }
        return fallback;
    }
}
