package io.sluice.client.table;

/** The target did not take a batch; the message names the table and key being written. Nothing was committed. */
final class TargetWriteException extends Exception {

    TargetWriteException(String message, Throwable cause) {
        super(message, cause);
    }
}
