package io.sluice.server.parser.schema;

import com.alibaba.druid.DbType;
import com.alibaba.druid.sql.SQLUtils;
import com.alibaba.druid.sql.ast.SQLDataType;
import com.alibaba.druid.sql.ast.SQLExpr;
import com.alibaba.druid.sql.ast.expr.SQLIdentifierExpr;
import com.alibaba.druid.sql.ast.expr.SQLMethodInvokeExpr;
import com.alibaba.druid.sql.ast.expr.SQLPropertyExpr;
import com.alibaba.druid.sql.ast.statement.SQLAssignItem;
import com.alibaba.druid.sql.ast.statement.SQLCharacterDataType;
import com.alibaba.druid.sql.ast.statement.SQLColumnConstraint;
import com.alibaba.druid.sql.ast.statement.SQLColumnDefinition;
import com.alibaba.druid.sql.ast.statement.SQLColumnPrimaryKey;
import com.alibaba.druid.sql.ast.statement.SQLCreateTableStatement;
import com.alibaba.druid.sql.ast.statement.SQLSelectOrderByItem;
import com.alibaba.druid.sql.ast.statement.SQLTableElement;
import com.alibaba.druid.sql.dialect.mysql.ast.MySqlPrimaryKey;
import com.alibaba.druid.sql.dialect.mysql.ast.expr.MySqlOrderingExpr;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns a CREATE TABLE parsed by Druid into a {@link TableStructure}, with each column's type as the master of the
 * given version reports it ({@link ColumnType}).
 */
final class CreateTableReader {

    private CreateTableReader() {
    }

    static TableStructure read(String schema, String table, SQLCreateTableStatement create, String databaseCharset,
                               ServerVersion version) {
        String tableCharset = tableCharset(create);
        if (tableCharset == null) {
            tableCharset = databaseCharset;
        }
        Set<String> primaryKey = new HashSet<>();
        for (SQLTableElement element : create.getTableElementList()) {
            if (element instanceof MySqlPrimaryKey pk) {
                for (SQLSelectOrderByItem item : pk.getColumns()) {
                    primaryKey.add(lower(name(item.getExpr())));
                }
            }
        }
        List<ColumnDef> columns = new ArrayList<>();
        for (SQLTableElement element : create.getTableElementList()) {
            if (element instanceof SQLColumnDefinition column) {
                columns.add(column(column, tableCharset, primaryKey, version));
            }
        }
        return new TableStructure(schema, table, columns, SQLUtils.toSQLString(create, DbType.mysql));
    }

    private static ColumnDef column(SQLColumnDefinition column, String tableCharset, Set<String> primaryKey,
                                    ServerVersion version) {
        String name = unquote(column.getNameAsString());
        SQLDataType type = column.getDataType();
        String written = type.getName().toLowerCase(Locale.ROOT).trim().replaceAll("\\s+", " ");
        ColumnType columnType = ColumnType.of(type, version, null);
        String charset = charset(column, columnType.dataType(), written, tableCharset);
        if (charset != null) {
            columnType = ColumnType.of(type, version, charset); // TEXT(n) depends on the bytes of n characters
            if (charset.equals("binary")) {
                columnType = binary(columnType); // CHARACTER SET binary makes the text types their binary twins
            }
        }
        boolean key = primaryKey.contains(lower(name));
        for (SQLColumnConstraint constraint : column.getConstraints()) {
            if (constraint instanceof SQLColumnPrimaryKey) {
                key = true;
            }
        }
        return new ColumnDef(name, columnType.dataType(), columnType.mysqlType(), columnType.unsigned(), charset,
                columnType.labels(), columnType.length(), key);
    }

    private static ColumnType binary(ColumnType t) {
        String twin = switch (t.dataType()) {
            case "char" -> "binary";
            case "varchar" -> "varbinary";
            case "tinytext" -> "tinyblob";
            case "text" -> "blob";
            case "mediumtext" -> "mediumblob";
            case "longtext" -> "longblob";
            default -> null;
        };
        if (twin == null) {
            return t;
        }
        return new ColumnType(twin, twin + t.mysqlType().substring(t.dataType().length()), false, t.length(), List.of());
    }

    private static String charset(SQLColumnDefinition column, String dataType, String written, String tableCharset) {
        switch (dataType) {
            case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob":
                return "binary";
            case "char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum", "set", "json":
                break;
            default:
                return null;
        }
        if (written.startsWith("n")) {
            return "utf8mb3"; // NATIONAL CHAR, NCHAR and NVARCHAR are utf8mb3 by definition
        }
        String explicit = null;
        if (column.getDataType() instanceof SQLCharacterDataType characterType) {
            explicit = characterType.getCharSetName();
            if (explicit == null && characterType.getCollate() != null) {
                explicit = collationCharset(characterType.getCollate());
            }
        }
        if (explicit == null && column.getCharsetExpr() != null) {
            explicit = column.getCharsetExpr().toString();
        }
        if (explicit == null && column.getCollateExpr() != null) {
            explicit = collationCharset(column.getCollateExpr().toString());
        }
        if (explicit != null) {
            return unquote(explicit).toLowerCase(Locale.ROOT);
        }
        return tableCharset;
    }

    private static String tableCharset(SQLCreateTableStatement create) {
        String collation = null;
        for (SQLAssignItem option : create.getTableOptions()) {
            String key = option.getTarget().toString().toUpperCase(Locale.ROOT).replace('_', ' ');
            String value = unquote(option.getValue().toString());
            if (key.endsWith("CHARACTER SET") || key.endsWith("CHARSET")) {
                return value.toLowerCase(Locale.ROOT);
            }
            if (key.endsWith("COLLATE")) {
                collation = collationCharset(value);
            }
        }
        return collation;
    }

    static String collationCharset(String collation) {
        String c = unquote(collation).toLowerCase(Locale.ROOT);
        if (c.equals("binary")) {
            return "binary";
        }
        int underscore = c.indexOf('_');
        return underscore > 0 ? c.substring(0, underscore) : c;
    }

    static String name(SQLExpr expr) {
        if (expr instanceof SQLIdentifierExpr id) {
            return unquote(id.getName());
        }
        if (expr instanceof SQLPropertyExpr property) {
            return unquote(property.getName());
        }
        if (expr instanceof SQLMethodInvokeExpr method) {
            return unquote(method.getMethodName()); // a prefix index: name(10)
        }
        if (expr instanceof MySqlOrderingExpr ordering) {
            return name(ordering.getExpr());
        }
        return unquote(expr.toString());
    }

    static String unquote(String name) {
        if (name != null && name.length() >= 2) {
            char first = name.charAt(0);
            char last = name.charAt(name.length() - 1);
            if ((first == '`' && last == '`') || (first == '"' && last == '"') || (first == '\'' && last == '\'')) {
                return name.substring(1, name.length() - 1).replace("``", "`");
            }
        }
        return name;
    }

    static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }
}
