package io.sluice.server.parser.schema;

import com.alibaba.druid.DbType;
import com.alibaba.druid.sql.SQLUtils;
import com.alibaba.druid.sql.ast.SQLExpr;
import com.alibaba.druid.sql.ast.SQLStatement;
import com.alibaba.druid.sql.ast.expr.SQLIdentifierExpr;
import com.alibaba.druid.sql.ast.expr.SQLPropertyExpr;
import com.alibaba.druid.sql.ast.statement.SQLAlterTableAddConstraint;
import com.alibaba.druid.sql.ast.statement.SQLAlterTableAddIndex;
import com.alibaba.druid.sql.ast.statement.SQLAlterTableDropConstraint;
import com.alibaba.druid.sql.ast.statement.SQLAlterTableDropIndex;
import com.alibaba.druid.sql.ast.statement.SQLAlterTableDropKey;
import com.alibaba.druid.sql.ast.statement.SQLAlterTableItem;
import com.alibaba.druid.sql.ast.statement.SQLAlterTableRename;
import com.alibaba.druid.sql.ast.statement.SQLAlterTableStatement;
import com.alibaba.druid.sql.ast.statement.SQLCreateDatabaseStatement;
import com.alibaba.druid.sql.ast.statement.SQLCreateIndexStatement;
import com.alibaba.druid.sql.ast.statement.SQLCreateTableStatement;
import com.alibaba.druid.sql.ast.statement.SQLDeleteStatement;
import com.alibaba.druid.sql.ast.statement.SQLDropDatabaseStatement;
import com.alibaba.druid.sql.ast.statement.SQLDropIndexStatement;
import com.alibaba.druid.sql.ast.statement.SQLDropTableStatement;
import com.alibaba.druid.sql.ast.statement.SQLExprTableSource;
import com.alibaba.druid.sql.ast.statement.SQLInsertStatement;
import com.alibaba.druid.sql.ast.statement.SQLTruncateStatement;
import com.alibaba.druid.sql.ast.statement.SQLUnique;
import com.alibaba.druid.sql.ast.statement.SQLUpdateStatement;
import com.alibaba.druid.sql.dialect.mysql.ast.statement.MySqlRenameTableStatement;
import com.alibaba.druid.sql.parser.ParserException;
import io.sluice.protocol.entry.CanalEntry.EventType;
import java.util.ArrayList;
import java.util.List;

/**
 * Classifies the statements of a query event the way canal does (first statement decides the entry's type),
 * using Druid's MySQL parser. A statement Druid cannot parse is a QUERY.
 */
public final class DdlClassifier {

    private DdlClassifier() {
    }

    /**
     * Parsed statements, or empty when the text does not parse. Text Druid refuses is tried once more with the type
     * spellings it does not know rewritten ({@link TypeSpellings}).
     */
    static List<SQLStatement> parse(String sql) {
        List<SQLStatement> statements = parseAsIs(sql);
        if (statements.isEmpty()) {
            String respelt = TypeSpellings.rewrite(sql);
            if (!respelt.equals(sql)) {
                return parseAsIs(respelt);
            }
        }
        return statements;
    }

    private static List<SQLStatement> parseAsIs(String sql) {
        try {
            return SQLUtils.parseStatements(sql, DbType.mysql, false);
        } catch (ParserException | UnsupportedOperationException | IllegalStateException e) {
            return List.of();
        } catch (RuntimeException e) {
            // Druid signals grammar it does not cover with assorted runtime exceptions
            return List.of();
        }
    }

    public static List<DdlTarget> classify(String sql, String defaultSchema) {
        return classify(parse(sql), defaultSchema);
    }

    static List<DdlTarget> classify(List<SQLStatement> statements, String defaultSchema) {
        List<DdlTarget> out = new ArrayList<>();
        for (SQLStatement statement : statements) {
            if (statement instanceof SQLCreateTableStatement create) {
                out.add(target(EventType.CREATE, defaultSchema, create.getName()));
            } else if (statement instanceof SQLAlterTableStatement alter) {
                if (!alter.getTableOptions().isEmpty()) {
                    out.add(target(EventType.ALTER, defaultSchema, alter.getName()));
                }
                for (SQLAlterTableItem item : alter.getItems()) {
                    if (item instanceof SQLAlterTableRename rename) {
                        DdlTarget to = target(EventType.RENAME, defaultSchema, rename.getToName());
                        DdlTarget from = target(EventType.RENAME, defaultSchema, alter.getName());
                        out.add(new DdlTarget(EventType.RENAME, to.schema(), to.table(), from.schema(), from.table()));
                    } else if (item instanceof SQLAlterTableAddIndex) {
                        out.add(target(EventType.CINDEX, defaultSchema, alter.getName()));
                    } else if (item instanceof SQLAlterTableDropIndex || item instanceof SQLAlterTableDropKey
                            || item instanceof SQLAlterTableDropConstraint) {
                        out.add(target(EventType.DINDEX, defaultSchema, alter.getName()));
                    } else if (item instanceof SQLAlterTableAddConstraint add) {
                        if (add.getConstraint() instanceof SQLUnique) {
                            out.add(target(EventType.CINDEX, defaultSchema, alter.getName()));
                        }
                    } else {
                        out.add(target(EventType.ALTER, defaultSchema, alter.getName()));
                    }
                }
            } else if (statement instanceof SQLDropTableStatement drop) {
                for (SQLExprTableSource source : drop.getTableSources()) {
                    out.add(target(EventType.ERASE, defaultSchema, source.getExpr()));
                }
            } else if (statement instanceof SQLCreateIndexStatement index) {
                out.add(target(EventType.CINDEX, defaultSchema, ((SQLExprTableSource) index.getTable()).getExpr()));
            } else if (statement instanceof SQLDropIndexStatement index) {
                out.add(target(EventType.DINDEX, defaultSchema, index.getTableName().getExpr()));
            } else if (statement instanceof SQLTruncateStatement truncate) {
                for (SQLExprTableSource source : truncate.getTableSources()) {
                    out.add(target(EventType.TRUNCATE, defaultSchema, source.getExpr()));
                }
            } else if (statement instanceof MySqlRenameTableStatement rename) {
                for (MySqlRenameTableStatement.Item item : rename.getItems()) {
                    DdlTarget to = target(EventType.RENAME, defaultSchema, item.getTo());
                    DdlTarget from = target(EventType.RENAME, defaultSchema, item.getName());
                    out.add(new DdlTarget(EventType.RENAME, to.schema(), to.table(), from.schema(), from.table()));
                }
            } else if (statement instanceof SQLInsertStatement insert) {
                out.add(target(EventType.INSERT, defaultSchema, insert.getTableName()));
            } else if (statement instanceof SQLUpdateStatement update) {
                out.add(target(EventType.UPDATE, defaultSchema, update.getTableName()));
            } else if (statement instanceof SQLDeleteStatement delete) {
                out.add(target(EventType.DELETE, defaultSchema, delete.getTableName()));
            } else if (statement instanceof SQLCreateDatabaseStatement create) {
                out.add(new DdlTarget(EventType.QUERY, CreateTableReader.unquote(create.getDatabaseName()), null, null, null));
            } else if (statement instanceof SQLDropDatabaseStatement drop) {
                out.add(new DdlTarget(EventType.QUERY, CreateTableReader.unquote(drop.getDatabaseName()), null, null, null));
            }
        }
        return out;
    }

    private static DdlTarget target(EventType type, String defaultSchema, SQLExpr name) {
        String schema = defaultSchema;
        String table = null;
        if (name instanceof SQLPropertyExpr property) {
            schema = CreateTableReader.unquote(property.getOwnerName());
            table = CreateTableReader.unquote(property.getName());
        } else if (name instanceof SQLIdentifierExpr id) {
            table = CreateTableReader.unquote(id.getName());
        }
        return new DdlTarget(type, schema == null || schema.isEmpty() ? null : schema, table, null, null);
    }
}
