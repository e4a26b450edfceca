package io.sluice.client.rows;

import io.sluice.server.entry.EntryEncoder;
import io.sluice.server.entry.ParsedEntry;
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

/** The server's checked-in binlog fixtures decoded by its parser into the entry bytes a client receives. */
final class FixtureEntryBytes {

    static final Path FIXTURES = Path.of("../server/src/test/resources/fixtures");

    private FixtureEntryBytes() {
    }

    /** Every real binlog checked in (those with a summary). */
    static Stream<String> fixtures() throws IOException {
        try (Stream<Path> files = Files.walk(FIXTURES)) {
            return files.map(Path::toString).filter(p -> p.endsWith(".summary.json"))
                    .map(p -> FIXTURES.relativize(Path.of(p.substring(0, p.length() - ".summary.json".length())))
                            .toString())
                    .sorted().toList().stream();
        }
    }

    /** The fixture's serialized entries; empty for the damaged-file fixture, which is no binlog. */
    static List<byte[]> entries(String fixture, boolean canalValues) throws Exception {
        return entries(FIXTURES.resolve(fixture), canalValues);
    }

    static List<byte[]> entries(Path file, boolean canalValues) throws Exception {
        List<ParsedEntry> parsed = new ArrayList<>();
        BinlogFileParser parser = new BinlogFileParser(
                new ValueOptions(canalValues, ZoneOffset.UTC, StandardCharsets.UTF_8), true,
                new SchemaHistory(new MemorySchemaHistoryStore()), TableFilter.ALL, parsed::addAll,
                file.getFileName().toString());
        try {
            parser.parse(file);
        } catch (IOException notABinlog) {
            return List.of();
        }
        return parsed.stream().map(EntryEncoder::toBytes).toList();
    }
}
