package io.sluice.server.sink;

/** A transform that cannot be built from its configuration, named with the class and the key. */
public class TransformException extends IllegalArgumentException {

    public TransformException(String message, Throwable cause) {
        super(message, cause);
    }

    public TransformException(String message) {
        super(message);
    }
}
