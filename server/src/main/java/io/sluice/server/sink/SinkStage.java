package io.sluice.server.sink;

import io.sluice.server.entry.ParsedEntry;

/**
 * One step of a destination's sink (a filter, a lookup, a user transform): each entry in, zero or more out, in
 * order, handed on to the next step before the stage returns. Every entry kind may come through (BEGIN/END,
 * rows, DDL; heartbeats stop at the table and kind filter); a stage passes what it does not deal with on as the
 * same object, so that an entry nobody changes keeps the bytes the parser encoded.
 *
 * <p>A stage keeps the positions of what it emits: {@link StageChain} sets the resume points of the pieces of a
 * split entry, once, after the last stage. Called from one thread per destination.
 */
@FunctionalInterface
public interface SinkStage {

    void apply(ParsedEntry entry, Output out) throws InterruptedException;

    /** Where a stage hands what it emits: the next stage, or what the chain collects after the last one. */
    @FunctionalInterface
    interface Output {
        void accept(ParsedEntry entry) throws InterruptedException;
    }
}
