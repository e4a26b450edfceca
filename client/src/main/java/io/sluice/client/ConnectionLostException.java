package io.sluice.client;

/** The server could not be reached, or the connection broke and could not be re-established. */
public final class ConnectionLostException extends SluiceClientException {

    public ConnectionLostException(String message, Throwable cause) {
        super(message, cause);
    }

    public ConnectionLostException(String message) {
        super(message);
    }
}
