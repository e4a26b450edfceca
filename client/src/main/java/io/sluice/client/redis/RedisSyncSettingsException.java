package io.sluice.client.redis;

/** A Redis sync setting that cannot be used; the message names the key and the value. */
public class RedisSyncSettingsException extends RuntimeException {

    public RedisSyncSettingsException(String key, String value, String problem) {
        super(key + "=" + value + ": " + problem);
    }
}
