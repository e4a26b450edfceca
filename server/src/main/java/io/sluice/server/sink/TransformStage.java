package io.sluice.server.sink;

import io.sluice.server.entry.ParsedEntry;
import java.util.ArrayList;
import java.util.function.Consumer;

/**
 * One user transform ({@code sluice.instance.transforms}) as a stage. What the transform emits for an entry is
 * handed on once it returns: {@link EntryTransform}'s consumer cannot throw the later stages' interruption, and
 * a transform that throws has then handed on nothing of that entry.
 */
final class TransformStage implements SinkStage {

    private final EntryTransform transform;
    private final ArrayList<ParsedEntry> emitted = new ArrayList<>(2);
    private final Consumer<ParsedEntry> collect = emitted::add;

    TransformStage(EntryTransform transform) {
        this.transform = transform;
    }

    @Override
    public void apply(ParsedEntry entry, Output out) throws InterruptedException {
        emitted.clear(); // what the previous entry emitted, or left after a later stage failed
        transform.apply(entry, collect);
        // the next stages never come back to this one for the same run, so the list is not changed under us
        for (int i = 0, n = emitted.size(); i < n; i++) {
            out.accept(emitted.get(i));
        }
    }
}
