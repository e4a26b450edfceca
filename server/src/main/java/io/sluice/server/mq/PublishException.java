package io.sluice.server.mq;

/**
 * The broker did not confirm every message of a batch (down, refused, timed out). The batch is not acked; the
 * publisher rolls back and publishes it again after a backoff.
 */
public class PublishException extends RuntimeException {

    public PublishException(String message, Throwable cause) {
        super(message, cause);
    }
}
