package io.sluice.server.mq;

import java.util.Locale;

/**
 * Where DDL (and other statement messages without rows) go ({@code sluice.mq.ddl}). canal publishes them to the
 * table's topic among the rows; Flink's {@code canal-json} fails a job on any of them but CREATE ("Unknown
 * type"), so a Flink topic needs them elsewhere or not at all.
 */
public enum DdlRoute {
    /** canal's behaviour: the statement's table topic, partition 0. */
    SAME_TOPIC,
    /** every statement message to {@code sluice.mq.ddl.topic}, partition 0, in commit order. */
    DDL_TOPIC,
    /** not published (the position still advances past them). */
    NONE;

    static DdlRoute parse(String key, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "same-topic" -> SAME_TOPIC;
            case "ddl-topic" -> DDL_TOPIC;
            case "none" -> NONE;
            default -> throw new MqSettingsException(key, value, "must be same-topic, ddl-topic or none");
        };
    }
}
