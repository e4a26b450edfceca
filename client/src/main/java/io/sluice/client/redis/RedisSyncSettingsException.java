package io.sluice.client.redis;

import io.sluice.client.sync.SyncSettingsException;

/** A Redis sync setting that cannot be used; the message names the key and the value. */
public class RedisSyncSettingsException extends SyncSettingsException {

    public RedisSyncSettingsException(String key, String value, String problem) {
        super(key + "=" + value + ": " + problem);
    }
}
