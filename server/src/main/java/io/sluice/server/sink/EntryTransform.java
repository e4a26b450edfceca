package io.sluice.server.sink;

import io.sluice.server.entry.ParsedEntry;
import java.util.function.Consumer;

/**
 * A user hook that rewrites entries after the filters and before serialization: each entry in, zero or more
 * out, in order. Named by class in {@code sluice.instance.transforms}; built with a public constructor taking
 * {@link java.util.Properties} (the destination's resolved keys, so a transform reads its own settings) or a
 * public no-arg one. Called from one thread per destination. An exception stops the destination's source
 * before the entry is stored, so nothing is lost: the source restarts from the last ack.
 *
 * <p>Transforms see every entry kind (BEGIN/END, rows, DDL); a transform that only cares about rows passes
 * the others through unchanged. Positions must be kept: the entry's resume point is what an ack of it means.
 */
@FunctionalInterface
public interface EntryTransform {

    void apply(ParsedEntry entry, Consumer<ParsedEntry> out);
}
