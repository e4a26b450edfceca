package io.sluice.server.config;

import java.nio.file.Path;

/**
 * A configuration that cannot be used: a malformed file, or a value of the wrong form. The message names the
 * file, the key and the value (passwords masked) so that an operator can fix it without reading code.
 */
public class ConfigException extends RuntimeException {

    private final String origin;
    private final String key;

    public ConfigException(String origin, String key, String value, String problem) {
        super(origin + ": " + key + "=" + value + " " + problem);
        this.origin = origin;
        this.key = key;
    }

    public ConfigException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.origin = file.toString();
        this.key = null;
    }

    /** A source of values other than a file (a ZooKeeper node) that cannot be read as a whole. */
    public ConfigException(String origin, String problem, Throwable cause) {
        super(origin + ": " + problem, cause);
        this.origin = origin;
        this.key = null;
    }

    /** The file (or "system property" / "environment") the value came from. */
    public String origin() {
        return origin;
    }

    /** The key at fault, or null when the file as a whole could not be read. */
    public String key() {
        return key;
    }
}
