package io.sluice.server.parser.schema;

import com.alibaba.druid.sql.ast.SQLDataType;
import com.alibaba.druid.sql.ast.SQLDataTypeImpl;
import com.alibaba.druid.sql.ast.SQLExpr;
import com.alibaba.druid.sql.ast.expr.SQLCharExpr;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A column's type as the master itself reports it in {@code information_schema.COLUMNS.COLUMN_TYPE} (canal's
 * {@code Column.mysqlType}), whatever spelling the DDL used: aliases resolved ({@code BOOL}, {@code INTEGER},
 * {@code NUMERIC}, {@code REAL}, {@code CHARACTER VARYING}, {@code NATIONAL CHAR}, {@code LONG VARCHAR} ...), the
 * defaults the server fills in ({@code decimal(10,0)}, {@code char(1)}, {@code bit(1)}, integer display widths where
 * the server prints them), lower case, no charset or collation.
 *
 * @param dataType  the canonical type name the row decoder works with ({@code int}, {@code varchar}, {@code double} ...)
 * @param mysqlType the master's COLUMN_TYPE
 * @param unsigned  UNSIGNED, ZEROFILL or SERIAL
 * @param length    the declared or default length of CHAR/VARCHAR/BINARY/VARBINARY/BIT, -1 otherwise
 * @param labels    ENUM or SET labels as stored (trailing spaces removed), empty otherwise
 */
record ColumnType(String dataType, String mysqlType, boolean unsigned, int length, List<String> labels) {

    ColumnType {
        labels = List.copyOf(labels);
    }

    /**
     * @param type    the type as Druid parsed it from a CREATE or ALTER TABLE
     * @param version the master's flavour and version
     * @param charset the column's charset (for {@code TEXT(n)}, whose type depends on n characters' bytes); may be null
     */
    static ColumnType of(SQLDataType type, ServerVersion version, String charset) {
        String written = type.getName().toLowerCase(Locale.ROOT).trim().replaceAll("\\s+", " ");
        List<SQLExpr> args = type.getArguments();
        boolean zerofill = type instanceof SQLDataTypeImpl impl && impl.isZerofill();
        boolean unsigned = zerofill || (type instanceof SQLDataTypeImpl impl && impl.isUnsigned());
        String name = canonical(written, version);
        return switch (name) {
            case "tinyint", "smallint", "mediumint", "int", "bigint" -> {
                boolean bool = written.equals("bool") || written.equals("boolean");
                boolean serial = written.equals("serial");
                boolean u = unsigned || serial;
                int width = bool ? 1 : args.isEmpty() ? defaultWidth(name, u) : intArg(args.get(0));
                boolean showWidth = version.printsIntegerWidths() || zerofill
                        || (name.equals("tinyint") && width == 1 && !u && (bool || !args.isEmpty()));
                yield numeric(name, showWidth ? name + "(" + width + ")" : name, u, zerofill);
            }
            case "decimal" -> {
                int precision = args.isEmpty() ? 10 : intArg(args.get(0));
                int scale = args.size() < 2 ? 0 : intArg(args.get(1));
                yield numeric(name, "decimal(" + precision + "," + scale + ")", unsigned, zerofill);
            }
            case "float" -> {
                if (args.size() == 1) {
                    // FLOAT(p): single precision up to p = 24, DOUBLE above; the precision itself is not kept
                    String t = intArg(args.get(0)) > 24 ? "double" : "float";
                    yield numeric(t, t, unsigned, zerofill);
                }
                yield numeric(name, name + arguments(args), unsigned, zerofill);
            }
            case "double" -> numeric(name, name + arguments(args), unsigned, zerofill);
            case "bit" -> {
                int bits = args.isEmpty() ? 1 : intArg(args.get(0));
                yield new ColumnType(name, "bit(" + bits + ")", false, bits, List.of());
            }
            case "time", "datetime", "timestamp" -> {
                int fsp = args.isEmpty() ? 0 : intArg(args.get(0));
                yield new ColumnType(name, fsp > 0 ? name + "(" + fsp + ")" : name, false, -1, List.of());
            }
            case "year" -> {
                int digits = args.isEmpty() ? 4 : intArg(args.get(0));
                yield new ColumnType(name, version.printsIntegerWidths() ? "year(" + digits + ")" : "year", false, -1,
                        List.of());
            }
            case "char", "binary" -> {
                int n = args.isEmpty() ? 1 : intArg(args.get(0));
                yield new ColumnType(name, name + "(" + n + ")", false, n, List.of());
            }
            case "varchar", "varbinary" -> {
                int n = args.isEmpty() ? -1 : intArg(args.get(0));
                yield new ColumnType(name, n < 0 ? name : name + "(" + n + ")", false, n, List.of());
            }
            case "text" -> {
                // TEXT(n) is the smallest TEXT type that holds n characters of the column's charset
                String t = args.isEmpty() ? "text" : sized("text", (long) intArg(args.get(0)) * maxBytesPerChar(charset));
                yield new ColumnType(t, t, false, -1, List.of());
            }
            case "blob" -> {
                String t = args.isEmpty() ? "blob" : sized("blob", intArg(args.get(0)));
                yield new ColumnType(t, t, false, -1, List.of());
            }
            case "enum", "set" -> {
                List<String> labels = new ArrayList<>();
                StringBuilder text = new StringBuilder(name).append('(');
                for (int i = 0; i < args.size(); i++) {
                    String label = args.get(i) instanceof SQLCharExpr c ? c.getText() : args.get(i).toString();
                    label = stripTrailingSpaces(label); // the server drops them when it creates the column
                    labels.add(label);
                    text.append(i == 0 ? "" : ",");
                    quote(text, label);
                }
                yield new ColumnType(name, text.append(')').toString(), false, -1, labels);
            }
            default -> new ColumnType(name, name + arguments(args), unsigned, -1, List.of());
        };
    }

    /** The server's own name for a type spelt with an alias. */
    private static String canonical(String written, ServerVersion version) {
        return switch (written) {
            case "bool", "boolean", "int1" -> "tinyint";
            case "int2" -> "smallint";
            case "int3", "middleint" -> "mediumint";
            case "integer", "int4" -> "int";
            case "int8", "serial" -> "bigint";
            case "numeric", "dec", "fixed" -> "decimal";
            case "float4" -> "float";
            case "real", "double precision", "float8" -> "double";
            case "character", "nchar", "national char", "national character" -> "char";
            case "character varying", "char varying", "nvarchar", "national varchar", "national char varying",
                 "national character varying", "nchar varchar", "nchar varying", "varcharacter" -> "varchar";
            case "long", "long varchar", "long char varying" -> "mediumtext";
            case "long varbinary" -> "mediumblob";
            case "json" -> version.hasJsonType() ? "json" : "longtext";
            case "geometrycollection", "geomcollection" ->
                    version.namesGeomcollection() ? "geomcollection" : "geometrycollection";
            default -> written;
        };
    }

    private static ColumnType numeric(String name, String text, boolean unsigned, boolean zerofill) {
        String t = text + (unsigned ? " unsigned" : "") + (zerofill ? " zerofill" : "");
        return new ColumnType(name, t, unsigned, -1, List.of());
    }

    /** Display widths the server gives integer columns declared without one (digits of the widest value, and sign). */
    private static int defaultWidth(String name, boolean unsigned) {
        return switch (name) {
            case "tinyint" -> unsigned ? 3 : 4;
            case "smallint" -> unsigned ? 5 : 6;
            case "mediumint" -> unsigned ? 8 : 9;
            case "int" -> unsigned ? 10 : 11;
            default -> 20;
        };
    }

    private static String sized(String kind, long bytes) {
        if (bytes < 1L << 8) {
            return "tiny" + kind;
        }
        if (bytes < 1L << 16) {
            return kind;
        }
        return bytes < 1L << 24 ? "medium" + kind : "long" + kind;
    }

    private static int maxBytesPerChar(String charset) {
        if (charset == null) {
            return 1;
        }
        return switch (charset) {
            case "utf8mb4", "utf16", "utf16le", "utf32", "gb18030" -> 4;
            case "utf8", "utf8mb3", "ujis", "eucjpms" -> 3;
            case "ucs2", "gbk", "gb2312", "big5", "sjis", "cp932", "euckr" -> 2;
            default -> 1;
        };
    }

    private static String arguments(List<SQLExpr> args) {
        if (args.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < args.size(); i++) {
            b.append(i == 0 ? "" : ",").append(args.get(i).toString().trim().toLowerCase(Locale.ROOT));
        }
        return b.append(')').toString();
    }

    /** A label quoted as the server prints it (sql_show.cc append_unescaped): quotes doubled, backslashes escaped. */
    private static void quote(StringBuilder out, String label) {
        out.append('\'');
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            switch (c) {
                case '\'' -> out.append("''");
                case '\\' -> out.append("\\\\");
                case '\0' -> out.append("\\0");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
        out.append('\'');
    }

    private static String stripTrailingSpaces(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == ' ') {
            end--;
        }
        return s.substring(0, end);
    }

    private static int intArg(SQLExpr expr) {
        try {
            return Integer.parseInt(expr.toString().trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
