package io.sluice.client.table;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The target column type of a MySQL/MariaDB column type, for columns the sync adds or tables it creates: the
 * documented MySQL → PostgreSQL mapping (docs/table-sync.md), or the source's own type for a MariaDB/MySQL target.
 * The source type is canal's {@code Column.mysqlType} (the master's COLUMN_TYPE, e.g. {@code int(10) unsigned},
 * {@code decimal(8,2)}, {@code enum('a','b')}) or the same words as an ALTER TABLE writes them.
 */
final class TargetTypes {

    private static final Pattern TYPE = Pattern.compile("\\s*([a-z0-9_]+)\\s*(?:\\(([^)]*)\\))?\\s*(.*)",
            Pattern.DOTALL);

    private TargetTypes() {
    }

    /** The target type, or null when there is no mapping for it (the caller refuses, naming the column). */
    static String of(SqlDialect dialect, String mysqlType) {
        if (mysqlType == null || mysqlType.isBlank()) {
            return null;
        }
        if (dialect == SqlDialect.MYSQL) {
            return mysqlType.trim();
        }
        Matcher m = TYPE.matcher(mysqlType.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return null;
        }
        String name = m.group(1);
        String args = m.group(2) == null ? null : m.group(2).replace(" ", "");
        boolean unsigned = m.group(3).contains("unsigned");
        return switch (name) {
            case "tinyint", "bool", "boolean" -> "smallint";
            case "smallint" -> unsigned ? "integer" : "smallint";
            case "mediumint" -> "integer";
            case "int", "integer" -> unsigned ? "bigint" : "integer";
            case "bigint" -> unsigned ? "numeric(20)" : "bigint";
            case "decimal", "numeric", "dec", "fixed" -> args == null ? "numeric(10)" : "numeric(" + args + ")";
            case "float" -> "real";
            case "double", "real" -> "double precision";
            case "bit" -> args != null && args.equals("64") ? "numeric(20)" : "bigint";
            case "date" -> "date";
            case "datetime", "timestamp" -> args == null ? "timestamp" : "timestamp(" + args + ")";
            case "time" -> "interval";
            case "year" -> "smallint";
            case "char" -> "char(" + (args == null ? "1" : args) + ")";
            case "varchar" -> args == null ? "text" : "varchar(" + args + ")";
            case "tinytext", "text", "mediumtext", "longtext", "enum", "set" -> "text";
            case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "geometry", "point",
                 "linestring", "polygon", "multipoint", "multilinestring", "multipolygon", "geometrycollection" -> "bytea";
            case "json" -> "jsonb";
            case "inet4", "inet6" -> "inet";
            case "uuid" -> "uuid";
            default -> null;
        };
    }

    /**
     * The type as the target's catalog spells it, to compare a column's type with a mapped one: PostgreSQL's
     * {@code format_type} names ({@code character varying(20)}, {@code numeric(20,0)}), MySQL's COLUMN_TYPE without
     * the integer display width MariaDB adds.
     */
    static String canonical(SqlDialect dialect, String type) {
        String t = type.toLowerCase(Locale.ROOT).trim().replaceAll("\\s+", " ").replaceAll("\\s*\\(\\s*", "(")
                .replaceAll("\\s*,\\s*", ",").replaceAll("\\s*\\)", ")");
        if (dialect == SqlDialect.MYSQL) {
            t = t.replaceFirst("^integer", "int").replaceFirst("^(tinyint|smallint|mediumint|int|bigint)\\(\\d+\\)", "$1")
                    .replace(" zerofill", "");
            return t;
        }
        t = t.replaceFirst("^varchar\\(", "character varying(").replaceFirst("^char\\(", "character(")
                .replaceFirst("^numeric\\((\\d+)\\)$", "numeric($1,0)");
        if (t.matches("^(timestamp|time)(\\(\\d+\\))?$")) {
            t += " without time zone";
        }
        return t;
    }
}
