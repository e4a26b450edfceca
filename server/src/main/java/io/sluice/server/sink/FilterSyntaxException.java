package io.sluice.server.sink;

/** A filter or column list that cannot be compiled; the message names the offending item. */
public class FilterSyntaxException extends IllegalArgumentException {

    public FilterSyntaxException(String message, Throwable cause) {
        super(message, cause);
    }

    public FilterSyntaxException(String message) {
        super(message);
    }
}
