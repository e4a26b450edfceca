package io.sluice.server.parser.schema;

import java.util.List;
import java.util.Objects;

/**
 * One column as the table's DDL declares it.
 *
 * @param name       column name
 * @param dataType   the server's name of the type, aliases resolved ({@code int}, {@code varchar}, {@code enum},
 *                   {@code inet6}, ...; {@code longtext} for MariaDB's JSON)
 * @param mysqlType  canal's {@code Column.mysqlType}: the master's {@code information_schema.COLUMNS.COLUMN_TYPE}
 *                   ({@link ColumnType})
 * @param unsigned   UNSIGNED (or ZEROFILL, which implies it)
 * @param charset    MySQL charset name of a text column ({@code utf8mb4}, {@code latin1}, {@code binary}); null
 *                   for non-text columns or when neither column, table nor database declares one
 * @param labels     ENUM or SET labels in declaration order; empty otherwise
 * @param length     declared length ({@code CHAR(n)}, {@code BINARY(n)}, ...), -1 when none
 * @param key        member of the primary key
 */
public record ColumnDef(String name, String dataType, String mysqlType, boolean unsigned, String charset,
                        List<String> labels, int length, boolean key) {

    public ColumnDef {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dataType, "dataType");
        Objects.requireNonNull(mysqlType, "mysqlType");
        labels = labels == null ? List.of() : List.copyOf(labels);
    }

    public ColumnDef withKey(boolean newKey) {
        return new ColumnDef(name, dataType, mysqlType, unsigned, charset, labels, length, newKey);
    }

    public ColumnDef withCharset(String newCharset) {
        return new ColumnDef(name, dataType, mysqlType, unsigned, newCharset, labels, length, key);
    }

    /** TEXT/CHAR family, whose bytes are text in {@link #charset}. */
    public boolean isText() {
        return switch (dataType) {
            case "char", "varchar", "tinytext", "text", "mediumtext", "longtext", "json", "nchar", "nvarchar",
                 "character", "national char", "long", "long varchar" -> true;
            default -> false;
        };
    }

    /** canal's text check: the CLOB sqlType is used exactly for these four type names. */
    public boolean isCanalText() {
        return switch (dataType) {
            case "tinytext", "text", "mediumtext", "longtext" -> true;
            default -> false;
        };
    }

    /** canal treats a column as binary when its type string contains BINARY. */
    public boolean isCanalBinary() {
        return mysqlType.toLowerCase(java.util.Locale.ROOT).contains("binary");
    }
}
