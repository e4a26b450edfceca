package io.sluice.server.parser;

/** The master logs (some) changes as statements, which a row-based change stream cannot decode. */
public class UnsupportedBinlogFormatException extends ParserException {

    public UnsupportedBinlogFormatException(String message) {
        super(message);
    }
}
