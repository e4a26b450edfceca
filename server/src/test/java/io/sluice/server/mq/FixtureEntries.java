package io.sluice.server.mq;

import io.sluice.server.entry.EntryEncoder;
import io.sluice.server.entry.ParsedEntry;
import io.sluice.server.entry.StoredEntry;
import io.sluice.server.parser.BinlogFileParser;
import io.sluice.server.parser.schema.MemorySchemaHistoryStore;
import io.sluice.server.parser.schema.SchemaHistory;
import io.sluice.server.parser.value.ValueOptions;
import io.sluice.server.sink.TableFilter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The checked-in binlog fixtures decoded to stored entries, as the store holds them for the MQ publisher. */
final class FixtureEntries {

    static final Path FIXTURES = Path.of("src/test/resources/fixtures");

    private FixtureEntries() {
    }

    /** Fixture binlogs (relative to {@link #FIXTURES}) that have a summary, i.e. every real binlog checked in. */
    static List<String> fixtures(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.map(Path::toString).filter(p -> p.endsWith(".summary.json"))
                    .map(p -> root.relativize(Path.of(p.substring(0, p.length() - ".summary.json".length()))).toString())
                    .sorted().toList();
        }
    }

    /** The fixture's entries; empty for a file that is not a binlog (the damaged-file fixture). */
    static List<StoredEntry> load(Path root, String fixture, boolean canalValues) throws Exception {
        List<ParsedEntry> parsed = new ArrayList<>();
        BinlogFileParser parser = new BinlogFileParser(
                new ValueOptions(canalValues, ZoneOffset.UTC, StandardCharsets.UTF_8), true,
                new SchemaHistory(new MemorySchemaHistoryStore()), TableFilter.ALL, parsed::addAll,
                Path.of(fixture).getFileName().toString());
        try {
            parser.parse(root.resolve(fixture));
        } catch (IOException notABinlog) {
            return List.of();
        }
        return parsed.stream().map(EntryEncoder::encode).toList();
    }
}
