package io.sluice.server.mq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.server.position.BinlogPosition;
import io.sluice.server.position.ResumePoint;
import io.sluice.server.position.SnapshotProgress;
import io.sluice.server.position.SourcePositions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class PositionRecordTest {

    @Test
    void positionsOfEverySourceSurviveTheRoundTripExactly() throws IOException {
        BinlogPosition a = new BinlogPosition("mysql-bin.000007", 12_345, "0-1-88", 1, 1_709_210_096_000L);
        BinlogPosition b = new BinlogPosition("binlog.000002", 4, "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-77", 2, 5L);
        SnapshotProgress snapshot = new SnapshotProgress(3, 41, List.of(new SnapshotProgress.Table("shop", "orders")),
                List.of("1001", "x y"), 4096);
        SourcePositions positions = new SourcePositions(Map.of(
                "east", new ResumePoint(a, 17),                       // mid-transaction: 17 entries to skip
                "west", new ResumePoint(b, 0, snapshot)));

        byte[] value = PositionRecord.value("orders", positions);
        SourcePositions back = PositionRecord.positions(value);

        assertThat(back).isEqualTo(positions);
        assertThat(back.get("east").skipEntries()).isEqualTo(17);
        assertThat(back.get("west").snapshot()).isEqualTo(snapshot);
        assertThat(new String(PositionRecord.key("orders"), StandardCharsets.UTF_8)).isEqualTo("orders");
        assertThat(new String(value, StandardCharsets.UTF_8)).contains("\"destination\":\"orders\"")
                .contains("\"journalName\":\"mysql-bin.000007\"");
    }

    @Test
    void aPlainDestinationsSingleSourceRoundTrips() throws IOException {
        SourcePositions positions = SourcePositions.of("",
                ResumePoint.at(new BinlogPosition("mysql-bin.000001", 4, "", 1, 0)));
        assertThat(PositionRecord.positions(PositionRecord.value("example", positions))).isEqualTo(positions);
    }

    @Test
    void aRecordSluiceDidNotWriteIsRefused() {
        assertThatThrownBy(() -> PositionRecord.positions("{\"offset\":3}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> PositionRecord.positions("[1]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class);
    }
}
