package io.sluice.server.mq;

/**
 * An MQ setting that cannot be used. The message names the key and the value (passwords masked) so that an
 * operator can fix the file without reading code.
 */
public class MqSettingsException extends RuntimeException {

    private final String key;

    public MqSettingsException(String key, String value, String problem) {
        super(key + "=" + value + ": " + problem);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
