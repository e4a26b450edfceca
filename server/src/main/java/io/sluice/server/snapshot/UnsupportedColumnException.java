package io.sluice.server.snapshot;

/** A column whose type a snapshot cannot read in a form the binlog renderer accepts; names the column. */
public class UnsupportedColumnException extends SnapshotException {

    public UnsupportedColumnException(String message) {
        super(message);
    }
}
