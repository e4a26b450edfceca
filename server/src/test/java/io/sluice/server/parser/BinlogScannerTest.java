package io.sluice.server.parser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Which binlog file a timestamp start reads first, and how many files it looks at to know. */
@Timeout(30)
class BinlogScannerTest {

    /** n files, file i created at second 1000 + i * step (its first event), probed through a counter. */
    private static final class Files {
        final List<String> names = new ArrayList<>();
        final long[] created;
        final Set<String> probed = new HashSet<>();
        int probes;

        Files(int n, long step) {
            created = new long[n];
            for (int i = 0; i < n; i++) {
                names.add(String.format("mysql-bin.%06d", i + 1));
                created[i] = (1000 + i * step) * 1000;
            }
        }

        long firstEvent(String file) {
            probes++;
            probed.add(file);
            return created[names.indexOf(file)];
        }

        int search(long millis) throws IOException {
            probes = 0;
            return BinlogScanner.lastFileStartedBefore(names, millis, this::firstEvent);
        }
    }

    private static int log2Ceil(int n) {
        return 32 - Integer.numberOfLeadingZeros(n);
    }

    @Test
    void aStartInTheOldestOfThousandsOfFilesProbesLogarithmicallyManyFiles() throws IOException {
        Files files = new Files(4096, 60);
        int at = files.search(files.created[2] + 30_000);
        assertThat(at).isEqualTo(2);
        assertThat(files.probes).isLessThanOrEqualTo(log2Ceil(4096)).isLessThan(4096 / 100);
    }

    @Test
    void everyStartLandsOnTheLastFileCreatedBeforeIt() throws IOException {
        Files files = new Files(100, 10);
        for (int i = 0; i < 100; i++) {
            // in the middle of file i's life, and one millisecond after its creation
            assertThat(files.search(files.created[i] + 5_000)).isEqualTo(i);
            assertThat(files.search(files.created[i] + 1)).isEqualTo(i);
            assertThat(files.probes).isLessThanOrEqualTo(log2Ceil(100));
        }
        assertThat(files.search(files.created[99] + 3_600_000)).isEqualTo(99);
    }

    @Test
    void aStartBeforeEveryFileIsMinusOneSoTheSearchBeginsAtTheOldest() throws IOException {
        Files files = new Files(50, 10);
        assertThat(files.search(files.created[0] - 1)).isEqualTo(-1);
        assertThat(files.search(files.created[0])).isEqualTo(-1);
    }

    @Test
    void aFileCreatedInTheSecondAskedForIsNotTheStartTheFileBeforeItMayEndInThatSecond() throws IOException {
        Files files = new Files(8, 1);
        files.created[5] = files.created[4]; // two files begun in one second (FLUSH LOGS twice)
        files.created[6] = files.created[4];
        assertThat(files.search(files.created[4])).isEqualTo(3);
        assertThat(files.search(files.created[4] + 1)).isEqualTo(6);
    }

    @Test
    void noFilesNoStart() throws IOException {
        assertThat(new Files(0, 1).search(5_000)).isEqualTo(-1);
    }
}
