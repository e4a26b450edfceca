package io.sluice.server.snapshot;

import java.util.Locale;

/** {@code sluice.snapshot.mode}: when a destination reads its tables' existing rows before streaming. */
public enum SnapshotMode {
    /** canal's behaviour: changes from the start position on, no existing rows. */
    NEVER,
    /** Once, when the destination has no stored position (its first start). */
    INITIAL,
    /** As INITIAL, and again when the stored position is no longer on the master (purged binlogs). */
    WHEN_NEEDED;

    static SnapshotMode parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT).replace('-', '_')) {
            case "never" -> NEVER;
            case "initial" -> INITIAL;
            case "when_needed" -> WHEN_NEEDED;
            default -> throw new IllegalArgumentException(text);
        };
    }
}
