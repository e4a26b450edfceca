package io.sluice.server.mq;

import java.util.Locale;

/** What a publisher does with a single row whose message is larger than the broker accepts. */
public enum OversizePolicy {
    /** Stop publishing the destination (nothing after the row is acked, so nothing is lost). */
    STOP,
    /** Log the row's table and primary key and publish the rest without it. */
    SKIP;

    static OversizePolicy parse(String key, String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new MqSettingsException(key, value, "must be stop or skip");
        }
    }
}
