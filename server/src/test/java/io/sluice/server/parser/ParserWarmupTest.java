package io.sluice.server.parser;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ParserWarmupTest {

    @Test
    void decodesBothBundledBinlogsInBothValueModes() {
        // types.bin: 13 rows of the all-types table; large-txn.bin.gz: one transaction of 20,000 rows
        assertThat(ParserWarmup.run()).isEqualTo(2 * (13 + 20_000));
    }
}
