package io.sluice.client.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/** One line per scenario run in {@code target/reliability-figures.txt}, the source of docs/reliability.md. */
final class Figures {

    private Figures() {
    }

    static int rounds(int ciDefault) {
        return Integer.getInteger("sluice.reliability.rounds", ciDefault);
    }

    static void record(String scenario, int rounds, long written, long lost, long duplicates, long worstRecoveryMs) {
        record(scenario, rounds, written, lost, duplicates, 0, worstRecoveryMs);
    }

    /** {@code ackedAgain}: changes delivered again although their ack had been answered. */
    static void record(String scenario, int rounds, long written, long lost, long duplicates, long ackedAgain,
                       long worstRecoveryMs) {
        String line = String.format("%s | %s | rounds=%d | written=%d | lost=%d | duplicates=%d | acked again=%d | "
                + "worst recovery=%d ms%n", Instant.now(), scenario, rounds, written, lost, duplicates, ackedAgain,
                worstRecoveryMs);
        System.out.print(line);
        try {
            Path file = Path.of("target", "reliability-figures.txt");
            Files.createDirectories(file.getParent());
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
