package io.sluice.server.parser.schema;

import com.alibaba.druid.DbType;
import com.alibaba.druid.sql.ast.SQLStatement;
import com.alibaba.druid.sql.ast.statement.SQLCreateDatabaseStatement;
import com.alibaba.druid.sql.ast.statement.SQLCreateTableStatement;
import com.alibaba.druid.sql.ast.statement.SQLDropDatabaseStatement;
import com.alibaba.druid.sql.repository.Schema;
import com.alibaba.druid.sql.repository.SchemaObject;
import com.alibaba.druid.sql.repository.SchemaRepository;
import io.sluice.server.parser.schema.SchemaHistoryState.DatabaseVersion;
import io.sluice.server.parser.schema.SchemaHistoryState.TableVersion;
import io.sluice.server.position.BinlogPosition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Table structures versioned by binlog position, without an external database. The current model is a Druid
 * {@link SchemaRepository} to which every DDL of the stream is applied; after each change the structures of
 * the touched tables are recorded as versions and persisted through a {@link SchemaHistoryStore}. Starting at an
 * older position rebuilds the model from the versions before it, so rows are decoded with the columns they were
 * written with.
 *
 * <p>Not thread-safe: one parser thread owns it.
 */
public final class SchemaHistory {

    private final SchemaHistoryStore store;
    private final List<TableVersion> tableVersions = new ArrayList<>();
    private final List<DatabaseVersion> databaseVersions = new ArrayList<>();
    private final Map<String, TableStructure> current = new HashMap<>();
    /** Per table of {@link #current}, where its structure is proven ({@link TableProof}); absent = everywhere. */
    private final Map<String, String> proofs = new HashMap<>();
    private final Map<String, String> databaseCharsets = new HashMap<>();
    private SchemaRepository repository = new SchemaRepository(DbType.mysql);
    private ServerVersion version = ServerVersion.UNKNOWN;

    public SchemaHistory(SchemaHistoryStore store) {
        this.store = store;
        SchemaHistoryState state = store.load();
        tableVersions.addAll(state.tables());
        databaseVersions.addAll(state.databases());
        rebuild(null);
    }

    /**
     * Sets the master whose spelling of column types the structures carry ({@code mysqlType}: {@code int(11)} or
     * {@code int}, {@code longtext} for MariaDB's JSON ...). The history stores the DDL, not the spelling, so the
     * known structures are re-read when the version changes.
     *
     * @param serverVersion {@code SELECT VERSION()} or a format description event's server version
     * @return whether the spelling changed (structures handed out before are stale)
     */
    public boolean useServerVersion(String serverVersion) {
        ServerVersion next = ServerVersion.parse(serverVersion);
        if (next.equals(version)) {
            return false;
        }
        version = next;
        for (String key : List.copyOf(current.keySet())) {
            TableStructure t = current.get(key);
            TableStructure again = fromRepository(t.schema(), t.table());
            if (again != null) {
                current.put(key, again);
            }
        }
        return true;
    }

    public ServerVersion serverVersion() {
        return version;
    }

    public boolean isEmpty() {
        return tableVersions.isEmpty() && databaseVersions.isEmpty();
    }

    /** Forgets every version after {@code start} and rebuilds the model as it was there. */
    public void rewindTo(BinlogPosition start) {
        int before = tableVersions.size() + databaseVersions.size();
        tableVersions.removeIf(v -> after(v.file(), v.offset(), start));
        databaseVersions.removeIf(v -> after(v.file(), v.offset(), start));
        rebuild(start);
        if (tableVersions.size() + databaseVersions.size() != before) {
            persist();
        }
    }

    public TableStructure find(String schema, String table) {
        return current.get(key(schema, table));
    }

    /**
     * Whether the structure {@link #find} returns is the table's own at {@code at}: false for one read from the
     * master ahead of the stream until the stream gets there, and for one a DDL derived from such a structure.
     */
    public boolean provenAt(String schema, String table, BinlogPosition at) {
        return TableProof.provenAt(proofs.get(key(schema, table)), at);
    }

    /** The proof of the table's current structure, as {@link SchemaHistoryState.TableVersion#provenFrom()}. */
    public String proof(String schema, String table) {
        return proofs.get(key(schema, table));
    }

    public String databaseCharset(String schema) {
        return databaseCharsets.get(lower(schema));
    }

    public List<TableStructure> tables() {
        return List.copyOf(current.values());
    }

    /** Records a database's default charset as read from the master. */
    public void seedDatabase(BinlogPosition position, String schema, String charset) {
        databaseVersions.add(new DatabaseVersion(position.file(), position.offset(), schema, charset));
        databaseCharsets.put(lower(schema), charset);
        persist();
    }

    /**
     * Records a table's structure read from the master ({@code SHOW CREATE TABLE}): at the first start, and when
     * a DDL could not be understood or rows do not fit the known structure.
     *
     * @return the structure, or null when the text does not parse as a CREATE TABLE
     */
    public TableStructure seedTable(BinlogPosition position, String schema, String table, String createTable) {
        return seed(position, schema, table, createTable, null);
    }

    /**
     * Records a table's structure read from the master while the stream is at {@code position} and the master
     * at {@code masterAt} (read after the structure): proven from {@code masterAt} on, since a DDL in between
     * would reach the stream and replace it.
     *
     * @param masterAt the master's position read after the structure; null when unknown (never proven)
     */
    public TableStructure seedTable(BinlogPosition position, String schema, String table, String createTable,
                                    BinlogPosition masterAt) {
        return seed(position, schema, table, createTable, TableProof.readAhead(position, masterAt));
    }

    private TableStructure seed(BinlogPosition position, String schema, String table, String createTable,
                                String proof) {
        TableStructure structure = load(schema, table, createTable);
        if (structure == null) {
            return null;
        }
        setProof(key(schema, table), proof);
        tableVersions.add(new TableVersion(position.file(), position.offset(), schema, table, structure.createSql(),
                proof));
        persist();
        return structure;
    }

    /**
     * Applies one query event's DDL.
     *
     * @param end           the position after the DDL event (its version position)
     * @param defaultSchema the session's default database of the query event
     * @return what it touched; {@code understood == false} when Druid could not parse or apply it
     */
    public DdlApplication apply(BinlogPosition end, String defaultSchema, String sql) {
        List<SQLStatement> statements = DdlClassifier.parse(sql);
        if (statements.isEmpty()) {
            return new DdlApplication(List.of(), false);
        }
        List<DdlTarget> targets = DdlClassifier.classify(statements, defaultSchema);
        Map<String, String> proofBefore = proofsBefore(statements, targets, defaultSchema, end);
        Set<String> keepReadAhead = readAheadKept(targets, end);
        Map<String, TableStructure> before = new HashMap<>();
        for (DdlTarget t : targets) {
            if (t.table() != null && find(t.schema(), t.table()) != null) {
                before.put(key(t.schema(), t.table()), find(t.schema(), t.table()));
            }
        }
        boolean understood = true;
        Set<String> touched = new LinkedHashSet<>();
        for (SQLStatement statement : statements) {
            if (statement instanceof SQLCreateDatabaseStatement create) {
                String schema = CreateTableReader.unquote(create.getDatabaseName());
                String charset = create.getCharacterSet() != null ? create.getCharacterSet().toLowerCase(Locale.ROOT)
                        : create.getCollate() != null ? CreateTableReader.collationCharset(create.getCollate()) : null;
                databaseVersions.add(new DatabaseVersion(end.file(), end.offset(), schema, charset));
                databaseCharsets.put(lower(schema), charset);
                continue;
            }
            if (statement instanceof SQLDropDatabaseStatement drop) {
                String schema = CreateTableReader.unquote(drop.getDatabaseName());
                for (TableStructure t : List.copyOf(current.values())) {
                    if (t.schema().equalsIgnoreCase(schema)) {
                        touched.add(key(t.schema(), t.table()) + "\u0000" + t.schema() + "\u0000" + t.table());
                    }
                }
                Schema s = repository.findSchema(quote(schema));
                if (s != null) {
                    for (SchemaObject o : List.copyOf(s.getObjects())) {
                        s.removeObject(o.nameHashCode64());
                    }
                }
                databaseVersions.add(new DatabaseVersion(end.file(), end.offset(), schema, null));
                databaseCharsets.remove(lower(schema));
                continue;
            }
            try {
                understood &= accept(statement, defaultSchema);
            } catch (RuntimeException e) {
                understood = false;
            }
        }
        for (DdlTarget t : targets) {
            if (t.table() != null && t.type() != io.sluice.protocol.entry.CanalEntry.EventType.TRUNCATE) {
                touched.add(key(t.schema(), t.table()) + "\u0000" + t.schema() + "\u0000" + t.table());
            }
            if (t.oldTable() != null) {
                touched.add(key(t.oldSchema(), t.oldTable()) + "\u0000" + t.oldSchema() + "\u0000" + t.oldTable());
            }
        }
        for (String entry : touched) {
            String[] parts = entry.split("\u0000", -1);
            String schema = parts[1];
            String table = parts[2];
            keepPrimaryKey(schema, table, before.get(parts[0]), statements);
            TableStructure structure = fromRepository(schema, table);
            if (structure != null && keepReadAhead.contains(parts[0])) {
                // the structure was read from the master after this DDL ran: it already is the table after it
                // (if no other DDL follows before the read), and applying the DDL again would make it nobody's
                structure = load(schema, table, before.get(parts[0]).createSql());
                proofBefore.put(parts[0], proofs.get(parts[0]));
            }
            if (structure == null) {
                current.remove(parts[0]);
                proofs.remove(parts[0]);
                tableVersions.add(new TableVersion(end.file(), end.offset(), schema, table, ""));
            } else {
                String proof = proofBefore.get(parts[0]);
                current.put(parts[0], structure);
                setProof(parts[0], proof);
                tableVersions.add(new TableVersion(end.file(), end.offset(), schema, table, structure.createSql(),
                        proof));
            }
        }
        persist();
        return new DdlApplication(targets, understood);
    }

    /**
     * The proof each table a DDL touches will have: a plain CREATE TABLE is its own proof; anything else (ALTER,
     * RENAME, CREATE ... LIKE) derives the new structure from one already known, and is proven only if that one
     * was, where the DDL applies.
     */
    private Map<String, String> proofsBefore(List<SQLStatement> statements, List<DdlTarget> targets,
                                             String defaultSchema, BinlogPosition end) {
        Map<String, String> out = new HashMap<>();
        for (DdlTarget t : targets) {
            if (t.table() == null || t.schema() == null) {
                continue;
            }
            String source = t.oldTable() != null ? key(t.oldSchema(), t.oldTable()) : key(t.schema(), t.table());
            out.merge(key(t.schema(), t.table()), nullToEmpty(TableProof.derived(proofs.get(source), end)),
                    SchemaHistory::weaker);
        }
        for (SQLStatement statement : statements) {
            if (statement instanceof SQLCreateTableStatement create) {
                List<DdlTarget> created = DdlClassifier.classify(List.of(statement), defaultSchema);
                if (created.isEmpty()) {
                    continue;
                }
                DdlTarget target = created.get(0);
                String proof = "";
                if (create.getLike() != null) {
                    DdlTarget like = likeSource(create, defaultSchema);
                    proof = nullToEmpty(TableProof.derived(proofs.get(key(like.schema(), like.table())), end));
                }
                if (target.table() != null && target.schema() != null) {
                    out.put(key(target.schema(), target.table()), proof);
                }
            }
        }
        out.replaceAll((k, v) -> v.isEmpty() ? null : v);
        return out;
    }

    /**
     * Tables an ALTER changes while their structure was read from the master at a later position: that read
     * saw the table after this DDL, so it stays (still proven only from the read on).
     */
    private Set<String> readAheadKept(List<DdlTarget> targets, BinlogPosition end) {
        Set<String> out = new java.util.HashSet<>();
        for (DdlTarget t : targets) {
            if (t.table() == null || t.schema() == null || t.oldTable() != null
                    || t.type() == io.sluice.protocol.entry.CanalEntry.EventType.CREATE
                    || t.type() == io.sluice.protocol.entry.CanalEntry.EventType.ERASE) {
                continue;
            }
            String key = key(t.schema(), t.table());
            String proof = proofs.get(key);
            if (TableProof.from(proof) != null && !TableProof.provenAt(proof, end) && current.containsKey(key)) {
                out.add(key);
            }
        }
        return out;
    }

    private static String weaker(String a, String b) {
        return a.isEmpty() ? b : a;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private void setProof(String key, String proof) {
        if (proof == null) {
            proofs.remove(key);
        } else {
            proofs.put(key, proof);
        }
    }

    /**
     * Applies one statement to the Druid model. Druid's repository ignores RENAME TABLE and copies nothing for
     * CREATE TABLE ... LIKE, so those two are done here on the stored CREATE TABLE text.
     */
    private boolean accept(SQLStatement statement, String defaultSchema) {
        if (defaultSchema != null && !defaultSchema.isEmpty()) {
            repository.setDefaultSchema(quote(defaultSchema));
        }
        if (statement instanceof SQLCreateTableStatement create && create.getLike() != null) {
            DdlTarget like = likeSource(create, defaultSchema);
            DdlTarget target = DdlClassifier.classify(List.of(statement), defaultSchema).get(0);
            return copy(like.schema(), like.table(), target.schema(), target.table(), false);
        }
        if (statement instanceof com.alibaba.druid.sql.dialect.mysql.ast.statement.MySqlRenameTableStatement) {
            boolean ok = true;
            for (DdlTarget t : DdlClassifier.classify(List.of(statement), defaultSchema)) {
                ok &= copy(t.oldSchema(), t.oldTable(), t.schema(), t.table(), true);
            }
            return ok;
        }
        repository.accept(statement);
        if (statement instanceof com.alibaba.druid.sql.ast.statement.SQLAlterTableStatement) {
            for (DdlTarget t : DdlClassifier.classify(List.of(statement), defaultSchema)) {
                if (t.oldTable() != null && fromRepository(t.schema(), t.table()) == null) {
                    copy(t.oldSchema(), t.oldTable(), t.schema(), t.table(), true);
                }
            }
        }
        return true;
    }

    private static DdlTarget likeSource(SQLCreateTableStatement create, String defaultSchema) {
        com.alibaba.druid.sql.ast.SQLExpr name = create.getLike().getExpr();
        String schema = defaultSchema;
        String table;
        if (name instanceof com.alibaba.druid.sql.ast.expr.SQLPropertyExpr property) {
            schema = CreateTableReader.unquote(property.getOwnerName());
            table = CreateTableReader.unquote(property.getName());
        } else {
            table = CreateTableReader.name(name);
        }
        return new DdlTarget(io.sluice.protocol.entry.CanalEntry.EventType.CREATE, schema, table, null, null);
    }

    /** Copies (or moves) a table's CREATE TABLE in the model under a new name. */
    private boolean copy(String fromSchema, String fromTable, String toSchema, String toTable, boolean move) {
        if (fromSchema == null || toSchema == null) {
            return false;
        }
        Schema s = repository.findSchema(quote(fromSchema));
        SchemaObject object = s == null ? null : s.findTable(fromTable);
        if (object == null || !(object.getStatement() instanceof SQLCreateTableStatement create)) {
            return false;
        }
        SQLCreateTableStatement copy = create.clone();
        copy.setName(new com.alibaba.druid.sql.ast.expr.SQLIdentifierExpr(quote(toTable)));
        if (move) {
            s.removeObject(object.nameHashCode64());
        }
        repository.setDefaultSchema(quote(toSchema));
        repository.accept(copy);
        return true;
    }

    /**
     * MySQL keeps the primary key when a key column is redefined (MODIFY/CHANGE), but Druid's model forgets a
     * PRIMARY KEY written inline in the old column definition; put it back on the model's statement.
     */
    private void keepPrimaryKey(String schema, String table, TableStructure before, List<SQLStatement> statements) {
        if (before == null || schema == null) {
            return;
        }
        for (SQLStatement statement : statements) {
            if (statement instanceof com.alibaba.druid.sql.ast.statement.SQLAlterTableStatement alter
                    && alter.getItems().stream().anyMatch(
                            i -> i instanceof com.alibaba.druid.sql.ast.statement.SQLAlterTableDropPrimaryKey)) {
                return;
            }
        }
        Schema s = repository.findSchema(quote(schema));
        SchemaObject object = s == null ? null : s.findTable(table);
        if (object == null || !(object.getStatement() instanceof SQLCreateTableStatement create)) {
            return;
        }
        TableStructure now = CreateTableReader.read(schema, table, create, null, version);
        if (now.columns().stream().anyMatch(ColumnDef::key)) {
            return;
        }
        Set<String> keys = new java.util.HashSet<>();
        before.columns().stream().filter(ColumnDef::key).forEach(c -> keys.add(lower(c.name())));
        for (com.alibaba.druid.sql.ast.statement.SQLTableElement element : create.getTableElementList()) {
            if (element instanceof com.alibaba.druid.sql.ast.statement.SQLColumnDefinition column
                    && keys.contains(lower(CreateTableReader.unquote(column.getNameAsString())))) {
                column.addConstraint(new com.alibaba.druid.sql.ast.statement.SQLColumnPrimaryKey());
            }
        }
    }

    /** What applying a DDL did. */
    public record DdlApplication(List<DdlTarget> targets, boolean understood) {
    }

    private TableStructure fromRepository(String schema, String table) {
        if (schema == null) {
            return null;
        }
        Schema s = repository.findSchema(quote(schema));
        SchemaObject object = s == null ? null : s.findTable(table);
        if (object == null || !(object.getStatement() instanceof SQLCreateTableStatement create)) {
            return null;
        }
        return CreateTableReader.read(schema, table, create, databaseCharsets.get(lower(schema)), version);
    }

    /** Puts a CREATE TABLE into the model and returns the structure it yields. */
    private TableStructure load(String schema, String table, String createTable) {
        List<SQLStatement> statements = DdlClassifier.parse(createTable);
        if (statements.size() != 1 || !(statements.get(0) instanceof SQLCreateTableStatement create)) {
            return null;
        }
        Schema s = repository.findSchema(quote(schema));
        if (s != null) {
            SchemaObject old = s.findTable(table);
            if (old != null) {
                s.removeObject(old.nameHashCode64());
            }
        }
        repository.setDefaultSchema(quote(schema));
        repository.accept(create);
        TableStructure structure = fromRepository(schema, table);
        if (structure != null) {
            current.put(key(schema, table), structure);
        }
        return structure;
    }

    private void rebuild(BinlogPosition upTo) {
        repository = new SchemaRepository(DbType.mysql);
        current.clear();
        proofs.clear();
        databaseCharsets.clear();
        for (DatabaseVersion v : databaseVersions) {
            if (v.charset() == null) {
                databaseCharsets.remove(lower(v.schema()));
            } else {
                databaseCharsets.put(lower(v.schema()), v.charset());
            }
        }
        Map<String, TableVersion> latest = new LinkedHashMap<>();
        for (TableVersion v : tableVersions) {
            latest.put(key(v.schema(), v.table()), v);
        }
        for (TableVersion v : latest.values()) {
            if (!v.ddl().isEmpty() && load(v.schema(), v.table(), v.ddl()) != null) {
                setProof(key(v.schema(), v.table()), v.provenFrom());
            }
        }
    }

    /**
     * Forgets the versions no start at or after {@code oldest} can need: per table and per database, those older
     * than the one in force at {@code oldest} (and that one too when it is a drop). What bounds the history: call
     * it with a position no later start can precede, the oldest acked position a destination starts from (acks
     * only move forward). A start before it finds no structure for the tables changed since, reads them from the
     * master and flags their rows as unverified.
     */
    public void forgetBefore(BinlogPosition oldest) {
        int before = tableVersions.size() + databaseVersions.size();
        Map<String, Integer> inForce = new HashMap<>();
        for (int i = 0; i < tableVersions.size(); i++) {
            TableVersion v = tableVersions.get(i);
            if (!after(v.file(), v.offset(), oldest)) {
                inForce.put(key(v.schema(), v.table()), i);
            }
        }
        List<TableVersion> tables = new ArrayList<>();
        for (int i = 0; i < tableVersions.size(); i++) {
            TableVersion v = tableVersions.get(i);
            Integer kept = inForce.get(key(v.schema(), v.table()));
            // a dropped table's version in force says nothing a missing one would not
            if (kept == null || i > kept || (i == kept && !v.ddl().isEmpty())) {
                tables.add(v);
            }
        }
        Map<String, Integer> dbInForce = new HashMap<>();
        for (int i = 0; i < databaseVersions.size(); i++) {
            DatabaseVersion v = databaseVersions.get(i);
            if (!after(v.file(), v.offset(), oldest)) {
                dbInForce.put(lower(v.schema()), i);
            }
        }
        List<DatabaseVersion> databases = new ArrayList<>();
        for (int i = 0; i < databaseVersions.size(); i++) {
            DatabaseVersion v = databaseVersions.get(i);
            Integer kept = dbInForce.get(lower(v.schema()));
            if (kept == null || i > kept || (i == kept && v.charset() != null)) {
                databases.add(v);
            }
        }
        if (tables.size() + databases.size() != before) {
            tableVersions.clear();
            tableVersions.addAll(tables);
            databaseVersions.clear();
            databaseVersions.addAll(databases);
            persist();
        }
    }

    private void persist() {
        store.save(new SchemaHistoryState(tableVersions, databaseVersions));
    }

    private static boolean after(String file, long offset, BinlogPosition start) {
        return BinlogPosition.of(file, offset).compareTo(start.withGtidSet("")) > 0;
    }

    private static String key(String schema, String table) {
        return lower(schema) + "." + lower(table);
    }

    private static String lower(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }

    private static String quote(String schema) {
        return "`" + schema.replace("`", "``") + "`";
    }
}
