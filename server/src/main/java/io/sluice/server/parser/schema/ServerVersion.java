package io.sluice.server.parser.schema;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The master's product and version, as far as they decide how the master spells a column type
 * ({@code information_schema.COLUMNS.COLUMN_TYPE}, {@code SHOW CREATE TABLE}).
 *
 * @param mariadb MariaDB rather than MySQL
 * @param major   e.g. 8 of 8.0.36, 10 of 10.11.6
 * @param minor   e.g. 0 of 8.0.36
 * @param patch   e.g. 36 of 8.0.36
 */
public record ServerVersion(boolean mariadb, int major, int minor, int patch) {

    /**
     * Nothing known yet (a binlog read without a connection, before its format description event): spell types as
     * MariaDB and MySQL before 8.0.19 do, the spelling canal users have seen the longest.
     */
    public static final ServerVersion UNKNOWN = new ServerVersion(false, 5, 7, 0);

    private static final Pattern NUMBERS = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)");

    /** Reads {@code SELECT VERSION()} or a format description event's text: {@code 8.0.36}, {@code 10.11.6-MariaDB-log}. */
    public static ServerVersion parse(String version) {
        if (version == null) {
            return UNKNOWN;
        }
        String v = version.trim();
        boolean mariadb = v.toLowerCase(Locale.ROOT).contains("mariadb");
        if (mariadb && v.startsWith("5.5.5-")) {
            v = v.substring("5.5.5-".length()); // the replication handshake's prefix for old clients
        }
        Matcher m = NUMBERS.matcher(v);
        if (!m.find()) {
            return mariadb ? new ServerVersion(true, 10, 0, 0) : UNKNOWN;
        }
        return new ServerVersion(mariadb, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3)));
    }

    /**
     * MySQL 8.0.19 stopped printing integer display widths (WL#13528): {@code int}, not {@code int(11)}, except for a
     * signed {@code tinyint(1)} and for ZEROFILL columns; it also prints {@code year}, not {@code year(4)} (WL#13537).
     * MariaDB prints them all.
     */
    public boolean printsIntegerWidths() {
        return mariadb || !atLeast(8, 0, 19);
    }

    /** MariaDB's JSON is an alias of LONGTEXT (with a json_valid check); only MySQL has a JSON type. */
    public boolean hasJsonType() {
        return !mariadb;
    }

    /** MySQL 8.0 names GEOMETRYCOLLECTION {@code geomcollection}; MariaDB and MySQL 5.7 {@code geometrycollection}. */
    public boolean namesGeomcollection() {
        return !mariadb && atLeast(8, 0, 11);
    }

    private boolean atLeast(int ma, int mi, int pa) {
        if (major != ma) {
            return major > ma;
        }
        if (minor != mi) {
            return minor > mi;
        }
        return patch >= pa;
    }

    @Override
    public String toString() {
        return (mariadb ? "MariaDB " : "MySQL ") + major + "." + minor + "." + patch;
    }
}
