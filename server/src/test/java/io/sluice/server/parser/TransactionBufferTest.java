package io.sluice.server.parser;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.entry.StoredEntry;
import io.sluice.server.position.BinlogPosition;
import io.sluice.server.position.ResumePoint;
import org.junit.jupiter.api.Test;

class TransactionBufferTest {

    private static final BinlogPosition START = BinlogPosition.of("mysql-bin.000001", 100);

    private static ParsedEntry entry(int ordinal) {
        return new ParsedEntry(CanalEntry.Header.newBuilder().setLogfileOffset(ordinal).build(),
                CanalEntry.EntryType.ROWDATA, CanalEntry.RowChange.getDefaultInstance(), START.withOffset(100 + ordinal),
                new ResumePoint(START, ordinal), StoredEntry.Kind.ROW_DATA);
    }

    @Test
    void largeTransactionsGoToTheSinkInChunks() throws Exception {
        CollectingSink sink = new CollectingSink();
        TransactionBuffer buffer = new TransactionBuffer(sink, 3, null);
        for (int i = 1; i <= 7; i++) {
            buffer.add(entry(i), i);
        }
        assertThat(sink.putSizes).containsExactly(3, 3);
        buffer.endUnit();
        assertThat(sink.putSizes).containsExactly(3, 3, 1);
        assertThat(buffer.lastPut()).isEqualTo(new ResumePoint(START, 7));
    }

    @Test
    void resumingSkipsTheEntriesAlreadyAcknowledgedOfTheFirstUnitOnly() throws Exception {
        CollectingSink sink = new CollectingSink();
        TransactionBuffer buffer = new TransactionBuffer(sink, 1024, new ResumePoint(START, 2));
        for (int i = 1; i <= 4; i++) {
            buffer.add(entry(i), i);
        }
        buffer.endUnit();
        for (int i = 1; i <= 2; i++) {
            buffer.add(entry(i), i);
        }
        buffer.endUnit();
        assertThat(sink.entries).extracting(e -> e.resume().skipEntries()).containsExactly(3, 4, 1, 2);
    }

    @Test
    void entriesNotYetPutAreDroppedWhenTheConnectionBreaks() throws Exception {
        CollectingSink sink = new CollectingSink();
        TransactionBuffer buffer = new TransactionBuffer(sink, 2, ResumePoint.at(START));
        buffer.add(entry(1), 1);
        buffer.add(entry(2), 2);
        buffer.add(entry(3), 3);
        buffer.discardPending();
        assertThat(sink.entries).hasSize(2);
        assertThat(buffer.lastPut()).as("a reconnect resumes after the last entry put").isEqualTo(new ResumePoint(START, 2));
    }
}
