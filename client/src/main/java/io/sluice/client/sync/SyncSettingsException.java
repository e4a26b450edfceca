package io.sluice.client.sync;

/** A key of a sync consumer's properties file that is missing or wrong; the message names the key. */
public class SyncSettingsException extends RuntimeException {

    protected SyncSettingsException(String message) {
        super(message);
    }
}
