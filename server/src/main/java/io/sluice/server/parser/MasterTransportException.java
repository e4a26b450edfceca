package io.sluice.server.parser;

/**
 * A connection to the master failed for a reason of how it is carried (TLS settings the master disagrees with, a
 * key store that cannot be used). Reconnecting does not cure it; the message names the key to change.
 */
public class MasterTransportException extends RuntimeException {

    public MasterTransportException(String message, Throwable cause) {
        super(message, cause);
    }
}
