package io.sluice.server.sink.rows;

import com.alibaba.druid.DbType;
import com.alibaba.druid.sql.ast.SQLExpr;
import com.alibaba.druid.sql.ast.expr.SQLBetweenExpr;
import com.alibaba.druid.sql.ast.expr.SQLBinaryOpExpr;
import com.alibaba.druid.sql.ast.expr.SQLBooleanExpr;
import com.alibaba.druid.sql.ast.expr.SQLCharExpr;
import com.alibaba.druid.sql.ast.expr.SQLIdentifierExpr;
import com.alibaba.druid.sql.ast.expr.SQLInListExpr;
import com.alibaba.druid.sql.ast.expr.SQLIntegerExpr;
import com.alibaba.druid.sql.ast.expr.SQLNotExpr;
import com.alibaba.druid.sql.ast.expr.SQLNullExpr;
import com.alibaba.druid.sql.ast.expr.SQLNumberExpr;
import com.alibaba.druid.sql.ast.expr.SQLUnaryExpr;
import com.alibaba.druid.sql.parser.ParserException;
import com.alibaba.druid.sql.parser.SQLExprParser;
import com.alibaba.druid.sql.parser.SQLParserUtils;
import com.alibaba.druid.sql.parser.Token;
import io.sluice.protocol.entry.CanalEntry;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A condition on one row image, written as a SQL expression and parsed with Druid's MySQL expression parser:
 * comparisons ({@code = != <> < <= > >=}), {@code [not] in (...)}, {@code is [not] null}, {@code [not] like},
 * {@code between}, {@code and}/{@code or}/{@code not}, parentheses; operands are column names and literals.
 *
 * <p>Semantics follow SQL's three-valued logic: a comparison with NULL is unknown, and a row is kept only when
 * the whole condition is true. A column compared with a number is compared numerically; otherwise values are
 * compared as strings, byte for byte (case-sensitive), except {@code like}, which ignores case as MySQL's
 * default collations do.
 */
public final class RowPredicate {

    private final String text;
    private final Node root;

    private RowPredicate(String text, Node root) {
        this.text = text;
        this.root = root;
    }

    /**
     * Parses an expression.
     *
     * @throws RowFilterSyntaxException naming the position of the error
     */
    public static RowPredicate parse(String expression) {
        SQLExpr expr;
        try {
            SQLExprParser parser = SQLParserUtils.createExprParser(expression, DbType.mysql);
            expr = parser.expr();
            if (parser.getLexer().token() != Token.EOF) {
                throw new RowFilterSyntaxException(expression, parser.getLexer().pos(),
                        "unexpected '" + parser.getLexer().stringVal() + "' after the condition");
            }
        } catch (ParserException e) {
            throw new RowFilterSyntaxException(expression, -1, e.getMessage());
        }
        return new RowPredicate(expression, compile(expression, expr));
    }

    /** True when the row (one image, as canal columns) satisfies the condition. */
    public boolean test(List<CanalEntry.Column> row) {
        return root.eval(row) == Boolean.TRUE;
    }

    @Override
    public String toString() {
        return text;
    }

    // --- compiled tree ----------------------------------------------------------------------------------------

    private interface Node {
        /** TRUE, FALSE, or null for SQL's unknown; for operands: a String, a BigDecimal, or null. */
        Object eval(List<CanalEntry.Column> row);
    }

    private static Node compile(String source, SQLExpr e) {
        if (e instanceof SQLBinaryOpExpr b) {
            Node left = compile(source, b.getLeft());
            Node right = compile(source, b.getRight());
            return switch (b.getOperator()) {
                case BooleanAnd -> row -> and(left.eval(row), right.eval(row));
                case BooleanOr -> row -> or(left.eval(row), right.eval(row));
                case Equality -> row -> cmp(left.eval(row), right.eval(row), c -> c == 0);
                case NotEqual, LessThanOrGreater -> row -> cmp(left.eval(row), right.eval(row), c -> c != 0);
                case LessThan -> row -> cmp(left.eval(row), right.eval(row), c -> c < 0);
                case LessThanOrEqual -> row -> cmp(left.eval(row), right.eval(row), c -> c <= 0);
                case GreaterThan -> row -> cmp(left.eval(row), right.eval(row), c -> c > 0);
                case GreaterThanOrEqual -> row -> cmp(left.eval(row), right.eval(row), c -> c >= 0);
                case Is -> row -> left.eval(row) == null;
                case IsNot -> row -> left.eval(row) != null;
                case Like -> like(left, right, false);
                case NotLike -> like(left, right, true);
                default -> throw unsupported(source, b.getOperator().name);
            };
        }
        if (e instanceof SQLNotExpr n) {
            Node inner = compile(source, n.getExpr());
            return row -> not(inner.eval(row));
        }
        if (e instanceof SQLUnaryExpr u && u.getOperator() == com.alibaba.druid.sql.ast.expr.SQLUnaryOperator.Not) {
            Node inner = compile(source, u.getExpr());
            return row -> not(inner.eval(row));
        }
        if (e instanceof SQLUnaryExpr u && u.getOperator() == com.alibaba.druid.sql.ast.expr.SQLUnaryOperator.Negative
                && (u.getExpr() instanceof SQLIntegerExpr || u.getExpr() instanceof SQLNumberExpr)) {
            BigDecimal value = ((BigDecimal) compile(source, u.getExpr()).eval(List.of())).negate();
            return row -> value;
        }
        if (e instanceof SQLInListExpr in) {
            Node target = compile(source, in.getExpr());
            List<Node> items = in.getTargetList().stream().map(x -> compile(source, x)).toList();
            boolean negated = in.isNot();
            return row -> {
                Object v = target.eval(row);
                Object result = Boolean.FALSE;
                for (Node item : items) {
                    Object eq = cmp(v, item.eval(row), c -> c == 0);
                    result = or(result, eq);
                }
                return negated ? not(result) : result;
            };
        }
        if (e instanceof SQLBetweenExpr between) {
            Node target = compile(source, between.getTestExpr());
            Node low = compile(source, between.getBeginExpr());
            Node high = compile(source, between.getEndExpr());
            boolean negated = between.isNot();
            return row -> {
                Object v = target.eval(row);
                Object result = and(cmp(v, low.eval(row), c -> c >= 0), cmp(v, high.eval(row), c -> c <= 0));
                return negated ? not(result) : result;
            };
        }
        if (e instanceof SQLIdentifierExpr id) {
            String name = id.normalizedName();
            return row -> {
                for (CanalEntry.Column c : row) {
                    if (c.getName().equalsIgnoreCase(name)) {
                        return c.getIsNull() ? null : c.getValue();
                    }
                }
                return null; // absent from this image (MINIMAL row image, or filtered): unknown
            };
        }
        if (e instanceof SQLCharExpr s) {
            String value = s.getText();
            return row -> value;
        }
        if (e instanceof SQLIntegerExpr i) {
            BigDecimal value = new BigDecimal(i.getNumber().toString());
            return row -> value;
        }
        if (e instanceof SQLNumberExpr n) {
            BigDecimal value = new BigDecimal(n.getNumber().toString());
            return row -> value;
        }
        if (e instanceof SQLNullExpr) {
            return row -> null;
        }
        if (e instanceof SQLBooleanExpr b) {
            Boolean value = b.getBooleanValue();
            return row -> value;
        }
        throw unsupported(source, e.toString());
    }

    private static RowFilterSyntaxException unsupported(String source, String what) {
        return new RowFilterSyntaxException(source, source.indexOf(what), "'" + what + "' is not supported in a row filter");
    }

    private static Object and(Object a, Object b) {
        if (a == Boolean.FALSE || b == Boolean.FALSE) {
            return Boolean.FALSE;
        }
        return a == Boolean.TRUE && b == Boolean.TRUE ? Boolean.TRUE : null;
    }

    private static Object or(Object a, Object b) {
        if (a == Boolean.TRUE || b == Boolean.TRUE) {
            return Boolean.TRUE;
        }
        return a == Boolean.FALSE && b == Boolean.FALSE ? Boolean.FALSE : null;
    }

    private static Object not(Object a) {
        return a == null ? null : a == Boolean.TRUE ? Boolean.FALSE : Boolean.TRUE;
    }

    private static Object cmp(Object a, Object b, java.util.function.IntPredicate test) {
        if (a == null || b == null) {
            return null;
        }
        if (a instanceof BigDecimal || b instanceof BigDecimal) {
            BigDecimal x = number(a);
            BigDecimal y = number(b);
            if (x != null && y != null) {
                return test.test(x.compareTo(y));
            }
        }
        return test.test(a.toString().compareTo(b.toString()));
    }

    private static BigDecimal number(Object o) {
        if (o instanceof BigDecimal d) {
            return d;
        }
        try {
            return new BigDecimal(o.toString().trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Node like(Node value, Node pattern, boolean negated) {
        return row -> {
            Object v = value.eval(row);
            Object p = pattern.eval(row);
            if (v == null || p == null) {
                return null;
            }
            boolean matches = likePattern(p.toString()).matcher(v.toString()).matches();
            return matches != negated;
        };
    }

    private static Pattern likePattern(String sqlPattern) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < sqlPattern.length(); i++) {
            char c = sqlPattern.charAt(i);
            if (c == '\\' && i + 1 < sqlPattern.length()) {
                regex.append(Pattern.quote(String.valueOf(sqlPattern.charAt(++i))));
            } else if (c == '%') {
                regex.append(".*");
            } else if (c == '_') {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL);
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
