package io.sluice.client.table;

import io.sluice.client.sync.SyncSettingsException;

/** A key of the table sync properties file that is missing or wrong; the message names the key. */
public final class TableSyncSettingsException extends SyncSettingsException {

    public TableSyncSettingsException(String key, String value, String problem) {
        super(key + (value.isEmpty() ? "" : "=" + value) + " " + problem);
    }
}
