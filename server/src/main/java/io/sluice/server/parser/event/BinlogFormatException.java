package io.sluice.server.parser.event;

/** Bytes that do not form a valid binlog event: truncated, corrupt (CRC32 mismatch) or of an unknown layout. */
public class BinlogFormatException extends RuntimeException {

    public BinlogFormatException(String message) {
        super(message);
    }

    public BinlogFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
