package io.sluice.server.parser;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.protocol.entry.CanalEntry.EntryType;
import io.sluice.protocol.entry.CanalEntry.EventType;
import io.sluice.server.entry.ParsedEntry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** XA, savepoints, non-transactional commits, annotations and large transactions as canal shapes them (§3.3). */
class TransactionShapesFixtureTest {

    private static List<String> shape(List<ParsedEntry> entries) {
        return entries.stream().map(e -> switch (e.entryType()) {
            case TRANSACTIONBEGIN -> "BEGIN";
            case TRANSACTIONEND -> "END(" + ((CanalEntry.TransactionEnd) e.payload()).getTransactionId().replaceAll("[1-9][0-9]*", "n") + ")";
            default -> e.rowChange().getEventType().name();
        }).toList();
    }

    @Test
    void xaPrepareCommitAndRollbackBecomeBeginEndAndXaEntries() throws Exception {
        List<ParsedEntry> entries = FixtureDecodingTest.decode("mariadb/mariadb-xa.bin", false);
        assertThat(shape(entries)).containsExactly("QUERY", "CREATE",
                "BEGIN", "INSERT", "END(0)", "XACOMMIT",
                "BEGIN", "INSERT", "END(0)", "XAROLLBACK",
                "BEGIN", "INSERT", "END(n)");
        ParsedEntry xaEnd = entries.get(4);
        assertThat(((CanalEntry.TransactionEnd) xaEnd.payload()).getPropsList()).extracting(CanalEntry.Pair::getValue)
                .containsExactly("XA END", " X'786131',X'',1");
        assertThat(entries.get(5).rowChange().getSql()).isEqualTo("XA COMMIT X'786131',X'',1");
        assertThat(entries.get(5).rowChange().getPropsList()).extracting(CanalEntry.Pair::getKey).containsExactly("XA_TYPE", "XA_XID");
    }

    @Test
    void savepointsAndMyisamCommitsKeepTheTransactionTogether() throws Exception {
        List<String> shape = shape(FixtureDecodingTest.decode("mariadb/mariadb-gtid.bin", false));
        // the savepoint transaction: its SAVEPOINT query stays inside BEGIN ... END as a QUERY entry; the row
        // undone by ROLLBACK TO SAVEPOINT was never logged
        assertThat(String.join(" ", shape)).contains("BEGIN INSERT QUERY END(n)");
        // the rolled-back mixed transaction still logs its MyISAM row, ended by a COMMIT query: END with id 0
        assertThat(shape).contains("END(0)");
    }

    @Test
    void annotateRowsBecomeQueryEntriesInsideTheTransaction() throws Exception {
        List<ParsedEntry> entries = FixtureDecodingTest.decode("mariadb/mariadb-annotate.bin", false);
        List<ParsedEntry> queries = entries.stream().filter(e -> e.entryType() == EntryType.ROWDATA
                && e.rowChange().getEventType() == EventType.QUERY && !e.rowChange().getIsDdl()).toList();
        assertThat(queries).hasSize(5);
        assertThat(queries.get(0).rowChange().getSql()).contains("😀");
        assertThat(queries).allMatch(q -> q.schema().isEmpty());
    }

    @Test
    void aLargeTransactionReachesTheSinkInChunksWithOneBeginAndOneEnd() throws Exception {
        CollectingSink sink = new CollectingSink();
        BinlogFileParser parser = new BinlogFileParser(io.sluice.server.parser.value.ValueOptions.defaults(), false,
                new io.sluice.server.parser.schema.SchemaHistory(new io.sluice.server.parser.schema.MemorySchemaHistoryStore()),
                io.sluice.server.sink.TableFilter.ALL, sink, "mariadb-large-txn.bin", 10);
        parser.parse(FixtureDecodingTest.FIXTURES.resolve("mariadb/mariadb-large-txn.bin"));
        List<ParsedEntry> txn = sink.snapshot().stream().dropWhile(e -> e.entryType() != EntryType.TRANSACTIONBEGIN).toList();
        assertThat(txn.stream().filter(e -> e.entryType() == EntryType.TRANSACTIONBEGIN)).hasSize(1);
        assertThat(txn.stream().mapToInt(e -> e.payload() instanceof CanalEntry.RowChange rc ? rc.getRowDatasCount() : 0).sum())
                .isEqualTo(20_000);
        assertThat(sink.putSizes).contains(10).allMatch(n -> n <= 10);
        assertThat(txn.get(txn.size() - 1).entryType()).isEqualTo(EntryType.TRANSACTIONEND);
    }
}
