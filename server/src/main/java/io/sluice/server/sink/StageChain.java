package io.sluice.server.sink;

import io.sluice.server.entry.ParsedEntry;
import java.util.List;

/**
 * Runs an entry through a destination's stages in order, each piece a stage emits going through the next stage
 * before the stage's next piece does, and then applies the resume rule once to what comes out of the last one
 * ({@link ParsedEntry#resumeSafely}: when one entry became several, every piece but the last resumes before it).
 * The stages themselves never touch resume points, so a split followed by another split is still one rule.
 *
 * <p>"Encode once" is the property of the unfiltered path, not of the sink: a row entry arrives with the bytes
 * the parser wrote ({@link ParsedEntry#encodedEntry()}), a stage that leaves an entry alone passes the same object
 * on, and with no stage, or with stages that all pass it on, {@link StoreSink} stores those bytes as they are.
 * An entry a stage changes is a new object without bytes and is serialized once more in {@link StoreSink}; that
 * is the price of a filter or transform that actually changes something, not of having one configured. This is
 * why stages must not rebuild entries they do not change, and why this class adds no entry of its own.
 *
 * <p>The links between the stages are made once here and what comes out of the last stage goes straight into the
 * caller's list, so an entry that every stage passes on costs no allocation. Not thread-safe: one putting thread
 * per destination.
 */
public final class StageChain {

    private final SinkStage[] stages;
    /**
     * {@code feeds[i]} hands an entry to stage {@code i} (from 1: {@link #run} calls the first stage itself); the
     * last one adds what comes out to {@link #target}.
     */
    private final SinkStage.Output[] feeds;
    /** The list of the run in progress (left set after it: the next run sets its own). */
    private List<ParsedEntry> target;

    public StageChain(List<SinkStage> stages) {
        this.stages = stages.toArray(SinkStage[]::new);
        this.feeds = new SinkStage.Output[this.stages.length + 1];
        feeds[this.stages.length] = e -> target.add(e);
        for (int i = this.stages.length - 1; i >= 1; i--) {
            SinkStage stage = this.stages[i];
            SinkStage.Output next = feeds[i + 1];
            feeds[i] = e -> stage.apply(e, next);
        }
    }

    /** Appends to {@code out} what the stages make of {@code entry}, in order; nothing when a stage drops it. */
    public void run(ParsedEntry entry, List<ParsedEntry> out) throws InterruptedException {
        if (stages.length == 0) {
            out.add(entry);
            return;
        }
        int from = out.size();
        target = out;
        stages[0].apply(entry, feeds[1]);
        if (out.size() - from > 1) {
            List<ParsedEntry> pieces = out.subList(from, out.size());
            List<ParsedEntry> safe = ParsedEntry.resumeSafely(pieces, entry);
            for (int i = 0; i < safe.size(); i++) {
                pieces.set(i, safe.get(i));
            }
        }
    }
}
