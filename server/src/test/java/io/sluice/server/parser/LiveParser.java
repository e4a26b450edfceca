package io.sluice.server.parser;

import static org.awaitility.Awaitility.await;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.parser.schema.MemorySchemaHistoryStore;
import io.sluice.server.parser.schema.SchemaHistory;
import io.sluice.server.parser.schema.SchemaHistoryStore;
import io.sluice.server.position.ResumePoint;
import io.sluice.server.tls.MasterTls;
import io.sluice.testkit.TestDatabase;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Consumer;

/** A BinlogParser on a test database, filtered to one schema, collecting what it puts. */
final class LiveParser implements AutoCloseable {

    final CollectingSink sink = new CollectingSink();
    final BinlogParser parser;
    final SchemaHistoryStore historyStore;

    LiveParser(TestDatabase db, String schema, Consumer<ParserSettings.Builder> configure) {
        this(db, schema, configure, new MemorySchemaHistoryStore());
    }

    LiveParser(TestDatabase db, String schema, Consumer<ParserSettings.Builder> configure, SchemaHistoryStore store) {
        ParserSettings.Builder b = ParserSettings.builder("it-" + schema, db.host(), db.port(),
                        TestDatabase.REPLICATION_USER, TestDatabase.REPLICATION_PASSWORD)
                .transport(MasterTls.disabled(db.host(), db.port()))
                .timeZone(ZoneOffset.UTC)
                .heartbeatPeriod(Duration.ofSeconds(1))
                .reconnect(Duration.ofMillis(200), Duration.ofSeconds(2));
        configure.accept(b);
        this.historyStore = store;
        this.parser = new BinlogParser(b.build(), new SchemaHistory(store), (s, t) -> s.equals(schema), sink);
    }

    LiveParser start(ResumePoint resume) {
        parser.start(resume);
        return this;
    }

    /** Row entries of the schema's tables, in order. */
    List<ParsedEntry> rowEntries() {
        return sink.snapshot().stream().filter(e -> e.entryType() == CanalEntry.EntryType.ROWDATA
                && e.payload() instanceof CanalEntry.RowChange rc && !rc.getIsDdl() && rc.getRowDatasCount() > 0).toList();
    }

    List<CanalEntry.RowData> rows() {
        return rowEntries().stream().flatMap(e -> e.rowChange().getRowDatasList().stream()).toList();
    }

    void awaitRows(int n) {
        await().atMost(Duration.ofSeconds(60)).until(() -> rows().size() >= n || !parser.isRunning());
    }

    void awaitFailure() {
        await().atMost(Duration.ofSeconds(60)).until(() -> parser.status().state() == ParserStatus.State.FAILED);
    }

    static String value(List<CanalEntry.Column> columns, String name) {
        return columns.stream().filter(c -> c.getName().equals(name)).findFirst()
                .map(c -> c.getIsNull() ? null : c.getValue()).orElseThrow(() -> new AssertionError("no column " + name));
    }

    @Override
    public void close() {
        parser.stop();
    }
}
