package io.sluice.server.mq;

import java.util.Locale;
import java.util.Properties;

/**
 * The exactly-once mode of a destination's Kafka publisher, from the merged properties of the destination.
 *
 * @param enabled         {@code sluice.mq.exactly.once}: each batch is one Kafka transaction together with the position
 *                        it reaches
 * @param transactionalId {@code sluice.mq.exactly.once.transactional.id}: the producer's {@code transactional.id},
 *                        by default {@code sluice-<destination>}; stable across restarts so that a restarted server
 *                        fences the producer of the one it replaces
 * @param positionTopic   {@code sluice.mq.exactly.once.position.topic}: the compacted topic of the position records,
 *                        by default {@value #DEFAULT_POSITION_TOPIC}; key = destination name
 */
public record ExactlyOnceSettings(boolean enabled, String transactionalId, String positionTopic) {

    public static final String KEY = "sluice.mq.exactly.once";
    public static final String DEFAULT_POSITION_TOPIC = "__sluice_positions";

    public static final ExactlyOnceSettings OFF = new ExactlyOnceSettings(false, "", "");

    /**
     * @throws MqSettingsException naming the key when the mode is asked for where it cannot hold
     */
    public static ExactlyOnceSettings fromProperties(Properties properties, String destination) {
        String on = value(properties, KEY, "false");
        if (!on.equalsIgnoreCase("true") && !on.equalsIgnoreCase("false")) {
            throw new MqSettingsException(KEY, on, "must be true or false");
        }
        if (!Boolean.parseBoolean(on)) {
            return OFF;
        }
        String broker = value(properties, "canal.serverMode", "");
        if (!broker.equalsIgnoreCase("kafka")) {
            throw new MqSettingsException(KEY, on, "needs canal.serverMode = kafka (Kafka transactions), not '"
                    + broker + "'");
        }
        String snapshot = value(properties, "sluice.snapshot.mode", "never").toLowerCase(Locale.ROOT);
        if (!snapshot.equals("never")) {
            // snapshot rows are numbered per run: a restart reads them again under new numbers, so the committed
            // position cannot tell which of them Kafka already has
            throw new MqSettingsException(KEY, on, "cannot be combined with sluice.snapshot.mode = " + snapshot
                    + ": snapshot rows re-read after a restart are not comparable with the committed position;"
                    + " take the snapshot without exactly-once, then turn it on");
        }
        if (properties.getProperty("kafka.transactional.id") != null) {
            // canal.properties is shared by every destination: one id would make them fence each other
            throw new MqSettingsException("kafka.transactional.id", properties.getProperty("kafka.transactional.id"),
                    "is set by Sluice per destination in exactly-once mode; use"
                            + " sluice.mq.exactly.once.transactional.id in instance.properties instead");
        }
        String id = value(properties, KEY + ".transactional.id", "sluice-" + destination);
        String topic = value(properties, KEY + ".position.topic", DEFAULT_POSITION_TOPIC);
        return new ExactlyOnceSettings(true, id, topic);
    }

    private static String value(Properties properties, String key, String fallback) {
        String v = properties.getProperty(key);
        return v == null || v.isBlank() ? fallback : v.trim();
    }
}
