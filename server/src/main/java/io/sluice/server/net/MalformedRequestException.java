package io.sluice.server.net;

/** A request no correct client sends (not merely a refused one); the connection is closed without a reply. */
final class MalformedRequestException extends RuntimeException {

    MalformedRequestException(String message) {
        super(message, null, false, false);
    }
}
