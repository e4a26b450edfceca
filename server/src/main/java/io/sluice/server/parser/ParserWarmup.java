package io.sluice.server.parser;

import io.sluice.server.entry.EntryEncoder;
import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.parser.schema.MemorySchemaHistoryStore;
import io.sluice.server.parser.schema.SchemaHistory;
import io.sluice.server.parser.value.ValueOptions;
import io.sluice.server.sink.EntrySink;
import io.sluice.server.sink.TableFilter;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.time.Duration;
import java.time.ZoneOffset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes two small binlogs bundled with the server (every column type; one transaction of 20,000 rows) through
 * the same deserializers, schema history, decoder and encoder the live parser uses, once, at server start.
 *
 * <p>Why: a destination usually starts when its first client subscribes (canal's lazy start). In a cold JVM the
 * first transaction then waits for class loading (Druid's SQL parser, protobuf, the binlog deserializers) and for
 * the interpreter to decode its rows: about half a second before the first row reaches the client. Done here,
 * before the server reports ready, the first subscribe finds that code loaded and compiled.
 */
public final class ParserWarmup {

    private static final Logger log = LoggerFactory.getLogger(ParserWarmup.class);
    private static final String[] BINLOGS = {"warmup/types.bin", "warmup/large-txn.bin.gz"};

    private ParserWarmup() {
    }

    /**
     * Runs the warm-up; a failure is logged and ignored (it only costs the first transaction its speed).
     *
     * @return rows decoded, -1 when the warm-up failed
     */
    public static long run() {
        long start = System.nanoTime();
        long rows = 0;
        try {
            for (boolean canalValues : new boolean[] {false, true}) {
                for (String binlog : BINLOGS) {
                    rows += decode(binlog, canalValues);
                }
            }
            loadJdbcDriver();
            log.info("decoder warmed up on {} bundled rows in {} ms", rows,
                    Duration.ofNanos(System.nanoTime() - start).toMillis());
            return rows;
        } catch (Exception | LinkageError e) {
            log.warn("decoder warm-up skipped: {}", e.toString());
            return -1;
        }
    }

    private static long decode(String resource, boolean canalValues) throws IOException, InterruptedException {
        EntrySink discard = ParserWarmup::encodeAll;
        BinlogFileParser parser = new BinlogFileParser(
                new ValueOptions(canalValues, ZoneOffset.UTC, StandardCharsets.UTF_8), true,
                new SchemaHistory(new MemorySchemaHistoryStore()), TableFilter.ALL, discard, "warmup-bin.000001");
        try (InputStream raw = ParserWarmup.class.getClassLoader().getResourceAsStream(resource)) {
            if (raw == null) {
                throw new IOException("resource " + resource + " is missing from the server jar");
            }
            InputStream buffered = new BufferedInputStream(raw, 1 << 16);
            parser.parse(resource.endsWith(".gz") ? new GZIPInputStream(buffered, 1 << 16) : buffered);
        }
        return parser.rows();
    }

    /**
     * Loads the JDBC driver's connection path by connecting to a port nobody listens on (refused at once): the
     * first real connection, which reads the table structures, then skips that class loading.
     */
    private static void loadJdbcDriver() throws IOException {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        Properties p = new Properties();
        p.setProperty("user", "warmup");
        p.setProperty("connectTimeout", "1000");
        try (Connection ignored = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/", p)) {
            log.debug("a server answered the warm-up connection on port {}", port);
        } catch (SQLException expected) {
            // refused: the driver's classes are loaded
        }
    }

    private static void encodeAll(List<ParsedEntry> entries) {
        for (ParsedEntry e : entries) {
            EntryEncoder.toBytes(e);
        }
    }
}
