package io.sluice.client;

/** The server refused the user name or password (canal's {@code auth failed for user:<u>}). */
public final class AuthenticationFailedException extends SluiceClientException {

    private final int errorCode;

    public AuthenticationFailedException(int errorCode, String serverMessage) {
        super("authentication refused (" + errorCode + "): " + serverMessage);
        this.errorCode = errorCode;
    }

    public int errorCode() {
        return errorCode;
    }
}
