package io.sluice.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.config.SslSettings;
import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.parser.BinlogParser;
import io.sluice.server.parser.ParserSettings;
import io.sluice.server.parser.ParserStatus;
import io.sluice.server.parser.schema.MemorySchemaHistoryStore;
import io.sluice.server.parser.schema.SchemaHistory;
import io.sluice.testkit.TestDatabase;
import io.sluice.testkit.TestDatabaseExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The shared test master serves no TLS: PREFERRED falls back to plain TCP, REQUIRED refuses to. */
@ExtendWith(TestDatabaseExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MasterWithoutTlsIT {

    private static BinlogParser parser(TestDatabase db, String mode, List<ParsedEntry> into) {
        MasterTls tls = MasterTls.of(new SslSettings(mode, "", "", "", "", "", "", "", false), db.host(), db.port());
        ParserSettings settings = ParserSettings.builder("plain-" + mode, db.host(), db.port(),
                        TestDatabase.REPLICATION_USER, TestDatabase.REPLICATION_PASSWORD)
                .heartbeatPeriod(Duration.ofSeconds(1))
                .reconnect(Duration.ofMillis(200), Duration.ofSeconds(1))
                .transport(tls)
                .build();
        return new BinlogParser(settings, new SchemaHistory(new MemorySchemaHistoryStore()),
                (schema, t) -> schema.equals("notls"), into::addAll);
    }

    @Test
    void preferredStreamsInClearTextFromAMasterWithoutTls(TestDatabase db) {
        assumeNoTls(db);
        db.execute("CREATE DATABASE IF NOT EXISTS notls", "CREATE TABLE IF NOT EXISTS notls.t (id INT PRIMARY KEY)");
        List<ParsedEntry> entries = Collections.synchronizedList(new ArrayList<>());
        BinlogParser parser = parser(db, "PREFERRED", entries);
        try {
            parser.start(null);
            await().atMost(Duration.ofSeconds(60)).until(() -> parser.status().state() == ParserStatus.State.STREAMING
                    || parser.status().state() == ParserStatus.State.FAILED);
            assertThat(parser.failure()).isNull();
            db.execute("INSERT INTO notls.t VALUES (1)");
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                synchronized (entries) {
                    return entries.stream().anyMatch(e -> e.entryType() == CanalEntry.EntryType.ROWDATA
                            && !e.rowChange().getIsDdl() && e.rowChange().getRowDatasCount() == 1);
                }
            });
        } finally {
            parser.stop();
        }
    }

    @Test
    void requiredAgainstAMasterWithoutTlsStopsTheParserSayingSo(TestDatabase db) {
        assumeNoTls(db);
        BinlogParser parser = parser(db, "REQUIRED", Collections.synchronizedList(new ArrayList<>()));
        try {
            parser.start(null);
            await().atMost(Duration.ofSeconds(60)).until(() -> parser.status().state() == ParserStatus.State.FAILED);
            assertThat(parser.failure()).hasMessageContaining("the master offers no TLS")
                    .hasMessageContaining("canal.instance.master.sslMode = REQUIRED");
        } finally {
            parser.stop();
        }
    }

    private static void assumeNoTls(TestDatabase db) {
        // MySQL 8 (sluice.test.database=mysql) generates certificates at its first start
        String haveSsl = db.query("SHOW VARIABLES LIKE 'have_ssl'").stream().map(r -> r.get("Value")).findFirst()
                .orElse("NO");
        org.junit.jupiter.api.Assumptions.assumeFalse(haveSsl.equalsIgnoreCase("YES"), "the test master serves TLS");
    }
}
