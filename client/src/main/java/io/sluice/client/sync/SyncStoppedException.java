package io.sluice.client.sync;

/**
 * The sync cannot go on without someone changing something (a source change the mapping does not follow, a
 * document the target refuses): the loop stops with one ERROR line of this message; the batch stays unacked and
 * comes again to the next run.
 */
public class SyncStoppedException extends RuntimeException {

    public SyncStoppedException(String message) {
        super(message);
    }
}
