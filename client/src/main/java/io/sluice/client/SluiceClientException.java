package io.sluice.client;

/** Base of the client's failures; unchecked, as canal's {@code CanalClientException}. */
public class SluiceClientException extends RuntimeException {

    public SluiceClientException(String message) {
        super(message);
    }

    public SluiceClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
