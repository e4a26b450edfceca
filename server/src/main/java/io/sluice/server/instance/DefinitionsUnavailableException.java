package io.sluice.server.instance;

/** The destinations' definitions cannot be read now (ZooKeeper unreachable); the running ones keep running. */
public final class DefinitionsUnavailableException extends RuntimeException {

    public DefinitionsUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
