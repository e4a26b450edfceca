package io.sluice.server.instance;

/**
 * A client request that cannot be served, with canal's message text (clients and their users grep for it),
 * e.g. {@code batchId:73 is not the firstly:72}. The network layer answers it as canal's error ACK.
 */
public class ClientRequestException extends RuntimeException {

    private final int errorCode;

    public ClientRequestException(int errorCode, String message) {
        super(message, null, false, false);
        this.errorCode = errorCode;
    }

    public ClientRequestException(String message) {
        this(400, message);
    }

    public int errorCode() {
        return errorCode;
    }
}
