package io.sluice.server.parser;

/** A failure of the binlog parser that a caller can act on (configuration, grants, master state). */
public class ParserException extends RuntimeException {

    public ParserException(String message) {
        super(message);
    }

    public ParserException(String message, Throwable cause) {
        super(message, cause);
    }
}
