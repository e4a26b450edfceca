package io.sluice.server.tls;

import io.sluice.server.parser.MasterTransportException;

/**
 * The TLS settings towards the master and the master disagree, or a key store cannot be used: an untrusted or
 * misnamed certificate, a master without TLS under a mode that requires it, a master that requires TLS under
 * {@code sslMode = DISABLED}. Reconnecting does not cure it; the message names the key to change.
 */
public class MasterTlsException extends MasterTransportException {

    public MasterTlsException(String message, Throwable cause) {
        super(message, cause);
    }
}
