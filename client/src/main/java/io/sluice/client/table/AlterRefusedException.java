package io.sluice.client.table;

import io.sluice.client.sync.SyncStoppedException;

/** The source changed in a way the mapping does not follow: the sync stops, the batch stays unacked. */
final class AlterRefusedException extends SyncStoppedException {

    AlterRefusedException(String message) {
        super(message);
    }
}
