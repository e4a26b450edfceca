package io.sluice.server.meta;

/** Meta that cannot be read or written: the message names the file or znode. */
public class MetaStoreException extends RuntimeException {

    public MetaStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public MetaStoreException(String message) {
        super(message);
    }
}
