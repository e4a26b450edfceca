package io.sluice.server.mq;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The topic of an entry (CANAL-PROTOCOL.md §4.3): {@code canal.mq.dynamicTopic} items are tried in order on
 * {@code schema.table}, then on {@code schema} alone; the first match wins; nothing matching, or an entry
 * without schema or table, goes to {@code canal.mq.topic}. An item {@code topic:pattern} names its topic; a
 * bare pattern's topic is the matched name in lower case. With dynamic topics on, every topic name has
 * {@code .} replaced by {@code _} (canal's Kafka and RabbitMQ producers do this), so {@code shop.user}
 * becomes {@code shop_user}.
 */
final class TopicRouter {

    private record Item(String topic, TableNamePattern pattern) {
    }

    private final String defaultTopic;
    private final List<Item> items;

    private TopicRouter(String defaultTopic, List<Item> items) {
        this.defaultTopic = defaultTopic;
        this.items = items;
    }

    static TopicRouter parse(String defaultTopic, String dynamicTopic) {
        List<Item> items = new ArrayList<>();
        for (String item : RoutingList.items(dynamicTopic)) {
            int colon = item.indexOf(':');
            if (colon > -1) {
                String topic = item.substring(0, colon).trim();
                String pattern = item.substring(colon + 1).trim();
                if (topic.isEmpty() || pattern.isEmpty()) {
                    throw new MqSettingsException("canal.mq.dynamicTopic", dynamicTopic,
                            "item '" + item + "' needs both a topic and a pattern (topic:pattern)");
                }
                items.add(new Item(topic, TableNamePattern.parse(pattern, "canal.mq.dynamicTopic", dynamicTopic)));
            } else {
                items.add(new Item(null, TableNamePattern.parse(item, "canal.mq.dynamicTopic", dynamicTopic)));
            }
        }
        return new TopicRouter(defaultTopic, List.copyOf(items));
    }

    boolean isDynamic() {
        return !items.isEmpty();
    }

    String topicFor(String schema, String table) {
        if (items.isEmpty()) {
            return defaultTopic;
        }
        if (schema.isEmpty() || table.isEmpty()) {
            return defaultTopic.replace('.', '_');
        }
        String topic = match(schema + "." + table);
        if (topic == null) {
            topic = match(schema);
        }
        return (topic == null ? defaultTopic : topic).replace('.', '_');
    }

    private String match(String name) {
        boolean full = name.indexOf('.') >= 0;
        for (Item item : items) {
            TableNamePattern p = item.pattern();
            // canal: a wildcard item with "\." names tables and is tried on full names only; one without it
            // names schemas and is tried on schema names only; a plain item is compared with either
            boolean applies = !p.isRegex() || p.namesTables() == full;
            if (applies && p.matches(name)) {
                return item.topic() != null ? item.topic() : name.toLowerCase(Locale.ROOT);
            }
        }
        return null;
    }
}
