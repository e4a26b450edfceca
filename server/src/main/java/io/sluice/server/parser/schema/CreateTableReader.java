package io.sluice.server.parser.schema;

import com.alibaba.druid.DbType;
import com.alibaba.druid.sql.SQLUtils;
import com.alibaba.druid.sql.ast.SQLDataType;
import com.alibaba.druid.sql.ast.SQLDataTypeImpl;
import com.alibaba.druid.sql.ast.SQLExpr;
import com.alibaba.druid.sql.ast.expr.SQLCharExpr;
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

/** Turns a CREATE TABLE parsed by Druid into a {@link TableStructure}, with canal's {@code mysqlType} strings. */
final class CreateTableReader {

    private CreateTableReader() {
    }

    static TableStructure read(String schema, String table, SQLCreateTableStatement create, String databaseCharset) {
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
                columns.add(column(column, tableCharset, primaryKey));
            }
        }
        return new TableStructure(schema, table, columns, SQLUtils.toSQLString(create, DbType.mysql));
    }

    private static ColumnDef column(SQLColumnDefinition column, String tableCharset, Set<String> primaryKey) {
        String name = unquote(column.getNameAsString());
        SQLDataType type = column.getDataType();
        String written = type.getName();
        String dataType = written.toLowerCase(Locale.ROOT);
        List<SQLExpr> args = type.getArguments();
        StringBuilder mysqlType = new StringBuilder();
        if (dataType.equals("float") && args.size() == 1 && intArg(args.get(0)) > 24) {
            mysqlType.append("double"); // MySQL stores FLOAT(p) with p > 24 as DOUBLE, and canal reports it so
        } else {
            mysqlType.append(written);
        }
        List<String> labels = new ArrayList<>();
        if (!args.isEmpty()) {
            mysqlType.append('(');
            for (int i = 0; i < args.size(); i++) {
                if (i > 0) {
                    mysqlType.append(',');
                }
                mysqlType.append(args.get(i).toString());
                if (args.get(i) instanceof SQLCharExpr text) {
                    labels.add(text.getText());
                }
            }
            mysqlType.append(')');
        }
        boolean unsigned = false;
        if (type instanceof SQLDataTypeImpl impl) {
            unsigned = impl.isUnsigned() || impl.isZerofill();
            if (unsigned) {
                mysqlType.append(" unsigned");
            }
            if (impl.isZerofill()) {
                mysqlType.append(" zerofill");
            }
        }
        boolean key = primaryKey.contains(lower(name));
        for (SQLColumnConstraint constraint : column.getConstraints()) {
            if (constraint instanceof SQLColumnPrimaryKey) {
                key = true;
            }
        }
        int length = args.size() == 1 ? intArg(args.get(0)) : -1;
        return new ColumnDef(name, dataType, mysqlType.toString(), unsigned, charset(column, dataType, tableCharset),
                dataType.equals("enum") || dataType.equals("set") ? labels : List.of(), length, key);
    }

    private static String charset(SQLColumnDefinition column, String dataType, String tableCharset) {
        switch (dataType) {
            case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob":
                return "binary";
            case "char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum", "set", "nchar", "nvarchar",
                 "character", "long", "long varchar", "json":
                break;
            default:
                return null;
        }
        if (dataType.startsWith("n")) {
            return "utf8mb3"; // NATIONAL CHAR is utf8mb3 by definition
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

    private static int intArg(SQLExpr expr) {
        try {
            return Integer.parseInt(expr.toString().trim());
        } catch (NumberFormatException e) {
            return -1;
        }
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
