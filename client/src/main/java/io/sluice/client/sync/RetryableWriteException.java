package io.sluice.client.sync;

/**
 * The target did not take a batch but may later (unreachable, overloaded, a transaction rolled back): the loop
 * applies the same batch again after a backoff, unacked. The message names the table and key being written
 * where there is one.
 */
public class RetryableWriteException extends Exception {

    public RetryableWriteException(String message, Throwable cause) {
        super(message, cause);
    }
}
