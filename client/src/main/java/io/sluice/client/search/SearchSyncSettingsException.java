package io.sluice.client.search;

import io.sluice.client.sync.SyncSettingsException;

/** A key of the search sync properties file that is missing or wrong; the message names the key. */
public final class SearchSyncSettingsException extends SyncSettingsException {

    public SearchSyncSettingsException(String key, String value, String problem) {
        super(key + (value.isEmpty() ? "" : "=" + value) + " " + problem);
    }
}
