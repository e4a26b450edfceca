package io.sluice.server.parser;

/** The requested start position is no longer on the master (MySQL error 1236 after PURGE BINARY LOGS). */
public class BinlogPurgedException extends ParserException {

    public BinlogPurgedException(String message, Throwable cause) {
        super(message, cause);
    }
}
