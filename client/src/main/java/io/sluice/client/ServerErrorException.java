package io.sluice.client;

/**
 * The server answered with canal's error ACK: {@code errorCode} 400 (e.g. {@code destination:<d> should start
 * first}, {@code batchId:<n> is not the firstly:<m>}), 401 (destination or client id missing) or 402 (ack of batch
 * 0), with canal's text.
 *
 * <p>canal sends no reply to acks and rollbacks but does send their errors, so an error can arrive as the answer to a
 * later request. When the connector cannot tell which request an error answers, it ends the session
 * ({@link #sessionReset()}); the next call opens a new one, which rolls back, so unacknowledged batches come again.
 */
public final class ServerErrorException extends SluiceClientException {

    private final int errorCode;
    private final String serverMessage;
    private final boolean sessionReset;

    public ServerErrorException(String request, int errorCode, String serverMessage, boolean sessionReset) {
        super(request + " failed with server error " + errorCode + ": " + firstLine(serverMessage)
                + (sessionReset ? " (it may answer an earlier ack or rollback; the session was reset)" : ""));
        this.errorCode = errorCode;
        this.serverMessage = serverMessage;
        this.sessionReset = sessionReset;
    }

    public int errorCode() {
        return errorCode;
    }

    /** The server's full text (canal includes a stack trace in 400 errors). */
    public String serverMessage() {
        return serverMessage;
    }

    public boolean sessionReset() {
        return sessionReset;
    }

    private static String firstLine(String text) {
        // canal's 400 texts end in a Java stack trace; its first line names the cause
        int cut = text.indexOf("\n\tat ");
        return (cut < 0 ? text : text.substring(0, cut)).strip();
    }
}
