package io.sluice.client.table;

/** The source changed in a way the mapping does not follow: the sync stops, the batch stays unacked. */
final class AlterRefusedException extends RuntimeException {

    AlterRefusedException(String message) {
        super(message);
    }
}
