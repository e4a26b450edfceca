package io.sluice.server.parser;

import com.github.shyiko.mysql.binlog.BinaryLogFileReader;
import com.github.shyiko.mysql.binlog.event.Event;
import io.sluice.server.parser.event.BinlogEventDeserializer;
import io.sluice.server.parser.schema.SchemaHistory;
import io.sluice.server.parser.value.ValueOptions;
import io.sluice.server.position.BinlogPosition;
import io.sluice.server.sink.EntrySink;
import io.sluice.server.sink.TableFilter;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Decodes binlog files into the same entries the live parser produces, with the same deserializers and the
 * same conversion: for fixture tests, benchmarks and offline inspection. Files given one after another continue
 * one stream (a ROTATE at the end of one file leads into the next). A {@code .gz} file is unpacked on the fly.
 */
public final class BinlogFileParser {

    private final ValueOptions options;
    private final EventConverter converter;
    private final TransactionBuffer buffer;
    private final ParserCounters counters = new ParserCounters();

    public BinlogFileParser(ValueOptions options, boolean gtidMode, SchemaHistory history, TableFilter filter,
                            EntrySink sink, String firstFileName) {
        this(options, gtidMode, history, filter, sink, firstFileName, TransactionBuffer.DEFAULT_CHUNK);
    }

    /** @param transactionSize entries per sink hand-off of a large transaction */
    public BinlogFileParser(ValueOptions options, boolean gtidMode, SchemaHistory history, TableFilter filter,
                            EntrySink sink, String firstFileName, int transactionSize) {
        this.options = options;
        BinlogPosition start = BinlogPosition.of(firstFileName, 4);
        this.buffer = new TransactionBuffer(sink, transactionSize, null);
        this.converter = new EventConverter(gtidMode, options, history, filter, null, buffer, counters, start);
    }

    /** Decodes one whole file. */
    public void parse(Path file) throws IOException, InterruptedException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
             InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw) {
            parse(in);
        }
    }

    /** Decodes a whole binlog file's bytes (magic number first). */
    public void parse(InputStream in) throws IOException, InterruptedException {
        try (BinaryLogFileReader reader = new BinaryLogFileReader(in, new BinlogEventDeserializer(options.defaultCharset()))) {
            for (Event event = reader.readEvent(); event != null; event = reader.readEvent()) {
                converter.accept(event);
            }
        }
        buffer.flush();
    }

    public long rows() {
        return counters.rows;
    }

    public long transactions() {
        return counters.transactions;
    }
}
