package io.sluice.server.parser;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.protocol.entry.CanalEntry;
import io.sluice.server.entry.EntryEncoder;
import io.sluice.server.entry.ParsedEntry;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every entry decoded from the checked-in binlogs (both value modes) encodes to exactly the bytes protobuf gives for
 * {@code Entry{header, entryType, storeValue = payload}}: the encoder's hand-written row-change path must not show.
 */
class FixtureEncodingTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.sluice.server.parser.FixtureDecodingTest#fixtures")
    void everyDecodedEntryEncodesToProtobufsBytes(String fixture) throws Exception {
        for (boolean canalValues : new boolean[] {false, true}) {
            List<ParsedEntry> entries;
            try {
                entries = FixtureDecodingTest.decode(fixture, canalValues);
            } catch (IOException notABinlog) {
                // the damaged-file fixture decodes nothing; FixtureDecodingTest checks how it fails
                assertThat(notABinlog).hasMessageContaining("Not a valid binary log");
                return;
            }
            for (ParsedEntry e : entries) {
                byte[] expected = CanalEntry.Entry.newBuilder().setHeader(e.header()).setEntryType(e.entryType())
                        .setStoreValue(e.payload().toByteString()).build().toByteArray();
                assertThat(EntryEncoder.toBytes(e)).as("%s (canal values %s) at %s", fixture, canalValues, e.position())
                        .isEqualTo(expected);
            }
        }
    }
}
