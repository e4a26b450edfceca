package io.sluice.server.parser;

import io.sluice.server.position.ResumePoint;

/**
 * Something that produces a destination's entries into the sink it was built with: the binlog parser of one
 * master, several of them merged, or a snapshot reader followed by a parser. It runs on its own thread(s);
 * {@code start} returns at once.
 */
public interface ChangeSource extends AutoCloseable {

    /**
     * Starts producing.
     *
     * @param resume where to continue (from the meta's last ack); null = the configured first-start position
     *               (file+offset, GTID set, timestamp) or, failing that, the master's current position
     */
    void start(ResumePoint resume);

    /** Stops producing and waits for the source's threads to end; entries not yet put are dropped. */
    void stop();

    /** True while started and not failed for good. */
    boolean isRunning();

    @Override
    default void close() {
        stop();
    }
}
