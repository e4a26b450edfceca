package io.sluice.server.sink.rows;

/** A row filter expression that cannot be parsed, with the position of the problem when known. */
public final class RowFilterSyntaxException extends IllegalArgumentException {

    private final int position;

    public RowFilterSyntaxException(String expression, int position, String problem) {
        super("row filter '" + expression + "'" + (position >= 0 ? " at position " + position : "") + ": " + problem);
        this.position = position;
    }

    /** 0-based character position in the expression, or -1 when the parser did not say. */
    public int position() {
        return position;
    }
}
