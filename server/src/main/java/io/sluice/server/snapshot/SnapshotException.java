package io.sluice.server.snapshot;

/** A snapshot that cannot go on: the reason names the table, setting or grant to fix. */
public class SnapshotException extends RuntimeException {

    public SnapshotException(String message) {
        super(message);
    }

    public SnapshotException(String message, Throwable cause) {
        super(message, cause);
    }
}
